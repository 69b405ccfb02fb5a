"""Long work off the GUI thread, results back on it (the Anki ``operations`` pattern).

:class:`Worker` runs a function on its own ``QThreadPool``; the function gets a ``report``
callable for intermediate values (read progress, the text groups). Its result, its exception
and every reported value reach the GUI thread through queued signals and are handed to the
callbacks given to :meth:`Worker.run` there, so callbacks may touch widgets; the function itself
never may. :class:`Bridge` does the same for callbacks that other libraries call from their
own threads (card events, connectivity changes, outbox changes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ui.qt import QObject, QtCore, Signal

Report = Callable[[object], None]


class _JobSignals(QObject):
    reported = Signal(object)
    finished = Signal(object)
    errored = Signal(object)


class _Job(QtCore.QRunnable):
    def __init__(self, fn: Callable[[Report], object], signals: _JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        signals = self._signals
        try:
            result = self._fn(signals.reported.emit)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            signals.errored.emit(exc)
        else:
            signals.finished.emit(result)


class Worker(QObject):
    """Runs jobs on a private thread pool (``max_threads`` at once)."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QtCore.QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._live: set[_JobSignals] = set()
        self._lock = threading.Lock()

    def run(
        self,
        fn: Callable[[Report], object],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_report: Callable[[Any], None] | None = None,
    ) -> None:
        """Run ``fn(report)`` on a pool thread; callbacks run later on this object's thread."""
        signals = _JobSignals()  # created here: lives in the GUI thread, so emits are queued
        self._live.add(signals)

        def done(result: object) -> None:
            self._live.discard(signals)
            on_done(result)

        def error(exc: object) -> None:
            self._live.discard(signals)
            assert isinstance(exc, BaseException)
            on_error(exc)

        signals.finished.connect(done, QtCore.Qt.ConnectionType.QueuedConnection)
        signals.errored.connect(error, QtCore.Qt.ConnectionType.QueuedConnection)
        if on_report is not None:
            signals.reported.connect(on_report, QtCore.Qt.ConnectionType.QueuedConnection)
        self._pool.start(_Job(fn, signals))

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for the running jobs (shutdown); their callbacks still arrive by events."""
        return bool(self._pool.waitForDone(timeout_ms))


class Bridge(QObject):
    """``post(value)`` from any thread; ``handler(value)`` runs on this object's thread."""

    _posted = Signal(object)

    def __init__(self, handler: Callable[[Any], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler
        self._posted.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    def post(self, value: object) -> None:
        self._posted.emit(value)

    def _deliver(self, value: object) -> None:
        # An exception here is reported by Qt (and fails a pytest-qt test); the stream goes on.
        self._handler(value)
