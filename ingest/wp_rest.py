"""WordPress's REST API read as an anonymous visitor: where it lives, a post's comments, the blog's posts.

What anonymous REST gives (WordPress 4.7+): approved comments of type `comment` only (never pingbacks,
trackbacks, unapproved or spam ones), each with its true `parent` even past the theme's thread depth, and
published posts. A password-protected post's comments answer 401. A plugin that closes the API answers
401/403/404 (or an HTML page): that is `RestClosed`, and callers fall back to the HTML quietly.
"""

from __future__ import annotations

import json
import logging
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.dates import parse_datetime
from ingest.errors import FetchError, IngestError
from ingest.fetch import Fetcher
from ingest.markdown import html_to_markdown, safe_url
from ingest.urls import is_http_url
from storage.records import Capture, Comment, PreviousCapture

log = logging.getLogger(__name__)

API_REL = "https://api.w.org/"
JSON_ACCEPT = "application/json"
PER_PAGE = 100  # the most WordPress allows per request
MAX_PAGES = 200  # 20,000 comments on one post: far beyond any real thread
CLOSED_STATUSES = frozenset({401, 403, 404, 410})
COMMENT_FIELDS = "id,post,parent,author_name,author_url,date,date_gmt,content,link,type"
POST_FIELDS = "id,link,date,date_gmt,modified_gmt"

_LINK_HEADER = re.compile(r"<([^>]*)>\s*;([^,<]*(?:\"[^\"]*\"[^,<]*)*)")
_REL_API = re.compile(r"""\brel\s*=\s*["']?https://api\.w\.org/["']?""", re.I)
_HTML_API_LINK = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']https://api\.w\.org/["'][^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.I)
_HTTP = frozenset({"http", "https"})

# APIs found closed in this run, per fetcher: a closed API is asked once, not once per post.
_closed: weakref.WeakKeyDictionary[Fetcher, set[str]] = weakref.WeakKeyDictionary()


class RestClosed(IngestError):
    """The REST API is not open to anonymous readers here (disabled, blocked, or not WordPress's)."""


@dataclass(frozen=True, slots=True)
class RestComments:
    """A post's comments as REST lists them: oldest first, `position`/`depth` not yet set."""

    comments: tuple[Comment, ...]
    captures: tuple[Capture, ...]
    complete: bool  # every page was read


@dataclass(frozen=True, slots=True)
class RestPost:
    """A published post as the posts endpoint lists it."""

    source_id: str
    url: str
    published_at: datetime | None  # with the site's offset
    modified_at: datetime | None  # UTC


# --- where the API lives -------------------------------------------------------------------------------------


def api_root(
    headers: Mapping[str, str] | tuple[tuple[str, str], ...], html: str | bytes = "", base_url: str = ""
) -> str | None:
    """The API root a page announces (`Link: <…/wp-json/>; rel="https://api.w.org/"`, or the same `<link>` in
    its head), absolute; None when it announces none. Plain-permalink sites give `…/?rest_route=/`."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in items:
        if name.lower() != "link":
            continue
        for match in _LINK_HEADER.finditer(value):
            if _REL_API.search(match.group(2)):
                url = safe_url(match.group(1).strip(), base_url or match.group(1).strip(), schemes=_HTTP)
                if url:
                    return url
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    for tag in _HTML_API_LINK.finditer(text[:200_000]):
        href = _HREF.search(tag.group(0))
        if href:
            url = safe_url(_unescape_amp(href.group(1)), base_url or href.group(1), schemes=_HTTP)
            if url:
                return url
    return None


def route_url(root: str, route: str, params: Mapping[str, str | int] | None = None) -> str:
    """The URL of `route` (e.g. "wp/v2/comments") under `root`, for both root shapes (`/wp-json/` and
    `?rest_route=/`), with `params` as query arguments."""
    parts = urlsplit(root)
    query = parse_qsl(parts.query, keep_blank_values=True)
    extra = [(key, str(value)) for key, value in (params or {}).items()]
    if any(key == "rest_route" for key, _ in query):
        query = [
            (k, ("/" + v.strip("/") + "/" + route.strip("/")).replace("//", "/") if k == "rest_route" else v)
            for k, v in query
        ]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query + extra, safe="/,"), ""))
    path = parts.path.rstrip("/") + "/" + route.strip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query + extra, safe="/,"), ""))


def is_closed(fetcher: Fetcher, root: str) -> bool:
    """Whether this run already found the API at `root` closed."""
    return root in _closed.get(fetcher, set())


def _mark_closed(fetcher: Fetcher, root: str) -> None:
    _closed.setdefault(fetcher, set()).add(root)


# --- reading -------------------------------------------------------------------------------------------------


def fetch_post_comments(
    root: str,
    post_id: str,
    fetcher: Fetcher,
    *,
    previous: Callable[[str], PreviousCapture | None] = lambda _url: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> RestComments:
    """Every approved comment of post `post_id`, oldest first, following `X-WP-TotalPages`.

    Raises RestClosed when the API is closed (remembered for the rest of the run), FetchError when it failed.
    """
    params: dict[str, str | int] = {
        "post": post_id,
        "per_page": PER_PAGE,
        "orderby": "date_gmt",
        "order": "asc",
        "_fields": COMMENT_FIELDS,
    }
    comments: list[Comment] = []
    captures: list[Capture] = []
    complete = True
    for items, capture in _pages(root, "wp/v2/comments", params, fetcher, previous, cancelled):
        captures.append(capture)
        if items is None:
            complete = False
            break
        for item in items:
            comment = comment_from_json(item, capture.final_url)
            if comment is not None:
                comments.append(comment)
    return RestComments(tuple(comments), tuple(captures), complete)


def fetch_posts(
    root: str,
    fetcher: Fetcher,
    *,
    previous: Callable[[str], PreviousCapture | None] = lambda _url: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[tuple[RestPost, ...], tuple[Capture, ...], bool]:
    """Every published post the posts endpoint lists (oldest first), the captures, and whether all pages were read.

    Raises RestClosed or FetchError like `fetch_post_comments`.
    """
    params: dict[str, str | int] = {"per_page": PER_PAGE, "orderby": "date", "order": "asc", "_fields": POST_FIELDS}
    posts: list[RestPost] = []
    captures: list[Capture] = []
    complete = True
    for items, capture in _pages(root, "wp/v2/posts", params, fetcher, previous, cancelled):
        captures.append(capture)
        if items is None:
            complete = False
            break
        for item in items:
            post = post_from_json(item)
            if post is not None:
                posts.append(post)
    return tuple(posts), tuple(captures), complete


def _pages(
    root: str,
    route: str,
    params: dict[str, str | int],
    fetcher: Fetcher,
    previous: Callable[[str], PreviousCapture | None],
    cancelled: Callable[[], bool],
) -> Iterator[tuple[list[Any] | None, Capture]]:
    """Each page's JSON list with its capture; a final `None` list when paging had to stop early."""
    if is_closed(fetcher, root):
        raise RestClosed(f"The REST API at {root} is closed.")
    page, total = 1, 1
    while page <= min(total, MAX_PAGES):
        url = route_url(root, route, {**params, "page": page} if page > 1 else params)
        try:
            capture = fetcher.fetch(url, previous=previous(url), accept=JSON_ACCEPT)
        except FetchError as exc:
            if page == 1 and exc.status in CLOSED_STATUSES:
                _mark_closed(fetcher, root)
                raise RestClosed(f"The REST API at {root} answered {exc.status}.") from exc
            raise
        items = _json_list(capture)
        if items is None:
            if page == 1:
                _mark_closed(fetcher, root)
                raise RestClosed(f"The REST API at {root} did not answer with JSON ({capture.media_type}).")
            yield None, capture
            return
        header = dict(capture.headers).get("x-wp-totalpages", "")
        if page == 1 and header.strip().isdigit():
            total = int(header)
        yield items, capture
        page += 1
        if page <= total and cancelled():
            yield None, capture
            return
    if total > MAX_PAGES:
        log.warning("%s: %s has more than %d pages; the rest were not read", root, route, MAX_PAGES)


def _json_list(capture: Capture) -> list[Any] | None:
    if "json" not in capture.media_type:
        return None
    try:
        data = json.loads(capture.body.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return data if isinstance(data, list) else None


# --- records -------------------------------------------------------------------------------------------------


def comment_from_json(item: Any, base_url: str) -> Comment | None:
    """One REST comment object as a record (position/depth 0: the caller orders the thread); None if malformed."""
    if not isinstance(item, dict):
        return None
    comment_id = item.get("id")
    if not isinstance(comment_id, int) or isinstance(comment_id, bool):
        return None
    kind = item.get("type", "comment")
    if kind not in ("comment", "pingback", "trackback", "", None):
        return None  # notes and other custom types are not discussion a visitor reads
    parent = item.get("parent")
    content = item.get("content")
    rendered = content.get("rendered", "") if isinstance(content, dict) else ""
    link = item.get("link")
    body_base = link if isinstance(link, str) and is_http_url(link) else base_url
    author_url = item.get("author_url")
    return Comment(
        source_id=str(comment_id),
        parent_source_id=str(parent) if isinstance(parent, int) and parent > 0 else None,
        position=0,
        depth=0,
        author=" ".join(str(item.get("author_name") or "").split()),
        author_url=safe_url(author_url, base_url, schemes=_HTTP) if isinstance(author_url, str) else None,
        published_at=local_datetime(item.get("date"), item.get("date_gmt")),
        kind="pingback" if kind == "pingback" else "trackback" if kind == "trackback" else "comment",
        body_md=html_to_markdown(rendered if isinstance(rendered, str) else "", body_base).text,
    )


def post_from_json(item: Any) -> RestPost | None:
    if not isinstance(item, dict):
        return None
    post_id, link = item.get("id"), item.get("link")
    if not isinstance(post_id, int) or not isinstance(link, str) or not is_http_url(link):
        return None
    modified = item.get("modified_gmt")
    modified_at = parse_datetime(modified + "Z") if isinstance(modified, str) and modified else None
    return RestPost(str(post_id), link, local_datetime(item.get("date"), item.get("date_gmt")), modified_at)


def local_datetime(local: Any, gmt: Any) -> datetime | None:
    """The site's local time with its UTC offset (local minus GMT, to the minute); UTC when only GMT is given."""
    local_dt = _naive(local)
    gmt_dt = _naive(gmt)
    if gmt_dt is None:
        return None if local_dt is None else local_dt  # naive: the site's zone is unknown
    if local_dt is None:
        return gmt_dt.replace(tzinfo=UTC)
    minutes = round((local_dt - gmt_dt).total_seconds() / 60)
    if abs(minutes) > 18 * 60:
        return gmt_dt.replace(tzinfo=UTC)
    return local_dt.replace(tzinfo=timezone(timedelta(minutes=minutes)))


def _naive(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _unescape_amp(href: str) -> str:
    return href.replace("&amp;", "&").replace("&#038;", "&")


# --- one thread out of REST and HTML -------------------------------------------------------------------------


def in_display_order(comments: tuple[Comment, ...]) -> tuple[Comment, ...]:
    """Comments that each name their true parent (REST, a WXR export) as a thread in display order: top-level
    threads oldest first, replies depth-first, siblings oldest first; a reply whose parent is absent (held
    back, spam) becomes top level, as WordPress shows it."""
    return merge_with_html(comments, ())


def merge_with_html(rest: tuple[Comment, ...], html: tuple[Comment, ...]) -> tuple[Comment, ...]:
    """REST's comments plus what only the HTML shows (pingbacks, trackbacks), as one thread in display order.

    `html` is the HTML thread in display order (`merge_comment_pages`). A comment both know is REST's: its parent
    is the true one (the HTML loses it past the theme's thread depth) and its date carries the site's offset.
    What only the HTML has keeps its HTML parent, and its place after the sibling it follows on the page when
    it has no date (WordPress prints none for pings). Siblings are oldest first; a parent nobody has makes
    its reply top level.
    """
    rest_ids = {c.source_id for c in rest}
    extras = [c for c in html if c.source_id not in rest_ids]
    merged = list(rest) + extras
    known = {c.source_id for c in merged}
    parent_of = {c.source_id: c.parent_source_id if c.parent_source_id in known else None for c in merged}
    html_index = {c.source_id: i for i, c in enumerate(html)}
    rest_index = {c.source_id: i for i, c in enumerate(rest)}
    by_id = {c.source_id: c for c in merged}

    def sort_key(comment: Comment) -> tuple[float, int, int]:
        if comment.published_at is not None and comment.published_at.tzinfo is not None:
            return comment.published_at.timestamp(), 0, rest_index.get(comment.source_id, 0)
        # Undated: right after the nearest earlier sibling on the page that has a date.
        index = html_index.get(comment.source_id, len(html))
        for earlier in reversed(html[:index]):
            if parent_of.get(earlier.source_id, "?") != parent_of[comment.source_id]:
                continue
            anchor = by_id.get(earlier.source_id)
            if anchor is not None and anchor.published_at is not None and anchor.published_at.tzinfo is not None:
                return anchor.published_at.timestamp(), 1, index
        return float("-inf"), 1, index

    children: dict[str | None, list[Comment]] = {}
    for comment in merged:
        children.setdefault(parent_of[comment.source_id], []).append(comment)
    result: list[Comment] = []
    placed: set[str] = set()

    def place(parent: str | None, depth: int) -> None:
        for position, comment in enumerate(sorted(children.get(parent, []), key=sort_key)):
            if comment.source_id in placed:
                continue
            placed.add(comment.source_id)
            result.append(replace(comment, parent_source_id=parent, position=position, depth=depth))
            place(comment.source_id, depth + 1)

    place(None, 0)
    # A parent cycle (malformed data) leaves comments unplaced: keep them, top level, at the end.
    top_level = sum(1 for c in result if c.parent_source_id is None)
    for comment in merged:
        if comment.source_id not in placed:
            placed.add(comment.source_id)
            result.append(replace(comment, parent_source_id=None, position=top_level, depth=0))
            top_level += 1
    return tuple(result)
