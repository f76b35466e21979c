"""The comment system a post's thread lives in (issue 9): saved with the post, loaded with it, and listed when
its thread could not be read, so the archive says what is missing instead of showing an empty thread."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.columns import parse_iso, utc_iso
from storage.records import THREAD_ORIGINS, CommentSystem, ThreadOrigin


@dataclass(frozen=True, slots=True)
class MissingThread:
    """A post whose comment thread is kept by a comment system Threadbook could not read (origin "none")."""

    post_id: int
    blog_id: int
    url: str
    title: str
    name: str  # the comment system, e.g. "disqus"
    expected: int | None  # the count the page or the system states, when it states one
    note: str  # for the user: what is missing and what to do
    comments_archived: int  # comments the archive still holds for the post (from earlier runs or the page)
    detected_at: datetime | None


def _details_json(details: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([[key, value] for key, value in details], ensure_ascii=False)


def _parse_details(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    try:
        pairs = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(pairs, list):
        return ()
    return tuple((str(pair[0]), str(pair[1])) for pair in pairs if isinstance(pair, list) and len(pair) == 2)


def _origin(value: str) -> ThreadOrigin:
    for origin in THREAD_ORIGINS:
        if origin == value:
            return origin
    return "none"  # the CHECK constraint keeps other values out; be safe with hand-edited files


def save_comment_system(
    db: Database,
    post_id: int,
    system: CommentSystem | None,
    *,
    has_imported_comments: bool = False,
    thread_complete: bool = True,
) -> None:
    """Replace the post's comment system with `system` (inside the caller's transaction).

    None means the page serves its own thread: the row goes, except one saying the comments came from an
    imported export (those comments are still in the archive, and a crawl can't see them), and except when
    `thread_complete` is false: a partial view of the post (an import from a WXR or Blogger file, a crawl whose
    comment pages failed) can't tell that the page dropped its comment system. A crawl that could not read the
    thread (origin "none") of a post whose comments were imported keeps origin "import": the thread is in the
    archive after all (`has_imported_comments`: the post holds comments attached from an export).
    """
    old = db.execute("SELECT origin FROM post_comment_systems WHERE post_id = ?", [post_id]).fetchone()
    if system is None:
        if old is not None and old[0] != "import" and thread_complete:
            db.execute("DELETE FROM post_comment_systems WHERE post_id = ?", [post_id])
        return
    origin: str = system.origin
    note = system.note
    if origin == "none" and ((old is not None and old[0] == "import") or has_imported_comments):
        origin, note = "import", ""
    db.execute(
        """
        INSERT INTO post_comment_systems (post_id, name, origin, expected, note, details, detected_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (post_id) DO UPDATE SET
            name = excluded.name, origin = excluded.origin, expected = excluded.expected, note = excluded.note,
            details = excluded.details, detected_at = excluded.detected_at
        """,
        [
            post_id,
            system.name,
            origin,
            system.expected,
            note,
            _details_json(system.details),
            utc_iso(system.detected_at),
        ],
    )


def mark_imported(db: Database, post_id: int, *, name: str | None, at: str | None) -> None:
    """The post's thread now holds comments imported from `name`'s export: origin "import", note cleared.

    A post with no comment system recorded gets one named `name` (nothing is recorded when `name` is None);
    the name a crawl detected is kept."""
    if name is None:
        db.execute("UPDATE post_comment_systems SET origin = 'import', note = '' WHERE post_id = ?", [post_id])
        return
    db.execute(
        """
        INSERT INTO post_comment_systems (post_id, name, origin, note, details, detected_at)
        VALUES (?, ?, 'import', '', '[]', ?)
        ON CONFLICT (post_id) DO UPDATE SET origin = 'import', note = ''
        """,
        [post_id, name, at],
    )


def load_comment_system(db: Database, post_id: int) -> CommentSystem | None:
    row = db.execute(
        "SELECT name, origin, expected, note, details, detected_at FROM post_comment_systems WHERE post_id = ?",
        [post_id],
    ).fetchone()
    if row is None:
        return None
    return CommentSystem(
        name=row[0],
        origin=_origin(row[1]),
        expected=row[2],
        note=row[3],
        details=_parse_details(row[4]),
        detected_at=parse_iso(row[5]),
    )


def thread_origins(db: Database, *, blog_id: int) -> dict[str, ThreadOrigin]:
    """Post URL -> where its stored thread came from, for the posts of a blog that embed a comment system.

    A re-run asks these posts again even when the blog's change lists don't name them: a thread kept by Disqus or
    Isso changes without the blog knowing.
    """
    rows = db.execute(
        "SELECT p.url, cs.origin FROM post_comment_systems AS cs JOIN posts AS p ON p.id = cs.post_id"
        " WHERE p.blog_id = ?",
        [blog_id],
    ).fetchall()
    return {url: origin for url, origin in rows if origin in THREAD_ORIGINS}


def list_missing_threads(db: Database, *, blog_id: int | None = None) -> list[MissingThread]:
    """Posts whose thread could not be read (origin "none"), newest first; of one blog when `blog_id` is set."""
    # CROSS JOIN keeps the few rows of post_comment_systems (by their origin index) as the outer loop: with a blog
    # filter SQLite would otherwise walk every post of the blog (15 ms instead of 4 at 20k posts).
    where = "WHERE cs.origin = 'none'" + (" AND p.blog_id = ?" if blog_id is not None else "")
    params: list[Any] = [] if blog_id is None else [blog_id]
    rows = db.query(
        f"""
        SELECT p.id, p.blog_id, p.url, p.title, cs.name, cs.expected, cs.note, cs.detected_at,
            (SELECT count(*) FROM comments AS c WHERE c.post_id = p.id AND c.removed_at IS NULL) AS archived
        FROM post_comment_systems AS cs CROSS JOIN posts AS p ON p.id = cs.post_id
        {where}
        ORDER BY p.published_utc DESC, p.id DESC
        """,
        params,
    )
    return [
        MissingThread(
            post_id=row["id"],
            blog_id=row["blog_id"],
            url=row["url"],
            title=row["title"],
            name=row["name"],
            expected=row["expected"],
            note=row["note"],
            comments_archived=row["archived"],
            detected_at=parse_iso(row["detected_at"]),
        )
        for row in rows
    ]


MISSING_FILTER = "p.id IN (SELECT post_id FROM post_comment_systems WHERE origin = 'none')"
"""A WHERE term over `posts AS p`: posts whose thread could not be read (used by the post lists)."""
