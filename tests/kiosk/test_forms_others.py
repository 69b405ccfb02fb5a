"""The other shipped forms: stay notification, child-under-6 linked procedure, generic
request and the BHYT check-in form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kiosk.procedures import FilledForm, fill_form, load_procedures
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import chip_citizen, qr_mapping

TODAY = date(2026, 11, 23)


def _fill(
    pid: str, record: CitizenRecord, answers: Mapping[str, object], context: dict[str, str]
) -> FilledForm:
    return fill_form(load_procedures()[pid], record, answers, context=context, today=TODAY)


# -- stay notification -----------------------------------------------------------------------

HOTEL = {
    "facility_name": "Nhà nghỉ Thử Nghiệm",
    "facility_address": "Số 3 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội",
    "facility_phone": "024 3826 1234",
    "receptionist_name": "Phạm Thị Tiếp",
}


def test_stay_notification_from_chip() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill("luu_tru", record, {"reason": "du_lich", "departure": "25/11/2026"}, HOTEL)
    assert form.is_valid, form.errors
    assert form.field("arrival").value == "23/11/2026"  # today, from the context
    assert form.field("notifier_name").value == "PHẠM THỊ TIẾP"
    assert form.field("facility_phone").value == "02438261234"
    assert form.field("reason").display == "Du lịch"
    assert form.field("nationality").value == "Việt Nam"
    kind, payload = form.to_submission()
    assert kind == "residence.stay_notification"
    assert payload["fields"]["reason"] == "du_lich"


def test_stay_departure_before_arrival_is_refused() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill(
        "luu_tru", record,
        {"reason": "cong_tac", "arrival": "23/11/2026", "departure": "22/11/2026"}, HOTEL,
    )  # fmt: skip
    (error,) = form.errors["departure"]
    assert error.code == "not_before_field"
    assert error.en == "The departure cannot be before the arrival."


def test_stay_accepts_a_passport_number_when_typed() -> None:
    form = _fill(
        "luu_tru", CitizenRecord(),
        {"full_name": "Nguyễn Văn Thử", "date_of_birth": "05/09/1999", "id_number": "c1234567",
         "reason": "khac", "departure": "24/11/2026"}, HOTEL,
    )  # fmt: skip
    assert form.is_valid, form.errors
    assert form.field("id_number").value == "C1234567"


# -- linked procedure for a child under 6 ----------------------------------------------------

CHILD = {
    "requester_phone": "0912345678", "relation": "cha",
    "child_name": "Nguyễn Văn Bé", "child_dob": "01/10/2026", "child_sex": "Nam",
    "child_birthplace": "Bệnh viện Phụ sản Thử Nghiệm, Thành phố Hà Nội",
    "child_origin": "Xã Tân Lập, Thành phố Hà Nội",
    "mother_name": "Lê Thị Thử", "mother_dob": "01/02/2001", "mother_id": "001301000444",
    "residence_address": "Số 12 Ngõ 34, Phường Cầu Giấy, Thành phố Hà Nội",
    "head_name": "Nguyễn Văn Thử", "head_id_number": "001099012345", "relation_to_head": "Con",
    "first_clinic": "Trạm Y tế phường Cầu Giấy",
}  # fmt: skip


def test_child_linked_procedure() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill("khai_sinh_lien_thong", record, CHILD, {"agency": "UBND phường Cầu Giấy"})
    assert form.is_valid, form.errors
    assert form.field("requester_name").read_only
    assert form.field("child_name").value == "NGUYỄN VĂN BÉ"
    assert form.field("child_ethnicity").value == "Kinh"  # default
    assert form.field("delivery").value == "vneid"
    kind, payload = form.to_submission()
    assert kind == "civil.birth_residence_bhyt_child"
    assert payload["fields"]["certificate_copies"] == "0"


def test_child_six_or_older_is_refused() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    form = _fill("khai_sinh_lien_thong", record, {**CHILD, "child_dob": "23/11/2020"},
                 {"agency": "UBND phường Cầu Giấy"})  # fmt: skip
    assert form.errors["child_dob"][0].code == "age_under"
    future = _fill("khai_sinh_lien_thong", record, {**CHILD, "child_dob": "24/11/2026"},
                   {"agency": "UBND phường Cầu Giấy"})  # fmt: skip
    assert future.errors["child_dob"][0].code == "date_not_future"
    copies = _fill("khai_sinh_lien_thong", record, {**CHILD, "certificate_copies": "11"},
                   {"agency": "UBND phường Cầu Giấy"})  # fmt: skip
    assert copies.errors["certificate_copies"][0].code == "integer_range"


# -- generic request: address split into its units -------------------------------------------


def test_generic_request_splits_the_address() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    answers = {"phone": "0912345678", "procedure_name": "Cấp bản sao trích lục",
               "request": "Đề nghị cấp 02 bản sao trích lục khai sinh"}  # fmt: skip
    form = _fill("generic_request", record, answers, {"agency": "UBND phường Dịch Vọng"})
    assert form.is_valid, form.errors
    assert form.field("street").value == "Số 12 Ngõ 34, Tổ 5"
    assert form.field("ward").value == "Phường Dịch Vọng"
    assert form.field("district").value == "Quận Cầu Giấy"
    assert form.field("province").value == "Thành phố Hà Nội"
    assert form.field("ward").read_only and form.field("ward").verified
    assert form.field("date_of_issue").value == "10/04/2021"


def test_generic_request_two_level_address_has_no_district() -> None:
    qr = CitizenRecord.from_qr(qr_mapping(address="Thôn Trung, Xã Ô Diên, Thành phố Hà Nội"))
    form = _fill("generic_request", qr, {}, {"agency": "UBND xã Ô Diên"})
    assert form.field("ward").value == "Xã Ô Diên"
    assert form.field("district").value == ""
    assert form.field("district").source == "qr"
    assert form.errors["phone"][0].code == "required"


# -- BHYT check-in form ----------------------------------------------------------------------


def test_bhyt_form_context_and_priority_default() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    context = {
        "clinic_name": "Phòng khám Thử",
        "clinic_code": "01013",
        "receptionist_name": "Phạm Thị Tiếp",
        "receptionist_id": "001190000333",
    }
    form = _fill("bhyt_checkin", record, {"bhyt_card": "dn4 01 0123456789"}, context)
    assert form.is_valid, form.errors
    assert form.field("bhyt_card").value == "DN4010123456789"
    assert form.field("priority").value == "none"
    assert form.field("receptionist_name").value == "PHẠM THỊ TIẾP"
    bad = _fill("bhyt_checkin", record, {}, {**context, "clinic_code": "1013"})
    assert bad.errors["clinic_code"][0].code == "pattern"


# -- people whose card gives only the year of birth ------------------------------------------


def test_year_only_birth_date_is_copied_and_accepted() -> None:
    record = CitizenRecord.from_chip(
        chip_citizen(date_of_birth=None, date_of_birth_text="1950"), verified=True
    )
    context = {"clinic_name": "Phòng khám Thử", "clinic_code": "01013",
               "receptionist_name": "Phạm Thị Tiếp", "receptionist_id": "001190000333"}  # fmt: skip
    form = _fill("bhyt_checkin", record, {}, context)
    dob = form.field("date_of_birth")
    assert (dob.value, dob.read_only, dob.errors) == ("1950", True, ())
    typed = _fill("luu_tru", CitizenRecord(),
                  {"full_name": "Hoàng Thị Năm", "date_of_birth": "3/1950", "id_number":
                   "001150000777", "reason": "khac", "departure": "24/11/2026"}, HOTEL)  # fmt: skip
    assert typed.is_valid, typed.errors
    assert typed.field("date_of_birth").value == "03/1950"


def test_partial_dates_only_where_allowed() -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    child = _fill("khai_sinh_lien_thong", record, {**CHILD, "child_dob": "2024"},
                  {"agency": "UBND phường Cầu Giấy"})  # fmt: skip
    assert child.errors["child_dob"][0].code == "date"  # a birth registration needs the day
    mother = _fill("khai_sinh_lien_thong", record, {**CHILD, "mother_dob": "2001"},
                   {"agency": "UBND phường Cầu Giấy"})  # fmt: skip
    assert "mother_dob" not in mother.errors
    young = _fill("khai_sinh_lien_thong", CitizenRecord(),
                  {**CHILD, "requester_dob": "2011"}, {"agency": "UBND"})  # fmt: skip
    assert young.errors["requester_dob"][0].code == "age_at_least"
    just = _fill("khai_sinh_lien_thong", CitizenRecord(),
                 {**CHILD, "requester_dob": "2010"}, {"agency": "UBND"})  # fmt: skip
    assert "requester_dob" not in just.errors  # may have turned 16 already: lenient
