"""The card validity rule: renewal at 14, 25, 40, 60, the 2-year grace, no expiry after 58."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cardreader.emulator.fake_card import cccd_expiry as fake_card_rule
from cardreader.validity import (
    NO_EXPIRY_MRZ,
    birthday,
    cccd_expiry,
    effective_expiry,
    expiry_age,
    grace_boundaries,
    is_valid_on,
    mrz_expiry,
)

BORN = date(1990, 8, 20)


def test_the_emulator_uses_this_rule() -> None:
    assert fake_card_rule is cccd_expiry


@pytest.mark.parametrize(
    ("age_at_issue_boundary", "before", "at"),
    [(12, 14, 25), (23, 25, 40), (38, 40, 60), (58, 60, None)],
)
def test_each_grace_boundary(age_at_issue_boundary: int, before: int, at: int | None) -> None:
    boundary = birthday(BORN, age_at_issue_boundary)
    # The day before the boundary: valid to the next renewal age.
    assert cccd_expiry(BORN, boundary - timedelta(days=1)) == birthday(BORN, before)
    # From the boundary on (within 2 years of the age): valid to the one after.
    expected = None if at is None else birthday(BORN, at)
    assert cccd_expiry(BORN, boundary) == expected
    assert cccd_expiry(BORN, birthday(BORN, before) - timedelta(days=1)) == expected


def test_issued_on_the_renewal_birthday_itself() -> None:
    assert cccd_expiry(BORN, birthday(BORN, 25)) == birthday(BORN, 40)
    assert cccd_expiry(BORN, birthday(BORN, 60)) is None


def test_child_cards() -> None:
    assert cccd_expiry(date(2020, 3, 1), date(2024, 7, 1)) == date(2034, 3, 1)  # at 4: until 14
    assert cccd_expiry(date(2011, 3, 1), date(2024, 7, 1)) == date(2036, 3, 1)  # at 13: until 25


def test_no_expiry_after_58() -> None:
    assert cccd_expiry(BORN, date(2060, 1, 1)) is None
    assert cccd_expiry(date(1940, 1, 1), date(2021, 6, 1)) is None


def test_leap_day_birthday() -> None:
    leap = date(2000, 2, 29)
    assert birthday(leap, 25) == date(2025, 3, 1)
    assert birthday(leap, 40) == date(2040, 2, 29)
    assert cccd_expiry(leap, date(2021, 1, 1)) == date(2025, 3, 1)


def test_expiry_age_and_boundaries() -> None:
    assert expiry_age(BORN, date(2015, 8, 20)) == 25
    assert expiry_age(BORN, date(2015, 8, 21)) is None
    assert expiry_age(BORN, None) is None
    assert grace_boundaries(BORN) == (
        date(2002, 8, 20),
        date(2013, 8, 20),
        date(2028, 8, 20),
        date(2048, 8, 20),
    )


def test_mrz_encoding() -> None:
    assert mrz_expiry(date(2039, 5, 17)) == "390517"
    assert mrz_expiry(None) == NO_EXPIRY_MRZ == "991231"


def test_validity_on_a_date() -> None:
    assert is_valid_on(date(2030, 1, 1), date(2030, 1, 1))  # the printed day is still valid
    assert not is_valid_on(date(2030, 1, 1), date(2030, 1, 2))
    assert is_valid_on(None, date(2200, 1, 1))


def test_transitional_extension_to_30_june_2024() -> None:
    assert effective_expiry(date(2024, 1, 14)) == date(2024, 1, 14)
    assert effective_expiry(date(2024, 1, 15)) == date(2024, 6, 30)
    assert effective_expiry(date(2024, 6, 29)) == date(2024, 6, 30)
    assert effective_expiry(date(2024, 6, 30)) == date(2024, 6, 30)
    assert effective_expiry(date(2024, 7, 1)) == date(2024, 7, 1)
    assert is_valid_on(date(2024, 3, 1), date(2024, 6, 30))
    assert not is_valid_on(date(2024, 3, 1), date(2024, 7, 1))
    assert effective_expiry(None) is None
