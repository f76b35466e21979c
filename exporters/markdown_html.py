"""Stored Markdown to sanitised HTML for the EPUB and HTML exporters: markdown-it renders, an allowlist cleans.

Web text never becomes markup by itself: markdown-it runs with html=False, so raw HTML in a post arrives as escaped
text. What markdown-it does produce is then walked with lxml against an allowlist of elements and attributes
(belt and braces): script, style, iframe and their kin are dropped with their content, any other unknown element
is unwrapped, every attribute not listed (on* handlers, style, id) is removed, links keep only http(s) and mailto
addresses, and an image is shown only when it was archived (the caller maps its URL to a local file or a data:
URI; nothing is fetched and no local file is read).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import lxml.etree
import lxml.html
from lxml import etree
from markdown_it import MarkdownIt

from exporters.common import ExportImage, clean_text, one_line, safe_link

# (the image's address in the output, the image) or None when the image was not archived
ImageSource = Callable[[str], tuple[str, ExportImage] | None]
# a web address -> the export's own address for it (a post of the same book), or None to keep the web address
LinkTarget = Callable[[str], str | None]

ALLOWED: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in ("p", "br", "hr", "em", "strong", "s", "del", "blockquote", "ul", "li", "pre")},
    **{tag: frozenset() for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "span")},
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
    "th": frozenset({"class"}),
    "td": frozenset({"class"}),
}
# Dropped with everything inside: what would run, load, or show a form.
DROPPED = frozenset(
    "script style iframe frame frameset object embed applet form input button select textarea option link meta base "
    "svg math template noscript audio video source track canvas portal dialog".split()
)
_ALIGN = re.compile(r"\s*text-align\s*:\s*(left|right|center)\s*;?\s*")
# Anything that could be Markdown: inline syntax, entities, HTML, and lines that open a block (list, quote, heading
# underline, thematic break, code by indentation); hard breaks (two trailing spaces); any whitespace but the space
# and the newline (tabs, no-break and Unicode spaces, which markdown-it trims by rules of its own).
_NOT_PLAIN = re.compile(r"[\\`*_\[\]<>!&#|~]|[^\S \n]|^ *(?:[-+*>=]|\d{1,9}[.)])|^ {4}| {2,}$", re.MULTILINE)
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")


def _make_parser() -> MarkdownIt:
    # html=False: raw HTML in a post is text, never markup (the same parser settings as the PDF).
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


_PARSER = _make_parser()


def render_fragment(
    markdown: str, *, images: ImageSource, heading_offset: int = 0, links: LinkTarget | None = None
) -> lxml.html.HtmlElement:
    """`markdown` as a sanitised `<div>` holding the rendered blocks.

    Headings move down by `heading_offset` levels (a post's own "# Heading" must not outrank its title);
    images not found by `images` become a visible "[image: alt]" note.
    """
    markdown = clean_text(markdown)
    plain = plain_paragraphs(markdown)
    if plain is not None:  # most comments: no Markdown at all, so no parse (3/4 of a large export's time)
        container = lxml.html.Element("div")
        for paragraph in plain:
            element = lxml.etree.SubElement(container, "p")
            element.text, element.tail = paragraph, "\n"  # as markdown-it writes it
        return container
    rendered = _PARSER.render(markdown)
    container = lxml.html.fragment_fromstring(rendered or "", create_parent="div")
    sanitise(container, images=images, heading_offset=heading_offset, links=links)
    return container


def plain_paragraphs(markdown: str) -> list[str] | None:
    """The paragraphs of a text that has no Markdown syntax at all, as markdown-it would render them (lines
    stripped of spaces and tabs, joined by newlines); None when the text needs the real parser."""
    if _NOT_PLAIN.search(markdown):
        return None
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in markdown.split("\n"):
        stripped = line.strip(" \t")
        if stripped:
            lines.append(stripped)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\n".join(lines))
    return paragraphs


def sanitise(
    container: lxml.html.HtmlElement,
    *,
    images: ImageSource,
    heading_offset: int = 0,
    links: LinkTarget | None = None,
) -> None:
    """Clean `container`'s descendants in place against the allowlist (see the module docstring); links to the
    book's own posts go where `links` says."""
    for element in list(container.iter()):
        if element is container:
            continue
        if not isinstance(element.tag, str):  # comments and processing instructions
            element.drop_tree()
            continue
        tag = element.tag.lower()
        if tag in DROPPED:
            element.drop_tree()
            continue
        if tag not in ALLOWED:
            element.drop_tag()
            continue
        _clean_attributes(element, tag)
        if tag == "a" and "href" not in element.attrib:
            element.drop_tag()
        elif tag == "a" and links is not None:
            inside = links(element.get("href", ""))
            if inside is not None:
                element.set("href", inside)
        elif tag == "img":
            _resolve_image(element, images)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and heading_offset:
            element.tag = f"h{min(6, int(tag[1]) + heading_offset)}"
    container.attrib.clear()


def _clean_attributes(element: lxml.html.HtmlElement, tag: str) -> None:
    allowed = ALLOWED[tag]
    style = element.get("style") or ""
    for name in list(element.attrib):
        if name.lower() not in allowed:
            del element.attrib[name]
    if tag in ("th", "td"):
        # markdown-it aligns table cells with a style attribute; a class keeps the HTML's style-src policy strict.
        match = _ALIGN.fullmatch(style)
        element.attrib.pop("class", None)
        if match:
            element.set("class", f"align-{match.group(1)}")
    elif tag == "code":
        value = element.get("class", "")
        if not _LANGUAGE_CLASS.fullmatch(value):
            element.attrib.pop("class", None)
    elif tag == "a":
        href = safe_link(element.get("href"))
        if href is None:
            element.attrib.pop("href", None)
        else:
            element.set("href", href)
    elif tag == "ol":
        if not (element.get("start") or "").isdigit():
            element.attrib.pop("start", None)
    for name in ("title", "alt"):
        if name in element.attrib:
            element.set(name, one_line(element.get(name, "")))


def _resolve_image(element: lxml.html.HtmlElement, images: ImageSource) -> None:
    alt = one_line(element.get("alt", ""))
    found = images(element.get("src", ""))
    if found is None:
        note = lxml.html.Element("span")
        note.set("class", "missing-image")
        note.text = f"[image: {alt}]" if alt else "[image not archived]"
        note.tail = element.tail
        element.getparent().replace(element, note)
        return
    src, image = found
    element.attrib.clear()
    element.set("src", src)
    element.set("alt", alt or image.alt)


def inner_html(container: lxml.html.HtmlElement) -> str:
    """The container's content as HTML5 (void elements unclosed, text escaped)."""
    text = html.escape(container.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding="unicode", method="html") for child in container)


def inner_xhtml(container: lxml.html.HtmlElement) -> str:
    """The container's content as XHTML (well-formed XML, in the default namespace of the page it goes into)."""
    text = _xml_text(container.text or "")
    return text + "".join(etree.tostring(child, encoding="unicode", method="xml") for child in container)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
