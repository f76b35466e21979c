"""The export dialog: a series or the selected posts, as PDF (with its page size), EPUB, a Markdown bundle, one web
page or citations, or the whole archive as JSON; the export runs on a worker, then a PDF is previewed in the dialog
(QtPdf) with "Open" and "Show in folder"; the other formats say where they were saved."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import exports
from desktop.exports import file_stem
from desktop.workers import Job, JobRunner, Lane
from exporters.formats import FORMATS
from storage.records import PostSummary

PAGE_SIZES = ("A4", "Letter", "A5")


def slugify(text: str, *, fallback: str = "export") -> str:
    """A file name stem from a title (see desktop.exports.file_stem)."""
    return file_stem(text, fallback=fallback)


def open_local_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ExportDialog(QDialog):
    """Choose what to export and how; export on a worker; preview the PDF."""

    exported = Signal(str)  # the file written
    failed = Signal(str)
    preview_ready = Signal(int)  # pages in the previewed PDF

    def __init__(
        self,
        *,
        archive_path: Path,
        runner: JobRunner,
        series: Sequence[str],
        selected: Sequence[PostSummary],
        out_dir: Path,
        page_size: str = "A4",
        open_path: Callable[[Path], bool] = open_local_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.archive_path, self.runner, self.open_path = archive_path, runner, open_path
        self.selected = list(selected)
        self.out_path: Path | None = None
        self.job: Job | None = None
        self.setWindowTitle("Export")
        self.resize(760, 720)

        self.series_radio = QRadioButton("A series:")
        self.series_combo = QComboBox()
        self.series_combo.addItems(list(series))
        self.posts_radio = QRadioButton(f"The selected posts ({len(self.selected):,})")
        self.all_radio = QRadioButton("The whole archive (JSON only)")
        self.what_group = QButtonGroup(self)
        for button in (self.series_radio, self.posts_radio, self.all_radio):
            self.what_group.addButton(button)
        self.series_radio.setEnabled(bool(series))
        self.series_combo.setEnabled(bool(series))
        self.posts_radio.setEnabled(bool(self.selected))
        (self.series_radio if series else self.posts_radio if self.selected else self.all_radio).setChecked(True)

        self.format_combo = QComboBox()
        self.format_combo.addItem("PDF anthology", "pdf")
        for export_format in FORMATS:
            self.format_combo.addItem(export_format.label, export_format.name)
        self.format_combo.addItem("JSON (the documented archive format)", "json")
        self.page_combo = QComboBox()
        self.page_combo.addItems(list(PAGE_SIZES))
        self.page_combo.setCurrentText(page_size if page_size in PAGE_SIZES else "A4")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Title of the anthology (for selected posts)")
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self._out_dir = out_dir

        series_row = QHBoxLayout()
        series_row.addWidget(self.series_radio)
        series_row.addWidget(self.series_combo, 1)
        form = QFormLayout()
        what_box = QVBoxLayout()
        what_box.addLayout(series_row)
        what_box.addWidget(self.posts_radio)
        what_box.addWidget(self.all_radio)
        form.addRow("Export:", what_box)
        form.addRow("Format:", self.format_combo)
        form.addRow("Page size:", self.page_combo)
        form.addRow("Title:", self.title_edit)
        form.addRow("Save as:", path_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.message = QLabel("")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.addLayout(form)
        form_layout.addStretch(1)
        form_layout.addWidget(self.progress)
        form_layout.addWidget(self.message)

        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview_label = QLabel("")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(lambda: self.out_path and self.open_path(self.out_path))
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.clicked.connect(lambda: self.out_path and self.open_path(self.out_path.parent))
        preview_buttons = QHBoxLayout()
        preview_buttons.addWidget(self.preview_label, 1)
        preview_buttons.addWidget(self.open_button)
        preview_buttons.addWidget(self.folder_button)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addLayout(preview_buttons)
        preview_layout.addWidget(self.pdf_view, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(preview_page)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)

        for signal in (self.what_group.buttonToggled, self.format_combo.currentIndexChanged):
            signal.connect(self._update)
        self.series_combo.currentIndexChanged.connect(self._suggest_path)
        self._update()

    # -- choices
    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def suffix(self) -> str:
        """The file name ending of the chosen format (".pdf", ".epub", ".zip", ...)."""
        fmt = self.fmt()
        return next((f.suffix for f in FORMATS if f.name == fmt), f".{fmt}")

    def _update(self, *_args: object) -> None:
        # Every format but JSON writes posts (a series or the selection); only JSON writes the whole archive.
        pdf = self.fmt() != "json"
        self.all_radio.setEnabled(not pdf)
        if pdf and self.all_radio.isChecked():
            (self.series_radio if self.series_radio.isEnabled() else self.posts_radio).setChecked(True)
        self.page_combo.setEnabled(self.fmt() == "pdf")
        self.title_edit.setEnabled(pdf and self.posts_radio.isChecked())
        ready = pdf and (self.series_radio.isChecked() or self.posts_radio.isChecked()) or not pdf
        self.export_button.setEnabled(
            ready and (self.series_radio.isEnabled() or self.posts_radio.isEnabled() or not pdf)
        )
        self._suggest_path()

    def _suggest_path(self, *_args: object) -> None:
        if self.series_radio.isChecked() and self.series_combo.currentText():
            stem = slugify(self.series_combo.currentText())
        elif self.posts_radio.isChecked():
            stem = "selected-posts"
        else:
            stem = "threadbook-archive"
        self.path_edit.setText(str(self._out_dir / f"{stem}{self.suffix()}"))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    # -- the job
    def start_export(self) -> Job | None:
        """Run the export on a worker (read-only: the background lane)."""
        out = Path(self.path_edit.text()).expanduser()
        if not out.name:
            self.message.setText("Choose where to save the export.")
            return None
        db = self.archive_path
        fmt = self.fmt()
        if fmt == "json":
            work = functools.partial(exports.export_json, db_path=db, out_path=out)
        elif fmt != "pdf" and self.series_radio.isChecked():
            work = functools.partial(
                exports.export_series_as, fmt, db_path=db, series=self.series_combo.currentText(), out_path=out
            )
        elif fmt != "pdf":
            work = functools.partial(
                exports.export_posts_as,
                fmt,
                db_path=db,
                post_ids=[p.id for p in self.selected],
                title=self.title_edit.text().strip() or "Selected posts",
                out_path=out,
            )
        elif self.series_radio.isChecked():
            work = functools.partial(
                exports.export_series_pdf,
                db_path=db,
                series=self.series_combo.currentText(),
                out_path=out,
                page_size=self.page_combo.currentText(),
            )
        else:
            work = functools.partial(
                exports.export_posts_pdf,
                db_path=db,
                post_ids=[p.id for p in self.selected],
                title=self.title_edit.text().strip() or "Selected posts",
                out_path=out,
                page_size=self.page_combo.currentText(),
            )
        job = Job(_ignore_progress(work), title=f"Export {out.name}")
        job.signals.finished.connect(self._on_exported)
        job.signals.failed.connect(self._on_failed)
        self.export_button.setEnabled(False)
        self.progress.show()
        self.message.setText(f"Exporting to {out}…")
        self.job = job
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_exported(self, result: object) -> None:
        self.job = None
        self.progress.hide()
        self.out_path = Path(str(result))
        self.exported.emit(str(self.out_path))
        if self.out_path.suffix.lower() != ".pdf":
            self.message.setText(f"Saved {self.out_path}")
            self.export_button.setEnabled(True)
            return
        self.document.load(str(self.out_path))  # QtPdf reads pages lazily: opening is quick
        pages = self.document.pageCount()
        self.preview_label.setText(f"{self.out_path.name} · {pages} page{'s' if pages != 1 else ''}")
        self.pages.setCurrentIndex(1)
        self.preview_ready.emit(pages)

    def _on_failed(self, message: str) -> None:
        self.job = None
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.message.setText(message)
        self.failed.emit(message)

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel.set()
        super().done(result)


def _ignore_progress(work: Callable[..., object]) -> Callable[..., object]:
    """Exports take no progress callback: adapt them to the Job calling convention."""

    def run(*, progress: object = None, cancelled: object = None) -> object:
        return work()

    return run
