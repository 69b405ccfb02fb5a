"""verify_signature and signature_algorithm_from_der (cardreader.verify.signatures, algorithms)."""

from __future__ import annotations

import pytest
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from cardreader.emulator.issuer import make_issuer
from cardreader.errors import BadSignatureError, ParseError, UnsupportedAlgorithmError
from cardreader.lds.sod import DIGEST_NAMES, hash_algorithm
from cardreader.verify.algorithms import AlgorithmSpec, signature_algorithm_from_der
from cardreader.verify.curves import CURVES_BY_NAME
from cardreader.verify.signatures import verify_signature
from tests.cardreader.test_keys import explicit_spki

DATA = b"signed attributes of NGUYEN VAN THU's test card"
HASHES = ("sha1", "sha224", "sha256", "sha384", "sha512")
CURVES = {
    "p256": ec.SECP256R1(),
    "p384": ec.SECP384R1(),
    "p521": ec.SECP521R1(),
    "brainpoolP256r1": ec.BrainpoolP256R1(),
    "brainpoolP384r1": ec.BrainpoolP384R1(),
    "brainpoolP512r1": ec.BrainpoolP512R1(),
}


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


def _der_alg(name: str, parameters: object = None) -> bytes:
    value: dict[str, object] = {"algorithm": name}
    if parameters is not None:
        value["parameters"] = parameters
    return bytes(algos.SignedDigestAlgorithm(value).dump())


def _spki(key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.mark.parametrize("digest", HASHES)
def test_rsa_pkcs1v15_every_hash(rsa_key: rsa.RSAPrivateKey, digest: str) -> None:
    sig = rsa_key.sign(DATA, padding.PKCS1v15(), hash_algorithm(digest))
    alg = signature_algorithm_from_der(_der_alg(f"{digest}_rsa"))
    assert (alg.scheme, alg.hash_algorithm) == ("rsa-pkcs1v15", digest)
    verify_signature(rsa_key.public_key(), sig, DATA, alg)
    verify_signature(_spki(rsa_key.public_key()), sig, DATA, alg)
    with pytest.raises(BadSignatureError):
        verify_signature(rsa_key.public_key(), _flip(sig, 7), DATA, alg)
    with pytest.raises(BadSignatureError):
        verify_signature(rsa_key.public_key(), sig, DATA + b"!", alg)


@pytest.mark.parametrize(
    ("digest", "mgf", "salt"),
    [
        ("sha256", "sha256", 32),
        ("sha512", "sha512", 64),
        ("sha256", "sha1", 20),
        ("sha384", "sha384", 0),
    ],
)
def test_rsa_pss_parameters_come_from_the_identifier(
    rsa_key: rsa.RSAPrivateKey, digest: str, mgf: str, salt: int
) -> None:
    sig = rsa_key.sign(
        DATA, padding.PSS(padding.MGF1(hash_algorithm(mgf)), salt), hash_algorithm(digest)
    )
    params = algos.RSASSAPSSParams(
        {
            "hash_algorithm": {"algorithm": digest},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": mgf}},
            "salt_length": salt,
        }
    )
    alg = signature_algorithm_from_der(_der_alg("rsassa_pss", params))
    assert (alg.pss_hash_algorithm, alg.pss_mgf_hash_algorithm, alg.pss_salt_length) == (
        digest,
        mgf,
        salt,
    )
    verify_signature(rsa_key.public_key(), sig, DATA, alg)
    spec = AlgorithmSpec("rsa-pss", digest, pss_mgf_hash_algorithm=mgf, pss_salt_length=salt)
    verify_signature(rsa_key.public_key(), sig, DATA, spec)
    with pytest.raises(BadSignatureError):
        verify_signature(rsa_key.public_key(), _flip(sig, 100), DATA, alg)
    if salt:  # a wrong salt length in the parameters must not verify
        wrong = AlgorithmSpec("rsa-pss", digest, pss_mgf_hash_algorithm=mgf, pss_salt_length=1)
        with pytest.raises(BadSignatureError):
            verify_signature(rsa_key.public_key(), sig, DATA, wrong)


def test_rsa_pss_defaults_are_rfc4055(rsa_key: rsa.RSAPrivateKey) -> None:
    sig = rsa_key.sign(
        DATA, padding.PSS(padding.MGF1(hash_algorithm("sha1")), 20), hash_algorithm("sha1")
    )
    alg = signature_algorithm_from_der(
        _der_alg("rsassa_pss", algos.RSASSAPSSParams.load(b"\x30\x00"))
    )
    assert (alg.pss_hash_algorithm, alg.pss_mgf_hash_algorithm, alg.pss_salt_length) == (
        "sha1",
        "sha1",
        20,
    )
    verify_signature(rsa_key.public_key(), sig, DATA, alg)


@pytest.mark.parametrize("curve", list(CURVES), ids=str)
@pytest.mark.parametrize("digest", HASHES)
def test_ecdsa_der_and_plain(curve: str, digest: str) -> None:
    key = ec.generate_private_key(CURVES[curve])
    der = key.sign(DATA, ec.ECDSA(hash_algorithm(digest)))
    alg = signature_algorithm_from_der(_der_alg(f"{digest}_ecdsa"))
    assert (alg.scheme, alg.hash_algorithm) == ("ecdsa", digest)
    verify_signature(key.public_key(), der, DATA, alg)
    r, s = utils.decode_dss_signature(der)
    size = (key.curve.key_size + 7) // 8
    plain = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    verify_signature(key.public_key(), plain, DATA, AlgorithmSpec("ecdsa-plain", digest))
    # BSI TR-03111 ecdsa-plain-SHA* OIDs
    plain_oid = {"sha1": 1, "sha224": 2, "sha256": 3, "sha384": 4, "sha512": 5}[digest]
    plain_alg = signature_algorithm_from_der(_der_alg(f"0.4.0.127.0.7.1.1.4.1.{plain_oid}"))
    assert plain_alg.scheme == "ecdsa-plain"
    verify_signature(key.public_key(), plain, DATA, plain_alg)
    # r||s under an X9.62 OID (seen in the field) is read as plain; still checked.
    verify_signature(key.public_key(), plain, DATA, alg)
    with pytest.raises(BadSignatureError):
        verify_signature(key.public_key(), _flip(plain, 3), DATA, plain_alg)
    with pytest.raises(BadSignatureError):
        verify_signature(key.public_key(), der, DATA + b"x", alg)
    with pytest.raises(BadSignatureError, match="expected"):
        verify_signature(key.public_key(), plain[:-1], DATA, plain_alg)


def test_explicit_parameter_spki_verifies() -> None:
    key = ec.generate_private_key(ec.BrainpoolP512R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    spki = explicit_spki(CURVES_BY_NAME["brainpoolP512r1"], point)
    sig = key.sign(DATA, ec.ECDSA(hash_algorithm("sha512")))
    verify_signature(spki, sig, DATA, signature_algorithm_from_der(_der_alg("sha512_ecdsa")))


def test_hashless_identifiers_need_a_default_hash(rsa_key: rsa.RSAPrivateKey) -> None:
    sig = rsa_key.sign(DATA, padding.PKCS1v15(), hash_algorithm("sha256"))
    alg = signature_algorithm_from_der(_der_alg("rsassa_pkcs1v15"))
    assert alg.hash_algorithm is None
    with pytest.raises(UnsupportedAlgorithmError, match="names no hash"):
        verify_signature(rsa_key.public_key(), sig, DATA, alg)
    verify_signature(rsa_key.public_key(), sig, DATA, alg, default_hash="sha256")
    with pytest.raises(BadSignatureError):
        verify_signature(rsa_key.public_key(), sig, DATA, alg, default_hash="sha384")


def test_key_type_must_fit_the_scheme(rsa_key: rsa.RSAPrivateKey) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    sig = ec_key.sign(DATA, ec.ECDSA(hash_algorithm("sha256")))
    with pytest.raises(BadSignatureError, match="RSA key"):
        verify_signature(rsa_key.public_key(), sig, DATA, AlgorithmSpec("ecdsa", "sha256"))
    with pytest.raises(BadSignatureError, match="EC key"):
        verify_signature(ec_key.public_key(), sig, DATA, AlgorithmSpec("rsa-pkcs1v15", "sha256"))


def test_wrong_key_does_not_verify() -> None:
    a, b = ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())
    sig = a.sign(DATA, ec.ECDSA(hash_algorithm("sha384")))
    with pytest.raises(BadSignatureError):
        verify_signature(b.public_key(), sig, DATA, AlgorithmSpec("ecdsa", "sha384"))


def test_unknown_algorithms_are_unsupported(rsa_key: rsa.RSAPrivateKey) -> None:
    alg = signature_algorithm_from_der(_der_alg("1.2.3.4.5"))
    assert alg.scheme == "unknown"
    with pytest.raises(UnsupportedAlgorithmError, match=r"1\.2\.3\.4\.5"):
        verify_signature(rsa_key.public_key(), b"x", DATA, alg)
    with pytest.raises(UnsupportedAlgorithmError, match="md5"):
        verify_signature(rsa_key.public_key(), b"x", DATA, AlgorithmSpec("rsa-pkcs1v15", "md5"))


@pytest.mark.parametrize("data", [b"", b"\x30", b"\x30\x03\x06\x01", b"\x02\x01\x00"])
def test_malformed_algorithm_identifier(data: bytes) -> None:
    with pytest.raises(ParseError):
        signature_algorithm_from_der(data)


def test_pss_with_other_mask_generation_is_malformed() -> None:
    params = algos.RSASSAPSSParams(
        {"mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}}}
    )
    der = _der_alg("rsassa_pss", params)
    mgf1 = bytes.fromhex("06092a864886f70d010108")
    assert mgf1 in der
    with pytest.raises(ParseError, match="MGF1"):
        signature_algorithm_from_der(der.replace(mgf1, mgf1[:-1] + b"\x09"))


@pytest.mark.parametrize(
    "key_type", ["rsa-2048", "rsa-pss-2048", "ecdsa-p521", "ecdsa-brainpoolp256r1"]
)
def test_test_issuer_certificates_verify(key_type: str) -> None:
    """The certificate's own signatureAlgorithm drives the check (PSS, ECDSA, RSA)."""
    issuer = make_issuer(key_type)
    ds = issuer.new_document_signer()
    cert = asn1_x509.Certificate.load(ds.certificate_der())
    alg = signature_algorithm_from_der(cert["signature_algorithm"].dump())
    tbs = cert["tbs_certificate"].dump()
    signature = bytes(cert["signature_value"].native)
    verify_signature(issuer.certificate.public_key(), signature, tbs, alg)  # type: ignore[arg-type]
    with pytest.raises(BadSignatureError):
        verify_signature(ds.certificate.public_key(), signature, tbs, alg)  # type: ignore[arg-type]
    assert set(DIGEST_NAMES) >= {alg.hash_algorithm or alg.pss_hash_algorithm}


def test_rsa_signature_missing_its_leading_zero_byte() -> None:
    key = rsa.generate_private_key(65537, 1024)
    for i in range(4000):
        data = DATA + i.to_bytes(2, "big")
        sig = key.sign(data, padding.PKCS1v15(), hash_algorithm("sha256"))
        if sig[0] == 0:
            break
    else:
        pytest.fail("no signature with a leading zero byte in 4000 tries")
    alg = AlgorithmSpec("rsa-pkcs1v15", "sha256")
    verify_signature(key.public_key(), sig, data, alg)
    verify_signature(key.public_key(), sig[1:], data, alg)  # stripped by a sloppy encoder
    with pytest.raises(BadSignatureError):
        verify_signature(key.public_key(), sig[2:], data, alg)
