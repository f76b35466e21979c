"""Find a whole series from the URL of one of its parts: its series page, its next/previous links, its numbering.

Nothing is saved here: `plan_series` fetches and reads pages and returns a `SeriesPlan` (the parts found, the gaps,
the blog); the desktop task shows it, then crawls and saves every part. A page counts as a part only when its own
text or taxonomy says it belongs to the series, so links to the rest of the blog (a theme's "next post" link follows
the date order, not the series) are fetched to check, never captured.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ingest.encoding import decode_html
from ingest.errors import FetchError, IngestError
from ingest.extract import PostPage, extract_post_page
from ingest.fetch import Fetcher
from ingest.listing import read_blog_page, site_title
from ingest.series import find_gaps, series_links_in_html, series_links_in_markdown
from ingest.urls import display_host, normalize_url, origin, same_site
from storage.records import Blog, Capture, PreviousCapture, SeriesGap, SeriesPart

log = logging.getLogger(__name__)

MAX_INDEX_PAGES = 50  # pages of one series/category listing walked
MAX_PAGES_CHECKED = 400  # candidate pages fetched to check membership, in all


class NotInASeries(IngestError):
    """The page given is not a post, or nothing on it says it belongs to a series."""


@dataclass(frozen=True, slots=True)
class PlannedPart:
    """A page found to be a part of the series, with the fetch that showed it (reused by the crawl)."""

    url: str  # canonical URL
    title: str
    number: int | None
    published_at: datetime | None
    capture: Capture


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """What a series capture will do: the series, its blog, the parts found (in order) and the gaps."""

    name: str
    start_url: str
    blog: Blog
    parts: tuple[PlannedPart, ...]
    gaps: tuple[SeriesGap, ...] = ()
    index_urls: tuple[str, ...] = ()  # the series pages walked
    pages_checked: int = 0
    captures: tuple[Capture, ...] = ()  # fetches of index pages (provenance)
    problems: tuple[str, ...] = ()

    def previous(self, url: str) -> PreviousCapture | None:
        """The plan's own fetch of a part, so the crawl asks "only if changed" instead of downloading it again."""
        wanted = normalize_url(url)
        for part in self.parts:
            if wanted in (part.url, normalize_url(part.capture.url), normalize_url(part.capture.final_url)):
                c = part.capture
                return PreviousCapture(c.url, c.etag, c.last_modified, c.content_sha256, c.body)
        return None


@dataclass
class _Walk:
    fetcher: Fetcher
    name: str
    start: str
    cancelled: Callable[[], bool]
    parts: dict[str, PlannedPart] = field(default_factory=dict)
    next_links: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    index_walked: list[str] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    queue: deque[str] = field(default_factory=deque)


def _read_post(capture: Capture) -> PostPage:
    return extract_post_page(decode_html(capture.body, _header(capture, "content-type")), capture.final_url)


def _header(capture: Capture, name: str) -> str | None:
    return next((value for key, value in capture.headers if key == name), None)


def _is_part(page: PostPage, name: str) -> bool:
    post = page.post
    if not page.is_post or post is None:
        return False
    if post.series is not None and post.series.name.casefold() == name.casefold():
        return True
    return any(term.casefold() == name.casefold() for term in (*post.categories, *post.tags))


def plan_series(url: str, fetcher: Fetcher, *, cancelled: Callable[[], bool] = lambda: False) -> SeriesPlan:
    """Fetch the part at `url`, then its series page(s) and its next/previous parts, until no new part turns up.

    Raises `NotInASeries` when the page is not a post in a series, and `FetchError`s for the first page."""
    first = fetcher.fetch(url)
    page = _read_post(first)
    if not page.is_post or page.post is None:
        raise NotInASeries(f"{url} doesn't look like a blog post. Give the address of one part of the series.")
    if page.post.series is None:
        raise NotInASeries(
            f"Nothing on {url} says it is part of a series (no “Part 3”, “#3” or “in the … series”). "
            "Give the address of a post that names its series."
        )
    start = normalize_url(page.canonical_url or first.final_url)
    walk = _Walk(fetcher=fetcher, name=page.post.series.name, start=start, cancelled=cancelled)
    _add_part(walk, first, page)
    while walk.queue and not cancelled():
        candidate = walk.queue.popleft()
        if candidate in walk.checked or candidate in walk.parts:
            continue
        if len(walk.checked) >= MAX_PAGES_CHECKED:
            walk.problems.append(f"Stopped checking links after {MAX_PAGES_CHECKED} pages; some parts may be missing.")
            break
        walk.checked.add(candidate)
        try:
            capture = fetcher.fetch(candidate)
        except FetchError as exc:
            log.info("series candidate %s: %s", candidate, exc)
            continue
        if capture.media_type not in ("text/html", "application/xhtml+xml"):
            continue
        candidate_page = _read_post(capture)
        if _is_part(candidate_page, walk.name):
            _add_part(walk, capture, candidate_page)
    ordered = sorted(
        walk.parts.values(),
        key=lambda p: (p.number is None, p.number or 0, p.published_at is None, p.published_at or first.fetched_at),
    )
    as_parts = [
        SeriesPart(post_id=i, url=p.url, title=p.title, number=p.number, published_at=p.published_at, comment_count=0)
        for i, p in enumerate(ordered)
    ]
    next_links = {i: walk.next_links.get(p.url, ()) for i, p in enumerate(ordered)}
    return SeriesPlan(
        name=walk.name,
        start_url=start,
        blog=_blog(first, page),
        parts=tuple(ordered),
        gaps=find_gaps(as_parts, next_links, [p.url for p in ordered]),
        index_urls=tuple(walk.index_walked),
        pages_checked=len(walk.checked),
        captures=tuple(walk.captures),
        problems=tuple(walk.problems),
    )


def _add_part(walk: _Walk, capture: Capture, page: PostPage) -> None:
    post = page.post
    assert post is not None
    url = normalize_url(page.canonical_url or capture.final_url)
    walk.parts[url] = PlannedPart(
        url=url,
        title=post.title,
        number=post.series.number if post.series is not None else None,
        published_at=post.published_at,
        capture=capture,
    )
    html = decode_html(capture.body, _header(capture, "content-type"))
    links = series_links_in_html(html, capture.final_url, series_name=walk.name)
    # Only the words of the post itself announce a next part; a theme's rel=next is just the next post by date.
    walk.next_links[url] = tuple(
        u for u in series_links_in_markdown(post.body_md, url, series_name=walk.name).next_urls if same_site(u, url)
    )
    for index_url in links.index_urls:
        if same_site(index_url, url) and index_url not in walk.index_walked:
            _walk_index(walk, index_url)
    for candidate in (*links.next_urls, *links.previous_urls):
        if same_site(candidate, url):
            walk.queue.append(candidate)


def _walk_index(walk: _Walk, index_url: str) -> None:
    """Queue every post a series (or category) page lists, following its pagination."""
    walk.index_walked.append(index_url)
    pending, seen = [index_url], {index_url}
    while pending and len(seen) <= MAX_INDEX_PAGES and not walk.cancelled():
        current = pending.pop(0)
        try:
            capture = walk.fetcher.fetch(current)
        except FetchError as exc:
            walk.problems.append(f"Couldn't read the series page {current}: {exc}")
            continue
        walk.captures.append(capture)
        listing = read_blog_page(decode_html(capture.body, _header(capture, "content-type")), capture.final_url)
        for post_url in listing.post_urls:
            if same_site(post_url, index_url):
                walk.queue.append(normalize_url(post_url))
        for next_url in listing.next_urls[:1]:
            next_url = normalize_url(next_url)
            if next_url not in seen and same_site(next_url, index_url):
                seen.add(next_url)
                pending.append(next_url)


def _blog(capture: Capture, page: PostPage) -> Blog:
    """The blog the part belongs to, as discovery would name it from a single post page."""
    final = normalize_url(capture.final_url)
    listing = read_blog_page(decode_html(capture.body, _header(capture, "content-type")), final)
    home = listing.home_url if listing.home_url and same_site(listing.home_url, final) else origin(final) + "/"
    return Blog(
        url=normalize_url(home),
        title=listing.site_name or site_title(listing.page_title, last=True) or display_host(final),
        platform=page.platform,
        description=listing.description if listing.site_name else "",
        language=listing.language,
    )
