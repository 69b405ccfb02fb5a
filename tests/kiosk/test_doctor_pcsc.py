"""``kiosk doctor``'s reader and card checks through a real pcscd with the vpcd driver.

Slot 1 of vpcd (port 35964), like test_readers.py, so that end-to-end tests on slot 0 do not
disturb these; ``reader=`` limits the checks to that slot. The service-down case runs the
command in a child process pointed at a socket where no pcscd listens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cardreader.emulator.chip import ChipConfig
from cardreader.emulator.fake_card import demo_card_dir
from cardreader.emulator.from_dump import chip_from_dump
from cardreader.emulator.vpcd import VirtualCard
from kiosk.config import KioskConfig
from kiosk.doctor import DoctorReport, run_checks
from tests.kiosk.outbox_support import REPO, python_env

SLOT = "Virtual PCD 00 01"
SLOT_PORT = 35964


def wait_slot(present: bool, timeout: float = 10.0) -> None:
    from cardreader.transport.pcsc import PcscContext

    deadline = time.monotonic() + timeout
    with PcscContext() as ctx:
        while not (SLOT in ctx.readers() and ctx.card_present(SLOT) == present):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{SLOT}: card {'absent' if present else 'still there'}")
            time.sleep(0.05)


class OtherCard:
    """A smart card that is not an ID card (a bank or SIM card, say): no eMRTD application."""

    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

    def reset(self) -> None:
        pass

    def process(self, apdu: bytes) -> bytes:
        return bytes.fromhex("6A82")  # ISO/IEC 7816-4: file or application not found


@pytest.fixture
def slot(pcsc_stack: object) -> Iterator[str]:
    wait_slot(False)
    yield SLOT


@pytest.fixture
def cfg(tmp_path: Path) -> KioskConfig:
    return KioskConfig.defaults(tmp_path)


def reader_checks(cfg: KioskConfig, reader: str = SLOT) -> DoctorReport:
    return run_checks(cfg, only=["reader", "card"], reader=reader)


@pytest.mark.pcsc
def test_reader_present_no_card(cfg: KioskConfig, slot: str) -> None:
    report = reader_checks(cfg)
    reader, card = report.checks
    assert reader.status == "ok" and slot in reader.details["readers"]
    assert card.status == "skip" and card.hint is not None and "kiosk doctor" in card.hint.en
    assert report.exit_code == 0


@pytest.mark.pcsc
def test_card_answers_select_of_the_emrtd_application(cfg: KioskConfig, slot: str) -> None:
    card = VirtualCard(chip_from_dump(demo_card_dir(), ChipConfig(max_le=0xDF)), port=SLOT_PORT)
    card.insert()
    try:
        wait_slot(True)
        report = reader_checks(cfg)
    finally:
        card.remove()
    check = report.check("card")
    assert check.status == "ok", check.to_dict()
    assert check.details == {"reader": slot, "sw": "9000"}
    wait_slot(False)


@pytest.mark.pcsc
def test_a_card_another_program_holds_is_left_alone(cfg: KioskConfig, slot: str) -> None:
    """The application mid-read holds the card: the doctor must not SELECT between its
    secure-messaging commands. Once the card is free the check runs."""
    from cardreader.transport.pcsc import PcscContext

    chip = chip_from_dump(demo_card_dir(), ChipConfig(max_le=0xDF))
    card = VirtualCard(chip, port=SLOT_PORT)
    card.insert()
    try:
        wait_slot(True)
        with PcscContext() as ctx, ctx.connect(slot):
            busy = reader_checks(cfg).check("card")
        free = reader_checks(cfg).check("card")
    finally:
        card.remove()
    assert busy.status == "skip" and "another program" in busy.message.en, busy.to_dict()
    assert free.status == "ok", free.to_dict()
    wait_slot(False)


@pytest.mark.pcsc
def test_a_card_without_the_emrtd_application_fails(cfg: KioskConfig, slot: str) -> None:
    card = VirtualCard(OtherCard(), port=SLOT_PORT)  # type: ignore[arg-type]
    card.insert()
    try:
        wait_slot(True)
        report = reader_checks(cfg)
    finally:
        card.remove()
    check = report.check("card")
    assert check.status == "fail" and check.details["sw"] == "6A82", check.to_dict()
    assert report.exit_code == 1
    wait_slot(False)


@pytest.mark.pcsc
def test_an_unknown_reader_name_fails(cfg: KioskConfig, slot: str) -> None:
    report = reader_checks(cfg, reader="ACS ACR1281U-C1 nowhere")
    assert report.check("reader").status == "fail"
    assert slot in report.check("reader").details["readers"]
    assert report.check("card").status == "skip"


@pytest.mark.pcsc
def test_pcsc_service_unreachable(tmp_path: Path, pcsc_stack: object) -> None:
    """pcsc-lite finds pcscd through its socket; a socket where nothing listens is the same
    as pcscd not running (SCARD_E_NO_SERVICE)."""
    env = python_env()
    env["PCSCLITE_CSOCK_NAME"] = str(tmp_path / "no-pcscd.comm")
    env["CCCD_KIOSK_DATA_DIR"] = str(tmp_path / "data")
    env.pop("CCCD_KIOSK_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor", "--json", "--check", "reader",
         "--check", "card"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False,
    )
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    reader, card = doc["checks"]
    assert reader["status"] == "fail", reader
    assert reader["details"]["error"] == "reader_gone"  # "the PC/SC service is not running"
    assert "pcscd" in reader["hint"]["en"] and "SCardSvr" in reader["hint"]["en"]
    assert card["status"] == "skip"
    assert os.environ.get("PCSCLITE_CSOCK_NAME") is None  # the parent's stack is untouched
