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
    author = json_ld.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, str) and author.strip():
        return " ".join(author.split())
    return None
