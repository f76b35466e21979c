"""The main window's series and anthology hooks: the Reader / Series / Anthology tabs, opening a series or an
anthology from the library, "Capture this series..." and "Add to anthology...". A mixin of `MainWindow`."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QInputDialog, QLineEdit, QTabWidget

from desktop.anthologies import SeriesCaptureReport, add_posts_to_anthology, apply_to_archive, capture_series
from desktop.anthology_editor import AnthologyEditor
from desktop.models import RECORD_ROLE
from desktop.series_view import SeriesCaptureDialog, SeriesView, unique_anthology_name
from desktop.workers import Job, Lane
from storage.archive import Archive
from storage.queries import TermCount
from storage.records import AnthologySummary, CrawlReport

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow

    _Base = MainWindow
else:
    _Base = object

NEW_ANTHOLOGY = "New anthology…"


class CurationMixin(_Base):
    """Series view and anthology editor in tabs beside the reader, and the jobs that feed them."""

    def _build_curation(self) -> QTabWidget:
        self.series_view = SeriesView(self.runner)
        self.series_view.changed.connect(lambda: self.refresh())
        self.series_view.anthology_made.connect(self._on_anthology_made)
        self.series_view.capture_requested.connect(self.show_series_capture_dialog)
        self.series_view.post_activated.connect(self.show_post)
        self.series_view.failed.connect(self._show_error)
        self.anthology_editor = AnthologyEditor(self.runner)
        self.anthology_editor.changed.connect(lambda: self.refresh())
        self.anthology_editor.failed.connect(self._show_error)
        self.series_capture_dialog: SeriesCaptureDialog | None = None
        for page in (self.series_view, self.anthology_editor):
            page.setMinimumWidth(240)  # a narrow window squeezes the editor rather than the post list
        self.reader_tabs = QTabWidget()
        self.reader_tabs.setDocumentMode(True)
        self.reader_tabs.addTab(self.reader, "Reader")
        self.reader_tabs.addTab(self.series_view, "Series")
        self.reader_tabs.addTab(self.anthology_editor, "Anthology")
        return self.reader_tabs

    def _curation_archive(self, path: Path | None) -> None:
        self.series_view.set_archive(path)
        self.anthology_editor.set_archive(path)

    def anthology_summaries(self) -> list[AnthologySummary]:
        """The archive's anthologies (a small indexed read)."""
        return self.archive.list_anthologies() if self.archive is not None else []

    def _current_anthology_node(self) -> str | None:
        """The name of the anthology whose library node is current, if one is (kept across library reloads)."""
        record = self.blog_view.currentIndex().siblingAtColumn(0).data(RECORD_ROLE)
        return record.name if isinstance(record, AnthologySummary) else None

    def _open_library_node(self, index: QModelIndex) -> bool:
        """Open what a library node stands for: True for an anthology (it has no post list)."""
        record = index.siblingAtColumn(0).data(RECORD_ROLE) if index.isValid() else None
        if isinstance(record, AnthologySummary):
            self.show_anthology(record.name)
            return True
        if isinstance(record, TermCount) and record.kind == "series":
            self.show_series(record.name, record.blog_id)
        return False

    def show_series(self, name: str, blog_id: int | None = None) -> Job | None:
        self.reader_tabs.setCurrentWidget(self.series_view)
        return self.series_view.show_series(name, blog_id)

    def show_anthology(self, name: str) -> Job | None:
        self.reader_tabs.setCurrentWidget(self.anthology_editor)
        return self.anthology_editor.open_anthology(name)

    def _on_anthology_made(self, name: str) -> None:
        self.statusBar().showMessage(f"Made the anthology “{name}”", 5000)
        self.refresh(then=functools.partial(self._select_anthology_node, name))
        self.show_anthology(name)

    def _select_anthology_node(self, name: str) -> None:
        """Mark the anthology's library node as current without opening it again (the editor shows it already)."""
        self._restoring_selection = True
        try:
            index = self.blog_model.anthology_index(name)
            self.blog_view.expand(index.parent())
            self.blog_view.setCurrentIndex(index)
        finally:
            self._restoring_selection = False

    # -- "Capture this series..."
    def show_series_capture_dialog(self, url: str = "") -> SeriesCaptureDialog:
        if not url:
            posts = self.selected_posts()
            url = posts[0].url if posts else (self.reader.post.url if self.reader.post is not None else "")
        dialog = SeriesCaptureDialog(runner=self.runner, settings=self.archive_settings, url=url, parent=self)
        dialog.capture_accepted.connect(self.capture_series)
        dialog.finished.connect(dialog.deleteLater)
        self.series_capture_dialog = dialog
        dialog.open()
        return dialog

    def capture_series(self, plan: object) -> Job | None:
        """Capture every part of a previewed series (a job in the jobs panel, on the write lane); then show it."""
        if self.archive_path is None:
            self._show_error("Open or create an archive first (File → Open archive…).")
            return None
        name = str(getattr(plan, "name", ""))
        work = functools.partial(
            _capture_crawl,
            str(getattr(plan, "start_url", "")),
            db_path=self.archive_path,
            settings=self.archive_settings,
            plan=plan,
        )
        job = Job(work, title=f"Capture the series “{name}”")
        job.signals.finished.connect(lambda _report: self.show_series(name))
        return self._start_capture(job)

    # -- "Add to anthology..."
    def add_selected_to_anthology(self) -> None:
        posts = self.selected_posts()
        if not posts or self.archive is None:
            self._show_error("Select posts in the list first: they are added to the anthology you choose.")
            return
        names = [a.name for a in self.anthology_summaries()]
        current = self.anthology_editor.name()
        choices = ([current] if current in names else []) + [n for n in names if n != current] + [NEW_ANTHOLOGY]
        choice, ok = QInputDialog.getItem(self, "Add to anthology", "Add the selected posts to:", choices, 0, False)
        if not ok:
            return
        if choice == NEW_ANTHOLOGY:
            choice, ok = QInputDialog.getText(self, "New anthology", "Name:", QLineEdit.EchoMode.Normal, "")
            if not ok or not choice.strip():
                return
        self.add_posts_to_anthology(choice.strip(), [p.id for p in posts])

    def add_posts_to_anthology(self, name: str, post_ids: list[int]) -> Job | None:
        """Append posts to the anthology `name` (created if new) on the write lane, then open it in the editor."""
        if self.archive_path is None:
            return None
        work = functools.partial(apply_to_archive, self.archive_path, functools.partial(_add, name, post_ids))
        job = Job(work, title=f"add to {name}")
        job.signals.finished.connect(lambda stored: self._on_anthology_made(str(stored)))
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.WRITE)


def _add(name: str, post_ids: list[int], archive: Archive) -> str:
    """Add posts to the anthology `name`, creating it when no anthology has that name; returns its stored name."""
    known = {a.name.casefold(): a.name for a in archive.list_anthologies()}
    stored = known.get(name.casefold())
    if stored is None:
        stored = archive.create_anthology(unique_anthology_name(archive, name)).name
    present = {e.post_id for e in archive.load_anthology_spec(stored).entries}
    add_posts_to_anthology(archive, name=stored, post_ids=[p for p in dict.fromkeys(post_ids) if p not in present])
    return stored


def _capture_crawl(url: str, **kwargs: object) -> CrawlReport:
    """`capture_series`, answering with its crawl report so the jobs panel can summarise it like any capture."""
    report = capture_series(url, **kwargs)  # type: ignore[arg-type]
    assert isinstance(report, SeriesCaptureReport)
    return report.crawl
