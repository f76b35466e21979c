"""Canonical URLs: the natural key of a post must not depend on how a link happened to be written."""

from __future__ import annotations

import pytest

from ingest.urls import display_host, host_key, is_http_url, normalize_url, origin, rebase_onto, same_site


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.BLOG/Post/", "http://example.blog/Post/"),
        ("http://example.blog:80/a", "http://example.blog/a"),
        ("https://example.blog:443/a", "https://example.blog/a"),
        ("https://example.blog:8443/a", "https://example.blog:8443/a"),
        ("http://example.blog", "http://example.blog/"),
        ("http://example.blog/a#comment-12", "http://example.blog/a"),
        ("http://example.blog/a?utm_source=x&p=123&utm_medium=y", "http://example.blog/a?p=123"),
        ("http://example.blog/a?fbclid=abc&gclid=d", "http://example.blog/a"),
        ("http://example.blog/a/?replytocom=55#respond", "http://example.blog/a/"),
        ("http://example.blog/a/?amp=1", "http://example.blog/a/"),
        ("http://example.blog/a/?amp", "http://example.blog/a/"),
        ("http://example.blog/?p=12&cpage=2", "http://example.blog/?p=12&cpage=2"),
        ("http://example.blog/?b=2&a=1", "http://example.blog/?b=2&a=1"),  # order kept
        ("http://example.blog/a/./b/../c", "http://example.blog/a/c"),
        ("http://example.blog/caf%c3%a9/", "http://example.blog/caf%C3%A9/"),
        ("http://example.blog/café/", "http://example.blog/caf%C3%A9/"),
        ("http://example.blog/%7Euser/", "http://example.blog/~user/"),
        ("http://example.blog/a b", "http://example.blog/a%20b"),
        ("  http://example.blog/a  ", "http://example.blog/a"),
        ("http://example.blog./a", "http://example.blog/a"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected
    assert normalize_url(expected) == expected  # idempotent


def test_normalize_url_joins_relative_links() -> None:
    base = "https://example.blog/2024/05/post/"
    assert normalize_url("../other/", base) == "https://example.blog/2024/05/other/"
    assert normalize_url("/about/", base) == "https://example.blog/about/"
    assert normalize_url("//example.blog/x", base) == "https://example.blog/x"
    assert normalize_url("#comments", base) == "https://example.blog/2024/05/post/"


def test_is_http_url() -> None:
    assert is_http_url("https://example.blog/")
    assert is_http_url("HTTP://x")
    bad_urls = ("ftp://example.blog/", "file:///etc/passwd", "javascript:alert(1)", "example.blog", "http://", "")
    for bad in (*bad_urls, "http://example.blog:port/", "http://[::1/"):
        assert not is_http_url(bad), bad


def test_same_site_ignores_scheme_www_and_default_ports() -> None:
    assert same_site("http://example.blog/a", "https://www.example.blog/b")
    assert same_site("https://example.blog:443/", "http://example.blog:80/")
    assert not same_site("http://example.blog/", "http://other.blog/")
    assert not same_site("http://127.0.0.1:8000/", "http://127.0.0.1:8001/")
    assert not same_site("http://sub.example.blog/", "http://example.blog/")


def test_host_keys_and_display() -> None:
    assert host_key("https://Example.blog/a") == "example.blog:443"
    assert host_key("http://example.blog/a") == "example.blog:80"
    assert host_key("http://127.0.0.1:8000/") != host_key("http://127.0.0.1:8001/")
    assert display_host("https://example.blog:443/x") == "example.blog"
    assert display_host("http://127.0.0.1:8000/x") == "127.0.0.1:8000"
    assert origin("HTTPS://Example.blog/a/b?c") == "https://example.blog"


def test_rebase_onto_home() -> None:
    assert rebase_onto("http://www.example.blog/a/?p=1", "https://example.blog/") == "https://example.blog/a/?p=1"
