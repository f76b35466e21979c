"""A loopback web server for the bundled sample blog, behaving like a real WordPress host (stdlib only, no Qt).

It serves the static files of ``resources/sample_blog`` and rewrites the placeholder origin written in them
(``http://sample-blog.test``) to its own origin in every text response, as a real blog writes absolute URLs.
Directories serve ``index.html`` or ``index.xml``; a query string selects ``index@<query>.html|xml`` when
that file exists (``/feed/?paged=2`` -> ``feed/index@paged=2.xml``) and is ignored otherwise. It answers
conditional requests (strong ETag, Last-Modified), gzips text for clients that ask, keeps connections alive,
and refuses to serve anything outside its root. ``threadbook demo`` and the end-to-end tests use it.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import os
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from resources import SAMPLE_BLOG_DIR

PLACEHOLDER_ORIGIN = "http://sample-blog.test"

_TEXT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".css": "text/css; charset=UTF-8",
    ".js": "application/javascript; charset=UTF-8",
    ".json": "application/json; charset=UTF-8",
}
_BINARY_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
_INDEX_NAMES = ("index.html", "index.xml")
_NOT_FOUND_FILE = "404.html"
_FALLBACK_404 = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Not Found</h1></body></html>"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered, for tests that count or inspect traffic."""

    method: str
    path: str  # the path as sent, without the query string
    query: str  # the raw query string ("" if none)
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic() when the answer started (recorded before the first byte goes out)


def _content_type(path: Path, data: bytes) -> tuple[str, bool]:
    """(Content-Type, is_text) for a file; XML is told apart by content: RSS feeds versus sitemaps."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        if b"<rss" in data[:1024]:
            return "application/rss+xml; charset=UTF-8", True
        return "application/xml; charset=UTF-8", True
    if suffix in _TEXT_TYPES:
        return _TEXT_TYPES[suffix], True
    return _BINARY_TYPES.get(suffix, "application/octet-stream"), False


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [item.strip() for item in header.split(",")]
    # Weak comparison is what If-None-Match uses (RFC 9110 13.1.2).
    return any(candidate.removeprefix("W/") == etag for candidate in candidates)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], owner: SampleBlogServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client hanging up mid-response is normal for a test server."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "Apache"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's signature
        """No access log on stderr."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        # The comment form posts to wp-comments-post.php: a static copy of a blog cannot take comments.
        self.close_connection = True
        self._send(405, b"", "text/plain; charset=UTF-8", extra={"Allow": "GET, HEAD", "Connection": "close"})

    # -- resolving -----------------------------------------------------------------------------------

    def _resolve(self, raw_path: str, query: str) -> tuple[str, Path | None]:
        """("file", path) | ("redirect", None) | ("missing", None) for a request path."""
        owner = self.server.owner
        decoded = urllib.parse.unquote(raw_path)
        if "\x00" in decoded or "\\" in decoded:
            return "missing", None
        segments = [segment for segment in decoded.split("/") if segment]
        if any(segment in (".", "..") for segment in segments):
            return "missing", None
        candidate = owner.root.joinpath(*segments) if segments else owner.root
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return "missing", None
        if not resolved.is_relative_to(owner.root):  # symlinks pointing out of the root
            return "missing", None
        if resolved.is_dir():
            if not decoded.endswith("/"):
                return "redirect", None
            return self._index_in(resolved, query)
        if resolved.is_file() and not resolved.name.startswith("index@"):
            return "file", resolved
        return "missing", None

    def _index_in(self, directory: Path, query: str) -> tuple[str, Path | None]:
        names = list(_INDEX_NAMES)
        if query and "/" not in query and "\\" not in query and "\x00" not in query:
            names = [f"index@{query}.html", f"index@{query}.xml", *names]
        for name in names:
            path = directory / name
            if path.is_file():
                resolved = path.resolve()
                if resolved.is_relative_to(self.server.owner.root):
                    return "file", resolved
        return "missing", None

    # -- answering -----------------------------------------------------------------------------------

    def _serve(self, *, head_only: bool) -> None:
        split = urllib.parse.urlsplit(self.path)
        raw_path = split.path or "/"
        kind, path = self._resolve(raw_path, split.query)
        if kind == "redirect":
            location = self.server.owner.origin + urllib.parse.quote(urllib.parse.unquote(raw_path)) + "/"
            if split.query:
                location += "?" + split.query
            self._send(301, b"", "text/html; charset=UTF-8", extra={"Location": location}, head_only=head_only)
            return
        if kind == "missing" or path is None:
            self._send_not_found(head_only=head_only)
            return
        data = path.read_bytes()
        content_type, is_text = _content_type(path, data)
        extra: dict[str, str] = {}
        if is_text:
            data = self.server.owner.rewrite(data)
            extra["Vary"] = "Accept-Encoding"
            if _accepts_gzip(self.headers.get("Accept-Encoding")):
                data = gzip.compress(data, compresslevel=6, mtime=0)
                extra["Content-Encoding"] = "gzip"
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        mtime = int(path.stat().st_mtime)
        extra["ETag"] = etag
        extra["Last-Modified"] = email.utils.formatdate(mtime, usegmt=True)
        extra["Cache-Control"] = "max-age=0, must-revalidate"
        if self._not_modified(etag, mtime):
            self._send(304, b"", None, extra=extra, head_only=True)
            return
        self._send(200, data, content_type, extra=extra, head_only=head_only)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            return _etag_matches(if_none_match, etag)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return mtime <= since.timestamp()
        return False

    def _send_not_found(self, *, head_only: bool) -> None:
        page = self.server.owner.root / _NOT_FOUND_FILE
        body = self.server.owner.rewrite(page.read_bytes()) if page.is_file() else _FALLBACK_404
        extra = {}
        if _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            extra["Content-Encoding"] = "gzip"
        self._send(404, body, "text/html; charset=UTF-8", extra=extra, head_only=head_only)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        *,
        extra: dict[str, str] | None = None,
        head_only: bool = False,
    ) -> None:
        # Record first: a client that has its answer must find the request in the list.
        self.server.owner.record(self, status)
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head_only and status != 304:
            self.wfile.write(body)


class SampleBlogServer:
    """Serve a sample blog directory on loopback; a context manager.

    ``url``/``origin`` are known after ``start()``. ``requests`` lists every request answered (append is
    thread-safe; read it after the traffic you care about has finished).
    """

    def __init__(
        self,
        root: Path = SAMPLE_BLOG_DIR,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        placeholder: str = PLACEHOLDER_ORIGIN,
    ) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.placeholder = placeholder
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._origin: str | None = None

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._origin is None:
            raise RuntimeError("the sample blog server has not been started")
        return self._origin

    @property
    def url(self) -> str:
        """The blog's home page: ``http://127.0.0.1:PORT/``."""
        return self.origin + "/"

    def start(self) -> SampleBlogServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        if not self.root.is_dir():
            raise FileNotFoundError(f"The sample blog is missing: {self.root} is not a folder.")
        server = _Server((self.host, self.port), self)
        host, port = server.server_address[:2]
        shown_host = f"[{host}]" if server.address_family == socket.AF_INET6 else str(host)
        self._origin = f"http://{shown_host}:{port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sample-blog-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> SampleBlogServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def rewrite(self, data: bytes) -> bytes:
        """Replace the placeholder origin with this server's origin in a text body."""
        return data.replace(self.placeholder.encode("utf-8"), self.origin.encode("utf-8"))

    def record(self, handler: BaseHTTPRequestHandler, status: int) -> None:
        split = urllib.parse.urlsplit(handler.path)
        entry = RequestRecord(
            method=handler.command,
            path=split.path,
            query=split.query,
            headers={name: value for name, value in handler.headers.items()},
            status=status,
            at=time.monotonic(),
        )
        with self._lock:
            self.requests.append(entry)


def main() -> None:  # pragma: no cover - a convenience for looking at the blog in a browser
    """``python -m desktop.sampleserver [PORT]``: serve the sample blog until Ctrl+C."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("PORT", "8000"))
    with SampleBlogServer(port=port) as server:
        print(f"Serving the sample blog at {server.url} (Ctrl+C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
