"""Atomic output files: write to a temporary file beside the target, rename it into place at the end."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from exporters.errors import ExportWriteFailed

log = logging.getLogger(__name__)


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


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # nothing more we can do; the name starts with a dot and ends in .part
        log.warning("could not remove temporary file %s", path, exc_info=True)
