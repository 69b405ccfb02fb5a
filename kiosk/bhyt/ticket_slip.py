"""The queue ticket slip as a 1-bit image for thermal (ESC/POS) receipt printers.

Thermal printers' built-in code pages garble Vietnamese, so the slip is drawn as a bitmap
(engineering notes, "Qt / PySide6"): 384 dots wide for 58 mm paper, 576 for 80 mm.  The slip
carries the ticket number large, the clinic, the line, the date and time — and no personal
data, since slips are left on counters and in waiting rooms.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from kiosk.bhyt.tickets import Ticket

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
PAPER_DOTS = {58: 384, 80: 576}
LINE_NAMES = {"A": "Khám thường / Regular", "U": "Ưu tiên / Priority"}


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), size)


def render_ticket_slip(
    ticket: Ticket,
    clinic_name: str,
    *,
    paper_mm: int = 58,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> Image.Image:
    """The slip as a mode "1" image ``PAPER_DOTS[paper_mm]`` dots wide."""
    width = PAPER_DOTS[paper_mm]
    scale = width / 384
    issued = datetime.fromtimestamp(ticket.issued_at, ZoneInfo(timezone))
    lines: list[tuple[str, ImageFont.FreeTypeFont]] = [
        (clinic_name, _font(True, int(22 * scale))),
        ("SỐ THỨ TỰ / QUEUE NUMBER", _font(False, int(18 * scale))),
        (ticket.label, _font(True, int(96 * scale))),
        (LINE_NAMES.get(ticket.line, ticket.line), _font(False, int(20 * scale))),
        (issued.strftime("%H:%M  %d/%m/%Y"), _font(False, int(20 * scale))),
        ("Vui lòng chờ gọi số. Please wait for your number.", _font(False, int(14 * scale))),
    ]
    margin = int(12 * scale)
    wrapped: list[tuple[str, ImageFont.FreeTypeFont]] = []
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    for text, font in lines:
        words, current = text.split(), ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if probe.textlength(candidate, font=font) <= width - 2 * margin or not current:
                current = candidate
            else:
                wrapped.append((current, font))
                current = word
        wrapped.append((current, font))
    heights = [int(font.getbbox(text or " ")[3]) + int(10 * scale) for text, font in wrapped]
    image = Image.new("1", (width, sum(heights) + 2 * margin), 1)
    draw = ImageDraw.Draw(image)
    y = margin
    for (text, font), height in zip(wrapped, heights, strict=True):
        x = (width - draw.textlength(text, font=font)) / 2
        draw.text((max(x, float(margin)), float(y)), text, font=font, fill=0)
        y += height
    return image


def ticket_slip_png(ticket: Ticket, clinic_name: str, *, paper_mm: int = 58) -> bytes:
    buffer = io.BytesIO()
    render_ticket_slip(ticket, clinic_name, paper_mm=paper_mm).save(buffer, format="PNG")
    return buffer.getvalue()
