"""The LDS file table: every elementary file the library knows, with its identifiers.

File identifiers, short file identifiers and data-group tags are those of ICAO Doc 9303-10
(LDS 1.7), section 4.6 (table of data-group tags and file identifiers): EF.COM 011E / SFI 1E /
tag 60, EF.SOD 011D / 1D / 77, DGn 01nn / SFI n / tag 0x60 + n, except DG2 (75) and DG4 (76).
EF.CardAccess (011C / 1C) is a bare SecurityInfos SET with no application tag (ICAO 9303-11
section 9.2.11).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LdsFile:
    """One elementary file of the LDS application (or the master file, for EF.CardAccess)."""

    name: str
    fid: int
    sfi: int
    tag: int | None
    dump_name: str
    dg_number: int | None = None

    def __str__(self) -> str:
        return self.name


COM = LdsFile("com", 0x011E, 0x1E, 0x60, "com.bin")
SOD = LdsFile("sod", 0x011D, 0x1D, 0x77, "sod.bin")
DG1 = LdsFile("dg1", 0x0101, 0x01, 0x61, "dg1.bin", 1)
DG2 = LdsFile("dg2", 0x0102, 0x02, 0x75, "dg2.bin", 2)
DG3 = LdsFile("dg3", 0x0103, 0x03, 0x63, "dg3.bin", 3)
DG11 = LdsFile("dg11", 0x010B, 0x0B, 0x6B, "dg11.bin", 11)
DG13 = LdsFile("dg13", 0x010D, 0x0D, 0x6D, "dg13.bin", 13)
DG14 = LdsFile("dg14", 0x010E, 0x0E, 0x6E, "dg14.bin", 14)
DG15 = LdsFile("dg15", 0x010F, 0x0F, 0x6F, "dg15.bin", 15)
CARD_ACCESS = LdsFile("cardaccess", 0x011C, 0x1C, None, "cardaccess.bin")

ALL_FILES: tuple[LdsFile, ...] = (COM, SOD, DG1, DG2, DG3, DG11, DG13, DG14, DG15, CARD_ACCESS)

# The order the reader fetches files in: the index and signature first, then the text groups
# a counter needs at once, then the (slow, large) face, then the keys.
READ_ORDER: tuple[LdsFile, ...] = (COM, SOD, DG1, DG13, DG2, DG14, DG15)

# EF.COM tag-list tag of every data group 1..16 (ICAO 9303-10), including those the library
# has no LdsFile for, so an EF.COM listing them still parses.
_DG_TAGS: dict[int, int] = {
    0x61: 1,
    0x75: 2,
    0x63: 3,
    0x76: 4,
    0x65: 5,
    0x66: 6,
    0x67: 7,
    0x68: 8,
    0x69: 9,
    0x6A: 10,
    0x6B: 11,
    0x6C: 12,
    0x6D: 13,
    0x6E: 14,
    0x6F: 15,
    0x70: 16,
}
_TAG_FOR_DG = {n: tag for tag, n in _DG_TAGS.items()}

_BY_NAME = {f.name: f for f in ALL_FILES}
_BY_DG = {f.dg_number: f for f in ALL_FILES if f.dg_number is not None}
_BY_TAG = {f.tag: f for f in ALL_FILES if f.tag is not None}
_BY_DUMP_NAME = {f.dump_name: f for f in ALL_FILES}


def by_name(name: str) -> LdsFile:
    """The file called ``name`` ("dg1", "com", "cardaccess"...). KeyError if unknown."""
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise KeyError(f"unknown LDS file {name!r}") from None


def by_dg_number(n: int) -> LdsFile:
    """The file of data group ``n``. KeyError if the library has no entry for it."""
    try:
        return _BY_DG[n]
    except KeyError:
        raise KeyError(f"no LDS file for data group {n}") from None


def by_tag(tag: int) -> LdsFile:
    """The file whose content starts with application tag ``tag``. KeyError if unknown."""
    try:
        return _BY_TAG[tag]
    except KeyError:
        raise KeyError(f"no LDS file with tag {tag:X}") from None


def by_dump_name(name: str) -> LdsFile:
    """The file stored as ``name`` in a dump folder ("dg1.bin"). KeyError if unknown."""
    try:
        return _BY_DUMP_NAME[name]
    except KeyError:
        raise KeyError(f"no LDS file is dumped as {name!r}") from None


def dg_number_for_tag(tag: int) -> int | None:
    """The data-group number an EF.COM tag-list entry names, or None if it names none."""
    return _DG_TAGS.get(tag)


def tag_for_dg_number(n: int) -> int:
    """The EF.COM tag-list tag of data group ``n`` (1..16). ValueError outside that range."""
    try:
        return _TAG_FOR_DG[n]
    except KeyError:
        raise ValueError(f"data group {n} has no LDS tag (valid: 1..16)") from None
