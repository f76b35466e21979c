"""Saving: one transaction per post (a capture) beside batches of posts in one transaction (an import), same run.

Usage: python -m bench.storage_batch [--posts 5000] [--comments 50000] [--batch 200] [--rounds 2]

Each round builds two fresh archives from the same synthetic posts (`bench/storage_synthetic.py`), full-text
triggers on: one through `Archive.save_post` alone, one through `save_post` inside `Archive.batch()` every
`--batch` posts. Rounds alternate the order; the medians are printed with the ratio. Issue 10's saving targets:
at least 1,000 posts/s and 10,000 comments/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.storage_synthetic import SyntheticArchive
from storage.archive import open_archive


def build(path: Path, content: SyntheticArchive, batch: int) -> tuple[float, int]:
    """Seconds to save every post into a new archive at `path` (`batch` 0: a transaction per post); comments saved."""
    posts = list(content.iter_posts())  # made before the clock starts
    comments = sum(len(post.comments) for _, post in posts)
    with open_archive(path) as archive:
        blog_ids = [archive.save_blog(blog) for blog in content.blogs()]
        started = time.perf_counter()
        if batch <= 0:
            for index, post in posts:
                archive.save_post(blog_ids[content.blog_of(index)], post, thread_complete=False)
        else:
            for first in range(0, len(posts), batch):
                with archive.batch():
                    for index, post in posts[first : first + batch]:
                        archive.save_post(blog_ids[content.blog_of(index)], post, thread_complete=False)
        return time.perf_counter() - started, comments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    content = SyntheticArchive(posts=args.posts, comments=args.comments)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load average {os.getloadavg()[0]:.1f}"
    )
    times: dict[str, list[float]] = {"per post": [], f"batches of {args.batch}": []}
    comments = 0
    with tempfile.TemporaryDirectory(prefix="threadbook-batch-") as tmp:
        for round_ in range(args.rounds):
            order = list(times) if round_ % 2 == 0 else list(reversed(times))
            for name in order:
                path = Path(tmp) / f"{round_}-{name.replace(' ', '-')}.sqlite"
                seconds, comments = build(path, content, 0 if name == "per post" else args.batch)
                times[name].append(seconds)
                path.unlink()
    for name, values in times.items():
        median = statistics.median(values)
        posts_rate, comments_rate = args.posts / median, comments / median
        verdict = "met" if posts_rate >= 1_000 and comments_rate >= 10_000 else "NOT met"
        print(
            f"{name}: {args.posts:,} posts and {comments:,} comments in {median:.1f} s (median of {len(values)}): "
            f"{posts_rate:,.0f} posts/s and {comments_rate:,.0f} comments/s together (targets: {verdict})"
        )
    single, batched = (statistics.median(v) for v in times.values())
    print(f"ratio batched / per post: {batched / single:.2f} of the time")


if __name__ == "__main__":
    main()
