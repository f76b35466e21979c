"""LiveJournal and Dreamwidth: which pages the `livejournal` platform claims, and the threads it reads from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import detect_platform, extract_post_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms"

# Dreamwidth core2 markup, written for these tests (no expected.json: not in the quality corpus).
# A reply's `div.comment-thread` follows its parent's comment.
DREAMWIDTH_ENTRY = (FIXTURES / "livejournal" / "dreamwidth_entry.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["moss_garden_entry", "quiet_entry"])
def test_livejournal_fixture_pages_are_claimed_by_livejournal(name: str) -> None:
    html = (FIXTURES / "livejournal" / f"{name}.html").read_bytes()
    assert detect_platform(html, f"https://mossgarden.livejournal.com/{name}.html") == "livejournal"


def test_markup_alone_is_enough_on_a_custom_domain() -> None:
    html = (FIXTURES / "livejournal" / "moss_garden_entry.html").read_bytes()
    assert detect_platform(html, "https://journal.mossgarden.example/48213.html") == "livejournal"


@pytest.mark.parametrize(
    "path",
    ["generic/no_comments_related_sidebar.html", "movabletype/mt_classic_entry.html", "drupal/olivero_article.html"],
)
def test_other_platforms_pages_are_not_claimed(path: str) -> None:
    assert detect_platform((FIXTURES / path).read_bytes(), "https://blog.example/post") != "livejournal"


def test_livejournal_thread_reads_ids_authors_dates_and_the_anonymous_commenter() -> None:
    html = (FIXTURES / "livejournal" / "moss_garden_entry.html").read_bytes()
    page = extract_post_page(html, "https://mossgarden.livejournal.com/48213.html")
    assert page.post is not None and page.post.source_id == "48213"
    assert page.post.comment_count_expected == 4
    got = [(c.source_id, c.author, c.published_at and c.published_at.isoformat()) for c in page.comments]
    assert got == [
        ("91402", "fernhill", "2023-10-14T21:31:00+00:00"),
        ("91658", "mossgarden", "2023-10-15T07:02:00+00:00"),
        ("91914", "fernhill", "2023-10-15T08:45:00+00:00"),
        ("92170", "(Anonymous)", "2023-10-16T12:10:00+00:00"),
    ]
    assert page.comments[0].body_md == "Buttermilk works, but it smells for a week. Yoghurt is gentler."
    assert page.comments[0].author_url == "https://fernhill.livejournal.com/"
    assert "Reply" not in page.comments[1].body_md and "Parent" not in page.comments[1].body_md


def test_dreamwidth_comments_are_read_in_page_order() -> None:
    page = extract_post_page(DREAMWIDTH_ENTRY, "https://wrenfield.dreamwidth.org/5521.html")
    assert page.platform == "livejournal"
    assert page.post is not None
    assert page.post.title == "Winter seeds"
    assert page.post.author == "wrenfield"
    assert page.post.body_md == "Sorted the seed tin tonight. Half the packets are older than the cat."
    got = [(c.source_id, c.parent_source_id, c.depth, c.author, c.body_md) for c in page.comments]
    assert got == [
        ("7001", None, 0, "hollybank", "Sow the old ones thickly and see what comes up."),
        # The parent is named only by the reply's "Parent" link (`?thread=7001#t7001`).
        ("7257", "7001", 1, "wrenfield", "That is the plan for the beans."),
    ]
    assert page.comments[1].published_at is not None and page.comments[1].published_at.hour == 20
