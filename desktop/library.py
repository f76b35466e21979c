"""The library tree: the archive, its blogs, and under each blog its series, categories and tags, with counts; then
the archive's anthologies (with their item counts) when there are any."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from desktop.models import RECORD_ROLE, PostFilter
from storage.queries import TermCount, WatchedBlog
from storage.records import AnthologySummary, BlogSummary

FILTER_ROLE = Qt.ItemDataRole.UserRole + 10  # the PostFilter a node selects
GROUPS = (("series", "Series"), ("category", "Categories"), ("tag", "Tags"))
MISSING_COMMENTS_LABEL = "Comments not captured"
ANTHOLOGIES = "Anthologies"


def _count_item(count: int) -> QStandardItem:
    item = QStandardItem(f"{count:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setEditable(False)
    return item


def _text_item(text: str, post_filter: PostFilter, record: object = None) -> QStandardItem:
    item = QStandardItem(text)  # QStandardItem text is shown as plain text by the default delegate
    item.setEditable(False)
    item.setData(post_filter, FILTER_ROLE)
    item.setData(record, RECORD_ROLE)
    return item


class LibraryModel(QStandardItemModel):
    """Top level: "All blogs" (the whole archive), then one row per blog; under a blog, "Comments not captured"
    when some of its posts' threads could not be read, then groups of its series, categories and tags.
    Columns: name, posts, comments. Every node carries the `PostFilter` it selects."""

    COLUMNS = ("Library", "Posts", "Comments")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        self._blogs: list[BlogSummary] = []
        self._watch: dict[int, WatchedBlog] = {}
        self._terms: list[TermCount] = []
        self._anthologies: list[AnthologySummary] = []
        self.set_blogs(())

    def set_blogs(
        self,
        blogs: Sequence[BlogSummary],
        terms: Sequence[TermCount] = (),
        watch: Sequence[WatchedBlog] = (),
        anthologies: Sequence[AnthologySummary] = (),
    ) -> None:
        """Rebuild the tree (a few hundred nodes at most: terms are grouped per blog)."""
        self._blogs = list(blogs)
        self._anthologies = list(anthologies)
        self._terms = list(terms)
        self._watch = {w.id: w for w in watch}
        self.removeRows(0, self.rowCount())
        root = self.invisibleRootItem()
        total_posts = sum(b.post_count for b in self._blogs)
        total_comments = sum(b.comment_count for b in self._blogs)
        everything = _text_item("All blogs", PostFilter())
        font = QFont()
        font.setBold(True)
        everything.setFont(font)
        root.appendRow([everything, _count_item(total_posts), _count_item(total_comments)])
        for blog in self._blogs:
            root.appendRow(self._blog_row(blog))
        if self._anthologies:  # after the blogs, so a blog's row number stays its place in `blogs()` + 1
            group = QStandardItem(ANTHOLOGIES)
            group.setEditable(False)
            group.setSelectable(False)
            group.setFont(font)
            for summary in self._anthologies:
                child = QStandardItem(summary.name)
                child.setEditable(False)
                child.setData(summary, RECORD_ROLE)
                follows = f"\nfollows the series {summary.series}" if summary.series else ""
                tip = f"{summary.title}\n{summary.item_count:,} items{follows}"
                child.setToolTip(f"<p style='white-space:pre'>{html.escape(tip)}</p>")
                group.appendRow([child, _count_item(summary.item_count), QStandardItem("")])
            root.appendRow([group, _count_item(len(self._anthologies)), QStandardItem("")])

    def _blog_row(self, blog: BlogSummary) -> list[QStandardItem]:
        watched = self._watch.get(blog.id)
        label = blog.title or blog.url
        item = _text_item(label, PostFilter(blog_id=blog.id), blog)
        tip = f"{blog.title}\n{blog.url}\n{blog.platform}"
        if watched is not None and watched.watched:
            item.setText(f"{label}  ◉")
            tip += f"\nWatched: updated every {watched.interval_hours:g} hours while Threadbook runs"
        item.setToolTip(f"<p style='white-space:pre'>{html.escape(tip)}</p>")
        for term in self._terms:
            if term.blog_id == blog.id and term.kind == "missing_comments" and term.post_count:
                # Right under the blog, where it is seen: its posts whose thread a comment system kept from us.
                child = _text_item(
                    f"⚠ {MISSING_COMMENTS_LABEL}", PostFilter(blog_id=blog.id, missing_comments=True), term
                )
                child.setToolTip(
                    "<p>Posts whose comments a comment system (Disqus, …) keeps and Threadbook could not read. "
                    "Open one to see what is missing and what to do.</p>"
                )
                item.appendRow([child, _count_item(term.post_count), QStandardItem("")])
        for kind, heading in GROUPS:
            terms = [t for t in self._terms if t.blog_id == blog.id and t.kind == kind]
            if not terms:
                continue
            group = QStandardItem(heading)
            group.setEditable(False)
            group.setSelectable(False)
            for term in terms:
                post_filter = PostFilter(blog_id=blog.id, **{kind: term.name})
                child = _text_item(term.name, post_filter, term)
                child.setToolTip(f"<p>{html.escape(term.name)}</p>")
                group.appendRow([child, _count_item(term.post_count), QStandardItem("")])
            item.appendRow([group, _count_item(len(terms)), QStandardItem("")])
        return [item, _count_item(blog.post_count), _count_item(blog.comment_count)]

    def blogs(self) -> list[BlogSummary]:
        return list(self._blogs)

    def blog_at(self, row: int) -> BlogSummary | None:
        """The blog on top-level `row`, or None for the "All blogs" row."""
        return self._blogs[row - 1] if 1 <= row <= len(self._blogs) else None

    def anthologies(self) -> list[AnthologySummary]:
        return list(self._anthologies)

    def anthology_index(self, name: str) -> QModelIndex:
        """The node of the anthology `name` under "Anthologies" (invalid if there is none)."""
        group = self.item(self.rowCount() - 1, 0)
        if group is None or group.text() != ANTHOLOGIES or group.data(RECORD_ROLE) is not None:
            return QModelIndex()
        for row in range(group.rowCount()):
            record = group.child(row).data(RECORD_ROLE)
            if isinstance(record, AnthologySummary) and record.name.casefold() == name.casefold():
                return group.child(row).index()
        return QModelIndex()

    def watch_of(self, blog_id: int) -> WatchedBlog | None:
        return self._watch.get(blog_id)

    def row_of(self, blog_id: int | None) -> int:
        for row, blog in enumerate(self._blogs, start=1):
            if blog.id == blog_id:
                return row
        return 0

    def index_of(self, post_filter: PostFilter) -> QModelIndex:
        """The node that selects `post_filter` (the blog's row, or "All blogs" if it is gone)."""
        blog_index = self.index(self.row_of(post_filter.blog_id), 0)
        if post_filter.blog_id is None or post_filter == PostFilter(blog_id=post_filter.blog_id):
            return blog_index
        blog_item = self.itemFromIndex(blog_index)
        for group_row in range(blog_item.rowCount() if blog_item is not None else 0):
            group = blog_item.child(group_row)
            if group.data(FILTER_ROLE) == post_filter:  # a node right under the blog ("Comments not captured")
                return group.index()
            for row in range(group.rowCount()):
                if group.child(row).data(FILTER_ROLE) == post_filter:
                    return group.child(row).index()
        return blog_index

    @staticmethod
    def filter_at(index: QModelIndex) -> PostFilter | None:
        """The filter of the node at `index` (column 0 of its row); None for a group heading."""
        if not index.isValid():
            return None
        value = index.siblingAtColumn(0).data(FILTER_ROLE)
        return value if isinstance(value, PostFilter) else None
