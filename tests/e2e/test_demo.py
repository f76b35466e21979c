"""`threadbook demo`: the sample blog archived and bound into a PDF whose outline, text and pages are right."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from desktop.demo import DemoResult, run_demo

WORD = re.compile(r"\w+", re.UNICODE)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


def _flatten(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    entries: list[tuple[int, str]] = []
    for item in outline:
        if isinstance(item, list):
            entries.extend(_flatten(item, depth + 1))
        else:
            entries.append((depth, item.title))
    return entries


def _series_truth(truth: dict[str, Any], name: str) -> list[dict[str, Any]]:
    parts = [p for p in truth["posts"] if p["series"] and p["series"]["name"] == name]
    return sorted(parts, key=lambda p: p["series"]["number"])


def test_demo_writes_archive_json_and_pdf(demo: DemoResult) -> None:
    assert demo.db_path.exists() and demo.json_path.exists() and demo.pdf_path.exists()
    assert demo.report.posts_found >= 12 and demo.report.comments_total >= 30


def test_pdf_outline_lists_the_series_in_order(demo: DemoResult, truth: dict[str, Any]) -> None:
    parts = _series_truth(truth, demo.series)
    assert len(parts) >= 6
    reader = PdfReader(demo.pdf_path)
    top = [title for depth, title in _flatten(reader.outline) if depth == 0]
    titles = [p["title"] for p in parts]
    assert [t for t in top if t in titles] == titles
    assert reader.metadata is not None and reader.metadata.title == demo.series


def test_pdf_text_has_every_title_and_comment(demo: DemoResult, truth: dict[str, Any]) -> None:
    reader = PdfReader(demo.pdf_path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    words = set(w.lower() for w in WORD.findall(text))
    for part in _series_truth(truth, demo.series):
        squeezed = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", part["title"]) in squeezed, part["title"]
        for comment in part["comments"]:
            assert comment["author"].split()[0] in text, comment["author"]
            comment_words = {w.lower() for w in WORD.findall(comment["text"]) if len(w) > 3}
            assert comment_words <= words, (comment["id"], comment_words - words)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_pdf_pages_render(demo: DemoResult, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(demo.pdf_path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(demo.pdf_path).pages)
    fonts = subprocess.run(["pdffonts", str(demo.pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded


def test_demo_command_runs_offline(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "demo", "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "PDF:" in result.stdout and (tmp_path / "d" / "archive.sqlite").exists()
