"""Detection of the comment system a page embeds, on hand-written fixture pages (tests/fixtures/comment_systems)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.comment_systems.detect import LABELS, detect_comment_system

FIXTURES = Path(__file__).parents[2] / "fixtures" / "comment_systems"
PAGES = Path(__file__).parents[2] / "fixtures" / "pages"
POST_URL = "https://crumb.example/2024/05/sourdough/"


def detect(name: str, url: str = POST_URL) -> tuple[str, dict[str, str], int | None] | None:
    found = detect_comment_system((FIXTURES / name).read_bytes(), url)
    if found is None:
        return None
    return found.name, dict(found.details), found.expected


CASES = [
    (
        "disqus_universal.html",
        "disqus",
        {"shortname": "crumbjournal", "identifier": "post-1187", "url": POST_URL},
        143,
    ),
    ("disqus_shortname_var.html", "disqus", {"shortname": "oldcrumbs", "identifier": "2011/03/rye"}, None),
    ("disqus_hugo.html", "disqus", {"shortname": "hugo-crumbs", "url": POST_URL}, None),
    (
        "disqus_wp_plugin.html",
        "disqus",
        {"shortname": "crumbjournal", "identifier": "1187 https://crumb.example/?p=1187", "url": POST_URL},
        None,
    ),
    ("isso_basic.html", "isso", {"api": "https://comments.crumb.example/", "uri": "/2024/05/sourdough/"}, 12),
    (
        "isso_subpath.html",
        "isso",
        {"api": "https://crumb.example/isso/", "uri": "/2023/rye-bread", "title": "Rye bread, again"},
        None,
    ),
    ("isso_no_data_attr.html", "isso", {"api": "https://crumb.example/comments/"}, None),
    ("remark42.html", "remark42", {"api": "https://remark.crumb.example", "site": "crumb", "url": POST_URL}, 7),
    ("remark42_minimal.html", "remark42", {"api": "https://remark.crumb.example", "site": "remark"}, None),
    (
        "commento.html",
        "commento",
        {"api": "https://commento.io", "domain": "crumb.example", "path": "/sourdough-notes"},
        None,
    ),
    (
        "commento_selfhosted.html",
        "commento",
        {"api": "https://talk.crumb.example", "path": "/2024/05/sourdough/"},
        None,
    ),
    (
        "giscus.html",
        "giscus",
        {
            "repo": "crumbjournal/site-comments",
            "repo_id": "R_kgDOExample",
            "category": "Announcements",
            "category_id": "DIC_kwDOExample4CXyz",
            "mapping": "pathname",
            "term": "2024/05/sourdough/",
        },
        None,
    ),
    ("giscus_specific.html", "giscus", {"mapping": "specific", "term": "Sourdough thread"}, None),
    (
        "utterances.html",
        "utterances",
        {"repo": "crumbjournal/blog-comments", "mapping": "pathname", "term": "2024/05/sourdough/"},
        None,
    ),
    ("utterances_number.html", "utterances", {"mapping": "number", "term": "7"}, None),
    ("hyvor.html", "hyvor", {}, None),
    ("facebook.html", "facebook", {}, None),
    ("cusdis.html", "cusdis", {}, None),
    ("cactus.html", "cactus", {}, None),
    ("hashover.html", "hashover", {}, None),
    ("graphcomment.html", "graphcomment", {}, None),
    ("coral.html", "coral", {}, None),
    ("discourse.html", "discourse", {}, None),
]
NO_SYSTEM = ["none_mentions_disqus.html"]


@pytest.mark.parametrize(("fixture", "name", "details", "expected"), CASES)
def test_each_system_is_named_with_what_reaching_it_takes(
    fixture: str, name: str, details: dict[str, str], expected: int | None
) -> None:
    found = detect(fixture)
    assert found is not None, fixture
    assert found[0] == name
    assert {key: found[1].get(key) for key in details} == details
    assert found[2] == expected
    assert name in LABELS


def test_every_fixture_page_is_covered_by_a_test() -> None:
    named = {p.name for p in FIXTURES.glob("*.html")}
    assert named == {case[0] for case in CASES} | set(NO_SYSTEM)


@pytest.mark.parametrize("fixture", NO_SYSTEM)
def test_a_post_that_only_talks_about_comment_systems_has_none(fixture: str) -> None:
    assert detect(fixture) is None


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.glob("*.html")))
def test_ordinary_blog_pages_have_no_system(page: str) -> None:
    assert detect_comment_system((PAGES / page).read_bytes(), POST_URL) is None


def test_isso_uri_is_the_path_the_page_was_read_at() -> None:
    found = detect_comment_system((FIXTURES / "isso_basic.html").read_bytes(), "http://127.0.0.1:8000/posts/a b/?x=1")
    assert found is not None and found.detail("uri") == "/posts/a b/"


def test_utterances_title_mapping_uses_the_page_title() -> None:
    html = (FIXTURES / "utterances.html").read_text().replace('issue-term="pathname"', 'issue-term="og:title"')
    found = detect_comment_system(html, POST_URL)
    assert found is not None and found.detail("term") == "Notes on sourdough starters"


def test_empty_and_broken_pages_are_none() -> None:
    assert detect_comment_system(b"", POST_URL) is None
    assert detect_comment_system("<html><body><script>var disqus_shortname = 'x", POST_URL) is not None  # truncated
    assert detect_comment_system("<p>disqus_shortname = 'x'</p>", POST_URL) is None
