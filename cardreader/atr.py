"""Answer-to-reset parsing (ISO/IEC 7816-3 section 8.2, historical bytes per 7816-4 section 8).

Only what reading needs: the historical bytes and, from the card-capabilities object (compact
TLV tag 7), whether the card accepts extended Lc/Le fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardreader.errors import ParseError

MAX_ATR = 33


@dataclass(frozen=True, slots=True)
class Atr:
    raw: bytes
    historical: bytes
    extended_length: bool

    @property
    def hex(self) -> str:
        return self.raw.hex().upper()


def parse_atr(raw: bytes) -> Atr:
    if not 2 <= len(raw) <= MAX_ATR:
        raise ParseError(f"ATR: {len(raw)} bytes, expected 2..{MAX_ATR}")
    if raw[0] not in (0x3B, 0x3F):
        raise ParseError(f"ATR: TS {raw[0]:02X} is neither 3B nor 3F")
    t0 = raw[1]
    k = t0 & 0x0F
    pos = 2
    y = t0 >> 4
    protocols: set[int] = set()
    while True:
        td = None
        for bit in range(4):
            if y & (1 << bit):
                if pos >= len(raw):
                    raise ParseError("ATR: interface bytes run past the end")
                if bit == 3:
                    td = raw[pos]
                pos += 1
        if td is None:
            break
        protocols.add(td & 0x0F)
        y = td >> 4
    if pos + k > len(raw):
        raise ParseError("ATR: historical bytes run past the end")
    historical = bytes(raw[pos : pos + k])
    return Atr(bytes(raw), historical, _extended_from_historical(historical))


def _extended_from_historical(hist: bytes) -> bool:
    """Card capabilities (tag 7, third byte, bit 7) in compact-TLV historical bytes."""
    if not hist or hist[0] not in (0x00, 0x80):
        return False
    pos = 1
    end = len(hist) - (3 if hist[0] == 0x00 else 0)  # category 00: status at the end
    while pos < end:
        tag, length = hist[pos] >> 4, hist[pos] & 0x0F
        value = hist[pos + 1 : pos + 1 + length]
        if tag == 0x7 and len(value) >= 3:
            return bool(value[2] & 0x40)
        pos += 1 + length
    return False


def build_atr(*, extended: bool) -> bytes:
    """An ATR for a T=1 contactless-style card with card capabilities (used by the emulator)."""
    historical = bytes((0x80, 0x73, 0x80, 0x21, 0x40 if extended else 0x00))
    body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes((tck,))
