"""Read a blog's HTML pages for discovery (pure): site facts, post links on listing pages, and the next page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from lxml import etree

from ingest.urls import is_http_url, normalize_url

# Where listing pages put the links to their posts, most specific first; the first that matches wins,
# so a theme's "related posts" widget doesn't leak in when the main loop is recognised.
ENTRY_LINK_XPATHS = (
    "//article[contains(concat(' ', normalize-space(@class), ' '), ' post ')]"
    "//h2[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]//a[@href]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]"
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]",
    "//h2//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]",
    # WordPress block themes: the Query Loop's Post Title block, linked, with no rel=bookmark.
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-block-post-template ')]"
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-block-post-title ')]//a[@href]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-title ')]//a[@href]",  # Blogger, many themes
    "//article//h2//a[@href]",
    "//article//h1//a[@href]",
    "//article//h3//a[@href]",
)
# Links to the next (older) listing page.
NEXT_LINK_XPATHS = (
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' nav-previous ')]//a/@href",  # WordPress "Older posts"
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' blog-pager-older-link ')]/@href",  # Blogger
)
HOME_LINK_XPATH = "//*[self::a or self::link][contains(concat(' ', normalize-space(@rel), ' '), ' home ')]/@href"
OLDER_LINK_TEXT = re.compile(r"^\W*(older (posts|entries)|next page|previous entries|earlier posts)\W*$", re.I)
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
PAGE_IN_PATH = re.compile(r"/page/(\d+)/?$")
TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " · ", " :: ")


@dataclass(frozen=True, slots=True)
class BlogPage:
    """What discovery needs to know about one HTML page of a blog."""

    url: str
    title: str  # the site's name as best known (og:site_name, else <title> minus its tagline)
    site_name: str  # og:site_name, "" if absent
    page_title: str  # the <title> as is
    description: str
    language: str | None
    generator: str
    is_wordpress: bool
    is_single_post: bool
    canonical_url: str | None
    home_url: str | None  # the page's link to the blog's home (rel=home), if any
    feed_urls: tuple[str, ...]  # post feeds announced with <link rel="alternate">, comment feeds left out
    post_urls: tuple[str, ...]  # links to posts, in page order (newest first on a typical listing)
    next_urls: tuple[str, ...]  # candidate links to the next (older) listing page


def read_blog_page(html: str, url: str) -> BlogPage:
    """Read `html` (fetched from `url`) for discovery. Pure: no network."""
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        doc = lxml.html.document_fromstring("<html></html>")
    page_title = _text(doc.xpath("//title"))
    site_name = _meta(doc, "og:site_name")
    generator = _meta(doc, "generator")
    raw = html[:200_000].lower()
    is_wordpress = (
        generator.lower().startswith("wordpress") or "/wp-content/" in raw or "/wp-json" in raw or "wp-includes" in raw
    )
    language = (doc.get("lang") or doc.get("xml:lang") or "").strip() or None
    return BlogPage(
        url=url,
        title=site_name or site_title(page_title),
        site_name=site_name,
        page_title=page_title,
        description=_meta(doc, "description") or _meta(doc, "og:description"),
        language=language,
        generator=generator,
        is_wordpress=is_wordpress,
        is_single_post=_is_single_post(doc),
        canonical_url=_first_url(doc.xpath("//link[@rel='canonical']/@href"), url),
        home_url=_first_url(
            doc.xpath("//*[self::a or self::link][contains(concat(' ', @rel, ' '), ' home ')]/@href"), url
        ),
        feed_urls=_feed_urls(doc, url),
        post_urls=_entry_urls(doc, url),
        next_urls=_next_urls(doc, url),
    )


def page_number(url: str) -> int:
    """The listing page number a URL asks for (`/page/3/` or `?paged=3`), 1 if none."""
    parts = urlsplit(url)
    match = PAGE_IN_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    for key, value in parse_qsl(parts.query):
        if key in ("paged", "page") and value.isdigit():
            return int(value)
    return 1


def _is_single_post(doc: lxml.html.HtmlElement) -> bool:
    body_classes = set(" ".join(doc.xpath("//body/@class")).split())
    if "single-post" in body_classes or (
        "single" in body_classes and any(c.startswith("postid-") for c in body_classes)
    ):
        return True
    if body_classes & {"home", "blog", "archive", "category", "tag", "search", "page"}:
        return False
    if _meta(doc, "og:type").lower() == "article":
        return True
    articles = doc.xpath("//article")
    titles = doc.xpath("//h1[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]")
    comments = doc.xpath(
        "//*[@id='comments' or contains(concat(' ', normalize-space(@class), ' '), ' comments-area ')]"
    )
    return len(articles) == 1 and len(titles) == 1 and bool(comments)


def _entry_urls(doc: lxml.html.HtmlElement, base: str) -> tuple[str, ...]:
    for xpath in ENTRY_LINK_XPATHS:
        hrefs = [a.get("href", "") for a in doc.xpath(xpath)]
        urls = _urls(hrefs, base)
        if urls:
            return urls
    return ()


def _next_urls(doc: lxml.html.HtmlElement, base: str) -> tuple[str, ...]:
    hrefs: list[str] = []
    for xpath in NEXT_LINK_XPATHS:
        hrefs.extend(str(h) for h in doc.xpath(xpath))
    for anchor in doc.xpath("//a[@href]"):
        if OLDER_LINK_TEXT.match(anchor.text_content().strip()):
            hrefs.append(anchor.get("href", ""))
    wanted = page_number(base) + 1
    for anchor in doc.xpath("//a[@href]"):
        href = anchor.get("href", "")
        try:
            match = PAGE_IN_PATH.search(urlsplit(href).path)
        except ValueError:  # a malformed href ("http://[::1") is just not a link
            continue
        if match and int(match.group(1)) == wanted:
            hrefs.append(href)
    return _urls(hrefs, base)


def _feed_urls(doc: lxml.html.HtmlElement, base: str) -> tuple[str, ...]:
    hrefs = []
    for link in doc.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')][@href]"):
        if (link.get("type") or "").strip().lower() not in FEED_TYPES:
            continue
        href = link.get("href", "")
        title = (link.get("title") or "").lower()
        if "comment" in title or "/comments/feed" in href:  # a feed of comments, not of posts
            continue
        hrefs.append(href)
    return _urls(hrefs, base)


def _urls(hrefs: list[str], base: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        try:
            url = normalize_url(href, base)
        except ValueError:
            continue
        if is_http_url(url):
            seen.setdefault(url, None)
    return tuple(seen)


def _first_url(hrefs: list[str], base: str) -> str | None:
    urls = _urls([str(h) for h in hrefs], base)
    return urls[0] if urls else None


def _meta(doc: lxml.html.HtmlElement, name: str) -> str:
    for element in doc.xpath("//meta[@name or @property]"):
        if (element.get("name") or element.get("property") or "").strip().lower() == name:
            return " ".join((element.get("content") or "").split())
    return ""


def _text(elements: list[lxml.html.HtmlElement]) -> str:
    return " ".join(elements[0].text_content().split()) if elements else ""


def site_title(page_title: str, *, last: bool = False) -> str:
    """A <title> without its tagline ("Blog – Just another blog" -> "Blog"); `last` takes the last part
    instead, which is the blog's name on a post page ("Post – Blog")."""
    for separator in TITLE_SEPARATORS:
        if separator in page_title:
            parts = page_title.rsplit(separator, 1) if last else page_title.split(separator, 1)
            return parts[-1 if last else 0].strip()
    return page_title
