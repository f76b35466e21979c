"""What a platform module declares: its selectors, as data (XPath 1.0 strings), and how to recognise its pages.

Selectors are tuples of alternatives tried in order (like trafilatura's `xpaths.py`). Expressions may use the
EXSLT regular-expression namespace as `re:` (e.g. `re:test(@id, '^comment-\\d+$')`). Page-level selectors are
evaluated on the whole document; `comment_*` ones relative to one comment element (and only its own content,
never that of a nested reply); `body_strip`/`comment_body_strip` relative to the cut-out body.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import lxml.html


def cls(name: str) -> str:
    """XPath predicate: the element has CSS class `name` (a whole token, not a substring).

    The plain `contains(@class, name)` comes first only for speed: libxml2 stops there on almost every element,
    without building the normalised string (selectors ran ~45% faster). It never changes the result: a class
    name has no whitespace, so wherever the token test holds the substring test holds too.
    """
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


@dataclass(frozen=True, slots=True)
class Selectors:
    """Where a platform keeps each part of a post page. Strings are XPath; see the module docstring."""

    title: tuple[str, ...]  # elements or strings
    title_suffix_separators: tuple[str, ...]  # `<title>` "Post – Blog": cut from the last separator
    body: tuple[str, ...]  # elements: the post body (the first that matches)
    body_strip: tuple[str, ...]  # inside the body: parts that are not the post (share buttons, comments ...)
    author: tuple[str, ...]
    published: tuple[str, ...]  # strings (attributes or text), tried in order until one parses
    updated: tuple[str, ...]
    categories: tuple[str, ...]  # elements whose text is a category
    tags: tuple[str, ...]
    source_id: tuple[str, ...]  # strings searched with source_id_pattern
    source_id_pattern: str  # regex with one group: the id
    protected: tuple[str, ...]  # any match: password-protected post
    is_post: tuple[str, ...]  # any match: this is a single post page
    not_post: tuple[str, ...]  # any match (and no is_post match): a listing, archive or search page
    comment_count: tuple[str, ...]  # elements whose text states the number of comments
    comment_items: tuple[str, ...]  # elements, one per comment; the first alternative that finds any wins
    comment_excluded: str  # boolean XPath on an item: true when it sits in a widget, the reply form ...
    comment_id_pattern: str  # regex on an item's id attribute, one group: the comment's source id
    comment_parent: tuple[str, ...]  # strings on an item naming its parent's id, when not nested
    comment_author: tuple[str, ...]
    comment_author_url: tuple[str, ...]  # strings (href)
    comment_date: tuple[str, ...]  # strings, tried in order until one parses
    comment_body: tuple[str, ...]  # elements; else the item itself, minus comment_body_strip
    comment_body_strip: tuple[str, ...]
    pingback_classes: tuple[str, ...]
    trackback_classes: tuple[str, ...]
    comment_nav_links: tuple[str, ...]  # strings (href) of links to other comment pages
    comment_page_current: tuple[str, ...]  # elements whose text is the current comment page number
    body_page_links: tuple[str, ...] = ()  # strings (href) of the post's other pages (a post split into pages)


class Platform(Protocol):
    """What every module in `ingest.platforms.PLATFORMS` provides.

    Optional: `fetch_thread(ctx: ingest.threads.ThreadContext) -> ThreadFetch | None`, to read a post's thread
    through the platform's own interface (REST, feeds) rather than its HTML comment pages (ingest/threads.py).
    """

    NAME: str
    SELECTORS: Selectors

    def detect(self, doc: lxml.html.HtmlElement, url: str) -> bool: ...


def as_platform(module: ModuleType) -> Platform:
    """Check that a module has what a platform needs, and return it typed as one."""
    for name in ("NAME", "SELECTORS", "detect"):
        if not hasattr(module, name):
            raise TypeError(f"platform module {module.__name__} lacks {name}")
    platform: Platform = module
    return platform
