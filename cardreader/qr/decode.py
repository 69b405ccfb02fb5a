"""Find the QR codes in a photo or camera frame and return their raw payload bytes.

:func:`decode_qr` takes a Pillow image or a numpy frame (greyscale, RGB or BGR, with or without
alpha), converts it to greyscale once, and runs a chain of passes that stops at the first one
finding a QR code:

1. zxing-cpp on the frame as it is (about 2 ms for 1280x720: most frames end here);
2. cheap image repairs, each followed by zxing-cpp: a sharpened copy (defocus, motion), a 2x
   upscaled copy (a QR with under ~2 px per module; frames up to 1080p), a contrast-stretched
   copy (dim frames);
3. zbar on the frame (another detector, for what zxing's finder-pattern search missed);
4. an adaptive (local mean) threshold and zxing-cpp's global-histogram binarizer.

Passes 2-4 run on a copy of at most 4 Mpx (big photos are area-downscaled for them). The chain's
order comes from bench/qr.py: zxing-cpp alone reads ~95% of the hard corpus in ~2-5 ms; the
repairs bring it to ~99.8%. A frame with no QR costs the whole chain (~75-190 ms at 1280x720).

``decoder="zxing"`` or ``"zbar"`` runs that back end alone on the frame as it is (used by the
benchmark to compare them); ``effort="fast"`` runs only the first pass, for a camera loop that
calls this on every frame and a thorough pass every few frames.

Payloads are returned as RAW bytes: CCCD QR codes carry UTF-8 with no ECI marker, and any
decoder's own charset guess garbles Vietnamese. Decode with ``payload.decode("utf-8")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from cardreader.errors import InputError, LimitExceededError, QrNotFoundError
from cardreader.qr.decoders import ZxingDecoder, get_decoder

MAX_PIXELS = 40_000_000
"""Largest input accepted (a 40 Mpx photo); bigger raises :class:`LimitExceededError`."""

MAX_UPSCALE_PIXELS = 2_100_000
"""The 2x-upscale repair runs only on frames up to 1920x1080 (it costs 4x the pixels)."""

MAX_REPAIR_PIXELS = 4_000_000
"""Repair passes work on a copy area-downscaled to at most this size (a 12 Mpx photo's misses
would otherwise cost seconds); the first pass always sees the full resolution."""

Grey = npt.NDArray[np.uint8]
ImageInput = Image.Image | npt.NDArray[np.generic]
ChannelOrder = Literal["RGB", "BGR"]
Effort = Literal["fast", "thorough"]

_DECODER_NAMES = ("auto", "zxing", "zbar")


def decode_qr(
    image: ImageInput,
    *,
    decoder: str = "auto",
    channel_order: ChannelOrder = "RGB",
    effort: Effort = "thorough",
) -> list[bytes]:
    """Raw payload bytes of every QR code found in ``image``, in the order found, no duplicates.

    ``image`` is a :class:`PIL.Image.Image` (any mode) or a numpy ``uint8`` array shaped
    (H, W), (H, W, 1), (H, W, 3) or (H, W, 4); ``channel_order`` says whether 3/4-channel arrays
    are RGB(A) (Pillow, most libraries) or BGR(A) (OpenCV). ``decoder`` is ``"auto"`` (the
    chain described in the module docstring), ``"zxing"`` or ``"zbar"``.

    Raises :class:`QrNotFoundError` when no QR code is found, :class:`LimitExceededError` for an
    image over :data:`MAX_PIXELS`, and :class:`InputError` for an unusable array or an unknown
    or unavailable decoder.
    """
    if decoder not in _DECODER_NAMES:
        raise InputError(f"unknown QR decoder {decoder!r}: choose auto, zxing or zbar")
    if effort not in ("fast", "thorough"):
        raise InputError(f"unknown effort {effort!r}: choose fast or thorough")
    grey = to_grey(image, channel_order=channel_order)
    if decoder != "auto":
        found = get_decoder(decoder).decode(grey)
    else:
        found = _zxing(grey)
        if not found and effort == "thorough":
            work = _repair_copy(grey)
            for run in _REPAIRS:
                found = run(work)
                if found:
                    break
    if not found:
        raise QrNotFoundError(
            "Không tìm thấy mã QR trong ảnh / no QR code found in the image "
            f"({grey.shape[1]}x{grey.shape[0]})"
        )
    return list(dict.fromkeys(found))


# --- input ---------------------------------------------------------------------------------


def to_grey(image: ImageInput, *, channel_order: ChannelOrder = "RGB") -> Grey:
    """``image`` as a C-contiguous (H, W) uint8 array, after the size cap."""
    if isinstance(image, Image.Image):
        _check_size(image.width, image.height)
        return np.ascontiguousarray(np.asarray(image.convert("L"), dtype=np.uint8))
    if not isinstance(image, np.ndarray):
        raise InputError(f"expected a PIL image or a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise InputError(f"expected a uint8 image array, got dtype {image.dtype}")
    if image.ndim not in (2, 3):
        raise InputError(f"expected an (H, W) or (H, W, C) array, got shape {image.shape}")
    _check_size(image.shape[1], image.shape[0])
    if image.ndim == 2:
        return np.ascontiguousarray(image)
    channels = image.shape[2]
    if channels == 1:
        return np.ascontiguousarray(image[:, :, 0])
    if channels not in (3, 4):
        raise InputError(f"expected 1, 3 or 4 channels, got {channels}")
    if channel_order not in ("RGB", "BGR"):
        raise InputError(f"unknown channel order {channel_order!r}: choose RGB or BGR")
    r, b = (0, 2) if channel_order == "RGB" else (2, 0)
    # ITU-R BT.601 luma in fixed point (77 + 150 + 29 = 256), as Pillow's "L" conversion.
    luma = (
        image[:, :, r].astype(np.uint16) * 77
        + image[:, :, 1].astype(np.uint16) * 150
        + image[:, :, b].astype(np.uint16) * 29
    ) >> 8
    return luma.astype(np.uint8)


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise InputError(f"empty image ({width}x{height})")
    if width * height > MAX_PIXELS:
        raise LimitExceededError(
            f"image of {width}x{height} pixels is over the {MAX_PIXELS // 1_000_000} Mpx cap"
        )


# --- passes --------------------------------------------------------------------------------


def _zxing(grey: Grey) -> list[bytes]:
    return get_decoder("zxing").decode(grey)


def _zbar(grey: Grey) -> list[bytes]:
    try:
        return get_decoder("zbar").decode(grey)
    except InputError:  # libzbar missing: the chain goes on without it
        return []


_zxing_global: ZxingDecoder | None = None


def _zxing_global_binarizer(grey: Grey) -> list[bytes]:
    global _zxing_global
    if _zxing_global is None:
        _zxing_global = ZxingDecoder("global")
    return _zxing_global.decode(grey)


def _repair_copy(grey: Grey) -> Grey:
    """``grey`` itself, or an area-downscaled copy of at most :data:`MAX_REPAIR_PIXELS`."""
    h, w = grey.shape
    if h * w <= MAX_REPAIR_PIXELS:
        return grey
    k = (MAX_REPAIR_PIXELS / (h * w)) ** 0.5
    size = (max(1, int(w * k)), max(1, int(h * k)))
    return _from_pil(_pil(grey).resize(size, Image.Resampling.BOX))


def _pil(grey: Grey) -> Image.Image:
    return Image.fromarray(grey, "L")


def _from_pil(img: Image.Image) -> Grey:
    return np.ascontiguousarray(np.asarray(img, dtype=np.uint8))


def _sharpened(grey: Grey) -> list[bytes]:
    """Defocus and motion blur: a 3x3 sharpening kernel restores module edges."""
    return _zxing(_from_pil(_pil(grey).filter(ImageFilter.SHARPEN)))


def _upscaled(grey: Grey) -> list[bytes]:
    """A QR with 1.5-2 px per module: bicubic 2x gives the finder enough samples per module."""
    h, w = grey.shape
    if h * w > MAX_UPSCALE_PIXELS:
        return []
    return _zxing(_from_pil(_pil(grey).resize((2 * w, 2 * h), Image.Resampling.BICUBIC)))


def _stretched(grey: Grey) -> list[bytes]:
    """Dim, washed-out frames: map the 1st..99th percentile onto 0..255."""
    lo, hi = np.percentile(grey[::4, ::4], (1.0, 99.0))
    if hi - lo < 4:
        return []
    scale = 255.0 / float(hi - lo)
    stretched = np.clip((grey.astype(np.float32) - float(lo)) * scale, 0, 255).astype(np.uint8)
    return _zxing(stretched)


def _thresholded(grey: Grey) -> list[bytes]:
    """Adaptive threshold: each pixel against the mean of its neighbourhood (uneven light)."""
    radius = max(4, min(grey.shape) // 60)
    mean = _from_pil(_pil(grey).filter(ImageFilter.BoxBlur(radius)))
    binary = np.where(grey.astype(np.int16) < mean.astype(np.int16) - 5, 0, 255).astype(np.uint8)
    return _zxing(binary)


_REPAIRS: tuple[Callable[[Grey], list[bytes]], ...] = (
    _sharpened,
    _upscaled,
    _stretched,
    _zbar,
    _thresholded,
    _zxing_global_binarizer,
)
