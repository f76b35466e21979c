"""Read a fetched post page into records: the post, this page's comments, and links to its other comment pages.

Pure: `(html, url) -> records`, no network and no storage. Each page is parsed once with lxml; the post body and
each comment are cut out as elements and only those go through the Markdown converter (PLATFORM-NOTES §8).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from ingest.dates import parse_datetime
from ingest.markdown import html_to_markdown, safe_url
from ingest.platforms import FALLBACK, PLATFORMS, Platform, Selectors
from ingest.series import detect_series
from storage.records import Asset, Comment, CommentKind, Post

_NS = {"re": "http://exslt.org/regular-expressions"}
_ITEM_MARK = "data-threadbook-comment"  # set on comment elements of our own parse, so copies can strip them
_INSIDE_ITEM = f"boolean(ancestor-or-self::*[@{_ITEM_MARK}])"
_INSIDE_CHROME = (
    "boolean(ancestor::aside | ancestor::nav | ancestor::*[@id='secondary' or @id='sidebar'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' widget ')])"
)
_HTTP = frozenset({"http", "https"})
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_COMMENT_PAGE_PATH = re.compile(r"/comment-page-(\d+)/?$")
_NOISE_PARAMS = frozenset({"cpage", "replytocom"})
_SAYS = re.compile(r"\s*(says|said|sagt|dit|wrote|écrit)\s*:?\s*$", re.I)
_LEADING_SAYS = re.compile(r"^\s*(says|sagt|dit)\s*:\s*", re.I)
_DIGITS = re.compile(r"\d[\d,.\u00a0\u202f ]*")
_COUNT_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"\b(?:one|a single)\s+(?:thought|comment|response|reply|reaction)\b", re.I), 1),
    (re.compile(r"\bno\s+(?:comments|responses|thoughts|replies)\b", re.I), 0),
    (
        re.compile(
            r"(\d[\d,.\u00a0\u202f]*)\s+(?:thoughts?|comments?|responses?|repl(?:y|ies)|reactions?|kommentare?"
            r"|commentaires?|reacties|comentarios?|pingbacks?)\b",
            re.I,
        ),
        None,
    ),
    (re.compile(r"\b(?:comments?|responses?|replies)\s*[(:]\s*(\d[\d,.]*)", re.I), None),
    (re.compile(r"^\s*(\d+)\s*$"), None),
)
_ARTICLE_TYPES = frozenset(
    {"Article", "BlogPosting", "NewsArticle", "TechArticle", "SocialMediaPosting", "Report", "ScholarlyArticle"}
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_PROTECTED_PREFIX = re.compile(r"^\s*(?:Protected|Private|Geschützt|Protégé|Protegido)\s*:\s*", re.I)
_TITLE_NOISE = ("Comments on:", "Comments on")


@dataclass(frozen=True, slots=True)
class PostPage:
    """What one fetched post page (or one of its comment pages) holds.

    `comments` are this page's comments in page order, positions relative to this page. `post` is None when the
    page is not a single post (a listing, an archive). `post.comments` is always empty: the whole thread comes from
    `merge_comment_pages` over all comment pages. `image_urls` are the body's images then the comments' images.
    """

    url: str
    canonical_url: str  # the post's URL without comment-page parts: the natural key
    platform: str
    is_post: bool
    post: Post | None
    comments: tuple[Comment, ...]
    comment_page_urls: tuple[str, ...]  # absolute URLs of the other comment pages linked from this one
    comment_page_number: int | None  # which comment page this is, when the page says so
    image_urls: tuple[str, ...]
    body_page_urls: tuple[str, ...] = ()  # absolute URLs of the post's further pages (split posts), in order


# --- parsing -------------------------------------------------------------------------------------------------


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """Parse a whole page with lxml; None when there is nothing to parse."""
    text = _decode(html) if isinstance(html, bytes) else html
    text = _CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        return None
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None
    if not isinstance(doc, lxml.html.HtmlElement):
        return None
    return doc


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    match = _META_CHARSET.search(data[:4096])
    encoding = match.group(1).decode("ascii", errors="replace") if match else "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def detect_platform(html: str | bytes, url: str) -> str:
    """The name of the first registered platform that claims the page ("generic" when none does)."""
    doc = parse_html(html)
    return FALLBACK.NAME if doc is None else _detect(doc, url).NAME


def _detect(doc: lxml.html.HtmlElement, url: str) -> Platform:
    for platform in PLATFORMS:
        if platform.detect(doc, url):
            return platform
    return FALLBACK


# --- the page ------------------------------------------------------------------------------------------------


def extract_post_page(html: str | bytes, url: str) -> PostPage:
    """Extract the post and this page's comments from a fetched page. Never raises on bad HTML."""
    page_url = urldefrag(url)[0]
    doc = parse_html(html)
    if doc is None:
        return PostPage(page_url, strip_comment_page(page_url), FALLBACK.NAME, False, None, (), (), None, ())
    platform = _detect(doc, page_url)
    sel = platform.SELECTORS
    base_url = _base_url(doc, page_url)
    canonical = _canonical_url(doc, page_url)
    protected = _any(doc, sel.protected)

    items = [] if protected else _find_comment_items(doc, sel)
    comments, comment_images = _extract_comments(items, sel, base_url)
    is_post = _is_post(doc, sel, bool(items))
    page_number = comment_page_number(page_url) or _current_page_marker(doc, sel)
    page_urls = _comment_page_urls(doc, sel, page_url, canonical, page_number)
    if not is_post:
        return PostPage(page_url, canonical, platform.NAME, False, None, (), page_urls, page_number, ())

    json_ld = _json_ld_article(doc)
    title = _title(doc, sel, json_ld)
    if protected:  # WordPress shows "Protected: Title"; the post's title is "Title"
        title = _PROTECTED_PREFIX.sub("", title, count=1) or title
    body_md, body_text = "", ""
    body_images: tuple[Asset, ...] = ()
    if not protected:
        body_el = _body_element(doc, sel)
        if body_el is not None:
            cut = _cut_body(body_el, sel, title)
            converted = html_to_markdown(cut, base_url)
            body_md, body_images = converted.text, converted.images
            body_text = " ".join(cut.text_content().split())
    categories = _taxonomy(doc, sel.categories, json_ld.get("articleSection"))
    tags = _taxonomy(doc, sel.tags, json_ld.get("keywords"))
    post = Post(
        url=canonical,
        title=title,
        author=_json_ld_author(json_ld) or _first_text(_page_values(doc, sel.author)),
        published_at=_first_date([json_ld.get("datePublished")], _page_values(doc, sel.published)),
        updated_at=_first_date([json_ld.get("dateModified")], _page_values(doc, sel.updated)),
        body_md=body_md,
        source_id=_post_source_id(doc, sel),
        categories=categories,
        tags=tags,
        images=body_images,
        comment_count_expected=_comment_count(doc, sel, json_ld),
        series=detect_series(title, body_text, categories, tags),
        language=_language(doc),
        protected=protected,
    )
    image_urls = _unique([asset.source_url for asset in body_images] + comment_images)
    body_pages = () if protected else _body_page_urls(doc, sel, page_url)
    return PostPage(
        page_url, canonical, platform.NAME, True, post, comments, page_urls, page_number, image_urls, body_pages
    )


def _body_page_urls(doc: lxml.html.HtmlElement, sel: Selectors, page_url: str) -> tuple[str, ...]:
    found: list[str] = []
    for href in _page_values(doc, sel.body_page_links):
        resolved = safe_url(str(href), page_url, schemes=_HTTP)
        if resolved is not None and urldefrag(resolved)[0] != page_url:
            found.append(urldefrag(resolved)[0])
    return _unique(found)


def _any(doc: lxml.html.HtmlElement, xpaths: Iterable[str]) -> bool:
    return any(_xpath(doc, xpath) for xpath in xpaths)


def _xpath(node: lxml.html.HtmlElement, xpath: str) -> list[Any]:
    result = node.xpath(xpath, namespaces=_NS)
    if isinstance(result, list):
        return result
    return [result]


def _text_of(value: Any) -> str:
    if isinstance(value, lxml.html.HtmlElement):
        return " ".join(value.text_content().split())
    if isinstance(value, str):
        return " ".join(value.split())
    return ""


def _first_text(values: Iterable[Any]) -> str | None:
    for value in values:
        text = _text_of(value)
        if text:
            return text
    return None


def _owner(value: Any) -> Any:
    """The element an XPath result belongs to (itself, or the element of an attribute or text result)."""
    if isinstance(value, lxml.etree._Element):
        return value
    getparent = getattr(value, "getparent", None)
    return getparent() if getparent is not None else None


def _page_values(doc: lxml.html.HtmlElement, xpaths: Iterable[str]) -> Iterator[Any]:
    """Results of page-level selectors, in order, leaving out anything inside a comment."""
    for xpath in xpaths:
        for value in _xpath(doc, xpath):
            owner = _owner(value)
            if isinstance(owner, lxml.etree._Element) and owner.xpath(_INSIDE_ITEM):
                continue
            yield value


def _first_date(*groups: Iterable[Any]) -> datetime | None:
    for group in groups:
        for value in group:
            parsed = parse_datetime(_text_of(value)) if value is not None else None
            if parsed is not None:
                return parsed
    return None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _base_url(doc: lxml.html.HtmlElement, page_url: str) -> str:
    for href in _xpath(doc, "//base/@href")[:1]:
        resolved = safe_url(str(href), page_url, schemes=_HTTP)
        if resolved:
            return resolved
    return page_url


# --- URLs of the post and its comment pages ------------------------------------------------------------------


def strip_comment_page(url: str) -> str:
    """The post URL a comment page belongs to: no fragment, no `/comment-page-N/`, no `cpage`/`replytocom`."""
    url = urldefrag(url)[0]
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = _COMMENT_PAGE_PATH.sub("/", parts.path)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _NOISE_PARAMS])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def comment_page_number(url: str) -> int | None:
    """The comment page number a URL names (`/comment-page-3/` or `cpage=3`), or None."""
    try:
        parts = urlsplit(urldefrag(url)[0])
    except ValueError:
        return None
    match = _COMMENT_PAGE_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    for key, value in parse_qsl(parts.query):
        if key == "cpage" and value.isdigit():
            return int(value)
    return None


def _canonical_url(doc: lxml.html.HtmlElement, page_url: str) -> str:
    for href in _xpath(doc, "//link[@rel='canonical']/@href")[:1]:
        resolved = safe_url(str(href), page_url, schemes=_HTTP)
        if resolved:
            return strip_comment_page(resolved)
    return strip_comment_page(page_url)


def _same_post(a: str, b: str) -> bool:
    def key(url: str) -> str:
        stripped = strip_comment_page(url)
        return stripped.split("://", 1)[-1].rstrip("/").lower()

    return key(a) == key(b)


def _comment_page_urls(
    doc: lxml.html.HtmlElement, sel: Selectors, page_url: str, canonical: str, page_number: int | None
) -> tuple[str, ...]:
    found: list[str] = []
    for href in _page_values(doc, sel.comment_nav_links):
        resolved = safe_url(str(href), page_url, schemes=_HTTP)
        if resolved is None:
            continue
        resolved = urldefrag(resolved)[0]
        if resolved == page_url or not (_same_post(resolved, page_url) or _same_post(resolved, canonical)):
            continue
        number = comment_page_number(resolved)
        if number is not None and number == page_number:
            continue
        found.append(resolved)
    return _unique(found)


def _current_page_marker(doc: lxml.html.HtmlElement, sel: Selectors) -> int | None:
    for value in _page_values(doc, sel.comment_page_current):
        match = re.search(r"\d+", _text_of(value))
        if match:
            return int(match.group())
    return None


# --- post fields ---------------------------------------------------------------------------------------------


def _is_post(doc: lxml.html.HtmlElement, sel: Selectors, has_comments: bool) -> bool:
    if _any(doc, sel.is_post):
        return True
    if _any(doc, sel.not_post):
        return False
    if has_comments or _json_ld_article(doc):
        return True
    articles = _xpath(doc, f"//article[not(ancestor::article)][not(@{_ITEM_MARK})]")
    if len(articles) > 1:
        return False
    return bool(articles) or _body_element(doc, sel) is not None


def _title(doc: lxml.html.HtmlElement, sel: Selectors, json_ld: dict[str, Any]) -> str:
    for xpath in sel.title:
        for value in _page_values(doc, [xpath]):
            text = _text_of(value)
            if not text:
                continue
            if xpath == "//title":
                text = _strip_site_name(text, sel.title_suffix_separators)
            return text
    headline = json_ld.get("headline")
    return " ".join(headline.split()) if isinstance(headline, str) else ""


def _strip_site_name(title: str, separators: Sequence[str]) -> str:
    for prefix in _TITLE_NOISE:
        title = title.removeprefix(prefix).strip()
    for separator in separators:
        head, found, _tail = title.rpartition(separator)
        if found and head.strip():
            return head.strip()
    return title


def _body_element(doc: lxml.html.HtmlElement, sel: Selectors) -> lxml.html.HtmlElement | None:
    for value in _page_values(doc, sel.body):
        if isinstance(value, lxml.html.HtmlElement) and not value.xpath(_INSIDE_CHROME):
            return value
    return _densest_text_block(doc)


def _densest_text_block(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """A small readability: the element whose own paragraphs hold the most text, links discounted."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for paragraph in _xpath(doc, "//p | //pre | //blockquote"):
        parent = paragraph.getparent()
        if parent is None or paragraph.xpath(_INSIDE_ITEM) or paragraph.xpath(_INSIDE_CHROME):
            continue
        text = " ".join(paragraph.text_content().split())
        link_text = sum(len(" ".join(a.text_content().split())) for a in paragraph.iter("a"))
        scores[parent] = scores.get(parent, 0.0) + max(0.0, len(text) - 2 * link_text)
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= 25 else None


def _cut_body(body: lxml.html.HtmlElement, sel: Selectors, title: str) -> lxml.html.HtmlElement:
    cut: lxml.html.HtmlElement = copy.deepcopy(body)
    cut.tail = None
    doomed = [el for xpath in (*sel.body_strip, f".//*[@{_ITEM_MARK}]") for el in _xpath(cut, xpath)]
    # The title repeated as the body's heading (generic pages whose body is the whole <article>).
    doomed += [h for h in cut.iter("h1") if _text_of(h) == title]
    for el in doomed:
        if isinstance(el, lxml.etree._Element) and el is not cut and el.getparent() is not None:
            _drop_keep_tail(el)
    return cut


def _drop_keep_tail(el: lxml.etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _taxonomy(doc: lxml.html.HtmlElement, xpaths: Sequence[str], json_ld_value: Any) -> tuple[str, ...]:
    names: list[str] = []
    for xpath in xpaths:
        for value in _page_values(doc, [xpath]):
            owner = _owner(value)
            if isinstance(owner, lxml.etree._Element) and owner.xpath(_INSIDE_CHROME):
                continue
            text = _text_of(value)
            if text:
                names.append(text)
        if names:
            break
    if not names and json_ld_value:
        raw = json_ld_value if isinstance(json_ld_value, list) else str(json_ld_value).split(",")
        names = [" ".join(str(item).split()) for item in raw]
    return _unique(names)


def _post_source_id(doc: lxml.html.HtmlElement, sel: Selectors) -> str | None:
    pattern = re.compile(sel.source_id_pattern)
    for value in _page_values(doc, sel.source_id):
        match = pattern.search(str(value))
        if match:
            return match.group(1)
    return None


def _comment_count(doc: lxml.html.HtmlElement, sel: Selectors, json_ld: dict[str, Any]) -> int | None:
    for value in _xpath_all(doc, sel.comment_count):
        count = parse_comment_count(_text_of(value))
        if count is not None:
            return count
    stated = json_ld.get("commentCount")
    if isinstance(stated, int) and not isinstance(stated, bool):
        return stated
    if isinstance(stated, str) and stated.strip().isdigit():
        return int(stated)
    return None


def _xpath_all(doc: lxml.html.HtmlElement, xpaths: Iterable[str]) -> Iterator[Any]:
    for xpath in xpaths:
        yield from _xpath(doc, xpath)


def parse_comment_count(text: str) -> int | None:
    """The number of comments a heading states ("12 thoughts on “X”", "One comment", "No comments"), or None."""
    text = " ".join(text.split())
    if not text:
        return None
    for pattern, fixed in _COUNT_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if fixed is not None:
            return fixed
        digits = re.sub(r"\D", "", match.group(1))
        if digits:
            return int(digits)
    return None


def _language(doc: lxml.html.HtmlElement) -> str | None:
    for value in (*_xpath(doc, "/html/@lang"), *_xpath(doc, "//meta[@property='og:locale']/@content")):
        language = str(value).strip().replace("_", "-")
        if _LANGUAGE.match(language):
            return language
    return None


def _json_ld_article(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first schema.org Article/BlogPosting object in the page's JSON-LD, or {}."""
    for script in _xpath(doc, "//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for candidate in _json_ld_objects(data, depth=0):
            types = candidate.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(name, str) and name in _ARTICLE_TYPES for name in names):
                return candidate
    return {}


def _json_ld_objects(data: Any, *, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item, depth=depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_ld_objects(graph, depth=depth + 1)


def _json_ld_author(json_ld: dict[str, Any]) -> str | None:
    author = json_ld.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, str) and author.strip():
        return " ".join(author.split())
    return None


# --- comments ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    element: lxml.html.HtmlElement
    source_id: str | None
    parent: _Item | None = None
    parent_id_hint: str | None = None


def _find_comment_items(doc: lxml.html.HtmlElement, sel: Selectors) -> list[_Item]:
    """The page's comment elements in document order, each marked with _ITEM_MARK, with their nesting parent."""
    elements: list[lxml.html.HtmlElement] = []
    for xpath in sel.comment_items:
        elements = [
            el
            for el in _xpath(doc, xpath)
            if isinstance(el, lxml.html.HtmlElement) and not el.xpath(sel.comment_excluded, namespaces=_NS)
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
        item.element.set(_ITEM_MARK, "1")
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
        owner = _owner(value)
        if not isinstance(owner, lxml.etree._Element):
            continue
        node: lxml.etree._Element | None = owner
        while node is not None and node is not item_el:
            if node.get(_ITEM_MARK) is not None:
                break
            node = node.getparent()
        if node is item_el:
            yield value


def _own_values(item_el: lxml.html.HtmlElement, xpaths: Iterable[str]) -> Iterator[Any]:
    for xpath in xpaths:
        yield from _own(item_el, _xpath(item_el, xpath))


def _extract_comments(items: list[_Item], sel: Selectors, base_url: str) -> tuple[tuple[Comment, ...], list[str]]:
    id_pattern = re.compile(r"comment-?(\d+)\b|^#?(\d+)$")
    comments: list[Comment] = []
    images: list[str] = []
    ids: dict[int, str] = {}
    for item in items:
        el = item.element
        author = _clean_author(_first_text(_own_values(el, sel.comment_author)) or "")
        author_url = None
        for href in _own_values(el, sel.comment_author_url):
            author_url = safe_url(str(href), base_url, schemes=_HTTP)
            if author_url:
                break
        published = _first_date(_own_values(el, sel.comment_date))
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
    if cut.get(_ITEM_MARK) is not None:
        del cut.attrib[_ITEM_MARK]
    doomed = [node for xpath in (*sel.comment_body_strip, f".//*[@{_ITEM_MARK}]") for node in _xpath(cut, xpath)]
    for node in doomed:
        if isinstance(node, lxml.etree._Element) and node is not cut:
            _drop_keep_tail(node)
    return cut


def _clean_author(text: str) -> str:
    return _SAYS.sub("", " ".join(text.split())).strip()


def _content_id(author: str, published: datetime | None, body_md: str) -> str:
    """A stable id for a comment the page gives none: a hash of who, when and what."""
    digest = hashlib.sha256(f"{author}\n{published.isoformat() if published else ''}\n{body_md}".encode())
    return "h" + digest.hexdigest()[:16]


# --- merging comment pages -----------------------------------------------------------------------------------


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
