"""Slips for thermal (ESC/POS) receipt printers, drawn as 1-bit images.

Thermal printers' built-in code pages garble Vietnamese (engineering notes), so a slip is a
bitmap: 384 dots wide for 58 mm paper, 576 for 80 mm. Both the clinic's queue ticket
(:mod:`kiosk.bhyt.ticket_slip`) and the submission receipt (``ui/printing.py``) are drawn here:
centred lines, each in its own font, wrapped at words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
PAPER_DOTS = {58: 384, 80: 576}


def slip_font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Serif from assets/fonts (PIL draws its stacked Vietnamese marks right)."""
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), size)


def render_slip(
    lines: Sequence[tuple[str, ImageFont.FreeTypeFont]],
    *,
    width: int,
    margin: int,
    line_gap: int,
) -> Image.Image:
    """``lines`` (text, font) centred on a mode "1" image ``width`` dots wide, long lines
    wrapped at words (a word longer than the line stays whole)."""
    wrapped: list[tuple[str, ImageFont.FreeTypeFont]] = []
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    for text, font in lines:
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if probe.textlength(candidate, font=font) <= width - 2 * margin or not current:
                current = candidate
            else:
                wrapped.append((current, font))
                current = word
        wrapped.append((current, font))
    heights = [int(font.getbbox(text or " ")[3]) + line_gap for text, font in wrapped]
    image = Image.new("1", (width, sum(heights) + 2 * margin), 1)
    draw = ImageDraw.Draw(image)
    y = margin
    for (text, font), height in zip(wrapped, heights, strict=True):
        x = (width - draw.textlength(text, font=font)) / 2
        draw.text((max(x, float(margin)), float(y)), text, font=font, fill=0)
        y += height
    return image
