"""Search runs on a worker; its hits replace the post list and open the post (and the comment) they name."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.mainwindow import MainWindow
from desktop.search_panel import SearchResultsModel
from tests.gui.conftest import THREADED_TITLE


def search(window: MainWindow, qtbot, query: str) -> int:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.search_finished, timeout=10_000) as finished:
        window.search_edit.setText(query)
        qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    return finished.args[0]


def test_search_finds_a_post_and_opens_it(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert search(window, qtbot, "river") == 1
    assert window.list_stack.currentIndex() == 1
    assert window.search_label.text() == "1 match for “river”"
    hit = window.search_model.index(0, SearchResultsModel.MATCH).data()
    assert "«river»" in hit
    window.search_view.setCurrentIndex(window.search_model.index(0, 0))
    assert window.reader.title.text() == THREADED_TITLE


def test_a_comment_hit_selects_the_comment(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert search(window, qtbot, "Four deep") == 1
    assert window.search_model.index(0, SearchResultsModel.WHERE).data() == "comment by Dee"
    window.search_view.setCurrentIndex(window.search_model.index(0, 0))
    thread = window.reader.thread_view
    current = thread.model.comment_at(thread.tree.currentIndex())
    assert current is not None and current.source_id == "c4"
    assert thread.detail.toPlainText() == "Four deep.\nWith a second line."


def test_cyrillic_and_hostile_queries(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert search(window, qtbot, "москвы") == 1  # case folded
    assert search(window, qtbot, '"unbalanced (AND NOT* <b>') == 0
    assert window.search_label.text() == 'Nothing matches “"unbalanced (AND NOT* <b>”'


def test_clearing_the_search_returns_to_the_posts(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(window, qtbot, "river")
    window.search_edit.clear()
    assert window.list_stack.currentIndex() == 0
    assert window.search_model.rowCount() == 0
    search(window, qtbot, "river")
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.list_stack.currentIndex() == 0 and window.search_edit.text() == ""
