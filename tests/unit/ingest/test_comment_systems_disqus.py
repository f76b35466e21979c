"""The Disqus reader against a fake Disqus API 3.0: cursor paging, ident/link lookups, bad key, unknown thread, 429."""

from __future__ import annotations

from typing import Any

import pytest
from comment_system_fakes import PAGE_URL, context, serving
from comment_system_servers import ApiAnswer, ApiRequest

from ingest.comment_systems.api import ThreadUnreadable
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.disqus import read_thread

KEY = "Pk_public_key_123"


def post(post_id: int, parent: int | None, minute: int, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(post_id),
        "parent": parent,
        "message": f"<p>Disqus post {post_id}</p>",
        "raw_message": "unused",
        "createdAt": f"2024-05-02T10:{minute:02d}:00",
        "author": {"name": name, "username": name.lower(), "url": "", "profileUrl": f"https://disqus.com/by/{name}/"},
        "isDeleted": False,
        "isSpam": False,
        "isApproved": True,
        "forum": "crumbjournal",
        "thread": "555",
        **extra,
    }


POSTS = [
    post(11, None, 1, "Ann"),
    post(12, 11, 2, "Ben"),
    post(13, None, 3, "Cat", isSpam=True),
    post(14, 12, 4, "Dan", author={"name": "Dan", "url": "https://dan.example/", "isAnonymous": False}),
    post(15, None, 5, "Eve", isDeleted=True, message=""),
    post(16, 15, 6, "Fay"),
]


def disqus(request: ApiRequest) -> ApiAnswer:
    assert request.path == "/api/3.0/threads/listPosts.json"
    q = request.query
    if q.get("api_key") != KEY:
        return ApiAnswer(status=401, payload={"code": 5, "response": "Invalid API key"})
    if q["forum"] != "crumbjournal":
        return ApiAnswer(status=400, payload={"code": 2, "response": "Invalid argument, 'forum'"})
    if q.get("thread") == "ident:rate-me":
        return ApiAnswer(status=429, payload={"code": 13, "response": "You have exceeded your hourly limit"})
    if q.get("thread") != f"link:{PAGE_URL}":
        return ApiAnswer(status=404, payload={"code": 2, "response": f"Unable to find thread '{q.get('thread')}'"})
    assert q["order"] == "asc"
    size, start = int(q["limit"]), int(q.get("cursor", "0:0:0").split(":")[0])
    page = POSTS[start : start + size]
    more = start + size < len(POSTS)
    cursor = {"prev": None, "hasNext": more, "next": f"{start + size}:0:0" if more else None, "hasPrev": start > 0}
    return ApiAnswer(payload={"code": 0, "cursor": cursor, "response": page})


def found(**changes: str) -> DetectedSystem:
    details = {"shortname": "crumbjournal", "identifier": "post-1187", "url": PAGE_URL}
    details.update(changes)
    return DetectedSystem("disqus", tuple(details.items()), expected=143)


def test_listposts_is_paged_by_cursor_threaded_and_spam_left_out() -> None:
    with serving(disqus) as (server, fetcher):
        thread = read_thread(found(), context(fetcher, server, page_size=2, disqus_api_key=KEY))
        threads = [r.query["thread"] for r in server.api_requests()]
    got = [(c.source_id, c.parent_source_id, c.depth, c.author) for c in thread.comments]
    assert got == [
        ("disqus:11", None, 0, "Ann"),
        ("disqus:12", "disqus:11", 1, "Ben"),
        ("disqus:14", "disqus:12", 2, "Dan"),
        ("disqus:15", None, 0, ""),  # deleted, kept for its reply
        ("disqus:16", "disqus:15", 1, "Fay"),
    ]
    assert thread.comments[0].author_url == "https://disqus.com/by/Ann/"
    assert thread.comments[2].author_url == "https://dan.example/"
    assert thread.comments[0].published_at is not None
    assert thread.comments[0].published_at.isoformat() == "2024-05-02T10:01:00+00:00"  # Disqus writes UTC, no zone
    assert thread.comments[0].body_md == "Disqus post 11"
    assert thread.complete
    assert threads == ["ident:post-1187", f"link:{PAGE_URL}", f"link:{PAGE_URL}", f"link:{PAGE_URL}"]
    # The key never reaches the archive: captured URLs leave it out.
    assert len(thread.captures) == 3
    assert all(KEY not in c.url and KEY not in c.final_url and "api_key" not in c.url for c in thread.captures)


def test_bad_key_unknown_thread_and_rate_limit_give_clear_messages() -> None:
    with serving(disqus) as (server, fetcher):
        with pytest.raises(ThreadUnreadable, match=r"Disqus refused the API key \(401\): check the Disqus API key"):
            read_thread(found(), context(fetcher, server, disqus_api_key="wrong"))
        with pytest.raises(ThreadUnreadable, match=r"doesn't know this post's thread .*may have no comments yet"):
            read_thread(found(url="https://crumb.example/other/"), context(fetcher, server, disqus_api_key=KEY))
        with pytest.raises(ThreadUnreadable, match=r"hourly request limit is spent \(429\)"):
            read_thread(found(identifier="rate-me"), context(fetcher, server, disqus_api_key=KEY))
        with pytest.raises(ThreadUnreadable) as caught:
            read_thread(found(), context(fetcher, server, disqus_api_key="wrong"))
    assert "wrong" not in str(caught.value)
    with pytest.raises(ThreadUnreadable, match="doesn't name the Disqus site"):
        read_thread(DetectedSystem("disqus", ()), context(fetcher, server, disqus_api_key=KEY))
