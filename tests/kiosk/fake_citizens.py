"""Invented citizens for the kiosk tests (never a real person's data)."""

from __future__ import annotations

from datetime import date

from cardreader.citizen import Citizen, Inconsistency
from kiosk.record import CitizenRecord

THU_ID = "001099012345"  # Hà Nội (001), male born in the 1900s (0), 1999 (99)
THU_NAME = "NGUYỄN VĂN THỬ"
THU_DOB = date(1999, 9, 5)
THU_ADDRESS = "Số 12 Ngõ 34, Tổ 5, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội"


def chip_citizen(**overrides: object) -> Citizen:
    values: dict[str, object] = dict(
        id_number=THU_ID,
        full_name=THU_NAME,
        date_of_birth=THU_DOB,
        sex="M",
        nationality="Việt Nam",
        ethnicity="Kinh",
        religion="Không",
        place_of_origin="Xã Tân Lập, Huyện Đan Phượng, Thành phố Hà Nội",
        place_of_residence=THU_ADDRESS,
        identifying_features="Nốt ruồi C:2cm trên trước mũi",
        date_of_issue=date(2021, 4, 10),
        date_of_expiry=date(2039, 9, 5),
        father_name="NGUYỄN VĂN CHA",
        mother_name="TRẦN THỊ MẸ",
        spouse_name=None,
        old_id_number="012345678",
        face=None,
        mrz=None,
        inconsistencies=(),
    )
    values.update(overrides)
    return Citizen(**values)  # type: ignore[arg-type]


def qr_mapping(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "id_number": THU_ID,
        "old_id_number": "012345678",
        "full_name": "Nguyễn Văn Thử",
        "date_of_birth": "05091999",
        "sex": "Nam",
        "address": THU_ADDRESS,
        "date_of_issue": "10042021",
    }
    values.update(overrides)
    return values


def verified_record() -> CitizenRecord:
    return CitizenRecord.from_chip(chip_citizen(), verified=True)


__all__ = ["Inconsistency", "chip_citizen", "qr_mapping", "verified_record"]
