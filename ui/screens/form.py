"""The pre-filled form: verified fields locked, only the missing or editable ones asked."""

from __future__ import annotations

from kiosk.procedures.filling import FilledForm
from ui.guard import never_raises
from ui.i18n import pick
from ui.qt import QtCore, QtWidgets, Signal
from ui.screens.parts import (
    SCREEN_MARGINS,
    SCREEN_SPACING,
    button,
    button_row,
    label,
    screen_layout,
)
from ui.widgets.form_view import FormView


class FormScreen(QtWidgets.QWidget):
    answer_changed = Signal(str, object)
    review_requested = Signal()
    back_requested = Signal()
    blocked = Signal()  # "review" refused: the first field to fix has the focus now

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_form")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.hint = label(self, "hint")
        self.view = FormView(self, density="touch")
        self.status = label(self, "field_error")
        self.status.setVisible(False)
        self.back_button = button(self, "secondary", name="back")
        self.review_button = button(self, "primary", name="review")
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(button_row(self.back_button, self.review_button))
        self.view.answer_changed.connect(self._answer)
        self.back_button.clicked.connect(self.back_requested)
        self.review_button.clicked.connect(self.try_review)
        self._blocked = False
        self._compact = False
        self.retranslate()

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """While the on-screen keyboard is open: no explanation, narrow margins, so the field
        being typed in stays in sight on a 720 px tall screen."""
        if compact == self._compact:
            return
        self._compact = compact
        self.hint.setVisible(not compact)
        layout = self.layout()
        if layout is not None:
            margins = (40, 4, 40, 4) if compact else SCREEN_MARGINS
            layout.setContentsMargins(*margins)
            layout.setSpacing(6 if compact else SCREEN_SPACING)

    def set_form(self, form: FilledForm) -> None:
        self.view.set_form(form)
        if self._blocked and form.is_valid:
            self._blocked = False
            self.status.setVisible(False)
        self.retranslate()

    def try_review(self) -> None:
        """Go to the review if the form is complete; else show every error and the first one."""
        form = self.view.form()
        if form is None:
            return
        if form.is_valid:
            self._blocked = False
            self.status.setVisible(False)
            self.review_requested.emit()
            return
        self._blocked = True
        self.view.show_all_errors()
        self.view.focus_first_invalid()
        self.retranslate()
        self.status.setVisible(True)
        self.blocked.emit()

    def clear(self) -> None:
        self._blocked = False
        self.status.setVisible(False)
        self.view.clear()
        self.retranslate()

    def prompt(self) -> str:
        return self.hint.text()

    def _answer(self, field_id: str, value: object) -> None:
        self.answer_changed.emit(field_id, value)

    def retranslate(self) -> None:
        form = self.view.form()
        if form is None:
            self.title.setText(self.tr("Biểu mẫu"))
        else:
            self.title.setText(pick(form.procedure.title.vi, form.procedure.title.en))
        self.hint.setText(
            self.tr(
                "Các ô có dấu ✓ đã được xác thực từ chip và không cần sửa. "
                "Hãy điền các ô còn trống; ô có dấu * là bắt buộc."
            )
        )
        if form is not None and self._blocked:
            missing = len(form.errors)
            self.status.setText(
                "⚠ " + self.tr("Còn %n ô cần điền hoặc sửa.", "", missing)
            )
        self.back_button.setText(self.tr("Quay lại"))
        self.review_button.setText(self.tr("Xem lại hồ sơ"))

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
