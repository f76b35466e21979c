"""Turn a cut-out piece of untrusted HTML (a post body, a comment) into safe, tidy Markdown.

One `markdownify` converter subclass does it all (STYLE.md §6). What it guarantees:
- Nothing executable or embedded survives: script, style, iframe, form, noscript, button, nav, svg, object, embed,
  template and `hidden` elements are dropped with their content.
- Links keep only http(s) and mailto targets, made absolute against the base URL; any other link (javascript:,
  data:, file:, relative without a base) becomes its text. Images keep only http(s) sources.
- Text is escaped, so markup-looking text (`<font size="40">`, `*stars*`, `# not a heading`) stays inert text.
- Lazy images resolve to their real source (`data-lazy-src`, `data-src`, largest `srcset`/`data-srcset`
  candidate) instead of a `data:` placeholder; `<noscript>` copies of images already shown are not doubled.
- WordPress emoji images (`img.emoji`, `img.wp-smiley`) become their alt text; 1x1 tracking pixels vanish.
- A figure caption becomes an italic line of its own right below the image: `![alt](url)` then `*caption*`.
- Code blocks are fenced, with the language from `class="language-x"` (or `lang-x`, `brush: x`).
- ATX headings, `-` bullets, GFM tables for simple tables (complex ones, with nested tables, row spans or block
  content in cells, are flattened into paragraphs), no trailing spaces, at most one blank line in a row.

Speed: pass a cut-out element rather than a whole page (PLATFORM-NOTES §8: ~4 ms instead of ~60 ms per page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, Tag
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import PageElement
from markdownify import ATX, BACKSLASH, STRIP, MarkdownConverter

from storage.records import Asset

_DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "form",
        "noscript",
        "button",
        "nav",
        "svg",
        "math",
        "object",
        "embed",
        "applet",
        "template",
        "input",
        "select",
        "textarea",
        "canvas",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "dialog",
    }
)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_EMOJI_CLASSES = frozenset({"emoji", "wp-smiley"})
_TRACKER_HOSTS = frozenset({"pixel.wp.com", "stats.wp.com", "www.google-analytics.com", "pixel.quantserve.com"})
# Browsers drop tab/CR/LF anywhere in a URL ("java\tscript:"), and C0 controls/space at its ends.
_URL_INVISIBLES = re.compile(r"[\t\r\n]")
_LAZY_SRC_ATTRS = ("data-lazy-src", "data-src", "data-original", "data-orig-src")
_SRCSET_ATTRS = ("data-lazy-srcset", "data-srcset", "srcset")
_SRCSET_ITEM = re.compile(r"\s*([^\s,][^\s]*?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,|$)")
_CODE_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)|brush:\s*([\w+#-]+)", re.I)
_BLOCK_IN_CELL = frozenset(
    {"p", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr", "dl"}
)
_DESTINATION_UNSAFE = re.compile(r"[\x00-\x20()<>\\\x7f]")
_RAW_ATTR = {"href": "data-threadbook-raw-href", "src": "data-threadbook-raw-src"}
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# Escaping of text (never of code): characters that start inline markup anywhere ...
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<~])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# ... and constructs that only matter at the start of a line. Text nodes have their whitespace collapsed
# (wrap=True), so a line can only start where a text fragment starts.
_LINE_START_SPECIALS = re.compile(r"^(\s*)(?:(#{1,6}(?=\s|$)|[-+=]+(?=\s|$)|>)|(\d{1,9})(?=[.)](?:\s|$)))")
_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Markdown:
    """Converted text plus the images it refers to (absolute URLs, in order of first appearance)."""

    text: str
    image_urls: tuple[str, ...]
    images: tuple[Asset, ...]  # only source_url and alt are set


def html_to_markdown(html: str | lxml.html.HtmlElement, base_url: str) -> Markdown:
    """Convert an HTML fragment or an lxml element (not modified) to Markdown, links absolute against base_url."""
    if isinstance(html, str):
        if not html.strip():
            return Markdown(text="", image_urls=(), images=())
        if (paragraphs := _plain_paragraph_markup(html)) is not None:
            return Markdown(text=paragraphs, image_urls=(), images=())
        soup = _soup_from_text(html)
    elif (paragraphs := _plain_paragraphs(html)) is not None:
        return Markdown(text=paragraphs, image_urls=(), images=())
    elif _needs_reparse(html):
        soup = _soup_from_text(_serialise(html))
    else:
        soup = _soup_from_element(html)
    converter = ThreadbookConverter(base_url=base_url)
    text = converter.convert_clean_soup(soup)
    images = tuple(Asset(source_url=url, sha256="", media_type="", size=0, alt=alt) for url, alt in converter.images)
    return Markdown(text=text, image_urls=tuple(url for url, _ in converter.images), images=images)


_PLAIN_CONTAINERS = frozenset({"div", "article", "section"})  # markdownify converts all three with convert_div
_MARKUP_WHITESPACE = re.compile(r"[\t \r\n]+")  # markdownify's re_all_whitespace (wrap=True)


def _plain_paragraphs(element: lxml.html.HtmlElement) -> str | None:
    """The Markdown of a container holding nothing but paragraphs of plain text, or None for anything else.

    Most comments are just that (`<div class="comment-content"><p>...</p><p>...</p></div>`: 82% of those in
    our fixtures), and building a bs4 tree to convert them was half the time of a long thread. This gives the
    same text the converter gives, step by step as markdownify takes it (tests/unit/ingest/test_markdown_tree.py
    compares the two on generated markup): whitespace-only text between blocks is dropped, a paragraph's text
    has its whitespace runs collapsed, is escaped, then stripped, paragraphs are joined by a blank line.
    """
    if element.tag not in _PLAIN_CONTAINERS:
        return None
    paragraphs = _paragraphs(element, {"[document]", "html", "body", str(element.tag), "p"})
    if paragraphs is None:
        return None
    # convert_div strips the joined paragraphs (all whitespace, not only newlines) and sets them off by blank
    # lines, which the document level strips again.
    container = ("\n\n" + "\n\n".join(paragraphs) + "\n\n").strip() if paragraphs else ""
    return _tidy((f"\n\n{container}\n\n" if container else "").strip("\n"))


def _plain_paragraph_markup(html: str) -> str | None:
    """`_plain_paragraphs` for markup given as text (a REST API's rendered comment: `<p>...</p>\\n<p>...</p>`).

    bs4 parses it with libxml2 into html > body > ...; this parses it with libxml2 the same way and reads the
    body. Unlike a div, the body has no conversion of its own: the paragraphs are joined and left as they are.
    """
    if "<!" in html or "<?" in html:
        return None  # comments, a doctype, CDATA or processing instructions: the full path
    try:
        root = lxml.etree.fromstring(html, lxml.etree.HTMLParser(recover=True))
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None
    if root is None or root.tag != "html" or len(root) != 1 or root[0].tag != "body" or _is_hidden(root):
        return None  # a head (title, style, meta ...) or anything else around the body
    if (root.text or "").strip() or (root[0].tail or "").strip() or root.getprevious() is not None:
        return None
    paragraphs = _paragraphs(root[0], {"[document]", "html", "body", "p"})
    return None if paragraphs is None else _tidy("\n\n".join(paragraphs))


def _paragraphs(container: lxml.etree._Element, parent_tags: set[str]) -> list[str] | None:
    """The converted text of each non-empty paragraph of a container that holds nothing else, or None."""
    if _is_hidden(container) or (container.text or "").strip():
        return None
    texts: list[str] = []
    for child in container:
        if child.tag != "p" or len(child) or _is_hidden(child) or (child.tail or "").strip():
            return None  # markup, a comment (its tag is not a string), hidden text or loose text: the full path
        texts.append(child.text or "")
    escape = ThreadbookConverter.escape_text
    paragraphs = []
    for text in texts:
        if not text.strip():
            continue  # whitespace only: markdownify ignores it, and the paragraph is empty
        # process_text: whitespace runs collapsed, escaped, stripped at both block edges; then convert_p.
        text = escape(_MARKUP_WHITESPACE.sub(" ", text), parent_tags).lstrip(" \t\r\n").rstrip()
        text = text.strip(" \t\r\n")
        if text:
            paragraphs.append(text)
    return paragraphs


def _is_hidden(element: lxml.etree._Element) -> bool:
    return element.get("hidden") is not None or bool(_DISPLAY_NONE.search(element.get("style") or ""))


class _Tag(Tag):
    """bs4's Tag with a fast `find_parent(name)`: markdownify asks every tag for an enclosing `<pre>`, and bs4's
    general search machinery made that ~4% of all extraction time. Same answer: the nearest ancestor so named."""

    def find_parent(self, name: Any = None, attrs: Any = None, **kwargs: Any) -> Any:
        if not isinstance(name, str) or ":" in name or attrs or kwargs:
            return super().find_parent(name, attrs, **kwargs)
        node = self.parent
        while node is not None:
            if node.name == name:
                return node
            node = node.parent
        return None


_ELEMENT_CLASSES: dict[type[PageElement], type[PageElement]] = {Tag: _Tag}


def _soup_from_text(source: str) -> BeautifulSoup:
    return BeautifulSoup(source, "lxml", element_classes=_ELEMENT_CLASSES)


# Elements whose content libxml2 serialises in a form its parser reads back differently (raw text it escapes, or
# markup it only accepts in a document's head): a subtree with any of them takes the serialise-and-parse path,
# so its Markdown stays what it always was.
_REPARSE_TAGS = frozenset({"xmp", "plaintext", "listing", "noembed", "noframes", "html", "head", "body"})


def _needs_reparse(element: lxml.html.HtmlElement) -> bool:
    for node in element.iter():
        tag = node.tag
        if isinstance(tag, str):
            if tag in _REPARSE_TAGS:
                return True
            if tag == "li" and not node.text and not len(node) and (node.tail or node.getnext() is not None):
                return True  # libxml2 writes an empty <li> without </li>: parsed again, what follows moves into it
        elif tag is not lxml.etree.Comment and tag is not lxml.etree.ProcessingInstruction:
            return True  # an entity reference or anything else the walk below does not know
    return False


class _ElementTreeBuilder(LXMLTreeBuilder):
    """bs4's own lxml tree builder, fed from an element we already parsed instead of from its markup.

    This is what `BeautifulSoup(lxml.html.tostring(element), "lxml")` builds, without serialising the element
    and parsing it again (that round trip was a fifth of all extraction time): the same callbacks
    (start/data/end/comment/pi) in the same order, inside the `<html><body>` that libxml2 puts around a
    fragment. bs4 then merges text, splits `class` and so on exactly as it does while parsing.
    """

    def __init__(self, element: lxml.html.HtmlElement) -> None:
        super().__init__()
        self.element = element

    def feed(self, markup: Any) -> None:
        self.start("html", {})
        self.start("body", {})
        root = self.element
        for event, node in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
            if event == "start":
                self.start(node.tag, node.attrib)
                if node.text:
                    self.data(node.text)
                continue
            if event == "end":
                self.end(node.tag)
            elif event == "comment":
                self.comment(node.text or "")
            else:
                self.pi(node.target, node.text or "")
            if node.tail and node is not root:
                self.data(node.tail)
        self.end("body")
        self.end("html")


def _soup_from_element(element: lxml.html.HtmlElement) -> BeautifulSoup:
    # The markup argument is never read (feed above walks the element); "\n" keeps bs4 from checking whether
    # it looks like a file name.
    return BeautifulSoup("\n", builder=_ElementTreeBuilder(element), element_classes=_ELEMENT_CLASSES)


def _serialise(element: lxml.html.HtmlElement) -> str:
    """The element as HTML, with its href/src values kept verbatim.

    libxml2's HTML serialiser percent-escapes href and src (non-ASCII, tabs): "gärtner.example" would come back
    as a broken host. Copies of the raw values ride along in data attributes, which it leaves alone; the
    element is restored before returning.
    """
    marked: list[tuple[lxml.html.HtmlElement, str]] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for name in ("href", "src"):
            value = node.get(name)
            if value is not None:
                node.set(_RAW_ATTR[name], value)
                marked.append((node, _RAW_ATTR[name]))
    try:
        text: str = lxml.html.tostring(element, encoding="unicode", with_tail=False)
        return text
    finally:
        for node, name in marked:
            del node.attrib[name]


def safe_url(href: str | None, base_url: str, *, schemes: frozenset[str] = _LINK_SCHEMES) -> str | None:
    """Return href made absolute against base_url if its scheme is allowed, else None."""
    if not href:
        return None
    href = _URL_INVISIBLES.sub("", href).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f \x7f")
    if not href or href.startswith("#") and not base_url:
        return None
    try:
        url = urljoin(base_url, href) if base_url else href
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. a broken IPv6 host "http://[::1"
        return None
    if scheme not in schemes:
        return None
    if scheme != "mailto" and not urlsplit(url).netloc:
        return None
    return url


def _link_destination(url: str) -> str:
    # Only what would end or break a Markdown link destination is percent-encoded; non-ASCII stays as it is
    # (an IDN host must not become "g%C3%A4rtner.example").
    return _DESTINATION_UNSAFE.sub(lambda match: f"%{ord(match.group()):02X}", url)


def _classes(el: Tag) -> set[str]:
    value = el.get("class")
    if value is None:
        return set()
    if isinstance(value, str):
        return set(value.split())
    return set(value)


def _attr(el: Tag, name: str) -> str:
    value = el.get(_RAW_ATTR[name]) if name in _RAW_ATTR and el.has_attr(_RAW_ATTR[name]) else el.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return " ".join(value)


def _largest_srcset_candidate(srcset: str) -> str | None:
    best: tuple[float, str] | None = None
    for match in _SRCSET_ITEM.finditer(srcset):
        url = match.group(1)
        if not url:
            continue
        size = float(match.group(2)) if match.group(2) else 1.0
        if match.group(3) == "w":
            size *= 10_000  # a width descriptor always beats a density one for "largest"
        if best is None or size > best[0]:
            best = (size, url)
    return best[1] if best else None


def image_source(el: Tag, base_url: str) -> str | None:
    """The best absolute http(s) URL of an <img>: lazy-load attributes, then the largest srcset, then src."""
    for name in _LAZY_SRC_ATTRS:
        url = safe_url(_attr(el, name), base_url, schemes=_IMAGE_SCHEMES)
        if url:
            return url
    for name in _SRCSET_ATTRS:
        candidate = _largest_srcset_candidate(_attr(el, name))
        url = safe_url(candidate, base_url, schemes=_IMAGE_SCHEMES)
        if url:
            return url
    return safe_url(_attr(el, "src"), base_url, schemes=_IMAGE_SCHEMES)


def _is_tracking_pixel(el: Tag, url: str) -> bool:
    sizes = [_attr(el, "width").strip().removesuffix("px"), _attr(el, "height").strip().removesuffix("px")]
    if all(size.isdigit() and int(size) <= 1 for size in sizes):
        return True
    return (urlsplit(url).hostname or "") in _TRACKER_HOSTS


def _escape_alt(alt: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(alt.split()))


class ThreadbookConverter(MarkdownConverter):
    """The one HTML→Markdown converter (see the module docstring for what it guarantees)."""

    # markdownify's __init__ rebuilds its options from dir() of two classes: ~5% of all extraction time when run
    # for every body and comment. It runs once; later converters start from a copy of the state it left.
    _initial_state: ClassVar[dict[str, Any] | None] = None

    def __init__(self, *, base_url: str) -> None:
        state = ThreadbookConverter._initial_state
        if state is None:
            self._init_markdownify()
            ThreadbookConverter._initial_state = dict(self.__dict__)
        else:
            self.__dict__.update(state)
            self.options = dict(state["options"])
            self.convert_fn_cache: dict[str, Any] = {}  # bound methods of this converter, filled as tags are met
        self.base_url = base_url
        self.images: list[tuple[str, str]] = []
        self._image_urls: set[str] = set()

    def _init_markdownify(self) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            wrap=True,  # collapses whitespace in text, including newlines ...
            wrap_width=None,  # ... without re-wrapping paragraphs
            newline_style=BACKSLASH,  # `<br>` as "\\" + newline: no trailing spaces
            escape_asterisks=False,  # escaping is done by escape() below
            escape_underscores=False,
            escape_misc=False,
            autolinks=True,
            strip_document=STRIP,
        )

    def convert_clean_soup(self, soup: BeautifulSoup) -> str:
        """Sanitise the tree (drop what must never survive), convert it and tidy the result."""
        self._sanitise(soup)
        return _tidy(self.convert_soup(soup))

    def _sanitise(self, soup: BeautifulSoup) -> None:
        shown_image_urls: set[str] = set()
        doomed: list[Tag] = []
        noscripts: list[Tag] = []
        tables: list[Tag] = []
        for el in soup.find_all(True):
            name = el.name
            if name == "noscript":
                noscripts.append(el)
            elif name in _DROPPED_TAGS or el.has_attr("hidden") or _DISPLAY_NONE.search(_attr(el, "style")):
                doomed.append(el)
            elif name == "img" and el.find_parent("noscript") is None:
                for attr in (*_LAZY_SRC_ATTRS, "src"):
                    url = safe_url(_attr(el, attr), self.base_url, schemes=_IMAGE_SCHEMES)
                    if url:
                        shown_image_urls.add(url)
                chosen = image_source(el, self.base_url)
                if chosen:
                    shown_image_urls.add(chosen)
            elif name == "table":
                tables.append(el)
        # A <noscript> is dropped, except for images that the page shows nowhere else (lazy-load fallbacks).
        for noscript in noscripts:
            if noscript.decomposed:
                continue
            rescued = [
                img
                for img in noscript.find_all("img")
                if (url := image_source(img, self.base_url)) and url not in shown_image_urls
            ]
            for img in rescued:
                noscript.insert_before(img.extract())
            noscript.decompose()
        for el in doomed:
            if not el.decomposed:
                el.decompose()
        for table in tables:
            if not table.decomposed and _is_complex_table(table):
                _flatten_table(table)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return self.escape_text(text, parent_tags)

    @staticmethod
    def escape_text(text: str, parent_tags: set[str]) -> str:
        """Escape text (never code) so it stays inert: inline markup characters, and line-start constructs."""
        if not text:
            return ""
        text = _INLINE_SPECIALS.sub(r"\\\1", text)
        text = _ENTITY_LIKE.sub(r"\\&", text)
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", r"\|")
        return _LINE_START_SPECIALS.sub(_escape_line_start, text)

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        prefix, suffix, text = _chomp(text)
        if not text:
            return ""
        url = safe_url(_attr(el, "href"), self.base_url)
        if url is None or "_noformat" in parent_tags:
            return prefix + text + suffix
        plain = " ".join(el.get_text().split())
        destination = _link_destination(url)
        if plain in (url, _attr(el, "href").strip()) and "[" not in text and " " not in destination:
            if "(" not in destination and ">" not in destination:
                return f"{prefix}<{destination}>{suffix}"
        return f"{prefix}[{text}]({destination}){suffix}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = " ".join(_attr(el, "alt").split())
        if _classes(el) & _EMOJI_CLASSES:
            return self.escape(alt, parent_tags)
        source = image_source(el, self.base_url)
        if source is None:
            return self.escape(alt, parent_tags) if alt else ""
        url = _link_destination(source)  # the same string in the Markdown and in `images`
        if _is_tracking_pixel(el, url):
            return ""
        if url not in self._image_urls:
            self._image_urls.add(url)
            self.images.append((url, alt))
        title = " ".join(_attr(el, "title").split())
        title_part = ' "{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"')) if title else ""
        return f"![{_escape_alt(alt)}]({url}{title_part})"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if not text:
            return ""
        return f"\n\n*{text}*\n\n"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"
        if "_inline" in parent_tags:
            return text + " " if text else " "
        return "\\\n" + text

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip("\n")
        if not text.strip():
            return ""
        language = _code_language(el)
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}{language}\n{text}\n{fence}\n\n"

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        url = safe_url(_attr(el, "src"), self.base_url, schemes=_IMAGE_SCHEMES)
        if url is None:
            source = el.find("source")
            if isinstance(source, Tag):
                url = safe_url(_attr(source, "src"), self.base_url, schemes=_IMAGE_SCHEMES)
        if url is None:
            return text
        return f"[{text.strip() or 'Video'}]({_link_destination(url)})"

    convert_audio = convert_video


def _chomp(text: str) -> tuple[str, str, str]:
    """Move a leading/trailing space out of an inline element: `<a> x </a>` → " [x](…) "."""
    prefix = " " if text.startswith(" ") else ""
    suffix = " " if text.endswith(" ") else ""
    return prefix, suffix, text.strip()


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(3):  # "1. " would start an ordered list: escape the dot, "1\. "
        return match.group(1) + match.group(3) + "\\"
    return match.group(1) + "\\" + match.group(2)


def _code_language(el: Tag) -> str:
    candidates = [el]
    code = el.find("code")
    if isinstance(code, Tag):
        candidates.append(code)
    for candidate in candidates:
        match = _CODE_LANGUAGE.search(_attr(candidate, "class"))
        if match:
            return (match.group(1) or match.group(2)).lower()
    return ""


def _is_complex_table(table: Tag) -> bool:
    if table.find("table") is not None:
        return True
    for cell in table.find_all(["td", "th"]):
        span = _attr(cell, "rowspan").strip()
        if span.isdigit() and int(span) > 1:
            return True
        if cell.find(_BLOCK_IN_CELL) is not None and len(cell.find_all("p")) != 1:
            return True
        if cell.find(["ul", "ol", "pre", "blockquote", "table"]) is not None:
            return True
    return False


def _flatten_table(table: Tag) -> None:
    for part in table.find_all(["thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"]):
        part.name = "div"
    table.name = "div"


def _tidy(text: str) -> str:
    """Strip trailing spaces, keep at most one blank line in a row, drop dangling line-break backslashes."""
    out: list[str] = []
    in_code: list[bool] = []
    fence: str | None = None
    for line in text.split("\n"):
        opener = _FENCE_LINE.match(line)
        if fence is not None:
            out.append(line)
            in_code.append(True)
            if opener and opener.group(1).startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            out.append(line.rstrip())
            in_code.append(False)
            continue
        line = line.rstrip()
        if line == "\\":  # a line holding only a hard break (<br><br>) is a blank line
            line = ""
        if not line:
            _drop_dangling_break(out, in_code)
            if out and not out[-1]:
                continue
        out.append(line)
        in_code.append(False)
    _drop_dangling_break(out, in_code)
    return "\n".join(out).strip("\n")


def _drop_dangling_break(out: list[str], in_code: list[bool]) -> None:
    # A hard break ("\" at the end of a line) before a blank line or the end would print a literal backslash.
    if out and not in_code[-1] and out[-1].endswith("\\") and not out[-1].endswith("\\\\"):
        out[-1] = out[-1][:-1].rstrip()
        if not out[-1] and (len(out) == 1 or not out[-2]):  # a line that held only the break
            out.pop()
            in_code.pop()
