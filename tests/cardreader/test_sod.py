"""EF.SOD: build -> parse round trips, byte-exact signed attributes, real signatures, errors."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from asn1crypto import algos, cms, core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from cardreader.emulator.issuer import KEY_TYPES, DocumentSigner, Issuer, make_issuer
from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds import sod as sod_mod
from cardreader.lds.sod import Sod, build_sod, hash_algorithm, parse_sod
from cardreader.lds.tlv import encode, parse_single

DIGESTS = ("sha1", "sha224", "sha256", "sha384", "sha512")

# Stand-ins for data groups: content is irrelevant to the SOD, only the raw bytes are hashed.
DGS = {
    1: bytes.fromhex("615B5F1F58") + b"IDVNM0990123453001099012345<<<" * 3,
    2: b"\x75\x82\x46\x50" + bytes(range(256)) * 70,
    13: b"\x6d\x81\xf0" + "NGUYỄN VĂN THỬ".encode() * 10,
    14: b"\x6e\x3f" + b"\x31" * 63,
    15: b"\x6f\x81\xa2" + b"\x30" * 162,
}


@functools.cache
def _issuer(key_type: str) -> Issuer:
    return make_issuer(key_type)


@functools.cache
def _signer(key_type: str) -> DocumentSigner:
    return _issuer(key_type).new_document_signer()


def _verify_signature(parsed: Sod, cert_der: bytes) -> None:
    """Test-local signature check with pyca/cryptography (raises InvalidSignature)."""
    cert = x509.load_der_x509_certificate(cert_der)
    key = cert.public_key()
    alg = parsed.signature_algorithm
    h = hash_algorithm(parsed.signature_hash_algorithm)
    if alg.scheme == "ecdsa":
        assert isinstance(key, ec.EllipticCurvePublicKey)
        key.verify(parsed.signature, parsed.signed_attrs_der, ec.ECDSA(h))
    elif alg.scheme == "rsa-pkcs1v15":
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(parsed.signature, parsed.signed_attrs_der, padding.PKCS1v15(), h)
    elif alg.scheme == "rsa-pss":
        assert isinstance(key, rsa.RSAPublicKey)
        assert alg.pss_mgf_hash_algorithm is not None and alg.pss_salt_length is not None
        pss = padding.PSS(
            mgf=padding.MGF1(hash_algorithm(alg.pss_mgf_hash_algorithm)),
            salt_length=alg.pss_salt_length,
        )
        key.verify(parsed.signature, parsed.signed_attrs_der, pss, h)
    else:
        raise AssertionError(f"unexpected scheme {alg.scheme}")


@pytest.mark.parametrize("digest", DIGESTS)
@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_round_trip_every_key_type_and_digest(key_type: str, digest: str) -> None:
    signer = _signer(key_type)
    raw = build_sod(DGS, signer=signer, digest=digest)
    parsed = parse_sod(raw)

    assert parsed.raw == raw
    assert parsed.econtent_type == "2.23.136.1.1.1"
    assert parsed.digest_algorithm.name == digest
    assert parsed.signer_digest_algorithm.name == digest
    assert parsed.data_group_hashes == {n: hashlib.new(digest, v).digest() for n, v in DGS.items()}
    assert parsed.data_group_numbers == (1, 2, 13, 14, 15)
    assert parsed.signed_attr_content_type == "2.23.136.1.1.1"
    assert (
        parsed.signed_attr_message_digest
        == hashlib.new(digest, parsed.encapsulated_content).digest()
    )
    assert parsed.certificates == (signer.certificate_der(),)
    assert parsed.signer_id.serial_number == signer.certificate.serial_number
    assert parsed.signer_id.issuer_der is not None
    assert parsed.signature_hash_algorithm == digest
    expected_scheme = {"rsa-2048": "rsa-pkcs1v15", "rsa-pss-2048": "rsa-pss"}.get(key_type, "ecdsa")
    assert parsed.signature_algorithm.scheme == expected_scheme
    _verify_signature(parsed, parsed.certificates[0])


def test_signed_attrs_are_the_original_bytes_with_only_the_tag_swapped() -> None:
    raw = build_sod(
        DGS,
        signer=_signer("ecdsa-p256"),
        signing_time=dt.datetime(2023, 3, 15, 8, 30, tzinfo=dt.UTC),
    )
    parsed = parse_sod(raw)
    der = parsed.signed_attrs_der
    assert der[0] == 0x31
    assert raw.count(b"\xa0" + der[1:]) == 1
    assert parsed.encapsulated_content in raw
    assert parsed.signing_time == dt.datetime(2023, 3, 15, 8, 30, tzinfo=dt.UTC)


def test_signature_fails_on_tampered_signed_attributes() -> None:
    parsed = parse_sod(build_sod(DGS, signer=_signer("ecdsa-p256")))
    tampered = parsed.signed_attrs_der[:-1] + bytes([parsed.signed_attrs_der[-1] ^ 1])
    key = x509.load_der_x509_certificate(parsed.certificates[0]).public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    with pytest.raises(InvalidSignature):
        key.verify(parsed.signature, tampered, ec.ECDSA(hash_algorithm("sha256")))


def test_real_world_shape_ski_signer_lds_v1_no_signing_time() -> None:
    # Like many issued documents: SignerInfo v3 identified by subjectKeyIdentifier, no
    # signingTime, LDSSecurityObject v1 with ldsVersionInfo (LDS 1.8, Unicode 4.0.0),
    # data-group hash SHA-256 but signature with SHA-512.
    signer = _signer("ecdsa-brainpoolp384r1")
    raw = build_sod(
        DGS,
        signer=signer,
        digest="sha256",
        signature_digest="sha512",
        signer_id="ski",
        lds_version=("0108", "040000"),
    )
    parsed = parse_sod(raw)
    ski = signer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert parsed.signer_version == 3
    assert parsed.signer_id.subject_key_identifier == ski.value.digest
    assert parsed.signer_id.issuer_der is None and parsed.signer_id.serial_number is None
    assert parsed.signing_time is None
    assert parsed.lds_security_object_version == 1
    assert (parsed.lds_version, parsed.unicode_version) == ("0108", "040000")
    assert parsed.digest_algorithm.name == "sha256"
    assert parsed.signer_digest_algorithm.name == "sha512"
    assert parsed.signature_algorithm.name == "sha512-ecdsa"
    assert parsed.signed_attr_message_digest == hashlib.sha256(parsed.encapsulated_content).digest()
    _verify_signature(parsed, signer.certificate_der())


def test_pss_parameters_are_decoded() -> None:
    parsed = parse_sod(build_sod(DGS, signer=_signer("rsa-pss-2048"), digest="sha384"))
    alg = parsed.signature_algorithm
    assert alg.oid == "1.2.840.113549.1.1.10"
    assert alg.hash_algorithm is None
    assert alg.pss_hash_algorithm == "sha384"
    assert alg.pss_mgf_hash_algorithm == "sha384"
    assert alg.pss_salt_length == 48
    assert alg.pss_trailer_field == 1


def test_without_embedded_certificate() -> None:
    parsed = parse_sod(build_sod(DGS, signer=_signer("ecdsa-p256"), include_certificate=False))
    assert parsed.certificates == ()


def test_build_rejects_bad_arguments() -> None:
    signer = _signer("ecdsa-p256")
    with pytest.raises(ValueError):
        build_sod(DGS, signer=signer, digest="md5")
    with pytest.raises(ValueError):
        build_sod({0: b"x"}, signer=signer)
    with pytest.raises(ValueError):
        build_sod({}, signer=signer)
    with pytest.raises(ValueError):
        build_sod(DGS, signer=signer, signer_id="name")


# --- malformed input ----------------------------------------------------------------------


@functools.cache
def _valid() -> bytes:
    return build_sod(DGS, signer=_signer("ecdsa-p256"))


def _with_econtent(econtent: bytes) -> bytes:
    """The valid SOD with its eContent replaced (signature left stale: parsing ignores it)."""
    outer = _valid()
    ci = sod_mod.CmsContentInfo.load(outer[4:])
    ci["content"]["encap_content_info"]["content"] = core.ParsableOctetString(econtent)
    return encode(0x77, ci.dump(force=True))


def _lso(entries: list[tuple[int, bytes]], version: int = 0) -> bytes:
    lso = sod_mod._LdsSecurityObject(
        {
            "version": version,
            "hash_algorithm": {"algorithm": "sha256"},
            "data_group_hash_values": [
                {"data_group_number": n, "data_group_hash_value": h} for n, h in entries
            ],
        }
    )
    return bytes(lso.dump())


def test_replaced_econtent_helper_parses_when_valid() -> None:
    parsed = parse_sod(_with_econtent(_lso([(1, b"\x11" * 32), (2, b"\x22" * 32)])))
    assert parsed.data_group_hashes == {1: b"\x11" * 32, 2: b"\x22" * 32}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([(0, b"\x00" * 32)], "data group number 0"),
        ([(17, b"\x00" * 32)], "data group number 17"),
        ([(1, b"\x00" * 32), (1, b"\x01" * 32)], "hashed twice"),
        ([(1, b"")], "hash of 0 bytes"),
        ([(1, b"\x00" * 65)], "hash of 65 bytes"),
        ([], "no data group hashes"),
    ],
)
def test_bad_data_group_hashes(entries: list[tuple[int, bytes]], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_sod(_with_econtent(_lso(entries)))


def test_too_many_data_group_hashes() -> None:
    entries = [(n % 16 + 1, b"\x00" * 32) for n in range(17)]
    with pytest.raises(LimitExceededError, match="17 data group hashes"):
        parse_sod(_with_econtent(_lso(entries)))


def test_bad_lds_security_object_version() -> None:
    with pytest.raises(ParseError, match="version 2"):
        parse_sod(_with_econtent(_lso([(1, b"\x00" * 32)], version=2)))


def test_econtent_not_der() -> None:
    with pytest.raises(ParseError, match="LDSSecurityObject"):
        parse_sod(_with_econtent(b"\x30\x03\x02\x01"))


def test_wrong_econtent_type() -> None:
    raw = _valid()
    oid = bytes.fromhex("0606678108010101")
    assert raw.count(oid) == 2  # eContentType and the contentType signed attribute
    with pytest.raises(ParseError, match=r"eContentType 2\.23\.136\.1\.1\.2"):
        parse_sod(raw.replace(oid, bytes.fromhex("0606678108010102"), 1))


def test_missing_content_type_attribute_value_mismatch_is_kept_for_verification() -> None:
    # A SOD whose signed contentType differs from eContentType still parses: comparing them
    # is passive authentication's job, and the value object exposes both.
    raw = _valid()
    oid = bytes.fromhex("0606678108010101")
    i = raw.index(oid, raw.index(oid) + 1)
    changed = raw[:i] + bytes.fromhex("0606678108010102") + raw[i + len(oid) :]
    parsed = parse_sod(changed)
    assert parsed.signed_attr_content_type == "2.23.136.1.1.2"
    assert parsed.econtent_type == "2.23.136.1.1.1"


def test_wrong_outer_tag() -> None:
    with pytest.raises(ParseError, match="tag 76"):
        parse_sod(b"\x76" + _valid()[1:])


def test_trailing_bytes() -> None:
    with pytest.raises(ParseError, match="unexpected bytes"):
        parse_sod(_valid() + b"\x00")


def test_size_cap() -> None:
    with pytest.raises(LimitExceededError):
        parse_sod(b"\x77\x83\x01\x00\x01" + bytes(0x10001))


def test_not_signed_data() -> None:
    raw = _valid()
    signed_data = bytes.fromhex("06092A864886F70D010702")
    with pytest.raises(ParseError, match="expected signedData"):
        parse_sod(raw.replace(signed_data, bytes.fromhex("06092A864886F70D010701"), 1))


def test_empty_and_truncated() -> None:
    with pytest.raises(ParseError):
        parse_sod(b"")
    with pytest.raises(ParseError):
        parse_sod(b"\x77\x00")
    raw = _valid()
    with pytest.raises(ParseError):
        parse_sod(raw[:-10])


def test_certificates_are_checked_for_structure() -> None:
    raw = _valid()
    cert = parse_single(parse_sod(raw).certificates[0])
    signature = cert.children()[2]
    assert signature.tag == 0x03
    # The same certificate with its signature BIT STRING turned into an OCTET STRING.
    bad_cert = cert.raw.replace(signature.raw, b"\x04" + signature.raw[1:])
    assert len(bad_cert) == len(cert.raw)
    with pytest.raises(ParseError, match="not a Certificate structure"):
        parse_sod(raw.replace(cert.raw, bad_cert))


def _mutated(mutate: Callable[[Any], None]) -> bytes:
    """The valid SOD re-encoded after ``mutate`` changed its parsed SignedData."""
    ci = sod_mod.CmsContentInfo.load(_valid()[4:])
    mutate(ci["content"])
    return encode(0x77, ci.dump(force=True))


def _set_attrs(*keep: str, extra: tuple[Any, ...] = ()) -> Callable[[Any], None]:
    def mutate(sd: Any) -> None:
        si = sd["signer_infos"][0]
        attrs = [a for a in si["signed_attrs"] if a["type"].native in keep]
        si["signed_attrs"] = cms.CMSAttributes([*attrs, *extra])

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set_attrs("content_type"), "lack messageDigest"),
        (_set_attrs("message_digest"), "lack contentType"),
        (
            _set_attrs(
                "content_type",
                "message_digest",
                extra=(cms.CMSAttribute({"type": "message_digest", "values": [b"\x00" * 32]}),),
            ),
            "appears twice",
        ),
        (
            _set_attrs(
                "content_type",
                extra=(
                    cms.CMSAttribute(
                        {"type": "message_digest", "values": [b"\x00" * 32, b"\x01" * 32]}
                    ),
                ),
            ),
            "has 2 values",
        ),
    ],
)
def test_bad_signed_attributes(mutate: Callable[[Any], None], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_sod(_mutated(mutate))


def test_missing_signed_attributes() -> None:
    def drop(sd: Any) -> None:
        sd["signer_infos"][0]["signed_attrs"] = None

    with pytest.raises(ParseError, match="no signed attributes"):
        parse_sod(_mutated(drop))


def test_empty_signature() -> None:
    def empty(sd: Any) -> None:
        sd["signer_infos"][0]["signature"] = b""

    with pytest.raises(ParseError, match="empty signature"):
        parse_sod(_mutated(empty))


def test_signer_info_count() -> None:
    def none(sd: Any) -> None:
        sd["signer_infos"] = cms.SignerInfos([])

    with pytest.raises(ParseError, match="no SignerInfo"):
        parse_sod(_mutated(none))

    def many(sd: Any) -> None:
        sd["signer_infos"] = cms.SignerInfos([sd["signer_infos"][0].copy() for _ in range(5)])

    with pytest.raises(LimitExceededError, match="5 SignerInfos"):
        parse_sod(_mutated(many))

    def two(sd: Any) -> None:
        sd["signer_infos"] = cms.SignerInfos([sd["signer_infos"][0].copy() for _ in range(2)])

    assert parse_sod(_mutated(two)).signer_count == 2


def test_certificate_count_cap() -> None:
    def many(sd: Any) -> None:
        cert = sd["certificates"][0].copy()
        sd["certificates"] = cms.CertificateSet([cert.copy() for _ in range(9)])

    with pytest.raises(LimitExceededError, match="9 certificates"):
        parse_sod(_mutated(many))


def test_detached_content() -> None:
    def detach(sd: Any) -> None:
        sd["encap_content_info"]["content"] = None

    with pytest.raises(ParseError, match="detached"):
        parse_sod(_mutated(detach))


@pytest.mark.parametrize(
    ("oid", "name", "scheme", "hash_name"),
    [
        ("1.2.840.113549.1.1.1", "rsa", "rsa-pkcs1v15", "sha256"),  # hash from digestAlgorithm
        ("1.2.840.10045.2.1", "ecdsa", "ecdsa", "sha256"),
        ("0.4.0.127.0.7.1.1.4.1.4", "sha384-ecdsa-plain", "ecdsa-plain", "sha384"),
        ("1.2.3.4", "1.2.3.4", "unknown", "sha256"),  # unknown: kept for the verifier to refuse
    ],
)
def test_other_signature_algorithm_oids(oid: str, name: str, scheme: str, hash_name: str) -> None:
    def set_oid(sd: Any) -> None:
        sd["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": oid}
        )

    parsed = parse_sod(_mutated(set_oid))
    assert parsed.signature_algorithm.oid == oid
    assert parsed.signature_algorithm.name == name
    assert parsed.signature_algorithm.scheme == scheme
    assert parsed.signature_hash_algorithm == hash_name
