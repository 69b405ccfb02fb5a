from __future__ import annotations

from datetime import date

import pytest

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.dg1 import encode_dg1, parse_dg1
from cardreader.lds.tlv import encode
from tests.cardreader.lds_fakes import FAKE_ID, fake_mrz

TODAY = date(2026, 11, 23)


def test_round_trip() -> None:
    text = fake_mrz()
    raw = encode_dg1(text)
    assert raw[:5] == bytes.fromhex("615D5F1F5A")
    dg1 = parse_dg1(raw, today=TODAY)
    assert dg1.raw == raw
    assert dg1.mrz.text == text
    assert dg1.mrz.id_number == FAKE_ID
    assert dg1.mrz.check_digits_valid


def test_encode_accepts_lines() -> None:
    text = fake_mrz()
    lines = "\n".join((text[:30], text[30:60], text[60:]))
    assert encode_dg1(lines) == encode_dg1(text)


@pytest.mark.parametrize(("length", "hint"), [(88, "TD3"), (72, "TD2"), (30, "expected 90")])
def test_other_document_sizes(length: int, hint: str) -> None:
    raw = encode(0x61, encode(0x5F1F, b"<" * length))
    with pytest.raises(ParseError, match=f"DG1: MRZ is {length} chars.*{hint}"):
        parse_dg1(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x60, encode(0x5F1F, b"<" * 90)), "expected 61"),
        (encode(0x61, encode(0x5F1E, b"<" * 90)), "5F1F missing"),
        (encode(0x61, encode(0x5F1F, b"\xc3" * 90)), "not ASCII"),
        (encode(0x61, encode(0x5F1F, b"<" * 89 + b"\n")), "whitespace"),
        (encode(0x61, encode(0x5F1F, b"<" * 89 + b"a")), "outside"),
    ],
)
def test_errors(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_dg1(raw, today=TODAY)


def test_size_cap() -> None:
    with pytest.raises(LimitExceededError):
        parse_dg1(encode(0x61, encode(0x5F1F, b"<" * 300)), today=TODAY)


def test_encode_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        encode_dg1("<" * 88)
