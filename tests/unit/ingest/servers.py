"""A tiny loopback HTTP server for ingest tests: serves routes from a dict and records every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Route:
    """One canned answer. `stall` sleeps before answering; `body_stall` sleeps after the headers."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    stall: float = 0.0
    body_stall: float = 0.0
    send_length: bool = True  # False: no Content-Length; the body ends when the connection closes


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request arrived


RouteValue = Route | bytes | str | list[Route] | Callable[["SeenRequest"], Route]


def html_route(text: str) -> Route:
    return Route(body=text)


class RouteServer:
    """Serve `routes` ({"/path?query": Route | body | [Route, ...] | callable}) on 127.0.0.1, port chosen by the OS.

    A list answers in turn and then repeats its last item; an unknown path answers 404.
    """

    def __init__(self, routes: Mapping[str, RouteValue] | None = None) -> None:
        self.routes: dict[str, RouteValue] = dict(routes or {})
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._turns: dict[str, int] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def __enter__(self) -> RouteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, seen: SeenRequest) -> Route:
        with self._lock:
            self.requests.append(seen)
            value = self.routes.get(seen.path)
            if value is None:
                value = self.routes.get(seen.path.split("?", 1)[0])
            if isinstance(value, list):
                turn = self._turns.get(seen.path, 0)
                self._turns[seen.path] = turn + 1
                value = value[min(turn, len(value) - 1)]
        if value is None:
            return Route(status=404, body="<html><body>Not found</body></html>")
        if callable(value):
            return value(seen)
        if isinstance(value, Route):
            return value
        return Route(body=value)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                seen = SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                route = outer._answer(seen)
                if route.stall:
                    time.sleep(route.stall)
                body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
                try:
                    self.send_response(route.status)
                    if route.content_type and "content-type" not in {k.lower() for k in route.headers}:
                        self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if not route.send_length:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    elif "content-length" not in {k.lower() for k in route.headers}:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if route.body_stall:
                        self.wfile.flush()
                        time.sleep(route.body_stall)
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


def site_routes(directory: Path, *, replace: tuple[str, str] | None = None) -> dict[str, RouteValue]:
    """Routes for the files under `directory`, using the sample blog server's conventions.

    A file answers its own path; `index.html`/`index.xml` also answer their directory ("/feed/");
    `index@<query>.xml` answers "<dir>/?<query>". `replace=(placeholder, origin)` rewrites absolute
    URLs in every text file, as a real site writes its own origin into its pages.
    """
    routes: dict[str, RouteValue] = {}
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.suffix == ".py":
            continue
        rel = "/" + path.relative_to(directory).as_posix()
        data = path.read_bytes()
        content_type = _content_type(path, data)
        if replace and not content_type.startswith(("image/", "application/pdf")):
            data = data.replace(replace[0].encode(), replace[1].encode())
        route = Route(body=data, content_type=content_type)
        name = path.name
        if name.startswith("index@"):
            query = name[len("index@") :].rsplit(".", 1)[0]
            routes[rel[: -len(name)] + "?" + query] = route
        elif name in ("index.html", "index.xml"):
            routes[rel[: -len(name)]] = route
        routes[rel] = route
    return routes


def serve_site(directory: Path, *, placeholder: str = "http://blog.example") -> RouteServer:
    """A RouteServer (not yet started) serving a fixture site with its placeholder origin rewritten."""
    server = RouteServer()
    server.routes.update(site_routes(directory, replace=(placeholder, server.base)))
    return server


def _content_type(path: Path, data: bytes) -> str:
    if path.suffix == ".xml":
        head = data[:1024]
        if b"<rss" in head:
            return "application/rss+xml; charset=utf-8"
        if b"<feed" in head:
            return "application/atom+xml; charset=utf-8"
        return "application/xml; charset=utf-8"
    types = {
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".json": "application/json",
        ".png": "image/png",
        ".pdf": "application/pdf",
    }
    return types.get(path.suffix, "application/octet-stream")
