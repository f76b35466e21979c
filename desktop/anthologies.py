"""The Qt-free jobs for series and anthologies: reports with gaps, corrections, capturing a series from one part,
building and exporting anthologies. The CLI calls them directly; the GUI runs them on workers (docs/anthologies.md).
"""

from __future__ import annotations

import difflib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from desktop.tasks import ArchiveSettings, Progress, _fetch_settings, thread_options_kwargs
from ingest.errors import BadUrl, IngestError
from storage.archive import Archive, open_archive
from storage.errors import StorageError
from storage.records import (
    Anthology,
    AnthologySpec,
    CommentChoiceKind,
    CommenterNames,
    CrawlReport,
    SeriesReport,
    anthology_items,
)

log = logging.getLogger(__name__)

DEFAULT_SETTINGS = ArchiveSettings()
ANTHOLOGY_JSON_VERSION = 2  # docs/json-format.md: version 2 adds the top-level "anthology" key


class SeriesCaptureDeclined(StorageError):
    """The editor said no when shown the parts a series capture would archive (nothing was saved)."""


def _no_progress(_: Progress) -> None:
    return None


def _never() -> bool:
    return False


# -- series


def _with_gaps(archive: Archive, report: SeriesReport) -> SeriesReport:
    from ingest.series import find_gaps, series_links_in_markdown

    next_links = {}
    for part in report.parts:
        body = archive.load_post(part.post_id).body_md
        next_links[part.post_id] = series_links_in_markdown(body, part.url, series_name=report.name).next_urls
    return replace(report, gaps=find_gaps(report.parts, next_links, [p.url for p in report.parts]))


def series_reports(
    db_path: Path, name: str, *, progress: object = None, cancelled: object = None
) -> list[SeriesReport]:
    """Every blog's series called `name`: parts in order and gaps ("part 4 missing", "part 7 announced but not
    published"). Raises `NotFound` listing the known series."""
    with open_archive(db_path) as archive:
        return [_with_gaps(archive, report) for report in archive.series_reports(name)]


def all_series_reports(db_path: Path, *, progress: object = None, cancelled: object = None) -> list[SeriesReport]:
    """Every series in the archive with its parts and gaps (the series view, `threadbook series list`)."""
    with open_archive(db_path) as archive:
        reports: list[SeriesReport] = []
        for summary in archive.list_series():
            reports.extend(
                _with_gaps(archive, r) for r in archive.series_reports(summary.name, blog_id=summary.blog_id)
            )
        return reports


@dataclass(frozen=True, slots=True)
class SeriesFix:
    """Hand corrections to one series, all made in one go (post references are ids or URLs)."""

    rename: str | None = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    numbers: tuple[tuple[str, int], ...] = ()  # (post, number)
    reset: tuple[str, ...] = ()  # forget the corrections of these posts


def fix_series(db_path: Path, name: str, fix: SeriesFix) -> list[SeriesReport]:
    """Apply hand corrections to the series `name`; they survive every later update. Every post is looked up
    before anything changes, so a bad reference changes nothing. Returns the series as it is now."""
    with open_archive(db_path) as archive:
        found = archive.series_reports(name)
        stored = found[0].name
        add = [archive.find_post(ref) for ref in fix.add]
        remove = [archive.find_post(ref) for ref in fix.remove]
        numbers = [(archive.find_post(ref), number) for ref, number in fix.numbers]
        reset = [archive.find_post(ref) for ref in fix.reset]
        members = {p.post_id for r in found for p in r.parts}
        for post_id in remove:
            if post_id not in members:
                raise SeriesFixRefused(f"Post {post_id} is not in the series {stored!r}, so it can't be removed.")
        for post_id, number in numbers:
            if number < 1:
                raise SeriesFixRefused(f"Part numbers start at 1; {number} can't be one.")
            if post_id not in members and post_id not in add:
                raise SeriesFixRefused(f"Post {post_id} is not in the series {stored!r}; add it with --add first.")
        if fix.rename is not None and not fix.rename.strip():
            raise SeriesFixRefused("A series needs a name: give the new name in quotes.")
        for post_id in reset:
            archive.clear_series_correction(post_id)
        for post_id in add:
            archive.set_post_series(post_id, stored)
        for post_id in remove:
            archive.set_post_series(post_id, None)
        for post_id, number in numbers:
            archive.set_post_number(post_id, number)
        if fix.rename is not None:
            archive.rename_series(stored, fix.rename)
            stored = " ".join(fix.rename.split())
        return [_with_gaps(archive, report) for report in archive.series_reports(stored)]


class SeriesFixRefused(StorageError):
    """A series correction that makes no sense (removing a post that isn't in the series...)."""


@dataclass(frozen=True, slots=True)
class SeriesCaptureReport:
    """What `capture_series` did: the plan it showed, the crawl, and the series as archived."""

    plan: Any  # ingest.series_capture.SeriesPlan
    crawl: CrawlReport
    series: tuple[SeriesReport, ...]


def preview_series(
    url: str,
    *,
    settings: ArchiveSettings = DEFAULT_SETTINGS,
    progress: object = None,
    cancelled: Callable[[], bool] = _never,
) -> Any:
    """Find the series the post at `url` belongs to (parts found and missing), saving nothing: the `SeriesPlan`
    shown before a capture starts. Raises `IngestError`s with messages for the user."""
    from ingest.fetch import Fetcher
    from ingest.series_capture import plan_series
    from ingest.urls import is_http_url

    url = url.strip()
    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the address of one part, starting with http:// or https://.")
    with Fetcher(_fetch_settings(settings)) as fetcher:
        return plan_series(url, fetcher, cancelled=cancelled)


def capture_series(
    url: str,
    *,
    db_path: Path,
    settings: ArchiveSettings = DEFAULT_SETTINGS,
    plan: Any = None,
    confirm: Callable[[Any], bool] = lambda plan: True,
    progress: Callable[[Progress], None] = _no_progress,
    cancelled: Callable[[], bool] = _never,
) -> SeriesCaptureReport:
    """Capture every part of the series the post at `url` belongs to, each with its whole thread, and nothing
    outside the series. `plan` (from `preview_series`) is found first if not given; `confirm(plan)` may refuse
    (then `SeriesCaptureDeclined`, nothing saved). Parts the capture found by their links or series page but that
    detection alone doesn't place are put into the series as corrections, so the series is ready to export."""
    from ingest.crawl import crawl_post
    from ingest.fetch import Fetcher
    from ingest.series_capture import plan_series
    from ingest.urls import is_http_url

    url = url.strip()
    if not is_http_url(url):
        raise BadUrl(f"“{url}” is not a web address. Give the address of one part, starting with http:// or https://.")
    with open_archive(db_path) as archive, Fetcher(_fetch_settings(settings)) as fetcher:
        if plan is None:
            progress(Progress("discovering", 0, 0, 0, f"Looking for the series of {url}"))
            plan = plan_series(url, fetcher, cancelled=cancelled)
        if not confirm(plan):
            raise SeriesCaptureDeclined("Nothing was captured.")
        known = {b.url: b.id for b in archive.list_blogs()}
        blog_id = known.get(plan.blog.url) or archive.save_blog(plan.blog)
        for capture in plan.captures:
            archive.record_capture(capture, blog_id=blog_id)

        def previous(u: str) -> Any:
            return plan.previous(u) or archive.previous_capture(u)

        total = len(plan.parts)
        thread_kwargs = thread_options_kwargs(crawl_post, settings)  # comment systems: keys and rendering (issue 9)
        counts = dict(new=0, changed=0, unchanged=0, comments_new=0, comments_total=0, images=0)
        problems: list[str] = list(plan.problems)
        done, cancelled_early = 0, False
        for part in plan.parts:
            if cancelled():
                cancelled_early = True
                break
            progress(Progress("capturing", done, total, counts["comments_total"], part.url))
            try:
                crawled = crawl_post(
                    part.url,
                    fetcher,
                    previous=previous,
                    known_asset=archive.asset_for_url,
                    fetch_images=settings.fetch_images,
                    cancelled=cancelled,
                    **thread_kwargs,
                )
            except IngestError as exc:
                problems.append(f"Skipped {part.url}: {exc}")
                done += 1
                continue
            problems.extend(crawled.problems)
            saved = archive.save_post(blog_id, crawled.post, thread_complete=crawled.thread_complete)
            detected = crawled.post.series
            if detected is None or detected.name.casefold() != plan.name.casefold():
                archive.set_post_series(saved.post_id, plan.name)
                if part.number is not None:
                    archive.set_post_number(saved.post_id, part.number)
            done += 1
            key = "new" if saved.created else "changed" if saved.changed else "unchanged"
            counts[key] += 1
            counts["comments_new"] += saved.comments_new
            counts["comments_total"] += len(crawled.post.comments)
            counts["images"] += saved.images_saved
            progress(Progress("capturing", done, total, counts["comments_total"], crawled.post.title))
        progress(Progress("done", done, total, counts["comments_total"], "Finished"))
        crawl = CrawlReport(
            blog_url=plan.blog.url,
            posts_found=total,
            posts_new=counts["new"],
            posts_changed=counts["changed"],
            posts_unchanged=counts["unchanged"],
            comments_new=counts["comments_new"],
            comments_total=counts["comments_total"],
            images_saved=counts["images"],
            requests=fetcher.requests_made,
            not_modified=fetcher.not_modified,
            cancelled=cancelled_early,
            problems=tuple(problems),
        )
        reports = tuple(_with_gaps(archive, r) for r in archive.series_reports(plan.name, blog_id=blog_id))
    return SeriesCaptureReport(plan=plan, crawl=crawl, series=reports)


# -- anthologies


def build_anthology(db_path: Path, name: str, *, progress: object = None, cancelled: object = None) -> Anthology:
    """The stored anthology `name` as the exporters' record: items in order, comments filtered by the editor's
    choices, excerpts, edited texts and privacy applied (docs/anthologies.md). Posts carry their image data."""
    with open_archive(db_path) as archive:
        return archive.build_anthology(name)


def load_anthology_spec(
    db_path: Path, name: str, *, progress: object = None, cancelled: object = None
) -> AnthologySpec:
    with open_archive(db_path) as archive:
        return archive.load_anthology_spec(name)


def text_diff(db_path: Path, name: str, post_ref: str) -> str:
    """A unified diff from the archived text of a post to this anthology's version ("" when it isn't edited)."""
    with open_archive(db_path) as archive:
        post_id = archive.find_post(post_ref)
        edited = archive.edited_text(name, post_id)
        original = archive.load_post(post_id)
    if edited is None:
        return ""
    lines = difflib.unified_diff(
        original.body_md.splitlines(keepends=True),
        edited.splitlines(keepends=True),
        fromfile=f"archived: {original.url}",
        tofile=f"anthology {name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def anthology_document(db_path: Path, name: str, *, exported_at: datetime | None = None) -> dict[str, Any]:
    """The anthology in the JSON archive format, version 2: its posts grouped by blog with exactly the chosen
    comments and edited texts, and the `anthology` key (front matter, the items in order, sections and notes)."""
    from exporters.json_export import archive_to_dict

    with open_archive(db_path) as archive:
        anthology = archive.build_anthology(name, with_asset_data=False)
        spec = archive.load_anthology_spec(name)
        blog_of = archive.anthology_blog_ids(name)
        blogs = {blog_id: archive.load_blog(blog_id) for blog_id in dict.fromkeys(blog_of.values())}
    items = anthology_items(anthology)
    grouped = [
        replace(
            blog,
            posts=tuple(
                item.post for item, entry in zip(items, spec.entries, strict=True) if blog_of[entry.post_id] == blog_id
            ),
        )
        for blog_id, blog in blogs.items()
    ]
    document = archive_to_dict(grouped, exported_at=exported_at)
    document["version"] = ANTHOLOGY_JSON_VERSION
    document["anthology"] = {
        "name": spec.name,
        "title": anthology.title,
        "subtitle": anthology.subtitle,
        "editor": anthology.editor,
        "introduction_markdown": anthology.introduction_md,
        "commenter_names": spec.commenter_names,
        "commenter_urls": not spec.omit_commenter_urls,
        "items": [
            {
                "post_url": item.post.url,
                "section": item.section,
                "note_markdown": item.note_md,
                "comments": entry.comment_mode,
                "edited": entry.edited,
            }
            for item, entry in zip(items, spec.entries, strict=True)
        ],
    }
    return document


def export_anthology(
    db_path: Path,
    name: str,
    *,
    fmt: Literal["pdf", "json"],
    out_path: Path,
    page_size: str = "A4",
    progress: object = None,
    cancelled: object = None,
) -> Path:
    """Write the anthology as a PDF book or as JSON (docs/json-format.md, version 2) at `out_path`; the file is
    replaced only when the export succeeds."""
    if fmt == "json":
        from exporters.output import atomic_output

        document = anthology_document(db_path, name, exported_at=datetime.now(UTC))
        with atomic_output(out_path) as tmp_path:
            with tmp_path.open("w", encoding="utf-8", newline="\n") as stream:
                json.dump(document, stream, ensure_ascii=False, indent=2)
                stream.write("\n")
        return out_path
    from exporters.pdf.options import PdfOptions
    from exporters.pdf.render import render_pdf

    anthology = build_anthology(db_path, name)
    return render_pdf(anthology, out_path=out_path, options=PdfOptions(page_size=page_size))  # type: ignore[arg-type]


def post_ids(archive: Archive, refs: Sequence[str]) -> list[int]:
    """Post ids for references (ids or URLs); raises `NotFound` for the first unknown one."""
    return [archive.find_post(ref) for ref in refs]


# -- for the GUI's series view and anthology editor (desktop/series_view.py, desktop/anthology_editor.py)

WORDS_PER_PAGE = 380  # measured on the sample series: A4, the default body style with comments set smaller
COMMENT_OVERHEAD_WORDS = 18  # a comment's byline and spacing take about as much room as this many words
FRONT_MATTER_PAGES = 4  # title page, its back (provenance), contents, colophon


def apply_to_archive(
    db_path: Path, change: Callable[[Archive], object], *, progress: object = None, cancelled: object = None
) -> object:
    """Open the archive on this (worker) thread and apply `change` to it: one correction or anthology edit made
    through the Archive API. Returns what `change` returns."""
    with open_archive(db_path) as archive:
        return change(archive)


@dataclass(frozen=True, slots=True)
class PageEstimate:
    """A cheap guess at an anthology's length, from word and comment counts (nothing is laid out)."""

    pages: int
    words: int
    comments: int
    items: int


def estimate_anthology_pages(
    db_path: Path, name: str, *, progress: object = None, cancelled: object = None
) -> PageEstimate:
    """About how many A4 pages the anthology's PDF will have: front matter, the introduction, then each item on
    its own pages (its text, note and chosen comments). Every choice is applied, as in the export."""
    with open_archive(db_path) as archive:
        anthology = archive.build_anthology(name, with_asset_data=False)
    items = anthology_items(anthology)

    def pages_for(words: int) -> int:
        return -(-words // WORDS_PER_PAGE) if words else 0

    intro_words = len(anthology.introduction_md.split())
    pages = FRONT_MATTER_PAGES + pages_for(intro_words)
    total_words, total_comments = intro_words, 0
    for item in items:
        comments = item.post.comments
        words = len(item.post.body_md.split()) + len(item.note_md.split()) + len(item.post.title.split())
        words += sum(len(c.body_md.split()) + COMMENT_OVERHEAD_WORDS for c in comments)
        pages += max(1, pages_for(words))
        total_words += words
        total_comments += len(comments)
    return PageEstimate(pages=pages, words=total_words, comments=total_comments, items=len(items))


def set_privacy(archive: Archive, *, name: str, names: CommenterNames, omit: bool) -> None:
    """How the anthology prints commenters (names, initials or "A reader") and whether their URLs are left out."""
    archive.update_anthology(name, commenter_names=names, omit_commenter_urls=omit)


def choose_comment(
    archive: Archive,
    *,
    name: str,
    post_id: int,
    source_id: str,
    choice: CommentChoiceKind | None,
    excerpt: str | None,
) -> None:
    """Store one comment's choice with its excerpt ("" or None: none); None forgets the choice and its excerpt."""
    if choice is None:
        archive.set_comment_choice(name, post_id, source_id, None)
    else:
        archive.set_comment_choice(name, post_id, source_id, choice, excerpt_md=excerpt or "")


def add_posts_to_anthology(archive: Archive, *, name: str, post_ids: Sequence[int]) -> int:
    """Append posts to the anthology `name` in the order given; returns how many were added."""
    for post_id in post_ids:
        archive.add_anthology_item(name, post_id)
    return len(post_ids)
