"""Watch PC/SC readers for cards arriving and leaving, and readers coming and going.

:class:`CardMonitor` wraps SCardGetStatusChange. ``poll(timeout_ms)`` returns the events seen
(usable synchronously, as the tests do); ``start()`` runs it in a thread calling ``on_event``.
The pcsc-lite "\\\\?PnP?\\Notification" pseudo reader reports readers being plugged in and out.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cardreader.errors import CardReaderError, ReaderGoneError
from cardreader.transport.pcsc import PcscContext, scard

PNP = "\\\\?PnP?\\Notification"

EventKind = Literal["reader_added", "reader_removed", "card_inserted", "card_removed"]


@dataclass(frozen=True, slots=True)
class CardEvent:
    kind: EventKind
    reader: str
    atr: bytes = b""


class CardMonitor:
    def __init__(
        self,
        on_event: Callable[[CardEvent], None] | None = None,
        *,
        on_error: Callable[[CardReaderError], None] | None = None,
    ) -> None:
        self.on_event = on_event
        self.on_error = on_error
        self._ctx = PcscContext()
        self._states: dict[str, int] = {}
        self._present: dict[str, bool] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._primed = False

    def _refresh_readers(self, events: list[CardEvent]) -> None:
        names = set(self._ctx.readers())
        for gone in set(self._present) - names:
            if self._present.pop(gone):
                events.append(CardEvent("card_removed", gone))
            self._states.pop(gone, None)
            events.append(CardEvent("reader_removed", gone))
        for new in names - set(self._present):
            self._present[new] = False
            self._states[new] = scard.SCARD_STATE_UNAWARE
            if self._primed:
                events.append(CardEvent("reader_added", new))

    def poll(self, timeout_ms: int = 500) -> list[CardEvent]:
        """Wait up to ``timeout_ms`` for a change; return the events (maybe none)."""
        events: list[CardEvent] = []
        if not self._primed:
            self._refresh_readers(events)
            timeout_ms = 0
        query = dict(self._states)
        query[PNP] = self._states.get(PNP, scard.SCARD_STATE_UNAWARE)
        try:
            result = self._ctx.wait_status(query, timeout_ms)
        except ReaderGoneError:
            self._refresh_readers(events)
            return events
        if result.get(PNP, (0, b""))[0] & scard.SCARD_STATE_CHANGED:
            self._refresh_readers(events)
        self._states[PNP] = result.get(PNP, (0, b""))[0] & ~scard.SCARD_STATE_CHANGED
        for name, (state, atr) in result.items():
            if name == PNP or name not in self._present:
                continue
            self._states[name] = state & ~scard.SCARD_STATE_CHANGED
            present = bool(state & scard.SCARD_STATE_PRESENT)
            if present != self._present[name]:
                self._present[name] = present
                events.append(
                    CardEvent("card_inserted", name, atr)
                    if present
                    else CardEvent("card_removed", name)
                )
        self._primed = True
        return events

    def cards(self) -> dict[str, bool]:
        """Reader name -> card present, as last seen."""
        return dict(self._present)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                events = self.poll(500)
            except CardReaderError as exc:
                if self.on_error is not None:
                    self.on_error(exc)
                self._stop.wait(1.0)
                continue
            if self.on_event is not None:
                for event in events:
                    self.on_event(event)

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(Exception):
            self._ctx.cancel()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def close(self) -> None:
        self.stop()
        self._ctx.release()
