"""The anthology editor on the archived sample blog: made from the series, reordered by a drop, one comment
unticked, a note, a section and an introduction, the page estimate, and a PDF export with exactly those choices."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt

from desktop import tasks
from desktop.anthology_editor import AnthologyEditor
from desktop.anthology_models import CommentChoiceModel
from desktop.mainwindow import MainWindow
from desktop.sampleserver import SampleBlogServer
from storage.archive import open_archive

INTRO = "# A word first\n\nThese guests wrote for the **workshop** in the summer of 2024."
NOTE = "Read this one aloud."
SETTINGS = tasks.ArchiveSettings(delay=0.0, fetch_images=False)


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("anthology-template") / "sample.sqlite"
    with SampleBlogServer() as server:
        tasks.archive_blog(server.url, db_path=db, settings=SETTINGS)
    with open_archive(db) as archive:
        archive.create_anthology("Guests", from_series="Guest Week")
    yield db


@pytest.fixture
def editor_window(open_window, tmp_path: Path, sample_template: Path, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    db = tmp_path / "sample.sqlite"
    shutil.copyfile(sample_template, db)
    window = open_window(db)
    qtbot.waitUntil(lambda: window.blog_model.anthology_index("Guests").isValid(), timeout=10_000)
    with qtbot.waitSignal(window.anthology_editor.loaded, timeout=10_000):
        window.blog_view.setCurrentIndex(window.blog_model.anthology_index("Guests"))  # the library node opens it
    return window


def stored(window: MainWindow):  # type: ignore[no-untyped-def]
    with open_archive(window.archive_path) as archive:
        return archive.load_anthology_spec("Guests"), archive.build_anthology("Guests", with_asset_data=False)


def wait_saved(editor: AnthologyEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Until every write made so far has reached the archive and the reloaded list is shown."""
    done: list[bool] = []
    editor.when_saved(lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def walk(model: CommentChoiceModel, parent: QModelIndex = QModelIndex()) -> Iterator[QModelIndex]:  # noqa: B008
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from walk(model, index)


def test_editor_shows_the_anthology(editor_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = editor_window.anthology_editor
    assert editor_window.reader_tabs.currentWidget() is editor
    labels = [editor.items_model.index(row).data() for row in range(editor.items_model.rowCount())]
    assert [label.split(":")[0] for label in labels] == [f"{n}. Guest Week #{n}" for n in range(1, 7)]
    assert editor.title_edit.text() == "Guest Week" and "follows the series Guest Week" in editor.name_label.text()
    qtbot.waitUntil(lambda: editor.estimate_label.text() == "about 10 pages", timeout=10_000)  # 10 when exported


def test_reorder_choose_comments_annotate_and_export(editor_window: MainWindow, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = editor_window
    editor = window.anthology_editor
    model = editor.items_model
    first = model.entry_at(0)
    assert first is not None

    # Drag part 1 below part 3: the drop goes through the model the way the view's drop does.
    mime = model.mimeData([model.index(0)])
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [e.post_id for e in model.entries()].index(first.post_id) == 2
    wait_saved(editor, qtbot)
    spec, _ = stored(window)
    assert [e.post_id for e in spec.entries] == [e.post_id for e in model.entries()]
    assert spec.entries[2].post_id == first.post_id

    # Part 3 has a thread five deep: untick its first reply (and so the replies under it).
    part_3 = next(e for e in model.entries() if e.post_title.startswith("Guest Week #3"))
    with qtbot.waitSignal(editor.thread_loaded, timeout=10_000):
        editor.select_item(part_3.post_id)
    thread = editor.thread_model
    indexes = list(walk(thread))
    assert len(indexes) == 6 and all(i.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked for i in indexes)
    reply = next(i for i in indexes if i.parent().isValid())
    dropped = thread.comment_at(reply)
    assert dropped is not None
    assert thread.setData(reply, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    ids = [thread.comment_at(i).source_id for i in indexes]
    unticked = [source_id for source_id in ids if not thread.is_printed(source_id)]
    assert len(unticked) == 4 and unticked[0] == dropped.source_id  # it and the three replies under it
    assert reply.siblingAtColumn(CommentChoiceModel.CHOICE).data() == "exclude"

    # Keep one of the excluded replies after all, as an excerpt.
    kept = thread.comment_at(indexes[3])
    editor.thread_view.setCurrentIndex(indexes[3])
    assert editor.comment_text.toPlainText() == kept.body_md and editor.comment_text.isReadOnly()
    editor.excerpt_edit.setPlainText("An excerpt of a reply.")

    # A section heading and a note on this item, and the introduction (the preview renders the Markdown).
    editor.set_section("The summer guests")
    editor.note_edit.setPlainText(NOTE)
    editor.intro_edit.setPlainText(INTRO)
    assert editor.intro_preview.toPlainText().startswith("A word first")
    assert "**" not in editor.intro_preview.toPlainText()
    wait_saved(editor, qtbot)

    spec, anthology = stored(window)
    item = next(i for i in anthology.items if i.post.id == part_3.post_id)
    printed = [c.source_id for c in item.post.comments]
    assert dropped.source_id not in printed and kept.source_id in printed and len(printed) == 3
    assert next(c for c in item.post.comments if c.source_id == kept.source_id).body_md == "An excerpt of a reply."
    assert item.note_md == NOTE and item.section == "The summer guests"
    assert anthology.introduction_md == INTRO

    def labelled() -> bool:  # the list is re-read after the writes, on a worker
        labels = [model.index(row).data() for row in range(model.rowCount())]
        return any(
            label.startswith("§ The summer guests — 2. Guest Week #3:") and label.endswith("(note)") for label in labels
        )

    qtbot.waitUntil(labelled, timeout=10_000)

    # Privacy: initials for commenters.
    editor.names_combo.setCurrentIndex(editor.names_combo.findData("initials"))
    wait_saved(editor, qtbot)
    assert stored(window)[0].commenter_names == "initials"

    # The estimate follows the changes; the export has the introduction and not the excluded reply.
    qtbot.waitUntil(lambda: editor.estimate_label.text().startswith("about "), timeout=10_000)
    out = tmp_path / "guests.pdf"
    with qtbot.waitSignal(editor.exported, timeout=60_000):
        editor.export(out)
    assert editor.preview_dialog is not None and editor.preview_dialog.document.pageCount() > 5
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "A word first" in flat and "wrote for the workshop" in flat and NOTE in flat
    assert " ".join(dropped.body_md.split())[:40] not in flat
    assert "An excerpt of a reply." in flat
    editor.close_dialogs()


def test_add_posts_choose_by_mode_and_delete(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    """On the hand-made archive: "Add to anthology" makes a new one; mode "selected" with one "with replies"
    choice prints exactly that branch; comment text stays plain; Move down and Delete write through."""
    from tests.gui.conftest import HOSTILE_TEXT, THREADED_TITLE

    posts = {window.post_model.post_at(row).title: window.post_model.post_at(row).id for row in range(4)}
    threaded, note = posts[THREADED_TITLE], posts["Note 0001"]
    editor = window.anthology_editor
    with qtbot.waitSignal(editor.loaded, timeout=10_000) as loaded:
        window.add_posts_to_anthology("Lanterns", [threaded, note, threaded])
    assert loaded.args == ["Lanterns"] and [e.post_id for e in editor.items_model.entries()] == [threaded, note]
    qtbot.waitUntil(lambda: window.blog_model.anthology_index("Lanterns").isValid(), timeout=10_000)
    assert window.blog_model.anthology_index("Lanterns").siblingAtColumn(1).data() == "2"
    assert window.blog_view.currentIndex() == window.blog_model.anthology_index("Lanterns")

    if editor.post is None or editor.post.id != threaded:
        with qtbot.waitSignal(editor.thread_loaded, timeout=10_000):
            editor.select_item(threaded)
    thread = editor.thread_model
    hostile = thread.index_of("c6")
    editor.thread_view.setCurrentIndex(hostile)
    assert editor.comment_text.toPlainText() == HOSTILE_TEXT  # shown as text, never as markup
    assert hostile.siblingAtColumn(thread.TEXT).data().startswith("<b>not bold</b>")

    editor.mode_combo.setCurrentIndex(editor.mode_combo.findData("selected"))
    assert thread.printed_ids() == set()
    editor.thread_view.setCurrentIndex(thread.index_of("c1"))
    editor.choice_buttons["replies"].click()
    assert thread.printed_ids() == {"c1", "c2", "c3", "c4", "c5"}
    editor.down_button.click()  # the selected item, the threaded post, moves below the note
    wait_saved(editor, qtbot)
    with open_archive(window.archive_path) as archive:
        spec = archive.load_anthology_spec("Lanterns")
        anthology = archive.build_anthology("Lanterns", with_asset_data=False)
    assert [e.post_id for e in spec.entries] == [note, threaded]
    assert [c.source_id for c in anthology.items[1].post.comments] == ["c1", "c2", "c3", "c4", "c5"]

    with qtbot.waitSignal(window.blogs_refreshed, timeout=10_000):
        editor.delete_anthology()
    qtbot.waitUntil(lambda: not window.blog_model.anthology_index("Lanterns").isValid(), timeout=10_000)
    assert editor.spec is None and not editor.title_edit.isEnabled()
    with open_archive(window.archive_path) as archive:
        assert archive.list_anthologies() == [] and len(archive.load_post(threaded).comments) == 7
