"""Every reader given junk where its JSON should be: a readable error or a thread, never a crash."""

from __future__ import annotations

from typing import Any

import pytest
from comment_system_fakes import PAGE_URL, context, serving
from comment_system_servers import ApiAnswer, ApiRequest

from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.dispatch import reader_for
from ingest.errors import IngestError
from ingest.threads import ThreadFetch

JUNK: list[Any] = [
    [],
    "text",
    42,
    None,
    {"replies": "x", "comments": {"a": 1}, "data": [], "response": "x", "success": True},
    {"replies": [1, None, {"id": []}, {"id": 3, "replies": "no", "hidden_replies": "many"}], "hidden_replies": 5},
    {"comments": [1, {"comment": "x"}, {"comment": {"id": 5}}, {"id": "p", "pid": 7, "user": "me"}]},
    {"success": True, "comments": [{"commentHex": 1}, {"commentHex": "a", "parentHex": None}], "commenters": []},
    {
        "data": {
            "search": {"nodes": [{"id": 1, "title": None}, {"id": "D", "title": "2024/05/sourdough/"}]},
            "node": {"comments": {"nodes": [{"id": "C", "replies": "x"}], "pageInfo": "x"}},
        }
    },
    {"code": 0, "cursor": "x", "response": [{"id": True}, {"id": "9", "author": "x", "parent": {}}]},
    {"items": [{"title": "2024/05/sourdough/", "number": "7"}], "total_count": "x"},
]

FOUND = {
    "isso": (("api", "{base}/"), ("uri", "/p/")),
    "remark42": (("api", "{base}"), ("site", "s")),
    "commento": (("api", "{base}"), ("domain", "crumb.example"), ("path", "/p/")),
    "giscus": (("repo", "o/r"), ("mapping", "pathname"), ("term", "2024/05/sourdough/")),
    "utterances": (("repo", "o/r"), ("mapping", "pathname"), ("term", "2024/05/sourdough/")),
    "disqus": (("shortname", "s"), ("url", PAGE_URL)),
}


@pytest.mark.parametrize("name", sorted(FOUND))
@pytest.mark.parametrize("payload", JUNK, ids=[f"junk{i}" for i in range(len(JUNK))])
def test_junk_answers_never_crash_a_reader(name: str, payload: Any) -> None:
    def handler(request: ApiRequest) -> ApiAnswer:
        return ApiAnswer(payload=payload)

    reader = reader_for(name)
    assert reader is not None
    with serving(handler) as (server, fetcher):
        details = tuple((k, v.format(base=server.base)) for k, v in FOUND[name])
        ctx = context(fetcher, server, disqus_api_key="k", github_token="t")
        try:
            result = reader(DetectedSystem(name, details), ctx)
        except IngestError as exc:
            assert str(exc)
        else:
            assert isinstance(result, ThreadFetch)


@pytest.mark.parametrize("name", sorted(FOUND))
def test_a_body_that_is_not_json_is_explained(name: str) -> None:
    def handler(request: ApiRequest) -> ApiAnswer:
        return ApiAnswer(body=b"<html>maintenance</html>", content_type="text/html")

    reader = reader_for(name)
    assert reader is not None
    with serving(handler) as (server, fetcher):
        details = tuple((k, v.format(base=server.base)) for k, v in FOUND[name])
        with pytest.raises(IngestError, match="isn't JSON"):
            reader(DetectedSystem(name, details), context(fetcher, server, disqus_api_key="k", github_token="t"))
