"""`threadbook import` as a user runs it: a real process on export files of our own, against a real archive."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from desktop import imports
from desktop.sampleserver import SampleBlogServer
from storage.archive import open_archive
from storage.records import Post

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
DISQUS = FIXTURES / "disqus_sample_blog.xml"
WINTER = "/2024/11/19/winter-opening-hours-and-a-thank-you/"
NEW_YEAR = "/2024/01/09/a-new-year-at-the-composing-stick/"
HIDDEN = ("Cheap watches", "DELETED-BY-AUTHOR", "DELETED-THREAD", "PENDING-COMMENT", "Testing the preview")


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "desktop.cli", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def disqus_for(server: SampleBlogServer, tmp_path: Path, *, gzipped: bool = False) -> Path:
    """The Disqus fixture pointed at the loopback sample blog (its links name the placeholder host)."""
    host = server.url.split("://", 1)[1].rstrip("/")
    data = DISQUS.read_bytes().replace(b"sample-blog.test", host.encode())
    path = tmp_path / ("disqus.xml.gz" if gzipped else "disqus.xml")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def post_at(db: Path, server: SampleBlogServer, path: str) -> Post:
    with open_archive(db) as archive:
        return archive.load_post(archive.find_post(server.url.rstrip("/") + path))


def test_disqus_threads_attach_to_archived_posts(
    archived_db: Path, sample_server: SampleBlogServer, tmp_path: Path
) -> None:
    own_before = post_at(archived_db, sample_server, NEW_YEAR).comments
    result = run("import", str(disqus_for(sample_server, tmp_path)), db=archived_db)
    assert result.returncode == 0, result.stderr
    assert "2 threads attached" in result.stdout
    assert "archive the blog first, then import again" in result.stdout
    assert "/2025/02/02/a-post-from-next-year/" in result.stdout

    winter = post_at(archived_db, sample_server, WINTER).comments
    assert [(c.source_id, c.parent_source_id, c.depth, c.author) for c in winter] == [
        ("disqus:5120001", None, 0, "Helen Marsh"),
        ("disqus:5120004", None, 0, "Margaret Hollis"),
        ("disqus:5120005", None, 0, "Zoë Ångström"),
        ("disqus:5120007", "disqus:5120005", 1, "Margaret Hollis"),
        ("disqus:5120008", "disqus:5120007", 2, "zoe_a"),
    ]
    # Matched under https and without the slash; the blog's own thread first, untouched, then Disqus's.
    new_year = post_at(archived_db, sample_server, NEW_YEAR).comments
    assert new_year[: len(own_before)] == own_before
    assert [c.source_id for c in new_year[len(own_before) :]] == ["disqus:5120009"]
    conn = sqlite3.connect(archived_db)
    try:
        text = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert not [word for word in HIDDEN if word in text]
    assert "file://" not in text


def test_importing_twice_adds_nothing(archived_db: Path, sample_server: SampleBlogServer, tmp_path: Path) -> None:
    export = disqus_for(sample_server, tmp_path, gzipped=True)
    first = run("import", str(export), db=archived_db)
    assert first.returncode == 0, first.stderr

    def counts() -> tuple[int, int, int]:
        conn = sqlite3.connect(archived_db)
        try:
            return tuple(
                conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "comments", "captures")
            )  # type: ignore[return-value]
        finally:
            conn.close()

    before = counts()
    second = run("import", str(export), db=archived_db)
    assert second.returncode == 0, second.stderr
    assert "(0 new)" in second.stdout
    assert counts() == before


def test_import_records_provenance_without_a_file_url(
    archived_db: Path, sample_server: SampleBlogServer, tmp_path: Path
) -> None:
    imports.import_file(disqus_for(sample_server, tmp_path), db_path=archived_db)
    captures = post_at(archived_db, sample_server, WINTER).captures
    imported = [c for c in captures if c.status == 0]
    assert len(imported) == 1
    assert imported[0].url == sample_server.url.rstrip("/") + WINTER
    assert dict(imported[0].headers)["x-threadbook-import"] == "disqus"
    assert imported[0].content_sha256 == hashlib.sha256((tmp_path / "disqus.xml").read_bytes()).hexdigest()


def test_a_later_crawl_never_marks_disqus_comments_removed(
    archived_db: Path, sample_server: SampleBlogServer, tmp_path: Path
) -> None:
    imports.import_file(disqus_for(sample_server, tmp_path), db_path=archived_db)
    with open_archive(archived_db) as archive:
        post_id = archive.find_post(sample_server.url.rstrip("/") + NEW_YEAR)
        post = archive.load_post(post_id)
        blog_id = archive.list_blogs()[0].id
        own = tuple(c for c in post.comments if not c.source_id.startswith("disqus:"))
        # What a crawl saves: the blog's own thread, complete, without the Disqus comments it can't see.
        archive.save_post(blog_id, replace(post, comments=own, id=None, captures=()), thread_complete=True)
        after = archive.load_post(post_id).comments
    assert [c.source_id for c in after] == [c.source_id for c in post.comments]
    assert all(c.removed_at is None for c in after)


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "cut.xml"
    path.write_bytes(DISQUS.read_bytes()[:3000])
    return path


def _bad_gzip(tmp_path: Path) -> Path:
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(gzip.compress(DISQUS.read_bytes())[:500])
    return path


def _html(tmp_path: Path) -> Path:
    path = tmp_path / "page.xml"
    path.write_text("<!doctype html><html><body><div id='disqus_thread'></div></body></html>", encoding="utf-8")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    return path


BAD_INPUTS = {
    "truncated": (_truncated, "cut short or damaged"),
    "bad-gzip": (_bad_gzip, "can't be unpacked"),
    "not-an-export": (_html, "not an export Threadbook can read"),
    "empty": (_empty, "empty"),
    "directory": (lambda tmp: tmp, "is a folder"),
    "missing": (lambda tmp: tmp / "nope.xml", "Couldn't read"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_1_and_the_archive_is_untouched(
    case: str, archived_db: Path, tmp_path: Path
) -> None:
    make, expected = BAD_INPUTS[case]
    folder = tmp_path / "in"
    folder.mkdir()
    before = dump(archived_db)
    result = run("import", str(make(folder)), db=archived_db)
    assert result.returncode == 1
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert dump(archived_db) == before


def test_a_bad_file_never_creates_an_archive(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    result = run("import", str(_truncated(tmp_path)), db=db)
    assert result.returncode == 1 and not db.exists()
