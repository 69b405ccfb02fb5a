"""Secure messaging of ICAO Doc 9303-11 section 9.8 (ISO/IEC 7816-4 SM), 3DES and AES.

One :class:`SecureMessaging` object holds the session keys and the send sequence counter (SSC)
of one channel. The inspection-system side uses :meth:`protect` / :meth:`unprotect`; the chip
side (the emulator) uses :meth:`chip_unprotect` / :meth:`chip_protect`. Both sides increment the
SSC once for a command and once for its response. When the chip answers a well-formed protected
command with an unprotected error status word, both sides still count the response, so the
channel stays in step (cards differ; this is what the emulator does and the reader expects).
6987/6988 mean the chip dropped the channel: the reader raises and the session must restart.
"""

from __future__ import annotations

import hmac

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from cardreader.apdu import SW_SM_INCORRECT, SW_SM_MISSING, CommandApdu, ResponseApdu
from cardreader.errors import SecureMessagingError
from cardreader.lds import tlv
from cardreader.primitives import (
    CipherKind,
    aes_cbc_decrypt,
    aes_cbc_encrypt,
    aes_cmac,
    aes_ecb_encrypt,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    pad,
    unpad,
)

_ZERO8 = bytes(8)

# Worst-case bytes SM adds around a response body of n plaintext bytes is computed by
# response_overhead(); these are the largest plaintext chunks that fit a short (256-byte)
# response: 231 for 3DES, 223 for AES (engineering notes; 0xDF works for both).
MAX_SHORT_PLAINTEXT = {CipherKind.DES3: 231}
SAFE_SHORT_PLAINTEXT = 0xDF


def wrapped_response_length(n: int, kind: CipherKind) -> int:
    """Bytes of a protected response body (without SW) carrying n plaintext bytes."""
    total = 4 + 10  # DO99 + DO8E
    if n:
        block = kind.block_size
        ct = (n // block + 1) * block
        value = ct + 1
        total += 1 + len(tlv.encode_length(value)) + value
    return total


def max_plaintext_for(limit: int, kind: CipherKind) -> int:
    """The largest plaintext chunk whose protected response fits ``limit`` body bytes."""
    n = max(0, limit - 14)
    while n > 0 and wrapped_response_length(n, kind) > limit:
        n -= 1
    return n


class SecureMessaging:
    """Keys and send sequence counter of one secure-messaging channel."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes, kind: CipherKind) -> None:
        if len(ssc) != kind.block_size:
            raise ValueError(f"SSC must be {kind.block_size} bytes for {kind.value}")
        self.kind = kind
        self._ks_enc = ks_enc
        self._ks_mac = ks_mac
        self._ssc = int.from_bytes(ssc, "big")
        self._ssc_len = len(ssc)
        self._zero8 = bytes(8)
        if kind is CipherKind.DES3:
            ka, kb = ks_mac[:8], ks_mac[8:16]
            self._mac_ka = TripleDES(ka * 3)
            # ECB has no chaining state, so one encryptor serves every MAC of the session.
            self._mac_final = Cipher(TripleDES(ka + kb + ka), modes.ECB()).encryptor()

    # --- shared pieces ---------------------------------------------------------------

    @property
    def ssc(self) -> bytes:
        return self._ssc.to_bytes(self._ssc_len, "big")

    def _next_ssc(self) -> bytes:
        self._ssc = (self._ssc + 1) % (1 << (8 * self._ssc_len))
        return self.ssc

    def skip_response(self) -> None:
        """Count a response that came back unprotected (see module docstring)."""
        self._next_ssc()

    def _block(self) -> int:
        return self.kind.block_size

    def _encrypt(self, plain: bytes, ssc: bytes) -> bytes:
        if self.kind is CipherKind.DES3:
            return des3_cbc_encrypt(self._ks_enc, pad(plain, 8))
        iv = aes_ecb_encrypt(self._ks_enc, ssc)
        return aes_cbc_encrypt(self._ks_enc, pad(plain, 16), iv)

    def _decrypt(self, cipher: bytes, ssc: bytes) -> bytes:
        if not cipher or len(cipher) % self._block():
            raise SecureMessagingError("secure messaging: cryptogram is not whole blocks")
        if self.kind is CipherKind.DES3:
            plain = des3_cbc_decrypt(self._ks_enc, cipher)
        else:
            plain = aes_cbc_decrypt(self._ks_enc, cipher, aes_ecb_encrypt(self._ks_enc, ssc))
        try:
            return unpad(plain)
        except ValueError as exc:
            raise SecureMessagingError("secure messaging: bad padding in cryptogram") from exc

    def _mac(self, ssc: bytes, data: bytes) -> bytes:
        if self.kind is CipherKind.DES3:
            return self._retail_mac(pad(ssc + data, 8))
        return aes_cmac(self._ks_mac, pad(ssc + data, 16))

    def _retail_mac(self, data: bytes) -> bytes:
        """retail_mac() with this session's key schedules built once (the hot path of a read:
        two MACs per APDU)."""
        h = self._zero8
        if len(data) > 8:
            cbc = Cipher(self._mac_ka, modes.CBC(self._zero8)).encryptor()
            h = cbc.update(data[:-8])[-8:]
        last = (int.from_bytes(h, "big") ^ int.from_bytes(data[-8:], "big")).to_bytes(8, "big")
        return self._mac_final.update(last)

    def _header(self, cla: int, ins: int, p1: int, p2: int) -> bytes:
        return pad(bytes((cla | 0x0C, ins, p1, p2)), self._block())

    @staticmethod
    def _le_bytes(le: int, extended: bool) -> bytes:
        if not extended:
            return bytes((le & 0xFF,))
        return (le & 0xFFFF).to_bytes(2, "big")

    # --- inspection-system side -----------------------------------------------------------

    def protect(self, cmd: CommandApdu) -> CommandApdu:
        """Wrap a plain command into a protected one (increments the SSC)."""
        ssc = self._next_ssc()
        odd = bool(cmd.ins & 1)
        extended = cmd.needs_extended
        dos = b""
        if cmd.data:
            ct = self._encrypt(cmd.data, ssc)
            dos += tlv.encode(0x85, ct) if odd else tlv.encode(0x87, b"\x01" + ct)
        if cmd.le is not None:
            dos += tlv.encode(0x97, self._le_bytes(cmd.le, extended))
        mac = self._mac(ssc, self._header(cmd.cla, cmd.ins, cmd.p1, cmd.p2) + dos)
        dos += tlv.encode(0x8E, mac)
        outer_ext = extended or len(dos) > 255
        return CommandApdu(
            cmd.cla | 0x0C, cmd.ins, cmd.p1, cmd.p2, dos, 65536 if outer_ext else 256, outer_ext
        )

    def unprotect(self, resp: ResponseApdu) -> ResponseApdu:
        """Check and decrypt a protected response (increments the SSC)."""
        ssc = self._next_ssc()
        if not resp.data:
            # An unprotected status word. The SSC has been counted (see module docstring).
            if resp.sw in (SW_SM_MISSING, SW_SM_INCORRECT):
                raise SecureMessagingError(
                    f"secure messaging: the chip rejected the protected command ({resp.sw:04X});"
                    " the session has ended"
                )
            return resp
        try:
            items = tlv.parse_all(resp.data)
        except Exception as exc:
            raise SecureMessagingError(f"secure messaging: response is not TLV ({exc})") from exc
        data_do: tlv.Tlv | None = None
        sw_do: tlv.Tlv | None = None
        mac_do: tlv.Tlv | None = None
        mac_input = b""
        for item in items:
            if item.tag == 0x8E:
                mac_do = item
                break
            mac_input += item.raw
            if item.tag in (0x85, 0x87):
                data_do = item
            elif item.tag == 0x99:
                sw_do = item
        if mac_do is None:
            raise SecureMessagingError("secure messaging: response has no MAC (DO8E)")
        if not hmac.compare_digest(self._mac(ssc, mac_input), mac_do.value):
            raise SecureMessagingError("secure messaging: response MAC (DO8E) does not verify")
        if sw_do is None or len(sw_do.value) != 2:
            raise SecureMessagingError("secure messaging: response has no status DO99")
        sw = int.from_bytes(sw_do.value, "big")
        plain = b""
        if data_do is not None:
            if data_do.tag == 0x87:
                if not data_do.value or data_do.value[0] != 0x01:
                    raise SecureMessagingError("secure messaging: DO87 padding indicator not 01")
                plain = self._decrypt(data_do.value[1:], ssc)
            else:
                plain = self._decrypt(data_do.value, ssc)
        return ResponseApdu(plain, sw)

    # --- chip side ----------------------------------------------------------------------

    def chip_unprotect(self, cmd: CommandApdu) -> CommandApdu:
        """Check and decrypt a protected command as the chip does (increments the SSC).

        Raises SecureMessagingError (the chip answers 6987/6988 and drops the session).
        """
        ssc = self._next_ssc()
        if cmd.cla & 0x0C != 0x0C:
            raise SecureMessagingError("command is not protected")
        try:
            items = tlv.parse_all(cmd.data)
        except Exception as exc:
            raise SecureMessagingError("protected command is not TLV") from exc
        mac_input = self._header(cmd.cla, cmd.ins, cmd.p1, cmd.p2)
        data: bytes = b""
        le: int | None = None
        extended = cmd.extended
        mac: bytes | None = None
        for item in items:
            if item.tag == 0x8E:
                mac = item.value
                break
            mac_input += item.raw
            if item.tag == 0x87:
                if not item.value or item.value[0] != 1:
                    raise SecureMessagingError("DO87 padding indicator")
                data = self._decrypt(item.value[1:], ssc)
            elif item.tag == 0x85:
                data = self._decrypt(item.value, ssc)
            elif item.tag == 0x97:
                if len(item.value) == 1:
                    le = item.value[0] or 256
                elif len(item.value) == 2:
                    le = int.from_bytes(item.value, "big") or 65536
                    extended = True
                else:
                    raise SecureMessagingError("DO97 length")
        if mac is None:
            raise SecureMessagingError("no DO8E")
        if not hmac.compare_digest(self._mac(ssc, mac_input), mac):
            raise SecureMessagingError("command MAC does not verify")
        return CommandApdu(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2, data, le, extended)

    def chip_protect(self, resp: ResponseApdu, *, odd: bool = False) -> ResponseApdu:
        """Wrap a response as the chip does (increments the SSC)."""
        ssc = self._next_ssc()
        dos = b""
        if resp.data:
            ct = self._encrypt(resp.data, ssc)
            dos += tlv.encode(0x85, ct) if odd else tlv.encode(0x87, b"\x01" + ct)
        dos += tlv.encode(0x99, resp.sw.to_bytes(2, "big"))
        dos += tlv.encode(0x8E, self._mac(ssc, dos))
        return ResponseApdu(dos, 0x9000)
