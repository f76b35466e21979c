"""The WordPress export (WXR) importer: what a visitor could read comes in, threads intact; nothing else does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ingest.imports import wxr
from ingest.imports.base import ImportResult
from storage.records import Post

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "wxr_quiet_orchard.xml"
LEAKS = (
    "SPAM-TEXT",
    "PENDING-TEXT",
    "TRASH-TEXT",
    "SECRET-",
    "DRAFT-TEXT",
    "PRIVATE-TEXT",
    "PAGE-TEXT",
    "192.0.2.10",
    "@",
)


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return wxr.parse(FIXTURE.read_bytes(), source_name="orchard.xml")


def post(result: ImportResult, title_start: str) -> Post:
    return next(p for p in result.blogs[0].posts if p.title.startswith(title_start))


def test_sniffs_a_wxr_file_and_nothing_else() -> None:
    assert wxr.sniff(FIXTURE.read_bytes()[:4096])
    assert not wxr.sniff(b'<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>')
    assert not wxr.sniff(b"<disqus></disqus>")
    assert wxr.NAME == "wxr" and wxr.DESCRIPTION


def test_one_blog_with_only_its_published_posts_oldest_first(result: ImportResult) -> None:
    (blog,) = result.blogs
    assert (blog.url, blog.title, blog.platform, blog.language) == (
        "https://orchard.example/blog",
        "The Quiet Orchard",
        "wordpress",
        "en-GB",
    )
    assert [p.title for p in blog.posts] == [
        "Winter pruning, part 1: the old Bramley",
        "Winter pruning, part 2: the pears",
        "Gate code for volunteers",
    ]
    assert any("pages" in line for line in result.problems)
    assert any("unpublished" in line for line in result.problems)


def test_post_fields(result: ImportResult) -> None:
    first = post(result, "Winter pruning, part 1")
    assert first.url == "https://orchard.example/blog/2024/01/14/winter-pruning-1/"
    assert (first.source_id, first.author) == ("21", "Hedda Quist")
    assert first.published_at is not None and first.published_at.isoformat() == "2024-01-14T10:00:00+01:00"
    assert first.updated_at is not None and first.updated_at.utcoffset() == timedelta(hours=1)
    assert (first.categories, first.tags) == (("Pruning",), ("apples", "old trees"))
    assert "**ninety years old**" in first.body_md and "wp:paragraph" not in first.body_md
    assert [a.source_url for a in first.images] == [
        "https://orchard.example/blog/wp-content/uploads/2024/01/bramley.jpg"
    ]
    assert first.series is not None and first.series.number == 1


def test_classic_text_gets_its_paragraphs_and_line_breaks(result: ImportResult) -> None:
    second = post(result, "Winter pruning, part 2")
    assert second.author == "Oskar Brenner"
    paragraphs = second.body_md.split("\n\n")
    assert len(paragraphs) == 2 and paragraphs[1] == "Then stand back, and look again."
    assert paragraphs[0] == "Pears want less cutting than apples.\\\nTake out the dead wood first."


def test_the_thread_in_display_order_with_parents_kinds_and_dates(result: ImportResult) -> None:
    comments = post(result, "Winter pruning, part 1").comments
    assert [(c.source_id, c.parent_source_id, c.depth, c.position, c.kind) for c in comments] == [
        ("101", None, 0, 0, "comment"),
        ("104", "101", 1, 0, "comment"),
        ("105", "104", 2, 0, "comment"),
        ("102", None, 0, 1, "comment"),
        ("109", None, 0, 2, "comment"),  # its parent is spam: WordPress shows it at the top level
        ("103", None, 0, 3, "pingback"),
        ("110", None, 0, 4, "trackback"),
    ]
    first = comments[0]
    assert (first.author, first.author_url) == ("Rosa Lindgren", "https://rosa.example/")
    assert first.published_at is not None and first.published_at.isoformat() == "2024-01-14T12:00:00+01:00"
    assert first.body_md == "Ninety! Does it still crop?\n\nOurs gave up at sixty."
    assert comments[3].author_url is None  # javascript: never becomes a link
    assert "[This one](https://saws.example/)" in comments[3].body_md
    assert comments[5].author == "Pear Diary – notes"


def test_nothing_a_visitor_cannot_see_is_imported(result: ImportResult) -> None:
    protected = post(result, "Gate code")
    assert protected.protected and protected.body_md == "" and protected.comments == ()
    text = repr(result.blogs)
    for leak in LEAKS:
        assert leak not in text.replace("Pear Diary", ""), leak
    assert any("comments left out" in line for line in result.problems)


def test_entities_and_external_files_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-FILE-CONTENT")
    data = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}"><!ENTITY big "BIGBIGBIG">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>T</title><link>https://x.example/</link>"
        "<item><title>P &leak; &big;</title><link>https://x.example/p/</link>"
        "<content:encoded>&leak;</content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        "</channel></rss>"
    ).encode()
    result = wxr.parse(data, source_name="evil.xml")
    assert "LOCAL-FILE-CONTENT" not in repr(result) and "BIGBIG" not in repr(result)
    assert [p.url for p in result.blogs[0].posts] == ["https://x.example/p/"]


@pytest.mark.parametrize("cut", [200, 1500, 5000])
def test_a_truncated_export_is_a_user_error(cut: int) -> None:
    with pytest.raises(wxr.WxrUnreadable, match="cut short or damaged"):
        wxr.parse(FIXTURE.read_bytes()[:cut], source_name="orchard.xml")
