"""Read a detected comment system through its reader (or a rendering of the page), and say what is missing."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from urllib.parse import urlsplit

from ingest.comment_systems import ThreadOptions
from ingest.comment_systems.api import DISQUS_API, GITHUB_API, ReadContext
from ingest.comment_systems.detect import DetectedSystem, detect_comment_system
from ingest.errors import IngestError
from ingest.fetch import Fetcher, non_public_address
from ingest.threads import ThreadFetch
from storage.records import CommentSystem, PreviousCapture, ThreadOrigin

log = logging.getLogger(__name__)

Reader = Callable[[DetectedSystem, ReadContext], ThreadFetch]

# name -> (module, function): imported when first needed.
READERS: dict[str, tuple[str, str]] = {
    "isso": ("ingest.comment_systems.isso", "read_thread"),
    "remark42": ("ingest.comment_systems.remark42", "read_thread"),
    "commento": ("ingest.comment_systems.commento", "read_thread"),
    "giscus": ("ingest.comment_systems.github", "read_giscus"),
    "utterances": ("ingest.comment_systems.github", "read_utterances"),
    "disqus": ("ingest.comment_systems.disqus", "read_thread"),
}

RENDER_HINT = "turn on rendering in Settings (or --render) to read them from a rendering of the page"


@dataclass(frozen=True, slots=True)
class SystemThread:
    """What reading a post's comment system gave: the record to store on the post, and the thread if any."""

    system: CommentSystem
    thread: ThreadFetch | None  # None: no comment could be read


def reader_for(name: str) -> Reader | None:
    """The reader of a system with a readable interface, or None."""
    entry = READERS.get(name)
    if entry is None:
        return None
    reader: Reader = getattr(import_module(entry[0]), entry[1])
    return reader


def missing_key(found: DetectedSystem, ctx: ReadContext) -> str | None:
    """What the user must add before this system can be read through its interface, or None."""
    if found.name == "disqus" and not ctx.options.disqus_api_key:
        return "add a Disqus API key in Settings (or --disqus-key) or import the Disqus export (threadbook import)"
    if found.name in ("giscus", "utterances") and not ctx.options.github_token:
        return "add a GitHub token in Settings (or --github-token)"
    return None


def read_comment_system(
    found: DetectedSystem, ctx: ReadContext, *, detected_at: datetime | None = None
) -> SystemThread:
    """Read the thread through the system's own interface, else (when allowed) a rendering of the page.

    Never raises for expected trouble: an unreadable thread gives `origin="none"` and a note saying what to do.
    """
    detected_at = detected_at or datetime.now(UTC)
    reader = reader_for(found.name)
    hint = missing_key(found, ctx)
    reason: str | None = None
    if reader is not None and hint is None:
        try:
            thread = reader(found, ctx)
        except IngestError as exc:
            log.info("%s thread of %s unreadable: %s", found.label, ctx.page_url, exc)
            reason = str(exc)
        else:
            return SystemThread(_record(found, "api", detected_at, found.expected, _api_note(found, thread)), thread)
    if ctx.options.render:
        rendered = _rendered(found, ctx, detected_at)
        if rendered.thread is not None:
            return rendered
        reason = "; ".join(part for part in (reason, rendered.system.note) if part)
    return SystemThread(_record(found, "none", detected_at, found.expected, unread_note(found, hint, reason)), None)


def unread_note(found: DetectedSystem, hint: str | None, reason: str | None = None) -> str:
    """The notice for a thread that could not be read: which system, how many comments, what to do."""
    count = found.expected
    if count is not None and count == 0:
        missing = "it states no comments, and none were captured"
    elif count is not None:
        missing = f"{count} comment{'s' if count != 1 else ''} not captured"
    else:
        missing = "its comments were not captured"
    if hint:
        todo = hint
    elif reason:
        todo = f"{reason.rstrip('.')}. Try again later, or {RENDER_HINT}"
    elif reader_for(found.name) is None:
        todo = f"Threadbook can't read {found.label} through an interface; {RENDER_HINT}"
    else:
        todo = RENDER_HINT
    return f"This post uses {found.label}; {missing}: {todo}."


def _api_note(found: DetectedSystem, thread: ThreadFetch) -> str:
    if found.expected and len(thread.comments) < found.expected:
        count = len(thread.comments)
        got = "none was" if not count else f"only {count} {'was' if count == 1 else 'were'}"
        return (
            f"The page states {found.expected} comments, but {got} read through {found.label}; its settings may "
            f"point elsewhere, or comments may be held for moderation."
        )
    if thread.complete:
        return ""
    problems = " ".join(thread.problems)
    return f"Only part of the {found.label} thread could be read ({len(thread.comments)} comments). {problems}".strip()


def _rendered(found: DetectedSystem, ctx: ReadContext, detected_at: datetime) -> SystemThread:
    from ingest.comment_systems.rendered import read_rendered  # the browser is optional: imported only when asked

    try:
        thread, rendered_at = read_rendered(found, ctx)
    except IngestError as exc:
        log.info("rendered fallback failed for %s: %s", ctx.page_url, exc)
        return SystemThread(_record(found, "none", detected_at, found.expected, str(exc)), None)
    when = rendered_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = f"Comments read from a rendering of the page (its scripts ran in a headless browser) on {when}."
    if not thread.comments and found.expected:
        note = f"The rendering of the page showed none of its {found.expected} comments"
        return SystemThread(_record(found, "none", detected_at, found.expected, note), None)
    return SystemThread(_record(found, "rendered", detected_at, found.expected, note), thread)


def _record(
    found: DetectedSystem, origin: ThreadOrigin, detected_at: datetime, expected: int | None, note: str
) -> CommentSystem:
    return CommentSystem(
        name=found.name,
        origin=origin,
        expected=expected,
        note=note,
        details=found.details,
        detected_at=detected_at,
    )


def thread_for_page(
    html: str,
    page_url: str,
    fetcher: Fetcher,
    *,
    options: ThreadOptions,
    previous: Callable[[str], PreviousCapture | None],
    cancelled: Callable[[], bool],
    detected_at: datetime | None = None,
) -> SystemThread | None:
    """Detect the comment system of a fetched post page and read its thread; None when the page embeds none.

    `page_url` is the page's final URL. On a public blog, the comment server a page names must be on a public
    address (the blog's own host excepted), as for images: a page must not make us probe the user's network.
    """
    found = detect_comment_system(html, page_url)
    if found is None:
        return None
    blog_address = non_public_address(page_url)
    on_loopback = blog_address is not None and ipaddress.ip_address(blog_address).is_loopback
    ctx = ReadContext(
        page_url=page_url,
        fetcher=fetcher,
        options=options,
        previous=previous,
        cancelled=cancelled,
        public_only=blog_address is None or on_loopback,
        trusted_host=urlsplit(page_url).hostname,
        allow_loopback=on_loopback,
        github_api=API_SETTINGS.github,
        disqus_api=API_SETTINGS.disqus,
        page_size=API_SETTINGS.page_size,
    )
    return read_comment_system(found, ctx, detected_at=detected_at)


@dataclass(slots=True)
class ApiSettings:
    """Where the hosted APIs live and how many comments to ask per page; tests point them at loopback servers."""

    github: str = GITHUB_API
    disqus: str = DISQUS_API
    page_size: int = 100


API_SETTINGS = ApiSettings()
