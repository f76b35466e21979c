"""The rendered fallback for comment systems: render the post page headless and read the thread from its DOM."""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime
from urllib.parse import urlsplit

from ingest.comment_systems.api import ReadContext
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.dom import read_dom_comments
from ingest.comments import merge_comment_pages
from ingest.extract import extract_post_page
from ingest.fetch import non_public_address
from ingest.threads import ThreadFetch
from storage.records import THREADBOOK_VERSION, Capture

RENDERED_HEADER = "x-threadbook-rendered-by"  # marks a capture that is a rendered DOM, not an HTTP response body


def read_rendered(found: DetectedSystem, ctx: ReadContext) -> tuple[ThreadFetch, datetime]:
    """The thread as a headless browser shows it, and when it was rendered.

    The system's own DOM selectors are tried first (their ids match the API reader's, so a later read through the
    interface updates these comments instead of adding copies), then the project's page extractors. Raises
    `ingest.render.RenderUnavailable` or `RenderFailed` (user errors) when the page can't be rendered.
    """
    from ingest import render  # optional: a browser may not be installed; crawl works without this module

    page = render.render_page(
        ctx.page_url,
        timeout=ctx.options.render_timeout,
        max_clicks=ctx.options.render_max_clicks,
        allow_url=lambda url: allowed(url, ctx),
    )
    comments = read_dom_comments(page.html, page.final_url, found.name)
    if not comments:
        comments = merge_comment_pages([extract_post_page(page.html, page.final_url, captured_at=page.rendered_at)])
    body = page.html.encode("utf-8")
    capture = Capture(
        url=page.url,
        final_url=page.final_url,
        status=200,
        fetched_at=page.rendered_at,
        content_sha256=hashlib.sha256(body).hexdigest(),
        media_type="text/html",
        headers=(("content-type", "text/html; charset=utf-8"), (RENDERED_HEADER, page.engine)),
        tool_version=THREADBOOK_VERSION,
        body=body,
    )
    # A rendering can't prove a comment is gone (a script may not have shown it): never complete.
    return ThreadFetch(comments=comments, captures=(capture,), complete=False), page.rendered_at


def allowed(url: str, ctx: ReadContext) -> bool:
    """The Fetcher's address rule for the browser's requests: a public blog's page may not reach the user's network."""
    if not ctx.public_only:
        return True
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if host is not None and host == ctx.trusted_host:
        return True
    address = non_public_address(url)
    return address is None or (ctx.allow_loopback and ipaddress.ip_address(address).is_loopback)
