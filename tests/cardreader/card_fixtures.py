"""Fake cards for reading tests (fake citizens only)."""

from __future__ import annotations

from functools import lru_cache

from cardreader.bac import BacKey
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.emulator.fake_card import DEMO_CITIZEN, FakeCard, build_fake_card
from cardreader.lds.files import LdsFile


@lru_cache(maxsize=4)
def fake_card(face_bytes: int = 18_000) -> FakeCard:
    return build_fake_card(DEMO_CITIZEN, face_bytes=face_bytes)


def key_of(card: FakeCard) -> BacKey:
    return BacKey(card.document_number, card.date_of_birth, card.date_of_expiry)


def chip_of(card: FakeCard, config: ChipConfig | None = None) -> ChipEmulator:
    """The card's chip, holding its active and chip authentication keys."""
    secrets = card.secrets()
    ca = secrets.ca_private_key()
    return ChipEmulator(
        card.lds_files(),
        key_of(card),
        config,
        aa_key=secrets.aa_private_key(),
        ca_keys={} if ca is None else {secrets.ca_key_id: ca},
    )


def files_of(card: FakeCard) -> dict[LdsFile, bytes]:
    return card.lds_files()
