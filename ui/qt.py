"""Every Qt import of the application goes through this module (one place to pin the binding).

    from ui.qt import QtCore, QtGui, QtWidgets, Signal, Slot

Only ``ui/`` imports this; ``cardreader/`` and ``kiosk/`` never import Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtPdf, QtPrintSupport, QtWidgets
from PySide6.QtCore import Property, QObject, Qt, QThread, QTimer, Signal, Slot

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech


def load_text_to_speech() -> type[QTextToSpeech]:
    """QtTextToSpeech's engine class, imported on first use only (ui/speech.py): importing it
    loads QtMultimedia, which costs ~15 ms and logs PipeWire warnings on every start."""
    from PySide6.QtTextToSpeech import QTextToSpeech

    return QTextToSpeech


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
    "load_text_to_speech",
]

# Defects of the binding itself (PySide6 6.12.0 refcounts), fixed before anything else runs.
import ui.pyside_workarounds  # noqa: E402, F401
