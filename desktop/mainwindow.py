"""The main window: the library tree and post list on the left, the reader on the right, the jobs panel below."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

import shiboken6
from PySide6.QtCore import QByteArray, QModelIndex, QPoint, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop import reads
from desktop.actions import build_actions, icon
from desktop.capture_jobs import CaptureJobsMixin, plural, summarize_report
from desktop.curation import CurationMixin
from desktop.dialogs import AddBlogDialog, blog_url_problem
from desktop.export_dialog import ExportDialog
from desktop.history_view import HistoryDialog
from desktop.jobs import JobsPanel
from desktop.library import LibraryModel
from desktop.models import PostFilter, PostListModel
from desktop.provenance import ProvenanceDialog
from desktop.reader import PostReader
from desktop.reads import load_library, prepare_archive, search_archive_filtered
from desktop.search_panel import SearchPanel
from desktop.settings import AppSettings, SettingsDialog
from desktop.tasks import USER_ERRORS, Progress
from desktop.watch import WatchScheduler
from desktop.workers import Job, JobRunner, Lane
from storage.archive import Archive, open_archive
from storage.queries import TermCount, WatchedBlog
from storage.records import BlogSummary, PostSummary, SearchHit

log = logging.getLogger(__name__)

ORGANIZATION = "Threadbook"
APPLICATION = "Threadbook"
LIVE_REFRESH_SECONDS = 2.0  # how often the lists catch up with a running crawl
SEARCH_DELAY_MS = 250  # search as you type, once typing pauses this long
__all__ = ["APPLICATION", "ORGANIZATION", "MainWindow", "icon", "plural", "summarize_report"]


def _list_view(model: object) -> QTreeView:
    view = QTreeView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setUniformRowHeights(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    return view


class MainWindow(CurationMixin, CaptureJobsMixin, QMainWindow):
    """Browse an archive (library, posts, reader, search); add, update, watch and export blogs."""

    archive_opened = Signal(str)  # the archive file, once it is ready to browse
    blogs_refreshed = Signal()
    job_ended = Signal(str)  # the one-line summary or error message of a finished job
    search_finished = Signal(int)  # how many hits the current search found
    post_list_sorted = Signal()  # a long post list was read in full on a worker for an in-memory sort
    watch_notice = Signal(str)  # what a watch run brought

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
        self.prefs = AppSettings(self.settings)
        self.runner = runner or JobRunner(self)
        self.archive: Archive | None = None
        self.archive_path: Path | None = None
        self.archive_settings = self.prefs.archive_settings()
        self.error_box: QMessageBox | None = None
        self.add_dialog: AddBlogDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.provenance_dialog: ProvenanceDialog | None = None
        self._terms: list[TermCount] = []
        self._restoring_selection = False
        self._search_generation = 0
        self._blogs_generation = 0
        self._last_live_refresh = 0.0
        self._closed = False

        self.setWindowTitle("Threadbook")
        self.setWindowIcon(icon("threadbook"))
        self.setAcceptDrops(True)
        self._build_views()
        build_actions(self)
        self.search_edit.returnPressed.connect(lambda: self.start_search(self.search_edit.text()))
        self.search_edit.textChanged.connect(self._on_search_text)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.start_search(self.search_edit.text()))
        self._fill_recent_menu()
        self.watcher = WatchScheduler(self, check_minutes=self.prefs.watch_check_minutes())
        self.watcher.check_due.connect(self.update_watched)
        self._restore_state()
        if archive_path is not None:
            self.open_archive_file(Path(archive_path))

    # -- construction
    def _build_views(self) -> None:
        self.blog_model = LibraryModel(self)
        self.blog_view = _list_view(self.blog_model)
        header = self.blog_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.blog_view.selectionModel().currentChanged.connect(self._on_library_changed)
        self.blog_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.blog_view.customContextMenuRequested.connect(self._library_menu)

        self.post_model = PostListModel(self)
        self.post_view = _list_view(self.post_model)
        self.post_view.setRootIsDecorated(False)
        self.post_view.setAlternatingRowColors(True)
        self.post_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        post_header = self.post_view.header()
        post_header.setSortIndicator(PostListModel.DATE, Qt.SortOrder.DescendingOrder)  # storage's default order
        self.post_view.setSortingEnabled(True)
        post_header.setStretchLastSection(False)
        post_header.setSectionResizeMode(PostListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        widths = ((PostListModel.DATE, 86), (PostListModel.AUTHOR, 104), (PostListModel.COMMENTS, 80))
        for column, width in (*widths, (PostListModel.CAPTURED, 86)):
            post_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            post_header.resizeSection(column, width)
        self.post_view.selectionModel().currentRowChanged.connect(self._on_post_changed)
        self.post_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.post_view.customContextMenuRequested.connect(self._post_menu)
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
        self.search_panel = SearchPanel(runner=self.runner, archive_path=lambda: self.archive_path)
        self.search_model, self.search_view = self.search_panel.model, self.search_panel.view
        self.search_label, self.back_button = self.search_panel.label, self.search_panel.back_button
        self.search_panel.back_requested.connect(self.clear_search)
        self.search_panel.hit_activated.connect(self.open_hit)
        self.search_panel.filter_bar.changed.connect(lambda: self.start_search(self.search_edit.text()))
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(posts_box)
        self.list_stack.addWidget(self.search_panel)

        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.addWidget(self.blog_view)
        self.left_splitter.addWidget(self.list_stack)
        self.left_splitter.setStretchFactor(0, 1)
        self.left_splitter.setStretchFactor(1, 3)
        self.left_splitter.setChildrenCollapsible(False)

        self.reader = PostReader()
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self._build_curation())  # tabs: the reader, the series view, the anthology
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 4, 6, 2)
        central_layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)

        self.jobs_panel = JobsPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_panel)

        self.stats_label = QLabel("")
        self.stats_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.stats_label)
        self.error_label = QLabel("")  # the last error, kept visible until the next job ends
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #d03030;")  # readable on light and dark status bars
        self.error_label.hide()
        self.statusBar().addWidget(self.error_label, 1)

    # -- settings
    def _restore_state(self) -> None:
        geometry = self.settings.value("mainwindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
            self.main_splitter.setSizes([520, 740])
            self.left_splitter.setSizes([170, 430])
            self.reader.splitter.setSizes([300, 300])
            self.reader.thread_view.splitter.setSizes([220, 80])
            self.resizeDocks([self.jobs_panel], [150], Qt.Orientation.Vertical)
        state = self.settings.value("mainwindow/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        for key, splitter in self._splitters().items():
            value = self.settings.value(f"mainwindow/{key}")
            if isinstance(value, QByteArray) and not value.isEmpty():
                splitter.restoreState(value)

    def _save_state(self) -> None:
        self.settings.setValue("mainwindow/geometry", self.saveGeometry())
        self.settings.setValue("mainwindow/state", self.saveState())
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

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.prefs.recent_archives()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(functools.partial(self.open_archive_file, Path(path)))
        self.recent_menu.setEnabled(bool(recent))

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.prefs, archive_path=self.archive_path, parent=self)
        dialog.accepted.connect(lambda: setattr(self, "archive_settings", self.prefs.archive_settings()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

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
        self.prefs.add_recent_archive(path)
        self._fill_recent_menu()
        self._curation_archive(path)
        self._show_blogs(blogs)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        self.archive_opened.emit(str(path))
        self.refresh()  # the library tree's series, categories and tags, and the watch marks
        self.watcher.start()

    def _close_archive(self) -> None:
        self.post_model.set_source(None)
        self.blog_model.set_blogs(())
        self.reader.show_post(None)
        self._curation_archive(None)
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def refresh(self, *, then: Callable[[], object] | None = None) -> Job | None:
        """Re-read the library (on a worker) and then the current post list, keeping the selection;
        `then` runs once the new lists are shown."""
        if self.archive is None or self.archive_path is None:
            return None
        self._blogs_generation += 1
        job = Job(functools.partial(load_library, self.archive_path), title="read the library")
        job.signals.finished.connect(functools.partial(self._on_library_loaded, self._blogs_generation, then))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_library_loaded(self, generation: int, then: Callable[[], object] | None, result: object) -> None:
        if generation == self._blogs_generation and self.archive is not None:
            blogs, terms, watch = cast(tuple[list[BlogSummary], list[TermCount], list[WatchedBlog]], result)
            self._show_blogs(blogs, terms, watch)
        if then is not None:
            then()

    def _show_blogs(
        self, blogs: list[BlogSummary], terms: list[TermCount] | None = None, watch: list[WatchedBlog] | None = None
    ) -> None:
        """Show a fresh library, keep the selected node, and re-read its post list (one page)."""
        if self.archive is None:
            return
        if terms is not None:
            self._terms = terms
        current = self._current_filter()
        anthology = self._current_anthology_node()
        self._restoring_selection = True
        try:
            self.blog_model.set_blogs(blogs, self._terms, watch or [], self.anthology_summaries())
            index = self.blog_model.index_of(current)
            if anthology is not None and self.blog_model.anthology_index(anthology).isValid():
                index = self.blog_model.anthology_index(anthology)
                self.blog_view.expand(index.parent())
            self.blog_view.setCurrentIndex(index)
            current = LibraryModel.filter_at(index) or PostFilter()
        finally:
            self._restoring_selection = False
        self.post_model.set_source(self.archive, post_filter=current)  # reselects the post shown
        self._update_posts_label()
        self.search_panel.filter_bar.set_choices(blogs, self._terms)
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

    def _load_full_post_list(self, post_filter: object) -> Job | None:
        if self.archive_path is None or not isinstance(post_filter, PostFilter):
            return None
        self.statusBar().showMessage("Sorting every post… (reading the whole list)")
        work = functools.partial(reads.load_post_list, self.archive_path, post_filter.kwargs())
        job = Job(work, title="load post list")
        job.signals.finished.connect(functools.partial(self._on_full_post_list, post_filter))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_full_post_list(self, post_filter: PostFilter, rows: object) -> None:
        if self.post_model.set_all_rows(post_filter, cast(list[PostSummary], rows)):
            self.statusBar().showMessage(f"Sorted {len(cast(list[PostSummary], rows)):,} posts", 5000)
        self.post_list_sorted.emit()

    def _current_filter(self) -> PostFilter:
        return LibraryModel.filter_at(self.blog_view.currentIndex()) or PostFilter()

    def _current_blog_id(self) -> int | None:
        return self._current_filter().blog_id

    def _update_posts_label(self) -> None:
        index = self.blog_view.currentIndex()
        where = index.siblingAtColumn(0).data() if index.isValid() else "All blogs"
        where = "all blogs" if where == "All blogs" else str(where).removesuffix("  ◉")
        if self._current_anthology_node() is not None:
            where = "all blogs"  # an anthology node leaves the post list as it is: every post, to add from
        self.posts_label.setText(f"{plural(self.post_model.total(), 'post')} in {where}")

    def _on_library_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.archive is None or self._restoring_selection:
            return
        if self._open_library_node(current):
            return  # an anthology: it opens in the editor and has no post list
        post_filter = LibraryModel.filter_at(current)
        if post_filter is None:
            return  # a group heading ("Series", "Tags")
        self.post_model.set_source(self.archive, post_filter=post_filter)
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
        self.reader_tabs.setCurrentWidget(self.reader)

    def selected_posts(self) -> list[PostSummary]:
        rows = sorted({index.row() for index in self.post_view.selectionModel().selectedRows()})
        return [post for row in rows if (post := self.post_model.post_at(row)) is not None]

    # -- search: archive-wide, so it runs on a worker with its own connection
    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _on_search_text(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()  # search as you type, once typing pauses
        else:
            self._search_timer.stop()
            self.clear_search()

    def start_search(self, query: str) -> Job | None:
        """Search the archive for `query` (with the filters set) in the background; hits replace the post list."""
        self._search_timer.stop()
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
        filters = self.search_panel.filter_bar.filters()
        work = functools.partial(search_archive_filtered, self.archive_path, query, filters)
        job = Job(work, title=f"search {query}")
        job.signals.finished.connect(functools.partial(self._on_search_finished, generation))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.BACKGROUND)

    def _on_search_finished(self, generation: int, result: object) -> None:
        if generation != self._search_generation or self.list_stack.currentIndex() != 1:
            return  # a newer search was started, or the search was cleared meanwhile
        query, hits = cast(tuple[str, list[SearchHit]], result)
        self.search_panel.show_hits(query, hits)
        self.search_finished.emit(len(hits))

    def clear_search(self) -> None:
        self._search_generation += 1
        self.search_model.set_hits("", ())
        self.list_stack.setCurrentIndex(0)
        if self.search_edit.text():
            self.search_edit.clear()

    def open_hit(self, hit: object) -> None:
        """Show the post of a search hit; for a comment hit, select that comment and scroll to it."""
        if not isinstance(hit, SearchHit):
            return
        self.show_post(hit.post_id)
        if hit.comment_source_id is not None:
            self.reader.thread_view.select_comment(hit.comment_source_id)

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

    # -- dialogs
    def show_export_dialog(self) -> ExportDialog | None:
        if self.archive_path is None:
            self._show_error("Open an archive first (File → Open archive…).")
            return None
        series = sorted({t.name for t in self._terms if t.kind == "series"}, key=str.casefold)
        current = self._current_filter().series
        if current in series:
            series.remove(current)
            series.insert(0, current)
        dialog = ExportDialog(
            archive_path=self.archive_path,
            runner=self.runner,
            series=series,
            selected=self.selected_posts(),
            out_dir=self.prefs.export_dir(),
            page_size=self.prefs.page_size(),
            parent=self,
        )
        dialog.finished.connect(dialog.deleteLater)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def show_provenance(self) -> ProvenanceDialog | None:
        post = self.reader.post
        if post is None or post.id is None or self.archive_path is None:
            self._show_error("Open a post first: provenance is shown for the post in the reader.")
            return None
        dialog = ProvenanceDialog(post, archive_path=self.archive_path, runner=self.runner, parent=self)
        dialog.finished.connect(dialog.deleteLater)
        self.provenance_dialog = dialog
        dialog.open()
        return dialog

    def show_history(self) -> HistoryDialog | None:
        """The history of the post in the reader: its captures and what changed between them (read on workers)."""
        post = self.reader.post
        if post is None or post.id is None or self.archive_path is None:
            self._show_error("Open a post first: the history is shown for the post in the reader.")
            return None
        dialog = HistoryDialog(
            post.id, title=post.title, url=post.url, archive_path=self.archive_path, runner=self.runner, parent=self
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _post_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        posts = self.selected_posts()
        if len(posts) == 1:
            menu.addAction("Update this post").triggered.connect(lambda: self.update_post(posts[0]))
            menu.addAction(self.provenance_action)
            menu.addAction(self.history_action)
            menu.addAction(self.capture_series_action)
        menu.addAction(self.add_to_anthology_action)
        menu.addAction(self.export_action)
        menu.popup(self.post_view.viewport().mapToGlobal(pos))

    def _library_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.update_action, self.watch_action, self.export_action):
            menu.addAction(action)
        menu.popup(self.blog_view.viewport().mapToGlobal(pos))

    def _show_error(self, message: str) -> None:
        """Say what went wrong without blocking: a status-bar line plus a window-modal box (open(), not exec())."""
        log.info("shown to the user: %s", message)
        self.error_label.setText(message)
        self.error_label.show()
        if self.error_box is not None and shiboken6.isValid(self.error_box):
            self.error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Threadbook", message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote web text (titles, URLs)
        box.finished.connect(box.deleteLater)
        self.error_box = box
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
        """Cancel running jobs and wait for them (posts saved so far stay), then close the archive."""
        self._closed = True
        self.watcher.stop()
        self._save_state()
        if self.runner.active_jobs():
            self.statusBar().showMessage("Stopping running jobs…")
        self.anthology_editor.flush()  # a text still waiting for typing to pause is saved before the lanes close
        self.anthology_editor.close_dialogs()
        for dialog in (
            self.add_dialog,
            self.export_dialog,
            self.provenance_dialog,
            self.error_box,
            self.series_capture_dialog,
        ):
            if dialog is not None and shiboken6.isValid(dialog):  # deleteLater() may have run already
                dialog.close()
        self.cancel_jobs()
        self.runner.shutdown()
        self._close_archive()
        event.accept()
