"""--recheck-all on `threadbook update` and `threadbook archive` asks every post again, where a plain re-run of an
unchanged blog skips its posts (a synthetic WordPress blog on loopback: its change lists are complete); the
Settings dialog's switch stores the same setting for the GUI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings

from bench.synthetic_blog import SyntheticBlog, serve_synthetic_blog
from desktop import tasks
from desktop.cli import cli
from desktop.settings import AppSettings, SettingsDialog
from desktop.tasks import ArchiveSettings

BLOG = dict(seed=5, posts=8, comments=30, comments_per_page=5, images=2)


@pytest.fixture
def archived(tmp_path: Path) -> Iterator[tuple[Any, Path, set[str]]]:
    """(the server, an archive of its blog, the paths of its post pages)."""
    blog = SyntheticBlog(**BLOG, rest_api=False)
    db = tmp_path / "archive.sqlite"
    with serve_synthetic_blog(blog) as server:
        tasks.archive_blog(server.url, db_path=db, settings=ArchiveSettings(delay=0.0))
        yield server, db, {post.path for post in blog.posts}


def run(server: Any, *args: str) -> set[str]:
    """Run the command line; return the paths it fetched."""
    server.clear_log()
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {request.path for request in server.requests()}


def test_update_asks_every_post_again_only_with_recheck_all(archived: tuple[Any, Path, set[str]]) -> None:
    server, db, posts = archived
    assert len(posts) == 8
    plain = run(server, "update", "1", "--db", str(db), "--delay", "0")
    assert plain and not plain & posts  # an unchanged blog: its change lists name no post
    rechecked = run(server, "update", "1", "--db", str(db), "--delay", "0", "--recheck-all")
    assert posts <= rechecked


def test_archive_takes_recheck_all_too(archived: tuple[Any, Path, set[str]]) -> None:
    server, db, posts = archived
    plain = run(server, "archive", server.url, "--db", str(db), "--delay", "0")
    assert plain and not plain & posts
    rechecked = run(server, "archive", server.url, "--db", str(db), "--delay", "0", "--recheck-all")
    assert posts <= rechecked


def test_help_explains_the_switch() -> None:
    for command in ("archive", "update"):
        result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
        assert "--recheck-all" in result.output and "edited and deleted comments" in result.output


def test_settings_dialog_stores_the_recheck_switch(tmp_path: Path, qtbot: Any) -> None:
    prefs = AppSettings(QSettings(str(tmp_path / "threadbook.ini"), QSettings.Format.IniFormat))
    assert prefs.archive_settings().recheck_all is False
    dialog = SettingsDialog(prefs, archive_path=None)
    qtbot.addWidget(dialog)
    assert dialog.recheck_check.text() == "Ask every post again on each update"
    assert dialog.recheck_note.text().startswith("Slower; catches edited and deleted comments.")
    assert not dialog.recheck_check.isChecked()
    dialog.recheck_check.setChecked(True)
    dialog.accept()
    reread = AppSettings(QSettings(str(tmp_path / "threadbook.ini"), QSettings.Format.IniFormat))
    assert reread.archive_settings().recheck_all is True
    assert reread.archive_settings().delay == ArchiveSettings().delay  # the other settings are kept
    again = SettingsDialog(reread, archive_path=None)
    qtbot.addWidget(again)
    assert again.recheck_check.isChecked()
    again.recheck_check.setChecked(False)
    again.accept()
    assert reread.archive_settings().recheck_all is False
