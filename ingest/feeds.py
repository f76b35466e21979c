"""Read RSS/Atom feed pages (feedparser): their entries' links and dates, and where the next page is."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import feedparser

from ingest.urls import is_http_url, normalize_url

FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+xml",
        "application/xml",
        "text/xml",
    }
)
# When a home page links no feed, these are the places blog engines put one
# (WordPress, generic, Jekyll/Hugo-style static sites, Blogger).
GUESSED_FEED_PATHS = ("/feed/", "/rss", "/atom.xml", "/feed.xml", "/index.xml", "/feeds/posts/default")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str  # normalized
    title: str
    published_at: datetime | None  # UTC
    updated_at: datetime | None  # UTC


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One page of a feed."""

    url: str
    title: str
    description: str
    language: str | None
    home_url: str | None  # the feed's <link> to the site
    generator: str
    entries: tuple[FeedEntry, ...]
    next_url: str | None  # RFC 5005 <atom:link rel="next">

    @property
    def is_wordpress(self) -> bool:
        return "wordpress" in self.generator.lower()


def parse_feed(body: bytes, url: str) -> FeedPage | None:
    """Parse one feed page; None when `body` is not a feed at all. Never touches the network or files."""
    # WORKAROUND: feedparser.parse() treats a str or bytes argument as a URL or *file path* when it can
    # (it would open b"/etc/passwd"), so untrusted bodies always go in as a stream.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    feed: Any = result.get("feed", {})
    entries_raw: list[Any] = list(result.get("entries", []))
    if not result.get("version") and not entries_raw:
        return None
    entries: list[FeedEntry] = []
    for raw in entries_raw:
        link = _entry_link(raw, url)
        if link is None:
            continue
        entries.append(
            FeedEntry(
                url=link,
                title=str(raw.get("title", "")).strip(),
                # dict.get: FeedParserDict.get("updated_parsed") falls back to published with a DeprecationWarning
                published_at=_to_datetime(dict.get(raw, "published_parsed")),
                updated_at=_to_datetime(dict.get(raw, "updated_parsed")),
            )
        )
    next_url = None
    home_url = None
    for link in feed.get("links", []):
        href = link.get("href")
        if not href or not is_http_url(href):
            continue
        if link.get("rel") == "next" and next_url is None:
            next_url = href
        elif link.get("rel") == "alternate" and home_url is None and "xml" not in str(link.get("type", "")):
            home_url = href
    language = str(feed.get("language", "")).strip() or None
    return FeedPage(
        url=url,
        title=str(feed.get("title", "")).strip(),
        description=str(feed.get("subtitle", "")).strip(),
        language=language,
        home_url=home_url,
        generator=str(feed.get("generator", "")),
        entries=tuple(entries),
        next_url=next_url,
    )


def wordpress_feed_page_url(feed_url: str, page: int) -> str:
    """The URL of page `page` (2, 3, ...) of a WordPress feed: WordPress pages feeds with `?paged=N`."""
    parts = urlsplit(feed_url)
    kept = [p for p in parts.query.split("&") if p and not p.startswith("paged=")]
    kept.append(f"paged={page}")
    return urlunsplit(parts._replace(query="&".join(kept), fragment=""))


def is_feed_media_type(media_type: str) -> bool:
    return media_type in FEED_MEDIA_TYPES


def _entry_link(raw: Any, feed_url: str) -> str | None:
    candidates: list[str] = []
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            candidates.append(str(link["href"]))
    if raw.get("link"):
        candidates.append(str(raw["link"]))
    guid = raw.get("id")
    if raw.get("guidislink") and guid:
        candidates.append(str(guid))
    for candidate in candidates:
        try:
            absolute = normalize_url(candidate, feed_url)
        except ValueError:
            continue
        if is_http_url(absolute):
            return absolute
    return None


def _to_datetime(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except ValueError:
        return None
