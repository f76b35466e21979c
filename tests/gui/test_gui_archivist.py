"""An archivist's day against the loopback sample blog: add it with a preview, watch the job, read a thread,
search a comment's word and land on it, look at provenance, export a series and preview the PDF, watch a blog;
and the GUI thread stays responsive while a capture and an export run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

from desktop.mainwindow import MainWindow
from desktop.sampleserver import SampleBlogServer
from desktop.tasks import ArchiveSettings
from desktop.workers import Lane

FAST = ArchiveSettings(delay=0.0)


@pytest.fixture(scope="module")
def server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as running:
        yield running


def add_through_dialog(window: MainWindow, qtbot, url: str) -> str:  # type: ignore[no-untyped-def]
    dialog = window.show_add_blog_dialog()
    dialog.delay_spin.setValue(0.0)
    with qtbot.waitSignal(dialog.preview_shown, timeout=20_000) as shown:
        dialog.url_edit.setText(url)
    with qtbot.waitSignal(window.job_ended, timeout=60_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return shown.args[0]


def test_an_archivists_day(open_window, tmp_path: Path, qtbot, server: SampleBlogServer) -> None:  # type: ignore[no-untyped-def]
    window = open_window(tmp_path / "day.sqlite")
    preview = add_through_dialog(window, qtbot, server.url)
    assert preview.startswith("WordPress, 19 posts, about ") and "comments — “The Composing Stick”" in preview

    # The jobs panel keeps the finished job with its outcome.
    (row,) = window.jobs_panel.rows.values()
    assert row.finished and row.rate_label.text() == "Done" and row.bar.value() == row.bar.maximum() == 19

    # The library: All blogs > the blog > Series > Guest Week (6).
    blog_index = window.blog_model.index(1, 0)
    assert blog_index.data() == "The Composing Stick" and window.blog_model.index(1, 1).data() == "19"
    library = window.blog_model
    groups = {library.index(r, 0, blog_index).data(): r for r in range(library.rowCount(blog_index))}
    assert set(groups) >= {"Series", "Categories", "Tags"}
    series_group = window.blog_model.index(groups["Series"], 0, blog_index)
    guest_week = window.blog_model.index(0, 0, series_group)
    assert guest_week.data() == "Guest Week" and guest_week.siblingAtColumn(1).data() == "6"
    window.blog_view.setCurrentIndex(guest_week)
    assert window.post_model.total() == 6 and window.posts_label.text() == "6 posts in Guest Week"
    window.blog_view.setCurrentIndex(blog_index)

    # Search a word of a reply to a reply (typing, no Enter): the hit opens the post and selects that comment.
    with qtbot.waitSignal(window.search_finished, timeout=10_000) as found:
        window.search_edit.setText("goose")
    assert found.args[0] == 1
    window.search_view.setCurrentIndex(window.search_model.index(0, 0))
    assert window.reader.post is not None and window.reader.post.title == "Tell us about your first press"
    thread = window.reader.thread_view
    current = thread.tree.currentIndex()
    comment = thread.model.comment_at(current)
    assert comment is not None and "goose" in comment.body_md
    # Its nesting: a reply (depth 2) under a reply under a top-level comment.
    parent = current.parent()
    grandparent = parent.parent()
    assert parent.isValid() and grandparent.isValid() and not grandparent.parent().isValid()
    assert thread.model.comment_at(parent).body_md.startswith("A raffle ticket!")
    assert thread.model.comment_at(grandparent).depth == 0
    assert thread.model.comment_count() == 34
    window.clear_search()

    # Provenance: captures of the post, the newest raw page as plain text.
    dialog = window.show_provenance()
    assert dialog is not None
    qtbot.waitUntil(lambda: bool(dialog.captures), timeout=10_000)
    qtbot.waitUntil(lambda: "<html" in dialog.raw.toPlainText().lower(), timeout=10_000)
    assert isinstance(dialog.raw, QPlainTextEdit) and dialog.raw.isReadOnly()
    assert dialog.table.item(0, 2).text() == "200"
    opened: list[str] = []
    dialog.open_url = lambda url: bool(opened.append(url)) or True
    dialog.open_button.click()
    assert opened == [window.reader.post.url]
    dialog.close()

    # Export the series as PDF and see the preview.
    window.blog_view.setCurrentIndex(guest_week)
    export = window.show_export_dialog()
    assert export is not None and export.series_radio.isChecked() and export.series_combo.currentText() == "Guest Week"
    export.page_combo.setCurrentText("A5")
    export.path_edit.setText(str(tmp_path / "guest-week.pdf"))
    with qtbot.waitSignal(export.preview_ready, timeout=60_000) as ready:
        export.export_button.click()
    assert ready.args[0] > 6 and export.pages.currentIndex() == 1
    assert export.pdf_view.document().pageCount() == ready.args[0]
    assert (tmp_path / "guest-week.pdf").read_bytes().startswith(b"%PDF")
    shown: list[Path] = []
    export.open_path = lambda path: bool(shown.append(path)) or True
    export.folder_button.click()
    assert shown == [tmp_path]
    export.close()

    # Watching: mark the blog watched; a due check updates it and says what arrived.
    blog_id = window.blog_model.blog_at(1).id
    with qtbot.waitSignal(window.blogs_refreshed, timeout=10_000):
        window.set_watch(blog_id, 0.0001)  # 0.36 s: the capture above ended longer ago than that (the export ran)
    assert window.blog_model.index(1, 0).data().endswith("◉")
    with qtbot.waitSignal(window.watch_notice, timeout=60_000) as notice:
        assert window.update_watched() is not None
    assert notice.args[0] == "Watched blogs checked (1): nothing new."


def test_the_gui_thread_stays_responsive_during_a_capture_and_an_export(
    open_window, tmp_path: Path, qtbot, server: SampleBlogServer
) -> None:  # type: ignore[no-untyped-def]
    """A 10 ms timer keeps firing while a capture and a PDF export run on workers (the bound is generous:
    the figures are in bench/gui_responsiveness.py)."""
    from desktop import exports
    from desktop.workers import Job

    window = open_window(tmp_path / "busy.sqlite")
    with qtbot.waitSignal(window.job_ended, timeout=60_000):
        window.add_blog(server.url, settings=FAST)
    clock = QElapsedTimer()
    lateness: list[int] = []
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        lateness.append(now - last[0] - 10)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    export = Job(
        lambda **_: exports.export_series_pdf(
            db_path=window.archive_path, series="Guest Week", out_path=tmp_path / "busy.pdf"
        ),
        title="export",
    )
    clock.start()
    timer.start()
    with qtbot.waitSignals([window.job_ended, export.signals.finished], timeout=60_000):
        window.add_blog(server.url + "?again", settings=FAST)  # a re-capture: conditional GETs, saves, lists refresh
        window.runner.start(export, lane=Lane.BACKGROUND)
    timer.stop()
    assert len(lateness) > 5
    assert max(lateness) < 500, f"the GUI thread stalled {max(lateness)} ms"
