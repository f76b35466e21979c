"""The jobs panel: one row per capture or export (progress, rate, ETA, Cancel) and a log of what went wrong."""

from __future__ import annotations

import html
import time
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Progress
from desktop.workers import Job, JobProgressWidget


def advice_for(problem: str) -> str:
    """What the user can do about one line of a crawl's problems (plain text)."""
    text = problem.lower()
    if "robots" in text:
        return "The site asks archivers not to fetch this page. Leave it out, or untick robots.txt if it is your site."
    if "404" in text or "doesn't exist" in text or "not found" in text:
        return "The page is gone from the site. Nothing to do unless the address moved."
    if "timed out" in text or "unreachable" in text or "couldn't connect" in text or "connection" in text:
        return "The site did not answer. Update the blog later (F5); what was saved is kept."
    if "too large" in text:
        return "The page is larger than Threadbook fetches. It was skipped on purpose."
    if "429" in text or "too many" in text or "503" in text or "5xx" in text or "server" in text:
        return "The server is busy or limiting us. Raise the delay in Settings and update later."
    if "comment page" in text or "thread" in text:
        return "Part of the thread could not be read. Update this post later to complete it."
    return "Update the blog later; Threadbook fetches only what is missing or changed."


def format_eta(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    return f"{seconds // 3600:.0f} h {seconds % 3600 // 60:02.0f} min"


class JobRow(JobProgressWidget):
    """A job in the panel: what it does, a progress bar, posts per second with the time left, and Cancel."""

    def __init__(self, job: Job, parent: QWidget | None = None, *, clock: object = time.monotonic) -> None:
        super().__init__(job, parent)
        self._clock = clock
        self._started: float | None = None  # when the first post was being captured
        self._start_done = 0
        self.rate_label = QLabel("")
        self.rate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rate_label.setMinimumWidth(150)
        self.label.setMaximumWidth(16_777_215)
        self.label.setMinimumWidth(120)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bar.setFixedWidth(220)
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(2, self.rate_label)
        self.finished = False

    def show_progress(self, progress: object) -> None:
        super().show_progress(progress)
        if not isinstance(progress, Progress) or progress.stage != "capturing" or self.finished:
            return
        now = self._clock()  # type: ignore[operator]
        if self._started is None:
            self._started, self._start_done = now, progress.posts_done
            return
        done = progress.posts_done - self._start_done
        elapsed = now - self._started
        if done <= 0 or elapsed <= 0:
            return
        rate = done / elapsed
        left = max(progress.posts_total - progress.posts_done, 0)
        self.rate_label.setText(f"{rate:.1f} posts/s · {format_eta(left / rate)} left")

    def show_end(self, text: str, *, failed: bool = False) -> None:
        """The job is over: keep the row with its outcome (and no Cancel) until the panel is cleared."""
        self.finished = True
        self.cancel_button.hide()
        self.rate_label.setText("Failed" if failed else "Done")
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1)
            self.bar.setValue(0 if failed else 1)
        width = self.label.width() if self.label.width() > 50 else 900
        self.label.setText(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))
        self.label.setToolTip(html.escape(text))  # the full line; escaped, since it quotes web text


class JobsPanel(QDockWidget):
    """A dock with the running and finished jobs, and a log of skipped or failed pages with advice."""

    problems_logged = Signal(int)  # how many lines were added to the log

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("jobs-dock")
        features = QDockWidget.DockWidgetFeature
        self.setFeatures(features.DockWidgetClosable | features.DockWidgetMovable)
        self.rows: dict[int, JobRow] = {}

        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(4, 4, 4, 4)
        self.rows_layout.setSpacing(2)
        self.empty_label = QLabel("No jobs yet. Add a blog (Ctrl+N) or update one (F5) to start a capture.")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setEnabled(False)
        self.rows_layout.addWidget(self.empty_label)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows_box)

        self.log = QTreeWidget()
        self.log.setHeaderLabels(["When", "Job", "What happened", "What to do"])
        self.log.setRootIsDecorated(False)
        self.log.setUniformRowHeights(True)
        self.log.setAlternatingRowColors(True)
        header = self.log.header()
        for column, width in ((0, 64), (1, 120), (2, 300)):
            header.resizeSection(column, width)
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.clicked.connect(self.clear_finished)
        log_top = QHBoxLayout()
        self.log_label = QLabel("Log: nothing skipped or failed")
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        log_top.addWidget(self.log_label, 1)
        log_top.addWidget(self.clear_button)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(4, 0, 4, 4)
        log_layout.addLayout(log_top)
        log_layout.addWidget(self.log, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(log_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.setWidget(self.splitter)

    def track(self, job: Job) -> JobRow:
        """Add a row for `job`; it follows the job's progress signal."""
        row = JobRow(job)
        self.rows[id(job)] = row
        self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
        self.empty_label.hide()
        return row

    def row_of(self, job: Job) -> JobRow | None:
        return self.rows.get(id(job))

    def finish(self, job: Job, text: str, *, problems: tuple[str, ...] = (), failed: bool = False) -> None:
        """Mark `job` ended with the one-line `text`; log its problems (and a failure) with advice."""
        row = self.rows.get(id(job))
        if row is not None:
            row.show_end(text, failed=failed)
        lines = list(problems)
        if failed:
            lines.insert(0, text)
        for line in lines:
            self.add_log(job.title, line)
        if lines:
            self.problems_logged.emit(len(lines))

    def add_log(self, job_title: str, what: str, advice: str | None = None) -> None:
        item = QTreeWidgetItem([datetime.now().strftime("%H:%M:%S"), job_title, what, advice or advice_for(what)])
        self.log.addTopLevelItem(item)
        self.log.scrollToItem(item)
        count = self.log.topLevelItemCount()
        self.log_label.setText(f"Log: {count:,} line{'s' if count != 1 else ''}")

    def clear_finished(self) -> None:
        for key, row in list(self.rows.items()):
            if row.finished:
                self.rows.pop(key)
                self.rows_layout.removeWidget(row)
                row.deleteLater()
        self.log.clear()
        self.log_label.setText("Log: nothing skipped or failed")
        self.empty_label.setVisible(not self.rows)

    def running_rows(self) -> list[JobRow]:
        return [row for row in self.rows.values() if not row.finished]
