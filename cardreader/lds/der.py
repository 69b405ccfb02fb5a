"""Small, capped codecs for the ASN.1 primitives the LDS parsers need (X.690 BER/DER).

INTEGER, OBJECT IDENTIFIER and the character-string types, decoded from the value bytes of a
:class:`cardreader.lds.tlv.Tlv` and encoded to complete TLVs. Every decoder raises only
:class:`cardreader.errors.ParseError` and names ``what`` it was decoding.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.tlv import Tlv, encode

_P = ParamSpec("_P")
_R = TypeVar("_R")

TAG_INTEGER = 0x02
TAG_BIT_STRING = 0x03
TAG_OCTET_STRING = 0x04
TAG_NULL = 0x05
TAG_OID = 0x06
TAG_UTF8_STRING = 0x0C
TAG_PRINTABLE_STRING = 0x13
TAG_T61_STRING = 0x14
TAG_IA5_STRING = 0x16
TAG_VISIBLE_STRING = 0x1A
TAG_BMP_STRING = 0x1E
TAG_SEQUENCE = 0x30
TAG_SET = 0x31

STRING_TAGS = frozenset(
    {
        TAG_UTF8_STRING,
        TAG_PRINTABLE_STRING,
        TAG_T61_STRING,
        TAG_IA5_STRING,
        TAG_VISIBLE_STRING,
        TAG_BMP_STRING,
    }
)

MAX_INTEGER_BYTES = 1024  # RSA-8192 moduli fit; anything larger is hostile
MAX_OID_BYTES = 64
MAX_OID_ARC = 1 << 64


def decode_integer(tlv: Tlv, what: str) -> int:
    """The signed value of an INTEGER TLV."""
    if tlv.tag != TAG_INTEGER:
        raise ParseError(f"{what}: expected INTEGER (tag 02), found tag {tlv.tag:X}")
    if not tlv.value:
        raise ParseError(f"{what}: INTEGER with no content bytes")
    if len(tlv.value) > MAX_INTEGER_BYTES:
        raise LimitExceededError(f"{what}: INTEGER of {len(tlv.value)} bytes")
    return int.from_bytes(tlv.value, "big", signed=True)


def decode_small_int(tlv: Tlv, what: str, *, lo: int = 0, hi: int = 0xFFFF_FFFF) -> int:
    """An INTEGER that must lie in ``lo..hi`` (versions, field numbers, key ids)."""
    value = decode_integer(tlv, what)
    if not lo <= value <= hi:
        raise ParseError(f"{what}: value {value} outside {lo}..{hi}")
    return value


def encode_integer(value: int) -> bytes:
    """An INTEGER TLV in minimal two's-complement form."""
    length = max(1, (value + (value < 0)).bit_length() // 8 + 1)
    return encode(TAG_INTEGER, value.to_bytes(length, "big", signed=True))


def decode_oid(tlv: Tlv, what: str) -> str:
    """The dotted form of an OBJECT IDENTIFIER TLV ("0.4.0.127.0.7.2.2.4.2.2")."""
    if tlv.tag != TAG_OID:
        raise ParseError(f"{what}: expected OBJECT IDENTIFIER (tag 06), found tag {tlv.tag:X}")
    data = tlv.value
    if not data:
        raise ParseError(f"{what}: empty OBJECT IDENTIFIER")
    if len(data) > MAX_OID_BYTES:
        raise LimitExceededError(f"{what}: OBJECT IDENTIFIER of {len(data)} bytes")
    if data[-1] & 0x80:
        raise ParseError(f"{what}: OBJECT IDENTIFIER ends inside an arc")
    arcs: list[int] = []
    value = 0
    start = True
    for b in data:
        if start and b == 0x80:
            raise ParseError(f"{what}: OBJECT IDENTIFIER arc with a leading 0x80 byte")
        value = (value << 7) | (b & 0x7F)
        if value >= MAX_OID_ARC:
            raise LimitExceededError(f"{what}: OBJECT IDENTIFIER arc too large")
        start = not b & 0x80
        if start:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def encode_oid(dotted: str) -> bytes:
    """An OBJECT IDENTIFIER TLV from its dotted form. ValueError if malformed."""
    try:
        arcs = [int(part) for part in dotted.split(".")]
    except ValueError:
        raise ValueError(f"malformed OID {dotted!r}") from None
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40) or min(arcs) < 0:
        raise ValueError(f"malformed OID {dotted!r}")
    body = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return encode(TAG_OID, bytes(body))


def decode_string(tlv: Tlv, what: str) -> str:
    """The text of a character-string TLV (UTF8String, PrintableString, BMPString...)."""
    if tlv.tag not in STRING_TAGS:
        raise ParseError(f"{what}: expected a character string, found tag {tlv.tag:X}")
    try:
        if tlv.tag == TAG_UTF8_STRING:
            return tlv.value.decode("utf-8")
        if tlv.tag == TAG_BMP_STRING:
            return tlv.value.decode("utf-16-be")
        if tlv.tag == TAG_T61_STRING:
            return tlv.value.decode("latin-1")
        return tlv.value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: string is not valid for its type ({exc.reason})") from None


def encode_utf8(text: str) -> bytes:
    return encode(TAG_UTF8_STRING, text.encode("utf-8"))


def encode_printable(text: str) -> bytes:
    """A PrintableString TLV. ValueError if ``text`` is not ASCII."""
    return encode(TAG_PRINTABLE_STRING, text.encode("ascii"))


def sequence(*items: bytes) -> bytes:
    return encode(TAG_SEQUENCE, b"".join(items))


def set_of(*items: bytes, sort: bool = True) -> bytes:
    """A SET OF TLV; DER orders the encoded items (X.690 11.6) unless ``sort`` is False."""
    parts = sorted(items) if sort else list(items)
    return encode(TAG_SET, b"".join(parts))


def names_file(what: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a parser so every ParseError it raises starts with ``what`` ("DG13: ...").

    Errors from the generic TLV layer ("TLV: tag 6D declares 300 bytes...") then also say
    which file they came from. The error's type (ParseError or LimitExceededError) is kept.
    """

    def decorate(parser: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(parser)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return parser(*args, **kwargs)
            except ParseError as exc:
                if exc.message.startswith(what):
                    raise
                raise type(exc)(f"{what}: {exc.message}") from None

        return wrapper

    return decorate
