"""`threadbook backup` and `threadbook check` (issue 8 item 4): an online, verified copy, and a check that
finds damage and says so in one line."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import TRUTH, SlowSampleBlog, assert_archive_complete, assert_one_line_error, run_cli

from desktop.maintenance import BackupExists, backup_archive, check_archive


@pytest.fixture(scope="module")
def archived_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("template") / "archive.sqlite"
    with SlowSampleBlog(delay=0.0) as blog:
        result = run_cli("archive", blog.url, "--delay", "0", db=db)
    assert result.returncode == 0, result.stderr
    yield db


@pytest.fixture
def archived(tmp_path: Path, archived_template: Path) -> Path:
    db = tmp_path / "archive.sqlite"
    shutil.copyfile(archived_template, db)
    return db


def test_backup_while_another_process_writes(archived: Path, tmp_path: Path) -> None:
    """fault: backup taken while another connection holds an open write transaction; result: recovered"""
    writer = sqlite3.connect(archived, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE posts SET title = 'uncommitted' WHERE id = 1")
    try:
        out = tmp_path / "backup.sqlite"
        result = run_cli("backup", str(out), db=archived, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "checked: ok" in result.stdout
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert_archive_complete(out)  # the copy is a whole archive, without the uncommitted change
    titles = sqlite3.connect(out).execute("SELECT count(*) FROM posts WHERE title = 'uncommitted'").fetchone()
    assert titles == (0,)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_backup_refuses_to_overwrite_without_force(archived: Path, tmp_path: Path) -> None:
    """fault: backup onto an existing file (without, then with --force); result: refused"""
    out = tmp_path / "existing.sqlite"
    out.write_bytes(b"precious")
    result = run_cli("backup", str(out), db=archived)
    assert_one_line_error(result, "already exists", "--force")
    assert out.read_bytes() == b"precious"
    result = run_cli("backup", str(out), "--force", db=archived)
    assert result.returncode == 0, result.stderr
    assert check_archive(out).ok
    with pytest.raises(BackupExists):
        backup_archive(archived, archived, force=True)  # never onto the archive itself


def test_check_reports_counts_and_exits_0(archived: Path) -> None:
    """fault: none: `threadbook check` on a sound archive (shows counts, exit 0); result: reported"""
    result = run_cli("check", db=archived)
    assert result.returncode == 0, result.stderr
    posts = len(TRUTH["posts"])
    comments = sum(len(p["comments"]) for p in TRUTH["posts"])
    assert f"{posts} posts" in result.stdout and f"{comments} comments" in result.stdout
    assert "Check: ok" in result.stdout


def test_check_optimize_merges_the_search_indexes_and_keeps_every_hit(archived: Path) -> None:
    """fault: none: `threadbook check --optimize` after many saves (one segment each); result: reported"""
    from storage.archive import open_archive

    def segments() -> int:  # FTS5 keeps one row per segment in its %_idx table, plus one per term page
        with sqlite3.connect(archived) as db:
            return sum(db.execute(f"SELECT count(DISTINCT segid) FROM {t}_idx").fetchone()[0] for t in indexes)

    with sqlite3.connect(archived) as db:
        indexes = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%VIRTUAL TABLE%fts5%'")
        ]
    queries = ["press", "ink", "Kelsey", "letterpress ink", "東京", "the"]
    with open_archive(archived) as archive:
        before = {q: archive.search(q, limit=100) for q in queries}
    segments_before = segments()

    result = run_cli("check", "--optimize", db=archived)
    assert result.returncode == 0, result.stderr
    assert "Check: ok" in result.stdout and "Search indexes merged in" in result.stdout
    assert segments() == len(indexes) < segments_before  # one segment per index, fewer than the saves left
    with open_archive(archived) as archive:
        assert {q: archive.search(q, limit=100) for q in queries} == before
    assert any(before.values())


def test_check_finds_a_damaged_search_index(archived: Path) -> None:
    """fault: search index out of step with the posts (rows changed behind its back); result: reported"""
    conn = sqlite3.connect(archived)
    conn.execute("DROP TRIGGER posts_au")
    conn.execute("UPDATE posts SET title = 'changed behind the index' WHERE id = 1")
    conn.commit()
    conn.close()
    report = check_archive(archived)
    assert not report.ok and any("posts_fts" in problem for problem in report.problems)
    assert_one_line_error(run_cli("check", db=archived), "problem", "posts_fts")


def test_check_finds_damaged_pages(archived: Path) -> None:
    """fault: archive file with overwritten pages in the middle; result: reported"""
    data = bytearray(archived.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 3 * page] = b"\xa5" * (3 * page)
    archived.write_bytes(bytes(data))
    assert_one_line_error(run_cli("check", db=archived))


def test_check_refuses_what_is_not_an_archive(tmp_path: Path) -> None:
    """fault: `check` and `backup` on a garbage file, an empty file and a missing file; result: refused"""
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database\n" * 200)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for db in (garbage, empty, tmp_path / "missing.sqlite"):
        assert_one_line_error(run_cli("check", db=db))
        assert_one_line_error(run_cli("backup", str(tmp_path / "copy.sqlite"), db=db))
        assert not (tmp_path / "copy.sqlite").exists()
    assert garbage.read_bytes() == b"not a database\n" * 200 and empty.read_bytes() == b""
    assert not (tmp_path / "missing.sqlite").exists()
