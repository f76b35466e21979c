"""The Qt-free jobs both front ends run: archive a blog, export JSON, export a series as PDF."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from exporters.errors import ExportError
from ingest.errors import BadUrl, IngestError
from storage.archive import open_archive
from storage.errors import StorageError
from storage.records import Anthology, Blog, BlogSummary, CrawlReport, Post, PostSummary, SearchHit

if TYPE_CHECKING:
    from ingest.fetch import FetchSettings
    from storage.archive import Archive
    from storage.queries import CaptureInfo, TermCount, WatchedBlog
    from storage.search import SearchFilters

log = logging.getLogger(__name__)

USER_ERRORS: tuple[type[Exception], ...] = (IngestError, StorageError, ExportError)


class SavedPageUnreadable(IngestError):
    """A saved page given on the command line could not be read."""


DB_ENV = "THREADBOOK_DB"


@dataclass(frozen=True, slots=True)
class ArchiveSettings:
    delay: float = 1.0  # seconds between two requests to the same host
    fetch_images: bool = True
    respect_robots: bool = True
    user_agent: str = ""  # "" means the honest default (ingest.fetch.default_user_agent)


@dataclass(frozen=True, slots=True)
class Progress:
    stage: str  # "discovering" | "capturing" | "done"
    posts_done: int
    posts_total: int
    comments: int
    message: str


def default_db_path() -> Path:
    """The archive used when neither --db nor THREADBOOK_DB says otherwise: the user data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("threadbook", appauthor=False)) / "archive.sqlite"


def _no_progress(_: Progress) -> None:
    return None


def _never() -> bool:
    return False


def archive_blog(
    url: str,
    *,
    db_path: Path,
    settings: ArchiveSettings = ArchiveSettings(),
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
) -> CrawlReport:
    """Discover every post of the blog at `url` and archive each with its whole thread, one post per transaction.

    A re-run asks the server only for what changed (conditional GET) and adds new posts and comments.
    Cancelling stops between posts; everything saved so far stays.
    """
    from ingest.crawl import crawl_post
    from ingest.discover import discover_blog
    from ingest.fetch import Fetcher
    from ingest.urls import is_http_url

    url = url.strip()
    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the blog's address, starting with http:// or https://.")

    with open_archive(db_path) as archive:  # opened first: a bad archive file fails before any network use
        fetcher = Fetcher(_fetch_settings(settings))
        try:
            progress(Progress("discovering", 0, 0, 0, f"Looking for posts at {url}"))
            discovery = discover_blog(url, fetcher, cancelled=cancelled, previous=archive.previous_capture)
            blog = discovery.blog
            blog_id = archive.save_blog(blog)
            for capture in discovery.captures:  # provenance, and validators for the next run's conditional GETs
                archive.record_capture(capture, blog_id=blog_id)
            total = len(discovery.post_urls)
            report = CrawlReport(blog_url=blog.url, posts_found=total)
            problems: list[str] = []
            counts = dict(new=0, changed=0, unchanged=0, comments_new=0, comments_total=0, removed=0, images=0)
            done = 0
            for post_url in discovery.post_urls:
                if cancelled():
                    report = replace(report, cancelled=True)
                    break
                progress(Progress("capturing", done, total, counts["comments_total"], post_url))
                try:
                    crawled = crawl_post(
                        post_url,
                        fetcher,
                        previous=archive.previous_capture,
                        known_asset=archive.asset_for_url,
                        fetch_images=settings.fetch_images,
                        cancelled=cancelled,
                    )
                except IngestError as exc:
                    problems.append(f"Skipped {post_url}: {exc}")
                    log.info("skipped %s: %s", post_url, exc)
                    done += 1
                    continue
                problems.extend(crawled.problems)
                saved = archive.save_post(blog_id, crawled.post, thread_complete=crawled.thread_complete)
                done += 1
                if saved.created:
                    counts["new"] += 1
                elif saved.changed:
                    counts["changed"] += 1
                else:
                    counts["unchanged"] += 1
                counts["comments_new"] += saved.comments_new
                counts["removed"] += saved.comments_removed
                counts["images"] += saved.images_saved
                counts["comments_total"] += len(crawled.post.comments)
                progress(Progress("capturing", done, total, counts["comments_total"], crawled.post.title))
            else:
                archive.mark_crawled(blog_id, datetime.now(UTC))
            report = replace(
                report,
                posts_new=counts["new"],
                posts_changed=counts["changed"],
                posts_unchanged=counts["unchanged"],
                comments_new=counts["comments_new"],
                comments_total=counts["comments_total"],
                comments_removed=counts["removed"],
                images_saved=counts["images"],
                requests=fetcher.requests_made,
                not_modified=fetcher.not_modified,
                problems=tuple(problems) + tuple(discovery.problems),
            )
            progress(Progress("done", done, total, counts["comments_total"], "Finished"))
            return report
        finally:
            fetcher.close()


def _fetch_settings(settings: ArchiveSettings) -> FetchSettings:
    from ingest.fetch import FetchSettings

    if settings.user_agent.strip():
        return FetchSettings(
            delay=settings.delay, respect_robots=settings.respect_robots, user_agent=settings.user_agent.strip()
        )
    return FetchSettings(delay=settings.delay, respect_robots=settings.respect_robots)


def extract_saved_page(path: Path, *, url: str) -> Post:
    """The post in a saved HTML page, with its thread, as if fetched from `url`: no network at all.

    Images are listed but not fetched (their hash and size are unknown). Raises NotAPost for a page that holds none.
    """
    from ingest.comments import merge_comment_pages
    from ingest.crawl import NotAPost
    from ingest.encoding import decode_html
    from ingest.extract import extract_post_page
    from ingest.urls import is_http_url

    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the address the page was saved from, with --url https://...")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SavedPageUnreadable(f"Couldn't read {path}: {exc.strerror or exc}. Check the file name.") from exc
    page = extract_post_page(decode_html(body, None), url)
    if page.post is None:
        raise NotAPost(f"{path} doesn't hold a blog post (it looks like a listing or another kind of page).")
    return replace(page.post, url=page.canonical_url or url, comments=merge_comment_pages([page]))


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


# Small archive reads the GUI runs on a worker (archive-wide counting or searching never runs on the GUI thread).


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


# -- jobs of the desktop window (Qt-free, so the CLI can run them too)


@dataclass(frozen=True, slots=True)
class BlogPreview:
    """What a quick discovery found at an address, shown before a capture starts."""

    url: str  # the blog's home page (or the post, for a single post)
    platform: str  # "wordpress", "generic", ...
    title: str
    post_count: int
    comment_estimate: int | None  # from the feed's slash:comments counts, scaled to every post; None if unknown
    single_post: bool = False
    problems: tuple[str, ...] = ()


_SLASH_COMMENTS = re.compile(rb"<slash:comments>\s*(\d+)\s*</slash:comments>")
_FEED_ITEM = re.compile(rb"<(?:item|entry)[\s>]")


def estimate_comments(feed_bodies: list[bytes], post_count: int) -> int | None:
    """About how many comments `post_count` posts have, from the `slash:comments` counts of feed items.

    The feed lists the newest posts only, so their mean is scaled to the whole blog: a rough guess, said so."""
    counts = [int(match) for body in feed_bodies for match in _SLASH_COMMENTS.findall(body)]
    items = sum(len(_FEED_ITEM.findall(body)) for body in feed_bodies)
    if not counts or not items:
        return None
    return round(sum(counts) / max(items, len(counts)) * post_count)


def preview_blog(
    url: str,
    *,
    settings: ArchiveSettings = ArchiveSettings(),
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
) -> BlogPreview:
    """Detect the platform and count the posts at `url` with a quick discovery (home page, feed, sitemaps),
    saving nothing. Raises `IngestError`s with messages for the user (unreachable, not a blog...)."""
    from ingest.discover import discover_blog
    from ingest.fetch import Fetcher
    from ingest.urls import is_http_url

    url = url.strip()
    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the blog's address, starting with http:// or https://.")
    with Fetcher(_fetch_settings(settings)) as fetcher:
        progress(Progress("discovering", 0, 0, 0, f"Looking for posts at {url}"))
        discovery = discover_blog(url, fetcher, cancelled=cancelled, max_listing_pages=50)
    feeds = [
        capture.body
        for capture in discovery.captures
        if capture.body and (b"<rss" in capture.body[:2000] or b"<feed" in capture.body[:2000])
    ]
    total = len(discovery.post_urls)
    return BlogPreview(
        url=discovery.blog.url,
        platform=discovery.blog.platform,
        title=discovery.blog.title,
        post_count=total,
        comment_estimate=estimate_comments(feeds, total),
        single_post=discovery.single_post,
        problems=discovery.problems,
    )


def describe_preview(preview: BlogPreview) -> str:
    """ "WordPress, 134 posts, about 2,100 comments" (plain text: the title is web text)."""
    platform = {"wordpress": "WordPress", "generic": "A blog"}.get(preview.platform, preview.platform.title())
    if preview.single_post:
        return f"{platform}, one post"
    text = f"{platform}, {preview.post_count:,} post{'' if preview.post_count == 1 else 's'}"
    if preview.comment_estimate:
        text += f", about {preview.comment_estimate:,} comments"
    return text


def due_blogs(db_path: Path, *, now: datetime | None = None) -> list[WatchedBlog]:
    """The watched blogs whose interval has passed since their last capture (never captured: due)."""
    now = now or datetime.now(UTC)
    with open_archive(db_path) as archive:
        settings = archive.list_watch_settings()
    return [
        blog
        for blog in settings
        if blog.watched
        and (blog.last_crawled_at is None or (now - blog.last_crawled_at).total_seconds() >= blog.interval_hours * 3600)
    ]


def update_blogs(
    *,
    db_path: Path,
    blog_ids: list[int] | None = None,
    watched_only: bool = False,
    settings: ArchiveSettings = ArchiveSettings(),
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
) -> list[CrawlReport]:
    """Re-capture blogs incrementally (only new or changed pages are fetched), one after the other.

    `blog_ids` None means every blog; `watched_only` keeps only watched blogs that are due. A blog that fails
    gives a report with the failure in its `problems`, and the next blog still runs."""
    if watched_only:
        urls = [blog.url for blog in due_blogs(db_path) if blog_ids is None or blog.id in blog_ids]
    else:
        with open_archive(db_path) as archive:
            urls = [blog.url for blog in archive.list_blogs() if blog_ids is None or blog.id in blog_ids]
    reports: list[CrawlReport] = []
    for url in urls:
        if cancelled():
            break
        try:
            reports.append(
                archive_blog(url, db_path=db_path, settings=settings, progress=progress, cancelled=cancelled)
            )
        except IngestError as exc:
            reports.append(CrawlReport(blog_url=url, problems=(f"Couldn't update {url}: {exc}",)))
    return reports


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


def import_file(path: Path, *, db_path: Path) -> ImportReport:
    """Import an export file (WordPress WXR, Blogger Atom, Disqus XML; gzipped or not) into the archive.

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
            for post in blog.posts:
                saved = archive.save_post(
                    blog_id, replace(post, captures=(provenance(post.url),)), thread_complete=False
                )
                key = "new" if saved.created else "changed" if saved.changed else "unchanged"
                counts[key] += 1
                counts["comments_new"] += saved.comments_new
                counts["comments_total"] += len(post.comments)
        for thread in result.threads:
            post_id = _find_post_by_url(archive, normalize_url(thread.post_url))
            if post_id is None:
                unmatched.append(thread.post_url)
                continue
            saved = archive.attach_comments(post_id, thread.comments)
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
