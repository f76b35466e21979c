"""The main window on a real archive: blogs, posts, the reader, the thread tree, and safety of web content."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QLabel

from desktop.mainwindow import MainWindow
from desktop.models import CommentTreeModel, PostListModel
from storage.archive import open_archive
from tests.gui.conftest import BLOG_URL, HOSTILE_TEXT, IMAGE_URL, THREADED_TITLE, filler_post, red_png

IMAGE = QTextDocument.ResourceType.ImageResource.value
PLACEHOLDER_SIZE = QSize(32, 24)


def select_post(window: MainWindow, title: str) -> None:
    model = window.post_model
    for row in range(model.rowCount()):
        summary = model.post_at(row)
        if summary is not None and summary.title == title:
            window.post_view.setCurrentIndex(model.index(row, 0))
            return
    raise AssertionError(f"{title!r} is not in the post list")


def tree_paths(model: CommentTreeModel, parent: QModelIndex = QModelIndex(), depth: int = 0) -> list[tuple]:  # noqa: B008
    """(depth, author, parent author) for every node, depth-first, read through the Qt model API only."""
    out = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, CommentTreeModel.AUTHOR, parent)
        parent_author = parent.data() if parent.isValid() else None
        out.append((depth, index.data(), parent_author))
        assert model.parent(index) == (parent.siblingAtColumn(0) if parent.isValid() else QModelIndex())
        out.extend(tree_paths(model, index, depth + 1))
    return out


def test_window_lists_the_blog_and_its_posts(window: MainWindow) -> None:
    assert window.windowTitle().startswith("lanterns.sqlite")
    blogs = window.blog_model
    assert blogs.rowCount() == 2  # "All blogs" + the one blog
    assert blogs.index(1, 0).data() == "Lantern Notes"
    assert blogs.index(1, 1).data() == "4"
    assert window.post_model.total() == 4
    titles = [window.post_model.index(row, PostListModel.TITLE).data() for row in range(window.post_model.rowCount())]
    assert titles[0] == THREADED_TITLE  # newest first
    assert sorted(titles[1:]) == ["Note 0000", "Note 0001", "Note 0002"]
    window.blog_view.setCurrentIndex(blogs.index(1, 0))
    assert window.post_model.blog_id() == blogs.blog_at(1).id
    assert window.posts_label.text() == "4 posts in Lantern Notes"


def test_selecting_a_post_shows_it_with_its_thread(window: MainWindow) -> None:
    select_post(window, THREADED_TITLE)
    reader = window.reader
    assert reader.title.text() == THREADED_TITLE
    assert "by Ольга" in reader.byline.text() and "2024-05-01 09:30" in reader.byline.text()
    assert "https://lantern.example/2024/05/lanterns/" in reader.source.text()
    text = reader.body.toPlainText()
    assert "Lanterns along the river, lit at dusk." in text
    assert "Привет из Москвы — 你好，世界。" in text

    model = reader.thread_view.model
    assert tree_paths(model) == [
        (0, "Аня", None),
        (1, "Bo", "Аня"),
        (2, "李雷", "Bo"),
        (3, "Dee", "李雷"),
        (1, "Eve", "Аня"),
        (0, "Mallory", None),
        (0, "↩ Pingback: Another Blog", None),
    ]
    assert model.rowCount() == 3
    assert reader.thread_view.heading.text() == "7 comments (1 pingback)"
    pingback = model.index(2, 0)
    assert model.data(pingback, Qt.ItemDataRole.FontRole).italic()


def test_expand_and_collapse_all(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    select_post(window, THREADED_TITLE)
    thread = window.reader.thread_view
    deepest = thread.model.index_of("c3")  # the parent of the fourth level
    first = thread.model.index(0, 0)
    assert thread.tree.isExpanded(first) and thread.tree.isExpanded(deepest)
    qtbot.mouseClick(thread.collapse_button, Qt.MouseButton.LeftButton)
    assert not thread.tree.isExpanded(first) and not thread.tree.isExpanded(deepest)
    qtbot.mouseClick(thread.expand_button, Qt.MouseButton.LeftButton)
    assert thread.tree.isExpanded(first) and thread.tree.isExpanded(deepest)


def test_images_come_only_from_the_archive(window: MainWindow) -> None:
    select_post(window, THREADED_TITLE)
    body = window.reader.body
    image = body.loadResource(IMAGE, QUrl(IMAGE_URL))
    assert isinstance(image, QImage) and (image.width(), image.height()) == (40, 30)
    assert image.pixelColor(5, 5).red() == 200
    # The document asked for it too while laying out the Markdown.
    assert isinstance(body.document().resource(IMAGE, QUrl(IMAGE_URL)), QImage)
    for other in (
        "file:///etc/passwd",
        "/etc/passwd",
        "passwd",
        "https://lantern.example/media/other.png",
        "http://127.0.0.1:9/x.png",
        "qrc:/qt-project.org/styles/commonstyle/images/up-16.png",
    ):
        assert body.loadResource(IMAGE, QUrl(other)) is None, other
    assert body.loadResource(QTextDocument.ResourceType.StyleSheetResource.value, QUrl(IMAGE_URL)) is None
    # The document never hands out null for an image (Qt would then load the path itself): a placeholder.
    stand_in = body.document().resource(IMAGE, QUrl("file:///etc/passwd"))
    assert isinstance(stand_in, QImage) and stand_in.size() == PLACEHOLDER_SIZE


def test_a_markdown_image_of_a_local_file_is_never_read(window: MainWindow, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(red_png())  # a real image: if it were read, it would decode
    body = window.reader.body
    body.show_markdown(f"![x](file://{secret})\n\n![y]({secret})\n\n<img src='{secret}'>")
    body.resize(600, 400)
    body.grab()  # lay out and paint: the images are asked for now
    assert body.loadResource(IMAGE, QUrl.fromLocalFile(str(secret))) is None
    for url in (QUrl.fromLocalFile(str(secret)), QUrl(str(secret))):
        image = body.document().resource(IMAGE, url)
        assert isinstance(image, QImage) and image.size() == PLACEHOLDER_SIZE  # not the 40x30 red file
    assert "<img src=" in body.toPlainText()  # raw HTML in Markdown is text, not markup


def test_hostile_comment_text_is_shown_literally(window: MainWindow) -> None:
    select_post(window, THREADED_TITLE)
    thread = window.reader.thread_view
    index = thread.model.index_of("c6")
    assert thread.model.index(index.row(), CommentTreeModel.TEXT, index.parent()).data() == " ".join(
        HOSTILE_TEXT.split()
    )
    tooltip = thread.model.index(index.row(), CommentTreeModel.TEXT, index.parent()).data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip and "&lt;b&gt;not bold&lt;/b&gt;" in tooltip
    thread.select_comment("c6")
    assert thread.detail.toPlainText() == HOSTILE_TEXT
    assert thread.detail_heading.textFormat() == Qt.TextFormat.PlainText
    for label in window.reader.findChildren(QLabel):
        if label is not window.reader.source:
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_links_open_only_in_the_system_browser(window: MainWindow) -> None:
    select_post(window, THREADED_TITLE)
    body = window.reader.body
    opened: list[str] = []
    body.open_external = lambda url: opened.append(url.toString())
    body.anchorClicked.emit(QUrl("https://elsewhere.example/post"))
    body.anchorClicked.emit(QUrl("file:///etc/passwd"))
    body.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://elsewhere.example/post"]
    assert not body.openLinks() and not body.openExternalLinks()
    assert "Lanterns along the river" in body.toPlainText()  # still showing the post


def test_post_list_fetches_lazily(open_window, big_archive_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(big_archive_path)
    model = window.post_model
    assert model.total() == 1_001
    loaded = model.rowCount()  # the first page, plus at most one the view asked for to fill itself
    assert loaded in (200, 400)
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == loaded + 200
    model.fetch_all()
    assert model.rowCount() == 1_001 and not model.canFetchMore()
    ids = [model.post_at(row).id for row in range(model.rowCount())]
    assert len(set(ids)) == 1_001  # pages neither overlap nor skip


def test_sorting_requeries_in_storage_order(open_window, big_archive_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(big_archive_path)
    model = window.post_model
    header = window.post_view.header()
    header.setSortIndicator(PostListModel.DATE, Qt.SortOrder.AscendingOrder)
    assert model.order() == "oldest"
    assert model.rowCount() == 200
    assert model.index(0, PostListModel.TITLE).data() == "Note 0000"
    header.setSortIndicator(PostListModel.TITLE, Qt.SortOrder.DescendingOrder)  # storage order too
    assert model.order() == "title_desc" and model.rowCount() == 200  # still one page at a time
    assert model.index(0, PostListModel.TITLE).data() == THREADED_TITLE  # "Н" sorts after "N"
    assert model.index(1, PostListModel.TITLE).data() == "Note 0999"
    header.setSortIndicator(PostListModel.AUTHOR, Qt.SortOrder.AscendingOrder)
    assert model.order() == "author" and model.rowCount() == 200
    assert model.index(0, PostListModel.AUTHOR).data() == "Another Author"
    header.setSortIndicator(PostListModel.COMMENTS, Qt.SortOrder.DescendingOrder)  # no index: in memory
    assert model.rowCount() == 1_001  # short enough: every page loaded first
    assert model.index(0, PostListModel.TITLE).data() == THREADED_TITLE  # 7 comments


def test_selection_survives_a_refresh(window: MainWindow, qtbot, archive_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.blog_view.setCurrentIndex(window.blog_model.index(1, 0))
    select_post(window, THREADED_TITLE)
    post_id = window.reader.post.id
    with open_archive(archive_path) as archive:  # another writer adds a post meanwhile
        archive.save_post(window.blog_model.blog_at(1).id, filler_post(77))
    with qtbot.waitSignal(window.blogs_refreshed, timeout=10_000):
        window.refresh_action.trigger()
    assert window.blog_model.index(1, 1).data() == "5"
    assert window.post_model.total() == 5
    assert window.blog_view.currentIndex().row() == 1
    assert window.post_model.post_at(window.post_view.currentIndex().row()).id == post_id
    assert window.reader.title.text() == THREADED_TITLE


def test_state_is_remembered(open_window, archive_path: Path, qsettings) -> None:  # type: ignore[no-untyped-def]
    window = open_window(archive_path)
    assert (window.width(), window.height()) == (1280, 800)
    window.main_splitter.setSizes([300, 900])
    window.close()
    again = open_window(archive_path)
    # restoreGeometry fits the window onto the (800x800 offscreen) screen, so compare proportions.
    left, right = again.main_splitter.sizes()
    assert abs(left / (left + right) - 0.25) < 0.03
    assert qsettings.value("archive/last") == str(archive_path)


def test_blog_url_constant_matches_the_archive(window: MainWindow) -> None:
    assert window.blog_model.blog_at(1).url == BLOG_URL


def test_a_long_list_sorts_in_memory_after_reading_it_off_thread(
    open_window, big_archive_path, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(PostListModel, "FULL_SORT_LIMIT", 500)  # 1,001 posts count as long here
    window = open_window(big_archive_path)
    model = window.post_model
    with qtbot.waitSignal(window.post_list_sorted, timeout=10_000):
        window.post_view.header().setSortIndicator(PostListModel.COMMENTS, Qt.SortOrder.AscendingOrder)
        assert model.rowCount() < 1_001  # sorted what was loaded; the rest is being read on a worker
    assert model.rowCount() == 1_001 and not model.canFetchMore()
    counts = [model.post_at(row).comment_count for row in range(model.rowCount())]
    assert counts == sorted(counts)
    assert counts[0] == 0 and counts[-1] == 7


def test_a_file_that_is_not_an_archive_is_refused_with_a_message(qtbot, qsettings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database", encoding="utf-8")
    window = MainWindow(None, settings=qsettings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
        window.open_archive_file(notes)
    assert "can't be opened as a Threadbook archive" in ended.args[0]
    assert window.error_label.text() == ended.args[0]
    assert window.archive is None and window.archive_path is None and window.windowTitle() == "Threadbook"
    assert notes.read_text(encoding="utf-8") == "not a database"
    window.add_blog("https://example.blog/")  # no archive: refused with a message, no job
    assert window.runner.active_jobs() == [] and "Open or create an archive" in window.error_label.text()
    window.close()


def test_closing_while_the_archive_opens(qtbot, qsettings, archive_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(None, settings=qsettings)
    qtbot.addWidget(window)
    window.open_archive_file(archive_path)
    window.close()  # waits for the opening job; its late answer must not reopen the archive
    QCoreApplication.processEvents()  # the job's queued `finished` was posted before close() returned
    assert window.archive is None
