"""The counter window on the real controller and the virtual reader, submitting to the demo
intake server: keys typed, the card read, F2 / Enter, the missing fields typed, Ctrl+Enter,
the receipt printed, Esc wipes, and the day's history keeps no personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cardreader.emulator.fake_card import DEMO_CITIZEN
from kiosk.config import KioskConfig
from kiosk.environment import AppEnvironment, build_environment
from kiosk.readers import VirtualBackend
from kiosk.session import Phase
from tests.ui.desk_fakes import personal_traces, settle, themed, wedge_type
from ui.controller import SessionController
from ui.printing import DeskPrinter
from ui.qt import Qt, QtCore, QtWidgets
from ui.windows.counter_window import DONE, FORM, CounterWindow

Shot = Callable[[object, str], Path]
TIMEOUT_MS = 15_000
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def backend() -> VirtualBackend:
    return VirtualBackend(link=None)


@pytest.fixture
def env(tmp_path: Path, backend: VirtualBackend) -> Iterator[AppEnvironment]:
    environment = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=backend)
    yield environment
    environment.close()


def _leftovers(window: QtWidgets.QWidget) -> str:
    parts = [w.text() for w in window.findChildren(QtWidgets.QLabel)]
    parts += [w.text() for w in window.findChildren(QtWidgets.QLineEdit)]
    parts += [w.toPlainText() for w in window.findChildren(QtWidgets.QPlainTextEdit)]
    parts += [w.toolTip() for w in window.findChildren(QtWidgets.QWidget)]
    model = window.findChild(QtWidgets.QTableView, "history_table").model()  # type: ignore[union-attr]
    root = QtCore.QModelIndex()
    for row in range(model.rowCount(root)):
        for column in range(model.columnCount(root)):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                parts.append(str(model.data(model.index(row, column), role)))
    return "\n".join(parts)


def _type_into(window: CounterWindow, field_id: str, text: str) -> None:
    editor = window.form_view.editor(field_id)
    editor.setFocus()
    if isinstance(editor, QtWidgets.QLineEdit):
        editor.selectAll()  # replace a default (the site's name) rather than append to it
    wedge_type(window, text)


def test_a_citizen_at_the_counter(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend, tmp_path: Path, screenshot: Shot
) -> None:
    controller = SessionController(env, mode="counter", idle_timeout_s=None)
    window = CounterWindow(controller, env, printer=DeskPrinter("none", tmp_path / "spool"))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    with qtbot.waitSignal(controller.readers_changed, timeout=TIMEOUT_MS):
        controller.start()
    try:
        with themed("counter"):
            # The card is on the reader; the officer types the ID number and the birth date.
            backend.place()
            qtbot.waitUntil(lambda: controller.session.phase is Phase.NEED_KEYS)
            window.key_entry.id_box.setText(DEMO_CITIZEN.id_number)
            window.key_entry.birth_box.setText("17/05/1999")
            with qtbot.waitSignal(controller.verdict_ready, timeout=TIMEOUT_MS):
                qtbot.keyClick(window.key_entry.birth_box, Qt.Key.Key_Return)
            settle()
            assert window.citizen.mark_text("full_name") == "✔ chip"
            assert window.procedure_list.hasFocus()

            qtbot.keyClick(window, Qt.Key.Key_F2)
            ct01 = next(
                i for i in range(window.procedure_list.count())
                if window.procedure_list.item(i).data(Qt.ItemDataRole.UserRole) == "ct01"
            )  # fmt: skip
            window.procedure_list.setCurrentRow(ct01)
            with qtbot.waitSignal(controller.form_changed, timeout=TIMEOUT_MS):
                qtbot.keyClick(window.procedure_list, Qt.Key.Key_Return)
            assert window.pages.currentIndex() == FORM
            assert "full_name" in window.form_view.locked_fields()

            _type_into(window, "kinh_gui", "Công an phường Dịch Vọng")
            _type_into(window, "request", "Đăng ký tạm trú tại địa chỉ mới.")
            settle()
            form = controller.session.form
            assert form is not None and form.is_valid, form and form.errors
            screenshot(window, "counter_live_form")
            with qtbot.waitSignal(controller.submitted, timeout=TIMEOUT_MS) as got:
                qtbot.keyClick(window, Qt.Key.Key_Return, CTRL)
            settle()
            assert window.pages.currentIndex() == DONE
            outcome = got.args[0]
            shown = outcome.receipt if outcome.sent else outcome.reference
            assert window.done_number.text() == shown
            qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
            assert list((tmp_path / "spool").glob("*receipt*.png"))
            screenshot(window, "counter_live_done")

            needles = (DEMO_CITIZEN.full_name, DEMO_CITIZEN.id_number, "Ngõ Mẫu")
            assert personal_traces(window, needles)  # the probe sees the data before the wipe
            qtbot.keyClick(window, Qt.Key.Key_Escape)
            settle()
            assert controller.session.phase is Phase.IDLE
            assert personal_traces(window, needles) == []
            left = _leftovers(window)
            for secret in (
                DEMO_CITIZEN.full_name, DEMO_CITIZEN.id_number, "17/05/1999",
                "Ngõ Mẫu", "Đăng ký tạm trú tại địa chỉ mới",
            ):  # fmt: skip
                assert secret not in left
            assert window.history.rowCount() == 1
            screenshot(window, "counter_live_after_wipe")
    finally:
        controller.close()
