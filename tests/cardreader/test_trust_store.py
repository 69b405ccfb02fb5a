"""The on-disk trust store and in-memory trust sources (cardreader.verify.trust_store)."""

from __future__ import annotations

import json
import shutil
import stat
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.emulator.issuer import make_issuer
from cardreader.errors import BadSignatureError, InputError, ParseError
from cardreader.verify.certificates import (
    TrustSource,
    parse_certificate,
    validate_document_signer,
)
from cardreader.verify.master_list import MasterListError
from cardreader.verify.trust_store import (
    MemoryTrustSource,
    TrustStore,
    default_store_path,
    detect_kind,
    load_trust_sources,
)

DE_ML = "DE_ML_2026-05-28-08-28-45.ml"
NL_ML = "NL_ML_2026-07-22.ml"
VN_SKI = "88918f5a25ece37a3e04c52d38a4f2b5123c85c7"


@pytest.fixture(scope="module")
def de_store(shared_trust: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "trust"
    store = TrustStore(path)
    result = store.import_file(
        shared_trust / DE_ML, ml_anchor=shared_trust / "DE_ROOT_CA_CSCA07.cer"
    )
    assert result.verified and result.added == 588 and result.already_present == 0
    return path


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(src, dst)
    return dst


def test_store_layout_and_permissions(de_store: Path) -> None:
    assert stat.S_IMODE(de_store.stat().st_mode) == 0o700
    index = json.loads((de_store / "index.json").read_text("utf-8"))
    assert index["version"] == 1
    assert len(index["entries"]) == 588
    for raw in index["entries"][:50]:
        der = (de_store / "certs" / f"{raw['fingerprint']}.der").read_bytes()
        assert parse_certificate(der).fingerprint_hex == raw["fingerprint"]
    assert stat.S_IMODE((de_store / "index.json").stat().st_mode) == 0o600


def test_cold_store_lists_and_finds_vietnam(de_store: Path) -> None:
    store = TrustStore(de_store)
    vn = store.entries(country="vn")
    assert [e.ski for e in vn] == [VN_SKI]
    entry = vn[0]
    assert entry.key == "EC brainpoolP512r1 (explicit parameters)"
    assert entry.verified and entry.self_signed and not entry.expired()
    assert "verified against CN=csca-germany" in entry.source
    assert entry.to_dict()["expired"] is False
    assert len(store.entries()) == 588


def _claiming_vietnam(store: TrustStore) -> x509.Certificate:
    """A DS certificate that names Vietnam's CSCA (AKI and DN) but is signed by another key."""
    vn_cert = next(c for c in store.certificates() if c.ski_hex == VN_SKI)
    vn = x509.load_der_x509_certificate(vn_cert.der)
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name.from_rfc4514_string("CN=DS TEST forged,C=VN"))
        .issuer_name(vn.subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(vn.not_valid_before_utc)
        .not_valid_after(vn.not_valid_after_utc)
        .add_extension(
            x509.AuthorityKeyIdentifier(bytes.fromhex(VN_SKI), None, None), critical=False
        )
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


def test_lookup_by_aki_reaches_vietnams_key(de_store: Path) -> None:
    store = TrustStore(de_store)
    forged = parse_certificate(_claiming_vietnam(store).public_bytes(serialization.Encoding.DER))
    issuers = store.issuers_for(forged)
    assert [c.ski_hex for c in issuers] == [VN_SKI]
    source: TrustSource = store
    result = validate_document_signer(forged, source)
    assert not result.trusted
    assert [p.code for p in result.problems] == ["bad_signature"]


def test_warm_lookups_are_fast(de_store: Path) -> None:
    store = TrustStore(de_store)
    issuer = make_issuer("ecdsa-p256")
    ds = parse_certificate(issuer.new_document_signer().certificate_der())
    vn_like = parse_certificate(_claiming_vietnam(store).public_bytes(serialization.Encoding.DER))
    store.issuers_for(vn_like)  # first call parses the CSCA from disk
    start = time.perf_counter()
    for _ in range(2000):
        store.issuers_for(vn_like)
        store.issuers_for(ds)
        store.crls_for(vn_like)
    per_call = (time.perf_counter() - start) / 6000
    assert per_call < 200e-6, f"{per_call * 1e6:.1f} µs per lookup"


def test_master_list_needs_an_anchor_or_says_it_is_unverified(
    shared_trust: Path, tmp_path: Path
) -> None:
    store = TrustStore(tmp_path / "s")
    with pytest.raises(InputError, match="--ml-anchor"):
        store.import_file(shared_trust / NL_ML)
    assert len(TrustStore(tmp_path / "s")) == 0
    result = store.import_file(shared_trust / NL_ML, unverified=True)
    assert not result.verified
    entries = TrustStore(tmp_path / "s").entries(country="VN")
    assert not entries[0].verified and "NOT verified" in entries[0].source
    # Importing again with the anchor upgrades the entries.
    again = store.import_file(shared_trust / NL_ML, ml_anchor=shared_trust / "NL_ROOT_CA.cer")
    assert again.verified and again.added == 0 and again.already_present == 411
    entries = TrustStore(tmp_path / "s").entries(country="VN")
    assert entries[0].verified and "verified against" in entries[0].source


def test_wrong_anchor_or_tampered_list_is_refused(shared_trust: Path, tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "s")
    with pytest.raises(MasterListError):
        store.import_file(shared_trust / NL_ML, ml_anchor=shared_trust / "DE_ROOT_CA_CSCA07.cer")
    raw = bytearray((shared_trust / NL_ML).read_bytes())
    raw[-20] ^= 0x01  # inside the SignerInfo's signature
    bad = tmp_path / "tampered.ml"
    bad.write_bytes(bytes(raw))
    with pytest.raises(BadSignatureError):
        store.import_file(bad, ml_anchor=shared_trust / "NL_ROOT_CA.cer")
    with pytest.raises(BadSignatureError):
        store.import_file(bad, unverified=True)  # integrity is checked even then
    assert len(TrustStore(tmp_path / "s")) == 0


def test_certificates_and_crls_through_the_store(tmp_path: Path) -> None:
    csca = make_issuer("rsa-pss-2048", country="VN")
    ds = csca.new_document_signer("ecdsa-brainpoolp256r1")
    pem = tmp_path / "csca.pem"
    pem.write_bytes(csca.certificate_pem())
    crl_file = tmp_path / "vn.crl"
    crl_file.write_bytes(csca.issue_crl([ds]).public_bytes(serialization.Encoding.DER))
    store = TrustStore(tmp_path / "s")
    assert store.import_file(pem).kind == "certificates"
    ds_cert = parse_certificate(ds.certificate_der())
    assert validate_document_signer(ds_cert, TrustStore(tmp_path / "s")).ok
    result = store.import_file(crl_file)
    assert (result.kind, result.added) == ("crl", 1)
    assert store.import_file(crl_file).already_present == 1
    cold = TrustStore(tmp_path / "s")
    assert len(cold.entries(kind="crl")) == 1
    verdict = validate_document_signer(ds_cert, cold)
    assert [p.code for p in verdict.problems] == ["revoked"]


def test_damaged_object_file_is_reported_not_trusted(tmp_path: Path) -> None:
    csca = make_issuer("ecdsa-p256")
    der = tmp_path / "csca.der"
    der.write_bytes(csca.certificate_der())
    store = TrustStore(tmp_path / "s")
    store.import_file(der)
    fp = store.entries()[0].fingerprint
    obj = tmp_path / "s" / "certs" / f"{fp}.der"
    obj.write_bytes(make_issuer("ecdsa-p256").certificate_der())  # swapped behind our back
    cold = TrustStore(tmp_path / "s")
    ds = parse_certificate(csca.new_document_signer().certificate_der())
    assert cold.issuers_for(ds) == []
    assert any("does not match its name" in w for w in cold.warnings)
    (tmp_path / "s" / "index.json").write_text("{not json", "utf-8")
    with pytest.raises(ParseError, match="unreadable index"):
        TrustStore(tmp_path / "s")


def test_default_path_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "cccd-kiosk" / "trust"
    assert TrustStore().path == default_store_path()


def test_detect_kind(shared_trust: Path) -> None:
    assert detect_kind((shared_trust / DE_ML).read_bytes()) == "master_list"
    assert detect_kind((shared_trust / "NL_ROOT_CA.cer").read_bytes()) == "certificates"
    csca = make_issuer("ecdsa-p256")
    assert detect_kind(csca.issue_crl().public_bytes(serialization.Encoding.PEM)) == "crl"
    assert detect_kind(csca.issue_crl().public_bytes(serialization.Encoding.DER)) == "crl"
    assert detect_kind(csca.certificate_pem()) == "certificates"
    with pytest.raises(ParseError):
        detect_kind(b"hello")


# --- --trust PATH... -----------------------------------------------------------------------


def test_trust_folder_verifies_lists_with_the_certificates_beside_them(
    shared_trust: Path,
) -> None:
    source = load_trust_sources([shared_trust])
    assert isinstance(source, MemoryTrustSource)
    assert source.warnings == []
    kinds = {Path(r.path).name: (r.kind, r.verified) for r in source.results}
    assert kinds[DE_ML] == ("master_list", True)
    assert kinds[NL_ML] == ("master_list", True)
    assert [e.ski for e in source.entries(country="VN")] == [VN_SKI]


def test_list_alone_is_used_but_flagged_not_verified(shared_trust: Path) -> None:
    source = load_trust_sources([shared_trust / NL_ML])
    assert len(source.warnings) == 1 and "NOT verified" in source.warnings[0]
    assert not source.results[0].verified
    assert not source.entries(country="VN")[0].verified
    explicit = load_trust_sources(
        [shared_trust / NL_ML], ml_anchors=[shared_trust / "NL_ROOT_CA.cer"]
    )
    assert explicit.warnings == [] and explicit.results[0].verified
    with pytest.raises(MasterListError):
        load_trust_sources(
            [shared_trust / NL_ML], ml_anchors=[shared_trust / "DE_ROOT_CA_CSCA07.cer"]
        )


def test_trust_folder_with_test_issuer_crl_and_junk(tmp_path: Path) -> None:
    csca = make_issuer("ecdsa-brainpoolp384r1")
    ds = csca.new_document_signer()
    folder = tmp_path / "trust"
    (folder / "sub").mkdir(parents=True)
    (folder / "csca.cer").write_bytes(csca.certificate_der())
    (folder / "sub" / "csca.crl").write_bytes(
        csca.issue_crl([ds]).public_bytes(serialization.Encoding.PEM)
    )
    (folder / "README.txt").write_text("not a certificate", "utf-8")
    source = load_trust_sources([folder])
    assert any("README.txt" in w and "skipped" in w for w in source.warnings)
    result = validate_document_signer(parse_certificate(ds.certificate_der()), source)
    assert [p.code for p in result.problems] == ["revoked"]
    with pytest.raises(ParseError):
        load_trust_sources([folder / "README.txt"])  # named directly: an error, not a skip
    with pytest.raises(InputError):
        load_trust_sources([folder / "missing.cer"])


def test_crl_signature_checked_at_import(tmp_path: Path) -> None:
    csca = make_issuer("ecdsa-p256")
    crl_file = tmp_path / "vn.crl"
    crl_file.write_bytes(csca.issue_crl().public_bytes(serialization.Encoding.DER))
    csca_file = tmp_path / "csca.der"
    csca_file.write_bytes(csca.certificate_der())

    early = TrustStore(tmp_path / "a").import_file(crl_file)
    assert not early.verified and "no CSCA in the store verifies it yet" in early.message

    store = TrustStore(tmp_path / "b")
    store.import_file(csca_file)
    result = store.import_file(crl_file)
    assert result.verified and "signature verified with" in result.message

    # A CRL naming this CSCA's key but signed by another key is refused.
    impostor = make_issuer("ecdsa-p256")
    ski = csca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    forged = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(csca.certificate.subject)
        .last_update(csca.certificate.not_valid_before_utc)
        .next_update(csca.certificate.not_valid_after_utc)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value),
            critical=False,
        )
        .add_extension(x509.CRLNumber(2), critical=False)
        .sign(impostor.private_key, hashes.SHA256())
    )
    forged_file = tmp_path / "forged.crl"
    forged_file.write_bytes(forged.public_bytes(serialization.Encoding.DER))
    with pytest.raises(BadSignatureError, match="does not verify"):
        store.import_file(forged_file)
    assert len(TrustStore(tmp_path / "b").entries(kind="crl")) == 1


def test_a_store_folder_works_as_a_trust_path(tmp_path: Path) -> None:
    csca = make_issuer("ecdsa-p384")
    ds = csca.new_document_signer()
    der = tmp_path / "csca.der"
    der.write_bytes(csca.certificate_der())
    crl = tmp_path / "csca.crl"
    crl.write_bytes(csca.issue_crl([ds]).public_bytes(serialization.Encoding.DER))
    store = TrustStore(tmp_path / "store")
    store.import_file(der)
    store.import_file(crl)
    source = load_trust_sources([tmp_path / "store"])
    assert source.warnings == []
    result = validate_document_signer(parse_certificate(ds.certificate_der()), source)
    assert [p.code for p in result.problems] == ["revoked"]
