"""The 12-digit personal identification number (số định danh cá nhân) and what it encodes.

Layout (Decree 137/2015/ND-CP art. 13; Circular 07/2016/TT-BCA art. 7, later Circular
59/2021/TT-BCA art. 7 and its appendix of codes):

``PPP C YY RRRRRR``
  ``PPP``    code of the province (or country, for births abroad) where the birth was registered,
             001-096 for the 63 provinces listed below;
  ``C``      century and sex: 0/1 = born 1900-1999 male/female, 2/3 = 2000-2099, 4/5 = 2100-2199,
             6/7 = 2200-2299, 8/9 = 2300-2399 (even = male, odd = female);
  ``YY``     the last two digits of the year of birth;
  ``RRRRRR`` random digits.

Circular 59/2021 lapsed on 1 July 2024 and the Law on Identification 26/2023/QH15 (art. 12) only
guarantees "12 digits"; numbers issued so far keep the structure, but a number that breaks it
(an unlisted province code, say) is *reported*, never refused: :func:`check_id_number` returns
the problems, it raises only for something that is not 12 ASCII digits at all.

The province list is the one in the appendix of Circular 07/2016 / 59/2021 (names before the
2025 provincial mergers, as they are encoded in numbers already issued).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cardreader.citizen import Inconsistency
from cardreader.errors import InputError
from cardreader.lds.mrz import is_digits

ID_NUMBER_LENGTH = 12

#: Birth-registration province codes (Circular 07/2016/TT-BCA, appendix; unchanged in 59/2021).
PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """What a 12-digit ID number encodes, and what disagrees with the card's other fields.

    ``province_name`` is None for a code outside the official list (then ``problems`` says so).
    ``century`` is the first year of the century of birth (1900, 2000, ...); ``sex`` is "M"/"F".
    ``problems`` never contain the number or the dates themselves, so they can be logged.
    """

    id_number: str
    province_code: str
    province_name: str | None
    century: int
    sex: str
    birth_year_2: int
    problems: tuple[Inconsistency, ...]

    @property
    def birth_year(self) -> int:
        return self.century + self.birth_year_2

    @property
    def consistent(self) -> bool:
        return not self.problems


def is_id_number(text: str) -> bool:
    """True if ``text`` is exactly 12 ASCII digits (no other check)."""
    return len(text) == ID_NUMBER_LENGTH and is_digits(text)


def check_id_number(
    id_number: str,
    date_of_birth: date | None = None,
    sex: str | None = None,
    *,
    today: date | None = None,
) -> IdNumberInfo:
    """Decode ``id_number`` and compare it with the card's birth date and sex ("M"/"F").

    Raises :class:`InputError` only when ``id_number`` is not 12 ASCII digits; every
    inconsistency (unlisted province, birth year or sex disagreeing, a birth year in the
    future) is reported in ``problems``.
    """
    if not is_id_number(id_number):
        raise InputError("số định danh phải gồm 12 chữ số / the ID number must be 12 digits")
    if sex is not None and sex not in ("M", "F"):
        raise InputError('sex must be "M" or "F"')
    province_code = id_number[:3]
    code = int(id_number[3])
    century = 1900 + 100 * (code // 2)
    id_sex = "M" if code % 2 == 0 else "F"
    year_2 = int(id_number[4:6])
    problems: list[Inconsistency] = []
    province_name = PROVINCES.get(province_code)
    if province_name is None:
        problems.append(
            Inconsistency(
                "id_number_province",
                "mã tỉnh nơi đăng ký khai sinh không có trong danh mục / "
                "the province code is not in the official list",
            )
        )
    now = today or date.today()
    if century + year_2 > now.year:
        problems.append(
            Inconsistency(
                "id_number_century",
                "số định danh mã hóa năm sinh trong tương lai / "
                "the ID number encodes a birth year in the future",
            )
        )
    if date_of_birth is not None and century + year_2 != date_of_birth.year:
        if date_of_birth.year % 100 == year_2:
            message = (
                "chữ số thế kỷ của số định danh không khớp ngày sinh / "
                "the ID number's century digit does not match the date of birth"
            )
        else:
            message = (
                "năm sinh trong số định danh không khớp ngày sinh / "
                "the ID number's birth-year digits do not match the date of birth"
            )
        problems.append(Inconsistency("id_number_birth_year", message))
    if sex is not None and sex != id_sex:
        problems.append(
            Inconsistency(
                "id_number_sex",
                "chữ số giới tính của số định danh không khớp giới tính / "
                "the ID number's sex digit does not match sex",
            )
        )
    return IdNumberInfo(
        id_number=id_number,
        province_code=province_code,
        province_name=province_name,
        century=century,
        sex=id_sex,
        birth_year_2=year_2,
        problems=tuple(problems),
    )
