"""Certificates, CRLs and the document signer -> CSCA chain (verify.certificates, verify.crl)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.emulator.issuer import KEY_TYPES, DocumentSigner, Issuer, make_issuer
from cardreader.errors import BadSignatureError, LimitExceededError, ParseError
from cardreader.lds import tlv
from cardreader.verify import certificates
from cardreader.verify.certificates import (
    Certificate,
    load_certificates,
    parse_certificate,
    validate_document_signer,
)
from cardreader.verify.crl import parse_crl
from cardreader.verify.master_list import parse_master_list
from cardreader.verify.trust_store import TrustIndex

NOW = _dt.datetime(2026, 6, 1, tzinfo=_dt.UTC)


def cert_of(obj: Issuer | DocumentSigner | x509.Certificate) -> Certificate:
    c = obj if isinstance(obj, x509.Certificate) else obj.certificate
    return parse_certificate(c.public_bytes(serialization.Encoding.DER))


def trust_of(
    *items: Issuer | x509.Certificate, crls: tuple[x509.CertificateRevocationList, ...] = ()
) -> TrustIndex:
    index = TrustIndex()
    for item in items:
        index.add_certificate(cert_of(item), "test")
    for crl in crls:
        index.add_crl(parse_crl(crl.public_bytes(serialization.Encoding.DER)), "test")
    return index


def codes(result: object) -> list[str]:
    return [p.code for p in result.problems]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def csca() -> Issuer:
    return make_issuer("ecdsa-p256")


# --- parsing -------------------------------------------------------------------------------


def test_fields_of_a_test_document_signer(csca: Issuer) -> None:
    ds = csca.new_document_signer(serial_number=0x1234ABCD)
    cert = cert_of(ds)
    assert cert.serial_number == 0x1234ABCD
    assert cert.subject == ds.certificate.subject.rfc4514_string()
    assert cert.issuer == csca.certificate.subject.rfc4514_string()
    assert cert.country == "VN"
    assert cert.not_before == ds.certificate.not_valid_before_utc
    assert cert.not_after == ds.certificate.not_valid_after_utc
    assert cert.key_usage == frozenset({"digital_signature"})
    assert cert.is_ca is None
    ski = csca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert cert.authority_key_identifier == ski.value.digest
    assert cert.tbs_der == ds.certificate.tbs_certificate_bytes
    assert cert.signature == ds.certificate.signature
    assert cert.fingerprint == ds.certificate.fingerprint(hashes.SHA256())
    assert cert.signature_algorithm.name == "sha256-ecdsa"
    assert not cert.is_self_issued
    csca_cert = cert_of(csca)
    assert csca_cert.is_self_signed and csca_cert.is_ca is True
    assert csca_cert.key_usage == frozenset({"key_cert_sign", "crl_sign"})


def test_pem_bundle_and_der_load(csca: Issuer) -> None:
    ds = csca.new_document_signer()
    bundle = csca.certificate_pem() + b"\n" + ds.certificate_pem()
    certs = load_certificates(bundle)
    assert [c.fingerprint for c in certs] == [cert_of(csca).fingerprint, cert_of(ds).fingerprint]
    assert load_certificates(csca.certificate_der()) == [cert_of(csca)]
    with pytest.raises(ParseError, match="no CERTIFICATE"):
        load_certificates(b"-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x30\x00", b"\x30\x03\x02\x01\x01", b"\x30\x06\x30\x00\x30\x00\x03\x00", b"\xa0\x00"],
)
def test_garbage_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_certificate(data)


def test_caps() -> None:
    with pytest.raises(LimitExceededError):
        parse_certificate(b"\x30\x82\x50\x00" + bytes(0x5000))


def test_every_real_csca_parses_like_pyca(shared_trust: Path) -> None:
    """The lenient asn1crypto path agrees with pyca/cryptography on every field wherever pyca
    can load the certificate, and the fast (pyca) path gives exactly the same Certificate."""
    compared = refused_by_pyca = 0
    for name in ("DE_ML_2026-05-28-08-28-45.ml", "NL_ML_2026-07-22.ml"):
        ml = parse_master_list((shared_trust / name).read_bytes())
        assert not ml.skipped
        for listed in ml.certificates:
            parts = tlv.parse_single(listed.der).children()
            cert = certificates._parse(listed.der, parts[0].raw, "real CSCA")
            fast = certificates._parse_fast(listed.der, parts, "real CSCA")
            if fast is None:
                refused_by_pyca += 1
                assert listed == cert
                continue
            compared += 1
            for f in dataclasses.fields(Certificate):
                assert getattr(fast, f.name) == getattr(cert, f.name), f.name
            ref = x509.load_der_x509_certificate(cert.der)
            assert cert.serial_number == ref.serial_number
            assert cert.subject == ref.subject.rfc4514_string()
            assert cert.issuer == ref.issuer.rfc4514_string()
            assert cert.not_before == ref.not_valid_before_utc
            assert cert.not_after == ref.not_valid_after_utc
            assert cert.tbs_der == ref.tbs_certificate_bytes
            assert cert.signature == ref.signature
            assert cert.signature_algorithm.oid == ref.signature_algorithm_oid.dotted_string
    print(f"\nreal CSCAs read by both paths: {compared}; asn1crypto only: {refused_by_pyca}")
    assert compared > 900
    assert refused_by_pyca > 0  # the reason the lenient path exists


# --- chains --------------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_chain_for_every_key_type(key_type: str) -> None:
    issuer = make_issuer(key_type)
    ds = issuer.new_document_signer()
    result = validate_document_signer(cert_of(ds), trust_of(issuer), NOW)
    assert result.ok, result.problems
    assert result.trusted and result.anchor == cert_of(issuer)
    # A DS of another type under this CSCA too.
    other = issuer.new_document_signer("ecdsa-brainpoolp512r1" if "rsa" in key_type else "rsa-2048")
    assert validate_document_signer(cert_of(other), trust_of(issuer), NOW).ok


def test_document_signer_from_another_csca_is_untrusted(csca: Issuer) -> None:
    stranger = make_issuer("ecdsa-p256")  # same DN, different key
    ds = stranger.new_document_signer()
    result = validate_document_signer(cert_of(ds), trust_of(csca), NOW)
    assert not result.trusted
    assert codes(result) == ["untrusted_issuer"]
    assert "not in the trust store" in result.problems[0].message


def test_empty_trust_is_untrusted(csca: Issuer) -> None:
    result = validate_document_signer(cert_of(csca.new_document_signer()), TrustIndex(), NOW)
    assert codes(result) == ["untrusted_issuer"]


def test_forged_document_signer_with_the_right_aki_is_a_bad_signature(csca: Issuer) -> None:
    forger = make_issuer("ecdsa-p256")
    genuine = csca.new_document_signer()
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(genuine.certificate.subject)
        .issuer_name(csca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(genuine.certificate.serial_number)
        .not_valid_before(genuine.certificate.not_valid_before_utc)
        .not_valid_after(genuine.certificate.not_valid_after_utc)
    )
    for ext in genuine.certificate.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    forged = builder.sign(forger.private_key, hashes.SHA256())
    result = validate_document_signer(cert_of(forged), trust_of(csca), NOW)
    assert not result.trusted
    assert codes(result) == ["bad_signature"]


def test_expired_document_signer() -> None:
    issuer = make_issuer("ecdsa-p384")
    ds = issuer.new_document_signer(validity_years=2)  # 2020-2022
    result = validate_document_signer(cert_of(ds), trust_of(issuer), NOW)
    assert result.trusted and codes(result) == ["expired"]
    assert "expired on 2022-01-01" in result.problems[0].message
    early = validate_document_signer(
        cert_of(ds), trust_of(issuer), _dt.datetime(2019, 1, 1, tzinfo=_dt.UTC)
    )
    assert "expired" in codes(early)
    assert any("not valid before" in p.message for p in early.problems)


def test_expired_csca() -> None:
    start = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
    issuer = make_issuer("rsa-2048", not_before=start, validity_years=10)
    ds = issuer.new_document_signer(not_before=start, validity_years=40)
    result = validate_document_signer(cert_of(ds), trust_of(issuer), NOW)
    assert result.trusted
    assert codes(result) == ["expired"]
    assert "CSCA" in result.problems[0].message
    # The same chain checked while the CSCA was valid passes.
    assert validate_document_signer(cert_of(ds), trust_of(issuer), start.replace(year=2005)).ok


def test_document_signer_issued_before_its_csca_existed() -> None:
    issuer = make_issuer("ecdsa-p256", not_before=_dt.datetime(2020, 1, 1, tzinfo=_dt.UTC))
    ds = issuer.new_document_signer(not_before=_dt.datetime(2019, 1, 1, tzinfo=_dt.UTC))
    result = validate_document_signer(cert_of(ds), trust_of(issuer), NOW)
    assert codes(result) == ["expired"]
    assert "outside the validity" in result.problems[0].message


def test_certificate_without_digital_signature_cannot_sign_documents(csca: Issuer) -> None:
    # The CSCA's own certificate (keyCertSign only) presented as a document signer.
    result = validate_document_signer(cert_of(csca), trust_of(csca), NOW)
    assert result.trusted
    assert codes(result) == ["malformed"]
    assert "digitalSignature" in result.problems[0].message


def _link_certificate(old: Issuer, new: Issuer) -> x509.Certificate:
    """ICAO 9303-12 5.1: the new CSCA key certified by the old key, same subject DN."""
    old_ski = old.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    builder = (
        x509.CertificateBuilder()
        .subject_name(new.certificate.subject)
        .issuer_name(old.certificate.subject)
        .public_key(new.private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(new.certificate.not_valid_before_utc)
        .not_valid_after(old.certificate.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(new.private_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(old_ski.value),
            critical=False,
        )
    )
    return builder.sign(old.private_key, hashes.SHA256())


def test_link_certificate_chain() -> None:
    old = make_issuer("ecdsa-p256")
    new = make_issuer("ecdsa-brainpoolp384r1", not_before=_dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    link = _link_certificate(old, new)
    assert cert_of(link).is_self_issued and not cert_of(link).is_self_signed
    ds = new.new_document_signer()
    # Only the old CSCA: the new key is unknown.
    assert codes(validate_document_signer(cert_of(ds), trust_of(old), NOW)) == ["untrusted_issuer"]
    # Old CSCA + link certificate: trusted through the link.
    result = validate_document_signer(cert_of(ds), trust_of(old, link), NOW)
    assert result.ok, result.problems
    assert result.anchor == cert_of(link)
    assert any("link certificate, certified by" in n for n in result.notes)
    # The new self-signed CSCA alongside: either path is fine, still trusted.
    assert validate_document_signer(cert_of(ds), trust_of(old, link, new), NOW).ok
    # DS of the old key still verifies with the old CSCA.
    assert validate_document_signer(cert_of(old.new_document_signer()), trust_of(old, link), NOW).ok


def test_revoked_document_signer(csca: Issuer) -> None:
    ds = csca.new_document_signer()
    other = csca.new_document_signer()
    crl = csca.issue_crl([ds], this_update=NOW - _dt.timedelta(days=1))
    trust = trust_of(csca, crls=(crl,))
    result = validate_document_signer(cert_of(ds), trust, NOW)
    assert result.trusted and codes(result) == ["revoked"]
    assert f"{ds.certificate.serial_number:x}" in result.problems[0].message
    assert validate_document_signer(cert_of(other), trust, NOW).ok


def test_crl_from_an_impostor_is_ignored(csca: Issuer) -> None:
    ds = csca.new_document_signer()
    impostor = make_issuer("ecdsa-p256")  # same DN, other key: its CRL must not count
    fake = impostor.issue_crl([ds], this_update=NOW - _dt.timedelta(days=1))
    result = validate_document_signer(cert_of(ds), trust_of(csca, crls=(fake,)), NOW)
    assert result.ok  # not revoked: the impostor's CRL was found by DN but not believed
    assert any("CRL of" in n and "ignored" in n for n in result.notes)
    crl = parse_crl(fake.public_bytes(serialization.Encoding.DER))
    with pytest.raises(BadSignatureError):
        crl.verify_issued_by(cert_of(csca))
    # Even with a matching AKI, a CRL must carry the CSCA's signature.
    forged = parse_crl(fake.public_bytes(serialization.Encoding.DER))
    object.__setattr__(forged, "authority_key_identifier", cert_of(csca).subject_key_identifier)
    with pytest.raises(BadSignatureError):
        forged.verify_issued_by(cert_of(csca))


def test_stale_crl_is_noted(csca: Issuer) -> None:
    ds = csca.new_document_signer()
    old = csca.issue_crl([], this_update=NOW - _dt.timedelta(days=200))
    result = validate_document_signer(cert_of(ds), trust_of(csca, crls=(old,)), NOW)
    assert result.ok
    assert any("past its nextUpdate" in n for n in result.notes)


def test_crl_fields_and_pem(csca: Issuer) -> None:
    ds = csca.new_document_signer()
    crl = csca.issue_crl([ds], this_update=NOW, crl_number=7)
    parsed = parse_crl(crl.public_bytes(serialization.Encoding.PEM))
    assert parsed.crl_number == 7
    assert parsed.this_update == NOW
    assert parsed.next_update == NOW + _dt.timedelta(days=90)
    assert parsed.issuer == csca.certificate.subject.rfc4514_string()
    assert parsed.revocation_date(ds.certificate.serial_number) == NOW
    assert parsed.revocation_date(ds.certificate.serial_number + 1) is None
    parsed.verify_issued_by(cert_of(csca))
    with pytest.raises(ParseError):
        parse_crl(b"\x30\x03\x02\x01\x01")


def test_caches_hold_under_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk verifies on a worker thread while the UI may parse too: tiny caches, many
    threads, constant eviction, and every chain still checks out."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(certificates, "_PARSED_MAX", 2)
    monkeypatch.setattr(certificates, "_VERIFIED_MAX", 2)
    issuers = [make_issuer("ecdsa-p256") for _ in range(3)]
    signers = [(i, i.new_document_signer().certificate_der()) for i in issuers for _ in range(3)]
    trust = trust_of(*issuers)

    def work(n: int) -> bool:
        issuer, der = signers[n % len(signers)]
        result = validate_document_signer(parse_certificate(der), trust, NOW)
        return result.ok and result.anchor == cert_of(issuer)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(400)))
