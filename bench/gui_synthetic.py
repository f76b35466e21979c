"""A synthetic archive for the GUI benchmarks: N posts over 10 blogs, 3 comments each, written with plain SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.archive import open_archive

STAMP = "2024-01-01T00:00:00.000000+00:00"


def build_big_archive(path: Path, *, posts: int = 100_000, comments_per_post: int = 3) -> Path:
    """Create (migrate) an archive at `path` and fill it fast, bypassing the per-post save path."""
    open_archive(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO blogs (url, title, added_at, updated_at) VALUES (?, ?, ?, ?)",
            [(f"https://b{i}.example/", f"Blog {i}", STAMP, STAMP) for i in range(10)],
        )
        conn.executemany(
            """INSERT INTO posts (blog_id, url, title, author, published_at, published_utc, body_md,
                                  first_captured_at, captured_at, changed_at, content_sha256)
               VALUES (?, ?, ?, ?, ?, ?, 'body', ?, ?, ?, '')""",
            [
                (1 + i % 10, f"https://b{i % 10}.example/{i}/", f"Post {i}", f"Author {i % 97}", day, day)
                + (STAMP, day, STAMP)
                for i in range(posts)
                for day in [f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00.000000+00:00"]
            ],
        )
        conn.executemany(
            """INSERT INTO comments (post_id, source_id, thread_order, body_md, first_seen_at, last_seen_at)
               VALUES (?, ?, ?, 'c', ?, ?)""",
            [
                (1 + i % posts, f"c{i}", i // posts, STAMP, STAMP)
                for i in range(posts * comments_per_post)
                if (i % posts) % 7  # some posts have no comments, so the comment order has ties and gaps
            ],
        )
    conn.close()
    return path
