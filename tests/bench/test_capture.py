"""Capture costs on the synthetic blog: exact request counts, cheap re-runs, and hosts captured side by side."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
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


def test_a_failing_blog_gives_a_report_and_the_others_still_run(tmp_path: Path) -> None:
    blog = SyntheticBlog(seed=4, posts=2, comments=3, comments_per_page=10, images=0)
    with serve_synthetic_blog(blog) as server:
        urls = ["ftp://old.example/", server.url]  # refused before any network use
        settings = tasks.ArchiveSettings(delay=0.0)
        reports = tasks.archive_blogs(urls, db_path=tmp_path / "a.sqlite", settings=settings)
    assert [r.blog_url for r in reports] == [urls[0], server.url]
    assert reports[0].problems and reports[0].problems[0].startswith("Couldn't update ftp://old.example/")
    assert reports[1].posts_new == 2 and not reports[1].problems


def test_cancelling_stops_every_lane(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[str] = []

    def fake_archive_blog(url: str, **_: object) -> CrawlReport:
        started.append(url)
        return CrawlReport(blog_url=url)

    monkeypatch.setattr(tasks, "archive_blog", fake_archive_blog)
    urls = ["http://a.test/", "http://a.test/two/", "http://b.test/"]
    reports = tasks.archive_blogs(urls, db_path=tmp_path / "x.sqlite", cancelled=lambda: bool(started))
    assert len(started) <= 2 and "http://a.test/two/" not in started  # each lane stops before its next blog
    assert [r.blog_url for r in reports] == started


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
        assert min(gaps) >= 0.13  # each host still gets its delay (less a little timer jitter)
    one_host = max(times[-1] - times[0] for times in per_host.values())
    assert wall < 2 * one_host + 0.5  # one after another would take 3x one host
    starts = sorted(times[0] for times in per_host.values())
    assert starts[-1] - starts[0] < one_host / 2


def test_blogs_on_one_host_share_its_delay_and_its_robots_txt(tmp_path: Path) -> None:
    blog = SyntheticBlog(seed=4, posts=1, comments=0, comments_per_page=10, images=0, rest_api=False)
    settings = tasks.ArchiveSettings(delay=0.15, fetch_images=False)
    with serve_synthetic_blog(blog) as server:
        reports = tasks.archive_blogs([server.url, server.url], db_path=tmp_path / "a.sqlite", settings=settings)
        log = server.requests()
    assert [r.path for r in log].count("/robots.txt") == 1
    gaps = [b.at - a.at for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) >= 0.13  # also from the first blog's last request to the second's first
    assert sum(r.requests for r in reports) == len(log)  # each report counts its own requests


def test_progress_of_several_blogs_is_summed(tmp_path: Path) -> None:
    blog = SyntheticBlog(seed=4, posts=3, comments=6, comments_per_page=10, images=0)
    seen: list[tasks.Progress] = []
    with serve_synthetic_blog(blog, hosts=2) as server:
        tasks.archive_blogs(server.urls, db_path=tmp_path / "a.sqlite", settings=NO_DELAY, progress=seen.append)
    assert seen[-1].posts_total == 6 and seen[-1].posts_done == 6 and seen[-1].comments == 12
    assert seen[-1].stage == "done"


# -- request counts on the small WordPress blog: 12 posts, 85 comments over several comment pages, 7 images

SMALL = dict(seed=3, posts=12, comments=85, comments_per_page=5, images=7)
DISCOVERY = [
    "/robots.txt",
    "/",
    "/feed/",
    "/wp-sitemap.xml",
    "/wp-sitemap-posts-post-1.xml",
    "/wp-sitemap-posts-page-1.xml",
]


def kinds(log: list[object]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for request in log:
        path = request.path  # type: ignore[attr-defined]
        kind = (
            "discovery"
            if path in DISCOVERY
            else "rest"
            if path.startswith("/wp-json/")
            else "image"
            if path.startswith("/wp-content/")
            else "comment page"
            if "/comment-page-" in path
            else "changes"
            if path == "/comments/feed/"
            else "post"
        )
        counted[kind] = counted.get(kind, 0) + 1
    return counted


@pytest.mark.parametrize("rest", [True, False], ids=["rest", "html-only"])
def test_a_first_capture_takes_one_request_per_page_and_image_and_nothing_twice(rest: bool, tmp_path: Path) -> None:
    blog = SyntheticBlog(**SMALL, rest_api=rest)
    assert blog.comment_page_total == 4  # several posts with more than one comment page
    with serve_synthetic_blog(blog) as server:
        report = tasks.archive_blog(server.url, db_path=tmp_path / "a.sqlite", settings=NO_DELAY)
        log = server.requests()
    assert (report.posts_new, report.comments_new, report.images_saved) == (12, 85, 7)
    urls = [(r.path, r.query) for r in log]
    assert len(urls) == len(set(urls))  # no page twice
    assert not [r for r in log if "replytocom" in r.query]
    if rest:  # each post's thread in one REST request (100 a page): no HTML comment pages needed
        assert kinds(log) == {"discovery": 6, "post": 12, "rest": 12, "image": 7}
        assert len(log) == 37
    else:
        assert kinds(log) == {"discovery": 6, "post": 12, "comment page": 4, "image": 7}
        assert len(log) == 29
    assert report.requests == len(log) <= 60  # the target


@pytest.mark.parametrize("rest", [True, False], ids=["rest", "html-only"])
def test_a_rerun_on_the_unchanged_blog_asks_only_for_the_lists_of_changes(rest: bool, tmp_path: Path) -> None:
    blog = SyntheticBlog(**SMALL, rest_api=rest)
    db = tmp_path / "a.sqlite"
    with serve_synthetic_blog(blog) as server:
        tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        server.clear_log()
        report = tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        log = server.requests()
        server.clear_log()
        third = tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        third_log = server.requests()
    assert (report.posts_new, report.posts_changed, report.posts_unchanged, report.comments_new) == (0, 0, 12, 0)
    assert report.comments_total == 85  # the skipped posts' comments, as archived
    assert [r.path for r in log][:6] == DISCOVERY
    assert [r.status for r in log][1:6] == [304] * 5  # home, feed, sitemaps: only if changed
    if rest:  # new comments and edited posts since the last run, newest first: one request each
        assert [r.path for r in log[6:]] == ["/wp-json/wp/v2/comments", "/wp-json/wp/v2/posts"]
    else:  # the comments feed, then 304 on later runs; edits from the sitemap's <lastmod>
        assert [(r.path, r.status) for r in log[6:]] == [("/comments/feed/", 200)]
        assert [(r.path, r.status) for r in third_log[6:]] == [("/comments/feed/", 304)]
    assert report.requests == len(log) == (8 if rest else 7)
    assert third.posts_unchanged == 12


@pytest.mark.parametrize("rest", [True, False], ids=["rest", "html-only"])
def test_a_rerun_fetches_the_posts_with_new_comments_and_the_edited_ones(rest: bool, tmp_path: Path) -> None:
    blog = SyntheticBlog(**SMALL, rest_api=rest)
    db = tmp_path / "a.sqlite"
    with serve_synthetic_blog(blog) as server:
        tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        commented = blog.add_comment(blog.posts[1], parent=blog.comments_of(blog.posts[1])[0].id)
        edited = blog.edit_post(blog.posts[4])
        server.clear_log()
        report = tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        log = server.requests()
    assert (report.comments_new, report.posts_changed, report.posts_unchanged) == (1, 2, 10)
    fetched_posts = {r.path for r in log if kinds([r]) == {"post": 1}}
    assert fetched_posts == {commented.path, edited.path}
    if rest:  # + each post page and its comments through REST
        assert len(log) == 8 + 4
    else:  # + each post page, and the other comment page of the commented post (its comment count changed)
        assert blog.comment_page_count(commented) == 2 and len(log) == 7 + 3


def test_recheck_all_asks_every_post_again(tmp_path: Path) -> None:
    blog = SyntheticBlog(**SMALL, rest_api=False)
    db = tmp_path / "a.sqlite"
    with serve_synthetic_blog(blog) as server:
        tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        server.clear_log()
        report = tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0, recheck_all=True))
        log = server.requests()
    assert kinds(log) == {"discovery": 6, "post": 12, "comment page": 4}  # images are known: not asked again
    assert report.not_modified == len(log) - 1  # everything but robots.txt answers 304


def test_a_post_not_fetched_for_a_month_is_asked_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blog = SyntheticBlog(**SMALL, rest_api=False)
    db = tmp_path / "a.sqlite"
    with serve_synthetic_blog(blog) as server:
        tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        later = tasks._now() + tasks.RECHECK_AFTER + timedelta(days=1)
        monkeypatch.setattr(tasks, "_now", lambda: later)
        server.clear_log()
        tasks.archive_blog(server.url, db_path=db, settings=NO_DELAY)
        log = server.requests()
    assert kinds(log) == {"discovery": 6, "changes": 1, "post": 12, "comment page": 4}
