"""Opening archives: creation, pragmas, migrations, and refusing files we must not touch."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sample_records import make_blog, make_post
from sqlite_utils import Database

from storage.archive import open_archive
from storage.errors import ArchiveCorrupt, ArchiveLocked, NotAnArchive, SchemaTooNew, StorageError
from storage.migrations import KNOWN_MIGRATIONS, MIGRATION_SET, MIGRATIONS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def applied_migrations(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
        ).fetchall()
    conn.close()
    return [row[0] for row in rows]


def test_new_archive_is_created_with_parent_folders_and_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "archive.db"
    with open_archive(path) as archive:
        assert archive.list_blogs() == []
    assert path.is_file()
    assert applied_migrations(path) == KNOWN_MIGRATIONS
    assert KNOWN_MIGRATIONS[0] == "m001_core_tables"


def test_reopening_applies_nothing_twice(archive_path: Path) -> None:
    open_archive(archive_path).close()
    open_archive(archive_path).close()
    assert applied_migrations(archive_path) == KNOWN_MIGRATIONS


def test_wal_and_foreign_keys_are_on(archive_path: Path) -> None:
    with open_archive(archive_path) as archive:
        conn = archive._db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            archive.save_post(999, make_post())


def test_every_foreign_key_column_is_indexed(archive_path: Path) -> None:
    db = Database(archive_path)
    missing = []
    for table in db.tables:
        if table.name.endswith("_fts") or "_fts_" in table.name or table.name.startswith("_"):
            continue
        indexed_first = {index.columns[0] for index in table.indexes}
        pk_first = table.pks[0] if table.pks else None
        for fk in table.foreign_keys:
            if fk.column not in indexed_first and fk.column != pk_first:
                missing.append(f"{table.name}.{fk.column}")
    db.close()
    assert missing == []


def test_garbage_file_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my shopping notes, not a database.\n" * 100)
    before = digest(path)
    with pytest.raises(ArchiveCorrupt) as refused:
        open_archive(path)
    assert "backup" in str(refused.value) and str(path) in str(refused.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_damaged_archive_is_refused_and_left_byte_identical(tmp_path: Path, template_archive: Path) -> None:
    path = tmp_path / "damaged.db"
    data = bytearray(template_archive.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the valid header
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(ArchiveCorrupt, match="Restore it from a backup"):
        open_archive(path)
    assert digest(path) == before


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveCorrupt, match="folder"):
        open_archive(tmp_path)


def test_other_programs_database_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO bookmarks (url) VALUES ('https://example.org/')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAnArchive, match="not a Threadbook archive"):
        open_archive(path)
    assert digest(path) == before


def test_empty_file_becomes_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    open_archive(path).close()
    assert applied_migrations(path) == KNOWN_MIGRATIONS


def test_newer_schema_is_refused_and_left_byte_identical(archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATION_SET, "m999_from_the_future", "2030-01-01 00:00:00+00:00"],
    )
    conn.commit()
    conn.close()
    before = digest(archive_path)
    with pytest.raises(SchemaTooNew) as refused:
        open_archive(archive_path)
    assert str(refused.value) == (
        "This archive was written by a newer Threadbook. Update Threadbook, or open a different archive."
    )
    assert digest(archive_path) == before


def test_other_migration_sets_in_the_same_file_are_ignored(archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('plugin', 'm001_x', 'now')")
    conn.commit()
    conn.close()
    open_archive(archive_path).close()


def test_locked_archive_raises_archive_locked(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_archive(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        with open_archive(path, busy_timeout=0.05) as archive:
            with pytest.raises(ArchiveLocked, match="busy") as locked:
                archive.save_blog(make_blog())
            assert isinstance(locked.value, StorageError)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_archive_locked_exclusively_during_open(tmp_path: Path) -> None:
    path = tmp_path / "rollback-journal.db"
    open_archive(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")  # in rollback-journal mode this keeps readers out too
    try:
        with pytest.raises(ArchiveLocked):
            open_archive(path, busy_timeout=0.05)
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_upgrade_from_previous_schema_indexes_existing_cjk_rows(tmp_path: Path) -> None:
    """A fixture archive at the schema before m003 gets the CJK index filled from its existing rows."""
    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m003_cjk_search")
    db.close()
    assert applied_migrations(path) == KNOWN_MIGRATIONS[:2]
    # Write content with the old schema (m003's triggers do not exist yet).
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO blogs (url, title, added_at, updated_at) VALUES ('https://b.example/', 'B', 'x', 'x')")
    conn.execute(
        """INSERT INTO posts (blog_id, url, title, body_md, first_captured_at, captured_at, changed_at,
                              content_sha256)
           VALUES (1, 'https://b.example/1/', '旧的文章', '这是一篇关于北京烤鸭的文章', 'x', 'x', 'x', 'x')"""
    )
    conn.commit()
    conn.close()
    with open_archive(path) as archive:
        hits = archive.search("北京烤鸭")
        assert [hit.post_title for hit in hits] == ["旧的文章"]
    assert applied_migrations(path) == KNOWN_MIGRATIONS


def test_template_copy_is_a_complete_archive(archive_path: Path, template_archive: Path) -> None:
    assert digest(archive_path) == digest(template_archive)
    with open_archive(archive_path) as archive:
        blog_id = archive.save_blog(make_blog())
        assert archive.load_blog(blog_id).title == "Quiet Notes"


def test_a_failing_migration_leaves_no_partial_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlite_utils.migrations import Migrations

    import storage.archive
    from storage.migrations import m001_core_tables

    broken = Migrations(MIGRATION_SET)
    broken()(m001_core_tables)

    @broken()
    def m002_broken(db: Database) -> None:
        db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        raise sqlite3.OperationalError("simulated failure in the middle of a migration")

    monkeypatch.setattr(storage.archive, "MIGRATIONS", broken)
    monkeypatch.setattr(storage.archive, "KNOWN_MIGRATIONS", ["m001_core_tables", "m002_broken"])
    path = tmp_path / "new.db"
    with pytest.raises(sqlite3.OperationalError, match="simulated"):
        open_archive(path)
    conn = sqlite3.connect(path)
    tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    assert tables == []


def test_two_threads_opening_a_new_archive_at_once(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "shared.db"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        start.wait()
        try:
            open_archive(path).close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert applied_migrations(path) == KNOWN_MIGRATIONS
