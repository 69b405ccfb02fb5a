"""The library's error types.

Every failure the library reports is a :class:`CardReaderError` with a stable, machine-readable
``code`` (used by the ``cccd`` command line's JSON output) and a message that names what failed.
Nothing else escapes the public API: parsers turn every malformed input into :class:`ParseError`,
transports turn every PC/SC failure into a :class:`TransportError`.
"""

from __future__ import annotations


class CardReaderError(Exception):
    """Base class of every error the library raises."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# --- transport -----------------------------------------------------------------------------


class TransportError(CardReaderError):
    """The link to the reader or card failed."""

    code = "transport"


class NoReaderError(TransportError):
    """No PC/SC reader (or not the one asked for) is present."""

    code = "no_reader"


class ReaderGoneError(TransportError):
    """The reader was unplugged, or the PC/SC service went away."""

    code = "reader_gone"


class NoCardError(TransportError):
    """The reader is present but no card is on it."""

    code = "no_card"


class CardRemovedError(TransportError):
    """The card left the reader during the operation."""

    code = "card_removed"


# --- card answers --------------------------------------------------------------------------


class StatusWordError(CardReaderError):
    """The card answered a command with an error status word."""

    code = "status_word"

    def __init__(self, sw: int, command: str, message: str | None = None) -> None:
        from cardreader.apdu import describe_sw

        self.sw = sw
        self.command = command
        super().__init__(message or f"{command}: card answered {sw:04X} ({describe_sw(sw)})")


class SecurityStatusError(StatusWordError):
    """6982: security status not satisfied (access control not passed, or refused)."""

    code = "access_denied"


class FileNotFoundOnCardError(StatusWordError):
    """6A82: the file or application is not on the card."""

    code = "file_not_found"


class AuthenticationError(CardReaderError):
    """Access control (BAC/PACE) failed: usually a wrong document number or date."""

    code = "authentication_failed"


class SecureMessagingError(CardReaderError):
    """A secure-messaging response failed its MAC check or is badly formed."""

    code = "secure_messaging"


class ReadError(CardReaderError):
    """A file could not be read (size caps, chunk caps, inconsistent answers)."""

    code = "read_failed"


# --- data ----------------------------------------------------------------------------------


class ParseError(CardReaderError):
    """Bytes from the card (or a dump) are malformed. The message names the structure."""

    code = "malformed"


class LimitExceededError(ParseError):
    """Input is larger or deeper than the parser's caps allow."""

    code = "limit_exceeded"


class InputError(CardReaderError):
    """A caller-supplied value (document number, date, option) is invalid."""

    code = "invalid_input"


# --- verification --------------------------------------------------------------------------


class UnsupportedAlgorithmError(CardReaderError):
    """A key, curve, hash or signature scheme the verifier does not implement."""

    code = "unsupported_algorithm"


class BadSignatureError(CardReaderError):
    """A signature does not verify with the given key."""

    code = "bad_signature"


# --- QR codes ------------------------------------------------------------------------------


class QrFormatError(ParseError):
    """A card QR payload (or scanner-typed text) is not a CCCD / Căn cước QR. Names the field."""

    code = "qr_format"


# --- QR codes ------------------------------------------------------------------------------


class QrNotFoundError(CardReaderError):
    """No QR code could be found or decoded in the image."""

    code = "qr_not_found"
