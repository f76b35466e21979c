"""Series in the archive: what detection said, the editor's corrections, and the parts in order.

Three layers (docs/anthologies.md): `series_detections` holds what the last capture of each post detected;
`series_overrides` (per post: put in a series, taken out, number set) and `series_renames` (per blog: a detected
name shown under another) hold the editor's corrections; `series_posts` is the result of both, recomputed for a post
whenever either changes. A re-archive rewrites only the detection, so a correction survives every later update.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.columns import parse_iso, utc_iso
from storage.errors import NotFound
from storage.records import SeriesPart, SeriesRef, SeriesReport, SeriesSource
from storage.transactions import write_transaction

_SERIES_HINT = "Run `threadbook series list` to see the series in the archive."


class InvalidSeriesChange(NotFound):
    """A correction that can't be made (an empty name, a number below 1, a post in no series)."""


def record_detection(db: Database, post_id: int, blog_id: int, detected: SeriesRef | None) -> None:
    """Store what detection says of a post (from a capture), then recompute its membership. Inside the caller's
    transaction."""
    if detected is None or not detected.name.strip():
        db.execute("DELETE FROM series_detections WHERE post_id = ?", [post_id])
    else:
        db.execute(
            "INSERT INTO series_detections (post_id, name, number) VALUES (?, ?, ?) "
            "ON CONFLICT (post_id) DO UPDATE SET name = excluded.name, number = excluded.number",
            [post_id, detected.name.strip(), detected.number],
        )
    apply_series(db, post_id, blog_id)


def apply_series(db: Database, post_id: int, blog_id: int) -> None:
    """Recompute a post's row in `series_posts` from its detection, the blog's renames and its override."""
    detected = db.execute("SELECT name, number FROM series_detections WHERE post_id = ?", [post_id]).fetchone()
    override = db.execute(
        "SELECT series_name, excluded, number FROM series_overrides WHERE post_id = ?", [post_id]
    ).fetchone()
    name: str | None = None
    number: int | None = None
    source: SeriesSource = "detected"
    if detected is not None:
        renamed = db.execute(
            "SELECT name FROM series_renames WHERE blog_id = ? AND detected_name = ?", [blog_id, detected[0]]
        ).fetchone()
        name, number = (renamed[0] if renamed else detected[0]), detected[1]
    if override is not None:
        if override[1]:
            name = None
        elif override[0]:
            name, source = override[0], "manual"
        if override[2] is not None and name is not None:
            number, source = override[2], "manual"
    db.execute("DELETE FROM series_posts WHERE post_id = ?", [post_id])
    if name is None:
        return
    series_id = _series_id(db, blog_id, name)
    db.execute(
        "INSERT INTO series_posts (series_id, post_id, number, source) VALUES (?, ?, ?, ?)",
        [series_id, post_id, number, source],
    )


def _series_id(db: Database, blog_id: int, name: str) -> int:
    db.execute(
        "INSERT INTO series (blog_id, name) VALUES (?, ?) ON CONFLICT (blog_id, name) DO NOTHING", [blog_id, name]
    )
    return int(db.execute("SELECT id FROM series WHERE blog_id = ? AND name = ?", [blog_id, name]).fetchone()[0])


def find_series(db: Database, name: str, *, blog_id: int | None = None) -> list[tuple[int, int, str]]:
    """(series id, blog id, stored name) of every non-empty series called `name` (exact, else ignoring case).

    Raises `NotFound` listing the known series."""
    rows = db.execute(
        """
        SELECT s.id, s.blog_id, s.name FROM series AS s
        WHERE EXISTS (SELECT 1 FROM series_posts AS sp WHERE sp.series_id = s.id)
        ORDER BY s.name COLLATE NOCASE, s.blog_id
        """
    ).fetchall()
    if blog_id is not None:
        rows = [r for r in rows if r[1] == blog_id]
    wanted = " ".join(name.split())
    exact = [(int(r[0]), int(r[1]), str(r[2])) for r in rows if r[2] == wanted]
    if exact:
        return exact
    folded = [(int(r[0]), int(r[1]), str(r[2])) for r in rows if str(r[2]).casefold() == wanted.casefold()]
    if folded:
        return folded
    known = ", ".join(dict.fromkeys(repr(r[2]) for r in rows)) or "none yet"
    raise NotFound(f"No series called {name!r} in the archive. Known series: {known}. {_SERIES_HINT}")


def load_series_reports(db: Database, name: str, *, blog_id: int | None = None) -> list[SeriesReport]:
    """One report per blog with a series called `name`: its parts in order (number, then date), gaps left empty
    (finding gaps needs the posts' text: `ingest.series.find_gaps`)."""
    reports = []
    for series_id, series_blog_id, stored in find_series(db, name, blog_id=blog_id):
        rows = db.execute(
            """
            SELECT p.id, p.url, p.title, sp.number, p.published_at, sp.source,
                   (SELECT count(*) FROM comments AS c WHERE c.post_id = p.id AND c.removed_at IS NULL)
            FROM series_posts AS sp JOIN posts AS p ON p.id = sp.post_id
            WHERE sp.series_id = ?
            ORDER BY sp.number IS NULL, sp.number, p.published_utc, p.id
            """,
            [series_id],
        ).fetchall()
        parts = tuple(
            SeriesPart(
                post_id=int(r[0]),
                url=r[1],
                title=r[2],
                number=r[3],
                published_at=parse_iso(r[4]),
                comment_count=int(r[6]),
                source="manual" if r[5] == "manual" else "detected",
            )
            for r in rows
        )
        blog_url = db.execute("SELECT url FROM blogs WHERE id = ?", [series_blog_id]).fetchone()[0]
        detected = tuple(
            r[0]
            for r in db.execute(
                "SELECT detected_name FROM series_renames WHERE blog_id = ? AND name = ? ORDER BY detected_name",
                [series_blog_id, stored],
            ).fetchall()
        )
        reports.append(
            SeriesReport(name=stored, blog_id=series_blog_id, blog_url=blog_url, parts=parts, detected_names=detected)
        )
    return reports


def rename_series(db: Database, name: str, new_name: str, *, blog_id: int | None = None) -> str:
    """Show the series called `name` as `new_name` from now on (also for parts found later); returns the stored
    old name. Renaming onto an existing series of the same blog merges the two."""
    new_name = " ".join(new_name.split())
    if not new_name:
        raise InvalidSeriesChange("A series needs a name: give the new name in quotes.")
    with write_transaction(db):
        found = find_series(db, name, blog_id=blog_id)
        for _, series_blog_id, stored in found:
            if stored == new_name:
                continue
            # Every detected name that showed as `stored` now shows as `new_name`, and so does `stored` itself.
            db.execute(
                "UPDATE series_renames SET name = ? WHERE blog_id = ? AND name = ?", [new_name, series_blog_id, stored]
            )
            db.execute(
                "INSERT INTO series_renames (blog_id, detected_name, name) VALUES (?, ?, ?) "
                "ON CONFLICT (blog_id, detected_name) DO UPDATE SET name = excluded.name",
                [series_blog_id, stored, new_name],
            )
            db.execute(
                "DELETE FROM series_renames WHERE blog_id = ? AND detected_name = name", [series_blog_id]
            )  # renamed back to what detection says: no correction left
            db.execute(
                "UPDATE series_overrides SET series_name = ? WHERE series_name = ? AND post_id IN "
                "(SELECT id FROM posts WHERE blog_id = ?)",
                [new_name, stored, series_blog_id],
            )
            old_id = _series_id(db, series_blog_id, stored)
            post_ids = [r[0] for r in db.execute("SELECT post_id FROM series_posts WHERE series_id = ?", [old_id])]
            for post_id in post_ids:
                apply_series(db, post_id, series_blog_id)
            new_id = _series_id(db, series_blog_id, new_name)
            db.execute("UPDATE anthologies SET series_id = ? WHERE series_id = ?", [new_id, old_id])
        return found[0][2]


def set_post_series(db: Database, post_id: int, name: str | None, *, now: datetime) -> None:
    """Put a post into the series `name` of its blog (None: take it out of any series), whatever detection says."""
    blog = db.execute("SELECT blog_id FROM posts WHERE id = ?", [post_id]).fetchone()
    if blog is None:
        raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise InvalidSeriesChange("A series needs a name: give it in quotes.")
    with write_transaction(db):
        _upsert_override(db, post_id, now)
        db.execute(
            "UPDATE series_overrides SET series_name = ?, excluded = ? WHERE post_id = ?",
            [name, int(name is None), post_id],
        )
        if name is None:
            db.execute("UPDATE series_overrides SET number = NULL WHERE post_id = ?", [post_id])
        apply_series(db, post_id, int(blog[0]))


def set_post_number(db: Database, post_id: int, number: int | None, *, now: datetime) -> None:
    """Set a post's part number by hand (None: back to the detected number). The post must be in a series."""
    blog = db.execute("SELECT blog_id FROM posts WHERE id = ?", [post_id]).fetchone()
    if blog is None:
        raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
    if number is not None and number < 1:
        raise InvalidSeriesChange(f"Part numbers start at 1; {number} can't be one.")
    if number is not None and db.execute("SELECT 1 FROM series_posts WHERE post_id = ?", [post_id]).fetchone() is None:
        raise InvalidSeriesChange(
            f"Post {post_id} is in no series, so it can't have a part number. Add it to one first "
            "(`threadbook series fix NAME --add POST`)."
        )
    with write_transaction(db):
        _upsert_override(db, post_id, now)
        db.execute("UPDATE series_overrides SET number = ? WHERE post_id = ?", [number, post_id])
        apply_series(db, post_id, int(blog[0]))


def clear_post_override(db: Database, post_id: int) -> None:
    """Forget every hand correction of one post: detection decides again."""
    blog = db.execute("SELECT blog_id FROM posts WHERE id = ?", [post_id]).fetchone()
    if blog is None:
        raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
    with write_transaction(db):
        db.execute("DELETE FROM series_overrides WHERE post_id = ?", [post_id])
        apply_series(db, post_id, int(blog[0]))


def _upsert_override(db: Database, post_id: int, now: datetime) -> None:
    db.execute(
        "INSERT INTO series_overrides (post_id, updated_at) VALUES (?, ?) "
        "ON CONFLICT (post_id) DO UPDATE SET updated_at = excluded.updated_at",
        [post_id, utc_iso(now)],
    )
