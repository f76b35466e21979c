"""A post's history (Qt-free; the CLI and the GUI run it): its text and thread at each capture, and what changed.

The archive keeps every fetch of a post's pages with its raw body, so the history is rebuilt from those: each fetch
of the post's own page starts a *version*, read with the crawler's extractors together with the comment pages of
the same visit (`ingest/imports/pages.py`). Nothing new is stored. Two versions compare as a unified diff of the
post's Markdown (title first) and three lists of comments: appeared, changed (text edited) and disappeared. The
archive never deletes a disappeared comment; it marks it `removed_at`, which the diff shows beside it.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ingest.imports.pages import rebuild_posts
from storage import history
from storage.archive import Archive, open_archive
from storage.errors import NotFound
from storage.history import CommentState
from storage.records import Comment

log = logging.getLogger(__name__)


class VersionNotFound(NotFound):
    """A version number the post's history does not have."""


@dataclass(frozen=True, slots=True)
class PostVersion:
    """The post as one capture of its page showed it, with the thread read from that visit's comment pages."""

    number: int  # 1 = the oldest capture
    capture_id: int  # the fetch of the post's own page
    fetched_at: datetime
    status: int  # of that fetch: 200, or 304 when the server said "not modified"
    title: str
    body_md: str
    comments: tuple[Comment, ...]
    capture_ids: tuple[int, ...]  # every stored fetch this version was read from (the post page first)
    pages: int  # pages of the thread read, the post page included
    text_changed: bool  # title or text differ from the previous version (True for the first)
    thread_changed: bool  # a comment appeared, changed or disappeared since the previous version

    @property
    def text(self) -> str:
        """What the diff compares: the title as a heading, then the Markdown body."""
        return f"# {self.title}\n\n{self.body_md}".rstrip() + "\n"


@dataclass(frozen=True, slots=True)
class PostHistory:
    post_id: int
    url: str
    title: str  # as archived now
    versions: tuple[PostVersion, ...]  # oldest first
    archived_comments: tuple[CommentState, ...]  # what the archive holds, removed ones included
    note: str = ""  # for the user, when there is no history to show and why


@dataclass(frozen=True, slots=True)
class CommentChange:
    source_id: str
    author: str
    before: str | None  # the comment's Markdown in the older version (None: it was not there)
    after: str | None  # in the newer version (None: gone)
    removed_at: datetime | None = None  # when the archive marked it removed (kept, never deleted)
    text_diff: str = ""  # unified diff of the comment's text, for a changed one


@dataclass(frozen=True, slots=True)
class VersionDiff:
    older: PostVersion
    newer: PostVersion
    text_diff: str  # unified diff of `PostVersion.text`; "" when the text is the same
    appeared: tuple[CommentChange, ...]
    changed: tuple[CommentChange, ...]
    disappeared: tuple[CommentChange, ...]

    @property
    def same(self) -> bool:
        return not (self.text_diff or self.appeared or self.changed or self.disappeared)


def load_history(db_path: Path, post_ref: str) -> PostHistory:
    """The history of the post `post_ref` names (row id or URL); raises `NotFound`."""
    with open_archive(db_path) as archive:
        return post_history(archive, archive.find_post(post_ref))


def post_history(archive: Archive, post_id: int) -> PostHistory:
    """Every version of a post, one per stored fetch of its page, oldest first."""
    head = history.post_head(archive, post_id)
    stored = history.post_captures(archive, post_id)
    ids = {id(item.capture): item.id for item in stored}
    rebuilt = rebuild_posts([item.capture for item in stored], only_url=head.url)
    if not rebuilt:  # a post whose stored URL differs from its page's canonical one: take every post rebuilt
        rebuilt = rebuild_posts([item.capture for item in stored])
    versions: list[PostVersion] = []
    for number, item in enumerate(rebuilt, start=1):
        previous = versions[-1] if versions else None
        post = item.post
        text_changed = previous is None or (previous.title, previous.body_md) != (post.title, post.body_md)
        thread_changed = previous is not None and _thread_key(previous.comments) != _thread_key(post.comments)
        versions.append(
            PostVersion(
                number=number,
                capture_id=ids[id(item.page)],
                fetched_at=item.page.fetched_at,
                status=item.page.status,
                title=post.title,
                body_md=post.body_md,
                comments=post.comments,
                capture_ids=tuple(ids[id(c)] for c in item.captures if id(c) in ids),
                pages=item.comment_pages,
                text_changed=text_changed,
                thread_changed=thread_changed,
            )
        )
    note = ""
    if not versions:
        note = (
            "No captured web page of this post is in the archive (it was imported from an export file, or its pages "
            "were not kept), so there is no history to show."
        )
    return PostHistory(
        post_id=post_id,
        url=head.url,
        title=head.title,
        versions=tuple(versions),
        archived_comments=tuple(history.comment_states(archive, post_id)),
        note=note,
    )


def _thread_key(comments: tuple[Comment, ...]) -> dict[str, str]:
    return {c.source_id: c.body_md for c in comments}


def version(post: PostHistory, number: int) -> PostVersion:
    """Version `number` (1 = oldest; 0 or negative count back from the newest: 0 is the newest)."""
    count = len(post.versions)
    index = number - 1 if number > 0 else count - 1 + number
    if not 0 <= index < count:
        raise VersionNotFound(
            f"This post has {count} captures; there is no capture {number}. Run `threadbook history POST` to list them."
        )
    return post.versions[index]


def diff_versions(post: PostHistory, older: int, newer: int) -> VersionDiff:
    """What changed from version `older` to version `newer` (numbers as `version` takes them)."""
    a, b = version(post, older), version(post, newer)
    text_diff = "".join(
        difflib.unified_diff(
            a.text.splitlines(keepends=True),
            b.text.splitlines(keepends=True),
            fromfile=f"capture {a.number} ({a.fetched_at:%Y-%m-%d %H:%M:%S} UTC)",
            tofile=f"capture {b.number} ({b.fetched_at:%Y-%m-%d %H:%M:%S} UTC)",
        )
    )
    removed_at = {state.source_id: state.removed_at for state in post.archived_comments}
    before = {c.source_id: c for c in a.comments}
    after = {c.source_id: c for c in b.comments}
    appeared = tuple(
        CommentChange(c.source_id, c.author, None, c.body_md) for sid, c in after.items() if sid not in before
    )
    disappeared = tuple(
        CommentChange(c.source_id, c.author, c.body_md, None, removed_at=removed_at.get(sid))
        for sid, c in before.items()
        if sid not in after
    )
    changed = tuple(
        CommentChange(
            sid,
            after[sid].author,
            c.body_md,
            after[sid].body_md,
            text_diff="".join(
                difflib.unified_diff(
                    c.body_md.splitlines(keepends=True),
                    after[sid].body_md.splitlines(keepends=True),
                    fromfile=f"capture {a.number}",
                    tofile=f"capture {b.number}",
                )
            ),
        )
        for sid, c in before.items()
        if sid in after and after[sid].body_md != c.body_md
    )
    return VersionDiff(a, b, text_diff, appeared, changed, disappeared)


def history_to_dict(post: PostHistory, diff: VersionDiff | None = None) -> dict[str, object]:
    """The history (and a diff) as plain JSON-ready values, for `threadbook history --json`."""
    document: dict[str, object] = {
        "post": {"id": post.post_id, "url": post.url, "title": post.title},
        "versions": [
            {
                "number": v.number,
                "capture_id": v.capture_id,
                "fetched_at": v.fetched_at.isoformat(),
                "status": v.status,
                "title": v.title,
                "text_changed": v.text_changed,
                "thread_changed": v.thread_changed,
                "comments": len(v.comments),
                "pages": v.pages,
                "capture_ids": list(v.capture_ids),
            }
            for v in post.versions
        ],
        "note": post.note,
    }
    if diff is not None:

        def change(c: CommentChange) -> dict[str, object]:
            return {
                "source_id": c.source_id,
                "author": c.author,
                "before": c.before,
                "after": c.after,
                "removed_at": c.removed_at.isoformat() if c.removed_at else None,
            }

        document["diff"] = {
            "from": diff.older.number,
            "to": diff.newer.number,
            "text_diff": diff.text_diff,
            "comments_appeared": [change(c) for c in diff.appeared],
            "comments_changed": [change(c) for c in diff.changed],
            "comments_disappeared": [change(c) for c in diff.disappeared],
        }
    return document
