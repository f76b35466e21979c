"""`threadbook import`: read an export file (WXR, Blogger Atom, Disqus, WARC) into the archive, with no network."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError
from storage.archive import open_archive

if TYPE_CHECKING:
    from storage.archive import Archive

log = logging.getLogger(__name__)


class ImportFileUnreadable(IngestError):
    """The file given to `threadbook import` could not be read (missing, a folder, a broken gzip)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, for the closing summary."""

    path: str
    format: str  # the importer's DESCRIPTION, e.g. "Disqus comments export (XML)"
    blogs: int = 0
    posts_new: int = 0
    posts_changed: int = 0
    posts_unchanged: int = 0
    comments_new: int = 0
    comments_total: int = 0
    threads_attached: int = 0
    unmatched: tuple[str, ...] = ()  # post URLs of threads whose post isn't archived
    problems: tuple[str, ...] = ()  # user-readable lines: what was skipped and why


IMPORT_BATCH = 200  # posts saved per write transaction


def import_file(path: Path, *, db_path: Path) -> ImportReport:
    """Import an export file (WordPress WXR, Blogger Atom, Disqus XML, WARC; gzipped or not) into the archive.

    The file is read and parsed completely before the archive is opened, so a bad file leaves it untouched.
    Posts are saved like crawled ones, one per transaction; a comment thread kept outside the blog (Disqus) is
    attached to the archived post with the same URL. Importing the same file again changes nothing.
    """
    import gzip
    import hashlib
    import zlib

    from ingest.imports import SNIFF_BYTES, detect_importer
    from ingest.urls import normalize_url
    from storage.records import THREADBOOK_VERSION, Capture

    try:
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    except IsADirectoryError as exc:
        raise ImportFileUnreadable(f"{path} is a folder. Give the export file itself.") from exc
    except OSError as exc:
        raise ImportFileUnreadable(f"Couldn't read {path}: {exc.strerror or exc}. Check the file name.") from exc
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportFileUnreadable(
                f"{path.name} is a gzip file that can't be unpacked: it is cut short or damaged. "
                "Download the export again."
            ) from exc
    importer = detect_importer(data[:SNIFF_BYTES])
    result = importer.parse(data, source_name=path.name)
    # Provenance: not a web fetch (status 0, no body kept), the export's hash and type; dated by the file, so
    # importing the same file twice records the same capture once.
    digest = hashlib.sha256(data).hexdigest()
    headers = (("x-threadbook-import", importer.NAME), ("x-threadbook-import-file", path.name))

    def provenance(url: str) -> Capture:
        return Capture(
            url=url,
            final_url=url,
            status=0,
            fetched_at=modified,
            content_sha256=digest,
            media_type="application/xml",
            headers=headers,
            tool_version=THREADBOOK_VERSION,
        )

    counts = dict(new=0, changed=0, unchanged=0, comments_new=0, comments_total=0, attached=0)
    unmatched: list[str] = []
    problems = list(result.problems)
    with open_archive(db_path) as archive:
        for blog in result.blogs:
            blog_id = archive.save_blog(blog)
            # IMPORT_BATCH posts per transaction: one commit for many saves (bench/storage_batch.py); an import
            # stopped half-way keeps the batches committed, and importing again completes it.
            for first in range(0, len(blog.posts), IMPORT_BATCH):
                with archive.batch():
                    for post in blog.posts[first : first + IMPORT_BATCH]:
                        # A WARC's posts carry the web fetches they were read from: those are the provenance then.
                        captures = post.captures or (provenance(post.url),)
                        saved = archive.save_post(blog_id, replace(post, captures=captures), thread_complete=False)
                        key = "new" if saved.created else "changed" if saved.changed else "unchanged"
                        counts[key] += 1
                        counts["comments_new"] += saved.comments_new
                        counts["comments_total"] += len(post.comments)
        for thread in result.threads:
            post_id = _find_post_by_url(archive, normalize_url(thread.post_url))
            if post_id is None:
                unmatched.append(thread.post_url)
                continue
            # The thread came from the export: the post's comment system says "import", not "missing".
            saved = archive.attach_comments(post_id, thread.comments, system=importer.NAME)
            archive.record_capture(provenance(archive.load_post(post_id).url), post_id=post_id)
            counts["attached"] += 1
            counts["comments_new"] += saved.comments_new
            counts["comments_total"] += len(thread.comments)
    if unmatched:
        problems.append(
            f"{len(unmatched)} {importer.NAME} threads belong to posts that aren't archived "
            f"(e.g. {unmatched[0]}): archive the blog first, then import again."
        )
    return ImportReport(
        path=str(path),
        format=importer.DESCRIPTION,
        blogs=len(result.blogs),
        posts_new=counts["new"],
        posts_changed=counts["changed"],
        posts_unchanged=counts["unchanged"],
        comments_new=counts["comments_new"],
        comments_total=counts["comments_total"],
        threads_attached=counts["attached"],
        unmatched=tuple(unmatched),
        problems=tuple(problems),
    )


def _find_post_by_url(archive: Archive, url: str) -> int | None:
    """The archived post a URL names, trying its canonical forms: as given, the other scheme; with or without
    the trailing slash (find_post tries both)."""
    from storage.errors import NotFound

    scheme, _, rest = url.partition("://")
    other = {"http": "https", "https": "http"}.get(scheme.lower())
    for candidate in (url, *([f"{other}://{rest}"] if other else [])):
        try:
            return archive.find_post(candidate)
        except NotFound:
            continue
    return None
