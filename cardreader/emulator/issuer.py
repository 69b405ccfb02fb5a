"""A fake issuing authority: TEST Country Signing CA, Document Signers and CRLs.

FOR TESTS AND THE DEMO CARD ONLY. Everything made here is marked "TEST" in its names
(O=cccd-kiosk TEST) and must never be added to a production trust store: the private keys are
generated on the fly and written next to the demo card.

Certificate profiles follow ICAO Doc 9303-12 (section 7.1, certificate profiles):
- CSCA: self-signed, BasicConstraints CA (critical), KeyUsage keyCertSign + cRLSign (critical),
  SubjectKeyIdentifier (and AuthorityKeyIdentifier = own SKI).
- Document Signer: issued by the CSCA, KeyUsage digitalSignature (critical), AKI = CSCA SKI,
  SKI, no CA flag.
- CRL: signed by the CSCA, with AuthorityKeyIdentifier and CRLNumber.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

KEY_TYPES: tuple[str, ...] = (
    "rsa-2048",
    "rsa-pss-2048",
    "ecdsa-p256",
    "ecdsa-p384",
    "ecdsa-p521",
    "ecdsa-brainpoolp256r1",
    "ecdsa-brainpoolp384r1",
    "ecdsa-brainpoolp512r1",
)

_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "p256": ec.SECP256R1,
    "p384": ec.SECP384R1,
    "p521": ec.SECP521R1,
    "brainpoolp256r1": ec.BrainpoolP256R1,
    "brainpoolp384r1": ec.BrainpoolP384R1,
    "brainpoolp512r1": ec.BrainpoolP512R1,
}
_RSA_SIZES = (1024, 2048, 3072, 4096)

DEFAULT_NOT_BEFORE = _dt.datetime(2020, 1, 1, tzinfo=_dt.UTC)
TEST_ORGANIZATION = "cccd-kiosk TEST"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def generate_key(key_type: str) -> PrivateKey:
    """A fresh private key: "rsa-<bits>", "rsa-pss-<bits>" (bits 1024..4096) or
    "ecdsa-<curve>" / "ecdh-<curve>" with curve p256, p384, p521, brainpoolp256r1/384r1/512r1."""
    kind, _, rest = key_type.partition("-")
    if kind == "rsa":
        bits_text = rest.removeprefix("pss-")
        if bits_text.isdigit() and int(bits_text) in _RSA_SIZES:
            return rsa.generate_private_key(public_exponent=65537, key_size=int(bits_text))
    elif kind in ("ecdsa", "ecdh") and rest in _CURVES:
        return ec.generate_private_key(_CURVES[rest]())
    raise ValueError(f"unknown key type {key_type!r}")


def is_rsa_pss(key_type: str) -> bool:
    return key_type.startswith("rsa-pss-")


def signature_hash(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384 | hashes.SHA512:
    """The hash matched to a key's strength (BSI TR-03116-2 style pairing)."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = key.curve.key_size
        if size > 384:
            return hashes.SHA512()
        if size > 256:
            return hashes.SHA384()
    return hashes.SHA256()


def _sign_padding(key: PrivateKey, pss: bool) -> padding.PSS | None:
    if pss and isinstance(key, rsa.RSAPrivateKey):
        h = signature_hash(key)
        return padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
    return None


def _add_years(when: _dt.datetime, years: int) -> _dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def _key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_key(pem: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"unsupported key {type(key).__name__}")
    return key


@dataclass(frozen=True, slots=True)
class DocumentSigner:
    """A TEST Document Signer: its certificate (issued by the test CSCA) and private key."""

    key_type: str
    private_key: PrivateKey
    certificate: x509.Certificate

    @property
    def rsa_pss(self) -> bool:
        """True when SODs signed by this DS use RSASSA-PSS rather than PKCS#1 v1.5."""
        return is_rsa_pss(self.key_type)

    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def private_key_pem(self) -> bytes:
        return _key_pem(self.private_key)

    @classmethod
    def from_pem(
        cls, certificate_pem: bytes, private_key_pem: bytes, *, key_type: str
    ) -> DocumentSigner:
        return cls(
            key_type, _load_key(private_key_pem), x509.load_pem_x509_certificate(certificate_pem)
        )


@dataclass(frozen=True, slots=True)
class Issuer:
    """A TEST issuing authority: the CSCA key and self-signed certificate."""

    key_type: str
    country: str
    private_key: PrivateKey
    certificate: x509.Certificate

    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def private_key_pem(self) -> bytes:
        return _key_pem(self.private_key)

    @classmethod
    def from_pem(cls, certificate_pem: bytes, private_key_pem: bytes, *, key_type: str) -> Issuer:
        cert = x509.load_pem_x509_certificate(certificate_pem)
        country = cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
        return cls(
            key_type, str(country[0].value) if country else "", _load_key(private_key_pem), cert
        )

    def _ski(self) -> x509.SubjectKeyIdentifier:
        return self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value

    def _sign(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        return builder.sign(
            self.private_key,
            signature_hash(self.private_key),
            rsa_padding=_sign_padding(self.private_key, is_rsa_pss(self.key_type)),
        )

    def new_document_signer(
        self,
        key_type: str | None = None,
        *,
        not_before: _dt.datetime | None = None,
        validity_years: int = 10,
        serial_number: int | None = None,
        common_name: str = "DS TEST cccd-kiosk",
    ) -> DocumentSigner:
        """Issue a Document Signer certificate valid ``validity_years`` from ``not_before``
        (default: the CSCA's own not-before)."""
        key_type = key_type or self.key_type
        if key_type not in KEY_TYPES:
            raise ValueError(f"unknown document signer key type {key_type!r}")
        key = generate_key(key_type)
        start = not_before or self.certificate.not_valid_before_utc
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, self.country),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_ORGANIZATION),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Document Signer TEST"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(serial_number or x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(_add_years(start, validity_years))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(self._ski()),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        )
        return DocumentSigner(key_type, key, self._sign(builder))

    def issue_crl(
        self,
        revoked: Iterable[DocumentSigner | x509.Certificate] = (),
        *,
        this_update: _dt.datetime | None = None,
        next_update: _dt.datetime | None = None,
        crl_number: int = 1,
        revocation_date: _dt.datetime | None = None,
    ) -> x509.CertificateRevocationList:
        """A CRL signed by the CSCA revoking the given Document Signers (default: issued now,
        next update in 90 days)."""
        now = this_update or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now)
            .next_update(next_update or now + _dt.timedelta(days=90))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(self._ski()),
                critical=False,
            )
            .add_extension(x509.CRLNumber(crl_number), critical=False)
        )
        for item in revoked:
            cert = item.certificate if isinstance(item, DocumentSigner) else item
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(revocation_date or now)
                .build()
            )
        return builder.sign(
            self.private_key,
            signature_hash(self.private_key),
            rsa_padding=_sign_padding(self.private_key, is_rsa_pss(self.key_type)),
        )


def make_issuer(
    key_type: str = "ecdsa-p256",
    *,
    country: str = "VN",
    not_before: _dt.datetime = DEFAULT_NOT_BEFORE,
    validity_years: int = 20,
    common_name: str = "CSCA TEST cccd-kiosk",
) -> Issuer:
    """A fresh TEST CSCA (self-signed) valid ``validity_years`` from ``not_before``."""
    if key_type not in KEY_TYPES:
        raise ValueError(f"unknown CSCA key type {key_type!r}; one of {', '.join(KEY_TYPES)}")
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise ValueError(f"country must be two upper-case letters, not {country!r}")
    key = generate_key(key_type)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(_add_years(not_before, validity_years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    cert = builder.sign(
        key, signature_hash(key), rsa_padding=_sign_padding(key, is_rsa_pss(key_type))
    )
    return Issuer(key_type, country, key, cert)
