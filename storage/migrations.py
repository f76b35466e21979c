"""The archive schema: one append-only set of migrations, and the check that refuses newer schemas.

Rules (see docs/archive-schema.md): a migration that has been merged is never edited; every change is a new
function appended at the end. Tables are created here and only here (no implicit `alter=True` inserts).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "threadbook"
MIGRATIONS_TABLE = Migrations.migrations_table  # "_sqlite_migrations"

MIGRATIONS = Migrations(MIGRATION_SET)
KNOWN_MIGRATIONS: list[str] = []  # names in the order they are applied

MigrationFunction = Callable[[Database], None]


def _migration(fn: MigrationFunction) -> MigrationFunction:
    """Register `fn` in the set and remember its name, so an unknown applied name means "newer schema"."""
    KNOWN_MIGRATIONS.append(fn.__name__)
    return MIGRATIONS()(fn)


def _execute_all(db: Database, statements: list[str]) -> None:
    for statement in statements:
        db.execute(statement)


@_migration
def m001_core_tables(db: Database) -> None:
    # Raw DDL rather than Table.create(): it is the only way to get CHECK constraints, NOT NULL with
    # defaults and composite UNIQUE constraints into the table definition itself.
    _execute_all(
        db,
        [
            """
            CREATE TABLE blogs (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL DEFAULT '',
                platform TEXT NOT NULL DEFAULT 'generic',
                description TEXT NOT NULL DEFAULT '',
                language TEXT,
                added_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                last_crawled_at TEXT
            )
            """,
            """
            CREATE TABLE posts (
                id INTEGER PRIMARY KEY,
                blog_id INTEGER NOT NULL REFERENCES blogs(id),
                url TEXT NOT NULL UNIQUE,
                source_id TEXT,
                title TEXT NOT NULL DEFAULT '',
                author TEXT,
                published_at TEXT,
                published_utc TEXT,
                updated_at TEXT,
                body_md TEXT NOT NULL DEFAULT '',
                language TEXT,
                protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
                comment_count_expected INTEGER,
                first_captured_at TEXT NOT NULL,
                captured_at TEXT NOT NULL,
                changed_at TEXT NOT NULL,
                content_sha256 TEXT NOT NULL
            )
            """,
            "CREATE INDEX idx_posts_blog_id_published_utc ON posts (blog_id, published_utc)",
            "CREATE INDEX idx_posts_published_utc ON posts (published_utc)",
            """
            CREATE TABLE comments (
                id INTEGER PRIMARY KEY,
                post_id INTEGER NOT NULL REFERENCES posts(id),
                source_id TEXT NOT NULL,
                parent_id INTEGER REFERENCES comments(id),
                parent_source_id TEXT,
                position INTEGER NOT NULL DEFAULT 0,
                depth INTEGER NOT NULL DEFAULT 0,
                thread_order INTEGER NOT NULL DEFAULT 0,
                author TEXT NOT NULL DEFAULT '',
                author_url TEXT,
                published_at TEXT,
                published_utc TEXT,
                kind TEXT NOT NULL DEFAULT 'comment' CHECK (kind IN ('comment', 'pingback', 'trackback')),
                body_md TEXT NOT NULL DEFAULT '',
                first_seen_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                removed_at TEXT,
                UNIQUE (post_id, source_id)
            )
            """,
            # (post_id, source_id) is covered by the UNIQUE constraint's index; this one makes
            # "non-removed comments of a post" (post lists, counts) an index-only lookup.
            "CREATE INDEX idx_comments_post_id_removed_at ON comments (post_id, removed_at)",
            "CREATE INDEX idx_comments_parent_id ON comments (parent_id)",
            """
            CREATE TABLE capture_bodies (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL UNIQUE,
                compression TEXT NOT NULL DEFAULT 'zlib' CHECK (compression IN ('zlib')),
                size INTEGER NOT NULL,
                body BLOB NOT NULL
            )
            """,
            """
            CREATE TABLE captures (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL,
                final_url TEXT NOT NULL,
                status INTEGER NOT NULL,
                fetched_at TEXT NOT NULL,
                sha256 TEXT NOT NULL DEFAULT '',
                media_type TEXT NOT NULL DEFAULT '',
                headers TEXT NOT NULL DEFAULT '[]',
                etag TEXT,
                last_modified TEXT,
                tool_version TEXT NOT NULL DEFAULT '',
                body_id INTEGER REFERENCES capture_bodies(id),
                blog_id INTEGER REFERENCES blogs(id),
                post_id INTEGER REFERENCES posts(id)
            )
            """,
            # One fetch of a URL at one instant: saving the same capture record twice stores it once.
            "CREATE UNIQUE INDEX idx_captures_url_fetched_at ON captures (url, fetched_at)",
            "CREATE INDEX idx_captures_final_url_fetched_at ON captures (final_url, fetched_at)",
            "CREATE INDEX idx_captures_body_id ON captures (body_id)",
            "CREATE INDEX idx_captures_blog_id ON captures (blog_id)",
            "CREATE INDEX idx_captures_post_id ON captures (post_id)",
            """
            CREATE TABLE assets (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL UNIQUE,
                media_type TEXT NOT NULL DEFAULT '',
                size INTEGER NOT NULL,
                data BLOB NOT NULL,
                first_source_url TEXT NOT NULL DEFAULT '',
                first_seen_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE post_assets (
                id INTEGER PRIMARY KEY,
                post_id INTEGER NOT NULL REFERENCES posts(id),
                asset_id INTEGER REFERENCES assets(id),
                source_url TEXT NOT NULL,
                alt TEXT NOT NULL DEFAULT '',
                position INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX idx_post_assets_post_id ON post_assets (post_id)",
            "CREATE INDEX idx_post_assets_asset_id ON post_assets (asset_id)",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            "CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            """
            CREATE TABLE post_tags (
                post_id INTEGER NOT NULL REFERENCES posts(id),
                tag_id INTEGER NOT NULL REFERENCES tags(id),
                position INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (post_id, tag_id)
            )
            """,
            "CREATE INDEX idx_post_tags_tag_id ON post_tags (tag_id)",
            """
            CREATE TABLE post_categories (
                post_id INTEGER NOT NULL REFERENCES posts(id),
                category_id INTEGER NOT NULL REFERENCES categories(id),
                position INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (post_id, category_id)
            )
            """,
            "CREATE INDEX idx_post_categories_category_id ON post_categories (category_id)",
            """
            CREATE TABLE series (
                id INTEGER PRIMARY KEY,
                blog_id INTEGER NOT NULL REFERENCES blogs(id),
                name TEXT NOT NULL,
                UNIQUE (blog_id, name)
            )
            """,
            "CREATE INDEX idx_series_name ON series (name)",
            """
            CREATE TABLE series_posts (
                series_id INTEGER NOT NULL REFERENCES series(id),
                post_id INTEGER NOT NULL UNIQUE REFERENCES posts(id),
                number INTEGER,
                PRIMARY KEY (series_id, post_id)
            )
            """,
        ],
    )


def _fts_statements_m002(table: str, fts: str, columns: list[str], tokenize: str, when: str | None) -> list[str]:
    """An external-content FTS5 index on `table` and the triggers that keep it in step (as of m002/m003).

    FROZEN: m002 and m003 ran this; changing it would change what they did. Its update triggers are wrong
    (separate delete and insert triggers, which SQLite may run insert-first); m004 replaces them.

    sqlite-utils' `enable_fts(create_triggers=True)` re-indexes a row on *any* update; saving a post touches
    `last_seen_at` of every comment on every run, so our update trigger fires only when an indexed column
    changes (`UPDATE OF ...`). `when` optionally restricts the index to some rows (used for CJK text).
    Trigger names follow sqlite-utils' convention (`<table>_ai/_ad/_au`) so its `disable_fts()` still works.
    """
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    suffix = "" if when is None else "_cjk"
    new_when = "" if when is None else f" WHEN {when.format(row='new')}"
    old_when = "" if when is None else f" WHEN {when.format(row='old')}"
    insert_new = f'INSERT INTO "{fts}" (rowid, {cols}) VALUES (new.rowid, {new});'
    delete_old = f'INSERT INTO "{fts}" ("{fts}", rowid, {cols}) VALUES (\'delete\', old.rowid, {old});'
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING FTS5 ({cols}, tokenize=\'{tokenize}\', content="{table}")',
        f'INSERT INTO "{fts}" (rowid, {cols}) SELECT rowid, {cols} FROM "{table}"'
        + ("" if when is None else f" AS new WHERE {when.format(row='new')}"),
        f'CREATE TRIGGER "{table}{suffix}_ai" AFTER INSERT ON "{table}"{new_when} BEGIN {insert_new} END',
        f'CREATE TRIGGER "{table}{suffix}_ad" AFTER DELETE ON "{table}"{old_when} BEGIN {delete_old} END',
        # Two update triggers when filtered: the old row may have been indexed and the new one not, or the reverse.
        f'CREATE TRIGGER "{table}{suffix}_au" AFTER UPDATE OF {cols} ON "{table}"{old_when} BEGIN {delete_old} END',
        f'CREATE TRIGGER "{table}{suffix}_au2" AFTER UPDATE OF {cols} ON "{table}"{new_when} BEGIN {insert_new} END',
    ]


@_migration
def m002_full_text_search(db: Database) -> None:
    # unicode61 with remove_diacritics 2 folds case and Latin diacritics: "zurich" finds "Zürich".
    tokenize = "unicode61 remove_diacritics 2"
    _execute_all(db, _fts_statements_m002("posts", "posts_fts", ["title", "body_md", "author"], tokenize, None))
    _execute_all(db, _fts_statements_m002("comments", "comments_fts", ["author", "body_md"], tokenize, None))


# Hiragana, Katakana, CJK Extension A, CJK Unified Ideographs, Hangul syllables, CJK compatibility ideographs.
CJK_CLASS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"


@_migration
def m003_cjk_search(db: Database) -> None:
    # unicode61 keeps a run of CJK characters (no spaces between words) as ONE token, so "中文" never finds
    # "我喜欢中文". A trigram index finds any substring of 3+ characters. It is large (about 3x the text),
    # so it only holds rows that contain CJK characters at all.
    def has_cjk(columns: list[str]) -> str:
        return " OR ".join(f"{{row}}.{c} GLOB '*{CJK_CLASS}*'" for c in columns)

    post_cols, comment_cols = ["title", "body_md", "author"], ["author", "body_md"]
    _execute_all(db, _fts_statements_m002("posts", "posts_cjk_fts", post_cols, "trigram", has_cjk(post_cols)))
    _execute_all(
        db, _fts_statements_m002("comments", "comments_cjk_fts", comment_cols, "trigram", has_cjk(comment_cols))
    )


def _has_cjk(columns: list[str]) -> str:
    """An SQL condition: does any of these columns of `{row}` contain a CJK character?"""
    return " OR ".join(f"{{row}}.{c} GLOB '*{CJK_CLASS}*'" for c in columns)


def _fts_triggers(table: str, fts: str, columns: list[str], when: str | None) -> list[str]:
    """Fill an (empty) external-content FTS5 index from `table`, and the triggers that keep it in step.

    sqlite-utils' `enable_fts(create_triggers=True)` re-indexes a row on *any* update; saving a post touches
    `last_seen_at` of every comment on every run, so our update trigger fires only when an indexed column
    changes (`UPDATE OF ...`). `when` optionally restricts the index to some rows (used for CJK text); it is
    a condition with `{row}` standing for `old` or `new`.
    Delete-then-insert must stay in ONE trigger: SQLite runs separate triggers newest first, and an FTS5
    'delete' that comes after the insert of the same rowid corrupts the index.
    Trigger names follow sqlite-utils' convention (`<table>_ai/_ad/_au`) so its `disable_fts()` still works.
    """
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    suffix = "" if when is None else "_cjk"
    new_where = "" if when is None else f" WHERE {when.format(row='new')}"
    old_where = "" if when is None else f" WHERE {when.format(row='old')}"
    insert_new = f'INSERT INTO "{fts}" (rowid, {cols}) SELECT new.rowid, {new}{new_where};'
    delete_old = f'INSERT INTO "{fts}" ("{fts}", rowid, {cols}) SELECT \'delete\', old.rowid, {old}{old_where};'
    return [
        f'INSERT INTO "{fts}" (rowid, {cols}) SELECT rowid, {cols} FROM "{table}" AS new{new_where}',
        f'CREATE TRIGGER "{table}{suffix}_ai" AFTER INSERT ON "{table}" BEGIN {insert_new} END',
        f'CREATE TRIGGER "{table}{suffix}_ad" AFTER DELETE ON "{table}" BEGIN {delete_old} END',
        f'CREATE TRIGGER "{table}{suffix}_au" AFTER UPDATE OF {cols} ON "{table}" BEGIN {delete_old} {insert_new} END',
    ]


@_migration
def m004_fts_update_triggers(db: Database) -> None:
    # m002/m003 split "delete old" and "insert new" into two update triggers; SQLite ran the insert first
    # and an edited post or comment corrupted the index. One trigger per table does both, in order. The
    # indexes are then emptied and refilled, which also repairs any archive the old triggers damaged.
    post_cols, comment_cols = ["title", "body_md", "author"], ["author", "body_md"]
    for table, fts, columns, when in (
        ("posts", "posts_fts", post_cols, None),
        ("comments", "comments_fts", comment_cols, None),
        ("posts", "posts_cjk_fts", post_cols, _has_cjk(post_cols)),
        ("comments", "comments_cjk_fts", comment_cols, _has_cjk(comment_cols)),
    ):
        suffix = "" if when is None else "_cjk"
        for kind in ("ai", "ad", "au", "au2"):
            db.execute(f'DROP TRIGGER IF EXISTS "{table}{suffix}_{kind}"')
        db.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'delete-all\')')
        _execute_all(db, _fts_triggers(table, fts, columns, when))


@_migration
def m005_post_title_indexes(db: Database) -> None:
    # Sorting 100k posts by title took ~230 ms without these; the GUI sorts on its own thread.
    _execute_all(
        db,
        [
            "CREATE INDEX idx_posts_title ON posts (title COLLATE NOCASE)",
            "CREATE INDEX idx_posts_blog_id_title ON posts (blog_id, title COLLATE NOCASE)",
        ],
    )


@_migration
def m006_post_assets_source_url_index(db: Database) -> None:
    # asset_for_url(): the crawler asks, per image URL, whether the archive already has it.
    db.execute("CREATE INDEX idx_post_assets_source_url ON post_assets (source_url)")


@_migration
def m007_blog_watch_and_post_list_orders(db: Database) -> None:
    # Watching: the GUI (and `threadbook update --watched`) re-captures a watched blog every N hours.
    # Post-list orders by author and by capture time are index scans, so a 100k-post list pages at once.
    _execute_all(
        db,
        [
            "ALTER TABLE blogs ADD COLUMN watched INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1))",
            "ALTER TABLE blogs ADD COLUMN watch_interval_hours REAL NOT NULL DEFAULT 24",
            "CREATE INDEX idx_posts_author ON posts (author COLLATE NOCASE)",
            "CREATE INDEX idx_posts_captured_at ON posts (captured_at)",
        ],
    )


@_migration
def m008_series_corrections_and_anthologies(db: Database) -> None:
    # Series: what detection said is kept apart from the editor's corrections, so a re-archive (which rewrites
    # the detection) never undoes a correction; series_posts holds the result of both (docs/anthologies.md).
    # Anthologies: the editor's book, with per-item comment choices and edited texts; the archived posts and
    # comments are never changed by an anthology.
    _execute_all(
        db,
        [
            """
            CREATE TABLE series_detections (
                post_id INTEGER PRIMARY KEY REFERENCES posts(id),
                name TEXT NOT NULL,
                number INTEGER
            )
            """,
            """
            INSERT INTO series_detections (post_id, name, number)
            SELECT sp.post_id, s.name, sp.number FROM series_posts AS sp JOIN series AS s ON s.id = sp.series_id
            """,
            """
            CREATE TABLE series_overrides (
                post_id INTEGER PRIMARY KEY REFERENCES posts(id),
                series_name TEXT,
                excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1)),
                number INTEGER,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE series_renames (
                id INTEGER PRIMARY KEY,
                blog_id INTEGER NOT NULL REFERENCES blogs(id),
                detected_name TEXT NOT NULL,
                name TEXT NOT NULL,
                UNIQUE (blog_id, detected_name)
            )
            """,
            "ALTER TABLE series_posts ADD COLUMN source TEXT NOT NULL DEFAULT 'detected' "
            "CHECK (source IN ('detected', 'manual'))",
            "CREATE INDEX idx_series_posts_series_id_number ON series_posts (series_id, number)",
            """
            CREATE TABLE anthologies (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                title TEXT NOT NULL DEFAULT '',
                subtitle TEXT NOT NULL DEFAULT '',
                editor TEXT NOT NULL DEFAULT '',
                introduction_md TEXT NOT NULL DEFAULT '',
                series_id INTEGER REFERENCES series(id),
                commenter_names TEXT NOT NULL DEFAULT 'names'
                    CHECK (commenter_names IN ('names', 'initials', 'reader')),
                omit_commenter_urls INTEGER NOT NULL DEFAULT 0 CHECK (omit_commenter_urls IN (0, 1)),
                new_item_comments TEXT NOT NULL DEFAULT 'all' CHECK (new_item_comments IN ('none', 'all', 'selected')),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX idx_anthologies_series_id ON anthologies (series_id)",
            """
            CREATE TABLE anthology_items (
                id INTEGER PRIMARY KEY,
                anthology_id INTEGER NOT NULL REFERENCES anthologies(id) ON DELETE CASCADE,
                post_id INTEGER NOT NULL REFERENCES posts(id),
                position INTEGER NOT NULL,
                section TEXT,
                note_md TEXT NOT NULL DEFAULT '',
                comment_mode TEXT NOT NULL DEFAULT 'all' CHECK (comment_mode IN ('none', 'all', 'selected')),
                UNIQUE (anthology_id, post_id)
            )
            """,
            "CREATE INDEX idx_anthology_items_anthology_id_position ON anthology_items (anthology_id, position)",
            "CREATE INDEX idx_anthology_items_post_id ON anthology_items (post_id)",
            """
            CREATE TABLE anthology_comment_choices (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES anthology_items(id) ON DELETE CASCADE,
                comment_id INTEGER NOT NULL REFERENCES comments(id),
                choice TEXT NOT NULL CHECK (choice IN ('include', 'exclude', 'replies')),
                excerpt_md TEXT,
                UNIQUE (item_id, comment_id)
            )
            """,
            "CREATE INDEX idx_anthology_comment_choices_comment_id ON anthology_comment_choices (comment_id)",
            """
            CREATE TABLE anthology_texts (
                item_id INTEGER PRIMARY KEY REFERENCES anthology_items(id) ON DELETE CASCADE,
                body_md TEXT NOT NULL,
                base_sha256 TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
        ],
    )


@_migration
def m009_comment_systems(db: Database) -> None:
    # Issue 9: the comment system a post's thread lives in (Disqus, Isso, giscus, ...), also when it could not be
    # read. A table of its own rather than columns on posts: most posts have none, a re-archive replaces or drops
    # the row without touching the posts row (whose updates fire the full-text triggers), and "threads not
    # captured" is one indexed lookup on origin.
    _execute_all(
        db,
        [
            """
            CREATE TABLE post_comment_systems (
                post_id INTEGER PRIMARY KEY REFERENCES posts(id),
                name TEXT NOT NULL,
                origin TEXT NOT NULL CHECK (origin IN ('page', 'api', 'rendered', 'import', 'none')),
                expected INTEGER,
                note TEXT NOT NULL DEFAULT '',
                details TEXT NOT NULL DEFAULT '[]',
                detected_at TEXT
            )
            """,
            "CREATE INDEX idx_post_comment_systems_origin ON post_comment_systems (origin)",
        ],
    )


# Every range of CJK_CLASS lies inside this one span: a text with no character in it has no CJK character.
CJK_SPAN = "[\u3040-\ufaff]"
FTS_AUTOMERGE = 8  # segments of one size that make FTS5 merge them (its default is 4)


def _has_cjk_m010(columns: list[str]) -> str:
    """As `_has_cjk`, with a one-range pre-check first (about 3x cheaper per character than the five-range class;
    the class is only tried on text with a character in the span). Same rows: the span holds every range."""
    return " OR ".join(f"({{row}}.{c} GLOB '*{CJK_SPAN}*' AND {{row}}.{c} GLOB '*{CJK_CLASS}*')" for c in columns)


@_migration
def m010_faster_fts_triggers(db: Database) -> None:
    # Saving speed (issue 10 item 4): the CJK triggers ran `INSERT INTO ..._cjk_fts SELECT ... WHERE <has CJK>` for
    # every saved row, so the trigram table was opened (and synced at commit) even when nothing went in, and the
    # five-range GLOB walked every character. Now the condition is the trigger's WHEN, with a one-range
    # pre-check: a row without CJK never touches the trigram index. The same rows are indexed, so no refill.
    # Delete-then-insert stays in one update trigger (see `_fts_triggers`).
    # Each save commits a small segment to the word indexes; FTS5 merges segments once `automerge` (default 4) of
    # one size exist. 8 merges about half as often (about 15 % less CPU per save at 5,000 posts) and leaves
    # searches as fast: they are dominated by ranking, not by the number of segments (bench/README.md).
    for fts in ("posts_fts", "comments_fts"):
        db.execute(f'INSERT INTO "{fts}" ("{fts}", rank) VALUES (\'automerge\', {FTS_AUTOMERGE})')
    for table, fts, columns in (
        ("posts", "posts_cjk_fts", ["title", "body_md", "author"]),
        ("comments", "comments_cjk_fts", ["author", "body_md"]),
    ):
        when = _has_cjk_m010(columns)
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        new_when, old_when = when.format(row="new"), when.format(row="old")
        insert_new = f'INSERT INTO "{fts}" (rowid, {cols}) VALUES (new.rowid, {new});'
        delete_old = f'INSERT INTO "{fts}" ("{fts}", rowid, {cols}) VALUES (\'delete\', old.rowid, {old});'
        for kind in ("ai", "ad", "au"):
            db.execute(f'DROP TRIGGER IF EXISTS "{table}_cjk_{kind}"')
        _execute_all(
            db,
            [
                f'CREATE TRIGGER "{table}_cjk_ai" AFTER INSERT ON "{table}" WHEN {new_when} BEGIN {insert_new} END',
                f'CREATE TRIGGER "{table}_cjk_ad" AFTER DELETE ON "{table}" WHEN {old_when} BEGIN {delete_old} END',
                f'CREATE TRIGGER "{table}_cjk_au" AFTER UPDATE OF {cols} ON "{table}" WHEN ({old_when}) OR ({new_when})'
                f' BEGIN INSERT INTO "{fts}" ("{fts}", rowid, {cols})'
                f" SELECT 'delete', old.rowid, {old} WHERE {old_when};"
                f' INSERT INTO "{fts}" (rowid, {cols}) SELECT new.rowid, {new} WHERE {new_when}; END',
            ],
        )
