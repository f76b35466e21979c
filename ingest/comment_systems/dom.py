"""Comment threads in the DOM each comment system's script builds, read after a rendering (selectors as data; pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html

from ingest.comment_systems.api import RawComment, author_link, display_order, name_of, utc
from ingest.dates import parse_date_text
from ingest.extract import parse_html
from ingest.markdown import html_to_markdown
from storage.records import Comment


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@dataclass(frozen=True, slots=True)
class DomSelectors:
    """Where one system's script puts each part of a comment. XPaths; field ones are relative to the comment."""

    items: str  # every comment element, in document order
    id_pattern: str  # applied to the item's `id` attribute; group 1 is the system's own comment id
    prefix: str  # source ids are `prefix + id`, as the system's reader writes them
    author: tuple[str, ...]
    author_url: tuple[str, ...]
    date: tuple[str, ...]  # attribute values (datetime, title) or text
    body: tuple[str, ...]
    deleted: str = ""  # true for a deleted placeholder (no author or text)
    parent: str = ""  # the parent comment when it is not an ancestor (replies kept in a wrapper beside it)


SELECTORS: dict[str, DomSelectors] = {
    # Isso's embed.js: div.isso-comment#isso-ID, replies inside div.isso-follow-up (classes lost the "isso-"
    # prefix in versions before 0.13, so both spellings are listed).
    "isso": DomSelectors(
        items=f"//*[{_cls('isso-comment')} and starts-with(@id, 'isso-')]",
        id_pattern=r"^isso-(\d+)$",
        prefix="isso:",
        author=(f".//*[{_cls('isso-author')}]", f".//*[{_cls('author')}]"),
        author_url=(f".//a[{_cls('isso-author')}]/@href", f".//a[{_cls('author')}]/@href"),
        date=(".//time/@datetime", ".//time/@title"),
        body=(f".//*[{_cls('isso-text')}]", f".//*[{_cls('text')}]"),
    ),
    # Remark42's widget (its iframe inlined by the renderer): #remark42__comment-ID, nested threads.
    "remark42": DomSelectors(
        items="//*[starts-with(@id, 'remark42__comment-')]",
        id_pattern=r"^remark42__comment-(.+)$",
        prefix="remark42:",
        author=(f".//*[{_cls('comment__username')}]", f".//*[{_cls('user__name')}]"),
        author_url=(),
        date=(f".//*[{_cls('comment__time')}]/@title", ".//time/@datetime", f".//*[{_cls('comment__time')}]"),
        body=(f".//*[{_cls('comment__text')}]", f".//*[{_cls('raw-content')}]"),
        # div.thread > (article#remark42__comment-A, div.thread > article#remark42__comment-B): B answers A.
        parent=f"ancestor::*[{_cls('thread')}][2]/*[starts-with(@id, 'remark42__comment-')]",
    ),
    # Commento's commento.js: div#commento-comment-card-HEX, replies in #commento-comment-children-HEX inside it.
    "commento": DomSelectors(
        items="//*[starts-with(@id, 'commento-comment-card-')]",
        id_pattern=r"^commento-comment-card-([0-9a-fA-F]+)$",
        prefix="commento:",
        author=(f".//*[{_cls('commento-name')}]",),
        author_url=(f".//a[{_cls('commento-name')}]/@href",),
        date=(f".//*[{_cls('commento-timeago')}]/@title",),
        body=(".//*[starts-with(@id, 'commento-comment-body-')]",),
    ),
    # Disqus's embed (its iframe inlined by the renderer): li.post#post-ID, replies in ul.children inside it.
    "disqus": DomSelectors(
        items=f"//li[{_cls('post')} and starts-with(@id, 'post-')]",
        id_pattern=r"^post-(\d+)$",
        prefix="disqus:",
        author=(f".//*[{_cls('author')}]",),
        author_url=(f".//*[{_cls('author')}]//a/@href",),
        date=(f".//a[{_cls('time-ago')}]/@title", ".//time/@datetime"),
        body=(f".//*[{_cls('post-message')}]",),
        deleted=f"boolean(.//*[{_cls('post-content')} and {_cls('is-deleted')}] | self::*[{_cls('deleted')}])",
    ),
}


def read_dom_comments(html: str, url: str, name: str) -> tuple[Comment, ...]:
    """The comments of system `name` in a rendered page, display order; empty when its markup isn't there."""
    selectors = SELECTORS.get(name)
    doc = parse_html(html) if selectors is not None else None
    if selectors is None or doc is None:
        return ()
    pattern = re.compile(selectors.id_pattern)
    items: dict[lxml.html.HtmlElement, str] = {}
    for element in doc.xpath(selectors.items):
        match = pattern.match(element.get("id") or "")
        if match:
            items[element] = selectors.prefix + match.group(1)
    raw: list[RawComment] = []
    for element, source_id in items.items():
        parent = next((items[a] for a in element.iterancestors() if a in items), None)
        if parent is None and selectors.parent:
            parent = next((items[p] for p in element.xpath(selectors.parent) if p in items), None)
        deleted = bool(selectors.deleted) and bool(element.xpath(selectors.deleted))
        body = _own(element, selectors.body, items)
        author = _own(element, selectors.author, items)
        raw.append(
            RawComment(
                source_id=source_id,
                parent_source_id=parent,
                author="" if deleted or author is None else name_of(author.text_content()),
                author_url=None if deleted else author_link(_own_value(element, selectors.author_url, items), url),
                published_at=_date(_own_value(element, selectors.date, items)),
                body_md="" if deleted or body is None else html_to_markdown(body, url).text,
            )
        )
    return display_order(raw, sort_by_date=False)


def _belongs(node: object, element: lxml.html.HtmlElement, items: dict[lxml.html.HtmlElement, str]) -> bool:
    """Whether `node` is part of `element` itself, not of a reply nested inside it."""
    owner = node if isinstance(node, lxml.html.HtmlElement) else getattr(node, "getparent", lambda: None)()
    while owner is not None and owner is not element:
        if owner in items:
            return False
        owner = owner.getparent()
    return owner is element


def _own(
    element: lxml.html.HtmlElement, xpaths: tuple[str, ...], items: dict[lxml.html.HtmlElement, str]
) -> lxml.html.HtmlElement | None:
    for xpath in xpaths:
        for node in element.xpath(xpath):
            if isinstance(node, lxml.html.HtmlElement) and _belongs(node, element, items):
                return node
    return None


def _own_value(
    element: lxml.html.HtmlElement, xpaths: tuple[str, ...], items: dict[lxml.html.HtmlElement, str]
) -> str | None:
    for xpath in xpaths:
        for node in element.xpath(xpath):
            if isinstance(node, lxml.html.HtmlElement):
                if _belongs(node, element, items) and node.text_content().strip():
                    return str(node.text_content().strip())
            elif isinstance(node, str) and node.strip() and _belongs(node, element, items):
                return str(node).strip()
    return None


def _date(text: str | None) -> datetime | None:
    """Machine dates are UTC when they say no zone; a title like "Tuesday, January 2, 2024 3:04 AM" too."""
    if text is None:
        return None
    value = utc(text)
    if value is None:
        parsed = parse_date_text(text)
        if parsed is not None:
            value = (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    return value
