"""Pixels: the reference book rendered with pdftoppm and compared page by page with reference images.

The references live in tests/fixtures/pdf_reference/ and were rendered on the project's machine with the bundled
fonts (and Debian's fonts-wqy-microhei for CJK). After an intended change of the layout, look at the new pages and
regenerate them:

    THREADBOOK_UPDATE_REFERENCES=1 python -m pytest tests/exporters/test_pdf_reference.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from anthology_fixtures import make_book_anthology, png_bytes
from PIL import Image, ImageChops, ImageStat

from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_pdf

REFERENCES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf_reference"
DPI = 40
MAX_MEAN_DIFFERENCE = 0.25  # mean absolute grey-level difference per page (0-255); renders here differ by 0.0
UPDATE = os.environ.get("THREADBOOK_UPDATE_REFERENCES") == "1"

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")


def _render_pages(folder: Path) -> list[Path]:
    options = PdfOptions(cover_image=png_bytes(900, 500, (70, 110, 160)))
    pdf = render_pdf(make_book_anthology(), out_path=folder / "book.pdf", options=options)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def mean_difference(a: Path, b: Path) -> float:
    """Mean absolute difference of two grey images (the second resized if the sizes differ)."""
    with Image.open(a) as first, Image.open(b) as second:
        one, two = first.convert("L"), second.convert("L")
        if one.size != two.size:
            two = two.resize(one.size)
        return float(ImageStat.Stat(ImageChops.difference(one, two)).mean[0])


def test_pages_match_the_references(tmp_path: Path) -> None:
    pages = _render_pages(tmp_path)
    if UPDATE:
        REFERENCES.mkdir(parents=True, exist_ok=True)
        for old in REFERENCES.glob("page-*.png"):
            old.unlink()
        for page in pages:
            shutil.copy(page, REFERENCES / page.name)
        pytest.skip(f"wrote {len(pages)} reference pages to {REFERENCES}")
    references = sorted(REFERENCES.glob("page-*.png"))
    assert references, "no reference pages: run with THREADBOOK_UPDATE_REFERENCES=1"
    assert [p.name for p in pages] == [r.name for r in references], "the book has a different number of pages"
    differences = {page.name: mean_difference(page, ref) for page, ref in zip(pages, references, strict=True)}
    worst = max(differences, key=lambda name: differences[name])
    assert differences[worst] <= MAX_MEAN_DIFFERENCE, (worst, differences[worst], differences)


def test_the_comparison_notices_a_moved_line(tmp_path: Path) -> None:
    """The tolerance is tight enough that text shifted down by one line fails."""
    references = sorted(REFERENCES.glob("page-*.png"))
    if not references:
        pytest.skip("no reference pages yet")
    page = references[5]  # a page of running text
    with Image.open(page) as image:
        shifted = Image.new("L", image.size, 255)
        shifted.paste(image.convert("L"), (0, 6))  # about one line of text at 40 dpi
        shifted.save(tmp_path / "shifted.png")
    assert mean_difference(tmp_path / "shifted.png", page) > MAX_MEAN_DIFFERENCE
