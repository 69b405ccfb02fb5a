"""The 12-digit personal ID number: province list, century/sex digit, birth year, problems."""

from __future__ import annotations

from datetime import date

import pytest

from cardreader.errors import InputError
from cardreader.id_number import PROVINCES, IdNumberInfo, check_id_number, is_id_number

TODAY = date(2026, 11, 23)


def fields(info: IdNumberInfo) -> list[str]:
    return [p.field for p in info.problems]


def test_province_list_is_the_official_63() -> None:
    assert len(PROVINCES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCES)
    assert min(PROVINCES) == "001" and max(PROVINCES) == "096"
    assert PROVINCES["001"] == "Hà Nội"
    assert PROVINCES["079"] == "Hồ Chí Minh"
    assert PROVINCES["048"] == "Đà Nẵng"
    # Codes the appendix skips (003, 005, 097...) are not provinces.
    for unused in ("000", "003", "005", "097", "099"):
        assert unused not in PROVINCES


@pytest.mark.parametrize(
    ("digit", "century", "sex"),
    [
        ("0", 1900, "M"),
        ("1", 1900, "F"),
        ("2", 2000, "M"),
        ("3", 2000, "F"),
        ("4", 2100, "M"),
        ("5", 2100, "F"),
        ("6", 2200, "M"),
        ("7", 2200, "F"),
        ("8", 2300, "M"),
        ("9", 2300, "F"),
    ],
)
def test_century_and_sex_digit(digit: str, century: int, sex: str) -> None:
    info = check_id_number(f"036{digit}05123456", today=date(2400, 1, 1))
    assert (info.century, info.sex, info.birth_year_2) == (century, sex, 5)
    assert info.birth_year == century + 5
    assert info.province_code == "036" and info.province_name == "Nam Định"


def test_consistent_number() -> None:
    info = check_id_number("001099012345", date(1999, 5, 17), "M", today=TODAY)
    assert info.consistent and info.problems == ()
    female_2000s = check_id_number("079305000123", date(2005, 1, 2), "F", today=TODAY)
    assert female_2000s.consistent


def test_unknown_province_reported_not_raised() -> None:
    info = check_id_number("097099012345", date(1999, 5, 17), "M", today=TODAY)
    assert info.province_name is None
    assert fields(info) == ["id_number_province"]


def test_birth_year_digits_disagree() -> None:
    info = check_id_number("001098012345", date(1999, 5, 17), "M", today=TODAY)
    assert fields(info) == ["id_number_birth_year"]
    assert "birth-year digits" in info.problems[0].message


def test_century_digit_disagrees() -> None:
    # 2099 instead of 1999: same two digits, wrong century digit (2 instead of 0).
    info = check_id_number("001299012345", date(1999, 5, 17), "M", today=date(2100, 1, 1))
    assert fields(info) == ["id_number_birth_year"]
    assert "century digit" in info.problems[0].message


def test_sex_disagrees() -> None:
    info = check_id_number("001199012345", date(1999, 5, 17), "M", today=TODAY)
    assert fields(info) == ["id_number_sex"]


def test_birth_year_in_the_future() -> None:
    info = check_id_number("001227012345", today=TODAY)  # 2027
    assert fields(info) == ["id_number_century"]


def test_every_problem_at_once_and_no_values_in_messages() -> None:
    info = check_id_number("099427012345", date(1980, 1, 1), "F", today=TODAY)
    assert set(fields(info)) == {
        "id_number_province",
        "id_number_century",
        "id_number_birth_year",
        "id_number_sex",
    }
    for problem in info.problems:
        assert "099427012345" not in problem.message and "1980" not in problem.message


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "00109901234",
        "0010990123456",
        "00109901234x",
        "００１０９９０１２３４５",
        "٠٠١٠٩٩٠١٢٣٤٥",
    ],
)
def test_not_12_ascii_digits_raises(bad: str) -> None:
    assert not is_id_number(bad)
    with pytest.raises(InputError, match="12"):
        check_id_number(bad)


def test_bad_sex_argument() -> None:
    with pytest.raises(InputError):
        check_id_number("001099012345", sex="Nam")
