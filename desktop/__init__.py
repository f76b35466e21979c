"""The front ends: the Qt GUI, the command line, and the Qt-free tasks both run."""

from desktop.none_guard import keep_none_alive

# Before any Qt module is used: PySide6 6.12.0 leaks references to None on Python 3.11 (see desktop/none_guard.py).
keep_none_alive()
