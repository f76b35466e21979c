"""Search: the results list with highlighted snippets, its filter bar, and the model over the hits."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.models import RECORD_ROLE
from storage.queries import TermCount
from storage.records import SNIPPET_END, SNIPPET_START, BlogSummary, SearchHit
from storage.search import SearchFilters

ModelIndex = QModelIndex | QPersistentModelIndex
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

    def show_hits(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.model.set_hits(query, hits)
        count = len(hits)
        self.label.setText(
            f"{count:,} match{'es' if count != 1 else ''} for “{query}”" if count else f"Nothing matches “{query}”"
        )
        self.view.resizeColumnToContents(SearchResultsModel.WHERE)
        if self.view.columnWidth(SearchResultsModel.WHERE) > 140:  # leave the snippet room to be read
            self.view.setColumnWidth(SearchResultsModel.WHERE, 140)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit_at(current.row()) if current.isValid() else None
        if hit is not None:
            self.hit_activated.emit(hit)
