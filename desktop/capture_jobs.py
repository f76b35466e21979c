"""The main window's capture jobs: add a blog (with its preview), update blogs or one post, watch blogs, and
report each job's end in the jobs panel. A mixin of `MainWindow`, kept apart to keep each module to one job."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from desktop import reads, tasks
from desktop.dialogs import AddBlogDialog, blog_url_problem, normalize_typed_url
from desktop.watch import summarize_arrivals
from desktop.workers import Job, Lane
from storage.records import CrawlReport, PostSummary

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow

    _Base = MainWindow
else:
    _Base = object


def plural(count: int, noun: str) -> str:
    """ "1 post", "2 posts", "1,204 posts"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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


class CaptureJobsMixin(_Base):
    """Starting capture jobs on the write lane and showing how they ended."""

    # -- capture jobs
    def show_add_blog_dialog(self, url: str = "") -> AddBlogDialog:
        """Open the Add blog dialog (non-modal to the event loop: `open()`, not `exec()`); it previews the address."""
        dialog = AddBlogDialog(self, url=url, settings=self.archive_settings, runner=self.runner)
        dialog.accepted.connect(lambda: self.add_blog(dialog.url(), settings=dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def add_blog(self, url: str, *, settings: tasks.ArchiveSettings | None = None, title: str = "") -> Job | None:
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
        return self._start_capture(Job(work, title=title or url))

    def _start_capture(self, job: Job) -> Job:
        self.jobs_panel.track(job)
        self.jobs_panel.show()
        job.signals.progress.connect(self._on_archive_progress)
        job.signals.finished.connect(functools.partial(self._on_capture_finished, job))
        job.signals.failed.connect(functools.partial(self._on_capture_failed, job))
        self.error_label.hide()
        return self.runner.start(job, lane=Lane.WRITE)

    def update_current(self) -> Job | None:
        """F5: update the posts selected in the list if the list has focus, else the selected blog (or all)."""
        if self.post_view.hasFocus() and len(self.selected_posts()) == 1:
            return self.update_post(self.selected_posts()[0])
        blog_id = self._current_blog_id()
        return self.update_blogs(None if blog_id is None else [blog_id])

    def update_blogs(self, blog_ids: list[int] | None, *, watched_only: bool = False) -> Job | None:
        """Re-capture blogs incrementally on the write lane (None: every blog)."""
        if self.archive_path is None:
            return None
        names = [b.title or b.url for b in self.blog_model.blogs() if blog_ids is None or b.id in blog_ids]
        title = ("Watch: " if watched_only else "Update ") + (names[0] if len(names) == 1 else "all blogs")
        work = functools.partial(
            tasks.update_blogs,
            db_path=self.archive_path,
            blog_ids=blog_ids,
            watched_only=watched_only,
            settings=self.archive_settings,
        )
        return self._start_capture(Job(work, title=title))

    def update_post(self, post: PostSummary) -> Job | None:
        """Re-capture one post (and its thread) incrementally."""
        return self.add_blog(post.url, title=f"Update “{post.title or post.url}”")

    def update_watched(self) -> Job | None:
        """The watch timer: update the watched blogs that are due (nothing else runs meanwhile on the write lane)."""
        if self.archive_path is None or self._closed:
            return None
        if not any((w := self.blog_model.watch_of(b.id)) and w.watched for b in self.blog_model.blogs()):
            return None
        return self.update_blogs(None, watched_only=True)

    def toggle_watch(self) -> Job | None:
        """Ask for the interval and mark the selected blog watched (or stop watching it)."""
        blog_id = self._current_blog_id()
        if blog_id is None or self.archive_path is None:
            self._show_error("Select a blog in the library first.")
            return None
        current = self.blog_model.watch_of(blog_id)
        hours, ok = QInputDialog.getDouble(
            self,
            "Watch this blog",
            "Update every (hours; 0 stops watching):",
            current.interval_hours if current and current.watched else 24.0,
            0.0,
            24.0 * 30,
            1,
        )
        if not ok:
            return None
        return self.set_watch(blog_id, hours)

    def set_watch(self, blog_id: int, hours: float) -> Job | None:
        if self.archive_path is None:
            return None
        watched = hours > 0
        work = functools.partial(reads.set_blog_watch, self.archive_path, blog_id, watched, hours if watched else 24.0)
        job = Job(work, title="watch")
        job.signals.finished.connect(lambda _result: self.refresh())
        job.signals.failed.connect(self._on_job_failed)
        return self.runner.start(job, lane=Lane.WRITE)

    def _on_capture_finished(self, job: Job, result: object) -> None:
        reports = result if isinstance(result, list) else [result]
        reports = [r for r in reports if isinstance(r, CrawlReport)]
        if job.title.startswith("Watch: ") or isinstance(result, list):
            message = summarize_arrivals(reports) if job.title.startswith("Watch: ") else ""
            if not message:
                message = "; ".join(summarize_report(r) for r in reports) or "Nothing to update."
            if job.title.startswith("Watch: "):
                self.watch_notice.emit(message)
        else:
            message = summarize_report(reports[0]) if reports else "Finished."
        problems = tuple(p for r in reports for p in r.problems)
        self.jobs_panel.finish(job, message, problems=problems)
        self.statusBar().showMessage(message)
        self._after_refresh(lambda: self.job_ended.emit(message))

    def _on_capture_failed(self, job: Job, message: str) -> None:
        self.jobs_panel.finish(job, message, failed=True)
        self._show_error(message)
        self._after_refresh(lambda: self.job_ended.emit(message))  # a failed crawl keeps the posts it saved

    def _after_refresh(self, then: Callable[[], object]) -> None:
        if self._closed or self.refresh(then=then) is None:
            then()

    def _on_job_failed(self, message: str) -> None:
        self._show_error(message)
        self.job_ended.emit(message)

    def cancel_jobs(self) -> None:
        for row in self.jobs_panel.running_rows():
            row.cancel()
        self.runner.cancel_all()
