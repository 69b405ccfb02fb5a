"""The kiosk window end to end on the virtual reader: every screen of the flow, the failure
screens and their recovery, the idle wipe (nothing of the citizen left anywhere), the operator
gesture and the refusal to close. Real controller, real demo intake server (fake citizen)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from cardreader.verify.verdict import CardVerdict
from kiosk.config import KioskConfig
from kiosk.environment import AppEnvironment, build_environment, demo_qr_text
from kiosk.procedures.filling import FilledForm
from kiosk.readers import VirtualBackend
from kiosk.record import CitizenRecord
from kiosk.session import Failure, FailureInfo, Phase
from ui.controller import SessionController
from ui.i18n import set_language
from ui.qt import QObject, Qt, QtCore, QtGui, QtWidgets
from ui.theme import apply_theme
from ui.windows.kiosk_window import KioskWindow

TIMEOUT_MS = 15_000
NAME = "NGUYỄN VĂN THỬ"
NEEDLES = (NAME, "001099012345", "THỬ")  # "Thử" alone is the verb "try"
Shot = Callable[[object, str], Path]


@pytest.fixture
def backend() -> VirtualBackend:
    return VirtualBackend(link=None)


@pytest.fixture
def env(tmp_path: Path, backend: VirtualBackend) -> Iterator[AppEnvironment]:
    environment = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=backend)
    yield environment
    environment.close()


def _start(qtbot: QtBot, env: AppEnvironment, idle: float | None = None) -> SessionController:
    ctrl = SessionController(env, mode="kiosk", idle_timeout_s=idle)
    with qtbot.waitSignal(ctrl.readers_changed, timeout=TIMEOUT_MS):
        ctrl.start()
    return ctrl


@pytest.fixture
def ctrl(qtbot: QtBot, env: AppEnvironment) -> Iterator[SessionController]:
    controller = _start(qtbot, env)
    yield controller
    controller.close()


def _window(qtbot: QtBot, ctrl: SessionController, env: AppEnvironment) -> KioskWindow:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    apply_theme(app, "kiosk")
    window = KioskWindow(ctrl, env)
    qtbot.addWidget(window)
    window.resize(1280, 1024)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot: QtBot, ctrl: SessionController, env: AppEnvironment) -> Iterator[KioskWindow]:
    win = _window(qtbot, ctrl, env)
    yield win
    win.allow_close()
    set_language("vi")


def wait_screen(qtbot: QtBot, window: KioskWindow, screen: QtWidgets.QWidget) -> None:
    qtbot.waitUntil(lambda: window.current_screen() is screen, timeout=TIMEOUT_MS)


def click(qtbot: QtBot, button: QtWidgets.QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- what the window still knows --------------------------------------------------------------

_PERSONAL_TYPES = (CitizenRecord, FilledForm, CardVerdict, QtGui.QImage)


def _leaks_in(value: Any, depth: int = 0) -> list[str]:
    if depth > 3:
        return []
    if isinstance(value, str):
        return [value] if any(n in value for n in NEEDLES) else []
    if isinstance(value, _PERSONAL_TYPES):
        return [type(value).__name__]
    if isinstance(value, dict):
        return [x for v in list(value.values()) for x in _leaks_in(v, depth + 1)]
    if isinstance(value, list | tuple | set | frozenset):
        return [x for v in list(value) for x in _leaks_in(v, depth + 1)]
    return []


def leaks(window: KioskWindow) -> list[str]:
    """Every trace of the citizen in the window: widget texts, pixmaps, table cells, combo
    items, and Python attributes of every QObject (models and caches)."""
    found: list[str] = []
    objects: list[QObject] = [window, *window.findChildren(QObject)]
    for obj in objects:
        where = f"{type(obj).__name__}#{obj.objectName()}"
        texts: list[str] = []
        if isinstance(obj, QtWidgets.QLabel):
            texts.append(obj.text())
            if not obj.pixmap().isNull():
                found.append(f"{where}: pixmap")
        elif isinstance(obj, QtWidgets.QLineEdit):
            texts.append(obj.text())
            if obj.isUndoAvailable():  # Ctrl+Z would bring the last citizen's text back
                found.append(f"{where}: undo history")
        elif isinstance(obj, QtWidgets.QPlainTextEdit):
            texts.append(obj.toPlainText())
            if obj.document().isUndoAvailable():
                found.append(f"{where}: undo history")
        elif isinstance(obj, QtWidgets.QAbstractButton):
            texts.append(obj.text())
        elif isinstance(obj, QtWidgets.QComboBox):
            texts += [obj.itemText(i) for i in range(obj.count())]
        elif isinstance(obj, QtWidgets.QTableWidget):
            for r in range(obj.rowCount()):
                for c in range(obj.columnCount()):
                    item = obj.item(r, c)
                    texts.append(item.text() if item is not None else "")
        found += [f"{where}: {t!r}" for t in texts if any(n in t for n in NEEDLES)]
        attrs = getattr(obj, "__dict__", {})
        found += [f"{where}.{k}: {x}" for k, v in attrs.items() for x in _leaks_in(v)]
    return found


# -- the whole flow ---------------------------------------------------------------------------


def test_whole_kiosk_flow_then_done_wipes_everything(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    assert window.current_screen() is window.idle
    assert "Đặt thẻ CCCD lên đầu đọc" in window.idle.title.text()
    screenshot(window, "kiosk-01-idle")

    # A card first: the chip needs keys.
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.key_entry)
    assert window.keyboard.isVisible() and window.keyboard.layout_name == "numeric"
    assert window.keyboard.target is window.key_entry.id_edit
    screenshot(window, "kiosk-02-need-keys")

    # Type a wrong ID number with the on-screen keyboard: the screen says so.
    window.keyboard.type_text("12345")
    click(qtbot, window.key_entry.continue_button)
    assert "12" in window.key_entry.error_text()
    screenshot(window, "kiosk-03-need-keys-error")

    # The QR code scanned through a wedge scanner into the focused field opens the chip.
    window.key_entry.id_edit.setText(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        window.key_entry.id_edit.returnPressed.emit()
    wait_screen(qtbot, window, window.verdict)
    assert window.verdict.verdict == "genuine"
    assert window.verdict.continue_button.isVisible()
    assert NAME in window.verdict.panel.value_text("full_name")
    assert window.reading.panel.has_face()
    screenshot(window, "kiosk-05-verdict-genuine")

    click(qtbot, window.verdict.continue_button)
    wait_screen(qtbot, window, window.procedures)
    screenshot(window, "kiosk-06-procedures")

    with qtbot.waitSignal(ctrl.form_changed):
        click(qtbot, window.procedures.card("ct01"))
    wait_screen(qtbot, window, window.form)
    view = window.form.view
    assert "full_name" in view.locked_fields() and "request" in view.asked_fields()
    assert "chip" in view.mark_text("full_name")
    screenshot(window, "kiosk-07-form")

    # Too early: the form says what is missing and stays.
    click(qtbot, window.form.review_button)
    assert window.current_screen() is window.form
    assert view.error_text("request")
    assert window.form.status.isVisible()
    screenshot(window, "kiosk-08-form-missing")

    # Type the missing request with the letters keyboard (Telex).
    editor = view.editor("request")
    editor.setFocus()
    qtbot.waitUntil(lambda: window.keyboard.target is editor)
    assert window.keyboard.isVisible() and window.keyboard.layout_name == "letters"
    with qtbot.waitSignal(ctrl.form_changed):
        window.keyboard.type_text("Xin xacs nhaanj cuw trus")
    assert isinstance(editor, QtWidgets.QPlainTextEdit)
    assert editor.toPlainText() == "Xin xác nhận cư trú"
    assert ctrl.session.answers["request"] == "Xin xác nhận cư trú"
    screenshot(window, "kiosk-09-form-keyboard")

    click(qtbot, window.form.review_button)
    wait_screen(qtbot, window, window.review)
    assert "Xin xác nhận cư trú" in window.review.shown_texts()
    assert NAME in window.review.shown_texts()
    screenshot(window, "kiosk-10-review")

    with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as sent:
        click(qtbot, window.review.submit_button)
    wait_screen(qtbot, window, window.result)
    outcome = sent.args[0]
    assert outcome.sent
    assert window.result.number.text() == outcome.receipt
    assert "Đã gửi" in window.result.title.text()
    screenshot(window, "kiosk-11-result-sent")

    with qtbot.waitSignal(window.print_requested) as printed:
        click(qtbot, window.result.print_button)
    assert printed.args[0] == outcome

    with qtbot.waitSignal(ctrl.wiped):
        click(qtbot, window.result.done_button)
    wait_screen(qtbot, window, window.idle)
    assert leaks(window) == []


def test_qr_first_then_card_shows_reading_progress(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    # A scanner types the QR code while no field has the focus.
    for ch in demo_qr_text():  # QTest.keyClicks cannot type Vietnamese letters
        event = QtGui.QKeyEvent(
            QtCore.QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch
        )
        QtWidgets.QApplication.sendEvent(window, event)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    wait_screen(qtbot, window, window.wait_card)
    screenshot(window, "kiosk-04-wait-card")

    # Freeze the read at the text stage to look at the reading screen.
    seen_text: list[object] = []
    ctrl.text_ready.connect(seen_text.append)
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    assert seen_text, "the text data arrives before the verdict"
    assert window.reading.progress.maximum() >= window.reading.progress.value() > 0
    assert NAME in window.reading.panel.value_text("full_name")
    window.stack.setCurrentWidget(window.page_of(window.reading))  # as it was during the read
    screenshot(window, "kiosk-04b-reading")


def test_continue_without_chip_says_unverified(
    qtbot: QtBot, window: KioskWindow, ctrl: SessionController, screenshot: Shot
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    wait_screen(qtbot, window, window.wait_card)
    click(qtbot, window.wait_card.without_chip_button)
    wait_screen(qtbot, window, window.verdict)
    assert window.verdict.verdict == "unverified"
    assert "QR" in window.verdict.badge.headline()
    screenshot(window, "kiosk-05b-verdict-unverified")
    click(qtbot, window.verdict.continue_button)
    wait_screen(qtbot, window, window.procedures)
    assert not window.procedures.back_button.isVisible()
    with qtbot.waitSignal(ctrl.form_changed):
        click(qtbot, window.procedures.card("ct01"))
    view = window.form.view
    assert view.locked_fields() == []  # nothing is verified: everything stays editable
    assert "QR" in view.mark_text("full_name")


def test_clone_verdict_offers_no_way_on(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    from cardreader.emulator.chip import ChipConfig

    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place(backend.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
    wait_screen(qtbot, window, window.verdict)
    assert window.verdict.verdict == "clone_suspected"
    assert not window.verdict.continue_button.isVisible()
    assert window.verdict.end_button.isVisible()
    screenshot(window, "kiosk-05c-verdict-clone")
    with qtbot.waitSignal(ctrl.wiped):
        click(qtbot, window.verdict.end_button)
    assert leaks(window) == []


# -- failures and their recovery --------------------------------------------------------------


def test_card_removed_mid_read_then_put_back(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS):
        backend.place(remove_after=20)
    wait_screen(qtbot, window, window.failure)
    failure = window.failure.failure
    assert failure is not None and failure.kind is Failure.CARD_REMOVED
    assert "nhấc ra" in window.failure.title.text()
    assert not window.failure.retry_button.isVisible()  # it heals when the card is back
    screenshot(window, "kiosk-12-failure-card-removed")
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.verdict)


def test_reader_unplugged_then_replugged(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS):
        backend.unplug()
    wait_screen(qtbot, window, window.failure)
    assert "đầu đọc" in window.failure.title.text()
    screenshot(window, "kiosk-13-failure-no-reader")
    with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
        backend.replug()
    wait_screen(qtbot, window, window.idle)


def test_wrong_keys_then_retry_asks_again(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.key_entry)
    window.key_entry.id_edit.setText("001099012345")
    window.key_entry.birth_edit.setText("18/05/1999")
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS):
        click(qtbot, window.key_entry.continue_button)
    wait_screen(qtbot, window, window.failure)
    failure = window.failure.failure
    assert failure is not None and failure.kind is Failure.WRONG_KEYS
    assert window.failure.retry_button.isVisible()
    screenshot(window, "kiosk-14-failure-wrong-keys")
    click(qtbot, window.failure.retry_button)
    wait_screen(qtbot, window, window.key_entry)
    # What was typed stays, to be corrected: the right birth date typed on the keyboard.
    assert window.key_entry.id_edit.text() == "001099012345"
    assert window.key_entry.birth_edit.text() == "18/05/1999"
    window.key_entry.birth_edit.clear()
    window.key_entry.birth_edit.setFocus()
    qtbot.waitUntil(lambda: window.keyboard.target is window.key_entry.birth_edit)
    window.keyboard.type_text("17/05/1999")
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        click(qtbot, window.keyboard.key("enter"))
    wait_screen(qtbot, window, window.verdict)


def test_invalid_qr_code(
    qtbot: QtBot, window: KioskWindow, ctrl: SessionController, screenshot: Shot
) -> None:
    ctrl.provide_qr_text("https://example.com/not-a-card-qr-code")
    wait_screen(qtbot, window, window.failure)
    assert "QR" in window.failure.title.text()
    screenshot(window, "kiosk-15-failure-qr-invalid")
    click(qtbot, window.failure.retry_button)
    wait_screen(qtbot, window, window.idle)


def test_offline_submission_is_saved_and_says_so(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    env: AppEnvironment,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    ctrl.proceed()
    ctrl.choose_procedure("ct01")
    ctrl.set_answer("request", "Xin xác nhận thông tin cư trú.")
    assert ctrl.review()
    env.set_network(False)
    try:
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as got:
            click(qtbot, window.review.submit_button)
        outcome = got.args[0]
        assert not outcome.sent
        wait_screen(qtbot, window, window.result)
        assert "khi có mạng" in window.result.title.text()
        assert window.result.number.text() == outcome.reference
        screenshot(window, "kiosk-16-result-saved-offline")
        # The longest result (offline banner, English) still fits a 1280x720 kiosk whole.
        click(qtbot, window.language.button("en"))
        qtbot.waitUntil(lambda: "connection" in window.result.title.text())
        window.resize(1280, 720)
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=TIMEOUT_MS)
        fits(qtbot, window, window.result.number, window.result.card_reminder,
             window.result.done_button, window.result.print_button)  # fmt: skip
        screenshot(window, "kiosk-720-result-offline-en")
    finally:
        env.set_network(True)


# -- idle, operator, closing, language ---------------------------------------------------------


def test_idle_timeout_warns_then_wipes_every_trace(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend, screenshot: Shot
) -> None:
    ctrl = _start(qtbot, env, idle=16.5)  # the warning starts at once (last 15 s)
    try:
        window = _window(qtbot, ctrl, env)
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
            backend.place()
        ctrl.proceed()
        ctrl.choose_procedure("ct01")
        ctrl.set_answer("request", "Xin xác nhận cho ông THỬ.")
        assert window.form.view.shown_texts()
        with qtbot.waitSignal(ctrl.idle_warning, timeout=TIMEOUT_MS):
            pass
        qtbot.waitUntil(window.overlay.isVisible, timeout=TIMEOUT_MS)
        assert "Bạn còn đó không?" in window.overlay.title.text()
        assert str(window.overlay.seconds) in window.overlay.countdown.text()
        screenshot(window, "kiosk-17-idle-warning")
        # "I'm still here" cancels the countdown.
        with qtbot.waitSignal(ctrl.idle_warning) as cancelled:
            click(qtbot, window.overlay.button)
        assert cancelled.args == [0] and not window.overlay.isVisible()
        assert leaks(window), "the session is still on screen"
        with qtbot.waitSignal(ctrl.wiped, timeout=25_000):
            pass
        wait_screen(qtbot, window, window.idle)
        assert not window.overlay.isVisible()
        assert leaks(window) == []
        window.allow_close()
    finally:
        ctrl.close()


def test_operator_corner_and_no_way_out(qtbot: QtBot, window: KioskWindow) -> None:
    with qtbot.waitSignal(window.operator_requested):
        for _ in range(5):
            qtbot.mouseClick(window.corner, Qt.MouseButton.LeftButton)
    # Slow taps do not open it.
    signals: list[bool] = []
    window.operator_requested.connect(lambda: signals.append(True))
    for i in range(5):
        window.corner.tap(now=1000.0 + i * 1.0)
    assert signals == []
    # Holding the corner opens it too.
    with qtbot.waitSignal(window.operator_requested, timeout=4000):
        qtbot.mousePress(window.corner, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(window.corner, Qt.MouseButton.LeftButton)

    window.close()
    assert window.isVisible()  # refused without the operator
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible()
    window.allow_close()
    window.close()
    assert not window.isVisible()


def test_english_on_every_screen(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    click(qtbot, window.language.button("en"))
    qtbot.waitUntil(lambda: "Place" in window.idle.title.text())
    screenshot(window, "kiosk-en-01-idle")
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.verdict)
    assert window.verdict.continue_button.text() == "Continue"
    screenshot(window, "kiosk-en-05-verdict")
    click(qtbot, window.verdict.continue_button)
    with qtbot.waitSignal(ctrl.form_changed):
        click(qtbot, window.procedures.card("ct01"))
    assert "Residence" in window.form.title.text()
    screenshot(window, "kiosk-en-07-form")
    click(qtbot, window.language.button("vi"))
    qtbot.waitUntil(lambda: "Tờ khai" in window.form.title.text())
    assert window.current_screen() is window.form


def test_touch_targets_are_large(window: KioskWindow) -> None:
    too_small = [
        b.text() or str(b.property("key"))
        for screen in window.screens()
        for b in screen.findChildren(QtWidgets.QPushButton)
        if b.minimumHeight() < 56 and b.sizeHint().height() < 56
    ]
    assert too_small == []
    keys = window.keyboard.findChildren(QtWidgets.QPushButton)
    assert keys and all(k.minimumHeight() >= 56 for k in keys)


def test_phase_mapping_for_typed_keys(
    qtbot: QtBot, window: KioskWindow, ctrl: SessionController, backend: VirtualBackend
) -> None:
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.key_entry)
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        window.key_entry.keys_entered.emit("001099012345", date(1999, 5, 17))
    assert ctrl.session.phase is Phase.VERDICT
    wait_screen(qtbot, window, window.verdict)
    # Removing the card after the read keeps the session on screen.
    with qtbot.waitSignal(ctrl.card_removed, timeout=TIMEOUT_MS):
        backend.remove()
    QtCore.QCoreApplication.processEvents()
    assert window.current_screen() is window.verdict


def test_spoken_prompts_follow_the_screens(
    qtbot: QtBot, ctrl: SessionController, env: AppEnvironment, backend: VirtualBackend
) -> None:
    from ui.speech import Speaker

    class RecordingSpeaker(Speaker):
        def __init__(self) -> None:
            super().__init__(enabled=False)
            self.said: list[str] = []

        def say(self, text: str) -> bool:
            self.said.append(text)
            return True

    speaker = RecordingSpeaker()
    window = KioskWindow(ctrl, env, speaker=speaker)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.key_entry)
    assert speaker.said[-1] == window.key_entry.prompt()
    assert "12 số" in speaker.said[-1]
    assert not any(n in s for s in speaker.said for n in NEEDLES)  # never the citizen's data
    window.allow_close()


def test_keyboard_opens_for_the_field_to_fix_even_when_another_window_is_active(
    qtbot: QtBot, window: KioskWindow, ctrl: SessionController, backend: VirtualBackend
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    ctrl.proceed()
    ctrl.choose_procedure("ct01")
    wait_screen(qtbot, window, window.form)
    other = QtWidgets.QWidget()  # e.g. the demo panel, a window of its own
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    assert not window.keyboard.isVisible()
    click(qtbot, window.form.review_button)
    assert window.keyboard.isVisible()
    assert window.keyboard.target is window.form.view.editor("request")


def in_sight(widget: QtWidgets.QWidget) -> bool:
    """``widget`` is shown whole: inside every scroll area's viewport around it and inside its
    window (not scrolled away, not cut by the screen's edge). Of a multi-line text field, the
    top line (56 px) being typed in."""
    if not widget.isVisible():
        return False
    size = widget.size()
    if isinstance(widget, QtWidgets.QPlainTextEdit):
        size.setHeight(min(size.height(), 56))
    rect = QtCore.QRect(QtCore.QPoint(0, 0), size)
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QtWidgets.QScrollArea):
            viewport = parent.viewport()
            top_left = widget.mapTo(viewport, QtCore.QPoint(0, 0))
            if not viewport.rect().contains(QtCore.QRect(top_left, size)):
                return False
        parent = parent.parentWidget()
    window = widget.window()
    return window.rect().contains(rect.translated(widget.mapTo(window, QtCore.QPoint(0, 0))))


def fits(qtbot: QtBot, window: KioskWindow, *wanted: QtWidgets.QWidget) -> None:
    """The window keeps the display's size and the screen's main widgets are in sight."""
    QtWidgets.QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    qtbot.waitUntil(lambda: all(in_sight(w) for w in wanted), timeout=2000)
    assert window.height() <= 720


def test_every_screen_fits_a_1280x720_kiosk(
    qtbot: QtBot,
    window: KioskWindow,
    ctrl: SessionController,
    backend: VirtualBackend,
    screenshot: Shot,
) -> None:
    """Kiosks have 1366x768, 1280x800, 1920x1080 and portrait 1080x1920 displays: no screen,
    nor the keyboard open on the form, may make the window taller than 720 px (it grew to
    1280x1131), and the fields and buttons a person needs stay in sight."""
    window.resize(1280, 720)
    fits(qtbot, window, window.idle.title)
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    wait_screen(qtbot, window, window.key_entry)
    assert window.keyboard.isVisible()
    fits(qtbot, window, window.key_entry.id_edit, window.key_entry.continue_button,
         window.keyboard.key("0"))  # fmt: skip
    screenshot(window, "kiosk-720-need-keys")
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        window.key_entry.keys_entered.emit("001099012345", date(1999, 5, 17))
    wait_screen(qtbot, window, window.verdict)
    fits(qtbot, window, window.verdict.badge, window.verdict.continue_button)
    screenshot(window, "kiosk-720-verdict")
    click(qtbot, window.verdict.continue_button)
    wait_screen(qtbot, window, window.procedures)
    fits(qtbot, window, window.procedures.card("ct01"), window.procedures.end_button)
    with qtbot.waitSignal(ctrl.form_changed):
        click(qtbot, window.procedures.card("ct01"))
    wait_screen(qtbot, window, window.form)
    fits(qtbot, window, window.form.title, window.form.review_button)
    click(qtbot, window.form.review_button)  # blocked: the keyboard opens on the field to fill
    field = window.form.view.editor("request")
    qtbot.waitUntil(lambda: window.keyboard.isVisible() and window.keyboard.target is field)
    assert window.form.compact
    fits(qtbot, window, field, window.form.review_button, window.form.status,
         window.keyboard.key("enter"))  # fmt: skip
    screenshot(window, "kiosk-720-form-keyboard")
    for size, name in (((1366, 768), "1366x768"), ((1080, 1920), "1080x1920")):
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: (window.width(), window.height()) == s)  # type: ignore[misc]
        qtbot.waitUntil(lambda: in_sight(field) and in_sight(window.form.review_button))
        screenshot(window, f"kiosk-{name}-form-keyboard")
    window.resize(1280, 720)
    with qtbot.waitSignal(ctrl.form_changed):
        window.keyboard.type_text("Xin xacs nhaanj cuw trus")
    field.clearFocus()  # a tap outside the field
    qtbot.waitUntil(lambda: not window.keyboard.isVisible())
    assert not window.form.compact
    click(qtbot, window.form.review_button)
    wait_screen(qtbot, window, window.review)
    fits(qtbot, window, window.review.submit_button, window.review.back_button)
    screenshot(window, "kiosk-720-review")
    with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS):
        click(qtbot, window.review.submit_button)
    wait_screen(qtbot, window, window.result)
    qtbot.waitUntil(lambda: bool(window.result.number.text()), timeout=TIMEOUT_MS)
    fits(qtbot, window, window.result.number, window.result.done_button)
    screenshot(window, "kiosk-720-result")
    click(qtbot, window.result.done_button)
    wait_screen(qtbot, window, window.idle)
    for kind in (Failure.CARD_REMOVED, Failure.WRONG_KEYS, Failure.CLONE_SUSPECTED):
        window.failure.set_failure(FailureInfo(kind, "x", True))
        window.stack.setCurrentWidget(window.page_of(window.failure))
        fits(qtbot, window, window.failure.frame, window.failure.end_button, window.failure.code)
        screenshot(window, f"kiosk-720-failure-{kind.value}")
