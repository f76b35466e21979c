"""Saving records: round trips, idempotence, thread history, captures, assets and atomicity."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sample_records import (
    GIF_BYTES,
    PNG_BYTES,
    FakeClock,
    make_blog,
    make_capture,
    make_comment,
    make_post,
    make_thread,
)

from storage.archive import Archive
from storage.errors import NotFound
from storage.records import Asset, Comment, SeriesRef

TABLES = (
    "blogs posts comments captures capture_bodies assets post_assets tags categories post_tags "
    "post_categories series series_posts"
).split()


def row_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        conn.close()


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_blog_round_trip_and_upsert_on_url(archive: Archive) -> None:
    blog = make_blog()
    blog_id = archive.save_blog(blog)
    assert archive.load_blog(blog_id) == replace(blog, id=blog_id)
    again = archive.save_blog(replace(blog, title="Quiet Notes, renamed", description="Neu: 🌧"))
    assert again == blog_id
    loaded = archive.load_blog(blog_id)
    assert (loaded.title, loaded.description) == ("Quiet Notes, renamed", "Neu: 🌧")
    assert [b.id for b in archive.list_blogs()] == [blog_id]


def test_post_round_trips_every_field(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post = make_post()
    result = archive.save_post(blog_id, post)
    assert (result.created, result.changed, result.comments_new, result.images_saved) == (True, True, 4, 1)

    loaded = archive.load_post(result.post_id, with_asset_data=True)
    captures_without_bodies = tuple(replace(c, body=b"") for c in post.captures)
    assert loaded == replace(post, id=result.post_id, captures=captures_without_bodies)
    # The site's own offsets survive, not just the instant.
    assert loaded.published_at is not None and loaded.published_at.utcoffset() == timedelta(hours=2)
    assert loaded.comments[0].published_at is not None
    assert loaded.comments[0].published_at.utcoffset() == timedelta(hours=5, minutes=45)


def test_naive_datetimes_stay_naive_and_sort_as_utc(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    naive = datetime(2020, 1, 1, 8, 0)
    post_id = archive.save_post(blog_id, make_post(published_at=naive, updated_at=None)).post_id
    assert archive.load_post(post_id).published_at == naive
    assert query(archive.path, "SELECT published_utc FROM posts") == [("2020-01-01T08:00:00.000000+00:00",)]


def test_asset_without_data_keeps_metadata_only(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    missing = Asset(source_url="https://cdn.example/lost.jpg", sha256="", media_type="", size=0, alt="lost")
    post_id = archive.save_post(blog_id, make_post(images=(missing,))).post_id
    assert archive.load_post(post_id).images == (missing,)


def test_saving_the_same_post_twice_changes_nothing(archive: Archive, clock: FakeClock) -> None:
    blog_id = archive.save_blog(make_blog())
    first = archive.save_post(blog_id, make_post())
    counts = row_counts(archive.path)
    clock.advance(days=1)
    second = archive.save_post(blog_id, make_post())
    assert row_counts(archive.path) == counts
    assert second == replace(first, created=False, changed=False, comments_new=0, comments_changed=0, images_saved=0)
    # first_seen_at is kept, last_seen_at moves.
    assert query(archive.path, "SELECT DISTINCT first_seen_at, last_seen_at FROM comments") == [
        ("2025-01-01T12:00:00.000000+00:00", "2025-01-02T12:00:00.000000+00:00")
    ]


def test_changed_content_is_detected_and_stored(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post()).post_id
    result = archive.save_post(blog_id, make_post(body_md="Rewritten.", tags=("neu",)))
    assert (result.created, result.changed, result.post_id) == (False, True, post_id)
    loaded = archive.load_post(post_id)
    assert (loaded.body_md, loaded.tags, loaded.categories) == ("Rewritten.", ("neu",), ("Walks", "Städte"))
    assert archive.search("rewritten")[0].post_id == post_id
    assert archive.search("bridge") == []  # the old body left the index


def test_edited_comment_counts_as_changed(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post())
    thread = list(make_thread())
    thread[1] = replace(thread[1], body_md="Edited: теперь по-другому")
    result = archive.save_post(blog_id, make_post(comments=tuple(thread)))
    assert (result.changed, result.comments_changed, result.comments_new) == (True, 1, 0)
    assert archive.load_post(result.post_id).comments[1].body_md == "Edited: теперь по-другому"


def test_comment_removed_upstream_gets_removed_at_and_comes_back(archive: Archive, clock: FakeClock) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post())
    removed_at = clock.advance(hours=5)
    without_c4 = make_thread()[:3]
    result = archive.save_post(blog_id, make_post(comments=without_c4))
    assert (result.changed, result.comments_removed) == (True, 1)
    comments = archive.load_post(result.post_id).comments
    assert [(c.source_id, c.removed_at) for c in comments] == [
        ("c1", None),
        ("c2", None),
        ("c3", None),
        ("c4", removed_at),
    ]
    assert archive.list_posts()[0].comment_count == 3
    assert archive.list_blogs()[0].comment_count == 3

    # Saving again without it does not move its removal date or count it again.
    clock.advance(hours=1)
    again = archive.save_post(blog_id, make_post(comments=without_c4))
    assert (again.changed, again.comments_removed) == (False, 0)
    assert archive.load_post(result.post_id).comments[3].removed_at == removed_at

    back = archive.save_post(blog_id, make_post())
    assert (back.changed, back.comments_changed, back.comments_new) == (True, 1, 0)
    assert all(c.removed_at is None for c in archive.load_post(result.post_id).comments)
    assert query(archive.path, "SELECT count(*) FROM comments") == [(4,)]


def test_incomplete_thread_marks_nothing_removed(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post())
    result = archive.save_post(blog_id, make_post(comments=make_thread()[:1]), thread_complete=False)
    assert result.comments_removed == 0
    assert all(c.removed_at is None for c in archive.load_post(result.post_id).comments)


def test_parents_are_resolved_and_display_order_kept(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post()).post_id
    rows = query(
        archive.path,
        """SELECT c.source_id, p.source_id, c.thread_order FROM comments AS c
           LEFT JOIN comments AS p ON p.id = c.parent_id ORDER BY c.thread_order""",
    )
    assert rows == [("c1", None, 0), ("c2", "c1", 1), ("c3", "c2", 2), ("c4", None, 3)]
    # A new reply inserted in the middle of the display order moves later comments down.
    thread = list(make_thread())
    thread.insert(1, make_comment("c5", "c1", depth=1, body="A newer reply to c1"))
    archive.save_post(blog_id, make_post(comments=tuple(thread)))
    assert [c.source_id for c in archive.load_post(post_id).comments] == ["c1", "c5", "c2", "c3", "c4"]


def test_reply_listed_before_its_parent_still_gets_parent_id(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    thread = (make_comment("r1", "p1", depth=1), make_comment("p1"))
    archive.save_post(blog_id, make_post(comments=thread))
    rows = query(
        archive.path,
        "SELECT c.source_id, p.source_id FROM comments AS c JOIN comments AS p ON p.id = c.parent_id",
    )
    assert rows == [("r1", "p1")]


def test_reply_to_an_unknown_parent_keeps_its_source_id(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(make_comment("r1", "gone", depth=1),))).post_id
    assert archive.load_post(post_id).comments[0].parent_source_id == "gone"
    assert query(archive.path, "SELECT parent_id FROM comments") == [(None,)]


def test_protected_post_keeps_no_body_text(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(protected=True, body_md="secret words")).post_id
    loaded = archive.load_post(post_id)
    assert (loaded.protected, loaded.body_md) == (True, "")
    assert query(archive.path, "SELECT count(*) FROM posts WHERE body_md LIKE '%secret%'") == [(0,)]
    assert archive.search("secret") == []


def test_failure_in_the_middle_of_save_post_leaves_the_archive_as_it_was(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post())
    before = row_counts(archive.path)
    snapshot = archive.load_post(1, with_asset_data=True)
    bad_thread = (*make_thread()[:2], replace(make_comment("c9"), kind="rant"))  # type: ignore[call-arg]
    changed = make_post(
        title="New title",
        body_md="new body",
        comments=bad_thread,
        captures=(
            make_capture("https://quiet.example/walk-1/", b"<html>v2</html>", at=datetime(2025, 2, 2, tzinfo=UTC)),
        ),
    )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        archive.save_post(blog_id, changed)
    assert row_counts(archive.path) == before
    assert archive.load_post(1, with_asset_data=True) == snapshot
    # The connection is still usable afterwards.
    assert archive.save_post(blog_id, make_post()).changed is False


def test_tags_categories_and_series_are_replaced(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post()).post_id
    archive.save_post(blog_id, make_post(tags=("b", "a", "b"), categories=(), series=SeriesRef("Short walks", None)))
    loaded = archive.load_post(post_id)
    assert (loaded.tags, loaded.categories, loaded.series) == (("b", "a"), (), SeriesRef("Short walks", None))
    archive.save_post(blog_id, make_post(series=None))
    assert archive.load_post(post_id).series is None
    assert [s.name for s in archive.list_series()] == []


def test_capture_bodies_are_stored_once(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    body = b"<html>" + "same page, Grüße".encode() * 200 + b"</html>"
    times = [datetime(2025, 3, day, tzinfo=UTC) for day in (1, 2, 3)]
    for at in times:
        archive.record_capture(make_capture("https://quiet.example/", body, at=at), blog_id=blog_id)
    assert query(archive.path, "SELECT count(*), count(DISTINCT body_id) FROM captures") == [(3, 1)]
    size, stored = query(archive.path, "SELECT size, length(body) FROM capture_bodies")[0]
    assert size == len(body) and isinstance(stored, int) and stored < len(body) // 10  # compressed
    previous = archive.previous_capture("https://quiet.example/")
    assert previous is not None
    assert (previous.body, previous.content_sha256) == (body, hashlib.sha256(body).hexdigest())


def test_not_modified_capture_is_recorded_without_a_new_body(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    url = "https://quiet.example/feed/"
    body = b"<rss>feed</rss>"
    archive.record_capture(make_capture(url, body, at=datetime(2025, 3, 1, tzinfo=UTC)), blog_id=blog_id)
    hit = replace(
        make_capture(url, at=datetime(2025, 3, 2, tzinfo=UTC), status=304),
        content_sha256=hashlib.sha256(body).hexdigest(),
        body=body,  # the Fetcher hands back the previous body on a 304
    )
    archive.record_capture(hit, blog_id=blog_id)
    assert query(archive.path, "SELECT count(*) FROM capture_bodies") == [(1,)]
    assert query(archive.path, "SELECT status, body_id FROM captures ORDER BY fetched_at") == [(200, 1), (304, 1)]
    previous = archive.previous_capture(url)
    assert previous is not None and previous.body == body and previous.etag == '"v1"'


def test_same_capture_saved_twice_is_one_row(archive: Archive) -> None:
    capture = make_capture("https://quiet.example/")
    first = archive.record_capture(capture)
    assert archive.record_capture(capture) == first
    assert query(archive.path, "SELECT count(*) FROM captures") == [(1,)]


def test_assets_are_stored_once_across_posts(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    shared = make_post().images[0]
    gif = Asset(
        "https://quiet.example/x.gif", hashlib.sha256(GIF_BYTES).hexdigest(), "image/gif", len(GIF_BYTES), GIF_BYTES, ""
    )
    one = archive.save_post(blog_id, make_post("walk-1"))
    two = archive.save_post(blog_id, make_post("walk-2", images=(replace(shared, alt="again"), gif)))
    assert (one.images_saved, two.images_saved) == (1, 1)
    assert query(archive.path, "SELECT count(*) FROM assets") == [(2,)]
    assert query(archive.path, "SELECT count(*) FROM post_assets") == [(3,)]
    asset = archive.get_asset(shared.sha256)
    assert asset is not None and asset.data == PNG_BYTES and asset.source_url == shared.source_url
    assert archive.get_asset("0" * 64) is None
    loaded = archive.load_post(two.post_id)  # metadata only unless asked
    assert [(a.sha256, a.data, a.alt) for a in loaded.images] == [(shared.sha256, b"", "again"), (gif.sha256, b"", "")]


def test_image_not_fetched_again_keeps_its_asset(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post = make_post()
    post_id = archive.save_post(blog_id, post).post_id
    unfetched = replace(post.images[0], data=b"", sha256="")
    archive.save_post(blog_id, make_post(images=(unfetched,)))
    assert archive.load_post(post_id, with_asset_data=True).images[0].data == PNG_BYTES
    archive.save_post(blog_id, make_post(images=()))  # a run that skipped images entirely
    assert archive.load_post(post_id, with_asset_data=True).images[0].data == PNG_BYTES


def test_mark_crawled(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    at = datetime(2025, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=-7)))
    archive.mark_crawled(blog_id, at)
    assert archive.list_blogs()[0].last_crawled_at == at
    with pytest.raises(NotFound):
        archive.mark_crawled(blog_id + 100, at)


def test_comment_kinds_round_trip(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    thread: tuple[Comment, ...] = tuple(
        make_comment(f"k{i}", position=i, kind=kind) for i, kind in enumerate(("comment", "pingback", "trackback"))
    )
    post_id = archive.save_post(blog_id, make_post(comments=thread)).post_id
    assert [c.kind for c in archive.load_post(post_id).comments] == ["comment", "pingback", "trackback"]
