"""Posts rebuilt from captured pages with no network: a bag of captures becomes one post per visit of each post page.

Both the WARC importer and the history view use this. A *visit* is one fetch of a post's own page together with
the comment pages (`/comment-page-N/`, `?cpage=N`) and further body pages fetched after it, up to the next fetch of
the post page. A comment page that was not fetched again in a visit (or that the bag holds only from an earlier
visit) is taken from its latest earlier capture, so every visit shows the whole thread as it was best known then.
Extraction is the crawler's: `extract_post_page` on each page, `merge_comment_pages` over the thread.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from ingest.comments import merge_comment_pages
from ingest.encoding import decode_html
from ingest.extract import PostPage, comment_page_number, extract_post_page, strip_comment_page
from ingest.urls import normalize_url
from storage.records import Capture, Post

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml")


@dataclass(frozen=True, slots=True)
class RebuiltPost:
    """One visit of a post page, extracted: the post as it read then, with its whole thread."""

    post: Post  # url = canonical URL; comments merged over the thread's pages; images without data
    page: Capture  # the fetch of the post's own page that started the visit
    captures: tuple[Capture, ...]  # every capture the visit read (the post page first), also carried-over ones
    fetched: tuple[Capture, ...]  # the captures made during this visit (a subset of `captures`)
    comment_pages: int  # pages of the thread read, the post page included
    platform: str


@dataclass(frozen=True, slots=True)
class _Page:
    capture: Capture
    page: PostPage
    key: str  # normalized URL of the post this page belongs to
    url: str  # normalized URL of the page itself


def is_html(capture: Capture) -> bool:
    """A capture of a web page with a body to read (a 304 counts when its confirmed body is there)."""
    return capture.media_type.startswith(HTML_TYPES) and bool(capture.body) and capture.status in (200, 203, 304)


def read_page(capture: Capture) -> PostPage:
    """Extract one captured page as the crawler does (relative dates count from when it was fetched)."""
    html = decode_html(capture.body, dict(capture.headers).get("content-type"))
    return extract_post_page(html, capture.final_url, captured_at=capture.fetched_at)


def _key(page: PostPage, capture: Capture) -> str:
    try:
        return normalize_url(page.canonical_url or strip_comment_page(capture.final_url))
    except ValueError:
        return capture.final_url


def _is_comment_page(capture: Capture) -> bool:
    number = comment_page_number(capture.final_url)
    if number is None:
        number = comment_page_number(capture.url)
    return number is not None


def _starts_visit(item: _Page) -> bool:
    """The post's own page: not a comment page, and not a variant of the post's URL that normalizing hides
    (`?replytocom=41`, tracking parameters), which a recursive crawler such as wget fetches once per comment."""
    if _is_comment_page(item.capture):
        return False
    return urlsplit(item.capture.final_url).query == urlsplit(item.key).query


def rebuild_posts(captures: Sequence[Capture], *, only_url: str | None = None) -> list[RebuiltPost]:
    """Every visit of every post page among `captures` (any order), oldest first, each extracted with its thread.

    Captures that are not HTML pages with a body, or not post pages, are left out. With `only_url`, only the post
    with that canonical URL is rebuilt (the history of one post). Never raises on bad HTML.
    """
    pages: list[_Page] = []
    # The same bytes from the same URL read the same: a page answered "304 not modified" (or re-sent unchanged) is
    # parsed once, dated by its first fetch, as the crawler dates a 304's relative dates by the body's fetch.
    read: dict[tuple[str, str], PostPage] = {}
    for capture in sorted(captures, key=lambda c: c.fetched_at):
        if not is_html(capture):
            continue
        key = (capture.final_url, hashlib.sha256(capture.body).hexdigest())
        page = read.get(key) or read.setdefault(key, read_page(capture))
        if not page.is_post or page.post is None:
            continue
        try:
            own_url = normalize_url(capture.final_url)
        except ValueError:
            continue
        pages.append(_Page(capture, page, _key(page, capture), own_url))
    body_page_urls = {
        normalize_url(url) for item in pages if not _is_comment_page(item.capture) for url in item.page.body_page_urls
    }
    by_key: dict[str, list[_Page]] = {}
    for item in pages:
        if item.url in body_page_urls and item.url != item.key:
            continue  # a further page of a split post: read with its first page below
        if only_url is not None and item.key != only_url:
            continue
        by_key.setdefault(item.key, []).append(item)
    all_by_url: dict[str, list[_Page]] = {}
    for item in pages:
        all_by_url.setdefault(item.url, []).append(item)
    rebuilt: list[RebuiltPost] = []
    for items in by_key.values():
        rebuilt.extend(_visits(items, all_by_url))
    rebuilt.sort(key=lambda r: (r.page.fetched_at, r.post.url))
    return rebuilt


def _visits(items: list[_Page], all_by_url: dict[str, list[_Page]]) -> list[RebuiltPost]:
    """The visits of one post: its items are in fetch order."""
    starts = [i for i, item in enumerate(items) if _starts_visit(item)]
    if not starts:
        return []  # only comment pages of this post: nothing to hang them on
    result: list[RebuiltPost] = []
    for n, start in enumerate(starts):
        first = items[start]
        end = starts[n + 1] if n + 1 < len(starts) else len(items)
        until = items[end].capture.fetched_at if end < len(items) else None
        # Comment pages fetched before the first post page belong to the first visit.
        fetched_items = items[(0 if n == 0 else start) : end]
        thread = [first.page]
        used = [first.capture]
        seen = {first.url}
        queue = list(first.page.comment_page_urls)
        while queue:
            url = _norm(queue.pop(0))
            if url is None or url in seen:
                continue
            seen.add(url)
            found = _latest(all_by_url.get(url, []), first.key, until)
            if found is None:
                continue
            thread.append(found.page)
            used.append(found.capture)
            queue.extend(found.page.comment_page_urls)
        body_parts = [first.page.post.body_md if first.page.post else ""]
        images = list(first.page.post.images if first.page.post else ())
        for url in first.page.body_page_urls:
            norm = _norm(url)
            found = _latest(all_by_url.get(norm, []), None, until) if norm else None
            if found is not None and found.page.post is not None:
                body_parts.append(found.page.post.body_md)
                images.extend(found.page.post.images)
                used.append(found.capture)
        # The visit's own fetches that were not read above (a comment page no longer linked) stay provenance.
        fetched = [item.capture for item in fetched_items]
        used_ids = {id(capture) for capture in used}
        used.extend(capture for capture in fetched if id(capture) not in used_ids)
        assert first.page.post is not None
        post = replace(
            first.page.post,
            url=first.key,
            body_md="\n\n".join(part for part in body_parts if part),
            comments=merge_comment_pages(thread),
            images=tuple(images),
            captures=tuple(used),
            captured_at=first.capture.fetched_at,
        )
        result.append(
            RebuiltPost(
                post=post,
                page=first.capture,
                captures=tuple(used),
                fetched=tuple(fetched),
                comment_pages=len(thread),
                platform=first.page.platform,
            )
        )
    return result


def _norm(url: str) -> str | None:
    try:
        return normalize_url(url)
    except ValueError:
        return None


def _latest(candidates: list[_Page], key: str | None, until: datetime | None) -> _Page | None:
    """The newest capture of a page fetched before `until` (None: any time), belonging to post `key`."""
    best: _Page | None = None
    for item in candidates:
        if key is not None and item.key != key:
            continue
        if until is not None and item.capture.fetched_at >= until:
            continue
        if best is None or item.capture.fetched_at >= best.capture.fetched_at:
            best = item
    return best
