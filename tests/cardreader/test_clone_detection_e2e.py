"""Clone detection end to end through the real PC/SC stack: pcscd + the vpcd driver + the chip
emulator (in this process, and as a `cccd emulate` process serving a dump folder).

A genuine card passes active and chip authentication; the same files on a chip with other
private keys (``--cloned``) fail both.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cardreader.chip_auth import run_chip_authentication
from cardreader.emulator.chip import ChipConfig
from cardreader.emulator.fake_card import DEMO_CITIZEN_FEMALE, build_fake_card
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.dg14 import parse_dg14
from cardreader.lds.files import DG1, DG2, DG14
from cardreader.primitives import CipherKind
from cardreader.transport.pcsc import open_card
from cardreader.verify.active_auth import run_active_authentication
from tests.cardreader import auth_helpers as h
from tests.pcsc_helpers import READER, inserted, wait_card

pytestmark = pytest.mark.pcsc


@pytest.mark.parametrize(
    "aa_key,ca_key",
    [
        ("rsa-1024", "ecdh-p256"),
        ("rsa-2048", "ecdh-brainpoolp256r1"),  # a 256-byte signature: a >256-byte SM answer
        ("ecdsa-p256", "ecdh-p384"),
        ("ecdsa-brainpoolp384r1", "ecdh-brainpoolp512r1"),
    ],
)
def test_genuine_passes_and_cloned_fails_through_pcscd(
    pcsc_stack: object, aa_key: str, ca_key: str
) -> None:
    card = h.card(aa_key=aa_key, ca_key=ca_key)
    for cloned in (False, True):
        chip = h.emulator(card, ChipConfig(max_le=0xDF, cloned=cloned))
        with inserted(chip), open_card(READER) as conn:
            session = h.open_session(conn, card)
            aa = run_active_authentication(session.channel, session.dg15, session.dg14)
            ca = run_chip_authentication(session.channel, session.dg14)
            if not cloned:
                # after CA the files still read, now under the AES session keys
                dg1 = FileReader(session.channel, ReadPolicy()).read(DG1)[0]
        assert aa.performed and ca.performed
        assert (aa.ok, ca.ok) == (not cloned, not cloned), (aa_key, ca_key, cloned, aa, ca)
        if not cloned:
            assert dg1 == card.lds_files()[DG1]
            assert ca.protocol == "id-CA-ECDH-AES-CBC-CMAC-128"


@pytest.mark.parametrize("cipher", [CipherKind.DES3, CipherKind.AES256], ids=lambda c: c.value)
def test_other_ca_variants_through_pcscd(pcsc_stack: object, cipher: CipherKind) -> None:
    card = h.card()
    _, keys = h.chip_keys(card)
    files = h.files_with_dg14(card, h.ca_infos(keys, cipher))
    dg14 = parse_dg14(files[DG14])
    for cloned in (False, True):
        chip = h.emulator(card, ChipConfig(cloned=cloned), files=files, ca_keys=keys)
        with inserted(chip), open_card(READER) as conn:
            session = h.open_session(conn, card)
            ca = run_chip_authentication(session.channel, dg14)
        assert ca.performed and ca.ok is not cloned, ca
        if not cloned:
            assert session.channel.sm.kind is cipher


@pytest.mark.parametrize("cloned", [False, True], ids=["genuine", "cloned"])
def test_cccd_emulate_dump_process(pcsc_stack: object, tmp_path: Path, cloned: bool) -> None:
    """`cccd emulate --dump DIR [--cloned]` as its own process: the private keys come from the
    dump's chip.json, and --cloned swaps them for fresh ones."""
    card = build_fake_card(DEMO_CITIZEN_FEMALE, aa_key="ecdsa-p256", face_bytes=3000)
    directory = card.write(tmp_path / "card")
    argv = [sys.executable, "-m", "cardreader.cli", "emulate", "--dump", str(directory)]
    emu = subprocess.Popen([*argv, *(["--cloned"] if cloned else [])], stdout=subprocess.PIPE)
    try:
        wait_card(True)
        with open_card(READER) as conn:
            session = h.open_session(conn, card)
            reader = FileReader(session.channel, ReadPolicy())
            assert reader.read(DG2)[0] == card.lds_files()[DG2]  # the same files either way
            aa = run_active_authentication(session.channel, session.dg15, session.dg14)
            ca = run_chip_authentication(session.channel, session.dg14)
    finally:
        emu.terminate()
        out, _ = emu.communicate(timeout=10)
        wait_card(False)
    assert (b"CLONED" in out) is cloned
    assert aa.performed and ca.performed
    assert (aa.ok, ca.ok) == (not cloned, not cloned), (aa, ca)
