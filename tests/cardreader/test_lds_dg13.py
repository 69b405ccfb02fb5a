from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import (
    encode_integer,
    encode_oid,
    encode_printable,
    encode_utf8,
    sequence,
)
from cardreader.lds.dg13 import CHARSET_OID, PersonalData, encode_dg13, parse_dg13
from cardreader.lds.tlv import encode
from tests.cardreader.lds_fakes import FAKE_ID, VI_LETTERS, fake_personal


def rec(number: int, *values: bytes) -> bytes:
    return sequence(encode_integer(number), *values)


def dg13_direct(*records: bytes) -> bytes:
    """The brief's variant: records directly inside the SEQUENCE after version and OID."""
    return encode(0x6D, sequence(encode_integer(1), encode_oid(CHARSET_OID), *records))


def dg13_set(*records: bytes) -> bytes:
    """The NFC_CCCD_Reader variant: records inside a SET."""
    body = encode_integer(1) + encode_oid(CHARSET_OID) + encode(0x31, b"".join(records))
    return encode(0x6D, sequence(body))


def test_round_trip_full() -> None:
    p = fake_personal()
    raw = encode_dg13(p)
    dg13 = parse_dg13(raw)
    assert dg13.personal == p
    assert dg13.unknown == {}
    assert dg13.raw == raw
    assert dg13.version == 1
    assert dg13.charset_oid == "1.0.10646.1.0.8"
    assert dg13.field_numbers == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15)
    assert p.sex_code == "M"


def test_encoding_layout() -> None:
    raw = encode_dg13(PersonalData(id_number=FAKE_ID, full_name="Lê Thị Thử"))
    # 6D { 30 { 02 01 01, 06 06 28D316010008, 31 { 30 { 02 01 01, 0C 0C ... } ... } } }
    assert raw.hex().startswith("6d")
    assert "020101" + "060628d316010008" + "31" in raw.hex()
    assert "30110201010c0c" + FAKE_ID.encode().hex() in raw.hex()
    assert "Lê Thị Thử".encode() in raw


def test_both_record_placements_parse_the_same() -> None:
    records = [
        rec(1, encode_utf8(FAKE_ID)),
        rec(2, encode_utf8("Nguyễn Văn Thử")),
        rec(13, sequence(encode_utf8("Nguyễn Văn Cha"), encode_utf8("Trần Thị Mẹ"))),
    ]
    a = parse_dg13(dg13_direct(*records)).personal
    b = parse_dg13(dg13_set(*records)).personal
    assert a == b
    assert (a.id_number, a.full_name, a.father_name, a.mother_name) == (
        FAKE_ID,
        "Nguyễn Văn Thử",
        "Nguyễn Văn Cha",
        "Trần Thị Mẹ",
    )


def test_records_straight_under_the_application_tag() -> None:
    p = parse_dg13(encode(0x6D, rec(2, encode_utf8("Lê Văn Thử")))).personal
    assert p.full_name == "Lê Văn Thử"
    both = parse_dg13(encode(0x6D, rec(1, encode_utf8(FAKE_ID)) + rec(4, encode_utf8("Nữ"))))
    assert (both.personal.id_number, both.personal.sex_code) == (FAKE_ID, "F")


def test_parents_as_two_sequences_and_spouse() -> None:
    raw = dg13_direct(
        rec(13, sequence(encode_utf8("Cha Thử")), sequence(encode_utf8("Mẹ Thử"))),
        rec(14, sequence(encode_utf8("Vợ Thử"))),
    )
    p = parse_dg13(raw).personal
    assert (p.father_name, p.mother_name, p.spouse_name) == ("Cha Thử", "Mẹ Thử", "Vợ Thử")


def test_empty_parent_is_none() -> None:
    raw = dg13_direct(rec(13, sequence(encode_utf8(""), encode_utf8("Mẹ Thử"))))
    p = parse_dg13(raw).personal
    assert (p.father_name, p.mother_name) == (None, "Mẹ Thử")


def test_lone_parent_name_is_not_guessed() -> None:
    dg13 = parse_dg13(dg13_direct(rec(13, sequence(encode_utf8("Ai Đó")))))
    assert dg13.personal.father_name is None and dg13.personal.mother_name is None
    assert dg13.unknown == {13: ("Ai Đó",)}


@pytest.mark.parametrize(
    ("records", "old_id", "unknown"),
    [
        ([rec(15, encode_utf8("012345678"))], "012345678", {}),
        ([rec(16, encode_utf8("012345678901"))], "012345678901", {}),
        ([rec(16, encode_utf8("A1B2C3D4E5F60718"))], None, {16: ("A1B2C3D4E5F60718",)}),
        ([rec(15, encode_utf8("12345"))], None, {15: ("12345",)}),
        (
            [rec(15, encode_utf8("012345678")), rec(16, encode_utf8("A1B2C3D4E5F60718"))],
            "012345678",
            {16: ("A1B2C3D4E5F60718",)},
        ),
        (
            [rec(15, encode_utf8("012345678")), rec(16, encode_utf8("987654321"))],
            "012345678",
            {16: ("987654321",)},
        ),
        ([rec(15, encode_utf8("٠١٢٣٤٥٦٧٨"))], None, {15: ("٠١٢٣٤٥٦٧٨",)}),
    ],
)
def test_old_id_number_never_mislabelled(
    records: list[bytes], old_id: str | None, unknown: dict[int, tuple[str, ...]]
) -> None:
    dg13 = parse_dg13(dg13_set(*records))
    assert dg13.personal.old_id_number == old_id
    assert dg13.unknown == unknown


def test_values_that_do_not_fit_go_to_unknown() -> None:
    raw = dg13_set(
        rec(1, encode_utf8("12345")),
        rec(3, encode_utf8("ngày mai")),
        rec(4, encode_utf8("Khác")),
        rec(11, encode_utf8("31/02/2020")),
        rec(12, encode_utf8("sớm thôi")),
        rec(17, encode_utf8("ABCDEF")),
        rec(2, encode_utf8("Thử Một"), encode_utf8("Thử Hai")),
    )
    dg13 = parse_dg13(raw)
    assert dg13.personal == PersonalData()
    assert dg13.unknown == {
        1: ("12345",),
        2: ("Thử Một", "Thử Hai"),
        3: ("ngày mai",),
        4: ("Khác",),
        11: ("31/02/2020",),
        12: ("sớm thôi",),
        17: ("ABCDEF",),
    }


def test_non_string_values_go_to_unknown_not_an_error() -> None:
    dg13 = parse_dg13(
        dg13_set(
            rec(2, encode(0x04, b"\x01\xab")),
            rec(18, encode_integer(5)),
            rec(9, encode_utf8("Số 1 Phố Thử")),
            rec(13, sequence(encode_utf8("Cha Thử"), encode(0x04, b"\x00"))),
        )
    )
    assert dg13.personal == PersonalData(place_of_residence="Số 1 Phố Thử")
    assert dg13.unknown == {2: ("#4:01AB",), 13: ("Cha Thử", "#4:00"), 18: ("#2:05",)}
    assert dg13.field_numbers == (2, 9, 13, 18)


def test_line_breaks_become_spaces() -> None:
    p = parse_dg13(dg13_set(rec(9, encode_utf8("Số 1\r\nPhố Thử\t")))).personal
    assert p.place_of_residence == "Số 1 Phố Thử"


def test_duplicate_field_keeps_the_first() -> None:
    dg13 = parse_dg13(dg13_set(rec(2, encode_utf8("Thử A")), rec(2, encode_utf8("Thử B"))))
    assert dg13.personal.full_name == "Thử A"
    assert dg13.unknown == {2: ("Thử B",)}


def test_no_expiry_and_partial_birth_date() -> None:
    raw = dg13_set(
        rec(3, encode_utf8("1950")),
        rec(12, encode_utf8("Không thời hạn")),
        rec(4, encode_printable("Nam")),
    )
    p = parse_dg13(raw).personal
    assert p.date_of_birth is None and p.date_of_birth_text == "1950"
    assert p.date_of_expiry is None and p.expiry_text == "Không thời hạn"
    assert p.no_expiry
    assert p.sex_code == "M"
    p2 = parse_dg13(dg13_set(rec(3, encode_utf8("07/1950")))).personal
    assert p2.date_of_birth_text == "07/1950"
    assert parse_dg13(dg13_set(rec(3, encode_utf8("13/1950")))).unknown == {3: ("13/1950",)}


def test_decomposed_unicode_is_normalised() -> None:
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" in NFD
    p = parse_dg13(dg13_set(rec(2, encode_utf8(decomposed)))).personal
    assert p.full_name == "Nguyễn"


def test_dates_parse() -> None:
    p = parse_dg13(
        dg13_set(rec(3, encode_utf8("05/04/2003")), rec(11, encode_utf8("2/1/2021")))
    ).personal
    assert p.date_of_birth == date(2003, 4, 5)
    assert p.date_of_issue == date(2021, 1, 2)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x6E, b""), "expected 6D"),
        (dg13_set(encode_utf8("x")), "expected SEQUENCE"),
        (dg13_direct(encode(0x04, b"x")), "unexpected tag 4"),
        (dg13_set(sequence()), "empty"),
        (dg13_set(sequence(encode_utf8("1"), encode_utf8("x"))), "expected INTEGER"),
        (dg13_set(rec(2, encode_utf8("a\x00b"))), "control characters"),
        (dg13_set(rec(2, encode(0x0C, b"\xff"))), "not valid"),
        (dg13_set(rec(300, encode_utf8("x"))), "outside 0..255"),
    ],
)
def test_errors_name_the_structure(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_dg13(raw)


def test_caps() -> None:
    nested = encode_utf8("x")
    for _ in range(6):
        nested = sequence(nested)
    with pytest.raises(LimitExceededError, match="nested"):
        parse_dg13(dg13_set(rec(13, nested)))
    with pytest.raises(LimitExceededError, match="records"):
        parse_dg13(dg13_set(*[rec(17, encode_utf8("x"))] * 70))
    with pytest.raises(LimitExceededError, match="values"):
        parse_dg13(dg13_set(rec(13, *[encode_utf8("x")] * 12)))
    with pytest.raises(LimitExceededError, match="characters"):
        parse_dg13(dg13_set(rec(9, encode_utf8("x" * 2000))))
    with pytest.raises(LimitExceededError, match="non-string value"):
        parse_dg13(dg13_set(rec(9, encode(0x04, b"x" * 300))))
    with pytest.raises(LimitExceededError):
        parse_dg13(encode(0x6D, b"\x00" * 20000))


vi_text = st.lists(
    st.text(alphabet=VI_LETTERS + VI_LETTERS.lower() + "0123456789,.-/", min_size=1, max_size=12),
    min_size=1,
    max_size=6,
).map(" ".join)
opt_text = st.none() | vi_text
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def personal_data(draw: st.DrawFn) -> PersonalData:
    dob = draw(st.none() | dates)
    no_expiry = draw(st.booleans())
    expiry = None if no_expiry else draw(st.none() | dates)
    expiry_text = "Không thời hạn" if no_expiry else None
    if expiry is not None:
        expiry_text = f"{expiry.day:02d}/{expiry.month:02d}/{expiry.year}"
    # One parent alone is encoded with an empty slot for the other, so it round-trips too.
    father, mother = draw(opt_text), draw(opt_text)
    return PersonalData(
        id_number=draw(st.none() | st.from_regex(r"\A[0-9]{12}\Z")),
        full_name=draw(opt_text),
        date_of_birth=dob,
        date_of_birth_text=None if dob is None else f"{dob.day:02d}/{dob.month:02d}/{dob.year}",
        sex=draw(st.sampled_from([None, "Nam", "Nữ"])),
        nationality=draw(opt_text),
        ethnicity=draw(opt_text),
        religion=draw(opt_text),
        place_of_origin=draw(opt_text),
        place_of_residence=draw(opt_text),
        identifying_features=draw(opt_text),
        date_of_issue=draw(st.none() | dates),
        date_of_expiry=expiry,
        expiry_text=expiry_text,
        father_name=father,
        mother_name=mother,
        spouse_name=draw(opt_text),
        old_id_number=draw(st.none() | st.from_regex(r"\A([0-9]{9}|[0-9]{12})\Z")),
    )


@settings(max_examples=150, deadline=1000)
@given(personal_data())
def test_round_trip_property(p: PersonalData) -> None:
    dg13 = parse_dg13(encode_dg13(p))
    assert dg13.personal == p
    assert dg13.unknown == {}
