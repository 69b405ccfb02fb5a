"""Opening the chip: from a fresh card to a secure-messaging channel on the eMRTD application.

The sequence follows ICAO Doc 9303-11 section 4.2 with the CCCD's quirks (engineering notes):
1. Read EF.CardAccess at master-file level by SFI 1C, or by SELECT 011C directly: never SELECT
   MF first, CCCD chips answer 6D00 to it.
2. If it offers PACE, start PACE with MSE:Set AT (parameter ID included when the card lists
   several). CCCD chips refuse with 6982. This library build has no PACE key agreement yet, so a
   chip that accepts the set-up is also read with BAC (legal: ICAO eMRTDs keep BAC alongside
   PACE), and the report says so.
3. SELECT the eMRTD application by AID (A0 00 00 02 47 10 01) and run BAC.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto.core import ObjectIdentifier

from cardreader.apdu import SW_OK, SW_SM_INCORRECT, SW_SM_MISSING, CommandApdu, status_error
from cardreader.bac import BacKey, BacProtocol
from cardreader.channel import Counters, PlainChannel, SecureChannel, Transceiver
from cardreader.errors import CardReaderError, ParseError, StatusWordError, TransportError
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.card_access import CardAccess, parse_card_access
from cardreader.lds.files import CARD_ACCESS

EMRTD_AID = bytes.fromhex("A0000002471001")
PACE_PASSWORD_MRZ = 0x01
PACE_PASSWORD_CAN = 0x02


@dataclass(frozen=True, slots=True)
class AccessReport:
    """How the chip was opened, for card.json and the operator."""

    method: str  # "BAC"
    card_access: bool  # EF.CardAccess was present
    pace_offered: bool
    pace_result: str  # "not offered", "refused (6982)", ...

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "card_access": self.card_access,
            "pace_offered": self.pace_offered,
            "pace": self.pace_result,
        }


@dataclass
class OpenedChip:
    channel: SecureChannel
    report: AccessReport
    card_access_raw: bytes | None


def _read_card_access(plain: PlainChannel, policy: ReadPolicy) -> bytes | None:
    reader = FileReader(plain, policy)  # what it learns (6700 sizes) serves the SM reads too
    for _ in range(2):
        try:
            data, _ = reader.read(CARD_ACCESS)
        except StatusWordError as exc:
            if exc.sw in (SW_SM_MISSING, SW_SM_INCORRECT):
                # The chip was still in an earlier secure-messaging session (another program
                # left it without a reset); a plain command ended that session, so ask again.
                continue
            return None  # absent or refused: no PACE information
        except CardReaderError as exc:
            if isinstance(exc, TransportError):
                raise
            return None
        return data
    return None


def _oid_bytes(dotted: str) -> bytes:
    return bytes(ObjectIdentifier(dotted).contents)


def _try_pace_setup(plain: PlainChannel, card_access: CardAccess) -> str:
    """Send MSE:Set AT for the first PACEInfo; return what happened, in words."""
    infos = card_access.pace_infos
    info = infos[0]
    data = b"\x80" + bytes((len(_oid_bytes(info.protocol_oid)),)) + _oid_bytes(info.protocol_oid)
    data += bytes((0x83, 0x01, PACE_PASSWORD_MRZ))
    if info.parameter_id is not None and len(infos) > 1:
        data += bytes((0x84, 0x01, info.parameter_id))
    resp = plain.send(CommandApdu(0x00, 0x22, 0xC1, 0xA4, data))  # no Le on MSE
    if resp.sw == SW_OK:
        return "set-up accepted; PACE key agreement not in this build, used BAC"
    return f"refused ({resp.sw:04X})"


def open_chip(
    transceiver: Transceiver,
    key: BacKey,
    *,
    policy: ReadPolicy | None = None,
    counters: Counters | None = None,
    rng: Callable[[int], bytes] = os.urandom,
) -> OpenedChip:
    """Run the access sequence and return a secure channel to the eMRTD application."""
    policy = policy or ReadPolicy()
    counters = counters or Counters()
    plain = PlainChannel(transceiver, counters)
    raw = _read_card_access(plain, policy)
    pace_offered = False
    pace_result = "not offered"
    if raw is not None:
        try:
            parsed = parse_card_access(raw)
        except ParseError:
            pace_result = "EF.CardAccess malformed; PACE not attempted"
        else:
            if parsed.pace_infos:
                pace_offered = True
                pace_result = _try_pace_setup(plain, parsed)
    resp = plain.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
    if resp.sw != SW_OK:
        raise status_error(resp.sw, "SELECT eMRTD application")
    sm = BacProtocol(key, rng).run(plain)
    channel = SecureChannel(transceiver, sm, counters)
    report = AccessReport("BAC", raw is not None, pace_offered, pace_result)
    return OpenedChip(channel, report, raw)
