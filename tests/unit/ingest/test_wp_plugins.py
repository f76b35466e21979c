"""WordPress comment plugins' markup (Jetpack Comments, wpDiscuz, Epoch), on pages we wrote in each plugin's markup.

Each `tests/fixtures/platforms/wordpress/<name>.html` has its answers in `<name>.expected.json` (the quality-gate
format, docs/quality-gate.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from servers import Route, RouteServer

from ingest.comments import merge_comment_pages
from ingest.crawl import crawl_post
from ingest.extract import extract_post_page
from ingest.fetch import Fetcher, FetchSettings

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms" / "wordpress"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))


def load(name: str) -> tuple[str, dict[str, Any]]:
    expected: dict[str, Any] = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return (PAGES / f"{name}.html").read_text(encoding="utf-8"), expected


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@pytest.mark.parametrize("name", NAMES)
def test_the_post_and_its_thread_as_the_page_shows_them(name: str) -> None:
    html, expected = load(name)
    page = extract_post_page(html, expected["url"])
    assert page.platform == "wordpress" and page.post is not None
    assert (page.post.title, page.post.author) == (expected["title"], expected["author"])
    assert iso(page.post.published_at) == expected["published_at"]
    assert " ".join(page.post.body_md.split()) == expected["body_text"]
    thread = merge_comment_pages([page])
    got = [
        {"id": c.source_id, "parent": c.parent_source_id, "author": c.author, "published_at": iso(c.published_at)}
        for c in thread
    ]
    assert got == expected["comments"]
    if expected["comments"]:
        assert page.post.comment_count_expected == expected["comment_count"]


def test_wpdiscuz_bodies_leave_out_the_buttons_and_labels() -> None:
    html, expected = load("wpdiscuz")
    bodies = [c.body_md for c in extract_post_page(html, expected["url"]).comments]
    assert bodies[1] == "Only linseed oil. Larch copes with the wet."
    assert not any("Reply" in body or "years ago" in body or "Author" in body for body in bodies)


def test_jetpacks_comment_form_iframe_is_no_comment() -> None:
    html, expected = load("jetpack_comments")
    page = extract_post_page(html, expected["url"])
    assert [c.kind for c in page.comments] == ["comment", "comment", "pingback"]
    assert not any("jetpack" in c.body_md.lower() for c in page.comments)


def test_epochs_thread_comes_through_the_rest_api() -> None:
    # Epoch's page holds no comments (its script loads them), but WordPress's own API still lists them.
    html, expected = load("epoch")
    path = "/first-frost-on-the-dahlias/"
    comments = [
        {
            "id": 91,
            "post": 57,
            "parent": 0,
            "author_name": "Bea Lund",
            "author_url": "",
            "date": "2023-10-29T18:05:00",
            "date_gmt": "2023-10-29T22:05:00",
            "content": {"rendered": "<p>Same here, two nights early.</p>\n"},
            "link": "ORIGIN/first-frost-on-the-dahlias/#comment-91",
            "type": "comment",
        },
        {
            "id": 92,
            "post": 57,
            "parent": 91,
            "author_name": "Noor Haddad",
            "author_url": "",
            "date": "2023-10-29T19:00:00",
            "date_gmt": "2023-10-29T23:00:00",
            "content": {"rendered": "<p>Sand, not sawdust, this year.</p>\n"},
            "link": "ORIGIN/first-frost-on-the-dahlias/#comment-92",
            "type": "comment",
        },
    ]
    with RouteServer() as server:
        origin = "https://saltmarsh-garden.example"
        server.routes[path] = Route(body=html.replace(origin, server.base))
        server.routes["/wp-json/wp/v2/comments"] = Route(
            body=json.dumps(comments).replace("ORIGIN", server.base),
            content_type="application/json; charset=UTF-8",
            headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"},
        )
        with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
            crawled = crawl_post(server.url(path), fetcher)
    got = [(c.source_id, c.parent_source_id, c.author, iso(c.published_at), c.body_md) for c in crawled.post.comments]
    assert got == [
        ("91", None, "Bea Lund", "2023-10-29T18:05:00-04:00", "Same here, two nights early."),
        ("92", "91", "Noor Haddad", "2023-10-29T19:00:00-04:00", "Sand, not sawdust, this year."),
    ]
