"""What a site's robots.txt lets us do (protego), and what an unreadable robots.txt means (RFC 9309)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from protego import Protego

from ingest.urls import is_http_url

ROBOTS_TOKEN = "Threadbook"  # the product token robots.txt groups can name (our User-Agent starts with it)
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB; we read no more


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One origin's robots.txt, read. `blocked` is set when it could not be read (then nothing is allowed)."""

    parser: Protego | None = None  # None: no rules, everything allowed
    sitemaps: tuple[str, ...] = ()
    crawl_delay: float | None = None  # seconds, for our token (or "*")
    blocked: str | None = None  # why, in words for the user message

    def allows(self, url: str) -> bool:
        if self.blocked is not None:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, ROBOTS_TOKEN))


def rules_from_response(status: int, body: bytes, robots_url: str) -> RobotsRules:
    """The rules an answer to GET /robots.txt (after redirects and retries) gives.

    2xx: parse it. 4xx: there are no rules (RFC 9309 §2.3.1.3; Google does the same, 401/403 included).
    5xx or 429: "unreachable", so crawl nothing for now (RFC 9309 §2.3.1.4; Google treats it alike).
    We chose the RFC's strict reading: an archiver that can't read the rules doesn't guess them.
    """
    if status == 429 or status >= 500:
        return RobotsRules(blocked=f"the server answered {status}")
    if not 200 <= status < 300:
        return RobotsRules()
    parser = Protego.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace"))
    delay = parser.crawl_delay(ROBOTS_TOKEN)
    sitemaps = tuple(
        absolute for absolute in (urljoin(robots_url, s.strip()) for s in parser.sitemaps) if is_http_url(absolute)
    )
    return RobotsRules(parser=parser, sitemaps=sitemaps, crawl_delay=float(delay) if delay else None)
