"""The stored past of posts: every capture with its raw body, the comments' first/last seen and removed times,
and the archived images with when they were first saved. Reads only (history view, WARC export).

Storage keeps every fetch (`captures`, bodies in `capture_bodies`) and never deletes a comment, so a post's history
is already in the archive; re-reading the bodies into text is ingest's job and happens in `desktop/history.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from storage.columns import decompress_body, parse_headers, parse_iso
from storage.errors import NotFound
from storage.records import Asset, Capture

if TYPE_CHECKING:
    from storage.archive import Archive

_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class StoredCapture:
    """One stored fetch with its body: for a 304, the body it confirmed when the archive has it (else b"")."""

    id: int
    capture: Capture
    blog_id: int | None
    post_id: int | None


@dataclass(frozen=True, slots=True)
class CommentState:
    """What the archive remembers of one comment over time (its text is the latest seen)."""

    source_id: str
    author: str
    body_md: str
    first_seen_at: datetime
    last_seen_at: datetime
    removed_at: datetime | None  # set when a complete fetch of the thread no longer had it


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An archived image with its data, the URL it was linked under and when the archive first saved it."""

    asset: Asset
    first_seen_at: datetime
    post_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PostHead:
    """Enough of a post to name it: its row id, URL, title and blog."""

    id: int
    url: str
    title: str
    blog_id: int
    blog_url: str


def _db(archive: Archive) -> Database:
    # The Archive facade keeps its connection private; this module is part of storage, so it may use it.
    db: Database = archive._db
    return db


def post_head(archive: Archive, post_id: int) -> PostHead:
    """The post with this row id; raises `NotFound`."""
    heads = post_heads(archive, [post_id])
    if not heads:
        raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
    return heads[0]


def post_heads(archive: Archive, post_ids: Sequence[int]) -> list[PostHead]:
    """The posts with these row ids (unknown ids are left out), in the order given."""
    found: dict[int, PostHead] = {}
    for chunk in _chunks(list(dict.fromkeys(post_ids))):
        marks = ", ".join("?" for _ in chunk)
        for row in _db(archive).query(
            f"""SELECT p.id, p.url, p.title, p.blog_id, b.url AS blog_url FROM posts AS p JOIN blogs AS b
                ON b.id = p.blog_id WHERE p.id IN ({marks})""",
            chunk,
        ):
            found[row["id"]] = PostHead(row["id"], row["url"], row["title"], row["blog_id"], row["blog_url"])
    return [found[i] for i in dict.fromkeys(post_ids) if i in found]


def blog_post_ids(archive: Archive, blog_id: int) -> list[int]:
    """Every post of a blog, oldest capture first."""
    return [
        int(row[0])
        for row in _db(archive)
        .execute("SELECT id FROM posts WHERE blog_id = ? ORDER BY first_captured_at, id", [blog_id])
        .fetchall()
    ]


def post_captures(archive: Archive, post_id: int) -> list[StoredCapture]:
    """Every capture of a post (its page, comment pages, API calls), oldest first, with bodies."""
    return list(iter_captures(archive, post_ids=[post_id]))


def iter_captures(
    archive: Archive, *, post_ids: Sequence[int] = (), blog_ids: Sequence[int] = ()
) -> Iterator[StoredCapture]:
    """The captures of these posts and of these blogs (home page, feeds, sitemaps and all their posts' pages),
    oldest first, each once, with bodies; read one at a time so a large selection does not sit in memory."""
    db = _db(archive)
    keys: dict[int, str] = {}
    for column, ids in (("post_id", post_ids), ("blog_id", blog_ids)):
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ", ".join("?" for _ in chunk)
            for row in db.execute(f"SELECT id, fetched_at FROM captures WHERE {column} IN ({marks})", chunk):
                keys[int(row[0])] = str(row[1])
    for capture_id in sorted(keys, key=lambda i: (keys[i], i)):
        yield _stored_capture(db, capture_id)


def _stored_capture(db: Database, capture_id: int) -> StoredCapture:
    row = db.execute(
        """SELECT c.url, c.final_url, c.status, c.fetched_at, c.sha256, c.media_type, c.headers, c.etag,
                  c.last_modified, c.tool_version, c.blog_id, c.post_id, b.body, b.compression
           FROM captures AS c LEFT JOIN capture_bodies AS b ON b.id = c.body_id WHERE c.id = ?""",
        [capture_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"No capture with id {capture_id} in the archive.")
    body = b"" if row[12] is None else decompress_body(row[12], row[13])
    fetched_at = parse_iso(row[3])
    assert fetched_at is not None  # NOT NULL column
    capture = Capture(
        url=row[0],
        final_url=row[1],
        status=row[2],
        fetched_at=fetched_at,
        content_sha256=row[4] or "",
        media_type=row[5] or "",
        headers=parse_headers(row[6] or "[]"),
        etag=row[7],
        last_modified=row[8],
        tool_version=row[9] or "",
        body=body,
    )
    return StoredCapture(id=capture_id, capture=capture, blog_id=row[10], post_id=row[11])


def comment_states(archive: Archive, post_id: int) -> list[CommentState]:
    """Every comment the archive holds for a post, removed ones included, in thread order."""
    states = []
    for row in _db(archive).query(
        """SELECT source_id, author, body_md, first_seen_at, last_seen_at, removed_at FROM comments
           WHERE post_id = ? ORDER BY thread_order, id""",
        [post_id],
    ):
        first, last = parse_iso(row["first_seen_at"]), parse_iso(row["last_seen_at"])
        assert first is not None and last is not None  # NOT NULL columns
        states.append(
            CommentState(
                source_id=row["source_id"],
                author=row["author"],
                body_md=row["body_md"],
                first_seen_at=first,
                last_seen_at=last,
                removed_at=parse_iso(row["removed_at"]),
            )
        )
    return states


def iter_post_images(archive: Archive, post_ids: Sequence[int]) -> Iterator[StoredImage]:
    """The archived images of these posts with their data, each (URL, image) once, in post and page order."""
    db = _db(archive)
    links: dict[tuple[str, int], list[int]] = {}
    for chunk in _chunks(list(dict.fromkeys(post_ids))):
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute(
            f"""SELECT source_url, asset_id, post_id FROM post_assets
                WHERE post_id IN ({marks}) AND asset_id IS NOT NULL ORDER BY post_id, position""",
            chunk,
        ):
            links.setdefault((str(row[0]), int(row[1])), []).append(int(row[2]))
    for (source_url, asset_id), posts in links.items():
        row = db.execute(
            "SELECT sha256, media_type, size, data, first_seen_at FROM assets WHERE id = ?", [asset_id]
        ).fetchone()
        if row is None:
            continue
        first_seen = parse_iso(row[4])
        assert first_seen is not None  # NOT NULL column
        asset = Asset(source_url=source_url, sha256=row[0], media_type=row[1], size=row[2], data=bytes(row[3]))
        yield StoredImage(asset=asset, first_seen_at=first_seen, post_ids=tuple(dict.fromkeys(posts)))


def _chunks(ids: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
