"""Movable Type (3 to 8, the default "Classic"/"Professional" templates) and TypePad: entries and their comments.

MT 4+ writes hAtom: `h1.asset-name`, `abbr.published[title]`, `div.comment#comment-2291` whose `.byline` names
the author (`.vcard.author`), the date (`abbr.published`), and for a reply "replied to <a href="#comment-N">".
MT 3 and TypePad write `div.comment#c2291` (TypePad: `#c6a00d8...`, a hex asset id), the text in
`div.comment-content` or `div.comment-body`, then `p.comment-footer` "Posted by: X | March 5, 2024 at 10:15 AM".

A commenter without a web site is plain text inside that footer ("Posted by: Iain |"): the `substring-*`
alternative below cuts the name out (`ingest.comments` keeps the string results of XPath functions).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches, select

NAME = "movabletype"

_GENERATOR = re.compile(r"^\s*(Movable Type|http://www\.typepad\.com/|TypePad)", re.I)
_HOSTS = re.compile(r"(^|\.)typepad\.(com|jp)$", re.I)
_NS = {"re": "http://exslt.org/regular-expressions"}
_DETECT_XPATH = (
    "boolean(/html[@id='sixapart-standard' or @id='typepad-standard']"
    " | //script[contains(@src, 'mt.js') or contains(@src, 'mt-static/')]"
    " | //form[contains(@action, 'mt-comments.cgi') or contains(@action, 'mt-comments.fcgi')]"
    " | //link[contains(@href, 'static.typepad.com')])"
)
_ENTRY = "*[" + cls("entry-asset") + " or " + cls("entry") + " or " + cls("hentry") + "]"
_AREA = "*[@id='comments' or " + cls("comments") + " or " + cls("comments-content") + "]"
_FOOTER = "*[" + cls("comment-footer") + "]"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//" + _ENTRY + "//*[" + cls("asset-name") + " or " + cls("entry-title") + "]",
        "//" + _ENTRY + "/h3[" + cls("entry-header") + "]",
        "//h3[" + cls("entry-header") + "]",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    # MT: "Entry - Blog"; TypePad: "Blog: Entry" (the blog comes first, so only the title element works there)
    title_suffix_separators=(" - ", " | "),
    body=(
        "//" + _ENTRY + "//*[" + cls("asset-content") + "]",
        "//" + _ENTRY + "//*[" + cls("entry-content") + "]",
        "//*[" + cls("entry-body") + "]",
    ),
    body_strip=(
        ".//*[" + cls("asset-footer") + " or " + cls("entry-footer") + " or " + cls("entry-categories") + "]",
        ".//" + _AREA,
        ".//*[" + cls("asset-meta") + " or " + cls("share") + " or " + cls("entry-tags") + "]",
    ),
    author=(
        "//"
        + _ENTRY
        + "//*["
        + cls("asset-meta")
        + " or "
        + cls("byline")
        + "]//*["
        + cls("author")
        + "]//*["
        + cls("fn")
        + "]",
        "//" + _ENTRY + "//*[" + cls("asset-meta") + " or " + cls("byline") + "]//*[" + cls("author") + "]",
        # TypePad: "Posted by Neil Ross on 15 August 2009 at 06:30 PM in Local"
        "//" + _ENTRY + "//*[" + cls("post-footers") + "]/a[contains(@href, 'profile.typepad.com')]",
        "normalize-space(substring-before(substring-after(//" + _ENTRY + "//*[" + cls("post-footers") + "],"
        " 'Posted by '), ' on '))",
        "//meta[@name='author']/@content",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//" + _ENTRY + "//abbr[" + cls("published") + "]/@title",
        "//" + _ENTRY + "//time/@datetime",
        "normalize-space(substring-before(substring-after(//" + _ENTRY + "//*[" + cls("post-footers") + "],"
        " ' on '), ' in '))",
        "normalize-space(substring-after(//" + _ENTRY + "//*[" + cls("post-footers") + "], ' on '))",
    ),
    updated=(
        "//meta[@property='article:modified_time']/@content",
        "//" + _ENTRY + "//abbr[" + cls("updated") + "]/@title",
    ),
    categories=(
        "//*[" + cls("entry-categories") + "]//a",
        "//" + _ENTRY + "//*[" + cls("post-footers") + "]/a[not(contains(@href, 'profile.typepad.com'))]",
    ),
    tags=("//*[" + cls("entry-tags") + "]//a",),
    source_id=(
        "//form[@id='comments-form' or @name='comments_form']//input[@name='entry_id']/@value",
        "//" + _ENTRY + "/@id",
    ),
    source_id_pattern=r"^(?:entry-)?(\w+)$",
    is_post=(
        "/html/body[" + cls("mt-entry-archive") + " or " + cls("post") + "][.//" + _ENTRY + "]",
        "//div[" + cls("entry-asset") + "]",
        "//meta[@property='og:type' and @content='article']",
    ),
    not_post=(
        "/html/body["
        + cls("mt-main-index")
        + " or "
        + cls("mt-archive-listing")
        + " or "
        + cls("mt-category-archive")
        + " or "
        + cls("mt-datebased-archive")
        + " or "
        + cls("layout-main-index")
        + "]",
    ),
    comment_count=(
        "//*[" + cls("comments-header") + "]",
        "//*[" + cls("comments-count") + " or " + cls("comment-count") + "]",
    ),
    comment_items=(
        "//"
        + _AREA
        + "//div["
        + cls("comment")
        + " and (re:test(@id, '^comment-\\d+$') or re:test(@id, '^c[0-9a-f]{4,}$')"
        " or preceding-sibling::*[1][self::a[re:test(@id, '^c\\d+$')]])]",
    ),
    comment_excluded="boolean(ancestor::form | ancestor::*[@id='comment-preview' or @id='beta' or @id='gamma'])",
    comment_id_pattern=r"^(?:comment-|c)(\w+)$",
    comment_parent=(
        # MT 4+: "Ruth replied to <a href="…#comment-2291">comment from Joe</a>"
        ".//*[" + cls("byline") + "]/a[contains(preceding-sibling::text()[1], 'replied to')]/@href",
    ),
    comment_author=(
        ".//*[" + cls("comment-header") + " or " + cls("byline") + "]//*[" + cls("author") + "]",
        ".//" + _FOOTER + "/a[1][normalize-space(preceding-sibling::text()[1]) = 'Posted by:']",
        "normalize-space(substring-before(substring-after(.//" + _FOOTER + ", 'Posted by:'), '|'))",
        ".//*[" + cls("comment-author") + "]",
    ),
    comment_author_url=(
        ".//*[" + cls("comment-header") + " or " + cls("byline") + "]//*[" + cls("author") + "]//a/@href",
        ".//" + _FOOTER + "/a[1][normalize-space(preceding-sibling::text()[1]) = 'Posted by:']/@href",
    ),
    comment_date=(
        ".//abbr[" + cls("published") + "]/@title",
        ".//time/@datetime",
        ".//" + _FOOTER + "/a[contains(@href, '#c')][last()]",
        ".//" + _FOOTER + "/a[last()]",
    ),
    comment_body=(
        ".//*[" + cls("comment-content") + "]",
        ".//*[" + cls("comment-body") + "]",
    ),
    comment_body_strip=(
        ".//*[" + cls("comment-header") + " or " + cls("comment-footer") + " or " + cls("asset-meta") + "]",
    ),
    pingback_classes=(),
    trackback_classes=("trackback", "ping"),
    # MT's paged comments (MT 5+ `comment-page` script) load by JavaScript: one page is read.
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Movable Type and TypePad pages (generator tag, TypePad hosts, MT's script and comment form)."""
    for generator in select(doc, "//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return bool(_HOSTS.search(host)) or matches(doc, _DETECT_XPATH, _NS)
