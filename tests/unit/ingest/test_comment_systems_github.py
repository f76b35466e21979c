"""giscus (GraphQL) and utterances (REST) readers against a fake GitHub API: search, paging, replies, bad tokens."""

from __future__ import annotations

from typing import Any

import pytest
from comment_system_fakes import context, serving
from comment_system_servers import ApiAnswer, ApiRequest

from ingest.comment_systems.api import ThreadUnreadable
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.github import read_giscus, read_utterances

TOKEN = "ghp_goodtoken"


def node(node_id: str, login: str | None, day: int, text: str, replies: list[dict[str, Any]] | None = None) -> dict:
    item: dict[str, Any] = {
        "id": node_id,
        "author": {"login": login, "url": f"https://github.com/{login}"} if login else None,
        "createdAt": f"2024-05-{day:02d}T12:00:00Z",
        "bodyHTML": f"<p>{text}</p>",
        "isMinimized": False,
    }
    if replies is not None:
        item["replies"] = replies
    return item


def connection(nodes: list[dict[str, Any]], after: str | None, first: int) -> dict[str, Any]:
    start = int(after or 0)
    page = nodes[start : start + first]
    more = start + first < len(nodes)
    return {
        "totalCount": len(nodes),
        "pageInfo": {"hasNextPage": more, "endCursor": str(start + first) if more else None},
        "nodes": page,
    }


REPLIES = {"DC_1": [node(f"DC_1r{i}", f"replier{i}", 10 + i, f"reply {i}") for i in range(3)]}
COMMENTS = [node("DC_1", "ann", 2, "top one"), node("DC_2", None, 3, "top two"), node("DC_3", "cat", 4, "top three")]


def github(request: ApiRequest) -> ApiAnswer:
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return ApiAnswer(status=401, payload={"message": "Bad credentials"})
    if request.path == "/graphql":
        body = request.json()
        variables, operation = body["variables"], body["operationName"]
        if operation == "FindDiscussion":
            assert 'repo:crumb/comments in:title "2024/05/sourdough/"' in variables["query"]
            assert 'category:"Announcements"' in variables["query"]
            nodes = [
                {"id": "D_other", "number": 1, "title": "2024/05/sourdough/ part two", "category": {"name": "A"}},
                {"id": "D_kw1", "number": 2, "title": "2024/05/sourdough/", "category": {"name": "A"}},
            ]
            return ApiAnswer(payload={"data": {"search": {"nodes": nodes}}})
        if operation == "DiscussionByNumber":
            number = variables["number"]
            found = {"id": "D_kw1", "number": 2, "title": "x"} if number == 2 else None
            return ApiAnswer(payload={"data": {"repository": {"discussion": found}}})
        if operation == "DiscussionComments":
            assert variables["id"] == "D_kw1"
            first = variables["first"]
            page = connection(COMMENTS, variables["after"], first)
            page["nodes"] = [{**c, "replies": connection(REPLIES.get(c["id"], []), None, first)} for c in page["nodes"]]
            return ApiAnswer(payload={"data": {"node": {"comments": page}}})
        if operation == "CommentReplies":
            replies = connection(REPLIES.get(variables["id"], []), variables["after"], variables["first"])
            return ApiAnswer(payload={"data": {"node": {"replies": replies}}})
        return ApiAnswer(payload={"errors": [{"message": f"unknown operation {operation}"}]})
    return utterances_api(request)


ISSUE_COMMENTS = [
    {
        "id": 100 + i,
        "user": {"login": f"user{i}", "html_url": f"https://github.com/user{i}"},
        "created_at": f"2024-05-{i + 1:02d}T08:00:00Z",
        "body_html": f"<p>issue comment {i}</p>",
        "body": "not used",
    }
    for i in range(5)
]


def utterances_api(request: ApiRequest) -> ApiAnswer:
    if request.path == "/search/issues":
        assert request.query["q"] == '"2024/05/sourdough/" type:issue in:title repo:crumb/comments'
        items = [
            {"number": 3, "title": "2024/05/sourdough/ (old)", "comments": 0},
            {"number": 7, "title": "2024/05/sourdough/", "comments": 5},
        ]
        return ApiAnswer(payload={"total_count": 2, "items": items})
    if request.path == "/repos/crumb/comments/issues/7":
        return ApiAnswer(payload={"number": 7, "title": "x", "comments": 5})
    if request.path == "/repos/crumb/comments/issues/7/comments":
        assert request.headers["accept"] == "application/vnd.github.html+json"
        page = int(request.query.get("page", "1"))
        size = int(request.query["per_page"])
        chunk = ISSUE_COMMENTS[(page - 1) * size : page * size]
        links = []
        if page * size < len(ISSUE_COMMENTS):
            links.append(f'<{request.headers["x-base"]}{request.path}?per_page={size}&page={page + 1}>; rel="next"')
        links.append('<https://elsewhere.example/steal?page=9>; rel="last"')
        return ApiAnswer(payload=chunk, headers={"Link": ", ".join(links)})
    return ApiAnswer(status=404, payload={"message": "Not Found"})


def giscus_found(**changes: str) -> DetectedSystem:
    details = {"repo": "crumb/comments", "category": "Announcements", "mapping": "pathname"}
    details["term"] = "2024/05/sourdough/"
    details.update(changes)
    return DetectedSystem("giscus", tuple(details.items()))


def test_giscus_discussion_is_found_by_title_and_read_with_every_reply_page() -> None:
    with serving(github) as (server, fetcher):
        thread = read_giscus(giscus_found(), context(fetcher, server, page_size=2, github_token=TOKEN))
        by_number = read_giscus(
            giscus_found(mapping="number", term="2"), context(fetcher, server, page_size=2, github_token=TOKEN)
        )
        operations = [r.json()["operationName"] for r in server.api_requests()]
        assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.api_requests())
        assert [r.path for r in server.requests if r.path == "/robots.txt"] == []  # an authenticated API read
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.body_md) for c in thread.comments]
    assert got == [
        ("giscus:DC_1", None, 0, "ann", "top one"),
        ("giscus:DC_1r0", "giscus:DC_1", 1, "replier0", "reply 0"),
        ("giscus:DC_1r1", "giscus:DC_1", 1, "replier1", "reply 1"),
        ("giscus:DC_1r2", "giscus:DC_1", 1, "replier2", "reply 2"),
        ("giscus:DC_2", None, 0, "ghost", "top two"),
        ("giscus:DC_3", None, 0, "cat", "top three"),
    ]
    assert thread.comments[0].author_url == "https://github.com/ann"
    assert thread.complete
    assert operations[:4] == ["FindDiscussion", "DiscussionComments", "CommentReplies", "DiscussionComments"]
    assert [c.source_id for c in by_number.comments] == [c.source_id for c in thread.comments]


def test_giscus_without_a_discussion_is_an_empty_thread_and_a_bad_token_is_explained() -> None:
    with serving(github) as (server, fetcher):
        none_yet = read_giscus(giscus_found(mapping="number", term="99"), context(fetcher, server, github_token=TOKEN))
        with pytest.raises(ThreadUnreadable, match=r"GitHub refused the token \(401\).*--github-token"):
            read_giscus(giscus_found(), context(fetcher, server, github_token="wrong"))
    assert none_yet.comments == () and not none_yet.complete  # not found is not proof that nothing is there


def test_utterances_issue_comments_are_read_across_link_pages_and_never_follow_links_elsewhere() -> None:
    with serving(github) as (server, fetcher):
        # The fake writes absolute next links on its own origin, as GitHub does.
        original = fetcher.fetch

        def fetch(url: str, **kwargs: Any) -> Any:
            headers = dict(kwargs.pop("headers", None) or {})
            headers["X-Base"] = server.base
            return original(url, headers=headers, **kwargs)

        fetcher.fetch = fetch  # type: ignore[method-assign]
        found = DetectedSystem(
            "utterances", (("repo", "crumb/comments"), ("mapping", "pathname"), ("term", "2024/05/sourdough/"))
        )
        thread = read_utterances(found, context(fetcher, server, page_size=2, github_token=TOKEN))
        numbered = read_utterances(
            DetectedSystem("utterances", (("repo", "crumb/comments"), ("mapping", "number"), ("term", "7"))),
            context(fetcher, server, page_size=2, github_token=TOKEN),
        )
        paths = [r.path for r in server.api_requests()]
    assert [(c.source_id, c.parent_source_id, c.author, c.body_md) for c in thread.comments] == [
        (f"utterances:{100 + i}", None, f"user{i}", f"issue comment {i}") for i in range(5)
    ]
    assert thread.complete and len(thread.captures) == 4  # search + 3 comment pages
    assert paths.count("/repos/crumb/comments/issues/7/comments") == 6
    assert [c.source_id for c in numbered.comments] == [c.source_id for c in thread.comments]


def test_utterances_errors_say_what_to_do() -> None:
    found = DetectedSystem("utterances", (("repo", "crumb/missing"), ("mapping", "number"), ("term", "1")))
    with serving(github) as (server, fetcher):
        with pytest.raises(ThreadUnreadable, match=r"GitHub doesn't show issue #1 of crumb/missing \(404\)"):
            read_utterances(found, context(fetcher, server, github_token=TOKEN))
    with serving(lambda r: ApiAnswer(status=429, payload={})) as (server, fetcher):
        with pytest.raises(ThreadUnreadable, match=r"slow down \(429\)"):
            read_utterances(found, context(fetcher, server, github_token=TOKEN))
