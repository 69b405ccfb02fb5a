from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import encode_integer, encode_oid, sequence
from cardreader.lds.dg15 import encode_dg15, parse_dg15
from cardreader.lds.tlv import encode


def _spki(key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def test_rsa_round_trip_and_load() -> None:
    key = rsa.generate_private_key(65537, 1024).public_key()
    raw = encode_dg15(_spki(key))
    dg15 = parse_dg15(raw)
    assert dg15.raw == raw
    assert dg15.algorithm == "rsa"
    assert dg15.public_key_der == _spki(key)
    loaded = dg15.public_key()
    assert isinstance(loaded, rsa.RSAPublicKey)
    assert loaded.public_numbers() == key.public_numbers()


def test_ec_round_trip_and_load() -> None:
    key = ec.generate_private_key(ec.BrainpoolP256R1()).public_key()
    dg15 = parse_dg15(encode_dg15(_spki(key)))
    assert dg15.algorithm == "ec"
    loaded = dg15.public_key()
    assert isinstance(loaded, ec.EllipticCurvePublicKey)
    assert loaded.public_numbers() == key.public_numbers()


def test_explicit_parameter_ec_key_is_kept_even_if_it_does_not_load() -> None:
    # ecPublicKey with (bogus) explicit ECParameters: structure is valid, pyca cannot load it.
    params = sequence(encode_integer(1), sequence(encode_oid("1.2.840.10045.1.1")))
    point = encode(0x03, b"\x00\x04" + b"\x01" * 64)
    spki = sequence(sequence(encode_oid("1.2.840.10045.2.1"), params), point)
    dg15 = parse_dg15(encode_dg15(spki))
    assert dg15.algorithm == "ec"
    assert dg15.public_key_der == spki
    assert dg15.public_key() is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x6E, b""), "expected 6F"),
        (encode(0x6F, encode_integer(3)), "SubjectPublicKeyInfo is tag 2"),
        (
            encode(0x6F, sequence(sequence(encode_oid("1.2.3")), encode(0x03, b"\x00\x01"))),
            "algorithm is other",
        ),
    ],
)
def test_errors(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_dg15(raw)


def test_cap() -> None:
    with pytest.raises(LimitExceededError):
        parse_dg15(encode(0x6F, b"\x00" * 5000))
