"""An in-process transport straight into the chip emulator (unit tests, fast benches)."""

from __future__ import annotations

import time

from cardreader.emulator.chip import ChipEmulator
from cardreader.errors import CardRemovedError


class EmulatorTransport:
    """Transceiver over a :class:`ChipEmulator`; ``remove_after`` simulates the card leaving
    the reader after that many APDUs (the next transmit raises CardRemovedError)."""

    def __init__(self, chip: ChipEmulator, *, remove_after: int | None = None) -> None:
        self.chip = chip
        self.remove_after = remove_after
        self.count = 0
        self.reader_name = "in-process emulator"

    @property
    def atr(self) -> bytes:
        return self.chip.atr

    def transmit(self, apdu: bytes) -> bytes:
        if self.remove_after is not None and self.count >= self.remove_after:
            raise CardRemovedError("the card was removed from the reader")
        self.count += 1
        return self.chip.process(apdu)


class TimedEmulatorTransport(EmulatorTransport):
    """Counts the CPU time the emulator (the "card") spends answering, so benches can
    subtract it and report the host's own work."""

    def __init__(self, chip: ChipEmulator, *, remove_after: int | None = None) -> None:
        super().__init__(chip, remove_after=remove_after)
        self.card_cpu = 0.0

    def transmit(self, apdu: bytes) -> bytes:
        start = time.process_time()
        try:
            return super().transmit(apdu)
        finally:
            self.card_cpu += time.process_time() - start
