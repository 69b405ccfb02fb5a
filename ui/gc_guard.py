"""Python's cyclic garbage collector, run on the GUI thread only.

CPython collects cycles in whichever thread happens to allocate past the threshold: a card
read, the sync worker or the intake server's threads. A cycle holding a widget or another
QObject of the GUI thread would then be destroyed from that thread, which Qt does not allow
and which crashes at random (seen as a segfault "Garbage-collecting" in a long UI test run).
The automatic collector is turned off and a timer on the GUI thread collects instead, with the
same thresholds, so every Qt object dies on its own thread. (PyQt's and qutebrowser's advice.)
"""

from __future__ import annotations

import gc

from ui.qt import QObject, QtCore, QTimer

INTERVAL_MS = 500  # young cycles wait at most this long
FULL_INTERVAL_MS = 10_000  # a full collection at least this often when anything is pending


class GarbageCollector(QObject):
    """Disables automatic collection while alive; collects from a GUI-thread timer."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._since_full_ms = 0
        self._interval_ms = interval_ms
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the generations past their thresholds (as CPython would); the count found."""
        self._since_full_ms += self._interval_ms
        count0, count1, count2 = gc.get_count()
        t0, t1, t2 = self._threshold
        generation = -1
        if count0 > t0:
            generation = 0
            if count1 > t1:
                generation = 1
                if count2 > t2:
                    generation = 2
        if self._since_full_ms >= FULL_INTERVAL_MS and (count0 or count1 or count2):
            generation = 2
        if generation < 0:
            return 0
        if generation == 2:
            self._since_full_ms = 0
        return gc.collect(generation)

    def stop(self) -> None:
        """Give collection back to CPython (a last collection here first)."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def install(app: QtCore.QCoreApplication) -> GarbageCollector:
    """Collect on ``app``'s thread for as long as the application lives."""
    collector = GarbageCollector(app)
    app.aboutToQuit.connect(collector.stop)
    return collector
