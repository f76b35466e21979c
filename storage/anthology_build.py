"""Applying an anthology's choices to archived posts (pure): which comments print, excerpts, edited texts, privacy.

The rules are documented in docs/anthologies.md ("Which comments are printed"); the tests in
tests/storage/test_storage_anthology_build.py hold them to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from storage.records import (
    Anthology,
    AnthologyEntry,
    AnthologyItem,
    AnthologySpec,
    CommentChoice,
    CommenterNames,
    CommentMode,
    Post,
)
from storage.records import Comment as CommentRecord

A_READER = "A reader"


def select_comments(
    comments: Sequence[CommentRecord], mode: CommentMode, choices: Sequence[CommentChoice]
) -> tuple[CommentRecord, ...]:
    """The comments an item prints, in display order, with excerpts applied and replies re-attached.

    A comment's own choice decides first ("include" or "replies": in; "exclude": out). Without one, the nearest
    ancestor whose choice is "replies" (in) or "exclude" (out) decides; "include" covers only that comment. With
    no deciding choice, mode "all" prints the comment and "selected" leaves it out; mode "none" prints nothing.
    A printed comment whose parent is not printed hangs under its nearest printed ancestor (top level if none).
    """
    if mode == "none":
        return ()
    by_id = {c.source_id: c for c in comments}
    choice_of = {choice.comment_source_id: choice for choice in choices}

    def printed(comment: CommentRecord) -> bool:
        own = choice_of.get(comment.source_id)
        if own is not None:
            return own.choice != "exclude"
        seen = {comment.source_id}
        parent = comment.parent_source_id
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            ancestor = choice_of.get(parent)
            if ancestor is not None and ancestor.choice != "include":
                return ancestor.choice == "replies"
            parent = by_id[parent].parent_source_id
        return mode == "all"

    kept = [c for c in comments if printed(c)]
    kept_ids = {c.source_id for c in kept}
    out: list[CommentRecord] = []
    depth_of: dict[str, int] = {}
    siblings: dict[str | None, int] = {}
    for comment in kept:
        parent = comment.parent_source_id
        seen: set[str] = set()
        while parent is not None and parent not in kept_ids and parent in by_id and parent not in seen:
            seen.add(parent)
            parent = by_id[parent].parent_source_id
        if parent is not None and parent not in kept_ids:
            parent = None
        depth = 0 if parent is None else depth_of.get(parent, 0) + 1
        depth_of[comment.source_id] = depth
        position = siblings.get(parent, 0)
        siblings[parent] = position + 1
        own = choice_of.get(comment.source_id)
        body = own.excerpt_md if own is not None and own.excerpt_md else comment.body_md
        out.append(replace(comment, parent_source_id=parent, depth=depth, position=position, body_md=body))
    return tuple(out)


def initials(name: str) -> str:
    """ "Margaret Hollis" -> "M. H."; a name without letters or digits -> "A reader"."""
    letters = [
        word[0].upper() for word in (w.strip("\"'“”‘’()[].,") for w in name.split()) if word and word[0].isalnum()
    ]
    return " ".join(f"{letter}." for letter in letters) or A_READER


def protect_commenters(
    comments: Sequence[CommentRecord], names: CommenterNames, *, omit_urls: bool, keep: str | None
) -> tuple[CommentRecord, ...]:
    """Commenters' names as the anthology prints them: as given, initials, or "A reader"; their URLs left out when
    asked. `keep` (the post's author, answering in their own thread) keeps their name; pingbacks and trackbacks
    keep the linking blog's title (it is not a person's name), but lose the URL when URLs are left out."""
    out = []
    for comment in comments:
        author = comment.author
        if names != "names" and comment.kind == "comment" and not (keep and author.strip() == keep.strip()):
            author = initials(author) if names == "initials" else A_READER
        out.append(replace(comment, author=author, author_url=None if omit_urls else comment.author_url))
    return tuple(out)


def build_item(
    post: Post,
    entry: AnthologyEntry,
    *,
    edited_body: str | None,
    names: CommenterNames,
    omit_urls: bool,
) -> AnthologyItem:
    """One anthology item: the post with exactly its chosen comments, its edited text if any, privacy applied."""
    comments = select_comments(post.comments, entry.comment_mode, entry.choices)
    comments = protect_commenters(comments, names, omit_urls=omit_urls, keep=post.author)
    body = edited_body if edited_body is not None else post.body_md
    # An item printed without comments by choice says nothing about a thread that could not be captured.
    system = None if entry.comment_mode == "none" else post.comment_system
    return AnthologyItem(
        post=replace(post, comments=comments, body_md=body, comment_system=system),
        section=entry.section,
        note_md=entry.note_md,
    )


def build_anthology_record(
    spec: AnthologySpec,
    posts: Mapping[int, Post],
    edited: Mapping[int, str],
    *,
    created_at: datetime | None = None,
) -> Anthology:
    """The exporters' `Anthology` for a stored anthology: items in order, every choice applied."""
    items = tuple(
        build_item(
            posts[entry.post_id],
            entry,
            edited_body=edited.get(entry.post_id),
            names=spec.commenter_names,
            omit_urls=spec.omit_commenter_urls,
        )
        for entry in spec.entries
    )
    all_posts = tuple(item.post for item in items)
    return Anthology(
        title=spec.title,
        subtitle=spec.subtitle,
        editor=spec.editor,
        introduction_md=spec.introduction_md,
        posts=all_posts,
        language=next((p.language for p in all_posts if p.language), None),
        created_at=created_at,
        items=items,
    )
