"""storage/history.py on real archive files: every capture of a post with its body, comment states, images."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sample_records import PNG_BYTES, FakeClock, make_blog, make_capture, make_post, make_thread

from storage import history
from storage.archive import Archive
from storage.errors import NotFound

T1 = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
T2 = T1 + timedelta(days=3)
PAGE_V1 = b"<html><body>version one</body></html>"
PAGE_V2 = b"<html><body>version two</body></html>"


def _two_captures(archive: Archive, clock: FakeClock) -> int:
    """A post captured three times: v1, then 304 (not modified: v1 confirmed), then v2 with a comment gone."""
    blog_id = archive.save_blog(make_blog())
    post = make_post()
    url = post.url
    saved = archive.save_post(blog_id, replace(post, captures=(make_capture(url, PAGE_V1, at=T1),)))
    clock.current += timedelta(days=1)
    not_modified = replace(make_capture(url, at=T1 + timedelta(days=1), status=304), content_sha256=_sha(PAGE_V1))
    archive.save_post(blog_id, replace(post, captures=(not_modified,)))
    clock.current += timedelta(days=2)
    fewer = make_thread()[:3]  # c4 went away upstream
    archive.save_post(blog_id, replace(post, comments=fewer, captures=(make_capture(url, PAGE_V2, at=T2),)))
    archive.record_capture(make_capture("https://quiet.example/feed/", b"<rss/>", at=T1), blog_id=blog_id)
    return saved.post_id


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_post_captures_are_oldest_first_with_their_bodies(archive: Archive, clock: FakeClock) -> None:
    post_id = _two_captures(archive, clock)
    stored = history.post_captures(archive, post_id)
    assert [s.capture.status for s in stored] == [200, 304, 200]
    assert [s.capture.fetched_at for s in stored] == [T1, T1 + timedelta(days=1), T2]
    assert [s.capture.body for s in stored] == [PAGE_V1, PAGE_V1, PAGE_V2]  # the 304 brings the body it confirmed
    assert all(s.post_id == post_id for s in stored)
    assert stored[0].capture.headers == (("content-type", "text/html; charset=utf-8"), ("etag", '"v1"'))
    assert stored[0].capture.content_sha256 == _sha(PAGE_V1)


def test_blog_captures_include_the_feed_and_every_post_page(archive: Archive, clock: FakeClock) -> None:
    post_id = _two_captures(archive, clock)
    head = history.post_head(archive, post_id)
    stored = list(history.iter_captures(archive, blog_ids=[head.blog_id]))
    assert [s.capture.final_url for s in stored].count("https://quiet.example/feed/") == 1
    assert len(stored) == 4
    assert [s.capture.fetched_at for s in stored] == sorted(s.capture.fetched_at for s in stored)
    both = list(history.iter_captures(archive, blog_ids=[head.blog_id], post_ids=[post_id]))
    assert [s.id for s in both] == [s.id for s in stored]  # each once


def test_comment_states_keep_removed_comments(archive: Archive, clock: FakeClock) -> None:
    post_id = _two_captures(archive, clock)
    states = {s.source_id: s for s in history.comment_states(archive, post_id)}
    assert set(states) == {"c1", "c2", "c3", "c4"}
    assert states["c4"].removed_at == datetime(2025, 1, 4, 12, 0, tzinfo=UTC)
    assert states["c1"].removed_at is None
    assert states["c1"].first_seen_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert states["c1"].last_seen_at == datetime(2025, 1, 4, 12, 0, tzinfo=UTC)
    assert states["c4"].body_md == "A pingback from elsewhere"


def test_post_images_come_with_data_and_first_seen(archive: Archive, clock: FakeClock) -> None:
    post_id = _two_captures(archive, clock)
    [image] = list(history.iter_post_images(archive, [post_id, post_id]))
    assert image.asset.data == PNG_BYTES and image.asset.media_type == "image/png"
    assert image.asset.source_url == "https://quiet.example/walk-1/bridge.png"
    assert image.first_seen_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert image.post_ids == (post_id,)


def test_post_heads_name_posts_in_the_order_asked(archive: Archive, clock: FakeClock) -> None:
    first = _two_captures(archive, clock)
    blog_id = history.post_head(archive, first).blog_id
    second = archive.save_post(blog_id, make_post("walk-2")).post_id
    heads = history.post_heads(archive, [second, 999, first])
    assert [h.id for h in heads] == [second, first]
    assert heads[1].blog_url == "https://quiet.example/" and heads[1].url == "https://quiet.example/walk-1/"
    assert history.blog_post_ids(archive, blog_id) == [first, second]
    with pytest.raises(NotFound, match="threadbook list"):
        history.post_head(archive, 999)
