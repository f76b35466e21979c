"""The main window: blogs and their posts on the left, the reader on the right, capture jobs below."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop import tasks
from desktop.dialogs import AddBlogDialog, blog_url_problem, normalize_typed_url
from desktop.models import BlogListModel, PostListModel, SearchResultsModel
from desktop.reader import PostReader
from desktop.tasks import (
    USER_ERRORS,
    ArchiveSettings,
    Progress,
    load_blog_list,
    load_post_summaries,
    prepare_archive,
    search_archive,
)
from desktop.workers import Job, JobProgressWidget, JobRunner, Lane
from resources import ICONS_DIR
from storage.archive import Archive, open_archive
from storage.records import BlogSummary, CrawlReport, PostSummary, SearchHit

log = logging.getLogger(__name__)

ORGANIZATION = "Threadbook"
APPLICATION = "Threadbook"
LIVE_REFRESH_SECONDS = 2.0  # how often the lists catch up with a running crawl


def summarize_report(report: CrawlReport) -> str:
    """A one-line summary of a capture run for the status bar."""
    changed = f", {report.posts_changed:,} changed" if report.posts_changed else ""
    text = (
        f"{report.blog_url}: {plural(report.posts_found, 'post')} found, {report.posts_new:,} new{changed}; "
        f"{plural(report.comments_total, 'comment')} ({report.comments_new:,} new)"
    )
    if report.images_saved:
        text += f", {plural(report.images_saved, 'image')}"
    text = ("Cancelled — kept what was saved. " if report.cancelled else "Archived ") + text
    if report.problems:
        text += f". {plural(len(report.problems), 'problem')}: {report.problems[0]}"
    return text


def plural(count: int, noun: str) -> str:
    """ "1 post", "2 posts", "1,204 posts"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def icon(name: str) -> QIcon:
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


class MainWindow(QMainWindow):
    """Browse an archive: blogs, posts, the reader; add blogs and watch their capture."""

    archive_opened = Signal(str)  # the archive file, once it is ready to browse
    blogs_refreshed = Signal()
    job_ended = Signal(str)  # the one-line summary or error message of a finished job
    search_finished = Signal(int)  # how many hits the current search found
    post_list_sorted = Signal()  # a long post list was read in full on a worker for an in-memory sort

    def __init__(
        self,
        archive_path: Path | None = None,
        *,
        settings: QSettings | None = None,
        runner: JobRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings(ORGANIZATION, APPLICATION)
        self.runner = runner or JobRunner(self)
        self.archive: Archive | None = None
        self.archive_path: Path | None = None
        self.archive_settings = ArchiveSettings()
        self.error_box: QMessageBox | None = None
        self.add_dialog: AddBlogDialog | None = None
        self._progress_widgets: dict[int, JobProgressWidget] = {}
        self._restoring_selection = False
        self._search_generation = 0
        self._blogs_generation = 0
        self._last_live_refresh = 0.0
        self._closed = False

        self.setWindowTitle("Threadbook")
        self.setWindowIcon(icon("threadbook"))
        self.setAcceptDrops(True)
        self._build_views()
        self._build_actions()
        self._restore_state()
        if archive_path is not None:
            self.open_archive_file(Path(archive_path))

    # -- construction
    def _build_views(self) -> None:
        self.blog_model = BlogListModel(self)
        self.blog_view = QTreeView()
        self.blog_view.setModel(self.blog_model)
        self.blog_view.setRootIsDecorated(False)
        self.blog_view.setUniformRowHeights(True)
        self.blog_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        blog_header = self.blog_view.header()
        blog_header.setStretchLastSection(False)
        blog_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        blog_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        blog_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.blog_view.selectionModel().currentRowChanged.connect(self._on_blog_changed)

        self.post_model = PostListModel(self)
        self.post_view = QTreeView()
        self.post_view.setModel(self.post_model)
        self.post_view.setRootIsDecorated(False)
        self.post_view.setUniformRowHeights(True)
        self.post_view.setAlternatingRowColors(True)
        self.post_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        post_header = self.post_view.header()
        post_header.setSortIndicator(PostListModel.DATE, Qt.SortOrder.DescendingOrder)  # storage's default order
        self.post_view.setSortingEnabled(True)
        post_header.setStretchLastSection(False)
        post_header.setSectionResizeMode(PostListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((PostListModel.DATE, 86), (PostListModel.AUTHOR, 112), (PostListModel.COMMENTS, 74)):
            post_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            post_header.resizeSection(column, width)
        self.post_view.selectionModel().currentRowChanged.connect(self._on_post_changed)
        self.post_model.reloaded.connect(self._reselect_current_post)
        self.post_model.full_list_wanted.connect(self._load_full_post_list)

        self.posts_label = QLabel("Posts")
        self.posts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.posts_label.setContentsMargins(2, 4, 0, 0)
        posts_box = QWidget()
        posts_layout = QVBoxLayout(posts_box)
        posts_layout.setContentsMargins(0, 0, 0, 0)
        posts_layout.setSpacing(2)
        posts_layout.addWidget(self.posts_label)
        posts_layout.addWidget(self.post_view, 1)

        # Search results take the post list's place until the search is cleared.
        self.search_model = SearchResultsModel(self)
        self.search_view = QTreeView()
        self.search_view.setModel(self.search_model)
        self.search_view.setRootIsDecorated(False)
        self.search_view.setUniformRowHeights(True)
        self.search_view.setAlternatingRowColors(True)
        self.search_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        search_header = self.search_view.header()
        search_header.setStretchLastSection(True)
        search_header.resizeSection(SearchResultsModel.POST, 170)
        search_header.resizeSection(SearchResultsModel.WHERE, 110)
        self.search_view.selectionModel().currentRowChanged.connect(self._on_hit_changed)
        self.search_label = QLabel("")
        self.search_label.setTextFormat(Qt.TextFormat.PlainText)
        self.search_label.setContentsMargins(2, 4, 0, 0)
        self.back_button = QPushButton("Back to posts")
        self.back_button.clicked.connect(self.clear_search)
        search_top = QHBoxLayout()
        search_top.addWidget(self.search_label, 1)
        search_top.addWidget(self.back_button)
        results_box = QWidget()
        results_layout = QVBoxLayout(results_box)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(2)
        results_layout.addLayout(search_top)
        results_layout.addWidget(self.search_view, 1)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(posts_box)
        self.list_stack.addWidget(results_box)

        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.addWidget(self.blog_view)
        self.left_splitter.addWidget(self.list_stack)
        self.left_splitter.setStretchFactor(0, 1)
        self.left_splitter.setStretchFactor(1, 4)
        self.left_splitter.setChildrenCollapsible(False)

        self.reader = PostReader()
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self.reader)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 4, 6, 2)
        central_layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)

        self.stats_label = QLabel("")
        self.stats_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.stats_label)
        self.error_label = QLabel("")  # the last error, kept visible until the next job ends
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #a40000;")
        self.error_label.hide()
        self.statusBar().addWidget(self.error_label, 1)

    def _build_actions(self) -> None:
        self.add_blog_action = QAction(icon("add-blog"), "&Add blog…", self)
        self.add_blog_action.setShortcut(QKeySequence("Ctrl+N"))
        self.add_blog_action.setStatusTip("Archive a blog with all its posts and comment threads")
        self.add_blog_action.triggered.connect(self.show_add_blog_dialog)
        self.open_action = QAction(icon("open-archive"), "&Open archive…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_archive_file)
        self.refresh_action = QAction(icon("refresh"), "&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.expand_action = QAction("&Expand all comments", self)
        self.expand_action.triggered.connect(self.reader.thread_view.expand_all)
        self.collapse_action = QAction("&Collapse all comments", self)
        self.collapse_action.triggered.connect(self.reader.thread_view.collapse_all)
        self.about_action = QAction("&About Threadbook", self)
        self.about_action.triggered.connect(self._show_about)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.add_blog_action)
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        view_menu.addAction(self.expand_action)
        view_menu.addAction(self.collapse_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.add_blog_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.refresh_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search posts and comments…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setFixedWidth(300)
        self.search_edit.returnPressed.connect(lambda: self.start_search(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda text: None if text.strip() else self.clear_search())
        toolbar.addWidget(self.search_edit)
        self.find_action = QAction("&Find…", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)
        self.addToolBar(toolbar)

    # -- settings
    def _restore_state(self) -> None:
        geometry = self.settings.value("mainwindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
            self.main_splitter.setSizes([500, 700])
            self.left_splitter.setSizes([110, 640])
            self.reader.splitter.setSizes([340, 400])
            self.reader.thread_view.splitter.setSizes([290, 80])
        for key, splitter in self._splitters().items():
            state = self.settings.value(f"mainwindow/{key}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)

    def _save_state(self) -> None:
        self.settings.setValue("mainwindow/geometry", self.saveGeometry())
        for key, splitter in self._splitters().items():
            self.settings.setValue(f"mainwindow/{key}", splitter.saveState())
        if self.archive_path is not None:
            self.settings.setValue("archive/last", str(self.archive_path))
        self.settings.sync()

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main_splitter": self.main_splitter,
            "left_splitter": self.left_splitter,
            "reader_splitter": self.reader.splitter,
            "thread_splitter": self.reader.thread_view.splitter,
        }

    # -- the archive
    def choose_archive_file(self) -> None:
        start = str(self.archive_path.parent) if self.archive_path else ""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Open or create an archive",
            start,
            "Threadbook archives (*.sqlite *.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.open_archive_file(Path(path))

    def open_archive_file(self, path: Path) -> Job:
        """Open (or create) the archive at `path`: migrations run on a worker, then the window browses it."""
        self._close_archive()
        self.archive_path = path
        self.setWindowTitle(f"{path.name} — Threadbook")
        self.statusBar().showMessage(f"Opening {path}…")
        job = Job(functools.partial(prepare_archive, path), title=f"Open {path.name}")
        job.signals.finished.connect(self._on_archive_prepared)
        job.signals.failed.connect(functools.partial(self._on_archive_refused, path))
        return self.runner.start(job, lane=Lane.WRITE)

    def _on_archive_refused(self, path: Path, message: str) -> None:
        if path == self.archive_path:
            self.archive_path = None
            self.setWindowTitle("Threadbook")
            self.statusBar().clearMessage()
        self._show_error(message)
        self.job_ended.emit(message)

    def _on_archive_prepared(self, result: object) -> None:
        path, blogs = cast(tuple[Path, list[BlogSummary]], result)
        if path != self.archive_path or self._closed:
            return  # the user opened another archive meanwhile, or closed the window
        try:
            self.archive = open_archive(path)  # schema is current now: this is a quick open
        except USER_ERRORS as exc:
            self._show_error(str(exc))
            return
        self._show_blogs(blogs)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        self.archive_opened.emit(str(path))

    def _close_archive(self) -> None:
        self.post_model.set_source(None)
        self.blog_model.set_blogs(())
        self.reader.show_post(None)
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def refresh(self, *, then: Callable[[], object] | None = None) -> Job | None:
        """Re-read the blog list (on a worker) and then the current post list, keeping the selection;
        `then` runs once the new lists are shown."""
        if self.archive is None or self.archive_path is None:
            return None
        self._blogs_generation += 1
        job = Job(functools.partial(load_blog_list, self.archive_path), title="list blogs")
        job.signals.finished.connect(functools.partial(self._on_blogs_loaded, self._blogs_generation, then))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_blogs_loaded(self, generation: int, then: Callable[[], object] | None, blogs: object) -> None:
        if generation == self._blogs_generation and self.archive is not None:
            self._show_blogs(blogs)  # type: ignore[arg-type]
        if then is not None:
            then()

    def _show_blogs(self, blogs: list[BlogSummary]) -> None:
        """Show a fresh blog list, keep the selected blog, and re-read its post list (one page)."""
        if self.archive is None:
            return
        current_blog = self._current_blog_id()
        self._restoring_selection = True
        try:
            self.blog_model.set_blogs(blogs)
            self.blog_view.setCurrentIndex(self.blog_model.index(self.blog_model.row_of(current_blog), 0))
        finally:
            self._restoring_selection = False
        self.post_model.set_source(self.archive, blog_id=current_blog)  # reselects the post shown
        self._update_posts_label()
        posts = sum(blog.post_count for blog in blogs)
        comments = sum(blog.comment_count for blog in blogs)
        self.stats_label.setText(
            f"{plural(len(blogs), 'blog')} · {plural(posts, 'post')} · {plural(comments, 'comment')}"
        )
        self.blogs_refreshed.emit()

    def _reselect_current_post(self) -> None:
        """After the list was re-read, select the post the reader shows again (if it is loaded)."""
        if self.reader.post is None or self.reader.post.id is None:
            return
        row = self.post_model.row_of(self.reader.post.id)
        if row is None:
            return
        self._restoring_selection = True  # the reader already shows it: don't load it again
        try:
            self.post_view.setCurrentIndex(self.post_model.index(row, 0))
        finally:
            self._restoring_selection = False
        self.post_view.scrollTo(self.post_model.index(row, 0))

    def _load_full_post_list(self, blog_id: object) -> Job | None:
        if self.archive_path is None:
            return None
        self.statusBar().showMessage("Sorting every post… (reading the whole list)")
        job = Job(functools.partial(load_post_summaries, self.archive_path, blog_id), title="load post list")
        job.signals.finished.connect(self._on_full_post_list)
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_full_post_list(self, result: object) -> None:
        blog_id, rows = cast(tuple[int | None, list[PostSummary]], result)
        if self.post_model.set_all_rows(blog_id, rows):
            self.statusBar().showMessage(f"Sorted {len(rows):,} posts", 5000)
        self.post_list_sorted.emit()

    def _current_blog_id(self) -> int | None:
        blog = self.blog_model.blog_at(self.blog_view.currentIndex().row())
        return blog.id if blog is not None else None

    def _update_posts_label(self) -> None:
        blog = self.blog_model.blog_at(self.blog_view.currentIndex().row())
        where = blog.title if blog is not None else "all blogs"
        total = self.post_model.total()
        self.posts_label.setText(f"{total:,} post{'s' if total != 1 else ''} in {where}")

    def _on_blog_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.archive is None or self._restoring_selection:
            return
        blog = self.blog_model.blog_at(current.row())
        self.post_model.set_source(self.archive, blog_id=blog.id if blog is not None else None)
        self._update_posts_label()

    def _on_post_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring_selection:
            return
        summary = self.post_model.post_at(current.row()) if current.isValid() else None
        if summary is None or self.archive is None:
            self.reader.show_post(None)
            return
        self.show_post(summary.id)

    def show_post(self, post_id: int) -> None:
        """Load one post with its thread and images (one indexed read) into the reader."""
        if self.archive is None:
            return
        try:
            post = self.archive.load_post(post_id, with_asset_data=True)
        except USER_ERRORS as exc:
            self._show_error(str(exc))
            return
        self.reader.show_post(post)

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # -- search: archive-wide, so it runs on a worker with its own connection
    def start_search(self, query: str) -> Job | None:
        """Search the archive for `query` in the background; the results replace the post list."""
        query = query.strip()
        if not query:
            self.clear_search()
            return None
        if self.archive_path is None or self.archive is None:
            return None
        self._search_generation += 1
        generation = self._search_generation
        self.search_label.setText(f"Searching for “{query}”…")
        self.list_stack.setCurrentIndex(1)
        job = Job(functools.partial(search_archive, self.archive_path, query), title=f"search {query}")
        job.signals.finished.connect(functools.partial(self._on_search_finished, generation))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_search_finished(self, generation: int, result: object) -> None:
        if generation != self._search_generation or self.list_stack.currentIndex() != 1:
            return  # a newer search was started, or the search was cleared meanwhile
        query, hits = cast(tuple[str, list[SearchHit]], result)
        self.search_model.set_hits(query, hits)
        count = len(hits)
        self.search_label.setText(
            f"{count:,} match{'es' if count != 1 else ''} for “{query}”" if count else f"Nothing matches “{query}”"
        )
        self.search_view.resizeColumnToContents(SearchResultsModel.WHERE)
        self.search_finished.emit(count)

    def clear_search(self) -> None:
        self._search_generation += 1
        self.search_model.set_hits("", ())
        self.list_stack.setCurrentIndex(0)
        if self.search_edit.text():
            self.search_edit.clear()

    def _on_hit_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.search_model.hit_at(current.row()) if current.isValid() else None
        if hit is None:
            return
        self.show_post(hit.post_id)
        if hit.comment_source_id is not None:
            self.reader.thread_view.select_comment(hit.comment_source_id)

    # -- capture jobs
    def show_add_blog_dialog(self, url: str = "") -> AddBlogDialog:
        """Open the Add blog dialog (non-modal to the event loop: `open()`, not `exec()`)."""
        dialog = AddBlogDialog(self, url=url, settings=self.archive_settings)
        dialog.accepted.connect(lambda: self.add_blog(dialog.url(), settings=dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def add_blog(self, url: str, *, settings: ArchiveSettings | None = None) -> Job | None:
        """Start archiving `url` on the write lane; None (and a message) if the address is not http(s)."""
        url = normalize_typed_url(url)
        problem = blog_url_problem(url)
        if problem is not None:
            self._show_error(f"Can't archive “{url}”: {problem}")
            return None
        if self.archive_path is None:
            self._show_error("Open or create an archive first (File → Open archive…).")
            return None
        if settings is not None:
            self.archive_settings = settings
        work = functools.partial(tasks.archive_blog, url, db_path=self.archive_path, settings=self.archive_settings)
        job = Job(work, title=url)
        widget = JobProgressWidget(job)
        self._progress_widgets[id(job)] = widget
        self.statusBar().addPermanentWidget(widget)
        job.signals.progress.connect(self._on_archive_progress)
        job.signals.finished.connect(functools.partial(self._on_archive_finished, job))
        job.signals.failed.connect(functools.partial(self._on_archive_failed, job))
        self.error_label.hide()
        return self.runner.start(job, lane=Lane.WRITE)

    def _on_archive_progress(self, progress: object) -> None:
        """Show saved posts while the crawl goes on, at most every LIVE_REFRESH_SECONDS, but only while
        no post is open: re-reading the list moves it, which would disturb someone reading."""
        if not isinstance(progress, Progress) or progress.stage != "capturing" or progress.posts_done < 1:
            return
        if self.archive is None or self.reader.post is not None:
            return
        now = time.monotonic()
        if self.post_model.total() == 0 or now - self._last_live_refresh >= LIVE_REFRESH_SECONDS:
            self._last_live_refresh = now
            self.refresh()

    def _on_archive_finished(self, job: Job, report: object) -> None:
        self._remove_progress(job)
        message = summarize_report(report) if isinstance(report, CrawlReport) else "Finished."
        self.statusBar().showMessage(message)
        self._after_refresh(lambda: self.job_ended.emit(message))

    def _on_archive_failed(self, job: Job, message: str) -> None:
        self._remove_progress(job)
        self._show_error(message)
        self._after_refresh(lambda: self.job_ended.emit(message))  # a failed crawl keeps the posts it saved

    def _after_refresh(self, then: Callable[[], object]) -> None:
        if self.refresh(then=then) is None:
            then()

    def _remove_progress(self, job: Job) -> None:
        widget = self._progress_widgets.pop(id(job), None)
        if widget is not None:
            self.statusBar().removeWidget(widget)
            widget.deleteLater()

    def _on_job_failed(self, message: str) -> None:
        self._show_error(message)
        self.job_ended.emit(message)

    def cancel_jobs(self) -> None:
        for widget in self._progress_widgets.values():
            widget.cancel()
        self.runner.cancel_all()

    def _show_error(self, message: str) -> None:
        """Say what went wrong without blocking: a status-bar line plus a window-modal box (open(), not exec())."""
        log.info("shown to the user: %s", message)
        self.error_label.setText(message)
        self.error_label.show()
        if self.error_box is not None:
            self.error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Threadbook", message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote web text (titles, URLs)
        box.finished.connect(box.deleteLater)
        self.error_box = box
        box.open()

    def _show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About Threadbook")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            "Threadbook archives blog posts with their whole comment threads, "
            "and binds series of them into PDF anthologies."
        )
        box.finished.connect(box.deleteLater)
        box.open()

    # -- drag and drop: a link dropped on the window is archived
    @staticmethod
    def _dropped_url(event: QDragEnterEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        candidates = [url.toString() for url in mime.urls()] if mime.hasUrls() else []
        if mime.hasText():
            candidates.append(mime.text().strip())
        for candidate in candidates:
            if blog_url_problem(candidate) is None and QUrl(candidate).scheme() in ("http", "https"):
                return candidate
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_url(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        url = self._dropped_url(event)
        if url is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_blog(url)

    # -- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel running captures and wait for them (posts saved so far stay), then close the archive."""
        self._closed = True
        self._save_state()
        if self.runner.active_jobs():
            self.statusBar().showMessage("Stopping running jobs…")
        self.cancel_jobs()
        self.runner.shutdown()
        self._close_archive()
        if self.error_box is not None:
            self.error_box.close()
        event.accept()
