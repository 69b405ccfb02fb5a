"""The card QR payload: both generations, normalisation, extras, problems, typed errors.

Every citizen here is invented.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from cardreader.errors import CardReaderError, ParseError, QrFormatError
from cardreader.qr.payload import (
    GENERATION_CAN_CUOC_2024,
    GENERATION_CCCD_2021,
    MAX_FIELD_CHARS,
    MAX_FIELDS,
    MAX_PAYLOAD_BYTES,
    parse_cccd_qr,
)
from kiosk.record import CitizenRecord

TODAY = date(2026, 11, 23)
NAME = "NGUYỄN VĂN THỬ"
ADDRESS = "Số 12 Ngõ Mẫu, Phường Thử, Quận Đống Đa, Hà Nội"
CCCD_2021 = f"001099012345|123456789|{NAME}|17051999|Nam|{ADDRESS}|01072021"
CAN_CUOC_2024 = (
    "036305000123||TRẦN THỊ MẪU|02012005|Nữ|Xóm Thử, Xã Mẫu, Nam Định|15082024"
    "|036305000999|TRẦN VĂN BỐ|LÊ THỊ MẸ||"
)


def test_cccd_2021_from_raw_utf8_bytes() -> None:
    card = parse_cccd_qr(CCCD_2021.encode("utf-8"), today=TODAY)
    assert card.id_number == "001099012345"
    assert card.old_id_number == "123456789"
    assert card.full_name == NAME
    assert card.date_of_birth == date(1999, 5, 17)
    assert card.sex == "M"
    assert card.address == ADDRESS
    assert card.date_of_issue == date(2021, 7, 1)
    assert card.generation == GENERATION_CCCD_2021
    assert card.extras == () and card.problems == () and card.field_count == 7
    assert card.id_info.province_name == "Hà Nội"


def test_to_mapping_has_the_kiosk_keys_with_iso_dates() -> None:
    mapping = parse_cccd_qr(CCCD_2021, today=TODAY).to_mapping()
    assert {k: mapping[k] for k in list(mapping)[:7]} == {
        "id_number": "001099012345",
        "old_id_number": "123456789",
        "full_name": NAME,
        "date_of_birth": "1999-05-17",
        "sex": "M",
        "address": ADDRESS,
        "date_of_issue": "2021-07-01",
    }
    record = CitizenRecord.from_qr(mapping)
    assert record.value("id_number") == "001099012345"
    assert record.value("place_of_residence") == ADDRESS


def test_can_cuoc_2024_with_extras_and_trailing_empty_fields() -> None:
    card = parse_cccd_qr(CAN_CUOC_2024, today=TODAY)
    assert card.generation == GENERATION_CAN_CUOC_2024
    assert card.field_count == 12
    assert card.old_id_number is None
    assert card.sex == "F" and card.date_of_birth == date(2005, 1, 2)
    assert [(e.position, e.kind, e.value) for e in card.extras] == [
        (8, "id_number", "036305000999"),
        (9, "name", "TRẦN VĂN BỐ"),
        (10, "name", "LÊ THỊ MẸ"),
    ]
    assert card.problems == ()
    mapping = card.to_mapping()
    assert mapping["generation"] == GENERATION_CAN_CUOC_2024
    assert mapping["extras"][0] == {"position": 8, "kind": "id_number", "value": "036305000999"}


def test_seven_fields_issued_after_july_2024_is_can_cuoc() -> None:
    card = parse_cccd_qr(CCCD_2021.replace("|01072021", "|02072024"), today=TODAY)
    assert card.generation == GENERATION_CAN_CUOC_2024


def test_extra_kinds() -> None:
    text = CCCD_2021 + "|123456789|31122030|Ghi chú 12/A"
    card = parse_cccd_qr(text, today=TODAY)
    assert [(e.kind, e.value) for e in card.extras] == [
        ("old_id_number", "123456789"),
        ("date", "2030-12-31"),
        ("text", "Ghi chú 12/A"),
    ]


def test_full_width_digits_and_bar() -> None:
    wide = "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in CCCD_2021)
    wide = wide.replace("|", "｜")
    card = parse_cccd_qr(wide, today=TODAY)
    assert card.id_number == "001099012345"
    assert card.date_of_birth == date(1999, 5, 17)


def test_nfd_input_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", CCCD_2021)
    assert nfd != CCCD_2021
    card = parse_cccd_qr(nfd.encode("utf-8"), today=TODAY)
    assert card.full_name == NAME and card.address == ADDRESS
    assert card.sex == "M"
    female = parse_cccd_qr(unicodedata.normalize("NFD", CAN_CUOC_2024), today=TODAY)
    assert female.sex == "F"


def test_bom_surrounding_whitespace_slashed_dates_and_spaces() -> None:
    text = "\ufeff" + CCCD_2021.replace("17051999", "17/05/1999").replace(NAME, f"  {NAME} ")
    card = parse_cccd_qr(text + "\r\n", today=TODAY)
    assert card.full_name == NAME and card.date_of_birth == date(1999, 5, 17)


def test_year_only_and_month_year_birth_dates() -> None:
    old = "001050012345||PHẠM VĂN CỤ|00001950|Nam|Xã Thử, Hà Nội|01062021"
    card = parse_cccd_qr(old, today=TODAY)
    assert card.date_of_birth is None and card.date_of_birth_text == "1950"
    assert card.birth_year == 1950 and card.problems == ()
    assert card.to_mapping()["date_of_birth"] == "1950"
    month = parse_cccd_qr(old.replace("00001950", "00031950"), today=TODAY)
    assert month.date_of_birth_text == "03/1950"
    wrong = parse_cccd_qr(old.replace("00001950", "00001951"), today=TODAY)
    assert [p.field for p in wrong.problems] == ["id_number_birth_year"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("001099012345", "001098012345"), "id_number_birth_year"),
        (("001099012345", "001199012345"), "id_number_sex"),
        (("001099012345", "098099012345"), "id_number_province"),
        (("01072021", "01072027"), "date_of_issue"),  # in the future
        (("01072021", "01072020"), "date_of_issue"),  # before QR cards existed
        (("|01072021", "|"), "date_of_issue"),  # missing
    ],
)
def test_problems_reported_not_raised(change: tuple[str, str], field: str) -> None:
    card = parse_cccd_qr(CCCD_2021.replace(*change), today=TODAY)
    assert [p.field for p in card.problems] == [field]
    assert not card.consistent


def test_issue_before_birth_and_birth_in_the_future() -> None:
    text = "001227012345||NGUYỄN THỬ|01012027|Nam|Hà Nội|01012022"
    fields = [p.field for p in parse_cccd_qr(text, today=TODAY).problems]
    assert fields == ["id_number_century", "date_of_birth", "date_of_issue"]


def test_cccd_issued_under_14_before_the_2024_law() -> None:
    text = "001212012345||NGUYỄN THỬ|01012012|Nam|Hà Nội|01012022"
    assert [p.field for p in parse_cccd_qr(text, today=TODAY).problems] == ["date_of_issue"]


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\xff\xfe" + CCCD_2021.encode(), "UTF-8"),
        (CCCD_2021.encode("utf-16"), "UTF-8"),
        (NAME.encode(), "1 fields"),
        ("|".join(CCCD_2021.split("|")[:6]), "6 fields"),
        (CCCD_2021.replace("001099012345", "00109901234"), "ID number"),
        (CCCD_2021.replace("001099012345", "0010990123AB"), "ID number"),
        (CCCD_2021.replace("123456789", "12345"), "old ID number"),
        (CCCD_2021.replace(NAME, ""), "full name"),
        (CCCD_2021.replace(NAME, "NGUYỄN 2"), "full name"),
        (CCCD_2021.replace("17051999", "31021999"), "date of birth"),
        (CCCD_2021.replace("17051999", ""), "date of birth"),
        (CCCD_2021.replace("|Nam|", "|X|"), "sex"),
        (CCCD_2021.replace("01072021", "1.7.21"), "date of issue"),
        (CCCD_2021.replace(ADDRESS, "Hà\x00Nội"), "control character"),
        (CCCD_2021 + "|" * MAX_FIELDS, f"more than {MAX_FIELDS} fields"),
        (CCCD_2021.replace(ADDRESS, "x" * (MAX_FIELD_CHARS + 1)), "longer than"),
        (b"1" * (MAX_PAYLOAD_BYTES + 1), "longer than"),
        ("1" * (MAX_PAYLOAD_BYTES + 1), "longer than"),
    ],
)
def test_typed_errors_name_what_failed(data: bytes | str, names: str) -> None:
    with pytest.raises(QrFormatError, match=names) as info:
        parse_cccd_qr(data, today=TODAY)
    assert info.value.code == "qr_format"
    assert isinstance(info.value, ParseError) and isinstance(info.value, CardReaderError)


def test_not_bytes_or_text() -> None:
    with pytest.raises(QrFormatError):
        parse_cccd_qr(12345, today=TODAY)  # type: ignore[arg-type]
