"""The Blogger export importer on our own export files: both formats and Takeout's feed.atom."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.imports import blogger_atom, detect_importer
from ingest.imports.blogger_atom import BloggerExportUnreadable

IMPORTS = Path(__file__).parents[2] / "fixtures" / "imports"
NEW = IMPORTS / "blogger-export-2018.xml"
LEGACY = IMPORTS / "blogger-export-legacy.xml"
TAKEOUT = IMPORTS / "blogger-takeout" / "Takeout" / "Blogger" / "Blogs" / "Fenwalk Notes" / "feed.atom"


@pytest.mark.parametrize("path", [NEW, LEGACY, TAKEOUT])
def test_the_registry_picks_the_blogger_importer(path: Path) -> None:
    assert detect_importer(path.read_bytes()[:65536]).NAME == "blogger-atom"


def test_sniff_refuses_other_atom_and_other_xml() -> None:
    assert not blogger_atom.sniff(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><id>x</id>")
    assert not blogger_atom.sniff(b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>")


def test_newer_export_keeps_visible_posts_with_threads_and_leaves_out_the_rest() -> None:
    result = blogger_atom.parse(NEW.read_bytes(), source_name=NEW.name)
    (blog,) = result.blogs
    assert (blog.url, blog.title, blog.platform) == (
        "https://kettleandcompost.blogspot.com/",
        "Kettle & Compost",
        "blogger",
    )
    assert [p.title for p in blog.posts] == ["Rhubarb, forcing jars, and a cold March", "The worm bin census"]
    rhubarb, worms = blog.posts
    # no alternate link: the address comes from blogger:filename on the blog's home
    assert rhubarb.url == "https://kettleandcompost.blogspot.com/2024/03/rhubarb-forcing-jars.html"
    assert rhubarb.categories == ("rhubarb", "winter jobs")
    assert [(c.source_id, c.parent_source_id, c.depth) for c in worms.comments] == [
        ("9001000000000000001", None, 0),
        ("9001000000000000002", "9001000000000000001", 1),
        ("9001000000000000003", None, 0),
    ]
    assert worms.comments[0].body_md == "Egg boxes! I have been using **coir** all this time."
    assert "alert" not in worms.comments[0].body_md
    assert worms.comment_count_expected == 3
    everything = repr(result)
    assert "SECRET-DRAFT-TEXT" not in everything and "Cheap Trowels" not in everything
    assert "About the allotment" not in everything
    assert len(result.problems) == 3


def test_older_export_threads_by_related_link_and_skips_drafts() -> None:
    result = blogger_atom.parse(LEGACY.read_bytes(), source_name=LEGACY.name)
    (blog,) = result.blogs
    assert blog.title == "Le carnet de Mireille"
    assert [p.source_id for p in blog.posts] == ["7730001122334455667", "2209317745180062215"]  # oldest first
    compost = blog.posts[1]
    assert [(c.author, c.parent_source_id) for c in compost.comments] == [
        ("Gaspard", None),
        ("Mireille Dufresne", "5550001"),
        ("Anonyme", None),
    ]
    assert compost.comments[0].published_at is not None
    assert compost.comments[0].published_at.isoformat() == "2009-05-12T15:04:00+02:00"
    assert "BROUILLON-SECRET" not in repr(result) and "sur un brouillon" not in repr(result)
    assert result.problems == ("Left out 1 draft or unpublished post: visitors never saw them.",)


def test_takeout_feed_without_a_home_link_takes_the_posts_site() -> None:
    result = blogger_atom.parse(TAKEOUT.read_bytes(), source_name=TAKEOUT.name)
    (blog,) = result.blogs
    assert blog.url == "https://www.fenwalknotes.org/"
    (post,) = blog.posts
    assert [c.depth for c in post.comments] == [0, 1, 0]
    assert result.problems == ()


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_a_truncated_export_is_a_user_error(cut: float) -> None:
    data = NEW.read_bytes()
    with pytest.raises(BloggerExportUnreadable, match="Back up content"):
        blogger_atom.parse(data[: int(len(data) * cut)], source_name="backup.xml")


def test_an_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = NEW.read_bytes().replace(
        b"<feed ", f'<!DOCTYPE feed [<!ENTITY x SYSTEM "file://{secret}">]><feed '.encode(), 1
    )
    data = data.replace(b"<title>Kettle &amp; Compost</title>", b"<title>Kettle &x;</title>", 1)
    try:
        result = blogger_atom.parse(data, source_name="evil.xml")
    except BloggerExportUnreadable:
        return
    assert "TOP-SECRET" not in repr(result)
