"""Fuzz the trust parsers: certificates, public keys, CRLs, master lists, algorithm identifiers.

Random bytes and mutations of valid inputs may only raise the library's own errors: ParseError
(LimitExceededError is one) from parsers; also UnsupportedAlgorithmError / BadSignatureError
when a parsed object's key is loaded or its signature checked. Nothing hangs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardreader.emulator.issuer import make_issuer
from cardreader.errors import CardReaderError, ParseError
from cardreader.verify.algorithms import signature_algorithm_from_der
from cardreader.verify.certificates import load_certificates, parse_certificate
from cardreader.verify.crl import parse_crl
from cardreader.verify.curves import CURVES_BY_NAME
from cardreader.verify.keys import load_public_key
from cardreader.verify.master_list import (
    check_integrity,
    parse_master_list,
    verify_master_list,
)
from cardreader.verify.trust_store import detect_kind
from tests.cardreader.test_keys import explicit_spki

FUZZ = settings(
    # CCCD_FUZZ_EXAMPLES=20000 for a long run.
    max_examples=int(os.environ.get("CCCD_FUZZ_EXAMPLES", "300")),
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MUTATIONS = st.lists(
    st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
    min_size=1,
    max_size=8,
)


def _only_parse_errors(func: Callable[[bytes], Any], data: bytes) -> Any:
    start = time.monotonic()
    result = None
    with contextlib.suppress(ParseError):
        result = func(data)
    assert time.monotonic() - start < 2.0
    return result


def _only_library_errors(func: Callable[[], Any]) -> None:
    start = time.monotonic()
    with contextlib.suppress(CardReaderError):
        func()
    assert time.monotonic() - start < 2.0


def _mutate(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, value in changes:
        out[pos % len(out)] = value
    return bytes(out)


# --- valid samples -----------------------------------------------------------------------


@functools.cache
def _issuer() -> Any:
    return make_issuer("ecdsa-brainpoolp256r1")


@functools.cache
def _certificate() -> bytes:
    return bytes(_issuer().new_document_signer("rsa-pss-2048").certificate_der())


@functools.cache
def _explicit_certificate() -> bytes:
    """A CSCA certificate whose key has explicit brainpoolP512r1 parameters, like Vietnam's."""
    key = ec.generate_private_key(ec.BrainpoolP512R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    spki = asn1_x509.PublicKeyInfo.load(explicit_spki(CURVES_BY_NAME["brainpoolP512r1"], point))
    cert = asn1_x509.Certificate.load(_issuer().certificate_der())
    tbs = cert["tbs_certificate"].copy()
    tbs["subject_public_key_info"] = spki
    tbs["signature"] = algos.SignedDigestAlgorithm({"algorithm": "sha512_ecdsa"})
    tbs_der = tbs.dump(force=True)
    signature = key.sign(tbs_der, ec.ECDSA(hashes.SHA512()))
    out = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": {"algorithm": "sha512_ecdsa"},
            "signature_value": signature,
        }
    )
    return bytes(out.dump())


@functools.cache
def _crl() -> bytes:
    issuer = _issuer()
    crl = issuer.issue_crl([issuer.new_document_signer()])
    return bytes(crl.public_bytes(serialization.Encoding.DER))


@functools.cache
def _master_list() -> tuple[bytes, bytes]:
    """A small, real-shaped master list (TEST CSCAs) and the anchor certificate's DER."""
    anchor = make_issuer("ecdsa-p256", country="DE")
    signer = anchor.new_document_signer(common_name="Master List Signer TEST")
    cscas = [make_issuer(t).certificate_der() for t in ("rsa-2048", "ecdsa-p384")]
    cert_set = b"\x31" + _length(b"".join(sorted([*cscas, _explicit_certificate()])))
    # CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }
    content = b"\x30" + _length(core.Integer(0).dump() + cert_set)
    digest = hashlib.sha256(content).digest()
    attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["2.23.136.1.1.2"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
            cms.CMSAttribute(
                {
                    "type": "signing_time",
                    "values": [
                        cms.Time(name="utc_time", value=_dt.datetime(2025, 1, 1, tzinfo=_dt.UTC))
                    ],
                }
            ),
        ]
    )
    signer_key = signer.private_key
    assert isinstance(signer_key, ec.EllipticCurvePrivateKey)
    signature = signer_key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer_cert = asn1_x509.Certificate.load(signer.certificate_der())
    sd = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {
                "content_type": "2.23.136.1.1.2",
                "content": core.ParsableOctetString(content),
            },
            "certificates": [signer_cert],
            "signer_infos": [
                {
                    "version": "v3",
                    "sid": cms.SignerIdentifier(
                        name="subject_key_identifier", value=signer_cert.key_identifier
                    ),
                    "digest_algorithm": {"algorithm": "sha256"},
                    "signed_attrs": attrs,
                    "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                    "signature": signature,
                }
            ],
        }
    )
    ci = cms.ContentInfo({"content_type": "signed_data", "content": sd})
    return bytes(ci.dump()), bytes(anchor.certificate_der())


def _length(body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([n]) + body
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw + body


def test_the_samples_are_valid() -> None:
    """The fuzz seeds must be accepted, or the mutations prove little."""
    cert = parse_certificate(_explicit_certificate())
    info = cert.public_key_info
    assert info.explicit_parameters and info.curve == "brainpoolP512r1"
    cert.verify_issued_by(cert)
    parse_certificate(_certificate()).verify_issued_by(
        parse_certificate(_issuer().certificate_der())
    )
    parse_crl(_crl()).verify_issued_by(parse_certificate(_issuer().certificate_der()))
    raw, anchor = _master_list()
    assert detect_kind(raw) == "master_list"
    ml = parse_master_list(raw)
    assert len(ml.certificates) == 3
    verify_master_list(ml, [parse_certificate(anchor)])


# --- certificates and keys -----------------------------------------------------------------


def _certificate_deep(data: bytes) -> None:
    cert = _only_parse_errors(parse_certificate, data)
    if cert is not None:
        _only_library_errors(lambda: cert.public_key_info)
        _only_library_errors(lambda: cert.verify_issued_by(cert))


@FUZZ
@given(st.binary(max_size=3000))
def test_certificate_random_bytes(data: bytes) -> None:
    _certificate_deep(data)
    _certificate_deep(b"\x30" + _length(data))


@FUZZ
@given(MUTATIONS, st.booleans())
def test_certificate_mutations(changes: list[tuple[int, int]], explicit: bool) -> None:
    base = _explicit_certificate() if explicit else _certificate()
    _certificate_deep(_mutate(base, changes))


@FUZZ
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=40), st.binary(max_size=40))
def test_certificate_splices(start: int, cut: int, insert: bytes) -> None:
    raw = _explicit_certificate()
    pos = start % len(raw)
    _certificate_deep(raw[:pos] + insert + raw[pos + cut :])


@FUZZ
@given(MUTATIONS)
def test_explicit_public_key_mutations(changes: list[tuple[int, int]]) -> None:
    spki = parse_certificate(_explicit_certificate()).spki_der
    _only_library_errors(lambda: load_public_key(_mutate(spki, changes)))


@FUZZ
@given(st.binary(max_size=600))
def test_public_key_random_bytes(data: bytes) -> None:
    _only_library_errors(lambda: load_public_key(data))
    _only_library_errors(lambda: load_public_key(b"\x30" + _length(data)))


@FUZZ
@given(st.binary(max_size=200))
def test_algorithm_identifier_random_bytes(data: bytes) -> None:
    _only_parse_errors(signature_algorithm_from_der, data)
    _only_parse_errors(signature_algorithm_from_der, b"\x30" + _length(data))


@FUZZ
@given(st.binary(max_size=2000))
def test_pem_random_text(data: bytes) -> None:
    wrapped = b"-----BEGIN CERTIFICATE-----\n" + data + b"\n-----END CERTIFICATE-----\n"
    _only_parse_errors(load_certificates, wrapped)
    _only_parse_errors(detect_kind, wrapped)


# --- CRLs and master lists -----------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
def test_crl_random_bytes(data: bytes) -> None:
    _only_parse_errors(parse_crl, data)
    _only_parse_errors(parse_crl, b"\x30" + _length(data))
    _only_parse_errors(detect_kind, data)


@FUZZ
@given(MUTATIONS)
def test_crl_mutations(changes: list[tuple[int, int]]) -> None:
    crl = _only_parse_errors(parse_crl, _mutate(_crl(), changes))
    if crl is not None:
        issuer = parse_certificate(_issuer().certificate_der())
        _only_library_errors(lambda: crl.verify_issued_by(issuer))


def _master_list_deep(data: bytes) -> None:
    ml = _only_parse_errors(parse_master_list, data)
    if ml is not None:
        anchor = parse_certificate(_master_list()[1])
        _only_library_errors(lambda: check_integrity(ml))
        _only_library_errors(lambda: verify_master_list(ml, [anchor]))


@FUZZ
@given(st.binary(max_size=3000))
def test_master_list_random_bytes(data: bytes) -> None:
    _master_list_deep(data)
    _master_list_deep(b"\x30" + _length(data))


@FUZZ
@given(MUTATIONS)
def test_master_list_mutations(changes: list[tuple[int, int]]) -> None:
    _master_list_deep(_mutate(_master_list()[0], changes))


@FUZZ
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=64), st.binary(max_size=64))
def test_master_list_splices(start: int, cut: int, insert: bytes) -> None:
    raw = _master_list()[0]
    pos = start % len(raw)
    _master_list_deep(raw[:pos] + insert + raw[pos + cut :])


def test_every_truncation_of_the_master_list() -> None:
    raw = _master_list()[0]
    for end in range(0, len(raw), 7):
        _master_list_deep(raw[:end])


# --- the trust store's index ---------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@functools.cache
def _valid_index_entry() -> dict[str, Any]:
    from cardreader.verify.trust_store import certificate_entry

    entry = certificate_entry(parse_certificate(_explicit_certificate()), "fuzz")
    return dataclasses.asdict(entry)


def _open_store(tmp: Path, index: object) -> None:
    from cardreader.verify.trust_store import TrustStore

    (tmp / "index.json").write_text(json.dumps(index), "utf-8")
    start = time.monotonic()
    with contextlib.suppress(ParseError):
        store = TrustStore(tmp)
        for entry in store.entries():
            entry.expired()
            entry.to_dict()
            store.certificate(entry.fingerprint)  # the file is missing: a warning, no crash
    assert time.monotonic() - start < 2.0


@FUZZ
@given(_JSON)
def test_index_random_json(doc: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _open_store(Path(tmp), doc)
        _open_store(Path(tmp), {"version": 1, "entries": [doc]})


@FUZZ
@given(st.sampled_from(sorted(_valid_index_entry())), _JSON)
def test_index_entry_with_one_field_replaced(field_name: str, value: object) -> None:
    entry = dict(_valid_index_entry())
    entry[field_name] = value
    with tempfile.TemporaryDirectory() as tmp:
        _open_store(Path(tmp), {"version": 1, "entries": [entry]})


def test_index_fingerprint_cannot_name_another_file(tmp_path: Path) -> None:
    """Regression: the fingerprint becomes a file name, so a doctored index must not reach
    outside the store."""
    from cardreader.verify.trust_store import TrustStore

    entry = dict(_valid_index_entry())
    entry["fingerprint"] = "../../../../etc/passwd" + "0" * 42
    (tmp_path / "index.json").write_text(json.dumps({"version": 1, "entries": [entry]}))
    with pytest.raises(ParseError, match="fingerprint"):
        TrustStore(tmp_path)
