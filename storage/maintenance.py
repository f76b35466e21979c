"""Looking after an archive file: an online backup copy, and a check of its integrity and contents."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from storage.archive import DEFAULT_BUSY_TIMEOUT, _check_header, _translated
from storage.errors import ArchiveCorrupt, ArchiveUnwritable, NotAnArchive
from storage.migrations import KNOWN_MIGRATIONS, MIGRATION_SET, MIGRATIONS_TABLE

log = logging.getLogger(__name__)

COUNTED_TABLES = ("blogs", "posts", "comments", "captures", "assets", "anthologies")
# FTS5 indexes and whether they hold every row of their content table (the CJK ones hold only CJK rows, so
# only their internal structure can be checked, not their agreement with the table).
FTS_INDEXES = (("posts_fts", True), ("comments_fts", True), ("posts_cjk_fts", False), ("comments_cjk_fts", False))
_PROBLEM_LIMIT = 20  # integrity_check lists at most this many problems


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `check_archive` found: `problems` is empty when the archive is sound."""

    path: Path
    schema: str  # the newest migration applied, e.g. "m008_series_corrections_and_anthologies"
    schema_current: bool  # False: an older schema (opening it upgrades it) or a newer one
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows, for COUNTED_TABLES
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A plain connection to an existing Threadbook archive (refuses missing files and foreign databases)."""
    if not path.is_file():
        raise ArchiveUnwritable(f"There is no archive at {path}. Check the path, or give another with --db.")
    _check_header(path)
    if path.stat().st_size == 0:
        raise NotAnArchive(f"{path} is empty: it holds no archive yet. Archive a blog into it first.")
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        with _translated(path):
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except BaseException:
        conn.close()
        raise
    if MIGRATIONS_TABLE not in tables:
        conn.close()
        raise NotAnArchive(
            f"{path} is an SQLite database, but not a Threadbook archive. Nothing in it was changed. "
            "Choose another file."
        )
    return conn


def backup_archive(db_path: Path, out_path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
    """Copy the archive to `out_path` with SQLite's online backup API (safe while another program writes to it).

    The copy is written to `out_path` directly; the caller decides about an existing file and removes a
    partial copy on failure. Raises a `StorageError` with a message for the user.
    """
    conn = _connect(db_path, busy_timeout)
    try:
        try:
            target = sqlite3.connect(out_path, isolation_level=None)
        except sqlite3.Error as exc:
            raise ArchiveUnwritable(
                f"Couldn't create the backup {out_path} ({exc}). Check that the folder exists and that you may "
                "write to it, or choose another place."
            ) from exc
        try:
            with _translated(out_path):
                conn.backup(target, pages=1024)
        finally:
            target.close()
    finally:
        conn.close()


def check_archive(db_path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> CheckReport:
    """Integrity check, foreign keys, full-text indexes and row counts of the archive at `db_path`.

    Changes nothing (in particular, applies no migration). Damage SQLite finds is listed in the report's
    `problems`; a file that is not an archive at all raises `ArchiveCorrupt`/`NotAnArchive`.
    """
    conn = _connect(db_path, busy_timeout)
    try:
        with _translated(db_path):
            return _check(conn, db_path)
    except sqlite3.DatabaseError as exc:  # damage past what _translated names (e.g. a malformed schema)
        raise ArchiveCorrupt(
            f"{db_path} is damaged: SQLite says “{exc}”. Restore it from a backup (`threadbook backup` makes one)."
        ) from exc
    finally:
        conn.close()


def _check(conn: sqlite3.Connection, path: Path) -> CheckReport:
    problems: list[str] = []
    integrity = [row[0] for row in conn.execute(f"PRAGMA integrity_check({_PROBLEM_LIMIT})")]
    if integrity != ["ok"]:
        problems.extend(f"integrity: {line}" for line in integrity)
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchmany(_PROBLEM_LIMIT):
        problems.append(f"foreign key: row {rowid} of {table} points to a missing row of {parent}")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for fts, complete in FTS_INDEXES:
        if fts not in tables:
            continue
        try:
            # rank 1: also compare the index with its content table; rank 0: only the index's own structure.
            conn.execute(f'INSERT INTO "{fts}" ("{fts}", rank) VALUES (\'integrity-check\', ?)', [int(complete)])
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_CORRUPT"):
                problems.append(f"search index {fts} does not match the archive ({exc})")
            else:
                raise
    counts = {
        table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]) if table in tables else 0
        for table in COUNTED_TABLES
    }
    applied = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
        )
    ]
    schema = applied[-1] if applied else ""
    if any(name not in KNOWN_MIGRATIONS for name in applied):
        problems.append(f"schema {schema} is newer than this Threadbook: update Threadbook to check it fully")
    log.info("checked %s: %d problems", path, len(problems))
    return CheckReport(
        path=path,
        schema=schema,
        schema_current=applied == KNOWN_MIGRATIONS,
        counts=counts,
        problems=tuple(problems),
    )
