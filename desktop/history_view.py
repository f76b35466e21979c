"""The history of one post in a dialog: its captures over time, and the diff between two of them (text and comments).

Everything is read and compared on workers (`desktop/history.py`); the dialog only shows records. Web text is shown
as plain text only: the diff in a QPlainTextEdit (coloured by a highlighter, never as rich text), comments in list
items, and the selected comment's before/after in another plain text box. No tooltips: Qt would guess rich text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.history import CommentChange, PostHistory, VersionDiff, diff_versions, load_history
from desktop.workers import Job, JobRunner

DIFF_TEXT_LIMIT = 2_000_000  # characters of diff shown; more would make the text view sluggish


def read_history(path: Path, post_id: int, *, progress: object = None, cancelled: object = None) -> PostHistory:
    """Worker: the post's history from the archive at `path`."""
    return load_history(path, str(post_id))


def compare(
    record: PostHistory, older: int, newer: int, *, progress: object = None, cancelled: object = None
) -> VersionDiff:
    """Worker: the diff between two versions of a history already read."""
    return diff_versions(record, older, newer)


class DiffHighlighter(QSyntaxHighlighter):
    """Colours a unified diff by its line prefixes (formats only: the text stays plain)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        for prefix, colour in (("+", "#1a7f37"), ("-", "#cf222e"), ("@", "#0969da")):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            self.formats[prefix] = fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        fmt = self.formats.get(text[:1])
        if fmt is not None and not text.startswith(("+++", "---")):
            self.setFormat(0, len(text), fmt)


class HistoryDialog(QDialog):
    """A post's captures over time and what changed between two of them."""

    history_loaded = Signal(int)  # number of versions
    diff_shown = Signal(int, int)  # the two version numbers compared

    COLUMNS = ("#", "Captured (UTC)", "Status", "Text", "Comments", "Thread")

    def __init__(
        self,
        post_id: int,
        *,
        title: str,
        url: str,
        archive_path: Path,
        runner: JobRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.post_id, self.archive_path, self.runner = post_id, archive_path, runner
        self.record: PostHistory | None = None
        self.diff: VersionDiff | None = None
        self._changes: list[CommentChange] = []
        self.setWindowTitle("History")
        self.resize(1000, 700)

        heading = QLabel(title or url)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        url_label = QLabel(url)
        url_label.setTextFormat(Qt.TextFormat.PlainText)
        url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_row_changed)

        self.older_box, self.newer_box = QComboBox(), QComboBox()
        for box in (self.older_box, self.newer_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.older_box.currentIndexChanged.connect(self._on_pair_changed)
        self.newer_box.currentIndexChanged.connect(self._on_pair_changed)
        pair = QHBoxLayout()
        pair.addWidget(QLabel("Compare capture"))
        pair.addWidget(self.older_box)
        pair.addWidget(QLabel("with"))
        pair.addWidget(self.newer_box)
        pair.addStretch(1)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.diff_view.setFont(mono)
        self.diff_view.setPlaceholderText("Choose two captures to see what changed in the post's text.")
        self.highlighter = DiffHighlighter(self.diff_view.document())
        self.older_text, self.newer_text = QPlainTextEdit(), QPlainTextEdit()
        side_by_side = QSplitter(Qt.Orientation.Horizontal)
        for view in (self.older_text, self.newer_text):
            view.setReadOnly(True)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            side_by_side.addWidget(view)
        self.text_tabs = QTabWidget()
        self.text_tabs.addTab(self.diff_view, "Changes")
        self.text_tabs.addTab(side_by_side, "Side by side")

        self.lists: dict[str, QListWidget] = {}
        self.tabs = QTabWidget()
        for key, label in (("appeared", "Appeared"), ("changed", "Edited"), ("disappeared", "Disappeared")):
            widget = QListWidget()
            widget.currentRowChanged.connect(functools.partial(self._on_comment_selected, key))
            self.lists[key] = widget
            self.tabs.addTab(widget, label)
        self.comment_view = QPlainTextEdit()
        self.comment_view.setReadOnly(True)
        self.comment_view.setPlaceholderText("Select a comment to see its text in both captures.")

        comments_box = QSplitter(Qt.Orientation.Vertical)
        comments_box.addWidget(self.tabs)
        comments_box.addWidget(self.comment_view)
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(self.text_tabs)
        right.addWidget(comments_box)
        right.setSizes([600, 400])
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(self.table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pair)
        lower_layout.addWidget(right, 1)
        outer.addWidget(lower)
        outer.setSizes([200, 480])

        self.status = QLabel("Reading the post's captures…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(url_label)
        layout.addWidget(outer, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._load()

    # -- reading
    def _load(self) -> None:
        job = Job(functools.partial(read_history, self.archive_path, self.post_id), title="read history")
        job.signals.finished.connect(self._on_history)
        job.signals.failed.connect(self.status.setText)
        self.runner.start(job)

    def _on_history(self, result: object) -> None:
        record = cast(PostHistory, result)
        self.record = record
        versions = record.versions
        self.table.setRowCount(len(versions))
        previous: set[str] = set()
        for row, version in enumerate(versions):
            ids = {c.source_id for c in version.comments}
            text = "first capture" if row == 0 else "changed" if version.text_changed else "unchanged"
            new, gone = len(ids - previous), len(previous - ids)
            thread = (
                ""
                if row == 0
                else ", ".join([*([f"+{new} new"] if new else []), *([f"-{gone} gone"] if gone else [])])
                or ("edited" if version.thread_changed else "unchanged")
            )
            status = "304 not modified" if version.status == 304 else str(version.status)
            values = (
                str(version.number),
                version.fetched_at.strftime("%Y-%m-%d %H:%M:%S"),
                status,
                text,
                str(len(version.comments)),
                thread,
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))  # item text is plain text
            previous = ids
        labels = [f"{v.number} · {v.fetched_at:%Y-%m-%d %H:%M}" for v in versions]
        for box in (self.older_box, self.newer_box):
            box.blockSignals(True)
            box.clear()
            box.addItems(labels)
            box.blockSignals(False)
        removed = sum(1 for c in record.archived_comments if c.removed_at is not None)
        if not versions:
            self.status.setText(record.note)
        else:
            count = len(versions)
            kept = f" {removed} removed upstream, kept in the archive." if removed else ""
            self.status.setText(f"{count} capture{'s' if count != 1 else ''} of this post.{kept}")
        self.history_loaded.emit(len(versions))
        if len(versions) >= 2:
            self.show_diff(len(versions) - 1, len(versions))
        elif versions:
            self.table.selectRow(0)

    def show_diff(self, older: int, newer: int) -> None:
        """Compare versions `older` and `newer` (1 = oldest) on a worker, then show the result."""
        if self.record is None or not self.record.versions:
            return
        for box, number in ((self.older_box, older), (self.newer_box, newer)):
            box.blockSignals(True)
            box.setCurrentIndex(number - 1)
            box.blockSignals(False)
        job = Job(functools.partial(compare, self.record, older, newer), title="compare captures")
        job.signals.finished.connect(self._on_diff)
        job.signals.failed.connect(self.status.setText)
        self.runner.start(job)

    def _on_pair_changed(self, _index: int) -> None:
        older, newer = self.older_box.currentIndex() + 1, self.newer_box.currentIndex() + 1
        if older >= 1 and newer >= 1:
            self.show_diff(older, newer)

    def _on_row_changed(self, row: int, _column: int, _prev_row: int, _prev_column: int) -> None:
        """Selecting a capture compares it with the one before it."""
        if self.record is None or not 0 <= row < len(self.record.versions):
            return
        number = row + 1
        if self.diff is not None and self.diff.newer.number == number:
            return
        self.show_diff(max(1, number - 1), number)

    def _on_diff(self, result: object) -> None:
        diff = cast(VersionDiff, result)
        self.diff = diff
        a, b = diff.older, diff.newer
        if diff.text_diff:
            text = _capped(diff.text_diff)
        elif a.number == b.number:
            text = f"Capture {a.number} compared with itself. Choose two different captures."
        else:
            text = f"The post's text is the same in captures {a.number} and {b.number}."
        self.diff_view.setPlainText(text)
        self.older_text.setPlainText(f"Capture {a.number} ({a.fetched_at:%Y-%m-%d %H:%M} UTC)\n\n{_capped(a.text)}")
        self.newer_text.setPlainText(f"Capture {b.number} ({b.fetched_at:%Y-%m-%d %H:%M} UTC)\n\n{_capped(b.text)}")
        for key, changes in (("appeared", diff.appeared), ("changed", diff.changed), ("disappeared", diff.disappeared)):
            widget = self.lists[key]
            widget.clear()
            for change in changes:
                line = f"#{change.source_id}  {change.author}: {_excerpt(change.after or change.before or '')}"
                if change.removed_at is not None:
                    line += f"  (kept, marked removed {change.removed_at:%Y-%m-%d %H:%M})"
                widget.addItem(QListWidgetItem(line))
            label = {"appeared": "Appeared", "changed": "Edited", "disappeared": "Disappeared"}[key]
            self.tabs.setTabText(list(self.lists).index(key), f"{label} ({len(changes)})")
        self.comment_view.clear()
        self.table.blockSignals(True)
        self.table.selectRow(b.number - 1)
        self.table.blockSignals(False)
        self.diff_shown.emit(a.number, b.number)

    def _on_comment_selected(self, key: str, row: int) -> None:
        if self.diff is None or row < 0:
            return
        changes = {"appeared": self.diff.appeared, "changed": self.diff.changed, "disappeared": self.diff.disappeared}
        if row >= len(changes[key]):
            return
        change = changes[key][row]
        a, b = self.diff.older.number, self.diff.newer.number
        parts = [f"Comment #{change.source_id} by {change.author}"]
        if change.removed_at is not None:
            parts.append(f"Removed upstream; the archive keeps it (marked {change.removed_at:%Y-%m-%d %H:%M} UTC).")
        parts.append(f"\nIn capture {a}:\n{change.before if change.before is not None else '(not there)'}")
        parts.append(f"\nIn capture {b}:\n{change.after if change.after is not None else '(gone)'}")
        self.comment_view.setPlainText("\n".join(parts))


def _capped(text: str) -> str:
    """At most DIFF_TEXT_LIMIT characters: a text view with more is sluggish."""
    return text if len(text) <= DIFF_TEXT_LIMIT else text[:DIFF_TEXT_LIMIT] + "\n… (cut: the rest is in the archive)"


def _excerpt(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
