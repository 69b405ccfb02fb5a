"""The theme: one style sheet per mode that styles roles, label names and verdicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.qt import QtGui, QtWidgets
from ui.theme import (
    FONT_FAMILY,
    KIOSK_TOUCH_PX,
    METRICS,
    MODES,
    VERDICT_STYLES,
    VERDICTS,
    Mode,
    apply_theme,
    set_verdict,
    stylesheet,
)

VERDICT_WORDS = {
    "genuine": "Thẻ thật",
    "unknown_issuer": "Chưa xác minh được cơ quan cấp",
    "data_altered": "Dữ liệu bị thay đổi",
    "clone_suspected": "Nghi ngờ thẻ sao chép",
    "unverified": "Chưa xác thực",
}


@pytest.fixture(autouse=True)
def restore_theme(qapp: QtWidgets.QApplication) -> Iterator[None]:
    yield
    qapp.setStyleSheet("")
    qapp.setFont(QtGui.QFont())


def gallery(mode: Mode) -> tuple[QtWidgets.QWidget, dict[str, QtWidgets.QWidget]]:
    root = QtWidgets.QWidget()
    root.setProperty("mode", mode)
    layout = QtWidgets.QVBoxLayout(root)
    parts: dict[str, QtWidgets.QWidget] = {}
    for name, text in (("title", "Đặt thẻ CCCD lên đầu đọc"),
                       ("subtitle", "Hoặc đưa mã QR trên thẻ vào máy quét"),
                       ("hint", "Giữ thẻ yên cho đến khi đọc xong"),
                       ("big_number", "A-007")):
        label = QtWidgets.QLabel(text, root)
        label.setObjectName(name)
        layout.addWidget(label)
        parts[name] = label
    row = QtWidgets.QHBoxLayout()
    for role, text in (("primary", "Tiếp tục"), ("secondary", "Quay lại"),
                       ("danger", "Huỷ hồ sơ")):
        button = QtWidgets.QPushButton(text, root)
        button.setProperty("role", role)
        row.addWidget(button)
        parts[role] = button
    layout.addLayout(row)
    for verdict in VERDICTS:
        label = QtWidgets.QLabel(VERDICT_WORDS[verdict], root)
        set_verdict(label, verdict)
        layout.addWidget(label)
        parts[verdict] = label
    body = QtWidgets.QLabel("Họ và tên: NGUYỄN VĂN THỬ", root)
    layout.addWidget(body)
    parts["body"] = body
    return root, parts


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_renders_its_gallery(
    qtbot: QtBot, qapp: QtWidgets.QApplication, mode: Mode,
    screenshot: Callable[[object, str], Path],
) -> None:
    apply_theme(qapp, mode)  # an unparsable sheet would log a warning, which fails the test
    root, parts = gallery(mode)
    qtbot.addWidget(root)
    root.resize(900, 900 if mode == "counter" else 1200)
    root.show()
    qtbot.waitExposed(root)
    m = METRICS[mode]
    assert parts["body"].font().pointSize() == m.body_pt
    assert parts["title"].font().pointSize() == m.title_pt
    assert parts["title"].font().bold()
    assert parts["big_number"].font().pointSize() == m.big_number_pt
    assert FONT_FAMILY in parts["body"].font().family()
    for role in ("primary", "secondary", "danger"):
        assert parts[role].height() >= m.button_min_px
    screenshot(root, f"theme_{mode}")


def test_kiosk_touch_targets_and_type_are_large(qtbot: QtBot, qapp: QtWidgets.QApplication) -> None:
    apply_theme(qapp, "kiosk")
    root, parts = gallery("kiosk")
    qtbot.addWidget(root)
    root.show()
    for role in ("primary", "secondary", "danger"):
        assert parts[role].height() >= KIOSK_TOUCH_PX
    assert parts["body"].font().pointSize() >= 20


def test_clinic_ticket_number_is_the_largest_text() -> None:
    assert METRICS["clinic"].big_number_pt > METRICS["kiosk"].big_number_pt
    assert METRICS["clinic"].big_number_pt > METRICS["counter"].big_number_pt
    assert METRICS["counter"].body_pt < METRICS["clinic"].body_pt < METRICS["kiosk"].body_pt


def _background(widget: QtWidgets.QWidget) -> QtGui.QColor:
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 8, image.height() // 2)


def test_verdicts_differ_in_colour_and_in_border(qtbot: QtBot,
                                                 qapp: QtWidgets.QApplication) -> None:
    apply_theme(qapp, "counter")
    root, parts = gallery("counter")
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    for verdict, (_fg, bg, _border, style) in VERDICT_STYLES.items():
        assert _background(parts[verdict]).name() == bg, verdict
        assert style in ("solid", "dashed", "double", "dotted")
    # Never colour alone: a good and a bad verdict also differ in their border pattern.
    assert VERDICT_STYLES["genuine"][3] != VERDICT_STYLES["data_altered"][3]
    assert VERDICT_STYLES["genuine"][3] != VERDICT_STYLES["unknown_issuer"][3]
    assert VERDICT_STYLES["genuine"][3] != VERDICT_STYLES["unverified"][3]


def test_changing_a_verdict_restyles_the_widget(qtbot: QtBot,
                                                qapp: QtWidgets.QApplication) -> None:
    apply_theme(qapp, "counter")
    label = QtWidgets.QLabel("Kết quả xác thực")
    qtbot.addWidget(label)
    label.resize(300, 60)
    label.show()
    set_verdict(label, "unverified")
    assert _background(label).name() == VERDICT_STYLES["unverified"][1]
    set_verdict(label, "genuine")
    assert _background(label).name() == VERDICT_STYLES["genuine"][1]


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    q = QtGui.QColor(hex_colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_verdict_text_contrast_meets_wcag_aa() -> None:
    for verdict, (fg, bg, _border, _style) in VERDICT_STYLES.items():
        assert contrast(fg, bg) >= 4.5, verdict


def test_unknown_mode_and_verdict_are_refused(qtbot: QtBot) -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        stylesheet("desk")  # type: ignore[arg-type]
    label = QtWidgets.QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match="unknown verdict"):
        set_verdict(label, "green")


def test_text_colours_meet_wcag_aa_on_the_page() -> None:
    from ui.theme import ERROR_TEXT, INK, MUTED, PAPER, PRIMARY, VERIFIED_TEXT

    for colour in (INK, MUTED, ERROR_TEXT, VERIFIED_TEXT, PRIMARY):
        assert contrast(colour, PAPER) >= 4.5, colour
    assert contrast("#ffffff", PRIMARY) >= 4.5


def test_field_errors_and_chip_marks_are_styled(qtbot: QtBot,
                                                qapp: QtWidgets.QApplication) -> None:
    from ui.theme import ERROR_TEXT, MUTED, VERIFIED_TEXT

    apply_theme(qapp, "kiosk")
    error = QtWidgets.QLabel("Ngày sinh không hợp lệ")
    error.setObjectName("field_error")
    mark = QtWidgets.QLabel("Từ chip")
    mark.setObjectName("source_mark")
    mark.setProperty("verified", True)
    unverified = QtWidgets.QLabel("Từ mã QR")
    unverified.setObjectName("source_mark")
    unverified.setProperty("verified", False)
    for label in (error, mark, unverified):
        qtbot.addWidget(label)
        label.ensurePolished()
    assert error.palette().color(error.foregroundRole()).name() == ERROR_TEXT
    assert mark.palette().color(mark.foregroundRole()).name() == VERIFIED_TEXT
    assert unverified.palette().color(unverified.foregroundRole()).name() == MUTED


def _first_ink_row(widget: QtWidgets.QWidget) -> int:
    image = widget.grab().toImage()
    background = image.pixelColor(image.width() - 1, image.height() - 1)
    for y in range(image.height()):
        if any(image.pixelColor(x, y) != background for x in range(image.width())):
            return y
    raise AssertionError("nothing drawn")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["", "title", "subtitle", "hint"])
def test_stacked_vietnamese_marks_are_not_cut_off(qtbot: QtBot, qapp: QtWidgets.QApplication,
                                                  mode: Mode, name: str) -> None:
    """The tilde of Ễ and the hook of Ử sit above the font's ascent: a label must leave room,
    or the citizen reads NGUYÊN VĂN THỨ for NGUYỄN VĂN THỬ."""
    apply_theme(qapp, mode)
    label = QtWidgets.QLabel("NGUYỄN VĂN THỬ")
    label.setObjectName(name)
    qtbot.addWidget(label)
    label.adjustSize()
    assert _first_ink_row(label) >= 1
