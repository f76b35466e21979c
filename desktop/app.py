"""The GUI entry point: `threadbook-gui [ARCHIVE]` opens the archive (or the default one) in the main window."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.mainwindow import APPLICATION, ORGANIZATION, MainWindow, icon
from desktop.tasks import default_db_path
from storage.records import THREADBOOK_VERSION


def apply_dark_palette(app: QApplication) -> None:
    """Fusion with a dark palette: what a dark desktop gives us, and how the screenshots check dark mode."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#e6e6e6"),
        (roles.Base, "#1e1e1e"),
        (roles.AlternateBase, "#262626"),
        (roles.ToolTipBase, "#3a3a3a"),
        (roles.ToolTipText, "#f0f0f0"),
        (roles.Text, "#e6e6e6"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#e6e6e6"),
        (roles.BrightText, "#ff6b6b"),
        (roles.Link, "#6fb3ff"),
        (roles.Highlight, "#2f65ca"),
        (roles.HighlightedText, "#ffffff"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Mid, "#444444"),
        (roles.Dark, "#1a1a1a"),
    ):
        palette.setColor(role, QColor(color))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#808080"))
    app.setPalette(palette)


def freeze_startup_objects() -> None:
    """Exempt everything alive once the window is built (modules, classes, Qt wrappers) from garbage collection.

    CPython's full collections walk every tracked object; with PySide6, reportlab and lxml loaded that took up to
    ~100 ms on the GUI thread, at whatever moment the heap had grown by a quarter (bench/gui_archive.py: opening a
    1,000-comment thread after scrolling 20,000 posts). These objects live as long as the app anyway. No
    collection first: that would itself stall start-up for as long, and freezing is instant.
    """
    gc.freeze()


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="threadbook-gui", description="Browse and grow a Threadbook archive.")
    parser.add_argument(
        "archive", nargs="?", type=Path, help="the archive file (default: $THREADBOOK_DB or the user data dir)"
    )
    parser.add_argument("--version", action="version", version=f"threadbook {THREADBOOK_VERSION}")
    parser.add_argument("--dark", action="store_true", help="use a dark palette (Fusion style)")
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
    app.setDesktopFileName("threadbook")  # matches resources/threadbook.desktop (Wayland/X11 task bars)
    if args.dark:
        apply_dark_palette(app)
    path: Path = args.archive if args.archive is not None else default_db_path()
    window = MainWindow(path.expanduser())  # a file that can't be opened is reported in the window
    window.show()
    freeze_startup_objects()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
