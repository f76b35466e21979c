"""Run Qt-free tasks off the GUI thread: `Job` wraps one task, `JobRunner` owns the thread pools, and
`JobProgressWidget` shows one running job with its Cancel button."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.tasks import USER_ERRORS, Progress

log = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "Threadbook hit an internal error. Details are in the log; please report them."


class JobSignals(QObject):
    """A job's signals. Created on the GUI thread, so slots connected to GUI objects run there."""

    progress = Signal(object)  # whatever the task reports, e.g. a desktop.tasks.Progress record
    finished = Signal(object)  # the task's return value
    failed = Signal(str)  # a message for the user


class Job(QRunnable):
    """One task run on a pool thread: `work(progress=..., cancelled=...)` is called there.

    The task must be Qt-free and must not touch widgets or models: it gets records or copies, reports through
    `progress`, and polls `cancelled()`. Exactly one of `finished`/`failed` is emitted.
    """

    def __init__(self, work: Callable[..., object], *, title: str = "") -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns the job; the runner keeps it alive until it is done
        self.work = work
        self.title = title
        self.signals = JobSignals()
        self.cancel = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:  # pool thread: no widgets, no Qt models
        try:
            result = self.work(progress=self.signals.progress.emit, cancelled=self.cancel.is_set)
        except USER_ERRORS as exc:  # expected trouble: the message is for the user
            self.done.set()
            self.signals.failed.emit(str(exc))
        except Exception:  # a bug: keep the traceback, and never leave the UI waiting
            log.exception("background job %r crashed", self.title)
            self.done.set()
            self.signals.failed.emit(INTERNAL_ERROR_MESSAGE)
        else:
            self.done.set()
            self.signals.finished.emit(result)


class Lane(enum.Enum):
    """Where a job runs. Every job that writes the archive goes to WRITE, so writes never race."""

    WRITE = "write"  # one thread: crawls that save posts, imports, migrations
    BACKGROUND = "background"  # several threads: read-only work (search, export, loading big lists)


class JobRunner(QObject):
    """Owns the pools, keeps every job alive until it has finished, and cancels and waits on shutdown."""

    jobs_changed = Signal()  # a job was started or has ended

    def __init__(self, parent: QObject | None = None, *, background_threads: int = 4) -> None:
        super().__init__(parent)
        self._pools = {Lane.WRITE: QThreadPool(self), Lane.BACKGROUND: QThreadPool(self)}
        self._pools[Lane.WRITE].setMaxThreadCount(1)
        self._pools[Lane.BACKGROUND].setMaxThreadCount(background_threads)
        self._jobs: list[Job] = []
        self._closed = False

    def start(self, job: Job, *, lane: Lane = Lane.BACKGROUND) -> Job:
        """Queue `job` on `lane`; the runner holds it until `finished` or `failed` has been delivered."""
        if self._closed:
            raise RuntimeError("JobRunner.start() after shutdown()")
        self._jobs.append(job)
        # These connections are made before the ones the caller makes afterwards, so the job is
        # forgotten first; the caller's slots still see the job object they hold themselves.
        # Bound slots of this GUI-thread object, not lambdas: a queued connection needs a receiver that
        # lives on the GUI thread, or the slot would run on the pool thread.
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        self._pools[lane].start(job)
        self.jobs_changed.emit()
        return job

    def active_jobs(self) -> list[Job]:
        """Jobs queued or running whose end the GUI thread has not seen yet."""
        return list(self._jobs)

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel.set()

    def shutdown(self, *, timeout_ms: int = -1) -> bool:
        """Cancel every job and wait for the pools to drain; True if they did within `timeout_ms`."""
        self._closed = True
        self.cancel_all()
        for pool in self._pools.values():
            pool.clear()  # jobs still queued never start
        drained = all(pool.waitForDone(timeout_ms) for pool in self._pools.values())
        if drained:
            self._jobs.clear()
        return drained

    @Slot(object)
    def _on_job_finished(self, _result: object) -> None:
        self._forget(self.sender())

    @Slot(str)
    def _on_job_failed(self, _message: str) -> None:
        self._forget(self.sender())

    def _forget(self, signals: QObject | None) -> None:
        for job in self._jobs:
            if job.signals is signals:
                self._jobs.remove(job)
                self.jobs_changed.emit()
                return


class JobProgressWidget(QWidget):
    """One running capture in the status bar: what it is doing, a progress bar and a Cancel button."""

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.label = QLabel(f"Waiting: {job.title}")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setMinimumWidth(200)
        self.label.setMaximumWidth(460)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.bar.setRange(0, 0)
        self.bar.setFormat("%v / %m posts")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        job.signals.progress.connect(self.show_progress)

    def show_progress(self, progress: object) -> None:
        if not isinstance(progress, Progress):
            return
        if progress.posts_total > 0:
            self.bar.setRange(0, progress.posts_total)
            self.bar.setValue(progress.posts_done)
        else:
            self.bar.setRange(0, 0)  # busy: the total is not known yet
        comments = f" · {progress.comments:,} comments" if progress.comments else ""
        text = f"{progress.message}{comments}"
        self.label.setText(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 440))
        self.label.setToolTip("")  # the message is web text: never let a tooltip guess it is rich text

    def cancel(self) -> None:
        self.job.cancel.set()
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")
