"""Chip keys from the QR: the CAN, and BAC candidates in a sensible, capped, labelled order."""

from __future__ import annotations

from datetime import date

import pytest

from cardreader.access_keys import (
    LABEL_BOUNDARY,
    LABEL_CURRENT,
    LABEL_EXPIRED,
    LABEL_ISSUE_DATE,
    LABEL_LEAP_DAY,
    MAX_BAC_CANDIDATES,
    BacCandidate,
    access_keys_from_qr,
    bac_candidates,
    can_from_id_number,
    document_number,
)
from cardreader.bac import BacKey
from cardreader.errors import InputError
from cardreader.lds.mrz import check_digit
from cardreader.qr.payload import parse_cccd_qr
from cardreader.validity import cccd_expiry

TODAY = date(2026, 11, 23)
ID = "001099012345"


def expiries(cands: list[BacCandidate]) -> list[tuple[str, str]]:
    return [(c.date_of_expiry, c.label) for c in cands]


def test_can_is_the_last_six_digits() -> None:
    assert can_from_id_number(ID) == "012345"
    with pytest.raises(InputError):
        can_from_id_number("12345")


def test_document_number_is_the_last_nine_digits_not_the_first() -> None:
    assert document_number(ID) == "099012345"
    assert document_number(ID) != ID[:9]  # the classic bug: "001099012"
    key = bac_candidates(ID, date(1999, 5, 17), date(2021, 7, 1), today=TODAY)[0]
    assert key.document_number == "099012345"
    # The MRZ information used for the key seed carries the last nine digits and their check.
    assert key.mrz_information().startswith(b"099012345" + check_digit("099012345").encode())
    assert BacKey.from_cccd(ID, "990517", key.date_of_expiry) == BacKey(
        key.document_number, key.date_of_birth, key.date_of_expiry
    )


def test_with_an_issue_date_the_exact_expiry_only() -> None:
    cands = bac_candidates(ID, date(1999, 5, 17), date(2021, 7, 1), today=TODAY)
    assert expiries(cands) == [("240517", LABEL_ISSUE_DATE)]
    assert cands[0].date_of_birth == "990517"
    assert cands[0].expiry == cccd_expiry(date(1999, 5, 17), date(2021, 7, 1))
    assert isinstance(cands[0], BacKey)
    assert "25" in cands[0].description


@pytest.mark.parametrize("issued", [date(2022, 5, 15), date(2022, 5, 17), date(2022, 5, 20)])
def test_issue_date_next_to_a_grace_boundary_tries_both_sides(issued: date) -> None:
    # The 23rd birthday (2022-05-17) separates "until 25" from "until 40".
    cands = bac_candidates(ID, date(1999, 5, 17), issued, today=TODAY)
    exact = "240517" if issued < date(2022, 5, 17) else "390517"
    other = "390517" if exact == "240517" else "240517"
    assert expiries(cands) == [(exact, LABEL_ISSUE_DATE), (other, LABEL_BOUNDARY)]


def test_issue_date_after_58_gives_the_no_expiry_marker() -> None:
    cands = bac_candidates("001062012345", date(1962, 3, 3), date(2021, 6, 1), today=TODAY)
    assert expiries(cands) == [("991231", LABEL_ISSUE_DATE)]
    assert cands[0].expiry is None and "991231" in cands[0].description


def test_without_issue_date_current_card_first_then_expired() -> None:
    # Born 1999: a card from 2021 expired at 25 (2024); one issued from 23 on runs to 40.
    cands = bac_candidates(ID, date(1999, 5, 17), today=TODAY)
    assert expiries(cands) == [("390517", LABEL_CURRENT), ("240517", LABEL_EXPIRED)]


def test_without_issue_date_the_wider_issue_window_first() -> None:
    # Aged 24: cards from 2021 to the 23rd birthday (4.4 years) run to 25; later ones to 40.
    cands = bac_candidates("001202012345", date(2002, 6, 1), today=TODAY)
    assert expiries(cands) == [("270601", LABEL_CURRENT), ("420601", LABEL_CURRENT)]


def test_without_issue_date_near_60_includes_no_expiry() -> None:
    cands = bac_candidates("001066012345", date(1966, 3, 3), today=TODAY)
    assert expiries(cands) == [("991231", LABEL_CURRENT), ("260303", LABEL_EXPIRED)]
    assert expiries(bac_candidates("001060012345", date(1960, 1, 1), today=TODAY)) == [
        ("991231", LABEL_CURRENT)
    ]


def test_children_only_from_the_2024_law() -> None:
    # Born 2012: no card before 1 July 2024 (under 14), from then on issued after 12: until 25.
    assert expiries(bac_candidates("001212012345", date(2012, 1, 10), today=TODAY)) == [
        ("370110", LABEL_CURRENT)
    ]
    # Born 2018: only a child's card, valid to 14.
    assert expiries(bac_candidates("001218012345", date(2018, 9, 9), today=TODAY)) == [
        ("320909", LABEL_CURRENT)
    ]


def test_leap_day_birth_also_tries_28_february() -> None:
    cands = bac_candidates("001200012345", date(2000, 2, 29), today=TODAY)
    assert expiries(cands) == [
        ("400229", LABEL_CURRENT),
        ("250301", LABEL_EXPIRED),
        ("250228", LABEL_LEAP_DAY),
    ]


def test_cap_and_no_duplicates() -> None:
    for born in (date(1950, 1, 1), date(1966, 3, 3), date(1983, 12, 31), date(2000, 2, 29)):
        cands = bac_candidates("001099012345", born, today=TODAY)
        assert 1 <= len(cands) <= MAX_BAC_CANDIDATES
        assert len({c.date_of_expiry for c in cands}) == len(cands)
    assert len(bac_candidates(ID, date(2000, 2, 29), today=TODAY, limit=1)) == 1
    with pytest.raises(InputError):
        bac_candidates(ID, date(1999, 5, 17), limit=0)


def test_a_clock_before_2021_still_gives_candidates() -> None:
    cands = bac_candidates(ID, date(1999, 5, 17), today=date(2019, 1, 1))
    assert expiries(cands) == [
        ("240517", LABEL_CURRENT),
        ("390517", LABEL_CURRENT),
        ("590517", LABEL_CURRENT),
        ("991231", LABEL_CURRENT),
    ]


def test_from_a_qr_card() -> None:
    card = parse_cccd_qr(
        "001099012345|123456789|NGUYỄN VĂN THỬ|17051999|Nam|Hà Nội|01072021", today=TODAY
    )
    keys = access_keys_from_qr(card, today=TODAY)
    assert keys.can == "012345"
    assert [c.date_of_expiry for c in keys.bac] == ["240517"]
    assert keys.bac_note is None


def test_from_a_qr_card_with_a_year_only_birth_date() -> None:
    card = parse_cccd_qr("001050012345||PHẠM VĂN CỤ|00001950|Nam|Hà Nội|01062021", today=TODAY)
    keys = access_keys_from_qr(card, today=TODAY)
    assert keys.can == "012345" and keys.bac == ()
    assert keys.bac_note is not None and "CAN" in keys.bac_note
