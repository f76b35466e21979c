"""Find a page's comments and read each into a record; merge a thread's comment pages into display order."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html

from ingest.markdown import html_to_markdown, safe_url
from ingest.platforms import Selectors
from ingest.xpath import NS, drop_keep_tail, first_date, first_text, owner_element, select
from storage.records import Comment, CommentKind

if TYPE_CHECKING:
    from ingest.extract import PostPage

ITEM_MARK = "data-threadbook-comment"  # set on comment elements of our own parse, so copies can strip them
INSIDE_ITEM = f"boolean(ancestor-or-self::*[@{ITEM_MARK}])"
_HTTP = frozenset({"http", "https"})


_SAYS = re.compile(r"\s*(says|said|sagt|dit|wrote|écrit)\s*:?\s*$", re.I)


_LEADING_SAYS = re.compile(r"^\s*(says|sagt|dit)\s*:\s*", re.I)


@dataclass(slots=True)
class _Item:
    element: lxml.html.HtmlElement
    source_id: str | None
    parent: _Item | None = None
    parent_id_hint: str | None = None


def find_comment_items(doc: lxml.html.HtmlElement, sel: Selectors) -> list[_Item]:
    """The page's comment elements in document order, each marked with ITEM_MARK, with their nesting parent."""
    elements: list[lxml.html.HtmlElement] = []
    for xpath in sel.comment_items:
        elements = [
            el
            for el in select(doc, xpath)
            if isinstance(el, lxml.html.HtmlElement) and not el.xpath(sel.comment_excluded, namespaces=NS)
        ]
        if elements:
            break
    id_pattern = re.compile(sel.comment_id_pattern)
    by_element: dict[lxml.html.HtmlElement, _Item] = {}
    items: list[_Item] = []
    for el in elements:  # document order: an ancestor item is always seen before its descendants
        source_id = _element_comment_id(el, id_pattern)
        ancestor = _nearest_item(el, by_element)
        if ancestor is not None and source_id is not None and ancestor.source_id == source_id:
            continue  # li#li-comment-3 > div#comment-3: one comment, not a reply to itself
        item = _Item(el, source_id)
        item.parent = ancestor or _sibling_list_parent(el, by_element)
        by_element[el] = item
        items.append(item)
    for item in items:
        item.element.set(ITEM_MARK, "1")
    return items


def _element_comment_id(el: lxml.html.HtmlElement, pattern: re.Pattern[str]) -> str | None:
    element_id = (el.get("id") or "").strip()
    if not element_id:
        return None
    match = pattern.match(element_id)
    return match.group(1) if match else element_id


def _nearest_item(el: lxml.html.HtmlElement, by_element: dict[lxml.html.HtmlElement, _Item]) -> _Item | None:
    for ancestor in el.iterancestors():
        item = by_element.get(ancestor)
        if item is not None:
            return item
    return None


def _sibling_list_parent(el: lxml.html.HtmlElement, by_element: dict[lxml.html.HtmlElement, _Item]) -> _Item | None:
    """The parent of a reply kept in a list *beside* its parent's element: `li > (article, ol > li > article)`."""
    child = el
    for ancestor in el.iterancestors():
        if child.tag in ("ol", "ul") or "children" in (child.get("class") or "").split():
            for sibling in child.itersiblings(preceding=True):
                if sibling in by_element:
                    return by_element[sibling]
                for descendant in sibling.iterdescendants():
                    if descendant in by_element:
                        return by_element[descendant]
        if ancestor.tag in ("body", "html"):
            return None
        child = ancestor
    return None


def _own(item_el: lxml.html.HtmlElement, values: Iterable[Any]) -> Iterator[Any]:
    """The values that belong to this comment itself, not to a reply nested inside it."""
    for value in values:
        owner = owner_element(value)
        if not isinstance(owner, lxml.etree._Element):
            continue
        node: lxml.etree._Element | None = owner
        while node is not None and node is not item_el:
            if node.get(ITEM_MARK) is not None:
                break
            node = node.getparent()
        if node is item_el:
            yield value


def _own_values(item_el: lxml.html.HtmlElement, xpaths: Iterable[str]) -> Iterator[Any]:
    for xpath in xpaths:
        yield from _own(item_el, select(item_el, xpath))


def extract_comments(items: list[_Item], sel: Selectors, base_url: str) -> tuple[tuple[Comment, ...], list[str]]:
    id_pattern = re.compile(r"comment-?(\d+)\b|^#?(\d+)$")
    comments: list[Comment] = []
    images: list[str] = []
    ids: dict[int, str] = {}
    for item in items:
        el = item.element
        author = _clean_author(first_text(_own_values(el, sel.comment_author)) or "")
        author_url = None
        for href in _own_values(el, sel.comment_author_url):
            author_url = safe_url(str(href), base_url, schemes=_HTTP)
            if author_url:
                break
        published = first_date(_own_values(el, sel.comment_date))
        classes = set((el.get("class") or "").split())
        kind: CommentKind = "comment"
        if classes & set(sel.pingback_classes):
            kind = "pingback"
        elif classes & set(sel.trackback_classes):
            kind = "trackback"
        converted = html_to_markdown(_cut_comment_body(el, sel), base_url)
        body_md = _LEADING_SAYS.sub("", converted.text)
        images.extend(converted.image_urls)
        source_id = item.source_id or _content_id(author, published, body_md)
        ids[id(item)] = source_id
        parent_id: str | None = None
        if item.parent is not None:
            parent_id = ids.get(id(item.parent))
        else:
            for hint in _own_values(el, sel.comment_parent):
                match = id_pattern.search(str(hint).strip())
                if match:
                    parent_id = match.group(1) or match.group(2)
                    break
        comments.append(
            Comment(
                source_id=source_id,
                parent_source_id=parent_id if parent_id != source_id else None,
                position=0,  # positions and depths: _positions_by_parent, once all parents are known
                depth=0,
                author=author,
                author_url=author_url,
                published_at=published,
                kind=kind,
                body_md=body_md,
            )
        )
    return _positions_by_parent(comments), images


def _positions_by_parent(comments: list[Comment]) -> tuple[Comment, ...]:
    """Number siblings in page order and compute depths from the parent ids (nested or data-parent)."""
    counts: dict[str | None, int] = {}
    depths: dict[str, int] = {}
    result: list[Comment] = []
    for comment in comments:
        parent = comment.parent_source_id
        if parent is None:
            depth = 0
        else:
            depth = depths.get(parent, 0) + 1  # a parent on another page: at least one level down
        depths[comment.source_id] = depth
        position = counts.get(parent, 0)
        counts[parent] = position + 1
        result.append(replace(comment, position=position, depth=depth))
    return tuple(result)


def _cut_comment_body(el: lxml.html.HtmlElement, sel: Selectors) -> lxml.html.HtmlElement:
    body = next((value for value in _own_values(el, sel.comment_body) if isinstance(value, lxml.etree._Element)), el)
    cut: lxml.html.HtmlElement = copy.deepcopy(body)
    cut.tail = None
    if cut.get(ITEM_MARK) is not None:
        del cut.attrib[ITEM_MARK]
    doomed = [node for xpath in (*sel.comment_body_strip, f".//*[@{ITEM_MARK}]") for node in select(cut, xpath)]
    for node in doomed:
        if isinstance(node, lxml.etree._Element) and node is not cut:
            drop_keep_tail(node)
    return cut


def _clean_author(text: str) -> str:
    return _SAYS.sub("", " ".join(text.split())).strip()


def _content_id(author: str, published: datetime | None, body_md: str) -> str:
    """A stable id for a comment the page gives none: a hash of who, when and what."""
    digest = hashlib.sha256(f"{author}\n{published.isoformat() if published else ''}\n{body_md}".encode())
    return "h" + digest.hexdigest()[:16]


def merge_comment_pages(pages: Sequence[PostPage]) -> tuple[Comment, ...]:
    """All pages' comments as one thread in display order, each comment once, position and depth recomputed.

    Duplicates (same source_id on several pages) keep the richest version (most fields filled, longest body) at the
    place where the comment was first seen. Display order: top-level threads oldest first, replies depth-first
    under their parent, siblings oldest first. "Oldest" is by published_at when every sibling has a comparable one;
    otherwise by comment page number (page 1 holds the oldest threads; a page whose number is unknown is the post
    URL, which WordPress shows as the newest page by default, so it sorts last), then page order.
    A reply whose parent is on none of the pages becomes top level with parent_source_id None: a dangling
    parent would point at nothing in the archive.
    """
    order: dict[str, tuple[float, int, int]] = {}
    best: dict[str, Comment] = {}
    for page_index, page in enumerate(pages):
        number = float(page.comment_page_number) if page.comment_page_number is not None else float("inf")
        for index, comment in enumerate(page.comments):
            key = comment.source_id
            if key not in order:
                order[key] = (number, page_index, index)
                best[key] = comment
            elif _richness(comment) > _richness(best[key]):
                best[key] = comment
    children: dict[str | None, list[str]] = {}
    for key, comment in best.items():
        parent = comment.parent_source_id
        if parent is not None and (parent not in best or _is_own_ancestor(key, best)):
            parent = None
            best[key] = replace(comment, parent_source_id=None)
        children.setdefault(parent, []).append(key)
    result: list[Comment] = []

    def place(parent: str | None, depth: int) -> None:
        siblings = _oldest_first(children.get(parent, []), best, order)
        for position, key in enumerate(siblings):
            result.append(replace(best[key], position=position, depth=depth))
            place(key, depth + 1)

    place(None, 0)
    return tuple(result)


def _richness(comment: Comment) -> tuple[int, int]:
    filled = sum(
        1 for value in (comment.author, comment.author_url, comment.published_at, comment.parent_source_id) if value
    )
    return filled, len(comment.body_md)


def _is_own_ancestor(key: str, comments: dict[str, Comment]) -> bool:
    seen = {key}
    parent = comments[key].parent_source_id
    while parent is not None and parent in comments:
        if parent in seen:
            return True
        seen.add(parent)
        parent = comments[parent].parent_source_id
    return False


def _oldest_first(keys: list[str], comments: dict[str, Comment], order: dict[str, tuple[float, int, int]]) -> list[str]:
    dates = [comments[key].published_at for key in keys]
    comparable = (
        all(date is not None for date in dates)
        and len({date.tzinfo is None for date in dates if date is not None}) <= 1
    )
    if comparable:
        return sorted(keys, key=lambda key: (comments[key].published_at, order[key]))
    return sorted(keys, key=lambda key: order[key])
