"""Export jobs both front ends run: the whole archive as JSON, a series or chosen posts as a PDF book."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storage.archive import open_archive
from storage.records import Anthology, Blog

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def load_blogs_for_export(db_path: Path) -> list[Blog]:
    """Every blog with every post, thread and image metadata: what the JSON export needs."""
    with open_archive(db_path) as archive:
        return [archive.load_blog(summary.id, with_posts=True) for summary in archive.list_blogs()]


def export_json(*, db_path: Path, out_path: Path) -> Path:
    """Write the whole archive in the documented JSON format (docs/json-format.md)."""
    from exporters.json_export import write_archive_json

    return write_archive_json(load_blogs_for_export(db_path), out_path=out_path)


def series_anthology(db_path: Path, series: str) -> Anthology:
    """An anthology of every part of a series, in part order, with threads and image data."""
    with open_archive(db_path) as archive:
        posts = archive.load_series_posts(series, with_asset_data=True)
        name = archive.series_name(series)
    return Anthology(
        title=name,  # the cover prints the posts' date range itself
        posts=tuple(posts),
        language=next((p.language for p in posts if p.language), None),
        created_at=datetime.now(UTC),
    )


def export_series_pdf(*, db_path: Path, series: str, out_path: Path, page_size: str = "A4") -> Path:
    """Bind every part of a series into a PDF anthology at `out_path`."""
    from exporters.pdf.options import PdfOptions
    from exporters.pdf.render import render_pdf

    anthology = series_anthology(db_path, series)
    return render_pdf(anthology, out_path=out_path, options=PdfOptions(page_size=page_size))


def export_posts_pdf(
    *,
    db_path: Path,
    post_ids: list[int],
    title: str,
    out_path: Path,
    page_size: str = "A4",
    include_comments: bool = True,
    progress: object = None,
    cancelled: object = None,
) -> Path:
    """Bind the chosen posts (oldest first) into a PDF anthology called `title` at `out_path`."""
    from exporters.pdf.options import PdfOptions
    from exporters.pdf.render import render_pdf

    with open_archive(db_path) as archive:
        posts = [archive.load_post(post_id, with_asset_data=True) for post_id in post_ids]
    posts.sort(key=lambda post: (post.published_at is None, post.published_at or datetime.min.replace(tzinfo=UTC)))
    anthology = Anthology(
        title=title,
        posts=tuple(posts),
        language=next((p.language for p in posts if p.language), None),
        created_at=datetime.now(UTC),
    )
    options = PdfOptions(page_size=page_size, include_comments=include_comments)  # type: ignore[arg-type]
    return render_pdf(anthology, out_path=out_path, options=options)


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", re.IGNORECASE)


def file_stem(title: str, *, fallback: str = "export", limit: int = 60) -> str:
    """A file name stem from a title (web text): lower-case letters, digits and dashes, never a path or a name
    Windows reserves for a device (CON, NUL, LPT1...)."""
    slug = re.sub(r"[^\w]+", "-", title.casefold(), flags=re.UNICODE).strip("-_")[:limit].strip("-_")
    if _WINDOWS_RESERVED.match(slug):
        slug += "-book"
    return slug or fallback
