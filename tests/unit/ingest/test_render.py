"""The rendered fallback in headless Chromium against pages of ours on a loopback server (issue 9, item 3)."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ingest.errors import BadUrl, IngestError
from ingest.extract import extract_post_page
from ingest.render import ENV_BROWSER, RenderedPage, RenderFailed, RenderUnavailable, render_available, render_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rendered"
THREAD = json.loads((FIXTURES / "thread.json").read_text(encoding="utf-8"))["comments"]

_unavailable = render_available()
needs_browser = pytest.mark.skipif(
    _unavailable is not None,
    reason=f"no browser to render with (tools/bootstrap.sh --test installs Debian's chromium): {_unavailable}",
)


needs_playwright = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None, reason="Playwright is not installed (pip install playwright)"
)


class _Handler(SimpleHTTPRequestHandler):
    """Serves tests/fixtures/rendered, records every request, and adds a few endpoints that misbehave."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    seen: list[tuple[str, str]]  # (Host header, path), set on the partial
    release: threading.Event

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass

    def do_GET(self) -> None:
        self.seen.append((self.headers.get("Host", ""), self.path))
        if self.path == "/allowed.txt":
            self.seen.append(("user-agent", self.headers.get("User-Agent", "")))
        path = urlsplit(self.path).path
        if path == "/bounce":  # a redirect to the refused host
            port = self.headers.get("Host", "").rpartition(":")[2]
            target = f"http://localhost:{port}/secret-by-redirect"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path in ("/moved", "/moved-away"):  # the post moved: on this server, or to the refused host
            port = self.headers.get("Host", "").rpartition(":")[2]
            target = "/thread.html" if path == "/moved" else f"http://localhost:{port}/thread.html"
            self.send_response(301)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/hang":  # headers, then nothing more, ever (until the test ends)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<!DOCTYPE html><html><head><title>Slow</title>")
            self.wfile.flush()
            self.release.wait(60)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Base URL of a loopback server over the fixture pages, and the list of requests it received."""
    seen: list[tuple[str, str]] = []
    release = threading.Event()
    handler = functools.partial(type("Handler", (_Handler,), {"seen": seen, "release": release}), directory=FIXTURES)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", seen
    release.set()
    server.shutdown()
    server.server_close()


def only_127(url: str) -> bool:
    """The test's address policy: 127.0.0.1 is "public", the name localhost is a refused host."""
    return urlsplit(url).hostname == "127.0.0.1"


def in_worker(work: Callable[[], RenderedPage]) -> RenderedPage:
    """Run a rendering on a plain worker thread, as the app does, and hand back its result or exception."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["page"] = work()
        except IngestError as exc:
            box["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the rendering never returned"
    if "error" in box:
        raise box["error"]
    page: RenderedPage = box["page"]
    return page


@pytest.fixture
def profiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The temporary browser profiles this test's renderings make (others may be rendering on this machine too)."""
    made: list[str] = []
    real = tempfile.mkdtemp

    def recording(*args: Any, **kwargs: Any) -> str:
        path = str(real(*args, **kwargs))
        if os.path.basename(path).startswith("threadbook-render-"):
            made.append(path)
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", recording)
    return made


@needs_browser
def test_delayed_paged_folded_thread_is_rendered_whole_and_extracted_with_parents(
    site: tuple[str, list[tuple[str, str]]], profiles: list[str]
) -> None:
    base, seen = site
    url = base + "moved"  # the post's old address: a 301 to thread.html
    started = time.monotonic()
    page = in_worker(lambda: render_page(url, timeout=25, allow_url=only_127))
    elapsed = time.monotonic() - started

    assert page.url == url and page.final_url == base + "thread.html"
    offset = page.rendered_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    assert page.engine.startswith("chromium ") and "(playwright " in page.engine
    # 2 "Load more" clicks, 8 comments with folded replies, and the "Older comments" link (clicked, went nowhere).
    assert page.clicks == 11
    assert page.requests >= 15  # page, css, script, the photo (aborted), thread.json 11 times
    for comment in THREAD:
        assert comment["text"] in page.html
    assert not any(path.startswith("/elsewhere") for _, path in seen), "a click left the page"
    assert "data-threadbook" not in page.html  # our marks are taken off again
    assert len(profiles) == 1 and not os.path.exists(profiles[0]), "the temporary browser profile was left behind"

    post_page = extract_post_page(page.html, page.final_url)
    got = {c.source_id: c for c in post_page.comments}
    assert len(post_page.comments) == len(THREAD) == 40
    for comment in THREAD:
        record = got[str(comment["id"])]
        assert record.parent_source_id == (None if comment["parent"] is None else str(comment["parent"]))
        assert record.author == comment["author"]
        assert record.published_at is not None and record.published_at.isoformat().startswith(comment["date"][:19])
        assert record.body_md.strip() == comment["text"]
    assert max(c.depth for c in post_page.comments) == 2
    assert elapsed < 20  # without scrolling to the lazy widget, the wait for it alone takes 12.5 s


@needs_browser
def test_a_thread_loaded_on_request_into_another_origins_frame_is_revealed_and_put_in_place(
    site: tuple[str, list[tuple[str, str]]],
) -> None:
    """A "Show comments" button (privacy-minded embeds) ends the wait for the thread and is clicked first; the
    thread then comes in a frame of another origin, as hosted services (Disqus, Remark42) show it."""
    base, _ = site

    def allow(address: str) -> bool:
        return urlsplit(address).hostname in ("127.0.0.1", "localhost")

    started = time.monotonic()
    page = in_worker(lambda: render_page(base + "click-to-load.html", timeout=20, allow_url=allow))

    assert time.monotonic() - started < 10  # waiting for a thread that never comes by itself would take 10 s
    assert page.clicks == 2  # "Show comments", then "Load more comments" inside the widget's frame
    assert "Show comments" not in page.html
    assert '<div class="threadbook-frame" data-src="http://localhost:' in page.html and "<iframe" not in page.html
    assert "data-threadbook-candidate" not in page.html
    comments = extract_post_page(page.html, page.final_url).comments
    parents = {c.source_id: c.parent_source_id for c in comments}
    assert parents == {
        **{str(n): None for n in range(101, 109)},
        "109": "102",
        "110": "102",
        "111": "106",
        "112": "106",
    }
    assert [c.author for c in comments if c.source_id == "111"] == ["Reader 111"]


@needs_browser
def test_a_hostile_page_reaches_nothing_opens_nothing_and_does_not_hang(
    site: tuple[str, list[tuple[str, str]]],
) -> None:
    """file:// and a refused host (directly, by redirect, as image, frame, WebSocket, beacon) are blocked and
    counted; dialogs, popups, new windows, a download and permission prompts neither open nor hang."""
    base, seen = site
    agent = "ThreadbookTest/1.0 (+https://example.invalid/render-test)"
    started = time.monotonic()
    page = in_worker(
        lambda: render_page(
            base + "hostile.html", timeout=10, allow_url=only_127, wait_selector="#results.done", user_agent=agent
        )
    )

    assert time.monotonic() - started < 10
    assert "root:" not in page.html
    probes = {p: f"{p}: blocked" in page.html for p in ("passwd", "refused-host", "redirect")}
    assert probes == {"passwd": True, "refused-host": True, "redirect": True}
    assert "allowed: read allowed text from the test server" in page.html
    assert ("user-agent", agent) in seen
    probes_paths = ("/pixel.png", "/frame.html", "/socket", "/beacon", "/secret", "/secret-by-redirect")
    refused = [path for host, path in seen if host.startswith("localhost") and path.startswith(probes_paths)]
    assert refused == [], f"the refused host was reached: {refused}"
    assert not any(path.startswith("/popup-target") for _, path in seen), "a popup window loaded"
    assert "location: denied" in page.html and "notifications: granted" not in page.html
    assert "worker: blocked" in page.html and not any(path.startswith("/sw.js") for _, path in seen)
    # hostile.html, the file, /secret, /bounce, /allowed.txt, the pixel, the frame, the beacon, the download.
    assert page.requests >= 9
    assert [c.source_id for c in extract_post_page(page.html, page.final_url).comments] == ["1"]


@needs_browser
def test_a_page_that_never_loads_fails_by_the_deadline(site: tuple[str, list[tuple[str, str]]]) -> None:
    base, _ = site
    started = time.monotonic()
    with pytest.raises(RenderFailed, match="didn't load within 2 s"):
        in_worker(lambda: render_page(base + "hang", timeout=2, allow_url=only_127))
    assert time.monotonic() - started < 10  # a 2 s page budget, plus starting the browser on a busy machine


@needs_browser
def test_a_page_whose_script_never_returns_is_killed_at_the_hard_deadline(
    site: tuple[str, list[tuple[str, str]]], profiles: list[str]
) -> None:
    base, _ = site
    started = time.monotonic()
    with pytest.raises(RenderFailed, match="still busy after 2 s, so the browser was stopped"):
        in_worker(lambda: render_page(base + "busy.html", timeout=2, allow_url=only_127))
    assert time.monotonic() - started < 12  # 2 s budget + 2 s grace, plus starting the browser
    assert len(profiles) == 1 and not os.path.exists(profiles[0])


@needs_browser
@pytest.mark.slow
def test_a_page_that_eats_memory_crashes_its_tab_not_the_machine(site: tuple[str, list[tuple[str, str]]]) -> None:
    base, _ = site
    with pytest.raises(RenderFailed, match="crashed the browser tab"):
        in_worker(lambda: render_page(base + "hungry.html", timeout=20, allow_url=only_127))


@needs_browser
@pytest.mark.slow
def test_an_unreachable_server_fails_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(RenderFailed, match=r"the page didn't load \(net::ERR_FAILED"):
        in_worker(lambda: render_page("http://127.0.0.1:9/", timeout=10))
    assert time.monotonic() - started < 8


@needs_browser
def test_an_address_the_policy_refuses_is_not_rendered(site: tuple[str, list[tuple[str, str]]]) -> None:
    base, _ = site
    refused = base.replace("127.0.0.1", "localhost") + "thread.html"
    with pytest.raises(RenderFailed, match="refused by Threadbook's address rules"):
        render_page(refused, allow_url=only_127)


@needs_browser
def test_a_redirect_to_an_address_the_policy_refuses_is_not_followed(site: tuple[str, list[tuple[str, str]]]) -> None:
    base, seen = site
    with pytest.raises(RenderFailed, match=r"redirects to http://localhost:\d+/thread.html, which .* refuse"):
        in_worker(lambda: render_page(base + "moved-away", timeout=10, allow_url=only_127))
    assert not [path for host, path in seen if host.startswith("localhost") and path == "/thread.html"]


def test_only_web_addresses_are_rendered() -> None:
    with pytest.raises(BadUrl, match="only web addresses"):
        render_page("file:///etc/passwd")


def test_a_bogus_browser_path_is_reported_with_a_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_BROWSER, "/nonexistent/threadbook-test/chrome")
    reason = render_available()
    assert reason is not None
    assert "THREADBOOK_CHROMIUM is set to /nonexistent/threadbook-test/chrome" in reason
    assert "no browser program there" in reason
    with pytest.raises(RenderUnavailable, match="no browser program there"):
        render_page("http://127.0.0.1:9/")


def test_missing_playwright_is_reported_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name, *a))
    reason = render_available()
    assert reason is not None and "needs Playwright" in reason and "pip install playwright" in reason


def test_playwrights_own_download_is_found_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.render as render

    for revision, folder in (("1100", "chrome-linux"), ("1200", "chrome-linux64")):
        program = tmp_path / f"chromium-{revision}" / folder / "chrome"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    monkeypatch.delenv(ENV_BROWSER, raising=False)
    monkeypatch.setattr(render, "_SYSTEM_BROWSERS", ())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert render.find_browser() == str(tmp_path / "chromium-1200" / "chrome-linux64" / "chrome")

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))
    reason = render_available()
    assert reason is not None and "none was found" in reason and "apt install chromium" in reason


@needs_playwright
def test_a_program_that_is_not_a_browser_is_reported_as_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_BROWSER, "/bin/true")
    assert render_available() is None  # it exists; only starting it tells
    with pytest.raises(RenderUnavailable, match="Couldn't start the browser /bin/true"):
        in_worker(lambda: render_page("http://127.0.0.1:9/", timeout=5))


@needs_playwright
def test_frames_are_put_in_place_of_their_iframe_elements() -> None:
    from ingest.render_session import inline_frames

    outer = (
        '<html><body><div id="comments">before <iframe data-threadbook-frame="0" src="x"></iframe> after'
        '<iframe src="ad"></iframe></div></body></html>'
    )
    inner = '<html><body>lead <ol class="commentlist"><li class="comment" id="comment-7">Hi</li></ol></body></html>'
    html = inline_frames(outer, {"0": ("https://comments.example/x", inner)})
    assert html.startswith("<!DOCTYPE html>")
    assert (
        'before <div class="threadbook-frame" data-src="https://comments.example/x">lead '
        '<ol class="commentlist"><li class="comment" id="comment-7">Hi</li></ol></div> after'
    ) in html
    assert '<iframe src="ad"></iframe>' in html  # not worth reading: left as it was
