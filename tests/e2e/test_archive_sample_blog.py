"""Archive the bundled sample blog from a loopback server and check every post and comment against its truth."""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from desktop import exports, tasks
from desktop.sampleserver import SampleBlogServer
from resources import SAMPLE_BLOG_DIR
from storage.archive import open_archive
from storage.records import Post

WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(word == h for h in it) for word in needle)


def _load_all_posts(db: Path) -> dict[str, Post]:
    with open_archive(db) as archive:
        posts = {}
        for blog in archive.list_blogs():
            for summary in archive.list_posts(blog_id=blog.id):
                post = archive.load_post(summary.id, with_asset_data=True)
                posts[post.url] = post
    return posts


def _same_time(value: datetime | None, iso: str | None) -> bool:
    if iso is None:
        return value is None
    expected = datetime.fromisoformat(iso)
    return value is not None and value == expected and value.utcoffset() == expected.utcoffset()


def test_every_post_is_archived_once(archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]) -> None:
    posts = _load_all_posts(archived_db)
    expected = {sample_server.origin + p["path"] for p in truth["posts"]}
    assert set(posts) == expected
    for not_post in truth["not_posts"]:
        assert sample_server.origin + not_post["path"] not in posts


def test_post_fields_match_truth(archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]) -> None:
    posts = _load_all_posts(archived_db)
    for t in truth["posts"]:
        post = posts[sample_server.origin + t["path"]]
        assert post.title == t["title"]
        assert post.author == t["author"]
        assert _same_time(post.published_at, t["published_at"]), (post.title, post.published_at)
        assert _same_time(post.updated_at, t["updated_at"]), (post.title, post.updated_at)
        assert sorted(post.categories) == sorted(t["categories"])
        assert sorted(post.tags) == sorted(t["tags"])
        assert post.protected == t["protected"]
        assert post.comment_count_expected == t["comment_count_expected"]
        if t["series"]:
            assert post.series is not None, post.title
            assert (post.series.name, post.series.number) == (t["series"]["name"], t["series"]["number"])
        else:
            assert post.series is None, (post.title, post.series)
        if t["protected"]:
            assert post.body_md == "" and post.comments == ()


def test_every_comment_in_its_place(archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]) -> None:
    posts = _load_all_posts(archived_db)
    for t in truth["posts"]:
        post = posts[sample_server.origin + t["path"]]
        got = [(c.source_id, c.parent_source_id, c.depth, c.position, c.kind) for c in post.comments]
        want = [(c["id"], c["parent"], c["depth"], c["position"], c["kind"]) for c in t["comments"]]
        assert got == want, post.title
        for comment, expected in zip(post.comments, t["comments"], strict=True):
            assert comment.author == expected["author"]
            assert comment.author_url == (
                expected["author_url"].replace(truth["origin_placeholder"], sample_server.origin)
                if expected["author_url"]
                else None
            )
            assert _same_time(comment.published_at, expected["published_at"]), comment.source_id
            assert _is_subsequence(_words(expected["text"]), _words(comment.body_md)), (
                comment.source_id,
                expected["text"],
                comment.body_md,
            )


def test_the_long_thread_spans_every_comment_page(
    archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]
) -> None:
    longest = max(truth["posts"], key=lambda p: len(p["comments"]))
    assert longest["comment_pages"] >= 3 and len(longest["comments"]) >= 30
    post = _load_all_posts(archived_db)[sample_server.origin + longest["path"]]
    assert len(post.comments) == len(longest["comments"])
    assert {c.kind for c in post.comments} >= {"comment"}
    assert any(c.kind == "pingback" for p in _load_all_posts(archived_db).values() for c in p.comments)


def test_images_are_stored_with_their_bytes(
    archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]
) -> None:
    posts = _load_all_posts(archived_db)
    checked = 0
    for t in truth["posts"]:
        post = posts[sample_server.origin + t["path"]]
        by_url = {a.source_url: a for a in post.images}
        for image in t["images"]:
            asset = by_url[sample_server.origin + image["path"]]
            data = (SAMPLE_BLOG_DIR / image["path"].lstrip("/")).read_bytes()
            assert asset.sha256 == hashlib.sha256(data).hexdigest()
            assert asset.data == data and asset.size == len(data)
            assert asset.media_type == image["media_type"]
            assert asset.source_url in post.body_md  # the Markdown refers to the archived image by its URL
            checked += 1
    assert checked >= 3


def test_robots_txt_is_honoured(archived_template: tuple[Path, Any]) -> None:
    _, (_report, requests) = archived_template
    paths = [r.path for r in requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/drafts")]


def test_first_run_is_frugal(archived_template: tuple[Path, Any], truth: dict[str, Any]) -> None:
    _, (report, requests) = archived_template
    assert report.requests == len(requests)
    # Every distinct URL is fetched once: no ?replytocom= duplicates, no page twice.
    urls = [(r.path, r.query) for r in requests]
    assert len(urls) == len(set(urls)), sorted(u for u in urls if urls.count(u) > 1)
    assert not [r for r in requests if "replytocom" in r.query]


def test_second_run_fetches_nothing_unchanged_in_full(
    tmp_path: Path, archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]
) -> None:
    before = _load_all_posts(archived_db)
    start = len(sample_server.requests)
    report = tasks.archive_blog(sample_server.url, db_path=archived_db, settings=tasks.ArchiveSettings(delay=0.0))
    second = sample_server.requests[start:]
    after = _load_all_posts(archived_db)
    assert report.posts_new == 0 and report.comments_new == 0 and report.posts_changed == 0
    assert {u: len(p.comments) for u, p in after.items()} == {u: len(p.comments) for u, p in before.items()}
    # Only robots.txt comes in full; the home page, feed, sitemaps, posts and comment pages answer 304.
    assert [r.path for r in second if r.status != 304] == ["/robots.txt"]
    post_paths = {t["path"] for t in truth["posts"]}
    assert report.not_modified == len(second) - 1 >= len(post_paths)


def test_a_new_comment_is_picked_up(tmp_path: Path) -> None:
    """Archive a copy of the sample, add a reply upstream, archive again: exactly that comment is new."""
    import make_sample_blog  # tools/, on sys.path via tests/conftest.py

    site = tmp_path / "site"
    truth = make_sample_blog.build_site(site)
    target = next(p for p in truth["posts"] if p["comments"] and not p["protected"] and p["comment_pages"] == 1)
    parent = target["comments"][-1]
    extra = {
        "post_path": target["path"],
        "id": "9901",
        "parent": parent["id"],
        "author": "Late Reader",
        "published_at": "2025-01-02T09:30:00+00:00",
        "text": "Coming back to this a year later: still the clearest explanation I know.",
    }
    db = tmp_path / "archive.sqlite"
    with SampleBlogServer(site) as server:
        tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
        make_sample_blog.build_site(site, extra_comments=[extra])
        report = tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
    assert report.comments_new == 1 and report.posts_new == 0
    with open_archive(db) as archive:
        post = archive.load_post(archive.find_post(server.origin + target["path"]))
    new = [c for c in post.comments if c.source_id == "9901"]
    assert len(new) == 1 and new[0].parent_source_id == parent["id"] and new[0].author == "Late Reader"
    assert new[0].depth == parent["depth"] + 1


def test_per_host_delay_shows_in_request_timing(
    tmp_path: Path, sample_server: SampleBlogServer, truth: dict[str, Any]
) -> None:
    longest = max(truth["posts"], key=lambda p: len(p["comments"]))
    start = len(sample_server.requests)
    tasks.archive_blog(
        sample_server.origin + longest["path"],
        db_path=tmp_path / "one.sqlite",
        settings=tasks.ArchiveSettings(delay=0.25, fetch_images=False),
    )
    times = [r.at for r in sample_server.requests[start:]]
    assert len(times) >= 4  # robots.txt, the post, its other comment pages
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.2, gaps


@pytest.mark.parametrize("kind", ["comment", "pingback"])
def test_kinds_are_kept(archived_db: Path, truth: dict[str, Any], kind: str) -> None:
    expected = sum(1 for p in truth["posts"] for c in p["comments"] if c["kind"] == kind)
    got = sum(1 for p in _load_all_posts(archived_db).values() for c in p.comments if c.kind == kind)
    assert got == expected > 0


def test_json_export_matches_the_schema_and_the_truth(
    tmp_path: Path, archived_db: Path, sample_server: SampleBlogServer, truth: dict[str, Any]
) -> None:
    import json

    import jsonschema

    out = exports.export_json(db_path=archived_db, out_path=tmp_path / "archive.json")
    document = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parents[2] / "docs" / "threadbook-archive-v1.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert (document["format"], document["version"]) == ("threadbook-archive", 1)
    [blog] = document["blogs"]
    assert (blog["title"], blog["platform"]) == (truth["blog"]["title"], "wordpress")
    posts = {p["url"]: p for p in blog["posts"]}
    assert len(posts) == len(truth["posts"])
    for t in truth["posts"]:
        post = posts[sample_server.origin + t["path"]]
        assert post["title"] == t["title"] and post["protected"] == t["protected"]
        assert post["published_at"] == t["published_at"]  # ISO-8601 with the site's own offset
        assert post["series"] == t["series"]
        assert post["comment_count_expected"] == t["comment_count_expected"]
        got = [(c["id"], c["parent"], c["author"], c["kind"], c["published_at"]) for c in post["comments"]]
        want = [(c["id"], c["parent"], c["author"], c["kind"], c["published_at"]) for c in t["comments"]]
        assert got == want, t["title"]
        assert {i["url"] for i in post["images"]} == {sample_server.origin + i["path"] for i in t["images"]}
