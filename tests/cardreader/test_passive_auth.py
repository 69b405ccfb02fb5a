"""Passive authentication: genuine cards of every key type pass, and every tampering is caught.

The tamper corpus is generated here: every single-byte change of every data group and of the
SOD's signature, signed attributes and security object. Zero false rejections, zero false
accepts.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from cardreader.emulator.fake_card import DEMO_CITIZEN, FakeCard, build_fake_card
from cardreader.emulator.issuer import KEY_TYPES
from cardreader.lds.files import DG1, DG2, DG13, DG14, DG15, SOD, LdsFile
from cardreader.lds.sod import build_sod, parse_sod
from cardreader.verify.passive import passive_authentication
from cardreader.verify.trust_store import MemoryTrustSource, load_trust_sources


@lru_cache(maxsize=16)
def card_of(key_type: str = "ecdsa-p256", digest: str = "sha256", face: int = 2500) -> FakeCard:
    return build_fake_card(DEMO_CITIZEN, signer_key=key_type, digest=digest, face_bytes=face)


def trust_for(card: FakeCard, tmp: Path) -> MemoryTrustSource:
    path = tmp / "csca.pem"
    path.write_bytes(card.issuer.certificate_pem())
    return load_trust_sources([path])


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
def test_genuine_cards_of_every_key_type_are_valid(
    key_type: str, digest: str, tmp_path: Path
) -> None:
    card = card_of(key_type, digest)
    result = passive_authentication(card.lds_files(), trust_for(card, tmp_path))
    assert result.status == "valid", result.errors
    assert all(c.ok for c in result.checks)
    assert {c.name for c in result.checks} >= {
        "sod",
        "hash_dg1",
        "hash_dg2",
        "hash_dg13",
        "hash_dg14",
        "hash_dg15",
        "signed_attributes",
        "document_signer",
        "sod_signature",
        "chain",
    }


def test_no_trust_store_is_untrusted_not_forged(tmp_path: Path) -> None:
    card = card_of()
    result = passive_authentication(card.lds_files(), None)
    assert result.status == "untrusted"
    assert result.codes == {"untrusted_issuer"}


def test_a_document_signer_from_another_csca_is_untrusted(tmp_path: Path) -> None:
    card = card_of()
    other = build_fake_card(DEMO_CITIZEN, face_bytes=2500)  # its own, different TEST CSCA
    result = passive_authentication(card.lds_files(), trust_for(other, tmp_path))
    assert result.status == "untrusted"
    assert result.codes == {"untrusted_issuer"}


def test_a_sod_missing_the_hash_of_a_present_group_is_invalid(tmp_path: Path) -> None:
    card = card_of()
    files = card.lds_files()
    groups = {f.dg_number: raw for f, raw in files.items() if f.dg_number not in (None, 13)}
    files[SOD] = build_sod(groups, signer=card.document_signer)
    result = passive_authentication(files, trust_for(card, tmp_path))
    assert result.status == "invalid"
    assert result.codes == {"missing_hash"}
    assert any(c.name == "hash_dg13" and not c.ok for c in result.checks)


def test_a_group_not_read_is_reported_not_failed(tmp_path: Path) -> None:
    card = card_of()
    files = card.lds_files()
    del files[DG2]  # read with --skip-face
    result = passive_authentication(files, trust_for(card, tmp_path))
    assert result.status == "valid"
    assert result.not_verified == ("dg2",)


def test_expired_document_signer_is_invalid(tmp_path: Path) -> None:
    card = card_of()
    later = _dt.datetime(2090, 1, 1, tzinfo=_dt.UTC)
    result = passive_authentication(card.lds_files(), trust_for(card, tmp_path), at=later)
    assert result.status == "invalid"
    assert "expired" in result.codes


def test_revoked_document_signer_is_invalid(tmp_path: Path) -> None:
    card = card_of()
    crl = card.issuer.issue_crl([card.document_signer.certificate])
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "revoked.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    (tmp_path / "csca.pem").write_bytes(card.issuer.certificate_pem())
    trust = load_trust_sources([tmp_path / "csca.pem", tmp_path / "revoked.crl"])
    result = passive_authentication(card.lds_files(), trust)
    assert result.status == "invalid"
    assert "revoked" in result.codes


def test_malformed_sod_is_invalid_with_a_message(tmp_path: Path) -> None:
    card = card_of()
    files = card.lds_files()
    files[SOD] = files[SOD][:200]
    result = passive_authentication(files, trust_for(card, tmp_path))
    assert result.status == "invalid"
    assert result.codes == {"malformed"}
    assert "EF.SOD" in result.errors[0].message


def _flips(data: bytes, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    end = len(data) if end is None else end
    for i in range(start, end):
        yield data[:i] + bytes((data[i] ^ 0x01,)) + data[i + 1 :]


@pytest.mark.parametrize("group", [DG1, DG2, DG13, DG14, DG15], ids=lambda f: f.name)
def test_every_single_byte_change_of_every_group_is_caught(group: LdsFile, tmp_path: Path) -> None:
    card = card_of()
    trust = trust_for(card, tmp_path)
    files = card.lds_files()
    assert passive_authentication(files, trust).status == "valid"
    caught = 0
    for tampered in _flips(files[group]):
        result = passive_authentication({**files, group: tampered}, trust)
        assert result.status == "invalid"
        assert result.codes == {"hash_mismatch"}
        caught += 1
    assert caught == len(files[group])


def _region(sod: bytes, part: bytes) -> tuple[int, int]:
    start = sod.index(part)
    return start, start + len(part)


@pytest.mark.parametrize("part", ["signature", "signed_attributes", "security_object"])
def test_every_single_byte_change_of_the_sod_is_caught(part: str, tmp_path: Path) -> None:
    card = card_of()
    trust = trust_for(card, tmp_path)
    files = card.lds_files()
    sod = parse_sod(files[SOD])
    body = {
        "signature": sod.signature,
        "signed_attributes": sod.signed_attrs_der[1:],  # as stored: only the tag differs
        "security_object": sod.encapsulated_content,
    }[part]
    start, end = _region(files[SOD], body)
    for tampered in _flips(files[SOD], start, end):
        result = passive_authentication({**files, SOD: tampered}, trust)
        assert result.status == "invalid", (part, result.checks)


@pytest.mark.parametrize("key_type", ["rsa-2048", "ecdsa-brainpoolp256r1"])
def test_every_signature_byte_change_is_caught_for_rsa_and_brainpool(
    key_type: str, tmp_path: Path
) -> None:
    card = card_of(key_type)
    trust = trust_for(card, tmp_path)
    files = card.lds_files()
    sod = parse_sod(files[SOD])
    start, end = _region(files[SOD], sod.signature)
    for tampered in _flips(files[SOD], start, end):
        result = passive_authentication({**files, SOD: tampered}, trust)
        assert result.status == "invalid"
        assert result.codes <= {"bad_signature", "malformed"}
