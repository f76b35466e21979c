"""Read XML sitemaps and sitemap indexes safely (lxml, no entities, no network) and tell post sitemaps apart."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

from ingest.urls import is_http_url, normalize_url

SitemapKind = Literal["posts", "pages", "other", "unknown"]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap
GUESSED_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml")
WORDPRESS_SITEMAP_PATH = "/wp-sitemap.xml"

# Which sub-sitemaps hold posts, judged by file name (WordPress core, Yoast, Rank Math, AIOSEO, Blogger).
_KIND_PATTERNS: tuple[tuple[re.Pattern[str], SitemapKind], ...] = (
    (re.compile(r"wp-sitemap-posts-post-\d+\.xml$"), "posts"),
    (re.compile(r"wp-sitemap-posts-page-\d+\.xml$"), "pages"),
    (re.compile(r"wp-sitemap-(posts|taxonomies|users)-"), "other"),
    (re.compile(r"(^|/)post-sitemap\d*\.xml(\.gz)?$"), "posts"),
    (re.compile(r"(^|/)page-sitemap\d*\.xml(\.gz)?$"), "pages"),
    (re.compile(r"(^|/)sitemap-pages\.xml$"), "pages"),  # Blogger
    (re.compile(r"(^|/)sitemap-posts[-\w]*\.xml$"), "posts"),
    (
        re.compile(
            r"(^|/)(category|post_tag|tag|author|product|product_cat|attachment|"
            r"local|news|video|image|web-story|portfolio|[a-z_]+_tax)-sitemap\d*\.xml(\.gz)?$"
        ),
        "other",
    ),
)

_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=True, remove_comments=True
)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str  # normalized
    lastmod: datetime | None  # UTC


@dataclass(frozen=True, slots=True)
class Sitemap:
    url: str
    is_index: bool  # entries are sitemaps, not pages
    entries: tuple[SitemapEntry, ...]


def parse_sitemap(body: bytes, url: str) -> Sitemap | None:
    """Parse a sitemap or sitemap index (gzip-compressed or not); None if `body` is neither."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
        if not body:
            return None
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    kind = etree.QName(root).localname.lower()
    if kind not in ("urlset", "sitemapindex"):
        return None
    child_name = "sitemap" if kind == "sitemapindex" else "url"
    entries: list[SitemapEntry] = []
    for element in root:
        if not isinstance(element.tag, str) or etree.QName(element).localname.lower() != child_name:
            continue
        loc = lastmod = None
        for field in element:
            if not isinstance(field.tag, str):
                continue
            name = etree.QName(field).localname.lower()
            if name == "loc":
                loc = (field.text or "").strip()
            elif name == "lastmod":
                lastmod = (field.text or "").strip()
        if not loc:
            continue
        try:
            absolute = normalize_url(loc, url)
        except ValueError:
            continue
        if is_http_url(absolute):
            entries.append(SitemapEntry(absolute, _parse_date(lastmod)))
    return Sitemap(url=url, is_index=kind == "sitemapindex", entries=tuple(entries))


def sitemap_kind(url: str) -> SitemapKind:
    """What a (sub-)sitemap lists, from its URL: "posts", "pages", "other" (taxonomies, users, ...) or "unknown"."""
    parts = urlsplit(url)
    path = unquote(parts.path).lower()
    query = {key.lower(): value.lower() for key, value in parse_qsl(parts.query)}
    if query.get("sitemap") and query["sitemap"] != "index":
        # WordPress core with plain permalinks: ?sitemap=posts&sitemap-subtype=post&paged=1 is
        # wp-sitemap-posts-post-1.xml under pretty ones.
        name = "-".join(v for v in (query["sitemap"], query.get("sitemap-subtype"), query.get("paged", "1")) if v)
        path = f"/wp-sitemap-{name}.xml"
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(path):
            return kind
    return "unknown"


def _gunzip(body: bytes) -> bytes:
    decoder = zlib.decompressobj(47)
    try:
        data = decoder.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error:
        return b""
    return data[:MAX_SITEMAP_BYTES] if len(data) <= MAX_SITEMAP_BYTES else b""


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)  # 3.11 reads W3C datetimes, "Z" included
    except ValueError:
        partial = _YEAR_MONTH.match(text)  # W3C also allows "2024" and "2024-05"
        if not partial:
            return None
        value = datetime(int(partial.group(1)), int(partial.group(2) or 1), 1)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
