"""giscus (GitHub Discussions, GraphQL) and utterances (GitHub issues, REST): read with the user's GitHub token.

giscus finds the discussion as its client does: by number (`data-mapping="number"`), or by searching the repository's
category for a discussion whose title is the mapping's term; it reads the discussion's comments and each comment's
replies, paged with GraphQL cursors. utterances finds the issue by number or by a title search, then reads
`/repos/{owner}/{repo}/issues/{n}/comments` (HTML bodies, `Accept: application/vnd.github.html+json`), paged with
`Link: rel="next"`. The API base is `ReadContext.github_api` (GraphQL at `{base}/graphql`); robots.txt is not
asked (api.github.com forbids crawlers, and this is an authenticated API read, not a crawl).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

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
    utc,
)
from ingest.comment_systems.detect import DetectedSystem
from ingest.errors import FetchError
from ingest.threads import ThreadFetch
from ingest.urls import origin

GISCUS_PREFIX = "giscus:"
UTTERANCES_PREFIX = "utterances:"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_REPO = re.compile(r"^([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)$")

_COMMENT_FIELDS = "id author { login url } createdAt bodyHTML isMinimized"
_FIND = (
    "query FindDiscussion($query: String!) { search(type: DISCUSSION, query: $query, first: 20) {"
    " nodes { ... on Discussion { id number title category { name } } } } }"
)
_BY_NUMBER = (
    "query DiscussionByNumber($owner: String!, $name: String!, $number: Int!) {"
    " repository(owner: $owner, name: $name) { discussion(number: $number) { id number title } } }"
)
_COMMENTS = (
    "query DiscussionComments($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on Discussion {"
    " comments(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { "
    + _COMMENT_FIELDS
    + " replies(first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { "
    + _COMMENT_FIELDS
    + " } } } } } } }"
)
_REPLIES = (
    "query CommentReplies($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on DiscussionComment {"
    " replies(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { "
    + _COMMENT_FIELDS
    + " } } } } }"
)
TOKEN_HINT = "check the GitHub token in Settings (or --github-token); it needs read access to public repositories"


def _repo(found: DetectedSystem, label: str) -> tuple[str, str]:
    match = _REPO.match(found.detail("repo") or "")
    if match is None:
        raise ThreadUnreadable(f"This post uses {label}, but its page doesn't name the GitHub repository.")
    return match.group(1), match.group(2)


def _headers(ctx: ReadContext) -> dict[str, str]:
    return {"Authorization": f"Bearer {ctx.options.github_token}", "X-GitHub-Api-Version": "2022-11-28"}


def _explain(label: str, exc: FetchError, what: str) -> ThreadUnreadable:
    status = exc.status
    if status == 401:
        return ThreadUnreadable(f"GitHub refused the token (401) while reading {label}: {TOKEN_HINT}.")
    if status == 403:
        return ThreadUnreadable(
            f"GitHub refused access (403) while reading {label}: the token's rate limit may be spent "
            f"or it lacks access to {what}. Try again in an hour, or {TOKEN_HINT}."
        )
    if status == 404:
        return ThreadUnreadable(f"GitHub doesn't show {what} (404): the repository may be private, renamed or gone.")
    if status == 429:
        return ThreadUnreadable("GitHub asked us to slow down (429); try again later.")
    return ThreadUnreadable(f"{label} couldn't be read from GitHub: {exc}")


# --- giscus -----------------------------------------------------------------------------------------------------


def read_giscus(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """The discussion giscus shows for this page, every comment and reply; raises ThreadUnreadable."""
    owner, name = _repo(found, "giscus")
    client = JsonClient(ctx, "giscus")
    endpoint = ctx.github_api.rstrip("/") + "/graphql"

    def graphql(query: str, variables: dict[str, object]) -> dict[str, Any]:
        operation = query.split("(", 1)[0].removeprefix("query ").strip()
        body = {"query": query, "variables": variables, "operationName": operation}
        try:
            payload, _ = client.post(endpoint, body, headers=_headers(ctx), keyed=True)
        except FetchError as exc:
            raise _explain("giscus", exc, f"the discussions of {owner}/{name}") from exc
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if errors:
            first = errors[0] if isinstance(errors, list) and errors else {}
            message = first.get("message") if isinstance(first, dict) else None
            raise ThreadUnreadable(f"GitHub couldn't answer for the giscus discussion: {message or 'an error'}.")
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise ThreadUnreadable("GitHub answered the giscus query with an unexpected document.")
        return data

    discussion = _find_discussion(found, owner, name, graphql)
    if discussion is None:
        # No discussion yet (nobody commented), or the search index hasn't caught up: empty, but not proof.
        return ThreadFetch((), tuple(client.captures), complete=False)
    items: list[RawComment] = []
    stated = 0
    after: str | None = None
    page_size = max(1, min(ctx.page_size, 100))
    for _ in range(MAX_PAGES):
        data = graphql(_COMMENTS, {"id": discussion, "first": page_size, "after": after})
        comments = _dig(data, "node", "comments")
        stated = comments.get("totalCount", stated) if isinstance(comments.get("totalCount"), int) else stated
        for node in _nodes(comments):
            own = _giscus_comment(node, None, ctx.page_url)
            if own is None:
                continue
            items.append(own)
            replies = _dig(node, "replies")
            for reply in _nodes(replies):
                child = _giscus_comment(reply, own.source_id, ctx.page_url)
                if child is not None:
                    items.append(child)
            reply_after = _next_cursor(replies)
            while reply_after is not None and len(items) < MAX_COMMENTS:
                more = _dig(graphql(_REPLIES, {"id": node["id"], "first": page_size, "after": reply_after}), "node")
                more_replies = _dig(more, "replies")
                for reply in _nodes(more_replies):
                    child = _giscus_comment(reply, own.source_id, ctx.page_url)
                    if child is not None:
                        items.append(child)
                reply_after = _next_cursor(more_replies)
        after = _next_cursor(comments)
        if after is None or len(items) >= MAX_COMMENTS:
            break
    thread = display_order(items)
    top_level = sum(1 for c in thread if c.parent_source_id is None)
    complete = after is None and top_level >= stated
    return ThreadFetch(thread, tuple(client.captures), complete)


def _find_discussion(found: DetectedSystem, owner: str, name: str, graphql: Any) -> str | None:
    mapping = found.detail("mapping") or "pathname"
    term = found.detail("term") or ""
    if mapping == "number":
        if not term.isdigit():
            return None
        data = graphql(_BY_NUMBER, {"owner": owner, "name": name, "number": int(term)})
        discussion = _dig(data, "repository", "discussion")
        return discussion.get("id") if isinstance(discussion.get("id"), str) else None
    if not term:
        raise ThreadUnreadable("This post uses giscus, but its page doesn't say which discussion is its thread.")
    category = found.detail("category")
    query = f'repo:{owner}/{name} in:title "{term}"'
    if category:
        query += f' category:"{category}"'
    data = graphql(_FIND, {"query": query})
    candidates = [n for n in _nodes(_dig(data, "search")) if isinstance(n.get("title"), str)]
    for test in (lambda t: t == term, lambda t: t.lower() == term.lower(), lambda t: term.lower() in t.lower()):
        for node in candidates:
            if test(node["title"]) and isinstance(node.get("id"), str):
                return str(node["id"])
    return None


def _giscus_comment(node: dict[str, Any], parent: str | None, base_url: str) -> RawComment | None:
    node_id = node.get("id")
    if not isinstance(node_id, str) or not node_id:
        return None
    author = node.get("author") if isinstance(node.get("author"), dict) else None
    hidden = bool(node.get("isMinimized"))
    return RawComment(
        source_id=GISCUS_PREFIX + node_id,
        parent_source_id=parent,
        author=str(author.get("login") or "") if author else "ghost",  # GitHub's name for a deleted account
        author_url=author_link(author.get("url"), base_url) if author else None,
        published_at=utc(node.get("createdAt")),
        body_md="" if hidden else body_markdown(node.get("bodyHTML"), base_url),
    )


def _dig(data: object, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = connection.get("nodes")
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []


def _next_cursor(connection: dict[str, Any]) -> str | None:
    info = connection.get("pageInfo")
    if isinstance(info, dict) and info.get("hasNextPage") and isinstance(info.get("endCursor"), str):
        return str(info["endCursor"])
    return None


# --- utterances -------------------------------------------------------------------------------------------------


def read_utterances(found: DetectedSystem, ctx: ReadContext) -> ThreadFetch:
    """The issue utterances shows for this page, every comment in order; raises ThreadUnreadable."""
    owner, name = _repo(found, "utterances")
    client = JsonClient(ctx, "utterances")
    base = ctx.github_api.rstrip("/")
    repo_path = f"{base}/repos/{quote(owner)}/{quote(name)}"

    def get(url: str, what: str, accept: str = "application/vnd.github+json") -> tuple[Any, dict[str, str]]:
        try:
            payload, capture = client.get(url, headers=_headers(ctx), keyed=True, accept=accept)
        except FetchError as exc:
            raise _explain("utterances", exc, what) from exc
        return payload, dict(capture.headers)

    issue = _find_issue(found, owner, name, base, repo_path, get)
    if issue is None:
        # No issue yet (nobody commented), or the search index hasn't caught up: empty, but not proof.
        return ThreadFetch((), tuple(client.captures), complete=False)
    number, stated = issue
    url: str | None = f"{repo_path}/issues/{number}/comments?per_page={max(1, min(ctx.page_size, 100))}"
    items: list[RawComment] = []
    pages = 0
    while url is not None and pages < MAX_PAGES and len(items) < MAX_COMMENTS:
        pages += 1
        payload, headers = get(url, f"issue #{number} of {owner}/{name}", "application/vnd.github.html+json")
        if not isinstance(payload, list):
            raise ThreadUnreadable("GitHub answered the utterances issue with an unexpected document.")
        for comment in payload:
            own = _issue_comment(comment, ctx.page_url)
            if own is not None:
                items.append(own)
        url = _next_link(headers.get("link", ""), base)
    thread = display_order(items)
    complete = url is None and (stated is None or len(thread) >= stated)
    return ThreadFetch(thread, tuple(client.captures), complete)


def _find_issue(
    found: DetectedSystem, owner: str, name: str, base: str, repo_path: str, get: Any
) -> tuple[int, int | None] | None:
    term = found.detail("term") or ""
    if found.detail("mapping") == "number":
        if not term.isdigit():
            return None
        issue, _ = get(f"{repo_path}/issues/{term}", f"issue #{term} of {owner}/{name}")
        return (int(term), _count(issue)) if isinstance(issue, dict) else None
    if not term:
        raise ThreadUnreadable("This post uses utterances, but its page doesn't say which issue is its thread.")
    query = f'"{term}" type:issue in:title repo:{owner}/{name}'
    result, _ = get(
        f"{base}/search/issues?" + urlencode({"q": query, "sort": "created", "order": "asc"}),
        f"the issues of {owner}/{name}",
    )
    issues = result.get("items") if isinstance(result, dict) else None
    candidates = [i for i in issues if isinstance(i, dict)] if isinstance(issues, list) else []
    # utterances takes the first issue whose title contains the term; an exact title wins here.
    for test in (lambda t: t == term, lambda t: term.lower() in t.lower()):
        for issue in candidates:
            title, number = issue.get("title"), issue.get("number")
            if isinstance(title, str) and isinstance(number, int) and test(title):
                return number, _count(issue)
    return None


def _count(issue: dict[str, Any]) -> int | None:
    value = issue.get("comments")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _issue_comment(comment: object, base_url: str) -> RawComment | None:
    if not isinstance(comment, dict) or not isinstance(comment.get("id"), int):
        return None
    user = comment.get("user") if isinstance(comment.get("user"), dict) else None
    return RawComment(
        source_id=f"{UTTERANCES_PREFIX}{comment['id']}",
        parent_source_id=None,  # issue comments are flat
        author=str(user.get("login") or "") if user else "ghost",
        author_url=author_link(user.get("html_url"), base_url) if user else None,
        published_at=utc(comment.get("created_at")),
        body_md=body_markdown(comment.get("body_html"), base_url),
    )


def _next_link(header: str, base: str) -> str | None:
    """The `rel="next"` page, only on the API's own origin (the token must not go elsewhere)."""
    for part in header.split(","):
        match = _LINK_NEXT.search(part)
        if match and origin(match.group(1)) == origin(base):
            return match.group(1)
    return None
