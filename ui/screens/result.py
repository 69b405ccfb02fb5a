"""The result: "Đã gửi" with the receipt number, or "Đã lưu, sẽ gửi khi có mạng" with the local
reference; print the receipt (the desk helper's printing answers ``print_requested``); "Xong"
ends the session (the window wipes everything)."""

from __future__ import annotations

from kiosk.session import SubmitOutcome
from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, relayout, screen_layout


class ResultScreen(QtWidgets.QWidget):
    print_requested = Signal(object)  # kiosk.session.SubmitOutcome
    done_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_result")
        layout = screen_layout(self)
        self.title = label(self, "title", center=True)
        # Body size: with the offline banner, the words, the number and the buttons fit 720 px.
        self.subtitle = label(self, center=True)
        self.number_caption = label(self, center=True)
        self.number = label(self, "big_number", center=True)
        self.hint = label(self, "hint", center=True)
        self.card_reminder = label(self, "subtitle", center=True)
        self.card_reminder.setProperty("severity", "info")
        self.busy = QtWidgets.QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.print_button = button(self, "secondary", name="print")
        self.done_button = button(self, "primary", name="done")
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.busy)
        layout.addWidget(self.number_caption)
        layout.addWidget(self.number)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(self.card_reminder)
        layout.addLayout(button_row(self.print_button, self.done_button))
        self.print_button.clicked.connect(self._print)
        self.done_button.clicked.connect(self.done_requested)
        self._outcome: SubmitOutcome | None = None
        self._submitting = False
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    @property
    def outcome(self) -> SubmitOutcome | None:
        return self._outcome

    def set_submitting(self) -> None:
        self._outcome = None
        self._submitting = True
        self.retranslate()
        relayout(self)

    def set_outcome(self, outcome: SubmitOutcome) -> None:
        """Stored durably (maybe not sent yet); a later ``delivery_updated`` calls this again."""
        self._outcome = outcome
        self._submitting = False
        self.retranslate()
        relayout(self)

    def clear(self) -> None:
        self._outcome = None
        self._submitting = False
        self.number.clear()
        self.retranslate()

    def prompt(self) -> str:
        return self.title.text()

    def _print(self) -> None:
        if self._outcome is not None:
            self.print_requested.emit(self._outcome)

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        outcome = self._outcome
        self.busy.setVisible(self._submitting)
        has_outcome = outcome is not None
        for widget in (self.number_caption, self.number, self.print_button, self.card_reminder):
            widget.setVisible(has_outcome)
        self.done_button.setVisible(not self._submitting)
        self.print_button.setText(self.tr("In biên nhận"))
        self.done_button.setText(self.tr("Xong"))
        self.card_reminder.setText(self.tr("Đừng quên lấy lại thẻ CCCD của bạn."))
        if self._submitting:
            self.setProperty("sent", "")
            self.title.setText(self.tr("Đang gửi hồ sơ…"))
            self.subtitle.setText(self.tr("Xin chờ trong giây lát."))
            self.hint.clear()
            return
        if outcome is None:
            self.title.clear()
            self.subtitle.clear()
            self.hint.clear()
            return
        if outcome.sent:
            self.setProperty("sent", "yes")
            self.title.setText("✔ " + self.tr("Đã gửi"))
            self.subtitle.setText(self.tr("Cơ quan giải quyết đã nhận hồ sơ của bạn."))
            self.number_caption.setText(self.tr("Số biên nhận"))
            self.number.setText(outcome.receipt)
            self.hint.setText(self.tr("Hãy in hoặc chụp lại số biên nhận để tra cứu kết quả."))
        else:
            self.setProperty("sent", "no")
            self.title.setText(self.tr("Đã lưu, sẽ gửi khi có mạng"))
            self.subtitle.setText(
                self.tr(
                    "Hồ sơ đã được lưu an toàn trên máy và sẽ tự động được gửi ngay khi có kết nối."
                )
            )
            self.number_caption.setText(self.tr("Mã tham chiếu"))
            self.number.setText(outcome.reference)
            self.hint.setText(
                self.tr("Bạn không cần làm gì thêm. Hãy giữ mã tham chiếu để tra cứu.")
            )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
