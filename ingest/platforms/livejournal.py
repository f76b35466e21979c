"""LiveJournal and Dreamwidth (the LJ code base): journal entries and their comment threads.

Markup read here, per site style:
- LiveJournal's current site scheme: `article.b-singlepost`, comments `div.b-leaf#t12345` inside flat
  `div.b-tree-twig` rows indented by `margin-left` / `b-tree-twig-N`; author `.ljuser`, date `.b-leaf-createdtime`.
- LiveJournal's older S2 styles and `?format=light`: flat `div#ljcmt12345` rows indented by `margin-left`.
- Dreamwidth (core2 styles): `div.dwexpcomment#cmt12345` wrapping `.comment-wrapper.comment-depth-N`, each reply
  in a `div.comment-thread` after its parent's comment; author `.comment-poster .ljuser`, date `.datetime`.

A reply's parent is named only by its "Parent" link (`?thread=91402#t91402`), which `comment_parent` reads
(`ingest.comments` takes `thread=N` as a parent id). `Selectors` has no field for an indentation depth
(`margin-left`, `comment-depth-N`), so a reply with no Parent link comes out top level, in page order.
LiveJournal pages long threads with `?page=N` (and `?view=comments`), which `ingest.extract` treats as different
posts, so those links are not declared as comment pages: one page is read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import lxml.html

from ingest.platforms import generic
from ingest.platforms.base import Selectors, cls
from ingest.xpath import matches

NAME = "livejournal"

_HOSTS = re.compile(r"(^|\.)(livejournal\.com|dreamwidth\.org|insanejournal\.com)$", re.I)
_NS = {"re": "http://exslt.org/regular-expressions"}
# A page the LJ code base made: its user tags, its comment ids, its entry markup or its page setup script.
_DETECT_XPATH = (
    "boolean(//*[" + cls("b-singlepost") + " or " + cls("b-leaf") + " or " + cls("dwexpcomment") + "]"
    " | //div[re:test(@id, '^(ljcmt|cmt)\\d+$')]"
    " | //script[contains(., 'Site.page') and contains(., 'journal')]"
    " | //link[contains(@href, 'l-stat.livejournal.net') or contains(@href, 'dreamwidth.org/stc/')])"
)
_USER_TAG = "*[" + cls("ljuser") + " or @data-ljuser]"
_ENTRY = "*[" + cls("b-singlepost") + " or " + cls("entry") + " or " + cls("entry-wrapper") + "]"
_AREA = "*[@id='comments' or " + cls("b-grove") + " or " + cls("comment-thread") + " or @id='comments-inner']"

SELECTORS: Selectors = replace(
    generic.SELECTORS,
    title=(
        "//h1[" + cls("b-singlepost-title") + "]",
        "//" + _ENTRY + "//*[(self::h1 or self::h2 or self::h3) and " + cls("entry-title") + "]",
        "//meta[@property='og:title']/@content",
        "//title",
    ),
    # "Title: journal — LiveJournal"; Dreamwidth: "journal: Title"
    title_suffix_separators=(" — ", " - "),
    body=(
        "//*[" + cls("b-singlepost-body") + "]",
        "//" + _ENTRY + "//*[" + cls("entry-content") + "]",
        "//*[" + cls("entry-content") + " or " + cls("asset-body") + "]",
        "//article[not(ancestor::article)]",
    ),
    body_strip=(
        ".//*[" + cls("b-singlepost-tags") + " or " + cls("ljtags") + " or " + cls("tag") + "]",
        ".//*[" + cls("b-xylem") + " or " + cls("entry-interaction-links") + " or " + cls("edittime") + "]",
        ".//" + _AREA,
        ".//footer",
    ),
    author=(
        "//*[" + cls("b-singlepost-author") + "]//" + _USER_TAG + "//b",
        "//*[" + cls("b-singlepost-author") + "]//" + _USER_TAG + "/@data-ljuser",
        "//" + _ENTRY + "//*[" + cls("poster") + " or " + cls("entry-poster") + "]//" + _USER_TAG + "//b",
        "//meta[@name='author']/@content",
    ),
    published=(
        "//meta[@property='article:published_time']/@content",
        "//time[" + cls("b-singlepost-author-date") + "]/@datetime",
        "//" + _ENTRY + "//*[" + cls("datetime") + "]",
        "//article//time/@datetime",
    ),
    updated=("//meta[@property='article:modified_time']/@content",),
    categories=(),
    tags=(
        "//*[" + cls("b-singlepost-tags") + "]//a[@rel='tag']",
        "//*[" + cls("tag") + " or " + cls("ljtags") + "]//a[@rel='tag']",
    ),
    source_id=("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"),
    source_id_pattern=r"/(\d+)\.html",
    is_post=(
        "//article[" + cls("b-singlepost") + "]",
        "//body[" + cls("page-entry") + "]",
        "//meta[@property='og:type' and @content='article']",
    ),
    not_post=(
        "//body["
        + cls("page-recent")
        + " or "
        + cls("page-day")
        + " or "
        + cls("page-archive")
        + " or "
        + cls("page-tags")
        + " or "
        + cls("page-read")
        + "]",
    ),
    comment_count=(
        "//*[" + cls("b-xylem-cell-amount") + "]",
        "//*[" + cls("entry-readlink") + "]",
        "//*[@id='comments']/h2",
    ),
    comment_items=(
        "//" + _AREA + "//div[" + cls("b-leaf") + " and re:test(@id, '^t\\d+$')]",
        "//div[" + cls("dwexpcomment") + " or re:test(@id, '^cmt\\d+$')]",
        "//div[re:test(@id, '^ljcmt\\d+$')]",
    ),
    comment_excluded="boolean(ancestor::aside | ancestor::nav | ancestor::form)",
    comment_id_pattern=r"^(?:comment-)?(?:t|ljcmt|cmt)(\d+)$",
    comment_parent=(".//*[" + cls("b-leaf-actions-parent") + " or " + cls("commentparent") + "]//a/@href",),
    comment_author=(
        ".//*[" + cls("b-leaf-username") + "]//" + _USER_TAG + "//b",
        ".//*[" + cls("b-leaf-username") + "]",
        ".//*[" + cls("comment-poster") + " or " + cls("poster") + "]//" + _USER_TAG + "//b",
        ".//*[" + cls("comment-poster") + " or " + cls("poster") + "]",
        ".//" + _USER_TAG + "//b",
        "@data-displayname",
    ),
    comment_author_url=(
        ".//*["
        + cls("b-leaf-username")
        + " or "
        + cls("comment-poster")
        + "]//a["
        + cls("i-ljuser-username")
        + "]/@href",
        ".//*[" + cls("b-leaf-username") + " or " + cls("comment-poster") + "]//" + _USER_TAG + "//a[b]/@href",
    ),
    comment_date=(
        ".//*[" + cls("b-leaf-createdtime") + "]",
        ".//*[" + cls("datetime") + "]",
        ".//*[" + cls("comment-datetimelink") + " or " + cls("ljcmtdate") + "]",
        ".//time/@datetime",
    ),
    comment_body=(
        ".//*[" + cls("b-leaf-article") + "]",
        ".//*[" + cls("comment-content") + "]",
        ".//*[" + cls("ljcmt_full") + "]//*[" + cls("comment-body") + "]",
    ),
    comment_body_strip=(
        ".//*[" + cls("b-leaf-header") + " or " + cls("b-leaf-footer") + " or " + cls("b-leaf-actions") + "]",
        ".//*[" + cls("header") + " or " + cls("footer") + " or " + cls("userpic") + "]",
        ".//*[" + cls("comment-thread") + "]",
    ),
    pingback_classes=(),
    trackback_classes=(),
    comment_nav_links=(),
    comment_page_current=(),
)


def detect(doc: lxml.html.HtmlElement, url: str) -> bool:
    """True for LiveJournal and Dreamwidth journals (their hosts, or the LJ code base's entry and comment markup)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    if _HOSTS.search(host):
        return True
    return matches(doc, _DETECT_XPATH, _NS)
