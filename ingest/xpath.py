"""XPath helpers over lxml trees that tolerate any markup: first match, text of a result, dates."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import lxml.etree
import lxml.html

from ingest.dates import parse_datetime

NS = {"re": "http://exslt.org/regular-expressions"}
_CACHE_LIMIT = 2048  # distinct expressions kept per thread; the selectors are fixed data, a few hundred in all
_compiled = threading.local()


def compiled(xpath: str, namespaces: Mapping[str, str] | None = None) -> lxml.etree.XPath:
    """`xpath` compiled once per thread (`node.xpath(text)` compiles the text on every call).

    Per thread: an `lxml.etree.XPath` takes a lock while it runs, so threads sharing one would queue on it.
    """
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], lxml.etree.XPath] | None = getattr(_compiled, "cache", None)
    if cache is None:
        cache = _compiled.cache = {}
    key = (xpath, tuple(sorted((namespaces or NS).items())))
    found = cache.get(key)
    if found is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        found = cache[key] = lxml.etree.XPath(_by_class_attribute(xpath), namespaces=namespaces or NS)
    return found


# `ingest.platforms.base.cls(name)`, as it writes the test of one class token.
_CLASS_TERM = re.compile(
    r"\(contains\(@class, '([\w-]+)'\) and contains\(concat\(' ', normalize-space\(@class\), ' '\), ' \1 '\)\)"
)
_ONLY_TERMS = re.compile(r"^(?:\s|\(|\)|T|\bor\b|\band\b)*$")


def _by_class_attribute(xpath: str) -> str:
    """`//*[<class tests>]rest` as `//@class[<the same tests on the attribute>]/..rest`: the same nodes, ~3x faster.

    A page-level selector that starts by looking for elements with certain classes makes libxml2 test every
    element of the page; most have no class attribute, and each test costs a string conversion. Walking the
    class attributes and stepping up to their element selects exactly the same elements, in document order:
    each class test is false without a class attribute, so only elements that have one can match. Applied only
    when the predicate holds nothing but class tests joined by and/or, and no positional predicate follows.
    """
    if not xpath.startswith("//*["):
        return xpath
    depth, quote, end = 0, "", -1
    for index in range(3, len(xpath)):
        char = xpath[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                end = index
                break
    if end < 0:
        return xpath
    predicate, rest = xpath[4:end], xpath[end + 1 :]
    if rest.lstrip().startswith("[") or not _ONLY_TERMS.match(_CLASS_TERM.sub("T", predicate)):
        return xpath
    on_attribute = _CLASS_TERM.sub(lambda match: match.group(0).replace("@class", "."), predicate)
    return f"//@class[{on_attribute}]/..{rest}"


def any_match(doc: lxml.html.HtmlElement, xpaths: Iterable[str]) -> bool:
    return any(select(doc, xpath) for xpath in xpaths)


def select(node: lxml.etree._Element, xpath: str, namespaces: Mapping[str, str] | None = None) -> list[Any]:
    """The results of `xpath` evaluated on `node`, as a list (a scalar result is a list of one)."""
    result = compiled(xpath, namespaces)(node)
    if isinstance(result, list):
        return result
    return [result]


def matches(node: lxml.etree._Element, xpath: str, namespaces: Mapping[str, str] | None = None) -> bool:
    """The truth of `xpath` on `node`: a boolean expression's value, or whether a node set is non-empty."""
    return bool(compiled(xpath, namespaces)(node))


def text_of(value: Any) -> str:
    if isinstance(value, lxml.html.HtmlElement):
        return " ".join(value.text_content().split())
    if isinstance(value, str):
        return " ".join(value.split())
    return ""


def first_text(values: Iterable[Any]) -> str | None:
    for value in values:
        text = text_of(value)
        if text:
            return text
    return None


def owner_element(value: Any) -> Any:
    """The element an XPath result belongs to (itself, or the element of an attribute or text result)."""
    if isinstance(value, lxml.etree._Element):
        return value
    getparent = getattr(value, "getparent", None)
    return getparent() if getparent is not None else None


def first_date(*groups: Iterable[Any]) -> datetime | None:
    for group in groups:
        for value in group:
            parsed = parse_datetime(text_of(value)) if value is not None else None
            if parsed is not None:
                return parsed
    return None


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def select_all(doc: lxml.html.HtmlElement, xpaths: Iterable[str]) -> Iterator[Any]:
    for xpath in xpaths:
        yield from select(doc, xpath)


def drop_keep_tail(el: lxml.etree._Element) -> None:
    """Remove `el` from its tree, keeping the text that followed it."""
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
