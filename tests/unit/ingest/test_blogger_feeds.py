"""Blogger's Atom feeds read without a network: ids, threading, paging by start-index, and hostile XML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.blogger_feeds import (
    comments_feed_url,
    display_order,
    entry_comment,
    item_ids,
    parse_atom,
    posts_feed_url,
    walk_feed,
)
from ingest.errors import FetchError
from storage.records import Capture, Comment

FEEDS = Path(__file__).parents[2] / "fixtures" / "platforms" / "blogger" / "feeds"
WORMS = "6612004873319025477"


def _capture(url: str, body: bytes) -> Capture:
    return Capture(url, url, 200, datetime.now(UTC), "x", "application/atom+xml", body=body)


def test_item_ids_of_posts_and_comments() -> None:
    assert item_ids("tag:blogger.com,1999:blog-7391.post-5528") == ("7391", "5528")
    assert item_ids("tag:blogger.com,1999:blog-7391.page-3004") == ("7391", "3004")
    assert item_ids("12345") == (None, "12345")
    assert item_ids("tag:example.org,2024:x") == (None, None)


def test_posts_feed_page_states_total_and_each_post() -> None:
    page = parse_atom((FEEDS / "posts-start-1.xml").read_bytes())
    assert page is not None
    assert (page.blog_id, page.total_results, page.start_index, page.items_per_page) == ("7391046285510932714", 3, 1, 2)
    assert page.home_url == "https://kettleandcompost.blogspot.com/"
    first = page.entries[0]
    assert first.item_id == WORMS
    assert first.url == "https://kettleandcompost.blogspot.com/2024/04/worm-bin-census.html"
    assert first.labels == ("worms",)
    assert first.total_comments == 5


def test_threading_from_the_related_link_and_from_in_reply_to() -> None:
    page_1 = parse_atom((FEEDS / f"comments-{WORMS}-start-1.xml").read_bytes())
    page_4 = parse_atom((FEEDS / f"comments-{WORMS}-start-4.xml").read_bytes())
    assert page_1 is not None and page_4 is not None
    base = "https://kettleandcompost.blogspot.com/2024/04/worm-bin-census.html"
    comments = [entry_comment(e, post_id=WORMS, base_url=base) for e in (*page_1.entries, *page_4.entries)]
    parents = {c.source_id[-1]: c.parent_source_id and c.parent_source_id[-1] for c in comments}
    # 5 answers 4 by thr:in-reply-to naming the comment; 2 answers 1 by <link rel="related">; the rest name the post
    assert parents == {"5": "4", "4": None, "3": None, "2": "1", "1": None}
    ordered = display_order(comments)
    assert [c.source_id[-1] for c in ordered] == ["1", "2", "3", "4", "5"]
    assert [c.depth for c in ordered] == [0, 1, 0, 0, 1]


def test_display_order_drops_dangling_and_cyclic_parents() -> None:
    def comment(cid: str, parent: str | None, hour: int) -> Comment:
        return Comment(cid, parent, 0, 0, "A", None, datetime(2024, 1, 1, hour, tzinfo=UTC), "comment", cid)

    ordered = display_order([comment("a", "b", 3), comment("b", "a", 2), comment("c", "missing", 1)])
    # the dangling parent is dropped; the cycle is broken at its first member, so b stays a's reply
    got = [(c.source_id, c.parent_source_id, c.depth) for c in ordered]
    assert got == [("c", None, 0), ("a", None, 0), ("b", "a", 1)]


def test_walk_reads_pages_by_start_index_until_the_total() -> None:
    bodies = {
        comments_feed_url("https://k.blogspot.com/x.html", WORMS, start_index=1): (
            FEEDS / f"comments-{WORMS}-start-1.xml"
        ).read_bytes(),
        comments_feed_url("https://k.blogspot.com/x.html", WORMS, start_index=4): (
            FEEDS / f"comments-{WORMS}-start-4.xml"
        ).read_bytes(),
    }
    asked: list[str] = []

    def fetch(url: str) -> Capture:
        asked.append(url)
        return _capture(url, bodies[url])

    walk = walk_feed(lambda start: comments_feed_url("https://k.blogspot.com/", WORMS, start_index=start), fetch)
    assert walk is not None and walk.complete
    assert len(walk.entries) == 5
    assert asked == [
        f"https://k.blogspot.com/feeds/{WORMS}/comments/default?start-index=1&max-results=200",
        f"https://k.blogspot.com/feeds/{WORMS}/comments/default?start-index=4&max-results=200",
    ]


def test_walk_gives_none_when_there_is_no_feed_and_stops_on_an_empty_page() -> None:
    def missing(url: str) -> Capture:
        raise FetchError("gone", url=url, status=404)

    assert walk_feed(lambda start: posts_feed_url("https://k.example/", start_index=start), missing) is None
    assert walk_feed(lambda start: f"https://k.example/{start}", lambda u: _capture(u, b"<html></html>")) is None

    empty = b"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>"
    walk = walk_feed(lambda start: f"https://k.example/{start}", lambda u: _capture(u, empty))
    assert walk is not None and walk.complete and walk.entries == ()


def test_walk_that_never_ends_is_capped() -> None:
    body = (FEEDS / "posts-start-3.xml").read_bytes().replace(b"totalResults>3<", b"totalResults>999999999<")
    count = 0

    def fetch(url: str) -> Capture:
        nonlocal count
        count += 1
        return _capture(url, body)

    walk = walk_feed(lambda start: f"https://k.example/?s={start}", fetch)
    assert walk is not None and not walk.complete
    assert walk.problems and count == 500


def test_entities_and_dtds_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>&x;</title></feed>"
    ).encode()
    page = parse_atom(body)
    assert page is None or "TOP-SECRET" not in page.title


def test_not_atom_is_none() -> None:
    assert parse_atom(b"") is None
    assert parse_atom(b"<rss><channel></channel></rss>") is None
    assert parse_atom(b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>") is None
