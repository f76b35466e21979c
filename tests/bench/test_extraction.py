"""The extraction benchmark's corpus and output check: every fixture page once with its URL, a dump that compares
equal to itself and flags a changed extraction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import extraction, extraction_check


def test_the_corpus_holds_every_fixture_page_once_with_its_recorded_url() -> None:
    pages = extraction.load_corpus()
    names = [page.name for page in pages]
    assert len(pages) >= 170 and len(names) == len(set(names))
    by_name = {page.name: page for page in pages}
    assert by_name["resources/sample_blog/2024/03/05/tell-us-about-your-first-press/comment-page-2/index.html"].url == (
        "http://sample-blog.test/2024/03/05/tell-us-about-your-first-press/comment-page-2/"
    )
    assert by_name["tests/fixtures/wordpress_real/twentytwentyone-plain-paged/post-7.html"].url == (
        "http://127.0.0.1:8080/?p=7"
    )
    assert all(page.url.startswith("http") and page.html for page in pages)


def test_the_synthetic_corpus_is_comment_heavy() -> None:
    pages = extraction.synthetic_corpus(posts=3, comments=120)
    assert len(pages) == 3
    assert extraction.run_threadbook(pages) == 120


def test_the_output_check_passes_on_itself_and_names_a_changed_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [page for page in extraction.load_corpus() if "wp_classic_post" in page.name]
    assert pages
    extraction_check.write(tmp_path, pages)
    assert extraction_check.compare(tmp_path, pages) == []
    saved = next(tmp_path.iterdir())
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["captured"]["post"]["title"] += " (changed)"
    saved.write_text(json.dumps(data), encoding="utf-8")
    differing = extraction_check.compare(tmp_path, pages)
    assert len(differing) == 1 and ".captured.post.title" in differing[0]


def test_the_benchmark_prints_both_rates_and_the_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("trafilatura")
    few = extraction.load_corpus()[:6]
    monkeypatch.setattr(extraction, "load_corpus", lambda: few)
    assert extraction.main(["--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "threadbook:" in out and "trafilatura:" in out and "x trafilatura's pages/s" in out
