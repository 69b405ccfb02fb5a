"""ICAO CSCA master lists: parse, and verify the list's own signature and signer chain.

ICAO Doc 9303-12 ("CSCA Master List structure") and the ICAO PKD: a master list is a CMS
SignedData (RFC 5652) with ``eContentType id-icao-cscaMasterList`` (2.23.136.1.1.2) and::

    CscaMasterList ::= SEQUENCE { version CscaMasterListVersion (v0),
                                  certList SET OF Certificate }

The SignedData's ``certificates`` carry the Master List Signer certificate (issued by the
publishing state's CSCA) and often that CSCA too. The list proves nothing until
:func:`verify_master_list` has checked, against a CSCA certificate the operator obtained out of
band (e.g. Germany's ``DE_ROOT_CA_CSCA07.cer``):

1. the signed attributes: contentType is id-icao-cscaMasterList and messageDigest is the
   digest of the eContent (RFC 5652 5.4, 11.1, 11.2);
2. the SignerInfo's signature over the DER signed attributes, with the signer certificate named
   by the SignerInfo's sid, algorithm read from the SignerInfo;
3. the signer certificate is signed by the anchor, directly or through at most two certificates
   embedded in the SignedData (a CSCA link certificate), each of which must verify;
4. the signer certificate was valid when the list was signed (signingTime; else now).

A certificate in the list that cannot be parsed is skipped and reported, never fatal: one state's
quirk must not lose the other 587.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from asn1crypto import core
from cryptography.hazmat.primitives import hashes

from cardreader.errors import (
    BadSignatureError,
    CardReaderError,
    LimitExceededError,
    ParseError,
    UnsupportedAlgorithmError,
)
from cardreader.lds.sod import CmsContentInfo
from cardreader.verify.algorithms import (
    DIGEST_OIDS,
    SignatureAlgorithm,
    hash_algorithm,
    signature_algorithm_from_asn1,
)
from cardreader.verify.certificates import Certificate, parse_certificate
from cardreader.verify.signatures import verify_signature

OID_CSCA_MASTER_LIST = "2.23.136.1.1.2"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"

MAX_MASTER_LIST_BYTES = 32 * 1024 * 1024  # the German list is 0.9 MB
MAX_LIST_CERTIFICATES = 10_000
MAX_EMBEDDED_CERTIFICATES = 16
MAX_CHAIN_INTERMEDIATES = 2


class MasterListError(CardReaderError):
    """The master list's signature or signer chain does not check out."""

    code = "untrusted_issuer"


@dataclass(frozen=True, slots=True)
class SkippedCertificate:
    index: int
    message: str


@dataclass(frozen=True, eq=False)
class MasterList:
    """A parsed (not yet verified) master list."""

    raw: bytes = field(repr=False)
    version: int
    certificates: tuple[Certificate, ...] = field(repr=False)
    skipped: tuple[SkippedCertificate, ...]
    embedded: tuple[Certificate, ...] = field(repr=False)
    signer_sid_ski: bytes | None
    signer_sid_issuer_der: bytes | None = field(repr=False)
    signer_sid_serial: int | None
    digest_algorithm: str
    signed_attrs_der: bytes = field(repr=False)
    content_type: str | None
    message_digest: bytes | None = field(repr=False)
    signing_time: _dt.datetime | None
    signature_algorithm: SignatureAlgorithm
    signature: bytes = field(repr=False)
    econtent: bytes = field(repr=False)

    @property
    def fingerprint(self) -> bytes:
        return hashlib.sha256(self.raw).digest()

    def signer(self) -> Certificate:
        """The embedded certificate the SignerInfo names."""
        for cert in self.embedded:
            if self.signer_sid_ski is not None:
                if cert.subject_key_identifier == self.signer_sid_ski:
                    return cert
            elif (
                cert.serial_number == self.signer_sid_serial
                and cert.issuer_der == self.signer_sid_issuer_der
            ):
                return cert
        raise MasterListError("master list: the signer certificate is not in the SignedData")


@dataclass(frozen=True, slots=True)
class MasterListVerification:
    signer: Certificate
    anchor: Certificate
    path: tuple[Certificate, ...]  # signer, intermediates..., anchor
    signing_time: _dt.datetime | None


# --- ASN.1 schemas -------------------------------------------------------------------------


class _AnySet(core.SetOf):  # type: ignore[misc]
    _child_spec: ClassVar[type[core.Asn1Value]] = core.Any


class _CscaMasterList(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("cert_list", _AnySet),
    ]


# --- parsing -------------------------------------------------------------------------------


def is_master_list(data: bytes) -> bool:
    """Cheap sniff: a DER ContentInfo whose first bytes hold signedData and, within the first
    few hundred bytes, the id-icao-cscaMasterList OID."""
    head = bytes(data[:512])
    return (
        head[:1] == b"\x30"
        and bytes.fromhex("06092a864886f70d010702") in head
        and bytes.fromhex("0606678108010102") in head
    )


def parse_master_list(data: bytes, what: str = "master list") -> MasterList:
    """Parse an ICAO master list (.ml, DER CMS). Raises ParseError / LimitExceededError."""
    data = bytes(data)
    if len(data) > MAX_MASTER_LIST_BYTES:
        raise LimitExceededError(
            f"{what}: {len(data)} bytes, above the cap of {MAX_MASTER_LIST_BYTES}"
        )
    try:
        return _parse(data, what)
    except CardReaderError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(f"{what}: malformed CMS ({type(exc).__name__}: {exc})") from exc


def _parse(data: bytes, what: str) -> MasterList:
    ci = CmsContentInfo.load(data, strict=True)
    if ci["content_type"].dotted != OID_SIGNED_DATA:
        raise ParseError(f"{what}: ContentInfo is {ci['content_type'].dotted}, not signedData")
    sd = ci["content"]
    eci = sd["encap_content_info"]
    if eci["content_type"].dotted != OID_CSCA_MASTER_LIST:
        raise ParseError(
            f"{what}: eContentType {eci['content_type'].dotted}, expected "
            f"id-icao-cscaMasterList {OID_CSCA_MASTER_LIST}"
        )
    if isinstance(eci["content"], core.Void):
        raise ParseError(f"{what}: no eContent")
    econtent = bytes(eci["content"].contents)
    version, certs, skipped = _parse_content(econtent, what)

    embedded: list[Certificate] = []
    cert_set = sd["certificates"]
    if not isinstance(cert_set, core.Void):
        if len(cert_set) > MAX_EMBEDDED_CERTIFICATES:
            raise LimitExceededError(f"{what}: {len(cert_set)} embedded certificates")
        for i, choice in enumerate(cert_set):
            if choice.name == "certificate":
                embedded.append(
                    parse_certificate(choice.chosen.dump(), f"{what} embedded certificate {i + 1}")
                )

    infos = sd["signer_infos"]
    if len(infos) != 1:
        raise ParseError(f"{what}: {len(infos)} SignerInfos, expected exactly one")
    si = infos[0]
    sid = si["sid"]
    ski = issuer_der = serial = None
    if sid.name == "subject_key_identifier":
        ski = bytes(sid.chosen.native)
    else:
        issuer_der = bytes(sid.chosen["issuer"].dump())
        serial = int(sid.chosen["serial_number"].native)
    digest_oid = si["digest_algorithm"]["algorithm"].dotted
    attrs = si["signed_attrs"]
    if isinstance(attrs, core.Void):
        raise ParseError(f"{what}: SignerInfo has no signed attributes")
    original = bytes(attrs.dump())
    if len(original) < 2 or original[0] != 0xA0 or original[1] == 0x80:
        raise ParseError(f"{what}: signed attributes are not a definite-length [0] field")
    signed_attrs_der = b"\x31" + original[1:]  # RFC 5652 5.4: the SET OF tag is signed

    content_type = message_digest = signing_time = None
    for attr in attrs:
        oid = attr["type"].dotted
        values = attr["values"]
        if oid in (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME) and len(values) != 1:
            raise ParseError(f"{what}: signed attribute {oid} has {len(values)} values")
        if oid == OID_CONTENT_TYPE:
            content_type = values[0].dotted
        elif oid == OID_MESSAGE_DIGEST:
            message_digest = bytes(values[0].native)
        elif oid == OID_SIGNING_TIME:
            when = values[0].native
            if isinstance(when, _dt.datetime):
                signing_time = when.astimezone(_dt.UTC)

    return MasterList(
        raw=data,
        version=version,
        certificates=tuple(certs),
        skipped=tuple(skipped),
        embedded=tuple(embedded),
        signer_sid_ski=ski,
        signer_sid_issuer_der=issuer_der,
        signer_sid_serial=serial,
        digest_algorithm=DIGEST_OIDS.get(digest_oid, digest_oid),
        signed_attrs_der=signed_attrs_der,
        content_type=content_type,
        message_digest=message_digest,
        signing_time=signing_time,
        signature_algorithm=signature_algorithm_from_asn1(
            si["signature_algorithm"], f"{what} signature algorithm"
        ),
        signature=bytes(si["signature"].native),
        econtent=econtent,
    )


def _parse_content(
    econtent: bytes, what: str
) -> tuple[int, list[Certificate], list[SkippedCertificate]]:
    ml = _CscaMasterList.load(econtent, strict=True)
    version = int(ml["version"].native)
    if version != 0:
        raise ParseError(f"{what}: CscaMasterList version {version}, expected v0")
    cert_list = ml["cert_list"]
    if len(cert_list) > MAX_LIST_CERTIFICATES:
        raise LimitExceededError(f"{what}: {len(cert_list)} certificates, above the cap")
    certs: list[Certificate] = []
    skipped: list[SkippedCertificate] = []
    seen: set[bytes] = set()
    for i, item in enumerate(cert_list):
        try:
            cert = parse_certificate(item.dump(), f"{what} certificate {i + 1}")
        except ParseError as exc:
            skipped.append(SkippedCertificate(i + 1, exc.message))
            continue
        if cert.fingerprint not in seen:
            seen.add(cert.fingerprint)
            certs.append(cert)
    return version, certs, skipped


# --- verification --------------------------------------------------------------------------


def check_integrity(ml: MasterList) -> Certificate:
    """Steps 1 and 2: the list is exactly what its embedded signer signed. Returns the signer
    certificate (NOT yet chained to anything). Raises BadSignatureError, MasterListError or
    UnsupportedAlgorithmError."""
    if ml.content_type != OID_CSCA_MASTER_LIST:
        raise MasterListError(
            f"master list: signed contentType {ml.content_type}, not id-icao-cscaMasterList",
            code="malformed",
        )
    if ml.message_digest is None:
        raise MasterListError("master list: signed attributes lack messageDigest", code="malformed")
    try:
        h = hashes.Hash(hash_algorithm(ml.digest_algorithm))
    except ValueError as exc:
        raise UnsupportedAlgorithmError(
            f"master list: digest algorithm {ml.digest_algorithm} is not supported"
        ) from exc
    h.update(ml.econtent)
    if not hmac.compare_digest(h.finalize(), ml.message_digest):
        raise BadSignatureError(
            "master list: the certificate list does not match its signed digest (altered)"
        )
    signer = ml.signer()
    try:
        verify_signature(
            signer.public_key_info,
            ml.signature,
            ml.signed_attrs_der,
            ml.signature_algorithm,
            default_hash=ml.digest_algorithm,
        )
    except BadSignatureError as exc:
        raise BadSignatureError(f"master list: {exc.message}") from exc
    return signer


def verify_master_list(
    ml: MasterList, anchors: Sequence[Certificate], *, at: _dt.datetime | None = None
) -> MasterListVerification:
    """Check the list's CMS signature and its signer's chain to one of ``anchors``.
    Raises :class:`MasterListError` (code untrusted_issuer), BadSignatureError or
    UnsupportedAlgorithmError saying what failed."""
    signer = check_integrity(ml)
    when = ml.signing_time or (at or _dt.datetime.now(_dt.UTC))
    if not signer.valid_at(when):
        raise MasterListError(
            f"master list: signer certificate {signer.subject} was not valid at "
            f"{when:%Y-%m-%d} (valid {signer.not_before:%Y-%m-%d} to {signer.not_after:%Y-%m-%d})",
            code="expired",
        )
    path = _chain(signer, list(anchors), [c for c in ml.embedded if c != signer])
    if path is None:
        names = "; ".join(a.subject for a in anchors) or "none given"
        raise MasterListError(
            f"master list: signer {signer.subject} (issuer {signer.issuer}) does not chain to "
            f"the given anchor ({names})"
        )
    return MasterListVerification(signer, path[-1], tuple(path), ml.signing_time)


def _chain(
    cert: Certificate, anchors: list[Certificate], pool: list[Certificate], depth: int = 0
) -> list[Certificate] | None:
    """A path cert -> (pool certs)* -> anchor where every signature verifies."""
    for anchor in anchors:
        if _issued(cert, anchor):
            return [cert, anchor]
    if depth >= MAX_CHAIN_INTERMEDIATES:
        return None
    for candidate in pool:
        if candidate == cert or not _issued(cert, candidate):
            continue
        rest = _chain(candidate, anchors, [c for c in pool if c != candidate], depth + 1)
        if rest is not None:
            return [cert, *rest]
    return None


def _issued(cert: Certificate, issuer: Certificate) -> bool:
    aki, ski = cert.authority_key_identifier, issuer.subject_key_identifier
    if aki is not None and ski is not None and aki != ski:
        return False
    if (aki is None or ski is None) and cert.issuer_der != issuer.subject_der:
        return False
    try:
        cert.verify_issued_by(issuer)
    except CardReaderError:
        return False
    return True
