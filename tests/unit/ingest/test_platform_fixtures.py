"""Each platform fixture page against its `<name>.expected.json`: platform, post fields, and the thread.

`comment_count` is the thread's size; `comments_in_html: false` marks a platform that draws its thread by script,
where the page can only state the count (checked against `comment_count_expected`) and must yield no comments.
A comment's `id` of null means the page gives none (a content hash is used).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.extract import PostPage, extract_post_page

PLATFORMS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "platforms"
MINE = ("drupal", "substack", "medium", "ghost", "squarespace", "tumblr", "generic")
CASES = sorted(path for name in MINE for path in (PLATFORMS_DIR / name).glob("*.expected.json"))


def load(expected_path: Path) -> tuple[dict[str, Any], PostPage]:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    html = expected_path.with_name(expected_path.name.replace(".expected.json", ".html")).read_bytes()
    return expected, extract_post_page(html, expected["url"])


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.name.split('.')[0]}" for p in CASES])
def test_fixture_page_matches_expected(path: Path) -> None:
    expected, page = load(path)
    post = page.post
    assert page.platform == expected["platform"]
    assert page.is_post and post is not None
    assert post.url == expected["url"]
    assert post.title == expected["title"]
    assert post.author == expected["author"]
    assert iso(post.published_at) == expected["published_at"]
    for text in expected["body_contains"]:
        assert text in post.body_md
    got = [
        {"id": c.source_id, "parent": c.parent_source_id, "author": c.author, "published_at": iso(c.published_at)}
        for c in page.comments
    ]
    want = expected["comments"]
    for row, wanted in zip(got, want, strict=False):
        if wanted["id"] is None:
            row["id"] = None
    assert got == want
    if expected.get("comments_in_html", True):
        assert len(page.comments) == expected["comment_count"]
    else:
        assert page.comments == ()
        assert post.comment_count_expected == expected["comment_count"]


def test_every_platform_has_a_fixture() -> None:
    assert {path.parent.name for path in CASES} == set(MINE)


def test_tumblr_likes_and_reblogs_are_not_comments() -> None:
    _, page = load(PLATFORMS_DIR / "tumblr" / "text_post.expected.json")
    bodies = " ".join(c.body_md for c in page.comments)
    assert "liked this" not in bodies and "great haul" not in bodies
    assert [c.body_md for c in page.comments][0] == "the silver one might be a silver Y? they love lamps"


def test_drupal_comment_bodies_leave_out_subject_links_and_meta() -> None:
    _, page = load(PLATFORMS_DIR / "drupal" / "olivero_article.expected.json")
    assert [c.body_md for c in page.comments] == [
        "Terracotta every time. Pack straw round the forcer if the frost gets hard.",
        "Good tip about the straw, thank you. We lost one crown to frost in 2022.",
        "Where do you get terracotta forcers now? The garden centre only has plastic ones.",
    ]
    assert page.post is not None and page.post.tags == ("rhubarb", "winter")
    assert page.post.source_id == "17"


def test_related_posts_footnotes_and_sidebar_forum_are_not_comments() -> None:
    _, page = load(PLATFORMS_DIR / "generic" / "no_comments_related_sidebar.expected.json")
    assert page.comments == ()
    assert page.post is not None and "pothos" in page.post.body_md  # the footnote stays in the body


def test_jsonld_comment_bodies_are_markdown() -> None:
    _, page = load(PLATFORMS_DIR / "generic" / "jsonld_comments.expected.json")
    assert [c.body_md for c in page.comments][-1] == "¿Y con capo?"
    assert [c.depth for c in page.comments] == [0, 1, 0]
