"""Printing at the desk: the submission receipt, the filled form and the clinic's queue ticket.

- The receipt and the ticket are drawn as images (Pillow, DejaVu Serif from ``assets/fonts``):
  thermal receipt printers garble Vietnamese text in their built-in code pages, so they get
  pictures (engineering notes, "Qt / PySide6"). Neither carries personal data: they are left on
  counters and in waiting rooms. The ticket comes from :mod:`kiosk.bhyt.ticket_slip`.
- The form is the PDF of :func:`kiosk.pdf.render_pdf`, rendered page by page (QtPdf) onto the
  printer.

The printer comes from the configuration (``[ui] printer``): a name, ``""`` for the system's
default printer, or ``"none"``. When no usable printer exists (``"none"``, no default, or the
named one is not installed) the job goes to a file in the spool folder instead — a PNG for
images, the PDF for forms — so the officer can still open and print it. Spooled forms hold
personal data: they are written owner-only (0600) and purged after :data:`SPOOL_MAX_AGE_S`.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from PIL import Image

from kiosk.bhyt.ticket_slip import render_ticket_slip
from kiosk.bhyt.tickets import Ticket
from kiosk.pdf import PdfRenderError, render_pdf
from kiosk.procedures.filling import FilledForm
from kiosk.procedures.model import Text
from kiosk.session import SubmitOutcome
from kiosk.slip import PAPER_DOTS, render_slip, slip_font
from ui.clock import local_datetime
from ui.qt import QtCore, QtGui, QtPdf, QtPrintSupport

JobKind = Literal["receipt", "form", "ticket"]
SPOOL_MAX_AGE_S = 24 * 3600.0
NO_PRINTER = "none"
SLIP_DPI = 203  # the usual thermal head: 8 dots per mm (384 dots on 58 mm paper, 576 on 80 mm)
FORM_DPI = 300
TARGET_TTL_S = 30.0


class PrintError(RuntimeError):
    """A job could not be printed nor spooled (no space, printer refused, bad PDF)."""

    code = "print"


@dataclass(frozen=True)
class PrintJob:
    """Where a job went: to ``printer`` (its name), or to the file ``path`` in the spool."""

    kind: JobKind
    printer: str | None
    path: Path | None
    pages: int

    @property
    def spooled(self) -> bool:
        return self.path is not None


PrinterFactory = Callable[[], QtPrintSupport.QPrinter]


class DeskPrinter:
    """Prints to the configured printer, or spools files when there is none."""

    def __init__(
        self,
        printer: str,
        spool_dir: str | os.PathLike[str],
        *,
        paper_mm: int = 80,
        printer_factory: PrinterFactory | None = None,
        clock: Callable[[], float] = time.time,
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        if paper_mm not in PAPER_DOTS:
            raise ValueError(f"slip paper must be one of {sorted(PAPER_DOTS)} mm")
        self.printer_name = printer.strip()
        self.spool_dir = Path(spool_dir)
        self.paper_mm = paper_mm
        self._factory = printer_factory
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._target: str | None = None
        self._target_at: float | None = None
        self.purge_spool()

    # -- where jobs go --------------------------------------------------------------------------

    def target(self) -> str | None:
        """The printer's name, or None when jobs are spooled to files.

        Asked of the print system at most every :data:`TARGET_TTL_S` seconds: the clinic asks
        at every check-in, and a CUPS query must not slow the desk down; a printer plugged in
        later is still found within that time."""
        now = self._clock()
        if self._target_at is not None and now - self._target_at < TARGET_TTL_S:
            return self._target
        self._target = self._find_target()
        self._target_at = now
        return self._target

    def _find_target(self) -> str | None:
        if self._factory is not None:
            return self.printer_name or "injected"
        if self.printer_name.lower() == NO_PRINTER:
            return None
        if self.printer_name:
            info = QtPrintSupport.QPrinterInfo.printerInfo(self.printer_name)
            return None if info.isNull() else info.printerName()
        default = QtPrintSupport.QPrinterInfo.defaultPrinter()
        return None if default.isNull() else default.printerName()

    @property
    def configured(self) -> bool:
        """A real printer will be used (the clinic prints tickets at once only then)."""
        return self.target() is not None

    # -- jobs -----------------------------------------------------------------------------------

    def print_receipt(self, outcome: SubmitOutcome, title: Text, *, site: str = "") -> PrintJob:
        image = render_receipt(outcome, title, site=site, paper_mm=self.paper_mm, when=self._now())
        return self._image_job("receipt", image, outcome.reference)

    def print_ticket(self, ticket: Ticket, clinic_name: str) -> PrintJob:
        image = render_ticket_slip(ticket, clinic_name, paper_mm=self.paper_mm)
        return self._image_job("ticket", image, ticket.label)

    def print_form(self, form: FilledForm, *, place: str = "") -> PrintJob:
        try:
            data = render_pdf(form, place=place)
        except PdfRenderError as exc:
            raise PrintError(f"form PDF: {exc}") from None
        name = self.target()
        if name is None:
            path = self._spool("form", form.procedure.code or form.procedure.id, ".pdf", data)
            return PrintJob("form", None, path, _pdf_pages(data))
        pages = self._print_pdf(data, form.procedure.form_title.vi)
        return PrintJob("form", name, None, pages)

    # -- spool ----------------------------------------------------------------------------------

    def purge_spool(self, max_age_s: float = SPOOL_MAX_AGE_S) -> int:
        """Delete spooled files older than ``max_age_s``; returns how many went."""
        if not self.spool_dir.is_dir():
            return 0
        limit = self._clock() - max_age_s
        removed = 0
        for path in self.spool_dir.iterdir():
            if path.is_file() and path.suffix in (".png", ".pdf"):
                try:
                    if path.stat().st_mtime < limit:
                        path.unlink()
                        removed += 1
                except OSError:
                    continue
        return removed

    def _spool(self, kind: str, label: str, suffix: str, data: bytes) -> Path:
        stamp = self._now().strftime("%Y%m%d-%H%M%S")
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in label)[:40]
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            path = self.spool_dir / f"{stamp}-{kind}-{safe}{suffix}"
            counter = 1
            while path.exists():
                counter += 1
                path = self.spool_dir / f"{stamp}-{kind}-{safe}-{counter}{suffix}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise PrintError(f"cannot write to the spool folder {self.spool_dir}: {exc}") from None
        return path

    # -- printer --------------------------------------------------------------------------------

    def _image_job(self, kind: JobKind, image: Image.Image, label: str) -> PrintJob:
        png = _png(image)
        name = self.target()
        if name is None:
            return PrintJob(kind, None, self._spool(kind, label, ".png", png), 1)
        qimage = QtGui.QImage.fromData(png)
        self._print_slip(qimage, f"cccd-kiosk {kind}")
        return PrintJob(kind, name, None, 1)

    def _printer(self) -> QtPrintSupport.QPrinter:
        if self._factory is not None:
            return self._factory()
        mode = QtPrintSupport.QPrinter.PrinterMode.HighResolution
        name = self.target()
        if name is None:  # pragma: no cover - callers check target() first
            raise PrintError("no printer")
        return QtPrintSupport.QPrinter(QtPrintSupport.QPrinterInfo.printerInfo(name), mode)

    def _print_slip(self, image: QtGui.QImage, title: str) -> None:
        printer = self._printer()
        printer.setDocName(title)
        width_mm = self.paper_mm
        height_mm = image.height() * width_mm / image.width()
        size = QtGui.QPageSize(
            QtCore.QSizeF(width_mm, height_mm), QtGui.QPageSize.Unit.Millimeter, "slip"
        )
        printer.setPageSize(size)  # a receipt printer takes it; an office printer keeps A4
        printer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0), QtGui.QPageLayout.Unit.Millimeter)
        painter = QtGui.QPainter()
        if not painter.begin(printer):
            raise PrintError("the printer refused the job")
        try:
            page = printer.pageRect(QtPrintSupport.QPrinter.Unit.DevicePixel)
            dots_per_mm = printer.resolution() / 25.4
            target_w = min(page.width(), width_mm * dots_per_mm)
            target_h = target_w * image.height() / image.width()
            painter.drawImage(QtCore.QRectF(0, 0, target_w, target_h), image)
        finally:
            painter.end()

    def _print_pdf(self, data: bytes, title: str) -> int:
        document, buffer = _load_pdf(data)
        printer = self._printer()
        printer.setDocName(title)
        printer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
        printer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0), QtGui.QPageLayout.Unit.Millimeter)
        painter = QtGui.QPainter()
        if not painter.begin(printer):
            raise PrintError("the printer refused the job")
        try:
            for index in range(document.pageCount()):
                if index:
                    printer.newPage()
                points = document.pagePointSize(index)
                dpi = min(printer.resolution(), FORM_DPI)
                pixels = QtCore.QSize(
                    int(points.width() * dpi / 72), int(points.height() * dpi / 72)
                )
                image = document.render(index, pixels)
                page = printer.pageRect(QtPrintSupport.QPrinter.Unit.DevicePixel)
                scaled = QtCore.QSizeF(image.size()).scaled(
                    page.size(), QtCore.Qt.AspectRatioMode.KeepAspectRatio
                )
                painter.drawImage(QtCore.QRectF(QtCore.QPointF(0, 0), scaled), image)
            return document.pageCount()
        finally:
            painter.end()
            document.close()
            buffer.close()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), self._zone)


# -- the receipt slip ---------------------------------------------------------------------------


def receipt_lines(outcome: SubmitOutcome, title: Text, *, site: str = "") -> list[tuple[str, str]]:
    """The receipt's text, bilingual, as (style, text) pairs; style is head|big|body|small.

    Only what identifies the submission, never the person: procedure, receipt number or local
    reference, ticket, time. The citizen looks the file up by the receipt number.
    """
    lines: list[tuple[str, str]] = []
    if site:
        lines.append(("head", site))
    lines.append(("head", "BIÊN NHẬN HỒ SƠ"))
    lines.append(("small", "SUBMISSION RECEIPT"))
    lines.append(("body", title.vi))
    if title.en:
        lines.append(("small", title.en))
    if outcome.sent and outcome.receipt:
        lines.append(("body", "Số biên nhận / Receipt no.:"))
        lines.append(("big", outcome.receipt))
        lines.append(("small", "Đã gửi / Sent"))
    else:
        lines.append(("body", "Đã lưu, sẽ gửi khi có mạng"))
        lines.append(("small", "Saved, will be sent when the connection returns"))
    lines.append(("body", "Mã tham chiếu / Reference:"))
    lines.append(("big" if not outcome.sent else "body", outcome.reference))
    if outcome.ticket:
        lines.append(("body", f"Số thứ tự / Queue number: {outcome.ticket}"))
    return lines


def render_receipt(
    outcome: SubmitOutcome,
    title: Text,
    *,
    site: str = "",
    paper_mm: int = 80,
    when: datetime | None = None,
) -> Image.Image:
    """The receipt as a 1-bit image ``PAPER_DOTS[paper_mm]`` dots wide."""
    width = PAPER_DOTS[paper_mm]
    scale = width / 384
    sizes = {"head": 22, "big": 34, "body": 18, "small": 14}
    moment = when or local_datetime(time.time())  # Vietnam time, whatever the machine's zone
    lines = receipt_lines(outcome, title, site=site)
    lines.append(("body", moment.strftime("%H:%M  %d/%m/%Y")))
    lines.append(("small", "Giữ biên nhận để tra cứu hồ sơ. Keep this receipt."))
    styled = [(text, slip_font(style in ("head", "big"), int(sizes[style] * scale)))
              for style, text in lines]
    return render_slip(styled, width=width, margin=int(12 * scale), line_gap=int(8 * scale))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(SLIP_DPI, SLIP_DPI))
    return buffer.getvalue()


def _pdf_pages(data: bytes) -> int:
    document, buffer = _load_pdf(data)
    try:
        return document.pageCount()
    finally:
        document.close()
        buffer.close()


def _load_pdf(data: bytes) -> tuple[QtPdf.QPdfDocument, QtCore.QBuffer]:
    """The PDF opened from memory (never a temporary file: forms hold personal data)."""
    document = QtPdf.QPdfDocument()
    buffer = QtCore.QBuffer()
    buffer.setData(QtCore.QByteArray(data))
    buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QtPdf.QPdfDocument.Status.Ready or document.pageCount() < 1:
        error = document.error().name
        document.close()
        buffer.close()
        raise PrintError(f"the form PDF cannot be opened ({error})")
    return document, buffer
