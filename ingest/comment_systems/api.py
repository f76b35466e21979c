"""What every comment-system reader shares: the read context, JSON over the Fetcher, and display-order threads."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ingest.comment_systems import ThreadOptions
from ingest.dates import parse_datetime
from ingest.errors import FetchError, IngestError
from ingest.fetch import Fetcher
from ingest.markdown import html_to_markdown, safe_url
from storage.records import Capture, Comment, PreviousCapture

log = logging.getLogger(__name__)

GITHUB_API = "https://api.github.com"
DISQUS_API = "https://disqus.com/api/3.0"
MAX_COMMENTS = 50_000  # a guard against an interface that never stops paging
MAX_PAGES = 2_000


def _none(_: str) -> None:
    return None


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class ReadContext:
    """Everything a reader needs to read one post's thread from its comment system."""

    page_url: str  # the post page as fetched (final URL)
    fetcher: Fetcher
    options: ThreadOptions = field(default_factory=ThreadOptions)
    previous: Callable[[str], PreviousCapture | None] = _none  # conditional GETs on re-runs
    cancelled: Callable[[], bool] = _never
    # A page must not make us probe the user's network: on a public blog, a comment server named by the page must be
    # on a public address (the blog's own host is trusted; a blog on loopback may use loopback).
    public_only: bool = False
    trusted_host: str | None = None
    allow_loopback: bool = False
    github_api: str = GITHUB_API  # configurable so tests can point the readers at a loopback server
    disqus_api: str = DISQUS_API
    page_size: int = 100  # comments per API page


class ThreadUnreadable(IngestError):
    """The comment system's interface could not give the thread; str() says why and what to do."""


@dataclass(frozen=True, slots=True)
class RawComment:
    """A comment as an interface gives it, before it takes its place in the thread."""

    source_id: str
    parent_source_id: str | None
    author: str
    author_url: str | None
    published_at: datetime | None
    body_md: str


class JsonClient:
    """Fetches an interface's JSON documents through the Fetcher, keeping every capture for provenance."""

    def __init__(self, ctx: ReadContext, label: str) -> None:
        self.ctx, self.label = ctx, label
        self.captures: list[Capture] = []

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        keyed: bool = False,
        shown_url: str | None = None,
        accept: str = "application/json",
    ) -> tuple[Any, Capture]:
        """GET a JSON document. `keyed`: the user's key unlocks it (robots.txt is for crawlers, so not asked).

        `shown_url` replaces the URL in the capture and messages (a URL carrying an API key must never be stored).
        """
        previous = self.ctx.previous(shown_url or url)
        capture = self._fetch(url, headers=headers, keyed=keyed, previous=previous, shown_url=shown_url, accept=accept)
        return self._decode(capture, shown_url or url), capture

    def post(
        self, url: str, payload: object, *, headers: Mapping[str, str] | None = None, keyed: bool = False
    ) -> tuple[Any, Capture]:
        """POST a JSON body and read the JSON answer."""
        data = json.dumps(payload).encode("utf-8")
        sent = {"Content-Type": "application/json", **(headers or {})}
        capture = self._fetch(url, headers=sent, keyed=keyed, method="POST", data=data)
        return self._decode(capture, url), capture

    def _fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None,
        keyed: bool,
        previous: PreviousCapture | None = None,
        shown_url: str | None = None,
        method: str = "GET",
        data: bytes | None = None,
        accept: str = "application/json",
    ) -> Capture:
        if self.ctx.cancelled():
            raise ThreadUnreadable(f"Reading the {self.label} comments was cancelled.")
        try:
            capture = self.ctx.fetcher.fetch(
                url,
                previous=previous,
                accept=accept,
                headers=headers,
                method=method,
                data=data,
                check_robots=not keyed,
                public_only=self.ctx.public_only,
                trusted_host=self.ctx.trusted_host,
                allow_loopback=self.ctx.allow_loopback,
            )
        except FetchError as exc:
            if shown_url is None:
                raise
            # The original names the URL with the key in it: it must not reach a log or the user's screen.
            raise FetchError(str(exc).replace(url, shown_url), url=shown_url, status=exc.status) from None
        if shown_url is not None:
            capture = replace(capture, url=shown_url, final_url=shown_url)
        self.captures.append(capture)
        return capture

    def _decode(self, capture: Capture, url: str) -> Any:
        try:
            return json.loads(capture.body.decode("utf-8", errors="replace"))
        except ValueError as exc:
            raise ThreadUnreadable(
                f"{self.label} answered {url} with something that isn't JSON; "
                "the address of the comment server may be wrong."
            ) from exc


def utc(value: object) -> datetime | None:
    """A UTC-aware datetime from an ISO-8601 text (naive means UTC, as APIs write it) or a Unix timestamp."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = parse_datetime(value.strip())
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def body_markdown(html: object, base_url: str) -> str:
    """A comment body the interface gives as HTML, as our Markdown (scripts, forms and unsafe links dropped)."""
    if not isinstance(html, str) or not html.strip():
        return ""
    return html_to_markdown(f"<div>{html}</div>", base_url).text


def author_link(url: object, base_url: str) -> str | None:
    """The commenter's web address, if it is an absolute http(s) one (Commento writes "undefined" for none)."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        return None
    return safe_url(url.strip(), base_url, schemes=frozenset({"http", "https"}))


def name_of(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def display_order(items: Iterable[RawComment], *, sort_by_date: bool = True) -> tuple[Comment, ...]:
    """The thread in display order: top level oldest first, replies depth-first, positions and depths set.

    Siblings keep the interface's order when `sort_by_date` is false or dates are missing. A comment whose parent
    is not in the thread becomes top level (its parent was deleted upstream), and a duplicate id is kept once.
    """
    unique: dict[str, tuple[int, RawComment]] = {}
    for index, item in enumerate(items):
        unique.setdefault(item.source_id, (index, item))
    children: dict[str | None, list[tuple[int, RawComment]]] = {}
    for index, item in unique.values():
        parent = item.parent_source_id if item.parent_source_id in unique else None
        if parent == item.source_id:
            parent = None
        children.setdefault(parent, []).append((index, item))
    floor = datetime.min.replace(tzinfo=UTC)

    def key(entry: tuple[int, RawComment]) -> tuple[datetime, int]:
        index, item = entry
        return (item.published_at or floor, index) if sort_by_date else (floor, index)

    result: list[Comment] = []
    placed: set[str] = set()
    stack: list[tuple[RawComment, str | None, int, int]] = []
    for position, (_, root) in reversed(list(enumerate(sorted(children.get(None, []), key=key)))):
        stack.append((root, None, 0, position))
    while stack:
        item, parent, depth, position = stack.pop()
        if item.source_id in placed:
            continue
        placed.add(item.source_id)
        result.append(
            Comment(
                source_id=item.source_id,
                parent_source_id=parent,
                position=position,
                depth=depth,
                author=item.author,
                author_url=item.author_url,
                published_at=item.published_at,
                kind="comment",
                body_md=item.body_md,
            )
        )
        replies = sorted(children.get(item.source_id, []), key=key)
        for reply_position, (_, reply) in reversed(list(enumerate(replies))):
            stack.append((reply, item.source_id, depth + 1, reply_position))
    return tuple(result)


def status_message(label: str, exc: FetchError, *, key_hint: str = "") -> str:
    """A user message for an interface that answered with an error."""
    status = exc.status
    if status in (401, 403) and key_hint:
        return f"{label} refused the request ({status}): {key_hint}"
    if status == 429:
        return f"{label} asked us to slow down (429), so the thread was not read. Try again later."
    return f"{label} couldn't be read: {exc}"


def counted(items: Sequence[RawComment]) -> int:
    return len({item.source_id for item in items})
