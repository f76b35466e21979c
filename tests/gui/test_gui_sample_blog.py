"""Add blog against a real loopback server serving the bundled sample blog: the whole path, no stand-ins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.mainwindow import MainWindow
from desktop.sampleserver import SampleBlogServer
from desktop.tasks import ArchiveSettings, Progress
from desktop.workers import JobProgressWidget
from resources import SAMPLE_BLOG_DIR


@pytest.fixture(scope="module")
def sample_server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as server:
        yield server


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return json.loads((SAMPLE_BLOG_DIR.parent / "sample_blog.truth.json").read_text(encoding="utf-8"))


@pytest.fixture
def empty_window(open_window, tmp_path):  # type: ignore[no-untyped-def]
    return open_window(tmp_path / "new.sqlite")


def test_add_blog_archives_the_sample_blog(empty_window: MainWindow, qtbot, sample_server, truth) -> None:  # type: ignore[no-untyped-def]
    window = empty_window
    assert window.blog_model.rowCount() == 1 and window.post_model.total() == 0  # only "All blogs"
    progress: list[Progress] = []
    with qtbot.waitSignal(window.job_ended, timeout=60_000) as ended:
        job = window.add_blog(sample_server.url, settings=ArchiveSettings(delay=0.0))
        assert job is not None
        job.signals.progress.connect(progress.append)
    assert ended.args[0].startswith("Archived "), ended.args[0]
    assert window.blog_model.rowCount() == 2
    blog = window.blog_model.blog_at(1)
    assert blog is not None and blog.post_count == len(truth["posts"]) and blog.comment_count > 0
    assert window.post_model.total() == blog.post_count
    assert [p.stage for p in progress][-1] == "done"
    assert progress[-1].posts_done == progress[-1].posts_total == blog.post_count
    # The most discussed post opens with its thread.
    busiest = max(range(window.post_model.rowCount()), key=lambda row: window.post_model.post_at(row).comment_count)
    window.post_view.setCurrentIndex(window.post_model.index(busiest, 0))
    assert window.reader.post is not None
    assert window.reader.thread_view.model.comment_count() == window.post_model.post_at(busiest).comment_count
    assert window.reader.body.toPlainText().strip()


def test_cancel_keeps_what_was_saved(empty_window: MainWindow, qtbot, sample_server, truth) -> None:  # type: ignore[no-untyped-def]
    window = empty_window
    job = window.add_blog(sample_server.url, settings=ArchiveSettings(delay=0.05))
    assert job is not None
    # Cancel as soon as the first post has been saved.
    with qtbot.waitSignal(
        job.signals.progress, timeout=60_000, check_params_cb=lambda p: p.stage == "capturing" and p.posts_done >= 1
    ):
        pass
    widget = window.jobs_panel.findChildren(JobProgressWidget)[0]
    with qtbot.waitSignal(window.job_ended, timeout=60_000) as ended:
        widget.cancel_button.click()
    assert ended.args[0].startswith("Cancelled — kept what was saved."), ended.args[0]
    saved = window.post_model.total()
    blog = window.blog_model.blog_at(1)
    assert blog is not None and blog.post_count == saved
    assert 1 <= saved < len(truth["posts"])  # stopped early, kept every post it had saved


def test_closing_mid_crawl_is_clean(empty_window: MainWindow, qtbot, sample_server) -> None:  # type: ignore[no-untyped-def]
    window = empty_window
    job = window.add_blog(sample_server.url, settings=ArchiveSettings(delay=0.05))
    assert job is not None
    with qtbot.waitSignal(job.signals.progress, timeout=60_000, check_params_cb=lambda p: p.stage == "capturing"):
        pass
    assert window.close()
    assert job.done.is_set() and job.cancel.is_set()
