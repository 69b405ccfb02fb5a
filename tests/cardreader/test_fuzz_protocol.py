"""Fuzz the protocol-side parsers: APDUs, ATRs, secure-messaging answers, the chip emulator.

Random and mutated bytes only ever raise the library's own errors (or, for the emulator, give
an error status word); nothing hangs.
"""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.apdu import CommandApdu, ResponseApdu
from cardreader.atr import build_atr, parse_atr
from cardreader.bac import BacKey
from cardreader.emulator.chip import ChipEmulator
from cardreader.errors import ParseError, SecureMessagingError
from cardreader.primitives import CipherKind
from cardreader.secure_messaging import SecureMessaging

FUZZ = settings(max_examples=400, deadline=200)


@FUZZ
@given(st.binary(max_size=300))
def test_command_apdu_parse(raw: bytes) -> None:
    try:
        cmd = CommandApdu.from_bytes(raw)
    except ParseError:
        return
    assert CommandApdu.from_bytes(cmd.to_bytes()) == cmd


@FUZZ
@given(st.binary(max_size=40))
def test_atr_parse(raw: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_atr(raw)


@FUZZ
@given(st.booleans(), st.integers(0, 9), st.integers(0, 255))
def test_atr_mutations(extended: bool, pos: int, value: int) -> None:
    atr = bytearray(build_atr(extended=extended))
    atr[pos % len(atr)] = value
    with contextlib.suppress(ParseError):
        parse_atr(bytes(atr))


@FUZZ
@given(
    st.sampled_from([CipherKind.DES3, CipherKind.AES128]),
    st.binary(max_size=300),
    st.integers(0, 0xFFFF),
)
def test_secure_messaging_answers(kind: CipherKind, body: bytes, sw: int) -> None:
    sm = SecureMessaging(
        bytes(kind.key_length), bytes(kind.key_length), bytes(kind.block_size), kind
    )
    with contextlib.suppress(SecureMessagingError):
        sm.unprotect(ResponseApdu(body, sw))


@FUZZ
@given(st.lists(st.binary(min_size=0, max_size=270), max_size=8))
def test_emulator_answers_every_command_with_a_status_word(commands: list[bytes]) -> None:
    chip = ChipEmulator({}, BacKey("099012345", "990517", "390517"))
    for raw in commands:
        answer = chip.process(raw)
        assert len(answer) >= 2
        ResponseApdu.from_bytes(answer)
