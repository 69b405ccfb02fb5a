"""CT01 (residence change declaration) filled from the chip, the QR code and answers."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.procedures import FilledForm, FormInvalidError, fill_form, load_procedures
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import THU_ID, THU_NAME, chip_citizen, qr_mapping

TODAY = date(2026, 11, 23)
CONTEXT = {"agency": "Công an phường Dịch Vọng, Thành phố Hà Nội"}
ANSWERS: dict[str, object] = {
    "phone": "+84 912 345 678",
    "email": "thu@example.vn",
    "head_name": "nguyễn văn chủ",
    "relation_to_head": "Con",
    "head_id_number": "001065000999",
    "request": "Đăng ký thường trú vào hộ gia đình ông Nguyễn Văn Chủ",
    "members": [
        {"full_name": "Lê Thị Thử", "date_of_birth": "1/2/2001", "sex": "Nữ",
         "id_number": "001301000444", "relation_to_head": "Con dâu"},
    ],
}  # fmt: skip


def _fill(record: CitizenRecord, answers: dict[str, object] | None = None) -> FilledForm:
    return fill_form(
        load_procedures()["ct01"], record, ANSWERS if answers is None else answers,
        context=CONTEXT, today=TODAY,
    )  # fmt: skip


def test_chip_values_are_formatted_read_only_and_verified() -> None:
    form = _fill(CitizenRecord.from_chip(chip_citizen(), verified=True))
    name = form.field("full_name")
    assert (name.value, name.read_only, name.verified, name.source) == (
        THU_NAME, True, True, "chip",
    )  # fmt: skip
    assert form.field("date_of_birth").value == "05/09/1999"
    assert form.field("sex").value == "Nam"
    assert form.field("id_number").value == THU_ID
    assert form.field("kinh_gui").value == CONTEXT["agency"]
    assert form.is_valid, form.errors


def test_answers_cannot_change_verified_fields() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill(record, {**ANSWERS, "full_name": "NGUYỄN VĂN GIẢ", "id_number": "001099000000"})
    assert form.field("full_name").value == THU_NAME
    assert form.field("id_number").value == THU_ID


def test_qr_values_are_editable_and_marked_unverified() -> None:
    form = _fill(CitizenRecord.from_qr(qr_mapping()), {**ANSWERS, "full_name": "Nguyễn Văn Thử"})
    name = form.field("full_name")
    assert name.value == "NGUYỄN VĂN THỬ"  # typed correction, upper-cased like the chip
    assert (name.read_only, name.verified, name.source) == (False, False, "typed")
    dob = form.field("date_of_birth")
    assert (dob.value, dob.source, dob.verified, dob.read_only) == (
        "05/09/1999",
        "qr",
        False,
        False,
    )
    # Sending the shown value back unchanged keeps its provenance.
    same = _fill(CitizenRecord.from_qr(qr_mapping()), {**ANSWERS, "date_of_birth": "05/09/1999"})
    assert same.field("date_of_birth").source == "qr"


def test_without_record_everything_is_asked_and_required_fields_fail() -> None:
    form = _fill(CitizenRecord(), {})
    errors = form.errors
    for field_id in ("full_name", "date_of_birth", "sex", "id_number", "request"):
        assert errors[field_id][0].code == "required"
    assert "phone" not in errors and "email" not in errors  # optional on CT01
    with pytest.raises(FormInvalidError) as info:
        form.to_submission()
    assert "request" in info.value.field_ids


def test_typed_values_are_normalised_and_validated() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill(record)
    assert form.field("phone").value == "0912345678"
    assert form.field("head_name").value == "NGUYỄN VĂN CHỦ"
    bad = _fill(record, {**ANSWERS, "phone": "12345", "email": "a@b", "head_id_number": "1"})
    assert {k: v[0].code for k, v in bad.errors.items()} == {
        "phone": "phone_vn", "email": "email", "head_id_number": "id_number",
    }  # fmt: skip


def test_household_member_table() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    members = _fill(record).field("members")
    assert members.value == (
        {"full_name": "Lê Thị Thử", "date_of_birth": "01/02/2001", "sex": "Nữ",
         "id_number": "001301000444", "relation_to_head": "Con dâu"},
    )  # fmt: skip
    bad_rows = [{"full_name": "", "date_of_birth": "30/02/2001", "sex": "?",
                 "relation_to_head": "Con"}]  # fmt: skip
    errors = _fill(record, {**ANSWERS, "members": bad_rows}).errors["members"]
    assert [e.code for e in errors] == ["required", "date", "choice"]
    assert errors[0].vi.startswith("Dòng 1, Họ, chữ đệm và tên")
    too_many = [ANSWERS["members"][0]] * 16  # type: ignore[index]
    assert _fill(record, {**ANSWERS, "members": too_many}).errors["members"][0].code == "max_rows"
    assert _fill(record, {**ANSWERS, "members": "nonsense"}).errors["members"][0].code == "table"


def test_submission_payload() -> None:
    record = CitizenRecord.merge(
        CitizenRecord.from_chip(chip_citizen(), verified=True),
        CitizenRecord.from_qr(qr_mapping(full_name="Nguyễn Văn Khác")),
    )
    kind, payload = _fill(record).to_submission()
    assert kind == "residence.change_declaration"
    assert payload["procedure"] == "ct01" and payload["form_code"] == "CT01"
    assert payload["fields"]["full_name"] == THU_NAME
    assert payload["fields"]["members"][0]["relation_to_head"] == "Con dâu"
    assert payload["provenance"]["full_name"] == {"source": "chip", "verified": True}
    assert payload["provenance"]["phone"] == {"source": "typed", "verified": False}
    assert payload["qr_chip_conflicts"] == ["full_name"]
    assert payload["filled_on"] == "2026-11-23"


def test_sections_group_fields_in_order() -> None:
    form = _fill(CitizenRecord.from_chip(chip_citizen(), verified=True))
    groups = form.sections()
    assert [s.id for s, _ in groups] == ["declarant", "members"]
    assert [f.id for f in groups[1][1]] == ["members"]
    assert [f.id for _, fields in groups for f in fields] == [f.id for f in form.fields]
