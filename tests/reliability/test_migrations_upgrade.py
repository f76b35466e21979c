"""Every migration upgrades an archive written by each earlier schema, with its data intact (issue 8 item 5).

For each step N, the test builds an archive that stops before migration N (so it holds the schema of
m001..m00N-1, exactly as an older Threadbook left it), writes representative data into it with plain SQL
for that schema, then opens it with `open_archive` (which applies the rest) and reads everything back
through the public API: load_post, search (Latin and CJK, posts and comments), series, watch settings, the
capture body kept for re-extraction, and a full `check_archive`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage.archive import open_archive
from storage.maintenance import check_archive
from storage.migrations import KNOWN_MIGRATIONS, MIGRATIONS

T = "2024-03-01T10:00:00+00:00"
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
IMAGE_SHA = hashlib.sha256(IMAGE).hexdigest()
PAGE = "<html><body><article><h1>Zürich letterpress</h1></article></body></html>".encode()
PAGE_SHA = hashlib.sha256(PAGE).hexdigest()
POST_URL = "https://old.example/2024/03/zurich/"


def build_old_archive(path: Path, stop_before: str) -> list[str]:
    """An archive at the schema before `stop_before`, with one blog, two posts, a thread, an image, a capture,
    tags, categories and a series, written with the SQL an older Threadbook would have run."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before=stop_before)
    applied = [m.name for m in MIGRATIONS.applied(db)]
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    with conn:
        conn.execute(
            "INSERT INTO blogs (id, url, title, platform, added_at, updated_at, last_crawled_at) "
            "VALUES (1, 'https://old.example/', 'Old Press', 'wordpress', ?, ?, ?)",
            [T, T, T],
        )
        conn.execute(
            """INSERT INTO posts (id, blog_id, url, source_id, title, author, published_at, published_utc, body_md,
                                  comment_count_expected, first_captured_at, captured_at, changed_at, content_sha256)
               VALUES (1, 1, ?, '41', 'Zürich letterpress', 'Ada', ?, ?, ?, 2, ?, ?, ?, 'sha-1')""",
            [POST_URL, T, T, "A **proof press** in Zürich.\n\n![diagram](https://old.example/press.png)", T, T, T],
        )
        conn.execute(
            """INSERT INTO posts (id, blog_id, url, title, published_at, published_utc, body_md,
                                  first_captured_at, captured_at, changed_at, content_sha256)
               VALUES (2, 1, 'https://old.example/2024/04/beijing/', '北京的印刷', ?, ?, '这是一篇关于北京烤鸭的文章',
                       ?, ?, ?, 'sha-2')""",
            [T, T, T, T, T],
        )
        conn.execute(
            """INSERT INTO comments (id, post_id, source_id, parent_id, parent_source_id, position, depth,
                                     thread_order, author, body_md, published_at, first_seen_at, last_seen_at)
               VALUES (1, 1, '7', NULL, NULL, 0, 0, 0, 'Bea', 'Which ink did you use?', ?, ?, ?),
                      (2, 1, '8', 1, '7', 0, 1, 1, 'Ada', 'Rubber-based **linseed** ink.', ?, ?, ?)""",
            [T, T, T, T, T, T],
        )
        conn.execute(
            "INSERT INTO capture_bodies (id, sha256, compression, size, body) VALUES (1, ?, 'zlib', ?, ?)",
            [PAGE_SHA, len(PAGE), zlib.compress(PAGE)],
        )
        conn.execute(
            """INSERT INTO captures (url, final_url, status, fetched_at, sha256, media_type, headers, etag,
                                     tool_version, body_id, blog_id, post_id)
               VALUES (?, ?, 200, ?, ?, 'text/html', '[]', '"e1"', '0.0.9', 1, 1, 1)""",
            [POST_URL, POST_URL, T, PAGE_SHA],
        )
        conn.execute(
            "INSERT INTO assets (id, sha256, media_type, size, data, first_source_url, first_seen_at) "
            "VALUES (1, ?, 'image/png', ?, ?, 'https://old.example/press.png', ?)",
            [IMAGE_SHA, len(IMAGE), IMAGE, T],
        )
        conn.execute(
            "INSERT INTO post_assets (post_id, asset_id, source_url, alt, position) "
            "VALUES (1, 1, 'https://old.example/press.png', 'diagram', 0)"
        )
        conn.execute("INSERT INTO tags (id, name) VALUES (1, 'presses'), (2, 'ink')")
        conn.execute("INSERT INTO categories (id, name) VALUES (1, 'Workshop')")
        conn.execute("INSERT INTO post_tags (post_id, tag_id, position) VALUES (1, 1, 0), (1, 2, 1)")
        conn.execute("INSERT INTO post_categories (post_id, category_id, position) VALUES (1, 1, 0)")
        conn.execute("INSERT INTO series (id, blog_id, name) VALUES (1, 1, 'Press Visits')")
        conn.execute("INSERT INTO series_posts (series_id, post_id, number) VALUES (1, 1, 1), (1, 2, 2)")
        if "m008_series_corrections_and_anthologies" in applied:
            # From m008 on, Threadbook keeps what detection said next to series_posts (and rebuilds from it).
            conn.execute("INSERT INTO series_detections (post_id, name, number) VALUES (1, 'Press Visits', 1)")
            conn.execute("INSERT INTO series_detections (post_id, name, number) VALUES (2, 'Press Visits', 2)")
        if "m007_blog_watch_and_post_list_orders" in applied:
            conn.execute("UPDATE blogs SET watched = 1, watch_interval_hours = 6 WHERE id = 1")
    conn.close()
    return applied


STEPS = KNOWN_MIGRATIONS[1:]  # stop before each of these: archives at schemas m001 .. m00N-1


@pytest.mark.parametrize("stop_before", STEPS)
def test_upgrade_keeps_every_record(tmp_path: Path, stop_before: str) -> None:
    """fault: an archive written by each earlier schema opened by this build; result: recovered"""
    path = tmp_path / "old.sqlite"
    applied = build_old_archive(path, stop_before)
    assert applied == KNOWN_MIGRATIONS[: KNOWN_MIGRATIONS.index(stop_before)]
    with open_archive(path) as archive:
        post = archive.load_post(1, with_asset_data=True)
        assert (post.url, post.title, post.author, post.source_id) == (POST_URL, "Zürich letterpress", "Ada", "41")
        assert post.body_md.startswith("A **proof press** in Zürich.")
        assert post.tags == ("presses", "ink") and post.categories == ("Workshop",)
        assert [(c.source_id, c.parent_source_id, c.depth) for c in post.comments] == [("7", None, 0), ("8", "7", 1)]
        assert [(a.source_url, a.alt, a.data) for a in post.images] == [
            ("https://old.example/press.png", "diagram", IMAGE)
        ]
        assert post.series is not None and (post.series.name, post.series.number) == ("Press Visits", 1)
        assert [c.etag for c in post.captures] == ['"e1"']
        assert post.comment_system is None  # no archive before m009 knew comment systems
        previous = archive.previous_capture(POST_URL)
        assert previous is not None and previous.body == PAGE
        # Search over old rows: the Latin index (m002) and the CJK index (m003) are filled from existing data.
        assert [h.post_id for h in archive.search("zurich")] == [1]
        assert [(h.kind, h.comment_source_id) for h in archive.search("linseed")] == [("comment", "8")]
        assert [h.post_title for h in archive.search("北京烤鸭")] == ["北京的印刷"]
        [report] = archive.series_reports("Press Visits")
        assert [p.number for p in report.parts] == [1, 2]
        watched = {w.id: w for w in archive.list_watch_settings()}
        expected = (True, 6.0) if "m007_blog_watch_and_post_list_orders" in applied else (False, 24.0)
        assert (watched[1].watched, watched[1].interval_hours) == expected
        # The upgraded archive takes new writes through the current code.
        archive.set_post_number(2, 5)
        assert [p.number for p in archive.series_reports("Press Visits")[0].parts] == [1, 5]
        archive.create_anthology("Visits", from_series="Press Visits")
        assert [e.post_id for e in archive.load_anthology_spec("Visits").entries] == [1, 2]
    report = check_archive(path)
    assert report.ok, report.problems
    assert report.schema_current and report.schema == KNOWN_MIGRATIONS[-1]
    assert report.counts == {"blogs": 1, "posts": 2, "comments": 2, "captures": 1, "assets": 1, "anthologies": 1}


def test_every_migration_but_the_first_has_an_upgrade_case() -> None:
    """A new migration is covered automatically: STEPS is every known migration after m001."""
    assert STEPS == KNOWN_MIGRATIONS[1:] and len(STEPS) == len(KNOWN_MIGRATIONS) - 1 >= 7
