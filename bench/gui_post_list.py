"""Benchmark: open a 100,000-post archive in the main window and scroll the post list; print the figures.

Run: QT_QPA_PLATFORM=offscreen python -m bench.gui_post_list [--posts N]
Measures: the archive open (migrations check, blog list: on a worker), the first page shown, each page fetched while
scrolling to row 5,000, each sort order, and the longest gap in the GUI event loop meanwhile (a 5 ms QTimer).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.gui_synthetic import build_big_archive  # noqa: E402
from desktop.mainwindow import MainWindow  # noqa: E402
from desktop.models import PostListModel  # noqa: E402


class StallMeter:
    """The longest gap between two ticks of a 5 ms timer: how long the GUI thread was busy at a stretch."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.worst = 0
        self._last = 0

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self._last - 5)
        self._last = now

    def start(self) -> None:
        self.clock.start()
        self._last = 0
        self.worst = 0
        self.timer.start()


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    started = time.perf_counter()
    path = build_big_archive(folder / "big.sqlite", posts=args.posts)
    print(f"built {args.posts:,} posts in {time.perf_counter() - started:.1f} s")

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(None, settings=settings)
    window.show()
    meter = StallMeter()
    meter.start()
    loop = QEventLoop()
    window.archive_opened.connect(loop.quit)
    started = time.perf_counter()
    window.open_archive_file(path)
    loop.exec()
    print(f"open: archive ready and first page shown in {(time.perf_counter() - started) * 1000:.0f} ms")
    spin(300)  # let the library tree load on its worker
    print(f"  longest GUI stall while opening: {meter.worst} ms")

    model, view = window.post_model, window.post_view
    meter.start()
    fetches: list[float] = []
    started = time.perf_counter()
    while model.rowCount() < 5_000:
        t = time.perf_counter()
        view.scrollToBottom()  # the view asks the model for the next page (fetchMore)
        app.processEvents()
        fetches.append((time.perf_counter() - t) * 1000)
    print(
        f"scroll to row {model.rowCount():,}: {len(fetches)} pages, {(time.perf_counter() - started) * 1000:.0f} ms; "
        f"per page median {sorted(fetches)[len(fetches) // 2]:.1f} ms, worst {max(fetches):.1f} ms; "
        f"longest stall {meter.worst} ms"
    )
    header = view.header()
    for column, order, name in (
        (PostListModel.TITLE, Qt.SortOrder.AscendingOrder, "title A-Z"),
        (PostListModel.AUTHOR, Qt.SortOrder.DescendingOrder, "author Z-A"),
        (PostListModel.CAPTURED, Qt.SortOrder.DescendingOrder, "captured"),
        (PostListModel.DATE, Qt.SortOrder.AscendingOrder, "oldest"),
    ):
        meter.start()
        t = time.perf_counter()
        header.setSortIndicator(column, order)
        app.processEvents()
        print(f"sort by {name}: first page in {(time.perf_counter() - t) * 1000:.1f} ms (stall {meter.worst} ms)")
    meter.start()
    t = time.perf_counter()
    done = QEventLoop()
    window.post_list_sorted.connect(done.quit)
    header.setSortIndicator(PostListModel.COMMENTS, Qt.SortOrder.DescendingOrder)
    shown = (time.perf_counter() - t) * 1000
    done.exec()
    print(
        f"sort by comments (in memory, list read on a worker): loaded rows re-sorted in {shown:.1f} ms, "
        f"whole list after {(time.perf_counter() - t) * 1000:.0f} ms, longest stall {meter.worst} ms"
    )
    window.close()


if __name__ == "__main__":
    main()
