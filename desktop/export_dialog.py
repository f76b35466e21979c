"""The export dialog: a series or the selected posts, as PDF (with its page size), EPUB, a Markdown bundle, one web
page, citations or a WARC of their captures, or the whole archive as JSON or WARC; the export runs on a worker, then
a PDF is previewed in the dialog (QtPdf) with "Open" and "Show in folder"; the other formats say where they were
saved. `EXPORT_CHOICES` (every format with its file-name suffix) is shared with the anthology editor."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
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
from desktop.warc import WarcSelection, export_warc
from desktop.workers import Job, JobRunner, Lane
from exporters.formats import FORMATS
from exporters.warc import WarcReport
from storage.records import PostSummary

PAGE_SIZES = ("A4", "Letter", "A5")


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """One format the front ends offer: its name (as `threadbook export --format` takes it), label and suffix."""

    name: str
    label: str
    suffix: str


PDF_CHOICE = ExportChoice("pdf", "PDF anthology", ".pdf")
WARC_CHOICE = ExportChoice("warc", "WARC (the raw captures, for web archives)", ".warc.gz")
JSON_CHOICE = ExportChoice("json", "JSON (the documented archive format)", ".json")
# What a series, a selection or an anthology can be written as: the PDF, every format of exporters/formats.py, and
# the captures behind the posts as a WARC. JSON is offered only where the whole document makes sense.
BOOK_CHOICES: tuple[ExportChoice, ...] = (
    PDF_CHOICE,
    *(ExportChoice(f.name, f.label, f.suffix) for f in FORMATS),
    WARC_CHOICE,
)
EXPORT_CHOICES: tuple[ExportChoice, ...] = (*BOOK_CHOICES, JSON_CHOICE)
# An anthology as JSON is its own document (docs/json-format.md, version 2, with the editor's choices).
ANTHOLOGY_CHOICES: tuple[ExportChoice, ...] = (
    *BOOK_CHOICES,
    ExportChoice("json", "JSON (the anthology with its choices)", ".json"),
)


def export_choice(name: str) -> ExportChoice:
    """The choice called `name` (KeyError for an unknown one: a programming error)."""
    for choice in EXPORT_CHOICES:
        if choice.name == name:
            return choice
    raise KeyError(name)


def with_suffix(path: Path, suffix: str) -> Path:
    """`path` ending in `suffix` (compared case-insensitively): "book" -> "book.epub", "notes.v2" ->
    "notes.v2.epub", "Book.EPUB" unchanged. The suffix is added, never swapped, so a dot in a title survives."""
    return path if path.name.lower().endswith(suffix.lower()) else path.with_name(path.name + suffix)


def export_warc_job(
    *,
    db_path: Path,
    out_path: Path,
    selection: WarcSelection,
    images: bool = True,
    progress: Callable[[object], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> WarcReport:
    """`desktop.warc.export_warc` in the Job convention: progress goes out as one `(done, total)` value."""

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress((done, total))

    return export_warc(
        db_path=db_path, out_path=out_path, selection=selection, images=images, progress=report, cancelled=cancelled
    )


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
        self.all_radio = QRadioButton("The whole archive (JSON or WARC)")
        self.what_group = QButtonGroup(self)
        for button in (self.series_radio, self.posts_radio, self.all_radio):
            self.what_group.addButton(button)
        self.series_radio.setEnabled(bool(series))
        self.series_combo.setEnabled(bool(series))
        self.posts_radio.setEnabled(bool(self.selected))
        (self.series_radio if series else self.posts_radio if self.selected else self.all_radio).setChecked(True)

        self.format_combo = QComboBox()
        for choice in EXPORT_CHOICES:
            self.format_combo.addItem(choice.label, choice.name)
        self.images_check = QCheckBox("With the posts' images")
        self.images_check.setChecked(True)
        self.images_check.setToolTip("For WARC: write the archived images too, beside the pages")
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
        form.addRow("", self.images_check)
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
        """The file name ending of the chosen format (".pdf", ".epub", ".zip", ".warc.gz", ...)."""
        return export_choice(self.fmt()).suffix

    def _update(self, *_args: object) -> None:
        # JSON writes the whole archive only; WARC writes a series, the selection or everything; the other
        # formats write posts (a series or the selection).
        fmt = self.fmt()
        self.all_radio.setEnabled(fmt in ("json", "warc"))
        self.series_radio.setEnabled(fmt != "json" and self.series_combo.count() > 0)
        self.posts_radio.setEnabled(fmt != "json" and bool(self.selected))
        if fmt == "json":
            self.all_radio.setChecked(True)
        elif fmt != "warc" and self.all_radio.isChecked():
            (self.series_radio if self.series_radio.isEnabled() else self.posts_radio).setChecked(True)
        self.series_combo.setEnabled(self.series_radio.isEnabled())
        self.page_combo.setEnabled(fmt == "pdf")
        self.images_check.setVisible(fmt == "warc")
        self.title_edit.setEnabled(fmt not in ("json", "warc") and self.posts_radio.isChecked())
        chosen = self.what_group.checkedButton()
        self.export_button.setEnabled(chosen is not None and chosen.isEnabled())
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
        choice = export_choice(self.fmt())
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.path_edit.text(), f"{choice.label} (*{choice.suffix})"
        )
        if path:
            self.path_edit.setText(str(with_suffix(Path(path), choice.suffix)))

    # -- the job
    def start_export(self) -> Job | None:
        """Run the export on a worker (read-only: the background lane)."""
        out = Path(self.path_edit.text()).expanduser()
        if not self.path_edit.text().strip() or not out.name:
            self.message.setText("Choose where to save the export.")
            return None
        db = self.archive_path
        fmt = self.fmt()
        out = with_suffix(out, self.suffix())  # an .epub is called .epub: readers and file managers go by it
        self.path_edit.setText(str(out))
        if fmt == "warc":
            selection = (
                WarcSelection(series=self.series_combo.currentText())
                if self.series_radio.isChecked()
                else WarcSelection(post_ids=tuple(p.id for p in self.selected))
                if self.posts_radio.isChecked()
                else WarcSelection()
            )
            warc = functools.partial(
                export_warc_job, db_path=db, out_path=out, selection=selection, images=self.images_check.isChecked()
            )
        elif fmt == "json":
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
        job = Job(warc if fmt == "warc" else ignore_progress(work), title=f"Export {out.name}")
        job.signals.finished.connect(self._on_exported)
        job.signals.failed.connect(self._on_failed)
        job.signals.progress.connect(self._on_progress)
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.message.setText(f"Exporting to {out}…")
        self.job = job
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
            done, total = value
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))

    def _on_exported(self, result: object) -> None:
        self.job = None
        self.progress.hide()
        report = result if isinstance(result, WarcReport) else None
        self.out_path = Path(report.path) if report is not None else Path(str(result))
        self.exported.emit(str(self.out_path))
        if report is not None:
            self.message.setText(f"Saved {self.out_path}\n{warc_summary(report)}")
            self.export_button.setEnabled(True)
            return
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


def warc_summary(report: WarcReport) -> str:
    """One line on what a WARC export wrote."""
    line = (
        f"{report.responses:,} pages, {report.revisits:,} not-modified revisits and {report.images:,} images, "
        f"{report.size:,} bytes."
    )
    if report.responses == 0 and report.revisits == 0:
        line += " No stored fetches behind this selection (imported posts have none)."
    return line


def ignore_progress(work: Callable[..., object]) -> Callable[..., object]:
    """Exports take no progress callback: adapt them to the Job calling convention."""

    def run(*, progress: object = None, cancelled: object = None) -> object:
        return work()

    return run
