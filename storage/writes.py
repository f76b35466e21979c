"""Writing records into the archive: upserts on natural keys, one post per transaction, nothing ever deleted."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.columns import BODY_COMPRESSION, compress_body, headers_json, iso, utc_iso
from storage.comment_systems import mark_imported, save_comment_system
from storage.errors import NotFound
from storage.records import Asset, Blog, Capture, Comment, Post
from storage.series import record_detection
from storage.transactions import write_transaction


@dataclass(frozen=True, slots=True)
class PostSaveResult:
    """What saving one post did. `changed` is true when anything differs from what the archive held before
    (always true for a new post): the extracted content (title, body, author, dates, tags, categories) or
    any comment (new, edited, removed or back again)."""

    post_id: int
    created: bool
    changed: bool
    comments_new: int = 0
    comments_changed: int = 0
    comments_removed: int = 0
    images_saved: int = 0  # asset bodies newly stored (an image already in the archive counts 0)


def save_blog(db: Database, blog: Blog, *, now: datetime) -> int:
    """Insert or update the blog with this URL; returns its id."""
    stamp = utc_iso(now)
    with write_transaction(db):
        row = db.execute(
            """
            INSERT INTO blogs (url, title, platform, description, language, added_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET
                title = excluded.title, platform = excluded.platform, description = excluded.description,
                language = excluded.language, updated_at = excluded.updated_at
            RETURNING id
            """,
            [blog.url, blog.title, blog.platform, blog.description, blog.language, stamp, stamp],
        ).fetchone()
    return int(row[0])


def mark_crawled(db: Database, blog_id: int, at: datetime) -> None:
    with write_transaction(db):
        cursor = db.execute("UPDATE blogs SET last_crawled_at = ? WHERE id = ?", [utc_iso(at), blog_id])
    if cursor.rowcount == 0:
        raise NotFound(f"No blog with id {blog_id} in the archive. Run `threadbook list` to see what is there.")


def record_capture(db: Database, capture: Capture, *, blog_id: int | None = None, post_id: int | None = None) -> int:
    """Store one fetch. Bodies are content-addressed: identical bytes are stored once. A 304 stores no body;
    it points at the body it confirmed, if the archive has it."""
    with write_transaction(db):
        return _insert_capture(db, capture, blog_id=blog_id, post_id=post_id)


def _insert_capture(db: Database, capture: Capture, *, blog_id: int | None, post_id: int | None) -> int:
    fetched_at = utc_iso(capture.fetched_at)
    same = db.execute("SELECT id FROM captures WHERE url = ? AND fetched_at = ?", [capture.url, fetched_at]).fetchone()
    if same is not None:
        # The same fetch saved again (a retried save): keep the row, but link it if it was not linked yet.
        db.execute(
            "UPDATE captures SET blog_id = coalesce(blog_id, ?), post_id = coalesce(post_id, ?) WHERE id = ?",
            [blog_id, post_id, same[0]],
        )
        return int(same[0])
    sha = capture.content_sha256
    body_id: int | None = None
    if capture.status == 304:
        if sha:
            found = db.execute("SELECT id FROM capture_bodies WHERE sha256 = ?", [sha]).fetchone()
            body_id = None if found is None else int(found[0])
    elif capture.body:
        # The sha we store is of the bytes we keep, whatever the caller claims.
        sha = hashlib.sha256(capture.body).hexdigest()
        body_id = _store_body(db, sha, capture.body)
    row = db.execute(
        """
        INSERT INTO captures (url, final_url, status, fetched_at, sha256, media_type, headers, etag,
                              last_modified, tool_version, body_id, blog_id, post_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """,
        [
            capture.url,
            capture.final_url,
            capture.status,
            fetched_at,
            sha,
            capture.media_type,
            headers_json(capture.headers),
            capture.etag,
            capture.last_modified,
            capture.tool_version,
            body_id,
            blog_id,
            post_id,
        ],
    ).fetchone()
    return int(row[0])


def _store_body(db: Database, sha: str, body: bytes) -> int:
    found = db.execute("SELECT id FROM capture_bodies WHERE sha256 = ?", [sha]).fetchone()
    if found is not None:
        return int(found[0])
    row = db.execute(
        "INSERT INTO capture_bodies (sha256, compression, size, body) VALUES (?, ?, ?, ?) RETURNING id",
        [sha, BODY_COMPRESSION, len(body), compress_body(body)],
    ).fetchone()
    return int(row[0])


def content_sha256(post: Post) -> str:
    """A fingerprint of the post's extracted content, to tell a changed post from an unchanged one."""
    content = {
        "title": post.title,
        "body_md": "" if post.protected else post.body_md,
        "author": post.author,
        "published_at": iso(post.published_at),
        "updated_at": iso(post.updated_at),
        "tags": list(post.tags),
        "categories": list(post.categories),
        "protected": post.protected,
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def save_post(db: Database, blog_id: int, post: Post, *, thread_complete: bool = True, now: datetime) -> PostSaveResult:
    """Insert or update one post with its thread, links, captures and images, in one transaction."""
    stamp = utc_iso(now)
    with write_transaction(db):
        post_id, created, content_changed = _upsert_post(db, blog_id, post, stamp)
        if content_changed:
            _replace_names(db, post_id, "tags", "post_tags", "tag_id", post.tags)
            _replace_names(db, post_id, "categories", "post_categories", "category_id", post.categories)
        _replace_series(db, post_id, blog_id, post)
        new, changed, removed = _save_comments(db, post_id, post.comments, thread_complete, stamp)
        save_comment_system(
            db,
            post_id,
            post.comment_system,
            has_imported_comments=_has_attached_comments(db, post_id),
            thread_complete=thread_complete,
        )
        for capture in post.captures:
            _insert_capture(db, capture, blog_id=blog_id, post_id=post_id)
        images_saved = _save_images(db, post_id, post, stamp)
    return PostSaveResult(
        post_id=post_id,
        created=created,
        changed=created or content_changed or bool(new or changed or removed),
        comments_new=new,
        comments_changed=changed,
        comments_removed=removed,
        images_saved=images_saved,
    )


def attach_comments(
    db: Database, post_id: int, comments: tuple[Comment, ...], *, now: datetime, system: str | None = None
) -> PostSaveResult:
    """Add or update comments kept outside the blog (an imported Disqus thread) on an archived post, in one
    transaction. They are shown after the blog's own thread; nothing is marked removed, by this or by later crawls.
    The post's comment system then says the thread came from an import (origin "import", no "missing" note);
    `system` names it ("disqus") for a post that had none recorded."""
    stamp = utc_iso(now)
    with write_transaction(db):
        if db.execute("SELECT 1 FROM posts WHERE id = ?", [post_id]).fetchone() is None:
            raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
        new, changed, _ = _save_comments(db, post_id, comments, False, stamp, order_offset=ATTACHED_ORDER)
        if comments:
            mark_imported(db, post_id, name=system, at=stamp)
    return PostSaveResult(
        post_id=post_id, created=False, changed=bool(new or changed), comments_new=new, comments_changed=changed
    )


def _upsert_post(db: Database, blog_id: int, post: Post, stamp: str | None) -> tuple[int, bool, bool]:
    """Returns (post id, created, content changed)."""
    sha = content_sha256(post)
    captured = utc_iso(post.captured_at) or stamp
    content: dict[str, Any] = {
        "title": post.title,
        "author": post.author,
        "published_at": iso(post.published_at),
        "published_utc": utc_iso(post.published_at),
        "updated_at": iso(post.updated_at),
        "body_md": "" if post.protected else post.body_md,  # never keep a protected post's text
        "protected": int(post.protected),
        "content_sha256": sha,
    }
    meta: dict[str, Any] = {
        "blog_id": blog_id,
        "source_id": post.source_id,
        "language": post.language,
        "comment_count_expected": post.comment_count_expected,
        "captured_at": captured,
    }
    existing = db.execute("SELECT id, content_sha256 FROM posts WHERE url = ?", [post.url]).fetchone()
    if existing is None:
        values = {"url": post.url, **content, **meta, "first_captured_at": captured, "changed_at": stamp}
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        row = db.execute(f"INSERT INTO posts ({names}) VALUES ({marks}) RETURNING id", list(values.values())).fetchone()
        return int(row[0]), True, True
    post_id, old_sha = int(existing[0]), existing[1]
    changed = old_sha != sha
    # Content columns are only written when they changed, so the full-text triggers stay quiet otherwise.
    values = {**meta, **content, "changed_at": stamp} if changed else meta
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*values.values(), post_id])
    return post_id, False, changed


def _replace_names(
    db: Database, post_id: int, table: str, link_table: str, link_column: str, names: tuple[str, ...]
) -> None:
    """Replace a post's tags or categories (table names come from our code, never from input)."""
    db.execute(f"DELETE FROM {link_table} WHERE post_id = ?", [post_id])
    unique = list(dict.fromkeys(name for name in names if name))
    for position, name in enumerate(unique):
        db.execute(f"INSERT INTO {table} (name) VALUES (?) ON CONFLICT (name) DO NOTHING", [name])
        name_id = db.execute(f"SELECT id FROM {table} WHERE name = ?", [name]).fetchone()[0]
        db.execute(
            f"INSERT INTO {link_table} (post_id, {link_column}, position) VALUES (?, ?, ?)",
            [post_id, name_id, position],
        )


def _replace_series(db: Database, post_id: int, blog_id: int, post: Post) -> None:
    # The detection is stored apart from the editor's corrections (storage/series.py), which it never overrides.
    record_detection(db, post_id, blog_id, post.series)


_COMMENT_CONTENT = ("parent_source_id", "author", "author_url", "published_at", "kind", "body_md")
# Comments attached from outside the blog (an imported Disqus thread) sort after the blog's own thread, and a
# crawl of the blog, which can't see them, never marks them removed.
ATTACHED_ORDER = 1_000_000


_INSERT_COMMENT = """
    INSERT INTO comments (post_id, source_id, parent_source_id, author, author_url, published_at, kind, body_md,
                          parent_id, position, depth, thread_order, published_utc, first_seen_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _has_attached_comments(db: Database, post_id: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM comments WHERE post_id = ? AND thread_order >= ? AND removed_at IS NULL LIMIT 1",
        [post_id, ATTACHED_ORDER],
    ).fetchone()
    return row is not None


def _comment_content(comment: Comment) -> dict[str, Any]:
    return {
        "parent_source_id": comment.parent_source_id,
        "author": comment.author,
        "author_url": comment.author_url,
        "published_at": iso(comment.published_at),
        "kind": comment.kind,
        "body_md": comment.body_md,
    }


def _save_comments(
    db: Database,
    post_id: int,
    comments: tuple[Comment, ...],
    thread_complete: bool,
    stamp: str | None,
    *,
    order_offset: int = 0,
) -> tuple[int, int, int]:
    """Upsert the thread on (post_id, source_id). Returns (new, changed, removed) counts."""
    existing: dict[str, dict[str, Any]] = {
        row["source_id"]: row
        for row in db.query(
            f"SELECT id, source_id, removed_at, thread_order, {', '.join(_COMMENT_CONTENT)}"
            " FROM comments WHERE post_id = ?",
            [post_id],
        )
    }
    ids = {source_id: int(row["id"]) for source_id, row in existing.items()}
    new = changed = 0
    seen: set[str] = set()
    # New comments go in with one executemany at the end (a 1,000-comment thread is one statement, not 1,000);
    # their replies get parent_id from the UPDATE below. A source id listed twice keeps its last values.
    inserts: dict[str, tuple[Any, ...]] = {}
    for thread_order, comment in enumerate(comments):
        published_utc = utc_iso(comment.published_at)
        old = existing.get(comment.source_id)
        if old is None:
            inserts[comment.source_id] = (
                post_id,
                comment.source_id,
                comment.parent_source_id,
                comment.author,
                comment.author_url,
                iso(comment.published_at),
                comment.kind,
                comment.body_md,
                ids.get(comment.parent_source_id) if comment.parent_source_id else None,
                comment.position,
                comment.depth,
                order_offset + thread_order,
                published_utc,
                stamp,
                stamp,
            )
            if comment.source_id not in seen:
                new += 1
            seen.add(comment.source_id)
            continue
        content = _comment_content(comment)
        placement = {
            "parent_id": ids.get(comment.parent_source_id) if comment.parent_source_id else None,
            "position": comment.position,
            "depth": comment.depth,
            "thread_order": order_offset + thread_order,
            "published_utc": published_utc,
            "last_seen_at": stamp,
            "removed_at": None,
        }
        differs = any(old[name] != content[name] for name in _COMMENT_CONTENT)
        if (differs or old["removed_at"] is not None) and comment.source_id not in seen:
            changed += 1
        # Content columns only when they changed: the full-text triggers fire on those alone.
        values = {**content, **placement} if differs else placement
        assignments = ", ".join(f"{name} = ?" for name in values)
        db.execute(f"UPDATE comments SET {assignments} WHERE id = ?", [*values.values(), old["id"]])
        existing[comment.source_id] = {**old, **content, "removed_at": None}
        seen.add(comment.source_id)
    if inserts:
        db.conn.executemany(_INSERT_COMMENT, list(inserts.values()))
    # Replies whose parent came later in the list (or not at all yet) get their parent_id now.
    db.execute(
        """
        UPDATE comments SET parent_id = (
            SELECT parent.id FROM comments AS parent
            WHERE parent.post_id = comments.post_id AND parent.source_id = comments.parent_source_id)
        WHERE post_id = ? AND parent_source_id IS NOT NULL AND parent_id IS NULL
        """,
        [post_id],
    )
    removed = 0
    if thread_complete:
        gone = [
            row["id"]
            for sid, row in existing.items()
            if sid not in seen and row["removed_at"] is None and row["thread_order"] < ATTACHED_ORDER
        ]
        for comment_id in gone:
            db.execute("UPDATE comments SET removed_at = ? WHERE id = ?", [stamp, comment_id])
        removed = len(gone)
    return new, changed, removed


def _save_images(db: Database, post_id: int, post: Post, stamp: str | None) -> int:
    """Store each fetched image once (by sha256) and relink the post's images in order.

    An image given without data (not fetched this time) keeps the asset it was linked to before. An old link
    whose URL still appears in the body but is missing from `post.images` is kept, so a run that skipped
    images does not forget them.
    """
    previous = {
        row["source_url"]: row
        for row in db.query(
            "SELECT source_url, asset_id, alt FROM post_assets WHERE post_id = ? ORDER BY position", [post_id]
        )
    }
    saved = 0
    links: list[tuple[str, int | None, str]] = []
    for image in post.images:
        asset_id, stored = _store_asset(db, image, stamp)
        saved += stored
        if asset_id is None and image.source_url in previous:
            asset_id = previous[image.source_url]["asset_id"]
        links.append((image.source_url, asset_id, image.alt))
    linked = {url for url, _, _ in links}
    for url, row in previous.items():
        if url not in linked and url in post.body_md:
            links.append((url, row["asset_id"], row["alt"]))
    db.execute("DELETE FROM post_assets WHERE post_id = ?", [post_id])
    for position, (url, asset_id, alt) in enumerate(links):
        db.execute(
            "INSERT INTO post_assets (post_id, asset_id, source_url, alt, position) VALUES (?, ?, ?, ?, ?)",
            [post_id, asset_id, url, alt, position],
        )
    return saved


def _store_asset(db: Database, image: Asset, stamp: str | None) -> tuple[int | None, bool]:
    """Returns (asset id or None when there is no data, whether new bytes were stored)."""
    if not image.data:
        return None, False
    sha = hashlib.sha256(image.data).hexdigest()
    found = db.execute("SELECT id FROM assets WHERE sha256 = ?", [sha]).fetchone()
    if found is not None:
        return int(found[0]), False
    row = db.execute(
        """
        INSERT INTO assets (sha256, media_type, size, data, first_source_url, first_seen_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING id
        """,
        [sha, image.media_type, len(image.data), image.data, image.source_url, stamp],
    ).fetchone()
    return int(row[0]), True
