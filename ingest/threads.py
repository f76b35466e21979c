"""The hook through which a platform reads a post's thread from its own interface (REST, feeds) instead of HTML.

A platform module in `ingest/platforms/` may define `fetch_thread(ctx: ThreadContext) -> ThreadFetch | None`.
`ingest.crawl.crawl_post` calls it after reading the post's first page. It returns None to let the HTML comment
pages stand (no interface, or the interface is closed), or the whole thread in display order. `ctx.html_pages()`
fetches (once) and returns every HTML comment page of the post, for a platform whose interface lacks something the
page shows: WordPress's REST API hides pingbacks and trackbacks from anonymous readers, for one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.records import Capture, Comment, PreviousCapture

if TYPE_CHECKING:  # crawl imports the platforms, the platforms import this: types only, no import cycle
    from ingest.extract import PostPage
    from ingest.fetch import Fetcher


@dataclass(frozen=True, slots=True)
class ThreadContext:
    first: PostPage  # the post's own page, extracted
    fetcher: Fetcher
    previous: Callable[[str], PreviousCapture | None]  # what the archive holds of a URL, for conditional GETs
    html_pages: Callable[[], list[PostPage]]  # every HTML comment page of the post (the first included), fetched once
    cancelled: Callable[[], bool]
    first_capture: Capture | None = None  # the fetch of the post's own page (its headers name the API, e.g. `Link:`)


@dataclass(frozen=True, slots=True)
class ThreadFetch:
    comments: tuple[Comment, ...]  # the whole thread in display order, positions and depths set
    captures: tuple[Capture, ...]  # every fetch made for it (API pages), for provenance
    complete: bool  # every page of the interface was read: absent comments really are gone
    problems: tuple[str, ...] = ()  # user-readable lines
