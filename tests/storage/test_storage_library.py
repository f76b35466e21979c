"""Reads the desktop needs: post-list orders and filters, terms with counts, captures, search filters, watching."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sample_records import make_blog, make_capture, make_post

from storage.archive import Archive
from storage.errors import NotFound
from storage.records import SeriesRef
from storage.search import SearchFilters


@pytest.fixture
def two_blogs(archive: Archive) -> tuple[int, int]:
    quiet = archive.save_blog(make_blog())
    loud = archive.save_blog(make_blog("https://loud.example/", "Loud Notes"))
    archive.save_post(quiet, make_post("walk-1"))
    archive.save_post(
        quiet,
        make_post(
            "walk-2",
            title="Another walk",
            author="Adam",
            tags=("rain",),
            categories=("Walks",),
            comments=(),
            series=SeriesRef(name="Long walks", number=2),
            published_at=datetime(2022, 1, 1, tzinfo=UTC),
            captured_at=datetime(2024, 1, 1, tzinfo=UTC),
            captures=(make_capture("https://quiet.example/walk-2/", b"<p>two</p>"),),
        ),
    )
    archive.save_post(
        loud,
        replace(
            make_post("shout", title="Shouting", author="Xena", tags=(), categories=("News",), series=None),
            url="https://loud.example/shout/",
            captures=(),
            images=(),
            published_at=datetime(2023, 6, 1, tzinfo=UTC),
        ),
    )
    return quiet, loud


def titles(posts: list) -> list[str]:  # type: ignore[type-arg]
    return [post.title for post in posts]


def test_new_orders_page_the_whole_list(archive: Archive, two_blogs: tuple[int, int]) -> None:
    assert [p.author for p in archive.list_posts(order="author")] == ["Adam", "Xena", "Zoë Ängström"]
    assert [p.author for p in archive.list_posts(order="author_desc")] == ["Zoë Ängström", "Xena", "Adam"]
    assert archive.list_posts(order="comments")[-1].comment_count == 0
    assert archive.list_posts(order="fewest_comments")[0].comment_count == 0
    captured = archive.list_posts(order="captured")
    assert captured[-1].title == "Another walk"
    assert titles(archive.list_posts(order="captured_oldest"))[0] == "Another walk"
    assert titles(archive.list_posts(order="title_desc")) == sorted(titles(captured), key=str.casefold, reverse=True)
    assert titles(archive.list_posts(order="author", offset=1, limit=1)) == ["Shouting"]


def test_category_and_tag_filters_and_counts(archive: Archive, two_blogs: tuple[int, int]) -> None:
    quiet, _loud = two_blogs
    assert titles(archive.list_posts(tag="rain", order="title")) == ["Another walk", "Ein Spaziergang: walk-1 🚶"]
    assert titles(archive.list_posts(category="News")) == ["Shouting"]
    assert archive.count_posts(category="Walks") == 2 and archive.count_posts(blog_id=quiet, tag="日本語") == 1
    assert archive.count_posts(series="Long walks") == 2 and archive.count_posts(tag="nothing") == 0


def test_terms_with_counts_per_blog(archive: Archive, two_blogs: tuple[int, int]) -> None:
    quiet, loud = two_blogs
    terms = {(t.kind, t.name, t.blog_id): t.post_count for t in archive.list_terms()}
    assert terms[("series", "Long walks", quiet)] == 2
    assert terms[("category", "Walks", quiet)] == 2
    assert terms[("category", "News", loud)] == 1
    assert terms[("tag", "rain", quiet)] == 2
    assert {t.blog_id for t in archive.list_terms(blog_id=loud)} == {loud}
    kinds = [t.kind for t in archive.list_terms()]
    assert kinds == sorted(kinds, key=["series", "category", "tag"].index)


def test_captures_of_a_post_and_their_raw_bodies(archive: Archive, two_blogs: tuple[int, int]) -> None:
    post_id = archive.find_post("https://quiet.example/walk-2/")
    captures = archive.list_post_captures(post_id)
    assert [(c.url, c.status, c.size) for c in captures] == [("https://quiet.example/walk-2/", 200, 10)]
    assert archive.capture_body(captures[0].id) == b"<p>two</p>"
    with pytest.raises(NotFound):
        archive.capture_body(999_999)


def test_search_filters(archive: Archive, two_blogs: tuple[int, int]) -> None:
    quiet, loud = two_blogs
    everything = archive.search("walked")
    assert len([h for h in everything if h.kind == "post"]) == 3
    assert {h.post_title for h in archive.search("walked", filters=SearchFilters(blog_id=loud))} == {"Shouting"}
    assert {h.post_title for h in archive.search("walked", filters=SearchFilters(tag="rain", blog_id=quiet))} == {
        "Another walk",
        "Ein Spaziergang: walk-1 🚶",
    }
    series_hits = archive.search("walked", filters=SearchFilters(series="Long walks"))
    assert {h.post_title for h in series_hits} == {"Another walk", "Ein Spaziergang: walk-1 🚶"}
    dated = archive.search("walked", filters=SearchFilters(since=datetime(2022, 6, 1, tzinfo=UTC)))
    assert {h.post_title for h in dated} == {"Shouting"}
    commented = archive.search("walked", filters=SearchFilters(has_comments=True, blog_id=quiet))
    assert {h.post_title for h in commented if h.kind == "post"} == {"Ein Spaziergang: walk-1 🚶"}
    by_author = archive.search("walked", filters=SearchFilters(author="xen"))
    assert [h.post_title for h in by_author] == ["Shouting"]
    hostile = archive.search("walked", filters=SearchFilters(author="%' OR 1=1 --"))
    assert hostile == []


def test_watch_settings(archive: Archive, two_blogs: tuple[int, int]) -> None:
    quiet, loud = two_blogs
    assert [w.watched for w in archive.list_watch_settings()] == [False, False]
    archive.set_watch(loud, watched=True, interval_hours=6)
    watched = {w.id: w for w in archive.list_watch_settings()}
    assert watched[loud].watched and watched[loud].interval_hours == 6.0 and not watched[quiet].watched
    with pytest.raises(NotFound):
        archive.set_watch(12345, watched=True)
