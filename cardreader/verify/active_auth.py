"""Active authentication (ICAO Doc 9303-11 section 6.1): the chip signs our random challenge
with the private key whose public half is in DG15, proving it is not a copy.

Protocol (9303-11 6.1, ISO/IEC 7816-4 INTERNAL AUTHENTICATE):
1. the inspection system sends INTERNAL AUTHENTICATE ``00 88 00 00`` with an 8-byte random
   challenge RND.IFD and Le = 00, under the secure messaging of the session (extended Le when
   the protected answer cannot fit 256 bytes, e.g. RSA-2048; see _internal_authenticate);
2. the chip answers with a signature:
   - RSA: ISO/IEC 9796-2 digital signature scheme 1 with message M = M1 || RND.IFD, M1 chosen by
     the chip and recovered from the signature; trailer BC (SHA-1) or xx CC naming the hash
     (:mod:`cardreader.verify.iso9796`);
   - ECDSA: a signature over RND.IFD, hash given by the signatureAlgorithm of DG14's
     ActiveAuthenticationInfo (9303-11 9.2, e.g. ecdsa-plain-SHA256 of BSI TR-03111 or
     ecdsa-with-SHA256 of X9.62), encoded plain r || s (TR-03111 5.2.1); some chips answer DER
     (X9.62 Ecdsa-Sig-Value), which is accepted too.
3. the inspection system verifies the signature with the DG15 key. DG15 itself must be covered
   by passive authentication (the caller's job): AA proves the chip holds DG15's private key.

Results never contain personal data: only algorithm names, status words and reasons.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    encode_dss_signature,
)

from cardreader.apdu import SW_OK, SW_WRONG_LENGTH, CommandApdu, ResponseApdu, describe_sw
from cardreader.channel import Channel
from cardreader.errors import (
    BadSignatureError,
    CardReaderError,
    ParseError,
    SecureMessagingError,
    TransportError,
    UnsupportedAlgorithmError,
)
from cardreader.lds.dg14 import Dg14
from cardreader.lds.dg15 import Dg15
from cardreader.lds.security_infos import ActiveAuthenticationInfo
from cardreader.secure_messaging import wrapped_response_length
from cardreader.verify import iso9796
from cardreader.verify.keys import load_public_key_info

CHALLENGE_LENGTH = 8  # 9303-11 6.1: RND.IFD is 8 bytes
INS_INTERNAL_AUTHENTICATE = 0x88

# signatureAlgorithm OIDs an ActiveAuthenticationInfo may name (9303-11 9.2 refers to BSI
# TR-03111 ecdsa-plain-* and to X9.62 / RFC 5758 ecdsa-with-*): OID -> hash.
ECDSA_HASHES: dict[str, str] = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1",
    "0.4.0.127.0.7.1.1.4.1.2": "sha224",
    "0.4.0.127.0.7.1.1.4.1.3": "sha256",
    "0.4.0.127.0.7.1.1.4.1.4": "sha384",
    "0.4.0.127.0.7.1.1.4.1.5": "sha512",
    "1.2.840.10045.4.1": "sha1",
    "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
}
_HASH_CLASSES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# When DG14 does not name the hash (it should for ECDSA keys), the usual pairing of hash and
# curve size comes first; the others are tried after it (any success still needs the key).
_FALLBACK_ORDER = ("sha256", "sha384", "sha512", "sha224", "sha1")

Random = Callable[[int], bytes]


@dataclass(frozen=True, slots=True)
class ActiveAuthResult:
    """Outcome of active authentication.

    ``performed`` is False when the card offers no AA (no DG15) or when its key or algorithm is
    one we cannot verify (then the check says nothing about the chip). ``ok`` is meaningful
    only when performed: False there means the chip failed to prove it holds DG15's key.
    """

    performed: bool
    ok: bool
    algorithm: str
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {
            "performed": self.performed,
            "ok": self.ok if self.performed else None,
            "algorithm": self.algorithm,
            "detail": self.detail,
        }


def _hash_name(name: str) -> str:
    return name.upper().replace("SHA", "SHA-")


def _ecdsa_signature_der(signature: bytes, key: ec.EllipticCurvePublicKey) -> list[bytes]:
    """Candidate DER encodings of ``signature``: plain r||s (TR-03111) first, then as DER."""
    candidates: list[bytes] = []
    size = (key.curve.key_size + 7) // 8
    if len(signature) == 2 * size:
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        if r > 0 and s > 0:
            candidates.append(encode_dss_signature(r, s))
    if signature[:1] == b"\x30":
        candidates.append(signature)
    if not candidates:
        raise BadSignatureError(
            f"ECDSA: signature of {len(signature)} bytes is neither r||s ({2 * size} bytes) nor DER"
        )
    return candidates


def _verify_ecdsa(
    key: ec.EllipticCurvePublicKey, challenge: bytes, signature: bytes, hash_name: str
) -> bool:
    algorithm = _HASH_CLASSES[hash_name]()
    digest = hashlib.new(hash_name, challenge).digest()
    for der in _ecdsa_signature_der(signature, key):
        try:
            key.verify(der, digest, ec.ECDSA(Prehashed(algorithm)))
        except (InvalidSignature, ValueError):
            continue
        return True
    return False


def verify_active_auth(
    public_key_der: bytes,
    challenge: bytes,
    signature: bytes,
    aa_info: ActiveAuthenticationInfo | None,
) -> str:
    """Verify an INTERNAL AUTHENTICATE answer; return the algorithm used, in words.

    ``public_key_der`` is DG15's SubjectPublicKeyInfo (explicit EC parameters allowed),
    ``aa_info`` DG14's ActiveAuthenticationInfo (required for ECDSA by 9303-11 6.1; without it
    the usual hashes are tried). Raises BadSignatureError when the signature does not verify,
    UnsupportedAlgorithmError for keys, curves or hashes we cannot use, ParseError for a
    malformed key.
    """
    loaded = load_public_key_info(public_key_der)
    key = loaded.key
    if isinstance(key, rsa.RSAPublicKey):
        info = iso9796.verify_scheme1(key, signature, challenge)
        trailer = "implicit trailer" if info.implicit_trailer else "explicit trailer"
        return (
            f"{loaded.describe()}, ISO/IEC 9796-2 scheme 1, "
            f"{_hash_name(info.hash_algorithm)} ({trailer})"
        )
    if not isinstance(key, ec.EllipticCurvePublicKey):  # pragma: no cover - loader returns 2 kinds
        raise UnsupportedAlgorithmError("active authentication: key is neither RSA nor EC")
    if aa_info is not None:
        hash_name = ECDSA_HASHES.get(aa_info.signature_algorithm_oid)
        if hash_name is None:
            raise UnsupportedAlgorithmError(
                "active authentication: DG14 names signature algorithm "
                f"{aa_info.signature_algorithm_oid}, not an ECDSA algorithm we support"
            )
        if not _verify_ecdsa(key, challenge, signature, hash_name):
            raise BadSignatureError(
                f"ECDSA ({_hash_name(hash_name)}) signature over the challenge does not verify"
            )
        return f"{loaded.describe()}, ECDSA {_hash_name(hash_name)}"
    for hash_name in _FALLBACK_ORDER:
        if _verify_ecdsa(key, challenge, signature, hash_name):
            return (
                f"{loaded.describe()}, ECDSA {_hash_name(hash_name)} (hash not announced in DG14)"
            )
    raise BadSignatureError(
        "ECDSA signature over the challenge does not verify (DG14 names no hash; tried "
        "SHA-1/224/256/384/512)"
    )


def _key_description(dg15: Dg15) -> str:
    try:
        return load_public_key_info(dg15.public_key_der).describe()
    except CardReaderError:
        return dg15.algorithm.upper()


def _answer_length(dg15: Dg15) -> int:
    """Bytes of signature the chip will answer (the modulus length for RSA, 0 if unknown)."""
    try:
        loaded = load_public_key_info(dg15.public_key_der)
    except CardReaderError:
        return 0
    return (loaded.key_size + 7) // 8 if loaded.algorithm == "rsa" else 0


def _internal_authenticate(channel: Channel, challenge: bytes, answer_length: int) -> ResponseApdu:
    """INTERNAL AUTHENTICATE with Le = 00, or extended Le = 0000 when the protected answer
    cannot fit a short response (an RSA-2048 signature is 256 bytes before secure messaging
    wraps it; ISO/IEC 7816-4 5.1: a short Le asks for 256 bytes at most). A chip without
    extended length answers 6700; it is then asked again with a short Le."""
    sm = channel.secure
    long_answer = (
        answer_length > 0
        and (wrapped_response_length(answer_length, sm.kind) if sm is not None else answer_length)
        > 256
    )
    if long_answer:
        extended = CommandApdu(
            0x00, INS_INTERNAL_AUTHENTICATE, 0x00, 0x00, challenge, le=65536, extended=True
        )
        response = channel.send(extended)
        if response.sw != SW_WRONG_LENGTH:
            return response
    short = CommandApdu(0x00, INS_INTERNAL_AUTHENTICATE, 0x00, 0x00, challenge, le=256)
    return channel.send(short)


def run_active_authentication(
    channel: Channel,
    dg15: Dg15 | None,
    dg14: Dg14 | None,
    *,
    rng: Random = os.urandom,
) -> ActiveAuthResult:
    """Run active authentication on an open (secure-messaging) channel.

    A lost card or reader raises TransportError (no verdict can be drawn). Everything else is
    a result: not performed (no DG15, unusable key or algorithm), ok, or failed (the chip
    refused INTERNAL AUTHENTICATE or its signature does not verify: clone suspected).
    """
    if dg15 is None:
        return ActiveAuthResult(
            False, False, "", "DG15 absent: the chip offers no active authentication"
        )
    algorithm = _key_description(dg15)
    aa_info = dg14.active_authentication_info if dg14 is not None else None
    challenge = rng(CHALLENGE_LENGTH)
    if len(challenge) != CHALLENGE_LENGTH:
        raise ValueError("the challenge source must return 8 bytes")
    try:
        response = _internal_authenticate(channel, challenge, _answer_length(dg15))
    except TransportError:
        raise
    except SecureMessagingError as exc:
        return ActiveAuthResult(
            True,
            False,
            algorithm,
            f"INTERNAL AUTHENTICATE: the chip's answer failed secure messaging ({exc.message})",
        )
    except CardReaderError as exc:
        return ActiveAuthResult(True, False, algorithm, f"INTERNAL AUTHENTICATE: {exc.message}")
    if response.sw != SW_OK or not response.data:
        return ActiveAuthResult(
            True,
            False,
            algorithm,
            f"the chip refused INTERNAL AUTHENTICATE ({response.sw:04X}: "
            f"{describe_sw(response.sw)}) although DG15 announces active authentication",
        )
    try:
        used = verify_active_auth(dg15.public_key_der, challenge, response.data, aa_info)
    except BadSignatureError as exc:
        return ActiveAuthResult(True, False, algorithm, f"signature does not verify: {exc.message}")
    except UnsupportedAlgorithmError as exc:
        return ActiveAuthResult(False, False, algorithm, f"not verifiable here: {exc.message}")
    except ParseError as exc:
        return ActiveAuthResult(False, False, algorithm, f"DG15 key unusable: {exc.message}")
    return ActiveAuthResult(True, True, used, "the chip signed our challenge with DG15's key")
