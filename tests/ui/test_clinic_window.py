"""Clinic mode: card → patient panel → BHYT status → huge ticket, printed; the warning that
stops the desk; failures; the wipe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from kiosk.bhyt.client import CardStatus
from kiosk.bhyt.tickets import TicketBook
from kiosk.config import KioskConfig
from kiosk.outbox.connectivity import ConnectivityStatus, State
from kiosk.session import Failure, FailureInfo, ReadProgress
from tests.kiosk.fake_citizens import THU_ID, THU_NAME
from tests.ui.desk_fakes import (
    StubController,
    checkin_outcome,
    chip_record,
    face_image,
    lookup,
    settle,
    themed,
    verdict,
    wedge_type,
)
from ui.printing import DeskPrinter
from ui.qt import Qt, QtPrintSupport, QtWidgets
from ui.windows.clinic_window import ClinicWindow

Shot = Callable[[object, str], Path]
CLINIC = "Phòng khám Đa khoa Thử Nghiệm"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[TicketBook]:
    with TicketBook(tmp_path / "tickets.sqlite3") as tickets:
        yield tickets


def _env(tmp_path: Path, book: TicketBook | None) -> SimpleNamespace:
    settings = SimpleNamespace(clinic_name=CLINIC, clinic_code="01013")
    clinic = SimpleNamespace(settings=settings, tickets=book) if book is not None else None
    return SimpleNamespace(config=KioskConfig.defaults(tmp_path), clinic=clinic)


def _window(
    qtbot: QtBot,
    tmp_path: Path,
    book: TicketBook | None,
    printer: DeskPrinter | None = None,
) -> tuple[ClinicWindow, StubController]:
    controller = StubController()
    printer = printer or DeskPrinter("none", tmp_path / "spool")
    window = ClinicWindow(controller, _env(tmp_path, book), printer=printer)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window, controller


def _read(controller: StubController, kind: str = "genuine") -> None:
    controller.card_inserted.emit("ACS ACR1252 0")
    controller.phase_changed.emit("reading")
    controller.read_progress.emit(ReadProgress(1, 4, "DG1"))
    controller.text_ready.emit(chip_record())
    controller.read_progress.emit(ReadProgress(3, 4, "DG2"))
    controller.face_ready.emit(face_image())
    controller.verdict_ready.emit(verdict(kind))


def _pdf_printer(path: Path) -> QtPrintSupport.QPrinter:
    printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _all_text(window: QtWidgets.QWidget) -> str:
    parts = [label.text() for label in window.findChildren(QtWidgets.QLabel)]
    parts += [edit.text() for edit in window.findChildren(QtWidgets.QLineEdit)]
    parts += [w.toolTip() for w in window.findChildren(QtWidgets.QWidget)]
    return "\n".join(parts)


def test_the_whole_check_in(
    qtbot: QtBot, tmp_path: Path, book: TicketBook, screenshot: Shot
) -> None:
    printed = tmp_path / "printed.pdf"
    printer = DeskPrinter("Máy in quầy", tmp_path / "spool", paper_mm=58,
                          printer_factory=lambda: _pdf_printer(printed))  # fmt: skip
    with themed("clinic"):
        window, controller = _window(qtbot, tmp_path, book, printer)
        settle()
        assert window.key_entry.isVisible()  # the QR can be scanned first
        assert "Đặt thẻ CCCD" in window.status.text()
        screenshot(window, "clinic_idle")

        _read(controller)
        assert window.progress.isVisible() and window.progress.value() == 3
        assert window.patient.value_text("full_name") == THU_NAME
        controller.phase_changed.emit("verdict")
        assert window.check_in_button.isEnabled()
        screenshot(window, "clinic_verdict")

        # The controller checks in by itself; here the receptionist presses Enter.
        qtbot.keyClick(window, Qt.Key.Key_Return)
        assert controller.called("check_in") == [()]
        controller.phase_changed.emit("submitting")
        book.issue("01013")
        controller.submitted.emit(checkin_outcome(7, lookup(CardStatus.VALID)))
        controller.phase_changed.emit("checked_in")
        settle()
        assert window.ticket_number.text() == "A-007"
        assert "còn giá trị đến" in window.bhyt.text()
        assert window.bhyt.property("severity") == "info"
        assert "Hôm nay: 1 lượt tiếp đón" in window.counters.text()
        assert printed.exists()  # printed at once: a printer is configured
        assert "Đã in phiếu" in window.ticket_line.text()
        screenshot(window, "clinic_checked_in")

        # The next card replaces the ticket; the wipe forgets the patient.
        controller.wiped.emit()
        controller.phase_changed.emit("idle")
        settle()
        assert window.ticket_number.text() == ""
        assert "A-007" in window.ticket_line.text()  # the ticket is not personal
        text = _all_text(window)
        for secret in (THU_NAME, THU_ID, "05/09/1999", "DN4010123456789"):
            assert secret not in text
        assert window.patient.record is None and window._checkin is None
        screenshot(window, "clinic_after_wipe")


def test_ticket_spooled_only_when_asked_without_a_printer(
    qtbot: QtBot, tmp_path: Path, book: TicketBook
) -> None:
    window, controller = _window(qtbot, tmp_path, book)
    _read(controller)
    controller.submitted.emit(checkin_outcome(2, lookup()))
    controller.phase_changed.emit("checked_in")
    settle()
    assert not (tmp_path / "spool").exists()  # no printer: nothing printed by itself
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    spooled = list((tmp_path / "spool").glob("*A-002*.png"))
    assert len(spooled) == 1
    assert spooled[0].name in window.ticket_line.text()


@pytest.mark.parametrize(
    ("card", "error", "expected", "severity"),
    [
        (None, "bhyt_unavailable", "cổng giám định không trả lời", "warning"),
        (None, "bhyt_not_configured", "chưa cấu hình", "info"),
        (lookup(CardStatus.EXPIRED, days_left=-3), "", "đã hết hạn", "warning"),
        (lookup(CardStatus.NOT_FOUND), "", "Không tìm thấy thẻ BHYT", "warning"),
        (lookup(CardStatus.MISMATCH), "", "không khớp", "warning"),
        (lookup(CardStatus.WITHDRAWN), "", "thu hồi", "warning"),
    ],
)
def test_bhyt_status_in_words(
    qtbot: QtBot,
    tmp_path: Path,
    screenshot: Shot,
    card: object,
    error: str,
    expected: str,
    severity: str,
) -> None:
    with themed("clinic"):
        window, controller = _window(qtbot, tmp_path, None)
        _read(controller)
        controller.submitted.emit(checkin_outcome(4, card, error))  # type: ignore[arg-type]
        controller.phase_changed.emit("checked_in")
        settle()
        assert expected in window.bhyt.text()
        assert window.bhyt.property("severity") == severity
        assert window.ticket_number.text() == "A-004"  # the patient gets a ticket anyway
        if error == "bhyt_unavailable":
            screenshot(window, "clinic_gateway_unavailable")
            # Without a ticket book the count comes from the day's history.
            assert "Hôm nay: 1 lượt tiếp đón" in window.counters.text()


@pytest.mark.parametrize("kind", ["clone_suspected", "data_altered"])
def test_suspicious_card_stops_the_desk(
    qtbot: QtBot, tmp_path: Path, book: TicketBook, screenshot: Shot, kind: str
) -> None:
    with themed("clinic"):
        window, controller = _window(qtbot, tmp_path, book)
        _read(controller, kind)
        controller.failed.emit(FailureInfo(Failure.CLONE_SUSPECTED, kind, retryable=False))
        controller.phase_changed.emit("failure")
        settle()
        assert window.alert.isVisible() and window.ack_button.isVisible()
        assert window.alert.property("severity") == "error"
        word = "sao chép" if kind == "clone_suspected" else "bị thay đổi"
        assert word in window.alert_title.text()
        assert window.patient.badge.verdict == kind
        screenshot(window, f"clinic_stop_{kind}")
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc does not dismiss the warning
        qtbot.keyClick(window, Qt.Key.Key_F5)  # nor is the card read again
        assert controller.called("end_session") == [] and controller.called("retry") == []
        assert not window.next_button.isEnabled()
        qtbot.keyClick(window, Qt.Key.Key_Return)
        assert controller.called("end_session") == [()]
        settle()
        assert not window.alert.isVisible()
        assert window.patient.record is None


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (Failure.CARD_REMOVED, "rút ra"),
        (Failure.NO_READER, "đầu đọc"),
        (Failure.WRONG_KEYS, "không mở được"),
        (Failure.NOT_CCCD, "không phải thẻ căn cước"),
        (Failure.READ_ERROR, "Không đọc được chip"),
        (Failure.QR_INVALID, "mã QR"),
        (Failure.SUBMIT_ERROR, "Không lưu được"),
    ],
)
def test_failures_are_friendly_and_retry(
    qtbot: QtBot, tmp_path: Path, book: TicketBook, screenshot: Shot, failure: Failure, words: str
) -> None:
    with themed("clinic"):
        window, controller = _window(qtbot, tmp_path, book)
        controller.failed.emit(FailureInfo(failure, failure.value))
        controller.phase_changed.emit("failure")
        settle()
        assert words in window.alert_title.text()
        assert window.alert_text.text()
        assert window.retry_button.isVisible() and not window.ack_button.isVisible()
        if failure is Failure.CARD_REMOVED:
            screenshot(window, "clinic_failure_card_removed")
        qtbot.keyClick(window, Qt.Key.Key_F5)
        assert controller.called("retry") == [()]
        controller.phase_changed.emit("reading")  # the controller recovers by itself
        assert not window.alert.isVisible()


def test_keys_typed_or_scanned(
    qtbot: QtBot, tmp_path: Path, book: TicketBook, screenshot: Shot
) -> None:
    with themed("clinic"):
        window, controller = _window(qtbot, tmp_path, book)
        controller.card_inserted.emit("reader")
        controller.phase_changed.emit("need_keys")
        settle()
        assert "mở khóa" in window.status.text()
        window.key_entry.id_box.setFocus()
        qtbot.keyClicks(window.key_entry.id_box, "00109901234")  # 11 digits
        qtbot.keyClick(window.key_entry.id_box, Qt.Key.Key_Return)
        qtbot.keyClick(window.key_entry.birth_box, Qt.Key.Key_Return)
        assert "12 chữ số" in window.key_entry.error.text()
        screenshot(window, "clinic_need_keys_error")
        window.key_entry.id_box.setText(THU_ID)
        window.key_entry.birth_box.setText("05/09/1999")
        qtbot.keyClick(window.key_entry.birth_box, Qt.Key.Key_Return)
        assert controller.called("provide_id_and_birth") == [(THU_ID, date(1999, 9, 5))]
        # A wedge scanner types the QR wherever the focus is, then Enter.
        window.next_button.setFocus()
        assert window.next_button.hasFocus()
        qr = f"{THU_ID}|012345678|Nguyễn Văn Thử|05091999|Nam|Hà Nội|10042021"
        wedge_type(window, qr)
        qtbot.keyClick(window.key_entry.id_box, Qt.Key.Key_Return)
        assert controller.called("provide_qr_text") == [(qr,)]
        assert window.key_entry.id_box.text() == ""
        controller.wiped.emit()
        assert window.key_entry.birth_box.text() == ""


def test_counters_follow_the_outbox_and_tickets(
    qtbot: QtBot, tmp_path: Path, book: TicketBook
) -> None:
    for _ in range(3):
        book.issue("01013")
    book.issue("01013", line="U")
    window, controller = _window(qtbot, tmp_path, book)
    assert "Hôm nay: 4 lượt tiếp đón" in window.counters.text()
    controller.connectivity_changed.emit(ConnectivityStatus(State.OFFLINE, 5, 0, False, None, 0.0))
    assert "Hồ sơ chờ gửi: 5" in window.counters.text()
    assert window.top.banner.isVisible()


def test_operator_shortcut(qtbot: QtBot, tmp_path: Path, book: TicketBook) -> None:
    window, _ = _window(qtbot, tmp_path, book)
    with qtbot.waitSignal(window.operator_requested, timeout=1000):
        qtbot.keyClick(
            window, Qt.Key.Key_O,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )  # fmt: skip
