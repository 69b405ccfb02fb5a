"""A CCCD chip emulator: the card side of ISO/IEC 7816-4 + ICAO 9303 BAC and secure messaging.

It serves the raw files of a dump like a real Vietnamese chip ID card does, quirks included:
- SELECT MF answers 6D00; EF.CardAccess is reachable directly (SELECT 011C or SFI 1C);
- the PACE set-up (MSE:Set AT) answers 6982, so readers must fall back to BAC;
- every LDS file needs BAC first (6982 before), and then secure messaging;
- DG3 answers 6982 even after BAC;
- a READ BINARY past the end answers the remaining bytes with 6282, at/after the end 6B00;
- a wrong BAC key answers 6300;
- Le above the card's maximum answers 6700 (or 6Cxx if configured); extended length only when
  configured, and then advertised in the ATR's card capabilities.
Protocol work is plain Python on bytes: the vpcd socket and in-process transports wrap it.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cardreader.apdu import (
    SW_AUTH_FAILED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_INS_NOT_SUPPORTED,
    SW_OK,
    SW_SECURITY_STATUS,
    SW_SM_INCORRECT,
    SW_SM_MISSING,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    CommandApdu,
    ResponseApdu,
)
from cardreader.atr import build_atr
from cardreader.bac import BacKey, session_from_key_material
from cardreader.errors import CardReaderError, SecureMessagingError
from cardreader.lds import tlv
from cardreader.lds.files import CARD_ACCESS, DG3, LdsFile
from cardreader.primitives import des3_cbc_decrypt, des3_cbc_encrypt, pad, retail_mac
from cardreader.secure_messaging import SecureMessaging, wrapped_response_length

EMRTD_AID = bytes.fromhex("A0000002471001")


@dataclass(frozen=True, slots=True)
class ChipConfig:
    """Behaviour knobs. ``max_le``: the most plaintext bytes one READ BINARY may return."""

    max_le: int = 256
    extended: bool = False
    le_error: Literal["6700", "6C"] = "6700"
    sfi: bool = True
    pace: Literal["refuse"] = "refuse"

    @property
    def atr(self) -> bytes:
        return build_atr(extended=self.extended)


class ChipEmulator:
    """The chip's state machine. Feed it command APDU bytes; it returns response bytes."""

    def __init__(
        self,
        files: dict[LdsFile, bytes],
        bac_key: BacKey,
        config: ChipConfig | None = None,
        rng: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.files = dict(files)
        self.bac_key = bac_key
        self.config = config or ChipConfig()
        self.rng = rng
        self.log: list[tuple[bytes, bytes]] | None = None  # set to [] to record exchanges
        self.reset()

    @property
    def atr(self) -> bytes:
        return self.config.atr

    def reset(self) -> None:
        """Power-on state: nothing selected, no access granted."""
        self._app_selected = False
        self._current: LdsFile | None = None
        self._challenge: bytes | None = None
        self._sm: SecureMessaging | None = None

    # --- entry point ------------------------------------------------------------------

    def process(self, raw: bytes) -> bytes:
        try:
            cmd = CommandApdu.from_bytes(raw)
        except CardReaderError:
            return (0x6700).to_bytes(2, "big")
        except ValueError:
            return (0x6700).to_bytes(2, "big")
        answer = self._process(cmd).to_bytes()
        if self.log is not None:
            self.log.append((bytes(raw), answer))
        return answer

    def _process(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.cla & 0x0C == 0x0C:
            sm = self._sm
            if sm is None:
                return ResponseApdu(b"", SW_SM_MISSING)
            try:
                inner = sm.chip_unprotect(cmd)
            except SecureMessagingError:
                self._sm = None  # ICAO 9303-11 9.8.6: abort secure messaging
                return ResponseApdu(b"", SW_SM_INCORRECT)
            resp = self._dispatch(inner, protected=True)
            if self._sm is None:  # the command ended the session
                return resp
            if resp.sw not in (SW_OK, SW_END_OF_FILE) and not resp.data:
                sm.skip_response()  # unprotected error status word; both sides count it
                return resp
            return sm.chip_protect(resp, odd=bool(inner.ins & 1))
        if self._sm is not None and cmd.ins not in (0x84,):
            # A plain command during secure messaging ends the session (9303-11 9.8.6).
            self._sm = None
            return ResponseApdu(b"", SW_SM_MISSING)
        return self._dispatch(cmd, protected=False)

    def _dispatch(self, cmd: CommandApdu, *, protected: bool) -> ResponseApdu:
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd)
        if ins in (0xB0, 0xB1):
            return self._read_binary(cmd, protected)
        if ins == 0x84:
            return self._get_challenge(cmd)
        if ins == 0x82:
            return self._external_authenticate(cmd)
        if ins == 0x22 or ins == 0x86:
            return ResponseApdu(b"", SW_SECURITY_STATUS)  # PACE set-up refused, as CCCDs do
        return ResponseApdu(b"", SW_INS_NOT_SUPPORTED)

    # --- commands ---------------------------------------------------------------------

    def _select(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.p1 == 0x04:
            if cmd.data == EMRTD_AID:
                self._app_selected = True
                self._current = None
                return ResponseApdu(b"", SW_OK)
            return ResponseApdu(b"", SW_FILE_NOT_FOUND)
        if cmd.p1 == 0x00 and (not cmd.data or cmd.data == b"\x3f\x00"):
            return ResponseApdu(b"", SW_INS_NOT_SUPPORTED)  # the CCCD quirk: no SELECT MF
        if cmd.p1 in (0x00, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            f = self._by_fid(fid)
            if f is None:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            if f is not CARD_ACCESS:
                if not self._app_selected:
                    return ResponseApdu(b"", SW_FILE_NOT_FOUND)
                if self._sm is None:
                    return ResponseApdu(b"", SW_SECURITY_STATUS)
            self._current = f
            return ResponseApdu(b"", SW_OK)
        return ResponseApdu(b"", 0x6A86)

    def _by_fid(self, fid: int) -> LdsFile | None:
        for f in self.files:
            if f.fid == fid:
                return f
        return DG3 if fid == DG3.fid else None

    def _by_sfi(self, sfi: int) -> LdsFile | None:
        for f in self.files:
            if f.sfi == sfi:
                return f
        return DG3 if sfi == DG3.sfi else None

    def _read_binary(self, cmd: CommandApdu, protected: bool) -> ResponseApdu:
        if cmd.ins == 0xB0 and cmd.p1 & 0x80:
            if not self.config.sfi:
                return ResponseApdu(b"", 0x6A86)
            f = self._by_sfi(cmd.p1 & 0x1F)
            if f is None:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            if f is not CARD_ACCESS and not self._app_selected:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            offset = cmd.p2
            target = f
        elif cmd.ins == 0xB0:
            if self._current is None:
                return ResponseApdu(b"", 0x6986)
            target = self._current
            offset = (cmd.p1 << 8) | cmd.p2
        else:
            if self._current is None:
                return ResponseApdu(b"", 0x6986)
            target = self._current
            try:
                item = tlv.parse_single(cmd.data)
            except CardReaderError:
                return ResponseApdu(b"", 0x6A80)
            if item.tag != 0x54 or not 1 <= len(item.value) <= 3:
                return ResponseApdu(b"", 0x6A80)
            offset = int.from_bytes(item.value, "big")
        if target is not CARD_ACCESS and (self._sm is None or not protected):
            return ResponseApdu(b"", SW_SECURITY_STATUS)
        if target is DG3:
            return ResponseApdu(b"", SW_SECURITY_STATUS)  # fingerprints: EAC only
        self._current = target
        content = self.files[target]
        if offset >= len(content):
            return ResponseApdu(b"", SW_WRONG_P1P2)
        if cmd.extended and not self.config.extended:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        le = cmd.le if cmd.le is not None else 256
        limit = self._limit(cmd, protected)
        if cmd.ins == 0xB1:
            limit -= 4  # the 53 wrapper
        wildcard = cmd.extended and le == 65536
        if le > limit and not wildcard:
            if self.config.le_error == "6C" and limit < 256:
                return ResponseApdu(b"", 0x6C00 | limit)
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        n = min(le, limit)
        chunk = content[offset : offset + n]
        sw = SW_END_OF_FILE if len(chunk) < n and not wildcard else SW_OK
        if cmd.ins == 0xB1:
            chunk = tlv.encode(0x53, chunk)
        return ResponseApdu(chunk, sw)

    def _limit(self, cmd: CommandApdu, protected: bool) -> int:
        """Largest plaintext answer: the card's maximum, and what fits the response APDU."""
        limit = self.config.max_le
        if cmd.extended:
            return limit
        if protected and self._sm is not None:
            kind = self._sm.kind
            while limit > 0 and wrapped_response_length(limit, kind) > 256:
                limit -= 1
            return limit
        return min(limit, 256)

    def _get_challenge(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.le != 8:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        self._sm = None
        self._challenge = self.rng(8)
        return ResponseApdu(self._challenge, SW_OK)

    def _external_authenticate(self, cmd: CommandApdu) -> ResponseApdu:
        challenge, self._challenge = self._challenge, None
        if challenge is None or not self._app_selected:
            return ResponseApdu(b"", 0x6985)
        if len(cmd.data) != 40:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        k_enc, k_mac = self.bac_key.keys()
        e_ifd, m_ifd = cmd.data[:32], cmd.data[32:]
        if not hmac.compare_digest(retail_mac(k_mac, pad(e_ifd)), m_ifd):
            return ResponseApdu(b"", SW_AUTH_FAILED)
        s = des3_cbc_decrypt(k_enc, e_ifd)
        rnd_ifd, rnd_ic, k_ifd = s[:8], s[8:16], s[16:32]
        if rnd_ic != challenge:
            return ResponseApdu(b"", SW_AUTH_FAILED)
        k_ic = self.rng(16)
        e_ic = des3_cbc_encrypt(k_enc, rnd_ic + rnd_ifd + k_ic)
        m_ic = retail_mac(k_mac, pad(e_ic))
        self._sm = session_from_key_material(k_ifd, k_ic, rnd_ic, rnd_ifd)
        return ResponseApdu(e_ic + m_ic, SW_OK)
