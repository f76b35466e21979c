"""Feed pages: entries, dates, paging links; and nothing fetched or read from disk."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.feeds import parse_feed, wordpress_feed_page_url

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Kiln Diaries</title>
<link>https://kiln.example/</link>
<description>Firing logs from a shared studio</description>
<language>de-DE</language>
<generator>https://wordpress.org/?v=6.5</generator>
<atom:link href="https://kiln.example/feed/" rel="self" type="application/rss+xml"/>
<item><title>Cone 6 at last</title><link>https://kiln.example/2024/03/cone-6/?utm_source=rss#more</link>
<pubDate>Sat, 02 Mar 2024 18:30:00 +0100</pubDate></item>
<item><title>No link here</title><description>orphan</description></item>
<item><title>Relative</title><link>/2024/02/glaze-tests/</link><pubDate>not a date</pubDate></item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Notes</title>
<link rel="alternate" type="text/html" href="https://atom.example/"/>
<link rel="next" href="https://atom.example/feed.atom?page=2"/>
<updated>2024-05-01T00:00:00Z</updated>
<id>urn:x</id>
<entry><title>First</title><link rel="alternate" href="https://atom.example/first/"/><id>urn:1</id>
<published>2024-04-01T12:00:00Z</published><updated>2024-04-03T08:00:00Z</updated></entry>
<entry><title>Second</title><link rel="alternate" href="https://atom.example/second/"/><id>urn:2</id>
<updated>2024-04-05T08:00:00Z</updated></entry>
</feed>
"""


def test_rss_entries_dates_and_facts() -> None:
    feed = parse_feed(RSS, "https://kiln.example/feed/")
    assert feed is not None
    assert feed.title == "Kiln Diaries"
    assert feed.description == "Firing logs from a shared studio"
    assert feed.language == "de-DE"
    assert feed.is_wordpress
    assert feed.home_url == "https://kiln.example/"
    assert feed.next_url is None
    assert [e.url for e in feed.entries] == [
        "https://kiln.example/2024/03/cone-6/",
        "https://kiln.example/2024/02/glaze-tests/",
    ]
    assert feed.entries[0].published_at == datetime(2024, 3, 2, 17, 30, tzinfo=UTC)
    assert feed.entries[1].published_at is None


def test_atom_next_link_and_updated_only_entries() -> None:
    feed = parse_feed(ATOM, "https://atom.example/feed.atom")
    assert feed is not None
    assert not feed.is_wordpress
    assert feed.next_url == "https://atom.example/feed.atom?page=2"
    assert feed.entries[0].published_at == datetime(2024, 4, 1, 12, tzinfo=UTC)
    assert feed.entries[0].updated_at == datetime(2024, 4, 3, 8, tzinfo=UTC)
    assert feed.entries[1].published_at is None  # no silent fallback from updated to published
    assert feed.entries[1].updated_at == datetime(2024, 4, 5, 8, tzinfo=UTC)


def test_html_is_not_a_feed() -> None:
    assert parse_feed(b"<!doctype html><html><body><p>Hello</p></body></html>", "https://x.example/") is None


def test_a_body_that_looks_like_a_path_or_url_is_never_opened(tmp_path: object) -> None:
    # feedparser opens str/bytes arguments as files or URLs; the body must be treated as data only.
    assert parse_feed(b"/etc/passwd", "https://x.example/feed/") is None
    assert parse_feed(b"http://127.0.0.1:9/feed", "https://x.example/feed/") is None


def test_wordpress_feed_page_urls() -> None:
    assert wordpress_feed_page_url("https://kiln.example/feed/", 2) == "https://kiln.example/feed/?paged=2"
    assert wordpress_feed_page_url("https://kiln.example/?feed=rss2", 3) == "https://kiln.example/?feed=rss2&paged=3"
    assert wordpress_feed_page_url("https://kiln.example/feed/?paged=2", 3) == "https://kiln.example/feed/?paged=3"
