"""Threads read from a rendering: each system's DOM (fixture pages of ours), and the fallback through ingest.render."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from comment_system_fakes import PAGE_URL, quick_fetcher

from ingest import render
from ingest.comment_systems import ThreadOptions
from ingest.comment_systems.api import ReadContext
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.dispatch import read_comment_system
from ingest.comment_systems.dom import read_dom_comments
from ingest.comment_systems.rendered import RENDERED_HEADER, allowed

RENDERED = Path(__file__).parents[2] / "fixtures" / "comment_systems" / "rendered"


def rows(name: str) -> list[tuple[object, ...]]:
    html = (RENDERED / f"{name}.html").read_text(encoding="utf-8")
    return [
        (c.source_id, c.parent_source_id, c.depth, c.position, c.author, c.author_url, c.body_md, c.published_at)
        for c in read_dom_comments(html, PAGE_URL, name)
    ]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_isso_dom() -> None:
    assert rows("isso") == [
        (
            "isso:4",
            None,
            0,
            0,
            "Gus",
            "https://gus.example/",
            "Which rye flour do you use? *Dark* or light?",
            at("2024-03-03T10:15:00"),
        ),
        ("isso:6", "isso:4", 1, 0, "Anonymous", None, "Dark, always.", at("2024-03-04T08:00:00")),
        ("isso:5", None, 0, 1, "Hal", None, "Thanks for this.", at("2024-03-03T12:00:00")),
    ]


def test_commento_dom() -> None:
    assert rows("commento") == [
        (
            "commento:aa11",
            None,
            0,
            0,
            "Ivy",
            "https://ivy.example/",
            "Mine smells like nail polish.",
            at("2024-05-02T08:00:00"),
        ),
        ("commento:bb22", "commento:aa11", 1, 0, "Jon", None, "Feed it more often.", at("2024-05-03T09:30:00")),
    ]


def test_disqus_dom_ids_match_the_api_and_the_export() -> None:
    assert rows("disqus") == [
        (
            "disqus:6100001",
            None,
            0,
            0,
            "Kim",
            "https://disqus.com/by/kimbakes/",
            "Rye flour saved my starter.",
            at("2024-05-02T08:05:00"),
        ),
        ("disqus:6100002", "disqus:6100001", 1, 0, "Guest Lee", None, "Same here!", at("2024-05-02T09:40:00")),
    ]


def test_remark42_dom_replies_beside_their_parent() -> None:
    assert rows("remark42") == [
        ("remark42:5b1c-aa", None, 0, 0, "Max", None, "Good tips.", at("2024-05-05T07:00:00")),
        ("remark42:5b1c-bb", "remark42:5b1c-aa", 1, 0, "Nia", None, "Agreed.", at("2024-05-05T09:00:00")),
    ]


def test_a_system_without_selectors_or_markup_gives_nothing() -> None:
    assert read_dom_comments("<html><body><p>x</p></body></html>", PAGE_URL, "isso") == ()
    assert read_dom_comments((RENDERED / "isso.html").read_text(), PAGE_URL, "hyvor") == ()


def fake_render(name: str, seen: list[dict[str, object]]) -> object:
    def render_page(url: str, **kwargs: object) -> render.RenderedPage:
        seen.append({"url": url, **kwargs})
        return render.RenderedPage(
            url=url,
            final_url=url,
            html=(RENDERED / f"{name}.html").read_text(encoding="utf-8"),
            rendered_at=datetime(2024, 11, 2, 9, 30, tzinfo=UTC),
            clicks=2,
            requests=17,
            engine="chromium 1 (fake)",
        )

    return render_page


def test_render_switch_reads_a_system_without_interface_from_the_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, object]] = []
    monkeypatch.setattr(render, "render_page", fake_render("disqus", seen))
    found = DetectedSystem("disqus", (("shortname", "crumbjournal"),), expected=2)
    with quick_fetcher() as fetcher:
        options = ThreadOptions(render=True, render_timeout=12.0, render_max_clicks=4)
        result = read_comment_system(found, ReadContext(PAGE_URL, fetcher, options=options))
    assert result.thread is not None and [c.source_id for c in result.thread.comments] == [
        "disqus:6100001",
        "disqus:6100002",
    ]
    assert not result.thread.complete  # a rendering can't prove a comment is gone
    assert result.system.origin == "rendered"
    assert result.system.note == (
        "Comments read from a rendering of the page (its scripts ran in a headless browser) on 2024-11-02 09:30 UTC."
    )
    assert seen[0]["timeout"] == 12.0 and seen[0]["max_clicks"] == 4 and callable(seen[0]["allow_url"])
    (capture,) = result.thread.captures
    assert dict(capture.headers)[RENDERED_HEADER] == "chromium 1 (fake)" and b"6100002" in capture.body


def test_rendering_without_a_browser_says_so_in_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(url: str, **kwargs: object) -> render.RenderedPage:
        raise render.RenderUnavailable("Rendering needs Chromium. Install Chromium (sudo apt install chromium).")

    monkeypatch.setattr(render, "render_page", unavailable)
    found = DetectedSystem("hyvor", expected=5)
    with quick_fetcher() as fetcher:
        result = read_comment_system(found, ReadContext(PAGE_URL, fetcher, options=ThreadOptions(render=True)))
    assert result.thread is None and result.system.origin == "none"
    assert result.system.note.startswith(
        "This post uses Hyvor Talk; 5 comments not captured: Rendering needs Chromium."
    )


def test_the_browser_may_not_reach_the_users_network_from_a_public_blog() -> None:
    with quick_fetcher() as fetcher:
        public = ReadContext(PAGE_URL, fetcher, public_only=True, trusted_host="crumb.example")
        local = ReadContext("http://127.0.0.1:8000/p/", fetcher, public_only=True, allow_loopback=True)
    assert not allowed("http://192.168.1.1/admin", public)
    assert not allowed("http://127.0.0.1:631/", public)
    assert allowed("http://127.0.0.1:9000/js/embed.min.js", local)
    assert not allowed("http://10.0.0.5/", local)


def test_rendered_markup_of_no_known_system_goes_through_the_page_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Path(__file__).parents[2] / "fixtures" / "pages" / "generic_schema_comments.html"

    def render_page(url: str, **kwargs: object) -> render.RenderedPage:
        return render.RenderedPage(url, url, page.read_text(), datetime(2024, 11, 2, tzinfo=UTC), 0, 1, "fake")

    monkeypatch.setattr(render, "render_page", render_page)
    with quick_fetcher() as fetcher:
        result = read_comment_system(
            DetectedSystem("hyvor"), ReadContext(PAGE_URL, fetcher, options=ThreadOptions(render=True))
        )
    assert result.system.origin == "rendered" and result.thread is not None
    comments = result.thread.comments
    assert len(comments) >= 2 and [c.position for c in comments if c.depth == 0] == list(
        range(sum(1 for c in comments if c.depth == 0))
    )
