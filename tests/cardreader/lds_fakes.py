"""Fake (invented) card data for the LDS tests. No real person's data anywhere."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from cardreader.lds.dg13 import PersonalData
from cardreader.lds.mrz import format_cccd_td1

# 001 = Hà Nội province code, 2 = male born 2000-2099, 03 = birth year 2003.
FAKE_ID = "001203012345"
FAKE_DOB = date(2003, 4, 5)
FAKE_EXPIRY = date(2028, 4, 5)

# Vietnamese capital letters, with every tone mark, for generated names.
VI_LETTERS = (
    "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
)


def fake_personal(**changes: object) -> PersonalData:
    base: dict[str, object] = {
        "id_number": FAKE_ID,
        "full_name": "Nguyễn Văn Thử",
        "date_of_birth": FAKE_DOB,
        "date_of_birth_text": "05/04/2003",
        "sex": "Nam",
        "nationality": "Việt Nam",
        "ethnicity": "Kinh",
        "religion": "Không",
        "place_of_origin": "Xã Thử Nghiệm, Huyện Mẫu, Tỉnh Giả Định",
        "place_of_residence": "Số 1 Phố Thử, Phường Mẫu, Quận Giả, Hà Nội",
        "identifying_features": "Nốt ruồi C:1cm trên đuôi mắt phải",
        "date_of_issue": date(2021, 1, 2),
        "date_of_expiry": FAKE_EXPIRY,
        "expiry_text": "05/04/2028",
        "father_name": "Nguyễn Văn Cha",
        "mother_name": "Trần Thị Mẹ",
        "spouse_name": None,
        "old_id_number": "012345678",
    }
    base.update(changes)
    return PersonalData(**base)  # type: ignore[arg-type]


def fake_mrz(
    *,
    id_number: str = FAKE_ID,
    dob: date = FAKE_DOB,
    sex: str = "M",
    expiry: date | None = FAKE_EXPIRY,
    primary: str = "Nguyễn",
    secondary: str = "Văn Thử",
) -> str:
    return format_cccd_td1(
        id_number=id_number,
        date_of_birth=dob,
        sex=sex,
        date_of_expiry=expiry,
        primary_identifier=primary,
        secondary_identifier=secondary,
    )


def image_bytes(width: int = 48, height: int = 64, fmt: str = "JPEG") -> bytes:
    img = Image.new("RGB", (width, height), (200, 180, 160))
    for x in range(width // 4, 3 * width // 4):
        img.putpixel((x, height // 2), (20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()
