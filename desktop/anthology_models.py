"""The anthology editor's models: the ordered item list (drag-and-drop reordering) and an item's comment thread
with a checkbox per comment (what will print, by the rules of docs/anthologies.md)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from desktop.models import RECORD_ROLE, CommentTreeModel
from storage.anthology_build import select_comments
from storage.records import AnthologyEntry, Comment, CommentChoice, CommentChoiceKind, CommentMode

ModelIndex = QModelIndex | QPersistentModelIndex
ITEM_MIME = "application/x-threadbook-anthology-item"
CHOICE_LABELS = {"include": "include", "exclude": "exclude", "replies": "with replies"}
MODE_LABELS = {"all": "all", "selected": "selected", "none": "none"}


def entry_label(entry: AnthologyEntry) -> str:
    """One line of the item list: "3. Title", with the section heading and the comment mode when they matter."""
    text = f"{entry.position + 1}. {entry.post_title or entry.post_url}"
    if entry.section:
        text = f"§ {entry.section} — {text}"
    marks = []
    if entry.comment_mode != "all":
        marks.append(f"comments: {MODE_LABELS[entry.comment_mode]}")
    if entry.note_md.strip():
        marks.append("note")
    if entry.edited:
        marks.append("edited")
    return f"{text}  ({', '.join(marks)})" if marks else text


class AnthologyItemsModel(QAbstractListModel):
    """The anthology's items in order. Rows move by drag and drop (the view's InternalMove calls `moveRows`;
    a drop from elsewhere comes through `dropMimeData`): the model reorders itself at once and asks for the
    stored move through `item_moved(post_id, position)`."""

    item_moved = Signal(int, int)  # post id, its new 0-based position

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[AnthologyEntry] = []

    def set_entries(self, entries: Sequence[AnthologyEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[AnthologyEntry]:
        return list(self._entries)

    def entry_at(self, row: int) -> AnthologyEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, post_id: int) -> int | None:
        return next((row for row, e in enumerate(self._entries) if e.post_id == post_id), None)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry_label(entry)  # plain text: the default delegate never reads it as rich text
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"<p>{html.escape(entry.post_title)}<br>{html.escape(entry.post_url)}</p>"
        if role == Qt.ItemDataRole.FontRole and entry.section:
            font = QFont()
            font.setBold(True)
            return font
        if role == RECORD_ROLE:
            return entry
        return None

    # -- drag and drop
    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid():
            return flags | Qt.ItemFlag.ItemIsDragEnabled
        return flags | Qt.ItemFlag.ItemIsDropEnabled  # drops land between items, never on one

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ITEM_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data.setData(ITEM_MIME, QByteArray(",".join(map(str, rows[:1])).encode("ascii")))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(ITEM_MIME):
            return False
        try:
            source = int(bytes(data.data(ITEM_MIME).data()).decode("ascii"))
        except ValueError:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._entries)
        # The rows are moved here already, so the view must not remove the source rows afterwards: `removeRows`
        # is left unimplemented (it refuses), which is what a move by drop needs.
        return self.moveRows(QModelIndex(), source, 1, QModelIndex(), row)

    def moveRows(
        self, sourceParent: ModelIndex, sourceRow: int, count: int, destinationParent: ModelIndex, destinationChild: int
    ) -> bool:
        """Move one row to before `destinationChild` (Qt's convention: a row index in the list before the move)."""
        end = len(self._entries)
        if sourceParent.isValid() or destinationParent.isValid() or count != 1:
            return False
        if not 0 <= sourceRow < end or not 0 <= destinationChild <= end:
            return False
        if destinationChild in (sourceRow, sourceRow + 1):
            return False  # onto itself
        if not self.beginMoveRows(QModelIndex(), sourceRow, sourceRow, QModelIndex(), destinationChild):
            return False
        entry = self._entries.pop(sourceRow)
        position = destinationChild - 1 if destinationChild > sourceRow else destinationChild
        self._entries.insert(position, entry)
        self._entries = [replace(e, position=i) for i, e in enumerate(self._entries)]
        self.endMoveRows()
        first, last = min(sourceRow, position), max(sourceRow, position)
        self.dataChanged.emit(self.index(first), self.index(last))  # the numbers shown changed
        self.item_moved.emit(entry.post_id, position)
        return True


class CommentChoiceModel(CommentTreeModel):
    """An item's thread with a checkbox per comment: checked when the comment will be printed (its own choice,
    else its nearest deciding ancestor's, else the item's mode). Ticking asks for "include", unticking for
    "exclude" (`choice_wanted`); the Choice column shows the editor's own choice. Comment text stays plain."""

    COLUMNS = ("Author", "Date", "Comment", "Choice")
    CHOICE = 3
    choice_wanted = Signal(str, object)  # comment source id, "include" / "exclude" / "replies" / None

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._comments: tuple[Comment, ...] = ()
        self._mode: CommentMode = "all"
        self._choices: dict[str, CommentChoice] = {}
        self._printed: set[str] = set()

    def set_thread(self, comments: Sequence[Comment], mode: CommentMode, choices: Sequence[CommentChoice]) -> None:
        self._comments = tuple(comments)
        self._mode = mode
        self._choices = {c.comment_source_id: c for c in choices}
        self._recompute()
        self.set_comments(self._comments)

    def mode(self) -> CommentMode:
        return self._mode

    def set_mode(self, mode: CommentMode) -> None:
        self._mode = mode
        self._recompute_and_repaint()

    def choice_of(self, source_id: str) -> CommentChoice | None:
        return self._choices.get(source_id)

    def choices(self) -> list[CommentChoice]:
        return list(self._choices.values())

    def set_choice(self, source_id: str, choice: CommentChoiceKind | None, *, excerpt_md: str | None = None) -> None:
        """Record a choice locally (the caller stores it) and repaint the checkboxes it affects."""
        if choice is None:
            self._choices.pop(source_id, None)
        else:
            old = self._choices.get(source_id)
            excerpt = excerpt_md if excerpt_md is not None else (old.excerpt_md if old else None)
            self._choices[source_id] = CommentChoice(source_id, choice, excerpt or None)
        self._recompute_and_repaint()

    def is_printed(self, source_id: str) -> bool:
        return source_id in self._printed

    def printed_ids(self) -> set[str]:
        return set(self._printed)

    def _recompute(self) -> None:
        chosen = select_comments(self._comments, self._mode, tuple(self._choices.values()))
        self._printed = {c.source_id for c in chosen}

    def _recompute_and_repaint(self) -> None:
        self._recompute()
        self._repaint(QModelIndex())

    def _repaint(self, parent: QModelIndex) -> None:
        rows = self.rowCount(parent)
        if rows:
            self.dataChanged.emit(self.index(0, 0, parent), self.index(rows - 1, self.CHOICE, parent))
        for row in range(rows):
            self._repaint(self.index(row, 0, parent))

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.AUTHOR and self._mode != "none":
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        comment = self.comment_at(index) if index.isValid() else None
        if comment is None:
            return None
        if index.column() == self.CHOICE:
            if role != Qt.ItemDataRole.DisplayRole:
                return comment if role == RECORD_ROLE else None
            own = self._choices.get(comment.source_id)
            if own is None:
                return ""
            return CHOICE_LABELS[own.choice] + (" · excerpt" if own.excerpt_md else "")
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.AUTHOR:
            printed = comment.source_id in self._printed
            return Qt.CheckState.Checked if printed else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        comment = self.comment_at(index) if index.isValid() else None
        if comment is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != self.AUTHOR:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        choice: CommentChoiceKind = "include" if checked else "exclude"
        self.set_choice(comment.source_id, choice)
        self.choice_wanted.emit(comment.source_id, choice)
        return True
