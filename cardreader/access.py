"""Opening the chip: from a fresh card to a secure-messaging channel on the eMRTD application.

The sequence follows ICAO Doc 9303-11 section 4.2 with the CCCD's quirks (engineering notes):
1. Read EF.CardAccess at master-file level by SFI 1C, or by SELECT 011C directly: never SELECT
   MF first, CCCD chips answer 6D00 to it.
2. If it offers PACE, run PACE (:mod:`cardreader.pace`): with the CAN when it is known (the
   last 6 digits of the ID number), else with the MRZ password when exactly one MRZ key is
   known (several candidates would spend the chip's PACE retries). Vietnamese chips refuse the
   set-up with 6982; a refusal or a wrong CAN falls back to BAC.
3. After PACE: SELECT the eMRTD application under the new session. Otherwise SELECT it (AID
   A0 00 00 02 47 10 01) and run BAC with each MRZ key candidate in order until one opens the
   chip (BAC keeps no retry counter on these chips; the candidate list is short and ordered).
The report says which method and which key opened the chip.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from cardreader.access_keys import AccessKeys
from cardreader.apdu import SW_OK, SW_SM_INCORRECT, SW_SM_MISSING, CommandApdu, status_error
from cardreader.bac import BacKey, BacProtocol
from cardreader.channel import Counters, PlainChannel, SecureChannel, Transceiver
from cardreader.errors import (
    AuthenticationError,
    CardReaderError,
    ParseError,
    StatusWordError,
    TransportError,
)
from cardreader.file_reader import FileReader, ReadPolicy
from cardreader.lds.card_access import parse_card_access
from cardreader.lds.files import CARD_ACCESS
from cardreader.lds.security_infos import PaceInfo
from cardreader.pace import (
    PacePassword,
    PaceProtocol,
    PaceRefusedError,
    PaceResult,
    choose_pace_info,
)

EMRTD_AID = bytes.fromhex("A0000002471001")


@dataclass(frozen=True, slots=True)
class ChipKeys:
    """What the reader knows to open a chip: the CAN and/or MRZ keys to try in order."""

    can: str | None = None
    bac: tuple[BacKey, ...] = ()

    @classmethod
    def of(cls, keys: BacKey | AccessKeys | ChipKeys) -> ChipKeys:
        if isinstance(keys, ChipKeys):
            return keys
        if isinstance(keys, BacKey):
            return cls(None, (keys,))
        return cls(keys.can or None, tuple(keys.bac))


@dataclass(frozen=True, slots=True)
class AccessReport:
    """How the chip was opened, for card.json and the operator (no key material)."""

    method: str  # "PACE-CAN", "PACE-MRZ" or "BAC"
    card_access: bool  # EF.CardAccess was present
    pace_offered: bool
    pace_result: str  # "not offered", "refused (6982)", "ok", "wrong CAN", ...
    key_label: str | None = None  # which BAC candidate opened the chip
    bac_attempts: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "card_access": self.card_access,
            "pace_offered": self.pace_offered,
            "pace": self.pace_result,
            "key": self.key_label,
            "bac_attempts": self.bac_attempts,
        }


@dataclass
class OpenedChip:
    channel: SecureChannel
    report: AccessReport
    card_access_raw: bytes | None
    pace: PaceResult | None = None


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


def _pace_passwords(keys: ChipKeys) -> list[tuple[str, PacePassword]]:
    out: list[tuple[str, PacePassword]] = []
    if keys.can:
        out.append(("PACE-CAN", PacePassword.can(keys.can)))
    elif len(keys.bac) == 1:
        out.append(("PACE-MRZ", PacePassword.from_bac_key(keys.bac[0])))
    return out


def _try_pace(
    plain: PlainChannel,
    infos: tuple[PaceInfo, ...],
    keys: ChipKeys,
    transceiver: Transceiver,
    counters: Counters,
    rng: Callable[[int], bytes],
) -> tuple[str, OpenedChip | None, str]:
    """(result text, opened chip or None, method)."""
    try:
        info = choose_pace_info(infos)
    except PaceRefusedError:
        return "offered, but no variant this reader implements", None, ""
    passwords = _pace_passwords(keys)
    if not passwords:
        return "not attempted (no CAN and no single MRZ key)", None, ""
    result = "not attempted"
    for method, password in passwords:
        try:
            pace = PaceProtocol(password, info, several_infos=len(infos) > 1, rng=rng).establish(
                plain
            )
        except PaceRefusedError as exc:
            return (f"refused ({exc.sw:04X})" if exc.sw is not None else "refused"), None, ""
        except AuthenticationError:
            result = "wrong CAN" if password.kind == "can" else "wrong MRZ key"
            continue
        channel = SecureChannel(transceiver, pace.sm, counters)
        resp = channel.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
        if resp.sw != SW_OK:
            raise status_error(resp.sw, "SELECT eMRTD application (after PACE)")
        report = AccessReport(method, True, True, "ok")
        return "ok", OpenedChip(channel, report, None, pace), method
    return result, None, ""


def open_chip(
    transceiver: Transceiver,
    keys: BacKey | AccessKeys | ChipKeys,
    *,
    policy: ReadPolicy | None = None,
    counters: Counters | None = None,
    rng: Callable[[int], bytes] = os.urandom,
) -> OpenedChip:
    """Run the access sequence and return a secure channel to the eMRTD application."""
    chip_keys = ChipKeys.of(keys)
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
                pace_result, opened, _ = _try_pace(
                    plain, tuple(parsed.pace_infos), chip_keys, transceiver, counters, rng
                )
                if opened is not None:
                    opened.card_access_raw = raw
                    return opened
    if not chip_keys.bac:
        raise AuthenticationError(
            f"PACE {pace_result} and no MRZ key to fall back to BAC: give the birth and expiry "
            "dates (or the QR code) / cần ngày sinh và ngày hết hạn (hoặc mã QR) để mở chip"
        )
    resp = plain.send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID))
    if resp.sw != SW_OK:
        raise status_error(resp.sw, "SELECT eMRTD application")
    attempts = 0
    for candidate in chip_keys.bac:
        attempts += 1
        try:
            sm = BacProtocol(candidate, rng).run(plain)
        except AuthenticationError:
            if attempts == len(chip_keys.bac):
                if attempts == 1:
                    raise
                raise AuthenticationError(
                    f"BAC refused all {attempts} key candidates: check the ID number and the "
                    f"birth date / chip từ chối cả {attempts} khóa: kiểm tra số định danh, "
                    "ngày sinh"
                ) from None
            continue
        channel = SecureChannel(transceiver, sm, counters)
        label = getattr(candidate, "label", None) or None
        report = AccessReport("BAC", raw is not None, pace_offered, pace_result, label, attempts)
        return OpenedChip(channel, report, raw)
    raise AssertionError("unreachable")
