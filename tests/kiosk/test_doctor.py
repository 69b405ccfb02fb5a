"""``kiosk doctor``: every check through the real part it checks (trust store with the real ICAO
master lists, the outbox, the reference intake server on loopback, the file system), and the
command line. The PC/SC checks are in test_doctor_pcsc.py. Only fake citizens appear here."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import stat
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.cli import main
from kiosk.config import KioskConfig, hash_operator_pin, load_config
from kiosk.device_key import DeviceKey
from kiosk.doctor import (
    CHECK_NAMES,
    CLOCK_FAIL_S,
    CLOCK_WARN_S,
    DISK_FAIL_BYTES,
    DISK_WARN_BYTES,
    DoctorReport,
    clock_status,
    disk_status,
    run_checks,
)
from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.outbox import FileKeyProvider, Outbox
from kiosk.outbox.store import Failed
from tests.kiosk.outbox_support import FAKE_ID, FAKE_NAME, TOKEN, enroll, fake_payload, ref_for

PIN_HASH = hash_operator_pin("2468", iterations=1000)
DAY = 86400.0


def write_config(tmp_path: Path, url: str = "http://127.0.0.1:9", extra: str = "",
                 pin: bool = True) -> Path:
    path = tmp_path / "kiosk.toml"
    ui = f'[ui]\noperator_pin_hash = "{PIN_HASH}"\n' if pin else ""
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        f'[intake]\nurl = "{url}"\ntimeout_s = 5\n'
        f"[keys]\nuse_keyring = false\n"
        f"[outbox]\ndead_letter_after = 1\n"
        f'[trust]\nstore = "{tmp_path / "trust"}"\n' + ui + extra,
        encoding="utf-8",
    )
    return path


def config(tmp_path: Path, **kwargs: object) -> KioskConfig:
    return load_config(write_config(tmp_path, **kwargs), env={})  # type: ignore[arg-type]


def one(cfg: KioskConfig, name: str, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    report = run_checks(cfg, only=[name], **kwargs)
    assert [c.name for c in report.checks] == [name]
    check = report.checks[0]
    doc = check.to_dict()
    assert doc["message"]["vi"] and doc["message"]["en"]
    if check.status in ("warn", "fail"):  # every problem comes with a fix hint
        assert check.hint is not None and check.hint.vi and check.hint.en
    return check.status, dict(check.details)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IntakeServer]:
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "intake.db"), enrolment_token=TOKEN).start()
    yield srv
    srv.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed when this returns: nothing listens there


# --- report and command line -------------------------------------------------------------------


def test_report_exit_code_and_dict(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    report = run_checks(cfg, only=["config", "disk"])
    assert [c.name for c in report.checks] == ["config", "disk"]  # CHECK_NAMES order
    assert report.to_dict()["status"] == "ok" and report.exit_code == 0
    warned = run_checks(config(tmp_path, pin=False), only=["config"])
    assert warned.worst == "warn" and warned.exit_code == 0
    assert DoctorReport(warned.checks, strict=True).exit_code == 1
    with pytest.raises(ValueError, match="unknown check 'nope'"):
        run_checks(cfg, only=["nope"])


def test_cli_json_human_strict_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, url=f"http://127.0.0.1:{closed_port()}", pin=False)
    assert main(["--config", str(path), "doctor", "--json", "--check", "disk"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in doc["checks"]] == ["disk"] and doc["exit_code"] == 0

    assert main(["--config", str(path), "doctor", "--check", "config"]) == 0  # a warning only
    assert main(["--config", str(path), "doctor", "--check", "config", "--strict"]) == 1
    human = capsys.readouterr().out
    assert "[CẢNH BÁO/WARN] config" in human and "kiosk pin-hash" in human
    assert "Tổng / total: 0 ok, 1 cảnh báo/warn" in human

    assert main(["--config", str(path), "doctor", "--json", "--check", "intake",
                 "--check", "clock"]) == 1  # the intake server is down
    doc = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["status"]) for c in doc["checks"]] == [("intake", "fail"),
                                                                ("clock", "skip")]
    assert main(["--config", str(path), "doctor", "--check", "bogus"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "usage"


def test_every_check_runs_and_none_crashes(tmp_path: Path) -> None:
    """A fresh data folder, no reader configured, intake down: every check answers."""
    cfg = config(tmp_path, url=f"http://127.0.0.1:{closed_port()}",
                 extra='printer = "none"\n')
    report = run_checks(cfg, reader="no such reader anywhere")
    assert [c.name for c in report.checks] == list(CHECK_NAMES)
    by_name = {c.name: c for c in report.checks}
    assert not any("the check itself failed" in c.message.en for c in report.checks)
    assert by_name["trust"].status == "fail"  # empty store: no CSCA of Vietnam
    assert by_name["intake"].status == "fail" and by_name["enrolment"].status == "fail"
    assert by_name["printer"].status == "skip"
    assert report.exit_code == 1
    json.dumps(report.to_dict())  # serialisable as it is


# --- config ------------------------------------------------------------------------------------


def test_config_check(tmp_path: Path) -> None:
    status, details = one(config(tmp_path), "config")
    assert status == "ok" and details["source"] == str(tmp_path / "kiosk.toml")
    status, _ = one(config(tmp_path, url="http://intake.example.gov.vn"), "config")
    assert status == "warn"
    status, _ = one(config(tmp_path, url="https://intake.example.gov.vn"), "config")
    assert status == "ok"
    status, details = one(KioskConfig.defaults(tmp_path), "config")
    assert status == "warn" and details["source"] is None  # defaults: no operator PIN


def test_config_check_finds_errors_in_the_tables_other_parts_own(tmp_path: Path) -> None:
    """The file loads, but the application would refuse to start: the doctor says so."""
    path = write_config(tmp_path, extra="[site]\nname = 5\n")  # not in quotes
    status, details = one(load_config(path, env={}), "config")
    assert status == "fail" and details["issues"][0]["key"] == "site.name"
    path = write_config(tmp_path, extra='[site]\nname = "UBND phường Thử"\n[kiosk_extras]\nx = 1\n')
    status, details = one(load_config(path, env={}), "config")
    assert status == "warn" and details["issues"][0]["severity"] == "warning"
    assert details["issues"][0]["key"] == "kiosk_extras"  # an unknown table: a typo?


# --- trust store -------------------------------------------------------------------------------

ML_DE = ("DE_ML_2026-05-28-08-28-45.ml", "DE_ROOT_CA_CSCA07.cer")
ML_NL = ("NL_ML_2026-07-22.ml", "NL_ROOT_CA.cer")


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory, shared_trust: Path) -> Path:
    """The real German and Dutch master lists (with a CSCA of Vietnam) in a temporary store."""
    from cardreader.verify.trust_store import TrustStore

    path = tmp_path_factory.mktemp("trust") / "store"
    store = TrustStore(path)
    for ml, anchor in (ML_DE, ML_NL):
        store.import_file(shared_trust / ml, ml_anchor=shared_trust / anchor)
    return path


def at(day: str) -> float:
    return dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()


def trust_cfg(tmp_path: Path, store: Path) -> KioskConfig:
    shutil.copytree(store, tmp_path / "trust")
    return config(tmp_path)


def test_trust_real_master_lists_fresh_and_old(tmp_path: Path, real_store: Path) -> None:
    cfg = trust_cfg(tmp_path, real_store)
    status, d = one(cfg, "trust", now=lambda: at("2026-08-01"))
    assert status == "ok", d
    assert d["vn_valid"] == 1 and d["newest_master_list_age_days"] == 9  # NL list, 2026-07-23
    assert d["master_lists"] == {"DE_ML_2026-05-28-08-28-45.ml": "2026-05-28",
                                 "NL_ML_2026-07-22.ml": "2026-07-23"}
    assert isinstance(d["expired_cscas"], int) and d["expired_cscas"] > 0  # other countries'

    status, d = one(cfg, "trust", now=lambda: at("2026-11-23"))
    assert status == "warn" and d["newest_master_list_age_days"] == 123
    report = run_checks(cfg, only=["trust"], now=lambda: at("2026-11-23"))
    assert "123 days old" in report.checks[0].message.en
    assert "cccd trust import" in str(report.checks[0].hint)


def test_trust_vietnam_csca_expired_or_missing(tmp_path: Path, real_store: Path) -> None:
    cfg = trust_cfg(tmp_path, real_store)
    status, d = one(cfg, "trust", now=lambda: at("2038-01-01"))  # VN's CSCA ends in 2037
    assert status == "fail" and d["vn_cscas"] == 1 and d["vn_valid"] == 0
    (tmp_path / "empty").mkdir()
    empty = config(tmp_path / "empty")
    status, d = one(empty, "trust")
    assert status == "fail" and d["certificates"] == 0


def _fake_vn_csca_and_crl(folder: Path, next_update: dt.datetime) -> tuple[Path, Path]:
    """A TEST CSCA of Vietnam (never a real one) and a CRL it signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "TEST CSCA Doctor")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    crl = (x509.CertificateRevocationListBuilder().issuer_name(name)
           .last_update(next_update - dt.timedelta(days=90)).next_update(next_update)
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                          critical=False)
           .add_extension(x509.CRLNumber(1), critical=False)
           .sign(key, hashes.SHA256()))
    cert_path, crl_path = folder / "test-csca.pem", folder / "test.crl"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    crl_path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return cert_path, crl_path


def test_trust_crl_past_next_update(tmp_path: Path) -> None:
    from cardreader.verify.trust_store import TrustStore

    cert, crl = _fake_vn_csca_and_crl(tmp_path, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    store = TrustStore(tmp_path / "trust")
    store.import_file(cert)
    assert store.import_file(crl).verified
    cfg = config(tmp_path)
    status, d = one(cfg, "trust", now=lambda: at("2026-05-01"))
    assert status == "ok" and d["crls"] == 1 and d["newest_master_list_age_days"] is None
    status, d = one(cfg, "trust", now=lambda: at("2026-06-02"))
    assert status == "warn" and d["crls_past_next_update"] == 1


def test_trust_unreadable_index(tmp_path: Path) -> None:
    (tmp_path / "trust").mkdir()
    (tmp_path / "trust" / "index.json").write_text("{not json", encoding="utf-8")
    status, d = one(config(tmp_path), "trust")
    assert status == "fail" and d["error"] == "malformed"


# --- outbox ------------------------------------------------------------------------------------


def _outbox(cfg: KioskConfig, clock: float | None = None) -> Outbox:
    kwargs = {} if clock is None else {"clock": lambda: clock}
    return Outbox(cfg.outbox_path, FileKeyProvider(cfg.key_file_path), dead_after=1,
                  **kwargs)  # type: ignore[arg-type]


def test_outbox_missing_healthy_old_and_dead(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    status, d = one(cfg, "outbox")
    assert status == "ok" and not cfg.outbox_path.exists()  # the check creates nothing

    with _outbox(cfg) as outbox:
        outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    status, d = one(cfg, "outbox")
    assert status == "ok" and d["integrity"] == "ok" and d["depth"] == 1

    with _outbox(cfg, clock=time.time() - 2 * 3600) as outbox:  # queued two hours ago
        outbox.enqueue("test.item", fake_payload(2), citizen_ref=ref_for(2))
    status, d = one(cfg, "outbox")
    assert status == "warn" and d["depth"] == 2

    with _outbox(cfg, clock=time.time() - 2 * DAY) as outbox:  # two days: citizens wait
        outbox.enqueue("test.item", fake_payload(3), citizen_ref=ref_for(3))
    status, _ = one(cfg, "outbox")
    assert status == "fail"


def test_outbox_dead_letters_and_no_personal_data(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    with _outbox(cfg) as outbox:
        for seq in (1, 8):  # the same fake citizen (ref_for cycles over 7)
            outbox.enqueue("test.item", fake_payload(seq), citizen_ref=ref_for(seq))
        (first,) = outbox.claim(1)
        outbox.complete([Failed(first.id, "http_400", 0, permanent=True)])
    report = run_checks(cfg, only=["outbox"])
    check = report.checks[0]
    assert check.status == "warn" and check.details["counts"]["dead"] == 1
    assert check.details["blocked_by_dead"] == 1 and check.details["last_error_code"] == "http_400"
    assert "retry-dead" in str(check.hint)
    text = json.dumps(report.to_dict(), ensure_ascii=False) + report.to_text()
    assert FAKE_NAME not in text and FAKE_ID not in text


def test_outbox_lost_key_and_corruption(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    with _outbox(cfg) as outbox:
        for seq in range(300):
            outbox.enqueue("test.item", fake_payload(seq), citizen_ref=ref_for(seq))
    key = cfg.key_file_path.read_bytes()
    cfg.key_file_path.unlink()
    status, _ = one(cfg, "outbox")
    assert status == "fail" and not cfg.key_file_path.exists()  # no new key was made
    cfg.key_file_path.write_bytes(key)
    os.chmod(cfg.key_file_path, 0o600)

    data = bytearray(cfg.outbox_path.read_bytes())
    assert len(data) > 16 * 4096
    for page in range(4, len(data) // 4096 - 2):  # scribble over the table's pages
        data[page * 4096 + 100: page * 4096 + 400] = b"\xa5" * 300
    cfg.outbox_path.write_bytes(bytes(data))
    report = run_checks(cfg, only=["outbox"])
    assert report.checks[0].status == "fail"
    assert report.checks[0].message.en == "the outbox database is corrupt"
    assert "support-bundle" in str(report.checks[0].hint)


# --- intake, clock, enrolment through the reference server ---------------------------------------


def test_intake_clock_enrolment_enrolled(tmp_path: Path, server: IntakeServer) -> None:
    cfg = config(tmp_path, url=server.url)
    key = DeviceKey.load_or_create(cfg.device_key_path)
    assert enroll(server.url, key).status_code == 201
    report = run_checks(cfg, only=["intake", "clock", "enrolment"])
    assert [c.status for c in report.checks] == ["ok", "ok", "ok"], report.to_text()
    assert abs(report.check("clock").details["skew_s"]) <= 2
    assert report.check("enrolment").details["device_id"] == key.device_id


def test_enrolment_not_enrolled_and_no_key(tmp_path: Path, server: IntakeServer) -> None:
    cfg = config(tmp_path, url=server.url)
    status, _ = one(cfg, "enrolment")
    assert status == "fail" and not cfg.device_key_path.exists()  # no key: nothing to ask
    DeviceKey.load_or_create(cfg.device_key_path)
    status, d = one(cfg, "enrolment")
    assert status == "fail" and d["http_status"] == 403 and d["code"] == "unknown_device"
    assert server.db.stats()["submissions"] == 0  # the check submitted nothing


def test_clock_skew_against_the_server(tmp_path: Path, server: IntakeServer) -> None:
    cfg = config(tmp_path, url=server.url)
    key = DeviceKey.load_or_create(cfg.device_key_path)
    assert enroll(server.url, key).status_code == 201
    ahead = run_checks(cfg, only=["clock", "enrolment"], now=lambda: time.time() + 120)
    assert ahead.check("clock").status == "warn"
    assert 118 <= ahead.check("clock").details["skew_s"] <= 122
    assert ahead.check("enrolment").status == "ok"  # within the server's 300 s window
    behind = run_checks(cfg, only=["clock", "enrolment"], now=lambda: time.time() - 600)
    assert behind.check("clock").status == "fail"
    assert "behind" in behind.check("clock").message.en
    enrol = behind.check("enrolment")  # the server refuses the signature: says why
    assert enrol.status == "fail" and enrol.details["code"] == "stale_timestamp"


def test_clock_status_thresholds() -> None:
    assert clock_status(0) == clock_status(-CLOCK_WARN_S) == "ok"
    assert clock_status(CLOCK_WARN_S + 1) == clock_status(-CLOCK_FAIL_S) == "warn"
    assert clock_status(CLOCK_FAIL_S + 1) == clock_status(-CLOCK_FAIL_S - 1) == "fail"


def test_intake_down_and_wrong_url(tmp_path: Path, server: IntakeServer) -> None:
    down = config(tmp_path, url=f"http://127.0.0.1:{closed_port()}")
    DeviceKey.load_or_create(down.device_key_path)
    report = run_checks(down, only=["intake", "clock", "enrolment"])
    assert [c.status for c in report.checks] == ["fail", "skip", "skip"]
    assert report.check("intake").details["error"] == "ConnectError"
    wrong = config(tmp_path, url=server.url + "/nowhere")
    status, d = one(wrong, "intake")
    assert status == "fail" and d["http_status"] == 404


class _Portal(BaseHTTPRequestHandler):
    """A captive portal: every URL answers 200 with a login page."""

    def do_GET(self) -> None:
        page = b"<html><body>Dang nhap Wi-Fi / Wi-Fi login</body></html>" * 2000  # ~110 KB
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_captive_portal_is_not_the_intake_server(tmp_path: Path) -> None:
    portal = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    thread = threading.Thread(target=portal.serve_forever, daemon=True)
    thread.start()
    try:
        cfg = config(tmp_path, url=f"http://127.0.0.1:{portal.server_address[1]}")
        DeviceKey.load_or_create(cfg.device_key_path)
        report = run_checks(cfg, only=["intake", "enrolment"])
    finally:
        portal.shutdown()
        portal.server_close()
    intake, enrolment = report.checks
    assert intake.status == "fail" and "captive portal" in intake.message.en
    assert enrolment.status == "skip"  # a 200 from the portal is not an enrolment


# --- printer (a stand-in lpstat: CUPS is not installed on the test machine) ---------------------

LPSTAT = """#!/bin/sh
# Answers like CUPS 2.4's lpstat for one printer called Receipt.
case "$1" in
  -d) if [ -n "$DEFAULT" ]; then echo "system default destination: $DEFAULT";
      else echo "no system default destination"; fi ;;
  -p) if [ "$2" = Receipt ]; then
        echo "printer Receipt is idle.  $STATE since Mon 23 Nov 2026 09:00:00 AM UTC"
      else echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1; fi ;;
esac
"""


@pytest.fixture
def lpstat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "lpstat"
    script.write_text(LPSTAT, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STATE", "enabled")
    return script


def test_printer_named_missing_disabled_default(
    tmp_path: Path, lpstat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, d = one(config(tmp_path, extra='printer = "Receipt"\n'), "printer")
    assert status == "ok" and d["printer"] == "Receipt"
    status, d = one(config(tmp_path, extra='printer = "Nope"\n'), "printer")
    assert status == "fail" and "Invalid destination" in str(d["lpstat"])
    monkeypatch.setenv("STATE", "disabled")
    status, _ = one(config(tmp_path, extra='printer = "Receipt"\n'), "printer")
    assert status == "fail"
    monkeypatch.setenv("STATE", "enabled")
    status, _ = one(config(tmp_path), "printer")  # "" = the system default: there is none
    assert status == "skip"
    monkeypatch.setenv("DEFAULT", "Receipt")
    status, d = one(config(tmp_path), "printer")
    assert status == "ok" and d["printer"] == "Receipt"


def test_printer_without_cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    status, _ = one(config(tmp_path), "printer")
    assert status == "skip"  # nothing configured: a hint, not a failure
    status, _ = one(config(tmp_path, extra='printer = "Receipt"\n'), "printer")
    assert status == "fail"
    status, _ = one(config(tmp_path, extra='printer = "none"\n'), "printer")
    assert status == "skip"


# --- disk and keys -----------------------------------------------------------------------------


def test_disk_thresholds_and_real_folders(tmp_path: Path) -> None:
    assert disk_status(DISK_FAIL_BYTES - 1) == "fail"
    assert disk_status(DISK_FAIL_BYTES) == disk_status(DISK_WARN_BYTES - 1) == "warn"
    assert disk_status(DISK_WARN_BYTES) == "ok"
    cfg = config(tmp_path)
    status, d = one(cfg, "disk")
    free = shutil.disk_usage(tmp_path).free
    assert status == disk_status(free) and abs(int(d["free_mb"]) - free // 2**20) < 64
    assert d["exists"] is False  # not created yet: its parent is checked
    unwritable = KioskConfig.defaults(Path("/proc/cccd-kiosk-doctor"))
    status, _ = one(unwritable, "disk")
    assert status == "fail"
    assert list(tmp_path.glob(".doctor-*")) == []


def test_key_file_permissions(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    status, d = one(cfg, "keys")
    assert status == "ok" and d == {}
    with _outbox(cfg):
        pass
    DeviceKey.load_or_create(cfg.device_key_path)
    status, d = one(cfg, "keys")
    assert status == "ok" and d["modes"] == {"outbox_keys": "600", "device_key": "600"}
    os.chmod(cfg.device_key_path, 0o644)
    report = run_checks(cfg, only=["keys"])
    assert report.checks[0].status == "fail"
    assert f"chmod 600 {cfg.device_key_path}" in str(report.checks[0].hint)
    assert stat.S_IMODE(cfg.device_key_path.stat().st_mode) == 0o644  # reported, not changed


def test_an_invalid_config_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, extra="idle_timeout_s = 5\n")  # below the 10 s minimum
    assert main(["--config", str(path), "doctor", "--json"]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "config" and "[ui] idle_timeout_s" in error["message"]
