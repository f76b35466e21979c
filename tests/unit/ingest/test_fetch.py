"""Fetcher against real loopback servers: politeness, robots, retries, caps, redirects, conditional GET."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from servers import Route, RouteServer

from ingest.encoding import decode_html
from ingest.errors import BadUrl, FetchError, RobotsDisallowed, TooLarge
from ingest.fetch import Fetcher, FetchSettings, default_user_agent
from storage.records import THREADBOOK_VERSION, PreviousCapture

PAGE = "<!doctype html><html><head><title>Hi</title></head><body><p>Hello</p></body></html>"


class FakeTime:
    """An injectable clock whose sleep only records and advances time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def quick(**changes: object) -> FetchSettings:
    """Settings for tests: no politeness delay, no backoff waits, short timeouts."""
    values: dict[str, object] = {"delay": 0.0, "backoff": 0.0, "timeout": (2.0, 2.0), "retries": 3}
    values.update(changes)
    return FetchSettings(**values)  # type: ignore[arg-type]


def test_fetch_returns_capture_with_provenance_and_honest_user_agent() -> None:
    routes = {
        "/post": Route(
            body=PAGE,
            headers={
                "ETag": '"v1"',
                "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
                "X-Secret": "no",
                "X-WP-Total": "7",
            },
        )
    }
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        capture = fetcher.fetch(server.url("/post"))
        sent = server.requests[-1].headers
    assert (
        sent["user-agent"]
        == f"Threadbook/{THREADBOOK_VERSION} (+https://github.com/threadbook/threadbook; blog archiver)"
    )
    assert sent["user-agent"] == default_user_agent()
    assert capture.status == 200
    assert capture.body == PAGE.encode()
    assert capture.content_sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert capture.media_type == "text/html"
    assert capture.etag == '"v1"'
    assert capture.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert capture.tool_version == THREADBOOK_VERSION
    assert capture.fetched_at.tzinfo is not None and capture.fetched_at.utcoffset() == timedelta(0)
    names = [name for name, _ in capture.headers]
    assert "etag" in names and "x-wp-total" in names and "content-type" in names
    assert "x-secret" not in names
    assert fetcher.requests_made == 2  # robots.txt (404 here) and the page
    assert fetcher.bytes_received == len(PAGE.encode())


@pytest.mark.parametrize(
    "url", ["ftp://example.blog/file", "file:///etc/passwd", "javascript:alert(1)", "not a url", ""]
)
def test_non_http_url_raises_bad_url_before_any_request(url: str) -> None:
    fetcher = Fetcher(quick())
    with pytest.raises(BadUrl, match="http:// or https://"):
        fetcher.fetch(url)
    assert fetcher.requests_made == 0


def test_stalled_server_gives_a_clear_error_quickly() -> None:
    routes = {"/slow": Route(body=PAGE, stall=3.0), "/robots.txt": Route(status=404)}
    with RouteServer(routes) as server, Fetcher(quick(timeout=(1.0, 0.3), retries=0)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="stopped answering") as info:
            fetcher.fetch(server.url("/slow"))
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert str(info.value).startswith(f"Couldn't fetch {server.url('/slow')}:")


def test_stalled_server_is_retried_only_once() -> None:
    routes = {"/slow": Route(body=PAGE, stall=1.0), "/robots.txt": Route(status=404)}
    with RouteServer(routes) as server, Fetcher(quick(timeout=(1.0, 0.2), retries=3)) as fetcher:
        with pytest.raises(FetchError, match="stopped answering"):
            fetcher.fetch(server.url("/slow"))
    assert server.paths().count("/slow") == 2


def test_503_then_200_succeeds_after_one_retry() -> None:
    routes = {"/p": [Route(status=503), Route(body=PAGE)]}
    fake = FakeTime()
    settings = quick(backoff=1.5)
    with RouteServer(routes) as server, Fetcher(settings, sleep=fake.sleep, clock=fake.clock) as fetcher:
        capture = fetcher.fetch(server.url("/p"))
    assert capture.status == 200
    assert server.paths().count("/p") == 2
    assert fake.sleeps == [1.5]


def test_retry_after_seconds_is_honoured() -> None:
    routes = {"/p": [Route(status=429, headers={"Retry-After": "7"}), Route(body=PAGE)]}
    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(), sleep=fake.sleep, clock=fake.clock) as fetcher:
        assert fetcher.fetch(server.url("/p")).status == 200
    assert fake.sleeps == [7.0]


def test_retry_after_http_date_is_honoured_and_capped() -> None:
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    routes = {"/p": [Route(status=503, headers={"Retry-After": soon}), Route(body=PAGE)]}
    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(), sleep=fake.sleep, clock=fake.clock) as fetcher:
        fetcher.fetch(server.url("/p"))
    assert len(fake.sleeps) == 1 and 27.0 <= fake.sleeps[0] <= 30.0

    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(max_retry_after=10.0), sleep=fake.sleep, clock=fake.clock) as f:
        f.fetch(server.url("/p"))
    assert fake.sleeps == [10.0]


def test_429_retries_are_capped_and_end_in_a_clear_error() -> None:
    routes = {"/p": Route(status=429, headers={"Retry-After": "1"})}
    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(retries=2), sleep=fake.sleep, clock=fake.clock) as fetcher:
        with pytest.raises(FetchError, match=r"slow down \(429\).*3 tries") as info:
            fetcher.fetch(server.url("/p"))
    assert server.paths().count("/p") == 3
    assert info.value.status == 429
    assert fake.sleeps == [1.0, 1.0]


def test_backoff_doubles_without_retry_after() -> None:
    routes = {"/p": Route(status=500)}
    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(backoff=0.5), sleep=fake.sleep, clock=fake.clock) as fetcher:
        with pytest.raises(FetchError, match=r"had a problem \(500\)"):
            fetcher.fetch(server.url("/p"))
    assert fake.sleeps == [0.5, 1.0, 2.0]


def test_connection_refused_is_retried_then_explained() -> None:
    with RouteServer() as server:
        url = server.url("/p")
    fetcher = Fetcher(quick(retries=1, respect_robots=False))
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == (
        f"Couldn't reach 127.0.0.1:{server.port}: the connection was refused. "
        "Check the address and that you are online."
    )
    assert fetcher.requests_made == 2


def test_404_and_403_messages() -> None:
    routes = {"/secret": Route(status=403)}
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError) as missing:
            fetcher.fetch(server.url("/gone"))
        with pytest.raises(FetchError, match=r"refused access \(403\)"):
            fetcher.fetch(server.url("/secret"))
    assert str(missing.value) == (
        f"Couldn't fetch {server.url('/gone')}: the server says this page doesn't exist (404). Check the address."
    )
    assert missing.value.status == 404


@pytest.mark.parametrize("send_length", [True, False])
def test_size_cap_stops_the_download(send_length: bool) -> None:
    routes = {"/big": Route(body=b"x" * 300_000, content_type="application/octet-stream", send_length=send_length)}
    with RouteServer(routes) as server, Fetcher(quick(max_bytes=100_000)) as fetcher:
        with pytest.raises(TooLarge, match="larger than the 100 kB limit"):
            fetcher.fetch(server.url("/big"))
    if send_length:
        assert fetcher.bytes_received == 0  # the declared length alone was enough to refuse
    else:
        assert 100_000 < fetcher.bytes_received < 300_000  # stopped part-way through the stream


def test_gzip_bomb_is_capped_without_inflating_it_in_memory() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    routes = {"/bomb": Route(body=bomb, headers={"Content-Encoding": "gzip"})}
    with RouteServer(routes) as server, Fetcher(quick(max_bytes=1_000_000)) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge):
                fetcher.fetch(server.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000
    assert fetcher.bytes_received <= len(bomb)


def test_gzip_and_deflate_bodies_are_decoded() -> None:
    import zlib

    routes = {
        "/gz": Route(body=gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"}),
        "/zlib": Route(body=zlib.compress(PAGE.encode()), headers={"Content-Encoding": "deflate"}),
        "/raw": Route(body=zlib.compress(PAGE.encode())[2:-4], headers={"Content-Encoding": "deflate"}),
    }
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        for path in routes:
            assert fetcher.fetch(server.url(path)).body == PAGE.encode(), path


def test_redirects_are_followed_and_final_url_recorded() -> None:
    routes = {
        "/old": Route(status=301, headers={"Location": "/middle"}),
        "/middle": Route(status=302, headers={"Location": "/new?x=1"}),
        "/new": Route(body=PAGE),
    }
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        capture = fetcher.fetch(server.url("/old"))
    assert capture.url == server.url("/old")
    assert capture.final_url == server.url("/new?x=1")
    assert capture.status == 200


def test_redirect_loop_is_a_clear_error() -> None:
    routes = {"/a": Route(status=302, headers={"Location": "/b"}), "/b": Route(status=302, headers={"Location": "/a"})}
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match="keeps redirecting in a loop"):
            fetcher.fetch(server.url("/a"))
    assert len(server.paths()) <= 1 + 11  # robots + at most max_redirects + 1 hops


def test_conditional_get_304_reuses_previous_body() -> None:
    old_body = PAGE.encode()
    previous = PreviousCapture(
        url="x", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT", content_sha256="abc", body=old_body
    )

    def answer(seen: object) -> Route:
        headers = seen.headers  # type: ignore[attr-defined]
        if headers.get("if-none-match") == '"v1"':
            return Route(status=304, headers={"ETag": '"v1"'}, content_type="")
        return Route(body="<html>changed</html>")

    with RouteServer({"/p": answer}) as server, Fetcher(quick()) as fetcher:
        capture = fetcher.fetch(server.url("/p"), previous=previous)
        sent = server.requests[-1].headers
        fresh = fetcher.fetch(server.url("/p"))
    assert sent["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert capture.status == 304
    assert capture.body == old_body
    assert capture.content_sha256 == "abc"
    assert capture.media_type == "text/html"
    assert fetcher.not_modified == 1
    assert fresh.status == 200 and fresh.body == b"<html>changed</html>"


def test_robots_disallow_blocks_without_requesting_the_path() -> None:
    # Our own group applies instead of "*" (RFC 9309 §2.2.1), so it repeats the general rule.
    robots = (
        "User-agent: *\nDisallow: /private/\n\nUser-agent: Threadbook\nDisallow: /private/\nDisallow: /no-archivers/\n"
    )
    routes = {
        "/robots.txt": Route(body=robots, content_type="text/plain"),
        "/private/x": Route(body=PAGE),
        "/no-archivers/y": Route(body=PAGE),
        "/jump": Route(status=302, headers={"Location": "/private/x"}),
        "/ok": Route(body=PAGE),
    }
    with RouteServer(routes) as server, Fetcher(quick()) as fetcher:
        for path in ("/private/x", "/no-archivers/y", "/jump"):
            with pytest.raises(RobotsDisallowed) as info:
                fetcher.fetch(server.url(path))
            assert "is not allowed by the site's robots.txt; Threadbook respects it." in str(info.value)
        assert fetcher.fetch(server.url("/ok")).status == 200
        assert fetcher.robots_allowed(server.url("/ok"))
        assert not fetcher.robots_allowed(server.url("/private/z"))
    assert server.paths() == ["/robots.txt", "/jump", "/ok"]  # robots once; never the disallowed paths


def test_robots_server_error_means_dont_crawl_and_404_means_allow_all() -> None:
    with RouteServer({"/robots.txt": Route(status=503), "/p": Route(body=PAGE)}) as server:
        with Fetcher(quick(retries=0)) as fetcher:
            with pytest.raises(RobotsDisallowed, match=r"couldn't be read \(the server answered 503\)"):
                fetcher.fetch(server.url("/p"))
        assert "/p" not in server.paths()
    with RouteServer({"/robots.txt": Route(status=410), "/p": Route(body=PAGE)}) as server:
        with Fetcher(quick()) as fetcher:
            assert fetcher.fetch(server.url("/p")).status == 200
    with RouteServer({"/robots.txt": Route(status=503), "/p": Route(body=PAGE)}) as server:
        with Fetcher(quick(respect_robots=False)) as fetcher:
            assert fetcher.fetch(server.url("/p")).status == 200
        assert server.paths() == ["/p"]


def test_crawl_delay_raises_the_host_delay_and_sitemaps_are_listed() -> None:
    robots = "User-agent: *\nCrawl-delay: 5\n\nSitemap: /sitemap.xml\nSitemap: https://cdn.example/s.xml\n"
    routes = {"/robots.txt": Route(body=robots, content_type="text/plain"), "/p": Route(body=PAGE)}
    fake = FakeTime()
    with RouteServer(routes) as server, Fetcher(quick(delay=1.0), sleep=fake.sleep, clock=fake.clock) as fetcher:
        fetcher.fetch(server.url("/p"))
        fetcher.fetch(server.url("/p"))
        assert fetcher.host_delay(server.url("/")) == 5.0
        assert fetcher.robots_sitemaps(server.url("/")) == (server.url("/sitemap.xml"), "https://cdn.example/s.xml")
    # robots, then /p after 1 s (robots' own slot used the default delay), then /p after the 5 s crawl delay
    assert fake.sleeps == [1.0, 5.0]


def test_per_host_delay_spaces_requests_to_one_host_in_real_time() -> None:
    with RouteServer({"/p": Route(body=PAGE)}) as server, Fetcher(quick(delay=0.2, respect_robots=False)) as fetcher:
        for _ in range(4):
            fetcher.fetch(server.url("/p"))
        arrivals = [r.at for r in server.requests]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.19, gaps
    assert max(gaps) < 0.4, gaps


def test_per_host_delay_does_not_serialise_two_hosts() -> None:
    """A "host" is host:port: two loopback servers are two hosts and don't wait for each other."""
    with RouteServer({"/p": Route(body=PAGE)}) as a, RouteServer({"/p": Route(body=PAGE)}) as b:
        with Fetcher(quick(delay=0.3, respect_robots=False)) as fetcher:
            started = time.monotonic()
            for _ in range(3):
                fetcher.fetch(a.url("/p"))
                fetcher.fetch(b.url("/p"))
            elapsed = time.monotonic() - started
    # one host alone needs 2 gaps (0.6 s) for 3 requests; serialising both would need 5 gaps (1.5 s)
    assert 0.58 <= elapsed < 0.9, elapsed
    for server in (a, b):
        arrivals = [r.at for r in server.requests]
        assert min(y - x for x, y in zip(arrivals, arrivals[1:], strict=False)) >= 0.29


def test_threads_sharing_a_fetcher_still_space_one_host() -> None:
    with RouteServer({"/p": Route(body=PAGE)}) as server, Fetcher(quick(delay=0.1, respect_robots=False)) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(server.url("/p"),)) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        arrivals = sorted(r.at for r in server.requests)
    assert len(arrivals) == 5
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= 0.09
    assert fetcher.requests_made == 5


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("café".encode("latin-1"), "text/html; charset=ISO-8859-1", "café"),
        (b'<meta charset="windows-1251"><p>' + "Кириллица".encode("cp1251"), None, "Кириллица"),
        ("<p>naïve 中文</p>".encode(), "text/html", "naïve 中文"),
        (b"\xef\xbb\xbf<p>bom \xe2\x80\x93</p>", "text/html; charset=latin-1", "bom –"),
        (b"<p>bad \xff byte</p>", None, "bad \ufffd byte"),
        (b"<p>x</p>", "text/html; charset=no-such-codec", "x"),
    ],
)
def test_decode_html(body: bytes, content_type: str | None, expected: str) -> None:
    assert expected in decode_html(body, content_type)


@pytest.mark.parametrize(
    ("status", "allowed"), [(200, False), (401, True), (403, True), (404, True), (429, False), (500, False)]
)
def test_robots_policy_by_status(status: int, allowed: bool) -> None:
    from ingest.robots import rules_from_response

    rules = rules_from_response(status, b"User-agent: *\nDisallow: /\n", "https://x.example/robots.txt")
    assert rules.allows("https://x.example/post/") is allowed
