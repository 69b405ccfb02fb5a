from __future__ import annotations

from dataclasses import replace
from datetime import date

from cardreader.citizen import citizen_from_groups
from cardreader.lds.dg1 import Dg1, encode_dg1, parse_dg1
from cardreader.lds.dg2 import encode_dg2, parse_dg2
from cardreader.lds.dg13 import Dg13, PersonalData, encode_dg13, parse_dg13
from cardreader.lds.mrz import format_td1
from tests.cardreader.lds_fakes import (
    FAKE_DOB,
    FAKE_EXPIRY,
    FAKE_ID,
    fake_mrz,
    fake_personal,
    image_bytes,
)

TODAY = date(2026, 11, 23)


def dg1(**kw: object) -> Dg1:
    return parse_dg1(encode_dg1(fake_mrz(**kw)), today=TODAY)  # type: ignore[arg-type]


def dg13(**kw: object) -> Dg13:
    return parse_dg13(encode_dg13(fake_personal(**kw)))


def fields(c: object) -> set[str]:
    return {i.field for i in c.inconsistencies}  # type: ignore[attr-defined]


def test_consistent_card_merges_everything() -> None:
    jpeg = image_bytes(30, 40)
    c = citizen_from_groups(dg1(), dg13(), parse_dg2(encode_dg2(jpeg, 30, 40)))
    assert c.consistent, c.inconsistencies
    assert c.id_number == FAKE_ID
    assert c.full_name == "Nguyễn Văn Thử"  # DG13's diacritics win over the MRZ
    assert c.date_of_birth == FAKE_DOB
    assert c.sex == "M"
    assert c.nationality == "Việt Nam"
    assert c.ethnicity == "Kinh"
    assert c.religion == "Không"
    assert c.place_of_origin is not None and c.place_of_residence is not None
    assert c.identifying_features is not None
    assert c.date_of_issue == date(2021, 1, 2)
    assert c.date_of_expiry == FAKE_EXPIRY
    assert not c.no_expiry
    assert (c.father_name, c.mother_name, c.spouse_name) == (
        "Nguyễn Văn Cha",
        "Trần Thị Mẹ",
        None,
    )
    assert c.old_id_number == "012345678"
    assert c.face is not None and c.face.image == jpeg
    assert c.mrz is not None and c.mrz.id_number == FAKE_ID


def test_mrz_only() -> None:
    c = citizen_from_groups(dg1(), None, None)
    assert c.id_number == FAKE_ID
    assert c.full_name == "NGUYEN VAN THU"
    assert c.date_of_birth == FAKE_DOB
    assert c.sex == "M"
    assert c.nationality == "VNM"
    assert c.date_of_expiry == FAKE_EXPIRY
    assert c.ethnicity is None and c.face is None
    assert c.consistent


def test_dg13_only() -> None:
    c = citizen_from_groups(None, dg13(), None)
    assert c.id_number == FAKE_ID and c.mrz is None and c.consistent


def test_nothing() -> None:
    c = citizen_from_groups(None, None, None)
    assert c.id_number is None and c.full_name is None and c.consistent


def test_disagreements_are_listed_without_values() -> None:
    other_id = "001203099999"
    c = citizen_from_groups(
        dg1(),
        dg13(
            id_number=other_id,
            full_name="Lê Thị Khác",
            date_of_birth=date(2003, 4, 6),
            date_of_birth_text="06/04/2003",
            sex="Nữ",
            date_of_expiry=date(2029, 1, 1),
            expiry_text="01/01/2029",
        ),
        None,
    )
    found = fields(c)
    assert {"id_number", "full_name", "date_of_birth", "sex", "date_of_expiry"} <= found
    assert c.id_number == other_id  # DG13 kept
    for issue in c.inconsistencies:
        assert other_id not in issue.message and "Khác" not in issue.message


def test_truncated_mrz_name_is_not_a_disagreement() -> None:
    long_given = "Văn Thử Nghiệm Rất Dài Dài Dài Dài"
    c = citizen_from_groups(dg1(secondary=long_given), dg13(full_name="Nguyễn " + long_given), None)
    assert c.mrz is not None and len(c.mrz.full_name.replace(" ", "")) < 30
    assert "full_name" not in fields(c)


def test_no_expiry_from_either_group() -> None:
    c = citizen_from_groups(
        dg1(expiry=None), dg13(date_of_expiry=None, expiry_text="Không thời hạn"), None
    )
    assert c.no_expiry and c.date_of_expiry is None and c.consistent
    c = citizen_from_groups(dg1(expiry=None), None, None)
    assert c.no_expiry and c.date_of_expiry is None
    c = citizen_from_groups(dg1(), dg13(date_of_expiry=None, expiry_text="Không thời hạn"), None)
    assert "date_of_expiry" in fields(c)


def test_id_number_digits_checked_against_birth_year_and_sex() -> None:
    # 4th digit 3 = female born 2000-2099; the card says male, born 2003: sex clash.
    wrong_sex = "001303012345"
    c = citizen_from_groups(None, dg13(id_number=wrong_sex), None)
    assert fields(c) == {"id_number_sex"}
    wrong_year = "001299012345"
    c = citizen_from_groups(None, dg13(id_number=wrong_year), None)
    assert fields(c) == {"id_number_birth_year"}


def test_bad_mrz_check_digits_are_flagged() -> None:
    good = dg1()
    text = good.mrz.text
    bad = parse_dg1(encode_dg1(text[:59] + str((int(text[59]) + 1) % 10) + text[60:]), today=TODAY)
    c = citizen_from_groups(bad, dg13(), None)
    assert "mrz_check_digits" in fields(c)


def test_document_number_must_be_the_last_nine_digits() -> None:
    text = fake_mrz()
    # Same ID in optional data, different document number (with a valid check digit).
    forged = format_td1(
        document_number="999999999",
        date_of_birth=FAKE_DOB,
        sex="M",
        date_of_expiry=FAKE_EXPIRY,
        primary_identifier="NGUYEN",
        secondary_identifier="VAN THU",
        optional_data_1=text[15:30],
    )
    c = citizen_from_groups(parse_dg1(encode_dg1(forged), today=TODAY), None, None)
    assert "document_number" in fields(c)


def test_partial_birth_date_falls_back_to_mrz() -> None:
    p = replace(fake_personal(), date_of_birth=None, date_of_birth_text="2003")
    c = citizen_from_groups(dg1(), parse_dg13(encode_dg13(p)), None)
    assert c.date_of_birth == FAKE_DOB
    assert c.date_of_birth_text == "2003"
    assert c.consistent


def test_empty_personal_data() -> None:
    c = citizen_from_groups(dg1(), parse_dg13(encode_dg13(PersonalData())), None)
    assert c.id_number == FAKE_ID and c.full_name == "NGUYEN VAN THU" and c.consistent
