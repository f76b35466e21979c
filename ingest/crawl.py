"""Capture one post: its page, every comment page of its thread, and its images."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ingest.comment_systems import ThreadOptions
from ingest.comment_systems.dispatch import thread_for_page
from ingest.comments import merge_comment_pages
from ingest.errors import FetchError, IngestError
from ingest.extract import PostPage, comment_page_number, extract_post_page
from ingest.fetch import Fetcher, decode_html, non_public_address
from ingest.platforms import platform_named
from ingest.threads import ThreadContext, ThreadFetch
from ingest.urls import normalize_url
from storage.records import Asset, Capture, Post, PreviousCapture

log = logging.getLogger(__name__)

MAX_COMMENT_PAGES = 500  # a guard against endless or cyclic "older comments" chains
MAX_BODY_PAGES = 50  # pages of one post split into parts
IMAGE_TYPES = ("image/",)


class NotAPost(IngestError):
    pass


@dataclass(frozen=True, slots=True)
class CrawledPost:
    post: Post  # with its whole thread in display order, captures and images
    unchanged: bool  # every page answered 304: nothing new upstream
    thread_complete: bool  # every comment page was fetched, so absent comments really are gone
    problems: tuple[str, ...] = ()


def _none(_: str) -> None:
    return None


def _never() -> bool:
    return False


_NO_KEYS = ThreadOptions()  # no keys, no rendering: what the user gives is passed in by the front ends


def crawl_post(
    url: str,
    fetcher: Fetcher,
    *,
    previous: Callable[[str], PreviousCapture | None] = _none,
    known_asset: Callable[[str], Asset | None] = _none,
    fetch_images: bool = True,
    cancelled: Callable[[], bool] = _never,
    thread_options: ThreadOptions = _NO_KEYS,
) -> CrawledPost:
    """Fetch a post page, follow every comment page, fetch images the archive lacks, and merge the thread.

    `previous(url)` gives what the archive holds of a URL, so unchanged pages cost a 304 and no body.
    `known_asset(url)` gives an image already archived, so it is not fetched again.
    When the page serves no comments but embeds a comment system (Disqus, Isso, ...), its thread is read through
    that system's interface, or a rendering, as `thread_options` allow; `post.comment_system` says how it went.
    """
    problems: list[str] = []
    first_previous = previous(url)
    first_capture = fetcher.fetch(url, previous=first_previous)
    first = _extract(first_capture, first_previous)
    if not first.is_post or first.post is None:
        raise NotAPost(f"{url} doesn't look like a blog post, so it was skipped.")

    captures: list[Capture] = [first_capture]
    seen_urls = {normalize_url(url), normalize_url(first_capture.final_url)}
    html = _HtmlThread(first, fetcher, previous, cancelled, captures, seen_urls, problems)
    thread = _platform_thread(first, fetcher, previous, html, cancelled, first_capture)
    if thread is not None:
        comments, thread_complete = thread.comments, thread.complete
        captures.extend(thread.captures)
        problems.extend(thread.problems)
    else:
        comments, thread_complete = merge_comment_pages(html.pages()), html.complete
    comment_system = None
    if not comments:  # no thread served by the blog itself: one a comment system's script loads? (issue 9)
        page_html = decode_html(first_capture.body, dict(first_capture.headers).get("content-type"))
        found = thread_for_page(
            page_html,
            first_capture.final_url,
            fetcher,
            options=thread_options,
            previous=previous,
            cancelled=cancelled,
            detected_at=first_capture.fetched_at,
        )
        if found is not None:
            comment_system = found.system
            if found.thread is None:
                thread_complete = False  # unread is not empty: never mark archived comments removed
            else:
                comments, thread_complete = found.thread.comments, found.thread.complete
                captures.extend(found.thread.captures)
                problems.extend(found.thread.problems)

    pieces = (fetcher, previous, captures, seen_urls, problems)
    body_md, body_images = _whole_body(first.post, first.body_page_urls, *pieces)
    images: list[Asset] = []
    if fetch_images:
        # A public blog's images on other hosts must be on public addresses. A blog served on this machine may also
        # serve them under another loopback name (localhost vs 127.0.0.1), but never from the private network; a
        # blog on the user's own network (a NAS) is trusted with its neighbours.
        blog_address = non_public_address(first_capture.final_url)
        on_loopback = blog_address is not None and ipaddress.ip_address(blog_address).is_loopback
        public_only = blog_address is None or on_loopback
        for ref in body_images:
            asset, problem = _fetch_image(
                ref,
                fetcher,
                known_asset,
                page_url=first_capture.final_url,
                public_only=public_only,
                allow_loopback=on_loopback,
            )
            if asset is not None:
                images.append(asset)
            if problem:
                problems.append(problem)
    else:
        images = [a for a in (known_asset(ref.source_url) for ref in body_images) if a is not None]

    post = replace(
        first.post,
        url=normalize_url(first.canonical_url or first_capture.final_url),
        body_md=body_md,
        comments=comments,
        comment_system=comment_system,
        comment_count_expected=(
            first.post.comment_count_expected
            if first.post.comment_count_expected is not None or comment_system is None
            else comment_system.expected
        ),
        images=tuple(images),
        captures=tuple(captures),
        captured_at=first_capture.fetched_at,
    )
    unchanged = all(c.status == 304 for c in captures)
    return CrawledPost(post=post, unchanged=unchanged, thread_complete=thread_complete, problems=tuple(problems))


class _HtmlThread:
    """The post's HTML comment pages, fetched on first demand: every "older/newer comments" page, once each."""

    def __init__(
        self,
        first: PostPage,
        fetcher: Fetcher,
        previous: Callable[[str], PreviousCapture | None],
        cancelled: Callable[[], bool],
        captures: list[Capture],
        seen_urls: set[str],
        problems: list[str],
    ) -> None:
        self.first, self.fetcher, self.previous, self.cancelled = first, fetcher, previous, cancelled
        self.captures, self.seen_urls, self.problems = captures, seen_urls, problems
        self.complete = True
        self._pages: list[PostPage] | None = None

    def pages(self) -> list[PostPage]:
        if self._pages is None:
            self._pages = self._fetch_all()
        return self._pages

    def _fetch_all(self) -> list[PostPage]:
        first, url = self.first, self.first.url
        pages: list[PostPage] = [first]
        seen_urls, problems = self.seen_urls, self.problems
        seen_numbers = {first.comment_page_number} if first.comment_page_number is not None else set()
        queue = list(first.comment_page_urls)
        while queue:
            if self.cancelled():
                self.complete = False
                break
            page_url = queue.pop(0)
            key = normalize_url(page_url)
            number = comment_page_number(page_url)  # also `cpage=N` (plain permalinks): no duplicate fetch
            if key in seen_urls or (number is not None and number in seen_numbers):
                continue
            if len(pages) >= MAX_COMMENT_PAGES:
                problems.append(f"{url}: stopped after {MAX_COMMENT_PAGES} comment pages; the rest were not fetched.")
                self.complete = False
                break
            seen_urls.add(key)
            try:
                page_previous = self.previous(page_url)
                capture = self.fetcher.fetch(page_url, previous=page_previous)
            except FetchError as exc:
                problems.append(f"{url}: a comment page could not be fetched ({exc}); its comments are missing.")
                self.complete = False
                continue
            page = _extract(capture, page_previous)
            self.captures.append(capture)
            seen_urls.add(normalize_url(capture.final_url))
            page_number = page.comment_page_number if page.comment_page_number is not None else number
            if page_number is not None:
                if page_number in seen_numbers:
                    continue
                seen_numbers.add(page_number)
            pages.append(page)
            queue.extend(u for u in page.comment_page_urls if normalize_url(u) not in seen_urls)
        return pages


def _platform_thread(
    first: PostPage,
    fetcher: Fetcher,
    previous: Callable[[str], PreviousCapture | None],
    html: _HtmlThread,
    cancelled: Callable[[], bool],
    first_capture: Capture | None = None,
) -> ThreadFetch | None:
    """The thread through the platform's own interface (ingest/threads.py), or None to read the HTML pages."""
    hook = getattr(platform_named(first.platform), "fetch_thread", None)
    if hook is None:
        return None
    context = ThreadContext(
        first=first,
        fetcher=fetcher,
        previous=previous,
        html_pages=html.pages,
        cancelled=cancelled,
        first_capture=first_capture,
    )
    result: ThreadFetch | None = hook(context)
    return result


def _whole_body(
    post: Post,
    page_urls: tuple[str, ...],
    fetcher: Fetcher,
    previous: Callable[[str], PreviousCapture | None],
    captures: list[Capture],
    seen_urls: set[str],
    problems: list[str],
) -> tuple[str, tuple[Asset, ...]]:
    """The post's body and images with those of its further pages (a post split with WordPress's <!--nextpage-->).

    Each further page shows the same comments again, so only its body is kept.
    """
    parts, images = [post.body_md], list(post.images)
    for page_url in page_urls[:MAX_BODY_PAGES]:
        if normalize_url(page_url) in seen_urls:
            continue
        seen_urls.add(normalize_url(page_url))
        try:
            page_previous = previous(page_url)
            capture = fetcher.fetch(page_url, previous=page_previous)
            page = _extract(capture, page_previous)
        except IngestError as exc:
            problems.append(f"{post.url}: its page {page_url} could not be fetched ({exc}); that part is missing.")
            continue
        captures.append(capture)
        if page.post is not None and page.post.body_md:
            parts.append(page.post.body_md)
            images.extend(page.post.images)
    return "\n\n".join(part for part in parts if part), tuple(images)


def _extract(capture: Capture, previous: PreviousCapture | None = None) -> PostPage:
    """Read a fetched page; relative dates ("3 days ago") count from when its body was fetched, also on a 304."""
    if not capture.media_type.startswith(("text/html", "application/xhtml")):
        raise NotAPost(
            f"{capture.final_url} is not a web page ({capture.media_type or 'unknown type'}), so it was skipped."
        )
    html = decode_html(capture.body, dict(capture.headers).get("content-type"))
    fetched_at = previous.fetched_at if capture.status == 304 and previous is not None else capture.fetched_at
    return extract_post_page(html, capture.final_url, captured_at=fetched_at)


def _fetch_image(
    ref: Asset,
    fetcher: Fetcher,
    known_asset: Callable[[str], Asset | None],
    *,
    page_url: str,
    public_only: bool = True,
    allow_loopback: bool = False,
) -> tuple[Asset | None, str | None]:
    """The image as an Asset with its data, or the archived one; and a problem line if it couldn't be had.

    On a public blog, an image on another host than the post's must be on a public address: a page must not be able
    to make us probe the user's own network (a router at 192.168.1.1, a cloud metadata service at 169.254.169.254).
    """
    known = known_asset(ref.source_url)
    if known is not None:
        return replace(known, source_url=ref.source_url, alt=ref.alt or known.alt), None
    if not ref.source_url.startswith(("http://", "https://")):
        return None, None
    try:
        capture = fetcher.fetch(
            ref.source_url,
            accept="image/*",
            public_only=public_only,
            trusted_host=urlsplit(page_url).hostname,
            allow_loopback=allow_loopback,
        )
    except FetchError as exc:
        return None, f"An image could not be fetched: {exc}"
    if not capture.media_type.startswith(IMAGE_TYPES):
        return None, f"{ref.source_url} is not an image ({capture.media_type}); it was left out."
    data = capture.body
    return (
        Asset(
            source_url=ref.source_url,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type=capture.media_type,
            size=len(data),
            data=data,
            alt=ref.alt,
        ),
        None,
    )
