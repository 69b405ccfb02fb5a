"""Review: every field exactly as it will be submitted, with where each value came from."""

from __future__ import annotations

from kiosk.procedures.filling import FilledField, FilledForm
from ui.guard import never_raises
from ui.i18n import pick
from ui.qt import Qt, QtCore, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, screen_layout, touch_scrolling


class ReviewScreen(QtWidgets.QWidget):
    submit_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_review")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.subtitle = label(self, "subtitle")
        self.warning = label(self, "hint")
        self.warning.setProperty("severity", "warning")
        self.warning.setVisible(False)
        self._scroll = QtWidgets.QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        touch_scrolling(self._scroll)
        self._scroll.setWidget(QtWidgets.QWidget())
        self.back_button = button(self, "secondary", name="back")
        self.submit_button = button(self, "primary", name="submit")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.warning)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(button_row(self.back_button, self.submit_button))
        self.back_button.clicked.connect(self.back_requested)
        self.submit_button.clicked.connect(self.submit_requested)
        self._form: FilledForm | None = None
        self._values: list[QtWidgets.QLabel] = []
        self.retranslate()

    def set_form(self, form: FilledForm) -> None:
        self._form = form
        self._render()
        self.warning.setVisible(bool(form.conflicts))

    def set_busy(self, busy: bool) -> None:
        """While submitting: no second press."""
        self.submit_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)

    def clear(self) -> None:
        self._form = None
        self._values = []
        self._scroll.setWidget(QtWidgets.QWidget())  # deletes the previous rows
        self.warning.clear()
        self.warning.setVisible(False)
        self.set_busy(False)

    def shown_texts(self) -> list[str]:
        return [v.text() for v in self._values]

    def prompt(self) -> str:
        return self.subtitle.text()

    # -- rendering ------------------------------------------------------------------------------

    def _render(self) -> None:
        form = self._form
        body = QtWidgets.QWidget()
        grid = QtWidgets.QGridLayout(body)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self._values = []
        row = 0
        if form is not None:
            for section, fields in form.sections():
                if not fields:
                    continue
                if section.title is not None:
                    head = label(body, "subtitle")
                    head.setText(pick(section.title.vi, section.title.en))
                    grid.addWidget(head, row, 0, 1, 3)
                    row += 1
                for item in fields:
                    name = label(body, "hint")
                    name.setText(pick(item.label_vi, item.label_en))
                    name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                    name.setMaximumWidth(380)
                    value = label(body)
                    value.setObjectName("review_value")
                    value.setText(self._value_text(item))
                    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                    mark = label(body, "source_mark")
                    mark.setText(self._mark(item))
                    grid.addWidget(name, row, 0)
                    grid.addWidget(value, row, 1)
                    grid.addWidget(mark, row, 2, Qt.AlignmentFlag.AlignTop)
                    self._values.append(value)
                    row += 1
        grid.setRowStretch(row, 1)
        self._scroll.setWidget(body)  # deletes the previous rows

    def _value_text(self, item: FilledField) -> str:
        if isinstance(item.value, tuple):
            if not item.value:
                return "—"
            lines = []
            for index, entry in enumerate(item.value, start=1):
                cells = [entry.get(c.id, "") for c in item.columns]
                lines.append(f"{index}. " + ", ".join(c for c in cells if c))
            return "\n".join(lines)
        for choice in item.choices:
            if choice.value == item.value:
                return pick(choice.label.vi, choice.label.en)
        return item.value or "—"

    def _mark(self, item: FilledField) -> str:
        if item.verified:
            return "✓ " + self.tr("chip")
        if item.source == "qr":
            return self.tr("QR")
        return ""

    def retranslate(self) -> None:
        self.title.setText(self.tr("Kiểm tra lại hồ sơ"))
        self.subtitle.setText(self.tr("Đây là hồ sơ sẽ được gửi. Nếu có chỗ sai, bấm “Sửa”."))
        self.warning.setText(
            "⚠ "
            + self.tr(
                "Một số thông tin trong mã QR in trên thẻ khác với chip; hồ sơ dùng thông tin "
                "của chip. Cán bộ sẽ được thông báo."
            )
        )
        self.back_button.setText(self.tr("Sửa"))
        self.submit_button.setText(self.tr("Gửi hồ sơ"))
        if self._form is not None:
            self._render()  # field labels and choice texts come from data (vi/en)

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
