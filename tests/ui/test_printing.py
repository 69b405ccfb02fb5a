"""Desk printing: receipts and tickets as images, the form as PDF, to a printer or the spool."""

from __future__ import annotations

import io
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from kiosk.procedures import fill_form, load_procedures
from kiosk.procedures.filling import FilledForm
from kiosk.procedures.model import Text
from tests.kiosk.fake_citizens import THU_ID, THU_NAME
from tests.ui.desk_fakes import chip_record, submit_outcome, ticket
from ui.printing import DeskPrinter, PrintError, receipt_lines, render_receipt
from ui.qt import QtPrintSupport

TITLE = Text("Tờ khai thay đổi thông tin cư trú", "Residence information change declaration")
NOW = 1_795_000_000.0


def _form() -> FilledForm:
    procedure = load_procedures()["ct01"]
    return fill_form(procedure, chip_record(), {}, today=date(2026, 11, 23))


def _black(path: Path) -> int:
    with Image.open(path) as image:
        histogram = image.convert("L").histogram()
        return sum(histogram[:128])


def test_receipt_words_sent_and_queued() -> None:
    sent = receipt_lines(submit_outcome(sent=True), TITLE)
    texts = [text for _, text in sent]
    assert "HS-2026-000123" in texts and "K7Q2-9XMA" in texts
    assert "Đã gửi / Sent" in texts
    queued = [text for _, text in receipt_lines(submit_outcome(sent=False), TITLE)]
    assert "Đã lưu, sẽ gửi khi có mạng" in queued
    assert "HS-2026-000123" not in queued
    for text in texts + queued:  # the receipt identifies the file, never the person
        assert THU_NAME not in text and THU_ID not in text


def test_spooled_receipt_is_a_slip_image(qtbot: QtBot, tmp_path: Path) -> None:
    printer = DeskPrinter("none", tmp_path / "spool", paper_mm=80, clock=lambda: NOW)
    assert not printer.configured
    job = printer.print_receipt(submit_outcome(sent=True), TITLE, site="UBND Phường Dịch Vọng")
    assert job.spooled and job.printer is None and job.kind == "receipt"
    assert job.path is not None and job.path.suffix == ".png"
    assert "K7Q2-9XMA" in job.path.name
    with Image.open(job.path) as image:
        assert image.width == 576 and image.height > 300
    assert _black(job.path) > 2000  # text was drawn
    assert stat.S_IMODE(job.path.stat().st_mode) == 0o600


def test_receipt_image_renders_vietnamese(tmp_path: Path) -> None:
    image = render_receipt(submit_outcome(sent=False), TITLE, paper_mm=58)
    assert image.mode == "1" and image.width == 384
    image.save(tmp_path / "r.png")
    out = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "tests"
    out.mkdir(parents=True, exist_ok=True)
    image.save(out / "printing_receipt_queued_58mm.png")


def test_spooled_ticket_uses_the_slip_width(qtbot: QtBot, tmp_path: Path) -> None:
    printer = DeskPrinter("none", tmp_path, paper_mm=58, clock=lambda: NOW)
    job = printer.print_ticket(ticket(7), "Phòng khám Đa khoa Thử Nghiệm")
    assert job.path is not None and "A-007" in job.path.name
    with Image.open(job.path) as image:
        assert image.width == 384
    assert _black(job.path) > 1000


def test_spooled_form_is_the_pdf(qtbot: QtBot, tmp_path: Path) -> None:
    printer = DeskPrinter("none", tmp_path, clock=lambda: NOW)
    job = printer.print_form(_form())
    assert job.path is not None and job.path.suffix == ".pdf"
    assert stat.S_IMODE(job.path.stat().st_mode) == 0o600  # it holds personal data
    reader = PdfReader(io.BytesIO(job.path.read_bytes()))
    assert job.pages == len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert THU_NAME in text  # diacritics survive


def test_unknown_printer_falls_back_to_the_spool(qtbot: QtBot, tmp_path: Path) -> None:
    printer = DeskPrinter("Máy in không tồn tại", tmp_path, clock=lambda: NOW)
    assert printer.target() is None
    assert printer.print_ticket(ticket(1), "PK").spooled


def _pdf_printer(path: Path) -> QtPrintSupport.QPrinter:
    printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_slip_goes_to_the_printer_at_paper_width(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    printer = DeskPrinter(
        "Quầy 1", tmp_path / "spool", paper_mm=80, printer_factory=lambda: _pdf_printer(out)
    )
    assert printer.configured
    job = printer.print_ticket(ticket(12), "Phòng khám Đa khoa Thử Nghiệm")
    assert not job.spooled and job.printer == "Quầy 1"
    assert not (tmp_path / "spool").exists()
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert width_mm == pytest.approx(80, abs=1)
    assert len(reader.pages[0].images) == 1  # the slip is printed as a picture


def test_form_goes_to_the_printer_page_by_page(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    printer = DeskPrinter("A4", tmp_path, printer_factory=lambda: _pdf_printer(out))
    job = printer.print_form(_form())
    reader = PdfReader(out)
    assert job.pages == len(reader.pages) >= 1
    height_mm = float(reader.pages[0].mediabox.height) / 72 * 25.4
    assert height_mm == pytest.approx(297, abs=1)
    assert not list(tmp_path.glob("*.pdf"))[1:]  # only the printer's output, nothing spooled


def test_old_spool_files_are_purged(qtbot: QtBot, tmp_path: Path) -> None:
    old = tmp_path / "20261101-090000-form-CT01.pdf"
    old.write_bytes(b"%PDF")
    os.utime(old, (NOW - 3 * 86400, NOW - 3 * 86400))
    fresh = tmp_path / "20261123-090000-receipt-X.png"
    fresh.write_bytes(b"png")
    os.utime(fresh, (NOW - 60, NOW - 60))
    other = tmp_path / "notes.txt"
    other.write_text("kept")
    os.utime(other, (NOW - 9 * 86400, NOW - 9 * 86400))
    DeskPrinter("none", tmp_path, clock=lambda: NOW)  # purges on start
    assert not old.exists() and fresh.exists() and other.exists()


def test_unwritable_spool_is_a_print_error(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "spool"
    blocker.write_text("a file where the folder should be")
    printer = DeskPrinter("none", blocker, clock=lambda: NOW)
    with pytest.raises(PrintError, match="spool"):
        printer.print_receipt(submit_outcome(), TITLE)


def test_bad_paper_width_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paper"):
        DeskPrinter("none", tmp_path, paper_mm=70)


def test_the_printer_is_looked_up_at_most_every_30_s(qtbot: QtBot, tmp_path: Path) -> None:
    calls: list[int] = []
    now = [NOW]
    printer = DeskPrinter("none", tmp_path, clock=lambda: now[0])
    original = printer._find_target

    def counting() -> str | None:
        calls.append(1)
        return original()

    printer._find_target = counting  # type: ignore[method-assign]
    assert printer.target() is None and printer.target() is None
    assert len(calls) == 1
    now[0] += 31
    printer.target()
    assert len(calls) == 2
