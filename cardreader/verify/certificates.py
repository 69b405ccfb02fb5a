"""X.509 certificates of the eMRTD PKI and the document signer -> CSCA chain check.

ICAO Doc 9303-12 (PKI for MRTDs): a Country Signing CA (CSCA, self-signed; new keys are
introduced by *link certificates*, the new CSCA key certified by the old one, same subject DN)
issues Document Signer (DS) certificates; the DS signs each chip's EF.SOD. Its "Certificate
and CRL profiles" give what is checked here: DS KeyUsage digitalSignature; CSCA KeyUsage
keyCertSign and BasicConstraints CA; AuthorityKeyIdentifier of a DS = SubjectKeyIdentifier of
its CSCA.

:func:`parse_certificate` reads a certificate with pyca/cryptography's x509 parser (fast,
Rust) and, for the 18 of the ~1000 real CSCA certificates in the German and Dutch master lists
it refuses (negative serial numbers, non-DER BasicConstraints, trailing bytes inside
structures), with a lenient asn1crypto path giving the same fields (the tests compare both
paths field by field on every real CSCA). Keys are loaded by :mod:`cardreader.verify.keys`
(explicit EC parameters), and every signature is checked by pyca/cryptography over the exact
bytes that were signed (:mod:`cardreader.verify.signatures`). Names are RFC 4514 strings as
pyca/cryptography's ``Name.rfc4514_string()`` writes them.

:func:`validate_document_signer` checks, at a given time ``at`` (normally now):

1. the DS certificate is valid at ``at`` (``expired``) and its KeyUsage allows digitalSignature
   (``malformed`` otherwise);
2. its issuer is in the trust source: found by AuthorityKeyIdentifier == SubjectKeyIdentifier,
   by issuer DN == subject DN only when the DS has no AKI or the CSCA no SKI
   (``untrusted_issuer`` when none);
3. the DS signature verifies with a candidate's key; every candidate is tried, link
   certificates included (``bad_signature`` when the key identifiers matched but no key
   verifies, ``untrusted_issuer`` when only the DN matched);
4. the CSCA is a CA with keyCertSign, is valid at ``at`` (the "shell model": ICAO 9303-12's
   key management sets a CSCA certificate's validity to cover every DS and document it signed,
   so a CSCA expired today means the document's chain has expired) and was valid when the DS
   was issued (DS notBefore inside the CSCA's validity) — ``expired`` / ``malformed``;
5. no CRL of that CSCA (signature verified with the CSCA key; CRLs that fail are ignored and
   noted) lists the DS serial number (``revoked``); a CRL past its nextUpdate is noted.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from cardreader.errors import CardReaderError, LimitExceededError, ParseError
from cardreader.lds import tlv
from cardreader.verify.algorithms import (
    SignatureAlgorithm,
    signature_algorithm_from_asn1,
    signature_algorithm_from_der,
)
from cardreader.verify.keys import LoadedPublicKey, load_public_key_info
from cardreader.verify.signatures import verify_signature

if TYPE_CHECKING:
    from cardreader.verify.crl import Crl

MAX_CERTIFICATE_BYTES = 16 * 1024  # real CSCA/DS certificates are 0.8-2.5 KB
MAX_NAME_ATTRIBUTES = 32
MAX_EXTENSIONS = 32

# Problem codes (the `cccd verify` error codes that a chain can produce).
UNTRUSTED_ISSUER = "untrusted_issuer"
EXPIRED = "expired"
REVOKED = "revoked"
BAD_SIGNATURE = "bad_signature"
MALFORMED = "malformed"
UNSUPPORTED_ALGORITHM = "unsupported_algorithm"

# RFC 4514 3 short names, as pyca/cryptography prints them.
_SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
OID_COUNTRY = "2.5.4.6"
OID_KEY_USAGE = "2.5.29.15"
OID_BASIC_CONSTRAINTS = "2.5.29.19"
OID_SUBJECT_KEY_IDENTIFIER = "2.5.29.14"
OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"


@dataclass(frozen=True, eq=False)
class Certificate:
    """One X.509 certificate, decoded. ``der`` is the certificate exactly as given.

    ``key_usage`` is None when the certificate has no KeyUsage extension, else the set of
    asn1crypto bit names ("digital_signature", "key_cert_sign", "crl_sign", ...); ``is_ca`` is
    None without BasicConstraints. Times are timezone-aware UTC. Equality is by DER bytes.
    """

    der: bytes = field(repr=False)
    version: int
    serial_number: int
    subject: str
    subject_der: bytes = field(repr=False)
    issuer: str
    issuer_der: bytes = field(repr=False)
    country: str | None
    not_before: _dt.datetime
    not_after: _dt.datetime
    subject_key_identifier: bytes | None
    authority_key_identifier: bytes | None
    key_usage: frozenset[str] | None
    is_ca: bool | None
    spki_der: bytes = field(repr=False)
    signature_algorithm: SignatureAlgorithm
    signature: bytes = field(repr=False)
    tbs_der: bytes = field(repr=False)
    fingerprint: bytes = field(repr=False)  # SHA-256 of der
    unknown_critical_extensions: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    @property
    def ski_hex(self) -> str | None:
        return self.subject_key_identifier.hex() if self.subject_key_identifier else None

    @property
    def is_self_issued(self) -> bool:
        """Subject DN == issuer DN (self-signed roots and, in ICAO PKI, link certificates)."""
        return self.subject_der == self.issuer_der

    @property
    def is_self_signed(self) -> bool:
        """Self-issued and, when both identifiers are present, AKI == SKI (a link certificate
        has the old key's identifier as AKI)."""
        if not self.is_self_issued:
            return False
        aki, ski = self.authority_key_identifier, self.subject_key_identifier
        return aki is None or ski is None or aki == ski

    def valid_at(self, at: _dt.datetime) -> bool:
        return self.not_before <= at <= self.not_after

    @cached_property
    def public_key_info(self) -> LoadedPublicKey:
        """The subject public key (explicit EC parameters handled); raises ParseError or
        UnsupportedAlgorithmError. Loaded once per certificate."""
        return load_public_key_info(self.spki_der)

    def verify_issued_by(self, issuer: Certificate) -> None:
        """Check this certificate's signature with ``issuer``'s key (BadSignatureError,
        UnsupportedAlgorithmError, ParseError)."""
        _verify_cached(
            issuer, self.fingerprint, self.signature, self.tbs_der, self.signature_algorithm
        )


# --- parsing -------------------------------------------------------------------------------


MAX_PEM_BLOCKS = 4096


def pem_blocks(data: bytes, what: str = "PEM file") -> list[tuple[str, bytes]]:
    """(label, DER) of every ``-----BEGIN label-----`` block in ``data`` (RFC 7468)."""
    from asn1crypto import pem

    out: list[tuple[str, bytes]] = []
    try:
        for label, _headers, der in pem.unarmor(bytes(data), multiple=True):
            out.append((str(label), bytes(der)))
            if len(out) > MAX_PEM_BLOCKS:
                raise LimitExceededError(f"{what}: more than {MAX_PEM_BLOCKS} PEM blocks")
    except CardReaderError:
        raise
    except Exception as exc:
        raise ParseError(f"{what}: malformed PEM ({exc})") from exc
    return out


def is_pem(data: bytes) -> bool:
    return bytes(data).lstrip()[:11] == b"-----BEGIN "


def load_certificates(data: bytes, what: str = "certificate file") -> list[Certificate]:
    """Every certificate in a DER file or a PEM file of one or more CERTIFICATE blocks."""
    if not is_pem(data):
        return [parse_certificate(data, what)]
    certs = [
        parse_certificate(der, f"{what} block {i + 1}")
        for i, (label, der) in enumerate(pem_blocks(data, what))
        if label in ("CERTIFICATE", "X509 CERTIFICATE")
    ]
    if not certs:
        raise ParseError(f"{what}: no CERTIFICATE block in the PEM file")
    return certs


# Parsed certificates are immutable values of their bytes: a kiosk sees the same few document
# signers on thousands of cards, so remember the last ones parsed.
_PARSED: OrderedDict[bytes, Certificate] = OrderedDict()
_PARSED_MAX = 512
_CACHE_LOCK = threading.Lock()  # the kiosk verifies on a worker thread; keep the LRUs sound


def parse_certificate(der: bytes, what: str = "certificate") -> Certificate:
    """Decode a DER X.509 certificate. Raises :class:`ParseError` (LimitExceededError for caps)
    naming ``what`` and the field that failed."""
    der = bytes(der)
    with _CACHE_LOCK:
        cached = _PARSED.get(der)
        if cached is not None:
            _PARSED.move_to_end(der)
            return cached
    cert = _parse_uncached(der, what)
    with _CACHE_LOCK:
        _PARSED[der] = cert
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return cert


def _parse_uncached(der: bytes, what: str) -> Certificate:
    if len(der) > MAX_CERTIFICATE_BYTES:
        raise LimitExceededError(
            f"{what}: {len(der)} bytes, above the cap of {MAX_CERTIFICATE_BYTES}"
        )
    outer = tlv.parse_single(der, what)
    parts = outer.children()
    if outer.tag != 0x30 or [p.tag for p in parts] != [0x30, 0x30, 0x03]:
        raise ParseError(f"{what}: not a Certificate (SEQUENCE of tbs, algorithm, signature)")
    fast = _parse_fast(der, parts, what)
    if fast is not None:
        return fast
    try:
        return _parse(der, parts[0].raw, what)
    except CardReaderError:
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(f"{what}: malformed ({type(exc).__name__}: {exc})") from exc


_PYCA_KEY_USAGE = (
    ("digital_signature", "digital_signature"),
    ("content_commitment", "non_repudiation"),
    ("key_encipherment", "key_encipherment"),
    ("data_encipherment", "data_encipherment"),
    ("key_agreement", "key_agreement"),
    ("key_cert_sign", "key_cert_sign"),
    ("crl_sign", "crl_sign"),
)


def _parse_fast(der: bytes, parts: list[tlv.Tlv], what: str) -> Certificate | None:
    """pyca/cryptography's Rust parser (~40x faster than asn1crypto) for the certificates it
    accepts; None sends the certificate to the lenient asn1crypto path (:func:`_parse`), which
    gives the same fields (tests compare both paths on every real CSCA)."""
    try:
        tbs_parts = parts[0].children()
        if tbs_parts and tbs_parts[0].tag == 0xA0:
            tbs_parts = tbs_parts[1:]
        if len(tbs_parts) < 6 or [t.tag for t in tbs_parts[:6]] != [
            2,
            0x30,
            0x30,
            0x30,
            0x30,
            0x30,
        ]:
            return None
        serial_raw = tbs_parts[0].value
        if not serial_raw or serial_raw[0] & 0x80 or not any(serial_raw):
            return None  # pyca warns about non-positive serial numbers: asn1crypto reads them
        inner_alg, issuer_tlv, subject_tlv, spki_tlv = (
            tbs_parts[1],
            tbs_parts[2],
            tbs_parts[4],
            tbs_parts[5],
        )
        ref = x509.load_der_x509_certificate(der)
        extensions = ref.extensions
        version = ref.version.value + 1
        subject = ref.subject.rfc4514_string()
        issuer = ref.issuer.rfc4514_string()
        not_before = ref.not_valid_before_utc
        not_after = ref.not_valid_after_utc
        serial = ref.serial_number
        countries = ref.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)
    except Exception:
        return None
    if inner_alg.children()[:1] != parts[1].children()[:1]:
        return None  # the slow path names the mismatch
    raw_sig = parts[2].value
    if not raw_sig or raw_sig[0] != 0:
        return None
    sig_alg = signature_algorithm_from_der(parts[1].raw, f"{what} signature")

    ski = aki = None
    key_usage: frozenset[str] | None = None
    is_ca: bool | None = None
    unknown_critical: list[str] = []
    for ext in extensions:
        value = ext.value
        if isinstance(value, x509.SubjectKeyIdentifier):
            ski = value.digest or None
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            aki = value.key_identifier or None
        elif isinstance(value, x509.KeyUsage):
            names = {ours for theirs, ours in _PYCA_KEY_USAGE if getattr(value, theirs)}
            if value.key_agreement:
                names |= {"encipher_only"} if value.encipher_only else set()
                names |= {"decipher_only"} if value.decipher_only else set()
            key_usage = frozenset(names)
        elif isinstance(value, x509.BasicConstraints):
            is_ca = value.ca
        if ext.critical and ext.oid.dotted_string not in _KNOWN_EXTENSIONS:
            unknown_critical.append(ext.oid.dotted_string)
    country = countries[0].value if countries else None
    return Certificate(
        der=der,
        version=version,
        serial_number=serial,
        subject=subject,
        subject_der=subject_tlv.raw,
        issuer=issuer,
        issuer_der=issuer_tlv.raw,
        country=country.strip().upper() if isinstance(country, str) else None,
        not_before=not_before,
        not_after=not_after,
        subject_key_identifier=ski,
        authority_key_identifier=aki,
        key_usage=key_usage,
        is_ca=is_ca,
        spki_der=spki_tlv.raw,
        signature_algorithm=sig_alg,
        signature=raw_sig[1:],
        tbs_der=parts[0].raw,
        fingerprint=hashlib.sha256(der).digest(),
        unknown_critical_extensions=tuple(unknown_critical),
    )


def _parse(der: bytes, tbs_der: bytes, what: str) -> Certificate:
    cert = asn1_x509.Certificate.load(der, strict=True)
    tbs = cert["tbs_certificate"]
    version = int(tbs["version"].native[1:]) if tbs["version"].native else 1
    sig_alg = signature_algorithm_from_asn1(cert["signature_algorithm"], f"{what} signature")
    inner_oid = tbs["signature"]["algorithm"].dotted
    if inner_oid != sig_alg.oid:
        raise ParseError(
            f"{what}: signatureAlgorithm {sig_alg.oid} differs from the signed {inner_oid}"
        )
    signature_bits = cert["signature_value"]
    raw_sig = bytes(signature_bits.contents)
    if not raw_sig or raw_sig[0] != 0:
        raise ParseError(f"{what}: signature BIT STRING has unused bits")
    subject, issuer = tbs["subject"], tbs["issuer"]
    extensions = _extensions(tbs, what)
    ski = _ski(extensions.get(OID_SUBJECT_KEY_IDENTIFIER))
    aki = _aki(extensions.get(OID_AUTHORITY_KEY_IDENTIFIER))
    ku = extensions.get(OID_KEY_USAGE)
    bc = extensions.get(OID_BASIC_CONSTRAINTS)
    validity = tbs["validity"]
    return Certificate(
        der=der,
        version=version,
        serial_number=int(tbs["serial_number"].native),
        subject=rfc4514_string(subject, what),
        subject_der=bytes(subject.dump()),
        issuer=rfc4514_string(issuer, what),
        issuer_der=bytes(issuer.dump()),
        country=name_country(subject),
        not_before=_time(validity["not_before"], what, "notBefore"),
        not_after=_time(validity["not_after"], what, "notAfter"),
        subject_key_identifier=ski,
        authority_key_identifier=aki,
        key_usage=None if ku is None else frozenset(ku.parsed.native),
        is_ca=None if bc is None else bool(bc.parsed["ca"].native),
        spki_der=bytes(tbs["subject_public_key_info"].dump()),
        signature_algorithm=sig_alg,
        signature=raw_sig[1:],
        tbs_der=tbs_der,
        fingerprint=hashlib.sha256(der).digest(),
        unknown_critical_extensions=tuple(
            oid for oid, ext in extensions.items() if ext.critical and oid not in _KNOWN_EXTENSIONS
        ),
    )


_KNOWN_EXTENSIONS = frozenset(
    {
        OID_KEY_USAGE,
        OID_BASIC_CONSTRAINTS,
        OID_SUBJECT_KEY_IDENTIFIER,
        OID_AUTHORITY_KEY_IDENTIFIER,
        "2.5.29.16",  # privateKeyUsagePeriod
        "2.5.29.17",  # subjectAltName
        "2.5.29.18",  # issuerAltName
        "2.5.29.31",  # cRLDistributionPoints
        "2.5.29.32",  # certificatePolicies
        "2.5.29.37",  # extKeyUsage
        "2.23.136.1.1.6.2",  # ICAO documentTypeList (9303-12 certificate profile)
        "2.23.136.1.1.6.1",  # ICAO nameChange (9303-12 certificate profile)
    }
)


@dataclass(frozen=True, slots=True)
class _Extension:
    critical: bool
    parsed: Any


def _extensions(tbs: Any, what: str) -> dict[str, _Extension]:
    exts = tbs["extensions"]
    out: dict[str, _Extension] = {}
    if isinstance(exts, core.Void):
        return out
    if len(exts) > MAX_EXTENSIONS:
        raise LimitExceededError(f"{what}: {len(exts)} extensions, above the cap")
    for ext in exts:
        oid = ext["extn_id"].dotted
        if oid in out:
            raise ParseError(f"{what}: extension {oid} appears twice (RFC 5280 4.2)")
        critical = bool(ext["critical"].native)
        if oid in (
            OID_KEY_USAGE,
            OID_BASIC_CONSTRAINTS,
            OID_SUBJECT_KEY_IDENTIFIER,
            OID_AUTHORITY_KEY_IDENTIFIER,
        ):
            try:
                parsed = ext["extn_value"].parsed
                _ = parsed.native  # force a full decode here, where the field is known
            except Exception as exc:
                raise ParseError(f"{what}: extension {oid} is malformed ({exc})") from exc
        else:
            parsed = None
        out[oid] = _Extension(critical, parsed)
    return out


def _ski(ext: _Extension | None) -> bytes | None:
    if ext is None:
        return None
    value = bytes(ext.parsed.native)
    return value or None


def _aki(ext: _Extension | None) -> bytes | None:
    if ext is None:
        return None
    value = ext.parsed["key_identifier"].native
    return bytes(value) if value else None


def _time(value: Any, what: str, label: str) -> _dt.datetime:
    when = value.native
    if not isinstance(when, _dt.datetime):
        raise ParseError(f"{what}: {label} is not a time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_dt.UTC)


def name_country(name: Any) -> str | None:
    for rdn in name.chosen:
        for atv in rdn:
            if atv["type"].dotted == OID_COUNTRY:
                value = atv["value"].native
                return str(value).strip().upper() if isinstance(value, str) else None
    return None


_NAMES: dict[bytes, str] = {}
_NAMES_MAX = 8192


def rfc4514_string(name: Any, what: str = "name") -> str:
    """An asn1crypto Name as an RFC 4514 string (most specific RDN first, like
    pyca/cryptography's ``Name.rfc4514_string()``)."""
    der = bytes(name.dump())
    text = _NAMES.get(der)
    if text is None:
        text = _rfc4514(name, what)
        if len(_NAMES) >= _NAMES_MAX:
            _NAMES.clear()
        _NAMES[der] = text
    return text


def _rfc4514(name: Any, what: str) -> str:
    rdns = list(name.chosen)
    if sum(len(rdn) for rdn in rdns) > MAX_NAME_ATTRIBUTES:
        raise LimitExceededError(f"{what}: more than {MAX_NAME_ATTRIBUTES} name attributes")
    parts: list[str] = []
    for rdn in reversed(rdns):
        attrs = []
        for atv in rdn:
            oid = atv["type"].dotted
            key = _SHORT_NAMES.get(oid, oid)
            value = atv["value"]
            native = value.native
            text = _escape(native) if isinstance(native, str) else "#" + value.dump().hex()
            attrs.append(f"{key}={text}")
        parts.append("+".join(attrs))
    return ",".join(parts)


def _escape(value: str) -> str:
    """RFC 4514 2.4 escaping."""
    if not value:
        return ""
    for char in ("\\", '"', "+", ",", ";", "<", ">"):
        value = value.replace(char, "\\" + char)
    value = value.replace("\0", "\\00")
    if value[0] in ("#", " "):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


# --- signature cache ---------------------------------------------------------------------

# Verifying a certificate's signature is a pure function of the bytes: remember successes so a
# warm kiosk checks the same DS -> CSCA signature once, not per card.
_VERIFIED: OrderedDict[tuple[bytes, bytes], None] = OrderedDict()
_VERIFIED_MAX = 4096


def _verify_cached(
    issuer: Certificate,
    subject_fingerprint: bytes,
    signature: bytes,
    tbs: bytes,
    algorithm: SignatureAlgorithm,
) -> None:
    key = (issuer.fingerprint, subject_fingerprint)
    with _CACHE_LOCK:
        if key in _VERIFIED:
            _VERIFIED.move_to_end(key)
            return
    verify_signature(issuer.public_key_info, signature, tbs, algorithm)
    with _CACHE_LOCK:
        _VERIFIED[key] = None
        if len(_VERIFIED) > _VERIFIED_MAX:
            _VERIFIED.popitem(last=False)


# --- chain validation ----------------------------------------------------------------------


class TrustSource(Protocol):
    """Where the verifier finds CSCAs and CRLs (the on-disk store or an in-memory set)."""

    def issuers_for(self, cert: Certificate) -> Sequence[Certificate]:
        """Trusted certificates that may have issued ``cert``: subject key identifier equal
        to its AKI, and/or subject DN equal to its issuer DN."""
        ...

    def crls_for(self, issuer: Certificate) -> Sequence[Crl]:
        """CRLs whose issuer is ``issuer`` (by DN or AKI)."""
        ...


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ChainResult:
    """``trusted``: a CSCA in the trust source signed the DS certificate (``anchor``).
    The chain is good only if ``trusted and not problems``. ``notes`` are informational
    (stale or unverifiable CRLs, the link certificate's own issuer)."""

    trusted: bool
    anchor: Certificate | None
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.trusted and not self.problems


def _fmt(when: _dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


def validate_document_signer(
    ds: Certificate, anchors: TrustSource, at: _dt.datetime | None = None
) -> ChainResult:
    """Check the DS certificate against the trust source at time ``at`` (default now).
    See the module docstring for every check and the problem codes."""
    at = (at or _dt.datetime.now(_dt.UTC)).astimezone(_dt.UTC)
    problems: list[Problem] = []
    notes: list[str] = []

    if at < ds.not_before:
        problems.append(
            Problem(EXPIRED, f"document signer certificate not valid before {_fmt(ds.not_before)}")
        )
    elif at > ds.not_after:
        problems.append(
            Problem(EXPIRED, f"document signer certificate expired on {_fmt(ds.not_after)}")
        )
    if ds.key_usage is None or "digital_signature" not in ds.key_usage:
        problems.append(
            Problem(
                MALFORMED,
                "document signer certificate does not allow digitalSignature (ICAO 9303-12 "
                "certificate profile: KeyUsage must be present with digitalSignature)",
            )
        )

    candidates = list(anchors.issuers_for(ds))
    aki = ds.authority_key_identifier
    by_key = [c for c in candidates if aki is not None and c.subject_key_identifier == aki]
    # The DN decides only when key identifiers cannot: a DS without AKI, or a CSCA without SKI.
    by_name = [
        c
        for c in candidates
        if c.subject_der == ds.issuer_der and (aki is None or c.subject_key_identifier is None)
    ]
    ordered = by_key + [c for c in by_name if c not in by_key]
    if not ordered:
        ident = f", authority key identifier {aki.hex()}" if aki else ""
        problems.append(
            Problem(
                UNTRUSTED_ISSUER,
                f"issuer {ds.issuer}{ident} is not in the trust store",
            )
        )
        return ChainResult(False, None, tuple(problems), tuple(notes))

    failures: list[CardReaderError] = []
    verified: list[Certificate] = []
    for candidate in ordered:
        try:
            ds.verify_issued_by(candidate)
        except CardReaderError as exc:
            failures.append(exc)
            continue
        verified.append(candidate)
    if not verified:
        if all(f.code == UNSUPPORTED_ALGORITHM for f in failures):
            problems.append(Problem(UNSUPPORTED_ALGORITHM, failures[0].message))
        elif by_key:
            problems.append(
                Problem(
                    BAD_SIGNATURE,
                    f"document signer certificate signature does not verify with the key of "
                    f"{len(ordered)} CSCA certificate(s) matching its issuer "
                    f"({failures[0].message})",
                )
            )
        else:
            problems.append(
                Problem(
                    UNTRUSTED_ISSUER,
                    f"no trusted CSCA named {ds.issuer} verifies the document signer",
                )
            )
        return ChainResult(False, None, tuple(problems), tuple(notes))

    # Prefer a verifying CSCA without problems (e.g. the current key over an expired one).
    best: tuple[Certificate, list[Problem]] | None = None
    for candidate in verified:
        found = _csca_problems(candidate, ds, at)
        if best is None or len(found) < len(best[1]):
            best = (candidate, found)
        if not found:
            break
    assert best is not None
    anchor, csca_problems = best
    problems.extend(csca_problems)
    if not anchor.is_self_signed:
        notes.append(_link_note(anchor, anchors))
    problems.extend(_revocation(ds, anchor, anchors, at, notes))
    return ChainResult(True, anchor, tuple(problems), tuple(notes))


def _csca_problems(csca: Certificate, ds: Certificate, at: _dt.datetime) -> list[Problem]:
    found: list[Problem] = []
    name = f"CSCA {csca.subject}"
    if not csca.valid_at(at):
        when = (
            f"not valid before {_fmt(csca.not_before)}"
            if at < csca.not_before
            else f"expired on {_fmt(csca.not_after)}"
        )
        found.append(Problem(EXPIRED, f"{name} {when}"))
    elif not csca.not_before <= ds.not_before <= csca.not_after:
        found.append(
            Problem(
                EXPIRED,
                f"document signer issued {_fmt(ds.not_before)}, outside the validity of {name}",
            )
        )
    if csca.is_ca is False:
        found.append(Problem(MALFORMED, f"{name} is not a CA (BasicConstraints cA false)"))
    if csca.key_usage is not None and "key_cert_sign" not in csca.key_usage:
        found.append(Problem(MALFORMED, f"{name} does not allow keyCertSign"))
    return found


def _link_note(anchor: Certificate, anchors: TrustSource) -> str:
    """A link certificate (new CSCA key certified by the old one) was the issuer: say whether
    its own issuer is in the trust source too (it is trusted either way, being in it)."""
    for parent in anchors.issuers_for(anchor):
        if parent == anchor:
            continue
        try:
            anchor.verify_issued_by(parent)
        except CardReaderError:
            continue
        return f"issuer is a link certificate, certified by {parent.subject} (in the store)"
    return "issuer is a link certificate whose own issuer is not in the store"


def _revocation(
    ds: Certificate,
    csca: Certificate,
    anchors: TrustSource,
    at: _dt.datetime,
    notes: list[str],
) -> list[Problem]:
    problems: list[Problem] = []
    for crl in anchors.crls_for(csca):
        try:
            crl.verify_issued_by(csca)
        except CardReaderError as exc:
            notes.append(f"CRL of {crl.issuer} ignored: {exc.message}")
            continue
        if crl.next_update is not None and crl.next_update < at:
            notes.append(
                f"CRL of {crl.issuer} (number {crl.crl_number}) is past its nextUpdate "
                f"{_fmt(crl.next_update)}: get a newer one"
            )
        revoked_on = crl.revocation_date(ds.serial_number)
        if revoked_on is not None:
            problems.append(
                Problem(
                    REVOKED,
                    f"document signer certificate (serial {ds.serial_number:x}) was revoked "
                    f"on {_fmt(revoked_on)} by {crl.issuer}",
                )
            )
            break
    return problems
