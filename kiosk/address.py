"""Split a Vietnamese address into street / ward / district / province.

Vietnam has two administrative layouts in circulation on ID cards and forms:

* before 1 July 2025, three levels: province (Tỉnh / Thành phố trực thuộc trung ương), district
  (Quận / Huyện / Thị xã / Thành phố thuộc tỉnh) and commune (Phường / Xã / Thị trấn);
* from 1 July 2025 (Resolution 202/2025/QH15 merging 63 provinces into 34, and the Law on Local
  Government Organisation 2025 abolishing the district level), two levels: province and commune
  (Phường / Xã / Đặc khu).

Cards issued before the reform keep the old address, so both must be understood.  The chip and
the QR code write the address most specific first, comma separated, with the unit prefixes
spelled out ("Số 12 Ngõ 34, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội").  This module takes one
such string apart; it never guesses a unit from a bare name except the province, which it
recognises from the list of the 63 old and 34 new provinces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_ADDRESS_LENGTH = 400
MAX_COMPONENTS = 16


class AddressError(ValueError):
    """The text cannot be an address (empty, too long, control characters)."""

    code = "address"


class Layout(StrEnum):
    """Which administrative layout an address is written in."""

    THREE_LEVEL = "three_level"  # province / district / commune (before 1 July 2025)
    TWO_LEVEL = "two_level"  # province / commune (from 1 July 2025)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AdminUnit:
    """One administrative unit: its kind as written in Vietnamese ("Phường") and its name."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" if self.kind else self.name


@dataclass(frozen=True)
class AddressParts:
    """An address taken apart.  ``street`` holds everything below the commune."""

    street: str
    ward: AdminUnit | None
    district: AdminUnit | None
    province: AdminUnit | None
    layout: Layout

    def part(self, name: str) -> str:
        """The text of one part by name (street, ward, district, province), "" when absent."""
        if name == "street":
            return self.street
        unit: AdminUnit | None
        if name == "ward":
            unit = self.ward
        elif name == "district":
            unit = self.district
        elif name == "province":
            unit = self.province
        else:
            raise KeyError(name)
        return "" if unit is None else str(unit)


# The 34 provinces from 12 June 2025 (Resolution 202/2025/QH15); six are centrally-governed cities.
PROVINCES_2025: tuple[str, ...] = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
# Provinces that existed before the 2025 merger and no longer do.
PROVINCES_ABOLISHED_2025: tuple[str, ...] = (
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Hòa Bình", "Vĩnh Phúc", "Bắc Giang", "Hải Dương",
    "Thái Bình", "Hà Nam", "Nam Định", "Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum",
    "Bình Định", "Phú Yên", "Ninh Thuận", "Bình Thuận", "Đắk Nông", "Bình Phước", "Bình Dương",
    "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Sóc Trăng",
    "Hậu Giang", "Bạc Liêu", "Kiên Giang",
)  # fmt: skip
MUNICIPALITIES: frozenset[str] = frozenset(
    {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
)

WARD_KINDS = ("Phường", "Xã", "Thị trấn", "Đặc khu")
DISTRICT_KINDS = ("Quận", "Huyện", "Thị xã", "Thành phố")
PROVINCE_KINDS = ("Tỉnh", "Thành phố")

# Abbreviations seen on forms and in typed addresses, folded (see _fold) -> full kind.
_ABBREVIATIONS: dict[str, str] = {
    "p": "Phường", "x": "Xã", "tt": "Thị trấn", "q": "Quận", "h": "Huyện", "tx": "Thị xã",
    "tp": "Thành phố", "t": "Tỉnh",
}  # fmt: skip
_ALL_KINDS = ("Thị trấn", "Thị xã", "Thành phố", "Đặc khu", "Phường", "Xã", "Quận", "Huyện", "Tỉnh")


def _fold(text: str) -> str:
    """Lower case, no diacritics, no spaces or punctuation: 'Thanh Hoá' == 'Thanh Hóa'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed.lower() if ch.isalnum() and ch.isascii())


_PROVINCE_BY_FOLD: dict[str, str] = {
    _fold(name): name for name in PROVINCES_2025 + PROVINCES_ABOLISHED_2025
}
_PROVINCE_BY_FOLD.update(
    {
        _fold("Thành phố Hồ Chí Minh"): "Hồ Chí Minh",
        "hcm": "Hồ Chí Minh",
        "tphcm": "Hồ Chí Minh",
        "saigon": "Hồ Chí Minh",
        _fold("Bà Rịa Vũng Tàu"): "Bà Rịa - Vũng Tàu",
        _fold("Đắc Lắc"): "Đắk Lắk",
        _fold("Bắc Cạn"): "Bắc Kạn",
        _fold("Đắc Nông"): "Đắk Nông",
        _fold("Kontum"): "Kon Tum",
    }
)
_ABOLISHED_FOLDS = frozenset(_fold(name) for name in PROVINCES_ABOLISHED_2025)

_KIND_RE = re.compile(
    r"^(?P<kind>" + "|".join(_ALL_KINDS) + r")(?:\s+|\.\s*)(?P<name>\S.*)$", re.IGNORECASE
)
_ABBREV_RE = re.compile(r"^(?P<abbr>tp|tx|tt|p|q|h|x|t)\s*\.\s*(?P<name>\S.*)$", re.IGNORECASE)
# Used only when the whole address has no separator: split before a capitalised unit prefix.
_UNSEPARATED_RE = re.compile(r"\s+(?=(?:" + "|".join(_ALL_KINDS) + r")\s)")


def _canonical_kind(kind: str) -> str:
    for known in _ALL_KINDS:
        if known.lower() == kind.lower():
            return known
    return kind


def _parse_component(text: str) -> AdminUnit | None:
    """'Phường Dịch Vọng' -> AdminUnit('Phường', 'Dịch Vọng'); no recognised prefix -> None."""
    match = _KIND_RE.match(text)
    if match:
        return AdminUnit(_canonical_kind(match["kind"]), match["name"].strip())
    match = _ABBREV_RE.match(text)
    if match:
        return AdminUnit(_ABBREVIATIONS[match["abbr"].lower()], match["name"].strip())
    return None


def province_name(text: str) -> str | None:
    """The canonical province name for a bare or prefixed province text, None if unknown."""
    unit = _parse_component(text.strip())
    folded = _fold(unit.name if unit and unit.kind in PROVINCE_KINDS else text)
    return _PROVINCE_BY_FOLD.get(folded)


def _as_province(text: str) -> AdminUnit | None:
    unit = _parse_component(text)
    if unit is not None and unit.kind in PROVINCE_KINDS:
        known = _PROVINCE_BY_FOLD.get(_fold(unit.name))
        if known is None and unit.kind == "Thành phố":
            return None  # a provincial city ("Thành phố Vinh"): district level, not province
        if known is not None and unit.kind == "Thành phố" and known not in MUNICIPALITIES:
            return None  # "Thành phố Thái Nguyên" is the city, "Tỉnh Thái Nguyên" the province
        return AdminUnit(unit.kind, known or unit.name)
    known = _PROVINCE_BY_FOLD.get(_fold(text))
    if known is None:
        return None
    return AdminUnit("Thành phố" if known in MUNICIPALITIES else "Tỉnh", known)


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise AddressError("address must be text")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise AddressError(f"address longer than {MAX_ADDRESS_LENGTH} characters")
    text = unicodedata.normalize("NFC", text)
    if any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\t\n\r"
        for ch in text
    ):
        raise AddressError("address contains control or unassigned characters")
    text = " ".join(text.split())
    if not text.strip(" ,;-"):
        raise AddressError("address is empty")
    return text


def _components(text: str) -> list[str]:
    parts = [p.strip(" .-") for p in re.split(r"[,;]", text)]
    parts = [p for p in parts if p]
    if len(parts) == 1:
        parts = [p.strip() for p in _UNSEPARATED_RE.split(parts[0]) if p.strip()]
    if len(parts) > MAX_COMPONENTS:
        raise AddressError(f"address has more than {MAX_COMPONENTS} parts")
    return parts


def split_address(text: str) -> AddressParts:
    """Take a Vietnamese address apart, most specific part first as written on the card.

    Raises :class:`AddressError` only for text that cannot be an address at all; an address
    whose units are not recognised comes back with those units as ``None`` and the rest in
    ``street``.
    """
    parts = _components(_clean(text))
    province = _as_province(parts[-1]) if parts else None
    if province is not None:
        parts.pop()
    district: AdminUnit | None = None
    ward: AdminUnit | None = None
    if parts:
        unit = _parse_component(parts[-1])
        if unit is not None and unit.kind in DISTRICT_KINDS:
            district = unit
            parts.pop()
    if parts:
        unit = _parse_component(parts[-1])
        if unit is not None and unit.kind in WARD_KINDS:
            ward = unit
            parts.pop()
    if district is not None:
        layout = Layout.THREE_LEVEL
    elif ward is not None and province is not None:
        abolished = _fold(province.name) in _ABOLISHED_FOLDS
        layout = Layout.THREE_LEVEL if abolished else Layout.TWO_LEVEL
    else:
        layout = Layout.UNKNOWN
    return AddressParts(
        street=", ".join(parts), ward=ward, district=district, province=province, layout=layout
    )
