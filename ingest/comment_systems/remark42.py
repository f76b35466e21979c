"""Remark42 (self-hosted): the thread from `GET {host}/api/v1/find?site=&url=&sort=+time&format=tree`.

The tree answer is `{"comments": [{"comment": {...}, "replies": [{"comment": ..., "replies": [...]}]}], "info":
{"count": N, ...}}`; a comment is `{id, pid, text (HTML), orig, user {name, id, picture}, locator {site, url},
time (RFC 3339), delete}`. The plain format is `{"comments": [comment, ...], "info": ...}` (a bare list in old
versions), threaded by `pid`. A deleted comment keeps its place for its replies, with no author or text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ingest.comment_systems.api import (
    MAX_COMMENTS,
    JsonClient,
    RawComment,
    ReadContext,
    ThreadUnreadable,
    body_markdown,
    display_order,
    name_of,
    status_message,
    utc,
)
from ingest.comment_systems.detect import DetectedSystem
from ingest.errors import FetchError
from ingest.threads import ThreadFetch

NAME = "remark42"
LABEL = "Remark42"
PREFIX = "remark42:"


def read_thread(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """Every comment of the post's Remark42 thread, in display order; raises ThreadUnreadable (user message)."""
    host = found.detail("api")
    if not host:
        raise ThreadUnreadable(
            "This post uses Remark42, but its page doesn't say where the Remark42 server is (no remark_config host)."
        )
    query = urlencode({"site": found.detail("site") or "remark", "url": found.detail("url") or ctx.page_url})
    url = f"{host.rstrip('/')}/api/v1/find?{query}&sort=%2Btime&format=tree"
    client = JsonClient(ctx, LABEL)
    try:
        payload, _ = client.get(url)
    except FetchError as exc:
        if exc.status == 400:
            raise ThreadUnreadable(
                f"Remark42 at {host} doesn't know this site ({found.detail('site')}) or page (400); "
                "the page's remark_config may be out of date."
            ) from exc
        raise ThreadUnreadable(status_message(LABEL, exc)) from exc
    items: list[RawComment] = []
    if isinstance(payload, dict):
        entries = payload.get("comments")
        info = payload.get("info")
    else:
        entries, info = payload, None
    if not isinstance(entries, list):
        raise ThreadUnreadable(f"Remark42 answered {url} with an unexpected document; is it really Remark42?")
    _walk(entries, None, items, ctx.page_url, 0)
    stated = info.get("count") if isinstance(info, dict) else None
    comments = display_order(items)
    complete = not isinstance(stated, int) or len(comments) >= stated
    problems = () if complete else (f"Remark42 said this thread has {stated} comments; {len(comments)} were read.",)
    return ThreadFetch(comments, tuple(client.captures), complete, problems)


def _walk(entries: list[Any], parent: str | None, out: list[RawComment], base_url: str, depth: int) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or len(out) >= MAX_COMMENTS or depth > 200:
            continue
        if "comment" in entry:  # tree format: {"comment": {...}, "replies": [...]}
            comment = entry.get("comment")
            if isinstance(comment, dict) and _add(comment, parent, out, base_url):
                replies = entry.get("replies")
                if isinstance(replies, list):
                    _walk(replies, out[-1].source_id, out, base_url, depth + 1)
        else:  # plain format: the parent is the comment's `pid`
            _add(entry, None, out, base_url)


def _add(comment: dict[str, Any], parent: str | None, out: list[RawComment], base_url: str) -> bool:
    raw_id = comment.get("id")
    if not isinstance(raw_id, str) or not raw_id:
        return False
    pid = comment.get("pid")
    user = comment.get("user") if isinstance(comment.get("user"), dict) else {}
    deleted = bool(comment.get("delete"))
    out.append(
        RawComment(
            source_id=PREFIX + raw_id,
            parent_source_id=parent or (PREFIX + pid if isinstance(pid, str) and pid else None),
            author="" if deleted else name_of(user.get("name") if isinstance(user, dict) else None),
            author_url=None,  # Remark42 shows no commenter web addresses
            published_at=utc(comment.get("time")),
            body_md="" if deleted else body_markdown(comment.get("text"), base_url),
        )
    )
    return True
