"""The text of the QR code on a Vietnamese ID card: :func:`parse_cccd_qr` turns it into a QrCard.

Layouts (fields joined by ``|``, raw UTF-8, no ECI marker):

* **CCCD (chip card, Circular 06/2021/TT-BCA), QR on the front, 7 fields**::

      ID number | old ID number (9-digit CMND, may be empty) | full name |
      date of birth ddmmyyyy | sex ("Nam"/"Nữ") | place of residence | date of issue ddmmyyyy

  (the official description: "số CCCD, số CMND cũ, họ và tên, ngày sinh, giới tính, địa chỉ
  thường trú, ngày cấp", ictnews.vietnamnet.vn 2021-04 and baobariavungtau.com.vn 2022-12; the
  ddmmyyyy form is what open-source readers parse, e.g. phalconsupply/phongkham docs).

* **Căn cước (Circular 16/2024/TT-BCA, from 1 July 2024), QR on the back**: the circular lists
  the personal ID number, full name, date of birth, sex, place of residence, date of issue, the
  9-digit CMND number (if any), a cancelled personal ID number (if any) and, for some holders,
  the parents' names (afamily.vn / cand.com.vn 2024-06). Readers in the field see the same first
  seven positions as the 2021 layout followed by further positions that are often empty. So the
  first seven are parsed by position, exactly as for the 2021 card, and every further non-empty
  field is kept, in order, in :attr:`QrCard.extras` with a best-effort kind (another 12-digit ID
  number, a date, a name, other text); the exact meaning of positions 8+ is not published, so
  nothing is dropped and nothing is claimed.

Normalisation: bytes are decoded as strict UTF-8 (a clear error otherwise), full-width digits
and the full-width bar become ASCII, text is NFC, dates become :class:`datetime.date`, sex "M"/"F".
A date of birth known only to the year ("00001950") or month ("00031950") is kept as text.
Inconsistencies (the ID number against the birth date and sex, impossible dates) are reported in
:attr:`QrCard.problems`, never raised; a payload that is not a card QR raises
:class:`~cardreader.errors.QrFormatError` naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from cardreader.citizen import Inconsistency
from cardreader.errors import QrFormatError
from cardreader.id_number import IdNumberInfo, check_id_number, is_id_number
from cardreader.lds.mrz import is_digits
from cardreader.validity import CAN_CUOC_FROM, FIRST_CHIP_ISSUE, birthday

#: A QR code holds at most 2953 bytes (version 40-L, byte mode); a card's payload is ~200.
MAX_PAYLOAD_BYTES = 2953
MAX_PAYLOAD_CHARS = 2953
MAX_FIELDS = 32
MAX_FIELD_CHARS = 512
CORE_FIELDS = 7

GENERATION_CCCD_2021 = "cccd_2021"
GENERATION_CAN_CUOC_2024 = "can_cuoc_2024"

_FIELD_NAMES = (
    "id_number",
    "old_id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "address",
    "date_of_issue",
)
_FIELD_LABELS = {
    "id_number": "số định danh / ID number",
    "old_id_number": "số CMND cũ / old ID number",
    "full_name": "họ và tên / full name",
    "date_of_birth": "ngày sinh / date of birth",
    "sex": "giới tính / sex",
    "address": "nơi cư trú / address",
    "date_of_issue": "ngày cấp / date of issue",
}
# Full-width digits (U+FF10-FF19) and the full-width vertical line (U+FF5C) to ASCII.
_FULLWIDTH = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF5C: ord("|")}
_DATE_RE = re.compile(r"(\d{2})[/.\-]?(\d{2})[/.\-]?(\d{4})")
_SEX = {"nam": "M", "nữ": "F", "nu": "F", "m": "M", "f": "F", "male": "M", "female": "F"}


@dataclass(frozen=True, slots=True)
class QrExtra:
    """A field after the seventh (Căn cước 2024): its 1-based position, text and a guessed kind.

    ``kind`` is "id_number" (12 digits: e.g. a cancelled personal ID number), "old_id_number"
    (9 digits), "date" (ddmmyyyy, ``value`` then ISO), "name" (letters only) or "text".
    """

    position: int
    value: str
    kind: str


@dataclass(frozen=True, slots=True)
class QrCard:
    """The fields of a card's QR code, normalised. Dates are :class:`datetime.date`.

    ``date_of_birth`` is None when the card knows only the year (or month and year) of birth:
    then ``date_of_birth_text`` holds "1950" or "03/1950", as the card prints it.
    """

    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: date | None
    sex: str  # "M" | "F"
    address: str | None
    date_of_issue: date | None
    generation: str  # GENERATION_CCCD_2021 | GENERATION_CAN_CUOC_2024
    extras: tuple[QrExtra, ...]
    problems: tuple[Inconsistency, ...]
    id_info: IdNumberInfo
    field_count: int  # as on the code, trailing empty fields included
    date_of_birth_text: str | None = None

    @property
    def birth_year(self) -> int:
        if self.date_of_birth is not None:
            return self.date_of_birth.year
        assert self.date_of_birth_text is not None
        return int(self.date_of_birth_text[-4:])

    @property
    def consistent(self) -> bool:
        return not self.problems

    def to_mapping(self) -> dict[str, object]:
        """The kiosk's keys (``CitizenRecord.from_qr``), ISO dates, plus generation and extras."""
        return {
            "id_number": self.id_number,
            "old_id_number": self.old_id_number,
            "full_name": self.full_name,
            "date_of_birth": (
                self.date_of_birth.isoformat()
                if self.date_of_birth is not None
                else self.date_of_birth_text
            ),
            "sex": self.sex,
            "address": self.address,
            "date_of_issue": self.date_of_issue.isoformat() if self.date_of_issue else None,
            "generation": self.generation,
            "extras": [
                {"position": e.position, "kind": e.kind, "value": e.value} for e in self.extras
            ],
            "problems": [{"field": p.field, "message": p.message} for p in self.problems],
        }


def normalise_text(text: str) -> str:
    """Full-width digits and bar to ASCII, then NFC (NFD input from some systems composes)."""
    return unicodedata.normalize("NFC", text.translate(_FULLWIDTH))


def decode_payload(data: bytes | str) -> str:
    """The payload as normalised text: bytes decoded as strict UTF-8 (BOM dropped), capped."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > MAX_PAYLOAD_BYTES:
            raise QrFormatError(
                f"mã QR dài hơn {MAX_PAYLOAD_BYTES} byte / QR payload longer than "
                f"{MAX_PAYLOAD_BYTES} bytes"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QrFormatError(
                f"mã QR không phải văn bản UTF-8 (byte {exc.start}) / QR payload is not UTF-8 "
                f"text (byte {exc.start})"
            ) from None
    elif isinstance(data, str):
        text = data
    else:
        raise QrFormatError("QR payload must be bytes or text")
    if len(text) > MAX_PAYLOAD_CHARS:
        raise QrFormatError(
            f"mã QR dài hơn {MAX_PAYLOAD_CHARS} ký tự / QR payload longer than "
            f"{MAX_PAYLOAD_CHARS} characters"
        )
    return normalise_text(text.removeprefix("\ufeff"))


def parse_cccd_qr(data: bytes | str, *, today: date | None = None) -> QrCard:
    """Parse a CCCD (2021) or Căn cước (2024) QR payload; ``today`` fixes the clock for checks."""
    text = decode_payload(data).strip(" \t\r\n")
    if not text:
        raise QrFormatError("mã QR trống / the QR payload is empty")
    if text.count("|") + 1 > MAX_FIELDS:
        raise QrFormatError(
            f"mã QR có hơn {MAX_FIELDS} trường / QR payload has more than {MAX_FIELDS} fields"
        )
    parts = text.split("|")
    field_count = len(parts)
    if field_count < CORE_FIELDS:
        raise QrFormatError(
            f"mã QR có {field_count} trường, thẻ căn cước có ít nhất {CORE_FIELDS} (phân tách "
            f"bằng '|') / the QR has {field_count} fields, a card QR has at least {CORE_FIELDS} "
            "separated by '|'"
        )
    fields = [_clean_field(p, i) for i, p in enumerate(parts)]
    core = dict(zip(_FIELD_NAMES, fields[:CORE_FIELDS], strict=True))

    id_number = core["id_number"]
    if not is_id_number(id_number):
        raise _field_error("id_number", "không phải 12 chữ số / is not 12 digits")
    old_id = core["old_id_number"] or None
    if old_id is not None and not (is_digits(old_id) and len(old_id) in (9, 12)):
        raise _field_error("old_id_number", "không phải 9 hoặc 12 chữ số / is not 9 or 12 digits")
    full_name = " ".join(core["full_name"].split())
    if not full_name:
        raise _field_error("full_name", "trống / is empty")
    if any(ch.isdigit() for ch in full_name):
        raise _field_error("full_name", "chứa chữ số / contains digits")
    dob, dob_text = _parse_birth_date(core["date_of_birth"])
    sex = _SEX.get(core["sex"].casefold())
    if sex is None:
        raise _field_error("sex", 'không phải "Nam" hoặc "Nữ" / is not "Nam" or "Nữ"')
    address = " ".join(core["address"].split()) or None
    doi = None
    if core["date_of_issue"]:
        doi = _parse_date(core["date_of_issue"])
        if doi is None:
            raise _field_error("date_of_issue", "không phải ngày ddmmyyyy / is not a ddmmyyyy date")

    extras = tuple(
        _extra(i + 1, value) for i, value in enumerate(fields) if i >= CORE_FIELDS and value
    )
    if field_count > CORE_FIELDS or (doi is not None and doi >= CAN_CUOC_FROM):
        generation = GENERATION_CAN_CUOC_2024
    else:
        generation = GENERATION_CCCD_2021

    now = today or date.today()
    id_info = check_id_number(id_number, dob, sex, today=now)
    problems = list(id_info.problems)
    if dob is None and dob_text is not None and int(dob_text[-4:]) != id_info.birth_year:
        problems.append(
            Inconsistency(
                "id_number_birth_year",
                "năm sinh trong số định danh không khớp năm sinh / "
                "the ID number's birth-year digits do not match the year of birth",
            )
        )
    problems.extend(_date_problems(dob, doi, now))
    return QrCard(
        id_number=id_number,
        old_id_number=old_id,
        full_name=full_name,
        date_of_birth=dob,
        sex=sex,
        address=address,
        date_of_issue=doi,
        generation=generation,
        extras=extras,
        problems=tuple(problems),
        id_info=id_info,
        field_count=field_count,
        date_of_birth_text=dob_text,
    )


def _field_error(name: str, what: str) -> QrFormatError:
    position = _FIELD_NAMES.index(name) + 1
    return QrFormatError(f"mã QR, trường {position} ({_FIELD_LABELS[name]}): {what}")


def _clean_field(value: str, index: int) -> str:
    value = value.strip()
    if len(value) > MAX_FIELD_CHARS:
        raise QrFormatError(
            f"mã QR, trường {index + 1}: dài hơn {MAX_FIELD_CHARS} ký tự / QR field "
            f"{index + 1} is longer than {MAX_FIELD_CHARS} characters"
        )
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in "\u2028\u2029":
            raise QrFormatError(
                f"mã QR, trường {index + 1}: chứa ký tự điều khiển U+{ord(ch):04X} / QR field "
                f"{index + 1} contains the control character U+{ord(ch):04X}"
            )
    return value


def _parse_date(text: str) -> date | None:
    m = _DATE_RE.fullmatch(text)
    if m is None or not text.isascii():
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _parse_birth_date(text: str) -> tuple[date | None, str | None]:
    """A full date, or a year / month-and-year known only ("00001950" -> "1950")."""
    if not text:
        raise _field_error("date_of_birth", "trống / is empty")
    full = _parse_date(text)
    if full is not None:
        return full, None
    m = _DATE_RE.fullmatch(text)
    if m is not None and text.isascii() and m.group(1) == "00" and int(m.group(3)) > 0:
        month, year = int(m.group(2)), m.group(3)
        if month == 0:
            return None, year
        if 1 <= month <= 12:
            return None, f"{month:02d}/{year}"
    raise _field_error("date_of_birth", "không phải ngày ddmmyyyy / is not a ddmmyyyy date")


def _extra(position: int, value: str) -> QrExtra:
    if is_id_number(value):
        return QrExtra(position, value, "id_number")
    if is_digits(value) and len(value) == 9:
        return QrExtra(position, value, "old_id_number")
    parsed = _parse_date(value)
    if parsed is not None:
        return QrExtra(position, parsed.isoformat(), "date")
    words = value.split()
    if words and all(w.isalpha() for w in words):
        return QrExtra(position, " ".join(words), "name")
    return QrExtra(position, value, "text")


def _date_problems(dob: date | None, doi: date | None, today: date) -> list[Inconsistency]:
    out: list[Inconsistency] = []
    if dob is not None and dob > today:
        out.append(
            Inconsistency(
                "date_of_birth", "ngày sinh ở tương lai / the date of birth is in the future"
            )
        )
    if doi is None:
        out.append(Inconsistency("date_of_issue", "thiếu ngày cấp / the date of issue is missing"))
        return out
    if doi > today:
        out.append(
            Inconsistency(
                "date_of_issue", "ngày cấp ở tương lai / the date of issue is in the future"
            )
        )
    if dob is not None and doi < dob:
        out.append(
            Inconsistency(
                "date_of_issue",
                "ngày cấp trước ngày sinh / the date of issue is before the date of birth",
            )
        )
    elif doi < FIRST_CHIP_ISSUE:
        out.append(
            Inconsistency(
                "date_of_issue",
                "ngày cấp trước năm 2021, khi thẻ có mã QR bắt đầu được cấp / the date of issue "
                "is before 2021, when cards with a QR code were first issued",
            )
        )
    elif dob is not None and doi < CAN_CUOC_FROM and doi < birthday(dob, 14):
        out.append(
            Inconsistency(
                "date_of_issue",
                "thẻ CCCD cấp trước 14 tuổi (trước 1/7/2024 chỉ cấp từ 14 tuổi) / a CCCD issued "
                "before age 14 (before 1 July 2024 cards were issued from 14 on)",
            )
        )
    return out
