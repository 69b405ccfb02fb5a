"""DG14: security options for chip authentication and PACE (ICAO Doc 9303-10 4.7.14,
9303-11 9.2): 6E { SET OF SecurityInfo }.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import names_file
from cardreader.lds.security_infos import (
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceInfo,
    SecurityInfo,
    encode_security_infos,
    parse_security_infos,
)
from cardreader.lds.tlv import encode, parse_single

TAG_DG14 = 0x6E
MAX_DG14_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Dg14:
    security_infos: tuple[SecurityInfo, ...]
    raw: bytes

    @property
    def chip_authentication_infos(self) -> tuple[ChipAuthenticationInfo, ...]:
        return tuple(i for i in self.security_infos if isinstance(i, ChipAuthenticationInfo))

    @property
    def chip_authentication_public_keys(self) -> tuple[ChipAuthenticationPublicKeyInfo, ...]:
        return tuple(
            i for i in self.security_infos if isinstance(i, ChipAuthenticationPublicKeyInfo)
        )

    @property
    def active_authentication_info(self) -> ActiveAuthenticationInfo | None:
        for i in self.security_infos:
            if isinstance(i, ActiveAuthenticationInfo):
                return i
        return None

    @property
    def pace_infos(self) -> tuple[PaceInfo, ...]:
        return tuple(i for i in self.security_infos if isinstance(i, PaceInfo))


@names_file("DG14")
def parse_dg14(raw: bytes) -> Dg14:
    if len(raw) > MAX_DG14_BYTES:
        raise LimitExceededError(f"DG14: {len(raw)} bytes, above the cap of {MAX_DG14_BYTES}")
    outer = parse_single(raw, "DG14")
    if outer.tag != TAG_DG14:
        raise ParseError(f"DG14: starts with tag {outer.tag:X}, expected 6E")
    return Dg14(security_infos=parse_security_infos(outer.value, "DG14"), raw=bytes(raw))


def encode_dg14(security_infos: Sequence[SecurityInfo]) -> bytes:
    return encode(TAG_DG14, encode_security_infos(security_infos))
