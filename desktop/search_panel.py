"""Search: the results list with highlighted snippets, its filter bar, the model over the hits, and "Cite
results…" (BibTeX or CSL-JSON of the posts found, copied or saved, made on a worker)."""

from __future__ import annotations

import functools
import html
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.exports import cite_search_results, export_posts_as, file_stem
from desktop.models import RECORD_ROLE
from desktop.workers import Job, JobRunner, Lane
from exporters.output import atomic_output
from storage.queries import TermCount
from storage.records import SNIPPET_END, SNIPPET_START, BlogSummary, SearchHit
from storage.search import SearchFilters

ModelIndex = QModelIndex | QPersistentModelIndex
CITE_LIMIT = 200  # hits cited at most: as many as the results list shows (desktop.reads.search_archive_filtered)
CITE_STYLES: tuple[tuple[str, str, str], ...] = (("bibtex", "BibTeX", ".bib"), ("csl-json", "CSL-JSON", ".json"))
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 20  # the snippet as escaped HTML with the matches marked
MATCH_STYLE = "background-color:#ffd95a; color:#000000; font-weight:bold"  # readable on light and dark rows


def snippet_html(snippet: str) -> str:
    """A snippet as safe rich text: the web text is escaped first, then only our own markers become tags."""
    text = html.escape(" ".join(snippet.split()))
    return text.replace(SNIPPET_START, f"<span style='{MATCH_STYLE}'>").replace(SNIPPET_END, "</span>")


def snippet_text(snippet: str) -> str:
    """A search snippet as plain text: the match markers become guillemets, whitespace is collapsed."""
    return " ".join(snippet.replace(SNIPPET_START, "«").replace(SNIPPET_END, "»").split())


class SearchResultsModel(QAbstractTableModel):
    """The hits of one search: which post, where (the post or whose comment), and the matching snippet."""

    COLUMNS = ("Post", "In", "Match")
    POST, WHERE, MATCH = range(3)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self.query = ""

    def set_hits(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self.query = query
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit_at(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit_at(index.row()) if index.isValid() else None
        if hit is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.POST:
                return hit.post_title or hit.post_url
            if column == self.WHERE:
                if hit.kind == "post":
                    return "post"
                return f"comment by {hit.author}" if hit.author else "comment"
            return snippet_text(hit.snippet)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.MATCH:
            return f"<p>{html.escape(snippet_text(hit.snippet))}</p>"
        if role == SNIPPET_ROLE and column == self.MATCH:
            return snippet_html(hit.snippet)
        if role == RECORD_ROLE:
            return hit
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Paints the Match column as escaped rich text with the matched words highlighted."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        rich = index.data(SNIPPET_ROLE)
        if not isinstance(rich, str):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else QApplication.style()
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        document = QTextDocument()
        document.setDocumentMargin(2)
        document.setDefaultFont(option.font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        color = option.palette.color(role).name()
        document.setHtml(f"<span style='color:{color}; white-space:nowrap'>{rich}</span>")
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget)
        painter.save()
        painter.translate(text_rect.topLeft())
        painter.setClipRect(text_rect.translated(-text_rect.topLeft()))
        context = QAbstractTextDocumentLayout.PaintContext()
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 6))


def _qdate(value: QDate) -> datetime:
    return datetime.combine(value.toPython(), time(0, 0), tzinfo=UTC)  # type: ignore[arg-type]


class SearchFilterBar(QWidget):
    """Filters for a search: blog, series, tag, date range, has comments, author or commenter."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blog_combo = QComboBox()
        self.blog_combo.setMinimumWidth(130)
        self.series_combo = QComboBox()
        self.series_combo.setMinimumWidth(110)
        self.tag_edit = QLineEdit()
        self.tag_edit.setPlaceholderText("Tag")
        self.tag_edit.setMaximumWidth(110)
        self.author_edit = QLineEdit()
        self.author_edit.setPlaceholderText("Author or commenter")
        self.author_edit.setMaximumWidth(170)
        self.dates_check = QCheckBox("From")
        self.since_edit = QDateEdit(QDate(2000, 1, 1))
        self.until_edit = QDateEdit(QDate.currentDate())
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.comments_check = QCheckBox("Has comments")
        self.set_choices((), ())

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.blog_combo, 2)
        first.addWidget(self.series_combo, 2)
        first.addWidget(self.tag_edit, 1)
        first.addWidget(self.author_edit, 2)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.dates_check)
        second.addWidget(self.since_edit)
        to_label = QLabel("to")
        second.addWidget(to_label)
        second.addWidget(self.until_edit)
        second.addStretch(1)
        second.addWidget(self.comments_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(first)
        layout.addLayout(second)

        self.dates_check.toggled.connect(self.since_edit.setEnabled)
        self.dates_check.toggled.connect(self.until_edit.setEnabled)
        for signal in (
            self.blog_combo.currentIndexChanged,
            self.series_combo.currentIndexChanged,
            self.tag_edit.editingFinished,
            self.author_edit.editingFinished,
            self.dates_check.toggled,
            self.since_edit.dateChanged,
            self.until_edit.dateChanged,
            self.comments_check.toggled,
        ):
            signal.connect(self.changed)

    def set_choices(self, blogs: Sequence[BlogSummary], terms: Sequence[TermCount]) -> None:
        """Fill the blog and series lists, keeping the current choices where they still exist."""
        blog_id, series = self.blog_combo.currentData(), self.series_combo.currentData()
        for combo in (self.blog_combo, self.series_combo):
            combo.blockSignals(True)
            combo.clear()
        self.blog_combo.addItem("All blogs", None)
        for blog in blogs:
            self.blog_combo.addItem(blog.title or blog.url, blog.id)
        self.series_combo.addItem("Any series", None)
        for name in sorted({t.name for t in terms if t.kind == "series"}, key=str.casefold):
            self.series_combo.addItem(name, name)
        self.blog_combo.setCurrentIndex(max(self.blog_combo.findData(blog_id), 0))
        self.series_combo.setCurrentIndex(max(self.series_combo.findData(series), 0))
        for combo in (self.blog_combo, self.series_combo):
            combo.blockSignals(False)

    def filters(self) -> SearchFilters | None:
        """The filters chosen, or None when none is set."""
        dates = self.dates_check.isChecked()
        filters = SearchFilters(
            blog_id=self.blog_combo.currentData(),
            series=self.series_combo.currentData(),
            tag=self.tag_edit.text().strip() or None,
            since=_qdate(self.since_edit.date()) if dates else None,
            until=_qdate(self.until_edit.date().addDays(1)) if dates else None,
            has_comments=self.comments_check.isChecked(),
            author=self.author_edit.text().strip() or None,
        )
        return None if filters == SearchFilters() else filters


class SearchPanel(QWidget):
    """What replaces the post list while searching: a headline, the filters, and the hits."""

    hit_activated = Signal(object)  # a SearchHit the user selected
    back_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        runner: JobRunner | None = None,
        archive_path: Callable[[], Path | None] | None = None,
        out_dir: Callable[[], Path] | None = None,
    ) -> None:
        """`runner` and `archive_path` (asked each time: the window may open another archive) enable "Cite
        results…"; `out_dir` is where the citations file is suggested (default: the home folder)."""
        super().__init__(parent)
        self.runner, self._archive_path, self._out_dir = runner, archive_path, out_dir
        self.cite_dialog: CiteDialog | None = None
        self.model = SearchResultsModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(SearchResultsModel.MATCH, SnippetDelegate(self.view))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.resizeSection(SearchResultsModel.POST, 150)
        header.resizeSection(SearchResultsModel.WHERE, 110)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.label = QLabel("")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setContentsMargins(2, 4, 0, 0)
        self.back_button = QPushButton("Back to posts")
        self.back_button.clicked.connect(self.back_requested)
        self.filter_bar = SearchFilterBar()
        self.filter_bar.hide()  # shown on demand: it is wide, and most searches need no filter
        self.filters_button = QPushButton("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.toggled.connect(self.filter_bar.setVisible)
        self.cite_button = QPushButton("Cite results…")
        self.cite_button.setToolTip("BibTeX or CSL-JSON of the posts found, copied to the clipboard or saved")
        self.cite_button.clicked.connect(self.cite_results)
        self.cite_button.setEnabled(False)
        self.model.modelReset.connect(self._update_cite)
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.filters_button)
        top.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)
        # Cite acts on the whole result list, so it sits under it; beside Filters and Back it would widen the
        # narrowest the left pane can be (283 px instead of 183).
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cite_button)
        layout.addLayout(bottom)

    def show_hits(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.model.set_hits(query, hits)
        count = len(hits)
        self.label.setText(
            f"{count:,} match{'es' if count != 1 else ''} for “{query}”" if count else f"Nothing matches “{query}”"
        )
        self.view.resizeColumnToContents(SearchResultsModel.WHERE)
        if self.view.columnWidth(SearchResultsModel.WHERE) > 140:  # leave the snippet room to be read
            self.view.setColumnWidth(SearchResultsModel.WHERE, 140)

    def _update_cite(self) -> None:
        can_cite = self.runner is not None and self._archive_path is not None
        self.cite_button.setEnabled(can_cite and bool(self.model.query) and self.model.rowCount() > 0)

    def cite_results(self) -> CiteDialog | None:
        """Open the Cite dialog for the current search (None when there is nothing to cite)."""
        path = self._archive_path() if self._archive_path is not None else None
        if self.runner is None or path is None or not self.model.query or self.model.rowCount() == 0:
            return None
        if self.cite_dialog is not None:
            self.cite_dialog.close()
            self.cite_dialog.deleteLater()
        out_dir = self._out_dir() if self._out_dir is not None else Path.home()
        self.cite_dialog = CiteDialog(
            self.model.query,
            archive_path=path,
            runner=self.runner,
            out_dir=out_dir,
            # Filtered results are cited as shown; otherwise every post the words find (the same list, up to 200).
            post_ids=[hit.post_id for hit in self.model.hits()] if self.filter_bar.filters() is not None else None,
            parent=self,
        )
        self.cite_dialog.open()
        return self.cite_dialog

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit_at(current.row()) if current.isValid() else None
        if hit is not None:
            self.hit_activated.emit(hit)


@dataclass(frozen=True, slots=True)
class Citations:
    """What a cite job made: the text, how many posts it cites, and the file written (None: for the clipboard)."""

    text: str
    count: int
    path: Path | None


def cite_results(
    query: str,
    *,
    db_path: Path,
    style: str,
    out_path: Path | None = None,
    post_ids: Sequence[int] | None = None,
    limit: int = CITE_LIMIT,
    progress: object = None,
    cancelled: object = None,
) -> Citations:
    """Citations of the posts `query` finds (Qt-free, for a worker), or of `post_ids` in that order when given (a
    filtered search: the posts shown); written to `out_path` (replaced only when complete) when given."""
    if post_ids is None:
        text, count = cite_search_results(query, db_path=db_path, style=style, limit=limit)
    else:
        ids = list(dict.fromkeys(post_ids))
        text, count = "", len(ids)
        if ids:
            suffix = next(suffix for name, _label, suffix in CITE_STYLES if name == style)
            with tempfile.TemporaryDirectory(prefix="threadbook-cite-") as folder:
                written = export_posts_as(
                    style,
                    db_path=db_path,
                    post_ids=ids,
                    title=query,
                    out_path=Path(folder) / f"cited{suffix}",
                    oldest_first=False,
                )
                text = written.read_text(encoding="utf-8")
    if out_path is not None and count:
        with atomic_output(out_path) as tmp_path:
            tmp_path.write_text(text, encoding="utf-8", newline="\n")
    return Citations(text=text, count=count, path=out_path if count else None)


class CiteDialog(QDialog):
    """Cite the posts a search found, as BibTeX or CSL-JSON: copied to the clipboard or saved to a file. The
    citations are made on a worker; the dialog stays open to copy or save again in the other style."""

    cited = Signal(object)  # a Citations record, once copied or saved
    failed = Signal(str)

    def __init__(
        self,
        query: str,
        *,
        archive_path: Path,
        runner: JobRunner,
        out_dir: Path,
        post_ids: Sequence[int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`post_ids`: cite these posts (the results of a filtered search, in their order) rather than every post
        the words find."""
        super().__init__(parent)
        self.query, self.archive_path, self.runner, self.out_dir = query, archive_path, runner, out_dir
        self.post_ids = list(post_ids) if post_ids is not None else None
        self.job: Job | None = None
        self.setWindowTitle("Cite results")
        self.setMinimumWidth(520)
        which = "the posts shown for" if post_ids is not None else "the posts that match"
        heading = QLabel(f"Citations of {which} “{query}”, best match first (a comment cites its post).")
        heading.setTextFormat(Qt.TextFormat.PlainText)  # the query is the user's text: shown as typed
        heading.setWordWrap(True)
        self.style_group = QButtonGroup(self)
        self.style_buttons: dict[str, QRadioButton] = {}
        styles = QHBoxLayout()
        for name, label, suffix in CITE_STYLES:
            button = QRadioButton(f"{label} ({suffix})")
            self.style_buttons[name] = button
            self.style_group.addButton(button)
            styles.addWidget(button)
        styles.addStretch(1)
        self.style_buttons["bibtex"].setChecked(True)
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Style:", styles)
        form.addRow("Save as:", path_row)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = self.buttons.addButton("Copy to clipboard", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.style_group.buttonToggled.connect(self._suggest_path)
        self._suggest_path()

    def cite_style(self) -> str:
        return next(name for name, button in self.style_buttons.items() if button.isChecked())

    def set_style(self, style: str) -> None:
        self.style_buttons[style].setChecked(True)

    def suffix(self) -> str:
        return next(suffix for name, _label, suffix in CITE_STYLES if name == self.cite_style())

    def _suggest_path(self, *_args: object) -> None:
        current = Path(self.path_edit.text()) if self.path_edit.text().strip() else None
        folder = current.parent if current is not None else self.out_dir
        stem = f"{file_stem(self.query, fallback='search')}-citations"
        self.path_edit.setText(str(folder / f"{stem}{self.suffix()}"))

    def _browse(self) -> None:
        label = next(label for name, label, _suffix in CITE_STYLES if name == self.cite_style())
        path, _ = QFileDialog.getSaveFileName(
            self, "Save citations", self.path_edit.text(), f"{label} (*{self.suffix()})"
        )
        if path:
            self.path_edit.setText(path)

    def copy(self) -> Job | None:
        """Make the citations on a worker, then put them on the clipboard."""
        return self._start(None)

    def save(self) -> Job | None:
        """Make the citations on a worker and write them to the file named (its suffix added when missing)."""
        text = self.path_edit.text().strip()
        if not text:
            self.message.setText("Choose where to save the citations.")
            return None
        out = Path(text).expanduser()
        if not out.name.lower().endswith(self.suffix()):
            out = out.with_name(out.name + self.suffix())
            self.path_edit.setText(str(out))
        return self._start(out)

    def _start(self, out_path: Path | None) -> Job | None:
        if self.job is not None:
            return None
        work = functools.partial(
            cite_results,
            self.query,
            db_path=self.archive_path,
            style=self.cite_style(),
            out_path=out_path,
            post_ids=self.post_ids,
        )
        job = Job(work, title=f"cite {self.query}")
        job.signals.finished.connect(self._on_cited)
        job.signals.failed.connect(self._on_failed)
        self.job = job
        self.copy_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.message.setText("Making the citations…")
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_cited(self, result: object) -> None:
        self._ended()
        if not isinstance(result, Citations):
            return
        posts = f"{result.count:,} post{'s' if result.count != 1 else ''}"
        if result.count == 0:
            self.message.setText(f"Nothing in the archive matches “{self.query}”: no citations.")
        elif result.path is None:
            QApplication.clipboard().setText(result.text)
            self.message.setText(f"Copied the citations of {posts} to the clipboard.")
        else:
            self.message.setText(f"Saved the citations of {posts} to {result.path}")
        self.cited.emit(result)

    def _on_failed(self, message: str) -> None:
        self._ended()
        self.message.setText(message)
        self.failed.emit(message)

    def _ended(self) -> None:
        self.job = None
        self.copy_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel.set()
        super().done(result)
