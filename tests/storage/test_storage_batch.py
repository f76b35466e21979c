"""Archive.batch(): many saves in one write transaction, kept whole or not at all."""

from __future__ import annotations

import pytest
from sample_records import make_blog, make_post

from storage.archive import Archive


def test_a_batch_keeps_every_save(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    with archive.batch():
        ids = [archive.save_post(blog_id, make_post(f"walk-{n}")).post_id for n in range(5)]
    assert archive.count_posts(blog_id=blog_id) == 5
    assert [archive.load_post(i).url for i in ids] == [f"https://quiet.example/walk-{n}/" for n in range(5)]
    assert archive.search("Spaziergang", limit=10)  # the full-text triggers ran inside the batch


def test_a_failing_batch_keeps_nothing_of_itself_and_everything_before(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    archive.save_post(blog_id, make_post("before"))
    with pytest.raises(RuntimeError, match="stopped"), archive.batch():
        archive.save_post(blog_id, make_post("walk-a"))
        archive.save_post(blog_id, make_post("walk-b"))
        raise RuntimeError("stopped half-way")
    assert [p.url for p in archive.list_posts(blog_id=blog_id)] == ["https://quiet.example/before/"]
    with archive.batch():  # the archive is usable again: the lock was released
        archive.save_post(blog_id, make_post("walk-a"))
    assert archive.count_posts(blog_id=blog_id) == 2
