"""Counter mode: the one-stop officer's desk.

The procedure list is always on the left with the day's history under it (no personal data);
the form in the middle; the citizen as read from the card on the right, each value marked with
where it came from, with the verdict. Everything is reachable from the keyboard, and the keys
are written on the buttons:

- F2 procedures (Enter opens the selected one), F5 read the card again, Ctrl+Enter submit,
  Ctrl+P print (the form before submitting, for the signature; the receipt after), Esc end the
  session (wipe), Ctrl+Shift+O operator screen.

When the chip needs keys the officer scans the card's QR code or types the 12-digit ID number
and the birth date (:class:`ui.windows.desk_parts.KeyEntry`).
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from kiosk.bhyt.checkin import CHECKIN_PROCEDURE as CLINIC_PROCEDURE
from kiosk.config import KioskConfig
from kiosk.procedures.filling import FilledForm
from kiosk.procedures.model import Procedure, Text
from kiosk.session import Failure, FailureInfo, Phase, ReadProgress, SubmitOutcome
from ui.history import COLUMNS, SessionHistory
from ui.i18n import pick
from ui.printing import DeskPrinter, PrintError
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from ui.theme import repolish_tree
from ui.widgets.citizen_panel import CitizenPanel, RoomyLabel
from ui.widgets.form_view import FormView
from ui.windows.desk_parts import (
    ActivityWatcher,
    DeskTopBar,
    KeyEntry,
    failure_texts,
    guarded,
    handle_key_guarded,
    needs_acknowledgement,
)

START, FORM, DONE = 0, 1, 2
_FORM_PHASES = (Phase.FORM, Phase.REVIEW, Phase.SUBMITTING)
_KEY_PHASES = (Phase.IDLE, Phase.NEED_KEYS, Phase.WAIT_CARD)


class CounterEnvironment(Protocol):
    """What the window needs of kiosk.environment.AppEnvironment."""

    @property
    def config(self) -> KioskConfig: ...

    @property
    def place(self) -> str: ...


class CounterWindow(QtWidgets.QMainWindow):
    """The one-stop counter's window for ``kiosk --mode counter``."""

    operator_requested = Signal()

    def __init__(
        self,
        controller: QtCore.QObject,
        env: CounterEnvironment,
        *,
        printer: DeskPrinter | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("counter_window")
        self.setProperty("mode", "counter")
        self.controller: Any = cast(Any, controller)  # the CONTRACT's methods
        self.env = env
        cfg = env.config
        self.printer = printer or DeskPrinter(cfg.ui.printer, cfg.data_dir / "spool")
        self.place: str = getattr(env, "place", "") or ""
        offered: list[Procedure] = list(self.controller.procedures())
        self._procedures = [p for p in offered if p.id != CLINIC_PROCEDURE]
        self._titles: dict[str, Text] = {p.id: p.title for p in self._procedures}
        self.history = SessionHistory(self._titles, parent=self)
        self._phase = Phase.IDLE
        self._failure: FailureInfo | None = None
        self._form: FilledForm | None = None  # personal: dropped on wipe
        self._outcome: SubmitOutcome | None = None
        self._note = ""

        self._build()
        self._connect()
        self._shortcuts()
        self._activity = ActivityWatcher(self, self.controller.user_activity)
        self.retranslate()
        self._show_phase()

    # -- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QtWidgets.QWidget(self)
        central.setProperty("mode", "counter")
        self.setCentralWidget(central)
        self.top = DeskTopBar(self.controller, central)

        # Left: procedures (always visible) and the day's history.
        self.procedures_label = QtWidgets.QLabel(central)
        self.procedures_label.setObjectName("subtitle")
        self.procedure_list = QtWidgets.QListWidget(central)
        self.procedure_list.setObjectName("procedure_list")
        self.procedure_list.setWordWrap(True)
        self.procedures_label.setBuddy(self.procedure_list)
        self.history_label = QtWidgets.QLabel(central)
        self.history_label.setObjectName("subtitle")
        self.history_view = QtWidgets.QTableView(central)
        self.history_view.setObjectName("history_table")
        self.history_view.setModel(self.history)
        self.history_view.verticalHeader().hide()
        self.history_view.setSelectionBehavior(
            QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.history_view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        # The table fits the narrow left column, no sideways scrolling: time and status fit
        # their contents; the receipt and the procedure share what is left, elided in the
        # middle (a receipt's distinctive end stays), whole in their tooltips. The ticket
        # column is the clinic's.
        header = self.history_view.horizontalHeader()
        header.moveSection(header.visualIndex(COLUMNS.index("procedure")), len(COLUMNS) - 1)
        header.moveSection(header.visualIndex(COLUMNS.index("status")), 1)
        fit = QtWidgets.QHeaderView.ResizeMode.ResizeToContents
        share = QtWidgets.QHeaderView.ResizeMode.Stretch
        for column, mode in (("time", fit), ("status", fit), ("reference", share),
                             ("procedure", share), ("ticket", fit)):  # fmt: skip
            header.setSectionResizeMode(COLUMNS.index(column), mode)
        header.setMinimumSectionSize(24)
        self.history_view.setColumnHidden(COLUMNS.index("ticket"), True)
        self.history_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.history_view.setWordWrap(False)
        self.history_summary = QtWidgets.QLabel(central)
        self.history_summary.setObjectName("hint")
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.procedures_label)
        left.addWidget(self.procedure_list, 3)
        left.addWidget(self.history_label)
        left.addWidget(self.history_view, 2)
        left.addWidget(self.history_summary)

        # Middle: start (keys, progress, failures) | form | done.
        self.pages = QtWidgets.QStackedWidget(central)
        start = QtWidgets.QWidget(self.pages)
        self.status = RoomyLabel(start)
        self.status.setObjectName("subtitle")
        self.status.setWordWrap(True)
        self.progress = QtWidgets.QProgressBar(start)
        self.progress.setTextVisible(False)
        self.key_entry = KeyEntry(start)
        self.without_chip_button = QtWidgets.QPushButton(start)
        self.without_chip_button.setProperty("role", "secondary")
        self.alert = QtWidgets.QFrame(start)
        self.alert.setObjectName("counter_alert")
        self.alert_title = RoomyLabel(self.alert)
        self.alert_title.setObjectName("subtitle")
        self.alert_title.setWordWrap(True)
        self.alert_text = QtWidgets.QLabel(self.alert)
        self.alert_text.setWordWrap(True)
        self.ack_button = QtWidgets.QPushButton(self.alert)
        self.ack_button.setProperty("role", "secondary")
        alert_layout = QtWidgets.QVBoxLayout(self.alert)
        alert_layout.addWidget(self.alert_title)
        alert_layout.addWidget(self.alert_text)
        alert_layout.addWidget(self.ack_button, 0, Qt.AlignmentFlag.AlignLeft)
        start_layout = QtWidgets.QVBoxLayout(start)
        start_layout.addWidget(self.status)
        start_layout.addWidget(self.progress)
        start_layout.addWidget(self.alert)
        start_layout.addWidget(self.key_entry)
        start_layout.addWidget(self.without_chip_button, 0, Qt.AlignmentFlag.AlignLeft)
        start_layout.addStretch(1)

        form_page = QtWidgets.QWidget(self.pages)
        self.form_title = RoomyLabel(form_page)
        self.form_title.setObjectName("subtitle")
        self.form_title.setWordWrap(True)
        self.form_hint = QtWidgets.QLabel(form_page)
        self.form_hint.setObjectName("hint")
        self.form_hint.setWordWrap(True)
        self.form_view = FormView(form_page, density="desk")
        form_layout = QtWidgets.QVBoxLayout(form_page)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.form_title)
        form_layout.addWidget(self.form_hint)
        form_layout.addWidget(self.form_view, 1)

        done = QtWidgets.QWidget(self.pages)
        self.done_title = RoomyLabel(done)
        self.done_title.setObjectName("title")
        self.done_title.setWordWrap(True)
        self.done_caption = QtWidgets.QLabel(done)
        self.done_caption.setObjectName("subtitle")
        self.done_number = QtWidgets.QLabel(done)
        self.done_number.setObjectName("big_number")
        self.done_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_text = QtWidgets.QLabel(done)
        self.done_text.setWordWrap(True)
        self.print_receipt_button = QtWidgets.QPushButton(done)
        self.print_receipt_button.setProperty("role", "primary")
        self.print_form_button = QtWidgets.QPushButton(done)
        self.print_form_button.setProperty("role", "secondary")
        self.print_note = QtWidgets.QLabel(done)
        self.print_note.setObjectName("hint")
        self.print_note.setWordWrap(True)
        done_buttons = QtWidgets.QHBoxLayout()
        done_buttons.addWidget(self.print_receipt_button)
        done_buttons.addWidget(self.print_form_button)
        done_buttons.addStretch(1)
        done_layout = QtWidgets.QVBoxLayout(done)
        done_layout.addWidget(self.done_title)
        done_layout.addWidget(self.done_caption)
        done_layout.addWidget(self.done_number)
        done_layout.addWidget(self.done_text)
        done_layout.addLayout(done_buttons)
        done_layout.addWidget(self.print_note)
        done_layout.addStretch(1)

        self.pages.addWidget(start)
        self.pages.addWidget(form_page)
        self.pages.addWidget(done)

        # Right: the citizen.
        self.citizen = CitizenPanel(central, density="desk")

        # Bottom: the keys, written on the buttons.
        self.procedures_button = QtWidgets.QPushButton(central)
        self.reread_button = QtWidgets.QPushButton(central)
        self.submit_button = QtWidgets.QPushButton(central)
        self.submit_button.setProperty("role", "primary")
        self.print_button = QtWidgets.QPushButton(central)
        self.end_button = QtWidgets.QPushButton(central)
        self.end_button.setProperty("role", "danger")
        for button in (self.procedures_button, self.reread_button, self.print_button):
            button.setProperty("role", "secondary")
        bottom = QtWidgets.QHBoxLayout()
        for button in (
            self.procedures_button,
            self.reread_button,
            self.submit_button,
            self.print_button,
        ):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.end_button)

        splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal, central)
        left_box = QtWidgets.QWidget(splitter)
        left_box.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        splitter.addWidget(left_box)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.citizen)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 3)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        outer = QtWidgets.QVBoxLayout(central)
        outer.addWidget(self.top)
        outer.addWidget(splitter, 1)
        outer.addLayout(bottom)
        self.resize(1440, 860)
        splitter.setSizes([330, 690, 420])

        for procedure in self._procedures:
            item = QtWidgets.QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, procedure.id)
            self.procedure_list.addItem(item)
        if self._procedures:
            self.procedure_list.setCurrentRow(0)

    def _connect(self) -> None:
        c = self.controller
        self.citizen.attach(c)
        c.phase_changed.connect(self._on_phase)
        c.read_progress.connect(self._on_progress)
        c.form_changed.connect(self._on_form)
        c.submitted.connect(self._on_submitted)
        c.delivery_updated.connect(self._on_delivery)
        c.failed.connect(self._on_failed)
        c.wiped.connect(self.clear_personal_data)
        self.form_view.answer_changed.connect(c.set_answer)
        self.key_entry.qr_entered.connect(c.provide_qr_text)
        self.key_entry.id_birth_entered.connect(c.provide_id_and_birth)
        self.procedure_list.itemActivated.connect(lambda _item: self.open_selected_procedure())
        self.procedures_button.clicked.connect(self.focus_procedures)
        self.reread_button.clicked.connect(self.reread)
        self.submit_button.clicked.connect(self.submit)
        self.print_button.clicked.connect(self.print_current)
        self.end_button.clicked.connect(self.end_session)
        self.print_receipt_button.clicked.connect(self.print_receipt)
        self.print_form_button.clicked.connect(self.print_form)
        self.ack_button.clicked.connect(self.end_session)
        self.without_chip_button.clicked.connect(self.continue_without_chip)
        self.history.rowsInserted.connect(lambda *_: self._render_history_summary())
        self.history.dataChanged.connect(lambda *_: self._render_history_summary())
        self.history.modelReset.connect(self._render_history_summary)

    def _shortcuts(self) -> None:
        def bind(keys: str, slot: Any) -> None:
            shortcut = QtGui.QShortcut(QtGui.QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        bind("F2", self.focus_procedures)
        bind("F5", self.reread)
        bind("Ctrl+Return", self.submit)
        bind("Ctrl+Enter", self.submit)
        bind("Ctrl+P", self.print_current)
        bind("Esc", self.end_session)
        bind("Ctrl+Shift+O", self.operator_requested.emit)

    # -- actions --------------------------------------------------------------------------------

    def focus_procedures(self) -> None:
        self.procedure_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.procedure_list.currentRow() < 0 and self.procedure_list.count():
            self.procedure_list.setCurrentRow(0)

    def open_selected_procedure(self) -> None:
        item = self.procedure_list.currentItem()
        if item is None:
            return
        procedure_id = str(item.data(Qt.ItemDataRole.UserRole))
        phase = self._phase
        if phase not in (Phase.VERDICT, Phase.CHOOSE, Phase.FORM, Phase.REVIEW):
            self._note = self.tr("Đọc thẻ trước khi chọn thủ tục.")
            self._show_phase()
            return
        if self._form is not None and self._form.procedure.id == procedure_id:
            self.form_view.setFocus()
            return
        # Another procedure while a form is open: step back to the list first.
        if phase is Phase.REVIEW:
            self.controller.back()
            self.controller.back()
        elif phase is Phase.FORM:
            self.controller.back()
        self.controller.choose_procedure(procedure_id)

    def reread(self) -> None:
        if self._phase in (Phase.FAILURE, Phase.NEED_KEYS, Phase.WAIT_CARD):
            if self._failure is not None and needs_acknowledgement(self._failure):
                return
            self.controller.retry()

    def submit(self) -> None:
        if self._phase not in (Phase.FORM, Phase.REVIEW) or self._form is None:
            return
        if not self._form.is_valid:
            self.form_view.show_all_errors()
            self.form_view.focus_first_invalid()
            count = len(self._form.errors)
            self._note = self.tr("Còn %n trường cần sửa trước khi gửi.", "", count)
            self._render_form_hint()
            return
        if self._phase is Phase.FORM:
            self.controller.review()
        self.controller.submit()

    def end_session(self) -> None:
        if self._phase is Phase.SUBMITTING:
            return  # the submission is being stored: wait for its outcome
        self.controller.end_session()

    def continue_without_chip(self) -> None:
        method = getattr(self.controller, "continue_without_chip", None)
        if callable(method):
            method()

    def print_current(self) -> None:
        if self._phase is Phase.DONE:
            self.print_receipt()
        elif self._phase in _FORM_PHASES:
            self.print_form()

    def print_receipt(self) -> None:
        outcome = self._outcome
        if outcome is None:
            return
        title = self._titles.get(outcome.procedure_id, Text(outcome.procedure_id, ""))
        self._print(lambda: self.printer.print_receipt(outcome, title, site=self.place))

    def print_form(self) -> None:
        form = self._form
        if form is None:
            return
        self._print(lambda: self.printer.print_form(form, place=self.place))

    def _print(self, job: Any) -> None:
        try:
            result = job()
        except PrintError:
            self._note = self.tr("Không in được: kiểm tra máy in.")
        else:
            if result.spooled and result.path is not None:
                self._note = self.tr("Chưa có máy in: đã lưu thành tệp %1.").replace(
                    "%1", result.path.name
                )
                self.print_note.setToolTip(str(result.path.parent))
            else:
                self._note = self.tr("Đã gửi lệnh in tới %1.").replace("%1", result.printer or "")
        self.print_note.setText(self._note)
        self._render_form_hint()

    def _handle_key(self, event: QtGui.QKeyEvent) -> bool:
        """While waiting for a card, typing (a QR wedge scanner) goes to the key entry."""
        return self._phase in _KEY_PHASES and self.key_entry.take_scan(event.text())

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if not handle_key_guarded(event, self._handle_key):
            super().keyPressEvent(event)

    # -- controller signals ---------------------------------------------------------------------

    def _on_phase(self, value: str) -> None:
        try:
            phase = Phase(value)
        except ValueError:
            return
        self._phase = phase
        if phase is not Phase.FAILURE:
            self._failure = None
        if phase is Phase.READING:
            self.progress.setValue(0)
        self._note = ""
        self._show_phase()

    def _on_progress(self, progress: ReadProgress) -> None:
        self.progress.setMaximum(max(progress.total, 1))
        self.progress.setValue(progress.done)

    def _on_form(self, form: FilledForm) -> None:
        self._form = form
        self.form_view.set_form(form)
        self._render_form_hint()
        self._select_procedure(form.procedure.id)

    def _on_submitted(self, outcome: SubmitOutcome) -> None:
        self._outcome = outcome
        self.history.add(outcome)
        self._render_done()

    def _on_delivery(self, outcome: SubmitOutcome) -> None:
        self.history.update_delivery(outcome)
        current = self._outcome
        if current is not None and current.reference == outcome.reference:
            self._outcome = outcome
            self._render_done()

    def _on_failed(self, info: FailureInfo) -> None:
        self._failure = info
        self._show_phase()

    def clear_personal_data(self) -> None:
        """On ``wiped``: the citizen, the form, typed keys, the result page."""
        self.citizen.clear()
        self.form_view.clear()
        self.key_entry.clear()
        self._form = None
        self._outcome = None
        self._failure = None
        self._note = ""
        self.form_title.clear()
        self.form_hint.clear()
        for label in (self.done_title, self.done_caption, self.done_number, self.done_text):
            label.clear()
        self.print_note.clear()
        self._show_phase()

    # -- rendering ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Quầy một cửa"))
        self.top.title.setText(self.tr("Quầy một cửa"))
        self.top.subtitle.setText(self.place)
        self.procedures_label.setText(self.tr("&Thủ tục (F2)"))
        self.history_label.setText(self.tr("Hồ sơ hôm nay"))
        for row in range(self.procedure_list.count()):
            item = self.procedure_list.item(row)
            pid = str(item.data(Qt.ItemDataRole.UserRole))
            title = self._titles[pid]
            item.setText(pick(title.vi, title.en))
        self.procedures_button.setText(self.tr("Thủ tục (F2)"))
        self.reread_button.setText(self.tr("Đọc lại thẻ (F5)"))
        self.submit_button.setText(self.tr("Gửi hồ sơ (Ctrl+Enter)"))
        self.print_button.setText(self.tr("In (Ctrl+P)"))
        self.end_button.setText(self.tr("Kết thúc (Esc)"))
        self.ack_button.setText(self.tr("Đã hiểu"))
        self.without_chip_button.setText(self.tr("Tiếp tục không dùng chip (chưa xác thực)"))
        self.print_receipt_button.setText(self.tr("In biên nhận (Ctrl+P)"))
        self.print_form_button.setText(self.tr("In tờ khai"))
        self.history.retranslate()
        self._render_history_summary()
        self._render_done()
        self._show_phase()

    def _show_phase(self) -> None:
        phase = self._phase
        failure = self._failure
        if phase in _FORM_PHASES:
            self.pages.setCurrentIndex(FORM)
        elif phase is Phase.DONE:
            self.pages.setCurrentIndex(DONE)
        else:
            self.pages.setCurrentIndex(START)
        wrong_keys = failure is not None and failure.kind is Failure.WRONG_KEYS
        self.key_entry.setVisible(phase in _KEY_PHASES or wrong_keys)
        self.progress.setVisible(phase is Phase.READING)
        has_qr_only = phase is Phase.WAIT_CARD and callable(
            getattr(self.controller, "continue_without_chip", None)
        )
        self.without_chip_button.setVisible(has_qr_only)
        self.form_view.setEnabled(phase is not Phase.SUBMITTING)
        self.submit_button.setEnabled(phase in (Phase.FORM, Phase.REVIEW))
        self.reread_button.setEnabled(phase in (Phase.FAILURE, Phase.NEED_KEYS, Phase.WAIT_CARD))
        self.print_button.setEnabled(phase in _FORM_PHASES or phase is Phase.DONE)
        self.end_button.setEnabled(phase is not Phase.SUBMITTING)

        texts = {
            Phase.IDLE: self.tr(
                "Đặt thẻ CCCD lên đầu đọc, hoặc quét mã QR trên thẻ / nhập số định danh."
            ),
            Phase.NEED_KEYS: self.tr(
                "Thẻ cần mở khóa: quét mã QR trên thẻ, hoặc nhập số định danh và ngày sinh."
            ),
            Phase.WAIT_CARD: self.tr("Đã quét mã QR. Đặt thẻ lên đầu đọc để xác thực."),
            Phase.READING: self.tr("Đang đọc chip… giữ yên thẻ trên đầu đọc."),
            Phase.VERDICT: self.tr("Đã đọc thẻ. Chọn thủ tục (F2, Enter)."),
            Phase.CHOOSE: self.tr("Chọn thủ tục (F2, Enter)."),
        }
        text = texts.get(phase, "")
        if self._note and phase in (Phase.IDLE, Phase.NEED_KEYS, Phase.WAIT_CARD, Phase.READING):
            text = f"{text}\n{self._note}"
        self.status.setText(text)
        self.status.setVisible(bool(text))

        if phase is Phase.FAILURE and failure is not None:
            what, todo = failure_texts(failure, self.citizen.badge.verdict)
            self.alert_title.setText(what)
            self.alert_text.setText(todo)
            stop = needs_acknowledgement(failure)
            self.alert.setProperty("severity", "error" if stop else "warning")
            self.ack_button.setVisible(stop)
            self.alert.show()
            repolish_tree(self.alert)
        else:
            self.alert.hide()
            self.alert_title.clear()
            self.alert_text.clear()

        if phase in (Phase.VERDICT, Phase.CHOOSE):
            self.focus_procedures()
        elif phase in (Phase.IDLE, Phase.NEED_KEYS) or wrong_keys:
            self.key_entry.focus()
        self._render_form_hint()

    def _render_form_hint(self) -> None:
        form = self._form
        if form is None:
            self.form_title.clear()
            self.form_hint.clear()
            return
        title = form.procedure.title
        self.form_title.setText(pick(title.vi, title.en))
        locked = sum(1 for f in form.fields if f.verified)
        asked = sum(1 for f in form.fields if not f.read_only)
        # Two sentences, each with its own plural form in English ("1 field", "2 fields").
        hint = (self.tr("%n trường đã xác thực từ chip (khóa),", "", locked) + " "
                + self.tr("%n trường cần nhập.", "", asked))  # fmt: skip
        if self._phase is Phase.SUBMITTING:
            hint = self.tr("Đang lưu và gửi hồ sơ…")
        if self._note:
            hint = f"{hint}  {self._note}"
        self.form_hint.setText(hint)

    def _render_done(self) -> None:
        outcome = self._outcome
        if outcome is None:
            return
        title = self._titles.get(outcome.procedure_id, Text(outcome.procedure_id, ""))
        if outcome.sent and outcome.receipt:
            self.done_title.setText(self.tr("Đã gửi hồ sơ"))
            self.done_caption.setText(self.tr("Số biên nhận"))
            self.done_number.setText(outcome.receipt)
            text = self.tr("%1. Mã tham chiếu tại chỗ: %2.")
        else:
            self.done_title.setText(self.tr("Đã lưu, sẽ gửi khi có mạng"))
            self.done_caption.setText(self.tr("Mã tham chiếu"))
            self.done_number.setText(outcome.reference)
            text = self.tr(
                "%1. Hồ sơ đã được lưu an toàn trên máy (mã %2) và sẽ tự gửi khi có kết nối; "
                "số biên nhận sẽ hiện trong danh sách hồ sơ hôm nay."
            )
        text = text.replace("%1", pick(title.vi, title.en)).replace("%2", outcome.reference)
        self.done_text.setText(text)
        self.print_form_button.setEnabled(self._form is not None)

    def _render_history_summary(self) -> None:
        self._fit_history_columns()
        sent, queued = self.history.sent_count(), self.history.queued_count()
        text = self.tr("Đã gửi: %1 · Đang chờ gửi: %2")
        self.history_summary.setText(text.replace("%1", str(sent)).replace("%2", str(queued)))

    def _fit_history_columns(self) -> None:
        """Time, receipt and status as wide as their texts (measured with the font the style
        sheet gives the table; ResizeToContents measured them too narrow under it)."""
        metrics = self.history_view.fontMetrics()
        header_metrics = self.history_view.horizontalHeader().fontMetrics()
        for name in ("time", "reference", "status"):
            column = COLUMNS.index(name)
            title = str(self.history.headerData(column, Qt.Orientation.Horizontal))
            width = header_metrics.horizontalAdvance(title)
            for row in range(self.history.rowCount()):
                text = str(self.history.data(self.history.index(row, column)))
                width = max(width, metrics.horizontalAdvance(text))
            self.history_view.setColumnWidth(column, width + 24)

    def _select_procedure(self, procedure_id: str) -> None:
        for row in range(self.procedure_list.count()):
            item = self.procedure_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == procedure_id:
                self.procedure_list.setCurrentRow(row)
                return

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            guarded(self.retranslate, "retranslate")
        super().changeEvent(event)
