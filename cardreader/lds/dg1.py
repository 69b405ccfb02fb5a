"""DG1: the MRZ as stored on the chip (ICAO Doc 9303-10, 4.7.1): 61 { 5F1F mrz }.

Only the TD1 form (90 characters, an ID card) is accepted: CCCD is a TD1 document, and a TD2
(72) or TD3 (88) MRZ on this card means the wrong document or a corrupted file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import names_file
from cardreader.lds.mrz import Td1Mrz, parse_td1
from cardreader.lds.tlv import encode, parse_single

TAG_DG1 = 0x61
TAG_MRZ = 0x5F1F
MAX_DG1_BYTES = 256


@dataclass(frozen=True, slots=True)
class Dg1:
    mrz: Td1Mrz
    raw: bytes


@names_file("DG1")
def parse_dg1(raw: bytes, *, today: date | None = None) -> Dg1:
    if len(raw) > MAX_DG1_BYTES:
        raise LimitExceededError(f"DG1: {len(raw)} bytes, above the cap of {MAX_DG1_BYTES}")
    outer = parse_single(raw, "DG1")
    if outer.tag != TAG_DG1:
        raise ParseError(f"DG1: starts with tag {outer.tag:X}, expected 61")
    mrz_tlv = outer.require(TAG_MRZ, "DG1 MRZ")
    try:
        text = mrz_tlv.value.decode("ascii")
    except UnicodeDecodeError:
        raise ParseError("DG1: MRZ is not ASCII") from None
    if any(c.isspace() for c in text):
        raise ParseError("DG1: MRZ holds whitespace")
    return Dg1(mrz=parse_td1(text, today=today, what="DG1"), raw=bytes(raw))


def encode_dg1(mrz_text: str) -> bytes:
    """Encode DG1 around a 90-character MRZ (line breaks in ``mrz_text`` are removed)."""
    compact = "".join(mrz_text.split())
    if len(compact) != 90:
        raise ValueError(f"MRZ is {len(compact)} chars, expected 90")
    return encode(TAG_DG1, encode(TAG_MRZ, compact.encode("ascii")))
