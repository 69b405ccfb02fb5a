"""The merged citizen record: provenance, verification, merge rules."""

from __future__ import annotations

from datetime import date

import pytest

from cardreader.citizen import Inconsistency
from cardreader.lds.dg2 import FaceImage
from kiosk.record import (
    CitizenRecord,
    ReadOnlyFieldError,
    RecordError,
    RecordMismatchError,
    Source,
    parse_date,
)
from tests.kiosk.fake_citizens import THU_DOB, THU_ID, THU_NAME, chip_citizen, qr_mapping


def test_chip_fields_are_verified_when_passive_auth_passed() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    name = record.get("full_name")
    assert name is not None
    assert (name.value, name.source, name.verified) == (THU_NAME, Source.CHIP, True)
    assert record.value("date_of_birth") == THU_DOB
    assert record.value("sex") == "M"
    assert record.get("spouse_name") is None  # None on the chip: absent, not empty
    assert record.id_number == THU_ID


def test_chip_fields_unverified_without_passive_auth() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=False)
    assert all(f.source is Source.CHIP and not f.verified for f in record.fields.values())


def test_inconsistent_chip_fields_are_not_verified() -> None:
    citizen = chip_citizen(
        inconsistencies=(
            Inconsistency("id_number_sex", "the ID number's sex digit does not match sex"),
            Inconsistency("full_name", "DG1 (MRZ) and DG13 disagree on the name"),
        )
    )
    record = CitizenRecord.from_chip(citizen, verified=True)
    unverified = {n for n, f in record.fields.items() if not f.verified}
    assert unverified == {"id_number", "sex", "full_name"}


def test_malformed_chip_value_is_left_out_and_reported() -> None:
    record = CitizenRecord.from_chip(chip_citizen(old_id_number="12AB"), verified=True)
    assert record.get("old_id_number") is None
    assert record.rejected == ("old_id_number",)


def test_face_is_kept_out_of_fields() -> None:
    face = FaceImage(format="jpeg", width=2, height=2, image=b"\xff\xd8\xff\xd9")
    record = CitizenRecord.from_chip(chip_citizen(face=face), verified=True)
    assert record.face_image == b"\xff\xd8\xff\xd9"
    assert record.face_format == "jpeg"


def test_qr_fields_are_unverified_and_normalised() -> None:
    record = CitizenRecord.from_qr(qr_mapping())
    assert all(f.source is Source.QR and not f.verified for f in record.fields.values())
    assert record.value("date_of_birth") == THU_DOB
    assert record.value("sex") == "M"
    assert record.value("place_of_residence") is not None  # "address" maps here
    assert record.value("date_of_issue") == date(2021, 4, 10)


def test_merge_chip_wins_and_conflicts_are_listed() -> None:
    chip = CitizenRecord.from_chip(chip_citizen(date_of_issue=None), verified=True)
    qr = CitizenRecord.from_qr(qr_mapping(full_name="Nguyễn Văn Khác"))
    merged = CitizenRecord.merge(chip, qr)
    name = merged.get("full_name")
    assert name is not None and name.value == THU_NAME and name.verified
    assert merged.conflicts == ("full_name",)
    issue = merged.get("date_of_issue")  # chip lacked it: QR fills the gap, unverified
    assert issue is not None and issue.source is Source.QR and not issue.verified


def test_merge_same_values_in_other_case_is_not_a_conflict() -> None:
    merged = CitizenRecord.merge(
        CitizenRecord.from_chip(chip_citizen(), verified=True), CitizenRecord.from_qr(qr_mapping())
    )
    assert merged.conflicts == ()


def test_merge_refuses_qr_of_another_card() -> None:
    chip = CitizenRecord.from_chip(chip_citizen(), verified=True)
    qr = CitizenRecord.from_qr(qr_mapping(id_number="079160000111"))
    with pytest.raises(RecordMismatchError):
        CitizenRecord.merge(chip, qr)


def test_merge_with_missing_sides() -> None:
    qr = CitizenRecord.from_qr(qr_mapping())
    assert CitizenRecord.merge(None, qr) is qr
    assert CitizenRecord.merge(None, None).fields == {}


def test_typed_values_cannot_overwrite_verified_fields() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    with pytest.raises(ReadOnlyFieldError):
        record.with_typed("full_name", "NGUYỄN VĂN GIẢ")
    typed = record.with_typed("spouse_name", "LÊ THỊ THỬ")
    spouse = typed.get("spouse_name")
    assert spouse is not None and spouse.source is Source.TYPED and not spouse.verified


def test_typed_value_corrects_an_unverified_qr_value() -> None:
    record = CitizenRecord.from_qr(qr_mapping()).with_typed("full_name", "Nguyễn  Văn Thử ")
    name = record.get("full_name")
    assert name is not None and name.value == "Nguyễn Văn Thử" and name.source is Source.TYPED


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "12345"), ("sex", "X"), ("date_of_birth", "31/02/2000"),
     ("date_of_birth", 20000101), ("full_name", "x" * 501), ("nickname", "Tí")],
)  # fmt: skip
def test_bad_values_are_typed_errors(field: str, value: object) -> None:
    with pytest.raises(RecordError):
        CitizenRecord().with_typed(field, value)


def test_parse_date_forms() -> None:
    assert parse_date("05/09/1999", what="d") == THU_DOB
    assert parse_date("05091999", what="d") == THU_DOB
    assert parse_date("1999-09-05", what="d") == THU_DOB
    with pytest.raises(RecordError):
        parse_date("5 Sept 1999", what="d")


def test_age() -> None:
    record = CitizenRecord.from_qr(qr_mapping())
    assert record.age_on(date(2026, 9, 4)) == 26
    assert record.age_on(date(2026, 9, 5)) == 27
    assert CitizenRecord().age_on(date(2026, 1, 1)) is None


def test_repr_has_no_personal_data() -> None:
    text = repr(CitizenRecord.from_chip(chip_citizen(), verified=True))
    assert THU_ID not in text and "NGUYỄN" not in text and "full_name:chip+v" in text


@pytest.mark.parametrize(
    ("text", "stored"),
    [("1950", "1950"), ("00/00/1950", "1950"), ("3/1950", "03/1950"), ("00/03/1950", "03/1950")],
)
def test_year_only_birth_date_from_the_chip(text: str, stored: str) -> None:
    citizen = chip_citizen(date_of_birth=None, date_of_birth_text=text)
    record = CitizenRecord.from_chip(citizen, verified=True)
    born = record.get("date_of_birth")
    assert born is not None and born.value == stored and born.verified
    assert record.age_on(date(2026, 1, 1)) is None  # not computable from a year alone


@pytest.mark.parametrize("text", ["13/1950", "0950", "1950/03"])
def test_bad_partial_dates(text: str) -> None:
    with pytest.raises(RecordError):
        CitizenRecord().with_typed("date_of_birth", text)
