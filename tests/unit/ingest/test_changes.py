"""ingest.changes: which archived posts changed, from WordPress's REST lists or its comments feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from servers import Route, RouteServer

from ingest.changes import MAX_PAGES, RECHECK_MARGIN, changes_since
from ingest.discover import Discovery
from ingest.fetch import Fetcher, FetchSettings
from storage.records import Blog, Capture

LAST = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the last capture
RECENT = (LAST - timedelta(days=1)).replace(tzinfo=None).isoformat()  # within the margin: counts as changed
OLD = (LAST - RECHECK_MARGIN - timedelta(days=30)).replace(tzinfo=None)  # before the margin: unchanged


def discovery(
    server: RouteServer,
    *,
    head: str,
    platform: str = "wordpress",
    modified: dict[str, datetime] | None = None,
    posts: tuple[str, ...] = ("/a/", "/b/", "/c/"),
) -> Discovery:
    home = server.url("/")
    body = f"<html><head>{head}</head><body class='home blog'></body></html>".replace("ORIGIN", server.base)
    capture = Capture(home, home, 200, LAST, "", "text/html", (("content-type", "text/html"),), body=body.encode())
    return Discovery(
        blog=Blog(url=home, title="T", platform=platform),
        post_urls=tuple(server.url(p) for p in posts),
        captures=(capture,),
        modified=tuple((server.url(p), when) for p, when in (modified or {}).items()),
    )


REST_HEAD = '<link rel="https://api.w.org/" href="ORIGIN/wp-json/" />'
FEED_HEAD = (
    '<link rel="alternate" type="application/rss+xml" title="T &raquo; Comments Feed" href="ORIGIN/comments/feed/" />'
)


def rest(items: list[dict[str, object]], pages: int = 1) -> Route:
    return Route(body=json.dumps(items), content_type="application/json", headers={"X-WP-TotalPages": str(pages)})


def rss(server: RouteServer, items: list[tuple[str, datetime | None]]) -> Route:
    entries = "".join(
        f"<item><title>c</title><link>{server.base}{link}</link>"
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "")
        + "</item>"
        for link, when in items
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Comments</title>{entries}</channel></rss>'
    return Route(body=body, content_type="application/rss+xml")


def fetcher() -> Fetcher:
    return Fetcher(FetchSettings(delay=0, retries=0, respect_robots=False))


def test_rest_names_the_posts_with_new_comments_and_edits_in_two_requests() -> None:
    with RouteServer() as server:
        server.routes["/wp-json/wp/v2/comments"] = rest(
            [
                {"link": server.url("/a/comment-page-2/#comment-9"), "date_gmt": RECENT},
                {"link": server.url("/b/#comment-8"), "date_gmt": RECENT},
                {"link": "https://elsewhere.example/x/#comment-1", "date_gmt": RECENT},
                {"link": server.url("/c/#comment-2"), "date_gmt": OLD.isoformat()},  # a filter the API ignored
            ]
        )
        server.routes["/wp-json/wp/v2/posts"] = rest([{"link": server.url("/c/"), "modified_gmt": RECENT}])
        with fetcher() as f:
            changes = changes_since(discovery(server, head=REST_HEAD), f, last_capture=LAST)
        paths = server.paths()
    assert changes.complete and changes.source == "rest"
    assert changes.posts == {server.url("/a/"), server.url("/b/"), server.url("/c/")}
    assert changes.since == LAST - RECHECK_MARGIN
    assert len(paths) == 2 and "after=" in paths[0] and "modified_after=" in paths[1]


def test_an_api_that_ignores_the_date_filter_is_read_until_the_first_older_item() -> None:
    with RouteServer() as server:
        server.routes["/wp-json/wp/v2/comments"] = rest([{"link": server.url("/a/#c1"), "date_gmt": OLD.isoformat()}])
        server.routes["/wp-json/wp/v2/posts"] = rest(
            [
                {"link": server.url("/b/"), "modified_gmt": RECENT},
                {"link": server.url("/c/"), "modified_gmt": OLD.isoformat()},
                {"link": server.url("/a/"), "modified_gmt": OLD.isoformat()},
            ],
            pages=40,  # every post of the blog: not read past the first older one
        )
        with fetcher() as f:
            changes = changes_since(discovery(server, head=REST_HEAD), f, last_capture=LAST)
        requests = len(server.paths())
    assert changes.complete and changes.posts == {server.url("/b/")}
    assert requests == 2


def test_a_change_list_too_long_to_be_worth_reading_means_ask_every_post() -> None:
    with RouteServer() as server:
        many = [{"link": server.url("/a/#c"), "date_gmt": RECENT}] * 100
        server.routes["/wp-json/wp/v2/comments"] = rest(many, pages=MAX_PAGES + 5)
        with fetcher() as f:
            changes = changes_since(discovery(server, head=REST_HEAD), f, last_capture=LAST)
        requests = len(server.paths())
    assert not changes.complete
    assert requests == MAX_PAGES


def test_a_closed_api_falls_back_to_the_comments_feed_and_sitemap_dates() -> None:
    with RouteServer() as server:
        server.routes["/wp-json/wp/v2/comments"] = Route(status=401, body="{}", content_type="application/json")
        server.routes["/comments/feed/"] = rss(
            server,
            [("/a/comment-page-3/#comment-7", LAST - timedelta(hours=2)), ("/b/#comment-1", OLD.replace(tzinfo=UTC))],
        )
        dates = {"/a/": OLD.replace(tzinfo=UTC), "/b/": OLD.replace(tzinfo=UTC), "/c/": LAST - timedelta(days=2)}
        with fetcher() as f:
            changes = changes_since(discovery(server, head=REST_HEAD + FEED_HEAD, modified=dates), f, last_capture=LAST)
    assert changes.complete and changes.source == "feed"
    assert changes.posts == {server.url("/a/"), server.url("/c/")}  # a new comment; an edit after the sitemap


def test_without_sitemap_dates_for_every_post_edits_are_unknown() -> None:
    with RouteServer() as server:
        server.routes["/comments/feed/"] = rss(server, [("/b/#comment-1", OLD.replace(tzinfo=UTC))])
        with fetcher() as f:
            changes = changes_since(discovery(server, head=FEED_HEAD, modified={"/a/": LAST}), f, last_capture=LAST)
    assert not changes.complete


def test_an_undated_feed_item_means_ask_every_post() -> None:
    with RouteServer() as server:
        server.routes["/comments/feed/"] = rss(server, [("/b/#comment-1", None)])
        dates = {p: OLD.replace(tzinfo=UTC) for p in ("/a/", "/b/", "/c/")}
        with fetcher() as f:
            changes = changes_since(discovery(server, head=FEED_HEAD, modified=dates), f, last_capture=LAST)
    assert not changes.complete


def test_no_list_announced_or_not_wordpress_costs_no_request() -> None:
    with RouteServer() as server:
        with fetcher() as f:
            plain = changes_since(discovery(server, head=""), f, last_capture=LAST)
            other = changes_since(
                discovery(server, head=REST_HEAD + FEED_HEAD, platform="generic"), f, last_capture=LAST
            )
        assert server.paths() == []
    assert not plain.complete and not other.complete
