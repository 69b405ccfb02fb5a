"""Counter mode: the officer's keyboard flow, the form beside the citizen, printing, history,
failures and the wipe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from pytestqt.qtbot import QtBot

from kiosk.config import KioskConfig
from kiosk.procedures import fill_form, load_procedures
from kiosk.procedures.filling import FilledForm
from kiosk.session import Failure, FailureInfo, ReadProgress
from tests.kiosk.fake_citizens import THU_ID, THU_NAME
from tests.ui.desk_fakes import (
    StubController,
    chip_record,
    face_image,
    settle,
    submit_outcome,
    themed,
    verdict,
    wedge_type,
)
from ui.history import COLUMNS
from ui.printing import DeskPrinter
from ui.qt import Qt, QtCore, QtWidgets
from ui.windows.counter_window import DONE, FORM, START, CounterWindow

Shot = Callable[[object, str], Path]
ANSWERS = {
    "kinh_gui": "Ủy ban nhân dân phường Dịch Vọng",
    "phone": "0912345678",
    "procedure_name": "Cấp bản sao trích lục khai sinh",
    "request": "Đề nghị cấp 02 bản sao trích lục khai sinh.",
}
CTRL = Qt.KeyboardModifier.ControlModifier


def _form(answers: dict[str, object] | None = None, pid: str = "generic_request") -> FilledForm:
    procedure = load_procedures()[pid]
    return fill_form(procedure, chip_record(), answers or {}, today=date(2026, 11, 23))


def _window(qtbot: QtBot, tmp_path: Path) -> tuple[CounterWindow, StubController]:
    controller = StubController()
    env = SimpleNamespace(config=KioskConfig.defaults(tmp_path), place="UBND phường Dịch Vọng")
    printer = DeskPrinter("none", tmp_path / "spool")
    window = CounterWindow(controller, env, printer=printer)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window, controller


def _read(controller: StubController) -> None:
    controller.card_inserted.emit("ACS ACR39U 0")
    controller.phase_changed.emit("reading")
    controller.read_progress.emit(ReadProgress(2, 4, "DG13"))
    controller.text_ready.emit(chip_record())
    controller.face_ready.emit(face_image(2))
    controller.verdict_ready.emit(verdict("genuine"))
    controller.phase_changed.emit("verdict")


def _everything_shown(window: QtWidgets.QWidget) -> str:
    parts = [w.text() for w in window.findChildren(QtWidgets.QLabel)]
    parts += [w.text() for w in window.findChildren(QtWidgets.QLineEdit)]
    parts += [w.toPlainText() for w in window.findChildren(QtWidgets.QPlainTextEdit)]
    parts += [w.toolTip() for w in window.findChildren(QtWidgets.QWidget)]
    for view in window.findChildren(QtWidgets.QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        root = QtCore.QModelIndex()
        columns = 1 if isinstance(model, QtCore.QAbstractListModel) else model.columnCount(root)
        for row in range(model.rowCount(root)):
            for column in range(columns):
                parts.append(str(model.data(model.index(row, column))))
    return "\n".join(parts)


def test_idle_lists_procedures_and_asks_for_the_card(
    qtbot: QtBot, tmp_path: Path, screenshot: Shot
) -> None:
    with themed("counter"):
        window, _ = _window(qtbot, tmp_path)
        settle()
        assert window.pages.currentIndex() == START
        titles = [
            window.procedure_list.item(i).text() for i in range(window.procedure_list.count())
        ]
        assert "Tờ khai thay đổi thông tin cư trú" in titles
        assert "Tiếp đón khám bệnh bảo hiểm y tế" not in titles  # clinic only
        assert window.key_entry.isVisible()
        assert "Đặt thẻ CCCD" in window.status.text()
        for button, key in (
            (window.procedures_button, "F2"),
            (window.reread_button, "F5"),
            (window.submit_button, "Ctrl+Enter"),
            (window.print_button, "Ctrl+P"),
            (window.end_button, "Esc"),
        ):
            assert key in button.text()  # the shortcuts are written on the buttons
        screenshot(window, "counter_idle")


def test_the_whole_desk_flow_by_keyboard(qtbot: QtBot, tmp_path: Path, screenshot: Shot) -> None:
    with themed("counter"):
        window, controller = _window(qtbot, tmp_path)
        _read(controller)
        settle()
        assert window.citizen.value_text("full_name") == THU_NAME
        assert window.procedure_list.hasFocus()  # straight to choosing, no mouse
        screenshot(window, "counter_verdict")

        row = next(
            i for i in range(window.procedure_list.count())
            if window.procedure_list.item(i).data(Qt.ItemDataRole.UserRole) == "generic_request"
        )  # fmt: skip
        window.procedure_list.setCurrentRow(row)
        qtbot.keyClick(window.procedure_list, Qt.Key.Key_Return)
        assert controller.called("choose_procedure") == [("generic_request",)]
        controller.phase_changed.emit("form")
        controller.form_changed.emit(_form())
        settle()
        assert window.pages.currentIndex() == FORM
        assert "phone" in window.form_view.asked_fields()
        assert "full_name" in window.form_view.locked_fields()
        screenshot(window, "counter_form")

        # Ctrl+Enter on an incomplete form: errors shown, nothing submitted.
        qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
        assert controller.called("submit") == []
        assert "4 trường cần sửa" in window.form_hint.text()
        assert window.form_view.error_text("phone")
        screenshot(window, "counter_form_errors")

        editor = window.form_view.editor("phone")
        assert isinstance(editor, QtWidgets.QLineEdit)
        editor.setFocus()
        qtbot.keyClicks(editor, "0912345678")
        assert ("phone", "0912345678") in [args for args in controller.called("set_answer")][-1:]

        controller.form_changed.emit(_form(ANSWERS))
        qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
        assert controller.called("review") == [()] and controller.called("submit") == [()]
        controller.phase_changed.emit("submitting")
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # not while storing
        assert controller.called("end_session") == []
        controller.submitted.emit(submit_outcome(sent=True, procedure_id="generic_request"))
        controller.phase_changed.emit("done")
        settle()
        assert window.pages.currentIndex() == DONE
        assert window.done_number.text() == "HS-2026-000123"
        assert window.history.rowCount() == 1
        qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
        receipts = list((tmp_path / "spool").glob("*receipt*K7Q2-9XMA*.png"))
        assert len(receipts) == 1
        assert "Chưa có máy in" in window.print_note.text()
        screenshot(window, "counter_done_sent")

        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert controller.called("end_session") == [()]
        settle()
        shown = _everything_shown(window)
        for secret in (THU_NAME, THU_ID, "05/09/1999", "0912345678", "Dịch Vọng, Quận"):
            assert secret not in shown
        assert window._form is None and window._outcome is None
        assert window.citizen.record is None and window.form_view.form() is None
        assert window.history.rowCount() == 1  # the day's history stays, without the person
        assert window.pages.currentIndex() == START
        screenshot(window, "counter_after_wipe")


def test_saved_offline_then_delivered(qtbot: QtBot, tmp_path: Path, screenshot: Shot) -> None:
    with themed("counter"):
        window, controller = _window(qtbot, tmp_path)
        _read(controller)
        controller.phase_changed.emit("form")
        controller.form_changed.emit(_form(ANSWERS))
        queued = submit_outcome(sent=False, procedure_id="generic_request")
        controller.submitted.emit(queued)
        controller.phase_changed.emit("done")
        settle()
        assert window.done_title.text() == "Đã lưu, sẽ gửi khi có mạng"
        assert window.done_number.text() == "K7Q2-9XMA"
        assert "Đang chờ gửi: 1" in window.history_summary.text()
        screenshot(window, "counter_done_queued")
        controller.delivery_updated.emit(replace(queued, sent=True, receipt="HS-2026-000777"))
        assert window.done_title.text() == "Đã gửi hồ sơ"
        assert window.done_number.text() == "HS-2026-000777"
        assert "Đã gửi: 1 · Đang chờ gửi: 0" in window.history_summary.text()


def test_print_the_form_for_signature(qtbot: QtBot, tmp_path: Path) -> None:
    window, controller = _window(qtbot, tmp_path)
    _read(controller)
    controller.phase_changed.emit("form")
    controller.form_changed.emit(_form(ANSWERS))
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    forms = list((tmp_path / "spool").glob("*-form-*.pdf"))
    assert len(forms) == 1 and forms[0].read_bytes().startswith(b"%PDF")


def test_another_procedure_steps_back_first(qtbot: QtBot, tmp_path: Path) -> None:
    window, controller = _window(qtbot, tmp_path)
    _read(controller)
    controller.phase_changed.emit("form")
    controller.form_changed.emit(_form(ANSWERS))
    row = next(
        i for i in range(window.procedure_list.count())
        if window.procedure_list.item(i).data(Qt.ItemDataRole.UserRole) == "ct01"
    )  # fmt: skip
    window.procedure_list.setCurrentRow(row)
    window.open_selected_procedure()
    names = [name for name, _ in controller.calls]
    assert names[-2:] == ["back", "choose_procedure"]
    assert controller.called("choose_procedure")[-1] == ("ct01",)


def test_procedure_needs_a_read_card(qtbot: QtBot, tmp_path: Path) -> None:
    window, controller = _window(qtbot, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.procedure_list.hasFocus()
    qtbot.keyClick(window.procedure_list, Qt.Key.Key_Return)
    assert controller.called("choose_procedure") == []
    assert "Đọc thẻ trước" in window.status.text()


def test_failures_and_recovery(qtbot: QtBot, tmp_path: Path, screenshot: Shot) -> None:
    with themed("counter"):
        window, controller = _window(qtbot, tmp_path)
        controller.phase_changed.emit("reading")
        controller.failed.emit(FailureInfo(Failure.CARD_REMOVED, "card_removed"))
        controller.phase_changed.emit("failure")
        settle()
        assert window.alert.isVisible() and "rút ra" in window.alert_title.text()
        assert window.alert.property("severity") == "warning"
        screenshot(window, "counter_failure_card_removed")
        qtbot.keyClick(window, Qt.Key.Key_F5)
        assert controller.called("retry") == [()]
        controller.failed.emit(FailureInfo(Failure.WRONG_KEYS, "authentication_failed"))
        assert window.key_entry.isVisible()  # type the keys again
        controller.phase_changed.emit("reading")
        assert not window.alert.isVisible()
        controller.failed.emit(FailureInfo(Failure.NO_READER, "no_reader"))
        controller.phase_changed.emit("failure")
        assert "đầu đọc" in window.alert_title.text()
        controller.phase_changed.emit("idle")  # replugged: the controller recovers by itself
        assert not window.alert.isVisible()


def test_scanned_qr_goes_to_the_controller(qtbot: QtBot, tmp_path: Path) -> None:
    window, controller = _window(qtbot, tmp_path)
    window.end_button.setFocus()
    qr = f"{THU_ID}|012345678|Nguyễn Văn Thử|05091999|Nam|Hà Nội|10042021"
    wedge_type(window, qr)
    qtbot.keyClick(window.key_entry.id_box, Qt.Key.Key_Return)
    assert controller.called("provide_qr_text") == [(qr,)]


def test_operator_shortcut(qtbot: QtBot, tmp_path: Path) -> None:
    window, _ = _window(qtbot, tmp_path)
    with qtbot.waitSignal(window.operator_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_O, CTRL | Qt.KeyboardModifier.ShiftModifier)


def test_idle_warning_and_activity(qtbot: QtBot, tmp_path: Path, screenshot: Shot) -> None:
    with themed("counter"):
        window, controller = _window(qtbot, tmp_path)
        _read(controller)
        controller.idle_warning.emit(12)
        settle()
        notice = window.top.idle
        assert notice.isVisible() and "12 giây" in notice.text()
        screenshot(window, "counter_idle_warning")
        before = len(controller.called("user_activity"))
        qtbot.keyClick(window.procedure_list, Qt.Key.Key_Down)  # the officer is still there
        assert len(controller.called("user_activity")) == before + 1
        controller.idle_warning.emit(0)
        assert not notice.isVisible() and notice.text() == ""


def test_activity_elsewhere_is_not_counted(qtbot: QtBot, tmp_path: Path) -> None:
    _, controller = _window(qtbot, tmp_path)
    other = QtWidgets.QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_A)
    assert controller.called("user_activity") == []


def test_a_failing_activity_callback_never_eats_the_key(qtbot: QtBot, tmp_path: Path) -> None:
    window, controller = _window(qtbot, tmp_path)

    def broken() -> None:
        raise RuntimeError("controller closed")

    controller.user_activity = broken  # type: ignore[method-assign]
    window._activity._on_activity = broken
    window.key_entry.id_box.setFocus()
    qtbot.keyClicks(window.key_entry.id_box, "0010")
    assert window.key_entry.id_box.text() == "0010"


def test_history_table_fits_its_column(qtbot: QtBot, tmp_path: Path, screenshot: Shot) -> None:
    """At 1280 px the day's history shows every column header whole and needs no sideways
    scrolling ("Số biên nhận / r…" was cut, with a horizontal scrollbar); what is elided is
    whole in its tooltip."""
    with themed("counter"):
        window, controller = _window(qtbot, tmp_path)
        window.resize(1280, 800)
        long_receipt = replace(submit_outcome(sent=True), receipt="HS20261123-000000123")
        controller.submitted.emit(long_receipt)
        controller.submitted.emit(replace(submit_outcome(sent=False), queued_id=13))
        settle()
        view = window.history_view
        header = view.horizontalHeader()
        assert header.length() <= view.viewport().width() + 1
        assert not view.horizontalScrollBar().isVisible()
        metrics = header.fontMetrics()
        model = view.model()
        for column in ("time", "status", "reference"):
            section = COLUMNS.index(column)
            text = str(model.headerData(section, Qt.Orientation.Horizontal))
            # the text, the sort indicator's room and the section's padding
            assert metrics.horizontalAdvance(text) + 8 <= header.sectionSize(section), text
            assert model.headerData(
                section, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
            )
        reference = model.index(1, COLUMNS.index("reference"))  # newest first
        tip = str(model.data(reference, Qt.ItemDataRole.ToolTipRole))
        assert "HS20261123-000000123" in tip and "K7Q2-9XMA" in tip
        screenshot(window, "counter_history_fits")
