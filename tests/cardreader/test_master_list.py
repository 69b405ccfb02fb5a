"""ICAO master lists on the real German and Dutch lists (cardreader.verify.master_list)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.errors import BadSignatureError, CardReaderError, ParseError
from cardreader.verify.certificates import Certificate, parse_certificate
from cardreader.verify.keys import named_curve_spki
from cardreader.verify.master_list import (
    MasterList,
    MasterListError,
    check_integrity,
    is_master_list,
    parse_master_list,
    verify_master_list,
)

LISTS = {
    "DE": ("DE_ML_2026-05-28-08-28-45.ml", "DE_ROOT_CA_CSCA07.cer"),
    "NL": ("NL_ML_2026-07-22.ml", "NL_ROOT_CA.cer"),
}
VN_SKI = bytes.fromhex("88918f5a25ece37a3e04c52d38a4f2b5123c85c7")


@pytest.fixture(scope="module")
def lists(shared_trust: Path) -> dict[str, tuple[bytes, MasterList, Certificate]]:
    out = {}
    for country, (ml_name, anchor_name) in LISTS.items():
        raw = (shared_trust / ml_name).read_bytes()
        anchor = parse_certificate((shared_trust / anchor_name).read_bytes())
        out[country] = (raw, parse_master_list(raw), anchor)
    return out


@pytest.mark.parametrize("country", LISTS)
def test_real_list_verifies_against_its_anchor(
    lists: dict[str, tuple[bytes, MasterList, Certificate]], country: str
) -> None:
    raw, ml, anchor = lists[country]
    assert is_master_list(raw)
    assert ml.version == 0
    assert not ml.skipped
    assert len(ml.certificates) > 400
    result = verify_master_list(ml, [anchor])
    assert result.anchor == anchor
    assert result.path[0] == result.signer
    assert result.signer.country == country
    assert result.signing_time is not None


def test_list_does_not_verify_against_the_other_countrys_anchor(
    lists: dict[str, tuple[bytes, MasterList, Certificate]],
) -> None:
    _, de, _ = lists["DE"]
    _, _, nl_anchor = lists["NL"]
    with pytest.raises(MasterListError, match="does not chain") as info:
        verify_master_list(de, [nl_anchor])
    assert info.value.code == "untrusted_issuer"
    with pytest.raises(MasterListError):
        verify_master_list(de, [])
    assert check_integrity(de).country == "DE"  # well signed, just not anchored


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.mark.parametrize("country", LISTS)
@pytest.mark.parametrize("where", ["signature", "certificate", "signed-attributes"])
def test_tampered_list_is_refused(
    lists: dict[str, tuple[bytes, MasterList, Certificate]], country: str, where: str
) -> None:
    raw, ml, anchor = lists[country]
    if where == "signature":
        index = raw.rindex(ml.signature) + len(ml.signature) // 2
    elif where == "certificate":  # a byte inside one CSCA's signature value: still parses
        victim = ml.certificates[len(ml.certificates) // 2]
        index = raw.index(victim.signature) + 5
    else:  # the signing time inside the signed attributes
        index = raw.index(ml.signed_attrs_der[1:]) + len(ml.signed_attrs_der) - 8
    tampered = _flip(raw, index)
    with pytest.raises(CardReaderError) as info:
        verify_master_list(parse_master_list(tampered), [anchor])
    assert isinstance(info.value, BadSignatureError | ParseError)
    if where == "certificate":
        assert "altered" in info.value.message


def test_vietnam_csca_in_both_lists(
    lists: dict[str, tuple[bytes, MasterList, Certificate]],
) -> None:
    found = []
    for country in LISTS:
        _, ml, _ = lists[country]
        matches = [c for c in ml.certificates if c.subject_key_identifier == VN_SKI]
        assert len(matches) == 1, country
        found.append(matches[0])
    vn = found[0]
    assert found[1] == vn
    assert vn.country == "VN"
    assert vn.subject == (
        "CN=CSCA ePassport Vietnam,O=Vietnam Government Information Security Commission,C=VN"
    )
    assert vn.not_before.year == 2022 and vn.not_after.year == 2037
    assert vn.is_self_signed
    info = vn.public_key_info
    assert (info.algorithm, info.curve, info.explicit_parameters) == ("ec", "brainpoolP512r1", True)
    # pyca/cryptography refuses the key as encoded, accepts it re-encoded with the curve OID.
    with pytest.raises(UnsupportedAlgorithm, match="explicit parameters"):
        serialization.load_der_public_key(vn.spki_der)
    assert isinstance(info.key, ec.EllipticCurvePublicKey)
    reloaded = serialization.load_der_public_key(named_curve_spki(info.key))
    assert isinstance(reloaded, ec.EllipticCurvePublicKey)
    assert reloaded.curve.name == "brainpoolP512r1"
    assert vn.signature_algorithm.name == "sha512-ecdsa"
    vn.verify_issued_by(vn)  # the self-signature verifies
    tampered = parse_certificate(_flip(vn.der, len(vn.der) - 10))
    with pytest.raises(BadSignatureError):
        tampered.verify_issued_by(vn)


def test_every_self_signature_and_link_certificate_verifies(
    lists: dict[str, tuple[bytes, MasterList, Certificate]],
) -> None:
    """Across both lists: all keys load (explicit parameters included), every self-signed CSCA
    verifies with its own key, every link certificate with its issuer when that is listed."""
    everything: dict[bytes, Certificate] = {}
    stats: Counter[str] = Counter()
    for country in LISTS:
        _, ml, _ = lists[country]
        for cert in ml.certificates:
            info = cert.public_key_info
            stats[f"{country} certificates"] += 1
            if info.explicit_parameters:
                stats[f"{country} explicit EC parameters"] += 1
                if info.curve and info.curve.startswith("brainpool"):
                    stats[f"{country} explicit brainpool (refused by pyca as encoded)"] += 1
            if cert.fingerprint not in everything:
                everything[cert.fingerprint] = cert
    by_ski: dict[bytes, list[Certificate]] = {}
    for cert in everything.values():
        if cert.subject_key_identifier:
            by_ski.setdefault(cert.subject_key_identifier, []).append(cert)
    failures = []
    for cert in everything.values():
        if cert.is_self_signed:
            try:
                cert.verify_issued_by(cert)
                stats["self-signed, verified"] += 1
                if cert.public_key_info.explicit_parameters:
                    stats["self-signed with explicit parameters, verified"] += 1
            except CardReaderError as exc:
                failures.append(f"{cert.subject}: {exc.message}")
            continue
        issuers = by_ski.get(cert.authority_key_identifier or b"", [])
        if not issuers:
            stats["link certificates whose issuer is in neither list"] += 1
            continue
        for issuer in issuers:
            try:
                cert.verify_issued_by(issuer)
            except CardReaderError:
                continue
            stats["link certificates, verified with their issuer"] += 1
            break
        else:
            failures.append(f"link {cert.subject}: no listed issuer verifies it")
    print("\n" + "\n".join(f"{k}: {v}" for k, v in sorted(stats.items())))
    assert failures == []
    assert stats["DE explicit brainpool (refused by pyca as encoded)"] > 0
    assert stats["self-signed with explicit parameters, verified"] > 0
    # "About one in six" German CSCAs that pyca cannot load as they are.
    ratio = stats["DE explicit brainpool (refused by pyca as encoded)"] / stats["DE certificates"]
    assert 0.1 < ratio < 0.25


def test_not_a_master_list(shared_trust: Path) -> None:
    anchor = (shared_trust / "DE_ROOT_CA_CSCA07.cer").read_bytes()
    assert not is_master_list(anchor)
    with pytest.raises(ParseError):
        parse_master_list(anchor)
    with pytest.raises(ParseError):
        parse_master_list(b"\x30\x03\x06\x01\x00")
