"""Exporter test fixtures: the hand-made anthology, and its PDF built once per session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from anthology_fixtures import make_anthology

from storage.records import Anthology


@pytest.fixture
def anthology() -> Anthology:
    return make_anthology()


@pytest.fixture(scope="session")
def anthology_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main anthology rendered once (A4, default options); tests only read it."""
    from exporters.pdf.render import render_pdf

    out = tmp_path_factory.mktemp("pdf") / "anthology.pdf"
    return render_pdf(make_anthology(), out_path=out)


@pytest.fixture(scope="session")
def page_images(anthology_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every page of the main PDF as a 50 dpi PNG (pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("pages")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(anthology_pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))
