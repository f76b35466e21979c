"""The Isso reader against a fake Isso API: paging of top-level comments and replies, old servers, deleted ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from comment_system_fakes import FakeIsso, context, isso_comment, serving

from ingest.comment_systems.api import ThreadUnreadable
from ingest.comment_systems.detect import DetectedSystem
from ingest.comment_systems.isso import read_thread


def found(base: str) -> DetectedSystem:
    return DetectedSystem("isso", (("api", base + "/isso/"), ("uri", "/2024/05/sourdough/")))


def thread_of_nine() -> list[dict[str, object]]:
    # Top level 1, 2, 3, 4, 5 (created in that order); 1 has replies 6, 7, 8; 3 has reply 9.
    tops = [isso_comment(i, None, 1000.0 + i) for i in range(1, 6)]
    replies = [isso_comment(6, 1, 2000.0), isso_comment(7, 1, 2001.0), isso_comment(8, 1, 2002.0)]
    return [*tops, *replies, isso_comment(9, 3, 2003.0, website="https://nine.example/")]


@pytest.mark.parametrize("old", [False, True], ids=["offset", "old-isso-after"])
def test_every_page_of_a_paged_thread_is_read_in_display_order(old: bool) -> None:
    fake = FakeIsso(thread_of_nine(), old=old)
    with serving(fake) as (server, fetcher):
        thread = read_thread(found(server.base), context(fetcher, server, page_size=2))
        queries = [r.query for r in server.api_requests()]
    ids = [(c.source_id, c.parent_source_id, c.depth, c.position) for c in thread.comments]
    expected = [
        ("isso:1", None, 0, 0),
        ("isso:6", "isso:1", 1, 0),
        ("isso:7", "isso:1", 1, 1),
        ("isso:8", "isso:1", 1, 2),
        ("isso:2", None, 0, 1),
        ("isso:3", None, 0, 2),
        ("isso:9", "isso:3", 1, 0),
        ("isso:4", None, 0, 3),
        ("isso:5", None, 0, 4),
    ]
    if old:  # without `offset`, the replies past the first page can't be reached: said, not hidden
        expected.remove(("isso:8", "isso:1", 1, 2))
    assert ids == expected
    assert thread.comments[0].author == "Author 1" and thread.comments[0].body_md == "Isso comment 1"
    assert next(c for c in thread.comments if c.source_id == "isso:9").author_url == "https://nine.example/"
    assert thread.comments[0].published_at == datetime.fromtimestamp(1001.0, tz=UTC)
    assert {r["uri"] for r in queries} == {"/2024/05/sourdough/"}
    if old:
        assert not thread.complete and thread.problems == ("Isso said this thread has 9 comments; 8 were read.",)
    else:
        assert thread.complete
        assert any(r.get("parent") == "1" and r.get("offset") == "2" for r in queries)
        assert len(thread.captures) == len(queries)


def test_a_deleted_comment_keeps_its_place_for_its_replies() -> None:
    comments = [
        isso_comment(1, None, 1.0, mode=4, author=None, text=""),
        isso_comment(2, 1, 2.0),
    ]
    with serving(FakeIsso(comments)) as (server, fetcher):
        thread = read_thread(found(server.base), context(fetcher, server))
    assert [(c.source_id, c.author, c.body_md) for c in thread.comments] == [
        ("isso:1", "", ""),
        ("isso:2", "Author 2", "Isso comment 2"),
    ]


def test_unknown_thread_is_empty_and_a_wrong_address_is_explained() -> None:
    with serving(FakeIsso([])) as (server, fetcher):
        empty = read_thread(found(server.base), context(fetcher, server))
        unknown = read_thread(
            DetectedSystem("isso", (("api", server.base + "/nowhere/"), ("uri", "/x/"))), context(fetcher, server)
        )
        with pytest.raises(ThreadUnreadable, match=r"Isso couldn't be read: .*refused access \(403\)"):
            read_thread(
                DetectedSystem("isso", (("api", server.base + "/forbidden/"), ("uri", "/x/"))),
                context(fetcher, server),
            )
    assert empty.comments == () and empty.complete
    assert unknown.comments == () and not unknown.complete  # 404: old Isso's "no thread yet", or a wrong address
    with pytest.raises(ThreadUnreadable, match="doesn't say where the Isso server is"):
        read_thread(DetectedSystem("isso", ()), context(fetcher, server))
