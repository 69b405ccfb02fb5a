"""TD1 machine-readable zone: check digits, parsing and formatting (ICAO Doc 9303-3 and -5).

Layout (ICAO 9303-5, section 4.2.2, three lines of 30 characters)::

    line 1: 1-2 document code, 3-5 issuing state, 6-14 document number, 15 check digit,
            16-30 optional data 1
    line 2: 1-6 date of birth YYMMDD, 7 check digit, 8 sex, 9-14 date of expiry, 15 check
            digit, 16-18 nationality, 19-29 optional data 2, 30 composite check digit
            (over line 1 positions 6-30 and line 2 positions 1-7, 9-15, 19-29)
    line 3: name, primary identifier << secondary identifier, '<' for spaces

Document numbers longer than nine characters (ICAO 9303-5 note j): the first nine go in the
document-number field, position 15 holds '<', and the remaining characters followed by the check
digit over the whole number start optional data 1, terminated by '<'.

Vietnam's CCCD / Căn cước (observed on many public sample MRZs, e.g. ``IDVNM`` + 9 digits):
the document-number field holds the LAST 9 digits of the 12-digit personal ID number with its
ordinary check digit, and optional data 1 holds the full 12-digit number, "<<" and a check digit
computed over those 12 digits. A card without an expiry date ("Không thời hạn") carries the
expiry 991231 in the MRZ. The 12-digit number's fourth digit encodes sex and century of birth
(0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s ...; Circular 07/2016/TT-BCA art. 7), and its
fifth and sixth digits are the last two digits of the birth year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from cardreader.errors import ParseError

TD1_LENGTH = 90
TD2_LENGTH = 72
TD3_LENGTH = 88
NO_EXPIRY_RAW = "991231"

_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_WEIGHTS = (7, 3, 1)
_CCCD_OPTIONAL = re.compile(r"(\d{12})(?:<<(\d))?", re.ASCII)


def is_digits(s: str) -> bool:
    """True if ``s`` is non-empty and only ASCII 0-9 (str.isdigit also accepts '٣', '²'...)."""
    return s.isascii() and s.isdigit()


def _char_value(c: str) -> int:
    if c == "<":
        return 0
    if "0" <= c <= "9":
        return ord(c) - ord("0")
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    raise ValueError(f"character {c!r} is not allowed in an MRZ")


def check_digit(s: str) -> str:
    """ICAO 9303-3 section 4.9 check digit: weights 7-3-1, '<' = 0, A = 10 .. Z = 35, mod 10.

    ValueError if ``s`` has a character outside A-Z, 0-9 and '<'.
    """
    total = 0
    for i, c in enumerate(s):
        total += _char_value(c) * _WEIGHTS[i % 3]
    return str(total % 10)


def to_mrz_chars(text: str) -> str:
    """Transliterate a name or value to MRZ characters: "Nguyễn Văn Thử" -> "NGUYEN<VAN<THU".

    Vietnamese diacritics are removed (đ/Đ -> D); spaces, hyphens and apostrophes become '<';
    anything else that is not A-Z or 0-9 is dropped.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text.upper())
    out = []
    for c in decomposed:
        if c in _ALLOWED:
            out.append(c)
        elif c in " -'":
            out.append("<")
    return re.sub("<+", "<", "".join(out)).strip("<")


@dataclass(frozen=True, slots=True)
class Td1Mrz:
    """A parsed TD1 MRZ. Text fields have their '<' filler removed; ``*_raw`` dates are YYMMDD."""

    document_code: str
    issuing_state: str
    document_number: str
    document_number_check: str
    optional_data_1: str
    date_of_birth_raw: str
    date_of_birth: date | None
    date_of_birth_check: str
    sex: str
    date_of_expiry_raw: str
    date_of_expiry: date | None
    date_of_expiry_check: str
    nationality: str
    optional_data_2: str
    composite_check: str
    primary_identifier: str
    secondary_identifier: str
    failed_checks: tuple[str, ...]
    text: str

    @property
    def check_digits_valid(self) -> bool:
        return not self.failed_checks

    @property
    def no_expiry(self) -> bool:
        """True when the card carries the "no expiry" marker 991231 (CCCD for holders 60+)."""
        return self.date_of_expiry_raw == NO_EXPIRY_RAW

    @property
    def id_number(self) -> str | None:
        """The 12-digit CCCD personal ID number, or None if the MRZ does not carry one."""
        m = _CCCD_OPTIONAL.fullmatch(self.optional_data_1)
        if m:
            return m.group(1)
        if len(self.document_number) == 12 and is_digits(self.document_number):
            return self.document_number
        return None

    @property
    def full_name(self) -> str:
        """Primary and secondary identifiers joined with a space ("NGUYEN VAN THU")."""
        return " ".join(p for p in (self.primary_identifier, self.secondary_identifier) if p)

    @property
    def lines(self) -> tuple[str, str, str]:
        return self.text[0:30], self.text[30:60], self.text[60:90]


def _strip(field: str) -> str:
    return field.rstrip("<")


def _name_part(field: str) -> str:
    return " ".join(p for p in field.split("<") if p)


def _parse_yymmdd(raw: str) -> tuple[int, int, int] | None:
    if not is_digits(raw):
        return None
    return int(raw[0:2]), int(raw[2:4]), int(raw[4:6])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _century_from_id(id_number: str | None) -> int | None:
    """Birth century from the CCCD number's 4th digit (0/1 -> 1900, 2/3 -> 2000 ...)."""
    if id_number is None:
        return None
    return 1900 + 100 * (int(id_number[3]) // 2)


def resolve_birth_date(raw: str, *, today: date, id_number: str | None = None) -> date | None:
    """A YYMMDD birth date with its century resolved, or None if it is not a valid date.

    The century comes from the CCCD number when there is one, it agrees with the two-digit
    year and the result is not in the future; otherwise a birth date is taken to be the latest
    one not in the future.
    """
    parts = _parse_yymmdd(raw)
    if parts is None:
        return None
    yy, mm, dd = parts
    century = _century_from_id(id_number)
    if century is not None and id_number is not None and id_number[4:6] == raw[0:2]:
        from_id = _safe_date(century + yy, mm, dd)
        if from_id is not None and from_id <= today:
            return from_id
    candidate = _safe_date(2000 + yy, mm, dd)
    if candidate is not None and candidate <= today:
        return candidate
    return _safe_date(1900 + yy, mm, dd)


def resolve_expiry_date(raw: str) -> date | None:
    """A YYMMDD expiry date (always 20YY), or None for the no-expiry marker or a bad date."""
    if raw == NO_EXPIRY_RAW:
        return None
    parts = _parse_yymmdd(raw)
    if parts is None:
        return None
    yy, mm, dd = parts
    return _safe_date(2000 + yy, mm, dd)


def _normalize(text: str, what: str) -> str:
    compact = "".join(text.split())
    n = len(compact)
    if n == TD2_LENGTH:
        raise ParseError(f"{what}: MRZ is {n} chars (a TD2 MRZ), expected a 90-char TD1 MRZ")
    if n == TD3_LENGTH:
        raise ParseError(f"{what}: MRZ is {n} chars (a TD3 passport MRZ), expected 90 (TD1)")
    if n != TD1_LENGTH:
        raise ParseError(f"{what}: MRZ is {n} chars, expected 90")
    bad = sorted({c for c in compact if c not in _ALLOWED})
    if bad:
        shown = "".join(bad)[:10]
        raise ParseError(f"{what}: MRZ holds characters outside A-Z 0-9 '<': {shown!r}")
    return compact


def parse_td1(text: str, *, today: date | None = None, what: str = "MRZ") -> Td1Mrz:
    """Parse a TD1 MRZ (90 characters; line breaks and spaces are ignored).

    Bad check digits do not raise: they are listed in ``failed_checks`` so a caller can still
    show the data and flag it. ParseError for a wrong length or characters outside the MRZ set.
    """
    if today is None:
        today = date.today()
    mrz = _normalize(text, what)
    l1, l2, l3 = mrz[0:30], mrz[30:60], mrz[60:90]

    failed: list[str] = []
    doc_field = l1[5:14]
    doc_check = l1[14]
    opt1 = l1[15:30]
    if doc_check == "<" and "<" not in doc_field and opt1[0] != "<":
        # ICAO long document number: the rest of the number and its check digit lead opt1.
        ext, _, rest = opt1.partition("<")
        document_number = doc_field + ext[:-1]
        doc_check = ext[-1]
        optional_data_1 = _strip(rest)
    else:
        document_number = _strip(doc_field)
        optional_data_1 = _strip(opt1)
    if check_digit(document_number) != doc_check:
        failed.append("document_number")

    dob_raw, dob_check = l2[0:6], l2[6]
    if check_digit(dob_raw) != dob_check:
        failed.append("date_of_birth")
    sex_char = l2[7]
    sex = {"M": "M", "F": "F", "<": "X", "X": "X"}.get(sex_char)
    if sex is None:
        raise ParseError(f"{what}: sex is {sex_char!r}, expected M, F, X or '<'")
    doe_raw, doe_check = l2[8:14], l2[14]
    if check_digit(doe_raw) != doe_check:
        failed.append("date_of_expiry")
    composite = l2[29]
    if check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) != composite:
        failed.append("composite")

    cccd = _CCCD_OPTIONAL.fullmatch(optional_data_1)
    if cccd and cccd.group(2) is not None and check_digit(cccd.group(1)) != cccd.group(2):
        failed.append("id_number")
    id_number = cccd.group(1) if cccd else None

    primary, _, secondary = l3.partition("<<")
    return Td1Mrz(
        document_code=_strip(l1[0:2]),
        issuing_state=_strip(l1[2:5]),
        document_number=document_number,
        document_number_check=doc_check,
        optional_data_1=optional_data_1,
        date_of_birth_raw=dob_raw,
        date_of_birth=resolve_birth_date(dob_raw, today=today, id_number=id_number),
        date_of_birth_check=dob_check,
        sex=sex,
        date_of_expiry_raw=doe_raw,
        date_of_expiry=resolve_expiry_date(doe_raw),
        date_of_expiry_check=doe_check,
        nationality=_strip(l2[15:18]),
        optional_data_2=_strip(l2[18:29]),
        composite_check=composite,
        primary_identifier=_name_part(primary),
        secondary_identifier=_name_part(secondary),
        failed_checks=tuple(failed),
        text=mrz,
    )


def _field(value: str, width: int, what: str) -> str:
    value = value.replace(" ", "<")
    if any(c not in _ALLOWED for c in value):
        raise ValueError(f"{what} {value!r} has characters outside A-Z 0-9 '<'")
    if len(value) > width:
        raise ValueError(f"{what} {value!r} is longer than {width} characters")
    return value.ljust(width, "<")


def _yymmdd(value: str | date, what: str) -> str:
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    if len(value) != 6 or any(c not in _ALLOWED for c in value):
        raise ValueError(f"{what} {value!r} is not YYMMDD")
    return value


def format_td1(
    *,
    document_number: str,
    date_of_birth: str | date,
    sex: str,
    date_of_expiry: str | date | None,
    primary_identifier: str,
    secondary_identifier: str = "",
    document_code: str = "ID",
    issuing_state: str = "VNM",
    nationality: str = "VNM",
    optional_data_1: str = "",
    optional_data_2: str = "",
) -> str:
    """A 90-character TD1 MRZ with all check digits computed (ValueError on bad input).

    ``date_of_expiry=None`` writes the no-expiry marker 991231. Names are transliterated with
    :func:`to_mrz_chars` and truncated to fit line 3.
    """
    sex_char = {"M": "M", "F": "F", "X": "<", "<": "<"}.get(sex)
    if sex_char is None:
        raise ValueError(f"sex {sex!r}: expected M, F or X")
    doc = document_number.replace(" ", "<")
    if len(doc) > 9:
        # ICAO 9303-5 note j: long document number continues in optional data 1.
        doc_field = _field(doc[:9], 9, "document number") + "<"
        opt1 = _field(doc[9:] + check_digit(doc) + "<" + optional_data_1, 15, "optional data 1")
    else:
        doc_field = _field(doc, 9, "document number")
        doc_field += check_digit(doc_field)
        opt1 = _field(optional_data_1, 15, "optional data 1")
    l1 = _field(document_code, 2, "document code") + _field(issuing_state, 3, "issuing state")
    l1 += doc_field + opt1
    dob = _yymmdd(date_of_birth, "date of birth")
    doe = NO_EXPIRY_RAW if date_of_expiry is None else _yymmdd(date_of_expiry, "date of expiry")
    l2 = dob + check_digit(dob) + sex_char + doe + check_digit(doe)
    l2 += _field(nationality, 3, "nationality") + _field(optional_data_2, 11, "optional data 2")
    l2 += check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    name = to_mrz_chars(primary_identifier)
    if secondary_identifier:
        name += "<<" + to_mrz_chars(secondary_identifier)
    l3 = name[:30].ljust(30, "<")
    return l1 + l2 + l3


def format_cccd_td1(
    *,
    id_number: str,
    date_of_birth: date,
    sex: str,
    date_of_expiry: date | None,
    primary_identifier: str,
    secondary_identifier: str,
) -> str:
    """The TD1 MRZ of a CCCD: last 9 ID digits as document number, the 12 digits in opt. data 1."""
    if len(id_number) != 12 or not is_digits(id_number):
        raise ValueError("a CCCD ID number has exactly 12 digits")
    return format_td1(
        document_number=id_number[3:],
        date_of_birth=date_of_birth,
        sex=sex,
        date_of_expiry=date_of_expiry,
        primary_identifier=primary_identifier,
        secondary_identifier=secondary_identifier,
        optional_data_1=id_number + "<<" + check_digit(id_number),
    )
