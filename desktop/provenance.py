"""The provenance of one post: every capture (when, from where, HTTP status, content hash) and its raw HTML as text."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models import format_datetime
from desktop.reads import load_capture_text, load_post_captures
from desktop.workers import Job, JobRunner
from storage.queries import CaptureInfo
from storage.records import Post

RAW_TEXT_LIMIT = 2_000_000  # characters shown of one raw page; more would make the text view sluggish


def open_in_browser(url: str) -> bool:
    """Hand an http(s) address to the system browser; anything else is refused (False)."""
    qurl = QUrl(url)
    if qurl.scheme().lower() not in ("http", "https") or not qurl.host():
        return False
    return QDesktopServices.openUrl(qurl)


class ProvenanceDialog(QDialog):
    """Where a post came from. The captures list and the raw bodies are read on workers."""

    captures_loaded = Signal(int)
    raw_loaded = Signal(int)  # capture id

    COLUMNS = ("Captured (UTC)", "URL", "Status", "SHA-256", "Size")

    def __init__(
        self,
        post: Post,
        *,
        archive_path: Path,
        runner: JobRunner,
        open_url: Callable[[str], bool] = open_in_browser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.post, self.archive_path, self.runner, self.open_url = post, archive_path, runner, open_url
        self.captures: list[CaptureInfo] = []
        self.setWindowTitle("Provenance")
        self.resize(900, 600)

        heading = QLabel(post.title or post.url)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        url_label = QLabel(post.url)
        url_label.setTextFormat(Qt.TextFormat.PlainText)
        url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentCellChanged.connect(self._on_row_changed)

        self.raw = QPlainTextEdit()  # plain text only: the captured HTML is never rendered
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw.setPlaceholderText("Select a capture to see the page exactly as it was received.")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.raw.setFont(mono)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.raw)
        splitter.setSizes([180, 380])

        self.open_button = QPushButton("Open original in browser")
        self.open_button.clicked.connect(lambda: self.open_url(self.post.url))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.status = QLabel("Reading captures…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(url_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._load_captures()

    def _load_captures(self) -> None:
        assert self.post.id is not None
        job = Job(functools.partial(load_post_captures, self.archive_path, self.post.id), title="read captures")
        job.signals.finished.connect(self._on_captures)
        job.signals.failed.connect(self.status.setText)
        self.runner.start(job)

    def _on_captures(self, result: object) -> None:
        self.captures = cast(list[CaptureInfo], result)
        self.table.setRowCount(len(self.captures))
        for row, capture in enumerate(self.captures):
            url = capture.url if capture.final_url == capture.url else f"{capture.url} → {capture.final_url}"
            size = f"{capture.size:,} B" if capture.size is not None else "—"
            values = (format_datetime(capture.fetched_at), url, str(capture.status), capture.content_sha256[:16], size)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # item text is plain text
                if column == 3:
                    item.setToolTip(capture.content_sha256)
                self.table.setItem(row, column, item)
        count = len(self.captures)
        self.status.setText(
            f"{count} capture{'s' if count != 1 else ''}" if count else "No captures of this post are stored."
        )
        if count:
            self.table.selectRow(count - 1)  # the newest
        self.captures_loaded.emit(count)

    def _on_row_changed(self, row: int, _column: int, _prev_row: int, _prev_column: int) -> None:
        if not 0 <= row < len(self.captures):
            return
        capture = self.captures[row]
        job = Job(functools.partial(load_capture_text, self.archive_path, capture.id), title="read capture")
        job.signals.finished.connect(functools.partial(self._on_raw, capture.id))
        job.signals.failed.connect(self.status.setText)
        self.runner.start(job)

    def _on_raw(self, capture_id: int, text: object) -> None:
        body = str(text)
        if len(body) > RAW_TEXT_LIMIT:
            body = body[:RAW_TEXT_LIMIT] + "\n… (cut: the rest is in the archive)"
        self.raw.setPlainText(body or "(No body was stored for this capture: the server answered “not modified”.)")
        self.raw_loaded.emit(capture_id)
