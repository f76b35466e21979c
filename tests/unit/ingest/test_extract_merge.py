"""merge_comment_pages: dedup, display order, orphans, positions and depths."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from ingest.comments import merge_comment_pages
from ingest.extract import PostPage, extract_post_page
from storage.records import Comment

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
POST = "https://tea-notes.example/2024/03/03/why-i-blog-3/"
UTC1 = timezone(timedelta(hours=1))


def c(sid: str, parent: str | None = None, day: int | None = None, body: str = "text", author: str = "A") -> Comment:
    published = datetime(2024, 3, day, 12, 0, tzinfo=UTC1) if day else None
    return Comment(sid, parent, 0, 0, author, None, published, "comment", body)


def pg(number: int | None, *comments: Comment) -> PostPage:
    return PostPage(POST, POST, "wordpress", True, None, comments, (), number, ())


def shape(comments: tuple[Comment, ...]) -> list[tuple[str, str | None, int, int]]:
    return [(x.source_id, x.parent_source_id, x.position, x.depth) for x in comments]


def test_fixture_pages_merge_in_thread_order_whatever_the_fetch_order() -> None:
    first = extract_post_page((PAGES / "wp_classic_post.html").read_bytes(), POST)
    second = extract_post_page((PAGES / "wp_classic_post_comment_page_2.html").read_bytes(), POST + "comment-page-2/")
    expected = [
        ("101", None, 0, 0),
        ("102", "101", 0, 1),
        ("104", "102", 0, 2),
        ("105", "104", 0, 3),
        ("107", "105", 0, 4),
        ("103", None, 1, 0),
        ("106", None, 2, 0),
        ("108", None, 3, 0),
        ("109", "108", 0, 1),
        ("110", None, 4, 0),
    ]
    assert shape(merge_comment_pages([second, first])) == expected
    assert shape(merge_comment_pages([first, second])) == expected


def test_without_dates_order_is_page_number_then_page_order() -> None:
    # Fetched newest first; the post URL (number unknown) is the newest page and repeats page 3's comments.
    merged = merge_comment_pages(
        [pg(None, c("5"), c("6")), pg(3, c("5"), c("6")), pg(1, c("1"), c("2", "1")), pg(2, c("3"), c("4"))]
    )
    assert shape(merged) == [
        ("1", None, 0, 0),
        ("2", "1", 0, 1),
        ("3", None, 1, 0),
        ("4", None, 2, 0),
        ("5", None, 3, 0),
        ("6", None, 4, 0),
    ]


def test_dates_order_siblings_oldest_first() -> None:
    merged = merge_comment_pages([pg(1, c("9", day=5), c("8", day=2), c("7", "9", day=9), c("6", "9", day=6))])
    assert shape(merged) == [("8", None, 0, 0), ("9", None, 1, 0), ("6", "9", 0, 1), ("7", "9", 1, 1)]


def test_one_undated_sibling_falls_back_to_page_order() -> None:
    merged = merge_comment_pages([pg(1, c("b", day=5), c("a"), c("c", day=1))])
    assert [x.source_id for x in merged] == ["b", "a", "c"]


def test_duplicates_keep_the_richest_version_once() -> None:
    poor = c("1", body="short")
    rich = Comment(
        "1", None, 0, 0, "Anna", "https://anna.example/", datetime(2024, 3, 1, tzinfo=UTC1), "comment", "long"
    )
    merged = merge_comment_pages([pg(1, poor), pg(2, rich)])
    assert len(merged) == 1
    assert merged[0].author_url == "https://anna.example/" and merged[0].published_at is not None


def test_reply_whose_parent_is_missing_becomes_top_level() -> None:
    merged = merge_comment_pages([pg(1, c("1")), pg(2, c("2", "404"), c("3", "2"))])
    assert shape(merged) == [("1", None, 0, 0), ("2", None, 1, 0), ("3", "2", 0, 1)]


def test_parent_cycle_does_not_loop_or_lose_comments() -> None:
    merged = merge_comment_pages([pg(1, c("1", "2"), c("2", "1"))])
    assert shape(merged) == [("1", None, 0, 0), ("2", "1", 0, 1)]  # the cycle is broken at the first comment


def test_no_pages_no_comments() -> None:
    assert merge_comment_pages([]) == ()
