"""Workarounds for defects of the Qt binding itself, applied once when ``ui.qt`` is imported.

Each is detected by a probe at import and applied only where the defect shows, so a fixed
binding (pyproject excludes PySide6 6.12.0, where they were found) runs untouched.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal

# --- PySide6 6.12.0 on CPython 3.11: SignalInstance.emit() drops a reference to True -------------
#
# ``emit()`` returns ``True`` without a new reference, so every emit from Python lowers True's
# refcount by one; after a few thousand emits (a few reads with progress) CPython aborts with
# "Fatal Python error: bool_dealloc: deallocating True or False". (Emissions from C++, such as
# QTimer.timeout or QPushButton.clicked, are not affected; CPython 3.12+ makes True immortal.)
# Detected at import with a probe signal and compensated by adding the missing reference; with a
# fixed PySide6 the probe sees no leak and nothing is patched.


def _emit_leaks_true() -> bool:
    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.ping.emit()
    return sys.getrefcount(True) - before <= -12


def _patch_emit() -> bool:
    if sys.version_info >= (3, 12) or not _emit_leaks_true():
        return False
    signal_instance = QtCore.SignalInstance
    original = signal_instance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self: Any, *args: Any) -> Any:
        result = original(self, *args)
        if result is True or result is False:
            incref(result)  # the reference emit() should have returned
        return result

    signal_instance.emit = emit  # type: ignore[method-assign]
    return True


#: Whether the refcount workaround above was needed (and applied) in this process.
EMIT_PATCHED = _patch_emit()


# --- the same binding: every Python callable that C++ calls drops a reference to its result ---
#
# A slot (QTimer.timeout → lambda), a virtual override (QRunnable.run, timerEvent, paintEvent,
# customEvent…) or a QTimer.singleShot callback that returns None lowers None's refcount by one
# per call (and a bool result True's or False's). None starts with a few thousand references, so
# an application that repaints and ticks would abort within hours ("none_dealloc"). Those calls
# cannot be intercepted one by one; instead, as CPython 3.12 does (PEP 683), the three
# singletons are made practically immortal: their refcount is raised by 2**50, which no drain of
# one per call can exhaust. Only on CPython < 3.12 when a probe (QRunnable.run overrides on a
# thread pool, no QApplication needed) shows the leak, and only after checking that the refcount
# field is where CPython 3.11 keeps it.

IMMORTAL_MARGIN = 1 << 50


def _callbacks_leak_none() -> bool:
    class _Probe(QtCore.QRunnable):
        def run(self) -> None:
            return None

    pool = QtCore.QThreadPool()
    for _ in range(2):  # the first round also pays one-off references (caches, the threads)
        before = sys.getrefcount(None)
        for _ in range(64):
            pool.start(_Probe())
        pool.waitForDone()
        drained = before - sys.getrefcount(None)
    return drained >= 48


def _immortalize_singletons() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if hasattr(sys, "getobjects"):  # a Py_TRACE_REFS build: another object layout
        return False
    if not _callbacks_leak_none():
        return False
    for singleton in (None, True, False):
        field = ctypes.c_ssize_t.from_address(id(singleton))
        # getrefcount() counts its own argument; allow for other threads moving it meanwhile.
        if abs(field.value - (sys.getrefcount(singleton) - 1)) > 64:
            return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += IMMORTAL_MARGIN
    return True


#: Whether None, True and False were made immortal in this process (see above).
SINGLETONS_IMMORTAL = _immortalize_singletons()
