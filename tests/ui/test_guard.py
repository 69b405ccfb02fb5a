"""No exception escapes a Qt virtual override of the kiosk, its screens, keyboard, widgets and
the operator screen (PySide 6.12 segfaults in shiboken's error path), and the log names only
the exception's type, never its message (it may hold a citizen's data)."""

from __future__ import annotations

import importlib
import inspect
import logging

import pytest
from pytestqt.qtbot import QtBot

from kiosk.session import Failure, FailureInfo
from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets
from ui.screens.failure import FailureScreen
from ui.widgets.keyboard import OnScreenKeyboard

OVERRIDES = {
    "changeEvent", "keyPressEvent", "eventFilter", "paintEvent", "closeEvent", "resizeEvent",
    "mousePressEvent", "mouseReleaseEvent", "showEvent", "hideEvent", "event",
}  # fmt: skip
SCREENS = ("failure", "form", "idle", "key_entry", "pictogram", "procedures", "reading",
           "result", "review", "verdict", "wait_card")  # fmt: skip
WIDGETS = ("citizen_panel", "form_view", "keyboard", "language_switch", "offline_banner",
           "verdict_badge")  # fmt: skip
MODULES = [
    "ui.demo_panel",
    "ui.operator_screen",
    *(f"ui.screens.{n}" for n in SCREENS),
    *(f"ui.widgets.{n}" for n in WIDGETS),
    "ui.windows.kiosk_window",
]
SECRET = "NGUYỄN VĂN THỬ 001099012345"


def test_never_raises_logs_the_type_only(caplog: pytest.LogCaptureFixture) -> None:
    @never_raises(False)
    def handler(flag: bool) -> bool:
        if flag:
            raise ValueError(SECRET)
        return True

    assert handler(False) is True
    with caplog.at_level(logging.ERROR):
        assert handler(True) is False
    assert "ValueError" in caplog.text and "THỬ" not in caplog.text and "0010" not in caplog.text


@pytest.mark.parametrize("module_name", MODULES)
def test_every_qt_override_is_guarded(module_name: str) -> None:
    module = importlib.import_module(module_name)
    unguarded = [
        f"{cls.__name__}.{name}"
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module_name and issubclass(cls, QtCore.QObject)
        for name, member in vars(cls).items()
        if name in OVERRIDES and callable(member) and not hasattr(member, "__wrapped__")
    ]
    assert unguarded == []


def test_a_failing_retranslate_on_a_language_switch_is_logged_not_raised(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    screen = FailureScreen()
    qtbot.addWidget(screen)
    screen.set_failure(FailureInfo(Failure.WRONG_KEYS, "authentication_failed", True))

    def broken() -> None:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(screen, "retranslate", broken)
    with caplog.at_level(logging.ERROR):
        screen.changeEvent(QtCore.QEvent(QtCore.QEvent.Type.LanguageChange))
        QtWidgets.QApplication.sendEvent(screen, QtCore.QEvent(QtCore.QEvent.Type.LanguageChange))
    assert "RuntimeError" in caplog.text and "THỬ" not in caplog.text


def test_keyboard_survives_a_failing_retranslate(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    keyboard = OnScreenKeyboard()
    qtbot.addWidget(keyboard)

    def broken() -> None:
        raise KeyError(SECRET)

    monkeypatch.setattr(keyboard, "retranslate", broken)
    with caplog.at_level(logging.ERROR):
        keyboard.changeEvent(QtCore.QEvent(QtCore.QEvent.Type.LanguageChange))
    assert "KeyError" in caplog.text and "THỬ" not in caplog.text
