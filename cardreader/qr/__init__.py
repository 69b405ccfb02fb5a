"""CCCD QR codes: finding them in images (:mod:`cardreader.qr.decode`) and reading their text.

:func:`decode_qr` returns the raw payload bytes of every QR code in a photo or camera frame;
decode them as UTF-8 (CCCD QR codes carry no ECI marker).
"""

from cardreader.errors import QrNotFoundError
from cardreader.qr.decode import MAX_PIXELS, decode_qr
from cardreader.qr.decoders import QrDecoder, available_decoders
from cardreader.qr.payload import QrCard, QrExtra, parse_cccd_qr
from cardreader.qr.wedge import WedgeResult, parse_wedge_text

__all__ = [
    "MAX_PIXELS",
    "QrCard",
    "QrDecoder",
    "QrExtra",
    "QrNotFoundError",
    "WedgeResult",
    "available_decoders",
    "decode_qr",
    "parse_cccd_qr",
    "parse_wedge_text",
]
