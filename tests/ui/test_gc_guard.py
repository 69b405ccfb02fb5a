"""Cycles holding Qt objects are collected on the GUI thread, never on a worker's."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from ui.gc_guard import GarbageCollector
from ui.qt import QObject, Qt, QtWidgets


@pytest.fixture
def collector(qapp: QtWidgets.QApplication) -> Iterator[GarbageCollector]:
    was_enabled = gc.isenabled()
    gc.enable()
    guard = GarbageCollector(interval_ms=20)
    yield guard
    guard.stop()
    guard.deleteLater()
    if not was_enabled:
        gc.disable()


class _Cycle:
    def __init__(self, destroyed_in: list[int]) -> None:
        self.me = self
        self.obj = QObject()
        # Direct: record the thread that runs the destructor (a lambda's default connection is
        # queued to the GUI thread when another thread emits).
        self.obj.destroyed.connect(
            lambda *_: destroyed_in.append(threading.get_ident()),
            Qt.ConnectionType.DirectConnection,
        )


def test_automatic_collection_is_off_while_the_guard_lives(collector: GarbageCollector) -> None:
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()


def test_a_cycle_dropped_while_a_worker_allocates_dies_on_the_gui_thread(
    qtbot: QtBot, collector: GarbageCollector
) -> None:
    destroyed_in: list[int] = []
    kept: list[object] = []
    gc.collect()
    _Cycle(destroyed_in)  # unreachable at once, but only the collector can free it

    def allocate() -> None:  # far past generation 0's threshold: CPython would collect here
        kept.append([[i] for i in range(200_000)])

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert destroyed_in == []  # the worker's allocations collected nothing
    qtbot.waitUntil(lambda: bool(destroyed_in), timeout=5000)
    assert destroyed_in == [threading.get_ident()]


def test_without_the_guard_a_worker_would_have_collected_it(qapp: QtWidgets.QApplication) -> None:
    """The hazard is real: with CPython's own collector, the worker thread frees the cycle."""
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        gc.collect()
        destroyed_in: list[int] = []
        _Cycle(destroyed_in)

        def allocate() -> None:
            kept = [[i] for i in range(200_000)]
            del kept

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert destroyed_in and destroyed_in[0] == worker.ident
    finally:
        if not was_enabled:
            gc.disable()
