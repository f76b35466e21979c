"""Blogger (blogspot.com and custom domains): classic layouts, the dl#comments-block era, and Contempo-style themes.

The thread comes from the post's comments feed when Blogger serves it (`fetch_thread`): the page shows at most
the first 200 comments (the rest hide behind "Load more", which is JavaScript) and older layouts hide the
threading; the feed gives every comment with its parent and exact time. Without the feed, the HTML stands.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import lxml.etree
import lxml.html

from ingest.blogger_feeds import FEED_ACCEPT, comments_feed_url, display_order, entry_comment, walk_feed
from ingest.platforms.base import Selectors, cls
from ingest.threads import ThreadContext, ThreadFetch
from ingest.xpath import matches, select
from storage.records import Capture, Comment

log = logging.getLogger(__name__)

NAME = "blogger"

_NS = {"re": "http://exslt.org/regular-expressions"}
_GENERATOR = re.compile(r"^\s*blogger\b", re.I)
_DETECT_XPATH = (
    "boolean(//link[contains(@href, 'www.blogger.com/static') or contains(@href, 'blogger.com/feeds/')"
    " or @rel='service.post' or contains(@href, 'blogger.com/openid')]"
    " | //script[contains(@src, 'www.blogger.com/static') or contains(@src, 'blogger.com/static/')]"
    " | //*[@id='Blog1' and " + cls("Blog") + "]"
    " | //*[" + cls("blog-post") + " and " + cls("hentry") + "]"
    " | //*[contains(@class, 'data:blog') or contains(@id, 'data:blog')]"
    " | //iframe[contains(@src, 'blogger.com/comment')]"
    " | //dl[@id='comments-block'])"
)
_BLOGSPOT_HOST = re.compile(r"(^|\.)blogspot\.[a-z.]+$", re.I)
# A Blogger post's address: /YYYY/MM/slug.html (static pages are /p/slug.html and are not posts).
ITEM_PATH = re.compile(r"^/\d{4}/\d{2}/[^/]+\.html$")
_ITEM_SCRIPT = "//script[contains(., \"'pageType': 'item'\") or contains(., '\"pageType\": \"item\"')]"
_LISTING_SCRIPT = (
    "//script[contains(., \"'pageType': 'index'\") or contains(., '\"pageType\": \"index\"')"
    " or contains(., \"'pageType': 'archive'\") or contains(., '\"pageType\": \"archive\"')"
    " or contains(., \"'pageType': 'static_page'\") or contains(., '\"pageType\": \"static_page\"')]"
)

# Set by `prepare` on our own parse of the page (never on stored HTML).
PAGE_MARK = "data-threadbook-blogger"  # on <body>: "item" for a post's address
TIME_MARK = "data-threadbook-published"  # on a comment: its exact time, ISO 8601 UTC (from showComment=ms)
AUTHOR_MARK = "data-threadbook-author"  # on a legacy comment: the name without "said..."
LEGACY_MARK = "data-threadbook-legacy-comment"  # a dl#comments-block comment (dt + dd's) wrapped in one element

# Widgets that list comments or posts but are not the post (Recent Comments, Popular Posts ...): any widget
# except the main one, div.widget.Blog#Blog1.
_EXCLUDED = (
    "boolean(ancestor::form | ancestor::nav"
    " | ancestor::*[" + cls("widget") + " and not(" + cls("Blog") + ") and not(@id='Blog1')]"
    " | ancestor::*[@id='comment-editor' or " + cls("comment-form") + " or " + cls("comment-replybox-thread") + "])"
)
_MAIN = "//*[@id='Blog1' or " + cls("blog-posts") + "]"  # the main posts widget, not Popular Posts

SELECTORS = Selectors(
    title=(
        "//*[@id='Blog1']//*[" + cls("post") + "]//*[" + cls("post-title") + "]",
        "//*[" + cls("post") + " and " + cls("hentry") + "]//*[" + cls("entry-title") + "]",
        "//*[" + cls("blog-posts") + "]//*[" + cls("post-title") + "]",
        "//h3[" + cls("post-title") + " and not(ancestor::aside)] | //h1[" + cls("post-title") + "]",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    title_suffix_separators=(": ", " | ", " - "),  # Blogger's <title> is "Blog name: Post title"
    body=(
        "//div[re:test(@id, '^post-body-\\d+$')]",
        "//*[" + cls("post-body") + "]",
        "//*[@itemprop='articleBody']",
        "//*[" + cls("entry-content") + "]",
    ),
    body_strip=(
        ".//*[" + cls("post-share-buttons") + " or " + cls("jump-link") + " or " + cls("post-footer") + "]",
        ".//*[@id='comments' or " + cls("comments") + "]",
    ),
    author=(
        _MAIN + "//*[" + cls("post-author") + "]//*[" + cls("g-profile") + "]",
        _MAIN + "//*[" + cls("post-author") + "]//*[@itemprop='name']",
        _MAIN + "//*[" + cls("post-author") + "]//*[" + cls("fn") + "]",
        "//*[" + cls("post-author") + "]//*[" + cls("g-profile") + "]",
        "//*[" + cls("post-author") + "]//*[" + cls("fn") + "]",
        "//meta[@name='author']/@content",
    ),
    published=(
        _MAIN + "//*[" + cls("post") + "]//abbr[" + cls("published") + "]/@title",
        _MAIN + "//*[" + cls("post") + "]//time[" + cls("published") + "]/@datetime",
        _MAIN + "//*[" + cls("post-timestamp") + "]//time/@datetime",
        _MAIN + "//*[" + cls("post-timestamp") + "]//abbr/@title",
        "//*[@itemprop='datePublished']/@content",
        "//meta[@property='article:published_time']/@content",
        _MAIN + "//*[" + cls("date-header") + "]",
    ),
    updated=(
        "//*[" + cls("post") + "]//abbr[" + cls("updated") + "]/@title",
        "//*[" + cls("post") + "]//time[" + cls("updated") + "]/@datetime",
        "//*[@itemprop='dateModified']/@content",
    ),
    # Blogger has one taxonomy, labels; they are archived as categories (its /search/label/ pages group posts).
    categories=(
        _MAIN + "//*[" + cls("post-labels") + "]//a[contains(@href, '/search/label/') or @rel='tag']",
        "//*[" + cls("post-labels") + "]//a",
        "//a[contains(@href, '/search/label/') and @rel='tag']",
    ),
    tags=(),
    source_id=(
        "//meta[@itemprop='postId']/@content",
        "//*[" + cls("post") + "]/@data-id",
        "//div[re:test(@id, '^post-body-\\d+$')]/@id",
        "//*[" + cls("loadmore") + "]/@data-post-id",
        "//link[contains(@href, '/comments/default')]/@href",
        "//iframe[contains(@src, 'blogger.com/comment')]/@src",
        "//a[contains(@href, 'blogger.com/comment') and contains(@href, 'postID=')]/@href",
    ),
    source_id_pattern=r"(?:^|po=|postID=|post-body-|/)(\d+)(?=/comments/default|$|&)",
    protected=(),
    is_post=(
        f"//body[@{PAGE_MARK}='item']",
        "//body[" + cls("item-view") + "]",
        _ITEM_SCRIPT,
    ),
    not_post=(
        "//body[" + cls("feed-view") + " or " + cls("page-view") + "]",
        _LISTING_SCRIPT,
    ),
    comment_count=(
        "//*[@id='comments']/@data-num-comments",
        "//*[@id='comments']/h4",
        "//*[@id='comments']//h4",
        "//*[@id='comments']/h3",
    ),
    comment_items=(
        "//li[" + cls("comment") + " and re:test(@id, '^c\\d+$')]"
        " | //div[" + cls("comment") + " and re:test(@id, '^c\\d+$')]"
        f" | //*[@{LEGACY_MARK}]",
    ),
    comment_excluded=_EXCLUDED,
    comment_id_pattern=r"^c(\d+)$",
    comment_parent=(),  # replies are nested in their parent's .comment-replies
    comment_author=(
        f"@{AUTHOR_MARK}",
        ".//cite[" + cls("user") + "]//a",
        ".//cite[" + cls("user") + "]",
        ".//*[" + cls("comment-author") + "]//a[@href]",
        ".//*[" + cls("comment-author") + "]",
    ),
    comment_author_url=(
        ".//cite[" + cls("user") + "]//a/@href",
        ".//*[" + cls("comment-author") + "]//a[@href]/@href",
    ),
    comment_date=(
        f"@{TIME_MARK}",
        ".//*[" + cls("datetime") + "]//a",
        ".//*[" + cls("datetime") + "]",
        ".//*[" + cls("comment-timestamp") + "]//a",
        ".//*[" + cls("comment-timestamp") + "]",
        ".//*[" + cls("comment-footer") + "]//a",
        ".//time/@datetime",
    ),
    comment_body=(
        ".//*[" + cls("comment-content") + "]",
        ".//*[" + cls("comment-body") + "]",
    ),
    comment_body_strip=(
        ".//*[" + cls("item-control") + " or " + cls("comment-actions") + " or " + cls("blog-admin") + "]",
        ".//*[" + cls("comment-header") + " or " + cls("avatar-image-container") + "]",
    ),
    pingback_classes=(),
    trackback_classes=(),
    comment_nav_links=(),  # Blogger has no comment pages: "Load more" is JavaScript, the feed has the rest
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for pages Blogger made, on blogspot.com or a custom domain; then also `prepare`s the page.

    WORKAROUND: extract.py has no per-platform preparation step, and it runs selectors on the very tree it asked
    `detect` about, so detection is where Blogger's markup is normalised (see `prepare`, which is idempotent).
    """
    if not looks_like_blogger(doc, url):
        return False
    prepare(doc, url)
    return True


def looks_like_blogger(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for a page Blogger made (generator, blogger.com assets and feeds, Blog1 widget, blogspot host)."""
    for generator in select(doc, "//meta[@name='generator']/@content"):
        if _GENERATOR.match(str(generator)):
            return True
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    if _BLOGSPOT_HOST.search(host):
        return True
    try:
        return matches(doc, _DETECT_XPATH, _NS)
    except lxml.etree.XPathError:
        return False


def is_blogger_html(html: str, url: str) -> bool:
    """True when `html` (fetched from `url`) is a page Blogger made. Parses its own copy; pure."""
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (lxml.etree.ParserError, ValueError):
        return False
    return isinstance(doc, lxml.html.HtmlElement) and looks_like_blogger(doc, url)


def is_item_url(url: str) -> bool:
    """True for a Blogger post address (/YYYY/MM/slug.html)."""
    try:
        return bool(ITEM_PATH.match(urlsplit(url).path))
    except ValueError:
        return False


def prepare(doc: lxml.html.HtmlElement, url: str) -> None:
    """Normalise our parse of a Blogger page so the selectors above read it (idempotent, never on stored HTML).

    - `div.widget.Blog#Blog1` holds the post; the extractor's chrome filter takes any `.widget` for a sidebar.
    - A post's address marks the page as a post (classic layouts have no body class saying so).
    - Legacy `dl#comments-block` spreads a comment over `dt.comment-author` and the `dd`s after it: wrap each
      group in one element, with the author's name freed of "said...".
    - A comment's permalink carries `showComment=<ms since 1970, UTC>`: its exact time, whatever language
      the visible date is in.
    """
    for blog in doc.xpath("//*[@id='Blog1']"):
        classes = (blog.get("class") or "").split()
        if "widget" in classes:
            blog.set("class", " ".join(c for c in classes if c != "widget"))
    body = doc.find("body")
    if body is not None and is_item_url(url) and body.get(PAGE_MARK) is None:
        body.set(PAGE_MARK, "item")
    for block in doc.xpath("//dl[@id='comments-block']"):
        _wrap_legacy_comments(block)
    for item in doc.xpath(
        "//li[re:test(@id, '^c\\d+$')] | //div[re:test(@id, '^c\\d+$')] | //*[@" + LEGACY_MARK + "]",
        namespaces=_NS,
    ):
        if item.get(TIME_MARK) is None:
            stamp = _comment_time(item)
            if stamp is not None:
                item.set(TIME_MARK, stamp.isoformat())


_SAID = re.compile(
    r"\s*(?:said|dijo|a dit|hat gesagt|disse|zei|ha detto|sagde|skrev|sa|napisał\(a\)|написал\(а\))?"
    r"\s*(?:\.\.\.|…)?\s*:?\s*$",
    re.I,
)


def _wrap_legacy_comments(block: lxml.html.HtmlElement) -> None:
    groups: list[list[lxml.html.HtmlElement]] = []
    for child in list(block):
        if not isinstance(child.tag, str):
            continue
        if child.tag == "dt":
            groups.append([child])
        elif child.tag == "dd" and groups:
            groups[-1].append(child)
    for group in groups:
        dt = group[0]
        wrapper = lxml.html.Element("div")
        wrapper.set(LEGACY_MARK, "1")
        wrapper.set("class", "comment legacy-comment")
        comment_id = dt.get("id") or ""
        if not comment_id:
            anchor = dt.find("a[@name]")
            comment_id = anchor.get("name", "") if anchor is not None else ""
        if re.fullmatch(r"c\d+", comment_id):
            wrapper.set("id", comment_id)
            dt.attrib.pop("id", None)
        wrapper.set(AUTHOR_MARK, _legacy_author(dt))
        dt.addprevious(wrapper)
        for element in group:
            wrapper.append(element)  # moves it, tail and all
            element.tag = "div"  # a dt/dd outside its dl would convert to a Markdown definition list


def _legacy_author(dt: lxml.html.HtmlElement) -> str:
    for anchor in dt.iter("a"):
        text = " ".join(anchor.text_content().split())
        if text and anchor.get("href"):
            return text
    return _SAID.sub("", " ".join(dt.text_content().split())).strip()


def _comment_time(item: lxml.html.HtmlElement) -> datetime | None:
    for anchor in item.xpath(".//a[contains(@href, 'showComment=')]"):
        if _owning_comment(anchor) is not item:
            continue  # a nested reply's timestamp, not this comment's
        try:
            millis = dict(parse_qsl(urlsplit(anchor.get("href", "")).query)).get("showComment", "")
        except ValueError:
            continue
        if millis.isdigit() and 9 <= len(millis) <= 14:
            try:
                return datetime.fromtimestamp(int(millis) / 1000, tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None
    return None


def _owning_comment(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for ancestor in element.iterancestors():
        if ancestor.get(LEGACY_MARK) is not None or _COMMENT_ID.fullmatch(ancestor.get("id") or ""):
            return ancestor
    return None


_COMMENT_ID = re.compile(r"c\d+")


# --- the thread through the comments feed --------------------------------------------------------------------


def fetch_thread(ctx: ThreadContext) -> ThreadFetch | None:
    """The post's whole thread from `/feeds/POSTID/comments/default`, every page; None to let the HTML stand.

    Comments the page shows but the feed lacks are kept (a visitor saw them); a feed set to "short" gives only
    summaries, so then the page's text of a comment wins where the page has it.
    """
    page = ctx.first
    post = page.post
    if post is None or not post.source_id:
        return None
    if post.comment_count_expected == 0 and not page.comments:
        return None  # "No comments": nothing to ask the feed for
    post_id = post.source_id

    def fetch(url: str) -> Capture:
        return ctx.fetcher.fetch(url, previous=ctx.previous(url), accept=FEED_ACCEPT)

    walk = walk_feed(
        lambda start: comments_feed_url(page.url, post_id, start_index=start),
        fetch,
        cancelled=ctx.cancelled,
        what="comments feed",
    )
    if walk is None:
        return None
    from_html = {comment.source_id: comment for comment in page.comments}
    summaries = {entry.item_id for entry in walk.entries if entry.is_summary}
    merged: list[Comment] = []
    for entry in walk.entries:
        if entry.kind not in ("", "comment"):
            continue
        comment = entry_comment(entry, post_id=post_id, base_url=page.url)
        shown = from_html.pop(comment.source_id, None)
        if shown is not None:
            comment = _richer(comment, shown, summary=comment.source_id in summaries)
        merged.append(comment)
    merged.extend(from_html.values())  # on the page, not (yet) in the feed
    return ThreadFetch(
        comments=display_order(merged),
        captures=walk.captures,
        complete=walk.complete,
        problems=tuple(f"{page.url}: {problem}" for problem in walk.problems),
    )


def _richer(feed: Comment, shown: Comment, *, summary: bool) -> Comment:
    """The feed's comment, completed from the page's version of it."""
    return replace(
        feed,
        body_md=shown.body_md if (summary or not feed.body_md) and shown.body_md else feed.body_md,
        parent_source_id=feed.parent_source_id or shown.parent_source_id,
        author=feed.author if feed.author and feed.author != "Anonymous" else (shown.author or feed.author),
        author_url=feed.author_url or shown.author_url,
        published_at=feed.published_at or shown.published_at,
    )
