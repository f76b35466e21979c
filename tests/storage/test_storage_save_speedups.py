"""The batched comment writes of save_post keep what the one-row-at-a-time writes did (issue 10)."""

from __future__ import annotations

import sqlite3

from sample_records import make_blog, make_comment, make_post

from storage.archive import Archive


def parents(archive: Archive) -> list[tuple[str, str | None, int]]:
    conn = sqlite3.connect(archive.path)
    try:
        return conn.execute(
            """SELECT c.source_id, p.source_id, c.thread_order FROM comments AS c
               LEFT JOIN comments AS p ON p.id = c.parent_id ORDER BY c.thread_order"""
        ).fetchall()
    finally:
        conn.close()


def test_a_comment_listed_twice_is_stored_once_with_its_last_text(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    thread = (make_comment("a", body="first text"), make_comment("b"), make_comment("a", body="second text"))
    result = archive.save_post(blog_id, make_post(comments=thread))
    assert (result.comments_new, result.comments_changed) == (2, 0)
    loaded = archive.load_post(result.post_id).comments
    assert [(c.source_id, c.body_md) for c in loaded] == [("b", "Comment b says hello 👋"), ("a", "second text")]
    assert archive.search("second")[0].comment_source_id == "a"
    assert archive.search("first") == []


def test_new_replies_to_old_and_new_parents_get_their_parent_ids(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post(comments=(make_comment("old"),)))
    thread = (
        make_comment("old"),
        make_comment("r-old", "old", depth=1),
        make_comment("new"),
        make_comment("r-new", "new", depth=1),
        make_comment("rr-new", "r-new", depth=2),
    )
    result = archive.save_post(blog_id, make_post(comments=thread))
    assert (result.comments_new, result.comments_changed) == (4, 0)
    assert parents(archive) == [
        ("old", None, 0),
        ("r-old", "old", 1),
        ("new", None, 2),
        ("r-new", "new", 3),
        ("rr-new", "r-new", 4),
    ]


def test_a_thousand_comment_thread_saves_and_loads_in_order(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    thread = tuple(
        make_comment(f"c{n}", None if n % 4 == 0 else f"c{n - 1}", depth=0 if n % 4 == 0 else 1, body=f"word{n}")
        for n in range(1000)
    )
    result = archive.save_post(blog_id, make_post(comments=thread))
    assert result.comments_new == 1000
    loaded = archive.load_post(result.post_id).comments
    assert [c.source_id for c in loaded] == [c.source_id for c in thread]
    assert [c.parent_source_id for c in loaded] == [c.parent_source_id for c in thread]
    assert archive.search("word999")[0].comment_source_id == "c999"
