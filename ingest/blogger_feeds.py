"""Blogger's GData/Atom feeds: parse posts and comments feeds (and export entries), and walk them page by page.

Blogger serves `/feeds/posts/default` and `/feeds/POSTID/comments/default` on every blog's own host (custom
domains included), paged with `start-index` (1-based) and `max-results`, and says how many there are in
`openSearch:totalResults`. Entry ids have the form `tag:blogger.com,1999:blog-BLOGID.post-ITEMID`, where ITEMID is
a post's or a comment's numeric id (the same number as in a comment's HTML id `c123`).

A reply names its parent with `<link rel="related">` to the parent comment's feed entry; `thr:in-reply-to` names
the post (for a top-level comment) or, in some exports, the parent comment. Parsing is pure (no network, no
entities, no DTDs); walking takes a `fetch` callable so discovery and the thread hook keep their own provenance.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import lxml.etree

from ingest.dates import parse_datetime
from ingest.errors import FetchError
from ingest.markdown import html_to_markdown
from ingest.urls import is_http_url, normalize_url
from storage.records import Capture, Comment

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
NS = {
    "a": ATOM,
    "os10": "http://a9.com/-/spec/opensearchrss/1.0/",
    "os11": "http://a9.com/-/spec/opensearch/1.1/",
    "thr": "http://purl.org/syndication/thread/1.0",
    "gd": "http://schemas.google.com/g/2005",
    "blogger": "http://schemas.google.com/blogger/2018",
    "app07": "http://www.w3.org/2007/app",
    "app": "http://purl.org/atom/app#",
}
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
FEED_ACCEPT = "application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

POSTS_PER_PAGE = 150  # Blogger caps posts feeds at 150 or 500 depending on the era; we page by what comes back
COMMENTS_PER_PAGE = 200
MAX_FEED_PAGES = 500  # a guard against a feed whose paging never ends

# Blogger shows a comment its author or the blog owner deleted as this text, to every visitor.
REMOVED_TEXTS = (
    "This comment has been removed by the author.",
    "This comment has been removed by a blog administrator.",
)

_ITEM_ID = re.compile(r"blog-(\d+)\.(?:post|page|comment|settings|layout)-(\d+)")
_OLD_ITEM_ID = re.compile(r"blog-(\d+)\.post-(\d+)")
_FEED_ITEM_HREF = re.compile(r"/feeds/(?:(\d+)/)?(\d+)/comments/default/(\d+)")
_BLOG_ID = re.compile(r"blog-(\d+)")


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One Blogger Atom entry (a post, comment, page ... of a feed or an export), its values as plain data."""

    entry_id: str  # the <id> as given
    blog_id: str | None
    item_id: str | None  # the post's or comment's numeric id
    kind: str  # "post", "comment", "page", "settings", "template", or "" when the entry doesn't say
    title: str
    url: str | None  # the rel=alternate web address (a comment's has #cNNN)
    published_at: datetime | None
    updated_at: datetime | None
    author: str
    author_url: str | None
    content_html: str
    is_summary: bool  # only <summary> was given: the feed is set to "short", the text may be cut
    labels: tuple[str, ...]
    in_reply_to: str | None  # item id that thr:in-reply-to names (a post, or a parent comment)
    in_reply_to_url: str | None  # its href: the post's web address
    related_id: str | None  # the parent comment named by rel=related (replies only)
    parent_id: str | None  # blogger:parent (newer exports: a comment's post)
    reply_to_id: str | None  # blogger:inReplyTo (newer exports: a reply's parent comment)
    filename: str  # blogger:filename (newer exports): the post's path on the blog, e.g. "/2024/03/x.html"
    is_draft: bool
    status: str  # blogger:status in newer exports ("LIVE", "DRAFT", "DELETED", ...), "" when absent
    total_comments: int | None  # thr:total


@dataclass(frozen=True, slots=True)
class AtomDocument:
    """One parsed Atom feed page (or a whole export)."""

    title: str
    blog_id: str | None
    home_url: str | None  # rel=alternate text/html of the feed: the blog's home page
    total_results: int | None
    start_index: int | None
    items_per_page: int | None
    next_url: str | None
    entries: tuple[AtomEntry, ...]
    generator: str = ""


@dataclass(frozen=True, slots=True)
class FeedWalk:
    """Every page of one paged feed that could be read."""

    documents: tuple[AtomDocument, ...]
    captures: tuple[Capture, ...]
    complete: bool  # read to its end: totalResults reached or an empty page
    problems: tuple[str, ...] = ()

    @property
    def entries(self) -> tuple[AtomEntry, ...]:
        """All entries, each id once, in feed order."""
        seen: dict[str, AtomEntry] = {}
        for document in self.documents:
            for entry in document.entries:
                seen.setdefault(entry.item_id or entry.entry_id, entry)
        return tuple(seen.values())


# --- parsing -------------------------------------------------------------------------------------------------


def _parser() -> lxml.etree.XMLParser:
    # Untrusted XML: no entity expansion, no DTD, no network; never reads a local file.
    return lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, remove_pis=True, huge_tree=True
    )


def parse_xml(body: bytes) -> lxml.etree._Element | None:
    """The root element of an XML document, parsed safely; None when it isn't well-formed XML."""
    if not body.strip():
        return None
    try:
        return lxml.etree.fromstring(body, parser=_parser())
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None


def parse_atom(body: bytes) -> AtomDocument | None:
    """A Blogger Atom feed page, or None when `body` is not an Atom feed."""
    root = parse_xml(body)
    if root is None or root.tag != f"{{{ATOM}}}feed":
        return None
    return atom_document(root)


def atom_document(root: lxml.etree._Element) -> AtomDocument:
    """Read a parsed Atom `<feed>` element."""
    feed_id = _text(root, "a:id")
    match = _BLOG_ID.search(feed_id)
    return AtomDocument(
        title=_text(root, "a:title"),
        blog_id=match.group(1) if match else None,
        home_url=_link(root, "alternate", html_only=True),
        total_results=_int(_text(root, "os10:totalResults") or _text(root, "os11:totalResults")),
        start_index=_int(_text(root, "os10:startIndex") or _text(root, "os11:startIndex")),
        items_per_page=_int(_text(root, "os10:itemsPerPage") or _text(root, "os11:itemsPerPage")),
        next_url=_link(root, "next"),
        entries=tuple(read_entry(el) for el in root.iterfind("a:entry", NS)),
        generator=_text(root, "a:generator"),
    )


def read_entry(el: lxml.etree._Element) -> AtomEntry:
    """One `<entry>` of a Blogger feed or export."""
    entry_id = _text(el, "a:id")
    blog_id, item_id = item_ids(entry_id)
    content = el.find("a:content", NS)
    summary = el.find("a:summary", NS)
    body_el = content if content is not None else summary
    author_el = el.find("a:author", NS)
    author = _text(author_el, "a:name") if author_el is not None else ""
    author_uri = _text(author_el, "a:uri") if author_el is not None else ""
    reply = el.find("thr:in-reply-to", NS)
    in_reply_to = in_reply_to_url = None
    if reply is not None:
        in_reply_to = item_ids(reply.get("ref") or "")[1]
        href = reply.get("href")
        in_reply_to_url = href if href and is_http_url(href) else None
    related = _link(el, "related")
    related_match = _FEED_ITEM_HREF.search(related or "")
    parent = _text(el, "blogger:parent")
    reply_to = _text(el, "blogger:inReplyTo")
    draft = el.find("app07:control/app07:draft", NS)
    if draft is None:
        draft = el.find("app:control/app:draft", NS)
    total = el.find("thr:total", NS)
    return AtomEntry(
        entry_id=entry_id,
        blog_id=blog_id,
        item_id=item_id,
        kind=_kind(el),
        title=_text(el, "a:title"),
        url=_link(el, "alternate", html_only=True),
        published_at=parse_datetime(_text(el, "a:published") or _text(el, "blogger:created") or None),
        updated_at=parse_datetime(_text(el, "a:updated") or None),
        author=author,
        author_url=author_uri if is_http_url(author_uri) else None,
        content_html=_content_html(body_el),
        is_summary=content is None and summary is not None,
        labels=tuple(
            dict.fromkeys(
                term
                for cat in el.iterfind("a:category", NS)
                if cat.get("scheme") != KIND_SCHEME and (term := (cat.get("term") or "").strip())
            )
        ),
        in_reply_to=in_reply_to,
        in_reply_to_url=in_reply_to_url,
        related_id=related_match.group(3) if related_match else None,
        parent_id=item_ids(parent)[1] if parent else None,
        reply_to_id=item_ids(reply_to)[1] if reply_to else None,
        filename=_text(el, "blogger:filename"),
        is_draft=draft is not None and (draft.text or "").strip().lower() == "yes",
        status=_text(el, "blogger:status").upper(),
        total_comments=_int(total.text if total is not None else None),
    )


def item_ids(text: str) -> tuple[str | None, str | None]:
    """(blog id, item id) of `tag:blogger.com,1999:blog-BLOGID.post-ITEMID` (or its comment/page forms)."""
    match = _ITEM_ID.search(text or "")
    if match:
        return match.group(1), match.group(2)
    text = (text or "").strip()
    return None, text if text.isdigit() else None


def _kind(el: lxml.etree._Element) -> str:
    explicit = _text(el, "blogger:type").lower()
    if explicit:
        return explicit
    for cat in el.iterfind("a:category", NS):
        if cat.get("scheme") == KIND_SCHEME:
            return (cat.get("term") or "").rpartition("#")[2].lower()
    return ""


def _content_html(el: lxml.etree._Element | None) -> str:
    if el is None:
        return ""
    kind = (el.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        return "".join(
            lxml.etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in el
        ) + (el.text or "")
    text = el.text or ""
    if kind == "html" or kind.startswith("text/html"):
        return text
    # type="text": plain text; escape it so the Markdown converter sees it as text, not markup
    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"


def _text(el: lxml.etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path, NS)
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())


def _link(el: lxml.etree._Element, rel: str, *, html_only: bool = False) -> str | None:
    for link in el.iterfind("a:link", NS):
        if (link.get("rel") or "alternate") != rel:
            continue
        if html_only and "html" not in (link.get("type") or "text/html"):
            continue
        href = (link.get("href") or "").strip()
        if href and is_http_url(href):
            return href
    return None


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


# --- URLs ----------------------------------------------------------------------------------------------------


def site_origin(url: str) -> str:
    """scheme://host[:port] of a blog page: Blogger serves its feeds on the blog's own host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def posts_feed_url(site: str, *, start_index: int = 1, max_results: int = POSTS_PER_PAGE) -> str:
    """The posts feed of the blog at `site` (any URL of it), from entry `start_index` (1-based)."""
    query = urlencode({"start-index": start_index, "max-results": max_results})
    return f"{site_origin(site)}/feeds/posts/default?{query}"


def comments_feed_url(site: str, post_id: str, *, start_index: int = 1, max_results: int = COMMENTS_PER_PAGE) -> str:
    """The comments feed of post `post_id` on the blog at `site`, from entry `start_index` (1-based)."""
    query = urlencode({"start-index": start_index, "max-results": max_results})
    return f"{site_origin(site)}/feeds/{post_id}/comments/default?{query}"


# --- walking a paged feed ------------------------------------------------------------------------------------


def walk_feed(
    page_url: Callable[[int], str],
    fetch: Callable[[str], Capture],
    *,
    cancelled: Callable[[], bool] = lambda: False,
    what: str = "feed",
) -> FeedWalk | None:
    """Read every page of a feed: `page_url(start_index)` for each page, until totalResults or an empty page.

    Returns None when the first page can't be had or isn't an Atom feed (the feed is off, private or absent):
    the caller falls back to HTML. A later page that fails ends the walk with `complete=False` and a problem.
    """
    documents: list[AtomDocument] = []
    captures: list[Capture] = []
    problems: list[str] = []
    start = 1
    while len(documents) < MAX_FEED_PAGES:
        if cancelled():
            return FeedWalk(tuple(documents), tuple(captures), False, tuple(problems)) if documents else None
        url = page_url(start)
        try:
            capture = fetch(url)
        except FetchError as exc:
            if not documents:
                log.info("no Blogger %s at %s: %s", what, url, exc)
                return None
            problems.append(f"A page of the {what} could not be fetched ({exc}); what it lists is missing.")
            return FeedWalk(tuple(documents), tuple(captures), False, tuple(problems))
        document = parse_atom(capture.body)
        if document is None:
            if not documents:
                log.info("%s is not an Atom feed", url)
                return None
            problems.append(f"{url} is not a readable feed page; what it lists is missing.")
            return FeedWalk(tuple(documents), tuple(captures), False, tuple(problems))
        captures.append(capture)
        documents.append(document)
        got = len(document.entries)
        total = document.total_results
        start += got
        if got == 0 or (total is not None and start > total):
            return FeedWalk(tuple(documents), tuple(captures), True, tuple(problems))
        if total is None and document.next_url is None:
            return FeedWalk(tuple(documents), tuple(captures), True, tuple(problems))
    problems.append(f"Stopped after {MAX_FEED_PAGES} pages of the {what}; the rest was not read.")
    return FeedWalk(tuple(documents), tuple(captures), False, tuple(problems))


# --- comments ------------------------------------------------------------------------------------------------


def entry_comment(entry: AtomEntry, *, post_id: str | None, base_url: str) -> Comment:
    """A comment entry as a record (position and depth set later by `display_order`)."""
    parent = entry.related_id or entry.reply_to_id
    if parent is None and entry.parent_id and entry.parent_id != post_id:
        parent = entry.parent_id  # an export whose blogger:parent names the parent comment
    if parent is None and entry.in_reply_to and entry.in_reply_to != post_id:
        parent = entry.in_reply_to  # some exports point thr:in-reply-to at the parent comment itself
    converted = html_to_markdown(entry.content_html, base_url) if entry.content_html.strip() else None
    return Comment(
        source_id=entry.item_id or entry.entry_id,
        parent_source_id=parent if parent != entry.item_id else None,
        position=0,
        depth=0,
        author=entry.author or "Anonymous",
        author_url=entry.author_url,
        published_at=entry.published_at,
        kind="comment",
        body_md=converted.text if converted is not None else "",
    )


def display_order(comments: Iterable[Comment]) -> tuple[Comment, ...]:
    """Comments (each id once, the last version kept) in display order: threads oldest first, replies depth-first.

    Siblings sort by published_at (undated ones after, in given order). A reply whose parent is absent, or a
    cycle, becomes top level: a dangling parent would point at nothing in the archive.
    """
    by_id: dict[str, Comment] = {}
    arrival: dict[str, int] = {}
    for comment in comments:
        arrival.setdefault(comment.source_id, len(arrival))
        by_id[comment.source_id] = comment
    children: dict[str | None, list[str]] = {}
    for key, comment in by_id.items():
        parent = comment.parent_source_id
        if parent is not None and (parent not in by_id or _in_cycle(key, by_id)):
            parent = None
            by_id[key] = replace(comment, parent_source_id=None)
        children.setdefault(parent, []).append(key)

    def sort_key(key: str) -> tuple[int, float, int]:
        published = by_id[key].published_at
        if published is None:
            return (1, 0.0, arrival[key])
        return (0, published.timestamp(), arrival[key])

    result: list[Comment] = []

    def place(parent: str | None, depth: int) -> None:
        for position, key in enumerate(sorted(children.get(parent, []), key=sort_key)):
            result.append(replace(by_id[key], position=position, depth=depth))
            place(key, depth + 1)

    place(None, 0)
    return tuple(result)


def _in_cycle(key: str, comments: dict[str, Comment]) -> bool:
    seen = {key}
    parent = comments[key].parent_source_id
    while parent is not None and parent in comments:
        if parent in seen:
            return True
        seen.add(parent)
        parent = comments[parent].parent_source_id
    return False


def post_urls_oldest_first(entries: Sequence[AtomEntry]) -> tuple[tuple[str, datetime | None], ...]:
    """(normalized URL, published) of the post entries that have a web address, oldest first."""
    found: dict[str, datetime | None] = {}
    for entry in entries:
        if entry.url is None or entry.kind not in ("", "post") or entry.is_draft:
            continue
        found.setdefault(normalize_url(entry.url), entry.published_at)

    def key(item: tuple[str, datetime | None]) -> tuple[int, float]:
        published = item[1]
        return (0, published.timestamp()) if published is not None else (1, 0.0)

    return tuple(sorted(found.items(), key=key))
