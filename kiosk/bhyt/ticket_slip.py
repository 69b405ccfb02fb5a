"""The queue ticket slip as a 1-bit image for thermal (ESC/POS) receipt printers.

Thermal printers' built-in code pages garble Vietnamese, so the slip is drawn as a bitmap
(engineering notes, "Qt / PySide6"): 384 dots wide for 58 mm paper, 576 for 80 mm.  The slip
carries the ticket number large, the clinic, the line, the date and time — and no personal
data, since slips are left on counters and in waiting rooms.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageFont

from kiosk.bhyt.tickets import Ticket
from kiosk.slip import PAPER_DOTS, render_slip, slip_font

LINE_NAMES = {"A": "Khám thường / Regular", "U": "Ưu tiên / Priority"}


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
        (clinic_name, slip_font(True, int(22 * scale))),
        ("SỐ THỨ TỰ / QUEUE NUMBER", slip_font(False, int(18 * scale))),
        (ticket.label, slip_font(True, int(96 * scale))),
        (LINE_NAMES.get(ticket.line, ticket.line), slip_font(False, int(20 * scale))),
        (issued.strftime("%H:%M  %d/%m/%Y"), slip_font(False, int(20 * scale))),
        ("Vui lòng chờ gọi số. Please wait for your number.", slip_font(False, int(14 * scale))),
    ]
    return render_slip(lines, width=width, margin=int(12 * scale), line_gap=int(10 * scale))


def ticket_slip_png(ticket: Ticket, clinic_name: str, *, paper_mm: int = 58) -> bytes:
    buffer = io.BytesIO()
    render_ticket_slip(ticket, clinic_name, paper_mm=paper_mm).save(buffer, format="PNG")
    return buffer.getvalue()
