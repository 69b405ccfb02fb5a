"""A synthetic portrait for the fake card's DG2: a stylised drawing, not a real person.

Drawn with Pillow (light background, shoulders, neck, head, hair, eyes, brows, nose, mouth)
and overlaid with seeded noise so the JPEG compresses like a photo does; the JPEG quality is
then chosen by bisection so the file lands near a target size (real CCCD DG2 portraits are
roughly 15-20 KB).
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

DEFAULT_WIDTH = 360
DEFAULT_HEIGHT = 480
_MIN_QUALITY = 5
_MAX_QUALITY = 95


def _shade(rgb: tuple[int, int, int], delta: int) -> tuple[int, int, int]:
    r, g, b = (max(0, min(255, c + delta)) for c in rgb)
    return (r, g, b)


def draw_face(
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    seed: int = 0,
    *,
    long_hair: bool = False,
) -> Image.Image:
    """The portrait as an RGB image (deterministic for the same arguments)."""
    if not (64 <= width <= 2000 and 64 <= height <= 2000):
        raise ValueError("portrait size must be 64..2000 pixels per side")
    rng = random.Random(seed)
    w, h = width, height
    background = (236 + rng.randint(-8, 8), 240 + rng.randint(-8, 8), 246)
    skin = rng.choice([(224, 180, 150), (210, 164, 128), (196, 150, 116), (232, 192, 160)])
    hair = rng.choice([(30, 24, 20), (44, 32, 26), (20, 18, 18)])
    shirt = rng.choice([(250, 250, 250), (60, 80, 120), (90, 110, 90)])

    img = Image.new("RGB", (w, h), background)
    d = ImageDraw.Draw(img)
    # Soft vertical gradient in the background, like studio lighting.
    for y in range(h):
        d.line([(0, y), (w, y)], fill=_shade(background, -int(18 * y / h)))

    cx = w // 2 + rng.randint(-w // 40, w // 40)
    head_w, head_h = int(w * 0.42), int(h * 0.44)
    top = int(h * 0.14)
    # Long hair falls behind the shoulders.
    if long_hair:
        d.rounded_rectangle(
            [
                cx - head_w // 2 - 22,
                top + int(head_h * 0.2),
                cx + head_w // 2 + 22,
                top + int(head_h * 1.3),
            ],
            radius=40,
            fill=hair,
        )
    # Shoulders and neck.
    shoulder_top = top + int(head_h * 1.12)
    d.ellipse(
        [cx - int(w * 0.58), shoulder_top, cx + int(w * 0.58), shoulder_top + int(h * 0.6)],
        fill=shirt,
    )
    neck_w = int(head_w * 0.4)
    neck_bottom = shoulder_top + int(h * 0.05)
    d.rectangle(
        [cx - neck_w // 2, top + int(head_h * 0.8), cx + neck_w // 2, neck_bottom],
        fill=_shade(skin, -18),
    )
    d.polygon(
        [
            (cx - neck_w // 2, neck_bottom - 4),
            (cx, neck_bottom + int(h * 0.06)),
            (cx + neck_w // 2, neck_bottom - 4),
        ],
        fill=_shade(skin, -28),
    )
    # Hair behind the head, then the head, ears and a fringe.
    d.ellipse(
        [cx - head_w // 2 - 10, top - 18, cx + head_w // 2 + 10, top + int(head_h * 0.75)],
        fill=hair,
    )
    d.ellipse([cx - head_w // 2, top, cx + head_w // 2, top + head_h], fill=skin)
    ear_y = top + int(head_h * 0.45)
    for side in (-1, 1):
        ex = cx + side * head_w // 2
        d.ellipse([ex - 12, ear_y - 22, ex + 12, ear_y + 22], fill=_shade(skin, -12))
    d.chord(
        [cx - head_w // 2 - 4, top - 14, cx + head_w // 2 + 4, top + int(head_h * 0.42)],
        180,
        360,
        fill=hair,
    )
    # Eyes, brows, nose, mouth.
    eye_y = top + int(head_h * 0.46)
    eye_dx = int(head_w * 0.2)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        d.ellipse([ex - 16, eye_y - 7, ex + 16, eye_y + 7], fill=(245, 245, 240))
        d.ellipse([ex - 6, eye_y - 6, ex + 6, eye_y + 6], fill=(50, 35, 25))
        d.line(
            [(ex - 18, eye_y - 18), (ex + 18, eye_y - 20 + rng.randint(-2, 2))], fill=hair, width=5
        )
    nose_y = top + int(head_h * 0.64)
    d.line([(cx, eye_y + 6), (cx - 6, nose_y), (cx + 6, nose_y)], fill=_shade(skin, -40), width=3)
    mouth_y = top + int(head_h * 0.78)
    d.arc([cx - 26, mouth_y - 12, cx + 26, mouth_y + 10], 15, 165, fill=(150, 70, 70), width=4)
    img = img.filter(ImageFilter.GaussianBlur(1.2))

    # Sensor-like noise so the JPEG is as large as a photo's.
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).filter(ImageFilter.GaussianBlur(0.6))
    return Image.blend(img, Image.merge("RGB", (noise, noise, noise)), 0.10)


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def make_face_jpeg(
    target_bytes: int = 18_000,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    seed: int = 0,
    *,
    long_hair: bool = False,
) -> tuple[bytes, int, int]:
    """A JPEG portrait as close to ``target_bytes`` as JPEG quality 5..95 allows.

    Returns (jpeg, width, height). Size grows with quality, so bisection on the quality finds
    the largest file not above the target; the nearer of it and the next one up is returned.
    """
    if target_bytes <= 0:
        raise ValueError("target_bytes must be positive")
    img = draw_face(width, height, seed, long_hair=long_hair)
    lo, hi = _MIN_QUALITY, _MAX_QUALITY
    sizes: dict[int, bytes] = {}

    def at(q: int) -> bytes:
        if q not in sizes:
            sizes[q] = _jpeg(img, q)
        return sizes[q]

    if len(at(lo)) >= target_bytes:
        return at(lo), width, height
    if len(at(hi)) <= target_bytes:
        return at(hi), width, height
    while hi - lo > 1:  # invariant: size(lo) < target < size(hi)
        mid = (lo + hi) // 2
        if len(at(mid)) <= target_bytes:
            lo = mid
        else:
            hi = mid
    below, above = at(lo), at(hi)
    best = below if target_bytes - len(below) <= len(above) - target_bytes else above
    return best, width, height
