"""Hatena Blog: which pages the `hatena` platform claims, and the comments it reads from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import detect_platform, extract_post_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platforms"
ENTRY = FIXTURES / "hatena" / "hatena_blog_entry.html"


@pytest.mark.parametrize(
    "url", ["https://kumo-no-niwa.hatenablog.com/entry/2022/06/18/203000", "https://niwa.example.jp/entry/2022/06/18"]
)
def test_hatena_entry_is_claimed_by_host_or_markup(url: str) -> None:
    assert detect_platform(ENTRY.read_bytes(), url) == "hatena"


@pytest.mark.parametrize(
    "path", ["generic/no_comments_related_sidebar.html", "livejournal/moss_garden_entry.html", "wordpress/epoch.html"]
)
def test_other_platforms_pages_are_not_claimed(path: str) -> None:
    assert detect_platform((FIXTURES / path).read_bytes(), "https://blog.example/post") != "hatena"


def test_hatena_comments_have_their_ids_user_names_and_times() -> None:
    page = extract_post_page(ENTRY.read_bytes(), "https://kumo-no-niwa.hatenablog.com/entry/2022/06/18/203000")
    assert page.post is not None
    assert (page.post.title, page.post.author) == ("梅干しを初めて漬けた", "kumo_no_niwa")
    assert page.post.categories == ("保存食",)
    assert "赤紫蘇" not in page.post.body_md
    got = [(c.source_id, c.author, c.published_at and c.published_at.isoformat(), c.body_md) for c in page.comments]
    assert got == [
        ("4207112889891234567", "umeko_t", "2022-06-19T01:05:00+00:00", "赤紫蘇は入れますか？うちは七月に入れます。"),
        (
            "4207112889891239999",
            "kumo_no_niwa",
            "2022-06-19T12:40:00+00:00",
            "今年は白干しにします。来年は紫蘇も挑戦したいです。",
        ),
    ]
    assert page.comments[0].author_url == "https://blog.hatena.ne.jp/umeko_t/"
