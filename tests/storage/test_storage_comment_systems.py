"""A post's comment system (issue 9): saved with the post, replaced on re-archive, listed when missing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sample_records import make_blog, make_comment, make_post
from sqlite_utils import Database

from storage.archive import Archive, open_archive
from storage.migrations import KNOWN_MIGRATIONS, MIGRATIONS
from storage.queries import MISSING_COMMENTS_TERM
from storage.records import CommentSystem

DETECTED = datetime(2025, 1, 1, 11, 0, tzinfo=UTC)
DISQUS_MISSING = CommentSystem(
    name="disqus",
    origin="none",
    expected=143,
    note="This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings or import the export.",
    details=(("shortname", "quiet-notes"), ("identifier", "post <42> & 'friends'")),
    detected_at=DETECTED,
)


def test_comment_system_round_trips_with_the_post(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    assert archive.load_post(post_id).comment_system == DISQUS_MISSING


def test_a_post_without_a_system_loads_none(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post()).post_id
    assert archive.load_post(post_id).comment_system is None


def test_re_archiving_replaces_the_system_and_a_post_that_dropped_it_loses_it(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    read = CommentSystem(name="isso", origin="api", expected=4, details=(("api", "https://c.quiet.example/"),))
    archive.save_post(blog_id, make_post(comment_system=read))
    assert archive.load_post(post_id).comment_system == read
    archive.save_post(blog_id, make_post())  # the blog moved back to comments in the page
    assert archive.load_post(post_id).comment_system is None


def test_an_invalid_origin_is_refused_and_nothing_of_the_post_is_saved(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    bad = replace(DISQUS_MISSING, origin="guessed")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        archive.save_post(blog_id, make_post(comment_system=bad))
    assert archive.count_posts() == 0  # one transaction: the post went with its comment system


def test_missing_threads_are_listed_and_filtered(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    other_blog = archive.save_blog(make_blog("https://loud.example/", "Loud"))
    missing = archive.save_post(blog_id, make_post("walk-1", comments=(), comment_system=DISQUS_MISSING)).post_id
    archive.save_post(blog_id, make_post("walk-2"))  # comments in the page
    rendered = CommentSystem(name="commento", origin="rendered", detected_at=DETECTED)
    archive.save_post(blog_id, make_post("walk-3", comment_system=rendered))
    elsewhere = archive.save_post(
        other_blog, make_post("walk-9", url="https://loud.example/walk-9/", comments=(), comment_system=DISQUS_MISSING)
    ).post_id

    everything = archive.list_missing_threads()
    assert [m.post_id for m in everything] == [elsewhere, missing]  # same date: the newer row first
    [one] = archive.list_missing_threads(blog_id=blog_id)
    assert (one.post_id, one.name, one.expected, one.note, one.comments_archived) == (
        missing,
        "disqus",
        143,
        DISQUS_MISSING.note,
        0,
    )
    assert one.detected_at == DETECTED
    assert [p.id for p in archive.list_posts(blog_id=blog_id, missing_comments=True)] == [missing]
    assert archive.count_posts(blog_id=blog_id, missing_comments=True) == 1
    assert archive.count_posts(missing_comments=True) == 2
    assert archive.count_posts(blog_id=blog_id) == 3
    terms = [t for t in archive.list_terms() if t.kind == "missing_comments"]
    assert sorted((t.blog_id, t.name, t.post_count) for t in terms) == [
        (blog_id, MISSING_COMMENTS_TERM, 1),
        (other_blog, MISSING_COMMENTS_TERM, 1),
    ]
    assert [(t.blog_id, t.post_count) for t in archive.list_terms(blog_id=blog_id) if t.kind == "missing_comments"] == [
        (blog_id, 1)
    ]


def test_an_imported_thread_clears_the_note(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    imported = (make_comment("disqus:1", body="From the export"), make_comment("disqus:2", "disqus:1", depth=1))
    archive.attach_comments(post_id, imported, system="disqus")
    system = archive.load_post(post_id).comment_system
    assert system is not None
    assert (system.name, system.origin, system.note, system.expected) == ("disqus", "import", "", 143)
    assert archive.list_missing_threads() == []
    # A later crawl still can't read Disqus, but the archive holds the imported thread: it stays "import".
    archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING))
    system = archive.load_post(post_id).comment_system
    assert system is not None and (system.origin, system.note) == ("import", "")
    # A crawl that reads it through the API says so.
    archive.save_post(blog_id, make_post(comments=(), comment_system=replace(DISQUS_MISSING, origin="api", note="")))
    system = archive.load_post(post_id).comment_system
    assert system is not None and system.origin == "api"


def test_an_import_onto_a_post_without_a_recorded_system_names_it(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=())).post_id
    archive.attach_comments(post_id, (make_comment("disqus:7"),), system="disqus")
    system = archive.load_post(post_id).comment_system
    assert system is not None and (system.name, system.origin, system.note) == ("disqus", "import", "")
    # The crawl sees no comment system on the page now; the imported comments keep saying where they came from.
    archive.save_post(blog_id, make_post(comments=()))
    assert archive.load_post(post_id).comment_system == system


def test_an_empty_import_changes_nothing(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    archive.attach_comments(post_id, (), system="disqus")
    assert archive.load_post(post_id).comment_system == DISQUS_MISSING


def test_an_archive_from_before_m009_upgrades_and_takes_comment_systems(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m009_comment_systems")
    assert "post_comment_systems" not in db.table_names()
    db.close()
    with open_archive(path) as archive:
        blog_id = archive.save_blog(make_blog())
        post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
        assert archive.load_post(post_id).comment_system == DISQUS_MISSING
    assert (
        KNOWN_MIGRATIONS.index("m009_comment_systems")
        == KNOWN_MIGRATIONS.index("m008_series_corrections_and_anthologies") + 1
    )


def test_the_table_has_the_documented_shape(archive_path: Path) -> None:
    db = Database(archive_path)
    columns = {c.name: (c.type, c.notnull) for c in db["post_comment_systems"].columns}
    assert columns == {
        "post_id": ("INTEGER", 0),
        "name": ("TEXT", 1),
        "origin": ("TEXT", 1),
        "expected": ("INTEGER", 0),
        "note": ("TEXT", 1),
        "details": ("TEXT", 1),
        "detected_at": ("TEXT", 0),
    }
    assert [fk.other_table for fk in db["post_comment_systems"].foreign_keys] == ["posts"]
    db.close()


def test_an_anthology_item_printed_without_comments_carries_no_missing_notice(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    archive.create_anthology("Walks", title="Walks")
    archive.add_anthology_item("Walks", post_id)
    [item] = archive.build_anthology("Walks", with_asset_data=False).items
    assert item.post.comment_system == DISQUS_MISSING  # "all": the book says the thread is missing
    archive.set_anthology_item("Walks", post_id, comment_mode="none")
    [item] = archive.build_anthology("Walks", with_asset_data=False).items
    assert item.post.comment_system is None  # no comments by the editor's choice: nothing to say about them


def test_a_partial_save_without_a_system_keeps_the_notice(archive: Archive) -> None:
    """A WXR or Blogger import (thread_complete=False, no comment system known) never erases "not captured"."""
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, make_post(comments=(), comment_system=DISQUS_MISSING)).post_id
    archive.save_post(blog_id, make_post(comments=()), thread_complete=False)
    assert archive.load_post(post_id).comment_system == DISQUS_MISSING
    archive.save_post(blog_id, make_post(comments=()))  # a whole crawl of a page without one: gone
    assert archive.load_post(post_id).comment_system is None


def test_re_runs_ask_again_the_posts_whose_thread_lives_outside_the_blog(archive: Archive) -> None:
    """The blog's change lists can't name a post whose Disqus or Isso thread grew: re-runs ask those posts again."""
    from desktop.tasks import ArchiveSettings, _outside_threads

    blog_id = archive.save_blog(make_blog())
    systems = {
        "https://quiet.example/api": CommentSystem(name="isso", origin="api"),
        "https://quiet.example/rendered": CommentSystem(name="commento", origin="rendered"),
        "https://quiet.example/none": DISQUS_MISSING,
        "https://quiet.example/import": CommentSystem(name="disqus", origin="import"),
        "https://quiet.example/page": None,
    }
    for url, system in systems.items():
        archive.save_post(blog_id, make_post(url=url, comments=(), comment_system=system))
    assert archive.thread_origins(blog_id=blog_id) == {
        url: system.origin for url, system in systems.items() if system is not None
    }

    assert _outside_threads(archive, blog_id, ArchiveSettings()) == {"https://quiet.example/api"}
    assert _outside_threads(archive, blog_id, ArchiveSettings(render=True)) == {
        "https://quiet.example/api",
        "https://quiet.example/rendered",
        "https://quiet.example/none",
        "https://quiet.example/import",
    }
    assert _outside_threads(archive, blog_id, ArchiveSettings(disqus_api_key="k")) == {
        "https://quiet.example/api",
        "https://quiet.example/none",
        "https://quiet.example/import",
    }
    other_blog = archive.save_blog(make_blog(url="https://other.example/"))
    assert archive.thread_origins(blog_id=other_blog) == {}
