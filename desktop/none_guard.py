"""A guard against a reference-counting bug of PySide6 6.12.0 on Python 3.11 that aborts long sessions.

Measured here (PySide6/shiboken6 6.12.0, CPython 3.11.7): every Python call of a Qt method that returns nothing
(`QLabel.setText`, `QApplication.processEvents`, `show`, ...) lowers `None`'s reference count by one, and
`QEventLoop.exec` by two. `None` starts a GUI session with about 46,000 references, so after some tens of thousands of
such calls (a long capture's progress updates, a test run's waits) the interpreter frees `None` and aborts with
"Fatal Python error: none_dealloc" (exit code 134, no traceback). PySide6 6.11.3 does not have the bug (0 per call),
and from Python 3.12 `None` is immortal, so its count no longer matters.

`keep_none_alive()` gives `None` the immortality Python 3.12 gives it: it raises the count by 2**40 once, which no
session can use up (a million calls a second would take twelve days to spend 2**40). It writes the count field of
the `None` object directly: `ob_refcnt` is the first field of every CPython object (`Py_ssize_t`), stable since 2.x.
It does nothing on Python 3.12 and newer or on other interpreters.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_BOOST = 1 << 40
_done = False


def keep_none_alive() -> bool:
    """Make `None` effectively immortal on CPython < 3.12 (once per process); return True when the count was raised."""
    global _done
    if _done or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value += _BOOST
    _done = True
    return True
