"""Loopback fake servers for comment-system API tests: each request goes to a Python function of the test."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str  # without the query
    query: dict[str, str]  # first value of each parameter
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class ApiAnswer:
    status: int = 200
    payload: Any = None  # serialised as JSON unless `body` is given
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json; charset=utf-8"


Handler = Callable[[ApiRequest], ApiAnswer]


class ApiServer:
    """Serve `handler` on 127.0.0.1 (a free port); every request is kept in `requests`. Robots.txt answers 404."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[ApiRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def api_requests(self) -> list[ApiRequest]:
        with self._lock:
            return [r for r in self.requests if r.path != "/robots.txt"]

    def __enter__(self) -> ApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                request = ApiRequest(
                    self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body
                )
                with outer._lock:
                    outer.requests.append(request)
                if parts.path == "/robots.txt":
                    answer = ApiAnswer(status=404, body=b"", content_type="text/plain")
                else:
                    answer = outer.handler(request)
                data = answer.body if answer.body is not None else json.dumps(answer.payload).encode("utf-8")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve  # noqa: N815 (http.server's naming)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return _Handler
