"""Fuzz parse_sod: random bytes and mutations of a valid SOD only ever raise ParseError."""

from __future__ import annotations

import contextlib
import functools
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardreader.emulator.issuer import make_issuer
from cardreader.errors import ParseError
from cardreader.lds.sod import build_sod, parse_sod
from cardreader.lds.tlv import encode

FUZZ = settings(
    max_examples=400,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _valid() -> bytes:
    signer = make_issuer("ecdsa-p256").new_document_signer()
    return build_sod({1: b"\x61\x03abc", 2: b"\x75\x01\x00", 13: b"\x6d\x00"}, signer=signer)


def _parse_or_parse_error(data: bytes) -> None:
    start = time.monotonic()
    with contextlib.suppress(ParseError):
        parse_sod(data)
    assert time.monotonic() - start < 1.0


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    _parse_or_parse_error(data)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_inside_tag_77(data: bytes) -> None:
    _parse_or_parse_error(encode(0x77, data))
    _parse_or_parse_error(encode(0x77, encode(0x30, data)))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=8,
    )
)
def test_byte_mutations_of_a_valid_sod(changes: list[tuple[int, int]]) -> None:
    data = bytearray(_valid())
    for pos, value in changes:
        data[pos % len(data)] = value
    _parse_or_parse_error(bytes(data))


@FUZZ
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=64), st.binary(max_size=64))
def test_splices_of_a_valid_sod(start: int, cut: int, insert: bytes) -> None:
    raw = _valid()
    pos = start % len(raw)
    mutated = raw[:pos] + insert + raw[pos + cut :]
    _parse_or_parse_error(mutated)
    # Keep the outer header consistent so the mutation reaches the CMS parser.
    inner = raw[4:]
    ipos = start % len(inner)
    _parse_or_parse_error(encode(0x77, inner[:ipos] + insert + inner[ipos + cut :]))


def test_every_truncation_of_the_inner_structure() -> None:
    inner = _valid()[4:]
    for end in range(len(inner)):
        _parse_or_parse_error(encode(0x77, inner[:end]))


def test_every_single_bit_flip_in_the_header_region() -> None:
    raw = _valid()
    for pos in range(min(len(raw), 400)):
        for bit in (0x01, 0x80):
            data = bytearray(raw)
            data[pos] ^= bit
            _parse_or_parse_error(bytes(data))
