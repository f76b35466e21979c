"""Capture costs on the synthetic blog: exact request counts, cheap re-runs, and hosts captured side by side."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench.synthetic_blog import SyntheticBlog, serve_synthetic_blog
from desktop import tasks
from storage.records import CrawlReport

NO_DELAY = tasks.ArchiveSettings(delay=0.0)


def test_blogs_on_different_hosts_run_at_once_and_blogs_on_one_host_one_after_another(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spans: dict[str, tuple[float, float]] = {}
    lock = threading.Lock()

    def fake_archive_blog(url: str, **_: object) -> CrawlReport:
        start = time.monotonic()
        time.sleep(0.2)
        with lock:
            spans[url] = (start, time.monotonic())
        return CrawlReport(blog_url=url)

    monkeypatch.setattr(tasks, "archive_blog", fake_archive_blog)
    urls = ["http://a.test/one/", "http://b.test/", "http://a.test/two/", "http://c.test:8080/"]
    reports = tasks.archive_blogs(urls, db_path=tmp_path / "x.sqlite", settings=NO_DELAY)
    assert [r.blog_url for r in reports] == urls  # in the order asked
    a1, a2 = spans["http://a.test/one/"], spans["http://a.test/two/"]
    assert a1[1] <= a2[0]  # one host: one after another, so its delay holds across its blogs
    b, c = spans["http://b.test/"], spans["http://c.test:8080/"]
    assert b[0] < a1[1] and c[0] < a1[1]  # other hosts: at the same time


def test_at_most_max_parallel_blogs_run_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def fake_archive_blog(url: str, **_: object) -> CrawlReport:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return CrawlReport(blog_url=url)

    monkeypatch.setattr(tasks, "archive_blog", fake_archive_blog)
    urls = [f"http://host{n}.test/" for n in range(7)]
    assert len(tasks.archive_blogs(urls, db_path=tmp_path / "x.sqlite", max_parallel=3)) == 7
    assert most == 3


def test_the_per_host_delay_does_not_serialise_different_hosts(tmp_path: Path) -> None:
    """Three hosts with a 0.15 s delay each: captured at once, the run takes about one host's time."""
    blog = SyntheticBlog(seed=4, posts=1, comments=0, comments_per_page=10, images=0, rest_api=False)
    settings = tasks.ArchiveSettings(delay=0.15, fetch_images=False)
    with serve_synthetic_blog(blog, hosts=3) as server:
        start = time.monotonic()
        reports = tasks.archive_blogs(server.urls, db_path=tmp_path / "a.sqlite", settings=settings)
        wall = time.monotonic() - start
        log = server.requests()
    assert [r.posts_new for r in reports] == [1, 1, 1]
    per_host = {origin: [r.at for r in log if r.origin == origin] for origin in {r.origin for r in log}}
    assert len(per_host) == 3
    for times in per_host.values():
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.14  # each host still gets its delay
    one_host = max(times[-1] - times[0] for times in per_host.values())
    assert wall < 2 * one_host + 0.5  # one after another would take 3x one host
    starts = sorted(times[0] for times in per_host.values())
    assert starts[-1] - starts[0] < one_host / 2


def test_progress_of_several_blogs_is_summed(tmp_path: Path) -> None:
    blog = SyntheticBlog(seed=4, posts=3, comments=6, comments_per_page=10, images=0)
    seen: list[tasks.Progress] = []
    with serve_synthetic_blog(blog, hosts=2) as server:
        tasks.archive_blogs(server.urls, db_path=tmp_path / "a.sqlite", settings=NO_DELAY, progress=seen.append)
    assert seen[-1].posts_total == 6 and seen[-1].posts_done == 6 and seen[-1].comments == 12
    assert seen[-1].stage == "done"
