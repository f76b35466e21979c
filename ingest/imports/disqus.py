"""Read a Disqus XML export: each thread's visible comments, in display order, to attach to archived posts by URL.

The export (Disqus admin → Community → Export) is one `<disqus>` document: `<category>` elements, then every
`<thread dsq:id>` (`link`, `title`, `<id>` = the identifier the blog gave Disqus), then every `<post dsq:id>` (a
comment: `message` as HTML, `createdAt`, `author/name`, `author/username`, `isDeleted`, `isSpam`,
`thread dsq:id`, optional `parent dsq:id`). Deleted and spam comments never reach the archive: a visitor can't see
them. Email and IP addresses, which some exports include, are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import lxml.etree

from ingest.dates import parse_datetime
from ingest.errors import IngestError
from ingest.imports.base import ImportResult, ThreadForUrl
from ingest.markdown import html_to_markdown
from ingest.urls import is_http_url, normalize_url
from storage.records import Comment

NAME = "disqus"
DESCRIPTION = "Disqus comments export (XML)"
SOURCE_PREFIX = "disqus:"  # comment source ids are namespaced so they never collide with the blog's own ids

_DSQ = "http://disqus.com/disqus-internals"
_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<(?:\w+:)?disqus[\s>]", re.S)
_TRUE = frozenset({"true", "1", "yes"})


class DisqusExportUnreadable(IngestError):
    """The file starts like a Disqus export but can't be read as one (truncated, not XML)."""


@dataclass(slots=True)
class _Thread:
    dsq_id: str
    link: str
    title: str
    deleted: bool


@dataclass(slots=True)
class _Item:
    dsq_id: str
    thread_id: str
    parent_id: str | None
    author: str
    published_at: datetime | None
    message_html: str
    children: list[_Item] = field(default_factory=list)


def sniff(head: bytes) -> bool:
    """True when the file's root element is `<disqus>`."""
    return _ROOT.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def parse(data: bytes, *, source_name: str) -> ImportResult:
    """Every thread with visible comments, keyed by its post URL (normalised), comments in display order."""
    root = _parse_xml(data, source_name)
    threads: dict[str, _Thread] = {}
    for el in _children(root, "thread"):
        dsq_id = _dsq_id(el)
        if dsq_id:
            threads[dsq_id] = _Thread(
                dsq_id=dsq_id,
                link=_text(el, "link"),
                title=" ".join(_text(el, "title").split()),
                deleted=_flag(el, "isDeleted"),
            )
    items: dict[str, _Item] = {}
    deleted = spam = orphans = 0
    hidden: dict[str, str | None] = {}  # a left-out comment's id -> its parent, to re-attach its visible replies
    for el in _children(root, "post"):
        dsq_id = _dsq_id(el)
        if not dsq_id:
            continue
        parent_id = _ref(el, "parent")
        is_deleted = _flag(el, "isDeleted")
        if is_deleted or _flag(el, "isSpam") or _text(el, "isApproved").lower() == "false":
            hidden[dsq_id] = parent_id
            deleted += is_deleted
            spam += not is_deleted
            continue
        thread_id = _ref(el, "thread") or ""
        if thread_id not in threads:
            orphans += 1
            continue
        author = el.find("{*}author")
        items[dsq_id] = _Item(
            dsq_id=dsq_id,
            thread_id=thread_id,
            parent_id=parent_id,
            author=_author_name(author),
            published_at=_date(_text(el, "createdAt")),
            message_html=_text(el, "message"),
        )
    problems: list[str] = []
    if deleted or spam:
        problems.append(
            f"Left out {deleted} deleted and {spam} spam or unapproved comments from {source_name}: "
            "visitors can't see them."
        )
    if orphans:
        problems.append(f"Left out {orphans} comments of {source_name} whose thread isn't in the file.")
    result, bad_links = _threads(threads, items, hidden)
    problems.extend(
        f"Left out the Disqus thread “{title}”: its address ({link or 'none'}) isn't a web address."
        for title, link in bad_links
    )
    return ImportResult(threads=tuple(result), problems=tuple(problems))


def _parse_xml(data: bytes, source_name: str) -> lxml.etree._Element:
    # No DTDs, no entities, no network: an export is data and must never make us read a file or a URL.
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise DisqusExportUnreadable(
            f"{source_name} looks like a Disqus export but can't be read: it is cut short or damaged "
            f"({exc.msg}). Download the export again from Disqus and retry."
        ) from exc
    if lxml.etree.QName(root).localname != "disqus":
        raise DisqusExportUnreadable(f"{source_name} is not a Disqus export (its root element isn't <disqus>).")
    return root


def _threads(
    threads: dict[str, _Thread], items: dict[str, _Item], hidden: dict[str, str | None]
) -> tuple[list[ThreadForUrl], list[tuple[str, str]]]:
    """Group comments per post URL (Disqus often has two threads for one page: http and https, with and without
    a slash) and put each group into display order."""
    roots: dict[str, list[_Item]] = {}
    for item in sorted(items.values(), key=_order_key):
        parent = _visible_parent(item.parent_id, items, hidden)
        if parent is not None and parent.thread_id == item.thread_id and parent is not item:
            parent.children.append(item)
        else:
            item.parent_id = None
            roots.setdefault(item.thread_id, []).append(item)
    by_url: dict[str, tuple[str, list[_Item]]] = {}
    bad: list[tuple[str, str]] = []
    for thread_id, top in roots.items():
        thread = threads[thread_id]
        if thread.deleted:
            continue
        if not is_http_url(thread.link):
            bad.append((thread.title, thread.link))
            continue
        url = normalize_url(thread.link)
        title, merged = by_url.setdefault(url, (thread.title, []))
        merged.extend(top)
    result = []
    for url, (title, top) in by_url.items():
        top.sort(key=_order_key)
        comments = tuple(_flatten(top, url))
        result.append(ThreadForUrl(post_url=url, comments=comments, service=NAME, title=title))
    return result, bad


def _visible_parent(parent_id: str | None, items: dict[str, _Item], hidden: dict[str, str | None]) -> _Item | None:
    """The nearest ancestor a visitor sees: replies to a deleted comment hang under its own parent."""
    seen: set[str] = set()
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        if parent_id in items:
            return items[parent_id]
        parent_id = hidden.get(parent_id)
    return None


def _flatten(top: list[_Item], base_url: str) -> Iterator[Comment]:
    """Depth-first, siblings oldest first; iterative so a deep thread can't exhaust the stack."""
    stack: list[tuple[_Item, str | None, int, int]] = [
        (item, None, 0, position) for position, item in reversed(list(enumerate(top)))
    ]
    while stack:
        item, parent, depth, position = stack.pop()
        yield Comment(
            source_id=SOURCE_PREFIX + item.dsq_id,
            parent_source_id=None if parent is None else SOURCE_PREFIX + parent,
            position=position,
            depth=depth,
            author=item.author,
            author_url=None,
            published_at=item.published_at,
            kind="comment",
            body_md=html_to_markdown(item.message_html, base_url).text if item.message_html.strip() else "",
        )
        children = sorted(item.children, key=_order_key)
        stack.extend((child, item.dsq_id, depth + 1, pos) for pos, child in reversed(list(enumerate(children))))


def _order_key(item: _Item) -> tuple[datetime, int, str]:
    when = item.published_at or datetime.max.replace(tzinfo=UTC)
    return (when, int(item.dsq_id) if item.dsq_id.isdigit() else 0, item.dsq_id)


def _children(root: lxml.etree._Element, name: str) -> Iterator[lxml.etree._Element]:
    for el in root:
        if isinstance(el.tag, str) and lxml.etree.QName(el).localname == name:
            yield el


def _dsq_id(el: lxml.etree._Element) -> str:
    value = el.get(f"{{{_DSQ}}}id")
    if value is None:  # exports written without the dsq namespace declared
        value = next((v for k, v in el.attrib.items() if str(k).rsplit("}", 1)[-1].endswith("id")), None)
    return (value or "").strip()


def _ref(el: lxml.etree._Element, name: str) -> str | None:
    child = el.find(f"{{*}}{name}")
    if child is None:
        return None
    return _dsq_id(child) or None


def _text(el: lxml.etree._Element, name: str) -> str:
    child = el.find(f"{{*}}{name}")
    return "" if child is None else "".join(child.itertext()).strip()


def _flag(el: lxml.etree._Element, name: str) -> bool:
    return _text(el, name).lower() in _TRUE


def _author_name(author: lxml.etree._Element | None) -> str:
    if author is None:
        return "Anonymous"
    name = " ".join(_text(author, "name").split())
    return name or _text(author, "username") or "Anonymous"


def _date(text: str) -> datetime | None:
    value = parse_datetime(text)
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # Disqus times are UTC
