"""Reading blog pages for discovery: site facts, entry links, next-page links, single-post detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.listing import page_number, read_blog_page, site_title

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "discovery"
BASE = "http://blog.example/"


def fixture(rel: str) -> str:
    return (FIXTURES / rel).read_text(encoding="utf-8")


def test_wordpress_home_page_facts_and_entries() -> None:
    page = read_blog_page(fixture("wp/index.html"), BASE)
    assert page.title == "The Potting Shed"
    assert page.site_name == "The Potting Shed"
    assert page.language == "en-GB"
    assert page.is_wordpress
    assert not page.is_single_post
    assert page.feed_urls == ("http://blog.example/feed/",)  # the comments feed is left out
    assert page.post_urls == (
        "http://blog.example/2023/12/01/a-year-on-plot-14/",
        "http://blog.example/2023/11/01/mulching-before-the-frost/",
        "http://blog.example/2023/10/02/garlic-goes-in/",
        "http://blog.example/2023/09/02/leaf-mould-for-nothing/",
        "http://blog.example/2023/08/03/saving-tomato-seed/",
    )
    assert page.next_urls == ("http://blog.example/page/2/",)
    assert page.home_url == BASE


def test_wordpress_single_post_is_recognised() -> None:
    url = "http://blog.example/2023/12/01/a-year-on-plot-14/"
    page = read_blog_page(fixture("wp/2023/12/01/a-year-on-plot-14/index.html"), url)
    assert page.is_single_post
    assert page.canonical_url == url
    assert site_title(page.page_title, last=True) == "The Potting Shed"


def test_static_page_is_not_a_post() -> None:
    page = read_blog_page(fixture("wp/about/index.html"), "http://blog.example/about/")
    assert not page.is_single_post


def test_generic_listing_entries_and_next_page() -> None:
    page = read_blog_page(fixture("generic/index.html"), BASE)
    assert not page.is_wordpress
    assert page.title == "Field Notes on Clocks"
    assert page.post_urls == (
        "http://blog.example/posts/a-longcase-clock-comes-home.html",
        "http://blog.example/posts/beat-setting-by-ear.html",
        "http://blog.example/posts/restoring-a-dial.html",
    )
    assert page.next_urls == ("http://blog.example/archive/2.html",)
    last = read_blog_page(fixture("generic/archive/3.html"), "http://blog.example/archive/3.html")
    assert last.next_urls == ()


def test_generic_single_post_by_structure() -> None:
    html = """<html><head><title>Gears – Clock Notes</title></head><body>
    <article><h1 class="entry-title">Gears</h1><p>Text</p></article>
    <section id="comments"><p>No comments yet.</p></section></body></html>"""
    assert read_blog_page(html, BASE + "gears/").is_single_post
    og = '<html><head><meta property="og:type" content="article"></head><body><p>x</p></body></html>'
    assert read_blog_page(og, BASE + "x/").is_single_post


def test_older_posts_link_text_and_page_numbers() -> None:
    html = """<html><body><article><h2><a href="/p/1">One</a></h2></article>
    <div class="pager"><a href="/archive?page=3">« Older Entries</a>
    <a href="/page/9/">9</a> <a href="/page/2/">2</a></div>
    </body></html>"""
    page = read_blog_page(html, BASE)
    assert "http://blog.example/archive?page=3" in page.next_urls
    assert "http://blog.example/page/2/" in page.next_urls
    assert "http://blog.example/page/9/" not in page.next_urls


def test_broken_or_empty_html_does_not_raise() -> None:
    for html in ("", "   ", "<<<>>>", "\x00\x01", "<html><body><a href='http://[::1'>x</a></body></html>"):
        page = read_blog_page(html, BASE)
        assert page.post_urls == ()


@pytest.mark.parametrize(
    ("url", "number"),
    [(BASE, 1), (BASE + "page/3/", 3), (BASE + "?paged=4", 4), (BASE + "archive?page=2", 2), (BASE + "page/x/", 1)],
)
def test_page_number(url: str, number: int) -> None:
    assert page_number(url) == number


def test_site_title_strips_tagline() -> None:
    assert site_title("The Potting Shed – Notes from a small allotment") == "The Potting Shed"
    assert site_title("Plain") == "Plain"
    assert site_title("A post | My Blog", last=True) == "My Blog"
