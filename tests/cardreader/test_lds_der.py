from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import (
    decode_integer,
    decode_oid,
    decode_string,
    encode_integer,
    encode_oid,
    encode_printable,
    encode_utf8,
    set_of,
)
from cardreader.lds.tlv import encode, parse_single


@pytest.mark.parametrize(
    ("value", "der"),
    [
        (0, "020100"),
        (127, "02017f"),
        (128, "02020080"),
        (256, "02020100"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
    ],
)
def test_integer_x690_examples(value: int, der: str) -> None:
    assert encode_integer(value).hex() == der
    assert decode_integer(parse_single(bytes.fromhex(der)), "x") == value


@given(st.integers(min_value=-(1 << 200), max_value=1 << 200))
def test_integer_round_trip(value: int) -> None:
    assert decode_integer(parse_single(encode_integer(value)), "x") == value


@pytest.mark.parametrize(
    ("oid", "der"),
    [
        ("1.2.840.10045.2.1", "06072a8648ce3d0201"),  # id-ecPublicKey (RFC 5480)
        ("0.4.0.127.0.7.2.2.4.2.2", "060a04007f00070202040202"),  # id-PACE-ECDH-GM-AES-128
        ("2.23.136.1.1.5", "0606678108010105"),  # id-AA (ICAO 9303-11)
        ("1.0.10646.1.0.8", "060628d316010008"),  # ISO 10646 UTF-8 (CCCD DG13)
    ],
)
def test_oid_known_encodings(oid: str, der: str) -> None:
    assert encode_oid(oid).hex() == der
    assert decode_oid(parse_single(bytes.fromhex(der)), "x") == oid


@given(
    st.sampled_from([0, 1, 2]).flatmap(
        lambda first: st.tuples(
            st.just(first),
            st.integers(0, 39 if first < 2 else 1 << 40),
            st.lists(st.integers(0, 1 << 40), max_size=8),
        )
    )
)
def test_oid_round_trip(parts: tuple[int, int, list[int]]) -> None:
    dotted = ".".join(str(p) for p in (parts[0], parts[1], *parts[2]))
    assert decode_oid(parse_single(encode_oid(dotted)), "x") == dotted


@pytest.mark.parametrize("bad", ["1", "3.1", "1.40", "a.b", "1.-2"])
def test_encode_oid_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        encode_oid(bad)


@pytest.mark.parametrize(
    ("der", "message"),
    [
        ("0600", "empty"),
        ("06022a81", "ends inside"),
        ("06028001", "leading 0x80"),
        ("0200", "no content"),
        ("0401ff", "expected OBJECT IDENTIFIER"),
    ],
)
def test_decode_errors(der: str, message: str) -> None:
    tlv = parse_single(bytes.fromhex(der))
    with pytest.raises(ParseError, match=message):
        if tlv.tag == 0x02:
            decode_integer(tlv, "x")
        else:
            decode_oid(tlv, "x")


def test_oid_caps() -> None:
    with pytest.raises(LimitExceededError):
        decode_oid(parse_single(encode(0x06, b"\x2a" * 65)), "x")
    with pytest.raises(LimitExceededError):
        decode_oid(parse_single(encode(0x06, b"\x2a" + b"\xff" * 10 + b"\x01")), "x")
    with pytest.raises(LimitExceededError):
        decode_integer(parse_single(encode(0x02, b"\x01" * 1025)), "x")


def test_strings() -> None:
    assert decode_string(parse_single(encode_utf8("Nguyễn Văn Thử")), "x") == "Nguyễn Văn Thử"
    assert decode_string(parse_single(encode_printable("ABC 12")), "x") == "ABC 12"
    assert decode_string(parse_single(encode(0x1E, "Lê".encode("utf-16-be"))), "x") == "Lê"
    with pytest.raises(ParseError, match="not valid"):
        decode_string(parse_single(encode(0x0C, b"\xff\xfe")), "x")
    with pytest.raises(ParseError, match="not valid"):
        decode_string(parse_single(encode(0x13, "ễ".encode())), "x")
    with pytest.raises(ParseError, match="character string"):
        decode_string(parse_single(encode(0x04, b"a")), "x")


def test_set_of_is_der_sorted() -> None:
    assert set_of(b"\x02\x01\x05", b"\x02\x01\x01") == bytes.fromhex("3106020101020105")
    assert set_of(b"\x02\x01\x05", b"\x02\x01\x01", sort=False) == bytes.fromhex("3106020105020101")


@settings(max_examples=300, deadline=200)
@given(st.binary(max_size=40))
def test_oid_decoder_only_raises_parse_error(value: bytes) -> None:
    try:
        dotted = decode_oid(parse_single(encode(0x06, value)), "x")
    except ParseError:
        return
    assert encode_oid(dotted) == encode(0x06, value)
