"""The history dialog on a real archive of the sample blog captured twice, the post changed upstream in between:
the capture list, the text diff (plain text), comments appeared/edited/disappeared, all read on workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from desktop import tasks
from desktop.history_view import HistoryDialog
from desktop.sampleserver import SampleBlogServer
from desktop.workers import JobRunner
from storage.archive import open_archive

# Every post asked again (not only those the blog says changed): each capture run is a version of every post.
RECHECK = tasks.ArchiveSettings(delay=0.0, recheck_all=True)
ADDED = "A late note: <b>not bold</b> <img src=x onerror=alert(1)> stays text."
EDITED = "Edited upstream: it was a Kelsey after all."


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import make_sample_blog  # tools/, on sys.path via tests/conftest.py

    root = tmp_path_factory.mktemp("gui-history")
    site = root / "site"
    truth = make_sample_blog.build_site(site)
    post = next(p for p in truth["posts"] if p["comment_pages"] == 3)
    parents = {c["parent"] for c in post["comments"] if c["parent"]}
    leaves = [c["id"] for c in post["comments"] if c["id"] not in parents]
    db = root / "archive.sqlite"
    with SampleBlogServer(site) as server:
        tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
        make_sample_blog.build_site(
            site,
            changed_posts=[{"post_path": post["path"], "append": ADDED}],
            removed_comments=[leaves[0]],
            edited_comments={leaves[1]: EDITED},
        )
        tasks.archive_blog(server.url, db_path=db, settings=RECHECK)
        with open_archive(db) as archive:
            post_id = archive.find_post(server.origin + post["path"])
    yield {"db": db, "post_id": post_id, "title": post["title"], "removed": leaves[0], "edited": leaves[1]}


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:  # type: ignore[no-untyped-def]
    jobs = JobRunner()
    yield jobs
    jobs.shutdown()


def open_dialog(qtbot, runner: JobRunner, changed: dict[str, Any]) -> HistoryDialog:  # type: ignore[no-untyped-def]
    dialog = HistoryDialog(
        changed["post_id"], title=changed["title"], url="https://x.example/", archive_path=changed["db"], runner=runner
    )
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_lists_captures_and_shows_the_newest_change(qtbot, runner, changed) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, runner, changed)  # the reading job starts at once, on a worker
    with qtbot.waitSignal(dialog.diff_shown, timeout=20_000) as shown:
        dialog.show()
    assert shown.args == [1, 2]  # the newest capture against the one before it
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(r, 3).text() for r in range(2)] == ["first capture", "changed"]
    assert dialog.table.item(1, 5).text() == "-1 gone"
    text = dialog.diff_view.toPlainText()
    # The hostile markup is shown as the characters it is (markdownify escapes the "<" in the Markdown).
    assert "+A late note: \\<b>not bold\\</b> \\<img src=x onerror=alert(1)> stays text." in text
    assert isinstance(dialog.diff_view, QPlainTextEdit) and dialog.diff_view.isReadOnly()
    older, newer = dialog.older_text.toPlainText(), dialog.newer_text.toPlainText()
    assert older.startswith("Capture 1 (") and newer.startswith("Capture 2 (")
    assert "A late note" not in older and "A late note: \\<b>not bold" in newer
    assert dialog.text_tabs.tabText(1) == "Side by side"
    assert [dialog.lists[k].count() for k in ("appeared", "changed", "disappeared")] == [0, 1, 1]
    gone = dialog.lists["disappeared"].item(0).text()
    assert gone.startswith(f"#{changed['removed']} ") and "kept, marked removed" in gone
    assert dialog.tabs.tabText(2) == "Disappeared (1)"
    dialog.lists["changed"].setCurrentRow(0)
    shown = dialog.comment_view.toPlainText()
    assert f"In capture 2:\n{EDITED}" in shown and "In capture 1:" in shown
    assert "1 removed upstream, kept in the archive." in dialog.status.text()
    dialog.close()


def test_choosing_the_same_capture_twice_says_so(qtbot, runner, changed) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, runner, changed)
    qtbot.waitUntil(lambda: dialog.diff is not None, timeout=20_000)
    with qtbot.waitSignal(dialog.diff_shown, timeout=10_000) as shown:
        dialog.older_box.setCurrentIndex(1)
    assert shown.args == [2, 2]
    assert "compared with itself" in dialog.diff_view.toPlainText()
    assert all(widget.count() == 0 for widget in dialog.lists.values())
    dialog.close()


def test_labels_show_web_text_as_plain_text(qtbot, runner, changed) -> None:  # type: ignore[no-untyped-def]
    dialog = HistoryDialog(
        changed["post_id"],
        title="<b>Title</b> <img src=x>",
        url="https://x.example/",
        archive_path=changed["db"],
        runner=runner,
    )
    qtbot.addWidget(dialog)
    labels = [w for w in dialog.findChildren(type(dialog.status)) if "Title" in w.text()]
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    qtbot.waitUntil(lambda: dialog.record is not None, timeout=20_000)
    dialog.close()


def test_the_main_window_opens_the_history_of_the_post_in_the_reader(
    open_window, qtbot, changed, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(Path(changed["db"]).read_bytes())
    window = open_window(copy)
    assert window.show_history() is None  # no post open yet: a message instead
    window.error_box.close()
    window.show_post(changed["post_id"])
    qtbot.waitUntil(lambda: window.reader.post is not None, timeout=10_000)
    dialog = window.show_history()
    assert dialog is not None and window.history_action.text() == "&History of this post…"
    qtbot.waitUntil(lambda: dialog.diff is not None, timeout=20_000)
    assert dialog.table.rowCount() == 2
    dialog.close()
