"""Data only: fonts, icons, styles and the bundled sample blog."""

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
SAMPLE_BLOG_DIR = RESOURCES_DIR / "sample_blog"
FONTS_DIR = RESOURCES_DIR / "fonts"
ICONS_DIR = RESOURCES_DIR / "icons"
