"""WordPress's REST API: where it lives, reading a post's comments, merging pings from the HTML, falling back.

The REST answers in tests/fixtures/wordpress_real/rest/ were recorded from the same real WordPress 6.1 the saved
pages come from (plain permalinks, so the API root is `index.php?rest_route=/`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from servers import Route, RouteServer, SeenRequest

from ingest import wp_rest
from ingest.crawl import crawl_post
from ingest.fetch import Fetcher, FetchSettings
from storage.records import Comment

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wordpress_real"
REST = FIXTURES / "rest"
ORIGIN = "http://127.0.0.1:8080"
CONFIG = "twentytwentyone-plain-paged"


def truth(post_id: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / CONFIG / "truth.json").read_text(encoding="utf-8"))
    comments: list[dict[str, Any]] = data["posts"][post_id]["comments"]
    return comments


def recorded(post_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((REST / f"comments-post-{post_id}.json").read_text(encoding="utf-8"))
    return items


class SavedSite:
    """The saved plain-permalink site plus a REST API answering from the recorded JSON."""

    def __init__(self, server: RouteServer, *, rest: str = "open", per_page: int = 100) -> None:
        self.server, self.rest, self.per_page = server, rest, per_page
        pages = json.loads((FIXTURES / CONFIG / "pages.json").read_text(encoding="utf-8"))
        for name, url in pages.items():
            if name.endswith(".html"):
                body = (FIXTURES / CONFIG / name).read_text(encoding="utf-8").replace(ORIGIN, server.base)
                server.routes[url[len(ORIGIN) :]] = Route(body=body)
        server.routes["/index.php"] = self.api

    def api(self, seen: SeenRequest) -> Route:
        query = {k: v[0] for k, v in parse_qs(urlsplit(seen.path).query).items()}
        if self.rest == "closed":
            body = {
                "code": "rest_disabled",
                "message": "The REST API is disabled on this site.",
                "data": {"status": 401},
            }
            return Route(status=401, body=json.dumps(body), content_type="application/json")
        if self.rest == "html":
            return Route(body="<html><body>Maintenance</body></html>")
        if query.get("rest_route") != "/wp/v2/comments":
            return Route(status=404, body='{"code":"rest_no_route"}', content_type="application/json")
        path = REST / f"comments-post-{query.get('post')}.json"
        items = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
        per_page = min(int(query.get("per_page", "10")), self.per_page)
        page = int(query.get("page", "1"))
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        text = json.dumps(chunk).replace(ORIGIN, self.server.base)
        return Route(
            body=text,
            content_type="application/json; charset=UTF-8",
            headers={"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)},
        )

    def rest_requests(self) -> list[str]:
        return [p for p in self.server.paths() if p.startswith("/index.php")]


def crawl(server: RouteServer, post_id: str) -> tuple[Any, int]:
    """The crawled post and how many requests it took (robots.txt included)."""
    with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
        crawled = crawl_post(server.url(f"/?p={post_id}"), fetcher)
        return crawled, fetcher.requests_made


def true_shape(comment: Comment) -> tuple[str, str | None, str, str, str | None]:
    date = comment.published_at.isoformat() if comment.published_at and comment.kind == "comment" else None
    return comment.source_id, comment.parent_source_id, comment.author, comment.kind, date


def expected_shape(row: dict[str, Any]) -> tuple[str, str | None, str, str, str | None]:
    date = row["published_at"] if row["kind"] == "comment" else None
    return row["id"], row["parent"], row["author"], row["kind"], date


# --- where the API lives ---------------------------------------------------------------------------------------


def test_api_root_from_the_link_header() -> None:
    headers = (
        ("link", '<http://blog.test/wp-json/>; rel="https://api.w.org/", <http://blog.test/?p=7>; rel=shortlink'),
    )
    assert wp_rest.api_root(headers) == "http://blog.test/wp-json/"


def test_api_root_from_the_html_head_with_plain_permalinks() -> None:
    html = '<html><head><link rel="https://api.w.org/" href="http://blog.test/index.php?rest_route=/" /></head></html>'
    assert wp_rest.api_root((), html, "http://blog.test/?p=7") == "http://blog.test/index.php?rest_route=/"


def test_no_api_root_on_a_page_that_announces_none() -> None:
    html = '<html><head><link rel="alternate" href="http://blog.test/feed/"></head></html>'
    assert wp_rest.api_root((("link", "<http://blog.test/?p=7>; rel=shortlink"),), html) is None


def test_route_urls_for_both_root_shapes() -> None:
    pretty = wp_rest.route_url("http://blog.test/wp-json/", "wp/v2/comments", {"post": 7, "page": 2})
    assert pretty == "http://blog.test/wp-json/wp/v2/comments?post=7&page=2"
    plain = wp_rest.route_url("http://blog.test/index.php?rest_route=/", "wp/v2/comments", {"post": 7})
    assert plain == "http://blog.test/index.php?rest_route=/wp/v2/comments&post=7"


def test_local_dates_keep_the_sites_offset() -> None:
    summer = wp_rest.local_datetime("2024-06-30T13:00:00", "2024-06-30T11:00:00")
    assert summer == datetime(2024, 6, 30, 11, tzinfo=UTC)
    assert summer is not None and summer.utcoffset() == timedelta(hours=2)
    assert wp_rest.local_datetime(None, "2024-01-01T10:00:00") == datetime(2024, 1, 1, 10, tzinfo=UTC)
    india = wp_rest.local_datetime("2024-01-01T15:30:00", "2024-01-01T10:00:00")
    assert india is not None and india.tzinfo == timezone(timedelta(hours=5, minutes=30))


def test_a_rest_comment_becomes_a_record() -> None:
    item = recorded("7")[5]
    comment = wp_rest.comment_from_json(item, ORIGIN + "/?p=7")
    assert comment is not None
    assert (comment.source_id, comment.parent_source_id, comment.author) == ("27", "26", "Pavel Novak")
    assert comment.author_url == "http://pavel.example/"
    assert comment.body_md == "DEEPEST reply: one level beyond the theme setting."
    assert comment.published_at is not None and comment.published_at.isoformat() == "2024-03-15T13:10:00+01:00"


@pytest.mark.parametrize(
    "item",
    [None, [], {"id": "x"}, {"id": True}, {"id": 3, "type": "note"}],
)
def test_malformed_rest_comments_are_skipped(item: Any) -> None:
    assert wp_rest.comment_from_json(item, ORIGIN) is None


# --- merging REST with the HTML ----------------------------------------------------------------------------------


def _comment(source_id: str, parent: str | None, hour: int | None, kind: str = "comment") -> Comment:
    when = datetime(2024, 3, 15, hour, tzinfo=UTC) if hour is not None else None
    return Comment(source_id, parent, 0, 0, "A", None, when, kind, "x")  # type: ignore[arg-type]


def test_an_undated_ping_keeps_its_place_after_the_sibling_it_follows_on_the_page() -> None:
    rest = (_comment("1", None, 9), _comment("2", "1", 10), _comment("3", None, 11), _comment("5", None, 13))
    html = (_comment("1", None, None), _comment("3", None, None), _comment("4", None, None, "pingback"))
    merged = wp_rest.merge_with_html(rest, html)
    assert [(c.source_id, c.parent_source_id, c.position, c.depth) for c in merged] == [
        ("1", None, 0, 0),
        ("2", "1", 0, 1),
        ("3", None, 1, 0),
        ("4", None, 2, 0),
        ("5", None, 3, 0),
    ]
    assert merged[3].kind == "pingback"


def test_rest_parents_win_over_the_html_ones() -> None:
    rest = (_comment("1", None, 9), _comment("2", "1", 10), _comment("3", "2", 11))
    html = (_comment("1", None, 9), _comment("2", "1", 10), _comment("3", "1", 11))  # the theme's depth cut it
    assert [c.parent_source_id for c in wp_rest.merge_with_html(rest, html)] == [None, "1", "2"]


# --- crawling through REST ---------------------------------------------------------------------------------------


def test_a_paged_thread_through_rest_has_true_parents_and_the_pings_from_the_html() -> None:
    with RouteServer() as server:
        site = SavedSite(server)
        crawled, requests = crawl(server, "7")
    comments = crawled.post.comments
    assert [true_shape(c) for c in comments] == [expected_shape(row) for row in truth("7")]
    deepest = next(c for c in comments if c.source_id == "27")
    assert (deepest.parent_source_id, deepest.depth) == ("26", 5)  # the HTML shows it under 25
    # The page states 25 comments and REST lists 23: the two pings are read from the comment pages.
    assert len(site.rest_requests()) == 1
    assert requests == 1 + 1 + 1 + 2  # robots.txt, the post, REST, the two other comment pages (cpage=N known)
    assert crawled.thread_complete and not crawled.problems
    assert any("rest_route" in c.url for c in crawled.post.captures)


def test_rest_pages_are_followed_to_x_wp_totalpages() -> None:
    with RouteServer() as server:
        site = SavedSite(server, per_page=10)
        crawled, _ = crawl(server, "7")
    assert len(site.rest_requests()) == 3
    assert [c.source_id for c in crawled.post.comments] == [row["id"] for row in truth("7")]


def test_a_thread_on_one_page_with_no_pings_costs_one_rest_request() -> None:
    with RouteServer() as server:
        site = SavedSite(server)
        crawled, requests = crawl(server, "9")
    assert [true_shape(c) for c in crawled.post.comments] == [expected_shape(row) for row in truth("9")]
    assert requests == 3 and len(site.rest_requests()) == 1
    assert not any("PENDING" in c.body_md or "Cheap watches" in c.body_md for c in crawled.post.comments)


def test_a_protected_post_asks_rest_nothing() -> None:
    with RouteServer() as server:
        site = SavedSite(server)
        crawled, _ = crawl(server, "8")
    assert crawled.post.protected and crawled.post.comments == ()
    assert site.rest_requests() == []


@pytest.mark.parametrize("mode", ["closed", "html"])
def test_a_closed_api_falls_back_to_the_html_quietly_and_is_asked_once(mode: str) -> None:
    with RouteServer() as server:
        site = SavedSite(server, rest=mode)
        with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
            first = crawl_post(server.url("/?p=7"), fetcher)
            second = crawl_post(server.url("/?p=9"), fetcher)
    assert len(site.rest_requests()) == 1
    assert not first.problems and not second.problems
    # The HTML alone: every comment, but comment 27 shown (and archived) under 25.
    assert [c.source_id for c in first.post.comments] == [row["id"] for row in truth("7")]
    assert next(c for c in first.post.comments if c.source_id == "27").parent_source_id == "25"
    assert [c.source_id for c in second.post.comments] == [row["id"] for row in truth("9")]
