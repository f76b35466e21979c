"""The comment rules of an anthology item (docs/anthologies.md, "Which comments are printed"), privacy, and the
upgrade of an archive from before m008 (its series become detections)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage.anthology_build import initials, protect_commenters, select_comments
from storage.archive import open_archive
from storage.migrations import KNOWN_MIGRATIONS, MIGRATIONS
from storage.records import Comment, CommentChoice, CommentChoiceKind, CommentMode

# a          b
# └ a1       └ b1
#   └ a11
#   └ a12
TREE = [("a", None), ("a1", "a"), ("a11", "a1"), ("a12", "a1"), ("b", None), ("b1", "b")]


def thread() -> list[Comment]:
    depth = {None: -1}
    out = []
    for position, (source_id, parent) in enumerate(TREE):
        depth[source_id] = depth[parent] + 1
        out.append(
            Comment(
                source_id=source_id,
                parent_source_id=parent,
                position=position,
                depth=depth[source_id],
                author=f"Reader {source_id.upper()}",
                author_url=f"https://{source_id}.example/",
                published_at=datetime(2024, 1, 1, tzinfo=UTC),
                kind="comment",
                body_md=f"text of {source_id}",
            )
        )
    return out


def chosen(mode: CommentMode, **choices: CommentChoiceKind) -> list[tuple[str, str | None, int]]:
    picks = [CommentChoice(source_id, choice) for source_id, choice in choices.items()]
    return [(c.source_id, c.parent_source_id, c.depth) for c in select_comments(thread(), mode, picks)]


def test_none_prints_nothing_whatever_the_choices() -> None:
    assert chosen("none", a="include") == []


def test_all_minus_an_excluded_branch() -> None:
    assert chosen("all", a1="exclude") == [("a", None, 0), ("b", None, 0), ("b1", "b", 1)]


def test_a_reply_chosen_under_an_excluded_comment_hangs_under_its_nearest_printed_ancestor() -> None:
    assert chosen("all", a1="exclude", a12="include") == [
        ("a", None, 0), ("a12", "a", 1), ("b", None, 0), ("b1", "b", 1)
    ]  # fmt: skip


def test_selected_include_covers_one_comment_and_replies_a_branch() -> None:
    assert chosen("selected", a="include", b="replies") == [("a", None, 0), ("b", None, 0), ("b1", "b", 1)]
    assert chosen("selected", a="replies", a11="exclude") == [("a", None, 0), ("a1", "a", 1), ("a12", "a1", 2)]


def test_include_is_not_inherited_but_replies_further_up_is() -> None:
    assert chosen("selected", a="replies", a1="include") == [
        ("a", None, 0), ("a1", "a", 1), ("a11", "a1", 2), ("a12", "a1", 2)
    ]  # fmt: skip


def test_orphan_reply_goes_to_top_level_and_positions_are_recomputed() -> None:
    picks = [CommentChoice("a11", "include"), CommentChoice("b1", "include", excerpt_md="just this")]
    out = select_comments(thread(), "selected", picks)
    assert [(c.source_id, c.parent_source_id, c.position, c.body_md) for c in out] == [
        ("a11", None, 0, "text of a11"),
        ("b1", None, 1, "just this"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Margaret Hollis", "M. H."),
        ("hamish", "H."),
        ("Lucía Ferrer-Ruiz", "L. F."),
        ("  ", "A reader"),
        ("“Zoë”", "Z."),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_post_author_keeps_their_name_and_pingbacks_their_title() -> None:
    comments = thread()
    comments[1] = replace(comments[1], author="The Author")
    out = protect_commenters(comments, "reader", omit_urls=True, keep="The Author")
    assert [c.author for c in out][:2] == ["A reader", "The Author"]
    assert all(c.author_url is None for c in out)


def test_upgrade_from_m007_keeps_series_as_detections(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m008_series_corrections_and_anthologies")
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO blogs (url, title, added_at, updated_at) VALUES ('https://b.example/', 'B', 'x', 'x')")
    conn.execute(
        """INSERT INTO posts (blog_id, url, title, first_captured_at, captured_at, changed_at, content_sha256)
           VALUES (1, 'https://b.example/1/', 'Walks #2', 'x', 'x', 'x', 'x')"""
    )
    conn.execute("INSERT INTO series (blog_id, name) VALUES (1, 'Walks')")
    conn.execute("INSERT INTO series_posts (series_id, post_id, number) VALUES (1, 1, 2)")
    conn.commit()
    conn.close()
    with open_archive(path) as archive:
        [report] = archive.series_reports("Walks")
        assert [(p.number, p.source) for p in report.parts] == [(2, "detected")]
        archive.set_post_number(1, 3)  # a correction on an upgraded archive, then detection is re-applied
        archive.clear_series_correction(1)
        assert [p.number for p in archive.series_reports("Walks")[0].parts] == [2]
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    conn.close()
    assert names == KNOWN_MIGRATIONS
