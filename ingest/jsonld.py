"""schema.org data in a page's JSON-LD: the article object and its author."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import lxml.etree
import lxml.html

from ingest.xpath import select

_ARTICLE_TYPES = frozenset(
    {"Article", "BlogPosting", "NewsArticle", "TechArticle", "SocialMediaPosting", "Report", "ScholarlyArticle"}
)


def article_object(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first schema.org Article/BlogPosting object in the page's JSON-LD, or {}."""
    for script in select(doc, "//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for candidate in _objects(data, depth=0):
            types = candidate.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(name, str) and name in _ARTICLE_TYPES for name in names):
                return candidate
    return {}


def _objects(data: Any, *, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth=depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _objects(graph, depth=depth + 1)


def author_name(json_ld: dict[str, Any]) -> str | None:
    """The name of an object's (first) author: a string, a Person/Organization, or a list of them."""
    return person_name(json_ld.get("author"))


def person_name(value: Any) -> str | None:
    """The name a schema.org author/creator value states: a string, `{"name": ...}`, or a list (the first)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


_COMMENT_TYPES = frozenset({"Comment", "Answer", "UserComments"})


def comment_objects(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema.org Comment objects listed under an object's `comment` property (one object or a list)."""
    value = obj.get("comment")
    values = value if isinstance(value, list) else [value]
    found: list[dict[str, Any]] = []
    for item in values:
        if not isinstance(item, dict):
            continue
        types = item.get("@type")
        names = types if isinstance(types, list) else [types]
        if any(isinstance(name, str) and name in _COMMENT_TYPES for name in names):
            found.append(item)
    return found
