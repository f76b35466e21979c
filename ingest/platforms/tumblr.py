"""Tumblr blogs (custom themes, `{block:Posts}` markup) and their notes.

Notes (`ol.notes li.note`) are mostly likes and reblogs: those are not comments and are never archived as such.
Replies (`li.note.reply`, a reader's text under the post) are comments: author from the note's blog link, text
from `.answer_content`/`.reply_text`; they carry no date or id in the markup (the id is a hash of the content).
Reblogs with added commentary are posts on other blogs, not comments here.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches

NAME = "tumblr"

_DETECT_XPATH = (
    "boolean(//script[contains(@src, 'assets.tumblr.com') or contains(@src, 'static.tumblr.com')]"
    " | //link[contains(@href, 'assets.tumblr.com') or contains(@href, 'static.tumblr.com')]"
    " | //iframe[" + cls("tmblr-iframe") + "] | //meta[@property='al:android:package' and @content='com.tumblr']"
    " | //meta[@name='tumblr-theme'] | //link[@rel='alternate' and contains(@href, '.tumblr.com/rss')])"
)
_POST = "*[(self::article or self::div or self::li) and (" + cls("post") + " or re:test(@id, '^post-?\\d+$'))]"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//" + _POST + "//h1[" + cls("title") + " or " + cls("post-title") + "]",
        "//" + _POST + "//h2[" + cls("title") + " or " + cls("post-title") + "]",
        "//" + _POST + "//h1",
        "//" + _POST + "//h2",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" — ", " | ", " - "),
    body=(
        "//"
        + _POST
        + "//*["
        + cls("body-text")
        + " or "
        + cls("post-body")
        + " or "
        + cls("post-content")
        + " or "
        + cls("caption")
        + " or "
        + cls("text")
        + "]",
        "//" + _POST,
    ),
    body_strip=(
        ".//*["
        + cls("notes")
        + " or "
        + cls("post-notes")
        + " or "
        + cls("meta")
        + " or "
        + cls("post-meta")
        + " or "
        + cls("tags")
        + " or "
        + cls("post-footer")
        + "]",
        ".//h1 | .//h2[" + cls("title") + "] | .//footer",
    ),
    author=(
        "//meta[@name='author']/@content",
        "//" + _POST + "//*[" + cls("reblog-author") + " or " + cls("post-author") + "]",
        "//meta[@property='og:site_name']/@content",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//" + _POST + "//time/@datetime",
        "//" + _POST + "//*[" + cls("date") + " or " + cls("post-date") + " or " + cls("timestamp") + "]",
        "//" + _POST + "//a[" + cls("permalink") + "]/@title",
    ),
    categories=(),
    tags=("//" + _POST + "//*[" + cls("tags") + " or " + cls("post-tags") + "]//a",),
    source_id=("//link[@rel='canonical']/@href", "//" + _POST + "/@id"),
    source_id_pattern=r"(?:/post/|^post-?)(\d+)",
    is_post=("//ol[" + cls("notes") + "]", "//body[" + cls("permalink-page") + " or " + cls("permalink") + "]"),
    not_post=("//body[" + cls("index-page") + "]",),
    comment_count=(),
    comment_items=(
        "//ol[" + cls("notes") + "]/li[" + cls("note") + " and (" + cls("reply") + " or " + cls("is_reply") + ")]",
    ),
    comment_excluded="false()",
    comment_parent=(),
    comment_author=(".//a[" + cls("tumblelog") + "]", ".//*[" + cls("action") + "]//a"),
    comment_author_url=(".//a[" + cls("tumblelog") + "]/@href",),
    comment_date=(".//time/@datetime",),
    comment_body=(".//*[" + cls("answer_content") + " or " + cls("reply_text") + " or " + cls("reply-text") + "]",),
    comment_body_strip=(".//a[" + cls("tumblelog") + " or " + cls("avatar_frame") + "]",),
    pingback_classes=(),
    trackback_classes=(),
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Tumblr blogs (its asset hosts, its iframe controls, its app metadata, *.tumblr.com)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.endswith(".tumblr.com") or matches(doc, _DETECT_XPATH)
