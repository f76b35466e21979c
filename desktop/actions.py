"""The main window's actions, menus and toolbar, and the About box."""

from __future__ import annotations

import platform
import sqlite3
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMessageBox, QSizePolicy, QToolBar, QWidget

from resources import ICONS_DIR
from storage.records import THREADBOOK_VERSION

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow


def icon(name: str) -> QIcon:
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def versions_text() -> str:
    """The versions the About box lists (and a bug report needs)."""
    return (
        f"Threadbook {THREADBOOK_VERSION}\n"
        f"Qt {qVersion()} (PySide6 {PySide6.__version__})\n"
        f"Python {platform.python_version()}\n"
        f"SQLite {sqlite3.sqlite_version}\n"
        f"{platform.system()} {platform.release()}"
    )


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle("About Threadbook")
    box.setIconPixmap(icon("threadbook").pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        "Threadbook archives blog posts with their whole comment threads, "
        "and binds series of them into PDF anthologies."
    )
    box.setInformativeText(versions_text())
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def _action(window: MainWindow, text: str, slot: object, *, shortcut: object = None, icon_name: str = "") -> QAction:
    action = QAction(icon(icon_name) if icon_name else QIcon(), text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
    action.triggered.connect(slot)  # type: ignore[arg-type]
    return action


def build_actions(window: MainWindow) -> None:
    """Create the window's actions, menus and toolbar (the search field lives in the toolbar)."""
    w = window
    w.add_blog_action = _action(
        w, "&Add blog…", lambda: w.show_add_blog_dialog(), shortcut="Ctrl+N", icon_name="add-blog"
    )
    w.add_blog_action.setStatusTip("Archive a blog with all its posts and comment threads")
    w.open_action = _action(
        w, "&Open archive…", w.choose_archive_file, shortcut=QKeySequence.StandardKey.Open, icon_name="open-archive"
    )
    w.update_action = _action(w, "&Update", w.update_current, shortcut="F5", icon_name="refresh")
    w.update_action.setStatusTip("Re-capture the selected blog (or post) incrementally: only what is new or changed")
    w.update_all_action = _action(w, "Update &all blogs", lambda: w.update_blogs(None), shortcut="Shift+F5")
    w.watch_action = _action(w, "&Watch this blog…", w.toggle_watch)
    w.refresh_action = _action(w, "&Reload lists", lambda: w.refresh(), shortcut="Ctrl+R")
    w.export_action = _action(w, "&Export…", w.show_export_dialog, shortcut="Ctrl+E")
    w.provenance_action = _action(w, "&Provenance of this post…", w.show_provenance, shortcut="Ctrl+I")
    w.history_action = _action(w, "&History of this post…", w.show_history, shortcut="Ctrl+H")
    w.history_action.setStatusTip("Every capture of the post, and what changed between two of them")
    w.capture_series_action = _action(w, "&Capture this series…", lambda: w.show_series_capture_dialog())
    w.capture_series_action.setStatusTip("Find every part of a series from one post's address and capture them all")
    w.add_to_anthology_action = _action(w, "Add to &anthology…", w.add_selected_to_anthology)
    w.add_to_anthology_action.setStatusTip("Add the selected posts to an anthology (or a new one)")
    w.settings_action = _action(w, "&Settings…", w.show_settings, shortcut=QKeySequence.StandardKey.Preferences)
    w.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    w.quit_action = _action(w, "&Quit", w.close, shortcut=QKeySequence.StandardKey.Quit)
    w.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    w.expand_action = _action(w, "&Expand all comments", w.reader.thread_view.expand_all)
    w.collapse_action = _action(w, "&Collapse all comments", w.reader.thread_view.collapse_all)
    w.find_action = _action(w, "&Find…", w.focus_search, shortcut=QKeySequence.StandardKey.Find)
    w.about_action = _action(w, "&About Threadbook", lambda: show_about(w))
    w.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    menu_bar = w.menuBar()
    menu_bar.clear()
    file_menu = menu_bar.addMenu("&File")
    file_menu.addAction(w.add_blog_action)
    file_menu.addAction(w.open_action)
    w.recent_menu = file_menu.addMenu("Recent archives")
    file_menu.addSeparator()
    file_menu.addAction(w.export_action)
    file_menu.addSeparator()
    file_menu.addAction(w.settings_action)
    file_menu.addAction(w.quit_action)
    edit_menu = menu_bar.addMenu("&Edit")
    edit_menu.addAction(w.find_action)
    blog_menu = menu_bar.addMenu("&Blog")
    blog_menu.addAction(w.update_action)
    blog_menu.addAction(w.update_all_action)
    blog_menu.addAction(w.watch_action)
    blog_menu.addSeparator()
    blog_menu.addAction(w.capture_series_action)
    blog_menu.addAction(w.add_to_anthology_action)
    blog_menu.addSeparator()
    blog_menu.addAction(w.provenance_action)
    blog_menu.addAction(w.history_action)
    view_menu = menu_bar.addMenu("&View")
    view_menu.addAction(w.refresh_action)
    view_menu.addAction(w.jobs_panel.toggleViewAction())
    view_menu.addSeparator()
    view_menu.addAction(w.expand_action)
    view_menu.addAction(w.collapse_action)
    help_menu = menu_bar.addMenu("&Help")
    help_menu.addAction(w.about_action)

    toolbar = QToolBar("Main")
    toolbar.setObjectName("main-toolbar")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(20, 20))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addAction(w.add_blog_action)
    toolbar.addAction(w.update_action)
    toolbar.addAction(w.export_action)
    toolbar.addAction(w.open_action)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    w.search_edit = QLineEdit()
    w.search_edit.setPlaceholderText("Search posts and comments (Ctrl+F)")
    w.search_edit.setClearButtonEnabled(True)
    w.search_edit.setFixedWidth(300)
    toolbar.addWidget(w.search_edit)
    w.addToolBar(toolbar)
    w.addAction(w.find_action)
