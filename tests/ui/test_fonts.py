"""The application font draws every Vietnamese letter, the capitals with two marks included.

A citizen's name on the screen is what the officer compares with the person in front of them:
"NGUYỄN VĂN THỬ" drawn as "NGUYÊN VĂN THỨ" is a different name. Qt drew exactly that with
DejaVu Sans (the marks above the font's ascent were lost), at every size and hinting.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ui.app import load_fonts
from ui.qt import QtGui, QtWidgets
from ui.theme import FONT_FAMILY, MODES, Mode, apply_theme

# (letter, the same letter with one mark less): the full letter must reach higher.
PAIRS = [("Ễ", "Ê"), ("Ử", "Ư"), ("Ẫ", "Â"), ("Ổ", "Ô"), ("Ẵ", "Ă"), ("Ỡ", "Ơ")]


def _render(qtbot: QtBot, text: str, family: str | None, *, bold: bool = False) -> QtGui.QImage:
    label = QtWidgets.QLabel(text)
    qtbot.addWidget(label)
    if family is not None:
        font = QtGui.QFont(family)
        font.setPointSize(20)
        label.setFont(font)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    label.adjustSize()
    return label.grab().toImage()


def _ink_top(image: QtGui.QImage) -> int:
    """The first row with a dark pixel (the top of the ink), or the height when blank."""
    for y in range(image.height()):
        for x in range(image.width()):
            if QtGui.qGray(image.pixel(x, y)) < 128:
                return y
    return image.height()


def _lost_marks(qtbot: QtBot, family: str | None, *, bold: bool = False) -> list[str]:
    """Letters whose upper mark is clipped: its ink starts at the label's edge, or no higher
    than the letter without it. (Not Ấ: fonts may set its acute beside the circumflex.)"""
    lost = []
    for letter, neighbour in PAIRS:
        top = _ink_top(_render(qtbot, letter, family, bold=bold))
        plain = _ink_top(_render(qtbot, neighbour, family, bold=bold))
        if top == 0 or top >= plain:
            lost.append(letter)
    return lost


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bold", [False, True])
def test_the_theme_font_keeps_every_stacked_mark(
    qtbot: QtBot, qapp: QtWidgets.QApplication, mode: Mode, bold: bool
) -> None:
    assert load_fonts() == FONT_FAMILY
    apply_theme(qapp, mode)
    assert FONT_FAMILY in qapp.font().family()
    assert _lost_marks(qtbot, None, bold=bold) == []


def test_the_check_catches_a_font_that_loses_marks(
    qtbot: QtBot, qapp: QtWidgets.QApplication
) -> None:
    """DejaVu Sans in a plain label loses them: the comparison above can fail."""
    qapp.setStyleSheet("")
    if "DejaVu Sans" not in QtGui.QFontDatabase.families():
        pytest.fail("fonts-dejavu-core is part of the setup; DejaVu Sans should be installed")
    assert "Ễ" in _lost_marks(qtbot, "DejaVu Sans")

