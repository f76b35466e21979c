"""Adding a blog from the window: the dialog, drops, progress, cancel, failure, and closing with a job running."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from desktop import tasks
from desktop.dialogs import AddBlogDialog, blog_url_problem
from desktop.mainwindow import MainWindow
from desktop.tasks import ArchiveSettings, Progress
from desktop.workers import JobProgressWidget
from ingest.errors import NotABlog
from storage.records import CrawlReport

FAST = ArchiveSettings(delay=0.0)


class BlockingTask:
    """Stands in for tasks.archive_blog: reports progress, then waits until cancelled (or released)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Path, ArchiveSettings]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.saw_cancel = threading.Event()

    def __call__(self, url, *, db_path, settings, progress, cancelled):  # type: ignore[no-untyped-def]
        self.calls.append((url, db_path, settings))
        progress(Progress("capturing", 1, 10, 5, "Ночные фонари <b>1</b>"))
        self.started.set()
        while not (cancelled() or self.release.is_set()):
            self.release.wait(0.01)
        if cancelled():
            self.saw_cancel.set()
        return CrawlReport(blog_url=url, posts_found=10, posts_new=1, comments_total=5, cancelled=cancelled())


@pytest.fixture
def blocking_task(monkeypatch: pytest.MonkeyPatch) -> BlockingTask:
    task = BlockingTask()
    monkeypatch.setattr(tasks, "archive_blog", task)
    return task


# -- the dialog


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://example.blog/", True),
        ("http://127.0.0.1:8080/2024/05/post/", True),
        ("ftp://example.blog/", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://exa mple.blog/", False),
        ("http://example.blog:99999/", False),
        ("", False),
    ],
)
def test_blog_url_validation(text: str, ok: bool) -> None:
    assert (blog_url_problem(text) is None) == ok


def test_dialog_accepts_only_http_urls(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AddBlogDialog(settings=ArchiveSettings(delay=2.5, fetch_images=False))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.problem_label.text() == ""
    qtbot.keyClicks(dialog.url_edit, "ftp://example.blog")
    assert not ok.isEnabled() and "http://" in dialog.problem_label.text()
    dialog.url_edit.setText("example.blog/")  # a bare host name means https
    assert ok.isEnabled() and dialog.url() == "https://example.blog/"
    assert dialog.settings() == ArchiveSettings(delay=2.5, fetch_images=False, respect_robots=True)
    dialog.close()


# -- jobs from the window (a stand-in task: fast and deterministic)


def test_add_blog_dialog_starts_a_job_with_progress(window: MainWindow, qtbot, blocking_task) -> None:  # type: ignore[no-untyped-def]
    dialog = window.show_add_blog_dialog()
    dialog.url_edit.setText("https://lantern.example/")
    dialog.delay_spin.setValue(0.0)
    with qtbot.waitSignal(window.runner.jobs_changed, timeout=5_000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert blocking_task.started.wait(10)
    widgets = window.jobs_panel.findChildren(JobProgressWidget)
    assert len(widgets) == 1
    qtbot.waitUntil(lambda: widgets[0].bar.maximum() == 10)
    assert widgets[0].bar.value() == 1
    assert widgets[0].label.text() == "Ночные фонари <b>1</b> · 5 comments"
    assert widgets[0].label.textFormat() == Qt.TextFormat.PlainText
    assert blocking_task.calls == [("https://lantern.example/", window.archive_path, ArchiveSettings(delay=0.0))]
    with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
        blocking_task.release.set()
    assert ended.args[0].startswith("Archived https://lantern.example/: 10 posts found, 1 new")
    row = widgets[0]  # the row stays, with its outcome, until "Clear finished"
    assert row.finished and row.cancel_button.isHidden() and row.rate_label.text() == "Done"
    assert row.label.text().startswith("Archived https://lantern.example/")
    window.jobs_panel.clear_button.click()
    assert window.jobs_panel.rows == {}


def test_cancel_button_stops_the_job(window: MainWindow, qtbot, blocking_task) -> None:  # type: ignore[no-untyped-def]
    window.add_blog("https://lantern.example/", settings=FAST)
    assert blocking_task.started.wait(10)
    widget = window.jobs_panel.findChildren(JobProgressWidget)[0]
    with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
        qtbot.mouseClick(widget.cancel_button, Qt.MouseButton.LeftButton)
    assert blocking_task.saw_cancel.is_set()
    assert ended.args[0].startswith("Cancelled — kept what was saved.")
    qtbot.waitUntil(lambda: window.runner.active_jobs() == [])


def test_closing_the_window_cancels_and_waits(open_window, archive_path: Path, blocking_task) -> None:  # type: ignore[no-untyped-def]
    window = open_window(archive_path)
    job = window.add_blog("https://lantern.example/", settings=FAST)
    assert job is not None and blocking_task.started.wait(10)
    assert window.close()
    assert blocking_task.saw_cancel.is_set() and job.done.is_set()  # waited for: no thread outlives the window
    assert window.archive is None


def test_a_failing_job_shows_its_message_without_blocking(window: MainWindow, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def fail(url, *, db_path, settings, progress, cancelled):  # type: ignore[no-untyped-def]
        raise NotABlog(f"No posts were found at {url}. Check the address, or give the address of one post.")

    monkeypatch.setattr(tasks, "archive_blog", fail)
    with qtbot.waitSignal(window.job_ended, timeout=10_000):
        window.add_blog("https://lantern.example/nothing/", settings=FAST)
    message = (
        "No posts were found at https://lantern.example/nothing/. Check the address, or give the address of one post."
    )
    assert window.error_label.text() == message and not window.error_label.isHidden()
    assert isinstance(window.error_box, QMessageBox) and window.error_box.isVisible()
    assert window.error_box.text() == message
    (row,) = window.jobs_panel.rows.values()
    assert row.finished and row.rate_label.text() == "Failed"
    log = window.jobs_panel.log
    assert log.topLevelItemCount() == 1 and log.topLevelItem(0).text(2) == message


def test_a_bad_url_never_starts_a_job(window: MainWindow, blocking_task) -> None:  # type: ignore[no-untyped-def]
    assert window.add_blog("file:///etc/passwd") is None
    assert blocking_task.calls == [] and window.jobs_panel.rows == {}
    assert "http://" in window.error_label.text()


def drop_event(urls: list[QUrl]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls(urls)
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    event.keep_mime = mime  # the event does not own its QMimeData: keep it alive with the event
    return event


def test_a_dropped_link_is_archived(window: MainWindow, blocking_task) -> None:  # type: ignore[no-untyped-def]
    window.dropEvent(drop_event([QUrl("https://dropped.example/blog/")]))
    assert blocking_task.started.wait(10)
    assert blocking_task.calls[0][0] == "https://dropped.example/blog/"
    window.dropEvent(drop_event([QUrl.fromLocalFile("/etc/passwd")]))
    assert len(blocking_task.calls) == 1


def test_lists_catch_up_while_a_crawl_runs(window: MainWindow, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Posts saved by a running job show up before it ends (while no post is open in the reader)."""
    from storage.archive import open_archive
    from storage.records import Blog
    from tests.gui.conftest import filler_post

    release = threading.Event()

    def saving_task(url, *, db_path, settings, progress, cancelled):  # type: ignore[no-untyped-def]
        with open_archive(db_path) as archive:
            blog_id = archive.save_blog(Blog(url=url, title="Second Blog", platform="generic"))
            for number in range(3):
                archive.save_post(blog_id, filler_post(500 + number))
                progress(Progress("capturing", number + 1, 3, 0, f"Note {500 + number}"))
        release.wait(10)
        return CrawlReport(blog_url=url, posts_found=3, posts_new=3)

    monkeypatch.setattr(tasks, "archive_blog", saving_task)
    monkeypatch.setattr("desktop.mainwindow.LIVE_REFRESH_SECONDS", 0.0)
    window.reader.show_post(None)
    window.add_blog("https://second.example/", settings=FAST)
    qtbot.waitUntil(lambda: window.blog_model.rowCount() == 3 and window.post_model.total() == 7, timeout=10_000)
    assert window.runner.active_jobs()  # the job is still running
    with qtbot.waitSignal(window.job_ended, timeout=10_000):
        release.set()
