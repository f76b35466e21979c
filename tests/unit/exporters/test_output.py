"""atomic_output sweeps the temporary files that killed exports left, and only those."""

from __future__ import annotations

import os
import time
from pathlib import Path

from exporters.output import STALE_PART_SECONDS, atomic_output, sweep_stale_parts


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_export_sweeps_old_parts_of_its_own_target_only(tmp_path: Path) -> None:
    target = tmp_path / "book.pdf"
    old = tmp_path / ".book.pdf.0123456789ab.part"
    young = tmp_path / ".book.pdf.ba9876543210.part"  # an export of the same file that may still be running
    other = tmp_path / ".other.pdf.0123456789ab.part"  # another target's leftover: not ours to judge
    lookalike = tmp_path / ".book.pdf.notahexname.part"
    for path in (old, young, other, lookalike):
        path.write_bytes(b"half a file")
    for path in (old, other, lookalike):
        _age(path, STALE_PART_SECONDS + 60)

    with atomic_output(target) as tmp:
        tmp.write_bytes(b"%PDF-1.4 whole")

    assert target.read_bytes() == b"%PDF-1.4 whole"
    assert not old.exists()
    assert young.exists() and other.exists() and lookalike.exists()


def test_sweep_leaves_symlinks_and_folders_alone(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    link = tmp_path / ".book.pdf.0123456789ab.part"
    link.symlink_to(outside)
    folder = tmp_path / ".book.pdf.abcdefabcdef.part"
    folder.mkdir()
    for path in (folder,):
        _age(path, STALE_PART_SECONDS + 60)
    os.utime(link, (0, 0), follow_symlinks=False)

    assert sweep_stale_parts(tmp_path / "book.pdf") == []
    assert outside.read_text() == "keep me" and link.is_symlink() and folder.is_dir()


def test_sweep_of_a_missing_folder_is_quiet(tmp_path: Path) -> None:
    assert sweep_stale_parts(tmp_path / "nowhere" / "book.pdf") == []
