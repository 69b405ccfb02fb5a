"""The headless walkthrough: the real application walks its whole flow by itself, in each mode,
and saves a screenshot of every screen (``kiosk --demo --headless --screenshots DIR``).

Nothing is simulated above the reader: each mode gets the demo environment
(``kiosk.environment.build_environment(demo=True)``: the virtual card reader, the local intake
server, the fake BHYT gateway), the real :class:`ui.controller.SessionController` and the mode's
real window, built as ``ui.app`` builds them. The walk presses the same buttons a visitor and an
officer would: the demo panel's (place/remove the virtual card, show its QR code, unplug the
reader, cut the network), the screens' own buttons, and the on-screen keyboard's keys for the
fields the card cannot fill. After every action it waits for the session phase that action must
reach and saves ``NN-mode-screen.png``; a step that does not get there within its time fails.

Kiosk: idle → card placed (keys needed) → QR → reading (text first, then the face) → verdict →
procedures → pre-filled form → the missing field typed on the on-screen keyboard → review →
submit ("sent" with the receipt) → done → wiped; then the failure screens and their recovery
(card removed mid-read, reader unplugged and replugged, another person's QR = wrong card, a
cloned chip), QR only (unverified), no network ("saved, will be sent", then delivered) in
English, and the idle countdown that wipes everything. Counter: the officer's desk from QR and
card to the submitted form and the day's history. Clinic: three patients in a row (genuine,
another issuer, genuine again), each checked in with a queue ticket, then a cloned card stopped.

The exit status is 0 only when every step reached its phase (and every wipe left no trace of
the citizen's name on screen). Only the invented demo citizens are used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.session import Failure, Phase
from ui.qt import QtCore, QtGui, QtWidgets

MODES = ("kiosk", "counter", "clinic")
#: Screen sizes: the kiosk as the demo opens it (windowed), the desks as ui.app.DESK_SIZE.
KIOSK_SIZE = (1280, 720)
DESK_SIZE = (1280, 800)
STEP_TIMEOUT_S = 20.0
#: The walkthrough's own operator PIN (its configuration is built for the walk).
OPERATOR_PIN = "24681357"
#: The demo citizens' names, ID numbers and birth dates: none may stay on screen after a wipe.
PERSONAL_MARKERS = (
    "NGUYỄN VĂN THỬ", "Nguyễn Văn Thử", "LÊ THỊ THỬ", "Lê Thị Thử", "001099012345",
    "079186004321", "17/05/1999", "02/09/1986", "012345678", "Số 1 Ngõ Mẫu",
)  # fmt: skip


@dataclass
class Step:
    """One screen of the walk."""

    number: int
    mode: str
    screen: str
    expected: str
    reached: str
    ok: bool
    path: Path | None
    seconds: float
    note: str = ""


class StepFailed(Exception):
    """A step did not reach its phase; the rest of that mode's walk is skipped."""


class _Clock:
    """The controller's clock: real time plus what the walk fast-forwards (the idle wipe)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def pump(ms: int) -> None:
    """Run the Qt event loop for ``ms`` milliseconds."""
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout_s: float = STEP_TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        pump(10)
    return True


def visible_texts(root: QtWidgets.QWidget) -> list[str]:
    """Every text a widget tree holds: labels, buttons, line and text edits, combo boxes, tables,
    list and tree models (what a wipe must clear)."""
    texts: list[str] = []
    widgets = [root, *root.findChildren(QtWidgets.QWidget)]
    for widget in widgets:
        if isinstance(widget, QtWidgets.QLabel | QtWidgets.QAbstractButton | QtWidgets.QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QtWidgets.QPlainTextEdit | QtWidgets.QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QtWidgets.QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QtWidgets.QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root_index = QtCore.QModelIndex()
            for row in range(model.rowCount(root_index)):
                col = 0  # columnCount() is private on a QListWidget's model: walk the indexes
                while col < 64 and (index := model.index(row, col)).isValid():
                    value = model.data(index)
                    if value is not None:
                        texts.append(str(value))
                    col += 1
        tip = widget.toolTip()
        if tip:
            texts.append(tip)
    return texts


def personal_traces(root: QtWidgets.QWidget) -> list[str]:
    """The texts under ``root`` that still carry a demo citizen's name or ID number."""
    return [t for t in visible_texts(root) if any(m in t for m in PERSONAL_MARKERS)]


class Walk:
    """Numbered screenshots, one line per step, and the verdict of the whole walk."""

    def __init__(self, out_dir: Path, *, quiet: bool = False,
                 log: Callable[[str], None] = print) -> None:  # fmt: skip
        self.out_dir = out_dir
        self.quiet = quiet
        self.log = log
        self.steps: list[Step] = []
        self._started = time.monotonic()
        self._last = self._started
        out_dir.mkdir(parents=True, exist_ok=True)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    def record(self, mode: str, screen: str, widget: QtWidgets.QWidget | None, expected: str,
               reached: str, ok: bool, note: str = "") -> Step:  # fmt: skip
        number = len(self.steps) + 1
        path: Path | None = None
        if widget is not None:
            path = self.out_dir / f"{number:02d}-{mode}-{screen}.png"
            pixmap = widget.grab()
            if pixmap.isNull() or not pixmap.save(str(path)):
                ok, note, path = False, (note + " (screenshot failed)").strip(), None
        now = time.monotonic()
        step = Step(number, mode, screen, expected, reached, ok, path, now - self._last, note)
        self._last = now
        self.steps.append(step)
        if not self.quiet:
            mark = "ok " if ok else "FAIL"
            where = path.name if path is not None else "-"
            extra = f"  {note}" if note else ""
            self.log(f"{number:02d} {mark} {mode:<8}{screen:<26}{reached:<24}"
                     f"{step.seconds * 1000:6.0f} ms  {where}{extra}")  # fmt: skip
        return step


# --- one mode's application ----------------------------------------------------------------------


@dataclass
class App:
    """The application of one mode as ui.app builds it, plus the demo panel."""

    mode: str
    env: Any
    controller: Any
    window: QtWidgets.QWidget
    panel: Any
    operator: Any
    clock: _Clock
    walk: Walk
    seen: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def phase(self) -> str:
        return str(self.controller.session.phase.value)

    def failure_kind(self) -> str:
        failure = self.controller.session.failure
        return "" if failure is None else str(failure.kind.value)

    def expect(self, screen: str, phase: Phase, *, until: Callable[[], bool] | None = None,
               failure: Failure | None = None, timeout_s: float = STEP_TIMEOUT_S,
               widget: QtWidgets.QWidget | None = None, note: str = "") -> None:  # fmt: skip
        """Wait for ``phase`` (and ``until``), then screenshot; raise StepFailed if not."""

        def reached() -> bool:
            if self.phase != phase.value:
                return False
            if failure is not None and self.failure_kind() != failure.value:
                return False
            return until is None or until()

        ok = wait_until(reached, timeout_s)
        pump(30)  # let the screen paint what the last signal changed
        got = self.phase + (f"/{self.failure_kind()}" if self.phase == Phase.FAILURE else "")
        want = phase.value + (f"/{failure.value}" if failure is not None else "")
        if not ok and not note:
            note = f"expected {want}"
        self.walk.record(self.mode, screen, widget or self.window, want, got, ok, note)
        if not ok:
            raise StepFailed(screen)

    def check_wiped(self, screen: str) -> None:
        """The session is IDLE and no widget still shows the citizen: screenshot it."""
        ok = wait_until(lambda: self.phase == Phase.IDLE.value)
        pump(30)
        traces = personal_traces(self.window)
        note = f"still on screen after the wipe: {traces[:3]}" if traces else "no personal data"
        data = self.controller.session.has_personal_data
        if data:
            note += "; the session still holds personal data"
        good = ok and not traces and not data
        self.walk.record(self.mode, screen, self.window, "idle", self.phase, good, note)
        if not good:
            raise StepFailed(screen)

    def signal_log(self, name: str) -> list[Any]:
        """Everything the controller's signal ``name`` emits from now on."""
        values: list[Any] = []
        getattr(self.controller, name).connect(values.append)
        self.seen[name] = values
        return values


@contextlib.contextmanager
def open_app(mode: str, walk: Walk, data_dir: Path) -> Iterator[App]:
    from kiosk.config import KioskConfig, hash_operator_pin
    from kiosk.environment import build_environment
    from ui.app import build_window, choose_language, create_application
    from ui.controller import SessionController
    from ui.demo_panel import DemoPanel
    from ui.operator_screen import EnvironmentOperatorBackend, OperatorScreen

    create_application(mode)  # type: ignore[arg-type]  # a checked mode; its theme
    choose_language("vi")
    cfg = KioskConfig.defaults(data_dir)
    cfg = dataclasses.replace(
        cfg, ui=dataclasses.replace(cfg.ui, operator_pin_hash=hash_operator_pin(OPERATOR_PIN))
    )
    env = build_environment(cfg, demo=True)
    clock = _Clock()
    idle = cfg.ui.idle_timeout_s if mode == "kiosk" else None
    controller = SessionController(env, mode=mode, idle_timeout_s=idle, clock=clock)
    window = build_window(mode, controller, env)  # type: ignore[arg-type]
    # The panel stays hidden: an always-on-top tool window cannot be raised offscreen, and its
    # buttons are pressed directly.
    panel = DemoPanel(controller, env)
    # The operator screen, opened by the window's operator_requested as ui.app.Shell does.
    operator = OperatorScreen(EnvironmentOperatorBackend(env), pin_hash=cfg.ui.operator_pin_hash,
                              controller=controller, demo=True)  # fmt: skip
    operator.setProperty("mode", mode)
    operator.back_requested.connect(operator.hide)

    def open_operator() -> None:
        operator.lock()
        operator.resize(*DESK_SIZE)
        operator.show()

    getattr(window, "operator_requested").connect(open_operator)  # noqa: B009
    app = App(mode, env, controller, window, panel, operator, clock, walk)
    try:
        controller.start()
        present = getattr(window, "present", None)
        if callable(present):
            present(fullscreen=False)
            window.resize(*KIOSK_SIZE)
        else:
            window.resize(*DESK_SIZE)
            window.show()
        wait_until(lambda: bool(controller.readers()))
        yield app
    finally:
        with contextlib.suppress(Exception):
            controller.close()
        allow = getattr(window, "allow_close", None)
        if callable(allow):
            allow()
        for widget in (panel, operator, window):
            widget.close()
            widget.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        with contextlib.suppress(Exception):
            env.close()
        with contextlib.suppress(Exception):
            choose_language("vi")


# --- helpers shared by the modes -----------------------------------------------------------------


def press_keys(keyboard: Any, text: str) -> None:
    """Type ``text`` by clicking the on-screen keyboard's keys (Telex letters: "aa" gives "â",
    "s" after a vowel the acute tone…); an upper-case letter presses Shift first."""
    for ch in text:
        if ch == " ":
            keyboard.key("space").click()
        elif ch.isalpha() and ch.isupper():
            keyboard.key("shift").click()
            keyboard.key(ch.lower()).click()
        else:
            keyboard.key(ch).click()


def _place(app: App, chip: Any = None) -> None:
    """The visitor puts a card on the reader: the demo card with the panel's button, another
    card (another citizen, a cloned chip) straight on the virtual reader."""
    if chip is None:
        app.panel.place_button.click()
    else:
        app.env.virtual.place(chip)


def _remove(app: App) -> None:
    if app.env.virtual.has_card:
        app.panel.remove_button.click()
        wait_until(lambda: not app.controller.card_present(), 5.0)


# --- kiosk -------------------------------------------------------------------------------------


CT01_REQUEST_TELEX = "Xin xacs nhaanj thoong tin cuw trus"
CT01_REQUEST = "Xin xác nhận thông tin cư trú"


def _kiosk_submit(app: App, lang: str) -> Any:
    """From the verdict to the result: procedures, form (typed), review, submit."""
    win: Any = app.window
    win.verdict.continue_button.click()
    app.expect(f"procedures{lang}", Phase.CHOOSE,
               until=lambda: win.current_screen() is win.procedures)  # fmt: skip
    forms = app.signal_log("form_changed")
    win.procedures.card("ct01").click()
    app.expect(f"form{lang}", Phase.FORM, until=lambda: bool(forms))
    # "Xem lại" on an incomplete form shows what is missing and focuses it: the keyboard opens.
    win.form.review_button.click()
    app.expect(f"form_missing{lang}", Phase.FORM, until=lambda: win.keyboard.isVisible())
    press_keys(win.keyboard, CT01_REQUEST_TELEX)
    app.expect(f"form_typed{lang}", Phase.FORM, until=lambda: bool(forms) and forms[-1].is_valid
               and forms[-1].field("request").value == CT01_REQUEST)  # fmt: skip
    win.keyboard.key("enter").click()
    win.form.review_button.click()
    app.expect(f"review{lang}", Phase.REVIEW)
    submitted = app.signal_log("submitted")
    win.review.submit_button.click()
    app.expect(f"result{lang}", Phase.DONE, until=lambda: bool(submitted), timeout_s=30)
    return submitted[-1]


def walk_kiosk(app: App) -> None:
    from cardreader.emulator.chip import ChipConfig
    from ui.i18n import set_language

    win: Any = app.window
    ctl = app.controller
    app.expect("idle", Phase.IDLE)
    app.panel.adjustSize()
    app.expect("demo_panel", Phase.IDLE, widget=app.panel)

    # 0. The operator: five taps on the top-left corner, the PIN, the machine's state, back.
    operator = app.operator
    for _ in range(5):
        win.corner.tap()
    app.expect("operator_pin", Phase.IDLE, widget=operator, until=operator.isVisible)
    _keys(operator.pin_edit, OPERATOR_PIN)
    _key(operator.pin_edit, QtCore.Qt.Key.Key_Return)
    app.expect("operator_status", Phase.IDLE, widget=operator,
               until=lambda: operator.is_unlocked)  # fmt: skip
    operator.leave()
    win.activateWindow()  # the kiosk has the focus again (its keyboard follows the focus)
    app.expect("operator_left", Phase.IDLE, until=lambda: not operator.isVisible()
               and QtWidgets.QApplication.activeWindow() is win)  # fmt: skip

    # 1. The happy path: card first, then the QR code, read, verdict, form, submit, wipe.
    _place(app)
    app.expect("need_keys", Phase.NEED_KEYS)
    texts = app.signal_log("text_ready")
    faces = app.signal_log("face_ready")
    app.panel.qr_button.click()
    app.expect("reading", Phase.READING, until=lambda: bool(texts))
    app.expect("verdict", Phase.VERDICT, until=lambda: bool(faces)
               and win.verdict.verdict == "genuine")  # fmt: skip
    outcome = _kiosk_submit(app, "")
    if not outcome.sent:
        app.walk.record(app.mode, "result_not_sent", None, "sent", "queued", False,
                        "the intake server did not acknowledge in time")  # fmt: skip
    win.result.done_button.click()
    app.check_wiped("wiped")
    _remove(app)

    # 2. QR first, then the card, taken away mid-read: the failure screen, and back by itself.
    app.panel.qr_button.click()
    app.expect("wait_card", Phase.WAIT_CARD)
    progress = app.signal_log("read_progress")
    _place(app)
    wait_until(lambda: len(progress) >= 2)
    app.panel.remove_button.click()
    app.expect("failure_card_removed", Phase.FAILURE, failure=Failure.CARD_REMOVED)
    _place(app)
    app.expect("card_back_verdict", Phase.VERDICT)
    win.verdict.end_button.click()
    app.expect("ended", Phase.IDLE)
    _remove(app)

    # 3. The reader's cable pulled, then plugged back in.
    app.panel.unplug_button.click()
    app.expect("failure_no_reader", Phase.FAILURE, failure=Failure.NO_READER)
    app.panel.replug_button.click()
    app.expect("reader_back", Phase.IDLE, until=lambda: bool(ctl.readers()))

    # 4. Another person's QR code with this card: the chip refuses, "is this your card?".
    app.panel.other_qr_button.click()
    _place(app)
    app.expect("failure_wrong_card", Phase.FAILURE, failure=Failure.WRONG_KEYS)
    win.failure.end_button.click()
    app.expect("after_wrong_card", Phase.IDLE)
    _remove(app)

    # 5. A copied chip: right data, wrong keys: "possible clone", never a silent green.
    app.panel.qr_button.click()
    _place(app, app.env.virtual.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
    app.expect("verdict_clone", Phase.VERDICT,
               until=lambda: win.verdict.verdict == "clone_suspected")  # fmt: skip
    win.verdict.end_button.click()
    app.expect("after_clone", Phase.IDLE)
    _remove(app)

    # 6. QR only, no chip: the data is shown as NOT verified.
    app.panel.qr_button.click()
    app.expect("wait_card_qr_only", Phase.WAIT_CARD)
    win.wait_card.without_chip_button.click()
    app.expect("verdict_unverified", Phase.CHOOSE,
               until=lambda: win.verdict.verdict == "unverified")  # fmt: skip
    ctl.end_session()
    app.expect("after_qr_only", Phase.IDLE)

    # 7. In English, without network: "saved, will be sent", then delivered when it returns.
    set_language("en")
    app.expect("idle_en", Phase.IDLE)
    app.panel.offline_button.click()
    app.panel.qr_button.click()
    _place(app)
    app.expect("verdict_en", Phase.VERDICT)
    outcome = _kiosk_submit(app, "_en_offline")
    if outcome.sent:
        app.walk.record(app.mode, "result_offline", None, "queued", "sent", False,
                        "delivered although the intake server was down")  # fmt: skip
    delivered = app.signal_log("delivery_updated")
    app.panel.online_button.click()
    app.expect("result_en_delivered", Phase.DONE,
               until=lambda: any(o.sent for o in delivered), timeout_s=30)  # fmt: skip
    win.result.done_button.click()
    app.check_wiped("wiped_en")
    _remove(app)
    set_language("vi")

    # 8. Nobody touches the kiosk: the countdown, then the wipe (the clock is fast-forwarded).
    app.panel.qr_button.click()
    _place(app)
    app.expect("verdict_again", Phase.VERDICT)
    warnings = app.signal_log("idle_warning")
    timeout = ctl.env.config.ui.idle_timeout_s
    app.clock.advance(timeout - 10)
    app.expect("idle_warning", Phase.VERDICT, until=lambda: bool(warnings) and warnings[-1] > 0
               and win.overlay.isVisible())  # fmt: skip
    app.clock.advance(15)
    app.check_wiped("idle_wiped")
    _remove(app)


# --- counter -----------------------------------------------------------------------------------


def _keys(widget: QtWidgets.QWidget, text: str) -> None:
    """Type on the physical keyboard into ``widget`` (the officer's desk): a key press and
    release per character, Vietnamese letters as an input method delivers them (QTest's
    keyClicks knows only ASCII)."""
    widget.setFocus()
    for ch in text:
        code = ord(ch.upper()) if ch.isascii() and ch.isprintable() else 0
        key = QtCore.Qt.Key(code) if code else QtCore.Qt.Key.Key_unknown
        for kind in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.KeyRelease):
            event = QtGui.QKeyEvent(kind, key, QtCore.Qt.KeyboardModifier.NoModifier, ch)
            QtWidgets.QApplication.sendEvent(widget, event)


def _key(widget: QtWidgets.QWidget, key: QtCore.Qt.Key,
         modifier: QtCore.Qt.KeyboardModifier = QtCore.Qt.KeyboardModifier.NoModifier) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key, modifier)


def walk_counter(app: App) -> None:
    from cardreader.emulator.fake_card import DEMO_CITIZEN

    win: Any = app.window
    win.activateWindow()
    app.expect("idle", Phase.IDLE)

    # The citizen hands the card over; the officer types the ID number and the birth date.
    _place(app)
    app.expect("need_keys", Phase.NEED_KEYS, until=lambda: win.key_entry.isVisible())
    _keys(win.key_entry.id_box, DEMO_CITIZEN.id_number)
    _keys(win.key_entry.birth_box, DEMO_CITIZEN.date_of_birth.strftime("%d/%m/%Y"))
    app.expect("keys_typed", Phase.NEED_KEYS)
    faces = app.signal_log("face_ready")
    _key(win.key_entry.birth_box, QtCore.Qt.Key.Key_Return)
    app.expect("verdict", Phase.VERDICT, until=lambda: bool(faces))

    # F2: the procedure list; Enter opens the selected one (the first: CT01).
    forms = app.signal_log("form_changed")
    _key(win, QtCore.Qt.Key.Key_F2)
    _key(win.procedure_list, QtCore.Qt.Key.Key_Return)
    app.expect("form", Phase.FORM, until=lambda: bool(forms))
    _keys(win.form_view.editor("phone"), "0912345678")
    _keys(win.form_view.editor("request"), CT01_REQUEST + " để làm hồ sơ.")
    app.expect("form_typed", Phase.FORM, until=lambda: forms[-1].is_valid)

    # Ctrl+Enter: review and submit; the receipt, and a row in the day's history.
    submitted = app.signal_log("submitted")
    _key(win, QtCore.Qt.Key.Key_Return, QtCore.Qt.KeyboardModifier.ControlModifier)
    app.expect("submitted", Phase.DONE, until=lambda: bool(submitted), timeout_s=30)

    # Esc: the session ends, the citizen is wiped; the history keeps no personal data.
    _key(win, QtCore.Qt.Key.Key_Escape)
    app.check_wiped("wiped_history")
    _remove(app)

    # The next citizen: the QR code scanned first, then the card; then cancelled with Esc.
    app.panel.qr_button.click()
    app.expect("wait_card", Phase.WAIT_CARD)
    _place(app)
    app.expect("verdict_from_qr", Phase.VERDICT, until=lambda: win.citizen.isVisible())
    _key(win, QtCore.Qt.Key.Key_Escape)
    app.check_wiped("wiped_again")
    _remove(app)


# --- clinic ------------------------------------------------------------------------------------


def _other_issuer_chip(directory: Path) -> Any:
    """LÊ THỊ THỬ's card, genuine but signed by an issuer this desk's trust store lacks."""
    from cardreader.emulator.chip import ChipConfig
    from cardreader.emulator.fake_card import DEMO_CITIZEN_FEMALE, build_fake_card
    from cardreader.emulator.from_dump import chip_from_dump

    card_dir = build_fake_card(DEMO_CITIZEN_FEMALE, face_seed=7).write(directory / "other-card")
    return chip_from_dump(card_dir, ChipConfig(max_le=0xDF))


def walk_clinic(app: App) -> None:
    from cardreader.emulator.chip import ChipConfig
    from cardreader.emulator.fake_card import DEMO_CITIZEN

    win: Any = app.window
    win.activateWindow()
    app.expect("idle", Phase.IDLE)
    outcomes = app.signal_log("submitted")

    def ticketed(n: int) -> Callable[[], bool]:
        return lambda: len(outcomes) >= n and bool(outcomes[n - 1].ticket)

    # Patient 1: the receptionist scans the QR code, the card goes on the reader: checked in.
    app.panel.qr_button.click()
    _place(app)
    app.expect("patient1_ticket", Phase.CHECKED_IN, until=ticketed(1))
    _remove(app)

    # Patient 2: another issuer (not in the trust store): still checked in, and said so.
    other = _other_issuer_chip(Path(app.env.services.root))
    app.panel.other_qr_button.click()
    _place(app, other)
    app.expect("patient2_ticket", Phase.CHECKED_IN, until=ticketed(2))
    _remove(app)

    # Patient 3: card first, ID number and birth date typed at the desk.
    _place(app)
    app.expect("patient3_keys", Phase.NEED_KEYS, until=lambda: win.key_entry.isVisible())
    _keys(win.key_entry.id_box, DEMO_CITIZEN.id_number)
    _keys(win.key_entry.birth_box, DEMO_CITIZEN.date_of_birth.strftime("%d/%m/%Y"))
    _key(win.key_entry.birth_box, QtCore.Qt.Key.Key_Return)
    app.expect("patient3_ticket", Phase.CHECKED_IN, until=ticketed(3))
    _remove(app)
    tickets = [o.ticket for o in outcomes]
    if len(set(tickets)) != 3:
        app.walk.record(app.mode, "tickets_distinct", None, "3 tickets", str(tickets), False)

    # A copied chip: the desk stops until the receptionist acknowledges the warning.
    app.panel.qr_button.click()
    _place(app, app.env.virtual.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
    app.expect("clone_stopped", Phase.FAILURE, failure=Failure.CLONE_SUSPECTED,
               until=lambda: win.ack_button.isVisible())  # fmt: skip
    win.ack_button.click()
    app.check_wiped("acknowledged")
    _remove(app)


WALKS: dict[str, Callable[[App], None]] = {
    "kiosk": walk_kiosk,
    "counter": walk_counter,
    "clinic": walk_clinic,
}


def walk(out_dir: Path, modes: Sequence[str], *, quiet: bool = False,
         log: Callable[[str], None] = print) -> Walk:  # fmt: skip
    """Walk ``modes`` (in order) and return every step; screenshots go to ``out_dir``."""
    unknown = [m for m in modes if m not in WALKS]
    if unknown:
        raise ValueError(f"unknown mode {unknown[0]!r} (one of {', '.join(MODES)})")
    existing = QtWidgets.QApplication.instance()
    if existing is None:
        QtWidgets.QApplication(["kiosk-walkthrough"])
    result = Walk(out_dir, quiet=quiet, log=log)
    for old in out_dir.glob("[0-9][0-9]-*.png"):
        old.unlink()  # a walk's screenshots are numbered afresh every time
    with tempfile.TemporaryDirectory(prefix="cccd-kiosk-walk-") as tmp:
        for mode in modes:
            before = len(result.steps)
            try:
                with open_app(mode, result, Path(tmp) / mode) as app:
                    WALKS[mode](app)
            except StepFailed as exc:
                if len(result.steps) == before or result.steps[-1].ok:
                    result.record(mode, str(exc), None, "-", "-", False, "walk stopped")
    return result


#: Messages of the offscreen platform itself, not of the application.
QT_NOISE = ("propagateSizeHints", "does not support raise")


def _quiet_qt_noise(kind: QtCore.QtMsgType, _context: QtCore.QMessageLogContext,
                    message: str) -> None:  # fmt: skip
    if not any(noise in message for noise in QT_NOISE):
        print(message, file=sys.stderr)


def run_walkthrough(out_dir: Path, modes: Sequence[str], *, quiet: bool = False) -> int:
    """Walk every screen of ``modes``; 0 when every step reached its phase, else 1."""
    started = time.monotonic()
    previous = QtCore.qInstallMessageHandler(_quiet_qt_noise)
    try:
        result = walk(Path(out_dir), modes or MODES, quiet=quiet)
    finally:
        QtCore.qInstallMessageHandler(previous)
    failed = [s for s in result.steps if not s.ok]
    if not quiet:
        print(f"{len(result.steps)} screens in {time.monotonic() - started:.1f} s, "
              f"{len(failed)} failed; screenshots in {out_dir}")  # fmt: skip
    return 0 if result.ok else 1
