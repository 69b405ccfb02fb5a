"""BER-TLV (ISO/IEC 7816-4 / X.690) encoding and decoding with hard caps.

The LDS uses definite-length BER-TLV throughout. The decoder refuses indefinite lengths, tags
longer than 4 bytes, lengths above :data:`MAX_VALUE_LENGTH` and nesting deeper than
:data:`MAX_DEPTH`, so hostile bytes can neither hang it nor make it allocate past the caps.
Every :class:`Tlv` keeps its raw encoding so callers can hash exactly what the card sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardreader.errors import LimitExceededError, ParseError

MAX_VALUE_LENGTH = 1 << 20  # 1 MiB: far above any eMRTD file (DG2 faces are ~10-30 KB)
MAX_DEPTH = 16
MAX_TAG_BYTES = 4
MAX_ITEMS = 4096  # per constructed value


@dataclass(frozen=True, slots=True)
class Tlv:
    """One decoded TLV. ``tag`` is the tag's bytes read as a big-endian integer (0x5F1F)."""

    tag: int
    value: bytes
    raw: bytes

    @property
    def constructed(self) -> bool:
        return bool(_first_tag_byte(self.tag) & 0x20)

    def children(self, *, depth: int = 0) -> list[Tlv]:
        """Decode the value as a sequence of TLVs (the value of a constructed tag)."""
        return parse_all(self.value, depth=depth + 1)

    def find(self, tag: int) -> Tlv | None:
        """The first direct child with ``tag``, or None."""
        for child in self.children():
            if child.tag == tag:
                return child
        return None

    def require(self, tag: int, what: str) -> Tlv:
        """The first direct child with ``tag``; ParseError naming ``what`` if absent."""
        child = self.find(tag)
        if child is None:
            raise ParseError(f"{what}: tag {tag:X} missing inside tag {self.tag:X}")
        return child


def _first_tag_byte(tag: int) -> int:
    while tag > 0xFF:
        tag >>= 8
    return tag


def read_tag(data: bytes | memoryview, offset: int = 0) -> tuple[int, int]:
    """Decode a tag at ``offset``. Returns (tag, offset after the tag)."""
    if offset >= len(data):
        raise ParseError("TLV: data ends before a tag")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        count = 1
        while True:
            if offset >= len(data):
                raise ParseError("TLV: data ends inside a multi-byte tag")
            b = data[offset]
            offset += 1
            count += 1
            if count > MAX_TAG_BYTES:
                raise LimitExceededError(f"TLV: tag longer than {MAX_TAG_BYTES} bytes")
            tag = (tag << 8) | b
            if not b & 0x80:
                break
    return tag, offset


def read_length(data: bytes | memoryview, offset: int) -> tuple[int, int]:
    """Decode a definite length at ``offset``. Returns (length, offset after the length)."""
    if offset >= len(data):
        raise ParseError("TLV: data ends before a length")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    if first == 0x80:
        raise ParseError("TLV: indefinite length is not allowed here")
    n = first & 0x7F
    if n > 4:
        raise LimitExceededError(f"TLV: length field of {n} bytes")
    if offset + n > len(data):
        raise ParseError("TLV: data ends inside a length field")
    length = int.from_bytes(bytes(data[offset : offset + n]), "big")
    if length > MAX_VALUE_LENGTH:
        raise LimitExceededError(f"TLV: length {length} above the cap of {MAX_VALUE_LENGTH}")
    return length, offset + n


def read_header(data: bytes | memoryview, offset: int = 0) -> tuple[int, int, int]:
    """Decode tag and length. Returns (tag, value length, header length)."""
    tag, pos = read_tag(data, offset)
    length, pos = read_length(data, pos)
    return tag, length, pos - offset


def parse_one(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """Decode one TLV at ``offset``. Returns (tlv, offset after it)."""
    tag, pos = read_tag(data, offset)
    length, pos = read_length(data, pos)
    end = pos + length
    if end > len(data):
        raise ParseError(
            f"TLV: tag {tag:X} declares {length} bytes but only {len(data) - pos} remain"
        )
    return Tlv(tag, bytes(data[pos:end]), bytes(data[offset:end])), end


def parse_single(data: bytes, what: str = "TLV") -> Tlv:
    """Decode data that must be exactly one TLV (trailing bytes are an error)."""
    tlv, end = parse_one(data)
    if end != len(data):
        raise ParseError(f"{what}: {len(data) - end} unexpected bytes after the TLV")
    return tlv


def parse_all(data: bytes, *, depth: int = 0) -> list[Tlv]:
    """Decode a concatenation of TLVs. Zero-padding between items is not accepted."""
    if depth > MAX_DEPTH:
        raise LimitExceededError(f"TLV: nesting deeper than {MAX_DEPTH}")
    items: list[Tlv] = []
    offset = 0
    while offset < len(data):
        if len(items) >= MAX_ITEMS:
            raise LimitExceededError(f"TLV: more than {MAX_ITEMS} items in one value")
        tlv, offset = parse_one(data, offset)
        items.append(tlv)
    return items


def walk(tlv: Tlv, *, depth: int = 0) -> list[Tlv]:
    """All TLVs in the tree below and including ``tlv`` (depth-first), within the caps."""
    out = [tlv]
    if tlv.constructed and tlv.value:
        for child in tlv.children(depth=depth):
            out.extend(walk(child, depth=depth + 1))
    return out


def encode_tag(tag: int) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_length(length: int) -> bytes:
    if length < 0:
        raise ValueError("negative length")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(tag: int, value: bytes) -> bytes:
    """Encode one TLV with a minimal definite length."""
    return encode_tag(tag) + encode_length(len(value)) + value
