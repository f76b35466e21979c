"""End to end (issue 9 item 4): archive a loopback post whose comments Disqus keeps, with no Disqus key; the archive
then says what is missing in `threadbook show`, in the JSON export and in the GUI reader, instead of an empty thread."""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings

from desktop import exports, imports, tasks
from desktop.cli import cli
from desktop.cli_comment_systems import DISQUS_KEY_ENV, GITHUB_TOKEN_ENV
from storage.archive import open_archive

POST_PATH = "/2024/05/slow-starter/"
# Our own page: a post with no comments in its HTML; Disqus's embed script would load 12 of them.
POST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A slow starter | Loop Bakery</title>
<meta property="og:type" content="article">
<meta property="og:title" content="A slow starter">
</head>
<body>
<article class="post">
<h1 class="entry-title">A slow starter</h1>
<div class="entry-meta">By <span class="author">Pell</span>
on <time datetime="2024-05-02T08:00:00+02:00">May 2</time></div>
<div class="entry-content">
<p>The rye starter took eleven days this time. Warmth helped more than feeding twice.</p>
<p>Next week: the same flour with a colder kitchen.</p>
</div>
</article>
<div id="disqus_thread"></div>
<p><a href="POST_URL#disqus_thread"><span class="disqus-comment-count"
  data-disqus-identifier="loop-77">12 Comments</span></a></p>
<script>
var disqus_config = function () {
  this.page.url = "POST_URL";
  this.page.identifier = "loop-77";
};
(function() {
  var d = document, s = d.createElement("script");
  s.src = "https://loopbakery.disqus.com/embed.js";
  (d.head || d.body).appendChild(s);
})();
</script>
<noscript>Please enable JavaScript to view the comments powered by Disqus.</noscript>
</body>
</html>
"""


DISQUS_EXPORT = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="880001">
    <id>loop-77</id>
    <forum>loopbakery</forum>
    <link>POST_URL</link>
    <title>A slow starter</title>
    <isDeleted>false</isDeleted>
  </thread>
  <post dsq:id="990001">
    <message><![CDATA[<p>Eleven days! Mine took <b>two weeks</b>.</p>]]></message>
    <createdAt>2024-05-03T10:00:00Z</createdAt>
    <isDeleted>false</isDeleted>
    <isSpam>false</isSpam>
    <author><name>Oda</name><isAnonymous>false</isAnonymous></author>
    <thread dsq:id="880001" />
  </post>
  <post dsq:id="990002">
    <message><![CDATA[<p>Try a warmer spot.</p>]]></message>
    <createdAt>2024-05-03T11:00:00Z</createdAt>
    <isDeleted>false</isDeleted>
    <isSpam>false</isSpam>
    <author><name>Pell</name><isAnonymous>false</isAnonymous></author>
    <thread dsq:id="880001" />
    <parent dsq:id="990001" />
  </post>
</disqus>
"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        host = self.headers.get("Host", "")
        if self.path == POST_PATH:
            body = POST_PAGE.replace("POST_URL", f"http://{host}{POST_PATH}").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"not here"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        pass


@pytest.fixture
def post_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{POST_PATH}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every connection that is not to loopback (and count them): no key means nothing is asked of Disqus."""
    refused: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1"):
            refused.append(str(host))
            raise socket.gaierror(f"test: no network for {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0]).is_loopback:
            refused.append(str(address[0]))
            raise ConnectionRefusedError("test: no network")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.delenv(DISQUS_KEY_ENV, raising=False)
    monkeypatch.delenv(GITHUB_TOKEN_ENV, raising=False)
    return refused


def test_a_disqus_thread_without_a_key_is_reported_missing_everywhere(
    qtbot: Any, tmp_path: Path, post_url: str, loopback_only: list[str]
) -> None:
    db = tmp_path / "loop.sqlite"
    report = tasks.archive_blog(post_url, db_path=db, settings=tasks.ArchiveSettings(delay=0.0, fetch_images=False))
    assert report.posts_new == 1, report.problems
    assert loopback_only == []  # nothing was asked of Disqus or any other host

    with open_archive(db) as archive:
        [missing] = archive.list_missing_threads()
        post = archive.load_post(missing.post_id)
    system = post.comment_system
    assert system is not None and (system.name, system.origin, system.expected) == ("disqus", "none", 12)
    assert post.comments == ()
    assert "Disqus" in system.note and "12 comments not captured" in system.note
    assert "Disqus API key" in system.note

    shown = CliRunner().invoke(cli, ["show", str(missing.post_id), "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.output.split())
    assert "Comment system: Disqus (not captured, 12 stated)" in flat
    assert " ".join(system.note.split()) in flat
    assert "— comments not captured —" in flat

    listed = CliRunner().invoke(cli, ["list", "--missing-comments", "--db", str(db)], env={"COLUMNS": "200"})
    assert "A slow starter" in listed.output

    out = exports.export_json(db_path=db, out_path=tmp_path / "loop.json")
    [exported] = json.loads(out.read_text(encoding="utf-8"))["blogs"][0]["posts"]
    assert exported["comments"] == []
    assert exported["comment_system"]["name"] == "disqus"
    assert exported["comment_system"]["origin"] == "none"
    assert exported["comment_system"]["expected"] == 12
    assert exported["comment_system"]["note"] == system.note

    from desktop.mainwindow import MainWindow

    window = MainWindow(None, settings=QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.archive_opened, timeout=10_000):
            window.open_archive_file(db)
        window.show()
        window.show_post(missing.post_id)
        banner = window.reader.thread_view.banner
        qtbot.waitUntil(banner.isVisible)
        assert banner.text() == " ".join(system.note.split())
        assert window.reader.thread_view.heading.text().startswith("Comments not captured")
    finally:
        window.close()


def test_importing_the_disqus_export_fills_the_thread_and_clears_the_notice(
    tmp_path: Path, post_url: str, loopback_only: list[str]
) -> None:
    db = tmp_path / "loop.sqlite"
    settings = tasks.ArchiveSettings(delay=0.0, fetch_images=False)
    tasks.archive_blog(post_url, db_path=db, settings=settings)
    export = tmp_path / "disqus.xml"
    export.write_text(DISQUS_EXPORT.replace("POST_URL", post_url), encoding="utf-8")
    report = imports.import_file(export, db_path=db)
    assert report.threads_attached == 1, report.problems

    def current() -> tuple[Any, ...]:
        with open_archive(db) as archive:
            post_id = archive.find_post(post_url)
            post = archive.load_post(post_id)
            return post_id, post, archive.list_missing_threads()

    post_id, post, missing = current()
    assert missing == []
    assert post.comment_system is not None
    assert (post.comment_system.name, post.comment_system.origin, post.comment_system.note) == ("disqus", "import", "")
    assert [c.author for c in post.comments] == ["Oda", "Pell"]
    shown = CliRunner().invoke(cli, ["show", str(post_id), "--db", str(db)]).output
    assert "Comments imported from a Disqus export." in shown and "not captured" not in shown
    out = exports.export_json(db_path=db, out_path=tmp_path / "loop.json")
    [exported] = json.loads(out.read_text(encoding="utf-8"))["blogs"][0]["posts"]
    assert (exported["comment_system"]["origin"], exported["comment_system"]["note"]) == ("import", "")

    # Archiving again, still without a key: Disqus is still unreadable, but the imported thread is in the archive.
    tasks.archive_blog(post_url, db_path=db, settings=settings)
    _, post, missing = current()
    assert missing == [] and post.comment_system is not None and post.comment_system.origin == "import"
    assert [c.author for c in post.comments] == ["Oda", "Pell"]
    assert loopback_only == []
