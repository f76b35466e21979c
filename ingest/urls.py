"""URL canonical forms: the natural key of a post, host keys for politeness, and same-site checks."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, unquote_plus, urljoin, urlsplit, urlunsplit

HTTP_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query keys that only track where a click came from; they never select different content.
TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "replytocom",  # WordPress "reply to this comment" links: the same post page
        "share",  # Jetpack share buttons (?share=facebook)
        "nb",  # Jetpack share buttons' companion flag
        "spref",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
# `amp=1` (or a bare `amp`) asks for the AMP rendering of the same post.
FLAG_KEYS_WHEN_TRUE = frozenset({"amp"})

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters allowed to appear literally in a path or query; everything else gets percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises on a malformed port ("http://x:abc/")
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical form of `url` (joined onto `base` when relative), used as a natural key.

    Lower-cases scheme and host, drops the default port, the fragment and tracking parameters, removes
    dot segments, gives an empty path as "/", and percent-encodes consistently. The order of the query
    parameters that remain is kept (it can matter to a server). Raises ValueError for a malformed URL.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port  # raises ValueError on a malformed port
    netloc = _host_for_netloc(host)
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _normalize_escapes(_remove_dot_segments(parts.path), _PATH_SAFE) or "/"
    query = _clean_query(parts.query)
    return urlunsplit(SplitResult(scheme, netloc, path, query, ""))


def host_key(url: str) -> str:
    """The politeness key of a URL: host and effective port ("example.blog:443").

    Two servers on different ports of one machine count as different hosts; http and https of one
    name count as different too (they usually are the same server, but a blog lives on one of them).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    return f"{(parts.hostname or '').rstrip('.')}:{port}"


def display_host(url: str) -> str:
    """The host as a user would write it in a message ("example.blog", "127.0.0.1:8080")."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or url).rstrip(".")
    if parts.port and DEFAULT_PORTS.get(scheme) != parts.port:
        return f"{host}:{parts.port}"
    return host


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, without a trailing slash."""
    parts = urlsplit(normalize_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same site, ignoring scheme, default ports and a leading "www."."""
    return _site_key(a) == _site_key(b)


def rebase_onto(url: str, home: str) -> str:
    """`url` moved onto the scheme and host of `home` (for same-site URLs written with http/https or www)."""
    target = urlsplit(home)
    parts = urlsplit(url)
    return urlunsplit(SplitResult(target.scheme, target.netloc, parts.path, parts.query, ""))


def _site_key(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".")
    host = host.removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port in (80, 443):
        port = None
    return host, port


def _host_for_netloc(host: str) -> str:
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_escapes(text: str, safe: str) -> str:
    """Percent-encode what must be, upper-case escapes, and decode escapes of unreserved characters."""
    encoded = "".join(
        ch if (ch in _UNRESERVED or ch in safe) else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in text
    )

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _ESCAPE.sub(fix, encoded)


def _clean_query(query: str) -> str:
    kept: list[str] = []
    for part in query.split("&"):
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key = unquote_plus(raw_key).strip().lower()
        if key in TRACKING_KEYS or key.startswith(TRACKING_PREFIXES):
            continue
        if key in FLAG_KEYS_WHEN_TRUE and unquote(raw_value).strip().lower() in ("", "1", "true"):
            continue
        kept.append(_normalize_escapes(part, _QUERY_SAFE))
    return "&".join(kept)
