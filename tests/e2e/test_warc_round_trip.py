"""WARC end to end: the sample blog's series exported as WARC and read back with warcio; a whole archive exported,
imported into a new archive and found equal, history included; bad files refused without touching the archive."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from desktop import imports, tasks
from desktop.history import load_history
from desktop.sampleserver import SampleBlogServer
from desktop.warc import WarcSelection, export_warc
from storage import history
from storage.archive import open_archive

# Every post asked again (not only those the blog says changed): each capture run is a version of every post.
RECHECK = tasks.ArchiveSettings(delay=0.0, recheck_all=True)
SERIES = "Guest Week"


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "desktop.cli", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def records(path: Path) -> list[Any]:
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            found.append(
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.rec_headers.get_header("WARC-Date"),
                    record.content_stream().read(),
                )
            )
    return found


def warc_date(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(scope="module")
def twice_archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample blog archived twice (the second run answered mostly 304), so revisits are in the export."""
    db = tmp_path_factory.mktemp("warc") / "archive.sqlite"
    with SampleBlogServer() as server:
        for _ in range(2):
            tasks.archive_blog(server.url, db_path=db, settings=RECHECK)
    return db


def test_the_series_anthology_as_warc_read_back_with_warcio(tmp_path: Path, twice_archived: Path) -> None:
    out = tmp_path / "guest-week.warc.gz"
    result = run("export", "--format", "warc", "--series", SERIES, "-o", str(out), db=twice_archived)
    assert result.returncode == 0, result.stderr
    assert "WARC of the selection" in result.stdout
    with open_archive(twice_archived) as archive:
        post_ids = [p.id for p in archive.list_posts(series=SERIES)]
        stored = list(history.iter_captures(archive, post_ids=post_ids))
        images = list(history.iter_post_images(archive, post_ids))
        bodies = {s.id: archive.capture_body(s.id) for s in stored}
    assert len(post_ids) == 6 and len(images) == 1
    found = records(out)
    assert found[0][0] == "warcinfo" and SERIES.encode() in found[0][3]
    data = [r for r in found if r[0] in ("response", "revisit")]
    pages = data[: len(stored)]
    assert [(r[1], r[2]) for r in pages] == [(s.capture.final_url, warc_date(s.capture.fetched_at)) for s in stored]
    for record, item in zip(pages, stored, strict=True):
        if item.capture.status == 304:
            assert record[0] == "revisit" and record[3] == b""
        else:
            assert record[0] == "response" and record[3] == bodies[item.id] == item.capture.body
    assert {r[0] for r in pages} == {"response", "revisit"}
    [image] = data[len(stored) :]
    assert image[1] == images[0].asset.source_url and image[3] == images[0].asset.data
    assert sum(1 for r in found if r[0] == "metadata") == len(data)


def test_a_whole_archive_round_trips_through_warc(tmp_path: Path, twice_archived: Path) -> None:
    out = tmp_path / "all.warc.gz"
    report = export_warc(db_path=twice_archived, out_path=out)
    assert report.responses > 19 and report.revisits > 0 and report.images == 3
    copy = tmp_path / "imported.sqlite"
    result = run("import", str(out), db=copy)
    assert result.returncode == 0, result.stderr
    assert "Web archive (WARC" in result.stdout
    with open_archive(twice_archived) as original, open_archive(copy) as imported:
        before = {p.url: original.load_post(p.id, with_asset_data=True) for p in original.list_posts()}
        after = {p.url: imported.load_post(p.id, with_asset_data=True) for p in imported.list_posts()}
        assert set(after) == set(before)
        for url, post in before.items():
            again = after[url]
            assert (again.title, again.body_md, again.author, again.published_at) == (
                post.title,
                post.body_md,
                post.author,
                post.published_at,
            ), url
            assert [(c.source_id, c.parent_source_id, c.body_md) for c in again.comments] == [
                (c.source_id, c.parent_source_id, c.body_md) for c in post.comments
            ], url
            assert [(i.source_url, i.sha256) for i in again.images] == [(i.source_url, i.sha256) for i in post.images]
            assert again.series == post.series
            first = original.find_post(url)
            copied = imported.find_post(url)
            theirs = [
                (s.capture.url, s.capture.fetched_at, s.capture.status, s.capture.tool_version, s.capture.body)
                for s in history.post_captures(imported, copied)
            ]
            ours = [
                (s.capture.url, s.capture.fetched_at, s.capture.status, s.capture.tool_version, s.capture.body)
                for s in history.post_captures(original, first)
            ]
            assert theirs == ours, url  # every fetch comes back: when, what was asked, status, tool, bytes
        [blog] = imported.list_blogs()
        assert blog.title == original.list_blogs()[0].title
    # The history survives the trip: two versions of each post, the second confirmed by a 304.
    some = next(iter(before))
    assert [v.status for v in load_history(copy, some).versions] == [
        v.status for v in load_history(twice_archived, some).versions
    ]


def test_importing_the_same_warc_twice_adds_nothing(tmp_path: Path, twice_archived: Path) -> None:
    out = export_warc(
        db_path=twice_archived, out_path=tmp_path / "one.warc.gz", selection=WarcSelection(post_ids=(1,))
    ).path
    copy = tmp_path / "copy.sqlite"
    imports.import_file(out, db_path=copy)
    counts = _counts(copy)
    again = imports.import_file(out, db_path=copy)
    assert again.posts_new == 0 and again.comments_new == 0
    assert _counts(copy) == counts


def _counts(db: Path) -> tuple[int, ...]:
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "comments", "captures"))
    finally:
        conn.close()


def test_a_truncated_warc_gz_is_refused_and_the_archive_untouched(tmp_path: Path, twice_archived: Path) -> None:
    whole = export_warc(db_path=twice_archived, out_path=tmp_path / "w.warc.gz").path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    plain = tmp_path / "cut.warc"
    plain.write_bytes(gzip.decompress(whole)[: len(gzip.decompress(whole)) // 3])
    db = tmp_path / "target.sqlite"
    shutil.copyfile(twice_archived, db)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for bad in (cut, plain):
        result = run("import", str(bad), db=db)
        assert result.returncode == 1, result.stdout
        assert "cut short or damaged" in result.stderr and "Traceback" not in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_a_selection_of_one_post_holds_only_its_captures(tmp_path: Path, twice_archived: Path) -> None:
    with open_archive(twice_archived) as archive:
        post = archive.list_posts(limit=1)[0]
        mine = {s.capture.final_url for s in history.post_captures(archive, post.id)}
    out = tmp_path / "post.warc.gz"
    result = run("export", "--format", "warc", "--post", str(post.id), "--no-images", "-o", str(out), db=twice_archived)
    assert result.returncode == 0, result.stderr
    uris = {r[1] for r in records(out) if r[0] in ("response", "revisit")}
    assert uris == mine


def test_the_series_anthology_and_a_blog_as_selections(tmp_path: Path, twice_archived: Path) -> None:
    db = tmp_path / "anthology.sqlite"
    shutil.copyfile(twice_archived, db)
    with open_archive(db) as archive:
        spec = archive.create_anthology("guests", from_series=SERIES)
        post_ids = [entry.post_id for entry in spec.entries]
        expected = {s.capture.final_url for i in post_ids for s in history.post_captures(archive, i)}
        blog = archive.list_blogs()[0]
    out = export_warc(db_path=db, out_path=tmp_path / "a.warc.gz", selection=WarcSelection(anthology="guests")).path
    found = records(out)
    pages = {r[1] for r in found if r[0] in ("response", "revisit") and "/wp-content/uploads/" not in r[1]}
    assert pages == expected
    assert b"anthology Guest Week" in found[0][3]
    whole = export_warc(db_path=db, out_path=tmp_path / "b.warc.gz", selection=WarcSelection(blog=blog.url))
    uris = {r[1] for r in records(whole.path)}
    assert {blog.url, blog.url + "feed/", blog.url + "wp-sitemap.xml"} <= uris  # the blog's own fetches come too
    assert expected < uris


def test_a_file_that_is_not_a_warc_names_the_formats(tmp_path: Path) -> None:
    fake = tmp_path / "pages.warc"
    fake.write_text("<!doctype html><html><body>Not an archive</body></html>", encoding="utf-8")
    result = run("import", str(fake), db=tmp_path / "never.sqlite")
    assert result.returncode == 1
    assert "not an export Threadbook can read" in result.stderr and "WARC" in result.stderr
    assert not (tmp_path / "never.sqlite").exists()
