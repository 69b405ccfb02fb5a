"""Signature and digest algorithm identifiers, decoded far enough to verify with.

The OID tables and the :class:`SignatureAlgorithm` value live in :mod:`cardreader.lds.sod`
(EF.SOD's SignerInfo uses them first); this module re-exports them and adds
:func:`signature_algorithm_from_der` for X.509 ``signatureAlgorithm`` fields (certificates,
CRLs, master lists) and :class:`AlgorithmSpec` for callers that know the scheme without an OID.

Sources: RFC 3279 (sha1WithRSAEncryption, ecdsa-with-SHA1), RFC 4055 (sha2 RSA, RSASSA-PSS-params
with its DEFAULTs SHA-1 / MGF1-SHA-1 / salt 20 / trailer 1), RFC 5758 (ecdsa-with-SHA2),
BSI TR-03111 5.2.1 (ecdsa-plain-SHA*, r||s signatures), ICAO Doc 9303-12 (algorithms allowed
for CSCA, DS and master-list signatures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asn1crypto import algos, core

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.sod import (
    DIGEST_NAMES,
    DIGEST_OIDS,
    DIGEST_SIZES,
    SIGNATURE_OIDS,
    AlgorithmId,
    SignatureAlgorithm,
    hash_algorithm,
)

__all__ = [
    "DIGEST_NAMES",
    "DIGEST_OIDS",
    "DIGEST_SIZES",
    "SIGNATURE_OIDS",
    "AlgorithmId",
    "AlgorithmSpec",
    "SignatureAlgorithm",
    "hash_algorithm",
    "signature_algorithm_from_asn1",
    "signature_algorithm_from_der",
]

MAX_ALGORITHM_ID_BYTES = 1024
OID_MGF1 = "1.2.840.113549.1.1.8"


@dataclass(frozen=True, slots=True)
class AlgorithmSpec:
    """A signature scheme stated directly: ``scheme`` is "rsa-pkcs1v15", "rsa-pss", "ecdsa"
    (DER Ecdsa-Sig-Value) or "ecdsa-plain" (r||s); ``hash_algorithm`` "sha1" ... "sha512".
    For RSA-PSS the MGF1 hash defaults to ``hash_algorithm`` and the salt to the hash length."""

    scheme: str
    hash_algorithm: str | None = None
    pss_mgf_hash_algorithm: str | None = None
    pss_salt_length: int | None = None


def signature_algorithm_from_der(
    alg_id_der: bytes, what: str = "signature algorithm"
) -> SignatureAlgorithm:
    """Decode a DER AlgorithmIdentifier (e.g. a certificate's signatureAlgorithm).

    Unknown OIDs give ``scheme="unknown"`` (the verifier then reports unsupported_algorithm);
    malformed bytes or PSS parameters raise :class:`ParseError` naming ``what``.
    """
    alg_id_der = bytes(alg_id_der)
    if len(alg_id_der) > MAX_ALGORITHM_ID_BYTES:
        raise LimitExceededError(f"{what}: {len(alg_id_der)} bytes, above the cap")
    cached = _DECODED.get(alg_id_der)
    if cached is not None:
        return cached
    try:
        value = algos.SignedDigestAlgorithm.load(alg_id_der, strict=True)
        decoded = signature_algorithm_from_asn1(value, what)
    except ParseError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(f"{what}: malformed AlgorithmIdentifier ({exc})") from exc
    if len(_DECODED) < 256:  # a few dozen distinct identifiers exist in practice
        _DECODED[alg_id_der] = decoded
    return decoded


_DECODED: dict[bytes, SignatureAlgorithm] = {}


def signature_algorithm_from_asn1(
    value: Any, what: str = "signature algorithm"
) -> SignatureAlgorithm:
    """Decode an asn1crypto AlgorithmIdentifier value (any class with algorithm/parameters)."""
    try:
        oid = value["algorithm"].dotted
        params = value["parameters"]
        params_der = None if isinstance(params, core.Void) else bytes(params.dump())
    except Exception as exc:
        raise ParseError(f"{what}: malformed AlgorithmIdentifier ({exc})") from exc
    name, scheme, hash_name = SIGNATURE_OIDS.get(oid, (oid, "unknown", None))
    if scheme != "rsa-pss":
        return SignatureAlgorithm(oid, name, scheme, hash_name, params_der)
    pss_hash, mgf_hash, salt, trailer = _pss_parameters(params_der, what)
    return SignatureAlgorithm(
        oid,
        name,
        scheme,
        None,
        params_der,
        pss_hash_algorithm=pss_hash,
        pss_mgf_hash_algorithm=mgf_hash,
        pss_salt_length=salt,
        pss_trailer_field=trailer,
    )


def _pss_parameters(params_der: bytes | None, what: str) -> tuple[str, str, int, int]:
    """RFC 4055 3.1 RSASSA-PSS-params; every field has a DEFAULT (SHA-1, MGF1-SHA-1, 20, 1)."""
    if params_der is None or params_der == b"\x05\x00":
        return "sha1", "sha1", 20, 1
    try:
        p = algos.RSASSAPSSParams.load(params_der, strict=True)
        h = p["hash_algorithm"]["algorithm"].dotted
        mgf = p["mask_gen_algorithm"]
        mgf_oid = mgf["algorithm"].dotted
        mh = mgf["parameters"]["algorithm"].dotted if mgf_oid == OID_MGF1 else ""
        salt = int(p["salt_length"])
        trailer = int(p["trailer_field"])
    except Exception as exc:
        raise ParseError(f"{what}: malformed RSASSA-PSS parameters ({exc})") from exc
    if mgf_oid != OID_MGF1:
        raise ParseError(f"{what}: RSASSA-PSS mask generation {mgf_oid}, expected MGF1")
    if not 0 <= salt <= 1024:
        raise ParseError(f"{what}: RSASSA-PSS salt length {salt}")
    return DIGEST_OIDS.get(h, h), DIGEST_OIDS.get(mh, mh), salt, trailer
