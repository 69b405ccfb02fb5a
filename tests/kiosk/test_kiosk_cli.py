"""The ``kiosk`` command line and the configuration it loads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main, parse_cutoff
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.outbox import FileKeyProvider, Outbox
from kiosk.outbox.store import Delivered, Failed
from tests.kiosk.outbox_support import (
    REPO,
    TOKEN,
    fake_payload,
    free_port,
    python_env,
    ref_for,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IntakeServer]:
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "intake.db"), enrolment_token=TOKEN).start()
    yield srv
    srv.stop()


def write_config(tmp_path: Path, url: str = "http://127.0.0.1:9", extra: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        f'[intake]\nurl = "{url}"\ntimeout_s = 5\n'
        f"[keys]\nuse_keyring = false\n"
        f"[outbox]\ndead_letter_after = 2\nbackoff_base_s = 0.01\nbackoff_cap_s = 0.02\n"
        + extra,
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def open_outbox(cfg: KioskConfig) -> Outbox:
    return Outbox(cfg.outbox_path, FileKeyProvider(cfg.key_file_path),
                  dead_after=cfg.dead_letter_after)


# --- configuration -------------------------------------------------------------------------


def test_config_defaults_and_sections(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra='[bhyt]\nendpoint = "https://gw.test"\nuser = "u"\n')
    cfg = load_config(path, env={})
    assert cfg.data_dir == tmp_path / "data"
    assert cfg.outbox_path == tmp_path / "data" / "outbox.sqlite3"
    assert cfg.device_key_path == tmp_path / "data" / "device_key.pem"
    assert cfg.dead_letter_after == 2 and cfg.backoff_base_s == 0.01
    assert cfg.dead_blocks_citizen is True
    assert cfg.use_keyring is False and cfg.request_timeout_s == 5.0
    assert cfg.sections["bhyt"] == {"endpoint": "https://gw.test", "user": "u"}
    env_cfg = load_config(path, env={"CCCD_KIOSK_DATA_DIR": str(tmp_path / "elsewhere")})
    assert env_cfg.outbox_path == tmp_path / "elsewhere" / "outbox.sqlite3"
    assert load_config(None, env={"CCCD_KIOSK_CONFIG": str(path)}).source == path
    plain = load_config(None, env={})
    assert plain.intake_url.startswith("http") and plain.sections == {}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[outbox]\ndead_leter_after = 3\n", "dead_leter_after"),
        ("[outbox]\ndead_letter_after = 0\n", "dead_letter_after"),
        ("[outbox]\ndead_letter_after = 'five'\n", "dead_letter_after"),
        ("[intake]\nurl = 'ftp://x'\n", "url"),
        ("[outbox]\nbackoff_base_s = 10\nbackoff_cap_s = 1\n", "backoff"),
        ("outbox = 3\n", "[outbox]"),
        ("colour = 'blue'\n", "colour"),
        ("not toml [", "TOML"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert fragment in err.value.message and str(path) in err.value.message


# --- outbox commands -----------------------------------------------------------------------


def test_status_without_an_outbox_creates_nothing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    cfg_path = write_config(tmp_path)
    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "status", "--json")
    assert code == 0
    assert doc["counts"] == {"queued": 0, "sending": 0, "sent": 0, "dead": 0}
    assert not (tmp_path / "data").exists()


def test_status_retry_dead_and_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg_path = write_config(tmp_path)
    cfg = load_config(cfg_path, env={})
    outbox = open_outbox(cfg)
    for i in range(3):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i))
    a, b = outbox.claim(2)
    outbox.complete([Delivered(a.id, "HS-1"), Failed(b.id, "http_400", 0, permanent=True)])
    (b2,) = outbox.claim(1)[:1] or [None]
    assert b2 is not None
    outbox.complete([Failed(b2.id, "http_400", 0, permanent=True)])
    outbox.close()

    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "status", "--json")
    assert code == 0
    assert doc["counts"] == {"queued": 1, "sending": 0, "sent": 1, "dead": 1}
    assert doc["depth"] == 1 and doc["last_error"] == "http_400"
    assert isinstance(doc["oldest_pending_age_s"], float)

    assert main(["--config", str(cfg_path), "outbox", "status"]) == 0
    human = capsys.readouterr().out
    assert "Đang chờ gửi / queued: 1" in human and "dead: 1" in human

    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "retry-dead", "--json")
    assert (code, doc) == (0, {"requeued": 1})

    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "purge", "--sent-before",
                    "2000-01-01", "--json")
    assert code == 0 and doc["purged"] == 0
    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "purge", "--sent-before",
                    "2999-01-01T00:00:00+07:00", "--json")
    assert code == 0 and doc["purged"] == 1
    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "status", "--json")
    assert doc["counts"] == {"queued": 2, "sending": 0, "sent": 0, "dead": 0}
    events = [json.loads(x) for x in cfg.audit_log_path.read_text().splitlines()]
    assert [(e["event"], e["action"], e["count"]) for e in events] == [
        ("outbox.operator", "retry_dead", 1),
        ("outbox.operator", "purge", 0),
        ("outbox.operator", "purge", 1),
    ]


def test_cutoff_parsing() -> None:
    day = parse_cutoff("2026-11-01")
    assert (day.hour, day.minute, day.tzinfo is not None) == (0, 0, True)
    assert parse_cutoff("2026-11-01T10:00:00+00:00").utcoffset().total_seconds() == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("argv", "code_name"),
    [
        (["outbox", "purge", "--sent-before", "yesterday"], "invalid_input"),
        (["outbox", "purge"], "usage"),
        (["outbox", "frobnicate"], "usage"),
        (["--config", "/nonexistent/kiosk.toml", "outbox", "status"], "config"),
        (["enroll"], "invalid_input"),
        (["outbox", "sync"], "device_key"),
    ],
)
def test_errors_are_json_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                     code_name: str) -> None:
    monkeypatch.delenv("KIOSK_ENROLMENT_TOKEN", raising=False)
    cfg_path = write_config(tmp_path)
    if "--config" not in argv:
        argv = ["--config", str(cfg_path), *argv]
    assert main(argv) == 1
    out = capsys.readouterr().out
    doc = json.loads(out.strip().splitlines()[-1])
    assert doc["error"]["code"] == code_name
    assert doc["error"]["message"]


# --- enroll, sync, rotate-key -----------------------------------------------------------


def test_enroll_sync_and_rotate(tmp_path: Path, server: IntakeServer,
                                capsys: pytest.CaptureFixture[str]) -> None:
    cfg_path = write_config(tmp_path, url=server.url)
    cfg = load_config(cfg_path, env={})
    token_file = tmp_path / "token"
    token_file.write_text("wrong-token")
    code, doc = run(capsys, "--config", str(cfg_path), "enroll", "--token-file",
                    str(token_file), "--json")
    assert code == 1 and doc["error"]["code"] == "bad_enrolment_token"

    token_file.write_text(TOKEN + "\n")
    code, doc = run(capsys, "--config", str(cfg_path), "enroll", "--token-file",
                    str(token_file), "--label", "Quầy 1", "--json")
    assert code == 0 and doc["enrolled"] is True and doc["new"] is True
    assert cfg.device_key_path.stat().st_mode & 0o777 == 0o600

    outbox = open_outbox(cfg)
    for i in range(3):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i))
    old_key = FileKeyProvider(cfg.key_file_path).load().current_id
    outbox.close()

    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "rotate-key", "--retire",
                    "--json")
    assert code == 0
    assert doc["rewrapped"] == 3 and doc["retired"] == [old_key]
    assert doc["current_key"] != old_key

    code, doc = run(capsys, "--config", str(cfg_path), "outbox", "sync", "--json")
    assert code == 0 and doc["delivered"] == 3
    assert doc["status"]["counts"]["sent"] == 3  # type: ignore[index]
    assert server.db.stats()["submissions"] == 3


def test_enroll_unreachable_server(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_ENROLMENT_TOKEN", TOKEN)
    cfg_path = write_config(tmp_path, url=f"http://127.0.0.1:{free_port()}")
    code, doc = run(capsys, "--config", str(cfg_path), "enroll", "--json")
    assert code == 1 and doc["error"]["code"] == "network"


def test_console_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[outbox]\ndead_letter_after = -1\n")
    r = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(bad), "outbox",
                        "status", "--json"], capture_output=True, text=True, cwd=REPO,
                       env=python_env(), timeout=60)
    assert r.returncode == 1
    assert json.loads(r.stdout)["error"]["code"] == "config"
    assert "Traceback" not in r.stderr + r.stdout
    good = write_config(tmp_path)
    r = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(good), "outbox",
                        "status", "--json"], capture_output=True, text=True, cwd=REPO,
                       env=python_env(), timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["depth"] == 0


# --- the application's options and [ui] ----------------------------------------------------


def test_ui_table_is_read_and_checked(tmp_path: Path) -> None:
    from kiosk.config import UiConfig, hash_operator_pin

    pin_hash = hash_operator_pin("4321", iterations=1000)
    path = write_config(tmp_path, extra=(
        f'[ui]\nmode = "clinic"\nlanguage = "en"\nidle_timeout_s = 45\n'
        f'operator_pin_hash = "{pin_hash}"\nfullscreen = false\nspeech = true\n'
        f'printer = "none"\n'))
    ui = load_config(path, env={}).ui
    assert ui == UiConfig(mode="clinic", language="en", idle_timeout_s=45.0,
                          operator_pin_hash=pin_hash, fullscreen=False, speech=True,
                          printer="none")
    assert load_config(None, env={}).ui == UiConfig()  # kiosk, Vietnamese, 60 s, no PIN


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[ui]\nmode = 'desk'\n", "[ui] mode"),
        ("[ui]\nlanguage = 'fr'\n", "[ui] language"),
        ("[ui]\nidle_timeout_s = 2\n", "idle_timeout_s"),
        ("[ui]\nidle_timeout_s = 86400\n", "idle_timeout_s"),
        ("[ui]\nfullscreen = 'yes'\n", "fullscreen"),
        ("[ui]\noperator_pin_hash = '1234'\n", "operator_pin_hash"),
        ("[ui]\noperator_pin_hash = 'pbkdf2_sha256$1$abc$def'\n", "kiosk pin-hash"),
        ("[ui]\nprocedures = ['ct01']\n", "[site] procedures"),
        ("[ui]\nidle_timout_s = 30\n", "idle_timout_s"),
    ],
)
def test_ui_table_errors_name_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert fragment in err.value.message


def test_operator_pin_hash_round_trip() -> None:
    from kiosk.config import check_operator_pin, hash_operator_pin

    first = hash_operator_pin("2468", iterations=1000)
    second = hash_operator_pin("2468", iterations=1000)
    assert first != second  # a fresh salt each time
    assert first.startswith("pbkdf2_sha256$1000$")
    assert check_operator_pin("2468", first) and check_operator_pin("2468", second)
    assert not check_operator_pin("2469", first)
    assert not check_operator_pin("24680", first)
    assert not check_operator_pin("abcd", first)  # not a PIN at all: refused, not an error
    assert hash_operator_pin("2468", salt=b"s" * 16) == hash_operator_pin("2468", salt=b"s" * 16)
    assert hash_operator_pin("2468").startswith("pbkdf2_sha256$600000$")
    for bad in ("123", "1234567890123", "12a4", "١٢٣٤"):  # short, long, letters, Arabic digits
        with pytest.raises(ConfigError):
            hash_operator_pin(bad)
    with pytest.raises(ConfigError):
        check_operator_pin("2468", "sha1$whatever")


def test_pin_hash_command(capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kiosk.config import check_operator_pin

    monkeypatch.setattr("sys.stdin", io.StringIO("135790\n"))
    code, doc = run(capsys, "pin-hash", "--json")
    assert code == 0
    assert check_operator_pin("135790", str(doc["operator_pin_hash"]))
    monkeypatch.setattr("sys.stdin", io.StringIO("135790\n"))
    assert main(["pin-hash"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith('operator_pin_hash = "pbkdf2_sha256$600000$') and line.endswith('"')
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    code, doc = run(capsys, "pin-hash")
    assert code == 1 and doc["error"]["code"] == "invalid_input"  # type: ignore[index]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("kiosk ") and out != "kiosk "


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--demo", "outbox", "status"], "--demo: only without a command"),
        (["--mode", "clinic", "enroll"], "--mode: only without a command"),
        (["--headless"], "--headless needs --demo"),
        (["--screenshots", "out"], "--screenshots needs --headless"),
        (["--mode", "desk"], "invalid choice"),
        (["--lang", "fr"], "invalid choice"),
    ],
)
def test_application_options_misuse(capsys: pytest.CaptureFixture[str], argv: list[str],
                                    fragment: str) -> None:
    code, doc = run(capsys, *argv)
    assert code == 1
    assert doc["error"]["code"] == "usage"  # type: ignore[index]
    assert fragment in doc["error"]["message"]  # type: ignore[index]


def test_no_display_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.cli

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, doc = run(capsys, "--demo")
    assert code == 1
    assert doc["error"]["code"] == "no_display"  # type: ignore[index]
    assert "--headless" in doc["error"]["message"]  # type: ignore[index]
    assert not kiosk.cli.has_display({})
    assert kiosk.cli.has_display({"WAYLAND_DISPLAY": "wayland-0"})


def test_headless_runs_the_walkthrough_offscreen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--headless hands over to ui.walkthrough.run_walkthrough(out_dir, modes)."""
    import types

    import kiosk.cli

    calls: list[tuple[Path, list[str], str | None]] = []
    fake = types.ModuleType("ui.walkthrough")

    def run_walkthrough(out_dir: Path, modes: list[str]) -> int:
        import os

        calls.append((out_dir, modes, os.environ.get("QT_QPA_PLATFORM")))
        return 3

    fake.run_walkthrough = run_walkthrough  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.walkthrough", fake)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    out = tmp_path / "shots"
    assert main(["--demo", "--headless", "--screenshots", str(out)]) == 3
    assert calls[-1] == (out, ["kiosk", "counter", "clinic"], "offscreen")
    assert main(["--demo", "--headless", "--mode", "clinic"]) == 3
    assert calls[-1][:2] == (kiosk.cli.DEFAULT_SCREENSHOTS, ["clinic"])
    monkeypatch.setenv("DISPLAY", ":0")  # a display: the walkthrough shows its windows
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert main(["--demo", "--headless"]) == 3
    assert calls[-1][2] is None
