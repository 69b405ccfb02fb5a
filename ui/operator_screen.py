"""The operator screen: behind a PIN, the state of the machine and the few actions it needs.

Shows the card reader(s) and whether a card is present, the trust store (how many CSCA
certificates, how many expired, the newest master list), the outbox (counts per state, the
oldest pending submission), connectivity and the device's enrolment; offers "retry dead
submissions", "sync now", "leave the kiosk" (exit the application, confirmed by a second press)
and "back". Nothing here is personal: counts, states, reader names, the device id.

The PIN is checked against ``[ui] operator_pin_hash`` (PBKDF2, :func:`kiosk.config.
check_operator_pin`) off the GUI thread; :class:`PinGuard` limits attempts: after 5 wrong PINs
the screen locks for 60 s, doubling at every further lockout up to 15 minutes. Leaving the
status page (back, or 2 minutes without a touch) locks it again.

The data comes from an :class:`OperatorBackend`; :class:`EnvironmentOperatorBackend` reads it
from the application's ``kiosk.environment.AppEnvironment``.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from kiosk.config import ConfigError, check_operator_pin, hash_operator_pin
from kiosk.outbox.connectivity import ConnectivityStatus, State
from kiosk.outbox.store import OutboxStatus
from ui.clock import clock_text, zone_text
from ui.guard import never_raises
from ui.qt import QObject, QtCore, QtGui, QtWidgets, Signal, Slot
from ui.theme import repolish
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.offline_banner import OfflineBanner, auth_problem_kind

# The demo's operator PIN when the configuration sets none (shown on the PIN page in the demo).
DEMO_PIN = "1234"
MAX_ATTEMPTS = 5
LOCKOUT_S = 60.0
MAX_LOCKOUT_S = 15 * 60.0
# The status page locks itself after this long without a touch or key.
IDLE_LOCK_MS = 120_000
REFRESH_MS = 2_000
EXIT_CONFIRM_MS = 5_000
_ML_SIGNED = re.compile(r"master list .* signed (\d{4}-\d{2}-\d{2})")


# --- the data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorStatus:
    """Everything the operator screen shows (no personal data)."""

    readers: tuple[str, ...] = ()
    cards_present: tuple[str, ...] = ()  # names of the readers with a card on them
    csca_count: int = 0
    csca_expired: int = 0
    newest_master_list: date | None = None
    trust_error: str | None = None
    outbox: OutboxStatus | None = None
    outbox_error: str | None = None
    connectivity: ConnectivityStatus | None = None
    device_id: str = ""
    demo: bool = False
    # Spoken prompts: "off", "on" (an engine with a Vietnamese voice) or "no_voice" (enabled in
    # the configuration, but no engine has a voice: the kiosk stays silent).
    speech: str = "off"
    speech_engine: str = ""


@dataclass(frozen=True)
class SyncResult:
    attempted: int
    delivered: int
    online: bool


class OperatorBackend(Protocol):
    """Where the operator screen reads its figures and sends its actions."""

    def status(self) -> OperatorStatus: ...

    def retry_dead(self) -> int:
        """Requeue the dead submissions; returns how many."""

    def sync_now(self) -> SyncResult:
        """Deliver what is due now and probe the server (blocking: runs off the GUI thread)."""


def trust_summary(trust: Any) -> tuple[int, int, date | None]:
    """(CSCA certificates, expired ones, newest master list signing date) of a trust source
    (``cardreader.verify.trust_store.TrustIndex``)."""
    entries = list(trust.entries(kind="certificate"))
    expired = sum(1 for e in entries if e.expired())
    newest: date | None = None
    for entry in entries:
        match = _ML_SIGNED.search(entry.source or "")
        if match:
            signed = date.fromisoformat(match[1])
            newest = signed if newest is None or signed > newest else newest
    return len(entries), expired, newest


class EnvironmentOperatorBackend:
    """The operator backend of a running application (``kiosk.environment.AppEnvironment``)."""

    def __init__(self, env: Any, *, speaker: Any = None) -> None:
        self._env = env
        self.speaker = speaker  # ui.speech.Speaker of the window, when it has one

    def status(self) -> OperatorStatus:
        env = self._env
        readers: tuple[str, ...] = ()
        present: tuple[str, ...] = ()
        with contextlib.suppress(Exception):  # a vanished reader must not break the screen
            readers = tuple(env.backend.readers())
            present = tuple(r for r in readers if env.backend.card_present(r))
        csca = expired = 0
        newest: date | None = None
        trust_error: str | None = None
        try:
            csca, expired, newest = trust_summary(env.trust)
        except Exception as exc:
            trust_error = type(exc).__name__
        outbox: OutboxStatus | None = None
        outbox_error: str | None = None
        try:
            outbox = env.runtime.outbox.status()
        except Exception as exc:
            outbox_error = getattr(exc, "code", type(exc).__name__)
        return OperatorStatus(
            readers=readers, cards_present=present, csca_count=csca, csca_expired=expired,
            newest_master_list=newest, trust_error=trust_error, outbox=outbox,
            outbox_error=outbox_error, connectivity=env.runtime.connectivity.status(),
            device_id=env.runtime.device_key.device_id, demo=bool(env.demo),
            **self._speech(),
        )

    def _speech(self) -> dict[str, str]:
        speaker = self.speaker
        if speaker is None or not speaker.enabled:
            return {"speech": "off"}
        if not speaker.available:
            return {"speech": "no_voice"}
        return {"speech": "on", "speech_engine": str(speaker.engine)}

    def retry_dead(self) -> int:
        return int(self._env.runtime.outbox.retry_dead())

    def sync_now(self) -> SyncResult:
        runtime = self._env.runtime
        report = runtime.worker.run_once()
        if not report.reached_server:
            runtime.connectivity.check()
        return SyncResult(report.attempted, report.delivered,
                          runtime.connectivity.status().online)


class PinGuard:
    """Attempt limiting for the operator PIN (kept for the life of the application)."""

    def __init__(self, *, max_attempts: int = MAX_ATTEMPTS, lockout_s: float = LOCKOUT_S,
                 max_lockout_s: float = MAX_LOCKOUT_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_attempts = max_attempts
        self.lockout_s = lockout_s
        self.max_lockout_s = max_lockout_s
        self._clock = clock
        self._failures = 0
        self._lockouts = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds until a PIN may be tried again (0: now)."""
        return max(0.0, self._locked_until - self._clock())

    @property
    def attempts_left(self) -> int:
        return self.max_attempts - self._failures

    def failed(self) -> None:
        self._failures += 1
        if self._failures >= self.max_attempts:
            delay = min(self.lockout_s * 2 ** self._lockouts, self.max_lockout_s)
            self._lockouts += 1
            self._failures = 0
            self._locked_until = self._clock() + delay

    def succeeded(self) -> None:
        self._failures = 0
        self._lockouts = 0
        self._locked_until = 0.0


class _Relay(QObject):
    """Carries a background job's result back to the GUI thread (queued connection)."""

    done = Signal(object)


def run_off_gui_thread(job: Callable[[], object], on_done: Callable[[object], None],
                       parent: QObject) -> None:
    """Run ``job`` on Qt's thread pool; ``on_done(result or exception)`` on the GUI thread."""
    relay = _Relay(parent)

    def finished(result: object) -> None:
        relay.deleteLater()
        on_done(result)

    relay.done.connect(finished, QtCore.Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        try:
            result = job()
        except Exception as exc:
            result = exc
        relay.done.emit(result)

    QtCore.QThreadPool.globalInstance().start(work)


# --- the screen ---------------------------------------------------------------------------------


class OperatorScreen(QtWidgets.QWidget):
    """PIN page, then the status page. Signals: :attr:`back_requested`, :attr:`exit_requested`."""

    back_requested = Signal()
    exit_requested = Signal()
    unlocked = Signal()

    def __init__(
        self,
        backend: OperatorBackend,
        *,
        pin_hash: str | None,
        controller: QObject | None = None,
        guard: PinGuard | None = None,
        demo: bool = False,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("operator_screen")
        self._backend = backend
        self._demo = demo
        if pin_hash is None and demo:
            # The demo's PIN is printed on its PIN page: no need for a slow hash.
            pin_hash = hash_operator_pin(DEMO_PIN, iterations=1_000)
        self._pin_hash = pin_hash
        self.guard = guard or PinGuard()
        self._status: OperatorStatus | None = None
        self._checking = False
        self._message_key: tuple[str, int] = ("", 0)
        self._action_key: tuple[str, tuple[int, ...]] = ("", ())
        self._exit_armed = False

        self.stack = QtWidgets.QStackedWidget(self)
        root = QtWidgets.QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.addWidget(self.stack)
        self.pin_page = self._build_pin_page()
        self.status_page = self._build_status_page(controller)
        # The PIN page scrolls rather than grow the window past a 1280x720 kiosk's screen.
        self._pin_scroll = QtWidgets.QScrollArea(self)
        self._pin_scroll.setObjectName("pin_scroll")
        self._pin_scroll.setWidgetResizable(True)
        self._pin_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self._pin_scroll.setWidget(self.pin_page)
        self._pin_scroll.viewport().setAutoFillBackground(False)  # the window's paper shows
        self.stack.addWidget(self._pin_scroll)
        self.stack.addWidget(self.status_page)

        self._lockout_timer = QtCore.QTimer(self)
        self._lockout_timer.setInterval(1000)
        self._lockout_timer.timeout.connect(self._tick_lockout)
        self._refresh_timer = QtCore.QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._idle_timer = QtCore.QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_LOCK_MS)
        self._idle_timer.timeout.connect(self.leave)
        self._exit_timer = QtCore.QTimer(self)
        self._exit_timer.setSingleShot(True)
        self._exit_timer.setInterval(EXIT_CONFIRM_MS)
        self._exit_timer.timeout.connect(self._disarm_exit)
        signal = getattr(controller, "connectivity_changed", None)
        if signal is not None:
            signal.connect(self._on_connectivity)
        self.retranslate()
        self.lock()

    # --- pages ---------------------------------------------------------------------------------

    def _build_pin_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        outer = QtWidgets.QVBoxLayout(page)
        outer.setContentsMargins(24, 16, 24, 16)
        # The title shares the top row with the language switch (centred: a spacer as wide as
        # the switch on its left), so the page fits a 720 px tall kiosk.
        top = QtWidgets.QHBoxLayout()
        self.pin_language = LanguageSwitch(page)
        self.pin_title = QtWidgets.QLabel(page)
        self.pin_title.setObjectName("title")
        self.pin_title.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pin_title.setWordWrap(True)
        top.addSpacing(self.pin_language.sizeHint().width())
        top.addWidget(self.pin_title, 1)
        top.addWidget(self.pin_language, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)
        outer.addStretch(1)
        column = QtWidgets.QVBoxLayout()
        column.setSpacing(8)
        self.pin_prompt = QtWidgets.QLabel(page)
        self.pin_prompt.setObjectName("subtitle")
        self.pin_prompt.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pin_prompt.setWordWrap(True)
        column.addWidget(self.pin_prompt)
        self.pin_edit = QtWidgets.QLineEdit(page)
        self.pin_edit.setObjectName("pin_edit")
        self.pin_edit.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(12)
        self.pin_edit.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pin_edit.setValidator(QtGui.QRegularExpressionValidator(
            QtCore.QRegularExpression(r"[0-9]{0,12}"), self.pin_edit))
        self.pin_edit.setInputMethodHints(QtCore.Qt.InputMethodHint.ImhDigitsOnly
                                          | QtCore.Qt.InputMethodHint.ImhSensitiveData
                                          | QtCore.Qt.InputMethodHint.ImhNoPredictiveText)
        self.pin_edit.returnPressed.connect(self.submit_pin)
        column.addWidget(self.pin_edit)
        # A keypad: a kiosk has no keyboard, and the PIN must not go through the on-screen one.
        pad = QtWidgets.QGridLayout()
        pad.setSpacing(8)
        self.keypad: dict[str, QtWidgets.QPushButton] = {}
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        for i, key in enumerate(keys):
            button = QtWidgets.QPushButton(key if key.isdigit() else "", page)
            button.setObjectName(f"key_{key}")
            button.setProperty("role", "secondary")
            button.setMinimumSize(88, 64)
            button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            pad.addWidget(button, i // 3, i % 3)
            self.keypad[key] = button
        column.addLayout(pad)
        self.pin_message = QtWidgets.QLabel(page)
        self.pin_message.setObjectName("pin_message")
        self.pin_message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pin_message.setWordWrap(True)
        column.addWidget(self.pin_message)
        buttons = QtWidgets.QHBoxLayout()
        self.pin_back = QtWidgets.QPushButton(page)
        self.pin_back.setProperty("role", "secondary")
        self.pin_back.clicked.connect(self.leave)
        self.pin_ok = QtWidgets.QPushButton(page)
        self.pin_ok.setProperty("role", "primary")
        self.pin_ok.setDefault(True)
        self.pin_ok.clicked.connect(self.submit_pin)
        buttons.addWidget(self.pin_back)
        buttons.addWidget(self.pin_ok)
        column.addLayout(buttons)
        self.pin_hint = QtWidgets.QLabel(page)
        self.pin_hint.setObjectName("hint")
        self.pin_hint.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.pin_hint.setWordWrap(True)
        column.addWidget(self.pin_hint)
        centre = QtWidgets.QHBoxLayout()
        centre.addStretch(1)
        holder = QtWidgets.QWidget(page)
        holder.setLayout(column)
        holder.setMaximumWidth(720)
        centre.addWidget(holder, 3)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
        return page

    def _section(self, page: QtWidgets.QWidget, grid: QtWidgets.QGridLayout, index: int,
                 name: str) -> tuple[QtWidgets.QLabel, QtWidgets.QLabel]:
        frame = QtWidgets.QFrame(page)
        frame.setObjectName("panel")
        frame.setProperty("section", name)
        layout = QtWidgets.QVBoxLayout(frame)
        heading = QtWidgets.QLabel(frame)
        heading.setObjectName("subtitle")
        body = QtWidgets.QLabel(frame)
        body.setObjectName(f"{name}_text")
        body.setWordWrap(True)
        body.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        body.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(heading)
        layout.addWidget(body, 1)
        grid.addWidget(frame, index // 2, index % 2)
        self._frames[name] = frame
        return heading, body

    def _build_status_page(self, controller: QObject | None) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget(self)
        outer = QtWidgets.QVBoxLayout(page)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)
        top = QtWidgets.QHBoxLayout()
        self.status_title = QtWidgets.QLabel(page)
        self.status_title.setObjectName("title")
        top.addWidget(self.status_title, 1)
        self.status_language = LanguageSwitch(page)
        top.addWidget(self.status_language)
        outer.addLayout(top)
        self.banner = OfflineBanner(None, page, show_dead=True)
        outer.addWidget(self.banner)
        # The sections scroll when large type does not fit (kiosk mode on a small screen).
        scroll = QtWidgets.QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        body = QtWidgets.QWidget(scroll)
        body.setObjectName("operator_sections")
        grid = QtWidgets.QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self._frames: dict[str, QtWidgets.QFrame] = {}
        self.readers_heading, self.readers_text = self._section(page, grid, 0, "readers")
        self.trust_heading, self.trust_text = self._section(page, grid, 1, "trust")
        self.outbox_heading, self.outbox_text = self._section(page, grid, 2, "outbox")
        self.network_heading, self.network_text = self._section(page, grid, 3, "network")
        self.device_heading, self.device_text = self._section(page, grid, 4, "device")
        self.action_text = QtWidgets.QLabel(page)
        self.action_text.setObjectName("action_text")
        self.action_text.setWordWrap(True)
        grid.addWidget(self.action_text, 2, 1)
        grid.setRowStretch(3, 1)
        scroll.setWidget(body)
        self.sections_area = scroll
        outer.addWidget(scroll, 1)
        buttons = QtWidgets.QHBoxLayout()
        self.retry_button = QtWidgets.QPushButton(page)
        self.retry_button.setProperty("role", "secondary")
        self.retry_button.clicked.connect(self.retry_dead)
        self.sync_button = QtWidgets.QPushButton(page)
        self.sync_button.setProperty("role", "secondary")
        self.sync_button.clicked.connect(self.sync_now)
        self.exit_button = QtWidgets.QPushButton(page)
        self.exit_button.setProperty("role", "danger")
        self.exit_button.clicked.connect(self._exit_pressed)
        self.back_button = QtWidgets.QPushButton(page)
        self.back_button.setProperty("role", "primary")
        self.back_button.clicked.connect(self.leave)
        for button in (self.retry_button, self.sync_button, self.exit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        outer.addLayout(buttons)
        return page

    # --- state ---------------------------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        return self.stack.currentWidget() is self.status_page

    def lock(self) -> None:
        """Back to the PIN page, PIN field empty, timers stopped."""
        self._refresh_timer.stop()
        self._idle_timer.stop()
        self._watch_activity(False)
        self._disarm_exit()
        self.pin_edit.clear()
        self._action_key = ("", ())
        self.action_text.clear()
        self.stack.setCurrentWidget(self._pin_scroll)
        self._update_pin_state()

    @Slot()
    def leave(self) -> None:
        """Lock and tell the window to go back to the citizen's screens."""
        self.lock()
        self._set_message("", 0)
        self.back_requested.emit()

    def _press(self, key: str) -> None:
        if key == "clear":
            self.pin_edit.clear()
        elif key == "back":
            self.pin_edit.backspace()
        else:
            self.pin_edit.insert(key)

    @Slot()
    def submit_pin(self) -> None:
        if self._checking or self.is_unlocked:
            return
        if self._pin_hash is None or self.guard.locked_for() > 0:
            self.pin_edit.clear()
            self._update_pin_state()
            return
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        if not pin:
            return
        self._checking = True
        self._update_pin_state()
        stored = self._pin_hash
        run_off_gui_thread(lambda: check_operator_pin(pin, stored), self._pin_checked, self)

    def _pin_checked(self, result: object) -> None:
        self._checking = False
        if isinstance(result, ConfigError):
            self._set_message("bad_hash", 0)
        elif result is True:
            self.guard.succeeded()
            self._set_message("", 0)
            self.stack.setCurrentWidget(self.status_page)
            self.refresh()
            self._refresh_timer.start()
            self._idle_timer.start()
            self._watch_activity(True)
            self.unlocked.emit()
        else:
            self.guard.failed()
            left = self.guard.attempts_left
            if self.guard.locked_for() > 0:
                self._set_message("locked", int(self.guard.locked_for() + 0.999))
            else:
                self._set_message("wrong", left)
        self._update_pin_state()

    def _update_pin_state(self) -> None:
        locked_for = self.guard.locked_for()
        usable = self._pin_hash is not None and locked_for <= 0 and not self._checking
        self.pin_edit.setEnabled(usable)
        self.pin_ok.setEnabled(usable)
        for button in self.keypad.values():
            button.setEnabled(usable)
        if self._pin_hash is None:
            self._set_message("no_pin", 0)
        elif locked_for > 0:
            self._set_message("locked", int(locked_for + 0.999))
            if not self._lockout_timer.isActive():
                self._lockout_timer.start()
        elif self._message_key[0] == "locked":
            self._set_message("", 0)
        if usable and self.isVisible():
            self.pin_edit.setFocus()

    def _tick_lockout(self) -> None:
        if self.guard.locked_for() <= 0:
            self._lockout_timer.stop()
        self._update_pin_state()

    def _set_message(self, key: str, n: int) -> None:
        self._message_key = (key, n)
        self._retranslate_message()

    def _retranslate_message(self) -> None:
        key, n = self._message_key
        texts = {
            "": "",
            "wrong": self.tr("Sai mã PIN. Còn %n lần thử.", "", n),
            "locked": self.tr("Nhập sai quá nhiều lần. Thử lại sau %n giây.", "", n),
            "no_pin": self.tr("Chưa đặt mã PIN người vận hành: thêm [ui] operator_pin_hash vào "
                              "tệp cấu hình (tạo bằng lệnh: kiosk pin-hash)."),
            "bad_hash": self.tr("Mã băm PIN trong cấu hình không hợp lệ."),
        }
        self.pin_message.setText(texts[key])
        self.pin_message.setVisible(bool(key))  # no empty line's room while all is well
        self.pin_message.setProperty("severity", "error" if key else None)
        repolish(self.pin_message)

    # --- status ------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        if not self.is_unlocked:
            return
        try:
            status = self._backend.status()
        except Exception as exc:
            status = OperatorStatus(outbox_error=type(exc).__name__, demo=self._demo)
        self.set_status(status)

    def set_status(self, status: OperatorStatus) -> None:
        self._status = status
        if status.connectivity is not None:
            self.banner.set_status(status.connectivity)
        self._retranslate_status()

    @property
    def status(self) -> OperatorStatus | None:
        return self._status

    @Slot(object)
    def _on_connectivity(self, connectivity: ConnectivityStatus) -> None:
        if self._status is not None and self.is_unlocked:
            self._status = replace(self._status, connectivity=connectivity)
            self.banner.set_status(connectivity)
            self._retranslate_status()

    def _retranslate_status(self) -> None:
        st = self._status
        if st is None:
            for label in (self.readers_text, self.trust_text, self.outbox_text,
                          self.network_text, self.device_text):
                label.clear()
            return
        # Readers.
        if not st.readers:
            readers = [self.tr("Không có đầu đọc thẻ nào. Kiểm tra cáp USB và dịch vụ pcscd.")]
        else:
            readers = [
                (self.tr("%1: có thẻ") if r in st.cards_present
                 else self.tr("%1: không có thẻ")).replace("%1", r)
                for r in st.readers
            ]
        self.readers_text.setText("\n".join(readers))
        self._flag(self.readers_text, "error" if not st.readers else "")
        # Trust store.
        if st.trust_error:
            trust = [self.tr("Không đọc được kho tin cậy (%1).").replace("%1", st.trust_error)]
        else:
            trust = [self.tr("%n chứng thư CSCA", "", st.csca_count)]
            if st.csca_expired:
                trust.append(self.tr("trong đó %n đã hết hạn", "", st.csca_expired))
            trust.append(
                self.tr("Danh sách chủ (master list) mới nhất: %1").replace(
                    "%1", st.newest_master_list.isoformat())
                if st.newest_master_list else self.tr("Chưa nhập danh sách chủ (master list)"))
        self.trust_text.setText("\n".join(trust))
        self._flag(self.trust_text, "error" if st.trust_error or not st.csca_count else "")
        # Outbox.
        if st.outbox is None:
            outbox = [self.tr("Không mở được hàng đợi (%1).").replace(
                "%1", st.outbox_error or "?")]
        else:
            o = st.outbox
            outbox = [
                self.tr("Đang chờ gửi: %1").replace("%1", str(o.queued)),
                self.tr("Đang gửi: %1").replace("%1", str(o.sending)),
                self.tr("Đã gửi: %1").replace("%1", str(o.sent)),
                self.tr("Lỗi, cần xử lý: %1").replace("%1", str(o.dead)),
                self.tr("Hồ sơ chờ lâu nhất: %1").replace(
                    "%1", self._age_text(o.oldest_pending_age_s)),
            ]
            if o.blocked_by_dead:
                outbox.append(self.tr("%n hồ sơ bị giữ lại sau hồ sơ lỗi", "",
                                      o.blocked_by_dead))
        self.outbox_text.setText("\n".join(outbox))
        self._flag(self.outbox_text,
                   "error" if st.outbox is None else ("warning" if st.outbox.dead else ""))
        self.retry_button.setEnabled(st.outbox is not None and st.outbox.dead > 0)
        # Connectivity.
        c = st.connectivity
        if c is None:
            network = [self.tr("Chưa rõ")]
        else:
            state = {State.ONLINE: self.tr("Có kết nối tới máy chủ tiếp nhận"),
                     State.OFFLINE: self.tr("Mất kết nối tới máy chủ tiếp nhận"),
                     State.UNKNOWN: self.tr("Chưa kiểm tra kết nối")}[c.state]
            network = [state]
            if c.state is not State.UNKNOWN:
                # Local (Vietnam) time as the history shows it, with the zone stated: the
                # machine's own clock may be set to UTC.
                network.append(self.tr("Từ: %1 (giờ Việt Nam, %2)")
                               .replace("%1", clock_text(c.since))
                               .replace("%2", zone_text(c.since)))  # fmt: skip
            if c.last_error:
                network.append(self.tr("Lỗi gần nhất: %1").replace("%1", c.last_error))
        self.network_text.setText("\n".join(network))
        self._flag(self.network_text,
                   "warning" if c is not None and c.state is State.OFFLINE else "")
        # Device.
        device = [self.tr("Mã thiết bị: %1").replace("%1", st.device_id or "—")]
        if c is not None and c.auth_problem:
            kind = auth_problem_kind(c)
            device.append({
                "enrolment": self.tr("Chưa đăng ký với máy chủ: chạy kiosk enroll"),
                "clock": self.tr("Máy chủ từ chối: đồng hồ của máy sai, hãy chỉnh giờ"),
                "auth": self.tr("Máy chủ từ chối chữ ký của thiết bị"),
            }[kind])
        elif c is not None and c.state is State.ONLINE:
            device.append(self.tr("Máy chủ chưa từ chối thiết bị lần nào"))
        else:
            device.append(self.tr("Chưa biết trạng thái đăng ký (chưa gửi được hồ sơ nào)"))
        if st.speech == "on":
            device.append(self.tr("Giọng đọc: bật (%1)").replace("%1", st.speech_engine))
        elif st.speech == "no_voice":
            device.append(self.tr("Giọng đọc: bật trong cấu hình nhưng không có giọng tiếng "
                                  "Việt (cài speech-dispatcher và một giọng tiếng Việt)"))
        else:
            device.append(self.tr("Giọng đọc: tắt"))
        if st.demo:
            device.append(self.tr("Chế độ trình diễn: dữ liệu giả, máy chủ cục bộ"))
        self.device_text.setText("\n".join(device))
        self._flag(self.device_text, "error" if c is not None and c.auth_problem
                   else ("warning" if st.speech == "no_voice" else ""))

    def _age_text(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        if seconds < 120:
            return self.tr("%n giây", "", int(seconds))
        if seconds < 7200:
            return self.tr("%n phút", "", int(seconds // 60))
        return self.tr("%n giờ", "", int(seconds // 3600))

    def _flag(self, label: QtWidgets.QLabel, severity: str) -> None:
        """Mark the section of ``label`` (the theme colours the whole panel)."""
        frame = label.parentWidget()
        for widget in (frame, label):
            if widget is not None:
                widget.setProperty("severity", severity or None)
        if frame is not None:
            repolish(frame)
            for child in frame.findChildren(QtWidgets.QLabel):
                repolish(child)

    # --- actions -----------------------------------------------------------------------------

    def _touched(self) -> None:
        if self.is_unlocked:
            self._idle_timer.start()

    @Slot()
    def retry_dead(self) -> None:
        self._touched()
        try:
            n = self._backend.retry_dead()
        except Exception as exc:
            self._show_action("retry_failed", ())
            self.action_text.setToolTip(type(exc).__name__)
        else:
            self._show_action("retried", (n,))
        self.refresh()

    @Slot()
    def sync_now(self) -> None:
        self._touched()
        self.sync_button.setEnabled(False)
        self._show_action("syncing", ())
        run_off_gui_thread(self._backend.sync_now, self._synced, self)

    def _synced(self, result: object) -> None:
        self.sync_button.setEnabled(True)
        if isinstance(result, SyncResult):
            self._show_action("synced" if result.online else "sync_offline",
                              (result.delivered, result.attempted))
        else:
            self._show_action("sync_failed", ())
        self.refresh()

    def _show_action(self, key: str, args: tuple[int, ...]) -> None:
        self._action_key = (key, args)
        self._retranslate_action()

    def _retranslate_action(self) -> None:
        key, args = self._action_key
        texts: dict[str, Callable[[], str]] = {
            "": lambda: "",
            "retried": lambda: self.tr("Đã đưa %n hồ sơ lỗi trở lại hàng đợi.", "", args[0]),
            "retry_failed": lambda: self.tr("Không đưa lại được hồ sơ lỗi vào hàng đợi."),
            "syncing": lambda: self.tr("Đang gửi…"),
            "synced": lambda: self.tr("Đã gửi %1 / %n hồ sơ đến hạn.", "", args[1]).replace(
                "%1", str(args[0])),
            "sync_offline": lambda: self.tr("Không kết nối được máy chủ: hồ sơ vẫn nằm an toàn "
                                            "trong hàng đợi."),
            "sync_failed": lambda: self.tr("Gửi không thành công."),
        }
        self.action_text.setText(texts[key]())

    def _exit_pressed(self) -> None:
        self._touched()
        if self._exit_armed:
            self._disarm_exit()
            self.exit_requested.emit()
            return
        self._exit_armed = True
        self._exit_timer.start()
        self._retranslate_exit()

    def _disarm_exit(self) -> None:
        self._exit_armed = False
        if hasattr(self, "exit_button"):
            self._retranslate_exit()

    def _retranslate_exit(self) -> None:
        self.exit_button.setText(self.tr("Nhấn lần nữa để thoát") if self._exit_armed
                                 else self.tr("Thoát ứng dụng"))

    # --- events ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.pin_title.setText(self.tr("Khu vực người vận hành"))
        self.pin_prompt.setText(self.tr("Nhập mã PIN người vận hành"))
        self.pin_edit.setPlaceholderText(self.tr("Mã PIN"))
        self.pin_edit.setAccessibleName(self.tr("Mã PIN"))
        self.keypad["clear"].setText(self.tr("Xoá hết"))
        self.keypad["back"].setText(self.tr("Xoá"))
        self.pin_back.setText(self.tr("Quay lại"))
        self.pin_ok.setText(self.tr("Mở"))
        self.pin_hint.setText(
            self.tr("Trình diễn: mã PIN là %1").replace("%1", DEMO_PIN) if self._demo else "")
        self.status_title.setText(self.tr("Trạng thái thiết bị"))
        self.readers_heading.setText(self.tr("Đầu đọc thẻ"))
        self.trust_heading.setText(self.tr("Kho tin cậy"))
        self.outbox_heading.setText(self.tr("Hàng đợi gửi hồ sơ"))
        self.network_heading.setText(self.tr("Kết nối"))
        self.device_heading.setText(self.tr("Thiết bị"))
        self.retry_button.setText(self.tr("Gửi lại hồ sơ lỗi"))
        self.sync_button.setText(self.tr("Gửi ngay"))
        self.back_button.setText(self.tr("Quay lại"))
        self._retranslate_exit()
        self._retranslate_message()
        self._retranslate_status()
        self._retranslate_action()

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @never_raises(None)
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self.is_unlocked:
            self._update_pin_state()

    @never_raises(None)
    def hideEvent(self, event: QtGui.QHideEvent) -> None:
        # Hidden by the window (a mode switch, the idle wipe): never stay unlocked.
        if self.is_unlocked and not event.spontaneous():
            self.lock()
        super().hideEvent(event)

    _ACTIVITY = (QtCore.QEvent.Type.MouseButtonPress, QtCore.QEvent.Type.KeyPress,
                 QtCore.QEvent.Type.TouchBegin)

    def _watch_activity(self, on: bool) -> None:
        app = QtWidgets.QApplication.instance()
        if app is None:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    @never_raises(False)
    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        if event.type() in self._ACTIVITY:
            self._touched()
        return False
