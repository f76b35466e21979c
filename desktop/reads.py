"""Small archive reads (and one setting) the GUI runs on a worker, so archive-wide work never runs on its thread."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from storage.archive import open_archive
from storage.records import BlogSummary, PostSummary, SearchHit

if TYPE_CHECKING:
    from storage.queries import CaptureInfo, TermCount, WatchedBlog
    from storage.search import SearchFilters

log = logging.getLogger(__name__)


def prepare_archive(path: Path, *, progress: object = None, cancelled: object = None) -> tuple[Path, list[BlogSummary]]:
    """Create the archive file or bring its schema up to date, and list its blogs (a worker job: migrations
    can take a while, and the blog list counts every comment)."""
    with open_archive(path) as archive:
        return path, archive.list_blogs()


def load_blog_list(path: Path, *, progress: object = None, cancelled: object = None) -> list[BlogSummary]:
    """The blogs with their post and comment counts: archive-wide counting, so it runs on a worker."""
    with open_archive(path) as archive:
        return archive.list_blogs()


def search_archive(
    path: Path, query: str, *, limit: int = 200, progress: object = None, cancelled: object = None
) -> tuple[str, list[SearchHit]]:
    """Full-text search on a worker (archive-wide: never on the GUI thread); returns (query, hits)."""
    with open_archive(path) as archive:
        return query, archive.search(query, limit=limit)


def load_post_summaries(
    path: Path, blog_id: int | None, *, progress: object = None, cancelled: object = None
) -> tuple[int | None, list[PostSummary]]:
    """Every post summary of a blog (or all): for sorting a long list in memory, on a worker."""
    with open_archive(path) as archive:
        return blog_id, archive.list_posts(blog_id=blog_id)


def load_library(
    path: Path, *, progress: object = None, cancelled: object = None
) -> tuple[list[BlogSummary], list[TermCount], list[WatchedBlog]]:
    """Blogs with counts, their series/categories/tags with counts, and watch settings: the library tree."""
    with open_archive(path) as archive:
        return archive.list_blogs(), archive.list_terms(), archive.list_watch_settings()


def search_archive_filtered(
    path: Path,
    query: str,
    filters: SearchFilters | None,
    *,
    limit: int = 200,
    progress: object = None,
    cancelled: object = None,
) -> tuple[str, list[SearchHit]]:
    """Full-text search with filters, on a worker; returns (query, hits)."""
    with open_archive(path) as archive:
        return query, archive.search(query, limit=limit, filters=filters)


def load_post_captures(
    path: Path, post_id: int, *, progress: object = None, cancelled: object = None
) -> list[CaptureInfo]:
    """A post's captures for the provenance view."""
    with open_archive(path) as archive:
        return archive.list_post_captures(post_id)


def load_capture_text(path: Path, capture_id: int, *, progress: object = None, cancelled: object = None) -> str:
    """A capture's raw body as text, to be shown as PLAIN text (never rendered)."""
    from ingest.encoding import decode_html

    with open_archive(path) as archive:
        body = archive.capture_body(capture_id)
    return decode_html(body, None) if body else ""


def set_blog_watch(
    path: Path, blog_id: int, watched: bool, interval_hours: float, *, progress: object = None, cancelled: object = None
) -> int:
    """Mark a blog watched or not (a write: the window runs it on the write lane)."""
    with open_archive(path) as archive:
        archive.set_watch(blog_id, watched=watched, interval_hours=interval_hours)
    return blog_id


def load_post_list(
    path: Path, filter_kwargs: dict[str, object], *, progress: object = None, cancelled: object = None
) -> list[PostSummary]:
    """Every post summary of a filtered list (blog, series, category, tag): for an in-memory sort, on a worker."""
    with open_archive(path) as archive:
        return archive.list_posts(**filter_kwargs)  # type: ignore[arg-type]
