"""Squarespace 7.0 (`article.BlogItem`) and 7.1 (`.blog-item-*`, microformats) blog posts, and their comments.

Squarespace's own comments are drawn by script into `.squarespace-comments`; a saved page that holds them (saved
from the browser) has `.comment` elements there, which are read; a raw server response has only the container.
"""

from __future__ import annotations

from dataclasses import replace

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches

NAME = "squarespace"

_DETECT_XPATH = (
    "boolean(//script[contains(@src, 'static1.squarespace.com') or contains(@src, 'assets.squarespace.com')]"
    " | //link[contains(@href, 'static1.squarespace.com') or contains(@href, 'assets.squarespace.com')]"
    " | //meta[@name='generator' and contains(@content, 'Squarespace')]"
    " | //comment()[contains(., 'This is Squarespace.')] | //script[contains(., 'Static.SQUARESPACE_CONTEXT')])"
)
_AREA = "*[" + cls("squarespace-comments") + " or " + cls("comments-wrapper") + " or @id='comments']"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//h1[" + cls("entry-title") + " or " + cls("BlogItem-title") + " or " + cls("blog-item-title") + "]",
        "//*[" + cls("blog-item-title") + "]//h1",
        "//h1[@data-content-field='title']",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" — ", " | ", " – ", " - "),
    body=(
        "//*[" + cls("blog-item-content") + "]",
        "//*[" + cls("BlogItem") + "]//*[@data-content-field='main-content']",
        "//*[@data-content-field='main-content']",
        "//*[" + cls("e-content") + "]",
    ),
    body_strip=(
        ".//*["
        + cls("sqs-block-button")
        + " or "
        + cls("sqs-block-newsletter")
        + " or "
        + cls("sqs-share-buttons")
        + " or "
        + cls("squarespace-social-buttons")
        + "]",
        ".//" + _AREA,
    ),
    author=(
        "//*["
        + cls("blog-author-name")
        + " or "
        + cls("blog-meta-item--author")
        + " or "
        + cls("BlogItem-meta-author")
        + " or "
        + cls("Blog-meta-item--author")
        + "]",
        "//*[" + cls("p-author") + "]",
        "//meta[@itemprop='author']/@content",
        "//meta[@name='author']/@content",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//time["
        + cls("dt-published")
        + " or "
        + cls("blog-meta-item--date")
        + " or "
        + cls("Blog-meta-item--date")
        + "]/@datetime",
        "//article//time/@datetime",
    ),
    categories=(
        "//*["
        + cls("blog-categories-list")
        + " or "
        + cls("blog-meta-item--categories")
        + " or "
        + cls("Blog-meta-item--categories")
        + "]//a",
    ),
    tags=("//*[" + cls("blog-item-tag-wrapper") + " or " + cls("BlogItem-meta-tags") + "]//a",),
    is_post=(
        "//body[" + cls("view-item") + "]",
        "//article[" + cls("BlogItem") + "]",
        "//*[" + cls("blog-item-wrapper") + "]",
    ),
    not_post=("//body[" + cls("view-list") + "]",),
    comment_count=(
        "//*[" + cls("blog-item-comments") + " or " + cls("BlogItem-comments") + " or " + cls("comment-count") + "]",
    ),
    comment_items=(
        "//"
        + _AREA
        + "//*[(self::div or self::li or self::article) and "
        + cls("comment")
        + " and (@data-comment-id or @id or .//*["
        + cls("comment-author")
        + " or "
        + cls("author")
        + "])]",
    ),
    comment_parent=("@data-parent-id", "@data-reply-to"),
    comment_author=(
        ".//*[" + cls("comment-author") + " or " + cls("author-name") + "]",
        ".//*[" + cls("author") + "]",
    ),
    comment_date=(
        ".//time/@datetime",
        ".//*[@data-timestamp]/@data-timestamp",
        ".//*[" + cls("comment-date") + " or " + cls("date") + " or " + cls("timesince") + "]",
    ),
    comment_body=(".//*[" + cls("comment-body") + " or " + cls("comment-text") + " or " + cls("body") + "]",),
    comment_body_strip=(
        ".//*["
        + cls("comment-author")
        + " or "
        + cls("comment-date")
        + " or "
        + cls("comment-actions")
        + " or "
        + cls("reply")
        + " or "
        + cls("like")
        + " or "
        + cls("flag")
        + "]",
        ".//*[" + cls("comment-replies") + " or " + cls("replies") + "]",
    ),
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for Squarespace pages (its asset hosts, its page context script, its signature comment)."""
    return matches(doc, _DETECT_XPATH)
