"""One rendering in headless Chromium through Playwright: launch, contain, load, reveal the thread, read the DOM.

Used only by `ingest.render.render_page`, which defines the contract; this module imports Playwright, so it is
imported only when a page is actually rendered.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import lxml.html
from playwright.sync_api import (
    BrowserContext,
    Dialog,
    Frame,
    Page,
    Playwright,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ingest.render import RenderedPage, RenderFailed, RenderUnavailable
from ingest.render_controls import ControlKind, control_kind
from ingest.render_guard import MAX_REDIRECTS, RequestGuard
from ingest.render_js import (
    CANDIDATES_SCRIPT,
    CLEAN_SCRIPT,
    COMMENT_AREA_SELECTOR,
    IN_COMMENT_AREA_SCRIPT,
    INIT_SCRIPT,
    MARK_FRAME_SCRIPT,
    MUTATIONS_SCRIPT,
    SCROLL_SCRIPT,
    SPEND_SCRIPT,
    THREAD_SELECTORS,
)
from ingest.urls import is_http_url, origin

log = logging.getLogger(__name__)

# Flags for a quiet, throwaway browser (see /work/.library/env/machines/python.md: without the background-networking
# flags Chromium keeps dialling Google's hosts). --block-new-web-contents refuses popups before they exist.
CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--block-new-web-contents",
    "--mute-audio",
    "--no-pings",
    "--dns-prefetch-disable",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",  # no WebRTC side door into the local network
    "--js-flags=--max-old-space-size=512",  # a page's script heap (MB): a runaway page crashes its tab, not the machine
)
MAX_FRAME_DEPTH = 3
SETTLE_QUIET = 0.5  # seconds without DOM mutations (and without fresh requests) = settled
SETTLE_FIRST_CHANGE = 1.0  # how long a click gets to start changing the page before it counts as doing nothing
SETTLE_CAP = 6.0  # a page that never stops changing (tickers, animations) is taken as it is after this
POLL = 0.1
WAIT_POLL = 0.25  # seconds between looks for the thread while waiting for it
LAUNCH_TIMEOUT = 20.0  # seconds for the browser to start (more than 10x what it takes here)


@dataclass(frozen=True, slots=True)
class Control:
    """A control chosen for clicking: its mark in the page, its label (for the log) and how to treat it."""

    key: str  # the value of its data-threadbook-candidate attribute
    label: str
    kind: ControlKind


class RenderSession:
    """The state of one `render_page` call: deadlines, counters and the request policy. Single use."""

    def __init__(
        self,
        url: str,
        *,
        executable: str,
        timeout: float,
        max_clicks: int,
        allow_url: Callable[[str], bool] | None,
        user_agent: str | None,
        wait_selector: str | None,
    ) -> None:
        self.url = url
        self.executable = executable
        self.timeout = timeout
        self.max_clicks = max_clicks
        self.user_agent = user_agent
        self.wait_selector = wait_selector
        self.started = time.monotonic()
        self._start_clock()
        self.guard = RequestGuard(allow_url=allow_url, ms_left=lambda: self._ms_left(hard=True))
        self.page: Page | None = None
        self.browser_pid: int | None = None
        self.killed = threading.Event()
        self.scans = 0  # numbers each look for controls, so candidate marks of an earlier look never match

    # --- the run ----------------------------------------------------------------------------------------------

    def run(self) -> RenderedPage:
        """Render the page; the browser and its profile are gone when this returns or raises.

        Starting the browser has its own limit (LAUNCH_TIMEOUT, enforced by Playwright); the page's `timeout`
        and the watchdog's hard deadline count from the moment the browser is up, so a slow start on a busy
        machine doesn't eat the page's time.
        """
        profile = tempfile.mkdtemp(prefix="threadbook-render-")
        watchdog: threading.Timer | None = None
        try:
            with sync_playwright() as playwright:
                context = self._launch(playwright, profile)
                self._start_clock()
                watchdog = threading.Timer(max(0.0, self.hard_deadline - time.monotonic()), self._kill)
                watchdog.daemon = True
                watchdog.start()
                try:
                    return self._render(context)
                finally:
                    _quietly(context.close)
        except (PlaywrightError, RenderFailed) as exc:
            if self.killed.is_set():
                raise RenderFailed(
                    f"Gave up rendering {self.url}: it was still busy after {self.timeout:g} s, so the browser "
                    "was stopped. The page may be very slow or never finish loading; try again later, or allow "
                    "more time for rendering."
                ) from exc
            if isinstance(exc, RenderFailed):
                raise
            if "crash" in str(exc).lower():
                raise RenderFailed(
                    f"Couldn't render {self.url}: the page crashed the browser tab (it may have used too much "
                    "memory). Its comments can't be read by rendering; try again later."
                ) from exc
            raise RenderFailed(
                f"Couldn't render {self.url}: the browser reported a problem ({_first_line(exc)}). "
                "Try again later; if it keeps failing, turn rendering off for this blog."
            ) from exc
        finally:
            if watchdog is not None:
                watchdog.cancel()
            _remove_profile(profile)

    def _launch(self, playwright: Playwright, profile: str) -> BrowserContext:
        running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        try:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=self.executable,
                headless=True,
                args=list(CHROMIUM_FLAGS),
                chromium_sandbox=not running_as_root,  # Chromium refuses its sandbox as root; only then --no-sandbox
                timeout=LAUNCH_TIMEOUT * 1000,
                service_workers="block",
                accept_downloads=False,
                permissions=[],
                user_agent=self.user_agent,
                viewport={"width": 1280, "height": 900},
                java_script_enabled=True,
            )
        except PlaywrightError as exc:
            if self.killed.is_set():
                raise
            raise RenderUnavailable(
                f"Couldn't start the browser {self.executable} to render pages: {_first_line(exc)}. Check that it "
                f"runs (try: {self.executable} --headless --version), or set THREADBOOK_CHROMIUM to another "
                "Chromium or Google Chrome."
            ) from exc
        self.browser_pid = _browser_pid(context)
        return context

    def _render(self, context: BrowserContext) -> RenderedPage:
        context.add_init_script(INIT_SCRIPT)
        self.guard.install(context)
        page = context.pages[0] if context.pages else context.new_page()
        self.page = self.guard.page = page
        page.on("dialog", _dismiss)
        final_url = self._navigate(page)
        self.guard.loaded = True
        self._wait_for_thread(page)
        clicks = self._reveal(page)
        html = self._frame_html(page.main_frame, depth=0)
        browser = context.browser
        engine = f"chromium {browser.version if browser else 'unknown'} (playwright {_playwright_version()})"
        log.info(
            "rendered %s in %.1f s: %d requests (%d blocked), %d clicks",
            self.url,
            time.monotonic() - self.started,
            self.guard.requests,
            self.guard.blocked,
            clicks,
        )
        return RenderedPage(
            url=self.url,
            final_url=final_url,
            html=html,
            rendered_at=datetime.now(UTC),
            clicks=clicks,
            requests=self.guard.requests,
            engine=engine,
        )

    def _navigate(self, page: Page) -> str:
        """Load the page, following redirects one checked hop at a time; returns the final address."""
        target = self.url
        for _ in range(MAX_REDIRECTS + 1):
            self.guard.redirect_to = None
            try:
                response = page.goto(target, wait_until="domcontentloaded", timeout=self._ms_left())
            except PlaywrightTimeoutError as exc:
                raise RenderFailed(
                    f"Couldn't render {self.url}: the page didn't load within {self.timeout:g} s. The site may be "
                    "slow or down; try again later."
                ) from exc
            except PlaywrightError as exc:
                if self.guard.refused_redirect is not None:
                    raise RenderFailed(
                        f"Didn't render {self.url}: it redirects to {self.guard.refused_redirect}, which Threadbook's "
                        "address rules refuse (for example, it points into a private network)."
                    ) from exc
                if self.guard.redirect_to is None:
                    raise RenderFailed(
                        f"Couldn't render {self.url}: the page didn't load ({_first_line(exc)}). Check the address, "
                        "or try again later."
                    ) from exc
                target = self.guard.redirect_to
                continue
            if response is not None and response.status >= 400:
                raise RenderFailed(
                    f"Couldn't render {self.url}: the server answered with an error ({response.status}). "
                    "Try again later."
                )
            return page.url
        raise RenderFailed(f"Couldn't render {self.url}: it redirects more than {MAX_REDIRECTS} times.")

    def _wait_for_thread(self, page: Page) -> None:
        """Wait (at most half the time allowed) for a comment thread to appear, then for the page to settle.

        A control that loads the thread on demand ("Show comments") ends the wait at once: the reveal loop clicks it.
        """
        thread = page.locator(self.wait_selector or ", ".join(THREAD_SELECTORS))
        deadline = time.monotonic() + min(self._left(), self.timeout / 2)
        while thread.count() == 0:
            self._check_alive()
            _quietly(lambda: page.evaluate(SCROLL_SCRIPT))
            if self._find_control(page, only="loader") is not None:
                return
            if time.monotonic() >= deadline:
                log.info("render: no comment thread appeared on %s", self.url)
                return
            page.wait_for_timeout(WAIT_POLL * 1000)
        self._settle(page)

    def _reveal(self, page: Page) -> int:
        """Click controls that reveal more of the thread, one at a time, until none is left or the limits hit."""
        clicks = 0
        while clicks < self.max_clicks:
            self._check_alive()
            if self._left() < 1.0:
                log.warning("render: stopped revealing comments on %s after %d clicks: time is up", self.url, clicks)
                break
            _quietly(lambda: page.evaluate(SCROLL_SCRIPT))
            found = self._find_control(page)
            if found is None:
                break
            frame, control = found
            locator = frame.locator(f"[data-threadbook-candidate='{control.key}']")
            before = self._mutations(page)
            try:
                locator.click(timeout=min(2000.0, self._ms_left()))
            except PlaywrightError:  # covered by an overlay, or moving: a plain DOM click still reaches the handler
                try:
                    locator.dispatch_event("click", timeout=min(1000.0, self._ms_left()))
                except PlaywrightError:
                    self._spend(frame, control.key)
                    continue
            clicks += 1
            changed = self._settle(page, before=before)
            log.debug("render: clicked %r (%s), page changed: %s", control.label, control.kind, changed)
            if control.kind != "more" or not changed:
                self._spend(frame, control.key)
        else:
            log.info("render: stopped after %d clicks on %s (the limit)", clicks, self.url)
        return clicks

    @staticmethod
    def _spend(frame: Frame, key: str) -> None:
        try:
            frame.evaluate(SPEND_SCRIPT, key)
        except PlaywrightError:
            pass  # the frame went away with its control

    def _find_control(self, page: Page, *, only: ControlKind | None = None) -> tuple[Frame, Control] | None:
        """The first control to click, in document order, in the top frame or a thread frame."""
        for frame in self._thread_frames(page):
            self.scans += 1
            try:
                candidates: list[dict[str, Any]] = frame.evaluate(CANDIDATES_SCRIPT, str(self.scans))
            except PlaywrightError:
                continue  # the frame went away
            for candidate in candidates:
                kind = control_kind(
                    str(candidate["text"]),
                    str(candidate["aria"]),
                    str(candidate["classes"]),
                    leaves=bool(candidate["leaves"]),
                )
                if kind is not None and (only is None or kind == only):
                    label = str(candidate["text"] or candidate["aria"])
                    return frame, Control(key=str(candidate["key"]), label=label, kind=kind)
        return None

    def _settle(self, page: Page, *, before: int | None = None) -> bool:
        """Wait until the DOM has been quiet for SETTLE_QUIET with no fresh request in flight; True if it changed
        since `before` (a mutation count taken before the click, since a fast page changes during the click)."""
        start = time.monotonic()
        last = self._mutations(page)
        if before is None:
            before = last
        last_change = start
        while self._left() > 0:
            page.wait_for_timeout(POLL * 1000)
            now = time.monotonic()
            count = self._mutations(page)
            self._check_alive()
            if count != last:
                last, last_change = count, now
            busy = self.guard.busy()
            waited = now - start
            if waited >= SETTLE_CAP:
                break
            if busy:
                continue
            if last != before and now - last_change >= SETTLE_QUIET:
                break
            if last == before and waited >= SETTLE_FIRST_CHANGE:
                break
        return last != before

    def _mutations(self, page: Page) -> int:
        total = 0
        for frame in self._thread_frames(page):
            try:
                total += int(frame.evaluate(MUTATIONS_SCRIPT))
            except PlaywrightError:
                total += 1  # a frame that vanished is a change
        return total

    # --- frames -----------------------------------------------------------------------------------------------

    def _thread_frames(self, page: Page) -> list[Frame]:
        """The top frame and the frames worth reading: same origin as the page, or inside its comment area."""
        frames = [page.main_frame]
        for frame in frames:  # grows as it goes: breadth first
            if _depth(frame) >= MAX_FRAME_DEPTH:
                continue
            frames.extend(child for child in frame.child_frames if self._worth_reading(child, page))
        return frames

    def _worth_reading(self, frame: Frame, page: Page) -> bool:
        if frame.is_detached():
            return False
        if not (is_http_url(frame.url) or frame.url in ("about:blank", "about:srcdoc")):
            return False  # e.g. the browser's error page for a frame we refused
        if is_http_url(frame.url) and is_http_url(page.url) and origin(frame.url) == origin(page.url):
            return True
        try:
            element = frame.frame_element()
            return bool(element.evaluate(IN_COMMENT_AREA_SCRIPT, COMMENT_AREA_SELECTOR))
        except PlaywrightError:
            return False

    def _frame_html(self, frame: Frame, *, depth: int) -> str:
        """The frame's DOM as HTML, with the frames worth reading put in place of their <iframe> elements."""
        _quietly(lambda: frame.evaluate(CLEAN_SCRIPT))
        marked: dict[str, Frame] = {}
        if depth < MAX_FRAME_DEPTH and self.page is not None:
            for index, child in enumerate(frame.child_frames):
                number = str(index)
                if not self._worth_reading(child, self.page):
                    continue
                try:
                    child.frame_element().evaluate(MARK_FRAME_SCRIPT, number)
                except PlaywrightError:
                    continue
                marked[number] = child
        html = frame.content()
        if not marked:
            return html
        inner: dict[str, tuple[str, str]] = {}
        for number, child in marked.items():
            try:
                inner[number] = (child.url, self._frame_html(child, depth=depth + 1))
            except PlaywrightError:
                continue
        return inline_frames(html, inner)

    def _kill(self) -> None:
        """The hard deadline: kill the browser (and its renderers) from the watchdog thread."""
        self.killed.set()
        pid = self.browser_pid
        log.info("render: %s ran past its deadline; killing the browser (pid %s)", self.url, pid)
        if pid is None:
            return
        try:
            if sys.platform != "win32":
                group = os.getpgid(pid)
                # Playwright starts the browser in a process group of its own; never signal ours.
                if group == pid and group != os.getpgrp():
                    os.killpg(group, signal.SIGKILL)
                    return
                os.kill(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGTERM)  # TerminateProcess
        except OSError:
            pass  # already gone

    # --- time -------------------------------------------------------------------------------------------------

    def _start_clock(self) -> None:
        self.soft_deadline = time.monotonic() + self.timeout
        # The grace leaves time to read the DOM and close the browser; past it the browser is killed.
        self.hard_deadline = self.soft_deadline + min(10.0, max(2.0, self.timeout / 4))

    def _check_alive(self) -> None:
        """Stop at once when the watchdog has killed the browser (run() turns this into the deadline message)."""
        if self.killed.is_set():
            raise RenderFailed(f"Rendering {self.url} was stopped at its deadline.")

    def _left(self) -> float:
        return self.soft_deadline - time.monotonic()

    def _ms_left(self, *, hard: bool = False) -> float:
        """Milliseconds to the deadline, at least 1 (Playwright reads 0 as "no timeout")."""
        deadline = self.hard_deadline if hard else self.soft_deadline
        return max(1.0, (deadline - time.monotonic()) * 1000)


def inline_frames(html: str, frames: dict[str, tuple[str, str]]) -> str:
    """Put each marked frame's body in place of its <iframe data-threadbook-frame="n">, inside a
    `<div class="threadbook-frame" data-src="…">`. Parsed with lxml: nothing is executed."""
    doc = lxml.html.document_fromstring(html)
    for element in doc.xpath("//iframe[@data-threadbook-frame]"):
        entry = frames.get(element.get("data-threadbook-frame", ""))
        if entry is None:
            continue
        src, inner = entry
        holder = lxml.html.Element("div")
        holder.set("class", "threadbook-frame")
        holder.set("data-src", src)
        body = lxml.html.document_fromstring(inner or "<html></html>").find("body")
        if body is not None:
            holder.text = body.text
            for child in list(body):
                holder.append(child)
        holder.tail = element.tail
        element.getparent().replace(element, holder)
    return str(lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"))


def _remove_profile(profile: str) -> None:
    """Delete the throwaway profile; the browser's last helper processes may still be closing files in it."""
    for _ in range(20):
        shutil.rmtree(profile, ignore_errors=True)
        if not os.path.exists(profile):
            return
        time.sleep(0.1)
    log.info("render: couldn't remove the temporary browser profile %s", profile)


def _browser_pid(context: BrowserContext) -> int | None:
    """The browser's process id, so the watchdog can kill it (Playwright doesn't expose it)."""
    browser = context.browser
    if browser is None:
        return None
    try:
        session = browser.new_browser_cdp_session()
        info: dict[str, Any] = session.send("SystemInfo.getProcessInfo")
        session.detach()
    except PlaywrightError as exc:
        log.info("render: no browser process id (%s); the hard deadline can't kill it", _first_line(exc))
        return None
    for process in info.get("processInfo", []):
        if process.get("type") == "browser":
            return int(process["id"])
    return None


def _depth(frame: Frame) -> int:
    depth = 0
    parent = frame.parent_frame
    while parent is not None:
        depth += 1
        parent = parent.parent_frame
    return depth


def _dismiss(dialog: Dialog) -> None:
    _quietly(dialog.dismiss)


def _quietly(action: Callable[[], object]) -> None:
    """Run a clean-up step that may find the page or browser already gone."""
    try:
        action()
    except PlaywrightError:
        pass


def _playwright_version() -> str:
    try:
        return version("playwright")
    except PackageNotFoundError:
        return "unknown"


def _first_line(exc: BaseException) -> str:
    """The first line of Playwright's message, without its "Page.goto: " prefix."""
    text = str(exc).strip().splitlines()
    line = re.sub(r"^[A-Za-z]+\.[a-z_]+: ", "", text[0]) if text else type(exc).__name__
    return line[:200]
