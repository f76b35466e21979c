"""Substack: posts are server-rendered; the discussion is loaded by script from `/api/v1/post/ID/comments`.

The page holds no comment markup, so the HTML thread is empty and the stated count (JSON-LD `commentCount` or
`interactionStatistic`) tells that comments exist. `fetch_thread` reads them from Substack's public JSON API.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from ingest.dates import parse_datetime
from ingest.errors import IngestError
from ingest.markdown import html_to_markdown
from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.threads import ThreadContext, ThreadFetch
from ingest.xpath import matches
from storage.records import Comment

NAME = "substack"
log = logging.getLogger(__name__)

_DETECT_XPATH = (
    "boolean(//link[contains(@href, 'substackcdn.com')] | //script[contains(@src, 'substackcdn.com')]"
    " | //meta[@name='generator' and contains(@content, 'Substack')]"
    " | //meta[@property='og:image' and contains(@content, 'substackcdn.com')]"
    " | //link[@rel='alternate' and contains(@href, '.substack.com/feed')])"
)
_POST_ID = re.compile(r'\\?"post\\?"\s*:\s*\{\s*\\?"id\\?"\s*:\s*(\d+)')
_MAX_COMMENTS = 20_000

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=("//h1[" + cls("post-title") + "]", "//meta[@property='og:title']/@content", "//h1", "//title"),
    title_suffix_separators=(" - by ", " | ", " - "),
    body=(
        "//*[" + cls("available-content") + "]//*[" + cls("body") + " and " + cls("markup") + "]",
        "//*[" + cls("body") + " and " + cls("markup") + "]",
        "//*[" + cls("available-content") + "]",
    ),
    body_strip=(
        ".//*[" + cls("subscription-widget-wrap") + " or " + cls("subscription-widget-wrap-editor") + "]",
        ".//*[" + cls("button-wrapper") + " or " + cls("captioned-button-wrap") + " or " + cls("paywall") + "]",
        ".//*[" + cls("footnote-anchor") + "]",
    ),
    author=(
        "//meta[@name='author']/@content",
        "//*[" + cls("post-header") + "]//*[" + cls("profile-hover-card-target") + "]//a",
        "//*[" + cls("byline-names") + "]//a",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//*[" + cls("post-header") + "]//time/@datetime",
        "//*[" + cls("post-date") + "]/@title",
        "//*[" + cls("post-date") + "]",
    ),
    categories=(),
    tags=(),
    source_id=("//script[contains(., '_preloads')]/text()",),
    source_id_pattern=_POST_ID.pattern,
    is_post=("//h1[" + cls("post-title") + "]", "//meta[@property='og:type' and @content='article']"),
    comment_count=(),
    comment_items=(),  # none in the HTML: see fetch_thread
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Substack pages (its CDN, its feed, or a *.substack.com address)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.endswith(".substack.com") or matches(doc, _DETECT_XPATH)


def post_id(html: str) -> str | None:
    """The post's numeric id from the page's preloaded state (`window._preloads`), or None."""
    match = _POST_ID.search(html)
    return match.group(1) if match else None


def comments_api_url(page_url: str, post: str) -> str:
    """Substack's public comments endpoint for a post, all comments, oldest first."""
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}/api/v1/post/{post}/comments?all_comments=true&sort=oldest_first"


def fetch_thread(ctx: ThreadContext) -> ThreadFetch | None:
    """The discussion from `/api/v1/post/ID/comments`; None when the page names no post id or the API is closed."""
    page = ctx.first
    if page.post is None or page.post.comment_count_expected == 0:
        return None
    capture = ctx.first_capture
    html = capture.body.decode("utf-8", errors="replace") if capture is not None else ""
    post = page.post.source_id or post_id(html)  # source_id: the same id, read from the page by SELECTORS
    if post is None:
        return None
    url = comments_api_url(page.url, post)
    try:
        fetched = ctx.fetcher.fetch(url, previous=ctx.previous(url), accept="application/json")
    except IngestError as exc:
        log.info("Substack comments API unavailable for %s: %s", page.url, exc)
        return ThreadFetch((), (), False, (f"Couldn't read the discussion of {page.url}: {exc}",))
    comments = read_comments_json(fetched.body, base_url=page.url)
    if comments is None:
        return ThreadFetch((), (fetched,), False, (f"The discussion of {page.url} came back unreadable.",))
    return ThreadFetch(comments=comments, captures=(fetched,), complete=True)


def read_comments_json(data: bytes, *, base_url: str) -> tuple[Comment, ...] | None:
    """Comments (display order: oldest first, replies depth-first) from the API's JSON; None if unreadable.

    Deleted comments keep their place when they have replies (as Substack shows them), with no author or text.
    """
    try:
        payload = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    roots = payload.get("comments") if isinstance(payload, dict) else None
    if not isinstance(roots, list):
        return None
    result: list[Comment] = []

    def walk(items: list[Any], parent: str | None, depth: int) -> None:
        position = 0
        for item in items:
            if not isinstance(item, dict) or len(result) >= _MAX_COMMENTS or depth > 50:
                continue
            raw_id = item.get("id")
            if not isinstance(raw_id, int | str) or isinstance(raw_id, bool):
                continue
            raw_children = item.get("children")
            children: list[Any] = raw_children if isinstance(raw_children, list) else []
            deleted = bool(item.get("deleted"))
            if deleted and not children:
                continue
            source_id = str(raw_id)
            body = "" if deleted else _body_markdown(item.get("body"), base_url)
            author = "" if deleted else " ".join(str(item.get("name") or "").split())
            date = item.get("date")
            result.append(
                Comment(
                    source_id=source_id,
                    parent_source_id=parent,
                    position=position,
                    depth=depth,
                    author=author,
                    author_url=None,
                    published_at=parse_datetime(date) if isinstance(date, str) else None,
                    kind="comment",
                    body_md=body,
                )
            )
            position += 1
            walk(children, source_id, depth + 1)

    walk(roots, None, 0)
    return tuple(result)


def _body_markdown(body: Any, base_url: str) -> str:
    """Substack comment bodies are plain text with newlines; each paragraph becomes one, text escaped."""
    if not isinstance(body, str) or not body.strip():
        return ""
    container = lxml.html.Element("div")
    for block in re.split(r"\n\s*\n", body.strip()):
        paragraph = lxml.html.Element("p")
        paragraph.text = block.strip()
        container.append(paragraph)
    return html_to_markdown(container, base_url).text
