"""Helpers for tests that go through the real PC/SC stack (pcscd + vpcd + the emulator)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from cardreader.emulator.chip import ChipEmulator
from cardreader.emulator.vpcd import LinkModel, VirtualCard
from cardreader.transport.pcsc import PcscContext

READER = "Virtual PCD 00 00"


def wait_card(present: bool, timeout: float = 10.0) -> None:
    """Wait until pcscd reports the vpcd slot 0 with (or without) a card."""
    deadline = time.monotonic() + timeout
    with PcscContext() as ctx:
        while True:
            names = ctx.readers()
            if READER in names and ctx.card_present(READER) == present:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"pcscd never saw the card {'arrive' if present else 'leave'}")
            time.sleep(0.02)


@contextmanager
def inserted(
    chip: ChipEmulator, *, remove_after: int | None = None, link: LinkModel | None = None
) -> Iterator[VirtualCard]:
    card = VirtualCard(chip, remove_after=remove_after, link=link)
    card.insert()
    try:
        wait_card(True)
        yield card
    finally:
        card.remove()
        wait_card(False)
