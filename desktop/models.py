"""Qt item models over archive records: blogs, a lazily fetched post list, and a post's comment thread."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from storage.queries import PostOrder
from storage.records import Comment, PostSummary

ModelIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a value that sorts correctly (numbers, timestamps, folded text)
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the record behind a row
PAGE_SIZE = 200  # rows fetched per page; a page is one small indexed read
PREVIEW_CHARS = 300  # comment text shown in the tree's column; the full text is in the detail pane


@dataclass(frozen=True, slots=True)
class PostFilter:
    """Which posts a list shows: a blog (None: all), and at most one of series, category, tag; or only the posts
    whose comment thread a comment system keeps and could not be read (`missing_comments`)."""

    blog_id: int | None = None
    series: str | None = None
    category: str | None = None
    tag: str | None = None
    missing_comments: bool = False

    def kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "blog_id": self.blog_id,
            "series": self.series,
            "category": self.category,
            "tag": self.tag,
        }
        if self.missing_comments:  # only when set: a PostSource without the filter still serves the others
            kwargs["missing_comments"] = True
        return kwargs


class PostSource(Protocol):
    """The part of `storage.archive.Archive` the post list reads: small indexed pages only."""

    def list_posts(
        self,
        *,
        blog_id: int | None = None,
        series: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: PostOrder = "published",
        category: str | None = None,
        tag: str | None = None,
        missing_comments: bool = False,
    ) -> list[PostSummary]: ...

    def count_posts(
        self,
        *,
        blog_id: int | None = None,
        series: str | None = None,
        category: str | None = None,
        tag: str | None = None,
        missing_comments: bool = False,
    ) -> int: ...


def format_datetime(value: datetime | None) -> str:
    """A date as the lists show it: the site's own local time, to the minute."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def format_date(value: datetime | None) -> str:
    """A date as a compact list column shows it: the day only."""
    return value.strftime("%Y-%m-%d") if value is not None else ""


def _sort_key_datetime(value: datetime | None) -> float:
    return value.timestamp() if value is not None else float("-inf")


class PostListModel(QAbstractTableModel):
    """Post summaries of one blog (or all), fetched a page at a time as the view scrolls.

    `canFetchMore`/`fetchMore` keep every read a small indexed page, so a 100k-post archive opens at once.
    Sorting re-queries the archive in the new order: every column but Comments is an index scan in storage.
    Ordering by comment count has no index (about 150 ms a page at 100k posts), so that one sorts in memory:
    after loading every page if the list is short (`FULL_SORT_LIMIT`), or else the window reads the whole
    list on a worker (`full_list_wanted`) while the rows loaded so far are sorted.
    """

    reloaded = Signal()  # the list was re-read from the archive (filter, order or refresh) and its first page is in
    full_list_wanted = Signal(object)  # a PostFilter: an in-memory sort needs every row, read them off-thread

    COLUMNS = ("Title", "Date", "Author", "Comments", "Captured")
    TITLE, DATE, AUTHOR, COMMENTS, CAPTURED = range(5)
    FULL_SORT_LIMIT = 2_000
    STORAGE_ORDERS: dict[tuple[int, Qt.SortOrder], PostOrder] = {
        (DATE, Qt.SortOrder.DescendingOrder): "published",
        (DATE, Qt.SortOrder.AscendingOrder): "oldest",
        (TITLE, Qt.SortOrder.AscendingOrder): "title",
        (TITLE, Qt.SortOrder.DescendingOrder): "title_desc",
        (AUTHOR, Qt.SortOrder.AscendingOrder): "author",
        (AUTHOR, Qt.SortOrder.DescendingOrder): "author_desc",
        (CAPTURED, Qt.SortOrder.DescendingOrder): "captured",
        (CAPTURED, Qt.SortOrder.AscendingOrder): "captured_oldest",
    }

    def __init__(self, parent: Any = None, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._source: PostSource | None = None
        self._filter = PostFilter()
        self._rows: list[PostSummary] = []
        self._total = 0
        self._page_size = page_size
        self._order: PostOrder = "published"  # the storage order pages are fetched in
        self._memory_sort: tuple[int, Qt.SortOrder] | None = None  # applied on top, when storage can't sort
        self._missing: frozenset[int] = frozenset()  # posts whose thread a comment system kept from us (marked ⚠)

    # -- what is shown
    def set_source(
        self, source: PostSource | None, *, blog_id: int | None = None, post_filter: PostFilter | None = None
    ) -> None:
        """Show the posts of `post_filter` (or of `blog_id`; None: all blogs) from `source`, first page first."""
        self._source = source
        self._filter = post_filter if post_filter is not None else PostFilter(blog_id=blog_id)
        self._reload(wanted=self._page_size)

    def refresh(self) -> None:
        """Re-read the list (after a crawl saved posts), keeping as many rows loaded as before."""
        self._reload(wanted=max(len(self._rows), self._page_size))

    def _reload(self, *, wanted: int) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = self._source.count_posts(**self._filter.kwargs()) if self._source is not None else 0
        self._missing = self._missing_thread_ids()
        self.endResetModel()
        if self._memory_sort is not None and self._total <= self.FULL_SORT_LIMIT:
            wanted = self._total
        while len(self._rows) < wanted and self.canFetchMore():
            self.fetchMore()
        self.reloaded.emit()

    def _missing_thread_ids(self) -> frozenset[int]:
        """The posts of this list's blog whose comments were not captured: one small indexed read (such posts are
        few), so their Comments cell can say so. A source without comment systems marks none."""
        reader = getattr(self._source, "list_missing_threads", None)
        if reader is None:
            return frozenset()
        return frozenset(missing.post_id for missing in reader(blog_id=self._filter.blog_id))

    def blog_id(self) -> int | None:
        return self._filter.blog_id

    def post_filter(self) -> PostFilter:
        return self._filter

    def order(self) -> PostOrder:
        return self._order

    def total(self) -> int:
        """How many posts the list has in the archive, loaded or not."""
        return self._total

    def post_at(self, row: int) -> PostSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, post_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == post_id:
                return row
        return None

    # -- lazy fetching
    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._source is not None and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._source is None:
            return
        page = self._source.list_posts(
            offset=len(self._rows), limit=self._page_size, order=self._order, **self._filter.kwargs()
        )
        if not page:  # the archive shrank under us: stop asking
            self._total = len(self._rows)
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        if self._memory_sort is not None:
            self._apply_memory_sort()

    def fetch_all(self) -> None:
        """Load every remaining page (only for lists known to be small)."""
        while self.canFetchMore():
            self.fetchMore()

    # -- Qt model
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # QTreeView lays out every loaded row again after each page is added, asking for each row's index; the
        # inherited index() checks it through rowCount() and columnCount(), two calls into Python per row. One
        # call instead keeps a page of a long list cheaper (bench/gui_archive.py).
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(self.COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        post = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return post.title or post.url
            if column == self.DATE:
                return format_date(post.published_at)
            if column == self.AUTHOR:
                return post.author or ""
            if column == self.CAPTURED:
                return format_date(post.captured_at)
            if post.id in self._missing:
                return f"⚠ {post.comment_count:,}"  # the thread exists but could not be read: not "no comments"
            return f"{post.comment_count:,}"
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DATE:
            return format_datetime(post.published_at)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.CAPTURED:
            return format_datetime(post.captured_at)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COMMENTS and post.id in self._missing:
            return "Comments not captured: a comment system keeps them. Open the post to see what to do."
        if role == SORT_ROLE:
            return self._sort_value(post, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return html.escape(f"{post.title}\n{post.url}").replace("\n", "<br>")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COMMENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RECORD_ROLE:
            return post
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query in a storage order when there is one; otherwise sort in memory (see the class doc)."""
        storage_order = self.STORAGE_ORDERS.get((column, order))
        if column < 0:
            storage_order = "published"
        if storage_order is not None:
            was_memory_sorted, self._memory_sort = self._memory_sort is not None, None
            if storage_order != self._order or was_memory_sorted:
                self._order = storage_order
                self._reload(wanted=self._page_size)
            return
        self._memory_sort = (column, order)
        if self._total <= self.FULL_SORT_LIMIT:
            self.fetch_all()
        self._apply_memory_sort()
        if self.canFetchMore():
            # Too many to read on the GUI thread: sort what is loaded now, and ask for the whole list
            # to be read on a worker (the window answers with `set_all_rows`).
            self.full_list_wanted.emit(self._filter)

    def set_all_rows(self, post_filter: PostFilter, rows: Sequence[PostSummary]) -> bool:
        """Every post of the list, read on a worker, for an in-memory sort; False if the list has moved on."""
        if post_filter != self._filter or self._memory_sort is None or self._source is None:
            return False
        self.beginResetModel()
        self._rows = list(rows)
        self._total = len(self._rows)
        self.endResetModel()
        self._apply_memory_sort()
        self.reloaded.emit()
        return True

    def _apply_memory_sort(self) -> None:
        assert self._memory_sort is not None
        column, order = self._memory_sort
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._rows.sort(
            key=lambda post: self._sort_value(post, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_row = {id(post): row for row, post in enumerate(self._rows)}
        for old_index in self.persistentIndexList():
            if old_index.isValid() and old_index.row() < len(old):
                row = new_row[id(old[old_index.row()])]
                self.changePersistentIndex(old_index, self.index(row, old_index.column()))
        self.layoutChanged.emit()

    @classmethod
    def _sort_value(cls, post: PostSummary, column: int) -> Any:
        if column == cls.TITLE:
            return (post.title or post.url).casefold()
        if column == cls.DATE:
            return _sort_key_datetime(post.published_at)
        if column == cls.AUTHOR:
            return (post.author or "").casefold()
        if column == cls.CAPTURED:
            return _sort_key_datetime(post.captured_at)
        return post.comment_count


class _CommentNode:
    __slots__ = ("comment", "parent", "children", "row")

    def __init__(self, comment: Comment | None, parent: _CommentNode | None, row: int) -> None:
        self.comment = comment
        self.parent = parent
        self.children: list[_CommentNode] = []
        self.row = row


def comment_preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """One line of a comment for the tree column: whitespace collapsed, cut at `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def comment_author_label(comment: Comment) -> str:
    author = comment.author or "Anonymous"
    if comment.kind == "pingback":
        return f"↩ Pingback: {author}"
    if comment.kind == "trackback":
        return f"↩ Trackback: {author}"
    return author


class CommentTreeModel(QAbstractItemModel):
    """A post's thread as a tree: replies under their parent, siblings in the order shown on the page.

    Comment text is web content: the model hands it out only as plain strings (tooltips are escaped),
    and the views show it with Qt.TextFormat.PlainText.
    """

    COLUMNS = ("Author", "Date", "Comment")
    AUTHOR, DATE, TEXT = range(3)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _CommentNode(None, None, 0)
        self._count = 0

    def set_comments(self, comments: Sequence[Comment]) -> None:
        """Build the tree from comments in display order; an orphan (parent not archived) goes to the top level."""
        self.beginResetModel()
        self._root = _CommentNode(None, None, 0)
        by_source_id: dict[str, _CommentNode] = {}
        for comment in comments:
            parent = by_source_id.get(comment.parent_source_id or "", self._root)
            node = _CommentNode(comment, parent, len(parent.children))
            parent.children.append(node)
            by_source_id.setdefault(comment.source_id, node)
        self._count = len(comments)
        self.endResetModel()

    def comment_count(self) -> int:
        return self._count

    def comment_at(self, index: ModelIndex) -> Comment | None:
        node = self._node(index)
        return node.comment if node is not self._root else None

    def index_of(self, source_id: str) -> QModelIndex:
        def walk(node: _CommentNode, parent_index: QModelIndex) -> QModelIndex:
            for child in node.children:
                index = self.index(child.row, 0, parent_index)
                if child.comment is not None and child.comment.source_id == source_id:
                    return index
                found = walk(child, index)
                if found.isValid():
                    return found
            return QModelIndex()

        return walk(self._root, QModelIndex())

    def _node(self, index: ModelIndex) -> _CommentNode:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _CommentNode)
            return node
        return self._root

    # -- Qt model
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(self.COLUMNS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        comment = self.comment_at(index)
        if comment is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.AUTHOR:
                return comment_author_label(comment)
            if column == self.DATE:
                return format_datetime(comment.published_at)
            if comment.removed_at is not None:
                return "(removed upstream) " + comment_preview(comment.body_md)
            return comment_preview(comment.body_md)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            # Tooltips guess rich text from content: escape it and keep the line breaks.
            return f"<p style='white-space:pre-wrap'>{html.escape(comment.body_md[:2000])}</p>"
        if role == Qt.ItemDataRole.ForegroundRole and (comment.kind != "comment" or comment.removed_at):
            palette = QApplication.palette()
            return QBrush(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        if role == Qt.ItemDataRole.FontRole and comment.kind != "comment":
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.FontRole and column == self.AUTHOR:
            font = QFont()
            font.setBold(True)
            return font
        if role == RECORD_ROLE:
            return comment
        return None
