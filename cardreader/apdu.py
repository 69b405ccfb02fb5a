"""ISO/IEC 7816-4 command and response APDUs and status words.

Commands encode in short form when they fit and in extended form when asked to (or when Lc/Le
need it); responses split into data and status word. Nothing here talks to a card.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardreader.errors import (
    FileNotFoundOnCardError,
    ParseError,
    SecurityStatusError,
    StatusWordError,
)

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # end of file reached before reading Le bytes
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_STATUS = 0x6982
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6B00
SW_INS_NOT_SUPPORTED = 0x6D00
SW_AUTH_FAILED = 0x6300
SW_SM_MISSING = 0x6987
SW_SM_INCORRECT = 0x6988
SW_CONDITIONS = 0x6985

_SW_TEXT: dict[int, str] = {
    0x9000: "success",
    0x6282: "end of file reached before reading Le bytes",
    0x6300: "authentication failed",
    0x6581: "memory failure",
    0x6700: "wrong length",
    0x6881: "logical channel not supported",
    0x6882: "secure messaging not supported",
    0x6982: "security status not satisfied",
    0x6983: "authentication method blocked",
    0x6984: "reference data not usable",
    0x6985: "conditions of use not satisfied",
    0x6986: "command not allowed (no current EF)",
    0x6987: "expected secure messaging data objects missing",
    0x6988: "incorrect secure messaging data objects",
    0x6A80: "incorrect parameters in the data field",
    0x6A82: "file or application not found",
    0x6A86: "incorrect parameters P1-P2",
    0x6A88: "referenced data not found",
    0x6B00: "wrong parameters P1-P2 (offset outside the file)",
    0x6D00: "instruction not supported",
    0x6E00: "class not supported",
    0x6F00: "no precise diagnosis",
}


def describe_sw(sw: int) -> str:
    """A short English description of a status word."""
    if sw in _SW_TEXT:
        return _SW_TEXT[sw]
    hi, lo = sw >> 8, sw & 0xFF
    if hi == 0x61:
        return f"{lo} more bytes available"
    if hi == 0x6C:
        return f"wrong Le; exact length is {lo or 256}"
    if hi == 0x63 and lo & 0xF0 == 0xC0:
        return f"verification failed, {lo & 0x0F} tries left"
    return "unknown status"


@dataclass(frozen=True, slots=True)
class CommandApdu:
    """A command APDU. ``le`` is the expected response length: None = no Le field,
    256 (short) / 65536 (extended) = "as much as possible" (encoded as 00 / 0000)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ValueError(f"APDU {name} out of range: {value}")
        if len(self.data) > 65535:
            raise ValueError("APDU data longer than 65535 bytes")
        if self.le is not None and not 0 < self.le <= 65536:
            raise ValueError(f"APDU Le out of range: {self.le}")

    @property
    def needs_extended(self) -> bool:
        return self.extended or len(self.data) > 255 or (self.le is not None and self.le > 256)

    def to_bytes(self) -> bytes:
        header = bytes((self.cla, self.ins, self.p1, self.p2))
        if not self.needs_extended:
            body = b""
            if self.data:
                body += bytes((len(self.data),)) + self.data
            if self.le is not None:
                body += bytes((self.le & 0xFF,))  # 256 -> 00
            return header + body
        body = b""
        if self.data:
            body += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
        if self.le is not None:
            le = (self.le & 0xFFFF).to_bytes(2, "big")  # 65536 -> 0000
            body += le if self.data else b"\x00" + le
        return header + body

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandApdu:
        """Decode a command APDU (cases 1-4, short and extended)."""
        if len(raw) < 4:
            raise ParseError(f"command APDU: {len(raw)} bytes, at least 4 needed")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or 256)
        if body[0] != 0:  # short form with data
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[-1] or 256)
            raise ParseError(f"command APDU: Lc {lc} does not match {len(body) - 1} body bytes")
        # extended form
        if len(body) == 3:
            le = int.from_bytes(body[1:3], "big") or 65536
            return cls(cla, ins, p1, p2, le=le, extended=True)
        if len(body) < 3:
            raise ParseError("command APDU: truncated extended length")
        lc = int.from_bytes(body[1:3], "big")
        rest = body[3:]
        if len(rest) == lc:
            return cls(cla, ins, p1, p2, bytes(rest), extended=True)
        if len(rest) == lc + 2:
            le = int.from_bytes(rest[lc:], "big") or 65536
            return cls(cla, ins, p1, p2, bytes(rest[:lc]), le, extended=True)
        raise ParseError(f"command APDU: extended Lc {lc} does not match {len(rest)} bytes")

    def __str__(self) -> str:
        return self.to_bytes().hex(" ").upper()


@dataclass(frozen=True, slots=True)
class ResponseApdu:
    data: bytes
    sw: int

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ParseError(f"response APDU: {len(raw)} bytes, at least 2 (SW1 SW2) needed")
        return cls(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK

    def check(self, command: str) -> ResponseApdu:
        """Return self if the status word is 9000, else raise the matching typed error."""
        if self.sw != SW_OK:
            raise status_error(self.sw, command)
        return self


def status_error(sw: int, command: str) -> StatusWordError:
    """The typed error for an error status word answered to ``command``."""
    if sw == SW_SECURITY_STATUS:
        return SecurityStatusError(sw, command)
    if sw == SW_FILE_NOT_FOUND:
        return FileNotFoundOnCardError(sw, command)
    return StatusWordError(sw, command)
