"""Serendipity (s9y): which pages the `serendipity` platform claims, and the thread it reads from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import detect_platform, extract_post_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms"
ENTRY = FIXTURES / "serendipity" / "s9y_entry.html"
URL = "https://werkstatt.example.de/archives/318-Der-Kachelofen-zieht-wieder.html"


def test_s9y_entry_is_claimed_by_its_generator_tag_or_its_classes() -> None:
    html = ENTRY.read_text(encoding="utf-8")
    assert detect_platform(html, URL) == "serendipity"
    assert detect_platform(html.replace("Serendipity v.2.3.5", "unknown"), URL) == "serendipity"


@pytest.mark.parametrize(
    "path", ["generic/no_comments_related_sidebar.html", "hatena/hatena_blog_entry.html", "wordpress/epoch.html"]
)
def test_other_platforms_pages_are_not_claimed(path: str) -> None:
    assert detect_platform((FIXTURES / path).read_bytes(), "https://blog.example/post") != "serendipity"


def test_s9y_nested_reply_keeps_its_parent_and_its_body_only() -> None:
    page = extract_post_page(ENTRY.read_bytes(), URL)
    assert page.post is not None
    assert (page.post.author, page.post.source_id, page.post.comment_count_expected) == ("Hannes Brandt", "318", 3)
    assert "Kommentare" not in page.post.body_md
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.body_md) for c in page.comments]
    assert got == [
        ("1024", None, 0, "Gerda K.", "Ein Nest im Januar? Die Vögel waren aber früh dran."),
        ("1025", "1024", 1, "Hannes Brandt", "Es war ein altes Nest vom letzten Frühjahr."),
        ("1030", None, 0, "Ofenbau Meier", "Ein Gitter auf dem Schornstein hilft dagegen."),
    ]
    assert page.comments[2].author_url == "http://ofenbau.example/"
    assert page.comments[1].published_at is not None and page.comments[1].published_at.isoformat() == (
        "2021-01-17T22:10:00+01:00"
    )


def test_s9y_default_template_rows_are_read_and_its_source_line_left_out_of_the_body() -> None:
    html = (FIXTURES / "serendipity" / "s9y_default_template.html").read_bytes()
    page = extract_post_page(html, "https://allotment.example/archives/77-Cold-frames-in-March.html")
    assert page.platform == "serendipity"
    assert page.post is not None
    assert (page.post.title, page.post.author, page.post.source_id) == ("Cold frames in March", "Ada Price", "77")
    assert page.post.comment_count_expected == 2
    assert page.post.published_at is not None and page.post.published_at.date().isoformat() == "2024-03-10"
    got = [(c.source_id, c.author, c.published_at and c.published_at.isoformat(), c.body_md) for c in page.comments]
    # Flat rows indented by padding-left: the reply comes out top level (see ingest/platforms/serendipity.py).
    assert got == [
        ("301", "Tom", "2024-03-10T19:20:00", "Mine bolted last year. Shade cloth helps."),
        ("302", "Ada Price", "2024-03-10T21:02:00", "Good idea, I have an old net curtain somewhere."),
    ]
    assert page.comments[0].author_url == "http://tomsplot.example/"
