"""Opening the archive (checks, pragmas, migrations) and the `Archive` object every caller goes through."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from storage import anthologies, comment_systems, queries, series, writes
from storage.anthology_build import build_anthology_record
from storage.comment_systems import MissingThread
from storage.errors import (
    ArchiveCorrupt,
    ArchiveLocked,
    ArchiveUnwritable,
    NotAnArchive,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from storage.migrations import KNOWN_MIGRATIONS, MIGRATION_SET, MIGRATIONS, MIGRATIONS_TABLE
from storage.queries import CaptureInfo, PostOrder, SeriesSummary, TermCount, WatchedBlog
from storage.records import (
    Anthology,
    AnthologySpec,
    AnthologySummary,
    Asset,
    Blog,
    BlogSummary,
    Capture,
    Comment,
    CommentChoiceKind,
    CommenterNames,
    CommentMode,
    Post,
    PostSummary,
    PreviousCapture,
    SearchHit,
    SeriesReport,
    ThreadOrigin,
)
from storage.search import SearchFilters, optimize_search_indexes
from storage.search import search as search_archive
from storage.transactions import write_transaction
from storage.writes import PostSaveResult

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT = 5.0  # seconds to wait for another writer before giving up with ArchiveLocked

_LOCKED = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_UNWRITABLE = {"SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM"}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _corrupt_message(path: Path, reason: str) -> str:
    return (
        f"{path} can't be opened as a Threadbook archive: {reason}. Nothing in the file was changed. "
        "Restore it from a backup, or choose another file."
    )


def _translate(exc: sqlite3.Error, path: Path) -> StorageError | None:
    """The user-facing error for an SQLite failure that is expected trouble, or None for a bug."""
    name = (getattr(exc, "sqlite_errorname", "") or "").split("_")
    base = "_".join(name[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    if base in _LOCKED:
        return ArchiveLocked(
            f"The archive {path} is busy: another Threadbook (or another program) is using it. "
            "Wait until it has finished, or close it, then try again."
        )
    if base in _CORRUPT:
        return ArchiveCorrupt(_corrupt_message(path, "the file is damaged or is not an SQLite database"))
    if base in _UNWRITABLE:
        return ArchiveUnwritable(
            f"Couldn't write to the archive {path} ({exc}). Check that the disk has free space and that "
            "you may write to that folder, or choose another place for the archive."
        )
    return None


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        error = _translate(exc, path)
        if error is None:
            raise
        raise error from exc


def open_archive(
    path: str | Path,
    *,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    now: Callable[[], datetime] = _utc_now,
) -> Archive:
    """Open (or create) the archive at `path`: the only way in.

    Refuses, without changing a byte of the file, anything that is not a Threadbook archive
    (`ArchiveCorrupt`, `NotAnArchive`) or was written by a newer Threadbook (`SchemaTooNew`). Otherwise turns
    on foreign keys and WAL and applies pending migrations in one transaction. `now` is the clock used for
    the archive's own timestamps (first seen, removed...), injectable for tests.
    """
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveUnwritable(
            f"Couldn't create the folder {path.parent} for the archive ({exc.strerror}). "
            "Choose another place for the archive."
        ) from exc
    _check_header(path)
    with _translated(path):
        db = Database(path, execute_plugins=False)
        try:
            # Nothing below writes until the schema has been checked: a refused file stays byte-identical.
            db.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            db.conn.execute("PRAGMA foreign_keys = ON")
            _check_schema(db, path)
            _enable_wal(db, busy_timeout)
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: the archive stays consistent after a
            # crash or power loss, but a power loss (not an app crash) may undo the last few commits (issue 10
            # item 4: saving speed; docs/archive-schema.md).
            db.conn.execute("PRAGMA synchronous = NORMAL")
            if MIGRATIONS.pending(db):
                _migrate(db, path)
        except BaseException:
            db.close()
            raise
    return Archive(db, path, now=now)


def _enable_wal(db: Database, busy_timeout: float) -> None:
    # Switching to WAL needs an exclusive lock, and SQLite answers BUSY at once instead of using the busy
    # timeout (seen with several threads opening a new archive together), so retry for as long ourselves.
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            db.conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_BUSY" or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _migrate(db: Database, path: Path) -> None:
    """Apply every pending migration in one transaction: all of them, or none."""
    # IMMEDIATE takes the write lock up front, so two Threadbooks opening a new archive at once queue up
    # instead of the second failing when its read snapshot turns out stale.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        _check_schema(db, path)  # again under the lock: another process may have migrated meanwhile
        MIGRATIONS.apply(db)  # its per-migration transactions nest as savepoints inside ours
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError as exc:
        raise ArchiveCorrupt(_corrupt_message(path, "it is a folder, not a file")) from exc
    except OSError as exc:
        raise ArchiveUnwritable(
            f"Couldn't read the archive {path} ({exc.strerror}). Check its permissions, or choose another file."
        ) from exc
    if header and header != SQLITE_HEADER:
        raise ArchiveCorrupt(_corrupt_message(path, "it is not an SQLite database"))


def _check_schema(db: Database, path: Path) -> None:
    tables = {row[0] for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return  # a new, empty file
    applied: list[str] = []
    if MIGRATIONS_TABLE in tables:
        applied = [
            row[0]
            for row in db.conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
            )
        ]
    if not applied:
        raise NotAnArchive(
            f"{path} is an SQLite database, but not a Threadbook archive. Nothing in it was changed. "
            "Choose another file, or a new file name to start a new archive."
        )
    unknown = [name for name in applied if name not in KNOWN_MIGRATIONS]
    if unknown:
        log.info("archive %s has migrations this build does not know: %s", path, unknown)
        raise SchemaTooNew(
            "This archive was written by a newer Threadbook. Update Threadbook, or open a different archive."
        )


class Archive:
    """An open archive. Records go in and come out; rows never leave storage/.

    One connection, used by the thread that opened it. Every method turns expected SQLite trouble into a
    `StorageError` subclass with a message for the user.
    """

    def __init__(self, db: Database, path: Path, *, now: Callable[[], datetime] = _utc_now) -> None:
        self._db = db
        self.path = path
        self._now = now

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # writes

    def save_blog(self, blog: Blog) -> int:
        """Insert or update the blog with this URL; returns its id."""
        with _translated(self.path):
            return writes.save_blog(self._db, blog, now=self._now())

    @contextmanager
    def batch(self) -> Iterator[Archive]:
        """One write transaction around many saves (imports): each `save_post` inside becomes a savepoint.

        Saving posts one transaction each pays a commit per post (and FTS5 writes an index segment per commit);
        a batch pays one. All of the batch is kept, or none of it if anything in it fails or the process dies.
        """
        with _translated(self.path), write_transaction(self._db):
            yield self

    def save_post(self, blog_id: int, post: Post, *, thread_complete: bool = True) -> PostSaveResult:
        """Insert or update one post with its whole thread, captures and images, in one transaction.

        Comments missing from `post.comments` get `removed_at` only when `thread_complete` is true (all
        comment pages were fetched); a comment that comes back is un-removed. Nothing is ever deleted.
        """
        with _translated(self.path):
            return writes.save_post(self._db, blog_id, post, thread_complete=thread_complete, now=self._now())

    def attach_comments(
        self, post_id: int, comments: tuple[Comment, ...], *, system: str | None = None
    ) -> PostSaveResult:
        """Add a thread kept outside the blog (Disqus; source ids namespaced, e.g. "disqus:123") to an archived
        post, after its own thread. Re-attaching updates; later crawls of the blog never mark these removed.
        The post's comment system then has origin "import" and no "missing" note; `system` ("disqus") names it
        for a post that had none recorded."""
        with _translated(self.path):
            return writes.attach_comments(self._db, post_id, comments, now=self._now(), system=system)

    def record_capture(self, capture: Capture, *, blog_id: int | None = None, post_id: int | None = None) -> int:
        """Store a fetch not tied to a saved post (home page, feed, sitemap); returns its id."""
        with _translated(self.path):
            return writes.record_capture(self._db, capture, blog_id=blog_id, post_id=post_id)

    def mark_crawled(self, blog_id: int, at: datetime) -> None:
        with _translated(self.path):
            writes.mark_crawled(self._db, blog_id, at)

    # reads

    def previous_capture(self, url: str) -> PreviousCapture | None:
        """The newest successful capture of `url` (requested or final URL) with its body, or None."""
        with _translated(self.path):
            return queries.previous_capture(self._db, url)

    def list_blogs(self) -> list[BlogSummary]:
        with _translated(self.path):
            return queries.list_blogs(self._db)

    def list_posts(
        self,
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
        """A page of post summaries; `order` is one of `queries.PostOrder` ("published": newest first);
        `missing_comments`: only posts whose comment thread could not be read (see `list_missing_threads`)."""
        with _translated(self.path):
            return queries.list_posts(
                self._db,
                blog_id=blog_id,
                series=series,
                offset=offset,
                limit=limit,
                order=order,
                category=category,
                tag=tag,
                missing_comments=missing_comments,
            )

    def count_posts(
        self,
        *,
        blog_id: int | None = None,
        series: str | None = None,
        category: str | None = None,
        tag: str | None = None,
        missing_comments: bool = False,
    ) -> int:
        with _translated(self.path):
            return queries.count_posts(
                self._db,
                blog_id=blog_id,
                series=series,
                category=category,
                tag=tag,
                missing_comments=missing_comments,
            )

    def thread_origins(self, *, blog_id: int) -> dict[str, ThreadOrigin]:
        """Post URL -> the origin of its stored thread, for the blog's posts that embed a comment system."""
        with _translated(self.path):
            return comment_systems.thread_origins(self._db, blog_id=blog_id)

    def list_missing_threads(self, *, blog_id: int | None = None) -> list[MissingThread]:
        """Posts whose comment thread lives in a comment system that could not be read (origin "none"), with the
        note saying what is missing; newest first."""
        with _translated(self.path):
            return comment_systems.list_missing_threads(self._db, blog_id=blog_id)

    def find_post(self, ref: str) -> int:
        """A post id from a row id or a URL; raises `NotFound`."""
        with _translated(self.path):
            return queries.find_post(self._db, ref)

    def load_post(self, post_id: int, *, with_asset_data: bool = False) -> Post:
        with _translated(self.path):
            return queries.load_post(self._db, post_id, with_asset_data=with_asset_data)

    def load_blog(self, blog_id: int, *, with_posts: bool = False) -> Blog:
        with _translated(self.path):
            return queries.load_blog(self._db, blog_id, with_posts=with_posts)

    def list_series(self) -> list[SeriesSummary]:
        with _translated(self.path):
            return queries.list_series(self._db)

    def load_series_posts(self, name: str, *, with_asset_data: bool = False) -> list[Post]:
        with _translated(self.path):
            return queries.load_series_posts(self._db, name, with_asset_data=with_asset_data)

    def series_name(self, name: str) -> str:
        """The archive's spelling of a series the user named (exact, else ignoring case); raises `NotFound`."""
        with _translated(self.path):
            return queries.series_name(self._db, name)

    def asset_for_url(self, url: str) -> Asset | None:
        """The archived image (with data) last seen at `url`, or None: the crawler's "already have it"."""
        with _translated(self.path):
            return queries.asset_for_url(self._db, url)

    def get_asset(self, sha256: str) -> Asset | None:
        with _translated(self.path):
            return queries.get_asset(self._db, sha256)

    def optimize_search(self) -> None:
        """Merge the full-text indexes into one segment each (after big imports: faster lookups, same results)."""
        with _translated(self.path):
            optimize_search_indexes(self._db)

    def search(self, query: str, *, limit: int = 50, filters: SearchFilters | None = None) -> list[SearchHit]:
        """Posts and comments matching every word of `query`, best first; any input is safe.
        `filters` narrows the hits (blog, series, tag, dates, has comments, author or commenter)."""
        with _translated(self.path):
            return search_archive(self._db, query, limit=limit, filters=filters)

    def list_terms(self, *, blog_id: int | None = None) -> list[TermCount]:
        """Series, categories and tags per blog with post counts (the library tree)."""
        with _translated(self.path):
            return queries.list_terms(self._db, blog_id=blog_id)

    def list_post_captures(self, post_id: int) -> list[CaptureInfo]:
        """Every stored fetch of a post's pages, oldest first (provenance)."""
        with _translated(self.path):
            return queries.list_post_captures(self._db, post_id)

    def capture_body(self, capture_id: int) -> bytes:
        """The raw body of one capture as received; raises `NotFound`."""
        with _translated(self.path):
            return queries.capture_body(self._db, capture_id)

    def list_watch_settings(self) -> list[WatchedBlog]:
        """Every blog with its watch flag and interval."""
        with _translated(self.path):
            return queries.list_watch_settings(self._db)

    def set_watch(self, blog_id: int, *, watched: bool, interval_hours: float = 24.0) -> None:
        """Mark a blog as watched (re-captured every `interval_hours` by the GUI or `threadbook update --watched`)."""
        if not interval_hours > 0:
            raise ValueError("interval_hours must be positive")
        with _translated(self.path), write_transaction(self._db):
            cursor = self._db.execute(
                "UPDATE blogs SET watched = ?, watch_interval_hours = ? WHERE id = ?",
                [int(watched), float(interval_hours), blog_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(f"No blog with id {blog_id} in the archive. Run `threadbook list` to see what is there.")

    # series: parts in order and the editor's corrections (storage/series.py)

    def series_reports(self, name: str, *, blog_id: int | None = None) -> list[SeriesReport]:
        """One report per blog with a series called `name` (exact, else ignoring case): parts in order, no gaps
        yet (`desktop.anthologies.series_report` adds them). Raises `NotFound` listing the known series."""
        with _translated(self.path):
            return series.load_series_reports(self._db, name, blog_id=blog_id)

    def rename_series(self, name: str, new_name: str, *, blog_id: int | None = None) -> str:
        """Show a series under another name, now and after every later update; returns the old stored name."""
        with _translated(self.path):
            return series.rename_series(self._db, name, new_name, blog_id=blog_id)

    def set_post_series(self, post_id: int, name: str | None) -> None:
        """Put a post in the series `name` of its blog by hand (None: take it out of any series)."""
        with _translated(self.path):
            series.set_post_series(self._db, post_id, name, now=self._now())

    def set_post_number(self, post_id: int, number: int | None) -> None:
        """Set a post's part number by hand (None: the detected number again)."""
        with _translated(self.path):
            series.set_post_number(self._db, post_id, number, now=self._now())

    def clear_series_correction(self, post_id: int) -> None:
        """Forget the hand corrections of one post's series membership."""
        with _translated(self.path):
            series.clear_post_override(self._db, post_id)

    # anthologies (storage/anthologies.py; docs/anthologies.md)

    def create_anthology(
        self,
        name: str,
        *,
        title: str = "",
        subtitle: str = "",
        editor: str = "",
        introduction_md: str = "",
        from_series: str | None = None,
        series_blog_id: int | None = None,
    ) -> AnthologySpec:
        """Create an anthology; `from_series` fills it with that series' parts in order (and lets a refresh append
        new parts later). Raises `InvalidAnthologyChange` for a taken name, `NotFound` for an unknown series."""
        with _translated(self.path), write_transaction(self._db):
            series_id = None
            if from_series is not None:
                found = series.find_series(self._db, from_series, blog_id=series_blog_id)
                series_id = found[0][0]
                title = title or found[0][2]
            anthologies.create_anthology(
                self._db,
                name,
                title=title,
                subtitle=subtitle,
                editor=editor,
                introduction_md=introduction_md,
                series_id=series_id,
                now=self._now(),
            )
            anthologies.refresh_from_series(self._db, name, now=self._now())
            return anthologies.load_spec(self._db, name)

    def refresh_anthology(self, name: str) -> list[int]:
        """Append the parts its series gained since (choices kept); returns the post ids appended."""
        with _translated(self.path):
            return anthologies.refresh_from_series(self._db, name, now=self._now())

    def update_anthology(
        self,
        name: str,
        *,
        title: str | None = None,
        subtitle: str | None = None,
        editor: str | None = None,
        introduction_md: str | None = None,
        commenter_names: CommenterNames | None = None,
        omit_commenter_urls: bool | None = None,
        new_item_comments: CommentMode | None = None,
    ) -> None:
        """Change front matter or privacy options; None leaves a value as it is."""
        with _translated(self.path):
            anthologies.update_anthology(
                self._db,
                name,
                title=title,
                subtitle=subtitle,
                editor=editor,
                introduction_md=introduction_md,
                commenter_names=commenter_names,
                omit_commenter_urls=omit_commenter_urls,
                new_item_comments=new_item_comments,
                now=self._now(),
            )

    def delete_anthology(self, name: str) -> None:
        with _translated(self.path):
            anthologies.delete_anthology(self._db, name)

    def list_anthologies(self) -> list[AnthologySummary]:
        with _translated(self.path):
            return anthologies.list_anthologies(self._db)

    def load_anthology_spec(self, name: str) -> AnthologySpec:
        """The stored anthology: front matter, options and entries with their choices (not applied)."""
        with _translated(self.path):
            return anthologies.load_spec(self._db, name)

    def add_anthology_item(
        self,
        name: str,
        post_id: int,
        *,
        position: int | None = None,
        section: str | None = None,
        note_md: str = "",
        comment_mode: CommentMode | None = None,
    ) -> int:
        """Add a post at `position` (0-based; None: last); returns its position."""
        with _translated(self.path):
            return anthologies.add_item(
                self._db,
                name,
                post_id,
                position=position,
                section=section,
                note_md=note_md,
                comment_mode=comment_mode,
                now=self._now(),
            )

    def move_anthology_item(self, name: str, post_id: int, position: int) -> None:
        with _translated(self.path):
            anthologies.move_item(self._db, name, post_id, position, now=self._now())

    def remove_anthology_item(self, name: str, post_id: int) -> None:
        with _translated(self.path):
            anthologies.remove_item(self._db, name, post_id, now=self._now())

    def set_anthology_item(
        self,
        name: str,
        post_id: int,
        *,
        section: str | None | object = anthologies.UNSET,
        note_md: str | None = None,
        comment_mode: CommentMode | None = None,
    ) -> None:
        """Set an item's section heading (None: none), note or comment mode; arguments left out stay."""
        with _translated(self.path):
            anthologies.set_item(
                self._db,
                name,
                post_id,
                section=section,  # type: ignore[arg-type]
                note_md=note_md,
                comment_mode=comment_mode,
                now=self._now(),
            )

    def set_comment_choice(
        self,
        name: str,
        post_id: int,
        comment_source_id: str,
        choice: CommentChoiceKind | None,
        *,
        excerpt_md: str | None | object = anthologies.UNSET,
    ) -> None:
        """Include, exclude or include-with-replies one comment of an item (None: forget the choice)."""
        with _translated(self.path):
            anthologies.set_comment_choice(
                self._db,
                name,
                post_id,
                comment_source_id,
                choice,
                excerpt_md=excerpt_md,  # type: ignore[arg-type]
                now=self._now(),
            )

    def set_edited_text(self, name: str, post_id: int, body_md: str | None) -> None:
        """Store the anthology's version of a post's text (None: print the original again)."""
        with _translated(self.path):
            anthologies.set_edited_text(self._db, name, post_id, body_md, now=self._now())

    def edited_text(self, name: str, post_id: int) -> str | None:
        with _translated(self.path):
            return anthologies.edited_text(self._db, name, post_id)

    def build_anthology(self, name: str, *, with_asset_data: bool = True) -> Anthology:
        """The exporters' record for a stored anthology, every choice applied (docs/anthologies.md)."""
        with _translated(self.path):
            spec = anthologies.load_spec(self._db, name)
            posts = {
                entry.post_id: queries.load_post(self._db, entry.post_id, with_asset_data=with_asset_data)
                for entry in spec.entries
            }
            edited = anthologies.edited_texts(self._db, name)
        return build_anthology_record(spec, posts, edited, created_at=self._now())

    def anthology_blog_ids(self, name: str) -> dict[int, int]:
        """Post id -> blog id for every item of an anthology."""
        with _translated(self.path):
            return anthologies.item_blog_ids(self._db, name)
