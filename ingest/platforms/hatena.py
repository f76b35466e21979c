"""Hatena Blog (hatenablog.com and custom domains): entries and their comments (`.comment-box li.entry-comment`).

Hatena renders comments in the page with a `data-comment-id` and a `<time>`; replies are not threaded (each
comment is top level). The blog's author is `html[data-author]`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches

NAME = "hatena"

_HOSTS = re.compile(r"(^|\.)(hatenablog\.(com|jp)|hateblo\.jp|hatenadiary\.(com|jp|org))$", re.I)
_DETECT_XPATH = (
    "boolean(/html[@data-admin-domain='//blog.hatena.ne.jp' or @data-blog and @data-page]"
    " | //header[@data-brand='hatenablog'] | //*[" + cls("hatenablog-entry") + "]"
    " | //script[contains(@src, 'cdn.blog.st-hatena.com')])"
)
_ENTRY = "article[" + cls("entry") + "]"
_COMMENT = "li[" + cls("entry-comment") + "]"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//" + _ENTRY + "//h1[" + cls("entry-title") + "]",
        "//*[" + cls("entry-title") + "]",
        "//title",
    ),
    title_suffix_separators=(" - ",),
    body=("//" + _ENTRY + "//*[" + cls("entry-content") + "]", "//*[" + cls("entry-content") + "]"),
    author=(
        "/html/@data-author",
        "//" + _ENTRY + "//*[" + cls("author") + "]//*[" + cls("fn") + "]/@data-user-name",
        "//" + _ENTRY + "//*[" + cls("author") + "]",
    ),
    published=(
        "//" + _ENTRY + "//*[" + cls("entry-date") + "]//time/@datetime",
        "//" + _ENTRY + "//time/@datetime",
    ),
    categories=("//" + _ENTRY + "//*[" + cls("entry-categories") + "]//a",),
    tags=(),
    source_id=("//" + _ENTRY + "/@data-uuid", "//" + _ENTRY + "/@id"),
    source_id_pattern=r"(\d+)",
    is_post=("/html[@data-page='entry']", "//meta[@property='og:type' and @content='article']"),
    not_post=("/html[@data-page='index' or @data-page='archive' or @data-page='about']",),
    comment_count=(),
    comment_items=("//*[" + cls("comment-box") + "]//" + _COMMENT + "[@data-comment-id]",),
    comment_excluded="boolean(ancestor::aside | ancestor::nav | ancestor::form)",
    comment_id_pattern=r"^(\d+)$",
    comment_parent=(),
    comment_author=(
        ".//*[" + cls("comment-user-name") + "]//*[@data-user-name]/@data-user-name",
        ".//*[" + cls("comment-user-name") + "]",
    ),
    comment_author_url=(".//*[" + cls("comment-user-name") + "]//a/@href",),
    comment_date=(".//*[" + cls("comment-metadata") + "]//time/@datetime", ".//time/@datetime"),
    comment_body=(".//*[" + cls("comment-content") + "]",),
    comment_body_strip=(".//*[" + cls("comment-user-name") + " or " + cls("comment-metadata") + "]",),
    pingback_classes=(),
    trackback_classes=(),
    comment_nav_links=(),  # "もっと読む" loads older comments by script: the page's comments are read
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Hatena Blog pages (its hosts, or the `html[data-blog]` and `data-brand='hatenablog'` markup)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return bool(_HOSTS.search(host)) or matches(doc, _DETECT_XPATH)
