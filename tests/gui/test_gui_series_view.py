"""The series view on the archived sample blog: the parts in order, corrections with gaps shown as rows, an
anthology made from the series, and "Capture this series..." from one part's address (plan first, then a job)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from desktop import tasks
from desktop.mainwindow import MainWindow
from desktop.sampleserver import SampleBlogServer
from desktop.series_view import SeriesPartsModel
from storage.archive import open_archive
from storage.records import SeriesGap, SeriesPart

PART_3 = "2024/06/17/guest-week-3-letterpress-in-a-school-classroom/"
SETTINGS = tasks.ArchiveSettings(delay=0.0, fetch_images=False)


@pytest.fixture(scope="module")
def sample_server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as server:
        yield server


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory, sample_server: SampleBlogServer) -> Path:
    db = tmp_path_factory.mktemp("series-template") / "sample.sqlite"
    tasks.archive_blog(sample_server.url, db_path=db, settings=SETTINGS)
    return db


@pytest.fixture
def sample_window(open_window, tmp_path: Path, sample_template: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    db = tmp_path / "sample.sqlite"
    shutil.copyfile(sample_template, db)
    return open_window(db)


def find_series_node(window: MainWindow, name: str) -> QModelIndex | None:
    library = window.blog_model
    blog = library.index(1, 0)
    for row in range(library.rowCount(blog)):
        group = library.index(row, 0, blog)
        if group.data() == "Series":
            for child in range(library.rowCount(group)):
                if library.index(child, 0, group).data() == name:
                    return library.index(child, 0, group)
    return None


def series_node(window: MainWindow, name: str) -> QModelIndex:
    node = find_series_node(window, name)
    assert node is not None, f"no series node {name!r}"
    return node


def open_series(window: MainWindow, qtbot, name: str = "Guest Week") -> SeriesPartsModel:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: find_series_node(window, name) is not None, timeout=10_000)  # terms load on a worker
    with qtbot.waitSignal(window.series_view.loaded, timeout=10_000):
        window.blog_view.setCurrentIndex(series_node(window, name))
    assert window.reader_tabs.currentWidget() is window.series_view
    return window.series_view.model


def column(model: SeriesPartsModel, col: int) -> list[str]:
    return [model.index(row, col).data() for row in range(model.rowCount())]


def test_series_view_shows_the_parts_in_order(sample_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = sample_window
    model = open_series(window, qtbot)
    assert column(model, SeriesPartsModel.NUMBER) == ["1", "2", "3", "4", "5", "6"]
    titles = column(model, SeriesPartsModel.TITLE)
    assert all(title.startswith(f"Guest Week #{n}:") for n, title in enumerate(titles, start=1))
    assert column(model, SeriesPartsModel.COMMENTS) == ["3", "1", "6", "2", "2", "0"]
    assert column(model, SeriesPartsModel.DATE)[0] == "2024-06-03"
    assert window.series_view.summary.text().endswith("no gaps.")
    assert window.post_model.total() == 6  # the post list follows the series node too


def test_corrections_show_a_gap_and_survive(sample_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = sample_window
    model = open_series(window, qtbot)
    view = window.series_view
    part_4 = model.row_at(3)
    assert isinstance(part_4, SeriesPart) and part_4.number == 4

    # Remove part 4 from the series: its place becomes a gap row, between parts 3 and 5. Part 3's "Next week"
    # link points to it, so it reads as announced but not published.
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.remove_post(part_4.post_id)
    assert column(model, SeriesPartsModel.NUMBER) == ["1", "2", "3", "4", "5", "6"]
    assert column(model, SeriesPartsModel.TITLE)[3] == "— announced but not published"
    gap = model.row_at(3)
    assert isinstance(gap, SeriesGap) and gap.kind == "announced" and gap.url == part_4.url
    assert "part 4 announced but not published" in view.summary.text()

    # Renumber part 6 as part 4: the numbers close up; the link to the removed post is still an announced part
    # (its number no longer known), shown as the last row.
    part_6 = model.row_at(5)
    assert isinstance(part_6, SeriesPart)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_part_number(part_6.post_id, 4)
    assert [p.number for p in model.parts()] == [1, 2, 3, 4, 5]
    assert column(model, SeriesPartsModel.NUMBER) == ["1", "2", "3", "4", "5", ""]
    assert [(g.number, g.kind, g.url) for g in model.gaps()] == [(None, "announced", part_4.url)]

    # Rename: the view and the library follow, and the corrections are stored in the archive.
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.rename_series("Guests in the Workshop")
    assert view.heading.text() == "Guests in the Workshop"
    qtbot.waitUntil(lambda: find_series_node(window, "Guests in the Workshop") is not None, timeout=10_000)
    assert series_node(window, "Guests in the Workshop").siblingAtColumn(1).data() == "5"
    with open_archive(window.archive_path) as archive:
        [report] = archive.series_reports("Guests in the Workshop")
    assert [p.post_id for p in report.parts if p.number == 4] == [part_6.post_id]


def test_make_anthology_from_series_opens_it(sample_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = sample_window
    model = open_series(window, qtbot)
    with qtbot.waitSignal(window.anthology_editor.loaded, timeout=10_000):
        window.series_view.anthology_button.click()
    editor = window.anthology_editor
    assert window.reader_tabs.currentWidget() is editor
    assert [e.post_id for e in editor.items_model.entries()] == [p.post_id for p in model.parts()]
    qtbot.waitUntil(lambda: window.blog_model.anthology_index("Guest Week").isValid(), timeout=10_000)
    node = window.blog_model.anthology_index("Guest Week")
    assert node.parent().data() == "Anthologies" and node.siblingAtColumn(1).data() == "6"
    # A second anthology from the same series gets a name of its own.
    with qtbot.waitSignal(editor.loaded, timeout=10_000, check_params_cb=lambda name: name != "Guest Week") as loaded:
        window.series_view.make_anthology()
    assert loaded.args == ["Guest Week (2)"]
    qtbot.waitUntil(lambda: window.blog_model.anthology_index("Guest Week (2)").isValid(), timeout=10_000)
    assert window.blog_view.currentIndex() == window.blog_model.anthology_index("Guest Week (2)")


def test_capture_this_series_from_one_part(open_window, tmp_path, qtbot, sample_server) -> None:  # type: ignore[no-untyped-def]
    window = open_window(tmp_path / "empty.sqlite")
    window.archive_settings = SETTINGS
    dialog = window.show_series_capture_dialog(sample_server.url + PART_3)
    with qtbot.waitSignal(dialog.plan_ready, timeout=30_000) as ready:
        dialog.find_button.click()
    assert ready.args == [6]
    lines = [dialog.parts_list.item(row).text() for row in range(dialog.parts_list.count())]
    assert [line.split(":")[0] for line in lines] == [f"Part {n}" for n in range(1, 7)]
    assert dialog.capture_button.text() == "Capture 6 parts" and "none missing" in dialog.message.text()
    with qtbot.waitSignal(window.series_view.loaded, timeout=60_000):
        dialog.capture_button.click()
    assert column(window.series_view.model, SeriesPartsModel.NUMBER) == ["1", "2", "3", "4", "5", "6"]
    (row,) = window.jobs_panel.rows.values()
    qtbot.waitUntil(lambda: row.finished, timeout=10_000)
    assert row.rate_label.text() == "Done" and "6 posts found, 6 new" in row.label.toolTip()
    with open_archive(window.archive_path) as archive:
        assert [b.post_count for b in archive.list_blogs()] == [6]  # nothing outside the series
