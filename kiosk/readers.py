"""Where cards come from: the PC/SC readers of a real kiosk, or the built-in virtual card.

A :class:`ReaderBackend` reports readers and cards coming and going as
:class:`cardreader.transport.monitor.CardEvent` values, delivered in order from a background
thread (never the caller's), and reads a card in a blocking call that the application runs off
its GUI thread. Two backends:

* :class:`PcscBackend`: the PC/SC service (``cardreader.transport.monitor.CardMonitor`` for the
  events, ``cardreader.reading.read_from_reader`` for the read).
* :class:`VirtualBackend`: the chip emulator of the demo card, in process, over a link with a
  realistic per-APDU latency and bit rate so the progress a screen shows is visible.
  :meth:`VirtualBackend.place`, :meth:`~VirtualBackend.remove`, :meth:`~VirtualBackend.unplug`
  and :meth:`~VirtualBackend.replug` emit the same events as PC/SC does, and a card removed (or a
  reader unplugged) during a read makes that read fail exactly as a real one does
  (``CardRemovedError`` / ``ReaderGoneError``).

No Qt here: the controller in ``ui/`` turns the events into signals.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from cardreader.access import ChipKeys
from cardreader.access_keys import AccessKeys
from cardreader.bac import BacKey
from cardreader.emulator.chip import ChipConfig
from cardreader.emulator.vpcd import LinkModel
from cardreader.errors import (
    CardReaderError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    ReaderGoneError,
)
from cardreader.lds.files import LdsFile
from cardreader.reading import CardRead, ProgressCallback, TextReadyCallback, read_card
from cardreader.transport.monitor import CardEvent

_log = logging.getLogger("kiosk.readers")

Keys = BacKey | AccessKeys | ChipKeys
EventHandler = Callable[[CardEvent], None]

#: The virtual reader's name (stable: screens and tests may show or match it).
VIRTUAL_READER = "Đầu đọc ảo (demo) / Virtual reader (demo)"
#: A contactless reader with an ID card: about 3 ms per command and 424 kbit/s on the air.
#: The demo card's ~18 KB face then takes most of a second, so progress is visible.
DEMO_LINK = LinkModel(latency=0.003, link_bps=424_000)


@runtime_checkable
class ReaderBackend(Protocol):
    """Readers, card events and blocking reads (see the module docstring)."""

    @property
    def name(self) -> str: ...

    def start(self, on_event: EventHandler) -> None:
        """Start watching; ``on_event`` is called from a background thread, in order."""

    def stop(self) -> None:
        """Stop watching (idempotent); no event is delivered after it returns."""

    def readers(self) -> list[str]:
        """Reader names present now."""

    def card_present(self, reader: str) -> bool:
        """Whether a card is on ``reader`` now (as last seen)."""

    def read(
        self,
        reader: str | None,
        keys: Keys,
        *,
        skip_face: bool = False,
        on_progress: ProgressCallback | None = None,
        on_text_ready: TextReadyCallback | None = None,
    ) -> CardRead:
        """Open and read the card on ``reader`` (None: the first with a card); blocking."""


class _Dispatcher:
    """Delivers events in order on one background thread."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.Queue[CardEvent | None] = queue.Queue()
        self._handler: EventHandler | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, handler: EventHandler) -> None:
        with self._lock:
            self._handler = handler
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def post(self, event: CardEvent) -> None:
        self._queue.put(event)

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._handler = None
        if thread is not None:
            self._queue.put(None)
            if thread is not threading.current_thread():
                thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                return
            handler = self._handler
            if handler is None:
                continue
            try:
                handler(event)
            except Exception:  # a broken handler must not stop the events
                _log.exception("card event handler failed (%s)", event.kind)


# --- PC/SC ---------------------------------------------------------------------------------


class PcscBackend:
    """The host's PC/SC readers (pcscd on Linux, WinSCard on Windows)."""

    name = "pcsc"

    def __init__(
        self, *, poll_ms: int = 300, settle_s: float = 0.15, connect_grace_s: float = 1.5
    ) -> None:
        self.poll_ms = poll_ms
        self.settle_s = settle_s
        self.connect_grace_s = connect_grace_s
        self._arrived: dict[str, float] = {}
        self._monitor: object | None = None
        self._known: set[str] = set()
        self._present: dict[str, bool] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._dispatch = _Dispatcher("pcsc-events")

    def start(self, on_event: EventHandler) -> None:
        self._dispatch.start(on_event)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-monitor", daemon=True)
        self._thread.start()

    def _emit(self, event: CardEvent) -> None:
        with self._lock:
            if event.kind == "reader_added":
                self._known.add(event.reader)
                self._present.setdefault(event.reader, False)
            elif event.kind == "reader_removed":
                self._known.discard(event.reader)
                self._present.pop(event.reader, None)
                self._arrived.pop(event.reader, None)
            elif event.kind == "card_inserted":
                self._present[event.reader] = True
                self._arrived[event.reader] = time.monotonic()
            else:
                self._present[event.reader] = False
                self._arrived.pop(event.reader, None)
        self._dispatch.post(event)

    def _run(self) -> None:
        from cardreader.transport.monitor import CardMonitor

        monitor: CardMonitor | None = None
        while not self._stop.is_set():
            if monitor is None:
                try:
                    monitor = CardMonitor()
                except CardReaderError as exc:  # no PC/SC service yet: keep trying
                    _log.info("PC/SC unavailable (%s); retrying", exc.code)
                    self._stop.wait(1.0)
                    continue
                self._monitor = monitor
            try:
                events = monitor.poll(self.poll_ms)
            except CardReaderError as exc:
                if self._stop.is_set():
                    break  # stop() cancelled the wait
                # The service went away: every reader is gone; start over with a new context.
                _log.info("PC/SC monitor failed (%s)", exc.code)
                for reader in sorted(self._known):
                    if self._present.get(reader):
                        self._emit(CardEvent("card_removed", reader))
                    self._emit(CardEvent("reader_removed", reader))
                with contextlib.suppress(Exception):
                    monitor.close()
                monitor = None
                self._monitor = None
                self._stop.wait(1.0)
                continue
            seen = set(monitor.cards())
            announced = {e.reader for e in events if e.kind == "reader_added"}
            # Readers present at start-up (or found without a PnP event) are announced too.
            for reader in sorted(seen - self._known - announced):
                self._emit(CardEvent("reader_added", reader))
            for event in events:
                if event.kind == "reader_added" and event.reader in self._known:
                    continue
                if event.kind == "reader_removed" and event.reader not in self._known:
                    continue
                self._emit(event)
        if monitor is not None:
            with contextlib.suppress(Exception):
                monitor.close()
        self._monitor = None

    def stop(self) -> None:
        self._stop.set()
        monitor = self._monitor
        if monitor is not None:
            with contextlib.suppress(Exception):
                monitor._ctx.cancel()  # type: ignore[attr-defined]  # wake the status wait
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._dispatch.stop()

    def readers(self) -> list[str]:
        with self._lock:
            return sorted(self._known)

    def card_present(self, reader: str) -> bool:
        with self._lock:
            return self._present.get(reader, False)

    def read(
        self,
        reader: str | None,
        keys: Keys,
        *,
        skip_face: bool = False,
        on_progress: ProgressCallback | None = None,
        on_text_ready: TextReadyCallback | None = None,
    ) -> CardRead:
        from cardreader.reading import read_from_reader

        # Right after "card inserted" the reader may still be powering the card up (pcscd can
        # reset it once more a few ms later), or a card lifted a moment ago may still be
        # reported present. So: let a fresh card settle, and within a short window after its
        # arrival retry a read that found no card before any file was read, while the card is
        # still reported present.
        arrived = self._arrived_at(reader)
        if arrived is not None:
            wait = arrived + self.settle_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        while True:
            started = False

            def progress(f: LdsFile, done: int, total: int) -> None:
                nonlocal started
                started = True
                if on_progress is not None:
                    on_progress(f, done, total)

            try:
                result, _name, _atr = read_from_reader(
                    reader, keys, skip_face=skip_face, on_progress=progress,
                    on_text_ready=on_text_ready,
                )  # fmt: skip
            except (NoCardError, CardRemovedError):
                arrived = self._arrived_at(reader)
                present = reader is None or self.card_present(reader)
                fresh = arrived is not None and time.monotonic() < arrived + self.connect_grace_s
                if started or not (present and fresh):
                    raise
                _log.info("card not ready right after insertion; reading again")
                time.sleep(0.1)
                continue
            return result

    def _arrived_at(self, reader: str | None) -> float | None:
        with self._lock:
            if reader is None:
                return max(self._arrived.values(), default=None)
            return self._arrived.get(reader)


# --- the virtual card ----------------------------------------------------------------------


class ChipLike(Protocol):
    """What the virtual reader needs of a card: an ATR and an APDU processor."""

    @property
    def atr(self) -> bytes: ...

    def process(self, apdu: bytes) -> bytes: ...


class _VirtualTransport:
    """A transceiver into the placed chip that fails as PC/SC does when the card leaves."""

    def __init__(self, backend: VirtualBackend, chip: ChipLike, generation: int) -> None:
        self._backend = backend
        self._chip = chip
        self._generation = generation
        self.reader_name = VIRTUAL_READER
        self.atr = chip.atr

    def transmit(self, apdu: bytes) -> bytes:
        backend = self._backend
        backend._before_apdu(self._generation)
        response = self._chip.process(apdu)
        link = backend.link
        delay = link.seconds(len(apdu), len(response)) if link is not None else 0.0
        # Interruptible: a removal during the transfer fails this APDU, as on a real link.
        if delay > 0 and backend._changed.wait(delay):
            backend._check(self._generation)
        return response


class VirtualBackend:
    """The demo card in an in-process virtual reader (see the module docstring).

    ``card_dir``: the dump folder of the card :meth:`place` puts on the reader by default
    (the built-in demo card when None). ``link``: the simulated link (None: instant).
    """

    name = "virtual"

    def __init__(
        self,
        card_dir: Path | None = None,
        *,
        link: LinkModel | None = DEMO_LINK,
        config: ChipConfig | None = None,
        plugged: bool = True,
    ) -> None:
        self._card_dir = card_dir
        self.link = link
        self.config = config or ChipConfig(max_le=0xDF)
        self._lock = threading.Lock()
        self._plugged = plugged
        self._chip: ChipLike | None = None
        self._generation = 0
        self._apdus = 0
        self._remove_after: int | None = None
        self._changed = threading.Event()
        self._dispatch = _Dispatcher("virtual-reader-events")
        self._started = False
        self.reads = 0

    # -- the backend protocol ------------------------------------------------------------------

    def start(self, on_event: EventHandler) -> None:
        self._dispatch.start(on_event)
        with self._lock:
            self._started = True
            plugged, chip = self._plugged, self._chip
        if plugged:
            self._dispatch.post(CardEvent("reader_added", VIRTUAL_READER))
            if chip is not None:
                self._dispatch.post(CardEvent("card_inserted", VIRTUAL_READER, chip.atr))

    def stop(self) -> None:
        with self._lock:
            self._started = False
        self._dispatch.stop()

    def readers(self) -> list[str]:
        with self._lock:
            return [VIRTUAL_READER] if self._plugged else []

    def card_present(self, reader: str) -> bool:
        with self._lock:
            return reader == VIRTUAL_READER and self._plugged and self._chip is not None

    def read(
        self,
        reader: str | None,
        keys: Keys,
        *,
        skip_face: bool = False,
        on_progress: ProgressCallback | None = None,
        on_text_ready: TextReadyCallback | None = None,
    ) -> CardRead:
        with self._lock:
            if not self._plugged or (reader is not None and reader != VIRTUAL_READER):
                raise NoReaderError(f"reader {reader!r} is not connected")
            chip = self._chip
            if chip is None:
                raise NoCardError("no card on the reader")
            generation = self._generation
            self._apdus = 0
            self.reads += 1
        transport = _VirtualTransport(self, chip, generation)
        return read_card(
            transport, keys, skip_face=skip_face, on_progress=on_progress,
            on_text_ready=on_text_ready,
        )  # fmt: skip

    # -- what a person does with the card ---------------------------------------------------------

    @property
    def plugged(self) -> bool:
        with self._lock:
            return self._plugged

    @property
    def has_card(self) -> bool:
        with self._lock:
            return self._chip is not None

    def demo_chip(self, config: ChipConfig | None = None) -> ChipLike:
        """A fresh chip of the default card (the demo card unless ``card_dir`` was given)."""
        from cardreader.emulator.fake_card import demo_card_dir
        from cardreader.emulator.from_dump import chip_from_dump

        directory = self._card_dir or demo_card_dir()
        return chip_from_dump(directory, config or self.config)

    def place(self, chip: ChipLike | None = None, *, remove_after: int | None = None) -> bool:
        """Put a card on the reader (the demo card by default). ``remove_after``: the card is
        taken away by itself after that many APDUs of the next read (tests of a card pulled
        mid-read). False when a card is already there or the reader is unplugged."""
        card = chip if chip is not None else self.demo_chip()
        with self._lock:
            if not self._plugged or self._chip is not None:
                return False
            self._chip = card
            self._generation += 1
            self._remove_after = remove_after
            self._apdus = 0
            self._changed.clear()
            started = self._started
        if started:
            self._dispatch.post(CardEvent("card_inserted", VIRTUAL_READER, card.atr))
        return True

    def remove(self) -> bool:
        """Take the card away (a read in progress fails with CardRemovedError)."""
        with self._lock:
            if self._chip is None:
                return False
            self._chip = None
            self._generation += 1
            self._changed.set()
            started, plugged = self._started, self._plugged
        if started and plugged:
            self._dispatch.post(CardEvent("card_removed", VIRTUAL_READER))
        return True

    def unplug(self) -> bool:
        """Pull the reader's cable (the card, if any, goes with it)."""
        with self._lock:
            if not self._plugged:
                return False
            had_card = self._chip is not None
            self._chip = None
            self._plugged = False
            self._generation += 1
            self._changed.set()
            started = self._started
        if started:
            if had_card:
                self._dispatch.post(CardEvent("card_removed", VIRTUAL_READER))
            self._dispatch.post(CardEvent("reader_removed", VIRTUAL_READER))
        return True

    def replug(self) -> bool:
        """Plug the reader back in (without a card)."""
        with self._lock:
            if self._plugged:
                return False
            self._plugged = True
            self._changed.clear()
            started = self._started
        if started:
            self._dispatch.post(CardEvent("reader_added", VIRTUAL_READER))
        return True

    # -- used by the transport ---------------------------------------------------------------

    def _check(self, generation: int) -> None:
        with self._lock:
            self._check_locked(generation)

    def _check_locked(self, generation: int) -> None:
        if not self._plugged:
            raise ReaderGoneError("the reader was unplugged")
        if self._generation != generation or self._chip is None:
            raise CardRemovedError("the card was removed from the reader")

    def _before_apdu(self, generation: int) -> None:
        pulled = False
        with self._lock:
            self._check_locked(generation)
            self._apdus += 1
            if self._remove_after is not None and self._apdus > self._remove_after:
                pulled = True
        if pulled:
            self.remove()
            raise CardRemovedError("the card was removed from the reader")
