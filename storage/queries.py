"""Reading the archive back as records: blogs, post lists, whole posts with threads, series, assets, captures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlite_utils import Database

from storage.columns import decompress_body, parse_headers, parse_iso
from storage.comment_systems import MISSING_FILTER, load_comment_system
from storage.errors import NotFound
from storage.records import (
    Asset,
    Blog,
    BlogSummary,
    Capture,
    Comment,
    Post,
    PostSummary,
    PreviousCapture,
    SeriesRef,
)

PostOrder = Literal[
    "published",
    "oldest",
    "title",
    "title_desc",
    "series",
    "author",
    "author_desc",
    "comments",
    "fewest_comments",
    "captured",
    "captured_oldest",
]

_LIST_HINT = "Run `threadbook list` to see what is there."


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """A series as the archive knows it: its name, the blog it belongs to, and how many posts it has."""

    name: str
    blog_id: int
    post_count: int


def previous_capture(db: Database, url: str) -> PreviousCapture | None:
    """The newest successful capture of `url` (as requested or after redirects) that kept its body."""
    row = db.execute(
        """
        SELECT c.url, c.etag, c.last_modified, c.sha256, b.body, b.compression, c.fetched_at
        FROM captures AS c JOIN capture_bodies AS b ON b.id = c.body_id
        WHERE c.id IN (SELECT id FROM captures WHERE url = ? UNION SELECT id FROM captures WHERE final_url = ?)
          AND c.status BETWEEN 200 AND 299
          AND (c.etag IS NOT NULL OR c.last_modified IS NOT NULL OR c.sha256 != '')
        ORDER BY c.fetched_at DESC, c.id DESC
        LIMIT 1
        """,
        [url, url],
    ).fetchone()
    if row is None:
        return None
    return PreviousCapture(
        url=row[0],
        etag=row[1],
        last_modified=row[2],
        content_sha256=row[3],
        body=decompress_body(row[4], row[5]),
        fetched_at=parse_iso(row[6]),
    )


def list_blogs(db: Database) -> list[BlogSummary]:
    rows = db.query(
        """
        SELECT b.id, b.url, b.title, b.platform, b.last_crawled_at,
            (SELECT count(*) FROM posts AS p WHERE p.blog_id = b.id) AS post_count,
            (SELECT count(*) FROM comments AS c JOIN posts AS p ON p.id = c.post_id
             WHERE p.blog_id = b.id AND c.removed_at IS NULL) AS comment_count
        FROM blogs AS b ORDER BY b.title COLLATE NOCASE, b.id
        """
    )
    return [
        BlogSummary(
            id=row["id"],
            url=row["url"],
            title=row["title"],
            platform=row["platform"],
            post_count=row["post_count"],
            comment_count=row["comment_count"],
            last_crawled_at=parse_iso(row["last_crawled_at"]),
        )
        for row in rows
    ]


_ORDER_BY: dict[str, str] = {
    # Each ends in p.id so pages never overlap or skip rows when dates tie.
    "published": "p.published_utc DESC, p.id DESC",
    "oldest": "p.published_utc ASC, p.id ASC",
    "title": "p.title COLLATE NOCASE ASC, p.id ASC",
    "series": "sp.number IS NULL, sp.number ASC, p.published_utc ASC, p.id ASC",
    "title_desc": "p.title COLLATE NOCASE DESC, p.id DESC",
    "author": "p.author COLLATE NOCASE ASC, p.id ASC",
    "author_desc": "p.author COLLATE NOCASE DESC, p.id DESC",
    "comments": "comment_count DESC, p.id DESC",
    "fewest_comments": "comment_count ASC, p.id ASC",
    "captured": "p.captured_at DESC, p.id DESC",
    "captured_oldest": "p.captured_at ASC, p.id ASC",
}


def list_posts(
    db: Database,
    *,
    blog_id: int | None = None,
    series: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: PostOrder = "published",
    category: str | None = None,
    tag: str | None = None,
    missing_comments: bool = False,
) -> list[PostSummary]:
    """One page of post summaries. `order`: "published" (newest first), "oldest", "title", or "series"
    (part number, then date), "author", "comments" (most first), "captured" (newest first) and their reverses
    ("title_desc", "author_desc", "fewest_comments", "captured_oldest"). `category` and `tag` filter by name;
    `missing_comments` keeps the posts whose thread a comment system holds and could not be read.
    Comment counts leave out comments removed upstream."""
    if order not in _ORDER_BY:
        raise ValueError(f"unknown post order {order!r}")
    where, params = _post_filters(
        blog_id=blog_id, series=series, category=category, tag=tag, missing_comments=missing_comments
    )
    where_sql = "WHERE " + " AND ".join(where) if where else ""
    params += [-1 if limit is None else limit, offset]
    columns = """p.id, p.blog_id, p.url, p.title, p.author, p.published_at, p.captured_at, s.name, sp.number,
            (SELECT count(*) FROM comments AS c WHERE c.post_id = p.id AND c.removed_at IS NULL) AS comment_count"""
    if series is None and order in _POSTS_ONLY_ORDERS:
        # The page's ids first, from the posts index alone; then the joins and comment counts for those rows only.
        # In one query SQLite joins (and counts) every row it skips for the OFFSET: page 50 of a blog took ~20x
        # as long as page 1.
        sql = f"""
            SELECT {columns}
            FROM (SELECT p.id FROM posts AS p {where_sql} ORDER BY {_ORDER_BY[order]} LIMIT ? OFFSET ?) AS page
            JOIN posts AS p ON p.id = page.id
            LEFT JOIN series_posts AS sp ON sp.post_id = p.id
            LEFT JOIN series AS s ON s.id = sp.series_id
            ORDER BY {_ORDER_BY[order]}
        """
    else:
        sql = f"""
            SELECT {columns}
            FROM posts AS p
            {"JOIN" if series is not None else "LEFT JOIN"} series_posts AS sp ON sp.post_id = p.id
            LEFT JOIN series AS s ON s.id = sp.series_id
            {where_sql}
            ORDER BY {_ORDER_BY[order]}
            LIMIT ? OFFSET ?
        """
    parse = datetime.fromisoformat
    return [
        PostSummary(
            post_id,
            blog_id_,
            url,
            title,
            author,
            None if published_at is None else parse(published_at),
            comment_count,
            None if captured_at is None else parse(captured_at),
            None if series_name is None else SeriesRef(series_name, series_number),
        )
        for (
            post_id,
            blog_id_,
            url,
            title,
            author,
            published_at,
            captured_at,
            series_name,
            series_number,
            comment_count,
        ) in db.conn.execute(sql, params)
    ]


# Orders on columns of `posts` alone: their pages can be picked from an index before anything is joined.
_POSTS_ONLY_ORDERS = frozenset(
    ["published", "oldest", "title", "title_desc", "author", "author_desc", "captured", "captured_oldest"]
)


def _post_filters(
    *, blog_id: int | None, series: str | None, category: str | None, tag: str | None, missing_comments: bool = False
) -> tuple[list[str], list[Any]]:
    """WHERE terms over `posts AS p` (and `series AS s` when `series` is set) with their parameters."""
    where: list[str] = []
    params: list[Any] = []
    if missing_comments:
        where.append(MISSING_FILTER)
    if blog_id is not None:
        where.append("p.blog_id = ?")
        params.append(blog_id)
    if series is not None:
        where.append("s.name = ?")
        params.append(series)
    if category is not None:
        where.append(
            "p.id IN (SELECT pc.post_id FROM post_categories AS pc JOIN categories AS c ON c.id = pc.category_id"
            " WHERE c.name = ?)"
        )
        params.append(category)
    if tag is not None:
        where.append(
            "p.id IN (SELECT pt.post_id FROM post_tags AS pt JOIN tags AS t ON t.id = pt.tag_id WHERE t.name = ?)"
        )
        params.append(tag)
    return where, params


def count_posts(
    db: Database,
    *,
    blog_id: int | None = None,
    series: str | None = None,
    category: str | None = None,
    tag: str | None = None,
    missing_comments: bool = False,
) -> int:
    """How many posts `list_posts` would list with the same filters."""
    if series is None and category is None and tag is None and not missing_comments:
        if blog_id is None:
            row = db.execute("SELECT count(*) FROM posts").fetchone()
        else:
            row = db.execute("SELECT count(*) FROM posts WHERE blog_id = ?", [blog_id]).fetchone()
        return int(row[0])
    where, params = _post_filters(
        blog_id=blog_id, series=series, category=category, tag=tag, missing_comments=missing_comments
    )
    joins = (
        "JOIN series_posts AS sp ON sp.post_id = p.id JOIN series AS s ON s.id = sp.series_id"
        if series is not None
        else ""
    )
    row = db.execute(f"SELECT count(*) FROM posts AS p {joins} WHERE {' AND '.join(where)}", params).fetchone()
    return int(row[0])


def find_post(db: Database, ref: str) -> int:
    """A post's id from a row id ("42") or its URL; a trailing slash does not matter."""
    ref = ref.strip()
    if ref.isdigit():
        row = db.execute("SELECT id FROM posts WHERE id = ?", [int(ref)]).fetchone()
    else:
        bare = ref.rstrip("/")
        row = db.execute(
            "SELECT id FROM posts WHERE url IN (?, ?, ?) ORDER BY url = ? DESC LIMIT 1",
            [ref, bare, bare + "/", ref],
        ).fetchone()
    if row is None:
        raise NotFound(f"No post {ref!r} in the archive. {_LIST_HINT}")
    return int(row[0])


def load_post(db: Database, post_id: int, *, with_asset_data: bool = False) -> Post:
    """The whole post: thread in display order (removed comments included, with `removed_at` set),
    tags, categories, series, images (with their bytes if asked) and captures (without bodies)."""
    row = db.execute(
        """
        SELECT p.url, p.title, p.author, p.published_at, p.updated_at, p.body_md, p.source_id,
               p.comment_count_expected, p.language, p.protected, p.captured_at, s.name, sp.number
        FROM posts AS p
        LEFT JOIN series_posts AS sp ON sp.post_id = p.id
        LEFT JOIN series AS s ON s.id = sp.series_id
        WHERE p.id = ?
        """,
        [post_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"No post with id {post_id} in the archive. {_LIST_HINT}")
    return Post(
        id=post_id,
        url=row[0],
        title=row[1],
        author=row[2],
        published_at=parse_iso(row[3]),
        updated_at=parse_iso(row[4]),
        body_md=row[5],
        source_id=row[6],
        comment_count_expected=row[7],
        language=row[8],
        protected=bool(row[9]),
        captured_at=parse_iso(row[10]),
        series=None if row[11] is None else SeriesRef(name=row[11], number=row[12]),
        categories=_names(db, post_id, "categories", "post_categories", "category_id"),
        tags=_names(db, post_id, "tags", "post_tags", "tag_id"),
        comments=_comments(db, post_id),
        images=_images(db, post_id, with_data=with_asset_data),
        captures=_captures(db, post_id),
        comment_system=load_comment_system(db, post_id),
    )


def _names(db: Database, post_id: int, table: str, link_table: str, link_column: str) -> tuple[str, ...]:
    rows = db.execute(
        f"""SELECT n.name FROM {link_table} AS l JOIN {table} AS n ON n.id = l.{link_column}
            WHERE l.post_id = ? ORDER BY l.position""",
        [post_id],
    ).fetchall()
    return tuple(row[0] for row in rows)


def _comments(db: Database, post_id: int) -> tuple[Comment, ...]:
    # Plain tuples and positional arguments: a 1,000-comment thread loads in about half the time that dict rows
    # and keyword arguments take (bench/storage.py).
    parse = datetime.fromisoformat
    return tuple(
        Comment(
            source_id,
            parent_source_id,
            position,
            depth,
            author,
            author_url,
            None if published_at is None else parse(published_at),
            kind,
            body_md,
            None if removed_at is None else parse(removed_at),
        )
        for (
            source_id,
            parent_source_id,
            position,
            depth,
            author,
            author_url,
            published_at,
            kind,
            body_md,
            removed_at,
        ) in db.conn.execute(
            """SELECT source_id, parent_source_id, position, depth, author, author_url, published_at,
                      kind, body_md, removed_at
               FROM comments WHERE post_id = ? ORDER BY thread_order, id""",
            [post_id],
        )
    )


def _images(db: Database, post_id: int, *, with_data: bool) -> tuple[Asset, ...]:
    data_column = "a.data" if with_data else "NULL"
    return tuple(
        Asset(
            source_url=row["source_url"],
            sha256=row["sha256"] or "",
            media_type=row["media_type"] or "",
            size=row["size"] or 0,
            data=row["data"] or b"",
            alt=row["alt"],
        )
        for row in db.query(
            f"""SELECT pa.source_url, pa.alt, a.sha256, a.media_type, a.size, {data_column} AS data
                FROM post_assets AS pa LEFT JOIN assets AS a ON a.id = pa.asset_id
                WHERE pa.post_id = ? ORDER BY pa.position""",
            [post_id],
        )
    )


def _captures(db: Database, post_id: int) -> tuple[Capture, ...]:
    return tuple(
        Capture(
            url=row["url"],
            final_url=row["final_url"],
            status=row["status"],
            fetched_at=_required_datetime(row["fetched_at"]),
            content_sha256=row["sha256"],
            media_type=row["media_type"],
            headers=parse_headers(row["headers"]),
            etag=row["etag"],
            last_modified=row["last_modified"],
            tool_version=row["tool_version"],
        )
        for row in db.query(
            """SELECT url, final_url, status, fetched_at, sha256, media_type, headers, etag, last_modified,
                      tool_version
               FROM captures WHERE post_id = ? ORDER BY fetched_at, id""",
            [post_id],
        )
    )


def _required_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def load_blog(db: Database, blog_id: int, *, with_posts: bool = False) -> Blog:
    row = db.execute("SELECT url, title, platform, description, language FROM blogs WHERE id = ?", [blog_id]).fetchone()
    if row is None:
        raise NotFound(f"No blog with id {blog_id} in the archive. {_LIST_HINT}")
    posts: tuple[Post, ...] = ()
    if with_posts:
        ids = [
            r[0]
            for r in db.execute(
                "SELECT id FROM posts WHERE blog_id = ? ORDER BY published_utc, id", [blog_id]
            ).fetchall()
        ]
        posts = tuple(load_post(db, post_id) for post_id in ids)
    return Blog(
        id=blog_id,
        url=row[0],
        title=row[1],
        platform=row[2],
        description=row[3],
        language=row[4],
        posts=posts,
    )


def list_series(db: Database) -> list[SeriesSummary]:
    rows = db.query(
        """
        SELECT s.name, s.blog_id, count(sp.post_id) AS post_count
        FROM series AS s JOIN series_posts AS sp ON sp.series_id = s.id
        GROUP BY s.id ORDER BY s.name COLLATE NOCASE, s.blog_id
        """
    )
    return [SeriesSummary(name=r["name"], blog_id=r["blog_id"], post_count=r["post_count"]) for r in rows]


def series_name(db: Database, name: str) -> str:
    """The archive's spelling of the series the user named: exact match first, else ignoring case.

    Raises `NotFound` listing the known series."""
    wanted = name.strip()
    known = list(dict.fromkeys(summary.name for summary in list_series(db)))  # a short list: one per series
    if wanted in known:
        return wanted
    folded = [candidate for candidate in known if candidate.casefold() == wanted.casefold()]
    if folded:
        return folded[0]
    listing = ", ".join(repr(n) for n in known) if known else "none yet"
    raise NotFound(
        f"No series called {name!r} in the archive. Known series: {listing}. "
        "Check the spelling, or archive the blog that has it."
    )


def load_series_posts(db: Database, name: str, *, with_asset_data: bool = False) -> list[Post]:
    """The posts of the series called `name` (in every blog that has one), by part number, then date.

    `name` is matched as `series_name()` does; raises `NotFound` listing the known series."""
    name = series_name(db, name)
    ids = [
        r[0]
        for r in db.execute(
            """
            SELECT p.id FROM series AS s
            JOIN series_posts AS sp ON sp.series_id = s.id
            JOIN posts AS p ON p.id = sp.post_id
            WHERE s.name = ?
            ORDER BY sp.number IS NULL, sp.number, p.published_utc, p.id
            """,
            [name],
        ).fetchall()
    ]
    return [load_post(db, post_id, with_asset_data=with_asset_data) for post_id in ids]


def get_asset(db: Database, sha256: str) -> Asset | None:
    row = db.execute(
        "SELECT sha256, media_type, size, data, first_source_url FROM assets WHERE sha256 = ?", [sha256]
    ).fetchone()
    if row is None:
        return None
    return Asset(source_url=row[4], sha256=row[0], media_type=row[1], size=row[2], data=row[3])


def asset_for_url(db: Database, url: str) -> Asset | None:
    """The archived image (with its data) last linked from `url`, so the crawler need not fetch it again."""
    row = db.execute(
        """
        SELECT a.sha256, a.media_type, a.size, a.data, pa.alt FROM post_assets AS pa
        JOIN assets AS a ON a.id = pa.asset_id
        WHERE pa.source_url = ? ORDER BY pa.id DESC LIMIT 1
        """,
        [url],
    ).fetchone()
    if row is None:
        return None
    return Asset(source_url=url, sha256=row[0], media_type=row[1], size=row[2], data=row[3], alt=row[4])


# -- for the desktop library tree, provenance view and watching

TermKind = Literal["series", "category", "tag", "missing_comments"]
MISSING_COMMENTS_TERM = "Comments not captured"  # the one "missing_comments" term's name


@dataclass(frozen=True, slots=True)
class TermCount:
    """A series, category or tag of one blog, with how many of that blog's posts carry it; and kind
    "missing_comments" (named `MISSING_COMMENTS_TERM`): the blog's posts whose thread could not be read."""

    kind: TermKind
    name: str
    blog_id: int
    post_count: int


def list_terms(db: Database, *, blog_id: int | None = None) -> list[TermCount]:
    """Every series, category and tag per blog with its post count, sorted by kind, then name (case folded);
    last, per blog that has any, the count of posts whose comment thread could not be read."""
    blog_filter = "WHERE p.blog_id = ?" if blog_id is not None else ""
    params: list[Any] = [] if blog_id is None else [blog_id]
    sql = f"""
        SELECT 'series' AS kind, s.name AS name, p.blog_id AS blog_id, count(*) AS post_count
        FROM series_posts AS sp JOIN series AS s ON s.id = sp.series_id JOIN posts AS p ON p.id = sp.post_id
        {blog_filter} GROUP BY p.blog_id, s.name
        UNION ALL
        SELECT 'category', c.name, p.blog_id, count(*)
        FROM post_categories AS pc JOIN categories AS c ON c.id = pc.category_id JOIN posts AS p ON p.id = pc.post_id
        {blog_filter} GROUP BY p.blog_id, c.name
        UNION ALL
        SELECT 'tag', t.name, p.blog_id, count(*)
        FROM post_tags AS pt JOIN tags AS t ON t.id = pt.tag_id JOIN posts AS p ON p.id = pt.post_id
        {blog_filter} GROUP BY p.blog_id, t.name
        UNION ALL
        SELECT 'missing_comments', ?, p.blog_id, count(*)
        FROM post_comment_systems AS cs CROSS JOIN posts AS p ON p.id = cs.post_id
        WHERE cs.origin = 'none'{"" if blog_id is None else " AND p.blog_id = ?"} GROUP BY p.blog_id
    """
    rank = {"series": 0, "category": 1, "tag": 2, "missing_comments": 3}
    terms = [
        TermCount(kind=row["kind"], name=row["name"], blog_id=row["blog_id"], post_count=row["post_count"])
        for row in db.query(sql, params * 3 + [MISSING_COMMENTS_TERM, *params])
    ]
    terms.sort(key=lambda term: (rank[term.kind], term.name.casefold(), term.blog_id))
    return terms


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """One stored fetch of a post's pages, for the provenance view (no body: see `capture_body`)."""

    id: int
    url: str
    final_url: str
    status: int
    fetched_at: datetime
    content_sha256: str
    media_type: str
    size: int | None  # bytes of the stored body, None when no body was kept (e.g. a 304)
    tool_version: str


def list_post_captures(db: Database, post_id: int) -> list[CaptureInfo]:
    """Every capture of a post (its page and comment pages), oldest first."""
    return [
        CaptureInfo(
            id=row["id"],
            url=row["url"],
            final_url=row["final_url"],
            status=row["status"],
            fetched_at=_required_datetime(row["fetched_at"]),
            content_sha256=row["sha256"],
            media_type=row["media_type"],
            size=row["size"],
            tool_version=row["tool_version"],
        )
        for row in db.query(
            """SELECT c.id, c.url, c.final_url, c.status, c.fetched_at, c.sha256, c.media_type, c.tool_version,
                      b.size AS size
               FROM captures AS c LEFT JOIN capture_bodies AS b ON b.id = c.body_id
               WHERE c.post_id = ? ORDER BY c.fetched_at, c.id""",
            [post_id],
        )
    ]


def capture_body(db: Database, capture_id: int) -> bytes:
    """The raw body of one capture as it was received (b"" when none was kept); raises `NotFound`."""
    row = db.execute(
        """SELECT b.body, b.compression FROM captures AS c LEFT JOIN capture_bodies AS b ON b.id = c.body_id
           WHERE c.id = ?""",
        [capture_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"No capture with id {capture_id} in the archive.")
    return b"" if row[0] is None else decompress_body(row[0], row[1])


@dataclass(frozen=True, slots=True)
class WatchedBlog:
    """A blog and its watch settings: watched blogs are re-captured every `interval_hours`."""

    id: int
    url: str
    title: str
    watched: bool
    interval_hours: float
    last_crawled_at: datetime | None


def list_watch_settings(db: Database) -> list[WatchedBlog]:
    return [
        WatchedBlog(
            id=row["id"],
            url=row["url"],
            title=row["title"],
            watched=bool(row["watched"]),
            interval_hours=float(row["watch_interval_hours"]),
            last_crawled_at=parse_iso(row["last_crawled_at"]),
        )
        for row in db.query(
            "SELECT id, url, title, watched, watch_interval_hours, last_crawled_at FROM blogs ORDER BY id"
        )
    ]
