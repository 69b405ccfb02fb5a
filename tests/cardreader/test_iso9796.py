"""ISO/IEC 9796-2 digital signature scheme 1 (RSA, message recovery) as active authentication
uses it: a real passport's published answer, the gmrtd representative vectors, round trips for
every hash and trailer form, and every malformed form."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from cardreader.errors import BadSignatureError, UnsupportedAlgorithmError
from cardreader.lds.dg15 import parse_dg15
from cardreader.verify import iso9796
from cardreader.verify.iso9796 import (
    encode_representative,
    parse_representative,
    recover,
    sign_scheme1,
    verify_scheme1,
)

# A real passport's active authentication, as published in gmrtd's tests
# (activeauth/active_auth_test.go, TestDoActiveAuth): DG15 (RSA-1792), RND.IFD and the
# signature the chip answered. Nothing personal: a public key, a nonce and a signature.
REAL_DG15 = bytes.fromhex(
    "6F8201023081FF300D06092A864886F70D01010105000381ED003081E90281E100BB8F93F4DC95E205CDA1"
    "7C6927AB1E365B13065D03CD12E0FCE95D96840529453202F56CC4C13F77CD062930C8BC89A2873B257045"
    "C286E601CF3C09323A53103314902804AA10A314628CE222206A8866946A36B442041BB54AC81E6855DD1D"
    "6E16101833D65A191C20AC8B33B8A1A32920F46043F8031CF2BC17417030865FC5BE5A39DEE423BCBA3CA8"
    "177168EB23CFE01BA43EC87711B1CFFF85DB46F300DD8AE317B50D543B573E119E23AF7070D0B2FED6A3B2"
    "313A5EC02A531AAED1741F4390D1013E2A0F081EAC5DC8B0A1B2C6BDB1206F08D30E3643E1E5BDF5361102"
    "03010001"
)
REAL_CHALLENGE = bytes.fromhex("96302b0f3d7e7864")
REAL_SIGNATURE = bytes.fromhex(
    "474256306840c0ab1b63c10e1c26bdfef4a0dd843920283cc4e6e70a60f2bd25dc7725f9677bc1cde66379"
    "dc28b38e8490f33afb2d10f9980c44c0bfc175d2b6684218f535c92fdd3e18db770a9ccbf91db3c7f0138e"
    "6d9e94b9bc8371761e3abed5e5e9b260279cfb238b58ae0d6a01da51c74c2a3ecd62c448bd9f20127f7384"
    "587287fa971204234e55b1a856c3e5aaaa620bb799a68fbae08ee132bb61683eba9b0b40dc1e54641cad97"
    "5b16991cab50af82e3f3985afd19e7427a125f5b4b9878b12a5d2e01c7eedca3bb41c6fc05dccd818bce37"
    "9d04b1f2f5d43487d3"
)

# gmrtd TestDecodeF: representatives F for M1 = 1234...3344 and RND.IFD = 0102030405060708.
M1 = bytes.fromhex("1234567890ABCDEF1234567890ABCDEF11223344")
RND = bytes.fromhex("0102030405060708")
DECODE_F_VECTORS = [
    ("sha1", "e9b287952a913cc5b60ff74ecfc87e40e81563b1BC"),
    ("sha224", "aefc05e88f48eb88d367ba3dacb7d6a8543ec02bd315e47ddbe2045d38CC"),
    ("sha256", "783980d44fd3a80f0e4210eb9c73ea399932062d465438f8e1ff13377de8308934CC"),
    (
        "sha384",
        "8e0873b0baf595a777b497779981bd94dda3a81fd61cf2d526ab490f2d6cbcecc6eab5804df4e0a7016"
        "9d4d0d6c07e7536CC",
    ),
    (
        "sha512",
        "968304e09f0c0ec86be4ade4b82d97d04283e3652b61193856c9ede1dac8962b3da9580fd77e9f9ef18"
        "a24c517d8d3b05f4eeb177e990ae1e80895c8bb28f51635CC",
    ),
]


@lru_cache(maxsize=4)
def rsa_key(bits: int = 1024) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, bits)


def raw_sign(key: rsa.RSAPrivateKey, f: bytes) -> bytes:
    """Textbook RSA over a representative we built ourselves (for malformed forms)."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    return pow(int.from_bytes(f, "big"), numbers.d, n).to_bytes((n.bit_length() + 7) // 8, "big")


def test_real_passport_answer_verifies() -> None:
    key = parse_dg15(REAL_DG15).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 1792
    info = verify_scheme1(key, REAL_SIGNATURE, REAL_CHALLENGE)
    assert info.hash_algorithm == "sha256" and not info.implicit_trailer
    assert info.partial_recovery
    f = recover(key, REAL_SIGNATURE)
    assert f[0] == 0x6A and f[-2:] == b"\x34\xcc"
    assert len(info.m1) == 224 - 1 - 32 - 2


def test_real_answer_fails_for_another_challenge_and_any_flipped_byte() -> None:
    key = parse_dg15(REAL_DG15).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    with pytest.raises(BadSignatureError, match="hash"):
        verify_scheme1(key, REAL_SIGNATURE, bytes.fromhex("96302b0f3d7e7865"))
    for i in range(0, len(REAL_SIGNATURE), 7):
        bad = bytearray(REAL_SIGNATURE)
        bad[i] ^= 0x01
        with pytest.raises(BadSignatureError):
            verify_scheme1(key, bytes(bad), REAL_CHALLENGE)


@pytest.mark.parametrize("hash_name,tail", DECODE_F_VECTORS)
def test_gmrtd_representative_vectors(hash_name: str, tail: str) -> None:
    f = bytes.fromhex("6A") + M1 + bytes.fromhex(tail)
    info, digest = parse_representative(f)
    assert info.m1 == M1
    assert info.hash_algorithm == hash_name
    assert digest == hashlib.new(hash_name, M1 + RND).digest()
    assert info.implicit_trailer is (hash_name == "sha1")
    # our encoder produces exactly the same representative
    explicit = hash_name != "sha1"
    assert (
        encode_representative(M1, RND, len(f), hash_algorithm=hash_name, explicit_trailer=explicit)
        == f
    )


@pytest.mark.parametrize(
    "hash_name,explicit",
    [
        ("sha1", False),
        ("sha1", True),
        ("sha224", True),
        ("sha256", True),
        ("sha384", True),
        ("sha512", True),
    ],
)
@pytest.mark.parametrize("bits", [1024, 2048])
def test_round_trip_every_hash(hash_name: str, explicit: bool, bits: int) -> None:
    key = rsa_key(bits)
    sig = sign_scheme1(key, RND, hash_algorithm=hash_name, explicit_trailer=explicit)
    assert len(sig) == bits // 8
    info = verify_scheme1(key.public_key(), sig, RND)
    assert info.hash_algorithm == hash_name
    assert info.implicit_trailer is not explicit
    with pytest.raises(BadSignatureError):
        verify_scheme1(key.public_key(), sig, b"\x00" * 8)


def test_padded_representative_and_the_n_minus_j_form_verify() -> None:
    key = rsa_key()
    length = iso9796.representative_length(1024)
    m1 = b"short M1"
    f = encode_representative(m1, RND, length)
    assert f[0] == 0x6B and f[1] == 0xBB and f[f.index(0xBA)] == 0xBA
    sig = raw_sign(key, f)
    assert verify_scheme1(key.public_key(), sig, RND).m1 == m1
    # ISO/IEC 9796-2 alternative representation: the signature n - s recovers n - F.
    n = key.public_key().public_numbers().n
    other = (n - int.from_bytes(sig, "big")).to_bytes(128, "big")
    assert verify_scheme1(key.public_key(), other, RND).m1 == m1


def _signed(f: bytes) -> bytes:
    return raw_sign(rsa_key(), f)


def _good_f(m2: bytes = RND, hash_name: str = "sha1", explicit: bool = False) -> bytearray:
    length = iso9796.representative_length(1024)
    m1 = bytes(range(length - 2 - iso9796.HASH_SIZES[hash_name] - (1 if explicit else 0)))
    return bytearray(
        encode_representative(m1, m2, length, hash_algorithm=hash_name, explicit_trailer=explicit)
    )


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda f: f.__setitem__(0, 0x2A), "header"),  # first bits 00
        (lambda f: f.__setitem__(0, 0xEA), "header"),  # first bits 11 (and above n's range)
        (lambda f: f.__setitem__(0, 0x7A), "reserved"),
        (lambda f: f.__setitem__(0, 0x6C), "padding nibble"),
        (lambda f: f.__setitem__(0, 0x6B), "BA"),  # padding announced, never closed
        (lambda f: f.__setitem__(0, 0x4A), "total recovery"),  # M2 present but header says none
        (lambda f: f.__setitem__(-1, 0xBD), "trailer"),
        (lambda f: f.__setitem__(-1, 0x0C), "trailer"),
        (lambda f: f.__setitem__(-25, f[-25] ^ 1), "hash"),  # inside H
        (lambda f: f.__setitem__(5, f[5] ^ 1), "hash"),  # inside M1
    ],
)
def test_malformed_representatives_are_rejected(
    mutate: Callable[[bytearray], None], match: str
) -> None:
    f = _good_f()
    mutate(f)
    key = rsa_key().public_key()
    if f[0] >= 0x80:
        # above the modulus range for most keys; the header check still has to see it
        with pytest.raises(BadSignatureError):
            parse_representative(bytes(f))
        return
    if match == "trailer":
        # A representative not ending in nibble C is read in its n - J form, whose header
        # depends on the (random) test key; check the trailer rule on F itself, and that the
        # signature is refused either way.
        with pytest.raises(BadSignatureError, match=match):
            parse_representative(bytes(f))
        with pytest.raises(BadSignatureError):
            verify_scheme1(key, _signed(bytes(f)), RND)
        return
    with pytest.raises(BadSignatureError, match=match):
        verify_scheme1(key, _signed(bytes(f)), RND)


def test_unknown_and_unsupported_trailer_hashes() -> None:
    f = _good_f(hash_name="sha256", explicit=True)
    f[-2] = 0x99
    with pytest.raises(BadSignatureError, match="unknown hash id 99"):
        verify_scheme1(rsa_key().public_key(), _signed(bytes(f)), RND)
    f[-2] = 0x31  # RIPEMD-160: a real ISO/IEC 10118-3 id we cannot compute
    with pytest.raises(UnsupportedAlgorithmError, match="RIPEMD-160"):
        verify_scheme1(rsa_key().public_key(), _signed(bytes(f)), RND)


def test_wrong_hash_in_trailer_is_caught() -> None:
    # SHA-256 value but the trailer claims SHA-224: lengths no longer line up with the hash
    f = _good_f(hash_name="sha256", explicit=True)
    f[-2] = iso9796.HASH_ID_OF["sha224"]
    with pytest.raises(BadSignatureError, match="hash"):
        verify_scheme1(rsa_key().public_key(), _signed(bytes(f)), RND)


def test_wrong_lengths_and_values() -> None:
    key = rsa_key()
    sig = sign_scheme1(key, RND)
    pub = key.public_key()
    with pytest.raises(BadSignatureError, match="128"):
        verify_scheme1(pub, sig[1:], RND)
    with pytest.raises(BadSignatureError, match="128"):
        verify_scheme1(pub, b"\x00" + sig, RND)
    with pytest.raises(BadSignatureError, match="outside"):
        verify_scheme1(pub, bytes(128), RND)
    n = pub.public_numbers().n
    with pytest.raises(BadSignatureError, match="outside"):
        verify_scheme1(pub, n.to_bytes(128, "big"), RND)
    with pytest.raises(BadSignatureError, match="too short"):
        parse_representative(b"\x6a\xbc")
    with pytest.raises(BadSignatureError, match="too short for its hash"):
        parse_representative(b"\x6a" + bytes(10) + b"\xbc")
    with pytest.raises(ValueError):
        encode_representative(bytes(200), RND, 128)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_representative_parser(raw: bytes) -> None:
    try:
        info, digest = parse_representative(raw)
    except (BadSignatureError, UnsupportedAlgorithmError):
        return
    assert len(digest) == iso9796.HASH_SIZES[info.hash_algorithm]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=128, max_size=128), st.binary(max_size=16))
def test_fuzz_random_signatures_never_verify(sig: bytes, m2: bytes) -> None:
    with pytest.raises((BadSignatureError, UnsupportedAlgorithmError)):
        verify_scheme1(rsa_key().public_key(), sig, m2)
