"""The sample blog's Guest Week series as an anthology, built once per test process: archived from the loopback
sample server into a temporary archive, made into an anthology with a section, a note and an introduction, and
a hostile post appended for the tests that check web content stays inert."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from desktop import tasks
from desktop.exports import _blogs_by_post
from desktop.sampleserver import SampleBlogServer
from storage.archive import open_archive
from storage.records import Anthology, AnthologyItem, Blog, Comment, Post, anthology_items

SERIES = "Guest Week"
EDITOR = "Margaret Hollis"
INTRO = "Six guests wrote for the blog in the summer of 2024. **Zanzibar** marks the introduction."
SECTION = "The second half"
NOTE = "Written in the week of the *fair*."
HOSTILE_TITLE = "</title><script>alert(1)</script>"
HOSTILE_SECTION = "</section><script>alert(12)</script> & more"
HOSTILE_COMMENT = (
    '<img src=x onerror="alert(2)"> and a [link](javascript:alert(3)) and <a href="javascript:alert(4)">a</a>'
)


@functools.lru_cache(maxsize=1)
def sample_archive() -> Path:
    """The sample blog archived once (no delay) into a folder removed when the tests end."""
    folder = Path(tempfile.mkdtemp(prefix="threadbook-formats-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = folder / "archive.sqlite"
    with SampleBlogServer() as server:
        tasks.archive_blog(server.url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0))
    with open_archive(db) as archive:
        archive.create_anthology("GW", from_series=SERIES, editor=EDITOR, introduction_md=INTRO)
        spec = archive.load_anthology_spec("GW")
        archive.set_anthology_item("GW", spec.entries[0].post_id, note_md=NOTE)
        archive.set_anthology_item("GW", spec.entries[3].post_id, section=SECTION)
    return db


@functools.lru_cache(maxsize=1)
def _built() -> tuple[Anthology, dict[str, Blog]]:
    with open_archive(sample_archive()) as archive:
        anthology = archive.build_anthology("GW")
        blogs = _blogs_by_post(archive, [i.post for i in anthology_items(anthology)], archive.anthology_blog_ids("GW"))
    return replace(anthology, created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)), blogs


def series_anthology() -> Anthology:
    """The Guest Week anthology: six parts, a note on part 1, a section opening at part 4, an introduction."""
    return _built()[0]


def series_blogs() -> dict[str, Blog]:
    """Post URL -> the sample blog, for citations."""
    return _built()[1]


def hostile_post() -> Post:
    """A post whose title, author, text and comments try to become markup or script."""
    return Post(
        url='https://evil.example/post?x="1"&y=<2>',
        title=HOSTILE_TITLE,
        author='<b onmouseover="alert(5)">Mallory</b>',
        published_at=datetime(2024, 7, 1, 12, 0, tzinfo=UTC),
        updated_at=None,
        body_md=(
            '<script>alert(6)</script>\n\n<iframe src="https://evil.example/"></iframe>\n\n'
            "A [javascript link](javascript:alert(7)) and <style>body{display:none}</style> and "
            "![pic](file:///etc/passwd) and [data](data:text/html;base64,PHNjcmlwdD4=).\n"
        ),
        comments=(
            Comment(
                "x1", None, 0, 0, "<script>alert(8)</script>", "javascript:alert(9)", None, "comment", HOSTILE_COMMENT
            ),
            Comment("x2", "x1", 0, 1, "Trudy & <Co>", None, None, "comment", "<svg onload=alert(10)></svg> reply"),
        ),
        tags=('tag: "quoted"\nnew line',),
        categories=("- dash", "key: value"),
    )


def hostile_anthology() -> Anthology:
    """The series anthology with the hostile post as its last item."""
    anthology = series_anthology()
    hostile = AnthologyItem(post=hostile_post(), section=HOSTILE_SECTION, note_md="<script>alert(11)</script>")
    items = (*anthology_items(anthology), hostile)
    return replace(anthology, items=items, posts=tuple(item.post for item in items))


@functools.lru_cache(maxsize=1)
def private_anthology() -> Anthology:
    """The series as a second anthology whose commenters print as initials, without their web addresses."""
    with open_archive(sample_archive()) as archive:
        archive.create_anthology("GW private", from_series=SERIES, editor=EDITOR)
        archive.update_anthology("GW private", commenter_names="initials", omit_commenter_urls=True)
        return archive.build_anthology("GW private")
