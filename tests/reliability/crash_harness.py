"""Helpers for the crash and storage-fault tests: a slowed sample blog, the CLI in a child process, and the
checks that an archive after a fault is sound and holds only whole posts."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop.sampleserver import SampleBlogServer
from resources import SAMPLE_BLOG_DIR
from storage.archive import open_archive

ROOT = Path(__file__).resolve().parents[2]
TRUTH: dict[str, Any] = json.loads((SAMPLE_BLOG_DIR.parent / "sample_blog.truth.json").read_text(encoding="utf-8"))
TRUTH_POSTS: dict[str, dict[str, Any]] = {post["path"]: post for post in TRUTH["posts"]}
SERIES = "Guest Week"


class SlowSampleBlog(SampleBlogServer):
    """The sample blog, answering each request after `delay` seconds, so a kill can land mid-crawl."""

    def __init__(self, delay: float = 0.03) -> None:
        super().__init__()
        self.delay = delay

    def record(self, handler: Any, status: int) -> None:
        time.sleep(self.delay)  # runs in the handler's thread, before the answer is sent
        super().record(handler, status)


def cli_command(*args: str, db: Path) -> list[str]:
    return [sys.executable, "-m", "desktop.cli", *args, "--db", str(db)]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start_cli(*args: str, db: Path, preexec: Callable[[], None] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(*args, db=db),
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )


def run_cli(
    *args: str, db: Path, preexec: Callable[[], None] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args, db=db),
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec,
    )


def file_size_limit(limit_bytes: int) -> Callable[[], None]:
    """A preexec_fn: the child may write files up to `limit_bytes` (RLIMIT_FSIZE); past that, writes fail
    with EFBIG instead of the default SIGXFSZ killing it, as a full disk makes them fail."""

    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return preexec


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return ";".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1, no traceback, one line on stderr starting `threadbook: ` (and holding each of `words`)."""
    message = result.stderr.strip()
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert len(message.splitlines()) == 1 and message.startswith("threadbook: "), message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def assert_archive_whole(db: Path) -> int:
    """The archive opens, passes integrity_check, and every post in it is whole: its comments and images are
    exactly those of the sample blog's truth. Returns the number of posts. A missing file counts as empty."""
    if not db.exists():
        return 0
    assert integrity(db) == "ok"
    with open_archive(db) as archive:
        assert integrity(db) == "ok"  # again after open_archive's migrations and WAL recovery
        summaries = archive.list_posts()
        for summary in summaries:
            post = archive.load_post(summary.id, with_asset_data=True)
            truth = TRUTH_POSTS[urlsplit(post.url).path]
            assert len(post.comments) == len(truth["comments"]), post.url
            assert sorted(c.source_id for c in post.comments) == sorted(c["id"] for c in truth["comments"])
            expected_images = sorted(urlsplit(image["path"]).path for image in truth["images"])
            assert sorted(urlsplit(a.source_url).path for a in post.images) == expected_images, post.url
            assert all(a.data and a.size == len(a.data) for a in post.images), post.url
        return len(summaries)


def assert_archive_complete(db: Path) -> None:
    """Everything of the sample blog is archived exactly once: counts equal the truth's."""
    assert assert_archive_whole(db) == len(TRUTH["posts"])
    conn = sqlite3.connect(db)
    try:
        comments = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        blogs = conn.execute("SELECT count(*) FROM blogs").fetchone()[0]
        assets = conn.execute("SELECT count(*) FROM assets").fetchone()[0]
    finally:
        conn.close()
    assert (blogs, posts, comments) == (1, len(TRUTH["posts"]), sum(len(p["comments"]) for p in TRUTH["posts"]))
    assert assets == len({image["path"] for p in TRUTH["posts"] for image in p["images"]})
