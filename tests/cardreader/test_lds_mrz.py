from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.errors import ParseError
from cardreader.lds.mrz import (
    check_digit,
    format_cccd_td1,
    format_td1,
    parse_td1,
    resolve_birth_date,
    to_mrz_chars,
)
from tests.cardreader.lds_fakes import FAKE_DOB, FAKE_EXPIRY, FAKE_ID, VI_LETTERS, fake_mrz

TODAY = date(2026, 11, 23)

# ICAO Doc 9303-5 Appendix A: the TD1 specimen (Utopia, Anna Maria Eriksson).
ICAO_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)


@pytest.mark.parametrize(
    ("text", "digit"),
    [
        ("AB2134<<<", "5"),  # ICAO 9303-3 4.9 worked example (document number)
        ("520727", "3"),  # ICAO 9303-3 4.9 worked example (date)
        ("D23145890", "7"),  # ICAO 9303-5 TD1 specimen document number
        ("740812", "2"),
        ("120415", "9"),
        ("D23145890734", "9"),  # ICAO 9303-5 long document number example
        ("", "0"),
        ("<<<<<<", "0"),
    ],
)
def test_check_digit_published_vectors(text: str, digit: str) -> None:
    assert check_digit(text) == digit


def test_check_digit_rejects_lowercase() -> None:
    with pytest.raises(ValueError):
        check_digit("ab12")


def test_parse_icao_specimen() -> None:
    m = parse_td1(ICAO_TD1, today=TODAY)
    assert m.document_code == "I"
    assert m.issuing_state == "UTO"
    assert m.document_number == "D23145890"
    assert m.document_number_check == "7"
    assert m.optional_data_1 == ""
    assert m.date_of_birth == date(1974, 8, 12)
    assert m.sex == "F"
    assert m.date_of_expiry == date(2012, 4, 15)
    assert m.nationality == "UTO"
    assert m.composite_check == "6"
    assert m.primary_identifier == "ERIKSSON"
    assert m.secondary_identifier == "ANNA MARIA"
    assert m.check_digits_valid
    assert m.id_number is None
    assert m.lines[2].startswith("ERIKSSON<<")


def test_parse_accepts_line_breaks() -> None:
    text = "\n".join((ICAO_TD1[0:30], ICAO_TD1[30:60], ICAO_TD1[60:90])) + "\n"
    assert parse_td1(text, today=TODAY).document_number == "D23145890"


def test_long_document_number_round_trip() -> None:
    text = format_td1(
        document_number="D23145890734",
        date_of_birth="740812",
        sex="F",
        date_of_expiry="120415",
        primary_identifier="ERIKSSON",
        secondary_identifier="ANNA MARIA",
        document_code="I",
        issuing_state="UTO",
        nationality="UTO",
    )
    # ICAO 9303-5 note j: '<' in the check position, the rest and its check digit follow.
    assert text[:30] == "I<UTOD23145890<7349<<<<<<<<<<<"
    m = parse_td1(text, today=TODAY)
    assert m.document_number == "D23145890734"
    assert m.document_number_check == "9"
    assert m.optional_data_1 == ""
    assert m.check_digits_valid


def test_long_document_number_bad_check_is_reported() -> None:
    text = "I<UTOD23145890<7348<<<<<<<<<<<" + ICAO_TD1[30:]
    m = parse_td1(text, today=TODAY)
    assert m.document_number == "D23145890734"
    assert "document_number" in m.failed_checks


def test_cccd_layout() -> None:
    text = fake_mrz()
    l1 = text[:30]
    assert l1.startswith("IDVNM" + FAKE_ID[3:])
    assert l1[15:27] == FAKE_ID
    assert l1[27:29] == "<<"
    assert l1[29] == check_digit(FAKE_ID)
    m = parse_td1(text, today=TODAY)
    assert m.document_number == FAKE_ID[3:]
    assert m.id_number == FAKE_ID
    assert m.date_of_birth == FAKE_DOB
    assert m.date_of_expiry == FAKE_EXPIRY
    assert m.sex == "M"
    assert m.full_name == "NGUYEN VAN THU"
    assert m.check_digits_valid


def test_cccd_id_number_check_digit_failure() -> None:
    text = fake_mrz()
    bad_digit = str((int(text[29]) + 1) % 10)
    tampered = text[:29] + bad_digit + text[30:]
    m = parse_td1(tampered, today=TODAY)
    assert "id_number" in m.failed_checks
    assert "composite" in m.failed_checks
    assert not m.check_digits_valid


def test_cccd_without_id_check_digit() -> None:
    text = fake_mrz()
    m = parse_td1(text[:27] + "<<<" + text[30:], today=TODAY)
    assert m.id_number == FAKE_ID
    assert "id_number" not in m.failed_checks


def test_no_expiry_marker() -> None:
    m = parse_td1(fake_mrz(expiry=None), today=TODAY)
    assert m.date_of_expiry_raw == "991231"
    assert m.no_expiry
    assert m.date_of_expiry is None
    assert m.check_digits_valid


@pytest.mark.parametrize(
    ("position", "check"),
    [(14, "document_number"), (36, "date_of_birth"), (44, "date_of_expiry"), (59, "composite")],
)
def test_each_check_digit_is_verified(position: int, check: str) -> None:
    text = fake_mrz()
    wrong = "0" if text[position] != "0" else "1"
    m = parse_td1(text[:position] + wrong + text[position + 1 :], today=TODAY)
    assert check in m.failed_checks


def test_birth_century_from_id_number() -> None:
    # 4th digit 0 = male born in the 1900s: "05" must be 1905, not 2005.
    m = parse_td1(fake_mrz(id_number="001005012345", dob=date(1905, 1, 2)), today=TODAY)
    assert m.date_of_birth == date(1905, 1, 2)


def test_birth_century_from_id_number_is_never_future() -> None:
    # 4th digit 4 claims the 2100s: impossible today, so the ordinary rule applies.
    assert resolve_birth_date("050102", today=TODAY, id_number="001405012345") == date(2005, 1, 2)


def test_birth_century_without_id_is_never_future() -> None:
    assert resolve_birth_date("300101", today=TODAY) == date(1930, 1, 1)
    assert resolve_birth_date("200101", today=TODAY) == date(2020, 1, 1)
    assert resolve_birth_date("261124", today=TODAY) == date(1926, 11, 24)
    assert resolve_birth_date("261123", today=TODAY) == date(2026, 11, 23)


def test_invalid_date_gives_none_not_error() -> None:
    text = format_td1(
        document_number="A1234567",
        date_of_birth="991399",
        sex="M",
        date_of_expiry="<<<<<<",
        primary_identifier="THU",
    )
    m = parse_td1(text, today=TODAY)
    assert m.date_of_birth is None
    assert m.date_of_expiry is None
    assert not m.no_expiry
    assert m.check_digits_valid


@pytest.mark.parametrize(("sex_char", "sex"), [("M", "M"), ("F", "F"), ("<", "X"), ("X", "X")])
def test_sex_values(sex_char: str, sex: str) -> None:
    text = fake_mrz()
    assert parse_td1(text[:37] + sex_char + text[38:], today=TODAY).sex == sex


def test_bad_sex_character() -> None:
    text = fake_mrz()
    with pytest.raises(ParseError, match="sex"):
        parse_td1(text[:37] + "Q" + text[38:], today=TODAY)


@pytest.mark.parametrize(
    ("length", "hint"), [(72, "TD2"), (88, "TD3"), (89, "expected 90"), (91, "expected 90")]
)
def test_wrong_lengths(length: int, hint: str) -> None:
    with pytest.raises(ParseError, match=hint):
        parse_td1("<" * length, today=TODAY)


def test_bad_characters() -> None:
    with pytest.raises(ParseError, match="outside"):
        parse_td1(ICAO_TD1[:89] + "a", today=TODAY)


def test_to_mrz_chars_vietnamese() -> None:
    assert to_mrz_chars("Nguyễn Văn Thử") == "NGUYEN<VAN<THU"
    assert to_mrz_chars("Đặng Thị Ánh-Nguyệt") == "DANG<THI<ANH<NGUYET"
    assert to_mrz_chars("  Lê   Ơn ") == "LE<ON"


def test_format_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        format_cccd_td1(
            id_number="12345",
            date_of_birth=FAKE_DOB,
            sex="M",
            date_of_expiry=None,
            primary_identifier="A",
            secondary_identifier="B",
        )
    with pytest.raises(ValueError):
        format_td1(
            document_number="A1",
            date_of_birth="0101",
            sex="M",
            date_of_expiry=None,
            primary_identifier="A",
        )
    with pytest.raises(ValueError):
        format_td1(
            document_number="A1",
            date_of_birth="010101",
            sex="Q",
            date_of_expiry=None,
            primary_identifier="A",
        )


name_word = st.text(alphabet=VI_LETTERS, min_size=1, max_size=7)


@settings(max_examples=200, deadline=500)
@given(
    id_number=st.from_regex(r"\A[0-9]{12}\Z"),
    dob=st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)),
    expiry=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    primary=name_word,
    secondary=st.lists(name_word, min_size=1, max_size=3).map(" ".join),
)
def test_cccd_round_trip(
    id_number: str, dob: date, expiry: date | None, sex: str, primary: str, secondary: str
) -> None:
    text = format_cccd_td1(
        id_number=id_number,
        date_of_birth=dob,
        sex=sex,
        date_of_expiry=expiry,
        primary_identifier=primary,
        secondary_identifier=secondary,
    )
    assert len(text) == 90
    m = parse_td1(text, today=TODAY)
    assert m.check_digits_valid
    assert m.id_number == id_number
    assert m.document_number == id_number[3:]
    assert m.date_of_birth_raw == dob.strftime("%y%m%d")
    assert m.date_of_expiry == expiry
    assert m.no_expiry == (expiry is None)
    assert m.sex == sex
    expected_name = (to_mrz_chars(primary) + "<<" + to_mrz_chars(secondary))[:30]
    assert m.text[60:90].rstrip("<") == expected_name.rstrip("<")
    assert (
        format_td1(
            document_number=m.document_number,
            date_of_birth=m.date_of_birth_raw,
            sex=m.sex,
            date_of_expiry=m.date_of_expiry_raw,
            primary_identifier=m.primary_identifier,
            secondary_identifier=m.secondary_identifier,
            document_code=m.document_code,
            issuing_state=m.issuing_state,
            nationality=m.nationality,
            optional_data_1=m.optional_data_1,
            optional_data_2=m.optional_data_2,
        )
        == text
    )


@settings(max_examples=200, deadline=500)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=90, max_size=90))
def test_any_mrz_charset_string_parses_or_raises_parse_error(text: str) -> None:
    try:
        m = parse_td1(text, today=TODAY)
    except ParseError:
        return
    assert len(m.text) == 90
    assert m.check_digits_valid == (not m.failed_checks)
