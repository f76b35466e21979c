"""Serendipity (s9y): `.serendipity_entry` entries and `.serendipity_comment` comments, in the default and 2k11 styles.

The 2k11 style nests replies (`li#c1025` inside its parent's `ul.comment_children`) and names the author in a
`<cite>` next to a `<time>`. The old default style writes flat `div#serendipity_comment_N` rows indented by
`padding-left`, with `.serendipity_comment_source` "#1 Author (Homepage) on Date": there replies come out top
level (`Selectors` has no field for an indentation depth).
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches, select

NAME = "serendipity"

_GENERATOR = re.compile(r"^\s*Serendipity\b", re.I)
_DETECT_XPATH = "boolean(//*[" + cls("serendipity_entry") + " or " + cls("serendipity_comment") + "])"
_ENTRY = "*[" + cls("serendipity_entry") + "]"
_AREA = "*[@id='comments' or " + cls("serendipity_comments") + " or " + cls("serendipity_section_comments") + "]"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//" + _ENTRY + "//*[" + cls("post_title") + " or " + cls("serendipity_title") + "]",
        "//*[" + cls("serendipity_title") + "]",
        "//title",
    ),
    title_suffix_separators=(" | ", " - "),
    body=("//" + _ENTRY + "//*[" + cls("serendipity_entry_body") + "]",),
    body_strip=(".//*[" + cls("serendipity_entryFooter") + " or " + cls("post_info") + "]",),
    author=(
        "//" + _ENTRY + "//*[" + cls("serendipity_byline") + "]/a[contains(@href, '/authors/')]",
        "//" + _ENTRY + "//*[" + cls("serendipity_entryFooter") + "]/a[contains(@href, '/authors/')]",
        "//meta[@name='author']/@content",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//" + _ENTRY + "//time/@datetime",
        "//" + _ENTRY + "//*[" + cls("serendipity_entryFooter") + "]//abbr[" + cls("published") + "]/@title",
        # The default style: the day only, as a heading above the entry ("Sunday, March 10. 2024").
        "//*[" + cls("serendipity_date") + "]",
    ),
    categories=("//" + _ENTRY + "//a[contains(@href, '/categories/')]",),
    tags=("//" + _ENTRY + "//*[" + cls("serendipity_freeTag") + "]//a",),
    source_id=(
        "//" + _ENTRY + "/@id",
        "//link[@rel='canonical']/@href",
        "//*[" + cls("serendipity_title") + " or " + cls("post_title") + "]//a/@href",
    ),
    source_id_pattern=r"(?:^post_|/archives/)(\d+)",
    is_post=(
        "//*[" + cls("serendipity_commentsTitle") + "]",
        "//" + _AREA + "[.//*[" + cls("serendipity_comment") + "]]",
    ),
    not_post=(),
    comment_count=(
        "//" + _ENTRY + "//a[" + cls("post_comments") + "]",
        "//" + _ENTRY + "//a[contains(@href, '#comments')]",
    ),
    comment_items=("//*[(self::li or self::div or self::article) and " + cls("serendipity_comment") + "]",),
    comment_excluded="boolean(ancestor::aside | ancestor::nav | ancestor::form | ancestor::*["
    + cls("serendipitySideBarItem")
    + "])",
    comment_id_pattern=r"^(?:c|serendipity_comment_)(\d+)$",
    comment_parent=(),
    comment_author=(
        ".//cite",
        ".//*[" + cls("comment_source_author") + "]",
    ),
    comment_author_url=(".//cite//a/@href", ".//a[" + cls("comment_source_url") + "]/@href"),
    comment_date=(
        ".//time/@datetime",
        ".//*[" + cls("comment_source_date") + "]",
    ),
    comment_body=(".//*[" + cls("serendipity_commentBody") + " or " + cls("comment_content") + "]",),
    comment_body_strip=(".//*[" + cls("serendipity_comment_source") + " or " + cls("comment_children") + "]",),
    pingback_classes=("serendipity_comment_pingback",),
    trackback_classes=("serendipity_comment_trackback",),
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Serendipity pages (its generator tag, or its `serendipity_` entry and comment classes)."""
    for generator in select(doc, "//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    return matches(doc, _DETECT_XPATH)
