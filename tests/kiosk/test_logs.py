"""Logging: the rotating private file, the formats, the scrubber, and a whole demo session that
leaves no trace of the (fake) citizen in any log."""

from __future__ import annotations

import json
import logging
import os
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from cardreader.emulator.fake_card import DEMO_CITIZEN
from kiosk.config import KioskConfig, LogsConfig, load_config
from kiosk.environment import AppEnvironment, build_environment, demo_qr_text
from kiosk.logs import (
    LOG_FILE_NAME,
    LogSetup,
    PersonalDataFilter,
    log_files,
    scrub,
    setup_logging,
)
from kiosk.readers import VirtualBackend

TIMEOUT_MS = 15_000
SMALL = LogsConfig(max_bytes=64 * 1024, backup_count=3)


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[LogSetup]:
    setup = setup_logging(tmp_path, SMALL, console=False)
    yield setup
    setup.close()


def file_text(data_dir: Path) -> str:
    return "".join(p.read_text("utf-8") for p in log_files(data_dir))


# --- the file -----------------------------------------------------------------------------------


def test_nothing_is_created_until_something_is_logged(tmp_path: Path) -> None:
    setup = setup_logging(tmp_path / "data", SMALL, console=False)
    try:
        assert not (tmp_path / "data").exists()
        logging.getLogger("kiosk.test").info("first line")
        assert setup.path == tmp_path / "data" / "logs" / LOG_FILE_NAME
        assert "first line" in setup.path.read_text("utf-8")
    finally:
        setup.close()


def test_rotation_keeps_n_files_each_0600(tmp_path: Path, logs: LogSetup) -> None:
    os.umask(0o022)
    log = logging.getLogger("kiosk.test.rotation")
    line = "x" * 500
    for i in range(600):  # ~300 KB through a 64 KB file: rotates several times
        log.warning("line %d %s", i, line)
    files = log_files(tmp_path)
    assert [p.name for p in files] == [LOG_FILE_NAME] + [f"{LOG_FILE_NAME}.{i}" for i in (1, 2, 3)]
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert path.stat().st_size <= SMALL.max_bytes
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    assert "line 599 " in files[0].read_text("utf-8")  # newest in kiosk.log
    assert "line 0 " not in file_text(tmp_path)  # the oldest were dropped


def test_an_existing_wider_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "logs" / LOG_FILE_NAME
    path.parent.mkdir()
    path.write_text("old\n")
    path.chmod(0o644)
    setup = setup_logging(tmp_path, SMALL, console=False)
    try:
        logging.getLogger("kiosk.test").warning("new")
    finally:
        setup.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("old\n")


def test_json_lines_and_level(tmp_path: Path) -> None:
    setup = setup_logging(tmp_path, LogsConfig(format="json", level="WARNING"), console=False)
    try:
        log = logging.getLogger("kiosk.test.json")
        log.info("not written")
        log.warning("card read in %d ms", 412)
        try:
            raise ValueError("citizen 001099012345 refused")
        except ValueError:
            log.exception("failed")
    finally:
        setup.close()
    lines = [json.loads(x) for x in (tmp_path / "logs" / LOG_FILE_NAME).read_text().splitlines()]
    assert [x["message"] for x in lines] == ["card read in 412 ms", "failed"]
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "kiosk.test.json"
    assert lines[0]["ts"].endswith("Z")
    assert "ValueError" in lines[1]["exc"] and "001099012345" not in lines[1]["exc"]


def test_setup_twice_replaces_its_handlers(tmp_path: Path) -> None:
    first = setup_logging(tmp_path / "a", SMALL, console=False)
    second = setup_logging(tmp_path / "b", SMALL, console=False)
    try:
        logging.getLogger("kiosk.test").warning("once")
        assert not (tmp_path / "a").exists()
        assert file_text(tmp_path / "b").count("once") == 1
        assert all(h not in logging.getLogger().handlers for h in first.handlers)
    finally:
        second.close()
    root = logging.getLogger()
    before = root.level
    setup = setup_logging(tmp_path / "c", LogsConfig(level="DEBUG"), console=False)
    assert root.level == logging.DEBUG
    setup.close()
    assert root.level == before and not any(h in root.handlers for h in setup.handlers)


def test_log_files_lists_app_and_cli_files_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("kiosk.log", "kiosk.log.2", "kiosk.log.10", "kiosk.log.1", "kiosk-cli.log.1",
                 "kiosk-cli.log", "notes.txt", "kiosk.log.old"):
        (folder / name).write_text(name)
    assert [p.name for p in log_files(tmp_path)] == [
        "kiosk.log", "kiosk.log.1", "kiosk.log.2", "kiosk.log.10", "kiosk-cli.log",
        "kiosk-cli.log.1",
    ]


def test_logs_config_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[logs]\nlevel = "debug"\nformat = "json"\nmax_bytes = 100000\n'
                    "backup_count = 2\n")
    cfg = load_config(path, env={})
    assert cfg.logs == LogsConfig(level="DEBUG", format="json", max_bytes=100000, backup_count=2)
    assert KioskConfig.defaults(tmp_path).logs == LogsConfig()


# --- the scrubber -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("citizen NGUYỄN VĂN THỬ read", "NGUYỄN VĂN THỬ"),
        ("patient Trần Thị Mẫu checked in", "Trần Thị Mẫu"),
        ("NGUYEN VAN THU (no marks)", "NGUYEN VAN THU"),
        (unicodedata.normalize("NFD", "ĐỖ THỊ THỬ decomposed"), "THỊ"),
        ("id=001099012345;", "001099012345"),
        ("old id 012345678 found", "012345678"),
        ("IDVNM0123456781001099012345<<5", "0123456781001099012345"),
        ("NGUYEN<<VAN<THU<<<<<<<<<<<<<<<", "NGUYEN<<VAN"),
        ("born 17/05/1999.", "17/05/1999"),
        ("born 17-05-1999", "17-05-1999"),
        ("born 1999-05-17 here", "1999-05-17"),
        ("qr 001099012345|012345678|NGUYỄN VĂN THỬ|17051999|Nam", "17051999"),
        ("full_name='Bob Stranger', ok", "Bob Stranger"),
        ("phone 0912345678", "0912345678"),
    ],
)
def test_scrub_removes(text: str, gone: str) -> None:
    out = scrub(text)
    assert gone not in out and "[" in out


@pytest.mark.parametrize(
    "text",
    [
        "card read in 1234 ms over 96 APDUs; port 35963",
        "2026-11-23T10:00:00 outbox: 3 queued, 0 dead, last error http_503",
        "SW 6982 on SELECT; retry 2/5; 99.5%",
        "the intake server answered 201 to POST /v1/submissions",
    ],
)
def test_scrub_keeps_ordinary_lines(text: str) -> None:
    assert scrub(text) == text


@given(st.text(max_size=300))
def test_scrub_never_fails_and_is_idempotent(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


def test_filter_scrubs_args_exceptions_and_stacks() -> None:
    record = logging.LogRecord("kiosk.x", logging.ERROR, __file__, 1, "read %s for %s",
                               ("001099012345", "NGUYỄN VĂN THỬ"), None, sinfo="at 17/05/1999")
    try:
        raise RuntimeError("dob 1999-05-17")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(record)
    text = logging.Formatter().format(record)
    for secret in ("001099012345", "NGUYỄN", "17/05/1999", "1999-05-17"):
        assert secret not in text
    assert "RuntimeError" in text and "read [id] for [name]" in text


# --- a whole demo session ----------------------------------------------------------------------


def citizen_traces() -> list[str]:
    """What of the demo citizen must never reach a log or a support bundle."""
    c = DEMO_CITIZEN
    dob = c.date_of_birth
    return [
        c.id_number, c.old_id_number or "", c.id_number[-9:], c.full_name, "NGUYEN VAN THU",
        c.full_name.title(), c.father_name or "", c.mother_name or "",
        dob.strftime("%d/%m/%Y"), dob.isoformat(), dob.strftime("%d%m%Y"), dob.strftime("%y%m%d"),
        c.place_of_residence, c.place_of_origin, unicodedata.normalize("NFD", c.full_name),
        c.full_name.lower(),
    ]


class RawCapture(logging.Handler):
    """Every record as the code wrote it, before any scrubbing (to hold code to the rule)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


def run_demo_session(qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend) -> None:
    """Two citizens' worth of kiosk flow: QR + card → verified → ct01 → sent; then offline →
    saved; then a clinic check-in."""
    from kiosk.session import Phase
    from ui.controller import SessionController

    for mode, online in (("kiosk", True), ("kiosk", False), ("clinic", True)):
        env.set_network(online)
        ctrl = SessionController(env, mode=mode, idle_timeout_s=None)
        try:
            with qtbot.waitSignal(ctrl.readers_changed, timeout=TIMEOUT_MS):
                ctrl.start()
            ctrl.provide_qr_text(demo_qr_text())
            signal = ctrl.submitted if mode == "clinic" else ctrl.verdict_ready
            with qtbot.waitSignal(signal, timeout=TIMEOUT_MS):
                backend.place()
            if mode == "kiosk":
                ctrl.proceed()
                with qtbot.waitSignal(ctrl.form_changed):
                    ctrl.choose_procedure("ct01")
                with qtbot.waitSignal(ctrl.form_changed):
                    ctrl.set_answer("request", "Xin xác nhận thông tin cư trú.")
                assert ctrl.review() is True
                with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as sent:
                    ctrl.submit()
                assert sent.args[0].sent is online
                assert ctrl.session.phase is Phase.DONE
            backend.remove()
            with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
                ctrl.end_session()
        finally:
            ctrl.close()
    env.set_network(True)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[AppEnvironment, VirtualBackend]]:
    backend = VirtualBackend(link=None)
    env = build_environment(KioskConfig.defaults(tmp_path / "cfg"), demo=True, backend=backend)
    yield env, backend
    env.close()


def test_a_demo_session_leaves_no_personal_data_in_the_logs(
    qtbot: QtBot, tmp_path: Path, demo: tuple[AppEnvironment, VirtualBackend]
) -> None:
    env, backend = demo
    raw = RawCapture()
    root = logging.getLogger()
    root.addHandler(raw)  # before the file handler: sees what the code wrote
    setup = setup_logging(tmp_path / "logdata", LogsConfig(level="DEBUG"), console=False)
    try:
        run_demo_session(qtbot, env, backend)
    finally:
        setup.close()
        root.removeHandler(raw)
    text = file_text(tmp_path / "logdata")
    assert raw.lines, "the session logged nothing: the test would prove nothing"
    assert text.strip(), "nothing reached the log file"
    for trace in citizen_traces():
        assert trace not in text, f"log file holds {trace!r}"
        leaked = [line for line in raw.lines if trace in line]
        assert not leaked, f"code logged {trace!r}: {leaked[:1]}"
