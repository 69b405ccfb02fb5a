"""QR decoding back ends behind one small protocol: zxing-cpp and zbar (through pyzbar).

Both take a 2-D ``uint8`` greyscale array and return the RAW bytes of every QR code found, never
text: CCCD QR codes hold UTF-8 with no ECI designator, and zbar otherwise guesses a charset for
short strings (Shift-JIS, Big5, Latin-1) and garbles Vietnamese ("Đống Đa"). The caller decodes.

- zxing-cpp (``zxingcpp``): ``Barcode.bytes`` is "the uninterpreted bytes of the decoded
  symbol", whatever the text mode. Formats are limited to QR Code; rotation, inversion and
  downscaled passes are on (try-harder), and the binarizer is a parameter so the caller can
  retry with another one.
- zbar (``pyzbar``): settings apply only when ``symbols=`` is given, so it is always called with
  ``symbols=[ZBarSymbol.QRCODE]``; ``Decoded.data`` is the raw payload. Needs the system
  library ``libzbar0``.

Back ends are imported lazily: a missing one is reported by :func:`available_decoders` and by a
typed error when asked for by name.
"""

from __future__ import annotations

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
    """zbar through pyzbar, restricted to QR codes so its settings apply."""

    name = "zbar"

    def __init__(self) -> None:
        from pyzbar import pyzbar  # type: ignore[import-untyped]

        self._pyzbar: Any = pyzbar

    def decode(self, grey: GreyImage) -> list[bytes]:
        zb = self._pyzbar
        height, width = grey.shape
        found = zb.decode((grey.tobytes(), width, height), symbols=[zb.ZBarSymbol.QRCODE])
        return [bytes(d.data) for d in found]


_FACTORIES: dict[str, type[ZxingDecoder] | type[ZbarDecoder]] = {
    "zxing": ZxingDecoder,
    "zbar": ZbarDecoder,
}
_cache: dict[str, QrDecoder] = {}


def get_decoder(name: str) -> QrDecoder:
    """The back end called ``name`` ("zxing" or "zbar"), created once.

    Raises :class:`InputError` for an unknown name or a back end that cannot load (package or
    system library missing), naming which.
    """
    if name in _cache:
        return _cache[name]
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InputError(
            f"unknown QR decoder {name!r}: choose one of {', '.join(sorted(_FACTORIES))} or auto"
        )
    try:
        decoder: QrDecoder = factory()
    except (ImportError, OSError) as exc:  # pyzbar raises ImportError when libzbar is missing
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
