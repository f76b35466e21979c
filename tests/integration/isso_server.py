"""A real Isso comment server (the `isso` package) on loopback, in a subprocess, for integration tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

_CONFIG = """\
[general]
dbpath = {db}
host = {blog}
max-age = 15m
notify = stdout
gravatar = false
latest-enabled = false

[moderation]
enabled = false

[server]
listen = http://127.0.0.1:{port}/
reload = off
profile = off

[guard]
enabled = false
require-author = false
require-email = false

[admin]
enabled = false
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class IssoServer:
    """Run `isso -c CFG run` with an SQLite database under `directory`; `url` is its base ("http://127.0.0.1:P/")."""

    def __init__(self, directory: Path, *, blog_url: str) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.db = directory / "comments.db"
        self.config = directory / "isso.cfg"
        self.config.write_text(_CONFIG.format(db=self.db, blog=blog_url, port=self.port), encoding="utf-8")
        self._log = directory / "isso.log"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> IssoServer:
        code = "import sys; from isso import main; sys.argv = ['isso', '-c', sys.argv[1], 'run']; main()"
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-c", code, str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"isso exited: {self._log.read_text(errors='replace')[-2000:]}")
            try:
                requests.get(self.url + "?uri=/", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"isso did not start: {self._log.read_text(errors='replace')[-2000:]}")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def post_comment(
        self,
        uri: str,
        *,
        text: str,
        author: str | None = None,
        website: str | None = None,
        parent: int | None = None,
        title: str = "A post",
    ) -> dict[str, object]:
        """Add a comment through Isso's own API (`POST /new?uri=`), as its embed script does; the stored comment."""
        data: dict[str, object] = {"text": text, "title": title}
        if author is not None:
            data["author"] = author
        if website is not None:
            data["website"] = website
        if parent is not None:
            data["parent"] = parent
        answer = requests.post(self.url + "new", params={"uri": uri}, json=data, timeout=10)
        answer.raise_for_status()
        stored: dict[str, object] = answer.json()
        return stored
