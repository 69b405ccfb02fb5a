"""Clinic mode: health-insurance (BHYT) check-in at the reception desk, throughput first.

Card on the reader (or its QR scanned) → the controller reads, verifies and checks the patient
in by itself → the big patient panel (name, photo, date of birth for the receptionist to match
against the person in front of them), the BHYT card status from the gateway, and the queue
ticket number, huge, printed at once when a printer is configured. The next card replaces it.
A cloned or altered card stops the desk with a warning the receptionist acknowledges. A counter
shows today's check-ins and the submissions still waiting to be sent.

Keys: Enter check in / acknowledge, Esc next patient, Ctrl+P print the ticket again, F5 retry,
Ctrl+Shift+O operator screen.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Protocol, cast

from kiosk.bhyt.client import CardLookup, CardStatus
from kiosk.bhyt.tickets import Ticket
from kiosk.config import KioskConfig
from kiosk.outbox.connectivity import ConnectivityStatus
from kiosk.session import Failure, FailureInfo, Phase, ReadProgress, SubmitOutcome
from ui.history import SessionHistory
from ui.printing import DeskPrinter, PrintError
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from ui.theme import repolish, repolish_tree
from ui.widgets.citizen_panel import CitizenPanel, RoomyLabel
from ui.windows.desk_parts import (
    ActivityWatcher,
    DeskTopBar,
    KeyEntry,
    failure_texts,
    guarded,
    handle_key_guarded,
    needs_acknowledgement,
)

_log = logging.getLogger(__name__)
PATIENT_FIELDS = ("full_name", "date_of_birth", "sex", "id_number")
TICKET_LINES = ("A", "U")


class ClinicEnvironment(Protocol):
    """What the window needs of kiosk.environment.AppEnvironment."""

    @property
    def config(self) -> KioskConfig: ...

    @property
    def clinic(self) -> Any: ...  # kiosk.bhyt.checkin.ClinicCheckIn | None


class CheckInLike(Protocol):
    """What the window reads of kiosk.bhyt.checkin.CheckIn (SubmitOutcome.extra)."""

    @property
    def ticket(self) -> Ticket: ...

    @property
    def card(self) -> CardLookup | None: ...

    @property
    def card_error(self) -> str: ...


def _fmt(day: date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


class ClinicWindow(QtWidgets.QMainWindow):
    """The reception desk's window for ``kiosk --mode clinic``."""

    operator_requested = Signal()

    def __init__(
        self,
        controller: QtCore.QObject,
        env: ClinicEnvironment,
        *,
        printer: DeskPrinter | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clinic_window")
        self.setProperty("mode", "clinic")
        self.controller: Any = cast(Any, controller)  # the CONTRACT's methods
        self.env = env
        cfg = env.config
        self.printer = printer or DeskPrinter(cfg.ui.printer, cfg.data_dir / "spool")
        clinic = env.clinic
        settings = getattr(clinic, "settings", None)
        self.clinic_name: str = getattr(settings, "clinic_name", "") or ""
        self.clinic_code: str = getattr(settings, "clinic_code", "") or ""
        self.history = SessionHistory(clock=self._clock_seconds, parent=self)
        self._phase = Phase.IDLE
        self._verdict_kind: str | None = None
        self._failure: FailureInfo | None = None
        self._checkin: CheckInLike | None = None  # holds the filled form: dropped on wipe
        self._ticket: Ticket | None = None  # not personal: the number and time only
        self._ticket_fresh = False
        self._queue_depth = 0
        self._print_note = ""

        self._build()
        self._connect()
        self._shortcuts()
        self._activity = ActivityWatcher(self, self.controller.user_activity)
        self.retranslate()
        self._show_phase()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QtWidgets.QWidget(self)
        central.setProperty("mode", "clinic")
        self.setCentralWidget(central)
        self.top = DeskTopBar(self.controller, central)

        self.patient = CitizenPanel(central, density="large", fields=PATIENT_FIELDS)
        self.patient.setObjectName("patient_panel")
        self.status = QtWidgets.QLabel(central)
        self.status.setObjectName("subtitle")
        self.status.setWordWrap(True)
        self.progress = QtWidgets.QProgressBar(central)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.key_entry = KeyEntry(central)
        self.key_entry.hide()

        # The warning that stops the desk (clone / altered) and other failures.
        self.alert = QtWidgets.QFrame(central)
        self.alert.setObjectName("clinic_alert")
        self.alert_title = RoomyLabel(self.alert)
        self.alert_title.setObjectName("title")
        self.alert_title.setWordWrap(True)
        self.alert_text = QtWidgets.QLabel(self.alert)
        self.alert_text.setWordWrap(True)
        self.ack_button = QtWidgets.QPushButton(self.alert)
        self.ack_button.setProperty("role", "secondary")  # stands out on the red alert
        self.retry_button = QtWidgets.QPushButton(self.alert)
        self.retry_button.setProperty("role", "secondary")
        alert_layout = QtWidgets.QVBoxLayout(self.alert)
        alert_layout.addWidget(self.alert_title)
        alert_layout.addWidget(self.alert_text)
        alert_buttons = QtWidgets.QHBoxLayout()
        alert_buttons.addWidget(self.ack_button)
        alert_buttons.addWidget(self.retry_button)
        alert_buttons.addStretch(1)
        alert_layout.addLayout(alert_buttons)
        self.alert.hide()

        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.status)
        left.addWidget(self.progress)
        left.addWidget(self.key_entry)
        left.addWidget(self.alert)
        left.addWidget(self.patient, 1)

        # The ticket: the one thing the patient walks away with.
        self.ticket_box = QtWidgets.QFrame(central)
        self.ticket_box.setObjectName("panel")
        self.ticket_caption = RoomyLabel(self.ticket_box)
        self.ticket_caption.setObjectName("subtitle")
        self.ticket_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_number = QtWidgets.QLabel(self.ticket_box)
        self.ticket_number.setObjectName("big_number")
        self.ticket_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_line = QtWidgets.QLabel(self.ticket_box)
        self.ticket_line.setObjectName("hint")
        self.ticket_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_line.setWordWrap(True)
        ticket_layout = QtWidgets.QVBoxLayout(self.ticket_box)
        ticket_layout.addWidget(self.ticket_caption)
        ticket_layout.addWidget(self.ticket_number, 1)
        ticket_layout.addWidget(self.ticket_line)

        self.bhyt = QtWidgets.QLabel(central)
        self.bhyt.setObjectName("bhyt_status")
        self.bhyt.setWordWrap(True)
        self.bhyt.setMargin(10)
        self.bhyt.hide()

        self.counters = QtWidgets.QLabel(central)
        self.counters.setObjectName("hint")
        self.counters.setWordWrap(True)

        self.check_in_button = QtWidgets.QPushButton(central)
        self.check_in_button.setProperty("role", "primary")
        self.print_button = QtWidgets.QPushButton(central)
        self.print_button.setProperty("role", "secondary")
        self.next_button = QtWidgets.QPushButton(central)
        self.next_button.setProperty("role", "secondary")
        buttons = QtWidgets.QGridLayout()
        buttons.addWidget(self.check_in_button, 0, 0, 1, 2)
        buttons.addWidget(self.print_button, 1, 0)
        buttons.addWidget(self.next_button, 1, 1)

        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.ticket_box, 3)
        right.addWidget(self.bhyt)
        right.addLayout(buttons)
        right.addWidget(self.counters)
        right.addStretch(1)

        body = QtWidgets.QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        outer = QtWidgets.QVBoxLayout(central)
        outer.addWidget(self.top)
        outer.addLayout(body, 1)
        self.resize(1280, 800)

    def _connect(self) -> None:
        c = self.controller
        self.patient.attach(c)
        c.phase_changed.connect(self._on_phase)
        c.read_progress.connect(self._on_progress)
        c.verdict_ready.connect(self._on_verdict)
        c.submitted.connect(self._on_submitted)
        c.delivery_updated.connect(self.history.update_delivery)
        c.failed.connect(self._on_failed)
        c.connectivity_changed.connect(self._on_connectivity)
        c.wiped.connect(self.clear_personal_data)
        self.key_entry.qr_entered.connect(c.provide_qr_text)
        self.key_entry.id_birth_entered.connect(c.provide_id_and_birth)
        self.check_in_button.clicked.connect(self.check_in)
        self.print_button.clicked.connect(self.print_ticket)
        self.next_button.clicked.connect(self.next_patient)
        self.ack_button.clicked.connect(self.acknowledge)
        self.retry_button.clicked.connect(self.retry)

    def _shortcuts(self) -> None:
        def bind(keys: QtGui.QKeySequence | str, slot: Any) -> None:
            shortcut = QtGui.QShortcut(QtGui.QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        bind("Ctrl+P", self.print_ticket)
        bind("Esc", self.next_patient)
        bind("F5", self.retry)
        bind("Ctrl+Shift+O", self.operator_requested.emit)

    # -- actions --------------------------------------------------------------------------------

    def check_in(self) -> None:
        if self._phase is Phase.VERDICT:
            self.controller.check_in()

    def acknowledge(self) -> None:
        """The receptionist saw the warning about a suspicious card: on to the next patient."""
        if self._failure is not None and needs_acknowledgement(self._failure):
            self.controller.end_session()

    def retry(self) -> None:
        if self._phase is Phase.FAILURE and self._failure is not None:
            if needs_acknowledgement(self._failure):
                return  # a suspicious card is not read again without an acknowledgement
            if self._failure.retryable:
                self.controller.retry()

    def next_patient(self) -> None:
        if self._failure is not None and needs_acknowledgement(self._failure):
            return  # Esc must not dismiss the warning by accident: "Đã hiểu" does
        self.controller.end_session()

    def print_ticket(self) -> None:
        if self._ticket is None:
            return
        try:
            job = self.printer.print_ticket(self._ticket, self.clinic_name or self.clinic_code)
        except PrintError:
            self._print_note = self.tr("Không in được phiếu: kiểm tra máy in.")
        else:
            if job.spooled:
                self._print_note = self.tr("Chưa có máy in: phiếu đã lưu thành tệp %1.").replace(
                    "%1", job.path.name if job.path else ""
                )
            else:
                self._print_note = self.tr("Đã in phiếu.")
        self._render_ticket()

    def _handle_key(self, event: QtGui.QKeyEvent) -> bool:
        """Enter checks in or acknowledges; typing (a QR wedge scanner) goes to the key entry.

        Enter is handled here rather than as a shortcut so that the key entry's own Enter
        (the end of a scanned QR code) is never taken from it."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._must_acknowledge():
                self.acknowledge()
            elif self._phase is Phase.VERDICT:
                self.check_in()
            return True
        return self.key_entry.take_scan(event.text())

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if not handle_key_guarded(event, self._handle_key):
            super().keyPressEvent(event)

    # -- controller signals ---------------------------------------------------------------------

    def _on_phase(self, value: str) -> None:
        try:
            phase = Phase(value)
        except ValueError:
            return
        previous = self._phase
        self._phase = phase
        if phase is not Phase.FAILURE:
            self._failure = None
        if phase is Phase.READING and previous is not Phase.READING:
            self.progress.setValue(0)
            self._ticket_fresh = False  # the next card replaces the ticket
            self._checkin = None
            self.bhyt.hide()
        self._show_phase()

    def _on_progress(self, progress: ReadProgress) -> None:
        self.progress.setMaximum(max(progress.total, 1))
        self.progress.setValue(progress.done)

    def _on_verdict(self, verdict: Any) -> None:
        self._verdict_kind = getattr(verdict, "verdict", None)

    def _on_submitted(self, outcome: SubmitOutcome) -> None:
        self.history.add(outcome)
        extra = outcome.extra
        checkin: CheckInLike | None = extra if hasattr(extra, "ticket") else None
        self._checkin = checkin
        if checkin is not None:
            self._ticket = checkin.ticket
            self._ticket_fresh = True
            self._print_note = ""
            self._render_bhyt()
            if self.printer.configured:
                # After the ticket is on screen: printing must not delay showing it.
                QtCore.QTimer.singleShot(0, self.print_ticket)
        self._render_ticket()
        self._render_counters()

    def _on_failed(self, info: FailureInfo) -> None:
        self._failure = info
        self._show_phase()

    def _on_connectivity(self, status: ConnectivityStatus) -> None:
        self._queue_depth = status.queue_depth
        self._render_counters()

    def clear_personal_data(self) -> None:
        """On ``wiped``: the patient panel, the BHYT answer, typed keys, the check-in."""
        self.patient.clear()
        self.key_entry.clear()
        self._checkin = None
        self._verdict_kind = None
        self._failure = None
        self.bhyt.clear()
        self.bhyt.hide()
        self._ticket_fresh = False
        self._render_ticket()
        self._show_phase()

    # -- rendering ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Tiếp đón khám bệnh BHYT"))
        self.top.title.setText(self.tr("Tiếp đón khám bệnh BHYT"))
        self.top.subtitle.setText(self.clinic_name)
        self.ticket_caption.setText(self.tr("SỐ THỨ TỰ"))
        self.check_in_button.setText(self.tr("Tiếp đón (Enter)"))
        self.print_button.setText(self.tr("In lại phiếu (Ctrl+P)"))
        self.next_button.setText(self.tr("Người tiếp theo (Esc)"))
        self.ack_button.setText(self.tr("Đã hiểu (Enter)"))
        self.retry_button.setText(self.tr("Đọc lại (F5)"))
        self._render_ticket()
        self._render_bhyt()
        self._render_counters()
        self._show_phase()

    def _show_phase(self) -> None:
        phase = self._phase
        failure = self._failure
        self.progress.setVisible(phase is Phase.READING)
        # Every CCCD chip needs keys (BAC/PACE): the QR can be scanned before the card.
        wrong_keys = failure is not None and failure.kind is Failure.WRONG_KEYS
        self.key_entry.setVisible(
            phase in (Phase.IDLE, Phase.NEED_KEYS, Phase.WAIT_CARD) or wrong_keys
        )
        self.check_in_button.setEnabled(phase is Phase.VERDICT)
        self.next_button.setEnabled(phase is not Phase.IDLE and not self._must_acknowledge())
        self.print_button.setEnabled(self._ticket is not None)
        texts = {
            Phase.IDLE: self.tr("Đặt thẻ CCCD của người bệnh lên đầu đọc, hoặc quét mã QR."),
            Phase.NEED_KEYS: self.tr(
                "Thẻ cần mở khóa: quét mã QR trên thẻ, hoặc nhập số định danh và ngày sinh."
            ),
            Phase.WAIT_CARD: self.tr("Đã quét mã QR. Đặt thẻ lên đầu đọc."),
            Phase.READING: self.tr("Đang đọc thẻ… giữ yên thẻ trên đầu đọc."),
            Phase.VERDICT: self.tr("Đã đọc thẻ. Đối chiếu ảnh với người bệnh, rồi tiếp đón."),
            Phase.SUBMITTING: self.tr("Đang cấp số thứ tự…"),
            Phase.CHECKED_IN: self.tr(
                "Đã tiếp đón. Đối chiếu ảnh và ngày sinh với người bệnh; đặt thẻ tiếp theo."
            ),
        }
        self.status.setText(texts.get(phase, ""))
        self.status.setVisible(phase is not Phase.FAILURE or failure is None)
        if phase is Phase.FAILURE and failure is not None:
            what, todo = failure_texts(failure, self._verdict_kind)
            self.alert_title.setText(what)
            self.alert_text.setText(todo)
            stop = needs_acknowledgement(failure)
            self.alert.setProperty("severity", "error" if stop else "warning")
            self.ack_button.setVisible(stop)
            self.retry_button.setVisible(not stop and failure.retryable)
            self.alert.show()
            repolish_tree(self.alert)
            if stop:
                self.ack_button.setFocus()
        else:
            self.alert.hide()
            self.alert_title.clear()
            self.alert_text.clear()
        if phase in (Phase.NEED_KEYS, Phase.IDLE):
            self.key_entry.focus()

    def _must_acknowledge(self) -> bool:
        return self._failure is not None and needs_acknowledgement(self._failure)

    def _render_ticket(self) -> None:
        ticket = self._ticket
        if ticket is None or not self._ticket_fresh:
            self.ticket_number.clear()
            if ticket is not None:
                self.ticket_line.setText(self.tr("Số vừa cấp: %1").replace("%1", ticket.label))
            else:
                self.ticket_line.setText(self.tr("Số thứ tự hiện ở đây sau khi tiếp đón."))
            self.ticket_box.setProperty("fresh", False)
        else:
            self.ticket_number.setText(ticket.label)
            line = self.tr("Ưu tiên") if ticket.line == "U" else self.tr("Khám thường")
            text = line
            if self._print_note:
                text += " · " + self._print_note
            self.ticket_line.setText(text)
            self.ticket_box.setProperty("fresh", True)
        self.print_button.setEnabled(ticket is not None)
        repolish(self.ticket_box)

    def _render_bhyt(self) -> None:
        checkin = self._checkin
        if checkin is None:
            self.bhyt.hide()
            return
        severity, text = self._bhyt_text(checkin)
        self.bhyt.setText(text)
        self.bhyt.setProperty("severity", severity)
        self.bhyt.show()
        repolish_tree(self.bhyt)

    def _bhyt_text(self, checkin: CheckInLike) -> tuple[str, str]:
        card = checkin.card
        if card is None:
            if checkin.card_error == "bhyt_not_configured":
                return "info", self.tr(
                    "Thẻ BHYT: chưa kiểm tra (chưa cấu hình cổng giám định BHYT)."
                )
            return "warning", self.tr(
                "Thẻ BHYT: chưa kiểm tra được — cổng giám định không trả lời. Đã tiếp đón; "
                "thẻ sẽ được kiểm tra lại sau."
            )
        number = card.card_number
        if card.status is CardStatus.VALID:
            text = self.tr("Thẻ BHYT %1 còn giá trị đến %2.").replace("%1", number)
            text = text.replace("%2", _fmt(card.valid_to) or "—")
            if self.clinic_code and card.registered_facility not in ("", self.clinic_code):
                text += " " + self.tr("Đăng ký KCB ban đầu ở cơ sở khác (%1).").replace(
                    "%1", card.registered_facility
                )
            return "info", text
        if card.status is CardStatus.EXPIRED:
            return "warning", self.tr("Thẻ BHYT %1 đã hết hạn (%2).").replace("%1", number).replace(
                "%2", _fmt(card.valid_to) or "—"
            )
        if card.status is CardStatus.NOT_FOUND:
            return "warning", self.tr("Không tìm thấy thẻ BHYT của người bệnh trên cổng giám định.")
        if card.status is CardStatus.MISMATCH:
            return "warning", self.tr("Họ tên hoặc ngày sinh không khớp với thẻ BHYT.")
        if card.status is CardStatus.WITHDRAWN:
            return "warning", self.tr("Thẻ BHYT %1 đã bị thu hồi.").replace("%1", number)
        return "warning", self.tr("Cổng giám định trả lời mã %1: chưa rõ tình trạng thẻ.").replace(
            "%1", card.result_code
        )

    def _render_counters(self) -> None:
        count = self.checkins_today()
        text = self.tr("Hôm nay: %n lượt tiếp đón", "", count)
        text += " · " + self.tr("Hồ sơ chờ gửi: %1").replace("%1", str(self._queue_depth))
        self.counters.setText(text)

    def checkins_today(self) -> int:
        """Tickets issued today at this clinic (durable, from the ticket book), else history."""
        tickets = getattr(self.env.clinic, "tickets", None)
        if tickets is not None and self.clinic_code:
            try:
                today = tickets.today()
                return sum(
                    int(tickets.issued(self.clinic_code, today, line)) for line in TICKET_LINES
                )
            except Exception as exc:  # a closed or locked ticket store: count this window's
                _log.warning("ticket count unavailable (%s)", type(exc).__name__)
        return sum(1 for entry in self.history.entries() if entry.ticket)

    # -- Qt plumbing ----------------------------------------------------------------------------

    def _clock_seconds(self) -> float:
        return QtCore.QDateTime.currentSecsSinceEpoch() * 1.0

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            guarded(self.retranslate, "retranslate")
            self.history.retranslate()
        super().changeEvent(event)
