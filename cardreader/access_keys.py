"""Chip access keys from what the card's QR code (or the holder) tells: no MRZ typing.

* **CAN for PACE**: the last 6 digits of the 12-digit ID number. Vietnamese cards accept it as
  the PACE password (open-source CCCD readers use it: NghiaLio/NFC_CCCD_Reader,
  flutter_cccd_vn; see /work/shared/engineering-notes.md). Try PACE with it first.
* **BAC keys** (ICAO Doc 9303-11 4.3, the MRZ's document number, birth date, expiry date):
  the document number is the LAST 9 digits of the ID number (taking the first 9 is the classic
  bug: those are province + century/sex + birth year, not the document number); the birth date
  is the QR's; the expiry comes from the legal validity rule (:mod:`cardreader.validity`).

With a date of issue the expiry is exact (one candidate; a second only when the issue date is
within a few days of a 2-year boundary, where rounding by the issuing office could go either
way). Without one, every expiry the rule allows for a chip card issued between 2021 and today is
a candidate, ordered: cards still valid today first, the one produced by the widest range of
possible issue dates first among them; then expired cards, most recent first; "no expiry"
(MRZ 991231) where the holder could have a card issued at 58 or later. 29 February births also
try 28 February after the 1 March convention.

Why at most :data:`MAX_BAC_CANDIDATES` (4) tries: BAC has no retry counter on ICAO chips (a
wrong key only fails mutual authentication, 6300/6982), but some chips slow down or lock after
repeated failures (ICAO 9303-11 4.3 leaves the reaction to the issuer), each failed try costs
~100-300 ms at a kiosk, and a wrong birth date would fail all of them anyway. Four covers every
realistic case (current card, the card issued within the grace window, an expired card, no
expiry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from cardreader.bac import BacKey
from cardreader.errors import InputError
from cardreader.id_number import is_id_number
from cardreader.qr.payload import QrCard
from cardreader.validity import (
    CAN_CUOC_FROM,
    FIRST_CHIP_ISSUE,
    GRACE_YEARS,
    RENEWAL_AGES,
    birthday,
    cccd_expiry,
    expiry_age,
    grace_boundaries,
    is_valid_on,
    mrz_expiry,
)

CAN_LENGTH = 6
DOCUMENT_NUMBER_LENGTH = 9
MAX_BAC_CANDIDATES = 4
#: An issue date this close to a 2-year boundary also tries the expiry on the other side.
BOUNDARY_DAYS = 3

LABEL_ISSUE_DATE = "issue_date"
LABEL_BOUNDARY = "issue_date_boundary"
LABEL_LEAP_DAY = "leap_day_28_february"
LABEL_CURRENT = "valid_today"
LABEL_EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class BacCandidate(BacKey):
    """A BAC key to try, with why: ``label`` (LABEL_* code) and ``description`` (vi / en).

    ``expiry`` is the date the candidate assumes (None: no expiry, MRZ 991231).
    """

    label: str = ""
    description: str = ""
    expiry: date | None = None


@dataclass(frozen=True, slots=True)
class AccessKeys:
    """What to try on the chip, in order: PACE with ``can``, then the BAC ``bac`` candidates.

    ``bac`` is empty when the birth date is known only to the year (``bac_note`` says so).
    """

    can: str
    bac: tuple[BacCandidate, ...]
    bac_note: str | None = None


def can_from_id_number(id_number: str) -> str:
    """The PACE CAN: the last 6 digits of the 12-digit ID number."""
    if not is_id_number(id_number):
        raise InputError("số định danh phải gồm 12 chữ số / the ID number must be 12 digits")
    return id_number[-CAN_LENGTH:]


def document_number(id_number: str) -> str:
    """The MRZ document number of a CCCD: the LAST 9 digits of the ID number."""
    if not is_id_number(id_number):
        raise InputError("số định danh phải gồm 12 chữ số / the ID number must be 12 digits")
    return id_number[-DOCUMENT_NUMBER_LENGTH:]


def bac_candidates(
    id_number: str,
    date_of_birth: date,
    date_of_issue: date | None = None,
    *,
    today: date | None = None,
    limit: int = MAX_BAC_CANDIDATES,
) -> list[BacCandidate]:
    """The BAC keys to try, most likely first, at most ``limit`` (each labelled)."""
    doc = document_number(id_number)
    if limit < 1:
        raise InputError("limit must be at least 1")
    now = today or date.today()
    if date_of_issue is not None:
        expiries = _from_issue_date(date_of_birth, date_of_issue)
    else:
        expiries = _plausible(date_of_birth, now)
    expiries = _with_leap_day(date_of_birth, expiries)
    dob = date_of_birth.strftime("%y%m%d")
    out: list[BacCandidate] = []
    seen: set[str] = set()
    for expiry, label in expiries:
        raw = mrz_expiry(expiry)
        if raw in seen:
            continue
        seen.add(raw)
        out.append(
            BacCandidate(
                doc,
                dob,
                raw,
                label=label,
                description=_describe(label, date_of_birth, expiry),
                expiry=expiry,
            )
        )
        if len(out) == limit:
            break
    return out


def access_keys_from_qr(card: QrCard, *, today: date | None = None) -> AccessKeys:
    """The CAN and the BAC candidates for the card a QR code came from."""
    can = can_from_id_number(card.id_number)
    if card.date_of_birth is None:
        return AccessKeys(
            can,
            (),
            "ngày sinh chỉ có năm: không tạo được khóa BAC, dùng PACE với CAN / the birth date "
            "is known only to the year: no BAC key, use PACE with the CAN",
        )
    keys = bac_candidates(card.id_number, card.date_of_birth, card.date_of_issue, today=today)
    return AccessKeys(can, tuple(keys))


def _from_issue_date(dob: date, issued: date) -> list[tuple[date | None, str]]:
    out: list[tuple[date | None, str]] = [(cccd_expiry(dob, issued), LABEL_ISSUE_DATE)]
    for boundary in grace_boundaries(dob):
        if abs((issued - boundary).days) <= BOUNDARY_DAYS:
            shifted = boundary - timedelta(days=1) if issued >= boundary else boundary
            out.append((cccd_expiry(dob, shifted), LABEL_BOUNDARY))
    return out


def _plausible(dob: date, today: date) -> list[tuple[date | None, str]]:
    """Every expiry a chip card issued in [2021, today] can carry, most likely first."""
    start = max(FIRST_CHIP_ISSUE, dob)
    end = today + timedelta(days=1)
    if start >= end:  # a clock before 2021 or a birth date in the future: no issue date fits
        return _ahead(dob, today)
    cuts = {start, end, CAN_CUOC_FROM, birthday(dob, RENEWAL_AGES[0])}
    cuts.update(birthday(dob, age - GRACE_YEARS) for age in RENEWAL_AGES)
    points = sorted(c for c in cuts if start <= c <= end)
    weight: dict[date | None, int] = {}
    for a, b in pairwise(points):
        # Before 1 July 2024 (Law 59/2014) cards were issued from age 14 only.
        if a < CAN_CUOC_FROM and a < birthday(dob, RENEWAL_AGES[0]):
            continue
        expiry = cccd_expiry(dob, a)
        weight[expiry] = weight.get(expiry, 0) + (b - a).days
    if not weight:  # too young for any chip card so far (cards under 14 only from July 2024)
        return _ahead(dob, today)
    current = [e for e in weight if is_valid_on(e, today)]
    expired = [e for e in weight if not is_valid_on(e, today)]
    current.sort(key=lambda e: (-weight[e], e or date.max))
    expired.sort(key=lambda e: e or date.max, reverse=True)
    return [(e, LABEL_CURRENT) for e in current] + [(e, LABEL_EXPIRED) for e in expired]


def _ahead(dob: date, today: date) -> list[tuple[date | None, str]]:
    """When no issue date fits the rule: the renewal birthdays still ahead, then no expiry."""
    ahead: list[date | None] = [
        birthday(dob, age) for age in RENEWAL_AGES if birthday(dob, age) > today
    ]
    return [(e, LABEL_CURRENT) for e in [*ahead, None]]


def _with_leap_day(
    dob: date, expiries: list[tuple[date | None, str]]
) -> list[tuple[date | None, str]]:
    if (dob.month, dob.day) != (2, 29):
        return expiries
    out: list[tuple[date | None, str]] = []
    for expiry, label in expiries:
        out.append((expiry, label))
        if expiry is not None and (expiry.month, expiry.day) == (3, 1):
            out.append((expiry - timedelta(days=1), LABEL_LEAP_DAY))
    return out


def _describe(label: str, dob: date, expiry: date | None) -> str:
    age = expiry_age(dob, expiry)
    if expiry is None:
        what = "thẻ không thời hạn (991231) / card without expiry (991231)"
    elif age is not None:
        what = f"hết hạn năm {age} tuổi / expiring at age {age}"
    else:
        what = "hết hạn 28/2 (sinh ngày 29/2) / expiring on 28 February (born on 29 February)"
    why = {
        LABEL_ISSUE_DATE: "theo ngày cấp / from the date of issue",
        LABEL_BOUNDARY: "ngày cấp sát mốc 2 năm / issue date next to a 2-year boundary",
        LABEL_LEAP_DAY: "sinh ngày 29/2 / born on 29 February",
        LABEL_CURRENT: "thẻ còn hạn / a card valid today",
        LABEL_EXPIRED: "thẻ đã hết hạn / an expired card",
    }[label]
    return f"{what}; {why}"
