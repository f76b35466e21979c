"""SIGKILL at random moments during `threadbook archive` and `threadbook export`: nothing committed is lost,
nothing half-written is left, and a rerun completes without duplicates (issue 8 item 1)."""

from __future__ import annotations

import logging
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from crash_harness import (
    SERIES,
    TRUTH,
    SlowSampleBlog,
    assert_archive_complete,
    assert_archive_whole,
    integrity,
    run_cli,
    start_cli,
)
from pypdf import PdfReader

log = logging.getLogger(__name__)
KILLS_PER_ARCHIVE = 5  # kills on one archive before it is rerun to completion and a fresh one started


@pytest.fixture(scope="module")
def slow_blog() -> Iterator[SlowSampleBlog]:
    with SlowSampleBlog(delay=0.03) as server:
        yield server


def _timed_run(start: Callable[[], subprocess.Popen[str]]) -> float:
    began = time.monotonic()
    process = start()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return time.monotonic() - began


def _kill_at(process: subprocess.Popen[str], moment: float) -> bool:
    """SIGKILL `process` `moment` seconds after it started; False if it had already finished."""
    try:
        process.wait(timeout=moment)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        return True
    process.communicate(timeout=30)
    return False


def _archive_kill_loop(tmp_path: Path, blog: SlowSampleBlog, kills: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    reference = tmp_path / "reference.sqlite"
    full = _timed_run(lambda: start_cli("archive", blog.url, "--delay", "0", db=reference))
    assert_archive_complete(reference)
    figures: dict[str, object] = {"seed": seed, "full_run_s": round(full, 2), "killed_with_posts": []}
    done = 0
    archive_number = 0
    db = tmp_path / "killed-0.sqlite"
    finished_first = 0
    while done < kills:
        assert finished_first <= 4 * kills, "the runs keep finishing before the kill: the blog is too fast"
        moment = rng.uniform(0.05, full)
        process = start_cli("archive", blog.url, "--delay", "0", db=db)
        if not _kill_at(process, moment):
            finished_first += 1  # reruns are quicker: not a kill; try another moment
            continue
        done += 1
        posts = assert_archive_whole(db)
        figures["killed_with_posts"].append(posts)  # type: ignore[attr-defined]
        if done % KILLS_PER_ARCHIVE == 0 or done == kills:
            result = run_cli("archive", blog.url, "--delay", "0", db=db)
            assert result.returncode == 0, result.stderr
            assert_archive_complete(db)
            archive_number += 1
            db = tmp_path / f"killed-{archive_number}.sqlite"
    figures["archives"] = archive_number
    figures["runs_finished_before_the_kill"] = finished_first
    log.info("archive kill loop: %s", figures)
    return figures


def _export_kill_loop(tmp_path: Path, blog: SlowSampleBlog, kills: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    db = tmp_path / "archive.sqlite"
    assert run_cli("archive", blog.url, "--delay", "0", db=db).returncode == 0
    before = integrity(db)
    out = tmp_path / "out" / "guest-week.pdf"
    out.parent.mkdir()
    args = ("export", "--format", "pdf", "--series", SERIES, "-o", str(out))
    full = _timed_run(lambda: start_cli(*args, db=db))
    reference_pages = len(PdfReader(out).pages)
    out.unlink()
    parts = sum(1 for p in TRUTH["posts"] if p["series"] and p["series"]["name"] == SERIES)
    done = complete = 0
    finished_first = 0
    while done < kills:
        assert finished_first <= 4 * kills, "the exports keep finishing before the kill"
        process = start_cli(*args, db=db)
        if not _kill_at(process, rng.uniform(0.05, full)):
            assert process.returncode == 0
            finished_first += 1
            continue
        done += 1
        if out.exists():  # from an earlier run that finished: it must still be whole
            complete += 1
            reader = PdfReader(out)
            assert len(reader.pages) == reference_pages and len(reader.outline) >= parts
        assert integrity(db) == before
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    assert all(name.startswith(".guest-week.pdf.") and name.endswith(".part") for name in leftovers), leftovers
    figures = {
        "seed": seed,
        "full_run_s": round(full, 2),
        "kills": done,
        "leftover_part_files": len(leftovers),
        "runs_finished_before_the_kill": finished_first,
    }
    log.info("export kill loop: %s (a complete earlier PDF was present at %d kills)", figures, complete)
    return figures


def test_sigkill_during_archive_short(
    tmp_path: Path, slow_blog: SlowSampleBlog, record_property: Callable[[str, object], None]
) -> None:
    """fault: SIGKILL during `threadbook archive` at random moments (CI: 5 kills); result: recovered"""
    figures = _archive_kill_loop(tmp_path, slow_blog, kills=5, seed=random.randrange(1 << 30))
    record_property("tries", 5)
    record_property("figures", figures)


@pytest.mark.slow
def test_sigkill_during_archive_full(
    tmp_path: Path, slow_blog: SlowSampleBlog, record_property: Callable[[str, object], None]
) -> None:
    """fault: SIGKILL during `threadbook archive` at random moments (30 kills, 6 archives); result: recovered"""
    figures = _archive_kill_loop(tmp_path, slow_blog, kills=30, seed=random.randrange(1 << 30))
    record_property("tries", 30)
    record_property("figures", figures)


def test_sigkill_during_pdf_export_short(
    tmp_path: Path, slow_blog: SlowSampleBlog, record_property: Callable[[str, object], None]
) -> None:
    """fault: SIGKILL during `threadbook export --format pdf`, no half PDF (CI: 5 kills); result: recovered"""
    figures = _export_kill_loop(tmp_path, slow_blog, kills=5, seed=random.randrange(1 << 30))
    record_property("tries", 5)
    record_property("figures", figures)


@pytest.mark.slow
def test_sigkill_during_pdf_export_full(
    tmp_path: Path, slow_blog: SlowSampleBlog, record_property: Callable[[str, object], None]
) -> None:
    """fault: SIGKILL during `threadbook export --format pdf`, no half PDF (25 kills); result: recovered"""
    figures = _export_kill_loop(tmp_path, slow_blog, kills=25, seed=random.randrange(1 << 30))
    record_property("tries", 25)
    record_property("figures", figures)


def test_kill_harness_detects_a_half_post(tmp_path: Path, slow_blog: SlowSampleBlog) -> None:
    """The checks can fail: a post whose comments were cut short is caught as not whole."""
    db = tmp_path / "archive.sqlite"
    assert run_cli("archive", slow_blog.url, "--delay", "0", db=db).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute(
        "DELETE FROM comments WHERE id = (SELECT max(id) FROM comments WHERE id NOT IN "
        "(SELECT parent_id FROM comments WHERE parent_id IS NOT NULL))"
    )
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError):
        assert_archive_whole(db)
