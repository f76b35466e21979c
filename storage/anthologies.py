"""Stored anthologies: front matter, ordered items, per-comment choices and edited texts (docs/anthologies.md).

An anthology never changes the archive: its edits live in its own tables (`anthology_texts`), and the comment choices
only say what to print. `storage/anthology_build.py` applies them to the archived posts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

from sqlite_utils import Database

from storage.columns import parse_iso, utc_iso
from storage.errors import NotFound, StorageError
from storage.records import (
    COMMENT_CHOICES,
    COMMENT_MODES,
    COMMENTER_NAMES,
    AnthologyEntry,
    AnthologySpec,
    AnthologySummary,
    CommentChoice,
    CommentChoiceKind,
    CommenterNames,
    CommentMode,
)
from storage.transactions import write_transaction

_HINT = "Run `threadbook anthology list` to see them."


class InvalidAnthologyChange(StorageError):
    """A change the editor asked for that can't be made (a duplicate name, a position out of range...)."""


class _Unset:
    """The value of an argument left out (None is a real value: "no section")."""


UNSET: Final = _Unset()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def anthology_id(db: Database, name: str) -> int:
    """The id of the anthology called `name` (ignoring case); raises `NotFound` listing the known ones."""
    row = db.execute("SELECT id FROM anthologies WHERE name = ? COLLATE NOCASE", [name.strip()]).fetchone()
    if row is not None:
        return int(row[0])
    known = ", ".join(repr(r[0]) for r in db.execute("SELECT name FROM anthologies ORDER BY name COLLATE NOCASE"))
    raise NotFound(f"No anthology called {name!r}. Known anthologies: {known or 'none yet'}. {_HINT}")


def create_anthology(
    db: Database,
    name: str,
    *,
    title: str = "",
    subtitle: str = "",
    editor: str = "",
    introduction_md: str = "",
    series_id: int | None = None,
    now: datetime,
) -> int:
    """Create an empty anthology (its title defaults to its name); raises `InvalidAnthologyChange` if the name is
    taken or empty."""
    name = " ".join(name.split())
    if not name:
        raise InvalidAnthologyChange('An anthology needs a name: give one in quotes, e.g. "Guest Week 2024".')
    if db.execute("SELECT 1 FROM anthologies WHERE name = ? COLLATE NOCASE", [name]).fetchone() is not None:
        raise InvalidAnthologyChange(f"There is already an anthology called {name!r}. Choose another name.")
    stamp = utc_iso(now)
    row = db.execute(
        """INSERT INTO anthologies (name, title, subtitle, editor, introduction_md, series_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        [name, title.strip() or name, subtitle.strip(), editor.strip(), introduction_md, series_id, stamp, stamp],
    ).fetchone()
    return int(row[0])


def update_anthology(
    db: Database,
    name: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    editor: str | None = None,
    introduction_md: str | None = None,
    commenter_names: CommenterNames | None = None,
    omit_commenter_urls: bool | None = None,
    new_item_comments: CommentMode | None = None,
    now: datetime,
) -> None:
    """Change the front matter or privacy options; arguments left as None stay as they are."""
    if commenter_names is not None and commenter_names not in COMMENTER_NAMES:
        raise InvalidAnthologyChange(
            f"Commenters can be shown as {', '.join(COMMENTER_NAMES)}; not {commenter_names!r}."
        )
    if new_item_comments is not None and new_item_comments not in COMMENT_MODES:
        raise InvalidAnthologyChange(f"Comments can be {', '.join(COMMENT_MODES)}; not {new_item_comments!r}.")
    if title is not None and not title.strip():
        raise InvalidAnthologyChange("A title can't be empty.")
    with write_transaction(db):
        ident = anthology_id(db, name)
        values: dict[str, str | int | None] = {
            "title": None if title is None else title.strip(),
            "subtitle": None if subtitle is None else subtitle.strip(),
            "editor": None if editor is None else editor.strip(),
            "introduction_md": introduction_md,
            "commenter_names": commenter_names,
            "omit_commenter_urls": None if omit_commenter_urls is None else int(omit_commenter_urls),
            "new_item_comments": new_item_comments,
        }
        changes: dict[str, str | int | None] = {key: value for key, value in values.items() if value is not None}
        changes["updated_at"] = utc_iso(now)
        assignments = ", ".join(f"{key} = ?" for key in changes)  # keys come from the dict above, never from input
        db.execute(f"UPDATE anthologies SET {assignments} WHERE id = ?", [*changes.values(), ident])


def delete_anthology(db: Database, name: str) -> None:
    """Delete an anthology with its items, choices and edited texts (the archive itself is untouched)."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_ids = [r[0] for r in db.execute("SELECT id FROM anthology_items WHERE anthology_id = ?", [ident])]
        for item_id in item_ids:
            db.execute("DELETE FROM anthology_comment_choices WHERE item_id = ?", [item_id])
            db.execute("DELETE FROM anthology_texts WHERE item_id = ?", [item_id])
        db.execute("DELETE FROM anthology_items WHERE anthology_id = ?", [ident])
        db.execute("DELETE FROM anthologies WHERE id = ?", [ident])


def list_anthologies(db: Database) -> list[AnthologySummary]:
    rows = db.execute(
        """
        SELECT a.id, a.name, a.title, (SELECT count(*) FROM anthology_items AS i WHERE i.anthology_id = a.id),
               s.name, a.updated_at
        FROM anthologies AS a LEFT JOIN series AS s ON s.id = a.series_id
        ORDER BY a.name COLLATE NOCASE
        """
    ).fetchall()
    return [
        AnthologySummary(id=r[0], name=r[1], title=r[2], item_count=r[3], series=r[4], updated_at=parse_iso(r[5]))
        for r in rows
    ]


def _item(db: Database, ident: int, post_id: int, name: str) -> tuple[int, int]:
    row = db.execute(
        "SELECT id, position FROM anthology_items WHERE anthology_id = ? AND post_id = ?", [ident, post_id]
    ).fetchone()
    if row is None:
        raise NotFound(
            f"Post {post_id} is not in the anthology {name!r}. "
            f"Run `threadbook anthology show {name!r}` to see its items, or add it first."
        )
    return int(row[0]), int(row[1])


def _count(db: Database, ident: int) -> int:
    return int(db.execute("SELECT count(*) FROM anthology_items WHERE anthology_id = ?", [ident]).fetchone()[0])


def _renumber(db: Database, ident: int, order: list[int]) -> None:
    for position, item_id in enumerate(order):
        db.execute("UPDATE anthology_items SET position = ? WHERE id = ?", [position, item_id])


def _order(db: Database, ident: int) -> list[int]:
    return [
        int(r[0])
        for r in db.execute(
            "SELECT id FROM anthology_items WHERE anthology_id = ? ORDER BY position, id", [ident]
        ).fetchall()
    ]


def _touch(db: Database, ident: int, now: datetime) -> None:
    db.execute("UPDATE anthologies SET updated_at = ? WHERE id = ?", [utc_iso(now), ident])


def add_item(
    db: Database,
    name: str,
    post_id: int,
    *,
    position: int | None = None,
    section: str | None = None,
    note_md: str = "",
    comment_mode: CommentMode | None = None,
    now: datetime,
) -> int:
    """Add an archived post at `position` (0-based; None: at the end); returns its position. Comments default to
    the anthology's mode for new items."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        if db.execute("SELECT 1 FROM posts WHERE id = ?", [post_id]).fetchone() is None:
            raise NotFound(f"No post with id {post_id} in the archive. Run `threadbook list` to see what is there.")
        if db.execute(
            "SELECT 1 FROM anthology_items WHERE anthology_id = ? AND post_id = ?", [ident, post_id]
        ).fetchone():
            raise InvalidAnthologyChange(f"Post {post_id} is already in the anthology {name!r}; move it instead.")
        count = _count(db, ident)
        if position is None:
            position = count
        if not 0 <= position <= count:
            raise InvalidAnthologyChange(f"Position {position + 1} is out of range: the anthology has {count} items.")
        if comment_mode is None:
            comment_mode = db.execute("SELECT new_item_comments FROM anthologies WHERE id = ?", [ident]).fetchone()[0]
        if comment_mode not in COMMENT_MODES:
            raise InvalidAnthologyChange(f"Comments can be {', '.join(COMMENT_MODES)}; not {comment_mode!r}.")
        row = db.execute(
            """INSERT INTO anthology_items (anthology_id, post_id, position, section, note_md, comment_mode)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            [ident, post_id, count, _clean_section(section), note_md, comment_mode],
        ).fetchone()
        order = _order(db, ident)
        order.remove(int(row[0]))
        order.insert(position, int(row[0]))
        _renumber(db, ident, order)
        _touch(db, ident, now)
        return position


def move_item(db: Database, name: str, post_id: int, position: int, *, now: datetime) -> None:
    """Move an item to `position` (0-based); the others close up."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_id, _ = _item(db, ident, post_id, name)
        order = _order(db, ident)
        if not 0 <= position < len(order):
            raise InvalidAnthologyChange(
                f"Position {position + 1} is out of range: the anthology has {len(order)} items."
            )
        order.remove(item_id)
        order.insert(position, item_id)
        _renumber(db, ident, order)
        _touch(db, ident, now)


def remove_item(db: Database, name: str, post_id: int, *, now: datetime) -> None:
    """Take a post out of the anthology, with its comment choices and edited text."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_id, _ = _item(db, ident, post_id, name)
        db.execute("DELETE FROM anthology_comment_choices WHERE item_id = ?", [item_id])
        db.execute("DELETE FROM anthology_texts WHERE item_id = ?", [item_id])
        db.execute("DELETE FROM anthology_items WHERE id = ?", [item_id])
        _renumber(db, ident, _order(db, ident))
        _touch(db, ident, now)


def _clean_section(section: str | None) -> str | None:
    if section is None:
        return None
    return " ".join(section.split()) or None


def set_item(
    db: Database,
    name: str,
    post_id: int,
    *,
    section: str | None | _Unset = UNSET,
    note_md: str | None = None,
    comment_mode: CommentMode | None = None,
    now: datetime,
) -> None:
    """Set an item's section heading (None or "": none), editor's note or comment mode; others stay."""
    if comment_mode is not None and comment_mode not in COMMENT_MODES:
        raise InvalidAnthologyChange(f"Comments can be {', '.join(COMMENT_MODES)}; not {comment_mode!r}.")
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_id, _ = _item(db, ident, post_id, name)
        if not isinstance(section, _Unset):
            db.execute("UPDATE anthology_items SET section = ? WHERE id = ?", [_clean_section(section), item_id])
        if note_md is not None:
            db.execute("UPDATE anthology_items SET note_md = ? WHERE id = ?", [note_md, item_id])
        if comment_mode is not None:
            db.execute("UPDATE anthology_items SET comment_mode = ? WHERE id = ?", [comment_mode, item_id])
        _touch(db, ident, now)


def set_comment_choice(
    db: Database,
    name: str,
    post_id: int,
    comment_source_id: str,
    choice: CommentChoiceKind | None,
    *,
    excerpt_md: str | None | _Unset = UNSET,
    now: datetime,
) -> None:
    """Choose what happens to one comment (by its platform id) in this item: "include", "exclude", "replies"
    (it and every reply under it), or None to forget the choice. `excerpt_md` ("": none) prints instead of its text."""
    if choice is not None and choice not in COMMENT_CHOICES:
        raise InvalidAnthologyChange(f"A comment can be {', '.join(COMMENT_CHOICES)}; not {choice!r}.")
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_id, _ = _item(db, ident, post_id, name)
        comment = db.execute(
            "SELECT id FROM comments WHERE post_id = ? AND source_id = ?", [post_id, comment_source_id.lstrip("#")]
        ).fetchone()
        if comment is None:
            raise NotFound(
                f"Post {post_id} has no comment #{comment_source_id.lstrip('#')}. "
                f"`threadbook show {post_id}` lists its comments with their numbers."
            )
        comment_id = int(comment[0])
        if choice is None:
            db.execute(
                "DELETE FROM anthology_comment_choices WHERE item_id = ? AND comment_id = ?", [item_id, comment_id]
            )
        else:
            db.execute(
                "INSERT INTO anthology_comment_choices (item_id, comment_id, choice) VALUES (?, ?, ?) "
                "ON CONFLICT (item_id, comment_id) DO UPDATE SET choice = excluded.choice",
                [item_id, comment_id, choice],
            )
            if not isinstance(excerpt_md, _Unset):
                db.execute(
                    "UPDATE anthology_comment_choices SET excerpt_md = ? WHERE item_id = ? AND comment_id = ?",
                    [excerpt_md or None, item_id, comment_id],
                )
        _touch(db, ident, now)


def set_edited_text(db: Database, name: str, post_id: int, body_md: str | None, *, now: datetime) -> None:
    """Store this anthology's version of a post's text (None: back to the archived original, which never changes)."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        item_id, _ = _item(db, ident, post_id, name)
        if body_md is None:
            db.execute("DELETE FROM anthology_texts WHERE item_id = ?", [item_id])
        else:
            original = db.execute("SELECT body_md FROM posts WHERE id = ?", [post_id]).fetchone()[0]
            db.execute(
                "INSERT INTO anthology_texts (item_id, body_md, base_sha256, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (item_id) DO UPDATE SET body_md = excluded.body_md, base_sha256 = excluded.base_sha256, "
                "updated_at = excluded.updated_at",
                [item_id, body_md, text_sha256(original), utc_iso(now)],
            )
        _touch(db, ident, now)


def edited_text(db: Database, name: str, post_id: int) -> str | None:
    """This anthology's version of a post's text, or None when it prints the original."""
    ident = anthology_id(db, name)
    item_id, _ = _item(db, ident, post_id, name)
    row = db.execute("SELECT body_md FROM anthology_texts WHERE item_id = ?", [item_id]).fetchone()
    return None if row is None else str(row[0])


def load_spec(db: Database, name: str) -> AnthologySpec:
    """The stored anthology with every entry and choice, items in order."""
    ident = anthology_id(db, name)
    row = db.execute(
        """SELECT a.name, a.title, a.subtitle, a.editor, a.introduction_md, a.commenter_names, a.omit_commenter_urls,
                  a.new_item_comments, s.name, a.created_at, a.updated_at
           FROM anthologies AS a LEFT JOIN series AS s ON s.id = a.series_id WHERE a.id = ?""",
        [ident],
    ).fetchone()
    items = db.execute(
        """SELECT i.id, i.post_id, p.url, p.title, i.position, i.section, i.note_md, i.comment_mode,
                  EXISTS (SELECT 1 FROM anthology_texts AS t WHERE t.item_id = i.id)
           FROM anthology_items AS i JOIN posts AS p ON p.id = i.post_id
           WHERE i.anthology_id = ? ORDER BY i.position, i.id""",
        [ident],
    ).fetchall()
    entries = []
    for item in items:
        choices = tuple(
            CommentChoice(comment_source_id=c[0], choice=c[1], excerpt_md=c[2])
            for c in db.execute(
                """SELECT c.source_id, ch.choice, ch.excerpt_md FROM anthology_comment_choices AS ch
                   JOIN comments AS c ON c.id = ch.comment_id WHERE ch.item_id = ? ORDER BY c.thread_order, c.id""",
                [item[0]],
            ).fetchall()
        )
        entries.append(
            AnthologyEntry(
                post_id=item[1],
                post_url=item[2],
                post_title=item[3],
                position=item[4],
                section=item[5],
                note_md=item[6],
                comment_mode=item[7],
                choices=choices,
                edited=bool(item[8]),
            )
        )
    return AnthologySpec(
        name=row[0],
        title=row[1],
        subtitle=row[2],
        editor=row[3],
        introduction_md=row[4],
        commenter_names=row[5],
        omit_commenter_urls=bool(row[6]),
        new_item_comments=row[7],
        series=row[8],
        entries=tuple(entries),
        created_at=parse_iso(row[9]),
        updated_at=parse_iso(row[10]),
        id=ident,
    )


def edited_texts(db: Database, name: str) -> dict[int, str]:
    """Post id -> this anthology's version of its text, for every edited item."""
    ident = anthology_id(db, name)
    rows = db.execute(
        """SELECT i.post_id, t.body_md FROM anthology_texts AS t JOIN anthology_items AS i ON i.id = t.item_id
           WHERE i.anthology_id = ?""",
        [ident],
    ).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def refresh_from_series(db: Database, name: str, *, now: datetime) -> list[int]:
    """Append the parts of the anthology's series it doesn't have yet, in series order, after its last item; every
    choice already made stays. Returns the post ids appended (none for an anthology not made from a series)."""
    with write_transaction(db):
        ident = anthology_id(db, name)
        row = db.execute("SELECT series_id, new_item_comments FROM anthologies WHERE id = ?", [ident]).fetchone()
        if row[0] is None:
            return []
        new = [
            int(r[0])
            for r in db.execute(
                """SELECT sp.post_id FROM series_posts AS sp JOIN posts AS p ON p.id = sp.post_id
                   WHERE sp.series_id = ? AND sp.post_id NOT IN
                       (SELECT post_id FROM anthology_items WHERE anthology_id = ?)
                   ORDER BY sp.number IS NULL, sp.number, p.published_utc, p.id""",
                [row[0], ident],
            ).fetchall()
        ]
        count = _count(db, ident)
        for offset, post_id in enumerate(new):
            db.execute(
                "INSERT INTO anthology_items (anthology_id, post_id, position, comment_mode) VALUES (?, ?, ?, ?)",
                [ident, post_id, count + offset, row[1]],
            )
        if new:
            _touch(db, ident, now)
        return new


def item_blog_ids(db: Database, name: str) -> dict[int, int]:
    """Post id -> blog id for every item (exports group posts by blog)."""
    ident = anthology_id(db, name)
    rows = db.execute(
        "SELECT i.post_id, p.blog_id FROM anthology_items AS i JOIN posts AS p ON p.id = i.post_id "
        "WHERE i.anthology_id = ?",
        [ident],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}
