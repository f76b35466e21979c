"""Which posts of an archived blog changed since its last capture, read from the blog's own lists of changes.

A re-run that asked every post page "only if changed" would still cost one request per post (a 304 each). A
WordPress blog says what changed in a few requests instead:

- through its REST API, the comments made since a date (`wp/v2/comments?after=`, newest first) and the posts
  edited since then (`wp/v2/posts?modified_after=`, most recently edited first): two requests for most re-runs;
- without REST, its comments feed (`/comments/feed/`, announced in the page head; newest first, paged) for new
  comments, and the sitemaps' `<lastmod>` (read by discovery anyway) for edited posts.

Comments held for moderation keep the date they were written, so the lists are read back `RECHECK_MARGIN`
before the last capture. When no list answers, or one is longer than `MAX_PAGES`, `Changes.complete` is False
and the caller asks every post again (conditional GETs). What the lists can't tell: a comment edited or deleted
upstream; `ArchiveSettings.recheck_all` (desktop) re-reads every post for that.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import lxml.etree
import lxml.html

from ingest import wp_rest
from ingest.discover import Discovery
from ingest.encoding import decode_html
from ingest.errors import FetchError, IngestError
from ingest.extract import strip_comment_page
from ingest.feeds import parse_feed, wordpress_feed_page_url
from ingest.fetch import Fetcher
from ingest.urls import is_http_url, normalize_url, rebase_onto, same_site
from storage.records import Capture, PreviousCapture

log = logging.getLogger(__name__)

RECHECK_MARGIN = timedelta(days=7)
MAX_PAGES = 10  # of a change list: 1,000 REST comments or 100 feed items; past that, ask every post instead
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since `since`: the posts to fetch again, and whether that list is the whole truth."""

    since: datetime  # the cut-off used (the last capture minus the margin)
    posts: frozenset[str]  # normalized URLs of posts with new comments or edits since `since`
    complete: bool  # True: a post not in `posts` is unchanged; False: every post must be asked again
    source: str  # "rest", "feed" or "" (nothing usable)
    captures: tuple[Capture, ...] = ()  # the change lists fetched (their validators make the next run cheaper)


def changes_since(
    discovery: Discovery,
    fetcher: Fetcher,
    *,
    last_capture: datetime,
    previous: Callable[[str], PreviousCapture | None] = lambda _url: None,
) -> Changes:
    """The posts of a WordPress blog changed since `last_capture` (UTC), from its REST API or comments feed.

    Never raises for a list that can't be read: it gives `complete=False` and the caller rechecks every post.
    """
    since = last_capture.astimezone(UTC) - RECHECK_MARGIN
    nothing = Changes(since, frozenset(), complete=False, source="")
    home = _home_capture(discovery)
    if discovery.blog.platform != "wordpress" or home is None or discovery.single_post:
        return nothing
    root = wp_rest.api_root(home.headers, home.body, home.final_url)
    if root is not None and not wp_rest.is_closed(fetcher, root):
        try:
            return _from_rest(root, discovery, fetcher, since)
        except IngestError as exc:
            log.info("%s: the REST API can't list changes (%s); trying the comments feed", discovery.blog.url, exc)
    feed_url = _comments_feed_url(home, discovery.blog.url)
    if feed_url is None:
        return nothing
    try:
        return _from_feed(feed_url, discovery, fetcher, since, previous)
    except IngestError as exc:
        log.info("%s: the comments feed can't list changes (%s); every post is asked again", discovery.blog.url, exc)
        return nothing


# -- REST ----------------------------------------------------------------------------------------------------


def _from_rest(root: str, discovery: Discovery, fetcher: Fetcher, since: datetime) -> Changes:
    after = since.strftime("%Y-%m-%dT%H:%M:%S")
    captures: list[Capture] = []
    comments: dict[str, str | int] = {"after": after, "orderby": "date_gmt", "_fields": "link,date_gmt"}
    edits: dict[str, str | int] = {"modified_after": after, "orderby": "modified", "_fields": "link,modified_gmt"}
    try:
        posts = _listed_since(root, "wp/v2/comments", comments, "date_gmt", fetcher, since, discovery, captures)
        posts |= _listed_since(root, "wp/v2/posts", edits, "modified_gmt", fetcher, since, discovery, captures)
    except _TooLong as exc:
        log.info("%s: %s; every post is asked again", discovery.blog.url, exc)
        return Changes(since, frozenset(), complete=False, source="rest", captures=tuple(captures))
    return Changes(since, frozenset(posts), complete=True, source="rest", captures=tuple(captures))


def _listed_since(
    root: str,
    route: str,
    params: dict[str, str | int],
    date_key: str,
    fetcher: Fetcher,
    since: datetime,
    discovery: Discovery,
    captures: list[Capture],
) -> set[str]:
    """The posts a REST list (newest first) names with a date from `since` on."""
    posts: set[str] = set()
    params = {**params, "per_page": wp_rest.PER_PAGE, "order": "desc"}
    for items, capture in _rest_pages(root, route, params, fetcher):
        captures.append(capture)
        for item in items:
            when = _gmt(item.get(date_key)) if isinstance(item, dict) else None
            if when is None:
                raise IngestError(f"{route} listed an item without {date_key}")
            if when < since:  # older: the API ignored the filter (WordPress < 5.7 for posts); the rest is older still
                return posts
            link = item.get("link")
            if isinstance(link, str) and is_http_url(link):
                posts.update(_post_key(link, discovery.blog.url))
    return posts


def _rest_pages(
    root: str, route: str, params: dict[str, str | int], fetcher: Fetcher
) -> Iterator[tuple[list[Any], Capture]]:
    """Each page's JSON list (X-WP-TotalPages, at most MAX_PAGES); stops early without ending the caller's loop."""
    page, total = 1, 1
    while page <= total:
        if page > MAX_PAGES:
            raise _TooLong(f"{route} lists more than {MAX_PAGES} pages of changes")
        url = wp_rest.route_url(root, route, {**params, "page": page} if page > 1 else params)
        try:
            capture = fetcher.fetch(url, accept=wp_rest.JSON_ACCEPT)
        except FetchError as exc:
            raise IngestError(f"{route}: {exc}") from exc
        try:
            items = json.loads(capture.body.decode("utf-8", errors="replace"))
        except ValueError as exc:
            raise IngestError(f"{route} did not answer with JSON") from exc
        if not isinstance(items, list):
            raise IngestError(f"{route} did not answer with a list")
        header = dict(capture.headers).get("x-wp-totalpages", "").strip()
        if page == 1 and header.isdigit():
            total = int(header)
        yield items, capture
        page += 1


class _TooLong(IngestError):
    """A change list too long to be worth reading: asking every post costs less."""


# -- the comments feed -----------------------------------------------------------------------------------------


def _from_feed(
    feed_url: str,
    discovery: Discovery,
    fetcher: Fetcher,
    since: datetime,
    previous: Callable[[str], PreviousCapture | None],
) -> Changes:
    posts: set[str] = set()
    captures: list[Capture] = []
    whole = False
    for number in range(1, MAX_PAGES + 1):
        url = feed_url if number == 1 else wordpress_feed_page_url(feed_url, number)
        try:
            capture = fetcher.fetch(url, previous=previous(url), accept=FEED_ACCEPT)
        except FetchError as exc:
            if number > 1 and exc.status == 404:  # past the last page: the whole list was read
                whole = True
                break
            raise IngestError(str(exc)) from exc
        captures.append(capture)
        feed = parse_feed(capture.body, capture.final_url)
        if feed is None:
            raise IngestError(f"{url} is not a feed")
        if not feed.entries:
            whole = True
            break
        for entry in feed.entries:
            when = entry.published_at or entry.updated_at
            if when is None:
                raise IngestError(f"{url} lists a comment without a date")
            if when.astimezone(UTC) < since:
                whole = True
                break
            posts.update(_post_key(entry.url, discovery.blog.url))
        if whole:
            break
    if not whole:
        return Changes(since, frozenset(posts), complete=False, source="feed", captures=tuple(captures))
    # Edits: the sitemaps' dates, when they give one for every post.
    dated = dict(discovery.modified)
    edits_known = all(url in dated for url in discovery.post_urls)
    posts.update(url for url, when in dated.items() if when.astimezone(UTC) >= since)
    return Changes(since, frozenset(posts), complete=edits_known, source="feed", captures=tuple(captures))


def _comments_feed_url(home: Capture, blog_url: str) -> str | None:
    """The blog-wide comments feed the home page announces (WordPress: "<Blog> » Comments Feed"), or None."""
    html = decode_html(home.body, dict(home.headers).get("content-type"))
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for link in doc.xpath("//head/link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')][@href]"):
        href = str(link.get("href", "")).strip()
        title = str(link.get("title") or "").lower()
        if not (href.rstrip("/").endswith("/comments/feed") or "comments feed" in title):
            continue
        url = normalize_url(lxml.html.urljoin(home.final_url, href)) if href else ""
        if is_http_url(url) and same_site(url, blog_url):
            return url
    return None


# -- helpers ---------------------------------------------------------------------------------------------------


def _home_capture(discovery: Discovery) -> Capture | None:
    """The capture of the blog's home page (the first HTML page discovery read)."""
    for capture in discovery.captures:
        if capture.media_type in ("text/html", "application/xhtml+xml") and capture.body:
            return capture
    return None


def _post_key(link: str, blog_url: str) -> tuple[str, ...]:
    """The post a comment's link (or a post's) points at, keyed as discovery keys it; () for another site's."""
    if not same_site(link, blog_url):
        return ()
    return (normalize_url(rebase_onto(strip_comment_page(link), blog_url)),)


def _gmt(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().removesuffix("Z"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
