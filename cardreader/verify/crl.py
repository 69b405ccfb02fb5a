"""Certificate revocation lists (RFC 5280 5; ICAO Doc 9303-12, CRL profile).

``CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }``;
``TBSCertList`` holds the issuer, thisUpdate, nextUpdate, the revoked serial numbers with their
revocation dates and extensions (AuthorityKeyIdentifier and CRLNumber are mandatory for ICAO).
A CSCA issues a CRL at least every 90 days and signs it with its own key; a CRL is only ever
believed after :meth:`Crl.verify_issued_by` succeeded with the CSCA certificate.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import core
from asn1crypto import crl as asn1_crl

from cardreader.errors import BadSignatureError, CardReaderError, LimitExceededError, ParseError
from cardreader.lds import tlv
from cardreader.verify.algorithms import SignatureAlgorithm, signature_algorithm_from_asn1
from cardreader.verify.certificates import (
    Certificate,
    is_pem,
    name_country,
    pem_blocks,
    rfc4514_string,
)
from cardreader.verify.signatures import verify_signature

MAX_CRL_BYTES = 1024 * 1024  # the TLV layer's cap too; CSCA CRLs are a few KB
MAX_REVOKED = 200_000

OID_CRL_NUMBER = "2.5.29.20"
OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"


@dataclass(frozen=True, eq=False)
class Crl:
    """A parsed CRL. ``revoked`` maps serial number -> revocation date (UTC)."""

    der: bytes = field(repr=False)
    issuer: str
    issuer_der: bytes = field(repr=False)
    country: str | None
    authority_key_identifier: bytes | None
    crl_number: int | None
    this_update: _dt.datetime
    next_update: _dt.datetime | None
    revoked: dict[int, _dt.datetime] = field(repr=False)
    signature_algorithm: SignatureAlgorithm
    signature: bytes = field(repr=False)
    tbs_der: bytes = field(repr=False)
    fingerprint: bytes = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Crl) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    def revocation_date(self, serial_number: int) -> _dt.datetime | None:
        return self.revoked.get(serial_number)

    def may_be_issued_by(self, issuer: Certificate) -> bool:
        """Issuer DN equal to the certificate's subject, or AKI equal to its SKI."""
        if self.authority_key_identifier is not None and issuer.subject_key_identifier is not None:
            return self.authority_key_identifier == issuer.subject_key_identifier
        return self.issuer_der == issuer.subject_der

    def verify_issued_by(self, issuer: Certificate) -> None:
        """Check the CRL's signature with the CSCA's key (BadSignatureError, ...); also
        refuse a CRL whose issuer is not that CSCA."""
        if not self.may_be_issued_by(issuer):
            raise BadSignatureError(f"CRL of {self.issuer} was not issued by {issuer.subject}")
        verify_signature(
            issuer.public_key_info, self.signature, self.tbs_der, self.signature_algorithm
        )


def parse_crl(data: bytes, what: str = "CRL") -> Crl:
    """Parse one CRL, DER or PEM (``X509 CRL``). Raises ParseError / LimitExceededError."""
    data = bytes(data)
    if is_pem(data):
        blocks = [der for label, der in pem_blocks(data, what) if label == "X509 CRL"]
        if len(blocks) != 1:
            raise ParseError(f"{what}: expected one X509 CRL PEM block, found {len(blocks)}")
        data = blocks[0]
    if len(data) > MAX_CRL_BYTES:
        raise LimitExceededError(f"{what}: {len(data)} bytes, above the cap of {MAX_CRL_BYTES}")
    outer = tlv.parse_single(data, what)
    parts = outer.children()
    if outer.tag != 0x30 or [p.tag for p in parts] != [0x30, 0x30, 0x03]:
        raise ParseError(f"{what}: not a CertificateList (SEQUENCE of tbs, algorithm, signature)")
    try:
        return _parse(data, parts[0].raw, what)
    except CardReaderError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(f"{what}: malformed ({type(exc).__name__}: {exc})") from exc


def _time(value: Any, what: str) -> _dt.datetime:
    when = value.native
    if not isinstance(when, _dt.datetime):
        raise ParseError(f"CRL: {what} is not a time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_dt.UTC)


def _parse(der: bytes, tbs_der: bytes, what: str) -> Crl:
    cl = asn1_crl.CertificateList.load(der, strict=True)
    tbs = cl["tbs_cert_list"]
    sig_alg = signature_algorithm_from_asn1(cl["signature_algorithm"], f"{what} signature")
    if tbs["signature"]["algorithm"].dotted != sig_alg.oid:
        raise ParseError(f"{what}: signatureAlgorithm differs from the signed one")
    raw_sig = bytes(cl["signature"].contents)
    if not raw_sig or raw_sig[0] != 0:
        raise ParseError(f"{what}: signature BIT STRING has unused bits")

    aki: bytes | None = None
    number: int | None = None
    exts = tbs["crl_extensions"]
    if not isinstance(exts, core.Void):
        for ext in exts:
            oid = ext["extn_id"].dotted
            if oid == OID_AUTHORITY_KEY_IDENTIFIER:
                kid = ext["extn_value"].parsed["key_identifier"].native
                aki = bytes(kid) if kid else None
            elif oid == OID_CRL_NUMBER:
                number = int(ext["extn_value"].parsed.native)

    revoked: dict[int, _dt.datetime] = {}
    entries = tbs["revoked_certificates"]
    if not isinstance(entries, core.Void):
        if len(entries) > MAX_REVOKED:
            raise LimitExceededError(f"{what}: {len(entries)} revoked entries, above the cap")
        for entry in entries:
            serial = int(entry["user_certificate"].native)
            revoked.setdefault(serial, _time(entry["revocation_date"], "revocationDate"))

    next_update = tbs["next_update"]
    issuer = tbs["issuer"]
    return Crl(
        der=der,
        issuer=rfc4514_string(issuer, what),
        issuer_der=bytes(issuer.dump()),
        country=name_country(issuer),
        authority_key_identifier=aki,
        crl_number=number,
        this_update=_time(tbs["this_update"], "thisUpdate"),
        next_update=None
        if isinstance(next_update, core.Void)
        else _time(next_update, "nextUpdate"),
        revoked=revoked,
        signature_algorithm=sig_alg,
        signature=raw_sig[1:],
        tbs_der=tbs_der,
        fingerprint=hashlib.sha256(der).digest(),
    )
