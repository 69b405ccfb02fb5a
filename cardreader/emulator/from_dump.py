"""Build a :class:`ChipEmulator` from a dump folder (raw files + optional chip.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cardreader.bac import BacKey
from cardreader.dump import load_dump
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.errors import InputError, ParseError
from cardreader.lds.dg1 import parse_dg1
from cardreader.lds.files import DG1

CHIP_SECRETS = "chip.json"


def bac_key_for_dump(directory: Path) -> BacKey:
    """The card's BAC key: from chip.json when present, else from DG1's MRZ."""
    secrets = directory / CHIP_SECRETS
    if secrets.is_file():
        try:
            data = json.loads(secrets.read_text("utf-8"))
            return BacKey(data["document_number"], data["date_of_birth"], data["date_of_expiry"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ParseError(f"{secrets}: not a valid chip secrets file ({exc})") from exc
    files = load_dump(directory)
    if DG1 not in files:
        raise InputError(f"{directory}: no dg1.bin and no chip.json, so no BAC key")
    mrz = parse_dg1(files[DG1]).mrz
    doc = mrz.document_number
    return BacKey(doc, mrz.date_of_birth_raw, mrz.date_of_expiry_raw)


def chip_from_dump(
    directory: str | os.PathLike[str], config: ChipConfig | None = None
) -> ChipEmulator:
    path = Path(directory)
    return ChipEmulator(load_dump(path), bac_key_for_dump(path), config)
