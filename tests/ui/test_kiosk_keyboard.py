"""The on-screen keyboard: layouts, Telex and tone keys typing into the field, big keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.qt import Qt, QtWidgets
from ui.theme import apply_theme
from ui.widgets.keyboard import KEY_MIN_PX, OnScreenKeyboard, layout_for

Shot = Callable[[object, str], Path]


@pytest.fixture
def keyboard(qtbot: QtBot) -> OnScreenKeyboard:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    apply_theme(app, "kiosk")
    kb = OnScreenKeyboard()
    qtbot.addWidget(kb)
    kb.resize(1200, 420)
    kb.show()
    return kb


def press(qtbot: QtBot, kb: OnScreenKeyboard, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(kb.key(name), Qt.MouseButton.LeftButton)


def test_letter_keys_compose_vietnamese_with_telex(
    qtbot: QtBot, keyboard: OnScreenKeyboard, screenshot: Shot
) -> None:
    field = QtWidgets.QLineEdit()
    qtbot.addWidget(field)
    keyboard.set_target(field)
    assert keyboard.layout_name == "letters"
    press(qtbot, keyboard, "shift", "n", "g", "u", "y", "e", "e", "x", "n")
    assert field.text() == "Nguyễn"
    press(qtbot, keyboard, "space", "shift", "t", "h", "u", "w", "r")
    assert field.text() == "Nguyễn Thử"
    press(qtbot, keyboard, "backspace")
    assert field.text() == "Nguyễn Th"
    screenshot(keyboard, "kiosk-keyboard-letters")


def test_tone_and_vowel_keys_without_telex(qtbot: QtBot, keyboard: OnScreenKeyboard) -> None:
    field = QtWidgets.QLineEdit()
    qtbot.addWidget(field)
    keyboard.set_target(field)
    press(qtbot, keyboard, "telex")
    assert not keyboard.telex_enabled
    press(qtbot, keyboard, "t", "h", "ư")
    press(qtbot, keyboard, "hoi")  # the tone key puts the tone on the right vowel
    assert field.text() == "thử"
    press(qtbot, keyboard, "hoi")  # pressed again: removed
    assert field.text() == "thư"
    press(qtbot, keyboard, "space", "h", "o", "a", "huyen")
    assert field.text() == "thư hoà"  # modern placement: open "oa" takes it on the a
    press(qtbot, keyboard, "a", "a")  # no Telex: letters stay as typed
    assert field.text() == "thư hoàaa"


def test_tone_key_in_the_middle_of_the_text(qtbot: QtBot, keyboard: OnScreenKeyboard) -> None:
    field = QtWidgets.QLineEdit("Ha Noi")
    qtbot.addWidget(field)
    keyboard.set_target(field)
    field.setCursorPosition(2)
    press(qtbot, keyboard, "huyen")
    assert field.text() == "Hà Noi"
    field.setText("Hà N")
    press(qtbot, keyboard, "ô", "i", "nang")  # vowel key, letter, then the tone
    assert field.text() == "Hà Nội"


def test_numeric_layout_for_numeric_fields(
    qtbot: QtBot, keyboard: OnScreenKeyboard, screenshot: Shot
) -> None:
    field = QtWidgets.QLineEdit()
    field.setProperty("keyboard", "numeric")
    qtbot.addWidget(field)
    keyboard.set_target(field)
    assert keyboard.layout_name == "numeric"
    keyboard.type_text("05/09/1999")
    assert field.text() == "05/09/1999"
    with pytest.raises(KeyError):
        keyboard.key("a")  # no letters on the numeric pad
    entered: list[bool] = []
    field.returnPressed.connect(lambda: entered.append(True))
    with qtbot.waitSignal(keyboard.enter_pressed):
        press(qtbot, keyboard, "enter")
    assert entered == [True]
    screenshot(keyboard, "kiosk-keyboard-numeric")


def test_latin_layout_types_email_without_composition(
    qtbot: QtBot, keyboard: OnScreenKeyboard
) -> None:
    field = QtWidgets.QLineEdit()
    field.setProperty("keyboard", "latin")
    qtbot.addWidget(field)
    keyboard.set_target(field)
    keyboard.type_text("thuw.dd@example.vn")
    assert field.text() == "thuw.dd@example.vn"


def test_plain_text_edit_and_no_target(qtbot: QtBot, keyboard: OnScreenKeyboard) -> None:
    area = QtWidgets.QPlainTextEdit()
    qtbot.addWidget(area)
    keyboard.set_target(area)
    keyboard.type_text("Xin chaof")
    press(qtbot, keyboard, "enter")
    keyboard.type_text("ddi")
    assert area.toPlainText() == "Xin chào\nđi"
    keyboard.set_target(None)
    with qtbot.waitSignal(keyboard.key_pressed):
        press(qtbot, keyboard, "a")  # types nowhere, still counts as activity
    assert area.toPlainText() == "Xin chào\nđi"
    with pytest.raises(TypeError):
        keyboard.set_target(QtWidgets.QLabel())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        keyboard.set_layout("dvorak")  # type: ignore[arg-type]


def test_layout_for_fields() -> None:
    plain = QtWidgets.QLineEdit()
    assert layout_for(plain) == "letters"
    plain.setProperty("keyboard", "numeric")
    assert layout_for(plain) == "numeric"
    plain.setReadOnly(True)
    assert layout_for(plain) is None
    assert layout_for(QtWidgets.QPushButton()) is None
    assert layout_for(None) is None


def test_keys_are_touch_sized_and_never_take_focus(keyboard: OnScreenKeyboard) -> None:
    for name in ("letters", "numeric", "latin"):
        keyboard.set_layout(name)
        keys = keyboard.findChildren(QtWidgets.QPushButton)
        assert keys
        assert all(k.minimumHeight() >= KEY_MIN_PX for k in keys)
        assert all(k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in keys)
