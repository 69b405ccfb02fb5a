"""EF.CardAccess and DG14 (SecurityInfos, ICAO 9303-11 9.2)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.card_access import encode_card_access, pace_info, parse_card_access
from cardreader.lds.der import encode_integer, encode_oid, sequence, set_of
from cardreader.lds.dg14 import encode_dg14, parse_dg14
from cardreader.lds.security_infos import (
    ID_AA,
    ID_PK_ECDH,
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
    PaceDomainParameterInfo,
    PaceInfo,
    SecurityInfo,
    TerminalAuthenticationInfo,
    UnknownSecurityInfo,
)
from cardreader.lds.tlv import encode

# BSI TR-03110 / ICAO 9303-11 worked example shape: EF.CardAccess with one PACEInfo,
# id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameter ID 13 (brainpoolP256r1).
CARD_ACCESS_EXAMPLE = bytes.fromhex("31143012060a04007f0007020204020202010202010d")


def test_parse_published_shape() -> None:
    ca = parse_card_access(CARD_ACCESS_EXAMPLE)
    assert ca.raw == CARD_ACCESS_EXAMPLE
    assert len(ca.pace_infos) == 1
    info = ca.pace_infos[0]
    assert info.protocol_oid == "0.4.0.127.0.7.2.2.4.2.2"
    assert (info.key_agreement, info.mapping, info.cipher) == ("ECDH", "GM", "AES-128")
    assert (info.version, info.parameter_id, info.parameter_name) == (2, 13, "brainpoolP256r1")


@pytest.mark.parametrize(
    ("ka", "mapping", "cipher", "suffix"),
    [
        ("DH", "GM", "3DES", "1.1"),
        ("ECDH", "GM", "AES-256", "2.4"),
        ("DH", "IM", "AES-192", "3.3"),
        ("ECDH", "IM", "AES-128", "4.2"),
        ("ECDH", "CAM", "AES-128", "6.2"),
    ],
)
def test_pace_oids(ka: str, mapping: str, cipher: str, suffix: str) -> None:
    info = pace_info(key_agreement=ka, mapping=mapping, cipher=cipher, parameter_id=12)
    assert info.protocol_oid == "0.4.0.127.0.7.2.2.4." + suffix
    assert parse_card_access(encode_card_access([info])).pace_infos == (info,)


def test_pace_info_without_parameter_id() -> None:
    info = pace_info(key_agreement="ECDH", mapping="GM", cipher="AES-128", parameter_id=None)
    parsed = parse_card_access(encode_card_access([info])).pace_infos[0]
    assert parsed.parameter_id is None and parsed.parameter_name is None


def test_no_pace_oid_for_cam_3des() -> None:
    with pytest.raises(ValueError):
        pace_info(key_agreement="ECDH", mapping="CAM", cipher="3DES", parameter_id=13)


def _ec_spki() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def test_dg14_round_trip_all_types() -> None:
    spki = _ec_spki()
    domain = sequence(encode_oid("0.4.0.127.0.7.1.2"), encode_integer(13))
    infos: list[SecurityInfo] = [
        ChipAuthenticationInfo("0.4.0.127.0.7.2.2.3.2.2", 1, 7, "ECDH", "AES-128"),
        ChipAuthenticationPublicKeyInfo(ID_PK_ECDH, spki, "ec", 7),
        ActiveAuthenticationInfo(ID_AA, 1, "0.4.0.127.0.7.1.1.4.1.3"),
        TerminalAuthenticationInfo("0.4.0.127.0.7.2.2.2", 1),
        pace_info(key_agreement="ECDH", mapping="GM", cipher="AES-128", parameter_id=13),
        PaceDomainParameterInfo("0.4.0.127.0.7.2.2.4.2", domain, 13),
        UnknownSecurityInfo(
            "2.23.136.1.1.13", sequence(encode_oid("2.23.136.1.1.13"), encode(0x04, b"\x61"))
        ),
    ]
    raw = encode_dg14(infos)
    assert raw[0] == 0x6E
    dg14 = parse_dg14(raw)
    assert dg14.raw == raw
    assert sorted(map(repr, dg14.security_infos)) == sorted(map(repr, infos))
    assert dg14.chip_authentication_infos == (infos[0],)
    assert dg14.chip_authentication_public_keys == (infos[1],)
    assert dg14.chip_authentication_public_keys[0].public_key_der == spki
    assert dg14.active_authentication_info == infos[2]
    assert dg14.pace_infos == (infos[4],)


def test_dg14_without_aa() -> None:
    ca = ChipAuthenticationInfo("0.4.0.127.0.7.2.2.3.1.1", 1, None, "DH", "3DES")
    dg14 = parse_dg14(encode_dg14([ca]))
    assert dg14.active_authentication_info is None
    assert dg14.chip_authentication_infos[0].key_id is None


def test_card_access_keeps_other_infos() -> None:
    ca_info = ChipAuthenticationInfo("0.4.0.127.0.7.2.2.3.2.4", 1, None, "ECDH", "AES-256")
    pace = pace_info(key_agreement="ECDH", mapping="IM", cipher="AES-256", parameter_id=17)
    parsed = parse_card_access(encode_card_access([pace], [ca_info]))
    assert parsed.pace_infos == (pace,)
    assert ca_info in parsed.security_infos


def test_unknown_pace_cipher_kept_as_unknown() -> None:
    item = sequence(encode_oid("0.4.0.127.0.7.2.2.4.2.9"), encode_integer(2))
    infos = parse_card_access(set_of(item)).security_infos
    assert infos == (UnknownSecurityInfo("0.4.0.127.0.7.2.2.4.2.9", item),)


def _pk_info(spki: bytes) -> bytes:
    return set_of(sequence(encode_oid(ID_PK_ECDH), spki))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x30, b""), "expected SET"),
        (encode(0x31, b""), "empty"),
        (set_of(encode_integer(1)), "expected SEQUENCE"),
        (set_of(sequence(encode_oid("1.2.3"))), "1 elements"),
        (set_of(sequence(encode_integer(1), encode_integer(2))), "expected OBJECT IDENTIFIER"),
        (
            set_of(sequence(encode_oid("0.4.0.127.0.7.2.2.4.2.2"), encode_oid("1.2"))),
            "PACE version",
        ),
        (set_of(sequence(encode_oid(ID_AA), encode_integer(1))), "signature algorithm"),
        (_pk_info(encode_integer(5)), "SubjectPublicKeyInfo is tag 2"),
        (_pk_info(sequence(sequence(encode_oid("1.2.3")))), "not {AlgorithmIdentifier"),
        (
            _pk_info(sequence(sequence(encode_integer(1)), encode(0x03, b"\x00\x04"))),
            "does not start with an OID",
        ),
        (
            _pk_info(sequence(sequence(encode_oid("1.2.3")), encode(0x03, b"\x09"))),
            "BIT STRING is malformed",
        ),
    ],
)
def test_errors_name_the_structure(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_card_access(raw)


def test_dg14_errors_and_caps() -> None:
    with pytest.raises(ParseError, match="expected 6E"):
        parse_dg14(encode(0x6F, CARD_ACCESS_EXAMPLE))
    with pytest.raises(ParseError, match="DG14"):
        parse_dg14(encode(0x6E, encode(0x30, b"")))
    many = set_of(*[CARD_ACCESS_EXAMPLE[2:]] * 40)
    with pytest.raises(LimitExceededError):
        parse_card_access(many)
    with pytest.raises(LimitExceededError):
        parse_card_access(encode(0x31, b"\x00" * 5000))
    with pytest.raises(LimitExceededError):
        parse_dg14(encode(0x6E, b"\x00" * 9000))


@given(
    st.lists(
        st.builds(
            pace_info,
            key_agreement=st.sampled_from(["DH", "ECDH"]),
            mapping=st.sampled_from(["GM", "IM"]),
            cipher=st.sampled_from(["3DES", "AES-128", "AES-192", "AES-256"]),
            parameter_id=st.none() | st.integers(0, 31),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_card_access_round_trip_property(infos: list[PaceInfo]) -> None:
    parsed = parse_card_access(encode_card_access(infos))
    assert sorted(map(repr, parsed.pace_infos)) == sorted(map(repr, infos))
