"""Read a Blogger export (Settings → Back up content) or Takeout's `feed.atom`: the blog, its posts, their threads.

Both are one Atom document. The newer format (2018 on, Takeout's `Takeout/Blogger/Blogs/<name>/feed.atom`) types
each entry with `blogger:type` (POST, COMMENT, PAGE, SETTINGS ...) and `blogger:status` (LIVE, DRAFT ...); a
comment names its post with `blogger:parent` and the comment it answers with `blogger:inReplyTo`. The older format
types entries with a `kind` category (`http://schemas.google.com/g/2005#kind`, term `...#post`/`#comment`), marks
drafts with `app:control/app:draft`, names a comment's post with `thr:in-reply-to` and its parent comment with
`<link rel="related">`. Only what a visitor could see is imported: no drafts, scheduled or trashed posts, no
comments but live ones. Static pages are left out (they are not blog posts) and counted in a problem line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ingest.blogger_feeds import ATOM, AtomEntry, atom_document, display_order, entry_comment, parse_xml
from ingest.errors import IngestError
from ingest.imports.base import ImportResult
from ingest.markdown import html_to_markdown
from ingest.series import detect_series
from ingest.urls import is_http_url, normalize_url
from storage.records import Blog, Comment, Post

NAME = "blogger-atom"
DESCRIPTION = "Blogger export or Google Takeout Blogger feed (Atom)"

_ROOT = re.compile(rb"<(?:\w+:)?feed\b[^>]*>", re.S)
_BLOGGER_MARKS = (b"tag:blogger.com,1999:blog-", b"schemas.google.com/blogger/")
_VISIBLE = frozenset({"", "LIVE"})


class BloggerExportUnreadable(IngestError):
    """The file starts like a Blogger export but can't be read as one (truncated, not XML)."""


def sniff(head: bytes) -> bool:
    """True when the file is an Atom feed whose ids or namespaces are Blogger's."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    root = _ROOT.search(head[:8192])
    return root is not None and b"http://www.w3.org/2005/Atom" in head[:8192] and any(m in head for m in _BLOGGER_MARKS)


def parse(data: bytes, *, source_name: str) -> ImportResult:
    """The blog in the export with every visible post and its thread in display order (pure: no network, no files)."""
    root = parse_xml(data.removeprefix(b"\xef\xbb\xbf"))
    if root is None or root.tag != f"{{{ATOM}}}feed":
        raise BloggerExportUnreadable(
            f"{source_name} could not be read as a Blogger export: it isn't complete, well-formed Atom XML. "
            "Download the backup again (Blogger: Settings → Back up content), or pick Takeout's feed.atom itself."
        )
    document = atom_document(root)
    entries = document.entries
    posts = [e for e in entries if e.kind == "post" and e.item_id]
    comments = [e for e in entries if e.kind == "comment" and e.item_id]
    problems: list[str] = []

    visible = [e for e in posts if _visible(e)]
    hidden = len(posts) - len(visible)
    if hidden:
        problems.append(f"Left out {_n(hidden, 'draft or unpublished post')}: visitors never saw them.")
    pages = sum(1 for e in entries if e.kind == "page")
    if pages:
        problems.append(f"Left out {_n(pages, 'static page')}: Threadbook archives blog posts, not pages.")

    home = _home_url(document.home_url, visible)
    post_ids = {e.item_id for e in visible if e.item_id}
    by_url = {normalize_url(url): e.item_id for e in visible if (url := _post_url(e, home)) and e.item_id}
    comment_entries = {e.item_id: e for e in comments if e.item_id}
    threads: dict[str, list[Comment]] = {}
    dropped = 0
    for entry in comments:
        post_id = _post_of(entry, post_ids, by_url, comment_entries)
        if post_id is None:
            continue  # a comment on a draft, a page, or a post not in the file
        if entry.status not in _VISIBLE:
            dropped += 1
            continue
        threads.setdefault(post_id, []).append(entry_comment(entry, post_id=post_id, base_url=home or ""))
    if dropped:
        problems.append(f"Left out {_n(dropped, 'comment')} that visitors can't see (spam, pending or deleted).")

    records: list[Post] = []
    skipped_no_url = 0
    for entry in visible:
        url = _post_url(entry, home)
        if url is None:
            skipped_no_url += 1
            continue
        records.append(_post(entry, url, display_order(threads.get(entry.item_id or "", []))))
    if skipped_no_url:
        problems.append(f"Left out {_n(skipped_no_url, 'post')} without a web address.")
    records.sort(key=lambda p: (p.published_at is None, p.published_at.timestamp() if p.published_at else 0.0))
    if home is None:
        raise BloggerExportUnreadable(
            f"{source_name} holds no published post with a web address, so there is nothing to import."
        )
    blog = Blog(
        url=home, title=document.title or urlsplit(home).hostname or home, platform="blogger", posts=tuple(records)
    )
    return ImportResult(blogs=(blog,), problems=tuple(problems))


def _visible(entry: AtomEntry) -> bool:
    return not entry.is_draft and entry.status in _VISIBLE


def _post_url(entry: AtomEntry, home: str | None) -> str | None:
    if entry.url:
        return normalize_url(entry.url)
    if entry.filename.startswith("/") and home:
        return normalize_url(home.rstrip("/") + entry.filename)
    return None


def _home_url(feed_home: str | None, posts: Sequence[AtomEntry]) -> str | None:
    """The blog's address: the feed's own link, else the site the posts live on."""
    if feed_home and is_http_url(feed_home):
        parts = urlsplit(normalize_url(feed_home))
        return f"{parts.scheme}://{parts.netloc}/"
    for entry in posts:
        if entry.url and is_http_url(entry.url):
            parts = urlsplit(normalize_url(entry.url))
            return f"{parts.scheme}://{parts.netloc}/"
    return None


def _post_of(
    entry: AtomEntry, post_ids: set[str], by_url: dict[str, str], comments: dict[str, AtomEntry]
) -> str | None:
    """Which post a comment belongs to: whichever of its references names a post, else its parent comment's post."""
    current: AtomEntry | None = entry
    for _ in range(50):  # a chain of replies, never a cycle
        if current is None:
            return None
        for ref in (current.in_reply_to, current.parent_id):
            if ref in post_ids:
                return ref
        if current.in_reply_to_url:
            found = by_url.get(normalize_url(current.in_reply_to_url))
            if found is not None:
                return found
        parent = current.related_id or current.reply_to_id or current.parent_id or current.in_reply_to
        current = comments.get(parent) if parent else None
    return None


def _post(entry: AtomEntry, url: str, comments: tuple[Comment, ...]) -> Post:
    converted = html_to_markdown(entry.content_html, url) if entry.content_html.strip() else None
    body_md = converted.text if converted is not None else ""
    title = entry.title or "(untitled)"
    categories = entry.labels
    return Post(
        url=url,
        title=title,
        author=entry.author or None,
        published_at=entry.published_at,
        updated_at=entry.updated_at,
        body_md=body_md,
        source_id=entry.item_id,
        categories=categories,
        comments=comments,
        images=converted.images if converted is not None else (),
        comment_count_expected=len(comments),
        series=detect_series(title, body_md, categories, ()),
    )


def _n(n: int, noun: str) -> str:
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"
