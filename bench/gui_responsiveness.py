"""Benchmark: how late a 10 ms QTimer fires in the main window while a capture and a PDF export run on workers.

Run: QT_QPA_PLATFORM=offscreen python -m bench.gui_responsiveness [--rounds N]
Each round captures the bundled sample blog from a loopback server into a fresh archive (delay 0) while a
series PDF is exported from a second archive; the lists refresh live as posts arrive, as in real use.
Target (issue 5): no stall over 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop import exports, tasks  # noqa: E402
from desktop.mainwindow import MainWindow  # noqa: E402
from desktop.sampleserver import SampleBlogServer  # noqa: E402
from desktop.workers import Job, Lane  # noqa: E402


def wait_for(*signals: object) -> None:
    loop = QEventLoop()
    pending = {id(s) for s in signals}

    def one(key: int) -> None:
        pending.discard(key)
        if not pending:
            loop.quit()

    for signal in signals:
        key = id(signal)
        signal.connect(lambda *_a, key=key: one(key))  # type: ignore[attr-defined]
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="tb-resp-"))
    source = folder / "source.sqlite"
    lateness: list[int] = []
    with SampleBlogServer() as server:
        tasks.archive_blog(server.url, db_path=source, settings=tasks.ArchiveSettings(delay=0.0))
        for round_number in range(args.rounds):
            settings = QSettings(str(folder / f"s{round_number}.ini"), QSettings.Format.IniFormat)
            window = MainWindow(None, settings=settings)
            window.show()
            opened = QEventLoop()
            window.archive_opened.connect(opened.quit)
            window.open_archive_file(folder / f"capture{round_number}.sqlite")
            opened.exec()
            clock = QElapsedTimer()
            last = [0]

            def tick(clock: QElapsedTimer = clock, last: list[int] = last) -> None:
                now = clock.elapsed()
                lateness.append(now - last[0] - 10)
                last[0] = now

            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(tick)
            out = folder / f"export{round_number}.pdf"
            export = Job(
                lambda out=out, **_: exports.export_series_pdf(db_path=source, series="Guest Week", out_path=out),
                title="export",
            )
            clock.start()
            timer.start()
            window.add_blog(server.url, settings=tasks.ArchiveSettings(delay=0.0))
            window.runner.start(export, lane=Lane.BACKGROUND)
            wait_for(window.job_ended, export.signals.finished)
            timer.stop()
            window.close()
    lateness.sort()
    print(f"{args.rounds} rounds, {len(lateness):,} ticks of a 10 ms timer during capture + export")
    print(
        f"lateness: median {statistics.median(lateness):.0f} ms, p95 {lateness[int(len(lateness) * 0.95)]} ms, "
        f"p99 {lateness[int(len(lateness) * 0.99)]} ms, worst {lateness[-1]} ms; "
        f"ticks over 50 ms late: {sum(1 for x in lateness if x > 50)}"
    )


if __name__ == "__main__":
    main()
