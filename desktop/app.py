"""The GUI entry point: `threadbook-gui [ARCHIVE]` opens the archive (or the default one) in the main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.mainwindow import APPLICATION, ORGANIZATION, MainWindow, icon
from desktop.tasks import default_db_path
from storage.records import THREADBOOK_VERSION


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="threadbook-gui", description="Browse and grow a Threadbook archive.")
    parser.add_argument(
        "archive", nargs="?", type=Path, help="the archive file (default: $THREADBOOK_DB or the user data dir)"
    )
    parser.add_argument("--version", action="version", version=f"threadbook {THREADBOOK_VERSION}")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the GUI until its window closes; returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(THREADBOOK_VERSION)
    app.setWindowIcon(icon("threadbook"))
    path: Path = args.archive if args.archive is not None else default_db_path()
    window = MainWindow(path.expanduser())  # a file that can't be opened is reported in the window
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
