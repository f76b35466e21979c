"""Storage faults under a real `threadbook` process (issue 8 item 4): a locked archive, a full disk during a
capture and during an export, a corrupt archive, an archive from a newer Threadbook."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import (
    SERIES,
    TRUTH,
    SlowSampleBlog,
    assert_archive_complete,
    assert_archive_whole,
    assert_one_line_error,
    file_size_limit,
    integrity,
    run_cli,
    start_cli,
)
from pypdf import PdfReader

_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE blogs SET title = title")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


@pytest.fixture(scope="module")
def blog() -> Iterator[SlowSampleBlog]:
    with SlowSampleBlog(delay=0.01) as server:
        yield server


@pytest.fixture(scope="module")
def archived_template(tmp_path_factory: pytest.TempPathFactory, blog: SlowSampleBlog) -> Path:
    db = tmp_path_factory.mktemp("template") / "archive.sqlite"
    result = run_cli("archive", blog.url, "--delay", "0", db=db)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def archived(tmp_path: Path, archived_template: Path) -> Path:
    db = tmp_path / "archive.sqlite"
    shutil.copyfile(archived_template, db)
    return db


def _hold_write_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_archive_waits_for_a_short_lock_then_succeeds(archived: Path, blog: SlowSampleBlog) -> None:
    """fault: another process holds a write transaction for 1.5 s while `threadbook archive` runs; result: recovered"""
    holder = _hold_write_lock(archived, 1.5)
    try:
        result = run_cli("archive", blog.url, "--delay", "0", db=archived)
    finally:
        holder.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    assert_archive_complete(archived)


def test_archive_gives_one_line_when_the_lock_outlasts_the_busy_timeout(archived: Path, blog: SlowSampleBlog) -> None:
    """fault: another process holds a write transaction longer than the busy timeout (5 s); result: reported"""
    before = _dump(archived)
    holder = _hold_write_lock(archived, 30)
    try:
        began = time.monotonic()
        result = run_cli("archive", blog.url, "--delay", "0", db=archived)
        waited = time.monotonic() - began
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert_one_line_error(result, "busy", "try again")
    assert waited >= 4.5  # it waited for the busy timeout before giving up
    assert _dump(archived) == before and integrity(archived) == "ok"


def test_two_captures_of_one_archive_at_once(tmp_path: Path, blog: SlowSampleBlog) -> None:
    """fault: two `threadbook archive` processes writing one new archive at once (GUI + CLI); result: recovered"""
    db = tmp_path / "shared.sqlite"
    first = start_cli("archive", blog.url, "--delay", "0", db=db)
    second = start_cli("archive", blog.url, "--delay", "0", db=db)
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert_archive_complete(db)  # no post, comment or image twice


def test_disk_full_during_a_capture(tmp_path: Path, blog: SlowSampleBlog) -> None:
    """fault: disk full in the middle of a capture (RLIMIT_FSIZE 1 MB on the archive process); result: reported"""
    db = tmp_path / "archive.sqlite"
    result = run_cli("archive", blog.url, "--delay", "0", db=db, preexec=file_size_limit(1024 * 1024))
    message = assert_one_line_error(result, "disk")
    assert str(db) in message
    saved = assert_archive_whole(db)  # integrity ok, and every post saved before the disk filled is whole
    assert 0 < saved < len(TRUTH["posts"])  # it really failed part-way
    rerun = run_cli("archive", blog.url, "--delay", "0", db=db)  # room again: the capture completes
    assert rerun.returncode == 0, rerun.stderr
    assert_archive_complete(db)


def test_disk_full_during_a_pdf_export(archived: Path, tmp_path: Path) -> None:
    """fault: disk full while the PDF is written (RLIMIT_FSIZE below the PDF's size); result: reported"""
    out = tmp_path / "out" / "guest-week.pdf"
    out.parent.mkdir()
    args = ("export", "--format", "pdf", "--series", SERIES, "-o", str(out))
    assert run_cli(*args, db=archived).returncode == 0
    size = out.stat().st_size
    out.unlink()
    before = _dump(archived)
    result = run_cli(*args, db=archived, preexec=file_size_limit(size // 2))
    assert_one_line_error(result, str(out))
    assert list(out.parent.iterdir()) == []  # no PDF under the target name, and no temporary file left behind
    out.write_bytes(b"%PDF-1.4 an earlier export the user kept")
    assert_one_line_error(run_cli(*args, db=archived, preexec=file_size_limit(size // 2)))
    assert out.read_bytes() == b"%PDF-1.4 an earlier export the user kept"  # replaced only by a complete file
    assert _dump(archived) == before
    assert run_cli(*args, db=archived).returncode == 0
    assert len(PdfReader(out).pages) > 0


def test_corrupt_archive_is_refused_unchanged(tmp_path: Path, archived: Path, blog: SlowSampleBlog) -> None:
    """fault: a corrupt archive file (garbage; a real archive with its schema page overwritten); result: refused"""
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"just some bytes saved under the wrong name\n" * 100)
    damaged = bytearray(archived.read_bytes())
    damaged[100:4096] = b"\xa5" * (4096 - 100)  # page 1 after the file header: the schema table
    archived.write_bytes(bytes(damaged))
    for db, content in ((garbage, garbage.read_bytes()), (archived, bytes(damaged))):
        requests = len(blog.requests)
        result = run_cli("archive", blog.url, "--delay", "0", db=db)
        assert_one_line_error(result, "Threadbook archive", "Nothing in the file was changed")
        assert db.read_bytes() == content
        assert len(blog.requests) == requests  # refused before any network use


def test_newer_schema_archive_is_refused_unchanged(archived: Path, blog: SlowSampleBlog) -> None:
    """fault: an archive written by a newer Threadbook (an unknown migration applied); result: refused"""
    conn = sqlite3.connect(archived)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('threadbook', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = archived.read_bytes()
    for args in (("list",), ("archive", blog.url, "--delay", "0")):
        assert_one_line_error(run_cli(*args, db=archived), "newer Threadbook")
        assert archived.read_bytes() == before
