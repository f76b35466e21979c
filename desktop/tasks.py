"""The Qt-free jobs both front ends run: archive a blog, export JSON, export a series as PDF."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from exporters.errors import ExportError
from ingest.errors import BadUrl, IngestError
from storage.archive import Archive, open_archive
from storage.errors import StorageError
from storage.records import CrawlReport, Post

if TYPE_CHECKING:
    from ingest.fetch import Fetcher, FetchSettings
    from storage.queries import WatchedBlog

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
    timeout: float = 30.0  # seconds a server may stay silent mid-answer before the request counts as failed
    # A re-run fetches only the posts the blog lists as changed (new comments, edits: ingest/changes.py) when it
    # can say, and those not fetched for RECHECK_AFTER; True asks every post again (conditional GETs), which also
    # notices edited or deleted comments.
    recheck_all: bool = False
    # Comment systems (issue 9): the headless-browser fallback runs the page's own scripts, so it is off by default.
    render: bool = False
    # The user's secrets: kept out of repr (so never in a log line or a traceback's locals) and never exported.
    disqus_api_key: str | None = field(default=None, repr=False)
    github_token: str | None = field(default=None, repr=False)


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


RECHECK_AFTER = timedelta(days=30)  # re-runs skip unchanged posts, but ask each one again at least this often


def _outside_threads(archive: Archive, blog_id: int, settings: ArchiveSettings) -> set[str]:
    """The posts a re-run asks again whatever the blog's change lists say: their threads live in a comment system
    (Disqus, Isso, ...) that changes without the blog knowing. Threads read before (through the system's interface
    or a rendering the settings still allow) always; unread or imported ones when a key or rendering may read them now.
    """
    can_read_more = settings.render or bool(settings.disqus_api_key) or bool(settings.github_token)
    wanted = {"api"} | ({"rendered"} if settings.render else set()) | ({"none", "import"} if can_read_more else set())
    return {url for url, origin in archive.thread_origins(blog_id=blog_id).items() if origin in wanted}


def _now() -> datetime:
    return datetime.now(UTC)


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
    fetcher: Fetcher | None = None,
) -> CrawlReport:
    """Discover every post of the blog at `url` and archive each with its whole thread, one post per transaction.

    A re-run asks the server only for what changed (conditional GET) and adds new posts and comments.
    Cancelling stops between posts; everything saved so far stays. A `fetcher` given is used (its per-host delay
    and robots.txt carry over from the blogs it fetched before) and left open; otherwise one is made and closed.
    """
    from ingest.changes import changes_since
    from ingest.crawl import crawl_post
    from ingest.discover import discover_blog
    from ingest.fetch import Fetcher
    from ingest.urls import is_http_url

    url = url.strip()
    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the blog's address, starting with http:// or https://.")

    with open_archive(db_path) as archive:  # opened first: a bad archive file fails before any network use
        own_fetcher = fetcher is None
        fetcher = Fetcher(_fetch_settings(settings)) if fetcher is None else fetcher
        requests_before, not_modified_before = fetcher.requests_made, fetcher.not_modified
        try:
            progress(Progress("discovering", 0, 0, 0, f"Looking for posts at {url}"))
            discovery = discover_blog(url, fetcher, cancelled=cancelled, previous=archive.previous_capture)
            blog = discovery.blog
            blog_id = archive.save_blog(blog)
            for capture in discovery.captures:  # provenance, and validators for the next run's conditional GETs
                archive.record_capture(capture, blog_id=blog_id)
            # A re-run skips the archived posts the blog's own change lists don't name (a handful of requests
            # instead of one per post); when the lists can't be read, every post is asked "only if changed".
            unchanged: dict[str, int] = {}  # post URL -> its archived comment count
            last = next((b.last_crawled_at for b in archive.list_blogs() if b.id == blog_id), None)
            if last is not None and not settings.recheck_all and not discovery.single_post:
                changes = changes_since(discovery, fetcher, last_capture=last, previous=archive.previous_capture)
                for capture in changes.captures:
                    archive.record_capture(capture, blog_id=blog_id)
                if changes.complete:
                    # A post not fetched for RECHECK_AFTER is asked again anyway: what the lists can't show
                    # (edited or deleted comments, a comment page that failed last time) is never older than that.
                    fresh_since = _now() - RECHECK_AFTER
                    wanted = set(discovery.post_urls) - changes.posts - _outside_threads(archive, blog_id, settings)
                    unchanged = {
                        summary.url: summary.comment_count
                        for summary in archive.list_posts(blog_id=blog_id)
                        if summary.url in wanted
                        and summary.captured_at is not None
                        and summary.captured_at >= fresh_since
                    }
                    log.info("%s: %d posts changed since %s (%s)", blog.url, len(changes.posts), last, changes.source)
            total = len(discovery.post_urls)
            thread_kwargs = thread_options_kwargs(crawl_post, settings)
            report = CrawlReport(blog_url=blog.url, posts_found=total)
            problems: list[str] = []
            counts = dict(new=0, changed=0, unchanged=0, comments_new=0, comments_total=0, removed=0, images=0)
            done = 0
            for post_url in discovery.post_urls:
                if cancelled():
                    report = replace(report, cancelled=True)
                    break
                if post_url in unchanged:  # as archived: the report counts its comments all the same
                    counts["unchanged"] += 1
                    counts["comments_total"] += unchanged[post_url]
                    done += 1
                    continue
                progress(Progress("capturing", done, total, counts["comments_total"], post_url))
                try:
                    crawled = crawl_post(
                        post_url,
                        fetcher,
                        previous=archive.previous_capture,
                        known_asset=archive.asset_for_url,
                        fetch_images=settings.fetch_images,
                        cancelled=cancelled,
                        **thread_kwargs,
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
                requests=fetcher.requests_made - requests_before,
                not_modified=fetcher.not_modified - not_modified_before,
                problems=tuple(problems) + tuple(discovery.problems),
            )
            progress(Progress("done", done, total, counts["comments_total"], "Finished"))
            return report
        finally:
            if own_fetcher:
                fetcher.close()


def thread_options_kwargs(crawl: Callable[..., object], settings: ArchiveSettings) -> dict[str, object]:
    """`{"thread_options": ThreadOptions(...)}` from the settings, for a `crawl_post` that takes it ({} otherwise).

    Blank keys count as none. The keys go to the crawl only: never into a log line, a report or an export."""
    import inspect

    from ingest.comment_systems import ThreadOptions

    if "thread_options" not in inspect.signature(crawl).parameters:
        return {}
    options = ThreadOptions(
        render=settings.render,
        disqus_api_key=(settings.disqus_api_key or "").strip() or None,
        github_token=(settings.github_token or "").strip() or None,
    )
    return {"thread_options": options}


def _fetch_settings(settings: ArchiveSettings) -> FetchSettings:
    from ingest.fetch import FetchSettings

    timeout = (min(10.0, settings.timeout), settings.timeout)  # (connect, read between bytes)
    if settings.user_agent.strip():
        return FetchSettings(
            delay=settings.delay,
            respect_robots=settings.respect_robots,
            user_agent=settings.user_agent.strip(),
            timeout=timeout,
        )
    return FetchSettings(delay=settings.delay, respect_robots=settings.respect_robots, timeout=timeout)


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


MAX_PARALLEL_BLOGS = 4  # blogs on different hosts captured at once; each keeps its own per-host delay


def update_blogs(
    *,
    db_path: Path,
    blog_ids: list[int] | None = None,
    watched_only: bool = False,
    settings: ArchiveSettings = ArchiveSettings(),
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
    max_parallel: int = MAX_PARALLEL_BLOGS,
) -> list[CrawlReport]:
    """Re-capture blogs incrementally (only new or changed pages are fetched), up to `max_parallel` at once.

    `blog_ids` None means every blog; `watched_only` keeps only watched blogs that are due. A blog that fails
    gives a report with the failure in its `problems`, and the next blog still runs. Reports come in the order
    of the blogs."""
    if watched_only:
        urls = [blog.url for blog in due_blogs(db_path) if blog_ids is None or blog.id in blog_ids]
    else:
        with open_archive(db_path) as archive:
            urls = [blog.url for blog in archive.list_blogs() if blog_ids is None or blog.id in blog_ids]
    return archive_blogs(
        urls, db_path=db_path, settings=settings, progress=progress, cancelled=cancelled, max_parallel=max_parallel
    )


def archive_blogs(
    urls: list[str],
    *,
    db_path: Path,
    settings: ArchiveSettings = ArchiveSettings(),
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
    max_parallel: int = MAX_PARALLEL_BLOGS,
) -> list[CrawlReport]:
    """Archive several blogs, those on different hosts at the same time (at most `max_parallel` at once).

    Blogs on one host (host:port) run one after another in the same lane, so the per-host delay holds across
    them; different hosts don't wait for each other. Each blog has its own fetcher and its own archive
    connection; saves are serialised by the archive's write transactions. `progress` is called from one lane at
    a time, with posts summed over every blog. A blog that fails (an `IngestError`) gives a report with the
    failure in its `problems`; reports come in the order of `urls`."""
    from concurrent.futures import ThreadPoolExecutor

    from ingest.fetch import Fetcher
    from ingest.urls import host_key, is_http_url

    lanes: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        lanes.setdefault(host_key(url) if is_http_url(url.strip()) else url, []).append(index)
    reports: list[CrawlReport | None] = [None] * len(urls)
    combined = _CombinedProgress(progress)

    def run_lane(indexes: list[int]) -> None:
        # One fetcher per host: its delay holds from one blog to the next, and robots.txt is read once.
        with Fetcher(_fetch_settings(settings)) as fetcher:
            for index in indexes:
                if cancelled():
                    return
                url = urls[index]
                try:
                    reports[index] = archive_blog(
                        url,
                        db_path=db_path,
                        settings=settings,
                        progress=combined.for_blog(index),
                        cancelled=cancelled,
                        fetcher=fetcher,
                    )
                except IngestError as exc:
                    reports[index] = CrawlReport(blog_url=url, problems=(f"Couldn't update {url}: {exc}",))

    workers = max(1, min(max_parallel, len(lanes)))
    if workers == 1:
        for indexes in lanes.values():
            run_lane(indexes)
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="capture-lane") as pool:
            for future in [pool.submit(run_lane, indexes) for indexes in lanes.values()]:
                future.result()  # a bug in one lane surfaces here, after the others finished
    return [report for report in reports if report is not None]


class _CombinedProgress:
    """One progress stream for several blogs captured at once: posts and comments summed over the blogs."""

    def __init__(self, progress: Callable[[Progress], None]) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self._latest: dict[int, Progress] = {}

    def for_blog(self, index: int) -> Callable[[Progress], None]:
        def report(update: Progress) -> None:
            with self._lock:
                self._latest[index] = update
                if len(self._latest) == 1:
                    self._progress(update)
                    return
                states = self._latest.values()
                stage = "done" if all(p.stage == "done" for p in states) else update.stage
                self._progress(
                    Progress(
                        stage,
                        sum(p.posts_done for p in states),
                        sum(p.posts_total for p in states),
                        sum(p.comments for p in states),
                        update.message,
                    )
                )

        return report
