"""Benchmark: GUI start-up, from process start to the main window shown with the first post-list page painted.

Run: python -m bench.gui_startup [--runs 5] [--archive PATH]
Each run starts a new Python process (offscreen Qt) that runs `desktop.app.main` on an archive, as
`threadbook-gui ARCHIVE` does. An event filter in that process notes the first paint of the post list once it
has rows, and the process prints a line and exits; the parent measures from just before it started the process
to that line. Interpreter start-up and every import are included. Target (issue 10): under 1.5 s.
Default archive: the bundled sample blog's posts (a fresh archive filled once, as `threadbook demo` would), or
any archive given, such as the 100,000-post one `python -m bench.storage` caches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARK = "THREADBOOK-BENCH-PAINTED"


def child(archive: Path) -> None:
    """In the measured process: run the GUI's own main() and report the first painted page of the post list."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from desktop import app as gui_app
    from desktop.models import PostListModel

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                view = watched.parent()
                if isinstance(view, QAbstractItemView) and isinstance(view.model(), PostListModel):
                    if view.model().rowCount() > 0:
                        QTimer.singleShot(0, self.report)  # after this paint has been done
            return False

        def report(self) -> None:
            print(f"{MARK} {time.perf_counter()}", flush=True)
            os._exit(0)

    qt_app = QApplication([sys.argv[0]])
    watcher = FirstPaint()
    qt_app.installEventFilter(watcher)
    gui_app.main([str(archive)])


def sample_archive(folder: Path) -> Path:
    """An archive of the bundled sample blog (captured from a loopback server), made once per run."""
    from desktop import tasks
    from desktop.sampleserver import SampleBlogServer

    path = folder / "sample.sqlite"
    with SampleBlogServer() as server:
        tasks.archive_blog(server.url, db_path=path, settings=tasks.ArchiveSettings(delay=0.0))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--archive", type=Path, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    env = dict(os.environ)
    if not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as tmp:
        archive = args.archive or sample_archive(Path(tmp))
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # fresh settings: no remembered window state
        times: list[float] = []
        for _ in range(args.runs):
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "bench.gui_startup", "--child", str(archive)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(MARK):
                    times.append(time.perf_counter() - started)
                    break
            process.wait(timeout=60)
        if not times:
            raise SystemExit("the GUI never painted its post list")
        print(
            f"start-up to the first painted post list ({archive.name}), {len(times)} runs: "
            f"median {statistics.median(times):.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s; "
            f"target < 1.5 s: {'met' if statistics.median(times) < 1.5 else 'NOT met'} "
            f"(load average {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
