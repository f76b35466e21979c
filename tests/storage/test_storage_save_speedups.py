"""The batched comment writes of save_post keep what the one-row-at-a-time writes did (issue 10)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sample_records import make_blog, make_comment, make_post

from storage.archive import Archive
from storage.records import SeriesRef
from storage.search import SearchFilters


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


ORDERS = (
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
)


def test_post_list_pages_join_up_to_the_whole_list_in_every_order(archive: Archive) -> None:
    # Paging picks a page's ids before joining (bench/storage.py): pages must still tile the list exactly.
    blogs = [archive.save_blog(make_blog(f"https://b{n}.example/", f"Blog {n}")) for n in range(2)]
    for n in range(23):
        post = make_post(
            f"p{n}",
            title=f"Title {n % 5}",  # ties, broken by id
            author=None if n % 7 == 0 else f"Author {n % 3}",
            published_at=None if n % 6 == 0 else datetime(2020, 1, 1 + n % 4, tzinfo=UTC),
            captured_at=datetime(2024, 1, 1 + n % 3, tzinfo=UTC),
            series=SeriesRef("Walks", n % 4) if n % 2 else None,
            comments=tuple(make_comment(f"c{n}-{k}") for k in range(n % 4)),
            tags=("even",) if n % 2 == 0 else ("odd",),
        )
        archive.save_post(blogs[n % 2], post)
    for order in ORDERS:
        for filters in ({}, {"blog_id": blogs[1]}, {"tag": "even"}, {"blog_id": blogs[0], "tag": "even"}):
            whole = archive.list_posts(order=order, **filters)  # type: ignore[arg-type]
            pages = [
                row
                for offset in range(0, 30, 4)
                for row in archive.list_posts(order=order, offset=offset, limit=4, **filters)  # type: ignore[arg-type]
            ]
            assert pages == whole, (order, filters)
            assert len(whole) == archive.count_posts(**filters)  # type: ignore[arg-type]
    newest = archive.list_posts(blog_id=blogs[1], limit=3)
    assert [p.comment_count for p in newest] == [len(archive.load_post(p.id).comments) for p in newest]
    assert {p.series for p in archive.list_posts()} >= {None, SeriesRef("Walks", 1)}


def test_search_keeps_the_best_ranked_hits_and_filters_before_the_limit(archive: Archive) -> None:
    # Ranking happens in a subquery with the LIMIT, snippets after it (bench/storage.py): the hits must still be
    # the best of all matches, and a filter must narrow the matches before the limit, not the kept hits after.
    blogs = [archive.save_blog(make_blog(f"https://b{n}.example/", f"Blog {n}")) for n in range(2)]
    for n in range(30):
        # Short comments with the word more often rank better: comment k of post n says "heron" k+1 times.
        thread = tuple(
            make_comment(f"c{n}-{k}", body=" ".join(["heron"] * (k + 1) + ["filler"] * (8 - k))) for k in range(3)
        )
        archive.save_post(blogs[1 if n >= 27 else 0], make_post(f"p{n}", comments=thread, body_md="No birds."))
    hits = archive.search("heron", limit=10)
    assert len(hits) == 10
    assert all(hit.comment_source_id is not None and hit.comment_source_id.endswith("-2") for hit in hits)
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)
    assert all("\u0002heron\u0003" in hit.snippet for hit in hits)
    everything = archive.search("heron", limit=1000)
    assert len(everything) == 90
    assert hits == everything[:10] or [h.rank for h in hits] == [h.rank for h in everything[:10]]
    filtered = archive.search("heron", limit=5, filters=SearchFilters(blog_id=blogs[1]))
    assert len(filtered) == 5
    assert {hit.post_title for hit in filtered} <= {f"Ein Spaziergang: p{n} 🚶" for n in (27, 28, 29)}
