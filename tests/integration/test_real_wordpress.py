"""Archive a real WordPress (Debian's package, on loopback) and check every comment against its database.

Needs a site made by `tools/wordpress/setup.sh` (as root): set THREADBOOK_WORDPRESS_URL to the URL it prints.
Each case switches the site's theme and REST API (tools/wordpress/configure.php), archives the whole blog with
`desktop.tasks.archive_blog`, and compares the archive with what `tools/wordpress/truth.php` reads from the
database: every approved comment with its parent, author, date and kind; no unapproved or spam comment and no
protected text anywhere; a second run adds and removes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from desktop.tasks import ArchiveSettings, archive_blog
from storage.archive import open_archive
from storage.records import Post

pytestmark = pytest.mark.wordpress

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "wordpress"
URL = os.environ.get("THREADBOOK_WORDPRESS_URL", "")
THREAD_DEPTH = 5  # configure.php's thread_comments_depth
CASES = [
    ("twentytwentyone", "pretty", "on"),
    ("twentytwentyone", "pretty", "off"),
    ("twentytwentythree", "pretty", "on"),
    ("twentytwentythree", "pretty", "off"),
    ("twentytwentyone", "plain", "on"),  # the API at index.php?rest_route=/
]


def _php(script: str, *args: str) -> str:
    env = {**os.environ, "THREADBOOK_WORDPRESS_PORT": str(urlsplit(URL).port or 80)}
    done = subprocess.run(
        ["php", str(TOOLS / script), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"can't run tools/wordpress/{script} (run the tests as root?): {done.stderr.strip()[:300]}")
    return done.stdout


@pytest.fixture(scope="module")
def site() -> str:
    if not URL:
        pytest.skip("no real WordPress: run tools/wordpress/setup.sh as root and set THREADBOOK_WORDPRESS_URL")
    return URL


def archive_twice(url: str, db: Path) -> tuple[Any, Any, list[Post]]:
    settings = ArchiveSettings(delay=0.0)
    first = archive_blog(url, db_path=db, settings=settings)
    second = archive_blog(url, db_path=db, settings=settings)
    with open_archive(db) as archive:
        posts = [archive.load_post(summary.id) for summary in archive.list_posts()]
    return first, second, posts


def display_parent(comment: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str | None:
    """Where the theme shows a reply: one past the thread depth setting is shown beside its parent."""
    chain: list[str] = []
    parent = comment["parent"]
    while parent is not None:
        chain.append(parent)
        parent = by_id[parent]["parent"]
    if len(chain) < THREAD_DEPTH:
        return comment["parent"]
    return chain[len(chain) - THREAD_DEPTH + 1]


@pytest.mark.parametrize(("theme", "permalinks", "rest"), CASES)
def test_the_archive_matches_wordpress(site: str, tmp_path: Path, theme: str, permalinks: str, rest: str) -> None:
    _php("configure.php", theme, permalinks, "paged", rest)
    truth = json.loads(_php("truth.php"))
    first, second, posts = archive_twice(site, tmp_path / "wp.sqlite")
    print(
        f"\n{theme} {permalinks} REST {rest}: first capture {first.requests} requests "
        f"({first.posts_found} posts, {first.comments_total} comments); "
        f"re-run {second.requests} requests, {second.not_modified} answered 304"
    )
    by_url = {post.url: post for post in posts}
    assert len(posts) == len(truth["posts"])
    for expected in truth["posts"]:
        post = by_url[expected["url"]]
        assert post.protected == expected["protected"]
        by_id = {c["id"]: c for c in expected["comments"]}
        got = {c.source_id: c for c in post.comments}
        assert set(got) == set(by_id), f"{post.url}: comments differ"
        for comment_id, want in by_id.items():
            comment = got[comment_id]
            parent = want["parent"] if rest == "on" else display_parent(want, by_id)
            assert (comment.parent_source_id, comment.author, comment.kind) == (
                parent,
                want["author"],
                want["kind"],
            ), f"{post.url} comment {comment_id}"
            if want["kind"] == "comment":  # twentytwentyone prints no date on pings
                assert comment.published_at is not None
                assert comment.published_at.isoformat() == want["published_at"], f"{post.url} comment {comment_id}"
    everything = repr(posts)
    for hidden in truth["hidden"]:
        assert hidden.split()[0] not in everything
    assert second.posts_new == 0 and second.comments_new == 0 and second.comments_removed == 0
    assert not first.problems and not second.problems
    # Figures to hold (issue 10 asks <= 60 for a 12-post blog): this one has 8 posts and 41 comments.
    assert first.requests <= 45
