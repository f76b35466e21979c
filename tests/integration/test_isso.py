"""Done-when for issue 9: a real Isso server with a threaded, paged discussion, archived whole through its API.

A static blog of ours (loopback) embeds Isso (`<script data-isso=... src=.../js/embed.min.js>` and
`<section id="isso-thread">`); 60 comments are seeded through Isso's own `POST /new`, replies posted up to three
deep (Isso files a reply to a reply under the top-level comment, so its threads are one level deep). The reader
pages with a small `limit`/`nested_limit`, so top-level comments and replies both take several pages.
"""

from __future__ import annotations

import functools
import importlib.util
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("isso") is None,
    reason="the isso package is not installed (pip install isso, or tools/bootstrap.sh --test)",
)

POST_PATH = "/2024/06/threaded-post/"
POST_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A threaded post | Loopback Notes</title>
<meta property="og:type" content="article">
<script data-isso="{isso}" data-isso-reply-to-self="true" src="{isso}js/embed.min.js"></script>
</head><body>
<article class="post">
<h1 class="entry-title">A threaded post</h1>
<time class="published" datetime="2024-06-01T10:00:00+00:00">1 June 2024</time>
<div class="entry-content"><p>This post keeps its comments in Isso, which a script loads into the section below.</p>
<p>Nothing of the discussion is in this page's HTML.</p></div>
</article>
<section id="isso-thread"><noscript>Javascript needs to be activated to view comments.</noscript></section>
</body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def blog(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "blog"
    (root / POST_PATH.strip("/")).mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()
    server.server_close()


def test_isso_thread_is_archived_whole_with_parents_authors_and_order(
    blog: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isso_server import IssoServer

    from ingest.comment_systems import ThreadOptions, dispatch
    from ingest.crawl import crawl_post
    from ingest.fetch import Fetcher, FetchSettings

    blog_url, root = blog
    with IssoServer(tmp_path, blog_url=blog_url) as isso:
        (root / POST_PATH.strip("/") / "index.html").write_text(POST_HTML.format(isso=isso.url), encoding="utf-8")
        seeded = _seed(isso)
        monkeypatch.setattr(dispatch.API_SETTINGS, "page_size", 4)  # 12 top-level comments: 3 pages; replies: 1-3
        with Fetcher(FetchSettings(delay=0.0, retries=0, timeout=(5.0, 10.0))) as fetcher:
            crawled = crawl_post(blog_url.rstrip("/") + POST_PATH, fetcher, thread_options=ThreadOptions())
        stored = _stored_parents(isso.db)

    post = crawled.post
    assert post.comment_system is not None
    assert (post.comment_system.name, post.comment_system.origin, post.comment_system.note) == ("isso", "api", ""), (
        post.comment_system.note
    )
    assert dict(post.comment_system.details)["api"] == isso.url
    assert crawled.thread_complete
    assert len(post.comments) == 60
    # Every comment, its parent as Isso stored it, its author and its place, in display order.
    expected = _display_order(seeded, stored)
    got = [(c.source_id, c.parent_source_id, c.author, c.depth, c.position) for c in post.comments]
    assert got == expected
    for comment in post.comments:
        number = seeded[comment.source_id]["n"]
        assert f"Comment number {number} " in comment.body_md
        assert comment.published_at is not None and comment.published_at.tzinfo == UTC
        assert abs((comment.published_at - datetime.now(UTC)).total_seconds()) < 120
    with_site = [c for c in post.comments if c.author_url]
    assert with_site and all(c.author_url == "https://reader.example/" for c in with_site)
    assert "*emphasis*" in post.comments[0].body_md or "_emphasis_" in post.comments[0].body_md
    # Provenance: the post page and every API page (top-level pages, then reply pages).
    api = [c for c in post.captures if c.url.startswith(isso.url)]
    queries = [parse_qs(urlsplit(c.url).query) for c in api]
    assert sum(1 for q in queries if "parent" not in q) >= 3
    assert sum(1 for q in queries if "parent" in q) >= 3
    assert all(c.status == 200 and c.media_type == "application/json" for c in api)


def _seed(isso: object) -> dict[str, dict[str, object]]:
    """12 top-level comments, then 48 replies round-robin over them; every third reply answers the previous reply."""
    from isso_server import IssoServer

    assert isinstance(isso, IssoServer)
    seeded: dict[str, dict[str, object]] = {}
    roots: list[int] = []
    last_reply: dict[int, int] = {}
    number = 0

    def add(parent: int | None, root: int | None) -> int:
        nonlocal number
        number += 1
        author = None if number % 11 == 0 else f"Reader {number}"
        website = "https://reader.example/" if number % 5 == 0 else None
        stored = isso.post_comment(
            POST_PATH,
            text=f"Comment number {number} with *emphasis* and a [link](https://example.org/{number}).",
            author=author,
            website=website,
            parent=parent,
            title="A threaded post",
        )
        comment_id = int(str(stored["id"]))
        seeded[f"isso:{comment_id}"] = {"n": number, "author": author or "", "root": root, "posted_parent": parent}
        return comment_id

    for _ in range(12):
        roots.append(add(None, None))
    replies_per_root = [1, 3, 5, 7] * 3  # 48 replies
    for round_number in range(max(replies_per_root)):
        for index, root in enumerate(roots):
            if round_number >= replies_per_root[index]:
                continue
            parent = last_reply[root] if round_number % 3 == 2 and root in last_reply else root
            last_reply[root] = add(parent, root)
    assert number == 60
    return seeded


def _stored_parents(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT id, parent FROM comments").fetchall()
    return {f"isso:{row[0]}": (f"isso:{row[1]}" if row[1] is not None else None) for row in rows}


def _display_order(
    seeded: dict[str, dict[str, object]], stored: dict[str, str | None]
) -> list[tuple[str, str | None, str, int, int]]:
    """Top level in posting order, each followed by its replies in posting order (ids grow with posting time)."""
    assert set(stored) == set(seeded)
    for source_id, info in seeded.items():  # Isso files every reply under the top-level comment
        root = info["root"]
        assert stored[source_id] == (f"isso:{root}" if root is not None else None)
    key = lambda source_id: int(source_id.split(":")[1])  # noqa: E731
    order: list[tuple[str, str | None, str, int, int]] = []
    top = sorted((s for s, p in stored.items() if p is None), key=key)
    for position, root in enumerate(top):
        order.append((root, None, str(seeded[root]["author"]), 0, position))
        replies = sorted((s for s, p in stored.items() if p == root), key=key)
        for reply_position, reply in enumerate(replies):
            order.append((reply, root, str(seeded[reply]["author"]), 1, reply_position))
    return order


def test_archive_blog_stores_the_isso_thread_and_a_rerun_adds_nothing(blog: tuple[str, Path], tmp_path: Path) -> None:
    """The whole path a user takes: `desktop.tasks.archive_blog` into an archive, then a second run."""
    from isso_server import IssoServer

    from desktop.tasks import ArchiveSettings, archive_blog
    from storage.archive import open_archive

    blog_url, root = blog
    post_url = blog_url.rstrip("/") + POST_PATH
    settings = ArchiveSettings(delay=0.0, fetch_images=False, timeout=10.0)
    with IssoServer(tmp_path, blog_url=blog_url) as isso:
        (root / POST_PATH.strip("/") / "index.html").write_text(POST_HTML.format(isso=isso.url), encoding="utf-8")
        seeded = _seed(isso)
        stored = _stored_parents(isso.db)
        first = archive_blog(post_url, db_path=tmp_path / "archive.sqlite", settings=settings)
        second = archive_blog(post_url, db_path=tmp_path / "archive.sqlite", settings=settings)
    with open_archive(tmp_path / "archive.sqlite") as archive:
        post = archive.load_post(archive.find_post(post_url))
    assert (first.comments_new, first.comments_total) == (60, 60), first.problems
    assert (second.comments_new, second.comments_removed) == (0, 0), second.problems
    assert [(c.source_id, c.parent_source_id, c.author, c.depth, c.position) for c in post.comments] == (
        _display_order(seeded, stored)
    )
    assert post.comment_system is not None
    assert (post.comment_system.name, post.comment_system.origin) == ("isso", "api")
