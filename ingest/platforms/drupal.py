"""Drupal 7 to 11 (Bartik, Olivero, Classy-based themes): nodes, and comments with their `.indented` replies."""

from __future__ import annotations

import re

import lxml.html

from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches, select

NAME = "drupal"

_GENERATOR = re.compile(r"^\s*Drupal\b", re.I)
_NS = {"re": "http://exslt.org/regular-expressions"}
_DETECT_XPATH = (
    "boolean(//script[@data-drupal-selector='drupal-settings-json']"
    " | //*[@data-drupal-selector or @data-drupal-link-system-path or @data-drupal-messages]"
    " | //link[contains(@href, '/sites/default/files/') or contains(@href, '/core/themes/')]"
    " | //script[contains(@src, '/core/misc/drupal.js') or contains(@src, '/misc/drupal.js')]"
    " | //script[contains(., 'jQuery.extend(Drupal.settings')])"
)
# Where a node's comments are: D8+ `section.comments` / `field--name-comment`, D7 `div#comments.comment-wrapper`.
_AREA = (
    "*[@id='comments' or "
    + cls("comments")
    + " or "
    + cls("comment-wrapper")
    + " or "
    + cls("field--name-comment")
    + " or "
    + cls("field--type-comment")
    + " or "
    + cls("field-name-comment")
    + "]"
)
_NODE = "*[" + cls("node") + " or " + cls("node--type-article") + " or " + cls("node-article") + "]"

SELECTORS = Selectors(
    title=(
        "//h1[" + cls("page-title") + "]//*[" + cls("field--name-title") + "]",
        "//h1[" + cls("page-title") + " or " + cls("title") + " or @id='page-title']",
        "//" + _NODE + "//h1",
        "//" + _NODE + "//h2[" + cls("node__title") + " or " + cls("node-title") + "]",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" | ", " – ", " — ", " - "),
    body=(
        "//" + _NODE + "//*[" + cls("field--name-body") + "]",
        "//" + _NODE + "//*[" + cls("field-name-body") + "]",
        "//*[" + cls("field--name-body") + " or " + cls("field-name-body") + "]",
        "//" + _NODE + "//*[" + cls("node__content") + " or " + cls("content") + "]",
    ),
    body_strip=(
        ".//*[" + cls("links") + " or " + cls("node__links") + " or " + cls("field--name-field-tags") + "]",
        ".//" + _AREA,
        ".//*[" + cls("comment-form") + " or " + cls("comment") + "]",
        ".//*[" + cls("field-label") + " or " + cls("field__label") + "]",
    ),
    author=(
        "//" + _NODE + "//*[" + cls("field--name-uid") + "]",
        "//" + _NODE + "//*[" + cls("node__author") + " or " + cls("node__submitted") + " or " + cls("submitted") + "]"
        "//*[" + cls("username") + "]",
        "//" + _NODE + "//*[@rel='schema:author' or @rel='sioc:has_creator']//*[@property='schema:name'"
        " or @property='foaf:name' or " + cls("username") + "]",
        "//meta[@name='author']/@content",
        "//*[" + cls("username") + " and not(ancestor::*[" + cls("comment") + "])]",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//" + _NODE + "//*[@property='schema:dateCreated' or contains(@property, 'dc:date')]/@content",
        "//" + _NODE + "//time/@datetime",
        "//" + _NODE + "//*[" + cls("field--name-created") + "]",
        "//" + _NODE + "//*[" + cls("node__pub-date") + "]",
        "//" + _NODE + "//*[" + cls("submitted") + " or " + cls("node__submitted") + "]",
    ),
    updated=(
        "//meta[@property='article:modified_time']/@content",
        "//" + _NODE + "//*[@property='schema:dateModified' or contains(@property, 'dc:modified')]/@content",
    ),
    categories=("//*[" + cls("field--name-field-category") + " or " + cls("field-name-field-category") + "]//a",),
    tags=(
        "//*[" + cls("field--name-field-tags") + " or " + cls("field-name-field-tags") + "]//a",
        "//meta[@property='article:tag']/@content",
    ),
    source_id=(
        "//link[@rel='shortlink']/@href",
        "//" + _NODE + "/@data-history-node-id",
        "//" + _NODE + "/@about",
        "//" + _NODE + "/@id",
        "//body/@class",
    ),
    source_id_pattern=r"(?:/node/|^node-|\bpage-node-|^)(\d+)",
    protected=(),
    is_post=(
        "//" + _NODE + "[not(" + cls("node--view-mode-teaser") + ") and not(" + cls("node-teaser") + ")]"
        "[not(following::" + _NODE + "[" + cls("node--view-mode-teaser") + " or " + cls("node-teaser") + "])]"
        "["
        + cls("node--view-mode-full")
        + " or "
        + cls("node--type-article")
        + " or "
        + cls("node-article")
        + " or "
        + cls("node-full")
        + " or "
        + cls("node--type-blog-post")
        + " or "
        + cls("node-blog")
        + "]",
        "//meta[@property='og:type' and @content='article']",
    ),
    not_post=(
        "//" + _NODE + "[" + cls("node--view-mode-teaser") + " or " + cls("node-teaser") + "]",
        "//body[" + cls("path-frontpage") + " or " + cls("front") + "]",
    ),
    comment_count=("//" + _NODE + "//*[" + cls("comment-comments") + " or " + cls("comment-count") + "]",),
    comment_items=(
        # D8+: article.comment.js-comment; D7: div.comment right after its <a id="comment-N"> anchor.
        "//"
        + _AREA
        + "//*[(self::article or self::div) and "
        + cls("comment")
        + " and ("
        + cls("js-comment")
        + " or @data-comment-user-id or re:test(@id, '^comment-\\d+$')"
        " or preceding-sibling::*[1][self::a[re:test(@id, '^comment-\\d+$')]])]",
    ),
    comment_excluded=(
        "boolean(ancestor::aside | ancestor::nav | ancestor::form | ancestor::*["
        + cls("block-views")
        + " or "
        + cls("sidebar")
        + " or "
        + cls("region-sidebar-first")
        + " or "
        + cls("region-sidebar-second")
        + " or "
        + cls("layout-sidebar-first")
        + " or "
        + cls("layout-sidebar-second")
        + " or "
        + cls("comment-form")
        + "])"
    ),
    comment_id_pattern=r"^comment-(\d+)$",
    comment_parent=(".//*[" + cls("parent") + "]//a/@href",),
    comment_author=(
        ".//*[" + cls("comment__author") + "]//*[" + cls("username") + "]",
        ".//*[" + cls("comment__author") + "]",
        ".//*[" + cls("username") + "]",
        ".//*[@rel='schema:author' or @rel='sioc:has_creator']",
        ".//*[" + cls("comment-author") + " or " + cls("author") + "]",
    ),
    comment_author_url=(
        ".//*[" + cls("comment__author") + "]//a/@href",
        ".//a[" + cls("username") + "]/@href",
    ),
    comment_date=(
        ".//*[@property='schema:dateCreated' or contains(@property, 'dc:created')"
        " or contains(@property, 'dc:date')]/@content",
        ".//time/@datetime",
        ".//*[" + cls("comment__time") + " or " + cls("comment-time") + " or " + cls("comment-date") + "]",
        ".//*[" + cls("comment__submitted") + " or " + cls("submitted") + "]",
        ".//*[@data-comment-timestamp]/@data-comment-timestamp",
        "./@data-comment-timestamp",
    ),
    comment_body=(
        ".//*[" + cls("field--name-comment-body") + " or " + cls("field-name-comment-body") + "]",
        ".//*[" + cls("comment__content") + " or " + cls("comment-content") + "]",
        ".//*[" + cls("content") + "]",
    ),
    comment_body_strip=(
        ".//*[" + cls("links") + " or " + cls("comment__links") + " or " + cls("field__label") + "]",
        ".//mark | .//h3 | .//*[" + cls("rdf-meta") + " or " + cls("hidden") + " or " + cls("visually-hidden") + "]",
        ".//*[" + cls("comment__meta") + " or " + cls("attribution") + " or " + cls("comment-submitted") + "]",
        ".//*[" + cls("indented") + "]",
    ),
    pingback_classes=(),
    trackback_classes=(),
    # Drupal pages long threads with `?page=N`, which is also the node's own pager: not followed (one page read).
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for pages Drupal made (its generator tag, `data-drupal-*` attributes, its settings script, paths)."""
    for generator in select(doc, "//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    return matches(doc, _DETECT_XPATH, _NS)
