"""Extraction and discovery on pages a real WordPress (Debian's 6.1) served, checked against its database.

The fixtures in tests/fixtures/wordpress_real/<theme>-<permalinks>-<paging>/ were saved from a local install
(README.md there says how); `truth.json` holds the posts and approved comments as WordPress's database has them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from servers import Route, RouteServer, RouteValue, SeenRequest

from ingest.comments import merge_comment_pages
from ingest.crawl import crawl_post
from ingest.discover import discover_blog
from ingest.extract import PostPage, extract_post_page
from ingest.feeds import parse_feed
from ingest.fetch import Fetcher, FetchSettings
from ingest.listing import read_blog_page
from ingest.sitemaps import parse_sitemap, sitemap_kind
from ingest.urls import normalize_url
from storage.records import Comment, PreviousCapture

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "wordpress_real"
ORIGIN = "http://127.0.0.1:8080"
CONFIGS = sorted(p.name for p in FIXTURES.iterdir() if (p / "truth.json").is_file())
LEAKS = ("SECRET-", "PENDING-COMMENT", "SPAM-COMMENT", "Cheap watches")


def load(config: str) -> tuple[dict[str, str], dict[str, Any]]:
    folder = FIXTURES / config
    pages = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    return pages, json.loads((folder / "truth.json").read_text(encoding="utf-8"))


def read(config: str, name: str) -> str:
    return (FIXTURES / config / name).read_text(encoding="utf-8")


def crawl_saved(config: str, post_id: str) -> list[PostPage]:
    """What crawl_post does, over the saved pages: the post page, then every comment page its links lead to."""
    pages, _ = load(config)
    by_url = {normalize_url(url): name for name, url in pages.items()}
    first_name = f"post-{post_id}.html"
    first = extract_post_page(read(config, first_name), pages[first_name])
    result, seen, queue = [first], {normalize_url(pages[first_name])}, list(first.comment_page_urls)
    while queue:
        url = normalize_url(queue.pop(0))
        if url in seen:
            continue
        seen.add(url)
        assert url in by_url, f"{config}: post {post_id} links to a comment page that was not saved: {url}"
        page = extract_post_page(read(config, by_url[url]), url)
        result.append(page)
        queue.extend(page.comment_page_urls)
    return result


def as_truth(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.source_id,
        "display_parent": comment.parent_source_id,
        "author": comment.author,
        "kind": comment.kind,
        "depth": comment.depth,
        # Pingback and trackback dates: twentytwentyone shows none, block themes show one; truth keeps none.
        "published_at": date.isoformat() if (date := comment.published_at) and comment.kind == "comment" else None,
    }


def expected(comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": comment["id"],
        "display_parent": comment["display_parent"],
        "author": comment["author"],
        "kind": comment["kind"],
        "depth": comment["depth"],
        "published_at": comment["published_at"] if comment["kind"] == "comment" else None,
    }


CASES = [(config, post_id) for config in CONFIGS for post_id in load(config)[1]["posts"]]


@pytest.mark.parametrize(("config", "post_id"), CASES)
def test_post_fields_match_wordpress(config: str, post_id: str) -> None:
    truth = load(config)[1]["posts"][post_id]
    pages = crawl_saved(config, post_id)
    post = pages[0].post
    assert post is not None and pages[0].is_post
    assert post.title == truth["title"]
    assert post.author == truth["author"]
    assert post.published_at == datetime.fromisoformat(truth["published_at"])
    assert sorted(post.categories) == truth["categories"]
    assert sorted(post.tags) == truth["tags"]
    assert post.protected == truth["protected"]
    assert post.source_id == post_id
    text = json.dumps([post.body_md, [c.body_md for p in pages for c in p.comments]], ensure_ascii=False)
    assert not [leak for leak in LEAKS if leak in text]


@pytest.mark.parametrize(("config", "post_id"), CASES)
def test_whole_thread_matches_wordpress(config: str, post_id: str) -> None:
    truth = load(config)[1]["posts"][post_id]
    pages = crawl_saved(config, post_id)
    thread = merge_comment_pages(pages)
    assert [as_truth(c) for c in thread] == [expected(c) for c in truth["comments"]]


def test_comment_bodies_and_author_links_on_the_classic_theme() -> None:
    thread = merge_comment_pages(crawl_saved("twentytwentyone-pretty-unpaged", "9"))
    by_id = {c.source_id: c for c in thread}
    first = by_id["6"]
    assert first.body_md == "Do you flatten the back first?\n\nMine came with a slight belly."
    assert first.author_url == "https://jun.example/blog/"
    assert "[my notes](http://pavel.example/irons/)" in by_id["9"].body_md
    assert "`1000`" in by_id["9"].body_md
    assert by_id["8"].body_md.startswith("> Only the first centimetre")


@pytest.mark.parametrize("config", CONFIGS)
def test_home_page_lists_posts_and_feed(config: str) -> None:
    pages, _ = load(config)
    home = read_blog_page(read(config, "home.html"), pages["home.html"])
    assert home.is_wordpress and not home.is_single_post
    assert home.title == "Field & Bench"
    assert len(home.post_urls) == 6  # 5 per page plus the sticky post
    assert all(u.startswith(ORIGIN) for u in home.post_urls)
    assert home.next_urls, "the link to the older posts"
    assert [normalize_url(u) for u in home.feed_urls][:1] in (
        [ORIGIN + "/feed/"],
        [ORIGIN + "/?feed=rss2"],
    )


@pytest.mark.parametrize("config", CONFIGS)
def test_feed_and_sitemaps_list_every_post(config: str) -> None:
    pages, truth = load(config)
    feed = parse_feed(read(config, "feed.xml").encode(), pages["feed.xml"])
    assert feed is not None and feed.is_wordpress
    assert len(feed.entries) == 8
    index = parse_sitemap(read(config, "wp-sitemap.xml").encode(), pages["wp-sitemap.xml"])
    assert index is not None and index.is_index
    kinds = {sitemap_kind(entry.url) for entry in index.entries}
    assert {"posts", "pages"} <= kinds
    posts = parse_sitemap(read(config, "wp-sitemap-posts-post-1.xml").encode(), pages["wp-sitemap-posts-post-1.xml"])
    assert posts is not None and len(posts.entries) == 8
    assert sitemap_kind(pages["wp-sitemap-posts-post-1.xml"]) == "posts"
    assert sitemap_kind(pages["wp-sitemap-posts-page-1.xml"]) == "pages"
    assert {e.url for e in feed.entries} == {e.url for e in posts.entries}


@pytest.mark.parametrize("config", CONFIGS)
def test_discovery_over_the_saved_site_finds_every_post(config: str) -> None:
    pages, truth = load(config)
    server = RouteServer()
    with server:
        routes: dict[str, RouteValue] = {}
        for name, url in pages.items():
            body = read(config, name).replace(ORIGIN, server.base)
            kind = "application/rss+xml" if name == "feed.xml" else "application/xml" if name.endswith(".xml") else None
            path = url[len(ORIGIN) :]
            routes[path] = Route(body=body, content_type=kind) if kind else Route(body=body)
        if "/wp-sitemap.xml" in routes:
            routes["/robots.txt"] = Route(
                body=f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {server.base}/wp-sitemap.xml\n",
                content_type="text/plain",
            )
        # Anything not saved is a 404, as WordPress answers for a feed page past the last (?feed=rss2&paged=2).
        home = routes.pop("/")
        routes["/"] = lambda seen: home if seen.path == "/" else Route(status=404, body="Not found")
        server.routes.update(routes)
        with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
            discovery = discover_blog(server.url("/"), fetcher)
    found = {u[len(server.base) :] for u in discovery.post_urls}
    assert len(found) == 8, discovery
    post_pages = {url[len(ORIGIN) :] for name, url in pages.items() if re.fullmatch(r"post-\d+\.html", name)}
    assert post_pages <= found
    assert not discovery.problems


SPLIT_POST_CONFIGS = [c for c in CONFIGS if (FIXTURES / c / "post-12-page-2.html").is_file()]


@pytest.mark.parametrize("config", SPLIT_POST_CONFIGS)
def test_a_post_split_with_nextpage_is_archived_whole(config: str) -> None:
    pages, truth = load(config)
    server = RouteServer()
    with server:
        for name in ("post-12.html", "post-12-page-2.html"):
            path = pages[name][len(ORIGIN) :]
            server.routes[path] = Route(body=read(config, name).replace(ORIGIN, server.base))
        with Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
            crawled = crawl_post(server.base + pages["post-12.html"][len(ORIGIN) :], fetcher)
    body = crawled.post.body_md
    assert "PAGE-ONE-TEXT" in body and "PAGE-TWO-TEXT" in body
    assert body.index("PAGE-ONE-TEXT") < body.index("PAGE-TWO-TEXT")
    assert "Page 2" not in body
    assert [c.source_id for c in crawled.post.comments] == [c["id"] for c in truth["posts"]["12"]["comments"]]
    assert len(crawled.post.captures) == 2


def test_an_apache_gzip_etag_is_sent_back_without_its_suffix() -> None:
    # Measured on this install: Apache's mod_deflate serves the feed as ETag "…-gzip", but WordPress (and Apache's
    # own static files) compare If-None-Match with the ETag *without* the suffix, so echoing it never gives a 304.
    previous = PreviousCapture(
        url="x", etag='"33ff4520-gzip"', last_modified="Tue, 24 Nov 2026 06:13:49 GMT", content_sha256="abc", body=b"x"
    )

    def answer(seen: SeenRequest) -> Route:
        if seen.headers.get("if-none-match") == '"33ff4520"':
            return Route(status=304, headers={"ETag": '"33ff4520-gzip"'}, content_type="")
        return Route(body="<rss version='2.0'><channel><title>changed</title></channel></rss>")

    with RouteServer({"/feed/": answer}) as server, Fetcher(FetchSettings(delay=0, retries=0)) as fetcher:
        capture = fetcher.fetch(server.url("/feed/"), previous=previous)
    assert capture.status == 304 and capture.body == b"x"
