"""Watching: while the app runs, watched blogs are re-captured when their interval has passed."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from storage.records import CrawlReport


def summarize_arrivals(reports: list[CrawlReport]) -> str:
    """A notice of what a watch run brought: "2 new posts and 5 new comments on …" or that nothing arrived."""
    arrived = [r for r in reports if r.posts_new or r.comments_new]
    if not arrived:
        checked = len(reports)
        return f"Watched blogs checked ({checked}): nothing new." if checked else "No watched blog was due."
    parts = []
    for report in arrived:
        bits = []
        if report.posts_new:
            bits.append(f"{report.posts_new:,} new post{'s' if report.posts_new != 1 else ''}")
        if report.comments_new:
            bits.append(f"{report.comments_new:,} new comment{'s' if report.comments_new != 1 else ''}")
        parts.append(f"{' and '.join(bits)} on {report.blog_url}")
        # blog_url is web-derived text: the notice is shown as plain text only.
    return "New in watched blogs: " + "; ".join(parts)


class WatchScheduler(QObject):
    """Asks the window to check watched blogs every `check_minutes` (the window runs the update job;
    `tasks.update_blogs(watched_only=True)` updates only blogs whose own interval has passed)."""

    check_due = Signal()

    def __init__(self, parent: QObject | None = None, *, check_minutes: float = 10.0) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(max(int(check_minutes * 60_000), 1_000))
        self.timer.timeout.connect(self.check_due)

    def start(self, *, first_check_ms: int = 30_000) -> None:
        """Check soon after start (once the archive is open), then every interval."""
        QTimer.singleShot(first_check_ms, self, self.check_due.emit)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
