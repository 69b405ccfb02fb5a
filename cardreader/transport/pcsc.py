"""PC/SC transport over pyscard's low-level ``smartcard.scard`` API.

The low-level API is used directly (not pyscard's object layer) because it is what the read
path needs (a transmit per APDU, nothing else) and it keeps host CPU per APDU small. Every
PC/SC return code is turned into a typed error: NoReaderError, ReaderGoneError, NoCardError,
CardRemovedError, or TransportError naming the code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from cardreader.errors import (
    CardRemovedError,
    NoCardError,
    NoReaderError,
    ReaderGoneError,
    TransportError,
)

try:
    from smartcard import scard as _scard
except ImportError:  # pragma: no cover - pyscard is a hard dependency, but say it clearly
    _scard = None

scard: Any = _scard


def _require_scard() -> Any:
    if scard is None:
        raise TransportError("pyscard is not installed: PC/SC readers are unavailable")
    return scard


def _error(hresult: int, what: str) -> TransportError:
    s = _require_scard()
    text = s.SCardGetErrorMessage(hresult)
    if hresult in (s.SCARD_W_REMOVED_CARD, s.SCARD_W_RESET_CARD, s.SCARD_E_NOT_TRANSACTED):
        return CardRemovedError(f"{what}: the card was removed or reset ({text})")
    if hresult in (s.SCARD_E_NO_SMARTCARD, s.SCARD_W_UNPOWERED_CARD, s.SCARD_W_UNRESPONSIVE_CARD):
        return NoCardError(f"{what}: no card on the reader ({text})")
    if hresult in (s.SCARD_E_READER_UNAVAILABLE, s.SCARD_E_UNKNOWN_READER):
        return ReaderGoneError(f"{what}: the reader is gone ({text})")
    if hresult in (s.SCARD_E_NO_SERVICE, s.SCARD_E_SERVICE_STOPPED):
        return ReaderGoneError(f"{what}: the PC/SC service is not running ({text})")
    if hresult == s.SCARD_E_NO_READERS_AVAILABLE:
        return NoReaderError(f"{what}: no reader connected ({text})")
    return TransportError(f"{what}: PC/SC error 0x{hresult & 0xFFFFFFFF:08X} ({text})")


class PcscContext:
    """An established PC/SC context. Use as a context manager or call release()."""

    def __init__(self) -> None:
        s = _require_scard()
        hresult, self.handle = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        if hresult != s.SCARD_S_SUCCESS:
            raise _error(hresult, "connecting to the PC/SC service")
        self._lock = threading.Lock()

    def readers(self) -> list[str]:
        s = scard
        hresult, names = s.SCardListReaders(self.handle, [])
        if hresult in (s.SCARD_E_NO_READERS_AVAILABLE,):
            return []
        if hresult != s.SCARD_S_SUCCESS:
            raise _error(hresult, "listing readers")
        return list(names)

    def card_present(self, reader: str) -> bool:
        states = self.wait_status({reader: scard.SCARD_STATE_UNAWARE}, timeout_ms=0)
        return bool(states[reader][0] & scard.SCARD_STATE_PRESENT)

    def wait_status(self, known: dict[str, int], timeout_ms: int) -> dict[str, tuple[int, bytes]]:
        """SCardGetStatusChange: waits until a state differs from ``known`` or the timeout.

        Returns reader -> (event state, ATR). A timeout returns the unchanged states.
        """
        s = scard
        query = [(name, state) for name, state in known.items()]
        hresult, states = s.SCardGetStatusChange(self.handle, timeout_ms, query)
        if hresult == s.SCARD_E_TIMEOUT:
            return {name: (state & ~s.SCARD_STATE_CHANGED, b"") for name, state in known.items()}
        if hresult != s.SCARD_S_SUCCESS:
            raise _error(hresult, "waiting for a card")
        return {name: (event, bytes(atr)) for name, _, event, atr in _normalise(states)}

    def cancel(self) -> None:
        scard.SCardCancel(self.handle)

    def connect(self, reader: str) -> PcscConnection:
        return PcscConnection(self, reader)

    def release(self) -> None:
        scard.SCardReleaseContext(self.handle)

    def __enter__(self) -> PcscContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _normalise(states: Any) -> Iterator[tuple[str, int, int, list[int]]]:
    for item in states:
        # pyscard returns (reader, eventstate, atr)
        name, event, atr = item
        yield name, 0, event, atr


class PcscConnection:
    """A card connection (T=0 or T=1, shared). ``transmit`` is the one-method transceiver."""

    def __init__(self, context: PcscContext, reader: str) -> None:
        s = scard
        self.context = context
        self.reader_name = reader
        hresult, self.handle, self.protocol = s.SCardConnect(
            context.handle, reader, s.SCARD_SHARE_SHARED, s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1
        )
        if hresult != s.SCARD_S_SUCCESS:
            raise _error(hresult, f"connecting to the card on {reader!r}")
        self._pci = s.SCARD_PCI_T1 if self.protocol == s.SCARD_PROTOCOL_T1 else s.SCARD_PCI_T0
        self.lost = False  # set when the card stopped answering
        self.atr = self._status_atr()

    def _status_atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self.handle)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _error(hresult, "reading the card status")
        return bytes(atr)

    def transmit(self, apdu: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self.handle, self._pci, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            self.lost = True
            raise _error(hresult, "sending a command to the card")
        if len(response) < 2:
            self.lost = True
            # Some drivers (vpcd among them) report success with no bytes when the card left
            # the field mid-command; there is no status word, so the exchange is lost.
            raise CardRemovedError(
                f"the card answered {len(response)} bytes and no status word: contact lost"
            )
        return bytes(response)

    def close(self, *, reset: bool = True) -> None:
        """Disconnect. By default the card is reset, which ends its secure-messaging session:
        the next reader (or another program) cannot ride on it, and starts from a clean chip."""
        # A card that left (or stopped answering) is not reset: resetting a card that is gone
        # makes some drivers (vpcd among them) miss the next insertion.
        reset = reset and not self.lost
        scard.SCardDisconnect(
            self.handle, scard.SCARD_RESET_CARD if reset else scard.SCARD_LEAVE_CARD
        )

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class ReaderInfo:
    name: str
    card_present: bool
    atr: bytes

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "card_present": self.card_present, "atr": self.atr.hex().upper()}


def list_readers() -> list[ReaderInfo]:
    """Every PC/SC reader with whether a card is on it."""
    with PcscContext() as ctx:
        names = ctx.readers()
        if not names:
            return []
        states = ctx.wait_status({n: scard.SCARD_STATE_UNAWARE for n in names}, timeout_ms=0)
        return [
            ReaderInfo(n, bool(states[n][0] & scard.SCARD_STATE_PRESENT), states[n][1])
            for n in names
        ]


def choose_reader(ctx: PcscContext, wanted: str | None) -> str:
    """The reader called (or containing) ``wanted``, else the first with a card, else the first."""
    names = ctx.readers()
    if not names:
        raise NoReaderError("no PC/SC reader is connected")
    if wanted:
        exact = [n for n in names if n == wanted]
        partial = [n for n in names if wanted.lower() in n.lower()]
        if exact or partial:
            return (exact or partial)[0]
        raise NoReaderError(f"no reader matches {wanted!r}; readers: {', '.join(names)}")
    for n in names:
        if ctx.card_present(n):
            return n
    return names[0]


@contextmanager
def open_card(reader: str | None = None) -> Iterator[PcscConnection]:
    """Connect to the card on ``reader`` (or the first reader holding a card)."""
    with PcscContext() as ctx:
        name = choose_reader(ctx, reader)
        if not ctx.card_present(name):
            raise NoCardError(f"no card on {name!r}")
        conn = ctx.connect(name)
        try:
            yield conn
        finally:
            with suppress(Exception):
                conn.close()
