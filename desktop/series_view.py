"""The series view: a series' parts in order with its gaps, hand corrections (rename, renumber, remove a post),
"Make anthology from series", and the "Capture this series..." dialog (the plan is shown before anything is saved)."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.anthologies import SeriesFix, apply_to_archive, fix_series, preview_series, series_reports
from desktop.models import RECORD_ROLE, format_date
from desktop.tasks import ArchiveSettings
from desktop.workers import Job, JobRunner, Lane
from storage.archive import Archive
from storage.records import SeriesGap, SeriesPart, SeriesReport

ModelIndex = QModelIndex | QPersistentModelIndex


def gap_label(gap: SeriesGap) -> str:
    """ "— missing" or "— announced but not published": the title cell of a gap row."""
    return "— announced but not published" if gap.kind == "announced" else "— missing"


def unique_anthology_name(archive: Archive, wanted: str) -> str:
    """`wanted`, or "wanted (2)", "wanted (3)"... when an anthology already has that name (names ignore case)."""
    taken = {summary.name.casefold() for summary in archive.list_anthologies()}
    name, number = wanted, 2
    while name.casefold() in taken:
        name, number = f"{wanted} ({number})", number + 1
    return name


def make_anthology_from_series(archive: Archive, series: str, blog_id: int | None) -> str:
    """Create an anthology holding the series' parts in order (it follows the series on refresh); returns its name."""
    name = unique_anthology_name(archive, series)
    return archive.create_anthology(name, from_series=series, series_blog_id=blog_id).name


class SeriesPartsModel(QAbstractTableModel):
    """Parts and gaps of one series in number order; a gap is a row of its own ("part 4 — missing").
    Titles are web text: handed out as plain strings, and tooltips are escaped."""

    COLUMNS = ("Part", "Title", "Date", "Comments")
    NUMBER, TITLE, DATE, COMMENTS = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SeriesPart | SeriesGap] = []

    def set_report(self, report: SeriesReport | None) -> None:
        self.beginResetModel()
        rows: list[SeriesPart | SeriesGap] = []
        if report is not None:
            # Parts keep the series' order; a gap goes just before the first part numbered after it.
            end = len(report.parts)
            keys: dict[int, tuple[int, int]] = {id(p): (i, 1) for i, p in enumerate(report.parts)}
            for gap in report.gaps:
                after = next(
                    (i for i, p in enumerate(report.parts) if gap.number and p.number and p.number > gap.number), end
                )
                keys[id(gap)] = (after, 0 if after < end else 2 + (gap.number or 0))
            rows = sorted([*report.parts, *report.gaps], key=lambda row: keys[id(row)])
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> SeriesPart | SeriesGap | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def parts(self) -> list[SeriesPart]:
        return [row for row in self._rows if isinstance(row, SeriesPart)]

    def gaps(self) -> list[SeriesGap]:
        return [row for row in self._rows if isinstance(row, SeriesGap)]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NUMBER:
                return "" if row.number is None else str(row.number)
            if isinstance(row, SeriesGap):
                return gap_label(row) if column == self.TITLE else ""
            if column == self.TITLE:
                return row.title or row.url
            if column == self.DATE:
                return format_date(row.published_at)
            return f"{row.comment_count:,}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(row, SeriesGap):
                return f"<p>{html.escape(row.message or gap_label(row))}</p>"
            source = "set by hand" if row.source == "manual" else "detected"
            return f"<p>{html.escape(row.url)}<br>{source}</p>"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.NUMBER, self.COMMENTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(row, SeriesGap):
            palette = QApplication.palette()
            return QBrush(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        if role == Qt.ItemDataRole.FontRole and isinstance(row, SeriesGap):
            font = QFont()
            font.setItalic(True)
            return font
        if role == RECORD_ROLE:
            return row
        return None


class SeriesView(QWidget):
    """One series: its parts and gaps, corrections (on the write lane), and the way to an anthology."""

    loaded = Signal(int)  # rows shown (parts and gaps)
    changed = Signal()  # a correction was saved: the library's counts may have moved
    anthology_made = Signal(str)  # the new anthology's name
    capture_requested = Signal(str)  # "Capture this series...": a post URL of the series
    post_activated = Signal(int)  # a part was double-clicked: open it in the reader
    failed = Signal(str)

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.archive_path: Path | None = None
        self.report: SeriesReport | None = None
        self._name: str | None = None
        self._blog_id: int | None = None
        self._generation = 0

        self.heading = QLabel("Select a series in the library.")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.model = SeriesPartsModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SeriesPartsModel.TITLE, QHeaderView.ResizeMode.Stretch)
        m = SeriesPartsModel
        for column, width in ((m.NUMBER, 48), (m.DATE, 96), (m.COMMENTS, 80)):
            header.resizeSection(column, width)
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.rename_button = QPushButton("Rename series…")
        self.rename_button.clicked.connect(self._ask_rename)
        self.number_button = QPushButton("Set part number…")
        self.number_button.clicked.connect(self._ask_number)
        self.remove_button = QPushButton("Remove from series")
        self.remove_button.clicked.connect(self._remove_selected)
        self.anthology_button = QPushButton("Make anthology from series")
        self.anthology_button.clicked.connect(lambda: self.make_anthology())
        self.capture_button = QPushButton("Capture this series…")
        self.capture_button.setToolTip("Find every part from one post's links and capture them with their threads")
        self.capture_button.clicked.connect(self._request_capture)
        buttons = QHBoxLayout()
        for button in (self.rename_button, self.number_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.capture_button)
        buttons.addWidget(self.anthology_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- loading
    def set_archive(self, path: Path | None) -> None:
        self.archive_path = path
        self._generation += 1
        self.report, self._name, self._blog_id = None, None, None
        self.model.set_report(None)
        self.heading.setText("Select a series in the library.")
        self.summary.setText("")
        self._update_buttons()

    def show_series(self, name: str, blog_id: int | None = None) -> Job | None:
        """Load the series `name` (of `blog_id`, or the first blog that has one) with its gaps, on a worker."""
        if self.archive_path is None:
            return None
        self._name, self._blog_id = name, blog_id
        self._generation += 1
        self.heading.setText(name)
        self.summary.setText("Reading the series…")
        job = Job(functools.partial(series_reports, self.archive_path, name), title=f"read series {name}")
        job.signals.finished.connect(functools.partial(self._on_loaded, self._generation))
        job.signals.failed.connect(self._on_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def reload(self) -> Job | None:
        return self.show_series(self._name, self._blog_id) if self._name else None

    def _on_loaded(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        reports = [r for r in result if isinstance(r, SeriesReport)] if isinstance(result, list) else []
        report = next((r for r in reports if self._blog_id in (None, r.blog_id)), reports[0] if reports else None)
        self.report = report
        self.model.set_report(report)
        if report is None:
            self.summary.setText("This series has no parts left.")
        else:
            self._name, self._blog_id = report.name, report.blog_id
            self.heading.setText(report.name)
            parts = len(report.parts)
            gaps = "; ".join(g.message for g in report.gaps) if report.gaps else "no gaps"
            also = f" Detected as: {', '.join(report.detected_names)}." if report.detected_names else ""
            self.summary.setText(f"{parts} part{'s' if parts != 1 else ''} on {report.blog_url} — {gaps}.{also}")
        self._update_buttons()
        self.loaded.emit(self.model.rowCount())

    def _on_failed(self, message: str) -> None:
        self.summary.setText(message)
        self.failed.emit(message)

    def _update_buttons(self) -> None:
        has_series = self.report is not None
        part = self.selected_part()
        self.rename_button.setEnabled(has_series)
        self.anthology_button.setEnabled(has_series and bool(self.report and self.report.parts))
        self.number_button.setEnabled(part is not None)
        self.remove_button.setEnabled(part is not None)
        self.capture_button.setEnabled(self.archive_path is not None)

    def selected_part(self) -> SeriesPart | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, SeriesPart) else None

    def _on_double_click(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if isinstance(row, SeriesPart):
            self.post_activated.emit(row.post_id)

    # -- corrections: written through the archive API on the write lane; they survive later updates
    def _correct(self, fix: SeriesFix, title: str) -> Job | None:
        if self.archive_path is None or self._name is None:
            return None
        job = Job(functools.partial(_fix, self.archive_path, self._name, fix), title=title)
        job.signals.finished.connect(self._on_corrected)
        job.signals.failed.connect(self._on_failed)
        return self.runner.start(job, lane=Lane.WRITE)

    def _on_corrected(self, result: object) -> None:
        if isinstance(result, list) and result and isinstance(result[0], SeriesReport):
            self._name = result[0].name  # a rename changes the name to reload by
        self.reload()
        self.changed.emit()

    def rename_series(self, new_name: str) -> Job | None:
        return self._correct(SeriesFix(rename=new_name), f"rename series to {new_name}")

    def set_part_number(self, post_id: int, number: int) -> Job | None:
        return self._correct(SeriesFix(numbers=((str(post_id), number),)), "set part number")

    def remove_post(self, post_id: int) -> Job | None:
        return self._correct(SeriesFix(remove=(str(post_id),)), "remove post from series")

    def make_anthology(self) -> Job | None:
        """Create an anthology with the series' parts in order (named after the series), on the write lane."""
        if self.archive_path is None or self.report is None:
            return None
        change = functools.partial(make_anthology_from_series, series=self.report.name, blog_id=self.report.blog_id)
        job = Job(functools.partial(apply_to_archive, self.archive_path, change), title="make anthology")
        job.signals.finished.connect(lambda name: self.anthology_made.emit(str(name)))
        job.signals.failed.connect(self._on_failed)
        return self.runner.start(job, lane=Lane.WRITE)

    def _ask_rename(self) -> None:
        if self.report is None:
            return
        text, ok = QInputDialog.getText(self, "Rename series", "New name:", QLineEdit.EchoMode.Normal, self.report.name)
        if ok and text.strip():
            self.rename_series(text.strip())

    def _ask_number(self) -> None:
        part = self.selected_part()
        if part is None:
            return
        number, ok = QInputDialog.getInt(self, "Set part number", "Part number:", part.number or 1, 1, 100_000)
        if ok:
            self.set_part_number(part.post_id, number)

    def _remove_selected(self) -> None:
        part = self.selected_part()
        if part is not None:
            self.remove_post(part.post_id)

    def _request_capture(self) -> None:
        part = self.selected_part() or (self.report.parts[-1] if self.report and self.report.parts else None)
        self.capture_requested.emit(part.url if part else "")


def _fix(db_path: Path, name: str, fix: SeriesFix, *, progress: object = None, cancelled: object = None) -> object:
    return fix_series(db_path, name, fix)


def plan_lines(plan: Any) -> list[str]:
    """The plan of a series capture as plain lines: parts found in order, then the gaps."""
    lines = [f"Part {p.number if p.number is not None else '?'}: {p.title or p.url}" for p in plan.parts]
    lines += [f"Missing: {g.message}" for g in plan.gaps]
    return lines


class SeriesCaptureDialog(QDialog):
    """ "Capture this series...": from one post's address, find the parts (on a worker, nothing saved), show the
    parts found and missing, and on "Capture" hand the plan back (`capture_accepted`) for a job in the jobs panel."""

    plan_ready = Signal(int)  # parts found
    capture_accepted = Signal(object)  # the SeriesPlan to capture
    failed = Signal(str)

    def __init__(
        self,
        *,
        runner: JobRunner,
        settings: ArchiveSettings,
        url: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.settings = runner, settings
        self.plan: Any = None
        self.job: Job | None = None
        self._generation = 0
        self.setWindowTitle("Capture this series")
        self.resize(620, 460)
        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText("The address of any one part, e.g. https://blog.example/2024/06/part-3/")
        self.find_button = QPushButton("Find parts")
        self.find_button.clicked.connect(self.start_preview)
        row = QHBoxLayout()
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.find_button)
        self.message = QLabel("Threadbook reads this post's links to find the whole series; nothing is saved yet.")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.parts_list = QListWidget()  # QListWidgetItem text is plain: titles are web text
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.capture_button = self.buttons.addButton("Capture", QDialogButtonBox.ButtonRole.AcceptRole)
        self.capture_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.parts_list, 1)
        layout.addWidget(self.buttons)
        self.url_edit.textChanged.connect(self._forget_plan)

    def _forget_plan(self, *_args: object) -> None:
        self.plan = None
        self.capture_button.setEnabled(False)

    def start_preview(self) -> Job | None:
        """Find the series' parts on a worker (network: never on the GUI thread)."""
        url = self.url_edit.text().strip()
        if not url:
            self.message.setText("Give the address of one part of the series.")
            return None
        self._generation += 1
        self._forget_plan()
        self.parts_list.clear()
        self.progress.show()
        self.message.setText(f"Looking for the series of {url}…")
        work = functools.partial(preview_series, url, settings=self.settings)
        job = Job(work, title=f"find series of {url}")
        job.signals.finished.connect(functools.partial(self._on_plan, self._generation))
        job.signals.failed.connect(functools.partial(self._on_failed, self._generation))
        self.job = job
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_plan(self, generation: int, plan: object) -> None:
        if generation != self._generation:
            return
        self.job = None
        self.progress.hide()
        self.plan = plan
        parts = list(getattr(plan, "parts", ()))
        gaps = list(getattr(plan, "gaps", ()))
        self.parts_list.addItems(plan_lines(plan))
        missing = f", {len(gaps)} missing" if gaps else ", none missing"
        self.message.setText(f"“{getattr(plan, 'name', '')}”: {len(parts)} parts found{missing}.")
        self.capture_button.setText(f"Capture {len(parts)} parts")
        self.capture_button.setEnabled(bool(parts))
        self.plan_ready.emit(len(parts))

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.job = None
        self.progress.hide()
        self.message.setText(message)
        self.failed.emit(message)

    def accept(self) -> None:
        if self.plan is None:
            return
        self.capture_accepted.emit(self.plan)
        super().accept()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel.set()
        super().done(result)
