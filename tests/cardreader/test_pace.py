"""PACE against the chip emulator in process: every standardized curve, every cipher, MRZ and
CAN passwords, chip authentication mapping, wrong passwords, refusals, and LDS reads under the
PACE session; plus fuzzing of both sides' handling of dynamic authentication data."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardreader.apdu import CommandApdu
from cardreader.channel import PlainChannel, SecureChannel
from cardreader.chip_auth import ec_point
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.errors import AuthenticationError, CardReaderError, InputError, SecureMessagingError
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.card_access import encode_card_access, parse_card_access
from cardreader.lds.files import CARD_ACCESS, DG1, LdsFile
from cardreader.lds.security_infos import PaceInfo, pace_info
from cardreader.pace import (
    PacePassword,
    PaceProtocol,
    PaceRefusedError,
    choose_pace_info,
    verify_cam,
)
from cardreader.transport.emulated import EmulatorTransport
from tests.cardreader.card_fixtures import fake_card, files_of, key_of

EMRTD_AID = bytes.fromhex("A0000002471001")


def _chip(
    infos: list[PaceInfo],
    *,
    pace: str = "accept",
    ca_keys: dict[int | None, ec.EllipticCurvePrivateKey] | None = None,
) -> tuple[ChipEmulator, dict[LdsFile, bytes]]:
    card = fake_card()
    files = files_of(card)
    files[CARD_ACCESS] = encode_card_access(infos)
    config = ChipConfig(pace="accept") if pace == "accept" else ChipConfig()
    return ChipEmulator(files, key_of(card), config, ca_keys=dict(ca_keys or {})), files


def _info(pid: int, cipher: str = "AES-128", mapping: str = "GM") -> PaceInfo:
    return pace_info(key_agreement="ECDH", mapping=mapping, cipher=cipher, parameter_id=pid)


def _read_dg1(chip: ChipEmulator, password: PacePassword, info: PaceInfo) -> bytes:
    transport = EmulatorTransport(chip)
    plain = PlainChannel(transport)
    sm = PaceProtocol(password, info).run(plain)
    channel = SecureChannel(transport, sm, plain.counters)
    channel.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID)).check("SELECT eMRTD")
    data, _ = FileReader(channel, ReadPolicy()).read(DG1)
    return data


@pytest.mark.parametrize("pid", [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
def test_can_round_trip_on_every_standardized_curve(pid: int) -> None:
    info = _info(pid)
    chip, files = _chip([info])
    assert _read_dg1(chip, PacePassword.can(fake_card().can), info) == files[DG1]


@pytest.mark.parametrize("cipher", ["3DES", "AES-128", "AES-192", "AES-256"])
@pytest.mark.parametrize("pid", [12, 13, 16, 17])
def test_mrz_round_trip_per_cipher(pid: int, cipher: str) -> None:
    info = _info(pid, cipher)
    chip, files = _chip([info])
    password = PacePassword.from_bac_key(key_of(fake_card()))
    assert _read_dg1(chip, password, info) == files[DG1]


def test_parameter_id_is_sent_when_the_card_offers_several() -> None:
    infos = [_info(13), _info(12, "AES-256")]
    chip, _ = _chip(infos)
    chip.log = []
    parsed = parse_card_access(encode_card_access(infos)).pace_infos
    chosen = choose_pace_info(parsed)
    transport = EmulatorTransport(chip)
    PaceProtocol(PacePassword.can(fake_card().can), chosen, several_infos=True).run(
        PlainChannel(transport)
    )
    mse = chip.log[0][0]
    assert mse[:4] == bytes.fromhex("0022C1A4")
    assert bytes((0x84, 0x01, chosen.parameter_id or 0)) in mse
    assert len(mse) == 5 + mse[4]  # no Le on MSE:Set AT


def test_wrong_can_is_an_authentication_error_and_the_chip_says_6300() -> None:
    info = _info(13)
    chip, _ = _chip([info])
    chip.log = []
    wrong = "000000" if fake_card().can != "000000" else "111111"
    with pytest.raises(AuthenticationError):
        PaceProtocol(PacePassword.can(wrong), info).run(PlainChannel(EmulatorTransport(chip)))
    assert chip.log[-1][1] == bytes.fromhex("6300")
    # the chip is still usable: the right CAN works next
    assert _read_dg1(chip, PacePassword.can(fake_card().can), info)


def test_a_refusing_chip_raises_pace_refused() -> None:
    info = _info(13)
    chip, _ = _chip([info], pace="refuse")
    with pytest.raises(PaceRefusedError) as caught:
        PaceProtocol(PacePassword.can(fake_card().can), info).run(
            PlainChannel(EmulatorTransport(chip))
        )
    assert caught.value.sw == 0x6982
    assert not isinstance(caught.value, AuthenticationError)


def test_chip_authentication_mapping_returns_data_that_checks_against_dg14_key() -> None:
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    info = _info(13, "AES-128", "CAM")
    chip, _ = _chip([info], ca_keys={1: key})
    result = PaceProtocol(PacePassword.can(fake_card().can), info).establish(
        PlainChannel(EmulatorTransport(chip))
    )
    assert result.ca_data is not None
    assert verify_cam(result, ec_point(key.public_key()))
    other = ec.generate_private_key(ec.BrainpoolP256R1())
    assert not verify_cam(result, ec_point(other.public_key()))


def test_a_tampered_answer_under_the_pace_session_is_a_secure_messaging_error() -> None:
    info = _info(12)
    chip, _ = _chip([info])
    transport = EmulatorTransport(chip)
    sm = PaceProtocol(PacePassword.can(fake_card().can), info).run(PlainChannel(transport))
    raw = transport.transmit(sm.protect(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID)).to_bytes())
    tampered = bytearray(raw)
    tampered[-4] ^= 1  # inside the MAC
    from cardreader.apdu import ResponseApdu

    with pytest.raises(SecureMessagingError):
        sm.unprotect(ResponseApdu.from_bytes(bytes(tampered)))


def test_choose_skips_what_this_build_cannot_run() -> None:
    dh = pace_info(key_agreement="DH", mapping="GM", cipher="AES-128", parameter_id=0)
    im = pace_info(key_agreement="ECDH", mapping="IM", cipher="AES-128", parameter_id=13)
    assert choose_pace_info([dh, im, _info(12)]) == _info(12)
    with pytest.raises(PaceRefusedError):
        choose_pace_info([dh, im])


def test_password_validation_and_repr_hides_the_secret() -> None:
    with pytest.raises(InputError):
        PacePassword.can("12345")
    with pytest.raises(InputError):
        PacePassword("mrz", "not an mrz")
    assert "123456" not in repr(PacePassword.can("123456"))


class _RandomAnswers:
    """A chip that accepts MSE:Set AT, then answers GENERAL AUTHENTICATE with fuzz."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        if self.count == 1:
            return b"\x90\x00"
        return self.answers.pop(0) if self.answers else b"\x90\x00"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=140), min_size=1, max_size=4))
def test_reader_only_raises_library_errors_on_random_answers(answers: list[bytes]) -> None:
    info = _info(13)
    with pytest.raises(CardReaderError):
        PaceProtocol(PacePassword.can("123456"), info).run(PlainChannel(_RandomAnswers(answers)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=140), min_size=1, max_size=4), st.booleans())
def test_emulator_answers_random_authentication_data_with_a_status_word(
    payloads: list[bytes], wrap: bool
) -> None:
    info = _info(13)
    chip, _ = _chip([info])
    mse = PaceProtocol(PacePassword.can(fake_card().can), info)._mse_set_at()
    assert chip.process(mse.to_bytes())[-2:] == b"\x90\x00"
    for i, payload in enumerate(payloads):
        data = bytes((0x7C, len(payload))) + payload if wrap and len(payload) < 128 else payload
        cla = 0x10 if i < 3 else 0x00
        cmd = CommandApdu(cla, 0x86, 0, 0, data or os.urandom(1), 256)
        answer = chip.process(cmd.to_bytes())
        assert len(answer) >= 2


def test_regression_empty_mapping_step_answers_6a80() -> None:
    """Hypothesis seed: a second GENERAL AUTHENTICATE with an empty 7C crashed the emulator."""
    info = _info(13)
    chip, _ = _chip([info])
    mse = PaceProtocol(PacePassword.can(fake_card().can), info)._mse_set_at()
    assert chip.process(mse.to_bytes())[-2:] == b"\x90\x00"
    assert chip.process(bytes.fromhex("10860000027C0000"))[-2:] == b"\x90\x00"
    assert chip.process(bytes.fromhex("10860000027C0000")) == bytes.fromhex("6A80")


@pytest.mark.parametrize("pid", [12, 13, 15, 16, 17, 18])
def test_pure_python_arithmetic_matches_openssl_on_the_base_point(pid: int) -> None:
    from cardreader.pace import group_for_parameter_id

    group = group_for_parameter_id(pid)
    for k in (1, 2, 3, group.n - 1, int.from_bytes(os.urandom(16), "big") + 5):
        fast = group.multiply(k, group.g)
        slow = group._affine(group._mul(k, group.g), "test")
        assert fast == slow and group.contains(slow)
    doubled = group.add(group.g, group.g)
    assert doubled == group.multiply(2, group.g)
