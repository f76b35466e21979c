"""Containment for the rendered fallback: every request a rendered page makes is decided and counted here.

Only http(s) requests the caller's address policy accepts go out, each redirect hop is checked before it is made,
WebSockets are closed, images/media/fonts are skipped, and once the page has loaded its top frame can't navigate
away. Used by `ingest/render_session.py`; imports Playwright.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import urljoin

from playwright.sync_api import BrowserContext, Page, Request, Route, WebSocketRoute
from playwright.sync_api import Error as PlaywrightError

from ingest.urls import is_http_url

log = logging.getLogger(__name__)

SKIPPED_RESOURCES = frozenset({"image", "media", "font", "manifest"})  # not needed to read a thread: aborted
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
PENDING_MAX_AGE = 3.0  # a request older than this is a long poll or a stream, not something to wait for
_HOP_HEADERS = frozenset({"host", "cookie", "content-length"})  # not carried to the next hop of a redirect


class RequestGuard:
    """The request policy of one rendering, and its counters. Its handlers run on the rendering's thread."""

    def __init__(self, *, allow_url: Callable[[str], bool] | None, ms_left: Callable[[], float]) -> None:
        self.allow_url = allow_url
        self._ms_left = ms_left  # milliseconds until the hard deadline, for the requests we make ourselves
        self.requests = 0  # requests the page made (the blocked ones too) and redirect hops we followed for it
        self.blocked = 0
        self.pending: dict[Request, float] = {}  # requests in flight and when they started
        self.page: Page | None = None  # the one page we render; every other window is closed
        self.context: BrowserContext | None = None
        self.loaded = False  # the first document has loaded: from now on the top frame stays where it is
        self.redirect_to: str | None = None  # the next hop of the top document's redirect, for the navigator
        self.refused_redirect: str | None = None  # where the top document redirected us, refused by the policy

    def install(self, context: BrowserContext) -> None:
        """Route every request and WebSocket of `context` through the guard, and watch requests and popups."""
        self.context = context
        context.route("**/*", self.route)
        context.route_web_socket(re.compile(r".*"), self.refuse_socket)
        context.on("request", self.on_request)
        context.on("requestfinished", self.on_request_done)
        context.on("requestfailed", self.on_request_done)
        context.on("page", self.on_page)

    def busy(self) -> bool:
        """Whether a request started in the last PENDING_MAX_AGE seconds is still in flight."""
        now = time.monotonic()
        return any(now - since < PENDING_MAX_AGE for since in self.pending.values())

    def route(self, route: Route) -> None:
        """Every request the page makes passes here: refuse what the policy refuses, fetch the rest hop by hop."""
        request = route.request
        try:
            refusal = self._refusal(request)
            if refusal is not None:
                self.blocked += 1
                log.info("render: blocked %s (%s)", request.url[:200], refusal)
                if refusal == "leaves the page":  # a 204 leaves the page as it is; an abort would show an error page
                    route.fulfill(status=204)
                else:
                    route.abort("blockedbyclient")
                return
            if request.resource_type in SKIPPED_RESOURCES:
                route.abort("blockedbyclient")
                return
            self._forward(route)
        except PlaywrightError as exc:  # unreachable, timed out, or the page went away meanwhile
            log.debug("render: request %s failed: %s", request.url[:200], _first_line(exc))
            _quietly(lambda: route.abort("failed"))  # an unanswered request would hold the page until the deadline

    def _refusal(self, request: Request, url: str | None = None) -> str | None:
        url = url or request.url
        if not is_http_url(url):
            return "not http(s)"
        if self.allow_url is not None:
            try:
                allowed = self.allow_url(url)
            except (OSError, ValueError) as exc:  # a policy that can't decide refuses
                log.info("render: address policy failed on %s: %s", url[:200], exc)
                allowed = False
            if not allowed:
                return "address refused"
        try:
            frame = request.frame
        except PlaywrightError:
            return None  # a worker's request: no frame, same rules as above
        if self.page is not None and frame.page is not self.page:
            return "another window"
        if self.loaded and request.is_navigation_request() and frame.parent_frame is None:
            return "leaves the page"
        return None

    def _forward(self, route: Route) -> None:
        """Fetch the request ourselves without following redirects, so each hop is checked before it is made.

        WORKAROUND: Playwright's route handler sees only the first URL of a redirect chain (documented on
        `page.route`); the browser would follow a redirect into a refused address unchecked.
        """
        request = route.request
        response = route.fetch(max_redirects=0, timeout=self._ms_left())
        current = request.url
        method = request.method
        top_navigation = request.is_navigation_request() and request.frame.parent_frame is None
        for _ in range(MAX_REDIRECTS):
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                break
            target = urljoin(current, location)
            refusal = self._refusal(request, target)
            if refusal is not None and refusal != "leaves the page":
                self.blocked += 1
                log.info("render: blocked redirect to %s (%s)", target[:200], refusal)
                if top_navigation:
                    self.refused_redirect = target
                route.abort("blockedbyclient")
                return
            if top_navigation:  # let the browser load the next hop itself, so the page gets its real address
                self.redirect_to = target
                route.abort("aborted")
                return
            self.requests += 1
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method = "GET"
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
            keep_body = method == request.method and method not in ("GET", "HEAD")
            assert self.context is not None
            response = self.context.request.fetch(
                target,
                method=method,
                headers=headers,
                data=request.post_data_buffer if keep_body else None,
                max_redirects=0,
                timeout=self._ms_left(),
            )
            current = target
        else:
            route.abort("failed")
            return
        route.fulfill(response=response)

    def refuse_socket(self, socket: WebSocketRoute) -> None:
        self.blocked += 1
        log.info("render: blocked WebSocket %s", socket.url[:200])
        _quietly(lambda: socket.close(code=1008, reason="not allowed"))

    def on_request(self, request: Request) -> None:
        self.requests += 1
        self.pending[request] = time.monotonic()

    def on_request_done(self, request: Request) -> None:
        self.pending.pop(request, None)

    def on_page(self, page: Page) -> None:
        if self.page is not None and page is not self.page:
            log.info("render: closed a popup window (%s)", page.url[:200])
            _quietly(page.close)


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except PlaywrightError:
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
