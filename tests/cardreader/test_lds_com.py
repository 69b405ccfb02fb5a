from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds import files
from cardreader.lds.com import encode_com, parse_com
from cardreader.lds.tlv import encode

# ICAO Doc 9303-10 EF.COM example shape: LDS 1.7, Unicode 4.0.0, DG1 DG2 DG13 DG14 DG15.
CCCD_TAGS = (0x61, 0x75, 0x6D, 0x6E, 0x6F)


def test_round_trip_cccd() -> None:
    raw = encode_com(CCCD_TAGS)
    assert raw.hex().startswith("60")
    assert "5f0104" + b"0107".hex() in raw.hex()
    assert "5f3606" + b"040000".hex() in raw.hex()
    com = parse_com(raw)
    assert com.lds_version == "0107"
    assert com.unicode_version == "040000"
    assert com.tags == CCCD_TAGS
    assert com.raw == raw
    assert com.dg_numbers == (1, 2, 13, 14, 15)
    assert com.data_groups == (files.DG1, files.DG2, files.DG13, files.DG14, files.DG15)


def test_data_groups_skip_unknown_and_unmodelled() -> None:
    com = parse_com(encode_com((0x61, 0x76, 0x99, 0x63)))
    assert com.dg_numbers == (1, 4, 3)
    assert com.data_groups == (files.DG1, files.DG3)


@given(
    st.lists(
        st.sampled_from(sorted({files.tag_for_dg_number(n) for n in range(1, 17)})), unique=True
    ),
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.from_regex(r"\A[0-9]{6}\Z"),
)
def test_round_trip_property(tags: list[int], lds: str, uni: str) -> None:
    com = parse_com(encode_com(tags, lds, uni))
    assert (com.tags, com.lds_version, com.unicode_version) == (tuple(tags), lds, uni)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x61, b""), "expected 60"),
        (encode(0x60, encode(0x5F36, b"040000") + encode(0x5C, b"a")), "LDS version"),
        (encode(0x60, encode(0x5F01, b"0107") + encode(0x5C, b"a")), "Unicode version"),
        (encode(0x60, encode(0x5F01, b"0107") + encode(0x5F36, b"040000")), "tag list"),
        (encode(0x60, encode(0x5F01, b"01x7") + encode(0x5F36, b"040000")), "4 digits"),
        (encode(0x60, encode(0x5F01, b"\xff") + encode(0x5F36, b"040000")), "not ASCII"),
        (encode_com(CCCD_TAGS) + b"\x00", "unexpected bytes"),
        (encode_com((0x61, 0x61)), "twice"),
        (b"", "ends before"),
    ],
)
def test_errors_name_the_structure(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_com(raw)


def test_size_cap() -> None:
    with pytest.raises(LimitExceededError):
        parse_com(encode(0x60, b"\x00" * 2000))


def test_encode_rejects() -> None:
    with pytest.raises(ValueError):
        encode_com(CCCD_TAGS, lds_version="17")
    with pytest.raises(ValueError):
        encode_com(CCCD_TAGS, unicode_version="4.0.0")
    with pytest.raises(ValueError):
        encode_com((0x5F1F,))
