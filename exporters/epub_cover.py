"""A cover picture for the EPUB: the title, subtitle, dates and editor set on a quiet page with Pillow, so the
book has a face in e-readers' libraries (an XHTML-only cover shows as a blank or generic thumbnail).

Fonts are the PDF's: the bundled Noto Serif, DejaVu Sans for what it lacks, the system's CJK font for Chinese,
Japanese and Korean. A line is set in the first font that has every one of its characters; when none has, or when
right-to-left text can't be shaped (Pillow without libraqm), there is no picture and the EPUB keeps its typographic
XHTML cover.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, features

from exporters.errors import FontMissing
from exporters.pdf import fonts

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 1800  # 2:3, what e-book stores ask for
MARGIN = 150
PAPER = (244, 239, 229)
INK = (33, 33, 31)
MUTED = (96, 94, 88)
ACCENT = (122, 92, 30)
FontChoice = tuple[str, int]  # (file, index in a collection)


@dataclass(frozen=True, slots=True)
class _Face:
    covers: frozenset[int]
    regular: FontChoice
    bold: FontChoice
    italic: FontChoice


@functools.cache
def _faces() -> tuple[_Face, ...]:
    folder = fonts.FONTS_DIR
    faces = [
        _Face(
            fonts.family("serif").covers,
            (str(folder / "NotoSerif-Regular.ttf"), 0),
            (str(folder / "NotoSerif-Bold.ttf"), 0),
            (str(folder / "NotoSerif-Italic.ttf"), 0),
        ),
        _Face(
            fonts.fallback_family().covers,
            (str(folder / "DejaVuSans.ttf"), 0),
            (str(folder / "DejaVuSans-Bold.ttf"), 0),
            (str(folder / "DejaVuSans-Oblique.ttf"), 0),
        ),
    ]
    try:
        cjk = fonts.cjk_family().covers
    except FontMissing:
        return tuple(faces)
    found = fonts.locate_cjk_font()
    if found is not None:
        faces.append(_Face(cjk, found, found, found))
    return tuple(faces)


def _needs(text: str) -> set[int]:
    return {ord(c) for c in text if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc", "Mn")}


def _face_for(text: str) -> _Face | None:
    needed = _needs(text)
    return next((face for face in _faces() if needed <= face.covers), None)


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _font(choice: FontChoice, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(choice[0], size=size, index=choice[1])


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of `text` no wider than `width` pixels: at spaces, or between characters for text without them."""
    lines: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", text):
        candidate = current + word
        if font.getlength(candidate.rstrip()) <= width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        while font.getlength(word.rstrip()) > width:  # a long word, or CJK without spaces: break between characters
            cut = max(1, next((n for n in range(len(word), 0, -1) if font.getlength(word[:n]) <= width), 1))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _fit(
    text: str, choice: FontChoice, *, start: int, smallest: int, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    size = start
    while True:
        font = _font(choice, size)
        lines = _wrap(text, font, WIDTH - 2 * MARGIN)
        if len(lines) <= max_lines or size <= smallest:
            return font, lines[:max_lines]
        size -= 6


def cover_png(title: str, *, subtitle: str = "", dates: str = "", editor: str = "") -> bytes | None:
    """The cover as PNG bytes, or None when the title can't be set (no font has its characters, or it is
    right-to-left and Pillow can't shape it). A subtitle or editor that can't be set is left off."""
    if _rtl(title + subtitle + editor) and not features.check("raqm"):
        return None
    face = _face_for(title)
    if face is None:
        return None
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, WIDTH - 61, HEIGHT - 61), outline=INK, width=4)
    draw.rectangle((78, 78, WIDTH - 79, HEIGHT - 79), outline=INK, width=1)
    font, lines = _fit(title, face.bold, start=118, smallest=54, max_lines=7)
    y: float = 430 - min(len(lines), 4) * 30
    y = _draw_lines(draw, lines, font, y, INK)
    y += 40
    draw.line((WIDTH / 2 - 90, y, WIDTH / 2 + 90, y), fill=ACCENT, width=4)
    y += 70
    sub_face = _face_for(subtitle) if subtitle else None
    if sub_face is not None:
        sub_font, sub_lines = _fit(subtitle, sub_face.italic, start=60, smallest=40, max_lines=4)
        _draw_lines(draw, sub_lines, sub_font, y, MUTED)
    bottom = HEIGHT - 200
    editor_line = f"Edited by {editor}" if editor else ""
    for text, color in ((editor_line, INK), (dates, MUTED)):
        line_face = _face_for(text) if text else None
        if line_face is None:
            continue
        line_font, line_lines = _fit(text, line_face.regular, start=46, smallest=32, max_lines=2)
        height = _line_height(line_font) * len(line_lines)
        _draw_lines(draw, line_lines, line_font, bottom - height, color)
        bottom -= height + 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int((ascent + descent) * 1.15)


def _draw_lines(
    draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, y: float, color: tuple[int, int, int]
) -> float:
    step = _line_height(font)
    for line in lines:
        direction = "rtl" if _rtl(line) and features.check("raqm") else None
        width = draw.textlength(line, font=font, direction=direction)
        draw.text(((WIDTH - width) / 2, y), line, font=font, fill=color, direction=direction)
        y += step
    return y
