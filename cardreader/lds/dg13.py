"""DG13 of Vietnam's CCCD / Căn cước: the holder's personal data (a national, non-ICAO group).

No public specification exists; the layout below is what open-source readers decode from real
cards, and they disagree on details, so the parser is deliberately tolerant in structure and
strict in meaning:

    6D { 30 { 02 version (1),
              06 OID 1.0.10646.1.0.8 (ISO 10646 UTF-8 form, the character set),
              [31 SET {] records... [}] } }
    record: 30 { 02 field number, value }      value: UTF8String / PrintableString, or a
                                               SEQUENCE of strings (parents, spouse)

Sources (read via the project's code search, November 2026):
- NghiaLio/NFC_CCCD_Reader lib/src/data/parser/nfc_dg13_parser.dart: records inside a SET after
  the OID; 13 = SEQUENCE { father, mother }, 14 = SEQUENCE { spouse }, 15 = other (old) ID
  document number, 16 = a 16-hex-digit value of unconfirmed meaning.
- A "VN-CCCD-2024" document profile (TypeScript, same field numbers 1-13) puts the old ID number
  at 16, and nguyenddat/ript-virtual-recep server/app/services/ExtractCCCD.py matches 1-13.
- The brief's layout: records directly inside the SEQUENCE (both forms are accepted).

Field numbers: 1 ID number, 2 full name, 3 date of birth (dd/mm/yyyy; only mm/yyyy or yyyy for
people whose birth date is unknown), 4 sex ("Nam"/"Nữ"), 5 nationality, 6 ethnicity,
7 religion, 8 place of origin, 9 place of residence, 10 identifying features, 11 date of issue,
12 date of expiry (or "Không thời hạn" = no expiry), 13 parents, 14 spouse, 15 or 16 old ID.
A value that does not fit its field (an "old ID" that is not 9 or 12 digits, a date that is no
date) is never mislabelled: it goes to ``Dg13.unknown`` with every unknown field number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import (
    STRING_TAGS,
    TAG_INTEGER,
    TAG_OID,
    TAG_SEQUENCE,
    TAG_SET,
    decode_oid,
    decode_small_int,
    decode_string,
    encode_integer,
    encode_oid,
    encode_utf8,
    names_file,
    sequence,
)
from cardreader.lds.mrz import is_digits
from cardreader.lds.tlv import Tlv, encode, parse_single

TAG_DG13 = 0x6D
CHARSET_OID = "1.0.10646.1.0.8"
MAX_DG13_BYTES = 16 * 1024
MAX_RECORDS = 64
MAX_VALUE_CHARS = 1024
MAX_VALUES_PER_RECORD = 8
MAX_NESTING = 4
MAX_OPAQUE_BYTES = 256
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})

NO_EXPIRY_TEXTS = ("không thời hạn", "vô thời hạn", "không xác định thời hạn")
_DATE_FULL = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", re.ASCII)
_DATE_PARTIAL = re.compile(r"(?:(\d{1,2})[/.\-])?(\d{4})", re.ASCII)
_SEX = {"nam": "M", "nữ": "F", "nu": "F", "male": "M", "female": "F"}


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The holder's data as the chip's DG13 states it (text as on the card, dates parsed)."""

    id_number: str | None = None
    full_name: str | None = None
    date_of_birth: date | None = None
    date_of_birth_text: str | None = None
    sex: str | None = None  # the card's word: "Nam" / "Nữ"
    nationality: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    place_of_origin: str | None = None
    place_of_residence: str | None = None
    identifying_features: str | None = None
    date_of_issue: date | None = None
    date_of_expiry: date | None = None
    expiry_text: str | None = None  # the card's expiry text, e.g. "Không thời hạn"
    father_name: str | None = None
    mother_name: str | None = None
    spouse_name: str | None = None
    old_id_number: str | None = None

    @property
    def sex_code(self) -> str | None:
        """ "M", "F" or None (unknown wording)."""
        return None if self.sex is None else _SEX.get(self.sex.strip().lower())

    @property
    def no_expiry(self) -> bool:
        """True when the card says it never expires ("Không thời hạn")."""
        return self.expiry_text is not None and _is_no_expiry(self.expiry_text)


@dataclass(frozen=True, slots=True)
class Dg13:
    personal: PersonalData
    unknown: dict[int, tuple[str, ...]]
    raw: bytes
    version: int | None = None
    charset_oid: str | None = None
    field_numbers: tuple[int, ...] = field(default=())


def _is_no_expiry(text: str) -> bool:
    return text.strip().lower() in NO_EXPIRY_TEXTS


def parse_vn_date(text: str) -> date | None:
    """A dd/mm/yyyy date (also with '.' or '-'), or None if ``text`` is not one."""
    m = _DATE_FULL.fullmatch(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def format_vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _is_partial_date(text: str) -> bool:
    m = _DATE_PARTIAL.fullmatch(text.strip())
    if m is None:
        return False
    return m.group(1) is None or 1 <= int(m.group(1)) <= 12


def _flatten(tlv: Tlv, out: list[str], depth: int, what: str) -> bool:
    """Append the strings under ``tlv`` to ``out``; True if a non-string value was met.

    A value of another type (INTEGER, OCTET STRING...) is kept as "#<tag>:<hex>" so it can be
    shown in ``unknown``, and the record is then never mapped to a named field.
    """
    if len(out) >= MAX_VALUES_PER_RECORD:
        raise LimitExceededError(f"{what}: more than {MAX_VALUES_PER_RECORD} values")
    if tlv.tag in STRING_TAGS:
        text = decode_string(tlv, what).replace("\r\n", " ").translate(_LINE_BREAKS)
        text = unicodedata.normalize("NFC", text).strip()
        if len(text) > MAX_VALUE_CHARS:
            raise LimitExceededError(f"{what}: value of {len(text)} characters")
        if any(unicodedata.category(c) == "Cc" for c in text):
            raise ParseError(f"{what}: value holds control characters")
        out.append(text)
        return False
    if tlv.tag in (TAG_SEQUENCE, TAG_SET):
        if depth >= MAX_NESTING:
            raise LimitExceededError(f"{what}: values nested deeper than {MAX_NESTING}")
        opaque = False
        for child in tlv.children(depth=4 + depth):
            opaque |= _flatten(child, out, depth + 1, what)
        return opaque
    if len(tlv.value) > MAX_OPAQUE_BYTES:
        raise LimitExceededError(f"{what}: non-string value of {len(tlv.value)} bytes")
    out.append(f"#{tlv.tag:X}:{tlv.value.hex().upper()}")
    return True


def _records(content: list[Tlv]) -> tuple[int | None, str | None, list[Tlv]]:
    version: int | None = None
    oid: str | None = None
    records: list[Tlv] = []
    for item in content:
        if item.tag == TAG_INTEGER and version is None and not records:
            version = decode_small_int(item, "DG13 version", hi=0xFFFF)
        elif item.tag == TAG_OID and oid is None and not records:
            oid = decode_oid(item, "DG13 character-set OID")
        elif item.tag == TAG_SET:
            records.extend(item.children(depth=2))
        elif item.tag == TAG_SEQUENCE:
            records.append(item)
        else:
            raise ParseError(f"DG13: unexpected tag {item.tag:X} among the records")
        if len(records) > MAX_RECORDS:
            raise LimitExceededError(f"DG13: more than {MAX_RECORDS} records")
    return version, oid, records


@names_file("DG13")
def parse_dg13(raw: bytes) -> Dg13:
    """Parse DG13. Structure errors raise ParseError; odd values go to ``unknown``."""
    if len(raw) > MAX_DG13_BYTES:
        raise LimitExceededError(f"DG13: {len(raw)} bytes, above the cap of {MAX_DG13_BYTES}")
    outer = parse_single(raw, "DG13")
    if outer.tag != TAG_DG13:
        raise ParseError(f"DG13: starts with tag {outer.tag:X}, expected 6D")
    content = outer.children()
    if len(content) == 1 and content[0].tag == TAG_SEQUENCE:
        inner = content[0].children(depth=1)
        # A lone wrapper SEQUENCE holds version, OID and records; a lone record (records
        # placed straight under 6D) is exactly { INTEGER field number, value }.
        lone_record = len(inner) == 2 and inner[0].tag == TAG_INTEGER and inner[1].tag != TAG_OID
        if not lone_record:
            content = inner
    version, oid, records = _records(content)

    values: dict[int, list[tuple[str, ...]]] = {}
    opaque_values: dict[int, tuple[str, ...]] = {}
    for i, record in enumerate(records, 1):
        if record.tag != TAG_SEQUENCE:
            raise ParseError(f"DG13 record {i}: tag {record.tag:X}, expected SEQUENCE (30)")
        parts = record.children(depth=3)
        if not parts:
            raise ParseError(f"DG13 record {i}: empty")
        number = decode_small_int(parts[0], f"DG13 record {i} field number", lo=0, hi=255)
        texts: list[str] = []
        opaque = False
        for part in parts[1:]:
            opaque |= _flatten(part, texts, 0, f"DG13 field {number}")
        if opaque:
            opaque_values[number] = opaque_values.get(number, ()) + tuple(texts)
        else:
            values.setdefault(number, []).append(tuple(texts))

    personal, unknown = _interpret(values)
    for number, opaque_texts in opaque_values.items():
        unknown[number] = unknown.get(number, ()) + opaque_texts
    return Dg13(
        personal=personal,
        unknown=unknown,
        raw=bytes(raw),
        version=version,
        charset_oid=oid,
        field_numbers=tuple(sorted({*values, *opaque_values})),
    )


def _single(texts: tuple[str, ...]) -> str | None:
    """The one non-empty text of a simple field, or None if it is not exactly one."""
    if len(texts) != 1 or not texts[0]:
        return None
    return texts[0]


def _interpret(
    values: dict[int, list[tuple[str, ...]]],
) -> tuple[PersonalData, dict[int, tuple[str, ...]]]:
    unknown: dict[int, tuple[str, ...]] = {}
    got: dict[str, Any] = {}

    def reject(number: int, texts: tuple[str, ...]) -> None:
        unknown[number] = unknown.get(number, ()) + texts

    simple = {
        2: "full_name",
        5: "nationality",
        6: "ethnicity",
        7: "religion",
        8: "place_of_origin",
        9: "place_of_residence",
        10: "identifying_features",
    }
    for number in sorted(values):
        occurrences = values[number]
        first, extra = occurrences[0], occurrences[1:]
        for dup in extra:  # a field given twice: keep the first, never guess
            reject(number, dup)
        text = _single(first)
        if number == 1:
            if text is not None and len(text) == 12 and is_digits(text):
                got["id_number"] = text
            elif first:
                reject(number, first)
        elif number in simple:
            if text is not None:
                got[simple[number]] = text
            elif any(first):
                reject(number, first)
        elif number == 3:
            if text is not None and (parse_vn_date(text) or _is_partial_date(text)):
                got["date_of_birth_text"] = text
                got["date_of_birth"] = parse_vn_date(text)
            elif any(first):
                reject(number, first)
        elif number == 4:
            if text is not None and text.lower() in _SEX:
                got["sex"] = text
            elif any(first):
                reject(number, first)
        elif number == 11:
            issued = parse_vn_date(text) if text is not None else None
            if issued is not None:
                got["date_of_issue"] = issued
            elif any(first):
                reject(number, first)
        elif number == 12:
            if text is not None and (parse_vn_date(text) or _is_no_expiry(text)):
                got["expiry_text"] = text
                got["date_of_expiry"] = parse_vn_date(text)
            elif any(first):
                reject(number, first)
        elif number == 13:
            # Father then mother; a lone name cannot be attributed, so it is not guessed.
            if len(first) == 2:
                got["father_name"] = first[0] or None
                got["mother_name"] = first[1] or None
            elif any(first):
                reject(number, first)
        elif number == 14:
            if text is not None:
                got["spouse_name"] = text
            elif any(first):
                reject(number, first)
        elif number in (15, 16):
            if (
                text is not None
                and len(text) in (9, 12)
                and is_digits(text)
                and "old_id_number" not in got
            ):
                got["old_id_number"] = text
            elif any(first):
                reject(number, first)
        elif any(first):
            reject(number, first)
    return PersonalData(**got), unknown


def _record(number: int, value: bytes) -> bytes:
    return sequence(encode_integer(number), value)


def encode_dg13(personal: PersonalData, *, version: int = 1) -> bytes:
    """Encode DG13 in the NFC_CCCD_Reader variant: records in a SET after version and OID.

    Absent (None) fields are omitted. Dates are written dd/mm/yyyy; ``date_of_birth_text`` and
    ``expiry_text`` are written as given when set (so "Không thời hạn" round-trips).
    """
    p = personal
    records: list[bytes] = []

    def text(number: int, value: str | None) -> None:
        if value is not None:
            records.append(_record(number, encode_utf8(value)))

    text(1, p.id_number)
    text(2, p.full_name)
    dob = p.date_of_birth_text
    if dob is None and p.date_of_birth is not None:
        dob = format_vn_date(p.date_of_birth)
    text(3, dob)
    text(4, p.sex)
    text(5, p.nationality)
    text(6, p.ethnicity)
    text(7, p.religion)
    text(8, p.place_of_origin)
    text(9, p.place_of_residence)
    text(10, p.identifying_features)
    text(11, format_vn_date(p.date_of_issue) if p.date_of_issue is not None else None)
    expiry = p.expiry_text
    if expiry is None and p.date_of_expiry is not None:
        expiry = format_vn_date(p.date_of_expiry)
    text(12, expiry)
    if p.father_name is not None or p.mother_name is not None:
        parents = sequence(encode_utf8(p.father_name or ""), encode_utf8(p.mother_name or ""))
        records.append(_record(13, parents))
    if p.spouse_name is not None:
        records.append(_record(14, sequence(encode_utf8(p.spouse_name))))
    text(15, p.old_id_number)
    body = encode_integer(version) + encode_oid(CHARSET_OID) + encode(TAG_SET, b"".join(records))
    return encode(TAG_DG13, sequence(body))
