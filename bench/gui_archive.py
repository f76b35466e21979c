"""Benchmark: the main window on the storage benchmark's archive (100,000 posts, 1,000,000 comments by default).

Run: QT_QPA_PLATFORM=offscreen python -m bench.gui_archive [--quick | --posts N --comments M]
Uses (and builds if needed) the archive `python -m bench.storage` caches for the same sizes. Measures, with a
5 ms timer counting how long the GUI thread was busy at a stretch: opening the archive until the first page is
shown, scrolling the post list 25 pages, selecting posts one after another, opening a post with a
1,000-comment thread in the reader, and a search run from the search box. Target (issue 10): no GUI-thread
stall over 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.gui_post_list import spin  # noqa: E402
from bench.storage import cached_archive  # noqa: E402
from bench.storage_synthetic import SyntheticArchive  # noqa: E402
from desktop.app import freeze_startup_objects  # noqa: E402
from desktop.mainwindow import MainWindow  # noqa: E402


class StallMeter:
    """The longest gap between two ticks of a 5 ms timer (how long the GUI thread did not get to its events), and
    the most CPU the GUI thread used within one gap: on a busy shared machine the first includes waiting for a
    core, the second is the work itself."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.worst = 0.0
        self.worst_cpu = 0.0
        self._last = self._last_cpu = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.worst = max(self.worst, (now - self._last) * 1000 - 5)
        self.worst_cpu = max(self.worst_cpu, (cpu - self._last_cpu) * 1000)
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.worst = self.worst_cpu = 0.0
        self.timer.start()

    def __str__(self) -> str:
        return (
            f"longest GUI stall {self.worst:.0f} ms ({verdict(self.worst)}), "
            f"GUI-thread CPU in it at most {self.worst_cpu:.0f} ms ({verdict(self.worst_cpu)})"
        )


def wait_signal(signal: object, timeout_ms: int = 60_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def verdict(stall: float) -> str:
    return "ok" if stall <= 50 else "OVER 50 ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="2,000 posts and 20,000 comments")
    parser.add_argument("--rows", type=int, default=5_000, help="scroll until this many rows are loaded")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("THREADBOOK_BENCH_DIR", Path(tempfile.gettempdir()) / "threadbook-bench")),
    )
    args = parser.parse_args()
    if args.quick:
        args.posts, args.comments = 2_000, 20_000
    content = SyntheticArchive(posts=args.posts, comments=args.comments)
    path, _ = cached_archive(content, args.cache_dir, rebuild=False, synchronous=None, progress=print)
    print(f"archive: {path.name}, {path.stat().st_size / 1e6:,.0f} MB (load average {os.getloadavg()[0]:.1f})")

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(None, settings=settings)
    window.resize(1280, 800)
    window.show()
    freeze_startup_objects()  # as desktop.app.main does once the window is shown
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    window.open_archive_file(path)
    wait_signal(window.archive_opened)
    opened = (time.perf_counter() - started) * 1000
    spin(500)  # the library tree and counts load on workers meanwhile
    print(f"open: first page shown in {opened:.0f} ms; {meter}")

    model, view = window.post_model, window.post_view
    meter.start()
    pages: list[float] = []
    cpu: list[float] = []
    while model.rowCount() < args.rows and model.canFetchMore():
        t, c = time.perf_counter(), time.thread_time()
        view.scrollToBottom()  # the view asks the model for the next page(s) (fetchMore)
        app.processEvents()
        pages.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    print(
        f"scroll: {len(pages)} steps to row {model.rowCount():,}: median {statistics.median(pages):.1f} ms a step, "
        f"worst {max(pages):.1f} ms (GUI-thread CPU: first {cpu[0]:.1f} ms, last {cpu[-1]:.1f} ms); {meter}"
    )

    meter.start()
    selects: list[float] = []
    for row in range(1, 40):
        t = time.perf_counter()
        view.setCurrentIndex(model.index(row, 0))
        app.processEvents()
        selects.append((time.perf_counter() - t) * 1000)
    print(
        f"select 39 posts one after another: median {statistics.median(selects):.1f} ms, worst {max(selects):.1f} ms; "
        f"{meter}"
    )

    assert window.archive is not None
    big_id = window.archive.find_post(content.post(0).url)
    stalls: list[float] = []
    cpu_stalls: list[float] = []
    for _ in range(3):
        window.show_post(1 + big_id)  # another post first, so the big one is built from scratch each time
        spin(50)
        meter.start()
        t = time.perf_counter()
        window.show_post(big_id)
        app.processEvents()
        took = (time.perf_counter() - t) * 1000
        spin(100)
        stalls.append(meter.worst)
        cpu_stalls.append(meter.worst_cpu)
    shown = window.reader.thread_view.model.comment_count()
    print(
        f"open the {shown:,}-comment thread in the reader: last took {took:.0f} ms; longest GUI stall of 3 runs "
        f"{max(stalls):.0f} ms ({verdict(max(stalls))}), GUI-thread CPU in it at most {max(cpu_stalls):.0f} ms "
        f"({verdict(max(cpu_stalls))})"
    )

    meter.start()
    window.search_edit.setText(content.queries()[0])
    window.start_search(content.queries()[0])
    spin(1500)
    print(f"search from the search box (on a worker): {meter}")
    window.close()


if __name__ == "__main__":
    main()
