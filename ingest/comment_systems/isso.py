"""Isso (self-hosted): the thread from its JSON API, `GET {base}/?uri=PATH`, every page of it.

Isso's API (isso/views/comments.py, 0.12-0.14): `GET /?uri=&limit=&nested_limit=&offset=` answers
`{"id": null, "total_replies": N, "hidden_replies": H, "replies": [comment, ...]}` where each top-level comment
carries its first `nested_limit` replies and its own `total_replies`/`hidden_replies`; `GET /?uri=&parent=ID&limit=
&offset=` pages the replies of one comment. A comment is `{id, parent, text (HTML), author, website, mode, created
(Unix time), modified, likes, dislikes, hash}`; mode 4 is a deleted comment kept for its replies. Isso nests one
level deep: a reply to a reply is stored under the top-level comment. Servers older than 0.13 ignore `offset`;
then pages go by `after` (created time) instead. An unknown thread answers 404 (old) or an empty list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ingest.comment_systems.api import (
    MAX_COMMENTS,
    MAX_PAGES,
    JsonClient,
    RawComment,
    ReadContext,
    ThreadUnreadable,
    author_link,
    body_markdown,
    display_order,
    name_of,
    status_message,
    utc,
)
from ingest.comment_systems.detect import DetectedSystem
from ingest.errors import FetchError
from ingest.threads import ThreadFetch

NAME = "isso"
LABEL = "Isso"
PREFIX = "isso:"


def read_thread(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """Every comment of the post's Isso thread, in display order; raises ThreadUnreadable (user message)."""
    base = found.detail("api")
    uri = found.detail("uri") or "/"
    if not base:
        raise ThreadUnreadable(
            "This post uses Isso, but its page doesn't say where the Isso server is (no data-isso address)."
        )
    client = JsonClient(ctx, LABEL)
    reader = _Reader(base, uri, client, ctx.page_url, max(1, ctx.page_size))
    try:
        total = reader.read()
    except FetchError as exc:
        if exc.status == 404 and not reader.items:
            # Isso before 0.12 answers 404 for a thread nobody commented on yet; a wrong address answers it too, so
            # it is an empty thread but never a complete one (that would mark archived comments removed).
            return ThreadFetch((), tuple(client.captures), complete=False)
        raise ThreadUnreadable(status_message(LABEL, exc)) from exc
    comments = display_order(reader.items)
    complete = reader.complete and (total is None or len(comments) >= total)
    problems: tuple[str, ...] = ()
    if not complete:
        problems = (f"Isso said this thread has {total} comments; {len(comments)} were read.",)
    return ThreadFetch(comments, tuple(client.captures), complete, problems)


class _Reader:
    def __init__(self, base: str, uri: str, client: JsonClient, page_url: str, size: int) -> None:
        self.base, self.uri, self.client, self.page_url, self.size = base, uri, client, page_url, size
        self.items: list[RawComment] = []
        self.seen: set[str] = set()
        self.complete = True
        self.pages = 0

    def read(self) -> int | None:
        """Read every top-level page and every reply page; the thread's total as Isso states it."""
        total: int | None = None
        offset, after, by_offset = 0, 0.0, True
        while True:
            params: dict[str, object] = {"uri": self.uri, "limit": self.size, "nested_limit": self.size}
            if by_offset and offset:
                params["offset"] = offset
            if not by_offset:
                params["after"] = after
            payload = self._get(params)
            if total is None:
                total = _int(payload.get("total_replies"))
            replies = _list(payload.get("replies"))
            fresh = [c for c in replies if isinstance(c, dict) and _id(c) is not None and _id(c) not in self.seen]
            if by_offset and offset and replies and not fresh:
                by_offset = False  # an old Isso that ignores `offset`: go on by creation time
                after = max((_float(c.get("created")) for c in replies if isinstance(c, dict)), default=0.0)
                continue
            for comment in fresh:
                self._add(comment, None)
                self._read_replies(comment)
            if not fresh or self.pages >= MAX_PAGES or len(self.items) >= MAX_COMMENTS:
                break
            offset += len(replies)
            after = max(after, max(_float(c.get("created")) for c in fresh))
            hidden = _int(payload.get("hidden_replies"))
            if by_offset and (hidden is None or hidden <= 0):
                break
        return total

    def _read_replies(self, comment: dict[str, Any]) -> None:
        parent = _id(comment)
        for reply in _list(comment.get("replies")):
            if isinstance(reply, dict):
                self._add(reply, parent)
        hidden = _int(comment.get("hidden_replies")) or 0
        got = len(_list(comment.get("replies")))
        while hidden > 0 and parent is not None:
            if self.pages >= MAX_PAGES or len(self.items) >= MAX_COMMENTS:
                self.complete = False
                return
            raw_id = parent.removeprefix(PREFIX)
            payload = self._get({"uri": self.uri, "parent": raw_id, "limit": self.size, "offset": got})
            page = [r for r in _list(payload.get("replies")) if isinstance(r, dict)]
            fresh = [r for r in page if _id(r) not in self.seen]
            if not fresh:  # an old Isso without `offset`: the first page again; the rest can't be reached
                self.complete = False
                return
            for reply in fresh:
                self._add(reply, parent)
            got += len(page)
            hidden = _int(payload.get("hidden_replies")) or 0

    def _get(self, params: dict[str, object]) -> dict[str, Any]:
        self.pages += 1
        url = self.base + "?" + urlencode(params)
        payload, _ = self.client.get(url)
        if not isinstance(payload, dict):
            raise ThreadUnreadable(f"Isso answered {url} with an unexpected document; is it really an Isso server?")
        return payload

    def _add(self, comment: dict[str, Any], parent: str | None) -> None:
        own = _id(comment)
        if own is None or own in self.seen:
            return
        self.seen.add(own)
        raw_parent = comment.get("parent")
        parent_id = (
            f"{PREFIX}{raw_parent}" if isinstance(raw_parent, int) and not isinstance(raw_parent, bool) else parent
        )
        deleted = comment.get("mode") == 4
        self.items.append(
            RawComment(
                source_id=own,
                parent_source_id=parent_id,
                author="" if deleted else name_of(comment.get("author")),
                author_url=None if deleted else author_link(comment.get("website"), self.page_url),
                published_at=utc(comment.get("created")),
                body_md="" if deleted else body_markdown(comment.get("text"), self.page_url),
            )
        )


def _id(comment: dict[str, Any]) -> str | None:
    value = comment.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return f"{PREFIX}{value}"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
