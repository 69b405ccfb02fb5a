"""`cccd verify DIR [--trust PATH]... [--json]`: output shape and exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardreader.cli import main
from cardreader.emulator.fake_card import DEMO_CITIZEN, build_fake_card
from cardreader.verify.report import ERROR_CODES


@pytest.fixture(scope="module")
def card_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fake_card(DEMO_CITIZEN, face_bytes=2000).write(
        tmp_path_factory.mktemp("card") / "c"
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["verify", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_valid_with_the_issuing_csca(card_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, str(card_dir), "--trust", str(card_dir / "csca.pem"))
    assert (code, out["status"], out["errors"]) == (0, "valid", [])
    assert all(c["ok"] for c in out["checks"])  # type: ignore[index, union-attr]


def test_untrusted_against_the_real_master_lists(
    card_dir: Path, capsys: pytest.CaptureFixture[str], shared_trust: Path
) -> None:
    code, out = run(
        capsys,
        str(card_dir),
        "--trust",
        str(shared_trust / "DE_ML_2026-05-28-08-28-45.ml"),
        "--trust",
        str(shared_trust / "DE_ROOT_CA_CSCA07.cer"),
    )
    assert (code, out["status"]) == (2, "untrusted")
    assert [e["code"] for e in out["errors"]] == ["untrusted_issuer"]  # type: ignore[union-attr]
    assert out["trust_warnings"] == []  # the list verified against its anchor


def test_invalid_when_a_group_changed(
    card_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    altered = tmp_path / "altered"
    altered.mkdir()
    for f in card_dir.iterdir():
        (altered / f.name).write_bytes(f.read_bytes())
    raw = bytearray((altered / "dg1.bin").read_bytes())
    raw[10] ^= 0x20
    (altered / "dg1.bin").write_bytes(bytes(raw))
    code, out = run(capsys, str(altered), "--trust", str(card_dir / "csca.pem"))
    assert (code, out["status"]) == (1, "invalid")
    codes = [e["code"] for e in out["errors"]]  # type: ignore[union-attr]
    assert codes == ["hash_mismatch"] and set(codes) <= set(ERROR_CODES)


def test_malformed_input_is_invalid_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sod.bin").write_bytes(b"\x77\x03abc")
    (tmp_path / "dg1.bin").write_bytes(b"\x61\x00")
    code, out = run(capsys, str(tmp_path))
    assert (code, out["status"]) == (1, "invalid")
    assert out["errors"][0]["code"] == "malformed"  # type: ignore[index]
    assert "EF.SOD" in out["errors"][0]["message"]  # type: ignore[index]
