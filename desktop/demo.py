"""`threadbook demo`: archive the bundled sample blog from a loopback server and export it, offline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop import exports, tasks
from desktop.exports import file_stem
from storage.records import CrawlReport

DEMO_FILES = ("archive.sqlite", "archive.sqlite-wal", "archive.sqlite-shm", "sample-blog.json")


@dataclass(frozen=True, slots=True)
class DemoResult:
    db_path: Path
    json_path: Path
    pdf_path: Path
    series: str
    report: CrawlReport


def _quiet(_: str) -> None:
    return None


def run_demo(out_dir: Path, *, echo: Callable[[str], None] = _quiet) -> DemoResult:
    """Serve resources/sample_blog on 127.0.0.1, archive it into a fresh archive in `out_dir`, export JSON and PDF."""
    from desktop.sampleserver import SampleBlogServer
    from storage.archive import open_archive

    out_dir.mkdir(parents=True, exist_ok=True)
    for name in DEMO_FILES:  # a fresh archive each time; only files the demo itself writes are removed
        (out_dir / name).unlink(missing_ok=True)
    db_path = out_dir / "archive.sqlite"
    with SampleBlogServer() as server:
        echo(f"Serving the sample blog at {server.url}")
        report = tasks.archive_blog(server.url, db_path=db_path, settings=tasks.ArchiveSettings(delay=0.0))
    echo(
        f"Archived {report.posts_found} posts and {report.comments_total} comments "
        f"({report.images_saved} images) in {report.requests} requests."
    )
    with open_archive(db_path) as archive:
        series = max(archive.list_series(), key=lambda s: s.post_count, default=None)
    if series is None:
        raise RuntimeError("the sample blog's series was not detected")  # a bug, not user trouble
    json_path = exports.export_json(db_path=db_path, out_path=out_dir / "sample-blog.json")
    pdf_path = out_dir / f"{_file_name(series.name)}.pdf"
    exports.export_series_pdf(db_path=db_path, series=series.name, out_path=pdf_path)
    echo(f"Bound the series “{series.name}” ({series.post_count} parts) into a PDF.")
    return DemoResult(db_path=db_path, json_path=json_path, pdf_path=pdf_path, series=series.name, report=report)


def _file_name(title: str) -> str:
    """A safe file name stem from a title (see desktop.exports.file_stem)."""
    return file_stem(title, fallback="anthology", limit=80)
