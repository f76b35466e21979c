"""Reading back: post lists and their order, lookups, series, blogs and previous captures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sample_records import make_blog, make_capture, make_comment, make_post

from storage.archive import Archive
from storage.errors import NotFound
from storage.records import SeriesRef

TOKYO = timezone(timedelta(hours=9))
NEW_YORK = timezone(timedelta(hours=-5))


@pytest.fixture
def blog_ids(archive: Archive) -> tuple[int, int]:
    """Two blogs; the first has a three-part series saved out of order, with dates in mixed offsets."""
    first = archive.save_blog(make_blog())
    second = archive.save_blog(make_blog("https://other.example/", "Other"))
    # Same wall-clock hour, different offsets: Tokyo's 10:00 is the earliest instant, New York's the latest.
    parts = [
        ("part-3", SeriesRef("Long walks", 3), datetime(2022, 1, 3, 10, tzinfo=TOKYO)),
        ("part-1", SeriesRef("Long walks", 1), datetime(2022, 1, 3, 10, tzinfo=NEW_YORK)),
        ("part-2", SeriesRef("Long walks", 2), datetime(2022, 1, 3, 10, tzinfo=UTC)),
        ("aside", None, None),
    ]
    for slug, series, published in parts:
        archive.save_post(first, make_post(slug, series=series, published_at=published))
    archive.save_post(
        second,
        make_post("elsewhere", series=SeriesRef("Städtereisen", None), comments=(make_comment("e1"),)),
    )
    return first, second


def slugs(urls: list[str]) -> list[str]:
    return [url.rstrip("/").rsplit("/", 1)[1] for url in urls]


def test_list_posts_newest_first_by_instant_not_by_wall_clock(archive: Archive, blog_ids: tuple[int, int]) -> None:
    first, _ = blog_ids
    listed = archive.list_posts(blog_id=first)
    assert slugs([p.url for p in listed]) == ["part-1", "part-2", "part-3", "aside"]  # undated last
    assert slugs([p.url for p in archive.list_posts(blog_id=first, order="oldest")]) == [
        "aside",
        "part-3",
        "part-2",
        "part-1",
    ]
    assert listed[0].published_at == datetime(2022, 1, 3, 10, tzinfo=NEW_YORK)
    assert listed[0].comment_count == 4
    assert listed[0].series == SeriesRef("Long walks", 1)


def test_list_posts_pages_without_overlap(archive: Archive, blog_ids: tuple[int, int]) -> None:
    everything = [p.id for p in archive.list_posts()]
    assert len(everything) == 5 == archive.count_posts()
    pages = [p.id for offset in range(0, 5, 2) for p in archive.list_posts(offset=offset, limit=2)]
    assert pages == everything
    assert archive.count_posts(blog_id=blog_ids[1]) == 1


def test_list_posts_by_series_and_title(archive: Archive, blog_ids: tuple[int, int]) -> None:
    in_series = archive.list_posts(series="Long walks", order="series")
    assert [p.series.number for p in in_series if p.series] == [1, 2, 3]
    assert archive.list_posts(series="No such") == []
    titles = [p.title for p in archive.list_posts(order="title")]
    assert titles == sorted(titles, key=str.lower)
    with pytest.raises(ValueError):
        archive.list_posts(order="random")  # type: ignore[arg-type]


def test_find_post_by_id_or_url(archive: Archive, blog_ids: tuple[int, int]) -> None:
    post_id = archive.list_posts(blog_id=blog_ids[1])[0].id
    assert archive.find_post(str(post_id)) == post_id
    assert archive.find_post("https://quiet.example/elsewhere/") == post_id
    assert archive.find_post("https://quiet.example/elsewhere") == post_id
    assert archive.find_post("  https://quiet.example/elsewhere//  ") == post_id
    with pytest.raises(NotFound) as missing:
        archive.find_post("https://quiet.example/nope/")
    assert "threadbook list" in str(missing.value) and "nope" in str(missing.value)
    with pytest.raises(NotFound):
        archive.find_post("99999")
    with pytest.raises(NotFound):
        archive.load_post(99999)


def test_series_list_and_posts_in_part_order(archive: Archive, blog_ids: tuple[int, int]) -> None:
    first, second = blog_ids
    summaries = archive.list_series()
    assert [(s.name, s.blog_id, s.post_count) for s in summaries] == [
        ("Long walks", first, 3),
        ("Städtereisen", second, 1),
    ]
    posts = archive.load_series_posts("Long walks", with_asset_data=True)
    assert slugs([p.url for p in posts]) == ["part-1", "part-2", "part-3"]
    assert posts[0].images[0].data.startswith(b"\x89PNG")
    assert len(posts[0].comments) == 4


def test_unknown_series_lists_the_known_ones(archive: Archive, blog_ids: tuple[int, int]) -> None:
    with pytest.raises(NotFound) as missing:
        archive.load_series_posts("Short walks")
    message = str(missing.value)
    assert "'Short walks'" in message and "'Long walks'" in message and "'Städtereisen'" in message


def test_unnumbered_parts_come_after_numbered_ones_by_date(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    for slug, number, day in (("b", None, 2), ("a", None, 1), ("c", 7, 9)):
        archive.save_post(
            blog_id, make_post(slug, series=SeriesRef("S", number), published_at=datetime(2020, 1, day, tzinfo=UTC))
        )
    assert slugs([p.url for p in archive.load_series_posts("S")]) == ["c", "a", "b"]


def test_list_blogs_counts(archive: Archive, blog_ids: tuple[int, int]) -> None:
    summaries = {b.id: b for b in archive.list_blogs()}
    first, second = blog_ids
    assert (summaries[first].post_count, summaries[first].comment_count) == (4, 16)
    assert (summaries[second].post_count, summaries[second].comment_count) == (1, 1)
    assert summaries[second].title == "Other" and summaries[second].platform == "wordpress"


def test_load_blog_with_posts(archive: Archive, blog_ids: tuple[int, int]) -> None:
    blog = archive.load_blog(blog_ids[0], with_posts=True)
    assert blog.id == blog_ids[0] and len(blog.posts) == 4
    assert all(post.id is not None and post.comments for post in blog.posts)
    assert archive.load_blog(blog_ids[0]).posts == ()
    with pytest.raises(NotFound):
        archive.load_blog(12345)


def test_previous_capture_is_the_newest_successful_one(archive: Archive) -> None:
    url = "https://quiet.example/walk-1/"
    assert archive.previous_capture(url) is None
    old = make_capture(url, b"<html>old</html>", at=datetime(2025, 1, 1, tzinfo=UTC), etag='"old"')
    new = make_capture(url, b"<html>new</html>", at=datetime(2025, 2, 1, tzinfo=UTC), etag='"new"')
    failed = replace(make_capture(url, b"oops", at=datetime(2025, 3, 1, tzinfo=UTC)), status=500)
    for capture in (new, old, failed):
        archive.record_capture(capture)
    previous = archive.previous_capture(url)
    assert previous is not None and (previous.etag, previous.body) == ('"new"', b"<html>new</html>")


def test_previous_capture_found_by_final_url(archive: Archive) -> None:
    redirected = replace(
        make_capture("http://quiet.example/walk-1", b"<html>moved</html>"),
        final_url="https://quiet.example/walk-1/",
    )
    archive.record_capture(redirected)
    for url in ("http://quiet.example/walk-1", "https://quiet.example/walk-1/"):
        previous = archive.previous_capture(url)
        assert previous is not None and previous.body == b"<html>moved</html>"


def test_series_name_matches_exactly_then_ignoring_case(archive: Archive, blog_ids: tuple[int, int]) -> None:
    assert archive.series_name("Long walks") == "Long walks"
    assert archive.series_name("  LONG WALKS ") == "Long walks"
    assert archive.series_name("städtereisen") == "Städtereisen"
    assert len(archive.load_series_posts("long walks")) == 3
    with pytest.raises(NotFound, match="Known series: 'Long walks', 'Städtereisen'"):
        archive.series_name("Short walks")


def test_asset_for_url_returns_the_archived_image(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post = make_post()
    archive.save_post(blog_id, post)
    image = post.images[0]
    found = archive.asset_for_url(image.source_url)
    assert found == image  # same URL, sha, type, size, data and alt
    assert archive.asset_for_url("https://quiet.example/never-seen.png") is None
