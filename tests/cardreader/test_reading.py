"""Whole-card reads against the emulator in process (the PC/SC path is in test_e2e_pcsc.py)."""

from __future__ import annotations

import math

import pytest

from cardreader.bac import BacKey
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.errors import AuthenticationError, CardRemovedError, ReadError
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds import tlv
from cardreader.lds.files import CARD_ACCESS, COM, DG1, DG2, DG3, DG13, SOD, LdsFile
from cardreader.reading import read_card
from cardreader.transport.emulated import EmulatorTransport
from tests.cardreader.card_fixtures import chip_of, fake_card, files_of, key_of

BAC_APDUS = 3  # SELECT application, GET CHALLENGE, EXTERNAL AUTHENTICATE


def minimum_apdus(files: dict[LdsFile, bytes], chunk: int) -> int:
    return BAC_APDUS + sum(
        math.ceil(len(b) / chunk) for f, b in files.items() if f is not CARD_ACCESS
    )


@pytest.mark.parametrize(
    "config,chunk,extra",
    [
        # extra = EF.CardAccess + the refused PACE set-up + size probes (6700 ladder)
        (ChipConfig(max_le=256), 231, 2),
        (ChipConfig(max_le=0xDF), 0xDF, 3),
        (ChipConfig(max_le=0xDF, le_error="6C"), 0xDF, 3),
        (ChipConfig(max_le=0x80), 0x80, 4),
        (ChipConfig(max_le=65535, extended=True), 65535, 2),
        (ChipConfig(max_le=4096, extended=True), 4096, 2),
    ],
)
def test_full_read_is_byte_identical_and_near_minimal(
    config: ChipConfig, chunk: int, extra: int
) -> None:
    card = fake_card()
    files = files_of(card)
    result = read_card(
        EmulatorTransport(chip_of(card, config)),
        key_of(card),
        policy=ReadPolicy(extended=config.extended),
    )
    assert result.files == files
    assert not result.failures
    assert result.access.method == "BAC"
    assert result.apdus == minimum_apdus(files, chunk) + extra
    # the live-chip checks ran after the files and the genuine chip passed both
    assert result.chip_auth is not None and result.chip_auth.performed and result.chip_auth.ok
    assert result.active_auth is not None and result.active_auth.ok
    assert result.auth_apdus >= 3


def test_policy_is_remembered_for_the_next_card() -> None:
    card = fake_card()
    policy = ReadPolicy()
    first = read_card(
        EmulatorTransport(chip_of(card, ChipConfig(max_le=0xDF))), key_of(card), policy=policy
    )
    assert policy.short_chunk == 0xDF
    second = read_card(
        EmulatorTransport(chip_of(card, ChipConfig(max_le=0xDF))), key_of(card), policy=policy
    )
    assert second.apdus == first.apdus - 1  # no 6700 round trip the second time


def test_text_ready_fires_before_the_face_is_read() -> None:
    card = fake_card()
    seen: list[str] = []
    text_files: dict[LdsFile, bytes] = {}

    def progress(f: LdsFile, done: int, total: int) -> None:
        if done == total:
            seen.append(f.name)

    def text_ready(files: dict[LdsFile, bytes]) -> None:
        seen.append("TEXT")
        text_files.update(files)

    result = read_card(
        EmulatorTransport(chip_of(card)),
        key_of(card),
        on_progress=progress,
        on_text_ready=text_ready,
    )
    assert seen.index("TEXT") < seen.index("dg2")
    assert seen[: seen.index("TEXT")] == ["com", "sod", "dg1", "dg13"]
    assert DG1 in text_files and DG13 in text_files and DG2 not in text_files
    assert result.seconds_to_text is not None and result.seconds_to_text < result.seconds_total


def test_skip_face_does_not_read_dg2() -> None:
    card = fake_card()
    result = read_card(EmulatorTransport(chip_of(card)), key_of(card), skip_face=True)
    assert DG2 not in result.files and DG1 in result.files and SOD in result.files
    assert "dg2" not in result.stats


def test_wrong_key_is_refused_cleanly() -> None:
    card = fake_card()
    wrong = BacKey(card.document_number, card.date_of_birth, "300101")
    with pytest.raises(AuthenticationError):
        read_card(EmulatorTransport(chip_of(card)), wrong)


def test_offsets_above_32767_use_odd_read_binary() -> None:
    card = fake_card(face_bytes=40_000)
    files = files_of(card)
    assert len(files[DG2]) > 32768
    chip = chip_of(card)
    chip.log = []
    result = read_card(EmulatorTransport(chip), key_of(card))
    assert result.files[DG2] == files[DG2]
    assert any(cmd[1] == 0xB1 for cmd, _ in chip.log)


def test_removed_at_every_apdu_then_the_next_card_reads() -> None:
    card = fake_card()
    files = files_of(card)
    total = read_card(EmulatorTransport(chip_of(card)), key_of(card)).apdus
    for n in range(total):
        with pytest.raises(CardRemovedError):
            read_card(EmulatorTransport(chip_of(card), remove_after=n), key_of(card))
    assert read_card(EmulatorTransport(chip_of(card)), key_of(card)).files == files


def test_refused_file_is_recorded_and_the_read_goes_on() -> None:
    card = fake_card()
    files = files_of(card)
    files[COM] = _com_listing(files[COM], extra_tag=0x63)  # EF.COM claims DG3 (fingerprints)
    chip = ChipEmulator(files, key_of(card))
    result = read_card(EmulatorTransport(chip), key_of(card))
    assert DG1 in result.files and DG13 in result.files
    # DG3 is not in the read order; the reader never asks for it
    assert DG3 not in result.files


def _com_listing(raw: bytes, extra_tag: int) -> bytes:
    com = tlv.parse_single(raw)
    children = com.children()
    out = b""
    for child in children:
        value = child.value + bytes((extra_tag,)) if child.tag == 0x5C else child.value
        out += tlv.encode(child.tag, value)
    return tlv.encode(0x60, out)


def test_file_reader_caps_declared_size() -> None:
    card = fake_card()
    huge = tlv.encode_tag(0x61) + b"\x83\x10\x00\x00" + bytes(64)  # declares 1 MiB
    files = files_of(card)
    files[DG1] = huge
    chip = ChipEmulator(files, key_of(card))
    from cardreader.access import open_chip

    opened = open_chip(EmulatorTransport(chip), key_of(card))
    reader = FileReader(opened.channel)
    with pytest.raises(ReadError, match="cap"):
        reader.read(DG1)


def test_dg13_text_survives_a_read() -> None:
    card = fake_card()
    result = read_card(EmulatorTransport(chip_of(card)), key_of(card))
    assert result.files[DG13] == files_of(card)[DG13]


@pytest.mark.parametrize("cloned", [False, True])
def test_pace_cam_proves_the_chip_without_a_separate_chip_authentication(cloned: bool) -> None:
    """A chip offering PACE with chip authentication mapping proves its DG14 key during PACE;
    a copy with other private keys is caught by that check."""
    from cardreader.access import ChipKeys
    from cardreader.emulator.fake_card import DEMO_CITIZEN, build_fake_card
    from cardreader.lds.card_access import encode_card_access
    from cardreader.lds.security_infos import pace_info

    card = build_fake_card(DEMO_CITIZEN, ca_key="ecdh-brainpoolp256r1", face_bytes=1500)
    files = card.lds_files()
    files[CARD_ACCESS] = encode_card_access(
        [pace_info(key_agreement="ECDH", mapping="CAM", cipher="AES-128", parameter_id=13)]
    )
    secrets = card.secrets()
    ca = secrets.ca_private_key()
    assert ca is not None
    chip = ChipEmulator(
        files, key_of(card), ChipConfig(pace="accept", cloned=cloned),
        aa_key=secrets.aa_private_key(), ca_keys={secrets.ca_key_id: ca},
    )  # fmt: skip
    result = read_card(EmulatorTransport(chip), ChipKeys(card.can, ()), skip_face=True)
    assert result.access.method == "PACE-CAN"
    assert result.chip_auth is not None and result.chip_auth.protocol == "PACE-CAM"
    assert result.chip_auth.performed and result.chip_auth.ok is (not cloned)
    assert result.active_auth is not None and result.active_auth.ok is (not cloned)
