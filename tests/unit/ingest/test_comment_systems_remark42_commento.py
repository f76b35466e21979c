"""The Remark42 and Commento readers against fake servers speaking their documented JSON."""

from __future__ import annotations

from typing import Any

import pytest
from comment_system_fakes import PAGE_URL, context, serving
from comment_system_servers import ApiAnswer, ApiRequest

from ingest.comment_systems import commento, remark42
from ingest.comment_systems.api import ThreadUnreadable
from ingest.comment_systems.detect import DetectedSystem


def r42(comment_id: str, pid: str, time: str, name: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": comment_id,
        "pid": pid,
        "text": text,
        "orig": "ignored",
        "user": {"name": name, "id": f"github_{name.lower()}", "picture": "", "admin": False},
        "locator": {"site": "crumb", "url": PAGE_URL},
        "score": 0,
        "time": time,
        **extra,
    }


def remark_handler(request: ApiRequest) -> ApiAnswer:
    if request.path != "/api/v1/find":
        return ApiAnswer(status=404, payload={"error": "not found"})
    if request.query.get("site") != "crumb":
        return ApiAnswer(status=400, payload={"code": 0, "details": "can't find", "error": "site not found"})
    assert request.query == {"site": "crumb", "url": PAGE_URL, "sort": "+time", "format": "tree"}
    tree = [
        {
            "comment": r42("a1", "", "2024-05-02T10:00:00Z", "Ada", "<p>First <b>bold</b></p>"),
            "replies": [
                {
                    "comment": r42("b1", "a1", "2024-05-02T11:00:00+02:00", "Bo", "<p>Reply</p>"),
                    "replies": [
                        {"comment": r42("c1", "b1", "2024-05-02T12:00:00Z", "Cy", "<p>Deeper</p>"), "replies": []}
                    ],
                },
            ],
        },
        {"comment": r42("a0", "", "2024-05-01T09:00:00Z", "Di", "", delete=True), "replies": []},
    ]
    return ApiAnswer(payload={"comments": tree, "info": {"url": PAGE_URL, "count": 4}})


def test_remark42_tree_is_read_with_parents_depths_and_utc_dates() -> None:
    found = DetectedSystem("remark42", (("api", "X"), ("site", "crumb"), ("url", PAGE_URL)))
    with serving(remark_handler) as (server, fetcher):
        found = DetectedSystem("remark42", (("api", server.base), ("site", "crumb"), ("url", PAGE_URL)))
        thread = remark42.read_thread(found, context(fetcher, server))
        with pytest.raises(ThreadUnreadable, match=r"doesn't know this site \(other\) or page \(400\)"):
            remark42.read_thread(
                DetectedSystem("remark42", (("api", server.base), ("site", "other"))), context(fetcher, server)
            )
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.body_md) for c in thread.comments]
    assert got == [
        ("remark42:a0", None, 0, "", ""),  # deleted, oldest: keeps its place, no author or text
        ("remark42:a1", None, 0, "Ada", "First **bold**"),
        ("remark42:b1", "remark42:a1", 1, "Bo", "Reply"),
        ("remark42:c1", "remark42:b1", 2, "Cy", "Deeper"),
    ]
    assert thread.comments[2].published_at is not None
    assert thread.comments[2].published_at.isoformat() == "2024-05-02T09:00:00+00:00"
    assert thread.complete and len(thread.captures) == 1


def test_remark42_plain_list_answer_of_old_versions_is_threaded_by_pid() -> None:
    plain = [
        r42("x2", "x1", "2024-01-02T00:00:00Z", "B", "<p>two</p>"),
        r42("x1", "", "2024-01-01T00:00:00Z", "A", "<p>one</p>"),
    ]
    with serving(lambda r: ApiAnswer(payload=plain)) as (server, fetcher):
        found = DetectedSystem("remark42", (("api", server.base), ("site", "crumb")))
        thread = remark42.read_thread(found, context(fetcher, server))
    assert [(c.source_id, c.parent_source_id) for c in thread.comments] == [
        ("remark42:x1", None),
        ("remark42:x2", "remark42:x1"),
    ]


def commento_handler(request: ApiRequest) -> ApiAnswer:
    assert request.method == "POST" and request.path == "/api/comment/list"
    body = request.json()
    if body["domain"] != "crumb.example":
        return ApiAnswer(payload={"success": False, "message": "This domain is not registered with Commento."})
    assert body == {"commenterToken": "anonymous", "domain": "crumb.example", "path": "/sourdough-notes"}
    comments = [
        {
            "commentHex": "bb",
            "commenterHex": "c2",
            "html": "<p>Agreed</p>",
            "markdown": "Agreed",
            "parentHex": "aa",
            "score": 3,
            "state": "approved",
            "creationDate": "2024-05-03T08:00:00.123Z",
            "deleted": False,
        },
        {
            "commentHex": "aa",
            "commenterHex": "c1",
            "html": "<p>Great <a href='javascript:alert(1)'>post</a></p>",
            "markdown": "Great post",
            "parentHex": "root",
            "score": 0,
            "state": "approved",
            "creationDate": "2024-05-02T08:00:00Z",
            "deleted": False,
        },
        {
            "commentHex": "cc",
            "commenterHex": "anonymous",
            "html": "<p>Me too</p>",
            "markdown": "Me too",
            "parentHex": "root",
            "score": 0,
            "state": "approved",
            "creationDate": "2024-05-04T08:00:00Z",
            "deleted": False,
        },
    ]
    commenters = {
        "c1": {"commenterHex": "c1", "name": "Eve", "link": "https://eve.example/", "photo": "", "provider": "google"},
        "c2": {"commenterHex": "c2", "name": "Fay", "link": "undefined", "photo": "", "provider": "commento"},
    }
    return ApiAnswer(payload={"success": True, "comments": comments, "commenters": commenters})


def test_commento_comments_are_listed_threaded_with_commenters() -> None:
    with serving(commento_handler) as (server, fetcher):
        found = DetectedSystem(
            "commento", (("api", server.base), ("domain", "crumb.example"), ("path", "/sourdough-notes"))
        )
        thread = commento.read_thread(found, context(fetcher, server))
        with pytest.raises(ThreadUnreadable, match=r"refused .* \(it said: This domain is not registered"):
            commento.read_thread(
                DetectedSystem("commento", (("api", server.base), ("domain", "other.example"), ("path", "/"))),
                context(fetcher, server),
            )
    got = [(c.source_id, c.parent_source_id, c.author, c.author_url, c.body_md) for c in thread.comments]
    assert got == [
        ("commento:aa", None, "Eve", "https://eve.example/", "Great post"),  # the javascript: link is dropped
        ("commento:bb", "commento:aa", "Fay", None, "Agreed"),
        ("commento:cc", None, "Anonymous", None, "Me too"),
    ]
    assert thread.complete
