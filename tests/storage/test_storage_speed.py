"""The post list stays fast on a big archive (run with `-m slow`; figures in docs/archive-schema.md)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.archive import open_archive
from storage.records import PostSummary

POSTS = 100_000
COMMENTS_PER_POST = 3


def best_of(runs: int, work: Callable[[], list[PostSummary]]) -> tuple[float, int]:
    """The fastest of `runs` calls, in seconds, and how many rows the call gave."""
    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = len(work())
        times.append(time.perf_counter() - start)
    return min(times), rows


@pytest.mark.slow
def test_list_posts_page_under_50ms_with_100k_posts(archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    stamp = "2024-01-01T00:00:00.000000+00:00"
    with conn:
        conn.executemany(
            "INSERT INTO blogs (url, title, added_at, updated_at) VALUES (?, ?, ?, ?)",
            [(f"https://b{i}.example/", f"Blog {i}", stamp, stamp) for i in range(10)],
        )
        conn.executemany(
            """INSERT INTO posts (blog_id, url, title, published_at, published_utc, body_md, first_captured_at,
                                  captured_at, changed_at, content_sha256)
               VALUES (?, ?, ?, ?, ?, 'body', ?, ?, ?, '')""",
            [
                (1 + i % 10, f"https://b{i % 10}.example/{i}/", f"Post {i}", day, day, stamp, stamp, stamp)
                for i in range(POSTS)
                for day in [f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00.000000+00:00"]
            ],
        )
        conn.executemany(
            """INSERT INTO comments (post_id, source_id, thread_order, body_md, first_seen_at, last_seen_at)
               VALUES (?, ?, ?, 'c', ?, ?)""",
            [(1 + i % POSTS, f"c{i}", i // POSTS, stamp, stamp) for i in range(POSTS * COMMENTS_PER_POST)],
        )
    conn.close()
    with open_archive(archive_path) as archive:
        assert archive.count_posts() == POSTS
        for kwargs in ({}, {"blog_id": 3}, {"blog_id": 3, "offset": 9_000}, {"order": "title"}, {"order": "oldest"}):
            elapsed, rows = best_of(3, lambda kwargs=kwargs: archive.list_posts(limit=200, **kwargs))
            assert rows == 200
            assert elapsed < 0.050, f"list_posts({kwargs}) took {elapsed * 1000:.1f} ms"
