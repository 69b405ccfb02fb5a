"""``kiosk support-bundle``: what support needs, and nothing of the citizen or the keys."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import stat
import zipfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.cli import main
from kiosk.config import KioskConfig, LogsConfig, hash_operator_pin
from kiosk.environment import AppEnvironment
from kiosk.logs import setup_logging
from kiosk.readers import VirtualBackend
from kiosk.support_bundle import build_bundle
from tests.kiosk.test_logs import citizen_traces, demo, run_demo_session

__all__ = ["demo"]  # the fixture, shared with test_logs

#: Doctor checks run here: not the reader and card ones (the PC/SC stack is shared by other
#: test runs on this machine; a SELECT on someone else's virtual card is not ours to send).
DOCTOR_CHECKS = ("config", "trust", "outbox", "intake", "clock", "enrolment", "printer", "disk",
                 "keys")


def bundle_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def key_material(cfg: KioskConfig) -> list[str]:
    """Strings that would show a key leaked: the key file's secrets, the device key's PEM."""
    out: list[str] = ["PRIVATE KEY"]
    keys = json.loads(cfg.key_file_path.read_text("utf-8"))

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and len(value) >= 16:
            out.append(value)
            with contextlib.suppress(ValueError):
                out.append(base64.b64decode(value + "==").hex())

    walk(keys)
    pem = cfg.device_key_path.read_text("ascii")
    out.extend(line for line in pem.splitlines() if line and not line.startswith("-----"))
    return out


def test_bundle_after_a_demo_session_has_what_support_needs_and_no_personal_data(
    qtbot: QtBot, tmp_path: Path, demo: tuple[AppEnvironment, VirtualBackend]
) -> None:
    env, backend = demo
    logdata = tmp_path / "logdata"
    setup = setup_logging(logdata, LogsConfig(level="DEBUG"), console=False)
    try:
        run_demo_session(qtbot, env, backend)
        logging.getLogger("kiosk.test").warning("session over")
    finally:
        setup.close()
    cfg = env.config
    out = build_bundle(cfg, tmp_path / "out" / "bundle.zip", log_dir_of=logdata,
                       doctor_checks=DOCTOR_CHECKS)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    files = bundle_texts(out)
    assert {"manifest.json", "versions.json", "config.json", "doctor.json", "outbox.json",
            "trust.json", "readers.json", "logs/kiosk.log"} <= set(files)
    manifest = json.loads(files["manifest.json"])
    assert sorted(manifest["files"]) == sorted(set(files) - {"manifest.json"})

    versions = json.loads(files["versions.json"])
    assert versions["python"].count(".") == 2 and versions["packages"]["PySide6"]
    config = json.loads(files["config.json"])
    assert config["settings"]["intake.url"]["value"] == cfg.intake_url
    assert config["settings"]["bhyt.password"]["value"] == "<redacted>"
    doctor = json.loads(files["doctor.json"])
    assert [c["name"] for c in doctor["checks"]] == list(DOCTOR_CHECKS)
    outbox = json.loads(files["outbox.json"])
    assert outbox["exists"] is True
    assert outbox["counts"]["sent"] + outbox["counts"]["queued"] >= 3  # two forms + check-in
    trust = json.loads(files["trust.json"])
    assert "certificates" in trust or "error" in trust
    assert "session over" in files["logs/kiosk.log"]

    everything = "\n".join(files.values())
    for trace in citizen_traces():
        assert trace not in everything, f"bundle holds {trace!r}"
    # The demo receptionist's ID (in [bhyt]) is personal data too.
    assert "001190000333" not in everything and "PHẠM THỊ TIẾP" not in everything
    secrets = key_material(cfg)
    assert len(secrets) >= 4  # the marker, a payload key (and its hex), the device key
    for secret in secrets:
        assert secret not in everything, "key material in the bundle"
    # The raw outbox is not in it: only counts.
    assert not any(name.endswith((".sqlite3", ".pem", ".json.key")) for name in files)


def test_cli_bundle_works_with_a_broken_config(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCCD_KIOSK_DATA_DIR", str(tmp_path / "data"))
    pin = hash_operator_pin("2468", iterations=1000)
    bad = tmp_path / "kiosk.toml"
    bad.write_text(f'[ui]\nlanguage = "fr"\noperator_pin_hash = "{pin}"\n[intake]\n'
                   'url = "http://127.0.0.1:9"\ntimeout_s = 0.5\n', encoding="utf-8")
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True)
    line = "2026-01-01 10:00:00,000 WARNING x: read {} (old)\n"
    (logs / "kiosk-cli.log").write_text(line.format("001099012345"))
    out = tmp_path / "b.zip"
    assert main(["--config", str(bad), "support-bundle", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bundle"] == str(out)
    files = bundle_texts(out)
    config = json.loads(files["config.json"])
    assert "language" in config["load_error"]
    assert any(p["key"] == "ui.language" for p in config["problems"])
    assert pin not in "\n".join(files.values())
    assert files["logs/kiosk-cli.log"] == line.format("[id]")  # scrubbed again on the way in
    assert main(["support-bundle", "--out", str(tmp_path / "b.txt")]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "usage"


def test_a_failing_part_is_recorded_not_fatal(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.support_bundle as sb

    def broken(cfg: KioskConfig, now: object = None) -> dict[str, object]:
        raise RuntimeError("store unreadable for 001099012345")

    monkeypatch.setattr(sb, "trust_summary", broken)
    cfg = KioskConfig.defaults(tmp_path / "data")
    files = bundle_texts(build_bundle(cfg, tmp_path / "b.zip", doctor_checks=("disk",),
                                      include_readers=False))
    trust = json.loads(files["trust.json"])
    assert trust["error"].startswith("RuntimeError") and "001099012345" not in trust["error"]
    assert json.loads(files["outbox.json"]) == {"exists": False}
    assert not (tmp_path / "data" / "outbox.sqlite3").exists()
