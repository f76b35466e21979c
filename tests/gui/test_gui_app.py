"""The GUI entry point's argument handling (the event loop itself is exercised by the window tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app import parse_args


def test_archive_argument_is_optional() -> None:
    assert parse_args([]).archive is None
    assert parse_args(["~/notes.sqlite"]).archive == Path("~/notes.sqlite")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("threadbook ")
