"""Verify one signature: RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA (DER and plain r||s).

Every signature check in passive authentication (SOD, certificates, CRLs, master lists) goes
through :func:`verify_signature`; the arithmetic is pyca/cryptography's.

- RSA PKCS#1 v1.5: RFC 8017 8.2 (RSASSA-PKCS1-v1_5).
- RSASSA-PSS: RFC 8017 8.1 with the RFC 4055 parameters (hash, MGF1 hash, salt length, trailer
  field 1 = 0xBC, the only one defined).
- ECDSA: X9.62 / SEC 1 4.1.4, signature as DER ``Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER,
  s INTEGER }`` (RFC 3279 2.2.3); BSI TR-03111 5.2.1 "plain" format r||s, each the size of the
  group order, for the ecdsa-plain-SHA* OIDs. Some issuers label r||s signatures with the X9.62
  OIDs; a signature that is not DER but exactly 2 * order-size bytes is read as r||s (the
  mathematics is checked the same, so this accepts nothing forged).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from cardreader.errors import BadSignatureError, UnsupportedAlgorithmError
from cardreader.verify.algorithms import (
    DIGEST_SIZES,
    AlgorithmSpec,
    SignatureAlgorithm,
    hash_algorithm,
)
from cardreader.verify.keys import LoadedPublicKey, PublicKey, load_public_key

MAX_SIGNATURE_BYTES = 2048  # RSA-16384


def verify_signature(
    public_key_or_spki: PublicKey | LoadedPublicKey | bytes,
    signature: bytes,
    data: bytes,
    algorithm: SignatureAlgorithm | AlgorithmSpec,
    *,
    default_hash: str | None = None,
) -> None:
    """Check ``signature`` over ``data``; return None when it verifies.

    ``public_key_or_spki`` is a loaded key or a DER SubjectPublicKeyInfo (explicit EC
    parameters accepted). ``default_hash`` is used when the algorithm names no hash
    (rsaEncryption / id-ecPublicKey in a SignerInfo: SignerInfo.digestAlgorithm).

    Raises :class:`BadSignatureError` when the signature does not verify (also when the key
    type does not fit the scheme), :class:`UnsupportedAlgorithmError` for an unknown scheme or
    hash, :class:`ParseError` for an undecodable key.
    """
    key = _key(public_key_or_spki)
    scheme = algorithm.scheme
    what = _describe(algorithm)
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise BadSignatureError(f"{what}: signature of {len(signature)} bytes is implausible")
    if scheme == "unknown":
        oid = algorithm.oid if isinstance(algorithm, SignatureAlgorithm) else "?"
        raise UnsupportedAlgorithmError(f"unsupported signature algorithm {oid}")
    hash_name = _hash_name(algorithm, default_hash)
    h = _hash(hash_name, what)
    try:
        if scheme == "rsa-pkcs1v15":
            _rsa(key, what).verify(_rsa_signature(key, signature), data, padding.PKCS1v15(), h)
        elif scheme == "rsa-pss":
            _rsa(key, what).verify(
                _rsa_signature(key, signature), data, _pss_padding(algorithm, hash_name, what), h
            )
        elif scheme in ("ecdsa", "ecdsa-plain"):
            ec_key = _ec(key, what)
            der = _ecdsa_der(ec_key, signature, plain=scheme == "ecdsa-plain", what=what)
            ec_key.verify(der, data, ec.ECDSA(h))
        else:
            raise UnsupportedAlgorithmError(f"unsupported signature scheme {scheme!r}")
    except InvalidSignature as exc:
        raise BadSignatureError(f"{what}: the signature does not verify") from exc
    except ValueError as exc:  # e.g. PSS salt longer than the key allows
        raise BadSignatureError(f"{what}: the signature cannot be checked ({exc})") from exc


def _key(value: PublicKey | LoadedPublicKey | bytes) -> PublicKey:
    if isinstance(value, LoadedPublicKey):
        return value.key
    if isinstance(value, bytes | bytearray | memoryview):
        return load_public_key(bytes(value))
    return value


def _describe(algorithm: SignatureAlgorithm | AlgorithmSpec) -> str:
    if isinstance(algorithm, SignatureAlgorithm):
        return f"signature ({algorithm.name})"
    return f"signature ({algorithm.scheme}, {algorithm.hash_algorithm or 'no hash'})"


def _hash_name(algorithm: SignatureAlgorithm | AlgorithmSpec, default_hash: str | None) -> str:
    name: str | None
    if isinstance(algorithm, SignatureAlgorithm):
        name = algorithm.hash_algorithm or algorithm.pss_hash_algorithm
    else:
        name = algorithm.hash_algorithm
    name = name or default_hash
    if name is None:
        raise UnsupportedAlgorithmError(
            f"{_describe(algorithm)}: the algorithm names no hash and none was given"
        )
    return name


def _hash(name: str, what: str) -> hashes.HashAlgorithm:
    try:
        return hash_algorithm(name)
    except ValueError as exc:
        raise UnsupportedAlgorithmError(f"{what}: unsupported hash {name}") from exc


def _pss_padding(
    algorithm: SignatureAlgorithm | AlgorithmSpec, hash_name: str, what: str
) -> padding.PSS:
    if isinstance(algorithm, SignatureAlgorithm):
        if algorithm.pss_trailer_field not in (None, 1):
            raise UnsupportedAlgorithmError(
                f"{what}: RSASSA-PSS trailer field {algorithm.pss_trailer_field} (only 1 exists)"
            )
        mgf_name = algorithm.pss_mgf_hash_algorithm or hash_name
        salt = algorithm.pss_salt_length
    else:
        mgf_name = algorithm.pss_mgf_hash_algorithm or hash_name
        salt = algorithm.pss_salt_length
    if salt is None:
        salt = DIGEST_SIZES.get(hash_name, 0)
    return padding.PSS(mgf=padding.MGF1(_hash(mgf_name, what)), salt_length=salt)


def _rsa(key: PublicKey, what: str) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise BadSignatureError(f"{what}: an RSA signature cannot be checked with an EC key")
    return key


def _rsa_signature(key: PublicKey, signature: bytes) -> bytes:
    """RFC 8017 8.2.2 wants the signature as long as the modulus; some encoders drop leading
    zero bytes. Left-padding restores the same integer (nothing else is accepted)."""
    if isinstance(key, rsa.RSAPublicKey):
        size = (key.key_size + 7) // 8
        if len(signature) < size:
            return bytes(size - len(signature)) + signature
    return signature


def _ec(key: PublicKey, what: str) -> ec.EllipticCurvePublicKey:
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise BadSignatureError(f"{what}: an ECDSA signature cannot be checked with an RSA key")
    return key


def _order_bytes(key: ec.EllipticCurvePublicKey) -> int:
    return (key.curve.key_size + 7) // 8


def _ecdsa_der(
    key: ec.EllipticCurvePublicKey, signature: bytes, *, plain: bool, what: str
) -> bytes:
    size = _order_bytes(key)
    if not plain:
        try:
            utils.decode_dss_signature(signature)
            return signature
        except ValueError:
            if len(signature) != 2 * size:
                raise BadSignatureError(
                    f"{what}: neither a DER Ecdsa-Sig-Value nor a {2 * size}-byte r||s value"
                ) from None
    if len(signature) != 2 * size:
        raise BadSignatureError(
            f"{what}: plain ECDSA signature of {len(signature)} bytes, expected {2 * size}"
        )
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    return utils.encode_dss_signature(r, s)
