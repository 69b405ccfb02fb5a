"""Active authentication (ICAO 9303-11 6.1): a real passport's recorded exchange replayed byte
for byte, every AA key type against the emulator, the cloned chip caught, and the edge cases
(no DG15, refused command, DER ECDSA, hash not announced, unsupported algorithm)."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.apdu import CommandApdu
from cardreader.channel import SecureChannel
from cardreader.emulator.chip import ChipConfig
from cardreader.errors import (
    BadSignatureError,
    CardRemovedError,
    ParseError,
    UnsupportedAlgorithmError,
)
from cardreader.lds.dg14 import parse_dg14
from cardreader.lds.dg15 import parse_dg15
from cardreader.lds.files import DG14
from cardreader.lds.security_infos import ID_AA, ActiveAuthenticationInfo
from cardreader.primitives import CipherKind
from cardreader.secure_messaging import SecureMessaging
from cardreader.transport.emulated import EmulatorTransport
from cardreader.verify.active_auth import (
    ActiveAuthResult,
    run_active_authentication,
    verify_active_auth,
)
from tests.cardreader import auth_helpers as h
from tests.cardreader.test_iso9796 import REAL_CHALLENGE, REAL_DG15

AA_KEYS = [
    "rsa-1024",
    "rsa-2048",
    "ecdsa-p256",
    "ecdsa-p384",
    "ecdsa-p521",
    "ecdsa-brainpoolp256r1",
    "ecdsa-brainpoolp384r1",
    "ecdsa-brainpoolp512r1",
]
ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2"
ECDSA_PLAIN_SHA384 = "0.4.0.127.0.7.1.1.4.1.4"


class Replay:
    """A transceiver that expects recorded commands byte for byte and answers the recording."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = [(bytes.fromhex(c), bytes.fromhex(r)) for c, r in pairs]

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.pairs.pop(0)
        assert apdu.hex() == expected.hex()
        return answer


def test_real_passport_exchange_replays_byte_for_byte() -> None:
    # gmrtd activeauth/active_auth_test.go TestDoActiveAuth: BAC session keys and SSC before
    # the command, the protected INTERNAL AUTHENTICATE and the chip's protected answer.
    sm = SecureMessaging(
        bytes.fromhex("b99d546108eaa251570876b6d3456dce"),
        bytes.fromhex("e3857ca24946251c151c540e13f2cd51"),
        bytes.fromhex("00000000000000cc"),
        CipherKind.DES3,
    )
    replay = Replay(
        [
            (
                "0c88000020871101ed7f8cb47a4eea086324a7f9dd7427809701008e0897f54bae49aa71f800",
                "8781e901d04ca80f527df94f4a430d3d6e6cb6c2af4c6756c068a93132d147fa27833125304132"
                "981b8bd8009448e89f259eec8552b54285cef9d8f1b7fb31b9f279221c7e925f4951811f3fe2e0"
                "1d76e68dbc7cde9c873c5f61862f3c5469792a72f92c8943b890436f5e9feaead9f2a361fcd7a6"
                "15493d1b3519865f32ee9a125886588eb21fee0e709353d0731139fdc958d6b2127fad6947b438"
                "998b526819803f70f78614cd42f4a6619c6af95dfd2ab09bedf71e707abc39a250aee68006d522"
                "ad37d159674984a07d11c001022c853aeb7acdb059ede5721a3b9f20441bda7e242ee8df1369d2"
                "5316990290008e08fd2493147866f0ed9000",
            )
        ]
    )
    channel = SecureChannel(replay, sm)
    result = run_active_authentication(
        channel, parse_dg15(REAL_DG15), None, rng=lambda n: REAL_CHALLENGE[:n]
    )
    assert result == ActiveAuthResult(
        True,
        True,
        "RSA-1792, ISO/IEC 9796-2 scheme 1, SHA-256 (explicit trailer)",
        "the chip signed our challenge with DG15's key",
    )
    assert sm.ssc == bytes.fromhex("00000000000000ce")
    assert not replay.pairs


@pytest.mark.parametrize("aa_key", AA_KEYS)
def test_every_key_type_passes_and_its_clone_fails(aa_key: str) -> None:
    card = h.card(aa_key=aa_key)
    for cloned in (False, True):
        chip = h.emulator(card, ChipConfig(cloned=cloned))
        session = h.open_session(EmulatorTransport(chip), card)
        result = run_active_authentication(session.channel, session.dg15, session.dg14)
        assert result.performed
        assert result.ok is not cloned, (aa_key, cloned, result)
        if not cloned:
            kind = "RSA" if aa_key.startswith("rsa") else "ECDSA"
            assert kind in result.algorithm
        else:
            assert "does not verify" in result.detail
        # the channel stays usable after AA, pass or fail
        assert session.channel.send(CommandApdu(0x00, 0xB0, 0x9E, 0x00, le=1)).sw == 0x9000


@pytest.mark.parametrize("aa_key", ["rsa-1024", "ecdsa-p256"])
def test_fifty_genuine_and_fifty_cloned_runs(aa_key: str) -> None:
    card = h.card(aa_key=aa_key)
    outcomes = {False: 0, True: 0}
    for i in range(100):
        cloned = i % 2 == 1
        chip = h.emulator(card, ChipConfig(cloned=cloned))
        session = h.open_session(EmulatorTransport(chip), card)
        result = run_active_authentication(session.channel, session.dg15, session.dg14)
        assert result.performed
        outcomes[cloned] += result.ok
    assert outcomes == {False: 50, True: 0}  # zero false rejects, zero false accepts


@pytest.mark.parametrize(
    "config,expected",
    [
        (ChipConfig(aa_rsa_hash="sha1", aa_rsa_explicit_trailer=True), "SHA-1 (explicit"),
        (ChipConfig(aa_rsa_hash="sha224"), "SHA-224 (explicit"),
        (ChipConfig(aa_rsa_hash="sha256"), "SHA-256 (explicit"),
        (ChipConfig(aa_rsa_hash="sha384"), "SHA-384 (explicit"),
        (ChipConfig(aa_rsa_hash="sha512"), "SHA-512 (explicit"),
        (ChipConfig(), "SHA-1 (implicit"),
    ],
)
def test_rsa_trailer_forms(config: ChipConfig, expected: str) -> None:
    card = h.card(aa_key="rsa-2048")
    session = h.open_session(EmulatorTransport(h.emulator(card, config)), card)
    result = run_active_authentication(session.channel, session.dg15, session.dg14)
    assert result.ok and expected in result.algorithm


def test_ecdsa_der_answers_are_accepted() -> None:
    card = h.card(aa_key="ecdsa-brainpoolp256r1")
    chip = h.emulator(card, ChipConfig(aa_ecdsa_der=True))
    session = h.open_session(EmulatorTransport(chip), card)
    result = run_active_authentication(session.channel, session.dg15, session.dg14)
    assert result.ok, result


def test_ecdsa_hash_comes_from_dg14() -> None:
    # DG14 names ecdsa-plain-SHA384: the chip signs with SHA-384 and so must we verify.
    card = h.card(aa_key="ecdsa-p256")
    _, ca_keys = h.chip_keys(card)
    infos = [
        *h.ca_infos(ca_keys, CipherKind.AES128),
        ActiveAuthenticationInfo(ID_AA, 1, ECDSA_PLAIN_SHA384),
    ]
    files = h.files_with_dg14(card, infos)
    chip = h.emulator(card, files=files)
    session = h.open_session(EmulatorTransport(chip), card)
    dg14 = parse_dg14(files[DG14])
    result = run_active_authentication(session.channel, session.dg15, dg14)
    assert result.ok and "SHA-384" in result.algorithm
    # the same answer checked against a DG14 that claims SHA-256 fails
    challenge = os.urandom(8)
    answer = session.channel.send(CommandApdu(0x00, 0x88, 0x00, 0x00, challenge, le=256))
    assert session.dg15 is not None
    with pytest.raises(BadSignatureError):
        verify_active_auth(
            session.dg15.public_key_der,
            challenge,
            answer.data,
            ActiveAuthenticationInfo(ID_AA, 1, ECDSA_WITH_SHA256),
        )


def test_ecdsa_without_aa_info_tries_the_usual_hashes() -> None:
    card = h.card(aa_key="ecdsa-p384")
    _, ca_keys = h.chip_keys(card)
    files = h.files_with_dg14(card, h.ca_infos(ca_keys, CipherKind.AES128))  # no AA info
    chip = h.emulator(card, files=files)  # the chip falls back to SHA-256
    session = h.open_session(EmulatorTransport(chip), card)
    result = run_active_authentication(session.channel, session.dg15, parse_dg14(files[DG14]))
    assert result.ok and "not announced" in result.algorithm


def test_unsupported_signature_algorithm_is_not_a_verdict() -> None:
    card = h.card(aa_key="ecdsa-p256")
    _, ca_keys = h.chip_keys(card)
    sha256_rsa = "1.2.840.113549.1.1.11"  # not an ECDSA algorithm
    infos = [
        *h.ca_infos(ca_keys, CipherKind.AES128),
        ActiveAuthenticationInfo(ID_AA, 1, sha256_rsa),
    ]
    files = h.files_with_dg14(card, infos)
    session = h.open_session(EmulatorTransport(h.emulator(card, files=files)), card)
    result = run_active_authentication(session.channel, session.dg15, parse_dg14(files[DG14]))
    assert not result.performed and "not verifiable" in result.detail
    assert session.dg15 is not None
    with pytest.raises(UnsupportedAlgorithmError):
        verify_active_auth(
            session.dg15.public_key_der,
            bytes(8),
            bytes(64),
            ActiveAuthenticationInfo(ID_AA, 1, sha256_rsa),
        )


def test_no_dg15_means_not_performed() -> None:
    card = h.card()
    session = h.open_session(EmulatorTransport(h.emulator(card)), card)
    result = run_active_authentication(session.channel, None, session.dg14)
    assert not result.performed and "DG15 absent" in result.detail


def test_a_chip_that_refuses_internal_authenticate_fails() -> None:
    card = h.card()
    chip = h.emulator(card, with_aa=False)  # copies DG15 but cannot sign
    session = h.open_session(EmulatorTransport(chip), card)
    result = run_active_authentication(session.channel, session.dg15, session.dg14)
    assert result.performed and not result.ok
    assert "6D00" in result.detail


def test_card_removed_during_aa_raises() -> None:
    card = h.card()
    transport = EmulatorTransport(h.emulator(card))
    session = h.open_session(transport, card)
    transport.remove_after = transport.count
    with pytest.raises(CardRemovedError):
        run_active_authentication(session.channel, session.dg15, session.dg14)


def test_verify_plain_and_der_forms_directly() -> None:
    key = ec.generate_private_key(ec.BrainpoolP384R1())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    challenge = os.urandom(8)
    info = ActiveAuthenticationInfo(ID_AA, 1, ECDSA_PLAIN_SHA384)
    from cryptography.hazmat.primitives import hashes

    der = key.sign(challenge, ec.ECDSA(hashes.SHA384()))
    r, s = decode_dss_signature(der)
    plain = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    assert "SHA-384" in verify_active_auth(spki, challenge, plain, info)
    assert "SHA-384" in verify_active_auth(spki, challenge, der, info)
    with pytest.raises(BadSignatureError):
        verify_active_auth(spki, challenge[::-1], plain, info)
    with pytest.raises(BadSignatureError, match="neither"):
        verify_active_auth(spki, challenge, plain[:-1], info)
    with pytest.raises(ParseError):
        verify_active_auth(b"\x30\x03\x02\x01\x00", challenge, plain, info)


def test_results_hold_no_personal_data() -> None:
    card = h.card()
    for cloned in (False, True):
        session = h.open_session(
            EmulatorTransport(h.emulator(card, ChipConfig(cloned=cloned))), card
        )
        result = run_active_authentication(session.channel, session.dg15, session.dg14)
        text = str(result.to_dict())
        for secret in (card.citizen.id_number, card.document_number, "NGUYỄN", "THỬ"):
            assert secret not in text


_EC_SPKI = (
    ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=160), st.booleans())
def test_fuzz_ecdsa_answers_only_give_library_errors(sig: bytes, with_info: bool) -> None:
    info = ActiveAuthenticationInfo(ID_AA, 1, ECDSA_WITH_SHA256) if with_info else None
    with pytest.raises(BadSignatureError):
        verify_active_auth(_EC_SPKI, bytes(8), sig, info)


@pytest.mark.parametrize(
    "aa_key,extended,apdus,expect_extended",
    [
        ("rsa-1024", False, 1, False),  # 128-byte signature: fits a short answer
        ("rsa-2048", True, 1, True),  # 256 bytes + SM: extended Le, the chip supports it
        ("rsa-2048", False, 2, True),  # 6700 to the extended command, then short Le again
        ("ecdsa-brainpoolp512r1", False, 1, False),
    ],
)
def test_long_signatures_ask_for_extended_length(
    aa_key: str, extended: bool, apdus: int, expect_extended: bool
) -> None:
    card = h.card(aa_key=aa_key)
    chip = h.emulator(card, ChipConfig(extended=extended))
    session = h.open_session(EmulatorTransport(chip), card)
    chip.log = []
    result = run_active_authentication(session.channel, session.dg15, session.dg14)
    assert result.ok, result
    assert len(chip.log) == apdus
    first = CommandApdu.from_bytes(chip.log[0][0])
    assert first.extended is expect_extended
    # the channel is still in step afterwards
    assert session.channel.send(CommandApdu(0x00, 0xB0, 0x9E, 0x00, le=1)).sw == 0x9000
