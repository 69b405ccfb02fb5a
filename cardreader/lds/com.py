"""EF.COM: the LDS version and the list of data groups present (ICAO Doc 9303-10, 4.6.1).

60 { 5F01 LDS version "aabb" (4 digits), 5F36 Unicode version "aabbcc" (6 digits),
     5C tag list (one byte per data-group tag: 61 75 6D ...) }
"""

from __future__ import annotations

from dataclasses import dataclass

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds import files
from cardreader.lds.der import names_file
from cardreader.lds.files import LdsFile
from cardreader.lds.mrz import is_digits
from cardreader.lds.tlv import Tlv, encode, parse_single

TAG_COM = 0x60
TAG_LDS_VERSION = 0x5F01
TAG_UNICODE_VERSION = 0x5F36
TAG_TAG_LIST = 0x5C
MAX_COM_BYTES = 1024


@dataclass(frozen=True, slots=True)
class EfCom:
    lds_version: str
    unicode_version: str
    tags: tuple[int, ...]
    raw: bytes

    @property
    def dg_numbers(self) -> tuple[int, ...]:
        """Data-group numbers listed, in tag-list order (unknown tags skipped)."""
        out = []
        for tag in self.tags:
            n = files.dg_number_for_tag(tag)
            if n is not None:
                out.append(n)
        return tuple(out)

    @property
    def data_groups(self) -> tuple[LdsFile, ...]:
        """The LDS files listed that the library knows (DG1, DG2, DG13...)."""
        out = []
        for n in self.dg_numbers:
            try:
                out.append(files.by_dg_number(n))
            except KeyError:
                continue
        return tuple(out)


def _digits(tlv: Tlv, length: int, what: str) -> str:
    try:
        text = tlv.value.decode("ascii")
    except UnicodeDecodeError:
        raise ParseError(f"EF.COM: {what} is not ASCII") from None
    if len(text) != length or not is_digits(text):
        raise ParseError(f"EF.COM: {what} is {text!r}, expected {length} digits")
    return text


@names_file("EF.COM")
def parse_com(raw: bytes) -> EfCom:
    """Parse EF.COM. ParseError names the structure that failed."""
    if len(raw) > MAX_COM_BYTES:
        raise LimitExceededError(f"EF.COM: {len(raw)} bytes, above the cap of {MAX_COM_BYTES}")
    outer = parse_single(raw, "EF.COM")
    if outer.tag != TAG_COM:
        raise ParseError(f"EF.COM: starts with tag {outer.tag:X}, expected 60")
    lds = _digits(outer.require(TAG_LDS_VERSION, "EF.COM LDS version"), 4, "LDS version")
    uni_tlv = outer.require(TAG_UNICODE_VERSION, "EF.COM Unicode version")
    uni = _digits(uni_tlv, 6, "Unicode version")
    tag_list = outer.require(TAG_TAG_LIST, "EF.COM tag list").value
    if len(set(tag_list)) != len(tag_list):
        raise ParseError("EF.COM: tag list names a data group twice")
    return EfCom(lds_version=lds, unicode_version=uni, tags=tuple(tag_list), raw=bytes(raw))


def encode_com(
    tags: tuple[int, ...] | list[int], lds_version: str = "0107", unicode_version: str = "040000"
) -> bytes:
    """Encode EF.COM listing ``tags`` (data-group tags such as 0x61, 0x75, 0x6D)."""
    if len(lds_version) != 4 or not is_digits(lds_version):
        raise ValueError("LDS version must be 4 digits")
    if len(unicode_version) != 6 or not is_digits(unicode_version):
        raise ValueError("Unicode version must be 6 digits")
    if any(not 0 < t <= 0xFF for t in tags):
        raise ValueError("EF.COM tag-list entries are single-byte tags")
    body = (
        encode(TAG_LDS_VERSION, lds_version.encode())
        + encode(TAG_UNICODE_VERSION, unicode_version.encode())
        + encode(TAG_TAG_LIST, bytes(tags))
    )
    return encode(TAG_COM, body)
