"""End to end through the real PC/SC stack: pcscd + the vpcd driver + the chip emulator.

Nothing here is mocked: the emulator plugs into pcscd over the vpcd socket, the reader side
talks to pcscd through pyscard, and the `cccd` command runs as a real process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cardreader.emulator.chip import ChipConfig
from cardreader.errors import AuthenticationError, CardRemovedError, TransportError
from cardreader.file_reader import ReadPolicy
from cardreader.lds.files import DG2
from cardreader.reading import read_card
from cardreader.transport.pcsc import open_card
from tests.cardreader.card_fixtures import chip_of, fake_card, files_of, key_of
from tests.pcsc_helpers import READER, inserted

pytestmark = pytest.mark.pcsc


def _cccd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cardreader.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _cccd_read(
    doc: str, birth: str, expiry: str, out: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return _cccd(
        "read", "--reader", READER, "--doc-number", doc, "--birth-date", birth,
        "--expiry-date", expiry, "--out", str(out), "--json", *extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    "config",
    [ChipConfig(max_le=0xDF), ChipConfig(max_le=256), ChipConfig(max_le=65535, extended=True)],
    ids=["maxle-DF", "maxle-256", "extended"],
)
def test_cli_read_is_byte_identical_to_the_dump(
    pcsc_stack: object, tmp_path: Path, config: ChipConfig
) -> None:
    card = fake_card()
    out = tmp_path / "out"
    with inserted(chip_of(card, config)):
        proc = _cccd_read(card.document_number, card.date_of_birth, card.date_of_expiry, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for f, raw in files_of(card).items():
        assert (out / f.dump_name).read_bytes() == raw, f.name
    data = json.loads((out / "card.json").read_text("utf-8"))
    assert data == json.loads(proc.stdout)
    assert data["personal"]["id_number"] == "001099012345"
    assert data["mrz"]["check_digits_valid"] is True
    assert data["face"]["format"] == "jpeg"
    assert data["access"]["method"] == "BAC"
    assert data["access"]["pace"] == "refused (6982)"  # PACE refused, BAC fallback
    assert data["read"]["extended_length"] is config.extended
    assert data["read"]["files"]["dg2"]["apdus"] >= 1
    # the parse command gives the same content from the dump folder
    parsed = _cccd("parse", str(out), "--json")
    assert parsed.returncode == 0
    assert json.loads(parsed.stdout)["personal"] == data["personal"]


def test_cli_wrong_key_is_a_clean_json_error(pcsc_stack: object, tmp_path: Path) -> None:
    card = fake_card()
    with inserted(chip_of(card)):
        proc = _cccd_read(card.document_number, card.date_of_birth, "300101", tmp_path / "x")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "authentication_failed"
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


def test_cli_no_card_is_a_clean_error(pcsc_stack: object, tmp_path: Path) -> None:
    proc = _cccd_read("099012345", "990517", "390517", tmp_path / "y")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "no_card"


def test_wrong_key_through_pcsc(pcsc_stack: object) -> None:
    card = fake_card()
    from cardreader.bac import BacKey

    with inserted(chip_of(card)), open_card(READER) as conn, pytest.raises(AuthenticationError):
        read_card(conn, BacKey(card.document_number, "010101", card.date_of_expiry))


def test_removed_at_every_apdu_index_then_the_next_card_reads(pcsc_stack: object) -> None:
    """The card leaves the reader before answering APDU n, for every n of a text read."""
    card = fake_card()
    files = files_of(card)
    with inserted(chip_of(card)), open_card(READER) as conn:
        total = read_card(conn, key_of(card), skip_face=True).apdus
    assert total > 10
    for n in range(total):
        with inserted(chip_of(card), remove_after=n), open_card(READER) as conn:
            with pytest.raises(TransportError) as info:
                read_card(conn, key_of(card), skip_face=True)
            assert isinstance(info.value, CardRemovedError), info.value
        with inserted(chip_of(card)), open_card(READER) as conn:
            result = read_card(conn, key_of(card), skip_face=True)
        assert all(result.files[f] == files[f] for f in result.files)


def test_removed_in_the_middle_of_the_face(pcsc_stack: object) -> None:
    card = fake_card()
    with (
        inserted(chip_of(card), remove_after=40),
        open_card(READER) as conn,
        pytest.raises(CardRemovedError),
    ):
        read_card(conn, key_of(card))
    with inserted(chip_of(card)), open_card(READER) as conn:
        assert read_card(conn, key_of(card)).files[DG2] == files_of(card)[DG2]


def test_size_probe_is_remembered_across_cards(pcsc_stack: object) -> None:
    card = fake_card()
    policy = ReadPolicy()
    counts = []
    for _ in range(2):
        with inserted(chip_of(card, ChipConfig(max_le=0xDF))), open_card(READER) as conn:
            counts.append(read_card(conn, key_of(card), policy=policy).apdus)
    assert counts[1] == counts[0] - 1


def test_a_chip_left_in_a_session_by_another_program_reads_fully(pcsc_stack: object) -> None:
    from cardreader.lds.files import CARD_ACCESS

    card = fake_card()
    with inserted(chip_of(card)):
        with open_card(READER) as conn:
            read_card(conn, key_of(card), skip_face=True)
            conn.close(reset=False)  # leave the chip mid-session, as a careless program would
        with open_card(READER) as conn:
            result = read_card(conn, key_of(card), skip_face=True)
    assert result.files[CARD_ACCESS] == files_of(card)[CARD_ACCESS]
    assert result.access.pace_result == "refused (6982)"


def test_monitor_sees_the_card_arrive_and_leave(pcsc_stack: object) -> None:
    from cardreader.emulator.vpcd import VirtualCard
    from cardreader.transport.monitor import CardMonitor

    monitor = CardMonitor()
    try:
        first = monitor.poll(0)
        assert all(e.kind != "card_inserted" for e in first)  # the slot starts empty
        assert monitor.cards().get(READER) is False
        card = VirtualCard(chip_of(fake_card()))
        card.insert()
        events = []
        for _ in range(40):
            events += monitor.poll(250)
            if any(e.kind == "card_inserted" for e in events):
                break
        inserted_events = [e for e in events if e.kind == "card_inserted"]
        assert inserted_events and inserted_events[0].reader == READER
        assert inserted_events[0].atr == chip_of(fake_card()).atr
        card.remove()
        events = []
        for _ in range(40):
            events += monitor.poll(250)
            if any(e.kind == "card_removed" for e in events):
                break
        assert [e.reader for e in events if e.kind == "card_removed"] == [READER]
    finally:
        monitor.close()


def test_cli_readers_and_demo_emulator(pcsc_stack: object, tmp_path: Path) -> None:
    """`cccd emulate --demo` as its own process, seen by `cccd readers` and read by `cccd read`."""
    from cardreader.emulator.fake_card import demo_card_dir, load_chip_secrets
    from tests.pcsc_helpers import wait_card

    secrets = load_chip_secrets(demo_card_dir())
    emu = subprocess.Popen(
        [sys.executable, "-m", "cardreader.cli", "emulate", "--demo", "--max-le", "0xDF"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_card(True)
        listed = json.loads(_cccd("readers", "--json").stdout)
        slot = [r for r in listed["readers"] if r["name"] == READER]
        assert slot and slot[0]["card_present"] is True
        proc = _cccd_read(
            secrets.document_number,
            secrets.date_of_birth,
            secrets.date_of_expiry,
            tmp_path / "demo",
            "--skip-face",
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        data = json.loads(proc.stdout)
        assert data["personal"]["full_name"] == "NGUYỄN VĂN THỬ"
        assert data["face"] is None
        assert not (tmp_path / "demo" / "dg2.bin").exists()
    finally:
        emu.terminate()
        emu.wait(10)
        wait_card(False)


@pytest.mark.parametrize(
    "scenario,verdict",
    [
        ("genuine", "genuine"),
        ("no_trust", "unknown_issuer"),
        ("cloned", "clone_suspected"),
        ("altered", "data_altered"),
    ],
)
def test_cli_read_gives_one_verdict_for_the_card(
    pcsc_stack: object, tmp_path: Path, scenario: str, verdict: str
) -> None:
    from cardreader.emulator.chip import ChipEmulator
    from cardreader.lds.files import DG13

    card = fake_card()
    (tmp_path / "csca.pem").write_bytes(card.issuer.certificate_pem())
    config = ChipConfig(cloned=scenario == "cloned")
    chip = chip_of(card, config)
    if scenario == "altered":  # one byte of the personal data changed on the chip
        files = dict(chip.files)
        raw = bytearray(files[DG13])
        raw[-3] ^= 0x01
        files[DG13] = bytes(raw)
        chip = ChipEmulator(files, key_of(card), config, aa_key=chip.aa_key, ca_keys=chip.ca_keys)
    trust = [] if scenario == "no_trust" else ["--trust", str(tmp_path / "csca.pem")]
    store = ["--trust", str(tmp_path / "empty")] if scenario == "no_trust" else []
    (tmp_path / "empty").mkdir()
    with inserted(chip):
        proc = _cccd_read(
            card.document_number,
            card.date_of_birth,
            card.date_of_expiry,
            tmp_path / "out",
            "--skip-face",
            *trust,
            *store,
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)["verification"]
    assert result["verdict"] == verdict
    chip_checks = (result["chip_authentication"]["ok"], result["active_authentication"]["ok"])
    assert chip_checks == ((False, False) if scenario == "cloned" else (True, True))
    passive = result["passive_authentication"]["status"]
    assert (
        passive
        == {"genuine": "valid", "no_trust": "untrusted", "cloned": "valid", "altered": "invalid"}[
            scenario
        ]
    )
