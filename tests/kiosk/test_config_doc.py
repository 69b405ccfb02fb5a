"""The documented configuration: the example file cannot drift from the code, ``config show``
says where each value came from and hides secrets, ``config check`` reports every problem."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import config as config_module
from kiosk.bhyt import settings as bhyt_settings
from kiosk.cli import main
from kiosk.config import KioskConfig, hash_operator_pin, load_config
from kiosk.config_doc import (
    OPTIONAL_TABLES,
    REDACTED,
    SETTINGS,
    check_config,
    effective_settings,
    render_example,
    setting,
    show_document,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "packaging" / "config" / "kiosk.toml"


def uncommented(text: str) -> str:
    """The example with every commented key line and optional table header switched on."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^# (\[\w+\]|\w+ = .*)$", line)
        out.append(m[1] if m else line)
    return "\n".join(out)


# --- the example file ---------------------------------------------------------------------------


def test_the_example_file_is_the_generated_one() -> None:
    assert EXAMPLE.read_text("utf-8") == render_example(), (
        "packaging/config/kiosk.toml is stale: kiosk config show --defaults > it"
    )


def test_every_key_the_code_accepts_is_documented() -> None:
    documented = {(s.table, s.key) for s in SETTINGS}
    for table, keys in config_module._OWN_KEYS.items():
        for key in keys:
            assert (table, key) in documented, f"[{table}] {key} is not in config_doc"
    for key in bhyt_settings._KEYS:
        assert ("bhyt", key) in documented, f"[bhyt] {key} is not in config_doc"
    own = {(t, k) for t, keys in config_module._OWN_KEYS.items() for k in keys}
    for s in SETTINGS:  # and nothing documented that the code refuses
        if s.table in config_module._OWN_KEYS:
            assert (s.table, s.key) in own, s.name


def test_documented_defaults_are_the_real_defaults(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    cfg = load_config(empty, env={"CCCD_KIOSK_DATA_DIR": str(tmp_path)})
    for s in SETTINGS:
        if s.effective is None or s.default is None:
            continue
        expected = s.default
        if s.allowed.startswith("a file path"):
            expected = str(tmp_path / s.default)
        assert s.effective(cfg) == expected, s.name
    # [bhyt]: the defaults BhytSettings applies to what the example leaves out
    minimal = {"bhyt": {"base_url": "https://gw.test", "username": "u", "password": "p",
                        "clinic_code": "01013", "clinic_name": "Phòng khám Thử"}}
    bhyt = bhyt_settings.BhytSettings.from_sections(minimal, data_dir=None)
    for key, value in {"timeout_s": bhyt.timeout_s, "tickets_path": str(bhyt.tickets_path),
                       "timezone": bhyt.timezone, "token_path": bhyt.token_path,
                       "lookup_path": bhyt.lookup_path}.items():
        assert setting(f"bhyt.{key}").default == value, key


def test_every_key_appears_in_the_example_with_its_default() -> None:
    text = EXAMPLE.read_text("utf-8")
    doc = tomllib.loads(uncommented(text))  # commented keys switched on, in their tables
    active = tomllib.loads(text)
    for s in SETTINGS:
        table = doc.get(s.table, {}) if s.table else doc
        assert s.key in table, f"{s.name} missing from the example"
        if s.default is not None:
            assert table[s.key] == s.default, s.name
        commented = s.commented or s.table in OPTIONAL_TABLES
        in_active = s.key in (active.get(s.table, {}) if s.table else active)
        assert in_active is not commented, s.name


def test_the_example_loads_to_the_defaults(tmp_path: Path) -> None:
    env = {"CCCD_KIOSK_DATA_DIR": str(tmp_path)}
    cfg = load_config(EXAMPLE, env=env)
    defaults = KioskConfig.defaults(tmp_path)
    assert dataclasses.replace(cfg, sections={}, source=None) == dataclasses.replace(
        defaults, data_dir_source="environment")
    assert check_config(EXAMPLE, env=env) == []


def test_the_example_with_everything_switched_on_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "all.toml"
    text = uncommented(EXAMPLE.read_text("utf-8"))
    text = text.replace('"pbkdf2_sha256$600000$..."', json.dumps(
        hash_operator_pin("2468", iterations=1000)))
    text = text.replace('receptionist_id = "..."', 'receptionist_id = "001190000333"')
    path.write_text(text, encoding="utf-8")
    doc = tomllib.loads(text)
    assert {(t, k) for t, v in doc.items() if isinstance(v, dict) for k in v} | set(
        (("", k) for k, v in doc.items() if not isinstance(v, dict))
    ) == {(s.table, s.key) for s in SETTINGS}
    assert check_config(path, env={}) == []


# --- show ---------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_show_names_each_source_and_redacts_secrets(tmp_path: Path) -> None:
    pin = hash_operator_pin("2468", iterations=1000)
    path = write(tmp_path, f'data_dir = "{tmp_path}/d"\n[ui]\nlanguage = "en"\n'
                 f'operator_pin_hash = "{pin}"\n[bhyt]\nbase_url = "https://gw.test"\n'
                 'password = "s3cret-pass"\nreceptionist_name = "PHẠM THỊ TIẾP"\n'
                 'receptionist_id = "001190000333"\n[extra]\napi_token = "tok-123"\nzone = 4\n')
    cfg = load_config(path, env={"CCCD_KIOSK_DATA_DIR": str(tmp_path / "env")})
    by_name = {e.name: e for e in effective_settings(cfg)}
    assert (by_name["data_dir"].value, by_name["data_dir"].source) == (
        str(tmp_path / "env"), "environment")
    assert (by_name["ui.language"].value, by_name["ui.language"].source) == ("en", "file")
    assert (by_name["ui.mode"].value, by_name["ui.mode"].source) == ("kiosk", "default")
    assert by_name["outbox.path"].value == str(tmp_path / "env" / "outbox.sqlite3")
    assert by_name["bhyt.base_url"].value == "https://gw.test"
    assert by_name["extra.zone"].value == 4 and not by_name["extra.zone"].documented
    text = json.dumps(show_document(cfg), ensure_ascii=False)
    for secret in (pin, "s3cret-pass", "PHẠM THỊ TIẾP", "001190000333", "tok-123"):
        assert secret not in text
    for name in ("ui.operator_pin_hash", "bhyt.password", "bhyt.receptionist_id",
                 "extra.api_token"):
        assert by_name[name].value == REDACTED
    assert by_name["ui.printer"].value == ""  # an empty value is not a secret to hide
    from_file = load_config(path, env={})
    assert {e.name: e.source for e in effective_settings(from_file)}["data_dir"] == "file"


def test_cli_show_json_defaults_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCCD_KIOSK_DATA_DIR", str(tmp_path / "data"))
    path = write(tmp_path, '[ui]\nidle_timeout_s = 90\n[site]\nname = "UBND Phường Thử"\n')
    assert main(["--config", str(path), "config", "show", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["file"] == str(path)
    assert doc["settings"]["ui.idle_timeout_s"] == {"value": 90.0, "source": "file"}
    assert doc["settings"]["site.name"] == {"value": "UBND Phường Thử", "source": "file"}
    assert doc["settings"]["data_dir"]["source"] == "environment"
    offered = doc["settings"]["site.procedures"]
    assert offered["source"] == "default" and offered["value"][0] == "ct01"
    assert "bhyt_checkin" not in offered["value"]
    assert main(["--config", str(path), "config", "show"]) == 0
    text = capsys.readouterr().out
    assert "idle_timeout_s = 90.0  # file" in text and 'mode = "kiosk"  # default' in text
    assert main(["config", "show", "--defaults"]) == 0
    assert capsys.readouterr().out == render_example()
    assert main(["config", "show", "--defaults", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["settings"]["ui.language"]["default"] == "vi"
    assert doc["settings"]["bhyt.password"]["secret"] is True
    assert not (tmp_path / "data").exists()  # showing creates nothing


# --- check --------------------------------------------------------------------------------------


BAD = """\
data_dir = 3
colour = "blue"
[ui]
language = "fr"
langauge = "vi"
idle_timeout_s = 5
[outbox]
dead_letter_after = "five"
backoff_base_s = 10
backoff_cap_s = 1
[logs]
level = "LOUD"
[site]
name = 7
procedures = ["ct01", "khong_co"]
[trust]
store = 5
[bhyt]
base_url = "gw.test"
[uii]
mode = "kiosk"
"""


def test_check_reports_every_problem_with_key_and_what_is_allowed(tmp_path: Path) -> None:
    issues = check_config(write(tmp_path, BAD), env={})
    by_key = {i.key: i for i in issues}
    expected = {
        "data_dir": "a string",
        "colour": "top-level",
        "ui.language": "one of vi, en",
        "ui.langauge": "allowed: fullscreen",
        "ui.idle_timeout_s": "between 10 and 3600",
        "outbox.dead_letter_after": "an integer (got 'five')",
        "outbox": "backoff_base_s <= backoff_cap_s",
        "logs.level": "one of DEBUG, INFO, WARNING, ERROR",
        "site.name": "a text",
        "site.procedures": "'khong_co' (known: ",
        "trust.store": "directory path",
        "bhyt": "base_url",
        "uii": "unknown table [uii]",
    }
    for key, fragment in expected.items():
        assert key in by_key, f"no problem reported for {key}: {issues}"
        assert fragment in by_key[key].message, (key, by_key[key].message)
    assert by_key["uii"].severity == "warning"
    assert all(i.severity == "error" for i in issues if i.key != "uii")
    assert len(issues) == len(expected)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (b"\xff\xfe[ui]", ""),
        (b"[ui\nmode = 1", ""),
        (b"[ui]\nmode = 'kiosk'\nmode = 'counter'\n", ""),
    ],
)
def test_check_unreadable_files(tmp_path: Path, text: bytes, key: str) -> None:
    path = tmp_path / "k.toml"
    path.write_bytes(text)
    (issue,) = check_config(path, env={})
    assert issue.key == key and issue.severity == "error" and issue.message
    (missing,) = check_config(tmp_path / "nope.toml", env={})
    assert "cannot read" in missing.message


def test_cli_check_exit_status_and_json(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, BAD)
    assert main(["config", "check", str(bad), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False and len(doc["problems"]) == 13
    # A broken --config file does not stop check (it is what check is for).
    assert main(["--config", str(bad), "config", "check"]) == 1
    text = capsys.readouterr().out
    assert "Lỗi / error: ui.language: [ui] language must be one of vi, en" in text
    good = tmp_path / "good.toml"
    good.write_text('[ui]\nmode = "counter"\n[site]\nprocedures = ["ct01"]\n')
    assert main(["config", "check", str(good)]) == 0
    assert "hợp lệ / valid" in capsys.readouterr().out
    assert main(["config", "check"]) == 1  # no file named anywhere
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "usage"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_check_never_raises(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    for issue in check_config(path, env={}):
        assert issue.message


_VALUES = (st.text(max_size=20) | st.integers(-10**6, 10**12) | st.booleans()
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.lists(st.text(max_size=8) | st.integers(), max_size=3))
_TABLES = sorted({s.table for s in SETTINGS if s.table} | {"extra"})
_KEYS = sorted({s.key for s in SETTINGS} | {"other"})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(_TABLES),
                       st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=6), max_size=6),
       st.none() | _VALUES)
def test_check_never_raises_on_valid_toml_with_wrong_values(
    tmp_path: Path, tables: dict[str, dict[str, object]], data_dir: object
) -> None:
    from kiosk.config_doc import toml_value

    lines = [] if data_dir is None else [f"data_dir = {toml_value(data_dir)}"]
    for table, keys in tables.items():
        lines.append(f"[{table}]")
        lines.extend(f"{k} = {toml_value(v)}" for k, v in keys.items())
    path = tmp_path / "fuzz.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = check_config(path, env={})
    try:
        load_config(path, env={"CCCD_KIOSK_DATA_DIR": str(tmp_path)})
    except config_module.ConfigError:
        assert any(i.severity == "error" for i in issues)
