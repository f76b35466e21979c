"""Polite HTTP fetching: one Session, timeouts, size caps, per-host delays, robots.txt, retries, conditional GET."""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import logging
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from ingest.encoding import decode_html
from ingest.errors import BadUrl, FetchError, RobotsDisallowed, TooLarge
from ingest.robots import ROBOTS_MAX_BYTES, RobotsRules, rules_from_response
from ingest.urls import display_host, host_key, is_http_url, origin
from storage.records import THREADBOOK_VERSION, Capture, PreviousCapture

__all__ = ["FetchSettings", "Fetcher", "decode_html", "default_user_agent", "non_public_address"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
KEPT_HEADERS = (
    "content-type",
    "etag",
    "last-modified",
    "date",
    "server",
    "content-language",
    "x-wp-total",
    "x-wp-totalpages",
    "link",
    "retry-after",
)
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_CHUNK = 64 * 1024


def default_user_agent() -> str:
    """The honest User-Agent: who we are, our version, and where to read about us."""
    return f"Threadbook/{THREADBOOK_VERSION} (+https://github.com/threadbook/threadbook; blog archiver)"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how patiently to fetch. Times are in seconds, sizes in bytes."""

    user_agent: str = field(default_factory=default_user_agent)
    delay: float = 1.0  # minimum gap between the starts of two requests to one host (host:port)
    timeout: tuple[float, float] = (10.0, 30.0)  # (connect, read between bytes)
    max_bytes: int = 25_000_000  # per response body, after decompression
    retries: int = 3  # extra attempts after a 429/5xx answer or a broken connection
    backoff: float = 1.0  # first retry wait; doubles each attempt (unless the server sends Retry-After)
    max_retry_after: float = 120.0  # never wait longer than this for one retry
    respect_robots: bool = True
    max_redirects: int = 10
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay is honoured up to this


@dataclass(frozen=True, slots=True)
class _Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class _Transient(Exception):
    """A failure worth retrying; carries the user message for when the retries run out."""

    def __init__(self, message: str, *, max_retries: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.max_retries = max_retries  # a tighter cap than the settings' for this kind of failure


class Fetcher:
    """Fetches pages over one `requests.Session`, politely. Safe to share between threads.

    Per-host delay: each host (host:port) has a next-allowed start time; a request reserves its slot under
    a lock and sleeps until it, so threads hitting one host are spaced by `delay` while other hosts are not
    held up. A robots.txt `Crawl-delay` raises that host's delay (up to `max_crawl_delay`).
    Robots: fetched once per origin and cached; 4xx means no rules; 5xx or 429 (after retries) means
    "don't crawl this site now", as RFC 9309 and Google do; an unreachable robots.txt raises the connection error.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._clock = clock
        self._session = requests.Session()
        self._session.headers["User-Agent"] = self.settings.user_agent
        # We decompress ourselves (to cap the decompressed size), so offer only what zlib decodes.
        self._session.headers["Accept-Encoding"] = "gzip, deflate"
        self._lock = threading.Lock()
        self._next_allowed: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests_made = 0
        self.not_modified = 0
        self.bytes_received = 0  # body bytes as they came over the wire (compressed)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def fetch(
        self,
        url: str,
        *,
        previous: PreviousCapture | None = None,
        accept: str | None = None,
        public_only: bool = False,
        trusted_host: str | None = None,
        allow_loopback: bool = False,
        method: str = "GET",
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        check_robots: bool = True,
    ) -> Capture:
        """GET `url` and return its Capture; raise a FetchError subclass (user message) on failure.

        With `previous`, asks "only if changed"; a 304 answer gives a Capture with status 304 and the
        previous body and sha256. Redirects are followed (each hop checked against robots.txt).
        With `public_only`, a URL (or redirect hop) whose host is or resolves to a loopback, private,
        link-local or otherwise non-public address is refused before any connection is made, unless that
        host is `trusted_host` (the blog's own: a blog on a home server may serve its own images). With
        `allow_loopback` too, loopback addresses pass (a blog served on this machine, its images under `localhost`).
        For web APIs (comment systems): `method="POST"` with `data` (the request body, e.g. JSON bytes; a 301-303
        redirect turns it into a GET), extra request `headers` (an `Authorization` header is dropped when a redirect
        leaves the origin), and `check_robots=False` for an API the user gave a key for (robots.txt is for crawlers).
        """
        url = url.strip()
        if not is_http_url(url):
            raise BadUrl(
                f"“{url}” is not a web address Threadbook can fetch. "
                "Give an address that starts with http:// or https://."
            )
        request_headers = {"Accept": accept or DEFAULT_ACCEPT, **(headers or {})}
        if previous is not None:
            if previous.etag:
                request_headers["If-None-Match"] = _conditional_etag(previous.etag)
            if previous.last_modified:
                request_headers["If-Modified-Since"] = previous.last_modified
        response = self._retrieve(
            url,
            request_headers,
            check_robots=self.settings.respect_robots and check_robots,
            public_only=public_only,
            trusted_host=trusted_host,
            allow_loopback=allow_loopback,
            method=method,
            data=data,
        )
        fetched_at = datetime.now(UTC)
        status = response.status
        if status == 304:
            with self._lock:
                self.not_modified += 1
            body = previous.body if previous else b""
            return self._capture(url, response, fetched_at, body=body, sha=previous.content_sha256 if previous else "")
        if not 200 <= status < 300:
            raise _status_error(response.url, status, self.settings.retries)
        return self._capture(url, response, fetched_at, body=response.body, sha=_sha256(response.body))

    def robots_allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch `url` (always True when robots are not respected)."""
        if not self.settings.respect_robots:
            return True
        return self._robots_for(url).allows(url)

    def robots_sitemaps(self, url: str) -> tuple[str, ...]:
        """The `Sitemap:` URLs listed in the robots.txt of `url`'s origin."""
        return self._robots_for(url).sitemaps

    def host_delay(self, url: str) -> float:
        """The current minimum gap between requests to `url`'s host, in seconds."""
        with self._lock:
            return self._host_delay.get(host_key(url), self.settings.delay)

    # -- internals ---------------------------------------------------------------------------------

    def _capture(self, url: str, response: _Response, fetched_at: datetime, *, body: bytes, sha: str) -> Capture:
        headers = response.headers
        kept = tuple((name, headers[name]) for name in KEPT_HEADERS if name in headers)
        content_type = headers.get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower() or _sniff_media_type(body)
        return Capture(
            url=url,
            final_url=response.url,
            status=response.status,
            fetched_at=fetched_at,
            content_sha256=sha,
            media_type=media_type,
            headers=kept,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            tool_version=THREADBOOK_VERSION,
            body=body,
        )

    def _retrieve(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        check_robots: bool,
        max_bytes: int | None = None,
        truncate: bool = False,
        public_only: bool = False,
        trusted_host: str | None = None,
        allow_loopback: bool = False,
        method: str = "GET",
        data: bytes | None = None,
    ) -> _Response:
        """GET with redirects followed by hand (so each hop is robots-checked and delayed) and retries."""
        current = url
        seen = [url]
        for _hop in range(self.settings.max_redirects + 1):
            if public_only and urlsplit(current).hostname != trusted_host:
                _refuse_non_public(current, url, allow_loopback=allow_loopback)
            if check_robots and not self.robots_allowed(current):
                raise self._robots_error(current)
            response = self._get_with_retries(
                current, headers, max_bytes=max_bytes, truncate=truncate, method=method, data=data
            )
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return _Response(current, response.status, response.headers, response.body)
            target = urljoin(current, location.strip())
            if not is_http_url(target):
                raise FetchError(
                    f"Couldn't fetch {url}: it redirects to “{target}”, which is not a web page. "
                    "Check the address in a browser.",
                    url=url,
                    status=response.status,
                )
            if method != "GET" and response.status in (301, 302, 303):
                method, data = "GET", None  # as browsers do
            if origin(target) != origin(current):  # a credential never follows a redirect to another site
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            current = target
            seen.append(target)
        looped = len(set(seen)) < len(seen)
        what = "keeps redirecting in a loop" if looped else f"redirects more than {self.settings.max_redirects} times"
        raise FetchError(
            f"Couldn't fetch {url}: the site {what}. Open it in a browser to check, or try again later.",
            url=url,
        )

    def _get_with_retries(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        max_bytes: int | None,
        truncate: bool,
        method: str = "GET",
        data: bytes | None = None,
    ) -> _Response:
        attempt = 0
        while True:
            self._wait_turn(url)
            try:
                response = self._attempt(url, headers, max_bytes=max_bytes, truncate=truncate, method=method, data=data)
            except _Transient as exc:
                limit = self.settings.retries
                if exc.max_retries is not None:
                    limit = min(limit, exc.max_retries)
                if attempt >= limit:
                    raise FetchError(exc.message, url=url) from exc
                self._defer(url, self._backoff(attempt))
                attempt += 1
                log.info("retrying %s after: %s", url, exc.message)
                continue
            if response.status in RETRY_STATUSES and attempt < self.settings.retries:
                wait = _retry_after(response.headers.get("retry-after"))
                wait = self._backoff(attempt) if wait is None else min(wait, self.settings.max_retry_after)
                self._defer(url, wait)
                attempt += 1
                log.info("retrying %s after HTTP %d (waiting %.1f s)", url, response.status, wait)
                continue
            return response

    def _attempt(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        max_bytes: int | None,
        truncate: bool,
        method: str = "GET",
        data: bytes | None = None,
    ) -> _Response:
        host = display_host(url)
        connect_timeout, read_timeout = self.settings.timeout
        try:
            raw = self._session.request(
                method,
                url,
                data=data,
                headers=dict(headers),
                timeout=self.settings.timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise FetchError(
                f"Couldn't connect securely to {host}: its certificate could not be verified. "
                "Check the address, or try again later.",
                url=url,
            ) from exc
        except requests.exceptions.ConnectTimeout as exc:
            self._count_request()
            raise _Transient(
                f"Couldn't reach {host}: the connection timed out after {connect_timeout:g} s. "
                "Check that you are online, or try again later."
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            self._count_request()
            # A stalled server rarely recovers within seconds: one more try, not `retries` more read timeouts.
            raise _Transient(
                f"Couldn't fetch {url}: the server stopped answering (nothing for {read_timeout:g} s). "
                "Try again later.",
                max_retries=1,
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            self._count_request()
            if _is_name_error(exc):  # a typo in the host name won't fix itself: no retry
                raise FetchError(
                    f"Couldn't reach {host}: no server by that name was found. "
                    "Check the address and that you are online.",
                    url=url,
                ) from exc
            raise _Transient(_connection_message(host, exc)) from exc
        except requests.exceptions.InvalidURL as exc:
            raise BadUrl(f"“{url}” is not a valid web address. Check it for typos.") from exc
        self._count_request()
        with raw:
            status = raw.status_code
            response_headers = {name.lower(): value for name, value in raw.headers.items()}
            if status in REDIRECT_STATUSES or status == 304 or status >= 400:
                return _Response(url, status, response_headers, b"")  # bodies we never look at
            limit = self.settings.max_bytes if max_bytes is None else max_bytes
            declared = response_headers.get("content-length", "")
            if not truncate and declared.isdigit() and int(declared) > limit:
                raise _too_large(url, limit)
            try:
                body = self._read_body(raw, response_headers.get("content-encoding", ""), url, limit, truncate)
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                if _is_read_timeout(exc):  # stalled mid-body: like a stall before the headers, one more try
                    raise _Transient(
                        f"Couldn't fetch {url}: the server stopped answering during the download "
                        f"(nothing for {read_timeout:g} s). Try again later.",
                        max_retries=1,
                    ) from exc
                raise _Transient(
                    f"Couldn't fetch {url}: the connection broke off during the download. Try again later."
                ) from exc
            except zlib.error as exc:
                raise FetchError(
                    f"Couldn't fetch {url}: the server sent a damaged compressed response. Try again later.",
                    url=url,
                ) from exc
        return _Response(url, status, response_headers, body)

    def _read_body(self, raw: requests.Response, encoding: str, url: str, limit: int, truncate: bool) -> bytes:
        """Read the body, decompressing as it streams so neither wire nor decoded size can pass `limit`."""
        chunks: list[bytes] = []
        total = 0
        for piece in _decoded(self._wire_chunks(raw), encoding.strip().lower(), limit + 1):
            total += len(piece)
            if total > limit:
                if truncate:
                    chunks.append(piece[: len(piece) - (total - limit)])
                    break
                raise _too_large(url, limit)
            chunks.append(piece)
        return b"".join(chunks)

    def _wire_chunks(self, raw: requests.Response) -> Iterator[bytes]:
        for chunk in raw.raw.stream(_CHUNK, decode_content=False):
            with self._lock:
                self.bytes_received += len(chunk)
            yield chunk

    def _count_request(self) -> None:
        with self._lock:
            self.requests_made += 1

    def _wait_turn(self, url: str) -> None:
        """Reserve this host's next start slot and sleep until it."""
        key = host_key(url)
        with self._lock:
            now = self._clock()
            start = max(now, self._next_allowed.get(key, now))
            self._next_allowed[key] = start + self._host_delay.get(key, self.settings.delay)
        if start > now:
            self._sleep(start - now)

    def _defer(self, url: str, wait: float) -> None:
        """Push this host's next start to at least `wait` seconds from now (a retry waits for it)."""
        key = host_key(url)
        with self._lock:
            self._next_allowed[key] = max(self._next_allowed.get(key, 0.0), self._clock() + wait)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.backoff * (2**attempt), self.settings.max_retry_after))

    def _robots_error(self, url: str) -> RobotsDisallowed:
        robots = self._robots_for(url)
        if robots.blocked is not None:
            message = (
                f"Didn't fetch {url}: the site's robots.txt couldn't be read ({robots.blocked}), "
                "and Threadbook doesn't crawl a site whose rules it can't read. Try again later."
            )
        else:
            message = f"Didn't fetch {url}: it is not allowed by the site's robots.txt; Threadbook respects it."
        return RobotsDisallowed(message, url=url)

    def _robots_for(self, url: str) -> RobotsRules:
        key = origin(url)
        with self._lock:
            cached = self._robots.get(key)
            if cached is not None:
                return cached
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:  # one fetch per origin even when threads race for it
            with self._lock:
                cached = self._robots.get(key)
            if cached is not None:
                return cached
            robots = self._load_robots(key)
            with self._lock:
                self._robots[key] = robots
            return robots

    def _load_robots(self, site: str) -> RobotsRules:
        robots_url = f"{site}/robots.txt"
        response = self._retrieve(
            robots_url,
            {"Accept": "text/plain,*/*;q=0.5"},
            check_robots=False,
            max_bytes=ROBOTS_MAX_BYTES,
            truncate=True,
        )
        rules = rules_from_response(response.status, response.body, robots_url)
        if rules.blocked:
            log.info("robots.txt of %s answered %d: not crawling it for now", site, response.status)
        if rules.crawl_delay:
            with self._lock:
                wanted = min(rules.crawl_delay, self.settings.max_crawl_delay)
                self._host_delay[host_key(site)] = max(self.settings.delay, wanted)
        return rules


def _decoded(chunks: Iterator[bytes], encoding: str, limit: int) -> Iterator[bytes]:
    """Undo gzip/deflate content coding incrementally, never producing more than `limit` bytes at once."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        yield from chunks
        return
    wbits = 47 if encoding != "deflate" else 15  # 47: gzip or zlib header, detected
    decoder = zlib.decompressobj(wbits)
    first = True
    for chunk in chunks:
        data = chunk
        if first and encoding == "deflate" and data and (data[0] & 0x0F) != 8:
            decoder = zlib.decompressobj(-15)  # servers often send raw deflate without the zlib header
        first = False
        while data:
            out = decoder.decompress(data, limit)
            if out:
                yield out
            if decoder.eof:  # a new gzip member may follow (concatenated gzip is legal)
                data = decoder.unused_data
                decoder = zlib.decompressobj(wbits)
            else:
                data = decoder.unconsumed_tail
    tail = decoder.flush()
    if tail:
        yield tail


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _conditional_etag(etag: str) -> str:
    """The ETag to send back in If-None-Match.

    WORKAROUND: Apache's mod_deflate appends "-gzip" to the ETag of a compressed response (httpd bug 45023), but
    compares If-None-Match with the uncompressed one, and so does PHP behind it (WordPress feeds): echoing the
    suffixed tag never gets a 304. Sending it without the suffix does.
    """
    if etag.endswith('-gzip"'):
        return etag[: -len('-gzip"')] + '"'
    return etag


def _status_error(url: str, status: int, retries: int) -> FetchError:
    tries = f"{retries + 1} tries" if retries else "one try"
    if status in (404, 410):
        reason = f"the server says this page doesn't exist ({status}). Check the address."
    elif status in (401, 403):
        reason = f"the server refused access ({status}). The page may be private or need a login."
    elif status == 429:
        reason = f"the server asked us to slow down (429) and still refused after {tries}. Try again later."
    elif status >= 500:
        reason = f"the server had a problem ({status}) and still did after {tries}. Try again later."
    else:
        reason = f"the server refused the request (HTTP {status}). Check the address."
    return FetchError(f"Couldn't fetch {url}: {reason}", url=url, status=status)


def _too_large(url: str, limit: int) -> TooLarge:
    size = f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1000:g} kB"
    return TooLarge(
        f"Didn't download {url}: it is larger than the {size} limit. "
        "Raise the limit in the settings if you really need it.",
        url=url,
    )


def non_public_address(url: str) -> str | None:
    """The loopback, private, link-local or reserved address `url`'s host is or resolves to; None if public.

    A host name that doesn't resolve gives None: the fetch itself then reports it.
    """
    host = urlsplit(url).hostname or ""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def _refuse_non_public(url: str, asked: str, *, allow_loopback: bool = False) -> None:
    address = non_public_address(url)
    if address is not None and not (allow_loopback and ipaddress.ip_address(address).is_loopback):
        raise FetchError(
            f"Didn't fetch {asked}: it points into a private or local network ({address}), "
            "which a page on the web must not make Threadbook visit.",
            url=asked,
        )


def _is_read_timeout(exc: BaseException) -> bool:
    """Whether a failure while reading a body was the read timeout (urllib3 wraps it in a few layers)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (urllib3.exceptions.ReadTimeoutError, requests.exceptions.ReadTimeout, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_name_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, urllib3.exceptions.NameResolutionError):
            return True
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, urllib3.exceptions.MaxRetryError) and isinstance(
                arg.reason, urllib3.exceptions.NameResolutionError
            ):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


def _connection_message(host: str, exc: BaseException) -> str:
    text = str(exc).lower()
    if "refused" in text:
        what = "the connection was refused"
    elif "reset" in text or "aborted" in text or "remote end closed" in text:
        what = "the connection was cut off"
    else:
        what = "the network connection failed"
    return f"Couldn't reach {host}: {what}. Check the address and that you are online."


def _sniff_media_type(body: bytes) -> str:
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "text/html"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        return "application/xml"
    if head.startswith((b"{", b"[")):
        return "application/json"
    return "application/octet-stream" if body else ""


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
