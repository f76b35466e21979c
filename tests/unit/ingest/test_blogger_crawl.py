"""Blogger over HTTP: a small fake Blogger blog on loopback, read through its feeds (discovery, threads, archive)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Route, RouteServer

from desktop import tasks
from ingest.crawl import crawl_post
from ingest.discover import discover_blog
from ingest.fetch import Fetcher, FetchSettings
from storage.archive import open_archive

FIXTURES = Path(__file__).parents[2] / "fixtures" / "platforms" / "blogger"
ORIGIN = "https://kettleandcompost.blogspot.com"
IMAGES = "https://blogger.googleusercontent.com"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
WORMS = "6612004873319025477"
RHUBARB = "5528193047716253301"
ATOM = "application/atom+xml; charset=UTF-8"


def _site_routes(base: str) -> dict[str, Route]:
    def text(path: Path, content_type: str) -> Route:
        body = path.read_text(encoding="utf-8").replace(ORIGIN, base).replace(IMAGES, base)
        return Route(body=body, content_type=content_type)

    html = "text/html; charset=UTF-8"
    feeds = FIXTURES / "feeds"
    return {
        "/": text(FIXTURES / "site" / "home.html", html),
        "/robots.txt": text(FIXTURES / "site" / "robots.txt", "text/plain"),
        "/2024/04/worm-bin-census.html": text(FIXTURES / "load_more.html", html),
        "/2024/03/rhubarb-forcing-jars.html": text(FIXTURES / "classic_threaded.html", html),
        "/2024/02/seed-catalogue-season.html": text(FIXTURES / "quiet_post.html", html),
        "/feeds/posts/default?start-index=1&max-results=150": text(feeds / "posts-start-1.xml", ATOM),
        "/feeds/posts/default?start-index=3&max-results=150": text(feeds / "posts-start-3.xml", ATOM),
        f"/feeds/{WORMS}/comments/default?start-index=1&max-results=200": text(
            feeds / f"comments-{WORMS}-start-1.xml", ATOM
        ),
        f"/feeds/{WORMS}/comments/default?start-index=4&max-results=200": text(
            feeds / f"comments-{WORMS}-start-4.xml", ATOM
        ),
        f"/feeds/{RHUBARB}/comments/default?start-index=1&max-results=200": text(
            feeds / f"comments-{RHUBARB}-start-1.xml", ATOM
        ),
        "/img/b/R29vZ2xl/w320-h240/forcers.jpg": Route(body=PNG, content_type="image/png"),
    }


@pytest.fixture
def site() -> Iterator[RouteServer]:
    server = RouteServer()
    server.routes.update(_site_routes(server.base))
    with server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchSettings(delay=0.0, retries=0)) as fetcher:
        yield fetcher


def test_the_whole_thread_comes_from_the_paged_comments_feed(site: RouteServer, fetcher: Fetcher) -> None:
    crawled = crawl_post(site.url("/2024/04/worm-bin-census.html"), fetcher, fetch_images=False)
    thread = [(c.source_id[-1], c.parent_source_id and c.parent_source_id[-1], c.depth) for c in crawled.post.comments]
    # the page shows 1, 2 (a reply) and 3; the feed adds 4 and 5 (a reply to 4 named by thr:in-reply-to)
    assert thread == [("1", None, 0), ("2", "1", 1), ("3", None, 0), ("4", None, 0), ("5", "4", 1)]
    assert crawled.thread_complete
    by_id = {c.source_id: c for c in crawled.post.comments}
    jonas = by_id["9001000000000000004"]
    assert jonas.author == "Jonas Feld" and jonas.author_url is None
    assert jonas.published_at is not None and jonas.published_at.isoformat() == "2024-04-14T19:45:00-07:00"
    assert "bored at three hundred" in jonas.body_md
    assert [c.position for c in crawled.post.comments] == [0, 0, 1, 2, 0]
    feed_requests = [p for p in site.paths() if p.startswith("/feeds/")]
    assert feed_requests == [
        f"/feeds/{WORMS}/comments/default?start-index=1&max-results=200",
        f"/feeds/{WORMS}/comments/default?start-index=4&max-results=200",
    ]
    assert sum(1 for c in crawled.post.captures if "/feeds/" in c.url) == 2


def test_feed_and_page_agree_on_ids_so_nothing_is_doubled(site: RouteServer, fetcher: Fetcher) -> None:
    crawled = crawl_post(site.url("/2024/03/rhubarb-forcing-jars.html"), fetcher, fetch_images=False)
    ids = [c.source_id for c in crawled.post.comments]
    assert ids == ["8812345001234567001", "8812345001234567002", "8812345001234567004", "8812345001234567003"]
    assert crawled.post.comments[0].body_md.startswith("Straw first, then the lids — that is")
    assert crawled.post.comments[3].body_md == "This comment has been removed by the author."


def test_no_comments_means_no_feed_request(site: RouteServer, fetcher: Fetcher) -> None:
    crawled = crawl_post(site.url("/2024/02/seed-catalogue-season.html"), fetcher, fetch_images=False)
    assert crawled.post.comments == ()
    assert not [p for p in site.paths() if p.startswith("/feeds/")]


def test_without_the_feed_the_page_thread_stands(site: RouteServer, fetcher: Fetcher) -> None:
    for path in list(site.routes):
        if path.startswith(f"/feeds/{WORMS}/"):
            site.routes[path] = Route(status=404, body="Not found")
    crawled = crawl_post(site.url("/2024/04/worm-bin-census.html"), fetcher, fetch_images=False)
    assert [c.source_id[-1] for c in crawled.post.comments] == ["1", "2", "3"]
    assert crawled.post.comments[1].parent_source_id == "9001000000000000001"
    assert crawled.problems == ()


def test_a_lost_feed_page_keeps_what_was_read_and_says_the_thread_is_incomplete(
    site: RouteServer, fetcher: Fetcher
) -> None:
    site.routes[f"/feeds/{WORMS}/comments/default?start-index=4&max-results=200"] = Route(status=404, body="gone")
    crawled = crawl_post(site.url("/2024/04/worm-bin-census.html"), fetcher, fetch_images=False)
    assert not crawled.thread_complete
    # page 1 of the feed gave 3, 4 and 5; the page gave 1 and 2: all five are kept
    assert sorted(c.source_id[-1] for c in crawled.post.comments) == ["1", "2", "3", "4", "5"]
    assert any("comments feed" in problem for problem in crawled.problems)


def test_discovery_reads_every_post_from_the_paged_posts_feed(site: RouteServer, fetcher: Fetcher) -> None:
    discovery = discover_blog(site.url("/"), fetcher)
    assert discovery.blog.platform == "blogger"
    assert discovery.blog.title == "Kettle & Compost"
    assert discovery.post_urls == (
        site.url("/2024/02/seed-catalogue-season.html"),
        site.url("/2024/03/rhubarb-forcing-jars.html"),
        site.url("/2024/04/worm-bin-census.html"),
    )
    assert site.paths() == [
        "/robots.txt",
        "/",
        "/feeds/posts/default?start-index=1&max-results=150",
        "/feeds/posts/default?start-index=3&max-results=150",
    ]


def test_discovery_of_a_post_address_is_that_post(site: RouteServer, fetcher: Fetcher) -> None:
    discovery = discover_blog(site.url("/2024/03/rhubarb-forcing-jars.html"), fetcher)
    assert discovery.single_post
    assert discovery.blog.platform == "blogger"
    assert discovery.post_urls == (site.url("/2024/03/rhubarb-forcing-jars.html"),)


def test_archive_blog_keeps_every_post_with_its_whole_thread(site: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    report = tasks.archive_blog(site.url("/"), db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
    assert report.posts_found == 3 and report.posts_new == 3
    assert report.comments_total == 9
    assert report.problems == ()
    with open_archive(db) as archive:
        blog = archive.list_blogs()[0]
        assert blog.platform == "blogger"
        worms = archive.load_post(archive.find_post(site.url("/2024/04/worm-bin-census.html")))
        assert [c.author for c in worms.comments] == [
            "Tomasz Wilk",
            "Ada Quill",
            "Priya Nandakumar",
            "Jonas Feld",
            "Tomasz Wilk",
        ]
        assert worms.categories == ("worms",)
    again = tasks.archive_blog(site.url("/"), db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
    assert again.posts_new == 0 and again.comments_new == 0
