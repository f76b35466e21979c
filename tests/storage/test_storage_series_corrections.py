"""Hand corrections of a series survive re-archiving; anthologies made from a series grow with it, keeping choices."""

from __future__ import annotations

from dataclasses import replace

from sample_records import make_blog, make_post

from storage.archive import Archive
from storage.records import SeriesRef


def save_part(archive: Archive, blog_id: int, number: int, *, series: str | None = "Walks") -> int:
    post = make_post(f"walk-{number}", title=f"Walks #{number}", series=SeriesRef(series, number) if series else None)
    return archive.save_post(blog_id, post).post_id


def parts(archive: Archive, name: str) -> list[tuple[int | None, int]]:
    return [(p.number, p.post_id) for r in archive.series_reports(name) for p in r.parts]


def test_corrections_survive_a_re_archive(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    ids = [save_part(archive, blog_id, n) for n in (1, 2, 3)]
    stray = save_part(archive, blog_id, 9, series=None)
    archive.set_post_series(stray, "Walks")
    archive.set_post_number(stray, 4)
    archive.set_post_series(ids[1], None)
    archive.rename_series("walks", "Winter Walks")
    # The blog is archived again: detection says what it said before.
    for n in (1, 2, 3):
        save_part(archive, blog_id, n)
    save_part(archive, blog_id, 9, series=None)
    assert parts(archive, "Winter Walks") == [(1, ids[0]), (3, ids[2]), (4, stray)]
    assert archive.series_reports("Winter Walks")[0].detected_names == ("Walks",)
    # A new part found later under the detected name joins the renamed series.
    new = save_part(archive, blog_id, 5)
    assert parts(archive, "Winter Walks")[-1] == (5, new)
    archive.clear_series_correction(ids[1])
    assert (2, ids[1]) in parts(archive, "Winter Walks")


def test_anthology_from_series_appends_new_parts_and_keeps_choices(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    ids = [save_part(archive, blog_id, n) for n in (1, 2)]
    spec = archive.create_anthology("Book", from_series="Walks", editor="E. D.")
    assert [e.post_id for e in spec.entries] == ids and spec.title == "Walks"
    comment = archive.load_post(ids[0]).comments[0].source_id
    archive.set_comment_choice("Book", ids[0], comment, "exclude")
    archive.move_anthology_item("Book", ids[1], 0)
    new = save_part(archive, blog_id, 3)
    assert archive.refresh_anthology("book") == [new]
    spec = archive.load_anthology_spec("Book")
    assert [e.post_id for e in spec.entries] == [ids[1], ids[0], new]
    assert spec.entries[1].choices[0].choice == "exclude"
    built = archive.build_anthology("Book")
    assert comment not in {c.source_id for c in built.items[1].post.comments}
    assert archive.refresh_anthology("Book") == []


def test_edits_never_touch_the_archived_text(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = save_part(archive, blog_id, 1)
    original = archive.load_post(post_id).body_md
    archive.create_anthology("Book", from_series="Walks")
    archive.set_edited_text("Book", post_id, "Shorter.")
    assert archive.load_post(post_id).body_md == original
    assert archive.build_anthology("Book").items[0].post.body_md == "Shorter."
    archive.set_edited_text("Book", post_id, None)
    assert archive.build_anthology("Book").items[0].post.body_md == original


def test_privacy_initials_and_reader(archive: Archive) -> None:
    blog_id = archive.save_blog(make_blog())
    post_id = archive.save_post(blog_id, replace(make_post("walk-1"), series=SeriesRef("Walks", 1))).post_id
    archive.create_anthology("Book", from_series="Walks")
    authors = [c.author for c in archive.load_post(post_id).comments if c.kind == "comment"]
    archive.update_anthology("Book", commenter_names="reader", omit_commenter_urls=True)
    built = archive.build_anthology("Book").items[0].post
    post_author = archive.load_post(post_id).author
    assert {c.author for c in built.comments if c.kind == "comment" and c.author != post_author} <= {"A reader"}
    assert all(c.author_url is None for c in built.comments)
    assert authors
