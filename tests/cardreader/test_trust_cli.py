"""``cccd trust import`` / ``cccd trust list`` (cardreader.trust_cli through cardreader.cli)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from cardreader.cli import main
from cardreader.emulator.issuer import make_issuer

NL_ML = "NL_ML_2026-07-22.ml"
VN_SKI = "88918f5a25ece37a3e04c52d38a4f2b5123c85c7"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in argv else out


def test_import_master_list_and_list_vietnam(
    capsys: pytest.CaptureFixture[str], shared_trust: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "store")
    code, doc = run(
        capsys,
        "trust", "import", str(shared_trust / NL_ML),
        "--ml-anchor", str(shared_trust / "NL_ROOT_CA.cer"),
        "--store", store, "--json",
    )  # fmt: skip
    assert code == 0
    assert doc["imported"][0]["kind"] == "master_list"
    assert doc["imported"][0]["verified"] is True
    assert doc["imported"][0]["added"] == 411
    assert doc["total_certificates"] == 411

    code, doc = run(capsys, "trust", "list", "--country", "VN", "--store", store, "--json")
    assert code == 0
    (entry,) = doc["entries"]
    assert entry["ski"] == VN_SKI
    assert entry["country"] == "VN"
    assert entry["subject"].startswith("CN=CSCA ePassport Vietnam")
    assert entry["not_before"].startswith("2022-06-29")
    assert entry["not_after"].startswith("2037-10-01")
    assert entry["expired"] is False
    assert "NL_ML_2026-07-22.ml" in entry["source"]
    assert "subject_der" not in entry

    code, text = run(capsys, "trust", "list", "--country", "vn", "--store", store)
    assert code == 0
    assert VN_SKI in text and "2037-10-01" in text and "1 mục / entries" in text

    code, doc = run(capsys, "trust", "list", "--store", store, "--json")
    assert len(doc["entries"]) == 411
    assert any(e["expired"] for e in doc["entries"])  # the list keeps old CSCAs


def test_import_certificate_and_crl(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csca = make_issuer("ecdsa-p384", country="VN")
    cert = tmp_path / "csca.pem"
    cert.write_bytes(csca.certificate_pem())
    crl = tmp_path / "csca.crl"
    crl.write_bytes(
        csca.issue_crl([csca.new_document_signer()]).public_bytes(serialization.Encoding.DER)
    )
    store = str(tmp_path / "store")
    code, doc = run(capsys, "trust", "import", str(cert), str(crl), "--store", store, "--json")
    assert code == 0
    assert [r["kind"] for r in doc["imported"]] == ["certificates", "crl"]
    assert (doc["total_certificates"], doc["total_crls"]) == (1, 1)
    code, doc = run(capsys, "trust", "list", "--crls", "--store", store, "--json")
    assert [e["kind"] for e in doc["entries"]] == ["crl"]
    code, text = run(capsys, "trust", "import", str(cert), "--store", store)
    assert code == 0 and "đã có 1 / already present 1" in text


@pytest.mark.parametrize(
    ("argv", "error_code"),
    [
        (["trust", "import", "missing.ml"], "invalid_input"),
        (["trust", "import", "NL"], "invalid_input"),
        (["trust", "list", "--country", "VNM"], "invalid_input"),
        (["trust", "import", "NL", "--ml-anchor", "DE_ROOT_CA_CSCA07.cer"], "untrusted_issuer"),
        (["trust", "import", "junk"], "malformed"),
    ],
)
def test_errors_exit_1_with_a_json_error(
    capsys: pytest.CaptureFixture[str],
    shared_trust: Path,
    tmp_path: Path,
    argv: list[str],
    error_code: str,
) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x30\x03\x02\x01\x05")
    names = {"NL": str(shared_trust / NL_ML), "junk": str(junk)}
    argv = [names.get(a, str(shared_trust / a) if a.endswith(".cer") else a) for a in argv]
    code, doc = run(capsys, *argv, "--store", str(tmp_path / "s"), "--json")
    assert code == 1
    assert set(doc) == {"error"}
    assert doc["error"]["code"] == error_code
    assert doc["error"]["message"]


def test_cccd_command_line(shared_trust: Path, tmp_path: Path) -> None:
    """The installed entry point, in its own process."""
    store = tmp_path / "store"
    proc = subprocess.run(
        [sys.executable, "-m", "cardreader.cli", "trust", "list", "--store", str(store), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["entries"] == []
