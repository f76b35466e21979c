"""Archive upkeep both front ends run: a verified online backup, and a check of what an archive holds."""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from storage import maintenance
from storage.archive import open_archive
from storage.errors import ArchiveCorrupt, ArchiveUnwritable
from storage.maintenance import CheckReport

log = logging.getLogger(__name__)


class BackupExists(ArchiveUnwritable):
    """The backup's target file exists and the user did not ask to replace it."""


def backup_archive(db_path: Path, out_path: Path, *, force: bool = False) -> CheckReport:
    """Copy the archive at `db_path` to `out_path` (online: safe while Threadbook is capturing) and check the copy.

    The copy is written beside `out_path` under a temporary name and renamed into place only once it passes
    `check_archive`, so `out_path` never holds half a backup. An existing `out_path` is replaced only with
    `force`. Returns the copy's check report.
    """
    db_path, out_path = Path(db_path), Path(out_path)
    if out_path.exists() and not force:
        raise BackupExists(f"{out_path} already exists. Choose another name, or add --force to replace it.")
    if out_path.resolve() == db_path.resolve():
        raise BackupExists(f"{out_path} is the archive itself. Choose another name for the backup.")
    tmp_path = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.part")
    try:
        maintenance.backup_archive(db_path, tmp_path)
        report = maintenance.check_archive(tmp_path)
        if not report.ok:
            raise ArchiveCorrupt(
                f"The backup of {db_path} failed its check ({report.problems[0]}); nothing was written to {out_path}. "
                "Run `threadbook check` on the archive."
            )
        os.replace(tmp_path, out_path)
    except OSError as exc:
        raise ArchiveUnwritable(
            f"Couldn't write the backup {out_path} ({exc.strerror or exc}). Check the disk has room and that you "
            "may write to that folder, or choose another place."
        ) from exc
    finally:
        for leftover in (
            tmp_path,
            tmp_path.with_name(tmp_path.name + "-wal"),
            tmp_path.with_name(tmp_path.name + "-shm"),
        ):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                log.warning("could not remove temporary file %s", leftover, exc_info=True)
    return maintenance.CheckReport(
        path=out_path,
        schema=report.schema,
        schema_current=report.schema_current,
        counts=report.counts,
        problems=report.problems,
    )


def check_archive(db_path: Path) -> CheckReport:
    """Integrity, foreign keys, search indexes and row counts of the archive; changes nothing."""
    return maintenance.check_archive(Path(db_path))


def optimize_archive(db_path: Path) -> float:
    """Merge the archive's search indexes (FTS5 optimize) after big imports; return the seconds it took."""
    started = time.perf_counter()
    with open_archive(Path(db_path)) as archive:
        archive.optimize_search()
    return time.perf_counter() - started
