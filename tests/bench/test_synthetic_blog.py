"""The synthetic benchmark blog: deterministic, the sizes asked for, and pages our extractors read as WordPress."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pytest
import requests

from bench.synthetic_blog import SyntheticBlog, serve_synthetic_blog
from ingest.comments import merge_comment_pages
from ingest.extract import extract_post_page
from ingest.feeds import parse_feed
from ingest.listing import read_blog_page
from ingest.sitemaps import parse_sitemap

SMALL = dict(seed=7, posts=30, comments=400, comments_per_page=5, images=9)


@pytest.fixture(scope="module")
def blog() -> SyntheticBlog:
    return SyntheticBlog(**SMALL)


@pytest.fixture(scope="module")
def server(blog: SyntheticBlog) -> Iterator[object]:
    with serve_synthetic_blog(blog, hosts=2) as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def get(session: requests.Session, url: str, **headers: str) -> requests.Response:
    response = session.get(url, headers=headers, timeout=10, allow_redirects=False)
    return response


def test_the_same_seed_gives_the_same_blog_and_another_seed_another() -> None:
    one, two, other = SyntheticBlog(**SMALL), SyntheticBlog(**SMALL), SyntheticBlog(**{**SMALL, "seed": 8})
    assert one.posts == two.posts
    assert [one.comments_of(p) for p in one.posts] == [two.comments_of(p) for p in two.posts]
    assert [p.comment_count for p in one.posts] != [p.comment_count for p in other.posts]


def test_sizes_are_exact_and_comments_are_skewed() -> None:
    blog = SyntheticBlog(seed=1, posts=500, comments=10_000, comments_per_page=50, images=40)
    counts = sorted(p.comment_count for p in blog.posts)
    assert sum(counts) == 10_000 and len(counts) == 500
    assert sum(len(blog.comments_of(p)) for p in blog.posts[:50]) == sum(p.comment_count for p in blog.posts[:50])
    assert counts[len(counts) // 2] <= 10  # most posts have a few comments
    assert counts[-1] >= 200  # a few have hundreds
    assert sum(len(p.images) for p in blog.posts) == 40
    ids = [c.id for p in blog.posts[:40] for c in blog.comments_of(p)]
    assert len(ids) == len(set(ids))


def test_threads_nest_at_most_five_deep_with_parents_before_replies(blog: SyntheticBlog) -> None:
    for post in blog.posts:
        seen: set[int] = set()
        for comment in blog.comments_of(post):
            assert comment.depth < 5
            assert comment.parent is None or comment.parent in seen
            seen.add(comment.id)


def test_a_post_page_reads_as_a_wordpress_post_with_its_whole_thread_over_its_comment_pages(
    blog: SyntheticBlog, server: object, session: requests.Session
) -> None:
    post = max(blog.posts, key=lambda p: p.comment_count)
    pages = blog.comment_page_count(post)
    assert pages >= 3
    url = server.urls[0].rstrip("/") + post.path  # type: ignore[attr-defined]
    first = extract_post_page(get(session, url).text, url)
    assert first.is_post and first.platform == "wordpress" and first.post is not None
    assert (first.post.title, first.post.source_id) == (post.title, str(post.id))
    assert first.post.comment_count_expected == post.comment_count
    assert first.comment_page_number == pages  # the post URL shows the newest page, as WordPress
    assert f"{url}comment-page-{pages - 1}/" in first.comment_page_urls  # "Older comments"
    extracted, queue, seen = [first], list(first.comment_page_urls), {url}
    while queue:  # WordPress shows only some page numbers: the pages are found by following the links
        link = queue.pop(0)
        if link in seen:
            continue
        seen.add(link)
        extracted.append(extract_post_page(get(session, link).text, link))
        queue.extend(extracted[-1].comment_page_urls)
    # The numbered links name the newest page too (`comment-page-{pages}`): the same comments as the post URL.
    assert seen == {url} | {f"{url}comment-page-{n}/" for n in range(1, pages + 1)}
    thread = merge_comment_pages(extracted)
    truth = blog.comments_of(post)
    assert [(c.source_id, c.parent_source_id) for c in sorted(thread, key=lambda c: int(c.source_id))] == [
        (str(c.id), str(c.parent) if c.parent else None) for c in truth
    ]
    assert {c.author for c in thread} == {c.author for c in truth}


def test_comment_pages_link_older_and_newer_and_the_post_url_is_the_last(
    blog: SyntheticBlog, server: object, session: requests.Session
) -> None:
    post = max(blog.posts, key=lambda p: p.comment_count)
    pages = blog.comment_page_count(post)
    base = server.urls[0].rstrip("/") + post.path  # type: ignore[attr-defined]
    middle = get(session, f"{base}comment-page-2/").text
    older = re.search(r'nav-previous"><a href="([^"#]+)#comments">Older', middle)
    newer = re.search(r'nav-next"><a href="([^"#]+)#comments">Newer', middle)
    assert older and older.group(1) == f"{base}comment-page-1/"
    assert newer and newer.group(1) == (base if pages == 3 else f"{base}comment-page-3/")
    assert f"{base}comment-page-2/?replytocom=" in middle  # WordPress's reply links, which a crawler must skip
    assert get(session, f"{base}comment-page-{pages + 1}/").status_code == 404
    assert get(session, f"{base}comment-page-{pages}/").text.count('id="div-comment-') == len(
        blog.comment_pages(post)[-1]
    )


def test_home_feed_and_sitemaps_list_every_post(blog: SyntheticBlog, server: object, session: requests.Session) -> None:
    origin = server.urls[0].rstrip("/")  # type: ignore[attr-defined]
    home = read_blog_page(get(session, origin + "/").text, origin + "/")
    assert home.post_urls[:3] == tuple(origin + p.path for p in blog.posts[::-1][:3])
    assert home.next_urls == (origin + "/page/2/",)
    feed = parse_feed(get(session, origin + "/feed/").content, origin + "/feed/")
    assert feed is not None and feed.is_wordpress and len(feed.entries) == 10
    assert feed.next_url == origin + "/feed/?paged=2"
    index = parse_sitemap(get(session, origin + "/wp-sitemap.xml").content, origin + "/wp-sitemap.xml")
    assert index is not None and index.is_index
    posts_map = parse_sitemap(get(session, origin + "/wp-sitemap-posts-post-1.xml").content, origin + "/x.xml")
    assert posts_map is not None and [e.url for e in posts_map.entries] == [origin + p.path for p in blog.posts]
    assert "Sitemap: " + origin + "/wp-sitemap.xml" in get(session, origin + "/robots.txt").text


def test_each_host_links_to_its_own_origin(blog: SyntheticBlog, server: object, session: requests.Session) -> None:
    first, second = (u.rstrip("/") for u in server.urls)  # type: ignore[attr-defined]
    assert first != second
    page = get(session, second + blog.posts[0].path).text
    assert second + "/feed/" in page and first not in page


def test_conditional_requests_get_304_and_text_is_gzipped(
    blog: SyntheticBlog, server: object, session: requests.Session
) -> None:
    url = server.urls[0].rstrip("/") + blog.posts[3].path  # type: ignore[attr-defined]
    raw = session.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    body = raw.raw.read()
    assert raw.headers["Content-Encoding"] == "gzip" and b"entry-title" in gzip.decompress(body)
    again = get(session, url, **{"If-None-Match": raw.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    dated = get(session, url, **{"If-Modified-Since": raw.headers["Last-Modified"]})
    assert dated.status_code == 304


def test_rest_lists_a_posts_comments_in_pages(blog: SyntheticBlog, server: object, session: requests.Session) -> None:
    post = max(blog.posts, key=lambda p: p.comment_count)
    root = server.urls[0].rstrip("/") + "/wp-json/wp/v2/comments"  # type: ignore[attr-defined]
    first = get(session, f"{root}?post={post.id}&per_page=10&order=asc")
    assert first.headers["X-WP-Total"] == str(post.comment_count)
    assert first.headers["X-WP-TotalPages"] == str(-(-post.comment_count // 10))
    items = first.json()
    assert [i["id"] for i in items] == [c.id for c in blog.comments_of(post)[:10]]
    assert get(session, f"{root}?post={post.id}&per_page=500").status_code == 400


def test_images_are_distinct_pngs(blog: SyntheticBlog, server: object, session: requests.Session) -> None:
    origin = server.urls[0].rstrip("/")  # type: ignore[attr-defined]
    post = next(p for p in blog.posts if p.images)
    sources = re.findall(r'<img decoding="async"[^>]* src="([^"]+)"', get(session, origin + post.path).text)
    assert len(sources) == len(post.images)
    assert all(get(session, src).content.startswith(b"\x89PNG") for src in sources)
    bodies = {get(session, f"{origin}/wp-content/uploads/2020/01/synthetic-{n}.png").content for n in range(9)}
    assert len(bodies) == 9
    assert get(session, f"{origin}/wp-content/uploads/2020/01/synthetic-9.png").status_code == 404


def test_the_request_log_counts_every_answer(blog: SyntheticBlog) -> None:
    with serve_synthetic_blog(blog) as running, requests.Session() as s:
        s.get(running.url, timeout=10)
        s.get(running.url + "nowhere/", timeout=10)
        log = running.requests()
    assert [(r.path, r.status) for r in log] == [("/", 200), ("/nowhere/", 404)]


def test_a_server_in_its_own_process_answers_and_reports_its_log() -> None:
    small = SyntheticBlog(seed=2, posts=5, comments=20, comments_per_page=5, images=1)
    with serve_synthetic_blog(small, hosts=2, process=True) as running, requests.Session() as s:
        assert len(running.urls) == 2
        assert s.get(running.urls[1] + "robots.txt", timeout=10).status_code == 200
        assert [(r.path, r.origin + "/") for r in running.requests()] == [("/robots.txt", running.urls[1])]
        running.clear_log()
        assert running.requests() == []
        post = small.posts[0]
        before = s.get(running.urls[0] + post.path.lstrip("/"), timeout=10).text
        running.change("comment", 0)  # made in the server's process: its copy of the blog changes
        after = s.get(running.urls[0] + post.path.lstrip("/"), timeout=10).text
        assert after.count('class="comment-body"') == before.count('class="comment-body"') + 1
        assert "Late Reader" in after and small.posts[0].comment_count == post.comment_count  # ours is unchanged
