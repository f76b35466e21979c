"""Atomic output files: write to a temporary file beside the target, rename it into place at the end."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from exporters.errors import ExportWriteFailed

log = logging.getLogger(__name__)

# A temporary file left by an export that was killed (SIGKILL, power loss) is swept by the next export to the same
# name once it is this old: no export runs for a day, so a younger one may belong to an export still running.
STALE_PART_SECONDS = 24 * 3600


def _write_failed(out_path: Path, exc: OSError) -> ExportWriteFailed:
    reason = exc.strerror or str(exc)
    return ExportWriteFailed(
        f"Couldn't write {out_path}: {reason}. "
        "Check that the folder exists, that you may write to it and that the disk has room, then export again."
    )


@contextlib.contextmanager
def atomic_output(out_path: Path) -> Iterator[Path]:
    """Yield a temporary path in `out_path`'s folder; on success rename it to `out_path`.

    If the body raises, the temporary file is removed and `out_path` is left as it was (absent, or its
    previous content), so a failed export never leaves a half-written file under the target name.
    OSErrors while creating or renaming become `ExportWriteFailed` with a message for the user.
    """
    out_path = Path(out_path)
    sweep_stale_parts(out_path)
    # Not tempfile.mkstemp: it creates the file 0600, and the renamed export should get the user's umask.
    tmp_path = out_path.with_name(f".{out_path.name}.{secrets.token_hex(6)}.part")
    try:
        os.close(os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise _write_failed(out_path, exc) from exc
    try:
        yield tmp_path
        os.replace(tmp_path, out_path)
    except OSError as exc:
        _remove_quietly(tmp_path)
        raise _write_failed(out_path, exc) from exc
    except BaseException:
        _remove_quietly(tmp_path)
        raise


def sweep_stale_parts(out_path: Path, *, older_than: float = STALE_PART_SECONDS) -> list[Path]:
    """Remove the `.NAME.<hex>.part` files that killed exports of `out_path` left behind; return what was removed.

    Only files named exactly as `atomic_output` names them for this target, and only those older than `older_than`
    seconds, so another export of the same file running right now keeps its own.
    """
    pattern = re.compile(rf"\.{re.escape(out_path.name)}\.[0-9a-f]{{12}}\.part")
    now = time.time()
    removed: list[Path] = []
    try:
        candidates = [p for p in out_path.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:  # the folder is missing or unreadable: creating the file will say so clearly
        return removed
    for path in candidates:
        try:
            if now - path.lstat().st_mtime < older_than or not path.is_file() or path.is_symlink():
                continue
        except OSError:
            continue
        _remove_quietly(path)
        if not path.exists():
            log.info("removed %s, left by an export that did not finish", path)
            removed.append(path)
    return removed


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # nothing more we can do; the name starts with a dot and ends in .part
        log.warning("could not remove temporary file %s", path, exc_info=True)
