"""Validation rules for form values.

Each validator takes the text a person entered and returns it normalised (a phone number
without spaces, an upper-case BHYT card code) or raises :class:`FieldError` with a
Vietnamese and an English message.  Sources for the formats:

* ID number (số định danh cá nhân): 12 digits = 3-digit province code of birth registration,
  1 digit for century and sex, 2 digits for the year of birth, 6 random digits — Decree
  137/2015/NĐ-CP art. 7 and Circular 07/2016/TT-BCA art. 7 (the province code table).
* BHYT card: 15 characters = 2-letter beneficiary group, 1 digit benefit level (1-5), 2-digit
  province code and the 10-digit social-insurance number (Decision 1666/QĐ-BHXH 2020); since
  2024 clinics may look up by the 10-digit number or the 12-digit ID number instead.
* Phone: Vietnam's 10-digit mobile numbers start 03/05/07/08/09 since the 2018 renumbering;
  fixed lines are 11 digits starting 02; +84 replaces the leading 0 internationally.
"""

from __future__ import annotations

import re
from datetime import date

from kiosk.procedures.model import Text

MAX_TEXT_LENGTH = 2000

# Province codes of the ID number (Circular 07/2016/TT-BCA, annex): the 63 pre-2025 provinces.
ID_PROVINCE_CODES = frozenset(
    {
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    }
)


class FieldError(Exception):
    """A value failed a rule.  ``code`` is stable (e.g. "required", "phone_vn")."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(code, vi, en)
        self.code = code
        self.vi = vi
        self.en = en

    def __str__(self) -> str:
        return f"{self.code}: {self.en}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.code, self.vi, self.en) == (
            other.code,
            other.vi,
            other.en,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.vi, self.en))


def _error(code: str, vi: str, en: str, override: Text | None = None) -> FieldError:
    if override is not None:
        return FieldError(code, override.vi, override.en)
    return FieldError(code, vi, en)


def required(value: str) -> str:
    if not value.strip():
        raise FieldError("required", "Trường này bắt buộc.", "This field is required.")
    return value


def phone_vn(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if re.fullmatch(r"0[35789]\d{8}", digits) or re.fullmatch(r"02\d{9}", digits):
        return digits
    raise FieldError(
        "phone_vn",
        "Số điện thoại không hợp lệ (10 số, bắt đầu bằng 03, 05, 07, 08, 09; hoặc số cố định 02…).",
        "Not a valid Vietnamese phone number (10 digits starting 03/05/07/08/09, or 02… fixed).",
    )


_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def email(value: str) -> str:
    text = value.strip()
    if len(text) <= 254 and _EMAIL_RE.match(text) and ".." not in text:
        return text
    raise FieldError("email", "Địa chỉ email không hợp lệ.", "Not a valid email address.")


def id_number(value: str) -> str:
    text = re.sub(r"\s", "", value)
    if re.fullmatch(r"\d{12}", text) and text[:3] in ID_PROVINCE_CODES:
        return text
    raise FieldError(
        "id_number",
        "Số định danh cá nhân phải gồm 12 chữ số, 3 số đầu là mã tỉnh hợp lệ.",
        "The personal ID number must be 12 digits starting with a valid province code.",
    )


def id_or_passport(value: str) -> str:
    text = re.sub(r"\s", "", value).upper()
    if re.fullmatch(r"\d{12}", text):
        return id_number(text)
    if re.fullmatch(r"\d{9}", text) or re.fullmatch(r"[A-Z0-9]{6,12}", text):
        return text
    raise FieldError(
        "id_or_passport",
        "Nhập số định danh cá nhân (12 số), số CMND (9 số) hoặc số hộ chiếu.",
        "Enter a 12-digit ID number, a 9-digit old ID number or a passport number.",
    )


def bhyt_card(value: str) -> str:
    text = re.sub(r"[\s\-]", "", value).upper()
    if re.fullmatch(r"[A-Z]{2}[1-5]\d{12}", text) or re.fullmatch(r"\d{10}", text):
        return text
    if re.fullmatch(r"\d{12}", text):
        return id_number(text)
    raise FieldError(
        "bhyt_card",
        "Mã thẻ BHYT gồm 15 ký tự (ví dụ DN4 01 0123456789), mã số BHXH 10 số hoặc số CCCD.",
        "A BHYT card code is 15 characters; or enter the 10-digit social-insurance number or "
        "the 12-digit ID number.",
    )


def parse_vn_date(value: str) -> date:
    """'dd/mm/yyyy' (also '-' or '.' separated) or ISO 'yyyy-mm-dd'."""
    text = value.strip()
    try:
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise FieldError(
        "date",
        "Ngày không hợp lệ (dạng ngày/tháng/năm, ví dụ 05/09/1990).",
        "Not a valid date (day/month/year, e.g. 05/09/1990).",
    )


def format_vn_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


_PARTIAL_RE = re.compile(r"^(?:(\d{1,2})[/.\-])?(\d{4})$")


def parse_partial_date(value: str) -> tuple[date, date, str]:
    """A date that may be partial — "1950" or "03/1950", as ID cards print for people whose
    day or month of birth was never recorded — as (earliest, latest, normalised text)."""
    text = re.sub(r"^(?:00[/.\-])+", "", value.strip())  # "00/00/1950": day, month unknown
    match = _PARTIAL_RE.match(text)
    if match is None:
        day = parse_vn_date(text)
        return day, day, format_vn_date(day)
    year = int(match[2])
    if not 1800 <= year <= 2200 or (match[1] is not None and not 1 <= int(match[1]) <= 12):
        parse_vn_date("")  # raises the standard date error
    if match[1] is None:
        return date(year, 1, 1), date(year, 12, 31), f"{year:04d}"
    month = int(match[1])
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
    return date(year, month, 1), date(year, month, last), f"{month:02d}/{year:04d}"


def date_value(value: str, *, partial: bool = False) -> str:
    """The normalised date text; ``partial`` also accepts "yyyy" and "mm/yyyy"."""
    if partial:
        return parse_partial_date(value)[2]
    return format_vn_date(parse_vn_date(value))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def apply_rule(
    rule_name: str,
    value: str,
    *,
    param: str | int | None,
    maximum: int | None,
    message: Text | None,
    today: date,
    other: str | None = None,
) -> str:
    """Apply one named rule to a non-empty value; returns the normalised value."""
    simple = {
        "phone_vn": phone_vn, "email": email, "id_number": id_number,
        "id_or_passport": id_or_passport, "bhyt_card": bhyt_card,
    }  # fmt: skip
    if rule_name in simple:
        try:
            return simple[rule_name](value)
        except FieldError as exc:
            raise _error(exc.code, exc.vi, exc.en, message) from None
    if rule_name == "min_length":
        if len(value.strip()) < int(param or 0):
            raise _error(
                "min_length",
                f"Cần ít nhất {param} ký tự.",
                f"At least {param} characters are needed.",
                message,
            )
        return value
    if rule_name == "max_length":
        if len(value) > int(param or 0):
            raise _error(
                "max_length", f"Tối đa {param} ký tự.", f"At most {param} characters.", message
            )
        return value
    if rule_name == "pattern":
        if not re.fullmatch(str(param), value.strip()):
            raise _error(
                "pattern", "Giá trị không đúng định dạng.", "The value has the wrong form.", message
            )
        return value
    if rule_name == "integer_range":
        if not re.fullmatch(r"-?\d{1,9}", value.strip()):
            raise _error("integer", "Cần nhập một số nguyên.", "A whole number is needed.", message)
        number = int(value.strip())
        low = int(param) if param is not None else None
        if (low is not None and number < low) or (maximum is not None and number > maximum):
            raise _error(
                "integer_range",
                f"Giá trị phải từ {low} đến {maximum}.",
                f"The value must be between {low} and {maximum}.",
                message,
            )
        return str(number)
    # Partial dates ("1950") are judged leniently: by whichever end of their range passes.
    earliest, latest, normalised = parse_partial_date(value)
    if rule_name == "date_not_future":
        if earliest > today:
            raise _error(
                "date_not_future",
                "Ngày không được ở tương lai.",
                "The date cannot be in the future.",
                message,
            )
    elif rule_name == "date_not_past":
        if latest < today:
            raise _error(
                "date_not_past",
                "Ngày không được ở quá khứ.",
                "The date cannot be in the past.",
                message,
            )
    elif rule_name == "age_under":
        if age_on(latest, today) >= int(param or 0):
            raise _error(
                "age_under",
                f"Người này phải dưới {param} tuổi.",
                f"The person must be under {param} years old.",
                message,
            )
    elif rule_name == "age_at_least":
        if age_on(earliest, today) < int(param or 0):
            raise _error(
                "age_at_least",
                f"Người này phải đủ {param} tuổi.",
                f"The person must be at least {param} years old.",
                message,
            )
    elif rule_name == "not_before_field":
        if other:
            try:
                earlier = parse_partial_date(other)[0]
            except FieldError:
                return normalised
            if latest < earlier:
                raise _error(
                    "not_before_field",
                    "Ngày này không được trước ngày bắt đầu.",
                    "This date cannot be before the start date.",
                    message,
                )
    else:
        raise ValueError(f"unknown rule {rule_name!r}")
    return normalised
