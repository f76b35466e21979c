"""extract_post_page + merge_comment_pages on every post of resources/sample_blog, against its ground truth."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ingest.comments import merge_comment_pages
from ingest.extract import PostPage, extract_post_page
from storage.records import SeriesRef

ROOT = Path(__file__).resolve().parents[3] / "resources"
SITE = ROOT / "sample_blog"
TRUTH_FILE = ROOT / "sample_blog.truth.json"

pytestmark = pytest.mark.skipif(not TRUTH_FILE.exists(), reason="the sample blog has not been generated")


def truth() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TRUTH_FILE.read_text(encoding="utf-8"))
    return data


def post_ids() -> list[str]:
    return [post["path"] for post in truth()["posts"]] if TRUTH_FILE.exists() else []


def pages_of(path: str, origin: str) -> list[PostPage]:
    """The post page, then every comment page it links to (read from disk), as a crawler would find them."""
    url = origin + path
    first = extract_post_page((SITE / path.strip("/") / "index.html").read_bytes(), url)
    pages, seen, queue = [first], {url}, list(first.comment_page_urls)
    while queue:
        link = queue.pop(0)
        if link in seen:
            continue
        seen.add(link)
        assert link.startswith(origin), link
        file = SITE / link[len(origin) :].split("?")[0].strip("/") / "index.html"
        result = extract_post_page(file.read_bytes(), link)
        pages.append(result)
        queue.extend(result.comment_page_urls)
    return pages


def plain(markdown: str) -> str:
    """Markdown reduced to its words: link text kept, emphasis and escapes dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?m)^(> ?)+", "", text)
    return " ".join(re.sub(r"[*_`\\]", "", text).split())


def date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@pytest.mark.parametrize("path", post_ids())
def test_sample_post_matches_truth(path: str) -> None:
    data = truth()
    origin = data["origin_placeholder"]
    expected = next(post for post in data["posts"] if post["path"] == path)
    pages = pages_of(path, origin)
    numbers = {p.comment_page_number for p in pages if p.comments}  # the post URL repeats the newest page
    assert len(numbers) == (expected["comment_pages"] if expected["comments"] else 0)
    post = pages[0].post
    assert pages[0].platform == "wordpress"
    assert post is not None
    assert post.url == origin + path
    assert post.title == expected["title"]
    assert post.author == expected["author"]
    assert post.source_id == expected["source_id"]
    assert post.published_at == date(expected["published_at"])
    assert post.updated_at == date(expected["updated_at"])
    assert list(post.categories) == expected["categories"]
    assert list(post.tags) == expected["tags"]
    assert post.protected == expected["protected"]
    assert post.language == expected["language"]
    assert post.comment_count_expected == expected["comment_count_expected"]
    series = expected["series"]
    assert post.series == (SeriesRef(series["name"], series["number"]) if series else None)
    if expected["protected"]:
        assert post.body_md == ""
    merged = merge_comment_pages(pages)
    got = [(c.source_id, c.parent_source_id, c.author, c.author_url, c.kind, c.depth, c.position) for c in merged]
    want = [
        (c["id"], c["parent"], c["author"], c["author_url"], c["kind"], c["depth"], c["position"])
        for c in expected["comments"]
    ]
    assert got == want
    for comment, wanted in zip(merged, expected["comments"], strict=True):
        if wanted["kind"] == "comment":
            assert comment.published_at == date(wanted["published_at"]), comment.source_id
        else:  # WordPress themes print no date for pingbacks and trackbacks: unknowable from the page
            assert comment.published_at in (None, date(wanted["published_at"]))
        assert " ".join(wanted["text"].split()) in plain(comment.body_md)


def test_static_page_is_not_a_post() -> None:
    data = truth()
    origin = data["origin_placeholder"]
    for entry in data["not_posts"]:
        file = SITE / entry["path"].strip("/") / "index.html"
        if file.exists():
            result = extract_post_page(file.read_bytes(), origin + entry["path"])
            assert not result.is_post, entry["path"]
