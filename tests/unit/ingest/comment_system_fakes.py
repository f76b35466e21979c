"""Fake comment-system APIs (our own data, the documented JSON shapes) for the reader tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from comment_system_servers import ApiAnswer, ApiRequest, ApiServer

from ingest.comment_systems import ThreadOptions
from ingest.comment_systems.api import ReadContext
from ingest.fetch import Fetcher, FetchSettings

PAGE_URL = "https://crumb.example/2024/05/sourdough/"


def quick_fetcher() -> Fetcher:
    return Fetcher(FetchSettings(delay=0.0, retries=0, backoff=0.0, timeout=(2.0, 5.0)))


def context(fetcher: Fetcher, server: ApiServer, *, page_size: int = 2, **options: Any) -> ReadContext:
    return ReadContext(
        page_url=PAGE_URL,
        fetcher=fetcher,
        options=ThreadOptions(**options),
        github_api=server.base,
        disqus_api=server.base + "/api/3.0",
        page_size=page_size,
    )


@contextmanager
def serving(handler: Any) -> Iterator[tuple[ApiServer, Fetcher]]:
    with ApiServer(handler) as server, quick_fetcher() as fetcher:
        yield server, fetcher


# --- Isso -------------------------------------------------------------------------------------------------------


class FakeIsso:
    """Isso's GET / with limit/nested_limit/offset/parent (or, `old=True`, a server that ignores offset)."""

    def __init__(self, comments: list[dict[str, Any]], *, old: bool = False) -> None:
        self.comments, self.old = comments, old

    def __call__(self, request: ApiRequest) -> ApiAnswer:
        if request.path == "/forbidden/":
            return ApiAnswer(status=403, payload={})
        if request.path != "/isso/":
            return ApiAnswer(status=404, payload={})
        q = request.query
        limit = int(q["limit"]) if "limit" in q else None
        offset = 0 if self.old else int(q.get("offset", 0))
        after = float(q.get("after", 0))
        parent = int(q["parent"]) if "parent" in q else None
        nested = int(q["nested_limit"]) if "nested_limit" in q else None
        level = [c for c in self.comments if c["parent"] == parent and c["created"] > after]
        page = level[offset : offset + limit if limit else None]
        out = []
        for comment in page:
            item = {k: v for k, v in comment.items()}
            if parent is None:
                replies = [c for c in self.comments if c["parent"] == comment["id"]]
                shown = replies[:nested] if nested is not None else replies
                item["total_replies"] = len(replies)
                item["hidden_replies"] = len(replies) - len(shown)
                item["replies"] = shown
            out.append(item)
        total = len([c for c in self.comments if c["parent"] == parent])
        return ApiAnswer(
            payload={
                "id": parent,
                "total_replies": total if parent is not None else len(self.comments),
                "hidden_replies": total - len(page) - offset,
                "replies": out,
                "config": {},
            }
        )


def isso_comment(comment_id: int, parent: int | None, created: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": comment_id,
        "parent": parent,
        "text": f"<p>Isso comment {comment_id}</p>",
        "author": f"Author {comment_id}",
        "website": None,
        "mode": 1,
        "created": created,
        "modified": None,
        "likes": 0,
        "dislikes": 0,
        "hash": "abc",
        **extra,
    }
