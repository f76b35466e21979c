"""WordPress: classic themes (old `ol.commentlist` ones included) and block themes."""

from __future__ import annotations

import logging
import re

import lxml.html

from ingest.errors import FetchError
from ingest.platforms.base import Selectors, cls
from ingest.threads import ThreadContext, ThreadFetch
from ingest.xpath import matches, select

NAME = "wordpress"

log = logging.getLogger(__name__)

_GENERATOR = re.compile(r"^\s*WordPress\b", re.I)
_DETECT_XPATH = (
    "boolean(//link[contains(@href, '/wp-content/') or contains(@href, '/wp-includes/')"
    " or @rel='https://api.w.org/']"
    " | //script[contains(@src, '/wp-content/') or contains(@src, '/wp-includes/')]"
    " | //body[re:test(@class, '(^|\\s)(postid-\\d+|wp-theme-|wp-embed-responsive|logged-out)')]"
    " | //*[@id='wpadminbar'] | //ol[" + cls("wp-block-comment-template") + "])"
)
_NS = {"re": "http://exslt.org/regular-expressions"}

# Where comments never are: widgets ("Recent comments"), the reply form, navigation, site footer.
_EXCLUDED = (
    "boolean(ancestor::aside | ancestor::nav | ancestor::form"
    " | ancestor::*[@id='respond' or @id='secondary' or @id='sidebar' or @id='colophon']"
    " | ancestor::*[" + cls("widget") + " or " + cls("comment-respond") + " or " + cls("sidebar") + "])"
)

SELECTORS = Selectors(
    title=(
        "//h1[" + cls("entry-title") + "]",
        "//h1[" + cls("wp-block-post-title") + "]",
        "//*[" + cls("wp-block-post-title") + "]",
        "//article//h2[" + cls("entry-title") + "]",
        "//div[" + cls("post") + "]/h2",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(" – ", " — ", " | ", " » ", " - "),
    body=(
        "//div[" + cls("entry-content") + "]",
        "//*[" + cls("wp-block-post-content") + "]",
        "//*[" + cls("entry-content") + "]",
        "//*[@itemprop='articleBody']",
        "//div[" + cls("post-content") + "]",
        "//div[" + cls("post") + "]/div[" + cls("entry") + "]",
        "//div[" + cls("storycontent") + "]",
    ),
    body_strip=(
        ".//*[" + cls("sharedaddy") + " or " + cls("jp-relatedposts") + " or " + cls("wpcnt") + "]",
        ".//*[" + cls("post-page-numbers") + " or " + cls("page-links") + "]",
        ".//*[@id='comments' or @id='respond' or " + cls("comments-area") + "]",
        ".//*[" + cls("wp-block-comments") + "]",
    ),
    author=(
        "//meta[@name='author']/@content",
        "//*[" + cls("entry-meta") + " or " + cls("entry-header") + " or " + cls("byline") + "]"
        "//*[" + cls("author") + "]//*[" + cls("fn") + "]",
        "//*[" + cls("byline") + "]//a",
        "//*[" + cls("wp-block-post-author-name") + "]",
        # Block themes before WordPress 6.2 (twentytwentythree on 6.1): the Post Author block, name only.
        "//*[" + cls("wp-block-post-author") + "]//*[" + cls("wp-block-post-author__name") + "]",
        "//a[@rel='author']",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//time[" + cls("published") + "]/@datetime",
        "//time[" + cls("entry-date") + "]/@datetime",
        "//*[" + cls("wp-block-post-date") + "]//time/@datetime",
        "//abbr[" + cls("published") + "]/@title",
        "//*[" + cls("entry-date") + "]",
        "//*[" + cls("post-date") + "]",
    ),
    updated=(
        "//meta[@property='article:modified_time']/@content",
        "//time[" + cls("updated") + "]/@datetime",
    ),
    categories=(
        "//a[re:test(@rel, '(^|\\s)category(\\s|$)')]",
        "//*[" + cls("cat-links") + "]//a",
        "//*[" + cls("taxonomy-category") + "]//a",
    ),
    tags=(
        "//a[re:test(@rel, '(^|\\s)tag(\\s|$)') and not(re:test(@rel, '(^|\\s)category(\\s|$)'))"
        " and not(ancestor::*[" + cls("taxonomy-category") + " or " + cls("cat-links") + "])]",
        "//*[" + cls("tags-links") + "]//a",
        "//*[" + cls("taxonomy-post_tag") + "]//a",
    ),
    source_id=(
        "//body/@class",
        "//article[re:test(@id, '^post-\\d+$')]/@id",
        "//div[re:test(@id, '^post-\\d+$')]/@id",
        "//link[@rel='shortlink']/@href",
    ),
    source_id_pattern=r"(?:\bpostid-|^post-|[?&]p=)(\d+)",
    protected=(
        "//body[" + cls("post-password-required") + "]",
        "//article[" + cls("post-password-required") + "]",
        "//form[" + cls("post-password-form") + "]",
    ),
    is_post=(
        "//body[" + cls("single") + " or " + cls("single-post") + "]",
        "//body[re:test(@class, '(^|\\s)postid-\\d+')]",
    ),
    not_post=(
        "//body[" + cls("home") + " or " + cls("blog") + " or " + cls("archive") + " or " + cls("search") + "]",
        # A static page (About, Contact) is not a blog post, even when it takes comments.
        "//body[" + cls("page") + " or " + cls("error404") + "]",
    ),
    comment_count=(
        "//*[" + cls("comments-title") + "]",
        "//*[" + cls("wpd-thread-info") + "]",  # wpDiscuz: "5 Comments"
        "//*[@id='comments-title']",
        "//*[" + cls("wp-block-comments-title") + "]",
        "//*[@id='comments']/h2",
        "//*[@id='comments']/h3",
        "//h3[@id='comments']",
        "//*[" + cls("comments-area") + "]/h2",
    ),
    comment_items=(
        # wpDiscuz: div#wpd-comm-<id>_<parent>, replies nested inside; the div#comment-<id> in it is not the item.
        "//div[re:test(@id, '^wpd-comm-\\d+_\\d+$')]",
        "//li[re:test(@id, '^(li-)?comment-\\d+$')]"
        " | //article[re:test(@id, '^comment-\\d+$')]"
        " | //div[re:test(@id, '^comment-\\d+$')]",
    ),
    comment_excluded=_EXCLUDED,
    comment_id_pattern=r"^(?:(?:li-|div-)?comment-|wpd-comm-)(\d+)(?:_\d+)?$",
    comment_parent=(
        "@data-parent",
        "@data-parent-id",
        ".//*[" + cls("in-reply-to") + "]//a/@href",
    ),
    comment_author=(
        ".//*[" + cls("wpd-comment-author") + "]",
        ".//*[" + cls("comment-author") + "]//*[" + cls("fn") + "]",
        ".//cite[" + cls("fn") + "]",
        ".//b[" + cls("fn") + "]",
        ".//*[" + cls("wp-block-comment-author-name") + "]",
        ".//*[" + cls("comment-author") + "]",
        "./cite",
        "./div/cite",
        ".//a[" + cls("url") + "]",
    ),
    comment_author_url=(
        ".//*[" + cls("wpd-comment-author") + "]//a/@href",
        ".//*[" + cls("comment-author") + "]//a[" + cls("url") + "]/@href",
        ".//a[" + cls("url") + "]/@href",
        ".//*[" + cls("wp-block-comment-author-name") + "]//a/@href",
        "./cite/a/@href",
    ),
    comment_date=(
        ".//time/@datetime",
        ".//*[" + cls("wpd-comment-date") + "]/@title",  # wpDiscuz: the full date; the text says "2 years ago"
        ".//*[" + cls("comment-metadata") + "]//a",
        ".//*[" + cls("comment-meta") + "]/a",
        ".//*[" + cls("commentmetadata") + "]/a",
        ".//*[" + cls("wp-block-comment-date") + "]",
        ".//*[" + cls("comment-date") + "]",
        ".//*[" + cls("commentmetadata") + "]",
        ".//*[" + cls("comment-meta") + "]",
    ),
    comment_body=(
        ".//*[" + cls("wpd-comment-text") + "]",
        ".//*[" + cls("comment-content") + "]",
        ".//*[" + cls("wp-block-comment-content") + "]",
        ".//*[@itemprop='text']",
        ".//*[" + cls("comment-text") + "]",
        ".//*[" + cls("comment-body") + "]",
        ".//*[" + cls("comment-entry") + "]",
    ),
    comment_body_strip=(
        ".//*[" + cls("comment-author") + " or " + cls("comment-meta") + " or " + cls("commentmetadata") + "]",
        ".//*[" + cls("comment-metadata") + " or " + cls("reply") + " or " + cls("comment-reply-link") + "]",
        ".//*[" + cls("edit-link") + " or " + cls("comment-edit-link") + " or " + cls("says") + "]",
        ".//*[" + cls("comment-awaiting-moderation") + " or " + cls("avatar") + "]",
        ".//*[" + cls("children") + "]",
        "./cite | ./div/cite",
        "./footer | ./article/footer",
    ),
    pingback_classes=("pingback",),
    trackback_classes=("trackback",),
    comment_nav_links=(
        "//*[" + cls("comment-navigation") + " or " + cls("comments-pagination") + "]//a/@href",
        "//*[" + cls("wp-block-comments-pagination") + "]//a/@href",
        "//*[@id='comment-nav-above' or @id='comment-nav-below']//a/@href",
        "//a[contains(@href, 'comment-page-') or contains(@href, 'cpage=')]/@href",
    ),
    comment_page_current=(
        "//*[" + cls("comment-navigation") + " or " + cls("comments-pagination") + "]"
        "//*[" + cls("page-numbers") + " and " + cls("current") + "]",
        "//*[" + cls("wp-block-comments-pagination") + "]//*[" + cls("current") + "]",
        "//*[@id='comments']//*[" + cls("page-numbers") + " and " + cls("current") + "]",
    ),
    # A post split with <!--nextpage-->: wp_link_pages() links "/post/2/" or "?p=1&page=2".
    body_page_links=("//a[" + cls("post-page-numbers") + "]/@href",),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for pages a WordPress site made (generator tag, wp-content assets, body classes)."""
    for generator in select(doc, "//meta[@name='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    return matches(doc, _DETECT_XPATH, _NS)


def fetch_thread(ctx: ThreadContext) -> ThreadFetch | None:
    """The post's thread through the REST API when the page announces one; None to read the HTML instead.

    REST gives every approved comment with its true parent in one request per 100 comments; pingbacks and
    trackbacks (hidden from anonymous REST) come from the HTML: the first page when it holds the whole thread,
    every comment page only when the page states more comments than REST gave. A closed API (401/403/404, not
    JSON) or a failed request falls back to the HTML, logged, with no problem line.
    """
    # Imported here: ingest.comments imports this registry, so a module-level import would be a cycle.
    from ingest import wp_rest
    from ingest.comments import merge_comment_pages

    first, capture = ctx.first, ctx.first_capture
    if first.post is None or first.post.protected or not first.post.source_id or capture is None:
        return None
    root = wp_rest.api_root(capture.headers, capture.body, capture.final_url)
    if root is None or wp_rest.is_closed(ctx.fetcher, root):
        return None
    try:
        rest = wp_rest.fetch_post_comments(
            root, first.post.source_id, ctx.fetcher, previous=ctx.previous, cancelled=ctx.cancelled
        )
    except wp_rest.RestClosed as exc:
        log.info("%s: reading the HTML thread instead: %s", first.url, exc)
        return None
    except FetchError as exc:
        log.warning("%s: the REST API failed (%s); reading the HTML thread instead", first.url, exc)
        return None
    stated = first.post.comment_count_expected
    whole_on_first = not first.comment_page_urls
    if whole_on_first or (stated is not None and stated <= len(rest.comments)):
        html_thread = merge_comment_pages([first])
    else:
        html_thread = merge_comment_pages(ctx.html_pages())
    return ThreadFetch(
        comments=wp_rest.merge_with_html(rest.comments, html_thread),
        captures=rest.captures,
        complete=rest.complete,
    )
