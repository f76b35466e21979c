"""Export jobs both front ends run: the whole archive as JSON, a series, chosen posts or an anthology as a PDF
book, an EPUB, a Markdown bundle, a web page or citations."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from storage.archive import Archive, open_archive
from storage.records import Anthology, Blog, Post, anthology_items

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
    anthology = _chosen_posts_anthology(title, posts, oldest_first=True)
    options = PdfOptions(page_size=page_size, include_comments=include_comments)  # type: ignore[arg-type]
    return render_pdf(anthology, out_path=out_path, options=options)


def _chosen_posts_anthology(title: str, posts: list[Post], *, oldest_first: bool) -> Anthology:
    """An anthology of hand-picked posts: oldest first (undated last) or in the order given; the first language."""
    if oldest_first:
        undated = datetime.min.replace(tzinfo=UTC)
        posts = sorted(posts, key=lambda p: (p.published_at is None, p.published_at or undated))
    return Anthology(
        title=title,
        posts=tuple(posts),
        language=next((p.language for p in posts if p.language), None),
        created_at=datetime.now(UTC),
    )


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", re.IGNORECASE)


def file_stem(title: str, *, fallback: str = "export", limit: int = 60) -> str:
    """A file name stem from a title (web text): lower-case letters, digits and dashes, never a path or a name
    Windows reserves for a device (CON, NUL, LPT1...)."""
    slug = re.sub(r"[^\w]+", "-", title.casefold(), flags=re.UNICODE).strip("-_")[:limit].strip("-_")
    if _WINDOWS_RESERVED.match(slug):
        slug += "-book"
    return slug or fallback


# -- EPUB, Markdown bundle, web page and citations (issue 11): the formats of exporters/formats.py


def _blogs_by_post(
    archive: Archive, posts: Sequence[Post], blog_ids: Mapping[int, int] | None = None
) -> dict[str, Blog]:
    """Each post's blog, keyed by post URL: from `blog_ids` (post id -> blog id) when given, else the blog whose
    address is the longest prefix of the post's (then the same host)."""
    summaries = archive.list_blogs()
    loaded: dict[int, Blog] = {}

    def blog(blog_id: int) -> Blog:
        if blog_id not in loaded:
            loaded[blog_id] = archive.load_blog(blog_id)
        return loaded[blog_id]

    def bare(url: str) -> str:
        return url.split("://", 1)[-1].lower()

    out: dict[str, Blog] = {}
    for post in posts:
        if blog_ids and post.id is not None and post.id in blog_ids:
            out[post.url] = blog(blog_ids[post.id])
            continue
        address = bare(post.url)
        prefixed = [s for s in summaries if address.startswith(bare(s.url).rstrip("/"))]
        host = urlsplit(post.url).hostname
        candidates = prefixed or [s for s in summaries if urlsplit(s.url).hostname == host]
        if candidates:
            out[post.url] = blog(max(candidates, key=lambda s: len(s.url)).id)
    return out


def export_series_as(fmt: str, *, db_path: Path, series: str, out_path: Path, include_comments: bool = True) -> Path:
    """Write every part of a series, in part order, as `fmt` (epub, markdown, html, csl-json, bibtex)."""
    from exporters.formats import write_anthology

    anthology = series_anthology(db_path, series)
    with open_archive(db_path) as archive:
        blogs = _blogs_by_post(archive, anthology.posts)
    return write_anthology(fmt, anthology, out_path=out_path, blogs=blogs, include_comments=include_comments)


def export_posts_as(
    fmt: str,
    *,
    db_path: Path,
    post_ids: Sequence[int],
    title: str,
    out_path: Path,
    include_comments: bool = True,
    oldest_first: bool = True,
) -> Path:
    """Write the chosen posts as `fmt` under the title `title` (oldest first, or in the order given)."""
    from exporters.formats import write_anthology

    with open_archive(db_path) as archive:
        posts = [archive.load_post(post_id, with_asset_data=True) for post_id in dict.fromkeys(post_ids)]
        blogs = _blogs_by_post(archive, posts)
    anthology = _chosen_posts_anthology(title, posts, oldest_first=oldest_first)
    return write_anthology(fmt, anthology, out_path=out_path, blogs=blogs, include_comments=include_comments)


def export_anthology_as(fmt: str, *, db_path: Path, name: str, out_path: Path) -> Path:
    """Write the stored anthology `name` (every editor's choice applied) as `fmt`."""
    from exporters.formats import write_anthology

    with open_archive(db_path) as archive:
        anthology = archive.build_anthology(name)
        blogs = _blogs_by_post(
            archive, [item.post for item in anthology_items(anthology)], archive.anthology_blog_ids(name)
        )
    return write_anthology(fmt, anthology, out_path=out_path, blogs=blogs)


def cite_search_results(query: str, *, db_path: Path, style: str, limit: int = 50) -> tuple[str, int]:
    """Citations ("bibtex" or "csl-json") of the posts a search finds, best match first, each post once (a hit in a
    comment cites its post). Returns the text and the number of posts cited."""
    from exporters.citations import bibtex_entries, cited_posts, csl_items

    with open_archive(db_path) as archive:
        hits = archive.search(query, limit=limit)
        ids = list(dict.fromkeys(hit.post_id for hit in hits))
        posts = [archive.load_post(post_id) for post_id in ids]
        blogs = _blogs_by_post(archive, posts)
    cited = cited_posts(Anthology(title=query, posts=tuple(posts)), blogs)
    if style == "bibtex":
        return bibtex_entries(cited), len(cited)
    return json.dumps(csl_items(cited), ensure_ascii=False, indent=2) + "\n", len(cited)
