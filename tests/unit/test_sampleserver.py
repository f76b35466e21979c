"""The sample blog server behaves like a real web host: rewriting, redirects, validators, gzip, 404, no traversal."""

from __future__ import annotations

import gzip
import http.client
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop.sampleserver import PLACEHOLDER_ORIGIN, SampleBlogServer
from resources import SAMPLE_BLOG_DIR

POST = "2024/03/05/tell-us-about-your-first-press/"


@pytest.fixture(scope="module")
def server() -> Iterator[SampleBlogServer]:
    with SampleBlogServer() as running:
        yield running


@pytest.fixture()
def session() -> Iterator[requests.Session]:
    with requests.Session() as opened:
        yield opened


def raw_get(
    server: SampleBlogServer, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A request with the path sent exactly as given (requests would normalise dot segments away)."""
    host, port = server.origin.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_placeholder_origin_is_rewritten_in_every_text_type(
    server: SampleBlogServer, session: requests.Session
) -> None:
    for path in ("", POST, "feed/", "wp-sitemap.xml", "robots.txt"):
        response = session.get(server.url + path)
        assert response.status_code == 200, path
        assert PLACEHOLDER_ORIGIN not in response.text, path
        assert server.origin in response.text, path
    home = session.get(server.url).text
    assert f'<link rel="canonical" href="{server.url}" />' in home


def test_content_types(server: SampleBlogServer, session: requests.Session) -> None:
    expected = {
        POST: "text/html; charset=UTF-8",
        "feed/": "application/rss+xml; charset=UTF-8",
        "feed/?paged=2": "application/rss+xml; charset=UTF-8",
        "wp-sitemap.xml": "application/xml; charset=UTF-8",
        "robots.txt": "text/plain; charset=UTF-8",
        "wp-content/uploads/2024/03/proof-press-diagram.png": "image/png",
        "wp-content/uploads/2024/04/wood-type-case.jpg": "image/jpeg",
    }
    for path, content_type in expected.items():
        assert session.get(server.url + path).headers["Content-Type"] == content_type, path


def test_images_are_served_unchanged(server: SampleBlogServer, session: requests.Session) -> None:
    path = "wp-content/uploads/2024/04/wood-type-case.jpg"
    response = session.get(server.url + path)
    assert response.content == (SAMPLE_BLOG_DIR / path).read_bytes()
    assert "Content-Encoding" not in response.headers


def test_directory_without_slash_redirects_permanently(server: SampleBlogServer, session: requests.Session) -> None:
    response = session.get(server.url + POST.rstrip("/") + "?utm_source=x", allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == server.url + POST + "?utm_source=x"


def test_query_selects_a_variant_file_or_is_ignored(server: SampleBlogServer, session: requests.Session) -> None:
    second = session.get(server.url + "feed/?paged=2")
    assert second.content == (SAMPLE_BLOG_DIR / "feed" / "index@paged=2.xml").read_bytes().replace(
        PLACEHOLDER_ORIGIN.encode(), server.origin.encode()
    )
    first = session.get(server.url + "feed/")
    assert first.text != second.text
    plain = session.get(server.url + POST).text
    for query in ("?replytocom=40", "?utm_source=newsletter&utm_medium=email", "?paged=99"):
        response = session.get(server.url + POST + query)
        assert response.status_code == 200 and response.text == plain, query
    assert session.get(server.url + "feed/index@paged=2.xml").status_code == 404


def test_etag_and_last_modified_give_304(server: SampleBlogServer, session: requests.Session) -> None:
    first = session.get(server.url + POST)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    by_etag = session.get(server.url + POST, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b"" and by_etag.headers["ETag"] == etag
    by_date = session.get(server.url + POST, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304
    stale = session.get(server.url + POST, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content
    old = session.get(server.url + POST, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status_code == 200
    # If-None-Match wins over If-Modified-Since when both are sent.
    both = session.get(server.url + POST, headers={"If-None-Match": '"x"', "If-Modified-Since": last_modified})
    assert both.status_code == 200


def test_etag_changes_when_the_file_changes(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>one</p>", encoding="utf-8")
    with SampleBlogServer(tmp_path) as small, requests.Session() as session:
        before = session.get(small.url)
        (tmp_path / "index.html").write_text("<p>two</p>", encoding="utf-8")
        os.utime(tmp_path / "index.html", (2_000_000_000, 2_000_000_000))  # a different Last-Modified too
        after = session.get(small.url, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.text == "<p>two</p>"
        assert after.headers["ETag"] != before.headers["ETag"]


def test_gzip_only_when_asked(server: SampleBlogServer) -> None:
    status, headers, body = raw_get(server, "/" + POST, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body)
    assert b"<!DOCTYPE html>" in gzip.decompress(body)
    status, headers, body = raw_get(server, "/" + POST, {"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in headers and body.startswith(b"<!DOCTYPE html>")


def test_keep_alive_and_head(server: SampleBlogServer) -> None:
    host, port = server.origin.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("HEAD", "/" + POST)
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        length = int(head.getheader("Content-Length"))
        connection.request("GET", "/" + POST)  # same connection
        body = connection.getresponse().read()
        assert len(body) == length
    finally:
        connection.close()


def test_unknown_paths_get_a_themed_404(server: SampleBlogServer, session: requests.Session) -> None:
    response = session.get(server.url + "2024/13/01/no-such-post/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert 'class="error404"' in response.text and server.origin in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/%2E%2E/%2e%2e/pyproject.toml",
        "/..%2fpyproject.toml",
        "/about/../../pyproject.toml",
        "/..\\pyproject.toml",
        "/%00index.html",
    ],
)
def test_traversal_is_refused(server: SampleBlogServer, path: str) -> None:
    status, _, body = raw_get(server, path)
    assert status == 404
    assert b"[build-system]" not in body


def test_symlinks_out_of_the_root_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "index.html").write_text("home")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with SampleBlogServer(root) as small, requests.Session() as session:
        assert session.get(small.url).text == "home"
        response = session.get(small.url + "leak.txt")
        assert response.status_code == 404 and "secret" not in response.text


def test_requests_are_recorded(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("home")
    with SampleBlogServer(tmp_path) as small, requests.Session() as session:
        session.get(small.url + "?utm_source=a", headers={"User-Agent": "Threadbook-test"})
        session.get(small.url + "missing")
        records = list(small.requests)
    assert [(r.method, r.path, r.query, r.status) for r in records] == [
        ("GET", "/", "utm_source=a", 200),
        ("GET", "/missing", "", 404),
    ]
    assert records[0].headers["User-Agent"] == "Threadbook-test"
    assert records[0].at <= records[1].at


def test_stopped_server_frees_its_port(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("home")
    small = SampleBlogServer(tmp_path).start()
    url = small.url
    small.stop()
    small.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
