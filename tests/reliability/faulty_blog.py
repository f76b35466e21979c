"""A fault-injecting copy of the sample blog: chosen URLs stall, reset, truncate, loop or lie about their charset."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from desktop import tasks
from desktop.sampleserver import SampleBlogServer, _Handler
from storage.archive import open_archive

# A fault writes the whole answer itself; None in a fault list means "answer normally this time".
Fault = Callable[["FaultHandler"], None]

POSTS = (
    "/2024/01/09/a-new-year-at-the-composing-stick/",
    "/2024/01/23/why-we-still-set-type-by-hand/",
    "/2024/02/06/mixing-inks-without-a-pantone-book/",
    "/2024/02/20/paper-for-beginners/",
    "/2024/03/05/tell-us-about-your-first-press/",
    "/2024/03/19/anatomy-of-a-proof-press/",
    "/2024/04/09/wood-type-from-the-brennan-collection/",
    "/2024/04/23/members-price-list-autumn-courses/",
    "/2024/05/14/cafe-specimens-in-many-scripts/",
    "/2024/06/03/guest-week-1-printing-a-wedding-invitation-in-two-colours/",
    "/2024/06/10/guest-week-2-the-lost-art-of-the-rule-border/",
    "/2024/06/17/guest-week-3-letterpress-in-a-school-classroom/",
    "/2024/06/24/guest-week-4-photopolymer-plates-honestly/",
    "/2024/07/01/guest-week-5-washi-sumi-and-a-japanese-hand-press/",
    "/2024/07/08/guest-week-6-running-a-press-co-operative/",
    "/2024/08/20/binding-a-chapbook-in-an-afternoon/",
    "/2024/09/17/distributing-type-without-losing-your-mind/",
    "/2024/10/29/small-press-fairs-worth-the-train-fare/",
    "/2024/11/19/winter-opening-hours-and-a-thank-you/",
)
READ_TIMEOUT = 0.5  # seconds: the archive settings' timeout in these tests, so a stall costs little


class FaultHandler(_Handler):
    """The sample blog's handler, with a look-up in the server's fault table before each answer."""

    def _serve(self, *, head_only: bool) -> None:
        owner: FaultyBlog = self.server.owner  # type: ignore[assignment]
        fault = owner.next_fault(self.path)
        if fault is None:
            super()._serve(head_only=head_only)
            return
        owner.record(self, 0)
        try:
            fault(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def page_bytes(self, path: str | None = None) -> bytes:
        """The blog file answering `path` (default: this request's path), with the origin rewritten."""
        raw = urllib.parse.urlsplit(path or self.path).path
        owner: FaultyBlog = self.server.owner  # type: ignore[assignment]
        file = owner.root.joinpath(*[s for s in raw.split("/") if s])
        if file.is_dir():
            file = file / "index.html"
        return owner.rewrite(file.read_bytes())

    def head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


class _FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: FaultyBlog) -> None:
        self.owner = owner
        super().__init__(address, FaultHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-answer is what these tests provoke."""


class FaultyBlog(SampleBlogServer):
    """The sample blog on loopback, where `faults[path]` (a Fault, or a list answered in turn, the last repeating)
    replaces the normal answer. `path` may include the query string; a query-less entry matches any query."""

    def __init__(self) -> None:
        super().__init__()
        self.faults: dict[str, Fault | list[Fault | None]] = {}
        self.hits: Counter[str] = Counter()
        self._turn_lock = threading.Lock()

    def start(self) -> FaultyBlog:
        server = _FaultServer((self.host, 0), self)
        self.port = int(server.server_address[1])
        self._origin = f"http://127.0.0.1:{self.port}"
        self._server = server  # type: ignore[assignment]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def next_fault(self, raw_path: str) -> Fault | None:
        with self._turn_lock:
            key = raw_path if raw_path in self.faults else urllib.parse.urlsplit(raw_path).path
            value = self.faults.get(key)
            if value is None:
                return None
            turn = self.hits[key]
            self.hits[key] += 1
        if isinstance(value, list):
            return value[min(turn, len(value) - 1)]
        return value

    def count(self, path: str) -> int:
        """How many requests reached `path` (any query)."""
        return sum(1 for r in self.requests if r.path == path)


# -- faults ----------------------------------------------------------------------------------------


def stall_mid_body(seconds: float = 3 * READ_TIMEOUT) -> Fault:
    """Headers and half the page, then silence past the read timeout."""

    def fault(h: FaultHandler) -> None:
        body = h.page_bytes()
        h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body))})
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        time.sleep(seconds)
        h.close_connection = True

    return fault


def reset_mid_body(h: FaultHandler) -> None:
    """Half the page, then a TCP reset (SO_LINGER 0 and close)."""
    body = h.page_bytes()
    h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body))})
    h.wfile.write(body[: len(body) // 2])
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def truncated_body(h: FaultHandler) -> None:
    """Content-Length promises 5,000 bytes more than are sent; then the connection closes."""
    body = h.page_bytes()
    h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body) + 5000)})
    h.wfile.write(body)
    h.close_connection = True


def status(code: int, *, retry_after: str | None = None, location: str | None = None) -> Fault:
    def fault(h: FaultHandler) -> None:
        headers = {"Content-Type": "text/html; charset=UTF-8", "Content-Length": "0"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        if location is not None:
            headers["Location"] = location
        h.head(code, headers)

    return fault


def oversized(size: int) -> Fault:
    """A page of `size` bytes with no Content-Length, streamed until the client hangs up."""

    def fault(h: FaultHandler) -> None:
        h.head(200, {"Content-Type": "text/html; charset=UTF-8", "Connection": "close"})
        h.wfile.write(b"<!DOCTYPE html><html><body><p>")
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            h.wfile.write(chunk)
        h.close_connection = True

    return fault


_BOMB: list[bytes] = []


def gzip_bomb(h: FaultHandler) -> None:
    """About 100 kB of gzip that inflates to 100 MB of zeros."""
    if not _BOMB:
        _BOMB.append(gzip.compress(b"\0" * 100_000_000, compresslevel=9, mtime=0))
    body = _BOMB[0]
    h.head(
        200,
        {"Content-Type": "text/html; charset=UTF-8", "Content-Encoding": "gzip", "Content-Length": str(len(body))},
    )
    h.wfile.write(body)


def serve(body: bytes | str, *, content_type: str = "text/html; charset=UTF-8", code: int = 200) -> Fault:
    def fault(h: FaultHandler) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        h.head(code, {"Content-Type": content_type, "Content-Length": str(len(data))})
        h.wfile.write(data)

    return fault


def page_as(transform: Callable[[bytes], bytes], content_type: str, source: str | None = None) -> Fault:
    """The real page (or the page at `source`), transformed, under another Content-Type."""

    def fault(h: FaultHandler) -> None:
        data = transform(h.page_bytes(source))
        h.head(200, {"Content-Type": content_type, "Content-Length": str(len(data))})
        h.wfile.write(data)

    return fault


# -- running a capture ---------------------------------------------------------------------------


def run_archive(blog: FaultyBlog, db: Path, **settings: Any) -> Any:
    """archive_blog on the faulty blog with no delay and a short read timeout."""
    options: dict[str, Any] = {"delay": 0.0, "timeout": READ_TIMEOUT, **settings}
    return tasks.archive_blog(blog.url, db_path=db, settings=tasks.ArchiveSettings(**options))


def archived_urls(db: Path) -> list[str]:
    """Every post URL the archive holds."""
    with open_archive(db) as archive:
        return [summary.url for summary in archive.list_posts()]
