"""Server faults met during a whole capture: each is retried or skipped, told in words, and the rest is archived.

Every test's docstring starts with `fault: <what>; result: recovered|reported|refused`, which
tools/reliability_report.py turns into the table of docs/reliability.md.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from faulty_blog import (
    POSTS,
    READ_TIMEOUT,
    FaultyBlog,
    archived_urls,
    gzip_bomb,
    oversized,
    page_as,
    reset_mid_body,
    run_archive,
    serve,
    stall_mid_body,
    status,
    truncated_body,
)

from ingest import crawl

VICTIM = POSTS[3]  # /2024/02/20/paper-for-beginners/


def _assert_rest_archived(blog: FaultyBlog, db: Path, *, missing: str | None) -> None:
    urls = {u.removeprefix(blog.origin) for u in archived_urls(db)}
    expected = set(POSTS) - ({missing} if missing else set())
    assert urls == expected


def _problem_about(report: object, path: str) -> str:
    lines = [p for p in report.problems if path in p]  # type: ignore[attr-defined]
    assert lines, f"no problem line names {path}: {report.problems}"  # type: ignore[attr-defined]
    return lines[0]


def test_stalled_post_is_retried_once_then_recovered(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: post page stalls mid-body past the read timeout, once; result: recovered"""
    blog.faults[VICTIM] = [stall_mid_body(), None]
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
    assert blog.hits[VICTIM] == 2
    assert report.problems == ()


def test_post_that_always_stalls_is_skipped_and_reported(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: post page stalls past the read timeout on every try; result: reported"""
    blog.faults[VICTIM] = stall_mid_body()
    started = time.monotonic()
    report = run_archive(blog, tmp_path / "a.sqlite")
    elapsed = time.monotonic() - started
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    assert "stopped answering" in _problem_about(report, VICTIM)
    assert blog.hits[VICTIM] == 2  # one retry only: a stalled server rarely recovers within seconds
    assert elapsed < 2 * 3 * READ_TIMEOUT + 5


@pytest.mark.parametrize("fault", [reset_mid_body, truncated_body], ids=["reset", "truncated"])
def test_broken_download_is_retried_and_recovered(blog: FaultyBlog, tmp_path: Path, fast_retries: None, fault) -> None:  # type: ignore[no-untyped-def]
    """fault: connection reset mid-body / truncated body (Content-Length larger than sent), once; result: recovered"""
    blog.faults[VICTIM] = [fault, None]
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
    assert report.problems == ()
    assert blog.hits[VICTIM] == 2


@pytest.mark.parametrize("fault", [reset_mid_body, truncated_body], ids=["reset", "truncated"])
def test_always_broken_download_is_reported(blog: FaultyBlog, tmp_path: Path, fast_retries: None, fault) -> None:  # type: ignore[no-untyped-def]
    """fault: connection reset / truncated body on every try; result: reported"""
    blog.faults[VICTIM] = fault
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    line = _problem_about(report, VICTIM)
    assert "Skipped" in line and ("broke off" in line or "cut off" in line)
    assert blog.hits[VICTIM] == 4  # the first try and three retries


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_obeyed_then_recovered(blog: FaultyBlog, tmp_path: Path, code: int) -> None:
    """fault: 429 / 503 with Retry-After: 1 (seconds), then success; result: recovered"""
    blog.faults[VICTIM] = [status(code, retry_after="1"), None]
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
    assert report.problems == ()
    tries = [r.at for r in blog.requests if r.path == VICTIM]
    assert len(tries) == 2
    assert tries[1] - tries[0] >= 0.95


def test_persistent_500_is_skipped_reported_and_the_rest_archived(
    blog: FaultyBlog, tmp_path: Path, fast_retries: None
) -> None:
    """fault: one post answers 500 every time; result: reported"""
    blog.faults[VICTIM] = status(500)
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    line = _problem_about(report, VICTIM)
    assert "the server had a problem (500)" in line and "4 tries" in line
    assert report.posts_new == len(POSTS) - 1


def test_redirect_loop_on_a_post_is_reported(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: a post redirects to a second URL that redirects back (a loop); result: reported"""
    other = VICTIM + "?loop=1"
    blog.faults[VICTIM] = status(302, location=other)
    blog.faults[other] = status(302, location=VICTIM)
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    assert "redirecting in a loop" in _problem_about(report, VICTIM)
    assert blog.hits[VICTIM] + blog.hits[other] <= 12


def test_response_over_the_size_cap_is_refused(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: a post page of 30 MB with no Content-Length (cap 25 MB); result: refused"""
    blog.faults[VICTIM] = oversized(30_000_000)
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    assert "larger than the 25 MB limit" in _problem_about(report, VICTIM)
    assert blog.hits[VICTIM] == 1  # too large is not retried


def test_gzip_bomb_is_refused_at_the_decompressed_cap(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: a post page is a gzip bomb (100 kB inflating to 100 MB); result: refused"""
    blog.faults[VICTIM] = gzip_bomb
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=VICTIM)
    assert "larger than the 25 MB limit" in _problem_about(report, VICTIM)


def _latin1_page(data: bytes) -> bytes:
    return data.decode("utf-8").encode("latin-1", errors="xmlcharrefreplace")


# A post with a non-ASCII title; each mislabelled variant must still read as this text.
CHARSET_POST = POSTS[8]  # /2024/05/14/cafe-specimens-in-many-scripts/


@pytest.mark.parametrize(
    ("transform", "content_type"),
    [
        (lambda data: data, "text/html; charset=ISO-8859-1"),
        (_latin1_page, "text/html; charset=UTF-8"),
        (lambda data: data, "text/html"),
    ],
    ids=["utf8-sent-latin1-declared", "latin1-sent-utf8-declared", "no-charset"],
)
def test_wrong_or_missing_charset_still_reads(  # type: ignore[no-untyped-def]
    blog: FaultyBlog, tmp_path: Path, transform, content_type: str
) -> None:
    """fault: wrong charset header (UTF-8 sent as latin-1 and vice versa) or none; result: recovered"""
    clean_db = tmp_path / "clean.sqlite"
    run_archive(blog, clean_db)
    expected = _title_and_body(clean_db, blog.origin + CHARSET_POST)
    assert any(ord(ch) > 127 for ch in expected[0] + expected[1])

    with FaultyBlog() as bad:
        bad.faults[CHARSET_POST] = page_as(transform, content_type)
        db = tmp_path / "bad.sqlite"
        report = run_archive(bad, db)
        got = _title_and_body(db, bad.origin + CHARSET_POST)
    assert report.problems == ()
    assert got[0] == expected[0]
    assert got[1].replace(bad.origin, "") == expected[1].replace(blog.origin, "")


def _title_and_body(db: Path, url: str) -> tuple[str, str]:
    from storage.archive import open_archive

    with open_archive(db) as archive:
        post = archive.load_post(archive.find_post(url))
    return post.title, post.body_md


def test_cyclic_comment_pages_are_read_once_each(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: comment pages link in a cycle (page 3 links back to page 1 under another URL); result: recovered"""
    post = POSTS[4]  # tell-us-about-your-first-press: three comment pages
    page3 = post + "comment-page-3/"

    def cyclic(data: bytes) -> bytes:
        text = data.decode("utf-8")
        link = f'<a class="next" href="{post}comment-page-1/?replytocom=1#comments">Newer Comments</a>'
        return text.replace("</body>", f'<div class="nav-links">{link}</div></body>').encode()

    blog.faults[page3] = page_as(cyclic, "text/html; charset=UTF-8")
    report = run_archive(blog, tmp_path / "a.sqlite")
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
    assert report.problems == ()
    for number in (1, 2, 3):
        assert blog.count(f"{post}comment-page-{number}/") <= 1


def test_endless_comment_pages_are_bounded_and_reported(
    blog: FaultyBlog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fault: endless comment pagination (every page links to a new next page); result: reported"""
    monkeypatch.setattr(crawl, "MAX_COMMENT_PAGES", 40)  # the real bound is 500: the same code path, 12x faster
    post = POSTS[4]
    page_one = blog.root / post.strip("/") / "comment-page-1" / "index.html"

    def endless(h) -> None:  # type: ignore[no-untyped-def]
        number = int(h.path.split("comment-page-")[1].split("/")[0])
        text = h.server.owner.rewrite(page_one.read_bytes()).decode("utf-8")
        text = text.replace("comment-page-1", f"comment-page-{number}")
        link = f'<a class="prev page-numbers" href="{post}comment-page-{number + 10}/#comments">Older Comments</a>'
        data = text.replace("</body>", f'<div class="nav-links">{link}</div></body>').encode()
        h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(data))})
        h.wfile.write(data)

    report = _with_endless(blog, post, endless, tmp_path)
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
    requested = sum(1 for r in blog.requests if r.path.startswith(post + "comment-page-"))
    assert 30 < requested <= 41, requested
    assert any("comment pages" in p and post in p for p in report.problems), report.problems


def _with_endless(blog: FaultyBlog, post: str, endless, tmp_path: Path):  # type: ignore[no-untyped-def]
    original = blog.next_fault

    def next_fault(raw_path: str):  # type: ignore[no-untyped-def]
        if raw_path.startswith(post + "comment-page-"):
            return endless
        return original(raw_path)

    blog.next_fault = next_fault  # type: ignore[method-assign]
    return run_archive(blog, tmp_path / "a.sqlite")


def test_endless_listing_pages_are_bounded(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: no feed or sitemap, and listing pages that go on forever, each with a new post; result: reported"""
    for path in ("/feed/", "/wp-sitemap.xml", "/sitemap.xml", "/sitemap_index.xml", "/robots.txt"):
        blog.faults[path] = serve("not here", code=404)
    home_page = (blog.root / "index.html").read_bytes()

    def listing(h) -> None:  # type: ignore[no-untyped-def]
        number = int(h.path.split("/page/")[1].split("/")[0]) if "/page/" in h.path else 1
        text = h.server.owner.rewrite(home_page).decode("utf-8")
        title = f'<a href="/2030/01/01/endless-{number}/">Endless {number}</a>'
        extra = f'<article class="post"><h2 class="entry-title">{title}</h2></article>'
        nav = f'<a class="next page-numbers" href="/page/{number + 1}/">Older posts</a>'
        data = text.replace("</main>", extra + nav + "</main>").encode()
        h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(data))})
        h.wfile.write(data)

    original = blog.next_fault

    def next_fault(raw_path: str):  # type: ignore[no-untyped-def]
        if raw_path.startswith("/page/"):
            return listing
        if raw_path.startswith("/2030/"):
            return serve("gone", code=404)
        return original(raw_path)

    blog.next_fault = next_fault  # type: ignore[method-assign]
    started = time.monotonic()
    report = run_archive(blog, tmp_path / "a.sqlite", respect_robots=False)
    listing_requests = sum(1 for r in blog.requests if r.path.startswith("/page/"))
    assert any("500 pages" in p and "older posts may be missing" in p for p in report.problems), report.problems[-3:]
    assert listing_requests <= 1000
    assert time.monotonic() - started < 60


def test_same_post_under_many_urls_is_archived_once(blog: FaultyBlog, tmp_path: Path) -> None:
    """fault: one post as ?utm_source=x, ?amp=1, /amp/, no trailing slash, an old URL that 301s; result: recovered"""
    post = POSTS[5]
    variants = [
        post + "?utm_source=x&utm_medium=feed",
        post + "?amp=1",
        post + "amp/",
        post.rstrip("/"),
        "/old/anatomy/",
    ]
    blog.faults["/old/anatomy/"] = status(301, location=blog.origin + post)
    blog.faults[post + "amp/"] = page_as(lambda d: d, "text/html; charset=UTF-8", source=post)

    def with_links(data: bytes) -> bytes:
        links = "".join(f'<a href="{blog.origin}{v}" rel="bookmark">again</a>' for v in variants)
        return data.decode("utf-8").replace("</main>", links + "</main>").encode()

    blog.faults["/"] = page_as(with_links, "text/html; charset=UTF-8", source="/")
    run_archive(blog, tmp_path / "a.sqlite")
    urls = archived_urls(tmp_path / "a.sqlite")
    assert sum(1 for u in urls if "anatomy" in u) == 1
    _assert_rest_archived(blog, tmp_path / "a.sqlite", missing=None)
