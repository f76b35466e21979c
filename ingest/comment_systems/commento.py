"""Commento (hosted at commento.io, or self-hosted; Commento++ too): `POST {origin}/api/comment/list`.

The request is `{"commenterToken": "anonymous", "domain": HOST, "path": PATH}` (the page's `data-page-id` replaces
the path). The answer is `{"success": true, "comments": [{commentHex, commenterHex, html, markdown, parentHex
("root" at top level), creationDate, deleted, state}], "commenters": {HEX: {name, link, photo}}}`, or
`{"success": false, "message": "..."}`. Commenters without a link have `link: "undefined"`.
"""

from __future__ import annotations

from typing import Any

from ingest.comment_systems.api import (
    MAX_COMMENTS,
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

NAME = "commento"
LABEL = "Commento"
PREFIX = "commento:"


def read_thread(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """Every comment of the post's Commento thread, in display order; raises ThreadUnreadable (user message)."""
    origin = found.detail("api")
    if not origin:
        raise ThreadUnreadable("This post uses Commento, but its page doesn't say where the Commento server is.")
    url = f"{origin.rstrip('/')}/api/comment/list"
    request = {"commenterToken": "anonymous", "domain": found.detail("domain") or "", "path": found.detail("path")}
    client = JsonClient(ctx, LABEL)
    try:
        payload, _ = client.post(url, request)
    except FetchError as exc:
        raise ThreadUnreadable(status_message(LABEL, exc)) from exc
    if not isinstance(payload, dict):
        raise ThreadUnreadable(f"Commento answered {url} with an unexpected document; is it really Commento?")
    if payload.get("success") is not True:
        message = payload.get("message")
        said = f" (it said: {message})" if isinstance(message, str) and message.strip() else ""
        raise ThreadUnreadable(f"Commento at {origin} refused to list this page's comments{said}.")
    raw_commenters = payload.get("commenters")
    commenters: dict[str, Any] = raw_commenters if isinstance(raw_commenters, dict) else {}
    items: list[RawComment] = []
    raw_comments = payload.get("comments")
    for comment in raw_comments if isinstance(raw_comments, list) else []:
        if not isinstance(comment, dict) or len(items) >= MAX_COMMENTS:
            continue
        hex_id = comment.get("commentHex")
        if not isinstance(hex_id, str) or not hex_id:
            continue
        parent = comment.get("parentHex")
        deleted = bool(comment.get("deleted"))
        who = commenters.get(str(comment.get("commenterHex")), {})
        who = who if isinstance(who, dict) else {}
        name = name_of(who.get("name")) or ("Anonymous" if comment.get("commenterHex") == "anonymous" else "")
        items.append(
            RawComment(
                source_id=PREFIX + hex_id,
                parent_source_id=PREFIX + parent if isinstance(parent, str) and parent not in ("", "root") else None,
                author="" if deleted else name,
                author_url=None if deleted else author_link(who.get("link"), ctx.page_url),
                published_at=utc(comment.get("creationDate")),
                body_md="" if deleted else body_markdown(comment.get("html"), ctx.page_url),
            )
        )
    return ThreadFetch(display_order(items), tuple(client.captures), complete=True)
