"""Test-wide setup: offscreen Qt, no stray network, and fixtures that serve the bundled sample blog."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must be told before any QApplication exists. An *empty* QT_QPA_PLATFORM aborts Qt, so setdefault is not enough.
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the sample-blog generator is importable as make_sample_blog


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's archive or settings: point data and config dirs at a temp dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("THREADBOOK_DB", raising=False)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A test that logs an unexpected warning or error fails (qutebrowser's logfail idea).

    Tests that expect one mark it with `caplog` handling of their own and clear it: `caplog.clear()`.
    """
    caplog.set_level(logging.WARNING)
    yield
    bad = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING and not getattr(r, "expected", False)]
    if bad:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in bad)
        pytest.fail(f"unexpected log messages:\n{lines}")
