"""discover_blog on small fixture sites served over loopback: which posts, in what order, at what cost."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Route, RouteServer, serve_site

from ingest.discover import Discovery, discover_blog
from ingest.errors import BadUrl, NotABlog
from ingest.fetch import Fetcher, FetchSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "discovery"
REPO = Path(__file__).resolve().parents[3]

# The WordPress-like fixture: 12 public posts, oldest first (see make_fixtures.py).
WP_POSTS = [
    "/2023/01/05/digging-the-first-bed/",
    "/2023/02/04/seed-catalogues-in-january/",
    "/2023/03/06/chitting-potatoes-on-the-windowsill/",
    "/2023/04/05/a-cold-frame-from-old-windows/",
    "/2023/05/05/slugs-and-what-i-tried/",
    "/2023/06/04/broad-beans-at-last/",
    "/2023/07/04/the-courgette-glut/",
    "/2023/08/03/saving-tomato-seed/",
    "/2023/09/02/leaf-mould-for-nothing/",
    "/2023/10/02/garlic-goes-in/",
    "/2023/11/01/mulching-before-the-frost/",
    "/2023/12/01/a-year-on-plot-14/",
]
ROBOTS_HIDDEN = "/2023/06/20/members-only-plot-rota/"
CLOCK_POSTS = [
    "/posts/escapement-basics.html",
    "/posts/why-pendulums-keep-time.html",
    "/posts/cleaning-a-movement.html",
    "/posts/the-fusee-explained.html",
    "/posts/mainsprings-and-their-moods.html",
    "/posts/restoring-a-dial.html",
    "/posts/beat-setting-by-ear.html",
    "/posts/a-longcase-clock-comes-home.html",
]


def fetcher() -> Fetcher:
    return Fetcher(FetchSettings(delay=0.0, backoff=0.0, timeout=(2.0, 2.0)))


@pytest.fixture
def wp() -> Iterator[RouteServer]:
    with serve_site(FIXTURES / "wp") as server:
        yield server


def paths(server: RouteServer, discovery: Discovery) -> list[str]:
    assert all(url.startswith(server.base) for url in discovery.post_urls)
    return [url[len(server.base) :] for url in discovery.post_urls]


def test_wordpress_site_all_posts_oldest_first_from_feed_and_core_sitemap(wp: RouteServer) -> None:
    with fetcher() as f:
        found = discover_blog(wp.url("/"), f)
    assert paths(wp, found) == WP_POSTS
    assert not found.single_post
    assert found.skipped_robots == 1  # the members-only post is in the sitemap but disallowed
    assert ROBOTS_HIDDEN not in wp.paths()
    assert found.blog.url == wp.url("/")
    assert found.blog.title == "The Potting Shed"
    assert found.blog.platform == "wordpress"
    assert found.blog.language == "en-GB"
    assert found.blog.description == "Notes from a small allotment in Leeds"
    assert found.feed_urls == (wp.url("/feed/"),)
    assert found.sitemap_urls == (
        wp.url("/wp-sitemap.xml"),
        wp.url("/wp-sitemap-posts-post-1.xml"),
        wp.url("/wp-sitemap-posts-page-1.xml"),
    )
    # Cost: robots.txt, home, feed page 1, sitemap index, posts and pages sub-sitemaps. No taxonomies,
    # users, listing pages or further feed pages: the post sitemap already lists everything.
    assert found.requests == 6
    expected = ["/robots.txt", "/", "/feed/", "/wp-sitemap.xml"]
    expected += ["/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-page-1.xml"]
    assert sorted(wp.paths()) == sorted(expected)
    assert found.listing_pages == 1
    assert found.problems == ()


def test_wordpress_without_sitemap_pages_the_feed_with_paged(wp: RouteServer) -> None:
    for path in [p for p in wp.routes if "sitemap" in p]:
        del wp.routes[path]
    robots = wp.routes["/robots.txt"]
    assert isinstance(robots, Route) and isinstance(robots.body, bytes)
    wp.routes["/robots.txt"] = Route(body=re.sub(rb"Sitemap: .*\n", b"", robots.body), content_type="text/plain")
    with fetcher() as f:
        found = discover_blog(wp.url("/"), f)
    assert paths(wp, found) == WP_POSTS
    assert "/feed/?paged=2" in wp.paths() and "/feed/?paged=3" in wp.paths()
    assert "/feed/?paged=4" in wp.paths()  # answers page 1 again (the query is ignored): nothing new, the end
    assert "/feed/?paged=5" not in wp.paths()
    assert found.feed_urls == (wp.url("/feed/"), wp.url("/feed/?paged=2"), wp.url("/feed/?paged=3"))
    assert found.listing_pages == 1  # the feed was read to its end, and it knows the home page's posts
    assert found.problems == ()


def test_posts_missing_from_feed_and_sitemap_send_discovery_through_the_listing(wp: RouteServer) -> None:
    newest = WP_POSTS[-1]
    for path in ("/feed/", "/wp-sitemap-posts-post-1.xml"):
        route = wp.routes[path]
        assert isinstance(route, Route) and isinstance(route.body, bytes)
        body = re.sub(rb"<item>(?:(?!</item>).)*" + newest.encode() + rb".*?</item>", b"", route.body, flags=re.S)
        body = re.sub(rb"<url><loc>[^<]*" + newest.encode() + rb"</loc>.*?</url>", b"", body, flags=re.S)
        assert body != route.body
        wp.routes[path] = Route(body=body, content_type=route.content_type)
    with fetcher() as f:
        found = discover_blog(wp.url("/"), f)
    assert paths(wp, found)[-1] == newest
    assert sorted(paths(wp, found)) == sorted(WP_POSTS)
    assert "/page/2/" in wp.paths()
    assert found.listing_pages == 3  # home, /page/2/ and /page/3/
    assert found.skipped_robots == 1


def test_generic_site_with_only_listing_pages() -> None:
    with serve_site(FIXTURES / "generic") as server, fetcher() as f:
        found = discover_blog(server.url("/"), f)
    assert paths(server, found) == CLOCK_POSTS  # no dates anywhere: reverse discovery order
    assert found.blog.title == "Field Notes on Clocks"
    assert found.blog.platform == "generic"
    assert found.blog.language == "en"
    assert found.listing_pages == 3
    assert found.feed_urls == () and found.sitemap_urls == ()
    # robots.txt, home, 6 feed guesses, 2 sitemap guesses, 2 more listing pages
    assert found.requests == 12
    assert "/about.html" not in paths(server, found)


def test_listing_walk_respects_max_listing_pages() -> None:
    with serve_site(FIXTURES / "generic") as server, fetcher() as f:
        found = discover_blog(server.url("/"), f, max_listing_pages=2)
    assert found.listing_pages == 2
    assert paths(server, found) == CLOCK_POSTS[2:]


def test_a_truncated_feed_without_sitemap_still_walks_the_listing() -> None:
    items = "".join(
        f"<item><title>t</title><link>http://blog.example{p}</link></item>" for p in reversed(CLOCK_POSTS[-3:])
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Clocks</title>{items}</channel></rss>'
    with serve_site(FIXTURES / "generic") as server, fetcher() as f:
        server.routes["/feed/"] = Route(body=feed.replace("http://blog.example", server.base), content_type="text/xml")
        found = discover_blog(server.url("/"), f)
    assert sorted(paths(server, found)) == sorted(CLOCK_POSTS)
    assert found.feed_urls == (server.url("/feed/"),)
    assert found.listing_pages == 3


def test_single_post_url_gives_just_that_post(wp: RouteServer) -> None:
    with fetcher() as f:
        found = discover_blog(wp.url(WP_POSTS[-1] + "?utm_source=newsletter#comments"), f)
    assert found.single_post
    assert found.post_urls == (wp.url(WP_POSTS[-1]),)
    assert found.blog.url == wp.url("/")
    assert found.blog.title == "The Potting Shed"
    assert found.blog.platform == "wordpress"
    assert found.requests == 2  # robots.txt and the post


def test_a_page_that_is_not_a_blog() -> None:
    with serve_site(FIXTURES / "notablog") as server, fetcher() as f:
        with pytest.raises(NotABlog) as info:
            discover_blog(server.url("/"), f)
    assert str(info.value) == (
        f"Found no blog posts at {server.url('/')}. Give the address of a blog's home page (or of one post)."
    )


@pytest.mark.parametrize(
    ("content_type", "body", "what"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n", "is an image, not a web page"),
        ("application/pdf", b"%PDF-1.4", "is a PDF document, not a web page"),
        ("application/json", b'{"posts": []}', "is JSON data, not a web page"),
    ],
)
def test_non_html_start_url_says_what_it_is(content_type: str, body: bytes, what: str) -> None:
    with RouteServer({"/thing": Route(body=body, content_type=content_type)}) as server, fetcher() as f:
        with pytest.raises(NotABlog, match=what) as info:
            discover_blog(server.url("/thing"), f)
    assert str(info.value).startswith(server.url("/thing"))


def test_a_feed_url_leads_to_its_blog(wp: RouteServer) -> None:
    with fetcher() as f:
        found = discover_blog(wp.url("/feed/"), f)
    assert found.blog.url == wp.url("/")
    assert paths(wp, found) == WP_POSTS


def test_cancel_stops_discovery_and_keeps_what_it_has(wp: RouteServer) -> None:
    with fetcher() as f:
        found = discover_blog(wp.url("/"), f, cancelled=lambda: True)
    assert found.cancelled
    assert found.requests == 2  # robots.txt and the home page; nothing after the cancel
    assert set(paths(wp, found)) <= set(WP_POSTS)


def test_non_http_url_is_refused() -> None:
    with pytest.raises(BadUrl):
        discover_blog("ftp://blog.example/", Fetcher())


SAMPLE_TRUTH = REPO / "resources" / "sample_blog.truth.json"


@pytest.mark.skipif(not SAMPLE_TRUTH.exists(), reason="the sample blog has not been generated")
def test_sample_blog_discovery_finds_exactly_its_posts() -> None:
    from desktop.sampleserver import SampleBlogServer

    truth = json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
    with SampleBlogServer() as server, fetcher() as f:
        found = discover_blog(server.url, f)
    expected = {server.origin + post["path"] for post in truth["posts"]}
    assert set(found.post_urls) == expected
    assert len(found.post_urls) == len(expected)
    assert not {server.origin + p["path"] for p in truth["not_posts"]} & set(found.post_urls)
    published = {server.origin + p["path"]: p["published_at"] for p in truth["posts"]}
    assert [published[u] for u in found.post_urls] == sorted(published[u] for u in found.post_urls)
    assert found.blog.title == truth["blog"]["title"]
    assert found.blog.platform == truth["blog"]["platform"]
    assert found.blog.language == truth["blog"]["language"]
