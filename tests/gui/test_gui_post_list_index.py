"""PostListModel answers index() and hasChildren() itself (one call per row while QTreeView lays out a page)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex

from desktop.models import PostListModel, PostOrder
from storage.records import PostSummary


class FakeSource:
    """`count` posts, listed newest first by id."""

    def __init__(self, count: int) -> None:
        self.posts = [
            PostSummary(
                id=n,
                blog_id=1,
                url=f"https://x.example/{n}",
                title=f"Post {n}",
                author="A",
                published_at=datetime(2020, 1, 1, tzinfo=UTC),
                comment_count=n % 3,
                captured_at=None,
            )
            for n in range(count, 0, -1)
        ]

    def list_posts(
        self, *, offset: int = 0, limit: int | None = None, order: PostOrder = "published", **_: object
    ) -> list[PostSummary]:
        return self.posts[offset : None if limit is None else offset + limit]

    def count_posts(self, **_: object) -> int:
        return len(self.posts)


def test_index_is_valid_exactly_for_loaded_cells_and_rows_have_no_children(qtbot: object) -> None:
    model = PostListModel(page_size=10)
    model.set_source(FakeSource(25))  # type: ignore[arg-type]
    assert model.rowCount() == 10
    index = model.index(9, PostListModel.AUTHOR)
    assert (index.isValid(), index.row(), index.column(), index.model()) == (True, 9, PostListModel.AUTHOR, model)
    assert index.data() == "A"
    assert model.index(0, 0).data() == "Post 25"
    for row, column in ((10, 0), (-1, 0), (0, len(PostListModel.COLUMNS)), (0, -1)):
        assert not model.index(row, column).isValid()
    assert not model.index(0, 0, model.index(0, 0)).isValid()  # a flat list: no rows under a row
    assert model.hasChildren(QModelIndex()) and not model.hasChildren(model.index(0, 0))
    model.fetchMore()
    assert model.index(19, 0).data() == "Post 6"
    empty = PostListModel()
    empty.set_source(FakeSource(0))  # type: ignore[arg-type]
    assert not empty.hasChildren(QModelIndex()) and not empty.index(0, 0).isValid()
