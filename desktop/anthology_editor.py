"""The anthology editor: front matter, the introduction (Markdown, with a preview), the ordered items (drag and
drop), per item its section, note, comment mode and comment checkboxes with excerpts, privacy, a live page-count
estimate and Export (PDF, EPUB, Markdown, web page, citations, WARC or JSON). Every edit is written through the
archive API on the write lane; reads and exports run on workers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Literal, cast

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.anthologies import (
    PageEstimate,
    add_posts_to_anthology,
    apply_to_archive,
    choose_comment,
    estimate_anthology_pages,
    export_anthology,
    load_anthology_spec,
    set_privacy,
)
from desktop.anthology_widgets import FrontMatterForm, IntroPanel, ItemPanel, ItemsBox, PdfPreviewDialog
from desktop.export_dialog import (
    ANTHOLOGY_CHOICES,
    ExportChoice,
    export_warc_job,
    ignore_progress,
    slugify,
    warc_summary,
    with_suffix,
)
from desktop.exports import export_anthology_as
from desktop.warc import WarcSelection
from desktop.workers import Job, JobRunner, Lane
from exporters.warc import WarcReport
from storage.archive import Archive
from storage.records import (
    AnthologyEntry,
    AnthologySpec,
    CommentChoiceKind,
    CommenterNames,
    CommentMode,
    Post,
)

TEXT_SAVE_DELAY_MS = 600  # typing in the introduction, a note or an excerpt is saved once it pauses this long
ESTIMATE_DELAY_MS = 400  # the page count is re-estimated once changes pause this long


def _load_post(post_id: int, archive: Archive) -> Post:
    return archive.load_post(post_id)


class AnthologyEditor(QWidget):
    """Edit one stored anthology. `open_anthology(name)` loads it on a worker; each change is saved on the write
    lane at once (texts once typing pauses), and the page estimate follows."""

    loaded = Signal(str)  # the anthology's name, once its spec is shown
    thread_loaded = Signal(int)  # the post id whose comments the thread tree shows
    saved = Signal()  # a change was written
    estimate_ready = Signal(int)  # about this many pages
    exported = Signal(str)  # the file written
    changed = Signal()  # the item count or title changed: the library node may need new counts
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.archive_path: Path | None = None
        self.spec: AnthologySpec | None = None
        self.post: Post | None = None  # the current item's archived post (its whole thread)
        self.preview_dialog: PdfPreviewDialog | None = None
        self._pending = 0  # writes queued or running
        self._after_writes: list[Callable[[], object]] = []
        self._generation = 0  # bumped when another anthology is opened: late answers are dropped
        self._estimate_generation = 0
        self._spec_request = 0
        self._filling = False  # widgets are being filled from records: their change signals are no edits

        # front matter, privacy and the items (anthology_widgets.py builds them; this class saves the edits)
        self.name_label = QLabel("No anthology open. Choose one under Anthologies in the library.")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.front = front = FrontMatterForm()
        self.title_edit, self.subtitle_edit, self.editor_edit = front.title_edit, front.subtitle_edit, front.editor_edit
        self.names_combo, self.omit_urls_check = front.names_combo, front.omit_urls_check
        self.estimate_label, self.export_button = front.estimate_label, front.export_button
        self.format_combo = front.format_combo
        self._saved_note = ""  # "saved guests.epub" after an export, shown beside the page estimate
        for edit, field in ((self.title_edit, "title"), (self.subtitle_edit, "subtitle"), (self.editor_edit, "editor")):
            edit.editingFinished.connect(functools.partial(self._save_field, field))
        self.names_combo.currentIndexChanged.connect(self._save_privacy)
        self.omit_urls_check.toggled.connect(self._save_privacy)
        self.export_button.clicked.connect(self._ask_export)
        self.items_box = ItemsBox()
        self.items_model, self.items_view = self.items_box.model, self.items_box.view
        self.up_button, self.down_button = self.items_box.up_button, self.items_box.down_button
        self.remove_button = self.items_box.remove_button
        self.items_model.item_moved.connect(self.move_item)
        self.items_view.selectionModel().currentRowChanged.connect(self._on_item_changed)
        self.up_button.clicked.connect(lambda: self._step_current(-1))
        self.down_button.clicked.connect(lambda: self._step_current(+1))
        self.remove_button.clicked.connect(self._remove_current)

        # the introduction, and the current item (anthology_widgets.py builds them; this class saves the edits)
        self.intro_panel = IntroPanel()
        self.intro_edit, self.intro_preview = self.intro_panel.edit, self.intro_panel.preview
        self.intro_edit.textChanged.connect(self._on_intro_typed)
        self.item_panel = panel = ItemPanel()
        self.section_edit, self.note_edit, self.mode_combo = panel.section_edit, panel.note_edit, panel.mode_combo
        self.thread_model, self.thread_view = panel.thread_model, panel.thread_view
        self.comment_text, self.excerpt_edit = panel.comment_text, panel.excerpt_edit
        self.choice_buttons = panel.choice_buttons
        self.section_edit.editingFinished.connect(self._save_section)
        self.note_edit.textChanged.connect(self._on_note_typed)
        self.mode_combo.currentIndexChanged.connect(self._save_mode)
        self.thread_model.choice_wanted.connect(self.set_comment_choice)
        self.thread_view.selectionModel().currentRowChanged.connect(self._on_comment_changed)
        for choice, button in self.choice_buttons.items():
            button.clicked.connect(functools.partial(self._choose_current, None if choice == "none" else choice))
        self.excerpt_edit.textChanged.connect(self._on_excerpt_typed)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.item_panel, "Item")
        self.tabs.addTab(self.intro_panel, "Introduction")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.items_box)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        self.refresh_button = QPushButton("Refresh from series")
        self.refresh_button.setToolTip("Append the parts the series gained since; every choice stays")
        self.refresh_button.clicked.connect(self.refresh_from_series)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Delete this anthology (the archived posts and comments stay)")
        self.delete_button.clicked.connect(self._ask_delete)
        top = QHBoxLayout()
        top.addWidget(self.name_label, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.delete_button)
        layout.addLayout(top)
        layout.addWidget(front)
        layout.addWidget(splitter, 1)

        self._intro_timer = self._timer(TEXT_SAVE_DELAY_MS, self.save_intro)
        self._note_timer = self._timer(TEXT_SAVE_DELAY_MS, self.save_note)
        self._excerpt_timer = self._timer(TEXT_SAVE_DELAY_MS, self.save_excerpt)
        self._estimate_timer = self._timer(ESTIMATE_DELAY_MS, self.estimate_pages)
        self._note_post: int | None = None  # the item the note edit holds
        self._excerpt_target: tuple[int, str] | None = None  # (post id, comment source id) the excerpt edit holds
        self._set_enabled(False)

    def _timer(self, delay_ms: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(delay_ms)
        timer.timeout.connect(slot)
        return timer

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.title_edit, self.subtitle_edit, self.editor_edit, self.names_combo, self.omit_urls_check):
            widget.setEnabled(enabled)
        for widget in (self.export_button, self.format_combo, self.items_view, self.tabs, self.up_button):
            widget.setEnabled(enabled)
        self.down_button.setEnabled(enabled)
        self.remove_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.refresh_button.setEnabled(enabled and self.spec is not None and self.spec.series is not None)

    # -- loading
    def set_archive(self, path: Path | None) -> None:
        self.flush()
        self.archive_path = path
        self._generation += 1
        self.spec, self.post = None, None
        self._saved_note = ""
        self.items_model.set_entries(())
        self.thread_model.set_thread((), "all", ())
        self.name_label.setText("No anthology open. Choose one under Anthologies in the library.")
        self._set_enabled(False)

    def name(self) -> str | None:
        return self.spec.name if self.spec is not None else None

    def open_anthology(self, name: str) -> Job | None:
        """Load the anthology `name` on a worker and show it (pending edits of the one shown are saved first)."""
        if self.archive_path is None:
            return None
        if self.spec is not None and self.spec.name.casefold() != name.casefold():
            self.flush()
            self._generation += 1
            self.post = None
            self._saved_note = ""
        return self._load_spec(name, fields=True)

    def _load_spec(self, name: str, *, fields: bool) -> Job | None:
        if self.archive_path is None:
            return None
        self._spec_request += 1  # reads may finish out of order on the background lane: only the last one counts
        job = Job(functools.partial(load_anthology_spec, self.archive_path, name), title=f"read anthology {name}")
        job.signals.finished.connect(functools.partial(self._on_spec, (self._generation, self._spec_request), fields))
        job.signals.failed.connect(self._on_failed)
        return self.runner.start(job, lane=Lane.WRITE if self._pending else Lane.BACKGROUND)

    def _on_spec(self, request: tuple[int, int], fields: bool, result: object) -> None:
        if request != (self._generation, self._spec_request) or not isinstance(result, AnthologySpec):
            return
        spec = result
        first = self.spec is None or self.spec.name != spec.name
        self.spec = spec
        current = self.current_entry()
        self._filling = True
        try:
            if fields or first:
                self.name_label.setText(
                    f"Anthology “{spec.name}”" + (f" · follows the series {spec.series}" if spec.series else "")
                )
                self.title_edit.setText(spec.title)
                self.subtitle_edit.setText(spec.subtitle)
                self.editor_edit.setText(spec.editor)
                self.intro_edit.setPlainText(spec.introduction_md)
                self.intro_preview.setMarkdown(spec.introduction_md)  # the editor's own text, not web text
                self.names_combo.setCurrentIndex(max(0, self.names_combo.findData(spec.commenter_names)))
                self.omit_urls_check.setChecked(spec.omit_commenter_urls)
            self.items_model.set_entries(spec.entries)
        finally:
            self._filling = False
        self._set_enabled(True)
        row = self.items_model.row_of(current.post_id) if current is not None else None
        selection = self.items_view.selectionModel()
        if row is not None and not fields:
            # The same item stays current: its widgets already show what was just saved, so only the list moves.
            selection.blockSignals(True)
            try:
                self.items_view.setCurrentIndex(self.items_model.index(row))
            finally:
                selection.blockSignals(False)
            self.items_view.viewport().update()
        else:
            self.items_view.setCurrentIndex(self.items_model.index(row if row is not None else 0))
        self._schedule_estimate()
        self.loaded.emit(spec.name)

    def _on_failed(self, message: str) -> None:
        self.estimate_label.setText("")
        self.export_button.setEnabled(self.spec is not None)
        self.failed.emit(message)

    # -- the current item
    def current_entry(self) -> AnthologyEntry | None:
        index = self.items_view.currentIndex()
        return self.items_model.entry_at(index.row()) if index.isValid() else None

    def select_item(self, post_id: int) -> bool:
        row = self.items_model.row_of(post_id)
        if row is None:
            return False
        self.items_view.setCurrentIndex(self.items_model.index(row))
        return True

    def _on_item_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._flush_item_texts()  # a note or excerpt typed for the previous item goes to that item
        entry = self.items_model.entry_at(current.row()) if current.isValid() else None
        self._filling = True
        try:
            self.section_edit.setText(entry.section or "" if entry else "")
            self.note_edit.setPlainText(entry.note_md if entry else "")
            self._note_post = entry.post_id if entry else None
            self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(entry.comment_mode if entry else "all")))
            self.comment_text.clear()
            self.excerpt_edit.clear()
            self._excerpt_target = None
        finally:
            self._filling = False
        if entry is None:
            self.thread_model.set_thread((), "all", ())
            return
        if self.post is not None and self.post.id == entry.post_id:
            self._show_thread(entry)
            return
        if self.archive_path is not None:
            work = functools.partial(apply_to_archive, self.archive_path, functools.partial(_load_post, entry.post_id))
            job = Job(work, title="read post")
            job.signals.finished.connect(functools.partial(self._on_post_loaded, self._generation))
            job.signals.failed.connect(self._on_failed)
            self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_post_loaded(self, generation: int, result: object) -> None:
        entry = self.current_entry()
        if generation != self._generation or not isinstance(result, Post) or entry is None:
            return
        if result.id != entry.post_id:
            return  # the editor moved on to another item meanwhile
        self.post = result
        self._show_thread(entry)

    def _show_thread(self, entry: AnthologyEntry) -> None:
        assert self.post is not None
        self.thread_model.set_thread(self.post.comments, entry.comment_mode, entry.choices)
        self.thread_view.expandAll()
        self.thread_loaded.emit(entry.post_id)

    def _on_comment_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._flush_item_texts(note=False)
        comment = self.thread_model.comment_at(current) if current.isValid() else None
        entry = self.current_entry()
        self._filling = True
        try:
            self.comment_text.setPlainText(comment.body_md if comment else "")
            own = self.thread_model.choice_of(comment.source_id) if comment else None
            self.excerpt_edit.setPlainText(own.excerpt_md or "" if own else "")
            self._excerpt_target = (entry.post_id, comment.source_id) if comment and entry else None
        finally:
            self._filling = False

    # -- writes: each one a job on the write lane, in order
    def _write(
        self,
        change: Callable[[Archive], object],
        title: str,
        *,
        reload: bool = False,
        then: Callable[[], object] | None = None,
    ) -> Job | None:
        """Run `change` on the write lane; `then` runs on the GUI thread once it is written.

        Every handler is connected before the job starts: a fast worker can finish before `start` returns, and a
        signal emitted with nothing connected yet is lost (the editor then waited forever for "deleted").
        """
        if self.archive_path is None or self.spec is None:
            return None
        self._pending += 1
        job = Job(functools.partial(apply_to_archive, self.archive_path, change), title=title)
        job.signals.finished.connect(functools.partial(self._on_written, self._generation, reload))
        if then is not None:
            job.signals.finished.connect(lambda _result: then())
        job.signals.failed.connect(self._on_write_failed)
        return self.runner.start(job, lane=Lane.WRITE)

    def _on_written(self, generation: int, reload: bool, _result: object) -> None:
        self._write_ended()
        if generation != self._generation:
            return
        self.saved.emit()
        if reload and self.spec is not None:
            self._load_spec(self.spec.name, fields=False)
            self.changed.emit()
        self._schedule_estimate()

    def _on_write_failed(self, message: str) -> None:
        self._write_ended()
        self.failed.emit(message)
        if self.spec is not None:
            self._load_spec(self.spec.name, fields=True)  # show what is stored, not what failed to be

    def _write_ended(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            waiting, self._after_writes = self._after_writes, []
            for callback in waiting:
                callback()

    def when_saved(self, callback: Callable[[], object]) -> None:
        """Run `callback` once every edit made so far is written (at once if none is pending)."""
        self.flush()
        if self._pending:
            self._after_writes.append(callback)
        else:
            callback()

    def pending_writes(self) -> int:
        return self._pending

    def _save_field(self, field: str) -> Job | None:
        if self._filling or self.spec is None:
            return None
        edit = {"title": self.title_edit, "subtitle": self.subtitle_edit, "editor": self.editor_edit}[field]
        value = edit.text().strip()
        if getattr(self.spec, field) == value:
            return None
        name = self.spec.name
        self.spec = replace(self.spec, **{field: value})
        return self._write(lambda a: a.update_anthology(name, **{field: value}), f"anthology {field}", reload=True)

    def _save_privacy(self, *_args: object) -> Job | None:
        if self._filling or self.spec is None:
            return None
        name = self.spec.name
        names = cast(CommenterNames, self.names_combo.currentData())
        omit = self.omit_urls_check.isChecked()
        change = functools.partial(set_privacy, name=name, names=names, omit=omit)
        return self._write(change, "anthology privacy")

    def _on_intro_typed(self) -> None:
        if self._filling:
            return
        self.intro_preview.setMarkdown(self.intro_edit.toPlainText())
        self._intro_timer.start()

    def save_intro(self) -> Job | None:
        self._intro_timer.stop()
        if self.spec is None or self.spec.introduction_md == self.intro_edit.toPlainText():
            return None
        name, text = self.spec.name, self.intro_edit.toPlainText()
        self.spec = replace(self.spec, introduction_md=text)
        return self._write(lambda a: a.update_anthology(name, introduction_md=text), "anthology introduction")

    def _on_note_typed(self) -> None:
        if not self._filling:
            self._note_timer.start()

    def save_note(self) -> Job | None:
        self._note_timer.stop()
        entry = self._entry_of(self._note_post)
        if self.spec is None or entry is None or entry.note_md == self.note_edit.toPlainText():
            return None
        name, post_id, text = self.spec.name, entry.post_id, self.note_edit.toPlainText()
        return self._write(lambda a: a.set_anthology_item(name, post_id, note_md=text), "item note", reload=True)

    def _save_section(self) -> Job | None:
        entry = self.current_entry()
        if self._filling or self.spec is None or entry is None:
            return None
        section = self.section_edit.text().strip() or None
        if section == entry.section:
            return None
        name = self.spec.name
        return self._write(
            lambda a: a.set_anthology_item(name, entry.post_id, section=section), "item section", reload=True
        )

    def set_section(self, text: str) -> Job | None:
        self.section_edit.setText(text)
        return self._save_section()

    def _save_mode(self, *_args: object) -> Job | None:
        entry = self.current_entry()
        if self._filling or self.spec is None or entry is None:
            return None
        mode = cast(CommentMode, self.mode_combo.currentData())
        if mode == entry.comment_mode:
            return None
        self.thread_model.set_mode(mode)
        name = self.spec.name
        return self._write(
            lambda a: a.set_anthology_item(name, entry.post_id, comment_mode=mode), "comment mode", reload=True
        )

    def set_comment_choice(self, source_id: str, choice: CommentChoiceKind | None) -> Job | None:
        """Include, exclude or include-with-replies one comment of the current item (None: follow the mode)."""
        entry = self.current_entry()
        if self.spec is None or entry is None:
            return None
        self.thread_model.set_choice(source_id, choice)
        own = self.thread_model.choice_of(source_id)
        excerpt = own.excerpt_md if own else None
        name = self.spec.name
        change = functools.partial(
            choose_comment, name=name, post_id=entry.post_id, source_id=source_id, choice=choice, excerpt=excerpt
        )
        return self._write(change, "comment choice", reload=True)

    def _choose_current(self, choice: CommentChoiceKind | None) -> None:
        comment = self.thread_model.comment_at(self.thread_view.currentIndex())
        if comment is not None:
            self.set_comment_choice(comment.source_id, choice)

    def _on_excerpt_typed(self) -> None:
        if not self._filling:
            self._excerpt_timer.start()

    def save_excerpt(self) -> Job | None:
        self._excerpt_timer.stop()
        if self.spec is None or self._excerpt_target is None:
            return None
        post_id, source_id = self._excerpt_target
        text = self.excerpt_edit.toPlainText().strip()
        own = self.thread_model.choice_of(source_id) if self._note_post == post_id else None
        if (own.excerpt_md if own else None) == (text or None) and (own is not None or not text):
            return None
        choice: CommentChoiceKind = own.choice if own is not None else "include"  # an excerpt prints the comment
        if self._note_post == post_id:
            self.thread_model.set_choice(source_id, choice, excerpt_md=text)
        name = self.spec.name
        change = functools.partial(
            choose_comment, name=name, post_id=post_id, source_id=source_id, choice=choice, excerpt=text
        )
        return self._write(change, "comment excerpt", reload=True)

    def _flush_item_texts(self, *, note: bool = True) -> None:
        if note and self._note_timer.isActive():
            self.save_note()
        if self._excerpt_timer.isActive():
            self.save_excerpt()

    def flush(self) -> None:
        """Save every text whose save is still waiting for typing to pause."""
        if self._intro_timer.isActive():
            self.save_intro()
        self._flush_item_texts()
        for edit, field in ((self.title_edit, "title"), (self.subtitle_edit, "subtitle"), (self.editor_edit, "editor")):
            if edit.isModified():
                edit.setModified(False)
                self._save_field(field)

    # -- items
    def move_item(self, post_id: int, position: int) -> Job | None:
        """Store a move the list already shows (drag and drop, Move up/down)."""
        if self.spec is None:
            return None
        name = self.spec.name
        return self._write(lambda a: a.move_anthology_item(name, post_id, position), "move item", reload=True)

    def _step_current(self, step: int) -> None:
        index = self.items_view.currentIndex()
        if not index.isValid():
            return
        row = index.row()
        target = row + step
        if not 0 <= target < self.items_model.rowCount():
            return
        self.items_model.moveRows(QModelIndex(), row, 1, QModelIndex(), target + 1 if step > 0 else target)
        self.items_view.setCurrentIndex(self.items_model.index(target))

    def add_posts(self, post_ids: list[int]) -> Job | None:
        """Append posts (from the post list) after the last item; posts already in the anthology are skipped."""
        if self.spec is None:
            return None
        present = {e.post_id for e in self.items_model.entries()}
        wanted = [p for p in dict.fromkeys(post_ids) if p not in present]
        if not wanted:
            return None
        change = functools.partial(add_posts_to_anthology, name=self.spec.name, post_ids=wanted)
        return self._write(change, "add posts", reload=True)

    def _remove_current(self) -> Job | None:
        entry = self.current_entry()
        if self.spec is None or entry is None:
            return None
        name = self.spec.name
        return self._write(lambda a: a.remove_anthology_item(name, entry.post_id), "remove item", reload=True)

    def refresh_from_series(self) -> Job | None:
        """Append the parts the anthology's series gained since it was made (choices kept)."""
        if self.spec is None or self.spec.series is None:
            return None
        name = self.spec.name
        return self._write(lambda a: a.refresh_anthology(name), "refresh from series", reload=True)

    def _ask_delete(self) -> None:
        if self.spec is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete anthology",
            f"Delete the anthology “{self.spec.name}”? Its choices, notes and edited texts go; the archive stays.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.accepted.connect(self.delete_anthology)
        box.finished.connect(box.deleteLater)
        box.open()

    def delete_anthology(self) -> Job | None:
        """Delete the anthology shown (the archived posts and comments are untouched), then show nothing."""
        if self.spec is None or self.archive_path is None:
            return None
        self.flush()
        name = self.spec.name
        job = self._write(lambda a: a.delete_anthology(name), "delete anthology", then=self.changed.emit)
        self._generation += 1  # nothing of it is shown again
        self.set_archive(self.archive_path)
        return job

    def _entry_of(self, post_id: int | None) -> AnthologyEntry | None:
        row = self.items_model.row_of(post_id) if post_id is not None else None
        return self.items_model.entry_at(row) if row is not None else None

    # -- the page estimate and export (reads: after the writes made so far)
    def _schedule_estimate(self) -> None:
        self._estimate_timer.start()

    def estimate_pages(self) -> None:
        if self._pending:
            self._after_writes.append(self._schedule_estimate)
            return
        if self.archive_path is None or self.spec is None:
            return
        self._estimate_generation += 1
        work = functools.partial(estimate_anthology_pages, self.archive_path, self.spec.name)
        job = Job(work, title="estimate pages")
        job.signals.finished.connect(functools.partial(self._on_estimate, self._estimate_generation))
        job.signals.failed.connect(self._on_failed)
        self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_estimate(self, generation: int, result: object) -> None:
        if generation != self._estimate_generation or not isinstance(result, PageEstimate):
            return
        self.estimate_label.setText(
            f"about {result.pages} pages" + (f" · {self._saved_note}" if self._saved_note else "")
        )
        self.estimate_label.setToolTip(
            f"{result.items} items, {result.words:,} words, {result.comments:,} comments (a rough guess for A4)"
        )
        self.estimate_ready.emit(result.pages)

    def export_format(self) -> ExportChoice:
        """The format chosen beside Export…"""
        name = self.format_combo.currentData()
        return next((c for c in ANTHOLOGY_CHOICES if c.name == name), ANTHOLOGY_CHOICES[0])

    def _ask_export(self) -> None:
        if self.spec is None:
            return
        choice = self.export_format()
        stem = slugify(self.spec.title or self.spec.name, fallback="anthology")
        start = str(Path.home() / f"{stem}{choice.suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "Export anthology", start, f"{choice.label} (*{choice.suffix})")
        if path:
            self.export(with_suffix(Path(path), choice.suffix), fmt=choice.name)

    def _format_for(self, out_path: Path) -> str:
        """The format for a file name given without one: the chosen one when the name ends in its suffix, else the
        one the name's ending names (".json" is the anthology's JSON, not CSL-JSON), else the chosen one."""
        chosen, name = self.export_format(), out_path.name.lower()
        if name.endswith(chosen.suffix):
            return chosen.name
        if name.endswith(".json"):
            return "json"
        return next((c.name for c in ANTHOLOGY_CHOICES if name.endswith(c.suffix)), chosen.name)

    def export(self, out_path: Path, *, fmt: str | None = None, preview: bool = True) -> None:
        """Export as `fmt` (a name of `ANTHOLOGY_CHOICES`; by default the one the file name's ending names, else
        the one chosen beside Export…) on a worker, once pending edits are written; then preview a PDF. The file
        name gets the format's suffix when it lacks it."""
        fmt = fmt or self._format_for(out_path)
        choice = next((c for c in ANTHOLOGY_CHOICES if c.name == fmt), None)
        if choice is None:
            raise ValueError(f"unknown anthology export format {fmt!r}")
        out_path = with_suffix(out_path, choice.suffix)
        self.when_saved(functools.partial(self._start_export, out_path, fmt, preview))

    def _start_export(self, out_path: Path, fmt: str, preview: bool) -> None:
        if self.archive_path is None or self.spec is None:
            return
        db, name = self.archive_path, self.spec.name
        work: Callable[..., object]
        if fmt in ("pdf", "json"):
            book = cast(Literal["pdf", "json"], fmt)
            work = functools.partial(export_anthology, db, name, fmt=book, out_path=out_path)
        elif fmt == "warc":  # the raw captures behind the anthology's posts, for a web archive
            work = functools.partial(
                export_warc_job, db_path=db, out_path=out_path, selection=WarcSelection(anthology=name)
            )
        else:  # EPUB, Markdown, web page, citations: every choice of the anthology applied
            work = ignore_progress(
                functools.partial(export_anthology_as, fmt, db_path=db, name=name, out_path=out_path)
            )
        job = Job(work, title=f"Export {out_path.name}")
        job.signals.finished.connect(functools.partial(self._on_exported, preview))
        job.signals.failed.connect(self._on_failed)
        self.export_button.setEnabled(False)
        self.estimate_label.setText(f"Exporting {out_path.name}…")
        self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_exported(self, preview: bool, result: object) -> None:
        self.export_button.setEnabled(self.spec is not None)
        report = result if isinstance(result, WarcReport) else None
        path = Path(report.path) if report is not None else Path(str(result))
        self._saved_note = f"saved {path.name}"
        self.export_button.setToolTip(f"Last export: {path}" + (f"\n{warc_summary(report)}" if report else ""))
        self._schedule_estimate()
        if preview and path.suffix.lower() == ".pdf":
            self.close_dialogs()
            self.preview_dialog = PdfPreviewDialog(path, self)
            self.preview_dialog.open()
        self.exported.emit(str(path))

    def close_dialogs(self) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.close()
            self.preview_dialog.deleteLater()
            self.preview_dialog = None
