"""A big book from the benchmark's generator, in two processes: every contents line still names its post's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench.export import make_anthology
from exporters.pdf.options import PdfOptions
from exporters.pdf.render import render_book


@pytest.mark.slow
def test_a_big_book_in_two_processes_keeps_contents_outline_and_notes_in_step(tmp_path: Path) -> None:
    anthology = make_anthology(120)
    report = render_book(anthology, out_path=tmp_path / "big.pdf", options=PdfOptions(workers=2))
    assert report.workers == 2 and report.chunks > 4 and report.pages > 900
    reader = PdfReader(report.path)
    labels = reader.page_labels
    posts = [entry for entry in reader.outline if not isinstance(entry, list)][2:-1]  # less Contents, Intro, Colophon
    assert [entry.title for entry in posts] == [post.title for post in anthology.posts]
    starts = [reader.get_destination_page_number(entry) for entry in posts]
    contents = "".join(reader.pages[n].extract_text() for n in range(2, starts[0]) if labels[n].isalpha())
    printed = [label for label in re.findall(r"\.{3,}\s*(\d+)\s*$", contents, flags=re.MULTILINE)]
    assert printed == [labels[start] for start in starts]
    for start, post in zip(starts[::17], anthology.posts[::17], strict=True):
        page = reader.pages[start].extract_text()
        assert post.title in page and page.strip().endswith(labels[start])
        assert re.search(r"^\s*1\.\s+https://ref\.example/", page, flags=re.MULTILINE)  # its first footnote
