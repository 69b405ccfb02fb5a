"""Each kiosk screen on its own: what it shows for every verdict, failure and result, what its
buttons emit, and that clear() forgets. Screenshots of every variant (kiosk theme, 1280x1024)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.procedures import fill_form, load_procedures
from kiosk.session import Failure, FailureInfo, ReadProgress, SubmitOutcome
from tests.kiosk.fake_citizens import THU_NAME, verified_record
from ui.i18n import set_language
from ui.qt import Qt, QtCore, QtGui, QtWidgets
from ui.screens.failure import SELF_RECOVERING, STOPPING, FailureScreen
from ui.screens.form import FormScreen
from ui.screens.idle import IdleScreen
from ui.screens.key_entry import KeyEntryScreen, parse_birth
from ui.screens.procedures import ProceduresScreen
from ui.screens.reading import ReadingScreen
from ui.screens.result import ResultScreen
from ui.screens.review import ReviewScreen
from ui.screens.verdict import VerdictScreen
from ui.screens.wait_card import WaitCardScreen
from ui.speech import Speaker
from ui.theme import apply_theme

Shot = Callable[[object, str], Path]


@dataclass
class _Passive:
    not_verified: tuple[str, ...] = ()


@dataclass
class FakeVerdict:
    """What the screens read of a CardVerdict."""

    verdict: str
    chip_verified: bool = True
    passive: _Passive = field(default_factory=_Passive)


@pytest.fixture(autouse=True)
def kiosk_theme() -> Iterator[None]:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    apply_theme(app, "kiosk")
    yield
    set_language("vi")


def show(qtbot: QtBot, widget: QtWidgets.QWidget) -> QtWidgets.QWidget:
    qtbot.addWidget(widget)
    widget.setProperty("mode", "kiosk")
    widget.resize(1280, 1024)
    widget.show()
    return widget


def click(qtbot: QtBot, button: QtWidgets.QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def face() -> QtGui.QImage:
    image = QtGui.QImage(120, 160, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("#c8a27a"))
    return image


def test_idle_screen(qtbot: QtBot, screenshot: Shot) -> None:
    screen = IdleScreen()
    show(qtbot, screen)
    assert screen.title.text() == "Đặt thẻ CCCD lên đầu đọc"
    assert "mã QR" in screen.subtitle.text()
    assert screen.prompt() == screen.title.text()
    screenshot(screen, "kiosk-screen-idle")


def test_key_entry_validates_and_detects_a_scanned_qr(qtbot: QtBot, screenshot: Shot) -> None:
    screen = KeyEntryScreen()
    show(qtbot, screen)
    screen.id_edit.setText("0010990123")
    click(qtbot, screen.continue_button)
    assert "12" in screen.error_text()
    screen.id_edit.setText("001099012345")
    screen.birth_edit.setText("31/02/1999")
    click(qtbot, screen.continue_button)
    assert "Ngày sinh" in screen.error_text()
    screenshot(screen, "kiosk-screen-key-entry-error")
    screen.birth_edit.setText("05091999")
    with qtbot.waitSignal(screen.keys_entered) as got:
        click(qtbot, screen.continue_button)
    assert got.args == ["001099012345", date(1999, 9, 5)]
    assert screen.error_text() == ""
    # A wedge scanner typing the QR text into the field: it is a QR code, not an ID number.
    screen.id_edit.setText("001099012345|012345678|Nguyễn Văn Thử|05091999|Nam|Hà Nội|10042021")
    with qtbot.waitSignal(screen.qr_scanned) as scanned:
        screen.id_edit.returnPressed.emit()
    assert scanned.args[0].startswith("001099012345|")
    assert screen.id_edit.text() == ""
    with qtbot.waitSignal(screen.cancel_requested):
        click(qtbot, screen.cancel_button)
    screen.birth_edit.setText("05/09/1999")
    screen.birth_edit.insert("9")
    screen.clear()
    assert screen.birth_edit.text() == "" and screen.id_edit.text() == ""
    assert not screen.birth_edit.isUndoAvailable()  # Ctrl+Z brings nothing back


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/09/1999", date(1999, 9, 5)),
        ("5/9/1999", date(1999, 9, 5)),
        ("05091999", date(1999, 9, 5)),
        (" 05 / 09 / 1999 ", date(1999, 9, 5)),
        ("1999", None),  # a full date opens the chip (BAC needs day and month)
        ("31/02/1999", None),
        ("05/09/1850", None),
        ("", None),
    ],
)
def test_parse_birth(text: str, expected: date | None) -> None:
    assert parse_birth(text) == expected


def test_wait_card_screen(qtbot: QtBot, screenshot: Shot) -> None:
    screen = WaitCardScreen()
    show(qtbot, screen)
    assert "đặt thẻ" in screen.subtitle.text()
    assert "chưa được xác thực" in screen.without_chip_button.text()
    with qtbot.waitSignal(screen.continue_without_chip):
        click(qtbot, screen.without_chip_button)
    screenshot(screen, "kiosk-screen-wait-card")


def test_reading_shows_text_then_face_and_progress(qtbot: QtBot, screenshot: Shot) -> None:
    screen = ReadingScreen()
    show(qtbot, screen)
    assert screen.progress.maximum() == 0  # busy until the first report
    screen.set_progress(ReadProgress(3, 7, "DG13"))
    assert (screen.progress.value(), screen.progress.maximum()) == (3, 7)
    assert "thông tin cá nhân" in screen.step.text() and "42%" in screen.step.text()
    screen.set_record(verified_record())
    assert screen.panel.value_text("full_name") == THU_NAME
    assert not screen.panel.has_face()
    screenshot(screen, "kiosk-screen-reading-text")
    screen.set_progress(ReadProgress(6, 7, "DG2"))
    screen.set_face(face())
    assert screen.panel.has_face()
    assert "ảnh" in screen.step.text()
    screenshot(screen, "kiosk-screen-reading-face")
    screen.clear()
    assert screen.panel.record is None and not screen.panel.has_face()
    assert screen.progress.maximum() == 0


@pytest.mark.parametrize(
    ("verdict", "usable", "words"),
    [
        ("genuine", True, "chip gốc"),
        ("unknown_issuer", True, "chưa xác minh được cơ quan"),
        ("data_altered", False, "bị thay đổi"),
        ("clone_suspected", False, "chip gốc"),
        (None, True, "mã QR"),
    ],
)
def test_verdict_in_plain_words(
    qtbot: QtBot, screenshot: Shot, verdict: str | None, usable: bool, words: str
) -> None:
    screen = VerdictScreen()
    show(qtbot, screen)
    screen.set_record(verified_record())
    screen.set_face(face())
    fake: Any = None if verdict is None else FakeVerdict(verdict)
    screen.set_verdict(fake)
    assert screen.verdict == (verdict or "unverified")
    assert screen.badge.isVisible() and screen.badge.headline()
    assert words in screen.meaning.text()
    assert screen.action.text()  # what to do, always
    assert screen.continue_button.isVisible() is usable
    assert screen.can_continue() is usable
    assert screen.property("verdict") == (verdict or "unverified")
    if usable:
        with qtbot.waitSignal(screen.continue_requested):
            click(qtbot, screen.continue_button)
    with qtbot.waitSignal(screen.end_requested):
        click(qtbot, screen.end_button)
    screenshot(screen, f"kiosk-screen-verdict-{verdict or 'unverified'}")
    screen.clear()
    assert screen.verdict is None and screen.panel.record is None
    assert not screen.meaning.text()


def test_procedures_as_big_cards(qtbot: QtBot, screenshot: Shot) -> None:
    screen = ProceduresScreen()
    show(qtbot, screen)
    procedures = list(load_procedures().values())
    screen.set_procedures(procedures)
    for procedure in procedures:
        assert screen.card(procedure.id).minimumHeight() >= 56
    with qtbot.waitSignal(screen.procedure_chosen) as chosen:
        click(qtbot, screen.card("ct01"))
    assert chosen.args == ["ct01"]
    screen.set_can_go_back(False)
    assert not screen.back_button.isVisible()
    screenshot(screen, "kiosk-screen-procedures")
    set_language("en")
    qtbot.waitUntil(lambda: screen.title.text() == "Choose a procedure")
    assert screen.card("ct01").accessibleName() == "Residence information change declaration"
    screenshot(screen, "kiosk-screen-procedures-en")


def test_form_screen_blocks_review_until_complete(qtbot: QtBot, screenshot: Shot) -> None:
    screen = FormScreen()
    show(qtbot, screen)
    procedure = load_procedures()["ct01"]
    record = verified_record()
    form = fill_form(procedure, record, {}, today=date(2026, 11, 23))
    screen.set_form(form)
    assert screen.title.text() == procedure.title.vi
    reviews: list[bool] = []
    screen.review_requested.connect(lambda: reviews.append(True))
    click(qtbot, screen.review_button)
    assert reviews == [] and screen.status.isVisible()
    assert str(len(form.errors)) in screen.status.text()
    screenshot(screen, "kiosk-screen-form-blocked")
    answers = {"request": "Xin xác nhận."}
    partly = fill_form(procedure, record, answers, today=date(2026, 11, 23))
    screen.set_form(partly)
    assert str(len(partly.errors)) in screen.status.text()  # the count follows the answers
    answers["kinh_gui"] = "Công an phường Dịch Vọng"
    filled = fill_form(procedure, record, answers, today=date(2026, 11, 23))
    assert filled.is_valid
    screen.set_form(filled)
    assert not screen.status.isVisible()
    click(qtbot, screen.review_button)
    assert reviews == [True]
    with qtbot.waitSignal(screen.back_requested):
        click(qtbot, screen.back_button)
    screen.clear()
    assert screen.view.form() is None


def test_review_shows_everything_as_submitted(qtbot: QtBot, screenshot: Shot) -> None:
    screen = ReviewScreen()
    show(qtbot, screen)
    procedure = load_procedures()["ct01"]
    answers = {
        "request": "Xin xác nhận thông tin cư trú.",
        "members": [{"full_name": "NGUYỄN THỊ CON", "date_of_birth": "01/02/2020"}],
    }
    form = fill_form(procedure, verified_record(), answers, today=date(2026, 11, 23))
    form = type(form)(form.procedure, form.fields, form.filled_on, form.citizen_id_number,
                      ("full_name",))  # fmt: skip
    screen.set_form(form)
    shown = screen.shown_texts()
    assert THU_NAME in shown and "Xin xác nhận thông tin cư trú." in shown
    assert any("NGUYỄN THỊ CON" in text for text in shown)
    assert screen.warning.isVisible()  # the QR code disagreed with the chip
    screenshot(screen, "kiosk-screen-review")
    with qtbot.waitSignal(screen.submit_requested):
        click(qtbot, screen.submit_button)
    screen.set_busy(True)
    assert not screen.submit_button.isEnabled()
    set_language("en")
    qtbot.waitUntil(lambda: screen.submit_button.text() == "Send")
    assert "Male" in screen.shown_texts()
    screen.clear()
    assert screen.shown_texts() == [] and screen.submit_button.isEnabled()


def _outcome(sent: bool) -> SubmitOutcome:
    return SubmitOutcome(
        kind="form.ct01",
        procedure_id="ct01",
        reference="7F3A9C21",
        sent=sent,
        receipt="HS-2026-000123" if sent else "",
        queued_id=5,
    )


def test_result_sent_saved_then_delivered(qtbot: QtBot, screenshot: Shot) -> None:
    screen = ResultScreen()
    show(qtbot, screen)
    screen.set_submitting()
    assert screen.busy.isVisible() and not screen.done_button.isVisible()
    screenshot(screen, "kiosk-screen-submitting")
    saved = _outcome(False)
    screen.set_outcome(saved)
    assert "khi có mạng" in screen.title.text()
    assert screen.number.text() == "7F3A9C21"
    assert "Mã tham chiếu" in screen.number_caption.text()
    screenshot(screen, "kiosk-screen-result-saved")
    with qtbot.waitSignal(screen.print_requested) as printed:
        click(qtbot, screen.print_button)
    assert printed.args == [saved]
    screen.set_outcome(_outcome(True))  # the receipt arrived later (delivery_updated)
    assert "Đã gửi" in screen.title.text() and screen.number.text() == "HS-2026-000123"
    assert "lấy lại thẻ" in screen.card_reminder.text()
    screenshot(screen, "kiosk-screen-result-sent")
    with qtbot.waitSignal(screen.done_requested):
        click(qtbot, screen.done_button)
    screen.clear()
    assert screen.outcome is None and screen.number.text() == ""


@pytest.mark.parametrize("kind", list(Failure))
def test_every_failure_has_friendly_words(qtbot: QtBot, screenshot: Shot, kind: Failure) -> None:
    screen = FailureScreen()
    show(qtbot, screen)
    screen.set_failure(FailureInfo(kind, f"code_{kind.value}", True))
    assert screen.title.text() and screen.explanation.text() and screen.action.text()
    assert f"code_{kind.value}" in screen.code.text()
    retry = kind not in SELF_RECOVERING and kind not in STOPPING
    assert screen.retry_button.isVisible() is retry
    assert screen.end_button.isVisible()
    if retry:
        with qtbot.waitSignal(screen.retry_requested):
            click(qtbot, screen.retry_button)
    screenshot(screen, f"kiosk-screen-failure-{kind.value}")
    titles = {screen.title.text()}
    set_language("en")
    qtbot.waitUntil(lambda: screen.end_button.text() == "Finish")
    assert screen.title.text() not in titles  # translated
    screen.clear()
    assert screen.failure is None and not screen.title.text()


def test_failure_titles_differ_per_kind(qtbot: QtBot) -> None:
    screen = FailureScreen()
    qtbot.addWidget(screen)
    titles = set()
    for kind in Failure:
        screen.set_failure(FailureInfo(kind, "x"))
        titles.add(screen.title.text())
    assert len(titles) == len(Failure)


def test_speaker_silent_unless_enabled_with_a_voice(qtbot: QtBot) -> None:
    off = Speaker(enabled=False)
    assert not off.available and not off.say("Đặt thẻ CCCD lên đầu đọc")
    # Qt's mock engine has English voices only: a Vietnamese speaker stays silent.
    silent = Speaker(enabled=True, engines=["mock"])
    assert not silent.available and not silent.say("Xin chào")
    # With a language it has, it speaks (the mock engine plays nothing).
    english = Speaker(enabled=True, engines=["mock"], language=QtCore.QLocale.Language.English)
    assert english.available and english.engine == "mock"
    assert english.say("Place your ID card on the reader")
    assert english.last_spoken == "Place your ID card on the reader"
    assert not english.say("   ")
    english.stop()
    assert english.last_spoken == ""


def test_genuine_says_what_was_checked(qtbot: QtBot) -> None:
    screen = VerdictScreen()
    qtbot.addWidget(screen)
    fake: Any = FakeVerdict("genuine", chip_verified=True)
    screen.set_verdict(fake)
    assert "chứng minh là chip gốc" in screen.meaning.text()
    fake = FakeVerdict("genuine", chip_verified=False)
    screen.set_verdict(fake)
    assert "không hỗ trợ kiểm tra chip gốc" in screen.meaning.text()
    assert screen.continue_button.isVisibleTo(screen)


def _luminance(color: QtGui.QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(
        color.blue()
    )


def ink_contrast(widget: QtWidgets.QWidget) -> float:
    """WCAG contrast between the commonest pixel of ``widget`` as drawn on its parent (its
    background) and the pixel most unlike it (the ink of its text)."""
    parent = widget.parentWidget()
    assert parent is not None
    image = parent.grab(widget.geometry()).toImage()
    counts: dict[int, int] = {}
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    background = QtGui.QColor(max(counts, key=lambda k: counts[k]))
    bg = _luminance(background)
    best = 1.0
    for rgb in counts:
        lum = _luminance(QtGui.QColor(rgb))
        hi, lo = max(lum, bg), min(lum, bg)
        best = max(best, (hi + 0.05) / (lo + 0.05))
    return best


@pytest.mark.parametrize("retryable", [False, True])
def test_failure_banner_text_is_readable(qtbot: QtBot, screenshot: Shot, retryable: bool) -> None:
    """The banner's words keep a contrast of at least 4.5:1 on its colour (a red banner drew
    its labels in dark ink: unreadable), and a sign says it is a problem, not colour alone."""
    screen = FailureScreen()
    show(qtbot, screen)
    screen.set_failure(FailureInfo(Failure.WRONG_KEYS, "authentication_failed", retryable))
    qtbot.waitExposed(screen)
    for text in (screen.title, screen.explanation):
        assert ink_contrast(text) >= 4.5, text.text()
    assert screen.title.text().startswith("⚠")
    assert "⚠" not in screen.prompt()
    screenshot(screen, f"kiosk-screen-failure-banner-{'warning' if retryable else 'error'}")


def test_failure_code_is_a_small_support_line(qtbot: QtBot) -> None:
    """The raw code is for the staff: a small 'Mã hỗ trợ' line under the buttons, not the
    message."""
    screen = FailureScreen()
    show(qtbot, screen)
    screen.set_failure(FailureInfo(Failure.WRONG_KEYS, "authentication_failed", True))
    assert screen.code.text() == "Mã hỗ trợ: authentication_failed"
    assert screen.code.objectName() == "support_code"
    assert screen.code.font().pointSize() < screen.action.font().pointSize()
    assert screen.code.geometry().top() > screen.retry_button.geometry().bottom()
    # Without a picture the buttons still sit at the bottom, not half-way up the screen.
    assert not screen.pictogram.isVisible()
    assert screen.retry_button.geometry().bottom() > screen.height() * 0.85
    for text in (screen.title, screen.explanation, screen.action):
        assert "authentication_failed" not in text.text()


@pytest.mark.parametrize("kind", ["qr", "card_and_qr"])
def test_qr_pictogram_keeps_a_quiet_zone(qtbot: QtBot, screenshot: Shot, kind: str) -> None:
    """Inside the QR pictogram's box a white margin runs round the modules: the top-right
    finder touched the box's edge."""
    from ui.screens.pictogram import INK, Pictogram

    picture = Pictogram(kind=kind)  # type: ignore[arg-type]
    qtbot.addWidget(picture)
    picture.resize(520, 260)
    image = picture.grab().toImage()
    rect = QtCore.QRectF(picture.rect()).adjusted(8, 8, -8, -8)
    if kind == "card_and_qr":
        left = rect.width() * 0.62
        rect = QtCore.QRectF(rect.left() + left, rect.top(), rect.width() * 0.38, rect.height())
        rect = rect.adjusted(rect.width() * 0.1, 0, 0, 0)
    box, cell = Pictogram.qr_geometry(rect)
    assert cell >= 4
    inner = box.adjusted(3, 3, -3, -3)  # past the box's 2 px border
    band = cell * 0.8
    ink = INK.rgb()

    def inked(x: float, y: float) -> bool:
        return bool(image.pixel(int(x), int(y)) == ink)

    steps = [inner.left() + (inner.width() - 1) * i / 200 for i in range(201)]
    rows = [inner.top() + (inner.height() - 1) * i / 200 for i in range(201)]
    edge_ink = [
        (x, y)
        for d in (0.0, band / 2, band - 1)
        for x, y in [(s, inner.top() + d) for s in steps]
        + [(s, inner.bottom() - d) for s in steps]
        + [(inner.left() + d, r) for r in rows]
        + [(inner.right() - d, r) for r in rows]
        if inked(x, y)
    ]
    assert edge_ink == []
    # ...and the finders are drawn just inside it.
    assert any(inked(inner.left() + band + cell, r) for r in rows)
    screenshot(picture, f"pictogram-{kind}")
