"""Bind an anthology into a PDF book: body chunks laid out once (in two processes when large), then front matter
with the known page numbers, then everything joined with numbers, labels, outline, links and metadata.

Why not reportlab's `multiBuild`: it lays the whole book out once per pass and keeps every flowable alive,
which for a 6,000-page book took 211 s and 4.7 GB (PLATFORM-NOTES §8). Here each body chunk is laid out
exactly once and forgotten; its pages go to a temporary PDF and it reports where its headings landed.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exporters.output import atomic_output
from exporters.pdf import fonts
from exporters.pdf.assemble import BookMetadata, assemble, place_landmarks
from exporters.pdf.body import ChunkJob, ChunkResult, render_chunk
from exporters.pdf.fonts import MISSING_HINT, markup_text, register_fonts
from exporters.pdf.front import ContentsEntry, render_back, render_front
from exporters.pdf.options import PdfOptions
from exporters.pdf.styles import make_geometry, make_stylesheet
from storage.records import THREADBOOK_VERSION, Anthology, AnthologyItem, anthology_items

log = logging.getLogger(__name__)

CHUNK_WORDS = 40_000  # words of posts and comments per body chunk: ~25 long posts, ~150 pages
PARALLEL_WORDS = 150_000  # below this a second process costs more than it saves
MAX_WORKERS = 2


@dataclass(frozen=True, slots=True)
class RenderReport:
    """What an export did: for logs, the CLI and the benchmark."""

    path: Path
    pages: int
    posts: int
    chunks: int
    workers: int
    seconds: float
    warnings: tuple[str, ...]  # user-readable: images shown as placeholders, an unreadable cover image
    worker_peak_rss_mb: float = 0.0  # the largest peak RSS of a process that laid out body chunks


def render_pdf(anthology: Anthology, *, out_path: Path, options: PdfOptions | None = None) -> Path:
    """Write `anthology` as a PDF book at `out_path` and return the path.

    The file appears only when it is complete: it is written to a temporary file in the same folder
    and renamed at the end. Raises `FontMissing` (CJK text and no CJK font), `LayoutFailed` (something
    can't fit on a page) or `ExportWriteFailed` (the file can't be written).
    """
    return render_book(anthology, out_path=out_path, options=options).path


def render_book(
    anthology: Anthology,
    *,
    out_path: Path,
    options: PdfOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RenderReport:
    """`render_pdf` with a report (pages, chunks, warnings) and `progress(done, total)` calls per body chunk."""
    options = options if options is not None else PdfOptions()
    out_path = Path(out_path)
    started = time.perf_counter()
    register_fonts()
    fonts.MISSING_CHARS.clear()
    geometry = make_geometry(options)
    styles = make_stylesheet(options, language=anthology.language)
    items = anthology_items(anthology)
    chunk_items = list(_chunks(items))
    workers = _worker_count(options, items)
    warnings: list[str] = []
    made_at = anthology.created_at or datetime.now(UTC)
    # The output's temporary file is made first, so a folder that can't be written fails before any layout.
    with atomic_output(out_path) as tmp_path, tempfile.TemporaryDirectory(prefix="threadbook-pdf-") as tmp:
        folder = Path(tmp)
        jobs = [
            ChunkJob(
                items=chunk,
                first_index=first,
                book_title=anthology.title.strip() or "Untitled anthology",
                book_language=anthology.language,
                options=options,
                out_path=folder / f"body-{number:04d}.pdf",
            )
            for number, (first, chunk) in enumerate(chunk_items)
        ]
        chunks = _render_chunks(jobs, workers=workers, progress=progress)
        laid_out = time.perf_counter()
        for chunk in chunks:
            warnings.extend(chunk.warnings)
        placed, _ = place_landmarks(chunks, chapters_on_right=options.chapters_on_right)
        contents = _contents(items, placed)
        front_path, back_path = folder / "front.pdf", folder / "back.pdf"
        front = render_front(
            anthology,
            items=items,
            contents=contents,
            out_path=front_path,
            options=options,
            geometry=geometry,
            styles=styles,
            warnings=warnings,
        )
        back = render_back(
            anthology,
            items=items,
            out_path=back_path,
            geometry=geometry,
            styles=styles,
            made_at=made_at,
            cjk_used=any(chunk.cjk_used for chunk in chunks),
        )
        # Chunks laid out in this process cleared the set; what is in it now is from the front and back matter.
        missing = sorted(set(fonts.MISSING_CHARS).union(*(chunk.missing_chars for chunk in chunks)))
        if missing:
            shown = " ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
            warnings.append(
                f"{len(missing)} character{'s' if len(missing) != 1 else ''} had no glyph in any installed font "
                f"and print as empty boxes: {shown}. {MISSING_HINT}"
            )
        blank: set[int] = set()
        offset = 0
        for chunk in chunks:
            blank.update(offset + page for page in chunk.blank_pages)
            offset += chunk.pages + (1 if options.chapters_on_right and chunk.pages % 2 else 0)
        metadata = BookMetadata(
            title=anthology.title,
            author=anthology.editor,
            subject=anthology.subtitle,
            keywords=options.keywords or _keywords(items),
            language=anthology.language,
            created_at=made_at,
            creator=f"Threadbook {THREADBOOK_VERSION}",
        )
        matter = time.perf_counter()
        pages = assemble(
            front_path=front_path,
            front=front,
            chunks=chunks,
            back_path=back_path,
            back=back,
            out_path=tmp_path,
            geometry=geometry,
            styles=styles,
            metadata=metadata,
            chapters_on_right=options.chapters_on_right,
            blank_body_pages=blank,
        )
    seconds = time.perf_counter() - started
    log.info(
        "PDF export phases: body %.1f s, front and back matter %.1f s, joining %.1f s",
        laid_out - started,
        matter - laid_out,
        started + seconds - matter,
    )
    for warning in warnings:
        log.info("PDF export: %s", warning)
    log.info(
        "rendered %s: %d posts, %d pages, %d chunks on %d process(es), %.2f s",
        out_path,
        len(items),
        pages,
        len(jobs),
        workers,
        seconds,
    )
    worker_rss = max((chunk.peak_rss_kb for chunk in chunks), default=0) / 1024
    return RenderReport(out_path, pages, len(items), len(jobs), workers, seconds, tuple(warnings), worker_rss)


def _words(item: AnthologyItem) -> int:
    post = item.post
    return len(post.body_md.split()) + sum(len(c.body_md.split()) + 12 for c in post.comments) + 50


def _chunks(items: Sequence[AnthologyItem]) -> Iterator[tuple[int, tuple[AnthologyItem, ...]]]:
    """Consecutive runs of items of about CHUNK_WORDS words each (at least one item per chunk)."""
    start, words = 0, 0
    for index, item in enumerate(items):
        words += _words(item)
        if words >= CHUNK_WORDS:
            yield start, tuple(items[start : index + 1])
            start, words = index + 1, 0
    if start < len(items) or not items:
        yield start, tuple(items[start:])


def _worker_count(options: PdfOptions, items: Sequence[AnthologyItem]) -> int:
    if options.workers is not None:
        return options.workers
    if sum(_words(item) for item in items) < PARALLEL_WORDS:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _render_chunks(
    jobs: Sequence[ChunkJob], *, workers: int, progress: Callable[[int, int], None] | None
) -> list[ChunkResult]:
    """Each job's result, in order. With workers > 1, chunks are laid out in that many processes.

    Only `workers` jobs are in flight at a time, so the parent never holds more than a few pickled chunks.
    """
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for count, job in enumerate(jobs, start=1):
            results.append(render_chunk(job))
            if progress is not None:
                progress(count, len(jobs))
        return results
    # "fork" when this process has no other threads: workers start at once with the fonts parsed. The GUI exports
    # from a pool thread, and forking a threaded process can deadlock the child (Python 3.12 warns about it), so
    # there the fork server: a fresh single-threaded process that imports the exporter once, then forks cheaply.
    methods = multiprocessing.get_all_start_methods()
    context: multiprocessing.context.BaseContext
    if "fork" in methods and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(["exporters.pdf.body"])
        context = server
    else:
        context = multiprocessing.get_context("spawn")
    results_by_index: dict[int, ChunkResult] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: dict[concurrent.futures.Future[ChunkResult], int] = {}
        queue = collections.deque(enumerate(jobs))
        while queue or pending:
            while queue and len(pending) < workers * 2:
                index, job = queue.popleft()
                pending[pool.submit(render_chunk, job)] = index
            finished, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                results_by_index[index] = future.result()  # re-raises FontMissing, LayoutFailed
                if progress is not None:
                    progress(len(results_by_index), len(jobs))
    return [results_by_index[i] for i in range(len(jobs))]


def _contents(items: Sequence[AnthologyItem], placed: Sequence[object]) -> list[ContentsEntry]:
    """A contents line per part and post, with the printed (body) page number and the landmark it links to."""
    from exporters.pdf.assemble import PlacedLandmark
    from exporters.pdf.body import post_title

    entries: list[ContentsEntry] = []
    for target, mark in enumerate(placed):
        assert isinstance(mark, PlacedLandmark)
        landmark = mark.landmark
        if landmark.kind == "comments":
            continue
        label = str(mark.page + 1)
        if landmark.kind == "part":
            entries.append(ContentsEntry(0, markup_text(landmark.title, family_name="sans", bold=True), label, target))
        else:
            post = items[landmark.item].post
            author = (
                f" \u2014 <i>{markup_text(post.author.strip(), italic=True)}</i>"
                if post.author and post.author.strip()
                else ""
            )
            entries.append(ContentsEntry(1, markup_text(post_title(post)) + author, label, target))
    return entries


def _keywords(items: Sequence[AnthologyItem], limit: int = 12) -> tuple[str, ...]:
    """The posts' most common categories and tags, for the PDF's keywords."""
    counts: collections.Counter[str] = collections.Counter()
    for item in items:
        counts.update({term.strip() for term in (*item.post.categories, *item.post.tags) if term.strip()})
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].casefold()))  # ties: alphabetical
    return tuple(term for term, _ in ranked[:limit])
