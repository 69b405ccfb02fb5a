"""The TEST issuing authority: CSCA and Document Signer profiles, chains, CRLs, PEM."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from cardreader.emulator.issuer import (
    KEY_TYPES,
    DocumentSigner,
    Issuer,
    generate_key,
    make_issuer,
)

CURVE_NAMES = {
    "ecdsa-p256": "secp256r1",
    "ecdsa-p384": "secp384r1",
    "ecdsa-p521": "secp521r1",
    "ecdsa-brainpoolp256r1": "brainpoolP256r1",
    "ecdsa-brainpoolp384r1": "brainpoolP384r1",
    "ecdsa-brainpoolp512r1": "brainpoolP512r1",
}


def _rdn(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return str(name.get_attributes_for_oid(oid)[0].value)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_csca_profile_and_ds_chain(key_type: str) -> None:
    issuer = make_issuer(key_type)
    csca = issuer.certificate
    assert csca.subject == csca.issuer
    assert _rdn(csca.subject, NameOID.COUNTRY_NAME) == "VN"
    assert _rdn(csca.subject, NameOID.ORGANIZATION_NAME) == "cccd-kiosk TEST"
    assert _rdn(csca.subject, NameOID.COMMON_NAME) == "CSCA TEST cccd-kiosk"
    bc = csca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    ku = csca.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    assert not ku.value.digital_signature
    csca_ski = csca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    csca.verify_directly_issued_by(csca)  # self-signature is valid

    ds = issuer.new_document_signer()
    cert = ds.certificate
    assert cert.issuer == csca.subject
    cert.verify_directly_issued_by(csca)
    ds_ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert ds_ku.critical and ds_ku.value.digital_signature and not ds_ku.value.key_cert_sign
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == csca_ski.digest
    ds_ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ds_ski == x509.SubjectKeyIdentifier.from_public_key(ds.private_key.public_key())
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert cert.public_key() == ds.private_key.public_key()
    assert ds.rsa_pss == (key_type == "rsa-pss-2048")
    if key_type.startswith("rsa"):
        assert isinstance(ds.private_key, rsa.RSAPrivateKey)
        assert ds.private_key.key_size == 2048
    else:
        assert isinstance(ds.private_key, ec.EllipticCurvePrivateKey)
        assert ds.private_key.curve.name == CURVE_NAMES[key_type]


def test_rsa_pss_csca_signs_certificates_with_pss() -> None:
    issuer = make_issuer("rsa-pss-2048")
    ds = issuer.new_document_signer()
    assert ds.certificate.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSASSA_PSS
    assert issuer.certificate.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSASSA_PSS
    plain = make_issuer("rsa-2048").new_document_signer()
    assert plain.certificate.signature_algorithm_oid == (
        x509.oid.SignatureAlgorithmOID.RSA_WITH_SHA256
    )


def test_validity_periods() -> None:
    start = dt.datetime(2021, 2, 28, tzinfo=dt.UTC)
    issuer = make_issuer(not_before=start)
    assert issuer.certificate.not_valid_before_utc == start
    assert issuer.certificate.not_valid_after_utc == dt.datetime(2041, 2, 28, tzinfo=dt.UTC)
    ds = issuer.new_document_signer(not_before=dt.datetime(2024, 2, 29, tzinfo=dt.UTC))
    assert ds.certificate.not_valid_before_utc == dt.datetime(2024, 2, 29, tzinfo=dt.UTC)
    assert ds.certificate.not_valid_after_utc == dt.datetime(2034, 2, 28, tzinfo=dt.UTC)
    default = issuer.new_document_signer("ecdsa-p384")
    assert default.certificate.not_valid_before_utc == start
    assert default.key_type == "ecdsa-p384"


def test_document_signers_get_distinct_keys_and_serials() -> None:
    issuer = make_issuer()
    a, b = issuer.new_document_signer(), issuer.new_document_signer()
    assert a.certificate.serial_number != b.certificate.serial_number
    assert a.private_key.public_key() != b.private_key.public_key()
    c = issuer.new_document_signer(serial_number=4242)
    assert c.certificate.serial_number == 4242


def test_crl_revokes_the_given_document_signer() -> None:
    issuer = make_issuer("ecdsa-brainpoolp256r1")
    revoked, kept = issuer.new_document_signer(), issuer.new_document_signer()
    when = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    crl = issuer.issue_crl([revoked], this_update=when, crl_number=7)
    assert crl.is_signature_valid(issuer.certificate.public_key())  # type: ignore[arg-type]
    assert crl.issuer == issuer.certificate.subject
    assert crl.last_update_utc == when
    assert crl.next_update_utc == when + dt.timedelta(days=90)
    entry = crl.get_revoked_certificate_by_serial_number(revoked.certificate.serial_number)
    assert entry is not None and entry.revocation_date_utc == when
    assert crl.get_revoked_certificate_by_serial_number(kept.certificate.serial_number) is None
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 7
    other = make_issuer()
    assert not crl.is_signature_valid(other.certificate.public_key())  # type: ignore[arg-type]


def test_pem_round_trips() -> None:
    issuer = make_issuer("rsa-pss-2048")
    ds = issuer.new_document_signer()
    again = Issuer.from_pem(
        issuer.certificate_pem(), issuer.private_key_pem(), key_type="rsa-pss-2048"
    )
    assert again.certificate == issuer.certificate
    assert again.country == "VN"
    assert again.private_key.public_key() == issuer.private_key.public_key()
    ds2 = DocumentSigner.from_pem(ds.certificate_pem(), ds.private_key_pem(), key_type=ds.key_type)
    assert ds2.certificate_der() == ds.certificate_der()
    assert ds2.rsa_pss
    assert issuer.certificate_der() == x509.load_pem_x509_certificate(
        issuer.certificate_pem()
    ).public_bytes(serialization.Encoding.DER)
    # A DS issued by the reloaded issuer still chains to the original CSCA.
    again.new_document_signer().certificate.verify_directly_issued_by(issuer.certificate)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown CSCA key type"):
        make_issuer("dsa-1024")
    with pytest.raises(ValueError, match="country"):
        make_issuer(country="vn")
    with pytest.raises(ValueError):
        make_issuer().new_document_signer("rsa-512")
    with pytest.raises(ValueError):
        generate_key("ecdsa-p192")
    assert isinstance(generate_key("rsa-1024"), rsa.RSAPrivateKey)
    assert isinstance(generate_key("ecdh-p256"), ec.EllipticCurvePrivateKey)


def test_other_country() -> None:
    issuer = make_issuer(country="DE")
    assert _rdn(issuer.certificate.subject, NameOID.COUNTRY_NAME) == "DE"
    ds = issuer.new_document_signer()
    assert _rdn(ds.certificate.subject, NameOID.COUNTRY_NAME) == "DE"
