"""The Disqus XML importer on export files of our own: visible comments only, display order, namespaced ids."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.imports import disqus
from ingest.imports.base import ThreadForUrl

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
SAMPLE = (FIXTURES / "disqus_sample_blog.xml").read_bytes()
WINTER = "http://sample-blog.test/2024/11/19/winter-opening-hours-and-a-thank-you/"
NEW_YEAR = "https://sample-blog.test/2024/01/09/a-new-year-at-the-composing-stick"
HIDDEN = ("Cheap watches", "DELETED-BY-AUTHOR", "DELETED-THREAD", "PENDING-COMMENT", "Testing the preview")


def threads() -> dict[str, ThreadForUrl]:
    result = disqus.parse(SAMPLE, source_name="export.xml")
    return {thread.post_url: thread for thread in result.threads}


def test_sniff_knows_a_disqus_export_and_nothing_else() -> None:
    assert disqus.sniff(SAMPLE[:65536])
    assert disqus.sniff(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- x -->\n<disqus xmlns='http://disqus.com'>")
    assert not disqus.sniff(b"<?xml version='1.0'?><rss><channel><title>disqus</title></channel></rss>")
    assert not disqus.sniff(b"<html><body><div id='disqus_thread'></div></body></html>")
    assert not disqus.sniff(b"")


def test_threads_keyed_by_normalised_post_url_and_duplicates_merged() -> None:
    found = threads()
    # The tracking-link thread of the winter post is merged into it; the deleted and the address-less are gone.
    assert sorted(found) == sorted([WINTER, NEW_YEAR, "http://sample-blog.test/2025/02/02/a-post-from-next-year/"])
    assert all(t.service == "disqus" for t in found.values())
    assert found[WINTER].title == "Winter opening hours and a thank-you"


def test_display_order_parents_and_depth() -> None:
    winter = threads()[WINTER].comments
    shape = [(c.source_id, c.parent_source_id, c.depth, c.position, c.author) for c in winter]
    assert shape == [
        ("disqus:5120001", None, 0, 0, "Helen Marsh"),
        # The reply to a deleted comment is shown where that comment was: at the top level.
        ("disqus:5120004", None, 0, 1, "Margaret Hollis"),
        ("disqus:5120005", None, 0, 2, "Zoë Ångström"),
        ("disqus:5120007", "disqus:5120005", 1, 0, "Margaret Hollis"),
        ("disqus:5120008", "disqus:5120007", 2, 0, "zoe_a"),  # no display name: the username
    ]
    assert winter[0].published_at == datetime(2024, 11, 19, 12, 0, tzinfo=UTC)
    assert all(c.kind == "comment" and c.author_url is None for c in winter)


def test_bodies_are_safe_markdown_and_hidden_comments_never_appear() -> None:
    found = threads()
    by_id = {c.source_id: c for t in found.values() for c in t.comments}
    assert by_id["disqus:5120001"].body_md == "Thank you for a wonderful year of **open days**. See you in January!"
    shop = by_id["disqus:5120005"].body_md
    assert "Will the shop be open on the 23rd?" in shop
    assert "alert" not in shop and "javascript" not in shop
    assert by_id["disqus:5120009"].body_md == "活版印刷、素晴らしいですね。"
    text = repr(found)
    assert not [word for word in HIDDEN if word in text]


def test_problems_say_what_was_left_out() -> None:
    result = disqus.parse(SAMPLE, source_name="export.xml")
    joined = "\n".join(result.problems)
    assert "Left out 1 deleted and 2 spam or unapproved comments" in joined
    assert "“Preview”" in joined and "isn't a web address" in joined


def test_external_entities_are_never_resolved() -> None:
    result = disqus.parse((FIXTURES / "disqus_entities.xml").read_bytes(), source_name="evil.xml")
    (thread,) = result.threads
    (comment,) = thread.comments
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert hostname not in comment.body_md and hostname not in comment.author
    assert comment.body_md.startswith("before") and comment.body_md.endswith("after")


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9, 0.999])
def test_a_truncated_export_is_a_user_error(cut: int) -> None:
    with pytest.raises(IngestError, match="cut short or damaged") as info:
        disqus.parse(SAMPLE[: int(len(SAMPLE) * cut)], source_name="export.xml")
    assert "export.xml" in str(info.value) and "\n" not in str(info.value)


def test_not_xml_at_all_is_a_user_error() -> None:
    with pytest.raises(IngestError):
        disqus.parse(b"<disqus><thread>", source_name="x.xml")
    with pytest.raises(IngestError, match="not a Disqus export"):
        disqus.parse(b"<?xml version='1.0'?><rss/>", source_name="x.xml")


def test_a_deep_thread_does_not_exhaust_the_stack() -> None:
    posts = "".join(
        f'<post dsq:id="{i}"><message>m{i}</message><createdAt>2024-01-01T00:00:{i % 60:02d}Z</createdAt>'
        f'<author><name>A{i}</name></author><thread dsq:id="t"/>'
        + (f'<parent dsq:id="{i - 1}"/>' if i > 1 else "")
        + "</post>"
        for i in range(1, 3001)
    )
    xml = (
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="t"><link>https://blog.example/p/</link><title>T</title></thread>' + posts + "</disqus>"
    ).encode()
    (thread,) = disqus.parse(xml, source_name="deep.xml").threads
    assert len(thread.comments) == 3000
    assert thread.comments[-1].depth == 2999 and thread.comments[-1].parent_source_id == "disqus:2999"
