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

from ingest.dates import parse_date_text
from ingest.jsonld import comment_objects, person_name
from ingest.markdown import html_to_markdown, safe_url
from ingest.platforms import Selectors
from ingest.xpath import drop_keep_tail, first_text, owner_element, select, text_of
from storage.records import Comment, CommentKind

if TYPE_CHECKING:
    from ingest.extract import PostPage

ITEM_MARK = "data-threadbook-comment"  # set on comment elements of our own parse, so copies can strip them
INSIDE_ITEM = f"boolean(ancestor-or-self::*[@{ITEM_MARK}])"
_HTTP = frozenset({"http", "https"})


_SAYS = re.compile(r"\s*(says|said|sagt|dit|wrote|écrit)\s*:?\s*$", re.I)


_LEADING_SAYS = re.compile(r"^\s*(says|sagt|dit)\s*:\s*", re.I)
# Drupal marks anonymous names "(not verified)" in the site's language; the name is what precedes it.
_NOT_VERIFIED = re.compile(
    r"\s*\((?:not verified|nicht überprüft|non vérifié|no verificado|non verificato|niet geverifieerd)\)\s*$", re.I
)
# Wrappers that hold the replies to the comment just before them (WordPress `ol.children`, Drupal `div.indented`).
_REPLY_WRAPPERS = frozenset({"children", "indented", "replies", "comment-replies", "comment-children", "sub-comments"})
_ID_ATTRIBUTES = ("data-comment-id", "data-commentid", "data-comment")


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
        # The exclusion test inside the query (a filter on the candidates, in their document order) instead of
        # one query per candidate: the same elements, ~7% less time on a page with hundreds of comments.
        found = select(doc, f"({xpath})[not(boolean({sel.comment_excluded}))]")
        elements = [el for el in found if isinstance(el, lxml.html.HtmlElement)]
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
    """The comment's own id: its `id`, a `data-comment-id`, or the `<a id="comment-N">` anchor right before it
    (Drupal puts the anchor there, not on the comment)."""
    element_id = (el.get("id") or "").strip()
    if element_id:
        match = pattern.match(element_id)
        return match.group(1) if match else element_id
    for name in _ID_ATTRIBUTES:
        value = (el.get(name) or "").strip()
        if value:
            return value
    previous = el.getprevious()
    if previous is not None and previous.tag == "a" and not (previous.text or "").strip() and len(previous) == 0:
        anchor = (previous.get("id") or previous.get("name") or "").strip()
        match = pattern.match(anchor)
        if match:
            return match.group(1)
    return None


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
        if child.tag in ("ol", "ul") or _REPLY_WRAPPERS.intersection((child.get("class") or "").split()):
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
        if isinstance(value, str) and owner is None:
            yield value  # an XPath function's result (substring-after ...): computed from this item
            continue
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


def extract_comments(
    items: list[_Item],
    sel: Selectors,
    base_url: str,
    *,
    languages: list[str] | None = None,
    relative_to: datetime | None = None,
) -> tuple[tuple[Comment, ...], list[str]]:
    """Read each found comment element into a record (positions and depths set); also its images' URLs.

    Dates in the page's own language are read with `languages` (`ingest.dates.page_languages`); relative ones
    ("3 days ago") only when `relative_to`, the capture time, is given.
    """
    id_pattern = re.compile(r"comment-?(\d+)\b|^#?(\d+)$|[?&]thread=(\d+)")
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
        published = _first_date(_own_values(el, sel.comment_date), languages, relative_to)
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
                    parent_id = match.group(1) or match.group(2) or match.group(3)
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
    # One union instead of one query per selector (a third of all queries on a long thread); the same elements,
    # each once, and dropping them in document order leaves the same text as dropping them selector by selector.
    doomed = select(cut, " | ".join((*sel.comment_body_strip, f".//*[@{ITEM_MARK}]")))
    for node in doomed:
        if isinstance(node, lxml.etree._Element) and node is not cut:
            drop_keep_tail(node)
    return cut


def _first_date(values: Iterable[Any], languages: list[str] | None, relative_to: datetime | None) -> datetime | None:
    for value in values:
        parsed = parse_date_text(text_of(value), languages=languages, relative_to=relative_to)
        if parsed is not None:
            return parsed
    return None


def _clean_author(text: str) -> str:
    return _NOT_VERIFIED.sub("", _SAYS.sub("", " ".join(text.split()))).strip()


def comments_from_jsonld(
    article: dict[str, Any], base_url: str, *, languages: list[str] | None = None
) -> tuple[Comment, ...]:
    """The thread a page states in its JSON-LD (`comment` on the BlogPosting, replies nested under `comment`, or
    pointing to their parent with `parentItem`), for pages whose HTML shows no comment markup we can read."""
    comments: list[Comment] = []
    seen: set[str] = set()

    def walk(objects: list[dict[str, Any]], parent: str | None) -> None:
        for obj in objects:
            text = obj.get("text") or obj.get("commentText") or obj.get("description") or ""
            if not isinstance(text, str):
                continue
            body = _jsonld_text_markdown(text, base_url)
            author = _clean_author(person_name(obj.get("author") or obj.get("creator")) or "")
            published = None
            for key in ("dateCreated", "datePublished", "uploadDate"):
                value = obj.get(key)
                if isinstance(value, str):
                    published = parse_date_text(value, languages=languages)
                    if published is not None:
                        break
            source_id = _jsonld_id(obj) or _content_id(author, published, body)
            if source_id in seen or not (body or author):
                continue
            seen.add(source_id)
            parent_id = parent
            parent_item = obj.get("parentItem")
            if parent_id is None and isinstance(parent_item, dict):
                parent_id = _jsonld_id(parent_item)
            author_url = None
            author_obj = obj.get("author")
            if isinstance(author_obj, dict) and isinstance(author_obj.get("url"), str):
                author_url = safe_url(author_obj["url"], base_url, schemes=_HTTP)
            comments.append(Comment(source_id, parent_id, 0, 0, author, author_url, published, "comment", body))
            walk(comment_objects(obj), source_id)

    walk(comment_objects(article), None)
    known = {comment.source_id for comment in comments}
    cleaned = [
        c if c.parent_source_id in known or c.parent_source_id is None else replace(c, parent_source_id=None)
        for c in comments
    ]
    return _positions_by_parent(cleaned)


def _jsonld_text_markdown(text: str, base_url: str) -> str:
    if not text.strip():
        return ""
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""
    return html_to_markdown(fragment, base_url).text


def _jsonld_id(obj: dict[str, Any]) -> str | None:
    for key in ("@id", "identifier", "url"):
        value = obj.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value.strip():
            match = re.search(r"comment[-_]?(\d+)\b|#c?(\w+)$", value)
            if match:
                return match.group(1) or match.group(2)
            return value.strip()
    return None


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
