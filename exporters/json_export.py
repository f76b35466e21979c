"""The JSON archive format ("threadbook-archive", version 1): blogs with their posts, images and comment threads.

The format is a public contract, documented in docs/json-format.md and described by
docs/threadbook-archive-v1.schema.json. Key order is part of what we promise: dicts are built in the
documented order and written without sorting.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exporters.output import atomic_output
from storage.records import Asset, Blog, Comment, CommentSystem, Post, SeriesRef

FORMAT_NAME = "threadbook-archive"
FORMAT_VERSION = 1


def write_archive_json(blogs: Sequence[Blog], *, out_path: Path, exported_at: datetime | None = None) -> Path:
    """Write `blogs` (with their posts) as a threadbook-archive JSON file at `out_path`; return the path.

    UTF-8 without ASCII escaping, indented by 2, newline at the end. The file is written to a
    temporary file in the same folder and renamed over `out_path` at the end. `exported_at` defaults
    to now (UTC). Raises `ExportWriteFailed` if the file can't be written.
    """
    out_path = Path(out_path)
    document = archive_to_dict(blogs, exported_at=exported_at)
    with atomic_output(out_path) as tmp_path:
        with tmp_path.open("w", encoding="utf-8", newline="\n") as stream:
            json.dump(document, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
    return out_path


def archive_to_dict(blogs: Sequence[Blog], *, exported_at: datetime | None) -> dict[str, Any]:
    """The archive document as plain dicts/lists/str/int/None, keys in the documented order."""
    moment = exported_at if exported_at is not None else datetime.now(UTC)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _utc_iso(moment),
        "blogs": [_blog_to_dict(blog) for blog in blogs],
    }


def _blog_to_dict(blog: Blog) -> dict[str, Any]:
    return {
        "url": blog.url,
        "title": blog.title,
        "platform": blog.platform,
        "posts": [post_to_dict(post) for post in blog.posts],
    }


def post_to_dict(post: Post) -> dict[str, Any]:
    """One post in the format's post shape (docs/json-format.md), as `threadbook extract` prints it."""
    return {
        "url": post.url,
        "title": post.title,
        "author": post.author,
        "published_at": _iso(post.published_at),
        "updated_at": _iso(post.updated_at),
        "tags": list(post.tags),
        "categories": list(post.categories),
        "series": _series_to_dict(post.series),
        "markdown": post.body_md,
        "images": [_image_to_dict(asset) for asset in post.images],
        "captured_at": _utc_iso(post.captured_at) if post.captured_at is not None else None,
        "comment_count_expected": post.comment_count_expected,
        "comments": [_comment_to_dict(comment) for comment in post.comments],
        "protected": post.protected,
        "comment_system": _comment_system_to_dict(post.comment_system),
    }


def _comment_system_to_dict(system: CommentSystem | None) -> dict[str, Any] | None:
    """Where the thread lives when the page doesn't serve it (Disqus, Isso, ...), and how much was read."""
    if system is None:
        return None
    return {
        "name": system.name,
        "origin": system.origin,
        "expected": system.expected,
        "note": system.note,
        "details": [[key, value] for key, value in system.details],
        "detected_at": _utc_iso(system.detected_at) if system.detected_at is not None else None,
    }


def _series_to_dict(series: SeriesRef | None) -> dict[str, Any] | None:
    if series is None:
        return None
    return {"name": series.name, "number": series.number}


def _image_to_dict(asset: Asset) -> dict[str, Any]:
    # An asset with no sha256 could not be fetched: its hash and size are unknown, not empty.
    fetched = bool(asset.sha256)
    return {
        "url": asset.source_url,
        "sha256": asset.sha256.lower() if fetched else None,
        "media_type": asset.media_type or None,
        "bytes": asset.size if fetched else None,
    }


def _comment_to_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": str(comment.source_id),
        "parent": str(comment.parent_source_id) if comment.parent_source_id is not None else None,
        "author": comment.author,
        "author_url": comment.author_url,
        "published_at": _iso(comment.published_at),
        "kind": comment.kind,
        "markdown": comment.body_md,
        "removed_at": _utc_iso(comment.removed_at) if comment.removed_at is not None else None,
    }


def _iso(moment: datetime | None) -> str | None:
    """ISO-8601 exactly as the record has it: with its own offset, or none if the site gave none."""
    return moment.isoformat() if moment is not None else None


def _utc_iso(moment: datetime) -> str:
    """ISO-8601 in UTC with an explicit +00:00. A naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()
