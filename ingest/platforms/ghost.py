"""Ghost (Casper and the other official themes, old `.post-full-*` and new `.gh-*`/`.article-*` markup).

Ghost's native comments are a script (`comments-ui`) that loads them after the page: none are in the HTML.
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches, select

NAME = "ghost"

_GENERATOR = re.compile(r"^\s*Ghost\b", re.I)
_DETECT_XPATH = (
    "boolean(//script[@data-ghost or contains(@src, '/ghost/') or contains(@src, 'ghost/portal')"
    " or contains(@src, 'comments-ui')] | //link[contains(@href, '/ghost/api/')]"
    " | //body[" + cls("post-template") + "]//*[" + cls("gh-content") + " or " + cls("post-full-content") + "])"
)

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//h1["
        + cls("article-title")
        + " or "
        + cls("post-full-title")
        + " or "
        + cls("gh-article-title")
        + " or "
        + cls("post-title")
        + "]",
        "//article//h1",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" | ", " – ", " - "),
    body=(
        "//*[" + cls("gh-content") + "]",
        "//*[" + cls("post-full-content") + "]",
        "//*[" + cls("post-content") + " or " + cls("article-content") + "]",
    ),
    body_strip=(
        ".//*[" + cls("kg-signup-card") + " or " + cls("gh-post-upgrade-cta") + " or " + cls("kg-cta-card") + "]",
        ".//*[" + cls("article-comments") + " or " + cls("gh-comments") + " or " + cls("post-full-comments") + "]",
    ),
    author=(
        "//*[" + cls("article-byline") + " or " + cls("gh-article-meta") + " or " + cls("post-full-byline") + "]"
        "//*[" + cls("author-name") + " or " + cls("gh-article-author-name") + "]//a",
        "//*[" + cls("author-name") + "]",
        "//meta[@name='author']/@content",
        "//a[@rel='author']",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//time[" + cls("byline-meta-date") + " or " + cls("post-full-meta-date") + "]/@datetime",
        "//article//time/@datetime",
    ),
    categories=(),
    tags=("//meta[@property='article:tag']/@content", "//a[" + cls("post-full-meta-tag") + "]"),
    is_post=("//body[" + cls("post-template") + "]", "//meta[@property='og:type' and @content='article']"),
    not_post=("//body[" + cls("home-template") + " or " + cls("tag-template") + " or " + cls("author-template") + "]",),
    comment_count=(),
    comment_items=(),  # native comments load by script; a theme with server-side comments is read as generic
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Ghost pages (its generator tag, its scripts and API paths, its theme's templates)."""
    for generator in select(doc, "//meta[@name='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    return matches(doc, _DETECT_XPATH)
