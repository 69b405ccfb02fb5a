"""Every Qt import of the application goes through this module (one place to pin the binding).

    from ui.qt import QtCore, QtGui, QtWidgets, Signal, Slot

Only ``ui/`` imports this; ``cardreader/`` and ``kiosk/`` never import Qt.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtPdf, QtPrintSupport, QtWidgets
from PySide6.QtCore import Property, QObject, Qt, QThread, QTimer, Signal, Slot

__all__ = [
    "Property",
    "QObject",
    "QThread",
    "QTimer",
    "Qt",
    "QtCore",
    "QtGui",
    "QtPdf",
    "QtPrintSupport",
    "QtWidgets",
    "Signal",
    "Slot",
]
