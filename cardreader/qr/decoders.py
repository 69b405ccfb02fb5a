"""QR decoding back ends behind one small protocol: zxing-cpp and zbar (through pyzbar).

Both take a 2-D ``uint8`` greyscale array and return the RAW bytes of every QR code found, never
text: CCCD QR codes hold UTF-8 with no ECI designator, and zbar otherwise guesses a charset for
short strings (Shift-JIS, Big5, Latin-1) and garbles Vietnamese ("Đống Đa"). The caller decodes.

- zxing-cpp (``zxingcpp``): ``Barcode.bytes`` is "the uninterpreted bytes of the decoded
  symbol", whatever the text mode. Formats are limited to QR Code; rotation, inversion and
  downscaled passes are on (try-harder), and the binarizer is a parameter so the caller can
  retry with another one.
- zbar (``pyzbar``'s ctypes bindings, system library ``libzbar0``): QR codes only, with
  ``ZBAR_CFG_BINARY`` set so the payload is not converted through a guessed charset (see
  :class:`ZbarDecoder`; ``pyzbar.decode`` with ``symbols=`` still garbles short Vietnamese
  strings, measured here with libzbar 0.23.92).

Back ends are imported lazily: a missing one is reported by :func:`available_decoders` and by a
typed error when asked for by name.
"""

from __future__ import annotations

import ctypes
import threading
from typing import TYPE_CHECKING, Any, Literal, Protocol

from cardreader.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    GreyImage = npt.NDArray[np.uint8]

Binarizer = Literal["local", "global"]


class QrDecoder(Protocol):
    """A QR back end: raw payloads of every QR code in a greyscale image."""

    name: str

    def decode(self, grey: GreyImage) -> list[bytes]:
        """Raw payload bytes of each QR code in ``grey`` (H x W, uint8, C-contiguous)."""
        ...


class ZxingDecoder:
    """zxing-cpp: fast, rotation-invariant, returns the symbol's raw bytes."""

    def __init__(self, binarizer: Binarizer = "local") -> None:
        import zxingcpp

        self._zx: Any = zxingcpp
        self._binarizer = (
            zxingcpp.Binarizer.LocalAverage
            if binarizer == "local"
            else zxingcpp.Binarizer.GlobalHistogram
        )
        self.name = "zxing" if binarizer == "local" else f"zxing-{binarizer}"

    def decode(self, grey: GreyImage) -> list[bytes]:
        zx = self._zx
        found = zx.read_barcodes(
            grey,
            formats=zx.BarcodeFormat.QRCode,
            try_rotate=True,
            try_downscale=True,
            try_invert=True,
            binarizer=self._binarizer,
        )
        return [bytes(b.bytes) for b in found if b.valid]


class ZbarDecoder:
    """zbar through pyzbar's ctypes bindings, QR codes only, payloads left as raw bytes.

    ``pyzbar.decode`` cannot be used as it is: even with ``symbols=`` it leaves zbar converting
    byte-mode data to text through a guessed charset ("Đống Đa" comes back as Shift-JIS
    mojibake). zbar >= 0.23 has ``ZBAR_CFG_BINARY`` ("don't convert binary data to text", value
    4 in ``zbar_config_e`` of zbar.h, after ENABLE, ADD_CHECK, EMIT_CHECK, ASCII); pyzbar's
    enum predates it, so it is set by number. An older libzbar that refuses the setting is
    reported unavailable rather than trusted with Vietnamese text.
    """

    name = "zbar"
    _CFG_ENABLE = 0
    _CFG_BINARY = 4
    _FOURCC_Y800 = 0x30303859  # 'Y800': 8-bit greyscale

    def __init__(self) -> None:
        from pyzbar import wrapper  # type: ignore[import-untyped]

        self._w: Any = wrapper
        self._scanner: Any = wrapper.zbar_image_scanner_create()
        qr = int(wrapper.ZBarSymbol.QRCODE)
        set_config = wrapper.zbar_image_scanner_set_config
        set_config(self._scanner, 0, self._CFG_ENABLE, 0)  # 0 = ZBAR_NONE: every symbology
        if set_config(self._scanner, qr, self._CFG_ENABLE, 1) != 0:
            raise ImportError("libzbar refused to enable QR codes")
        if set_config(self._scanner, qr, self._CFG_BINARY, 1) != 0:
            raise ImportError("libzbar is older than 0.23: no ZBAR_CFG_BINARY for raw bytes")
        self._lock = threading.Lock()  # a zbar scanner is not safe to share across threads

    def decode(self, grey: GreyImage) -> list[bytes]:
        w = self._w
        height, width = grey.shape
        pixels = grey.tobytes()
        out: list[bytes] = []
        with self._lock:
            image = w.zbar_image_create()
            try:
                w.zbar_image_set_format(image, self._FOURCC_Y800)
                w.zbar_image_set_size(image, width, height)
                w.zbar_image_set_data(image, ctypes.c_char_p(pixels), len(pixels), None)
                if w.zbar_scan_image(self._scanner, image) < 0:
                    return []
                symbol = w.zbar_image_first_symbol(image)
                while symbol:
                    length = w.zbar_symbol_get_data_length(symbol)
                    data = w.zbar_symbol_get_data(symbol)
                    out.append(ctypes.string_at(data, length))
                    symbol = w.zbar_symbol_next(symbol)
            finally:
                w.zbar_image_destroy(image)
        return out


_FACTORIES: dict[str, type[ZxingDecoder] | type[ZbarDecoder]] = {
    "zxing": ZxingDecoder,
    "zbar": ZbarDecoder,
}
_cache: dict[str, QrDecoder] = {}
_cache_lock = threading.Lock()


def get_decoder(name: str) -> QrDecoder:
    """The back end called ``name`` ("zxing" or "zbar"), created once.

    Raises :class:`InputError` for an unknown name or a back end that cannot load (package or
    system library missing), naming which.
    """
    cached = _cache.get(name)
    if cached is not None:
        return cached
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InputError(
            f"unknown QR decoder {name!r}: choose one of {', '.join(sorted(_FACTORIES))} or auto"
        )
    with _cache_lock:  # one scanner per back end, even when threads race to create it
        cached = _cache.get(name)
        if cached is not None:
            return cached
        try:
            decoder: QrDecoder = factory()
        except (ImportError, OSError) as exc:  # pyzbar: ImportError when libzbar is missing
            raise InputError(f"QR decoder {name!r} is not available here: {exc}") from exc
        _cache[name] = decoder
        return decoder


def available_decoders() -> list[str]:
    """Names of the back ends that load on this machine, fastest first."""
    names = []
    for name in ("zxing", "zbar"):
        try:
            get_decoder(name)
        except InputError:
            continue
        names.append(name)
    return names
