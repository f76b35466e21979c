"""A post's history end to end: archive the sample blog, change a post and take a comment down upstream, archive
again; `threadbook history` then shows the text diff and the removed comment (kept in the archive, marked removed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop import tasks
from desktop.history import diff_versions, load_history
from desktop.sampleserver import SampleBlogServer

# Every post asked again (not only those the blog says changed): each capture run is a version of every post.
RECHECK = tasks.ArchiveSettings(delay=0.0, recheck_all=True)
ADDED = "Update, a year on: the Adana now lives at the village school, and it still leaks oil."
EDITED = "I take that back: it was a Kelsey Excelsior, and the rollers were fine."


@dataclass(frozen=True)
class ChangedBlog:
    db: Path
    origin: str
    post: dict[str, Any]  # the changed post in the truth
    removed: str  # the comment id taken down upstream
    edited: str  # the comment id whose text was edited upstream
    quiet: dict[str, Any]  # a post nobody changed


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "desktop.cli", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, env=_env())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def changed_blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChangedBlog]:
    import make_sample_blog  # tools/, on sys.path via tests/conftest.py

    root = tmp_path_factory.mktemp("history")
    site = root / "site"
    truth = make_sample_blog.build_site(site)
    post = next(p for p in truth["posts"] if p["comment_pages"] == 3)
    parents = {c["parent"] for c in post["comments"] if c["parent"]}
    leaves = [c["id"] for c in post["comments"] if c["id"] not in parents]
    quiet = next(p for p in truth["posts"] if p["comments"] and p["path"] != post["path"] and not p["protected"])
    db = root / "archive.sqlite"
    with SampleBlogServer(site) as server:
        tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
        make_sample_blog.build_site(
            site,
            changed_posts=[{"post_path": post["path"], "append": ADDED}],
            removed_comments=[leaves[0]],
            edited_comments={leaves[1]: EDITED},
        )
        report = tasks.archive_blog(server.url, db_path=db, settings=RECHECK)
        assert (report.posts_changed, report.comments_removed) == (1, 1)
        yield ChangedBlog(db, server.origin, post, leaves[0], leaves[1], quiet)
    shutil.rmtree(site, ignore_errors=True)


def test_history_lists_both_captures_and_what_changed(changed_blog: ChangedBlog) -> None:
    result = run("history", changed_blog.origin + changed_blog.post["path"], db=changed_blog.db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert changed_blog.post["title"] in out
    rows = [line for line in out.splitlines() if "│" in line]
    assert len(rows) == 2, out
    assert "first capture" in rows[0] and str(len(changed_blog.post["comments"])) in rows[0]
    assert "changed" in rows[1] and "-1 gone" in rows[1], rows[1]
    assert str(len(changed_blog.post["comments"]) - 1) in rows[1]
    assert "1 comment went away upstream; the archive keeps it, marked removed." in out


def test_history_diff_shows_the_text_and_the_removed_comment(changed_blog: ChangedBlog) -> None:
    result = run("history", changed_blog.origin + changed_blog.post["path"], "--diff", "1", "2", db=changed_blog.db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"+{ADDED}" in out
    assert "Comments that disappeared: 1" in out and f"#{changed_blog.removed} " in out
    assert "kept in the archive, marked removed" in out
    assert "Comments edited: 1" in out and f"+{EDITED}" in out
    assert "Comments that appeared" not in out


def test_history_json_for_scripts(changed_blog: ChangedBlog) -> None:
    result = run(
        "history", changed_blog.origin + changed_blog.post["path"], "--from", "1", "--json", db=changed_blog.db
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [v["number"] for v in document["versions"]] == [1, 2]
    assert [v["text_changed"] for v in document["versions"]] == [True, True]
    assert document["versions"][1]["thread_changed"] is True
    diff = document["diff"]
    assert (diff["from"], diff["to"]) == (1, 2)
    assert f"+{ADDED}" in diff["text_diff"]
    [gone] = diff["comments_disappeared"]
    assert gone["source_id"] == changed_blog.removed and gone["after"] is None and gone["removed_at"]
    [edited] = diff["comments_changed"]
    assert edited["source_id"] == changed_blog.edited and EDITED in edited["after"]
    assert diff["comments_appeared"] == []


def test_an_unchanged_post_has_two_identical_versions(changed_blog: ChangedBlog) -> None:
    record = load_history(changed_blog.db, changed_blog.origin + changed_blog.quiet["path"])
    assert [v.status for v in record.versions] == [200, 304]  # the second run was answered "not modified"
    assert [v.text_changed for v in record.versions] == [True, False]
    assert not record.versions[1].thread_changed
    assert diff_versions(record, 1, 2).same
    assert len(record.versions[1].comments) == len(changed_blog.quiet["comments"])


def test_the_removed_comment_stays_in_the_archive(changed_blog: ChangedBlog) -> None:
    record = load_history(changed_blog.db, changed_blog.origin + changed_blog.post["path"])
    states = {s.source_id: s for s in record.archived_comments}
    assert states[changed_blog.removed].removed_at is not None
    assert states[changed_blog.edited].removed_at is None and states[changed_blog.edited].body_md == EDITED
    assert record.versions[0].pages == 3  # the whole thread was read for each version


def test_bad_version_numbers_and_posts_are_one_line_errors(changed_blog: ChangedBlog) -> None:
    result = run("history", changed_blog.origin + changed_blog.post["path"], "--diff", "1", "7", db=changed_blog.db)
    assert result.returncode == 1
    assert "has 2 captures; there is no capture 7" in result.stderr and "Traceback" not in result.stderr
    missing = run("history", changed_blog.origin + "/no/such/post/", db=changed_blog.db)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and missing.stderr.strip()


def test_the_sample_blog_refuses_edits_it_cannot_make(tmp_path: Path) -> None:
    import make_sample_blog

    truth = make_sample_blog.build_site(tmp_path / "site")
    post = next(p for p in truth["posts"] if p["comment_pages"] == 3)
    parent = next(c["parent"] for c in post["comments"] if c["parent"])
    with pytest.raises(ValueError, match="has replies"):
        make_sample_blog.build_site(tmp_path / "site", removed_comments=[parent])
    with pytest.raises(KeyError, match="no comment 999999"):
        make_sample_blog.build_site(tmp_path / "site", removed_comments=["999999"])
    with pytest.raises(KeyError, match="is not in its text"):
        make_sample_blog.build_site(
            tmp_path / "site", changed_posts=[{"post_path": post["path"], "replace": [["no such words", "x"]]}]
        )
    changed = make_sample_blog.build_site(
        tmp_path / "site", changed_posts=[{"post_path": post["path"], "title": "New"}]
    )
    assert next(p for p in changed["posts"] if p["path"] == post["path"])["title"] == "New"
