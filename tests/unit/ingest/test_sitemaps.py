"""Sitemaps: urlsets, indexes, gzip, kinds of WordPress/Yoast sub-sitemaps, and hostile XML."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from ingest.sitemaps import parse_sitemap, sitemap_kind

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://quilt.example/2024/01/log-cabin/</loc><lastmod>2024-01-10T10:00:00+01:00</lastmod></url>
<url><loc> https://quilt.example/2024/02/binding/ </loc><lastmod>2024-02</lastmod></url>
<url><loc>https://quilt.example/2024/03/batting/</loc><lastmod>garbage</lastmod></url>
<url><loc>javascript:alert(1)</loc></url>
<url><lastmod>2024-01-01</lastmod></url>
</urlset>
"""
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://quilt.example/post-sitemap.xml</loc><lastmod>2024-03-01</lastmod></sitemap>
<sitemap><loc>/page-sitemap.xml</loc></sitemap>
</sitemapindex>
"""


def test_urlset_entries_and_lastmod() -> None:
    sitemap = parse_sitemap(URLSET, "https://quilt.example/sitemap.xml")
    assert sitemap is not None and not sitemap.is_index
    assert [e.url for e in sitemap.entries] == [
        "https://quilt.example/2024/01/log-cabin/",
        "https://quilt.example/2024/02/binding/",
        "https://quilt.example/2024/03/batting/",
    ]
    assert sitemap.entries[0].lastmod == datetime(2024, 1, 10, 9, tzinfo=UTC)
    assert sitemap.entries[1].lastmod == datetime(2024, 2, 1, tzinfo=UTC)
    assert sitemap.entries[2].lastmod is None


def test_index_resolves_relative_locs() -> None:
    sitemap = parse_sitemap(INDEX, "https://quilt.example/sitemap_index.xml")
    assert sitemap is not None and sitemap.is_index
    assert [e.url for e in sitemap.entries] == [
        "https://quilt.example/post-sitemap.xml",
        "https://quilt.example/page-sitemap.xml",
    ]


def test_gzipped_sitemap() -> None:
    sitemap = parse_sitemap(gzip.compress(URLSET), "https://quilt.example/sitemap.xml.gz")
    assert sitemap is not None and len(sitemap.entries) == 3


def test_not_a_sitemap() -> None:
    assert parse_sitemap(b"<html><body>404</body></html>", "https://q.example/sitemap.xml") is None
    assert parse_sitemap(b"", "https://q.example/sitemap.xml") is None
    assert parse_sitemap(b"\x1f\x8bnot gzip", "https://q.example/sitemap.xml.gz") is None


def test_external_entities_are_not_resolved(tmp_path: pytest.TempPathFactory) -> None:
    secret = tmp_path / "secret.txt"  # type: ignore[operator]
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://q.example/&xxe;</loc></url>
</urlset>""".encode()
    sitemap = parse_sitemap(body, "https://q.example/sitemap.xml")
    assert sitemap is None or all("TOPSECRET" not in e.url for e in sitemap.entries)


def test_entity_expansion_bomb_is_not_expanded() -> None:
    lol = (
        '<!ENTITY a "'
        + "x" * 100
        + '">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    )
    body = f"""<?xml version="1.0"?><!DOCTYPE urlset [{lol}]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://q.example/&i;</loc></url></urlset>""".encode()
    sitemap = parse_sitemap(body, "https://q.example/sitemap.xml")
    assert sitemap is None or all(len(e.url) < 1000 for e in sitemap.entries)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://b.example/wp-sitemap-posts-post-1.xml", "posts"),
        ("https://b.example/wp-sitemap-posts-post-12.xml", "posts"),
        ("https://b.example/wp-sitemap-posts-page-1.xml", "pages"),
        ("https://b.example/wp-sitemap-posts-product-1.xml", "other"),
        ("https://b.example/wp-sitemap-taxonomies-category-1.xml", "other"),
        ("https://b.example/wp-sitemap-users-1.xml", "other"),
        ("https://b.example/post-sitemap.xml", "posts"),
        ("https://b.example/post-sitemap2.xml", "posts"),
        ("https://b.example/page-sitemap.xml", "pages"),
        ("https://b.example/category-sitemap.xml", "other"),
        ("https://b.example/author-sitemap.xml", "other"),
        ("https://b.example/sitemap.xml", "unknown"),
        ("https://b.example/sitemap.xml?page=2", "unknown"),
    ],
)
def test_sitemap_kinds(url: str, kind: str) -> None:
    assert sitemap_kind(url) == kind
