"""Issue 4 end to end: open the chip without typing the MRZ, through pcscd + vpcd.

The QR text (as a scanner types it), an ID number with a birth date, or the CAN alone: the
reader tries PACE with the CAN where the chip offers and accepts it, and otherwise BAC with the
key candidates derived from the QR, and reports which one opened the chip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardreader.emulator.chip import ChipConfig
from tests.cardreader.card_fixtures import chip_of, fake_card, files_of
from tests.cardreader.qr_corpus import qr_image
from tests.pcsc_helpers import READER, inserted

pytestmark = pytest.mark.pcsc

# The demo citizen's QR (CCCD 2021 layout), with Vietnamese text as printed.
QR_TEXT = (
    "001099012345|012345678|Nguyễn Văn Thử|17051999|Nam|"
    "Số 1 Ngõ Mẫu, Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội|15032023"
)


def _cccd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cardreader.cli", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _read(tmp: Path, *keys: str) -> dict[str, object]:
    proc = _cccd("read", "--reader", READER, "--out", str(tmp / "out"), "--json",
                 "--skip-face", "--no-verify", *keys)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    for name in ("dg1.bin", "dg13.bin"):
        raw = (tmp / "out" / name).read_bytes()
        assert raw == {f.dump_name: b for f, b in files_of(fake_card()).items()}[name]
    return data


@pytest.mark.parametrize("pace", ["refuse", "accept"])
def test_read_with_the_qr_text(pcsc_stack: object, tmp_path: Path, pace: str) -> None:
    with inserted(chip_of(fake_card(), ChipConfig(pace=pace))):  # type: ignore[arg-type]
        data = _read(tmp_path, "--qr-text", QR_TEXT)
    access = data["access"]
    assert isinstance(access, dict)
    if pace == "accept":
        assert (access["method"], access["pace"]) == ("PACE-CAN", "ok")
    else:  # CCCD behaviour: PACE refused, BAC with the expiry the issue date implies
        assert (access["method"], access["pace"]) == ("BAC", "refused (6982)")
        assert access["bac_attempts"] == 1 and access["key"]


def test_read_with_id_number_and_birth_date(pcsc_stack: object, tmp_path: Path) -> None:
    with inserted(chip_of(fake_card())):
        data = _read(tmp_path, "--id-number", "001099012345", "--birth-date", "1999-05-17")
    access = data["access"]
    assert isinstance(access, dict)
    assert access["method"] == "BAC" and 1 <= int(access["bac_attempts"]) <= 4  # type: ignore[call-overload]


def test_read_with_the_can_alone(pcsc_stack: object, tmp_path: Path) -> None:
    with inserted(chip_of(fake_card(), ChipConfig(pace="accept"))):
        data = _read(tmp_path, "--can", "012345")
    assert data["access"]["method"] == "PACE-CAN"  # type: ignore[index]


def test_can_alone_on_a_chip_that_refuses_pace_says_what_is_missing(
    pcsc_stack: object, tmp_path: Path
) -> None:
    with inserted(chip_of(fake_card())):
        proc = _cccd("read", "--reader", READER, "--out", str(tmp_path / "o"), "--json",
                     "--can", "012345")  # fmt: skip
    assert proc.returncode == 1
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "authentication_failed" and "birth" in error["message"]


def test_wrong_can_falls_back_to_bac_with_the_qr_keys(pcsc_stack: object, tmp_path: Path) -> None:
    with inserted(chip_of(fake_card(), ChipConfig(pace="accept"))):
        proc = _cccd("read", "--reader", READER, "--out", str(tmp_path / "o"), "--json",
                     "--skip-face", "--no-verify", "--id-number", "001099012345",
                     "--birth-date", "1999-05-17", "--can", "999999")  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    access = json.loads(proc.stdout)["access"]
    assert (access["method"], access["pace"]) == ("BAC", "wrong CAN")


def test_cccd_qr_reads_an_image_and_the_scanner_text(tmp_path: Path) -> None:
    image = qr_image(QR_TEXT.encode("utf-8"), module_px=5)
    image.save(tmp_path / "qr.png")
    from_image = _cccd("qr", str(tmp_path / "qr.png"), "--json")
    assert from_image.returncode == 0, from_image.stdout + from_image.stderr
    data = json.loads(from_image.stdout)
    assert data["full_name"] == "Nguyễn Văn Thử"
    assert data["address"].endswith("Quận Cầu Giấy, Hà Nội")
    assert (data["date_of_birth"], data["date_of_issue"]) == ("1999-05-17", "2023-03-15")
    from_text = json.loads(_cccd("qr", "--text", QR_TEXT, "--json").stdout)
    assert {k: from_text[k] for k in ("id_number", "full_name")} == {
        "id_number": "001099012345", "full_name": "Nguyễn Văn Thử"}  # fmt: skip


def test_cccd_qr_without_a_card_qr_is_a_clean_error(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (640, 480), "white").save(tmp_path / "blank.png")
    proc = _cccd("qr", str(tmp_path / "blank.png"), "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "qr_not_found"
