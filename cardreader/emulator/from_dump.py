"""Build a :class:`ChipEmulator` from a dump folder (raw files + optional chip.json).

chip.json (written by :meth:`cardreader.emulator.fake_card.FakeCard.write`) may also hold the
chip's TEST private keys: ``aa_private_key_pem`` (DG15's, for active authentication) and
``ca_private_key_pem`` with ``ca_key_id`` (DG14's, for chip authentication).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from cardreader.bac import BacKey
from cardreader.dump import load_dump
from cardreader.emulator.chip import AaPrivateKey, CaPrivateKey, ChipConfig, ChipEmulator
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


def _private_key(data: dict[str, Any], name: str) -> Any:
    pem = data.get(name)
    if pem is None:
        return None
    if not isinstance(pem, str):
        raise ParseError(f"chip.json: {name} is not a string")
    try:
        return serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ParseError(f"chip.json: {name} is not a readable private key") from exc


def chip_keys_for_dump(
    directory: Path,
) -> tuple[AaPrivateKey | None, dict[int | None, CaPrivateKey]]:
    """The chip's AA and CA private keys from chip.json (none without the file or the keys)."""
    secrets = directory / CHIP_SECRETS
    if not secrets.is_file():
        return None, {}
    try:
        data = json.loads(secrets.read_text("utf-8"))
    except ValueError as exc:
        raise ParseError(f"{secrets}: not a valid chip secrets file ({exc})") from exc
    if not isinstance(data, dict):
        raise ParseError(f"{secrets}: not a JSON object")
    aa = _private_key(data, "aa_private_key_pem")
    if aa is not None and not isinstance(aa, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ParseError("chip.json: the active authentication key is neither RSA nor EC")
    ca = _private_key(data, "ca_private_key_pem")
    if ca is not None and not isinstance(ca, ec.EllipticCurvePrivateKey):
        raise ParseError("chip.json: the chip authentication key is not an EC key")
    key_id = data.get("ca_key_id")
    if key_id is not None and (not isinstance(key_id, int) or isinstance(key_id, bool)):
        raise ParseError("chip.json: ca_key_id is not an integer")
    return aa, ({} if ca is None else {key_id: ca})


def chip_from_dump(
    directory: str | os.PathLike[str], config: ChipConfig | None = None
) -> ChipEmulator:
    path = Path(directory)
    aa_key, ca_keys = chip_keys_for_dump(path)
    return ChipEmulator(
        load_dump(path),
        bac_key_for_dump(path),
        config,
        aa_key=aa_key,
        ca_keys=ca_keys,
        can=_can_for_dump(path),
    )


def _can_for_dump(directory: Path) -> str | None:
    """The CAN from chip.json (None: the chip derives it from the document number)."""
    secrets = directory / CHIP_SECRETS
    if not secrets.is_file():
        return None
    try:
        can = json.loads(secrets.read_text("utf-8")).get("can")
    except (ValueError, AttributeError) as exc:
        raise ParseError(f"{secrets}: not a valid chip secrets file ({exc})") from exc
    if can is not None and not (isinstance(can, str) and len(can) == 6 and can.isdigit()):
        raise ParseError("chip.json: can is not 6 digits")
    return can
