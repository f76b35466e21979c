"""Jobs run tasks off the GUI thread and report back on it; the runner keeps them alive and drains on shutdown."""

from __future__ import annotations

import logging
import threading

import pytest

from desktop.workers import INTERNAL_ERROR_MESSAGE, Job, JobRunner, Lane
from storage.errors import ArchiveLocked


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    runner = JobRunner()
    yield runner
    assert runner.shutdown(timeout_ms=10_000)


def test_a_job_reports_progress_and_its_result_on_the_gui_thread(qtbot, runner: JobRunner) -> None:  # type: ignore[no-untyped-def]
    threads: list[str] = []

    def work(*, progress, cancelled):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        for step in range(3):
            progress(step)
        return "done"

    job = Job(work, title="count")
    seen: list[object] = []
    job.signals.progress.connect(lambda value: seen.append((value, threading.current_thread().name)))
    with qtbot.waitSignal(job.signals.finished, timeout=10_000) as blocker:
        runner.start(job)
    assert blocker.args == ["done"]
    assert threads and threads[0] != threading.main_thread().name  # ran on a pool thread
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen == [(0, "MainThread"), (1, "MainThread"), (2, "MainThread")]
    qtbot.waitUntil(lambda: runner.active_jobs() == [])  # the runner hears of the end through its own slot


def test_expected_trouble_fails_with_its_message(qtbot, runner: JobRunner) -> None:  # type: ignore[no-untyped-def]
    def work(*, progress, cancelled):  # type: ignore[no-untyped-def]
        raise ArchiveLocked("The archive is busy. Wait until it has finished, then try again.")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=10_000) as blocker:
        runner.start(job, lane=Lane.WRITE)
    assert blocker.args == ["The archive is busy. Wait until it has finished, then try again."]
    qtbot.waitUntil(lambda: runner.active_jobs() == [])  # the runner hears of the end through its own slot


def test_a_bug_is_logged_and_reported_generically(qtbot, runner: JobRunner, caplog) -> None:  # type: ignore[no-untyped-def]
    def work(*, progress, cancelled):  # type: ignore[no-untyped-def]
        raise KeyError("internal detail")

    job = Job(work, title="buggy")
    with qtbot.waitSignal(job.signals.failed, timeout=10_000) as blocker:
        runner.start(job)
    assert blocker.args == [INTERNAL_ERROR_MESSAGE]
    assert "internal detail" not in blocker.args[0]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None and "buggy" in errors[0].getMessage()
    caplog.clear()  # the error log was the point of this test


def test_write_lane_runs_one_job_at_a_time(qtbot, runner: JobRunner) -> None:  # type: ignore[no-untyped-def]
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(*, progress, cancelled):  # type: ignore[no-untyped-def]
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        threading.Event().wait(0.02)
        with lock:
            running -= 1

    jobs = [Job(work) for _ in range(4)]
    with qtbot.waitSignals([job.signals.finished for job in jobs], timeout=10_000):
        for job in jobs:
            runner.start(job, lane=Lane.WRITE)
    assert peak == 1


def test_shutdown_cancels_and_waits(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = JobRunner()
    started = threading.Event()
    stopped = threading.Event()

    def work(*, progress, cancelled):  # type: ignore[no-untyped-def]
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        stopped.set()
        return "cancelled"

    running = runner.start(Job(work), lane=Lane.WRITE)
    queued = runner.start(Job(work), lane=Lane.WRITE)  # never starts: shutdown clears the queue
    assert started.wait(10)
    assert runner.shutdown(timeout_ms=10_000)
    assert stopped.is_set() and running.cancel.is_set() and running.done.is_set()
    assert not queued.done.is_set()
    qtbot.waitUntil(lambda: runner.active_jobs() == [])  # the runner hears of the end through its own slot
    with pytest.raises(RuntimeError):
        runner.start(Job(work))
