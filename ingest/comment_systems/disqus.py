"""Disqus: the thread from its public API 3.0 with the user's API key, `threads/listPosts.json`, cursor-paged.

`GET {base}/threads/listPosts.json?api_key=KEY&forum=SHORTNAME&thread=ident:ID` (or `thread=link:URL`)
`&limit=100&order=asc&cursor=C` answers `{"code": 0, "cursor": {"hasNext": bool, "next": "..."}, "response":
[post, ...]}`; a post is `{id, parent (id or null), message (HTML), createdAt (UTC, no zone), author {name,
username, url, profileUrl, isAnonymous}, isDeleted, isSpam, isApproved}`. Errors come as `{"code": N, "response":
"message"}` (2: bad argument or unknown thread, 5: bad key, 13: rate limit). Comment ids are Disqus's post ids,
`disqus:ID`, as the Disqus export importer writes them, so an import and an API read of one thread agree.
The key is never stored: captures keep the URL without it.
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
    utc,
)
from ingest.comment_systems.detect import DetectedSystem
from ingest.errors import FetchError
from ingest.threads import ThreadFetch

NAME = "disqus"
LABEL = "Disqus"
PREFIX = "disqus:"
KEY_HINT = "check the Disqus API key in Settings (or --disqus-key)"


def read_thread(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """Every visible comment of the post's Disqus thread, in display order; raises ThreadUnreadable."""
    key = ctx.options.disqus_api_key
    forum = found.detail("shortname")
    if not key:
        raise ThreadUnreadable("Reading Disqus needs a Disqus API key: add one in Settings (or --disqus-key).")
    if not forum:
        raise ThreadUnreadable(
            "This post uses Disqus, but its page doesn't name the Disqus site (shortname), so the thread can't be "
            "looked up; import the Disqus export instead (threadbook import)."
        )
    client = JsonClient(ctx, LABEL)
    lookups = [f"ident:{found.detail('identifier')}"] if found.detail("identifier") else []
    lookups.append(f"link:{found.detail('url') or ctx.page_url}")
    for thread in lookups:
        try:
            return _read(client, ctx, key, forum, thread)
        except _UnknownThread:
            continue
    # Disqus makes a thread when someone first opens it, so an unknown thread may just have no comments yet; but
    # a 400 may also be a wrong key (Disqus's error bodies are not kept): say both, never claim an empty thread.
    raise ThreadUnreadable(
        f"Disqus doesn't know this post's thread on {forum} (looked up as {' and '.join(lookups)}): it may have no "
        f"comments yet, or the page's Disqus settings or the API key may be wrong ({KEY_HINT})"
    )


class _UnknownThread(ThreadUnreadable):
    pass


def _read(client: JsonClient, ctx: ReadContext, key: str, forum: str, thread: str) -> ThreadFetch:
    base = ctx.disqus_api.rstrip("/") + "/threads/listPosts.json"
    items: list[RawComment] = []
    cursor: str | None = None
    pages = 0
    complete = False
    while pages < MAX_PAGES and len(items) < MAX_COMMENTS:
        pages += 1
        params = {"forum": forum, "thread": thread, "limit": str(max(1, min(ctx.page_size, 100))), "order": "asc"}
        if cursor:
            params["cursor"] = cursor
        query = urlencode(params)
        shown = f"{base}?{query}"  # the capture and messages never carry the key
        try:
            payload, _ = client.get(f"{base}?api_key={key}&{query}", keyed=True, shown_url=shown)
        except FetchError as exc:
            raise _explain(exc, thread) from exc
        if not isinstance(payload, dict) or payload.get("code") not in (0, None):
            code = payload.get("code") if isinstance(payload, dict) else None
            raise _explain_code(code, payload.get("response") if isinstance(payload, dict) else None, thread)
        posts = payload.get("response")
        for post in posts if isinstance(posts, list) else []:
            own = _post(post, ctx.page_url)
            if own is not None:
                items.append(own)
        raw_cursor = payload.get("cursor")
        page_cursor: dict[str, Any] = raw_cursor if isinstance(raw_cursor, dict) else {}
        next_cursor = page_cursor.get("next")
        if not page_cursor.get("hasNext") or not isinstance(next_cursor, str) or next_cursor == cursor:
            complete = True
            break
        cursor = next_cursor
    return ThreadFetch(display_order(items), tuple(client.captures), complete)


def _post(post: object, base_url: str) -> RawComment | None:
    if not isinstance(post, dict):
        return None
    post_id = post.get("id")
    if not isinstance(post_id, int | str) or isinstance(post_id, bool) or not str(post_id):
        return None
    if post.get("isSpam") or post.get("isApproved") is False:
        return None  # a visitor doesn't see them
    deleted = bool(post.get("isDeleted"))
    raw_author = post.get("author")
    author: dict[str, Any] = raw_author if isinstance(raw_author, dict) else {}
    parent = post.get("parent")
    return RawComment(
        source_id=f"{PREFIX}{post_id}",
        parent_source_id=f"{PREFIX}{parent}" if isinstance(parent, int | str) and parent and parent != "0" else None,
        author="" if deleted else name_of(author.get("name")),
        author_url=None if deleted else author_link(author.get("url") or author.get("profileUrl"), base_url),
        published_at=utc(post.get("createdAt")),
        body_md="" if deleted else body_markdown(post.get("message"), base_url),
    )


def _explain(exc: FetchError, thread: str) -> ThreadUnreadable:
    status = exc.status
    if status in (401, 403):
        return ThreadUnreadable(f"Disqus refused the API key ({status}): {KEY_HINT}.")
    if status in (400, 404):
        return _UnknownThread(f"Disqus doesn't know this post's thread ({thread}).")
    if status == 429:
        return ThreadUnreadable("Disqus says the API key's hourly request limit is spent (429); try again in an hour.")
    return ThreadUnreadable(f"Disqus couldn't be read: {exc}")


def _explain_code(code: object, message: object, thread: str) -> ThreadUnreadable:
    said = f" (it said: {message})" if isinstance(message, str) and message.strip() else ""
    if code == 5:
        return ThreadUnreadable(f"Disqus refused the API key{said}: {KEY_HINT}.")
    if code == 2:
        return _UnknownThread(f"Disqus doesn't know this post's thread ({thread}){said}.")
    if code == 13:
        return ThreadUnreadable("Disqus says the API key's hourly request limit is spent; try again in an hour.")
    return ThreadUnreadable(f"Disqus couldn't list this thread's comments (code {code}){said}.")
