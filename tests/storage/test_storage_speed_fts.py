"""m010 (faster full-text triggers) and the saving pragmas: the same rows are indexed as before, faster."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sample_records import make_blog, make_comment, make_post
from sqlite_utils import Database

from storage.archive import Archive, open_archive
from storage.migrations import CJK_CLASS, CJK_SPAN, FTS_AUTOMERGE, MIGRATIONS
from storage.search import SEARCH_INDEXES, optimize_search_indexes

# Edges of every CJK range, characters inside the one-range span but outside the class (Yi U+A000, private use
# U+E000, U+3100 Bopomofo), and text with none.
TEXTS = [
    "plain ASCII text",
    "accents: café, naïve — “quotes”",
    "\u3040 hiragana edge",
    "katakana edge \u30ff",
    "\u3100 bopomofo, in the span, not in the class",
    "\u3400\u4dbf extension A edges",
    "\u4e00\u9fff unified edges",
    "\ua000 yi, in the span only",
    "\uac00 hangul \ud7af",
    "\ue000 private use",
    "\uf900\ufaff compatibility",
    "\ufb00 ligature just past the span",
    "北京烤鸭",
]
CJK = re.compile(CJK_CLASS)


def cjk_rowids(path: Path, fts: str) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        # The trigram index stores no content of its own: its rowids are read from the index itself.
        rows = conn.execute(f"SELECT DISTINCT id FROM {fts}_docsize").fetchall()
    finally:
        conn.close()
    return {int(row[0]) for row in rows}


def test_span_holds_every_range_of_the_class() -> None:
    ranges = re.findall(r"(.)-(.)", CJK_CLASS.strip("[]"))
    low, high = re.fullmatch(r"\[(.)-(.)\]", CJK_SPAN).groups()  # type: ignore[union-attr]
    assert ranges and all(low <= start and end <= high for start, end in ranges)


def save_texts(archive: Archive, texts: list[str]) -> None:
    blog_id = archive.save_blog(make_blog())
    for index, text in enumerate(texts):
        # Each text goes into one post column (title, body, author, in turn) and one comment column.
        post_text = {["title", "body_md", "author"][index % 3]: text}
        comment = make_comment(f"c{index}", body=text if index % 2 else "x", author="y" if index % 2 else text)
        post = make_post(f"p{index}", **{"title": "A title", "body_md": "A body", "author": "A", **post_text})
        archive.save_post(blog_id, replace(post, comments=(comment,)))


def expected_rowids(path: Path, table: str, columns: list[str]) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"SELECT id, {', '.join(columns)} FROM {table}").fetchall()
    finally:
        conn.close()
    return {int(row[0]) for row in rows if any(value and CJK.search(value) for value in row[1:])}


def test_cjk_index_holds_exactly_the_rows_with_cjk(archive: Archive) -> None:
    save_texts(archive, TEXTS)
    posts = expected_rowids(archive.path, "posts", ["title", "body_md", "author"])
    comments = expected_rowids(archive.path, "comments", ["author", "body_md"])
    assert len(posts) == len(comments) == 7  # seven texts have CJK; they reach the index through every column
    assert cjk_rowids(archive.path, "posts_cjk_fts") == posts
    assert cjk_rowids(archive.path, "comments_cjk_fts") == comments


def test_edits_move_rows_in_and_out_of_the_cjk_index(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post("a", title="Plain", body_md="no cjk", comments=(make_comment("c", body="x"),)))
    assert archive.search("北京烤鸭") == []
    archive.save_post(
        blog_id, make_post("a", title="Plain", body_md="北京烤鸭", comments=(make_comment("c", body="x"),))
    )
    assert [h.kind for h in archive.search("北京烤鸭")] == ["post"]
    archive.save_post(
        blog_id, make_post("a", title="Plain", body_md="gone", comments=(make_comment("c", body="北京烤鸭"),))
    )
    assert [h.kind for h in archive.search("北京烤鸭")] == ["comment"]
    archive.save_post(blog_id, make_post("a", title="Plain", body_md="gone", comments=(make_comment("c", body="y"),)))
    assert archive.search("北京烤鸭") == []
    conn = sqlite3.connect(archive.path)
    try:
        for fts in ("posts_cjk_fts", "comments_cjk_fts"):
            conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 0)")
    finally:
        conn.close()
    assert cjk_rowids(archive.path, "posts_cjk_fts") == set()


def test_m010_keeps_the_index_of_an_older_archive(tmp_path: Path) -> None:
    path = tmp_path / "m009.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m010_faster_fts_triggers")
    db.execute("INSERT INTO blogs (url, title, added_at, updated_at) VALUES ('https://b.example/', 'B', 'x', 'x')")
    for number, body in enumerate(["plain words", "北京烤鸭 and words", "\ua000 yi only"], start=1):
        db.execute(
            """INSERT INTO posts (blog_id, url, title, body_md, first_captured_at, captured_at, changed_at,
                                  content_sha256) VALUES (1, ?, 'T', ?, 'x', 'x', 'x', 'x')""",
            [f"https://b.example/{number}/", body],
        )
    db.close()
    assert cjk_rowids(path, "posts_cjk_fts") == {2}  # indexed by m004's triggers
    with open_archive(path) as archive:
        assert cjk_rowids(path, "posts_cjk_fts") == {2}  # m010 changes the triggers, not the rows
        assert [h.post_id for h in archive.search("北京烤鸭")] == [2]
        archive._db.execute("UPDATE posts SET body_md = '东京 words' WHERE id = 2")  # noqa: SLF001
        archive._db.execute("UPDATE posts SET body_md = '北京烤鸭' WHERE id = 1")  # noqa: SLF001
        archive._db.execute("DELETE FROM posts WHERE id = 3")  # noqa: SLF001
        assert [h.post_id for h in archive.search("北京烤鸭")] == [1]
    assert cjk_rowids(path, "posts_cjk_fts") == {1, 2}


@pytest.mark.parametrize("fts", ["posts_fts", "comments_fts"])
def test_word_indexes_merge_less_often(archive: Archive, fts: str) -> None:
    conn = sqlite3.connect(archive.path)
    try:
        value = conn.execute(f"SELECT v FROM {fts}_config WHERE k = 'automerge'").fetchone()
    finally:
        conn.close()
    assert value == (FTS_AUTOMERGE,) and FTS_AUTOMERGE > 4


def test_commits_wait_for_checkpoints_not_for_the_disk(archive: Archive) -> None:
    conn = archive._db.conn  # noqa: SLF001 - the pragma is per connection
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL


def test_optimizing_the_indexes_keeps_every_result(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    for index in range(30):  # thirty commits: thirty segments per index
        body = f"walk number {index} by the lake" + (" 北京烤鸭" if index % 3 == 0 else "")
        comments = (make_comment(f"c{index}", body=f"reply {index} lake"),)
        archive.save_post(blog_id, make_post(f"p{index}", title=f"Walk {index}", body_md=body, comments=comments))
    queries = ["lake", "walk 7", "北京烤鸭", "reply", "number 2*"]
    before = [archive.search(query) for query in queries]
    segments_before = segments(archive.path)
    assert all(before) and segments_before["posts_fts"] > 1
    optimize_search_indexes(archive._db)  # noqa: SLF001
    assert [archive.search(query) for query in queries] == before
    assert all(count <= 1 for count in segments(archive.path).values())  # none: the index is empty
    conn = sqlite3.connect(archive.path)
    try:
        for fts in SEARCH_INDEXES:
            conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 0)")
    finally:
        conn.close()


def segments(path: Path) -> dict[str, int]:
    """Segments per index, from the ids of the pages each holds (its %_data rows: segid << 37 | page)."""
    conn = sqlite3.connect(path)
    try:
        return {
            fts: conn.execute(f"SELECT count(DISTINCT id >> 37) FROM {fts}_data WHERE id >> 37 > 0").fetchone()[0]
            for fts in SEARCH_INDEXES
        }
    finally:
        conn.close()
