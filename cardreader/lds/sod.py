"""EF.SOD, the Document Security Object: parse and (for tests and the demo card) build.

Structure (ICAO Doc 9303-10, 4.6.2 and Appendix D; 9303-12; RFC 5652 CMS)::

    EF.SOD = 77 L { ContentInfo }
    ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
    SignedData ::= SEQUENCE { version (v3), digestAlgorithms SET OF AlgorithmIdentifier,
        encapContentInfo SEQUENCE { eContentType id-icao-mrtd-security-ldsSecurityObject
                                    (2.23.136.1.1.1), eContent [0] EXPLICIT OCTET STRING },
        certificates [0] IMPLICIT CertificateSet OPTIONAL,  -- usually the Document Signer
        crls [1] IMPLICIT OPTIONAL, signerInfos SET OF SignerInfo }
    LDSSecurityObject ::= SEQUENCE { version INTEGER (v0 | v1),
        hashAlgorithm AlgorithmIdentifier,
        dataGroupHashValues SEQUENCE SIZE (2..16) OF SEQUENCE {
            dataGroupNumber INTEGER (1..16), dataGroupHashValue OCTET STRING },
        ldsVersionInfo SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString }
            OPTIONAL  -- present iff version is v1 }

The signature in SignerInfo covers the DER of the signed attributes with the SET OF tag (0x31)
instead of the implicit [0] tag found in the structure (RFC 5652, 5.4). :func:`parse_sod` keeps
the original bytes and swaps only that tag byte, so verification hashes exactly what was signed.

:func:`parse_sod` only parses: comparing hashes, checking the signature and the certificate chain
is passive authentication's job. The :class:`Sod` value carries everything it needs.
:func:`build_sod` produces a real, signed SOD from data groups and a test document signer
(:mod:`cardreader.emulator.issuer`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds import tlv

if TYPE_CHECKING:
    from cardreader.emulator.issuer import DocumentSigner

SOD_TAG = 0x77
MAX_SOD_BYTES = 64 * 1024  # real SODs are 1.5-5 KB (one DS certificate inside)
MAX_DATA_GROUPS = 16  # ub-DataGroups, ICAO 9303-10 4.6.2.3
MAX_CERTIFICATES = 8
MAX_SIGNER_INFOS = 4
MAX_HASH_BYTES = 64  # SHA-512

OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"  # id-icao-mrtd-security-ldsSecurityObject
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"

# Digest algorithms (NIST CSOR; RFC 3279 for SHA-1).
DIGEST_OIDS: dict[str, str] = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
DIGEST_NAMES: dict[str, str] = {name: oid for oid, name in DIGEST_OIDS.items()}
DIGEST_SIZES: dict[str, int] = {
    "sha1": 20,
    "sha224": 28,
    "sha256": 32,
    "sha384": 48,
    "sha512": 64,
}

# Signature algorithms seen in eMRTD SODs: (name, scheme, hash or None when the hash comes
# from SignerInfo.digestAlgorithm). RFC 3279/4055/5758, BSI TR-03111 (ecdsa-plain-*).
SIGNATURE_OIDS: dict[str, tuple[str, str, str | None]] = {
    "1.2.840.113549.1.1.1": ("rsa", "rsa-pkcs1v15", None),
    "1.2.840.113549.1.1.5": ("sha1-rsa", "rsa-pkcs1v15", "sha1"),
    "1.2.840.113549.1.1.14": ("sha224-rsa", "rsa-pkcs1v15", "sha224"),
    "1.2.840.113549.1.1.11": ("sha256-rsa", "rsa-pkcs1v15", "sha256"),
    "1.2.840.113549.1.1.12": ("sha384-rsa", "rsa-pkcs1v15", "sha384"),
    "1.2.840.113549.1.1.13": ("sha512-rsa", "rsa-pkcs1v15", "sha512"),
    "1.2.840.113549.1.1.10": ("rsassa-pss", "rsa-pss", None),
    "1.2.840.10045.2.1": ("ecdsa", "ecdsa", None),  # id-ecPublicKey, misused by some issuers
    "1.2.840.10045.4.1": ("sha1-ecdsa", "ecdsa", "sha1"),
    "1.2.840.10045.4.3.1": ("sha224-ecdsa", "ecdsa", "sha224"),
    "1.2.840.10045.4.3.2": ("sha256-ecdsa", "ecdsa", "sha256"),
    "1.2.840.10045.4.3.3": ("sha384-ecdsa", "ecdsa", "sha384"),
    "1.2.840.10045.4.3.4": ("sha512-ecdsa", "ecdsa", "sha512"),
    "0.4.0.127.0.7.1.1.4.1.1": ("sha1-ecdsa-plain", "ecdsa-plain", "sha1"),
    "0.4.0.127.0.7.1.1.4.1.2": ("sha224-ecdsa-plain", "ecdsa-plain", "sha224"),
    "0.4.0.127.0.7.1.1.4.1.3": ("sha256-ecdsa-plain", "ecdsa-plain", "sha256"),
    "0.4.0.127.0.7.1.1.4.1.4": ("sha384-ecdsa-plain", "ecdsa-plain", "sha384"),
    "0.4.0.127.0.7.1.1.4.1.5": ("sha512-ecdsa-plain", "ecdsa-plain", "sha512"),
}


# --- value objects -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlgorithmId:
    """An AlgorithmIdentifier: dotted OID, a short name ("sha256"; the OID if unknown) and
    the raw DER of the parameters (None when absent)."""

    oid: str
    name: str
    parameters_der: bytes | None = None


@dataclass(frozen=True, slots=True)
class SignatureAlgorithm:
    """SignerInfo.signatureAlgorithm, decoded far enough to verify with.

    ``scheme`` is "rsa-pkcs1v15", "rsa-pss", "ecdsa" (DER Ecdsa-Sig-Value), "ecdsa-plain"
    (r||s, BSI TR-03111) or "unknown". ``hash_algorithm`` is None when the OID does not name
    a hash (rsaEncryption, id-ecPublicKey, RSASSA-PSS): then use :attr:`Sod.signer_digest_algorithm`
    or, for PSS, :attr:`pss_hash_algorithm`.
    """

    oid: str
    name: str
    scheme: str
    hash_algorithm: str | None
    parameters_der: bytes | None = None
    pss_hash_algorithm: str | None = None
    pss_mgf_hash_algorithm: str | None = None
    pss_salt_length: int | None = None
    pss_trailer_field: int | None = None


@dataclass(frozen=True, slots=True)
class SignerIdentifier:
    """SignerInfo.sid: issuer + serial number (SignerInfo v1) or subject key identifier (v3)."""

    issuer_der: bytes | None = None
    serial_number: int | None = None
    subject_key_identifier: bytes | None = None


@dataclass(frozen=True, slots=True)
class Sod:
    """A parsed EF.SOD. ``raw`` is the whole file as read (tag 77 included)."""

    raw: bytes = field(repr=False)
    signed_data_version: int
    econtent_type: str
    encapsulated_content: bytes = field(repr=False)
    lds_security_object_version: int
    digest_algorithm: AlgorithmId
    data_group_hashes: dict[int, bytes]
    lds_version: str | None
    unicode_version: str | None
    signer_count: int
    signer_version: int
    signer_id: SignerIdentifier
    signer_digest_algorithm: AlgorithmId
    signed_attrs_der: bytes = field(repr=False)
    signed_attr_content_type: str
    signed_attr_message_digest: bytes
    signing_time: _dt.datetime | None
    signature_algorithm: SignatureAlgorithm
    signature: bytes = field(repr=False)
    certificates: tuple[bytes, ...] = field(repr=False)

    @property
    def data_group_numbers(self) -> tuple[int, ...]:
        return tuple(sorted(self.data_group_hashes))

    @property
    def signature_hash_algorithm(self) -> str:
        """The hash the signature is computed with (from the signature OID, the PSS parameters
        or, failing those, SignerInfo.digestAlgorithm)."""
        alg = self.signature_algorithm
        return alg.hash_algorithm or alg.pss_hash_algorithm or self.signer_digest_algorithm.name


# --- ASN.1 schemas (only what asn1crypto does not define) -----------------------------------


class _DataGroupHash(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class _DataGroupHashValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec: ClassVar[type[core.Asn1Value]] = _DataGroupHash


class _LdsVersionInfo(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("lds_version", core.PrintableString),
        ("unicode_version", core.PrintableString),
    ]


class _LdsSecurityObject(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", _DataGroupHashValues),
        ("lds_version_info", _LdsVersionInfo, {"optional": True}),
    ]


class CmsSignedData(core.Sequence):  # type: ignore[misc]
    # asn1crypto's SignedData switches encapContentInfo to PKCS#7 ContentInfo for v1; ICAO
    # mandates the CMS form, so fix it here. Also used for CSCA master lists.
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("digest_algorithms", cms.DigestAlgorithms),
        ("encap_content_info", cms.EncapsulatedContentInfo),
        ("certificates", cms.CertificateSet, {"implicit": 0, "optional": True}),
        ("crls", cms.RevocationInfoChoices, {"implicit": 1, "optional": True}),
        ("signer_infos", cms.SignerInfos),
    ]


class CmsContentInfo(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("content_type", core.ObjectIdentifier),
        ("content", CmsSignedData, {"explicit": 0}),
    ]


# --- parsing -------------------------------------------------------------------------------


def parse_sod(raw: bytes) -> Sod:
    """Parse EF.SOD. Raises :class:`ParseError` (or LimitExceededError) naming what is wrong."""
    raw = bytes(raw)
    if len(raw) > MAX_SOD_BYTES:
        raise LimitExceededError(f"EF.SOD: {len(raw)} bytes, above the cap of {MAX_SOD_BYTES}")
    outer = tlv.parse_single(raw, "EF.SOD")
    if outer.tag != SOD_TAG:
        raise ParseError(f"EF.SOD: tag {outer.tag:X}, expected 77")
    try:
        return _parse_content_info(raw, outer.value)
    except ParseError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(f"EF.SOD: malformed CMS structure ({type(exc).__name__}: {exc})") from exc


def _load(spec: type[core.Asn1Value], data: bytes, what: str) -> Any:
    try:
        value = spec.load(data, strict=True)
    except ValueError as exc:
        raise ParseError(f"EF.SOD: {what} is not valid DER ({exc})") from exc
    return value


def _parse_content_info(raw: bytes, body: bytes) -> Sod:
    ci = _load(CmsContentInfo, body, "ContentInfo")
    if ci["content_type"].dotted != OID_SIGNED_DATA:
        raise ParseError(
            f"EF.SOD: ContentInfo type {ci['content_type'].dotted}, expected signedData"
        )
    sd = ci["content"]
    sd_version = int(sd["version"])

    eci = sd["encap_content_info"]
    econtent_type = eci["content_type"].dotted
    if econtent_type != OID_LDS_SECURITY_OBJECT:
        raise ParseError(
            f"EF.SOD: eContentType {econtent_type}, expected ldsSecurityObject "
            f"{OID_LDS_SECURITY_OBJECT}"
        )
    if isinstance(eci["content"], core.Void):
        raise ParseError("EF.SOD: encapContentInfo has no eContent (detached SOD)")
    econtent = bytes(eci["content"].contents)
    lso = _parse_lds_security_object(econtent)

    certificates = _parse_certificates(sd["certificates"])

    signer_infos = sd["signer_infos"]
    count = len(signer_infos)
    if count == 0:
        raise ParseError("EF.SOD: SignedData has no SignerInfo")
    if count > MAX_SIGNER_INFOS:
        raise LimitExceededError(
            f"EF.SOD: {count} SignerInfos, above the cap of {MAX_SIGNER_INFOS}"
        )
    signer = _parse_signer_info(signer_infos[0])

    return Sod(
        raw=raw,
        signed_data_version=sd_version,
        econtent_type=econtent_type,
        encapsulated_content=econtent,
        lds_security_object_version=lso[0],
        digest_algorithm=lso[1],
        data_group_hashes=lso[2],
        lds_version=lso[3],
        unicode_version=lso[4],
        signer_count=count,
        certificates=certificates,
        **signer,
    )


def _algorithm_id(value: Any, names: Mapping[str, str]) -> AlgorithmId:
    oid = value["algorithm"].dotted
    params = value["parameters"]
    params_der = None if isinstance(params, core.Void) else bytes(params.dump())
    return AlgorithmId(oid=oid, name=names.get(oid, oid), parameters_der=params_der)


def _parse_lds_security_object(
    econtent: bytes,
) -> tuple[int, AlgorithmId, dict[int, bytes], str | None, str | None]:
    lso = _load(_LdsSecurityObject, econtent, "LDSSecurityObject")
    version = int(lso["version"])
    if version not in (0, 1):
        raise ParseError(f"EF.SOD: LDSSecurityObject version {version}, expected 0 or 1")
    digest = _algorithm_id(lso["hash_algorithm"], DIGEST_OIDS)

    values = lso["data_group_hash_values"]
    if len(values) > MAX_DATA_GROUPS:
        raise LimitExceededError(
            f"EF.SOD: {len(values)} data group hashes, above the cap of {MAX_DATA_GROUPS}"
        )
    if len(values) == 0:
        raise ParseError("EF.SOD: LDSSecurityObject lists no data group hashes")
    hashes: dict[int, bytes] = {}
    for item in values:
        number = int(item["data_group_number"].native)
        if not 1 <= number <= MAX_DATA_GROUPS:
            raise ParseError(f"EF.SOD: data group number {number} outside 1..{MAX_DATA_GROUPS}")
        if number in hashes:
            raise ParseError(f"EF.SOD: data group {number} hashed twice")
        value = bytes(item["data_group_hash_value"].native)
        if not value or len(value) > MAX_HASH_BYTES:
            raise ParseError(f"EF.SOD: DG{number} hash of {len(value)} bytes")
        hashes[number] = value

    lds_version: str | None = None
    unicode_version: str | None = None
    info = lso["lds_version_info"]
    if not isinstance(info, core.Void):
        lds_version = str(info["lds_version"].native)
        unicode_version = str(info["unicode_version"].native)
    return version, digest, hashes, lds_version, unicode_version


def _parse_certificates(cert_set: Any) -> tuple[bytes, ...]:
    if isinstance(cert_set, core.Void):
        return ()
    if len(cert_set) > MAX_CERTIFICATES:
        raise LimitExceededError(
            f"EF.SOD: {len(cert_set)} certificates, above the cap of {MAX_CERTIFICATES}"
        )
    out: list[bytes] = []
    for choice in cert_set:
        if choice.name != "certificate":
            continue  # attribute/other certificate formats play no part in eMRTD PKI
        der = bytes(choice.chosen.dump())
        # Structure only (SEQUENCE { tbsCertificate, signatureAlgorithm, BIT STRING }): the
        # verifier loads the certificate with pyca/cryptography and reports its own errors, so
        # a semantic quirk in a real DS certificate must not make the whole SOD unreadable.
        cert = tlv.parse_single(der, "EF.SOD embedded certificate")
        parts = cert.children()
        if cert.tag != 0x30 or [p.tag for p in parts] != [0x30, 0x30, 0x03]:
            raise ParseError("EF.SOD: an embedded certificate is not a Certificate structure")
        out.append(der)
    return tuple(out)


def _parse_signer_info(si: Any) -> dict[str, Any]:
    version = int(si["version"])
    sid = si["sid"]
    if sid.name == "issuer_and_serial_number":
        signer_id = SignerIdentifier(
            issuer_der=bytes(sid.chosen["issuer"].dump()),
            serial_number=int(sid.chosen["serial_number"].native),
        )
    else:
        signer_id = SignerIdentifier(subject_key_identifier=bytes(sid.chosen.native))

    signer_digest = _algorithm_id(si["digest_algorithm"], DIGEST_OIDS)

    attrs = si["signed_attrs"]
    if isinstance(attrs, core.Void):
        # ICAO 9303-10 4.6.2.2: signedAttrs are mandatory (contentType + messageDigest).
        raise ParseError("EF.SOD: SignerInfo has no signed attributes")
    original = bytes(attrs.dump())
    if len(original) < 2 or original[0] != 0xA0 or original[1] == 0x80:
        raise ParseError("EF.SOD: signed attributes are not a definite-length [0] field")
    signed_attrs_der = b"\x31" + original[1:]  # RFC 5652 5.4: SET OF tag, nothing else changes

    content_type: str | None = None
    message_digest: bytes | None = None
    signing_time: _dt.datetime | None = None
    seen: set[str] = set()
    for attr in attrs:
        oid = attr["type"].dotted
        if oid in seen and oid in (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME):
            raise ParseError(f"EF.SOD: signed attribute {oid} appears twice")
        seen.add(oid)
        values = attr["values"]
        if oid in (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME) and len(values) != 1:
            raise ParseError(f"EF.SOD: signed attribute {oid} has {len(values)} values, expected 1")
        if oid == OID_CONTENT_TYPE:
            content_type = values[0].dotted
        elif oid == OID_MESSAGE_DIGEST:
            message_digest = bytes(values[0].native)
        elif oid == OID_SIGNING_TIME:
            when = values[0].native
            if not isinstance(when, _dt.datetime):
                raise ParseError("EF.SOD: signingTime is not a time")
            signing_time = when
    if content_type is None:
        raise ParseError("EF.SOD: signed attributes lack contentType")
    if message_digest is None:
        raise ParseError("EF.SOD: signed attributes lack messageDigest")

    sig_alg = _signature_algorithm(si["signature_algorithm"])
    signature = bytes(si["signature"].native)
    if not signature:
        raise ParseError("EF.SOD: empty signature")

    return {
        "signer_version": version,
        "signer_id": signer_id,
        "signer_digest_algorithm": signer_digest,
        "signed_attrs_der": signed_attrs_der,
        "signed_attr_content_type": content_type,
        "signed_attr_message_digest": message_digest,
        "signing_time": signing_time,
        "signature_algorithm": sig_alg,
        "signature": signature,
    }


def _signature_algorithm(value: Any) -> SignatureAlgorithm:
    # One decoder for SignerInfo and X.509 signature algorithms (RSASSA-PSS parameters
    # included); imported here because cardreader.verify.algorithms builds on this module.
    from cardreader.verify.algorithms import signature_algorithm_from_asn1

    return signature_algorithm_from_asn1(value, "EF.SOD: signature algorithm")


# --- building ------------------------------------------------------------------------------


def build_sod(
    dg_raw: Mapping[int, bytes],
    *,
    signer: DocumentSigner,
    digest: str = "sha256",
    signature_digest: str | None = None,
    signing_time: _dt.datetime | None = None,
    signer_id: str = "issuer_serial",
    lds_version: tuple[str, str] | None = None,
    include_certificate: bool = True,
) -> bytes:
    """Build a signed EF.SOD (tag 77) over the raw bytes of each data group.

    ``digest`` hashes the data groups and the eContent; ``signature_digest`` (default: the
    same) is the hash inside the signature. ``signer_id`` is "issuer_serial" (SignerInfo v1)
    or "ski" (v3, subjectKeyIdentifier). ``lds_version`` (e.g. ("0108", "040000")) makes an
    LDSSecurityObject v1 with ldsVersionInfo. The signature scheme follows the signer's key
    type: ECDSA, RSA PKCS#1 v1.5 or RSASSA-PSS (salt = hash length, MGF1 with the same hash).
    """
    if digest not in DIGEST_NAMES:
        raise ValueError(f"unsupported digest {digest!r}")
    sig_digest = signature_digest or digest
    if sig_digest not in DIGEST_NAMES:
        raise ValueError(f"unsupported signature digest {sig_digest!r}")
    if not dg_raw or len(dg_raw) > MAX_DATA_GROUPS:
        raise ValueError(f"need 1..{MAX_DATA_GROUPS} data groups, got {len(dg_raw)}")
    if any(not 1 <= n <= MAX_DATA_GROUPS for n in dg_raw):
        raise ValueError("data group numbers must be 1..16")

    def hash_bytes(name: str, data: bytes) -> bytes:
        h = hashes.Hash(hash_algorithm(name))
        h.update(data)
        return h.finalize()

    digest_alg = algos.DigestAlgorithm({"algorithm": DIGEST_NAMES[digest]})
    lso_fields: dict[str, Any] = {
        "version": 1 if lds_version else 0,
        "hash_algorithm": digest_alg,
        "data_group_hash_values": [
            {"data_group_number": n, "data_group_hash_value": hash_bytes(digest, dg_raw[n])}
            for n in sorted(dg_raw)
        ],
    }
    if lds_version:
        lso_fields["lds_version_info"] = {
            "lds_version": lds_version[0],
            "unicode_version": lds_version[1],
        }
    econtent = _LdsSecurityObject(lso_fields).dump()

    attrs = [
        cms.CMSAttribute({"type": "content_type", "values": [OID_LDS_SECURITY_OBJECT]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hash_bytes(digest, econtent)]}),
    ]
    if signing_time is not None:
        # RFC 5652 11.3: UTCTime for 1950..2049, GeneralizedTime otherwise.
        kind = "utc_time" if 1950 <= signing_time.year < 2050 else "general_time"
        when = cms.Time(name=kind, value=signing_time.astimezone(_dt.UTC))
        attrs.append(cms.CMSAttribute({"type": "signing_time", "values": [when]}))
    # DER SET OF: elements sorted by their encodings (X.690 11.6).
    attr_ders = sorted(a.dump() for a in attrs)
    signed_attrs_der = b"\x31" + tlv.encode_length(sum(map(len, attr_ders))) + b"".join(attr_ders)
    signed_attrs = cms.CMSAttributes.load(signed_attrs_der)

    signature, sig_alg = _sign(signer, signed_attrs_der, sig_digest)

    cert = asn1_x509.Certificate.load(signer.certificate.public_bytes(serialization.Encoding.DER))
    if signer_id == "issuer_serial":
        sid = cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value={"issuer": cert.issuer, "serial_number": cert.serial_number},
        )
        si_version = "v1"
    elif signer_id == "ski":
        ski = signer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        sid = cms.SignerIdentifier(name="subject_key_identifier", value=ski.value.digest)
        si_version = "v3"
    else:
        raise ValueError(f"signer_id must be 'issuer_serial' or 'ski', not {signer_id!r}")

    signer_info = cms.SignerInfo(
        {
            "version": si_version,
            "sid": sid,
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": DIGEST_NAMES[sig_digest]}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": sig_alg,
            "signature": signature,
        }
    )
    sd_fields: dict[str, Any] = {
        "version": 3,  # RFC 5652 5.1: eContentType other than id-data
        "digest_algorithms": cms.DigestAlgorithms(
            [
                algos.DigestAlgorithm({"algorithm": DIGEST_NAMES[d]})
                for d in sorted({digest, sig_digest})
            ]
        ),
        "encap_content_info": cms.EncapsulatedContentInfo(
            {
                "content_type": OID_LDS_SECURITY_OBJECT,
                "content": core.ParsableOctetString(econtent),
            }
        ),
        "signer_infos": cms.SignerInfos([signer_info]),
    }
    if include_certificate:
        sd_fields["certificates"] = cms.CertificateSet(
            [cms.CertificateChoices(name="certificate", value=cert)]
        )
    sd = CmsSignedData(sd_fields)
    ci = CmsContentInfo({"content_type": OID_SIGNED_DATA, "content": sd})
    return tlv.encode(SOD_TAG, ci.dump())


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    """The pyca/cryptography hash for a digest name ("sha1" ... "sha512")."""
    factories: dict[str, Callable[[], hashes.HashAlgorithm]] = {
        "sha1": hashes.SHA1,
        "sha224": hashes.SHA224,
        "sha256": hashes.SHA256,
        "sha384": hashes.SHA384,
        "sha512": hashes.SHA512,
    }
    factory = factories.get(name)
    if factory is None:
        raise ValueError(f"unsupported digest {name!r}")
    return factory()


def _sign(
    signer: DocumentSigner, data: bytes, digest: str
) -> tuple[bytes, algos.SignedDigestAlgorithm]:
    """Sign ``data`` with the document signer's key; return the signature and its
    AlgorithmIdentifier (RFC 5758 ecdsa-with-SHAx, RFC 4055 shaXWithRSAEncryption / PSS)."""
    key = signer.private_key
    h = hash_algorithm(digest)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(data, ec.ECDSA(h))
        return sig, algos.SignedDigestAlgorithm({"algorithm": f"{digest}_ecdsa"})
    if isinstance(key, rsa.RSAPrivateKey):
        if signer.rsa_pss:
            sig = key.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
            params = algos.RSASSAPSSParams(
                {
                    "hash_algorithm": {"algorithm": digest},
                    "mask_gen_algorithm": {
                        "algorithm": "mgf1",
                        "parameters": {"algorithm": digest},
                    },
                    "salt_length": h.digest_size,
                    "trailer_field": "trailer_field_bc",
                }
            )
            alg = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": params})
            return sig, alg
        sig = key.sign(data, padding.PKCS1v15(), h)
        return sig, algos.SignedDigestAlgorithm({"algorithm": f"{digest}_rsa"})
    raise ValueError(f"unsupported document signer key {type(key).__name__}")
