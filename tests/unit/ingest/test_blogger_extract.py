"""Blogger pages (our own, in Blogger's markup) read by the extractor: each against its `<name>.expected.json`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from ingest.extract import detect_platform, extract_post_page
from ingest.platforms import blogger

FIXTURES = Path(__file__).parents[2] / "fixtures" / "platforms" / "blogger"
PAGES = sorted(path.name.removesuffix(".expected.json") for path in FIXTURES.glob("*.expected.json"))


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def test_there_are_fixture_pages_for_every_layout() -> None:
    assert {"classic_threaded", "legacy_comments_block_fr", "contempo_custom_domain", "load_more"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_page_matches_its_expected_post_and_thread(name: str) -> None:
    expected = _expected(name)
    page = extract_post_page((FIXTURES / f"{name}.html").read_bytes(), expected["url"])
    assert page.platform == "blogger"
    assert page.is_post and page.post is not None
    post = page.post
    assert post.title == expected["title"]
    assert post.author == expected["author"]
    assert _iso(post.published_at) == expected["published_at"]
    assert list(post.categories) == expected["categories"]
    assert post.comment_count_expected == expected["stated_comment_count"]
    for phrase in expected["body_contains"]:
        assert phrase in post.body_md
    got = [
        {"id": c.source_id, "parent": c.parent_source_id, "author": c.author, "published_at": _iso(c.published_at)}
        for c in page.comments
    ]
    assert got == expected["comments"]
    assert len(page.comments) == expected["comment_count"]


def test_classic_page_keeps_threading_and_exact_times_from_the_permalinks() -> None:
    page = extract_post_page(
        (FIXTURES / "classic_threaded.html").read_bytes(),
        "https://kettleandcompost.blogspot.com/2024/03/rhubarb-forcing-jars.html",
    )
    assert page.post is not None and page.post.source_id == "5528193047716253301"
    by_id = {c.source_id: c for c in page.comments}
    assert by_id["8812345001234567002"].depth == 1
    assert by_id["8812345001234567004"].parent_source_id == "8812345001234567001"
    # showComment=1709665320000 is 19:02 UTC; the visible text says 11:02 AM (Pacific)
    assert _iso(by_id["8812345001234567001"].published_at) == "2024-03-05T19:02:00+00:00"
    # a deleted comment keeps the text Blogger shows every visitor
    assert by_id["8812345001234567003"].body_md == "This comment has been removed by the author."
    # the Recent Comments widget repeats a comment's id: it is not a second copy, and its text is not a body
    assert len(page.comments) == 4
    assert "Reply" not in " ".join(c.body_md for c in page.comments)
    assert "Delete" not in " ".join(c.body_md for c in page.comments)


def test_popular_posts_widget_does_not_lend_its_title_or_author() -> None:
    page = extract_post_page(
        (FIXTURES / "contempo_custom_domain.html").read_bytes(),
        "https://www.fenwalknotes.org/2023/11/mapping-the-hedgerow.html",
    )
    assert page.post is not None
    assert page.post.title == "Mapping the hedgerow"
    assert page.post.author == "Ines Harrow"
    assert "Wellies" not in page.post.body_md


def test_legacy_comment_body_is_plain_text_not_a_definition_list() -> None:
    page = extract_post_page(
        (FIXTURES / "legacy_comments_block_fr.html").read_bytes(),
        "http://carnetdemireille.blogspot.com/2009/05/premier-compost.html",
    )
    first = page.comments[0]
    assert first.body_md.startswith("Un tiers de patience")
    assert first.author_url == "http://www.blogger.com/profile/03312298877665544332"
    assert "a dit" not in " ".join(c.author for c in page.comments)


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        (
            "<html><head><meta content='blogger' name='generator'/></head><body><p>x</p></body></html>",
            "https://www.example.org/2024/01/a.html",
            True,
        ),
        ("<html><body><p>hello</p></body></html>", "https://someone.blogspot.com/2024/01/a.html", True),
        ("<html><body><div class='widget Blog' id='Blog1'><p>x</p></div></body></html>", "https://x.org/", True),
        (
            "<html><head><link rel='stylesheet' href='https://www.blogger.com/static/v1/widgets/1-css_bundle.css'>"
            "</head><body></body></html>",
            "https://x.org/",
            True,
        ),
        ("<html><body><div class='blog-post hentry'><p>x</p></div></body></html>", "https://x.org/", True),
        ("<html><body><div class='post'><h3 class='post-title'>A</h3></div></body></html>", "https://x.org/", False),
        (
            "<html><head><link rel='stylesheet' href='/wp-content/themes/x/style.css'></head><body></body></html>",
            "https://x.blogspot.com/",
            False,
        ),  # WordPress asks first and claims it
    ],
)
def test_detection(html: str, url: str, expected: bool) -> None:
    assert (detect_platform(html, url) == "blogger") is expected


def test_prepare_is_idempotent_and_leaves_the_html_string_alone() -> None:
    raw = (FIXTURES / "legacy_comments_block_fr.html").read_text(encoding="utf-8")
    url = "http://carnetdemireille.blogspot.com/2009/05/premier-compost.html"
    doc = lxml.html.document_fromstring(raw)
    blogger.prepare(doc, url)
    once = lxml.html.tostring(doc)
    blogger.prepare(doc, url)
    assert lxml.html.tostring(doc) == once
    assert len(doc.xpath(f"//*[@{blogger.LEGACY_MARK}]")) == 3
    assert extract_post_page(raw, url).comments == extract_post_page(raw, url).comments


@pytest.mark.parametrize("name", PAGES)
def test_truncated_and_mangled_pages_never_crash(name: str) -> None:
    raw = (FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    url = _expected(name)["url"]
    for cut in (len(raw) // 5, len(raw) // 2, len(raw) * 4 // 5):
        extract_post_page(raw[:cut], url)
    extract_post_page(raw.replace("</li>", "").replace("</dd>", "<dd>"), url)
    extract_post_page(raw.replace("showComment=", "showComment=9" * 30), url)
    extract_post_page(raw.replace("<dt", "<dd").replace("id='c", "id='x"), url)


def test_item_urls() -> None:
    assert blogger.is_item_url("https://a.blogspot.com/2024/03/x.html")
    assert not blogger.is_item_url("https://a.blogspot.com/p/about.html")
    assert not blogger.is_item_url("https://a.blogspot.com/search/label/x")
