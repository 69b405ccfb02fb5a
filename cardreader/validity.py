"""The legal validity rule of Vietnamese ID cards (CCCD 2016-2024, Căn cước from 1 July 2024).

Sources (Vietnamese law, as summarised by the official press; see the module tests):

* Law on Citizen Identification 59/2014/QH13 art. 21 (CCCD cards): the card must be renewed at
  25, 40 and 60; a card issued, renewed or replaced within the 2 years before one of those ages
  stays valid until the next one.
* Law on Identification 26/2023/QH15 art. 21 (Căn cước cards, from 1 July 2024): renewal at 14,
  25, 40 and 60, the same 2-year rule (art. 21(2)); cards may now be issued under 14.
* After 60 (a card issued from age 58 on) the card has no expiry: "Không thời hạn".
* Transitional rule, Law 26/2023 art. 46(1): CCCD cards whose expiry fell from 15 January 2024 to
  before 30 June 2024 stayed valid until 30 June 2024 (see :func:`effective_expiry`).

The printed expiry is the holder's birthday at the renewal age. Someone born on 29 February is
given 1 March in a non-leap year here (the emulator's and this library's convention; the
authorities' choice is not published, so key candidates also try 28 February).

The chip's MRZ (DG1) cannot hold "no expiry": Vietnamese cards write ``991231`` there, as ICAO
Doc 9303-3 lets an issuer choose the content of a date it does not have; BAC keys for such a
card use ``991231`` as the date of expiry (see :data:`NO_EXPIRY_MRZ`).
"""

from __future__ import annotations

from datetime import date

from cardreader.lds.mrz import NO_EXPIRY_RAW

RENEWAL_AGES = (14, 25, 40, 60)
GRACE_YEARS = 2
#: The age from which a card is issued without expiry (60 minus the 2-year grace).
NO_EXPIRY_FROM_AGE = RENEWAL_AGES[-1] - GRACE_YEARS
#: How the chip's MRZ writes "no expiry" (YYMMDD).
NO_EXPIRY_MRZ = NO_EXPIRY_RAW
#: The first chip cards (CCCD gắn chip, Circular 06/2021/TT-BCA) were issued in 2021.
FIRST_CHIP_ISSUE = date(2021, 1, 1)
#: The Law on Identification 26/2023/QH15 (Căn cước, cards under 14) applies from this date.
CAN_CUOC_FROM = date(2024, 7, 1)
#: Law 26/2023 art. 46(1): expiries in [15 Jan 2024, 30 Jun 2024) were extended to 30 Jun 2024.
_TRANSITION_START = date(2024, 1, 15)
_TRANSITION_END = date(2024, 6, 30)


def birthday(born: date, age: int) -> date:
    """The holder's ``age``-th birthday; 1 March for a 29 February birth in a common year."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February
        return date(born.year + age, 3, 1)


def cccd_expiry(date_of_birth: date, date_of_issue: date) -> date | None:
    """The expiry printed on a card issued on ``date_of_issue``; None = "Không thời hạn"."""
    for age in RENEWAL_AGES:
        if date_of_issue < birthday(date_of_birth, age - GRACE_YEARS):
            return birthday(date_of_birth, age)
    return None


def expiry_age(date_of_birth: date, date_of_expiry: date | None) -> int | None:
    """The renewal age an expiry corresponds to (25 for the 25th birthday), None if none."""
    if date_of_expiry is None:
        return None
    for age in RENEWAL_AGES:
        if birthday(date_of_birth, age) == date_of_expiry:
            return age
    return None


def grace_boundaries(date_of_birth: date) -> tuple[date, ...]:
    """The birthdays (12th, 23rd, 38th, 58th) from which a new card skips the next renewal."""
    return tuple(birthday(date_of_birth, age - GRACE_YEARS) for age in RENEWAL_AGES)


def mrz_expiry(date_of_expiry: date | None) -> str:
    """The chip MRZ's YYMMDD for an expiry; ``991231`` for a card without expiry."""
    if date_of_expiry is None:
        return NO_EXPIRY_MRZ
    return date_of_expiry.strftime("%y%m%d")


def effective_expiry(date_of_expiry: date | None) -> date | None:
    """The last day a card with this printed expiry may be used (transitional rule applied)."""
    if date_of_expiry is not None and _TRANSITION_START <= date_of_expiry < _TRANSITION_END:
        return _TRANSITION_END
    return date_of_expiry


def is_valid_on(date_of_expiry: date | None, on: date) -> bool:
    """True if a card with this printed expiry (None: no expiry) is still valid on ``on``.

    The printed day itself is the last valid day ("có giá trị đến").
    """
    last = effective_expiry(date_of_expiry)
    return last is None or on <= last
