"""Address splitting on a corpus of realistic (invented) addresses, both layouts; fuzzed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.address import (
    MAX_ADDRESS_LENGTH,
    AddressError,
    AddressParts,
    Layout,
    province_name,
    split_address,
)

# (address, street, ward, district, province, layout)
CORPUS = [
    (
        "Số 12 Ngõ 34, Tổ 5, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
        "Số 12 Ngõ 34, Tổ 5", "Phường Dịch Vọng", "Quận Cầu Giấy", "Thành phố Hà Nội",
        Layout.THREE_LEVEL,
    ),
    (
        "Thôn Đông, Xã Tân Lập, Huyện Đan Phượng, Thành phố Hà Nội",
        "Thôn Đông", "Xã Tân Lập", "Huyện Đan Phượng", "Thành phố Hà Nội", Layout.THREE_LEVEL,
    ),
    (
        "Khu phố 3, Phường Linh Trung, Thành phố Thủ Đức, Thành phố Hồ Chí Minh",
        "Khu phố 3", "Phường Linh Trung", "Thành phố Thủ Đức", "Thành phố Hồ Chí Minh",
        Layout.THREE_LEVEL,
    ),
    (
        "Xóm 2, Xã Nghi Phong, Huyện Nghi Lộc, Tỉnh Nghệ An",
        "Xóm 2", "Xã Nghi Phong", "Huyện Nghi Lộc", "Tỉnh Nghệ An", Layout.THREE_LEVEL,
    ),
    (
        "Tổ dân phố 7, Thị trấn Phong Điền, Huyện Phong Điền, Tỉnh Thừa Thiên Huế",
        "Tổ dân phố 7", "Thị trấn Phong Điền", "Huyện Phong Điền", "Tỉnh Thừa Thiên Huế",
        Layout.THREE_LEVEL,
    ),
    (
        "Ấp Phú Hòa, Xã Phú Thuận, Thị xã Bến Cát, Tỉnh Bình Dương",
        "Ấp Phú Hòa", "Xã Phú Thuận", "Thị xã Bến Cát", "Tỉnh Bình Dương", Layout.THREE_LEVEL,
    ),
    (
        "45 Trần Phú, Phường 4, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu",
        "45 Trần Phú", "Phường 4", "Thành phố Vũng Tàu", "Tỉnh Bà Rịa - Vũng Tàu",
        Layout.THREE_LEVEL,
    ),
    # 2025 two-level layout (province + commune, no district)
    (
        "Số 5 đường Lê Lợi, Phường Hạc Thành, Tỉnh Thanh Hóa",
        "Số 5 đường Lê Lợi", "Phường Hạc Thành", None, "Tỉnh Thanh Hóa", Layout.TWO_LEVEL,
    ),
    (
        "Ấp 3, Đặc khu Phú Quốc, Tỉnh An Giang",
        "Ấp 3", "Đặc khu Phú Quốc", None, "Tỉnh An Giang", Layout.TWO_LEVEL,
    ),
    (
        "Thôn Trung, Xã Ô Diên, Thành phố Hà Nội",
        "Thôn Trung", "Xã Ô Diên", None, "Thành phố Hà Nội", Layout.TWO_LEVEL,
    ),
    (
        "Kiệt 12 Nguyễn Huệ, Phường Thuận Hóa, Thành phố Huế",
        "Kiệt 12 Nguyễn Huệ", "Phường Thuận Hóa", None, "Thành phố Huế", Layout.TWO_LEVEL,
    ),
    # abbreviations, spelling variants, missing separators, upper case
    (
        "12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
        "12 Nguyễn Huệ", "Phường Bến Nghé", "Quận 1", "Thành phố Hồ Chí Minh", Layout.THREE_LEVEL,
    ),
    (
        "Buôn Ma Thuột, Xã Ea Tu, TP. Buôn Ma Thuột, Đắc Lắc",
        "Buôn Ma Thuột", "Xã Ea Tu", "Thành phố Buôn Ma Thuột", "Tỉnh Đắk Lắk",
        Layout.THREE_LEVEL,
    ),
    (
        "Xóm 2 Xã Nghi Phong Huyện Nghi Lộc Tỉnh Nghệ An",
        "Xóm 2", "Xã Nghi Phong", "Huyện Nghi Lộc", "Tỉnh Nghệ An", Layout.THREE_LEVEL,
    ),
    (
        "THÔN ĐÔNG, XÃ TÂN LẬP, HUYỆN ĐAN PHƯỢNG, HÀ NỘI",
        "THÔN ĐÔNG", "Xã TÂN LẬP", "Huyện ĐAN PHƯỢNG", "Thành phố Hà Nội", Layout.THREE_LEVEL,
    ),
    (
        "Tổ 1; Phường Quang Trung; Thành phố Thái Nguyên; Tỉnh Thái Nguyên",
        "Tổ 1", "Phường Quang Trung", "Thành phố Thái Nguyên", "Tỉnh Thái Nguyên",
        Layout.THREE_LEVEL,
    ),
    (
        "Số 7, Phường Hưng Bình, Thành phố Vinh",  # provincial city, province left out
        "Số 7", "Phường Hưng Bình", "Thành phố Vinh", None, Layout.THREE_LEVEL,
    ),
    (
        "Tổ 1, Phường Quang Trung, Thành phố Thái Nguyên",  # the city, not the province
        "Tổ 1", "Phường Quang Trung", "Thành phố Thái Nguyên", None, Layout.THREE_LEVEL,
    ),
    (
        "Phường Phú Hội, Thành phố Huế, Tỉnh Thừa Thiên Huế",  # before Huế became a province
        "", "Phường Phú Hội", "Thành phố Huế", "Tỉnh Thừa Thiên Huế", Layout.THREE_LEVEL,
    ),
    (
        "Thanh Hoá",  # only the province, old tone-mark placement
        "", None, None, "Tỉnh Thanh Hóa", Layout.UNKNOWN,
    ),
    (
        "Phường Dịch Vọng, Quận Cầu Giấy",  # no province
        "", "Phường Dịch Vọng", "Quận Cầu Giấy", None, Layout.THREE_LEVEL,
    ),
    (
        "Số 9 ngõ Trại Cá",  # nothing administrative
        "Số 9 ngõ Trại Cá", None, None, None, Layout.UNKNOWN,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "street", "ward", "district", "province", "layout"), CORPUS)
def test_corpus(
    text: str,
    street: str,
    ward: str | None,
    district: str | None,
    province: str | None,
    layout: Layout,
) -> None:
    parts = split_address(text)
    assert parts.street == street
    assert (str(parts.ward) if parts.ward else None) == ward
    assert (str(parts.district) if parts.district else None) == district
    assert (str(parts.province) if parts.province else None) == province
    assert parts.layout is layout


def test_part_accessor() -> None:
    parts = split_address(CORPUS[0][0])
    assert parts.part("ward") == "Phường Dịch Vọng"
    assert parts.part("province") == "Thành phố Hà Nội"
    assert split_address("Ấp 3, Đặc khu Phú Quốc, An Giang").part("district") == ""
    with pytest.raises(KeyError):
        parts.part("country")


def test_ward_under_abolished_province_is_old_layout() -> None:
    # Hà Giang no longer exists after 2025: a missing district is a gap, not the new layout.
    assert split_address("Xã Lũng Cú, Tỉnh Hà Giang").layout is Layout.THREE_LEVEL


def test_province_name() -> None:
    assert province_name("TP HCM") == "Hồ Chí Minh"
    assert province_name("Tỉnh Khánh Hoà") == "Khánh Hòa"
    assert province_name("Bà Rịa Vũng Tàu") == "Bà Rịa - Vũng Tàu"
    assert province_name("Atlantis") is None


@pytest.mark.parametrize(
    "bad", ["", "   ", ", , ;", "Phường\x00Dịch Vọng", "x" * (MAX_ADDRESS_LENGTH + 1),
            ", ".join(["Tổ 1"] * 40)],
)  # fmt: skip
def test_not_an_address(bad: str) -> None:
    with pytest.raises(AddressError):
        split_address(bad)


def test_non_text_is_refused() -> None:
    with pytest.raises(AddressError):
        split_address(b"Ha Noi")  # type: ignore[arg-type]


_PIECES = st.sampled_from(
    ["Phường ", "Xã ", "Quận ", "Huyện ", "Thị xã ", "Thành phố ", "Tỉnh ", "P.", "Q.", "TP.",
     "Hà Nội", "Đặc khu ", "Số 1", ", ", "; ", " ", ".", "-", "Ấp 3", "Hồ Chí Minh", "ẞ", "İ"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=500), st.lists(_PIECES, max_size=40).map("".join)))
def test_fuzz_only_address_error(text: str) -> None:
    try:
        parts = split_address(text)
    except AddressError:
        return
    assert isinstance(parts, AddressParts)
    # Nothing is invented: every unit name comes from the input text (case-insensitively,
    # after Unicode composition and whitespace collapsing).
    normalised = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    for unit in (parts.ward, parts.district):
        if unit is not None:
            assert unit.name.casefold() in normalised
