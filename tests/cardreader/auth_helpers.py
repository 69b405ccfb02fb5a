"""Shared pieces of the active/chip authentication tests: fake cards with their chip keys, an
opened session (BAC + DG14/DG15 read), and DG14 variants for the other CA protocols.

Fake citizens only (the built-in demo citizen); keys are generated per card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.access import open_chip
from cardreader.bac import BacKey
from cardreader.channel import SecureChannel, Transceiver
from cardreader.chip_auth import DhPrivateKey, ca_protocol_oid
from cardreader.emulator.chip import AaPrivateKey, CaPrivateKey, ChipConfig, ChipEmulator
from cardreader.emulator.fake_card import DEMO_CITIZEN, FakeCard, build_fake_card
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.dg14 import Dg14, encode_dg14, parse_dg14
from cardreader.lds.dg15 import Dg15, parse_dg15
from cardreader.lds.files import DG14, DG15, LdsFile
from cardreader.lds.security_infos import (
    ID_PK_DH,
    ID_PK_ECDH,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    SecurityInfo,
)
from cardreader.primitives import CipherKind


@lru_cache(maxsize=32)
def card(aa_key: str = "rsa-1024", ca_key: str = "ecdh-p256") -> FakeCard:
    return build_fake_card(DEMO_CITIZEN, aa_key=aa_key, ca_key=ca_key, face_bytes=1500)


def bac_key(c: FakeCard) -> BacKey:
    return BacKey(c.document_number, c.date_of_birth, c.date_of_expiry)


def chip_keys(c: FakeCard) -> tuple[AaPrivateKey | None, dict[int | None, CaPrivateKey]]:
    secrets = c.secrets()
    ca = secrets.ca_private_key()
    return secrets.aa_private_key(), ({} if ca is None else {secrets.ca_key_id: ca})


def emulator(
    c: FakeCard,
    config: ChipConfig | None = None,
    *,
    files: Mapping[LdsFile, bytes] | None = None,
    ca_keys: Mapping[int | None, CaPrivateKey] | None = None,
    with_aa: bool = True,
) -> ChipEmulator:
    aa, ca = chip_keys(c)
    return ChipEmulator(
        dict(files) if files is not None else c.lds_files(),
        bac_key(c),
        config,
        aa_key=aa if with_aa else None,
        ca_keys=ca if ca_keys is None else ca_keys,
    )


@dataclass
class Session:
    channel: SecureChannel
    dg14: Dg14 | None
    dg15: Dg15 | None


def open_session(transceiver: Transceiver, c: FakeCard) -> Session:
    """BAC, then DG14 and DG15 read over secure messaging (as read_card leaves the chip)."""
    opened = open_chip(transceiver, bac_key(c))
    reader = FileReader(opened.channel, ReadPolicy())
    dg14 = dg15 = None
    if "dg14.bin" in c.files:
        dg14 = parse_dg14(reader.read(DG14)[0])
    if "dg15.bin" in c.files:
        dg15 = parse_dg15(reader.read(DG15)[0])
    return Session(opened.channel, dg14, dg15)


def spki(key: CaPrivateKey) -> bytes:
    if isinstance(key, DhPrivateKey):
        return key.public_key_der()
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def ca_infos(
    keys: Mapping[int | None, CaPrivateKey], cipher: CipherKind | None
) -> list[SecurityInfo]:
    """DG14 SecurityInfos for ``keys``: one ChipAuthenticationInfo per key with ``cipher``
    (none at all when cipher is None: the legacy form that implies 3DES)."""
    infos: list[SecurityInfo] = []
    for kid, key in keys.items():
        ka = "DH" if isinstance(key, DhPrivateKey) else "ECDH"
        if cipher is not None:
            infos.append(
                ChipAuthenticationInfo(ca_protocol_oid(ka, cipher), 1, kid, ka, cipher.value)
            )
        infos.append(
            ChipAuthenticationPublicKeyInfo(
                ID_PK_DH if ka == "DH" else ID_PK_ECDH,
                spki(key),
                ka.lower().replace("ecdh", "ec"),
                kid,
            )
        )
    return infos


def files_with_dg14(c: FakeCard, infos: Sequence[SecurityInfo]) -> dict[LdsFile, bytes]:
    """The card's files with DG14 replaced (EF.SOD no longer matches: CA does not look)."""
    files = c.lds_files()
    files[DG14] = encode_dg14(infos)
    return files


def ec_key(curve: ec.EllipticCurve) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(curve)
