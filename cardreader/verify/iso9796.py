"""ISO/IEC 9796-2 digital signature scheme 1 with RSA (message recovery), as used by active
authentication (ICAO Doc 9303-11 section 6.1: "ISO/IEC 9796-2 Digital Signature scheme 1").

The message representative of scheme 1 is

    F = header || padding || M1 || H(M1 || M2) || T

- header: the two bits ``01``, then the "more data" bit (1 = partial recovery: a non-recoverable
  part M2 exists; for active authentication M2 is the inspection system's 8-byte challenge);
- padding: the rest of the first nibble pattern: ``xA`` ends it at once (F[0] = 0x6A or 0x4A),
  ``xB`` continues with ``BB`` bytes up to a closing ``BA`` byte (leading bits of F are always
  01xx, so the representative stays below the modulus);
- M1: the recoverable part; H: the hash of M1 || M2;
- T: ``BC`` = implicit hash (SHA-1), or two bytes ``xx CC`` naming the hash by its ISO/IEC
  10118-3 identifier (33 SHA-1, 34 SHA-256, 35 SHA-512, 36 SHA-384, 38 SHA-224).

The signature is F^d mod n. Verification computes J = s^e mod n; when J does not end in the
nibble C, the representative is n - J (ISO/IEC 9796-2 signature function with the alternative
"min(J, n - J)" representation), which a verifier must accept.

Signing lives here too (:func:`sign_scheme1`) for the chip emulator and the tests; the library
itself only verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from cardreader.errors import BadSignatureError, UnsupportedAlgorithmError

TRAILER_IMPLICIT = 0xBC
TRAILER_EXPLICIT = 0xCC

# ISO/IEC 10118-3 hash-function identifiers used in the two-byte trailer.
HASH_IDS: dict[int, str] = {
    0x33: "sha1",
    0x34: "sha256",
    0x35: "sha512",
    0x36: "sha384",
    0x38: "sha224",
}
HASH_ID_OF: dict[str, int] = {name: ident for ident, name in HASH_IDS.items()}
# Identifiers we recognise but cannot hash with (RIPEMD-160/128, Whirlpool, SHA-512/t).
_KNOWN_UNSUPPORTED = {0x31: "RIPEMD-160", 0x32: "RIPEMD-128", 0x37: "Whirlpool"}

HASH_SIZES: dict[str, int] = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}


@dataclass(frozen=True, slots=True)
class RecoveredMessage:
    """What verification recovered from a scheme-1 signature."""

    m1: bytes = b""  # the recoverable part of the message
    hash_algorithm: str = "sha1"
    partial_recovery: bool = True
    implicit_trailer: bool = True


def representative_length(modulus_bits: int) -> int:
    """Bytes of the message representative for a modulus of ``modulus_bits`` bits."""
    return (modulus_bits - 1 + 7) // 8


def parse_representative(f: bytes) -> tuple[RecoveredMessage, bytes]:
    """Split a message representative F into (recovered message info, hash value H).

    Raises BadSignatureError naming the part that is wrong (header, padding, trailer, length)
    and UnsupportedAlgorithmError for a hash identifier we cannot compute.
    """
    if len(f) < 3:
        raise BadSignatureError("ISO/IEC 9796-2: message representative too short")
    first = f[0]
    if first & 0xC0 != 0x40:
        raise BadSignatureError("ISO/IEC 9796-2: bad header (the first bits are not 01)")
    if first & 0x10:
        raise BadSignatureError("ISO/IEC 9796-2: bad header (reserved bit set)")
    partial = bool(first & 0x20)
    if first & 0x0F == 0x0A:
        start = 1
    elif first & 0x0F == 0x0B:
        i = 1
        while i < len(f) and f[i] == 0xBB:
            i += 1
        if i >= len(f) or f[i] != 0xBA:
            raise BadSignatureError("ISO/IEC 9796-2: bad padding (no closing BA byte)")
        start = i + 1
    else:
        raise BadSignatureError("ISO/IEC 9796-2: bad header (padding nibble is not A or B)")

    last = f[-1]
    if last == TRAILER_IMPLICIT:
        hash_name, t_len, implicit = "sha1", 1, True
    elif last == TRAILER_EXPLICIT:
        ident = f[-2]
        if ident in _KNOWN_UNSUPPORTED:
            raise UnsupportedAlgorithmError(
                f"ISO/IEC 9796-2: trailer names {_KNOWN_UNSUPPORTED[ident]}, not supported"
            )
        if ident not in HASH_IDS:
            raise BadSignatureError(f"ISO/IEC 9796-2: bad trailer (unknown hash id {ident:02X})")
        hash_name, t_len, implicit = HASH_IDS[ident], 2, False
    else:
        raise BadSignatureError(f"ISO/IEC 9796-2: bad trailer (last byte {last:02X})")

    h_len = HASH_SIZES[hash_name]
    m1_end = len(f) - t_len - h_len
    if m1_end < start:
        raise BadSignatureError("ISO/IEC 9796-2: representative too short for its hash")
    digest = f[m1_end : len(f) - t_len]
    return RecoveredMessage(f[start:m1_end], hash_name, partial, implicit), digest


def recover(public_key: rsa.RSAPublicKey, signature: bytes) -> bytes:
    """The message representative F of a signature (s^e mod n, or n minus it)."""
    numbers = public_key.public_numbers()
    n, e = numbers.n, numbers.e
    modulus_bytes = (n.bit_length() + 7) // 8
    if len(signature) != modulus_bytes:
        raise BadSignatureError(
            f"ISO/IEC 9796-2: signature of {len(signature)} bytes, the modulus has {modulus_bytes}"
        )
    s = int.from_bytes(signature, "big")
    if not 0 < s < n:
        raise BadSignatureError("ISO/IEC 9796-2: signature value outside 1..n-1")
    j = pow(s, e, n)
    if j & 0x0F != 0x0C:
        j = n - j  # the alternative representative (see module docstring)
        if j & 0x0F != 0x0C:
            raise BadSignatureError("ISO/IEC 9796-2: bad trailer (recovered value ends not in C)")
    length = representative_length(n.bit_length())
    if j.bit_length() > 8 * length:
        raise BadSignatureError("ISO/IEC 9796-2: recovered value longer than a representative")
    return j.to_bytes(length, "big")


def verify_scheme1(public_key: rsa.RSAPublicKey, signature: bytes, m2: bytes) -> RecoveredMessage:
    """Verify a scheme-1 signature with non-recoverable part ``m2``; return what was recovered.

    Raises BadSignatureError (the signature does not verify, with the reason) or
    UnsupportedAlgorithmError (the trailer names a hash we cannot compute).
    """
    info, digest = parse_representative(recover(public_key, signature))
    if info.partial_recovery != bool(m2):
        raise BadSignatureError(
            "ISO/IEC 9796-2: header says "
            + ("partial" if info.partial_recovery else "total")
            + " recovery, but the message "
            + ("has" if m2 else "has no")
            + " non-recoverable part"
        )
    expected = hashlib.new(info.hash_algorithm, info.m1 + m2).digest()
    if not hmac.compare_digest(expected, digest):
        raise BadSignatureError(
            "ISO/IEC 9796-2: the hash over the recovered message and the challenge does not match"
        )
    return info


def encode_representative(
    m1: bytes,
    m2: bytes,
    length: int,
    *,
    hash_algorithm: str = "sha1",
    explicit_trailer: bool = False,
) -> bytes:
    """F for recoverable part ``m1`` and non-recoverable part ``m2``, exactly ``length`` bytes
    (M1 is padded in front with the BB...BA padding when it is shorter than the room)."""
    if hash_algorithm not in HASH_SIZES:
        raise ValueError(f"unsupported hash {hash_algorithm!r}")
    if hash_algorithm != "sha1" and not explicit_trailer:
        raise ValueError("only SHA-1 has an implicit trailer (BC)")
    trailer = (
        bytes((HASH_ID_OF[hash_algorithm], TRAILER_EXPLICIT))
        if explicit_trailer
        else bytes((TRAILER_IMPLICIT,))
    )
    digest = hashlib.new(hash_algorithm, m1 + m2).digest()
    room = length - len(trailer) - len(digest) - 1
    if len(m1) > room or room < 0:
        raise ValueError("M1 does not fit the representative")
    header = 0x60 if m2 else 0x40
    if len(m1) == room:
        lead = bytes((header | 0x0A,))
    else:
        lead = bytes((header | 0x0B,)) + b"\xbb" * (room - len(m1) - 1) + b"\xba"
    return lead + m1 + digest + trailer


def sign_scheme1(
    private_key: rsa.RSAPrivateKey,
    m2: bytes,
    *,
    hash_algorithm: str = "sha1",
    explicit_trailer: bool = False,
    rng: Callable[[int], bytes] = os.urandom,
) -> bytes:
    """A scheme-1 signature over a random M1 (filling the representative) and ``m2``: what an
    eMRTD chip answers to INTERNAL AUTHENTICATE (ICAO 9303-11 6.1). Emulator and tests only."""
    numbers = private_key.private_numbers()
    n = numbers.public_numbers.n
    length = representative_length(n.bit_length())
    t_len = 2 if explicit_trailer else 1
    m1 = rng(length - 1 - HASH_SIZES[hash_algorithm] - t_len)
    f = int.from_bytes(
        encode_representative(
            m1, m2, length, hash_algorithm=hash_algorithm, explicit_trailer=explicit_trailer
        ),
        "big",
    )
    # RSA with the Chinese remainder theorem (PKCS #1 v2.2 5.1.2, RSADP 2.b).
    s1 = pow(f, numbers.dmp1, numbers.p)
    s2 = pow(f, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (s1 - s2)) % numbers.p
    s = s2 + numbers.q * h
    return s.to_bytes((n.bit_length() + 7) // 8, "big")
