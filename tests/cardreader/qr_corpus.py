"""A generated, deterministic corpus of HARD camera frames showing a CCCD's QR code.

Every image is a 1280x720 RGB scene (a kiosk camera frame) holding one synthetic ID card whose
QR code carries a realistic, FAKE citizen's payload in the 2021 CCCD layout (seven fields joined
by ``|``: ID number, old ID number, full name, date of birth, sex, address, date of issue) or,
for about 30%, the 2024 Căn cước layout (the same seven, issued from July 2024, then two more
fields: parents' names or empty), raw UTF-8 with no ECI marker, as on real cards.
Each image belongs to one class of difficulty:

``small``         the QR is only ~80-110 px wide in the frame (1.4-2 px per module)
``rotated``       the card is rotated by any angle
``perspective``   the card is tilted away from the camera (strong keystone)
``blurred``       out of focus (Gaussian blur) or motion-smeared
``noisy``         heavy sensor noise
``low_contrast``  dim, washed-out frame with a shadow across it
``jpeg``          strong JPEG compression
``hand``          the card held in a hand (skin-coloured blob and fingers) in a cluttered scene

``tiny`` (in :data:`EXTRA_CLASSES`, not in :data:`CLASSES`) puts the QR at 60-90 px: for a
version 7-8 symbol (45-49 modules, what a ~120-byte payload needs) that is 1.1-1.6 px per module,
under the ~2 px per module sampling limit, so no decoder reads most of them. The bench reports its
hit rate apart from the corpus's target.

Everything is drawn with Pillow and numpy from a seed: the same ``(cls, seed)`` always gives the
same image and payload. Names and addresses are invented; no real person's data.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

FRAME_W, FRAME_H = 1280, 720
CARD_W, CARD_H = 856, 540  # ISO/IEC 7810 ID-1 (85.6 x 54.0 mm) at 10 px/mm

CLASSES: tuple[str, ...] = (
    "small",
    "rotated",
    "perspective",
    "blurred",
    "noisy",
    "low_contrast",
    "jpeg",
    "hand",
)
EXTRA_CLASSES: tuple[str, ...] = ("tiny",)

# Invented people: surnames, middle and given names mixed at random. Never real data.
_SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
_MIDDLE_M = ["Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Thành"]
_MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim"]
_GIVEN = [
    "Thử",
    "Thí",
    "Nghiệm",
    "Mẫu",
    "Giả",
    "Ảo",
    "Dữ",
    "Liệu",
    "Kiểm",
    "Tra",
    "Ước",
    "Đạt",
    "Phúc",
    "Yến",
    "Hằng",
    "Khuê",
    "Nguyệt",
    "Ưng",
]
_STREETS = [
    "Phố Hàng Bông",
    "Đường Láng",
    "Ngõ 5 Phố Thái Hà",
    "Đường Nguyễn Trãi",
    "Phố Khâm Thiên",
    "Đường Trường Chinh",
    "Hẻm 12 Đường Lê Lợi",
    "Phố Tôn Đức Thắng",
]
_PLACES = [
    ("001", "Phường Quốc Tử Giám, Quận Đống Đa, Hà Nội"),
    ("001", "Phường Láng Thượng, Quận Đống Đa, Hà Nội"),
    ("001", "Phường Hàng Trống, Quận Hoàn Kiếm, Hà Nội"),
    ("079", "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"),
    ("048", "Phường Hải Châu I, Quận Hải Châu, Đà Nẵng"),
    ("031", "Phường Máy Tơ, Quận Ngô Quyền, Hải Phòng"),
    ("092", "Phường Tân An, Quận Ninh Kiều, Cần Thơ"),
    ("046", "Phường Phú Hội, Thành phố Huế, Thừa Thiên Huế"),
]


@dataclass(frozen=True)
class CorpusImage:
    """One corpus frame: the class, its seed, the exact payload bytes and the RGB image."""

    cls: str
    seed: int
    payload: bytes
    image: Image.Image


def fake_payload(rng: random.Random) -> str:
    """A CCCD (2021) or Căn cước (2024) QR payload for an invented citizen, with diacritics."""
    female = rng.random() < 0.5
    year = rng.randint(1950, 2006)
    century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
    province, place = rng.choice(_PLACES)
    id_number = f"{province}{century_sex}{year % 100:02d}{rng.randint(0, 999_999):06d}"
    old_id = f"{rng.randint(0, 999_999_999):09d}" if rng.random() < 0.7 else ""
    middle = rng.choice(_MIDDLE_F if female else _MIDDLE_M)
    name = f"{rng.choice(_SURNAMES)} {middle} {rng.choice(_GIVEN)}"
    if rng.random() < 0.5:
        name = name.upper()
    birth = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{year}"
    sex = "Nữ" if female else "Nam"
    address = f"Số {rng.randint(1, 199)}, {rng.choice(_STREETS)}, {place}"
    fields = [id_number, old_id, name, birth, sex, address]
    if rng.random() < 0.3:
        # Căn cước (2024): issued from July 2024, more fields after the seventh (parents' names
        # for some holders), often empty.
        issued = f"{rng.randint(1, 28):02d}{rng.randint(7, 12):02d}2024"
        if rng.random() < 0.5:
            father = f"{name.split()[0]} {rng.choice(_MIDDLE_M)} {rng.choice(_GIVEN)}"
            mother = f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE_F)} {rng.choice(_GIVEN)}"
            return "|".join([*fields, issued, father, mother])
        return "|".join([*fields, issued, "", ""])
    issued = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(2021, 2023)}"
    return "|".join([*fields, issued])


def qr_image(payload: bytes, module_px: int = 4) -> Image.Image:
    """A black-on-white QR of raw bytes (byte mode, no ECI), with a 4-module quiet zone."""
    qr = segno.make_qr(payload, error="m", mode="byte", boost_error=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=module_px, border=4)
    buf.seek(0)
    return Image.open(buf).convert("L")


def _qr_modules(payload: bytes) -> int:
    """Modules across the QR of ``payload`` with its quiet zone (as drawn by :func:`qr_image`)."""
    qr = segno.make_qr(payload, error="m", mode="byte", boost_error=False)
    return int(qr.symbol_size(scale=1, border=4)[0])


def _card(rng: random.Random, payload: bytes) -> tuple[Image.Image, tuple[int, int, int]]:
    """A synthetic CCCD front: tinted background, emblem, photo box, text lines, the QR.

    Returns the RGBA card and the QR's box on it as (left, top, side).
    """
    tint = (rng.randint(215, 245), rng.randint(215, 240), rng.randint(195, 230))
    card = Image.new("RGBA", (CARD_W, CARD_H), (*tint, 255))
    draw = ImageDraw.Draw(card)
    # Guilloche-like wavy lines, emblem, header band, photo, text lines.
    for k in range(0, CARD_H, 14):
        pts = [(x, k + 5 * math.sin(x / 37 + k)) for x in range(0, CARD_W, 16)]
        draw.line(pts, fill=(tint[0] - 20, tint[1] - 12, tint[2] - 25, 255), width=1)
    draw.ellipse((30, 25, 120, 115), fill=(200, 40, 40, 255), outline=(230, 190, 40, 255), width=4)
    draw.rectangle((140, 35, 620, 60), fill=(60, 60, 120, 255))
    draw.rectangle((140, 75, 560, 95), fill=(90, 90, 140, 255))
    draw.rectangle((40, 160, 220, 400), fill=(170, 160, 150, 255), outline=(80, 80, 80, 255))
    for j in range(7):
        y = 170 + 40 * j
        draw.rectangle((250, y, 250 + rng.randint(200, 380), y + 14), fill=(40, 40, 40, 255))
    qr = qr_image(payload).convert("RGBA")
    side = 250
    qr = qr.resize((side, side), Image.Resampling.NEAREST)
    left, top = CARD_W - side - 30, 30
    card.paste(qr, (left, top))
    # Rounded corners: transparent outside.
    mask = Image.new("L", (CARD_W, CARD_H), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, CARD_W - 1, CARD_H - 1), radius=32, fill=255)
    card.putalpha(mask)
    return card, (left, top, side)


def _scene(rng: random.Random) -> Image.Image:
    """A cluttered 1280x720 background: a gradient plus random boxes and blobs."""
    a = np.array([rng.randint(40, 200) for _ in range(3)], dtype=np.float32)
    b = np.array([rng.randint(40, 200) for _ in range(3)], dtype=np.float32)
    t = np.linspace(0.0, 1.0, FRAME_W, dtype=np.float32)[None, :, None]
    grad = a * (1 - t) + b * t
    arr = np.broadcast_to(grad, (FRAME_H, FRAME_W, 3)).astype(np.uint8)
    scene = Image.fromarray(np.ascontiguousarray(arr), "RGB")
    draw = ImageDraw.Draw(scene)
    for _ in range(rng.randint(4, 10)):
        x0, y0 = rng.randint(-100, FRAME_W), rng.randint(-100, FRAME_H)
        x1, y1 = x0 + rng.randint(40, 400), y0 + rng.randint(40, 300)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return scene


def _homography(
    src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]
) -> list[float]:
    """The 8 coefficients mapping points of ``src`` to ``dst`` (PIL PERSPECTIVE convention)."""
    rows = []
    rhs = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    sol = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(c) for c in sol]


def _place(
    scene: Image.Image, card: Image.Image, quad: Sequence[tuple[float, float]]
) -> Image.Image:
    """Composite ``card`` onto ``scene`` with its corners (TL, TR, BR, BL) at ``quad``."""
    corners = [(0.0, 0.0), (CARD_W, 0.0), (CARD_W, CARD_H), (0.0, CARD_H)]
    coeffs = _homography(quad, corners)  # PIL maps output pixels back to input pixels
    warped = card.transform(
        (FRAME_W, FRAME_H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC
    )
    out = scene.convert("RGBA")
    out.alpha_composite(warped)
    return out.convert("RGB")


def _quad(
    rng: random.Random,
    qr_side_px: float,
    angle_deg: float,
    tilt: float = 0.0,
    qr_frac: float = 250 / CARD_W,
) -> list[tuple[float, float]]:
    """Corners of the card in the frame so the QR is ``qr_side_px`` wide, rotated, tilted.

    ``tilt`` (0..0.5) shrinks one edge of the card against the opposite one (keystone).
    """
    w = qr_side_px / qr_frac
    h = w * CARD_H / CARD_W
    margin = 0.5 * math.hypot(w, h) + 4
    cx = rng.uniform(margin, FRAME_W - margin) if 2 * margin < FRAME_W else FRAME_W / 2
    cy = rng.uniform(margin, FRAME_H - margin) if 2 * margin < FRAME_H else FRAME_H / 2
    pts = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    if tilt:
        side = rng.randrange(4)
        k = 1 - tilt
        if side == 0:  # top edge farther away
            pts[0], pts[1] = (pts[0][0] * k, pts[0][1]), (pts[1][0] * k, pts[1][1])
        elif side == 1:
            pts[2], pts[3] = (pts[2][0] * k, pts[2][1]), (pts[3][0] * k, pts[3][1])
        elif side == 2:  # left edge farther away
            pts[0], pts[3] = (pts[0][0], pts[0][1] * k), (pts[3][0], pts[3][1] * k)
        else:
            pts[1], pts[2] = (pts[1][0], pts[1][1] * k), (pts[2][0], pts[2][1] * k)
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in pts]


def _hand(rng: random.Random, img: Image.Image, quad: Sequence[tuple[float, float]]) -> None:
    """Draw a skin-coloured palm and fingers over the card's lower-left, away from the QR."""
    draw = ImageDraw.Draw(img)
    skin = (rng.randint(185, 235), rng.randint(135, 180), rng.randint(105, 145))
    tl, _tr, br, bl = quad
    # The palm sits past the card's bottom-left corner; the thumb reaches onto the card.
    px = bl[0] + 0.15 * (br[0] - bl[0])
    py = bl[1] + 0.15 * (bl[1] - tl[1])
    size = 0.55 * math.dist(bl, br)
    draw.ellipse((px - size, py - size * 0.6, px + size * 0.6, py + size * 0.8), fill=skin)
    thumb_end = (
        bl[0] + 0.30 * (br[0] - bl[0]) + 0.30 * (tl[0] - bl[0]),
        bl[1] + 0.30 * (br[1] - bl[1]) + 0.30 * (tl[1] - bl[1]),
    )
    draw.line([(px, py), thumb_end], fill=skin, width=max(8, int(size * 0.22)))
    # Fingers behind the card edge peek out on the left.
    for j in range(4):
        f = 0.2 + 0.2 * j
        start = (bl[0] + f * (tl[0] - bl[0]), bl[1] + f * (tl[1] - bl[1]))
        end = (start[0] - 0.12 * size, start[1] + 0.03 * size)
        draw.line([start, end], fill=skin, width=max(6, int(size * 0.12)))


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _noise(img: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
    nrng = np.random.default_rng(rng.randrange(2**32))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + nrng.normal(0.0, sigma, arr.shape).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _motion_blur(img: Image.Image, length: int) -> Image.Image:
    arr = np.asarray(img, dtype=np.float32)
    acc = np.zeros_like(arr)
    for k in range(length):
        acc += np.roll(arr, k - length // 2, axis=1)
    return Image.fromarray((acc / length).astype(np.uint8), "RGB")


def make_image(cls: str, seed: int) -> CorpusImage:
    """The corpus frame of class ``cls`` for ``seed`` (deterministic)."""
    if cls not in CLASSES + EXTRA_CLASSES:
        raise ValueError(f"unknown corpus class {cls!r}")
    rng = random.Random(f"{cls}:{seed}")
    payload = fake_payload(rng).encode("utf-8")
    card, _ = _card(rng, payload)
    scene = _scene(rng)
    angle = rng.uniform(-12, 12)
    module_px = 0.0  # the QR module's size in the frame, for blurs scaled to it
    if cls == "small":
        quad = _quad(rng, rng.uniform(80, 110), rng.uniform(-20, 20))
    elif cls == "tiny":
        quad = _quad(rng, rng.uniform(60, 90), rng.uniform(-20, 20))
    elif cls == "rotated":
        quad = _quad(rng, rng.uniform(110, 200), rng.uniform(0, 360))
    elif cls == "perspective":
        quad = _quad(rng, rng.uniform(150, 220), rng.uniform(-30, 30), tilt=rng.uniform(0.2, 0.4))
    elif cls == "hand":
        quad = _quad(rng, rng.uniform(110, 180), rng.uniform(-35, 35), tilt=rng.uniform(0, 0.15))
    else:
        side = rng.uniform(130, 210)
        module_px = side / _qr_modules(payload)
        quad = _quad(rng, side, angle)
    img = _place(scene, card, quad)
    if cls == "hand":
        _hand(rng, img, quad)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    elif cls == "blurred":
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.GaussianBlur(module_px * rng.uniform(0.3, 0.45)))
        else:
            img = _motion_blur(img, round(module_px * rng.uniform(0.9, 1.4)))
    elif cls == "noisy":
        img = _noise(img, rng, rng.uniform(20, 32))
    elif cls == "low_contrast":
        arr = np.asarray(img, dtype=np.float32)
        lo = rng.uniform(60, 130)
        span = rng.uniform(22, 40) / 255.0
        # Uneven light: a shadow falling across the frame from one side.
        ramp = np.linspace(1.0, rng.uniform(0.55, 0.8), FRAME_W, dtype=np.float32)
        if rng.random() < 0.5:
            ramp = ramp[::-1]
        arr = (lo + arr * span) * ramp[None, :, None]
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
        img = _noise(img, rng, 2.0)
    elif cls == "jpeg":
        img = _jpeg(img, rng.randint(8, 20))
    elif cls in ("small", "tiny"):
        img = img.filter(ImageFilter.GaussianBlur(0.4))
    return CorpusImage(cls=cls, seed=seed, payload=payload, image=img)


def corpus(per_class: int, *, classes: Sequence[str] = CLASSES) -> Iterator[CorpusImage]:
    """``per_class`` images of every class, seeds 0..per_class-1."""
    for cls in classes:
        for seed in range(per_class):
            yield make_image(cls, seed)
