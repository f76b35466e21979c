"""Any blog: common HTML5, microformats and schema.org markup. The fallback when no platform claims a page."""

from __future__ import annotations

import lxml.html

from ingest.platforms.base import Selectors, cls

NAME = "generic"

_COMMENT_AREA = (
    "*[@id='comments' or "
    + cls("comments")
    + " or "
    + cls("comment-list")
    + " or "
    + cls("commentlist")
    + " or "
    + cls("comments-list")
    + " or "
    + cls("comment-thread")
    + " or @id='comment-list']"
)
_EXCLUDED = (
    "boolean(ancestor::aside | ancestor::nav | ancestor::form"
    " | ancestor::*[@id='respond' or @id='secondary' or @id='sidebar' or "
    + cls("widget")
    + " or "
    + cls("sidebar")
    + " or "
    + cls("comment-respond")
    + " or "
    + cls("comment-form")
    + " or "
    + cls("related")
    + " or "
    + cls("related-posts")
    + " or "
    + cls("footnotes")
    + " or "
    + cls("footnote")
    + " or "
    + cls("yarpp-related")
    + " or "
    + cls("jp-relatedposts")
    + "])"
)
# A comment in a plain container shows who wrote it, or when, or has its own id: a list of links has none.
_HAS_COMMENT_SIGNAL = (
    "[re:test(@id, '^(li-|div-)?comment-?\\d+$') or @data-comment-id or .//time or .//cite"
    " or .//*["
    + cls("comment-author")
    + " or "
    + cls("author")
    + " or "
    + cls("fn")
    + " or "
    + cls("username")
    + " or "
    + cls("comment-meta")
    + " or "
    + cls("comment-date")
    + " or "
    + cls("p-author")
    + " or "
    + cls("u-author")
    + "]]"
)

SELECTORS = Selectors(
    title=(
        "//article//h1[" + cls("entry-title") + " or " + cls("post-title") + " or @itemprop='headline']",
        "//*[@itemprop='headline']",
        "//h1[" + cls("entry-title") + " or " + cls("post-title") + "]",
        "//meta[@property='og:title']/@content",
        "//article//h1",
        "//h1",
        "//title",
    ),
    title_suffix_separators=(" – ", " — ", " | ", " » ", " :: ", " - "),
    body=(
        "//*[@itemprop='articleBody']",
        "//*[" + cls("entry-content") + "]",
        "//*[" + cls("post-content") + "]",
        "//*[" + cls("post-body") + "]",
        "//*[" + cls("article-content") + "]",
        "//*[" + cls("e-content") + "]",
        "//article[not(ancestor::article)]",
        "//main",
    ),
    body_strip=(
        ".//" + _COMMENT_AREA,
        ".//*[@itemtype and contains(@itemtype, 'schema.org/Comment')]",
        ".//*[@id='respond' or " + cls("comment-respond") + " or " + cls("comment-form") + "]",
        ".//header[.//h1] | .//footer | .//aside",
        ".//*[" + cls("share") + " or " + cls("sharing") + " or " + cls("related-posts") + "]",
    ),
    author=(
        "//meta[@name='author']/@content",
        "//article//*[@itemprop='author']//*[@itemprop='name']",
        "//*[" + cls("p-author") + "]",
        "//article//*[" + cls("author") + "]//*[" + cls("fn") + "]",
        "//a[@rel='author']",
        "//*[" + cls("byline") + "]//a",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//*[@itemprop='datePublished']/@datetime",
        "//time[" + cls("dt-published") + " or " + cls("published") + " or " + cls("entry-date") + "]/@datetime",
        "//article//time/@datetime",
        "//meta[@name='date']/@content",
        "//time/@datetime",
    ),
    updated=(
        "//meta[@property='article:modified_time']/@content",
        "//meta[@itemprop='dateModified']/@content",
        "//*[@itemprop='dateModified']/@datetime",
        "//time[" + cls("dt-updated") + " or " + cls("updated") + "]/@datetime",
    ),
    categories=(
        "//a[re:test(@rel, '(^|\\s)category(\\s|$)')]",
        "//meta[@property='article:section']/@content",
        "//*[" + cls("p-category") + "]",
    ),
    tags=(
        "//a[re:test(@rel, '(^|\\s)tag(\\s|$)') and not(re:test(@rel, '(^|\\s)category(\\s|$)'))]",
        "//meta[@property='article:tag']/@content",
        "//*[" + cls("tags") + " or " + cls("post-tags") + " or " + cls("tags-links") + "]//a",
    ),
    source_id=(),
    source_id_pattern=r"(\d+)",
    protected=(),
    is_post=(
        "//meta[@property='og:type' and @content='article']",
        "//*[@itemprop='articleBody']",
        "//*[@itemtype and (contains(@itemtype, 'schema.org/BlogPosting')"
        " or contains(@itemtype, 'schema.org/Article'))]",
        "//*[" + cls("h-entry") + "]",
    ),
    not_post=(),
    comment_count=(
        "//*[" + cls("comments-title") + " or @id='comments-title' or " + cls("comment-count") + "]",
        "//" + _COMMENT_AREA + "/h2",
        "//" + _COMMENT_AREA + "/h3",
        "//*[@itemprop='commentCount']/@content",
        "//meta[@itemprop='commentCount']/@content",
    ),
    comment_items=(
        "//*[@itemtype and (contains(@itemtype, 'schema.org/Comment')"
        " or contains(@itemtype, 'schema.org/UserComments'))]",
        "//*[@itemprop='comment']",
        "//*[("
        + cls("h-cite")
        + " or "
        + cls("h-entry")
        + ") and ("
        + cls("p-comment")
        + " or "
        + cls("u-comment")
        + ")]",
        "//" + _COMMENT_AREA + "//*[(self::li or self::div or self::article)"
        " and (" + cls("comment") + " or re:test(@id, '^comment-?\\d+$'))]" + _HAS_COMMENT_SIGNAL,
        # Staticman and similar static-site comment sections.
        "//*[" + cls("static-comments") + " or " + cls("js-comments") + "]//*[(self::article or self::div or self::li)"
        " and (" + cls("static-comment") + " or " + cls("js-comment") + ")]",
    ),
    comment_excluded=_EXCLUDED,
    comment_id_pattern=r"^(?:li-|div-)?comment-?(\w[\w-]*)$",
    comment_parent=(
        "@data-parent",
        "@data-parent-id",
        "@data-reply-to",
        ".//*[" + cls("in-reply-to") + "]//a/@href",
    ),
    comment_author=(
        ".//*[@itemprop='author' or @itemprop='creator']//*[@itemprop='name']",
        ".//*[@itemprop='author' or @itemprop='creator']",
        ".//*[" + cls("p-author") + " or " + cls("u-author") + "]//*[" + cls("p-name") + "]",
        ".//*[" + cls("p-author") + " or " + cls("u-author") + "]",
        ".//*[" + cls("comment-author") + "]//*[" + cls("fn") + "]",
        ".//*[" + cls("fn") + "]",
        ".//*[" + cls("comment-author") + " or " + cls("author") + " or " + cls("comment-author-name") + "]",
        ".//cite",
    ),
    comment_author_url=(
        ".//*[@itemprop='author' or @itemprop='creator']//*[@itemprop='url']/@href",
        ".//*[@itemprop='author' or @itemprop='creator']//a/@href",
        ".//*[@itemprop='author' or @itemprop='creator']/@href",
        ".//*[" + cls("p-author") + "]//a/@href",
        ".//a[" + cls("url") + "]/@href",
        ".//*[" + cls("comment-author") + " or " + cls("author") + "]//a/@href",
    ),
    comment_date=(
        ".//*[@itemprop='dateCreated' or @itemprop='datePublished']/@datetime",
        ".//*[@itemprop='dateCreated' or @itemprop='datePublished']/@content",
        ".//time/@datetime",
        ".//*[@itemprop='dateCreated' or @itemprop='datePublished']",
        ".//*[" + cls("comment-date") + " or " + cls("comment-time") + " or " + cls("dt-published") + "]",
        ".//*[" + cls("comment-metadata") + " or " + cls("comment-meta") + "]//a",
        ".//time",
    ),
    comment_body=(
        ".//*[@itemprop='text' or @itemprop='commentText']",
        ".//*[" + cls("e-content") + " or " + cls("p-content") + "]",
        ".//*[" + cls("comment-content") + "]",
        ".//*[" + cls("comment-text") + "]",
        ".//*[" + cls("comment-body") + "]",
    ),
    comment_body_strip=(
        ".//*[@itemprop='author' or @itemprop='creator' or @itemprop='dateCreated' or @itemprop='datePublished']",
        ".//*[" + cls("comment-author") + " or " + cls("comment-meta") + " or " + cls("comment-metadata") + "]",
        ".//*[" + cls("reply") + " or " + cls("comment-reply-link") + " or " + cls("comment-actions") + "]",
        ".//*[" + cls("children") + " or " + cls("replies") + "]",
        ".//header | .//footer",
        ".//*[" + cls("u-author") + " or " + cls("p-author") + " or " + cls("h-card") + "]",
    ),
    pingback_classes=("pingback",),
    trackback_classes=("trackback",),
    comment_nav_links=("//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]/@href",),
    comment_page_current=("//" + _COMMENT_AREA + "//*[" + cls("page-numbers") + " and " + cls("current") + "]",),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """Every page can be read generically: this is the fallback, always true."""
    return True
