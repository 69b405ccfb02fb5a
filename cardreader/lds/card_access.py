"""EF.CardAccess: the PACE parameters a card supports (ICAO Doc 9303-11, 9.2.11).

A bare DER SET OF SecurityInfo (no application tag), read from the master file before any
access control. CCCD cards answer SELECT MF with 6D00; select EF.CardAccess (011C) directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cardreader.errors import LimitExceededError
from cardreader.lds.der import names_file
from cardreader.lds.security_infos import (
    PaceDomainParameterInfo,
    PaceInfo,
    SecurityInfo,
    encode_security_infos,
    pace_info,
    parse_security_infos,
)

__all__ = ["CardAccess", "PaceInfo", "encode_card_access", "pace_info", "parse_card_access"]

MAX_CARD_ACCESS_BYTES = 4096


@dataclass(frozen=True, slots=True)
class CardAccess:
    pace_infos: tuple[PaceInfo, ...]
    raw: bytes
    security_infos: tuple[SecurityInfo, ...] = ()

    @property
    def domain_parameter_infos(self) -> tuple[PaceDomainParameterInfo, ...]:
        return tuple(i for i in self.security_infos if isinstance(i, PaceDomainParameterInfo))


@names_file("EF.CardAccess")
def parse_card_access(raw: bytes) -> CardAccess:
    if len(raw) > MAX_CARD_ACCESS_BYTES:
        raise LimitExceededError(
            f"EF.CardAccess: {len(raw)} bytes, above the cap of {MAX_CARD_ACCESS_BYTES}"
        )
    infos = parse_security_infos(raw, "EF.CardAccess")
    paces = tuple(i for i in infos if isinstance(i, PaceInfo))
    return CardAccess(pace_infos=paces, raw=bytes(raw), security_infos=infos)


def encode_card_access(
    pace_infos: Sequence[PaceInfo],
    others: Sequence[SecurityInfo] = (),
) -> bytes:
    """Encode EF.CardAccess holding ``pace_infos`` (and any ``others``, e.g. CA infos)."""
    return encode_security_infos([*pace_infos, *others])
