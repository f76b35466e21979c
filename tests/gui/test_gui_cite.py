"""Cite results… in the search panel: BibTeX copied to the clipboard and CSL-JSON saved to a file, made on a worker
from the search shown; the button follows the results; the query (the user's text) stays plain text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from desktop.mainwindow import MainWindow
from desktop.search_panel import CiteDialog, cite_results
from tests.gui.conftest import BLOG_URL, THREADED_TITLE


def search(window: MainWindow, qtbot: Any, query: str) -> int:
    with qtbot.waitSignal(window.search_finished, timeout=10_000) as found:
        window.start_search(query)
    return int(found.args[0])


def test_cite_copies_bibtex_and_saves_csl_json(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    panel = window.search_panel
    assert not panel.cite_button.isEnabled()
    assert search(window, qtbot, "lanterns") >= 1
    assert panel.cite_button.isEnabled()

    dialog = panel.cite_results()
    assert isinstance(dialog, CiteDialog) and dialog.cite_style() == "bibtex"
    assert dialog.path_edit.text().endswith("lanterns-citations.bib")
    QApplication.clipboard().setText("")
    with qtbot.waitSignal(dialog.cited, timeout=10_000) as cited:
        dialog.copy_button.click()
    assert cited.args[0].count == 1 and cited.args[0].path is None
    copied = QApplication.clipboard().text()
    assert "@online{" in copied and "lantern.example/2024/05/lanterns" in copied
    assert "Lantern Notes" in copied  # the blog is the container of the citation
    assert dialog.message.text() == "Copied the citations of 1 post to the clipboard."

    dialog.set_style("csl-json")
    assert dialog.path_edit.text().endswith("lanterns-citations.json")
    dialog.path_edit.setText(str(tmp_path / "cited"))  # no suffix: the style's is added
    with qtbot.waitSignal(dialog.cited, timeout=10_000):
        dialog.save_button.click()
    saved = tmp_path / "cited.json"
    items = json.loads(saved.read_text(encoding="utf-8"))
    assert [item["title"] for item in items] == [THREADED_TITLE]
    assert items[0]["URL"].startswith(BLOG_URL) and str(saved) in dialog.message.text()
    assert dialog.copy_button.isEnabled() and dialog.save_button.isEnabled()
    dialog.close()

    window.clear_search()
    assert not panel.cite_button.isEnabled() and panel.cite_results() is None


def test_cite_button_is_off_without_hits_and_the_query_stays_plain(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    panel = window.search_panel
    assert search(window, qtbot, "zyzzyvaquux") == 0
    assert not panel.cite_button.isEnabled() and panel.cite_results() is None

    query = "<b>not bold</b>"  # the hostile comment: a comment hit cites its post
    assert search(window, qtbot, query) >= 1
    dialog = panel.cite_results()
    assert dialog is not None
    heading = dialog.findChildren(type(panel.label))[0]
    assert query in heading.text() and heading.textFormat().name == "PlainText"
    assert "/" not in Path(dialog.path_edit.text()).name.removesuffix(".bib")  # the file name is slugified
    dialog.close()


def test_cite_results_writes_nothing_when_nothing_matches(archive_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.bib"
    result = cite_results("zyzzyvaquux", db_path=archive_path, style="bibtex", out_path=out)
    assert result.count == 0 and result.path is None and not out.exists()
    result = cite_results("lanterns", db_path=archive_path, style="bibtex", out_path=out)
    assert result.count == 1 and result.path == out and out.read_text(encoding="utf-8") == result.text


def test_a_filtered_search_cites_the_posts_shown(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    panel = window.search_panel
    assert search(window, qtbot, "note") == 3  # the three filler notes, by two authors
    panel.filter_bar.author_edit.setText("Filler Author")
    assert search(window, qtbot, "note") == 1
    dialog = panel.cite_results()
    assert dialog is not None and dialog.post_ids is not None
    dialog.set_style("csl-json")
    dialog.path_edit.setText(str(tmp_path / "filtered.json"))
    with qtbot.waitSignal(dialog.cited, timeout=10_000) as cited:
        dialog.save_button.click()
    assert cited.args[0].count == 1
    items = json.loads((tmp_path / "filtered.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in items] == ["Note 0001"]
    dialog.close()
