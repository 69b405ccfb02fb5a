"""PACE end to end through the real PC/SC stack (pcscd + vpcd + the chip emulator): read
EF.CardAccess, run PACE with the CAN (the last 6 digits of the ID number), then read DG1 under
the PACE session. Nothing is mocked."""

from __future__ import annotations

import pytest

from cardreader.apdu import CommandApdu
from cardreader.channel import PlainChannel, SecureChannel
from cardreader.emulator.chip import ChipConfig
from cardreader.errors import AuthenticationError
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.card_access import parse_card_access
from cardreader.lds.files import CARD_ACCESS, COM, DG1, DG13
from cardreader.pace import PacePassword, PaceProtocol, PaceRefusedError, choose_pace_info
from cardreader.transport.pcsc import PcscConnection, open_card
from tests.cardreader.card_fixtures import chip_of, fake_card, files_of
from tests.pcsc_helpers import READER, inserted

pytestmark = pytest.mark.pcsc

EMRTD_AID = bytes.fromhex("A0000002471001")


def _pace(conn: PcscConnection, can: str) -> SecureChannel:
    plain = PlainChannel(conn)
    raw, _ = FileReader(plain, ReadPolicy()).read(CARD_ACCESS)
    infos = parse_card_access(raw).pace_infos
    info = choose_pace_info(infos)
    sm = PaceProtocol(PacePassword.can(can), info, several_infos=len(infos) > 1).run(plain)
    channel = SecureChannel(conn, sm, plain.counters)
    channel.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID)).check("SELECT eMRTD")
    return channel


def test_pace_with_can_then_dg1_through_pcscd(pcsc_stack: object) -> None:
    card = fake_card()
    files = files_of(card)
    assert card.can == card.citizen.id_number[-6:]
    with inserted(chip_of(card, ChipConfig(pace="accept", max_le=0xDF))), open_card(READER) as conn:
        channel = _pace(conn, card.can)
        reader = FileReader(channel, ReadPolicy())
        for f in (COM, DG1, DG13):
            data, _ = reader.read(f)
            assert data == files[f], f.name


def test_wrong_can_through_pcscd_is_an_authentication_error(pcsc_stack: object) -> None:
    card = fake_card()
    wrong = "000000" if card.can != "000000" else "111111"
    chip = chip_of(card, ChipConfig(pace="accept"))
    with inserted(chip), open_card(READER) as conn, pytest.raises(AuthenticationError):
        _pace(conn, wrong)


def test_refusing_chip_through_pcscd_is_pace_refused(pcsc_stack: object) -> None:
    card = fake_card()
    with inserted(chip_of(card)), open_card(READER) as conn, pytest.raises(PaceRefusedError):
        _pace(conn, card.can)
