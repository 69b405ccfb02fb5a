"""APDU channels over a transceiver: plain, and protected by secure messaging.

A :class:`Transceiver` has one method, ``transmit(bytes) -> bytes`` (gmrtd-style); a channel
adds APDU types, typed errors and, for :class:`SecureChannel`, secure messaging. Both count
APDUs and bytes so reads can report what they cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cardreader.apdu import CommandApdu, ResponseApdu
from cardreader.errors import CardReaderError, TransportError
from cardreader.secure_messaging import SecureMessaging


class Transceiver(Protocol):
    """Sends one command APDU and returns the response APDU bytes (data + SW1 SW2)."""

    def transmit(self, apdu: bytes) -> bytes: ...


@dataclass(slots=True)
class Counters:
    apdus: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0

    def snapshot(self) -> tuple[int, int, int]:
        return self.apdus, self.bytes_sent, self.bytes_received


class Channel(Protocol):
    counters: Counters

    @property
    def secure(self) -> SecureMessaging | None: ...

    def send(self, cmd: CommandApdu) -> ResponseApdu: ...


class PlainChannel:
    """Commands go to the card as they are."""

    def __init__(self, transceiver: Transceiver, counters: Counters | None = None) -> None:
        self.transceiver = transceiver
        self.counters = counters or Counters()

    @property
    def secure(self) -> SecureMessaging | None:
        return None

    def exchange(self, cmd: CommandApdu) -> ResponseApdu:
        raw = cmd.to_bytes()
        try:
            answer = self.transceiver.transmit(raw)
        except CardReaderError:
            raise
        except Exception as exc:  # a transport that leaks a foreign error
            raise TransportError(f"transmit failed: {exc}") from exc
        self.counters.apdus += 1
        self.counters.bytes_sent += len(raw)
        self.counters.bytes_received += len(answer)
        return ResponseApdu.from_bytes(answer)

    def send(self, cmd: CommandApdu) -> ResponseApdu:
        return self.exchange(cmd)


class SecureChannel(PlainChannel):
    """Every command is wrapped and every answer checked with the session's keys."""

    def __init__(
        self, transceiver: Transceiver, sm: SecureMessaging, counters: Counters | None = None
    ) -> None:
        super().__init__(transceiver, counters)
        self.sm = sm

    @property
    def secure(self) -> SecureMessaging | None:
        return self.sm

    def send(self, cmd: CommandApdu) -> ResponseApdu:
        return self.sm.unprotect(self.exchange(self.sm.protect(cmd)))
