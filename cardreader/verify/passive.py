"""Passive authentication (ICAO Doc 9303-11 section 5.1): is the data what the state signed?

1. EF.SOD parses as a CMS SignedData holding an LDS security object.
2. Every data group read hashes (over the raw bytes as read, never re-encoded) to the value in
   the security object; every group read must have a value there.
3. The signed attributes hold the right content type and the digest of the security object.
4. The document signer's signature over the signed attributes verifies.
5. The document signer chains to a trusted CSCA (validity at check time, key usage, key
   identifiers, link certificates, revocation) — done by :mod:`cardreader.verify.certificates`.

Every step is checked and reported even when an earlier one failed, so the operator sees all
that is wrong. Algorithms come from the SOD and certificates; none is assumed.
"""

from __future__ import annotations

import datetime as _dt
import hmac
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes

from cardreader.errors import CardReaderError, ParseError
from cardreader.lds.files import CARD_ACCESS, COM, SOD, LdsFile
from cardreader.lds.sod import OID_LDS_SECURITY_OBJECT, Sod, hash_algorithm, parse_sod
from cardreader.verify.certificates import (
    Certificate,
    TrustSource,
    parse_certificate,
    validate_document_signer,
)
from cardreader.verify.report import (
    BAD_SIGNATURE,
    HASH_MISMATCH,
    MALFORMED,
    MISSING_HASH,
    UNSUPPORTED_ALGORITHM,
    UNTRUSTED_ISSUER,
    Check,
    Finding,
    PassiveResult,
    status_from,
)
from cardreader.verify.signatures import verify_signature

_NOT_HASHED = (COM, SOD, CARD_ACCESS)


class _Collector:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.errors: list[Finding] = []

    def ok(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, True, detail))

    def fail(self, name: str, code: str, detail: str) -> None:
        self.checks.append(Check(name, False, detail))
        self.errors.append(Finding(code, f"{name}: {detail}"))


def _digest(name: str, data: bytes) -> bytes:
    h = hashes.Hash(hash_algorithm(name))
    h.update(data)
    return h.finalize()


def _code_of(exc: CardReaderError) -> str:
    if exc.code == UNSUPPORTED_ALGORITHM:
        return UNSUPPORTED_ALGORITHM
    if exc.code == BAD_SIGNATURE:
        return BAD_SIGNATURE
    return MALFORMED


def passive_authentication(
    files: Mapping[LdsFile, bytes],
    trust: TrustSource | None,
    *,
    at: _dt.datetime | None = None,
) -> PassiveResult:
    """Verify the raw files of one card. ``trust`` None: no trust anchors at all (untrusted)."""
    at = at or _dt.datetime.now(_dt.UTC)
    out = _Collector()
    raw_sod = files.get(SOD)
    if raw_sod is None:
        out.fail("sod", MALFORMED, "EF.SOD was not read: nothing to verify against")
        return PassiveResult(status_from(tuple(out.errors)), tuple(out.checks), tuple(out.errors))
    try:
        sod = parse_sod(raw_sod)
    except ParseError as exc:
        text = exc.message if exc.message.startswith("EF.SOD") else f"EF.SOD: {exc.message}"
        out.fail("sod", MALFORMED, text)
        return PassiveResult(status_from(tuple(out.errors)), tuple(out.checks), tuple(out.errors))
    out.ok(
        "sod",
        f"LDS security object v{sod.lds_security_object_version}, "
        f"{len(sod.data_group_hashes)} hashes with {sod.digest_algorithm.name}",
    )
    not_read = _check_hashes(sod, files, out)
    _check_signed_attributes(sod, out)
    ds = _document_signer(sod, out)
    issuer_subject: str | None = None
    if ds is not None:
        _check_signature(sod, ds, out)
        issuer_subject = _check_chain(ds, trust, at, out)
    return PassiveResult(
        status_from(tuple(out.errors)),
        tuple(out.checks),
        tuple(out.errors),
        signer_subject=ds.subject if ds is not None else None,
        issuer_subject=issuer_subject,
        not_verified=not_read,
    )


def _check_hashes(sod: Sod, files: Mapping[LdsFile, bytes], out: _Collector) -> tuple[str, ...]:
    alg = sod.digest_algorithm.name
    try:
        hash_algorithm(alg)
    except ValueError:
        out.fail(
            "hash_algorithm",
            UNSUPPORTED_ALGORITHM,
            f"data-group hashes use {sod.digest_algorithm.oid}, which is not supported",
        )
        return ()
    read_numbers: set[int] = set()
    for f, raw in sorted(files.items(), key=lambda item: item[0].dg_number or 0):
        if f in _NOT_HASHED or f.dg_number is None:
            continue
        read_numbers.add(f.dg_number)
        name = f"hash_{f.name}"
        expected = sod.data_group_hashes.get(f.dg_number)
        if expected is None:
            out.fail(name, MISSING_HASH, f"{f.name.upper()} was read but EF.SOD has no hash for it")
            continue
        if hmac.compare_digest(_digest(alg, raw), expected):
            out.ok(name, f"{f.name.upper()} matches its {alg} hash")
        else:
            out.fail(name, HASH_MISMATCH, f"{f.name.upper()} does not match its hash in EF.SOD")
    return tuple(f"dg{n}" for n in sorted(set(sod.data_group_hashes) - read_numbers))


def _check_signed_attributes(sod: Sod, out: _Collector) -> None:
    if sod.signed_attr_content_type != OID_LDS_SECURITY_OBJECT:
        out.fail(
            "signed_attributes",
            MALFORMED,
            f"signed content type is {sod.signed_attr_content_type}, not the LDS security object",
        )
        return
    alg = sod.signer_digest_algorithm.name
    try:
        digest = _digest(alg, sod.encapsulated_content)
    except ValueError:
        out.fail(
            "signed_attributes",
            UNSUPPORTED_ALGORITHM,
            f"signer digest algorithm {sod.signer_digest_algorithm.oid} is not supported",
        )
        return
    if hmac.compare_digest(digest, sod.signed_attr_message_digest):
        out.ok("signed_attributes", f"content type and {alg} message digest match")
    else:
        out.fail(
            "signed_attributes",
            HASH_MISMATCH,
            "the signed message digest does not match the LDS security object",
        )


def _document_signer(sod: Sod, out: _Collector) -> Certificate | None:
    if not sod.certificates:
        out.fail(
            "document_signer", UNTRUSTED_ISSUER, "EF.SOD carries no document signer certificate"
        )
        return None
    sid = sod.signer_id
    candidates: list[Certificate] = []
    for der in sod.certificates:
        try:
            candidates.append(parse_certificate(der))
        except CardReaderError as exc:
            out.fail("document_signer", _code_of(exc), exc.message)
            return None
    for cert in candidates:
        if sid.subject_key_identifier is not None:
            if cert.subject_key_identifier == sid.subject_key_identifier:
                break
        elif cert.serial_number == sid.serial_number and cert.issuer_der == sid.issuer_der:
            break
    else:
        out.fail(
            "document_signer",
            MALFORMED,
            "no certificate in EF.SOD matches the SignerInfo's signer identifier",
        )
        return None
    out.ok("document_signer", f"{cert.subject} (serial {cert.serial_number:x})")
    return cert


def _check_signature(sod: Sod, ds: Certificate, out: _Collector) -> None:
    try:
        verify_signature(
            ds.spki_der,
            sod.signature,
            sod.signed_attrs_der,
            sod.signature_algorithm,
            default_hash=sod.signer_digest_algorithm.name,
        )
    except CardReaderError as exc:
        code = BAD_SIGNATURE if exc.code not in (UNSUPPORTED_ALGORITHM,) else UNSUPPORTED_ALGORITHM
        out.fail("sod_signature", code, exc.message)
        return
    out.ok("sod_signature", f"{sod.signature_algorithm.name} by the document signer verifies")


def _check_chain(
    ds: Certificate, trust: TrustSource | None, at: _dt.datetime, out: _Collector
) -> str | None:
    if trust is None:
        out.fail("chain", UNTRUSTED_ISSUER, "no trust store: the issuing CSCA cannot be checked")
        return None
    result = validate_document_signer(ds, trust, at)
    if result.trusted and not result.problems:
        anchor = result.anchor
        detail = f"issued by trusted CSCA {anchor.subject if anchor else '?'}"
        if result.notes:
            detail += " (" + "; ".join(result.notes) + ")"
        out.ok("chain", detail)
        return anchor.subject if anchor else None
    for problem in result.problems:
        out.fail("chain", problem.code, problem.message)
    return result.anchor.subject if result.anchor is not None else None
