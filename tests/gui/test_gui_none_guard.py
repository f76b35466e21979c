"""Long GUI sessions survive PySide6 6.12.0's None reference leak (desktop/none_guard.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# Qt method calls that return nothing; with the bug each costs None one reference. 120,000 is more than None holds
# after start-up (~5,000 bare, ~46,000 with the whole GUI imported), so without the guard this aborts (exit 134).
_SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if sys.argv[1] == "guarded":
        import desktop  # noqa: F401  (the package raises None's count before Qt is used)
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(120_000):
        label.setText("x")
        if i % 4 == 0:
            app.processEvents()
    print("leaked", before - sys.getrefcount(None))
    """
)


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _SCRIPT, mode], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: nothing to guard")
def test_a_long_session_survives_the_none_leak() -> None:
    guarded = _run("guarded")
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    leaked = int(guarded.stdout.split()[-1])
    bare = _run("bare")
    if leaked > 0:  # this PySide6 has the bug: prove the guard is what saves the session
        assert bare.returncode != 0 and "none_dealloc" in bare.stderr, (leaked, bare.returncode, bare.stderr[-500:])
    else:  # a fixed PySide6: both survive, and the guard harms nothing
        assert bare.returncode == 0, bare.stderr[-2000:]
