"""The rendered fallback: load a post in headless Chromium, reveal its whole comment thread, and return the HTML.

For comment systems with no readable interface (issue 9, item 3). The page's scripts run, so everything is
contained: only http(s) requests the caller's `allow_url` accepts go out (each redirect hop is checked too), no
file:// access, no downloads, popups, service workers, WebSockets, permission prompts or dialogs, a throwaway
profile, and a hard deadline after which the browser is killed. The browser driving lives in
`ingest/render_session.py` (requests: `render_guard.py`, control labels: `render_controls.py`, page scripts:
`render_js.py`); this module holds the contract and finds the browser. Qt-free; call it from a worker
thread (Playwright's sync API, so never from a thread running an asyncio loop).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ingest.errors import BadUrl, IngestError
from ingest.urls import is_http_url

__all__ = [
    "ENV_BROWSER",
    "RenderFailed",
    "RenderUnavailable",
    "RenderedPage",
    "find_browser",
    "render_available",
    "render_page",
]

ENV_BROWSER = "THREADBOOK_CHROMIUM"  # the path of the Chromium (or Chrome) program to render with, if set
_SYSTEM_BROWSERS = ("/usr/bin/chromium",)  # Debian's package
_PATH_BROWSERS = ("chromium-browser", "google-chrome", "google-chrome-stable", "chromium")
# Where `playwright install chromium` puts its browser, relative to its browsers folder.
_BUNDLED_PATTERNS = (
    "chromium-*/chrome-linux*/chrome",
    "chromium-*/chrome-win*/chrome.exe",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chromium_headless_shell-*/chrome-*/headless_shell",
    "chromium_headless_shell-*/chrome-*/headless_shell.exe",
)
_INSTALL_HINT = (
    "Install Chromium (on Debian or Ubuntu: sudo apt install chromium; elsewhere: python -m playwright install "
    f"chromium), or set {ENV_BROWSER} to the path of a Chromium or Google Chrome program."
)


class RenderUnavailable(IngestError):
    """This machine can't render pages: Playwright or a browser is missing, or the browser won't start."""


class RenderFailed(IngestError):
    """The page could not be rendered: it failed to load, was refused, or ran past the deadline."""


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A post page as the browser showed it after its comment thread was revealed."""

    url: str  # the address we were asked to render
    final_url: str  # after redirects
    html: str  # the rendered DOM; frames of the page's origin or inside its comment area are inlined in place
    rendered_at: datetime  # timezone-aware, UTC: when the DOM was read
    clicks: int  # "load more" / "show replies" controls clicked
    requests: int  # requests the page made, the blocked ones included
    engine: str  # e.g. "chromium 156.0.8078.79 (playwright 1.65.2)"


def render_available() -> str | None:
    """None when pages can be rendered here; otherwise the reason, written for the user, with how to fix it.

    Cheap (no browser is started): it checks that Playwright is installed and that a browser program exists.
    """
    try:
        find_browser()
    except RenderUnavailable as exc:
        return str(exc)
    return None


def render_page(
    url: str,
    *,
    timeout: float = 30.0,
    max_clicks: int = 30,
    allow_url: Callable[[str], bool] | None = None,
    user_agent: str | None = None,
    wait_selector: str | None = None,
) -> RenderedPage:
    """Render `url` headless, wait for its comment thread, click "load more"/"show replies" controls, return the HTML.

    `timeout` (seconds) bounds the whole rendering: loading, waiting for the thread (at most half of it) and
    clicking (up to `max_clicks` controls, stopping early when the time is spent). A hard deadline a little later
    kills the browser. `allow_url` decides every request, redirect hop and frame (pass the Fetcher's address
    policy); `wait_selector` replaces the built-in list of comment-thread selectors (CSS). `user_agent` None
    keeps the browser's own.
    Raises `BadUrl` for a non-http(s) address, `RenderUnavailable` when no browser can be started and
    `RenderFailed` when the page can't be loaded, is refused or runs past the deadline.
    """
    if not is_http_url(url):
        raise BadUrl(f"Can't render {url!r}: only web addresses (http:// or https://) can be rendered.")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    if allow_url is not None and not allow_url(url):
        raise RenderFailed(
            f"Didn't render {url}: the address is refused by Threadbook's address rules "
            "(for example, it points into a private network)."
        )
    executable = find_browser()
    from ingest.render_session import RenderSession  # imports Playwright, which is optional until rendering

    session = RenderSession(
        url,
        executable=executable,
        timeout=timeout,
        max_clicks=max_clicks,
        allow_url=allow_url,
        user_agent=user_agent,
        wait_selector=wait_selector,
    )
    return session.run()


def find_browser() -> str:
    """The browser program to render with: $THREADBOOK_CHROMIUM, Debian's chromium, Chromium or Chrome on PATH
    (or in their usual macOS/Windows places), then Playwright's own download. Raises `RenderUnavailable` (with
    what to install) when there is none."""
    if importlib.util.find_spec("playwright") is None:
        raise RenderUnavailable(
            "Rendering pages needs Playwright, which isn't installed. Install it with: python -m pip install "
            f"playwright. {_INSTALL_HINT}"
        )
    configured = os.environ.get(ENV_BROWSER, "").strip()
    if configured:
        if _is_program(configured):
            return configured
        raise RenderUnavailable(
            f"{ENV_BROWSER} is set to {configured}, but there is no browser program there. Point it at Chromium "
            f"or Google Chrome (for example /usr/bin/chromium), or unset it to let Threadbook look for one."
        )
    for path in _SYSTEM_BROWSERS:
        if _is_program(path):
            return path
    for name in _PATH_BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    for path in _app_browsers():
        if _is_program(path):
            return path
    bundled = _bundled_browser()
    if bundled is not None:
        return bundled
    raise RenderUnavailable(f"Rendering pages needs a Chromium browser, and none was found. {_INSTALL_HINT}")


def _app_browsers() -> list[str]:
    """Where Chrome and Chromium install themselves on macOS and Windows (they are not on PATH there)."""
    if sys.platform == "darwin":
        return [
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
        ]
    if sys.platform == "win32":
        roots = [os.environ.get(name, "") for name in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        return [os.path.join(root, "Google", "Chrome", "Application", "chrome.exe") for root in roots if root]
    return []


def _is_program(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _bundled_browser() -> str | None:
    """The newest Chromium that `playwright install` downloaded, if any (found without starting Playwright)."""
    for root in _playwright_browser_roots():
        found = [path for pattern in _BUNDLED_PATTERNS for path in glob.glob(str(root / pattern)) if _is_program(path)]
        if found:
            return max(found, key=_revision)
    return None


def _playwright_browser_roots() -> list[Path]:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH", "").strip()
    if configured and configured != "0":
        return [Path(configured)]
    roots: list[Path] = []
    spec = importlib.util.find_spec("playwright")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:  # PLAYWRIGHT_BROWSERS_PATH=0 installs inside the package
            roots.append(Path(location) / "driver" / "package" / ".local-browsers")
    home = Path.home()
    if sys.platform == "darwin":
        roots.append(home / "Library" / "Caches" / "ms-playwright")
    elif sys.platform == "win32":
        roots.append(Path(os.environ.get("LOCALAPPDATA", str(home / "AppData" / "Local"))) / "ms-playwright")
    else:
        roots.append(Path(os.environ.get("XDG_CACHE_HOME", str(home / ".cache"))) / "ms-playwright")
    return roots


def _revision(path: str) -> int:
    """The revision in `…/chromium-1148/…`, so the newest download wins."""
    for part in Path(path).parts:
        head, _, tail = part.rpartition("-")
        if head.startswith("chromium") and tail.isdigit():
            return int(tail)
    return 0
