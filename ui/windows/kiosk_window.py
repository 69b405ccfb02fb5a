"""The kiosk window: full-screen, touch-first, one screen per session phase.

``KioskWindow(controller, env)`` stacks the kiosk screens (``ui/screens/``) and follows the
controller's ``phase_changed``: the screen always shows where the session is, so failures heal
by themselves when the controller moves on (card put back, reader replugged). Around the
screens: the VI/EN switch and the offline banner on top, the on-screen keyboard at the bottom
(shown while a text field has the focus), and the idle overlay "Bạn còn đó không?" during the
controller's ``idle_warning`` countdown.

No way out to the desktop: closing is refused until :meth:`KioskWindow.allow_close` (the shell
calls it when the operator leaves kiosk mode). Five taps within three seconds on the top-left
corner, or holding it for two seconds, emits :attr:`KioskWindow.operator_requested`; the shell
opens its PIN-protected operator screen.

On ``wiped`` every screen forgets what it showed: labels, photo, typed text, form models.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from kiosk.session import FailureInfo, Phase, SubmitOutcome
from ui.guard import never_raises
from ui.i18n import current_language
from ui.qt import QObject, Qt, QtCore, QtGui, QTimer, QtWidgets, Signal
from ui.screens.failure import FailureScreen
from ui.screens.form import FormScreen
from ui.screens.idle import IdleScreen
from ui.screens.key_entry import KeyEntryScreen
from ui.screens.parts import touch_scrolling
from ui.screens.procedures import ProceduresScreen
from ui.screens.reading import ReadingScreen
from ui.screens.result import ResultScreen
from ui.screens.review import ReviewScreen
from ui.screens.verdict import VerdictScreen
from ui.screens.wait_card import WaitCardScreen
from ui.speech import Speaker
from ui.widgets.keyboard import OnScreenKeyboard, layout_for
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.offline_banner import OfflineBanner

if TYPE_CHECKING:
    from kiosk.environment import AppEnvironment
    from ui.controller import SessionController

#: Corner gesture that opens the operator screen.
CORNER_TAPS = 5
CORNER_TAP_WINDOW_S = 3.0
CORNER_HOLD_MS = 2000
CORNER_PX = 72
#: A wedge scanner types the QR text fast and ends it with Enter; shorter input is a keypress.
QR_MIN_LENGTH = 20


class CornerZone(QtWidgets.QWidget):
    """An invisible top-left corner: 5 quick taps or a 2-second hold -> ``triggered``."""

    triggered = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operator_corner")
        self.setFixedSize(CORNER_PX, CORNER_PX)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._taps: list[float] = []
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(CORNER_HOLD_MS)
        self._hold.timeout.connect(self._fire)

    def tap(self, now: float | None = None) -> None:
        """One tap (also what a mouse press does)."""
        now = time.monotonic() if now is None else now
        self._taps = [t for t in self._taps if now - t <= CORNER_TAP_WINDOW_S] + [now]
        if len(self._taps) >= CORNER_TAPS:
            self._fire()

    @never_raises(None)
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        self.tap()
        self._hold.start()
        event.accept()

    @never_raises(None)
    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        self._hold.stop()
        event.accept()

    def _fire(self) -> None:
        self._taps = []
        self._hold.stop()
        self.triggered.emit()


def screen_page(screen: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    """``screen`` in a frameless, transparent scroll area that follows a finger."""
    page = QtWidgets.QScrollArea()
    page.setObjectName("screen_page")
    page.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    page.setWidgetResizable(True)
    page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    page.setWidget(screen)
    page.viewport().setAutoFillBackground(False)
    screen.setAutoFillBackground(False)
    touch_scrolling(page)
    return page


class IdleOverlay(QtWidgets.QFrame):
    """ "Bạn còn đó không?" with the seconds left before the wipe and an "I'm here" button."""

    still_here = Signal()

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("idle_overlay")
        self.setAutoFillBackground(True)
        self.setProperty("severity", "warning")
        self._seconds = 0
        self.title = QtWidgets.QLabel(self)
        self.title.setObjectName("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = QtWidgets.QLabel(self)
        self.countdown.setObjectName("subtitle")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setWordWrap(True)
        self.button = QtWidgets.QPushButton(self)
        self.button.setProperty("role", "primary")
        self.button.setMinimumSize(320, 72)
        self.button.clicked.connect(self.still_here)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.countdown)
        layout.addSpacing(24)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.hide()
        self.retranslate()

    @property
    def seconds(self) -> int:
        return self._seconds

    def set_seconds(self, seconds: int) -> None:
        self._seconds = seconds
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Bạn còn đó không?"))
        self.countdown.setText(
            self.tr(
                "Để bảo vệ thông tin của bạn, màn hình sẽ tự xoá sau %n giây.", "", self._seconds
            )
        )
        self.button.setText(self.tr("Tôi vẫn ở đây"))

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class KioskWindow(QtWidgets.QWidget):
    """The kiosk: a stack of screens wired to a SessionController."""

    operator_requested = Signal()
    print_requested = Signal(object)  # kiosk.session.SubmitOutcome (the desk helper prints)

    def __init__(
        self,
        controller: SessionController,
        env: AppEnvironment | None = None,
        *,
        speaker: Speaker | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_window")
        self.setProperty("mode", "kiosk")
        self.setWindowTitle("CCCD kiosk")
        self._controller = controller
        self._env = env
        self._closable = False
        self._verdict_seen = False
        self._showing_procedures = False
        self._phase = Phase.IDLE
        self._wedge: list[str] = []
        if speaker is None:
            enabled = bool(env is not None and getattr(env.config.ui, "speech", False))
            speaker = Speaker(self, enabled=enabled)
        self.speaker = speaker

        # -- screens -----------------------------------------------------------------------------
        self.idle = IdleScreen()
        self.key_entry = KeyEntryScreen()
        self.wait_card = WaitCardScreen()
        self.reading = ReadingScreen()
        self.verdict = VerdictScreen()
        self.procedures = ProceduresScreen()
        self.form = FormScreen()
        self.review = ReviewScreen()
        self.result = ResultScreen()
        self.failure = FailureScreen()
        self.stack = QtWidgets.QStackedWidget(self)
        # Each screen in a page that scrolls when its content is taller than the display (a
        # 1280x720 kiosk, the keyboard open): the window never grows past the screen.
        self._pages: dict[int, QtWidgets.QScrollArea] = {}
        for screen in self.screens():
            page = screen_page(screen)
            self._pages[id(screen)] = page
            self.stack.addWidget(page)

        # -- chrome ------------------------------------------------------------------------------
        self.corner = CornerZone(self)
        self.language = LanguageSwitch(self)
        self.banner = OfflineBanner(controller, self)
        self.keyboard = OnScreenKeyboard(self)
        self.keyboard.setVisible(False)
        self.overlay = IdleOverlay(self)

        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 16, 0)
        top.addWidget(self.corner, 0, Qt.AlignmentFlag.AlignTop)
        top.addStretch(1)
        top.addWidget(self.language, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.keyboard)

        self._wire()
        app = QtWidgets.QApplication.instance()
        if isinstance(app, QtWidgets.QApplication):
            app.focusChanged.connect(self._on_focus_changed)
            app.installEventFilter(self)
        self._show_phase(Phase(controller.session.phase.value))

    # -- public API -------------------------------------------------------------------------------

    @property
    def controller(self) -> SessionController:
        return self._controller

    def screens(self) -> list[QtWidgets.QWidget]:
        return [
            self.idle,
            self.key_entry,
            self.wait_card,
            self.reading,
            self.verdict,
            self.procedures,
            self.form,
            self.review,
            self.result,
            self.failure,
        ]

    def current_screen(self) -> QtWidgets.QWidget | None:
        page = self.stack.currentWidget()
        return page.widget() if isinstance(page, QtWidgets.QScrollArea) else page

    def page_of(self, screen: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
        """The scrolling page that holds ``screen`` in the stack."""
        return self._pages[id(screen)]

    def present(self, *, fullscreen: bool = True) -> None:
        """Show the window: full-screen and frameless on a kiosk, a window for development."""
        if fullscreen:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            self.showFullScreen()
        else:
            self.resize(1280, 900)
            self.show()

    def allow_close(self) -> None:
        """The operator left kiosk mode: the window may close now."""
        self._closable = True

    # -- wiring -----------------------------------------------------------------------------------

    def _wire(self) -> None:
        c = self._controller
        c.phase_changed.connect(self._on_phase)
        c.read_progress.connect(self.reading.set_progress)
        c.text_ready.connect(self._on_text)
        c.face_ready.connect(self._on_face)
        c.verdict_ready.connect(self._on_verdict)
        c.form_changed.connect(self._on_form)
        c.submitted.connect(self._on_submitted)
        c.delivery_updated.connect(self._on_delivery)
        c.failed.connect(self._on_failed)
        c.idle_warning.connect(self._on_idle_warning)
        c.wiped.connect(self._on_wiped)

        self.key_entry.keys_entered.connect(c.provide_id_and_birth)
        self.key_entry.qr_scanned.connect(c.provide_qr_text)
        self.key_entry.cancel_requested.connect(c.end_session)
        self.wait_card.continue_without_chip.connect(c.continue_without_chip)
        self.wait_card.cancel_requested.connect(c.end_session)
        self.verdict.continue_requested.connect(self._verdict_continue)
        self.verdict.end_requested.connect(c.end_session)
        self.procedures.procedure_chosen.connect(self._choose)
        self.procedures.back_requested.connect(self._procedures_back)
        self.procedures.end_requested.connect(c.end_session)
        self.form.answer_changed.connect(c.set_answer)
        self.form.review_requested.connect(c.review)
        self.form.back_requested.connect(c.back)
        self.form.blocked.connect(self._keyboard_for_focus)
        self.review.submit_requested.connect(c.submit)
        self.review.back_requested.connect(c.back)
        self.result.print_requested.connect(self.print_requested)
        self.result.done_requested.connect(c.end_session)
        self.failure.retry_requested.connect(c.retry)
        self.failure.end_requested.connect(c.end_session)

        self.corner.triggered.connect(self.operator_requested)
        self.overlay.still_here.connect(c.user_activity)
        self.keyboard.key_pressed.connect(c.user_activity)
        self.keyboard.enter_pressed.connect(self._keyboard_enter)

    # -- controller signals -----------------------------------------------------------------------

    def _on_phase(self, value: str) -> None:
        try:
            phase = Phase(value)
        except ValueError:
            return
        self._show_phase(phase)

    def _show_phase(self, phase: Phase) -> None:
        previous = self._phase
        self._phase = phase
        if phase is not Phase.CHOOSE:
            self._showing_procedures = False
        screen: QtWidgets.QWidget
        if phase is Phase.IDLE:
            screen = self.idle
        elif phase is Phase.NEED_KEYS:
            screen = self.key_entry
        elif phase is Phase.WAIT_CARD:
            screen = self.wait_card
        elif phase is Phase.READING:
            if previous is not Phase.READING:
                self.reading.clear()
            screen = self.reading
        elif phase is Phase.VERDICT:
            screen = self.verdict
        elif phase is Phase.CHOOSE:
            session = self._controller.session
            if not self._verdict_seen and session.verdict is None and not self._showing_procedures:
                # QR only: say plainly that nothing was verified before the procedures.
                self.verdict.set_verdict(None)
                if session.record is not None:
                    self.verdict.set_record(session.record)
                screen = self.verdict
            else:
                screen = self._procedures_screen()
        elif phase is Phase.FORM:
            screen = self.form
        elif phase is Phase.REVIEW:
            form = self._controller.session.form
            if form is not None:
                self.review.set_form(form)
            self.review.set_busy(False)
            screen = self.review
        elif phase is Phase.SUBMITTING:
            self.result.set_submitting()
            screen = self.result
        elif phase in (Phase.DONE, Phase.CHECKED_IN):
            outcome = self._controller.session.outcome
            if outcome is not None and self.result.outcome is None:
                self.result.set_outcome(outcome)
            screen = self.result
        else:
            failure = self._controller.session.failure
            if failure is not None:
                self.failure.set_failure(failure)
            screen = self.failure
        self._switch(screen)

    def _switch(self, screen: QtWidgets.QWidget) -> None:
        changed = self.current_screen() is not screen
        self.stack.setCurrentWidget(self.page_of(screen))
        self._fit_keyboard()
        activate = getattr(screen, "activate", None)
        if changed and callable(activate):
            activate()
            self._keyboard_for_focus()
        elif changed:
            focused = QtWidgets.QApplication.focusWidget()
            if focused is not None and self.isAncestorOf(focused):
                focused.clearFocus()
            self._update_keyboard(None)
        if changed and current_language() == "vi":  # the voice found at start is Vietnamese
            prompt = getattr(screen, "prompt", None)
            if callable(prompt):
                self.speaker.say(str(prompt()))

    def _procedures_screen(self) -> QtWidgets.QWidget:
        self.procedures.set_procedures(self._controller.procedures())
        self.procedures.set_can_go_back(self._controller.session.verdict is not None)
        self._showing_procedures = True
        return self.procedures

    def _on_text(self, record: Any) -> None:
        self.reading.set_record(record)
        self.verdict.set_record(record)

    def _on_face(self, image: QtGui.QImage) -> None:
        self.reading.set_face(image)
        self.verdict.set_face(image)

    def _on_verdict(self, verdict: Any) -> None:
        self._verdict_seen = True
        record = self._controller.session.record
        if record is not None:
            self.verdict.set_record(record)
        self.verdict.set_verdict(verdict)

    def _on_form(self, form: Any) -> None:
        self.form.set_form(form)
        if self._phase is Phase.REVIEW:
            self.review.set_form(form)

    def _on_submitted(self, outcome: SubmitOutcome) -> None:
        self.result.set_outcome(outcome)

    def _on_delivery(self, outcome: SubmitOutcome) -> None:
        current = self.result.outcome
        if current is not None and current.queued_id == outcome.queued_id:
            self.result.set_outcome(outcome)

    def _on_failed(self, info: FailureInfo) -> None:
        self.failure.set_failure(info)

    def _on_idle_warning(self, seconds: int) -> None:
        if seconds <= 0:
            self.overlay.hide()
            return
        self.overlay.set_seconds(seconds)
        self.overlay.setGeometry(self.rect())
        self.overlay.raise_()
        self.overlay.show()

    def _on_wiped(self) -> None:
        """Forget everything shown: every screen clears its labels, photo, inputs and models."""
        self._verdict_seen = False
        self._showing_procedures = False
        self._wedge = []
        self.overlay.hide()
        self.keyboard.set_target(None)
        self.keyboard.setVisible(False)
        self._fit_keyboard()
        for screen in self.screens():
            screen.clear()  # type: ignore[attr-defined]
        self.speaker.stop()

    # -- screen actions ---------------------------------------------------------------------------

    def _verdict_continue(self) -> None:
        if self._phase is Phase.VERDICT:
            self._controller.proceed()
        elif self._phase is Phase.CHOOSE:
            self._switch(self._procedures_screen())

    def _choose(self, procedure_id: str) -> None:
        self._controller.choose_procedure(procedure_id)

    def _procedures_back(self) -> None:
        self._controller.back()

    def _keyboard_enter(self) -> None:
        """ "Xong" on the keyboard: leave the field (hides the keyboard)."""
        target = self.keyboard.target
        if isinstance(target, QtWidgets.QLineEdit) and self.current_screen() is self.form:
            target.clearFocus()

    # -- keyboard and activity --------------------------------------------------------------------

    def _on_focus_changed(
        self, _old: QtWidgets.QWidget | None, new: QtWidgets.QWidget | None
    ) -> None:
        if new is not None and not self.isAncestorOf(new):
            return
        self._update_keyboard(new)

    def _keyboard_for_focus(self) -> None:
        """The keyboard for the field given the focus by the program: also when this window is
        not the active one (the demo panel may be), when Qt sends no focus change."""
        focused = self.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            self._update_keyboard(focused)

    def _update_keyboard(self, widget: QtWidgets.QWidget | None) -> None:
        wanted = layout_for(widget)
        if wanted is None or widget is None:
            self.keyboard.set_target(None)
            self.keyboard.setVisible(False)
            self._fit_keyboard()
            return
        self.keyboard.set_target(widget)
        self.keyboard.setVisible(True)
        self._fit_keyboard()
        # The keyboard takes room from the screen: keep the field in view once laid out again.
        QTimer.singleShot(0, self, self._reveal_focus)

    def _fit_keyboard(self) -> None:
        """The screen typed in gives up its explanation or picture and wide margins while the
        keyboard takes the room (a 720 px tall kiosk keeps the field and the buttons in view)."""
        open_ = self.keyboard.isVisible()
        current = self.current_screen()
        self.form.set_compact(open_ and current is self.form)
        self.key_entry.set_compact(open_ and current is self.key_entry)

    def _reveal_focus(self) -> None:
        """Scroll the field into view: in the form's own list, then in the page around it."""
        focused = QtWidgets.QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            return
        target: QtWidgets.QWidget = focused
        parent = focused.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, QtWidgets.QScrollArea):
                parent.ensureWidgetVisible(target, 20, 40)
                target = parent
            parent = parent.parentWidget()

    @never_raises(False)
    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if (
            kind
            in (
                QtCore.QEvent.Type.MouseButtonPress,
                QtCore.QEvent.Type.TouchBegin,
                QtCore.QEvent.Type.KeyPress,
            )
            and isinstance(watched, QtWidgets.QWidget)
            and (watched is self or self.isAncestorOf(watched))
        ):
            self._controller.user_activity()
        return False

    @never_raises(None)
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        """A wedge scanner typing the card's QR code while no field has the focus."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = "".join(self._wedge).strip()
            self._wedge = []
            if len(text) >= QR_MIN_LENGTH:
                self._controller.provide_qr_text(text)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # no way out with the keyboard
            return
        if event.text() and event.text().isprintable():
            self._wedge.append(event.text())
            if len(self._wedge) > 4096:
                self._wedge = []
            event.accept()
            return
        super().keyPressEvent(event)

    @never_raises(None)
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())

    @never_raises(None)
    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()  # only the operator (PIN) leaves kiosk mode
