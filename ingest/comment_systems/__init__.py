"""Comment systems that live outside the page: detection, their own interfaces, and the rendered fallback (issue 9).

`ThreadOptions` is what the front ends pass to `ingest.crawl.crawl_post` (and through `desktop.tasks.ArchiveSettings`)
to unlock the systems that need a key or a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ThreadOptions:
    """The user's keys and switches for reading comment threads that are not in the page."""

    render: bool = False  # allow the headless-browser fallback (`--render`; off by default: it runs the page's scripts)
    disqus_api_key: str | None = field(default=None, repr=False)  # Disqus public API key (not in repr)
    github_token: str | None = field(default=None, repr=False)  # for giscus and utterances (not in repr)
    render_timeout: float = 30.0  # seconds to wait for a rendered thread to appear and settle
    render_max_clicks: int = 30  # "load more" / "show replies" clicks, at most, per page
