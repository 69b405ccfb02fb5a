"""A card is on the reader but the kiosk has nothing to open its chip with: scan the card's QR
code, or type the 12-digit ID number and the date of birth (the chip's access keys derive from
them: ICAO Doc 9303 part 11, BAC/PACE with the document number, birth and expiry dates)."""

from __future__ import annotations

from datetime import date

from kiosk.record import ID_NUMBER_RE, RecordError, parse_date
from ui.guard import never_raises
from ui.qt import Qt, QtCore, QtWidgets, Signal
from ui.screens.parts import (
    SCREEN_MARGINS,
    SCREEN_SPACING,
    TOUCH_MIN_PX,
    button,
    button_row,
    label,
    screen_layout,
)
from ui.screens.pictogram import Pictogram

# A scanner typing the card's QR text ("id|old id|name|birth|sex|address|issue") into a field.
QR_SEPARATOR = "|"


class KeyEntryScreen(QtWidgets.QWidget):
    keys_entered = Signal(str, object)  # id number, datetime.date of birth
    qr_scanned = Signal(str)  # a wedge scanner typed the QR text into one of the fields
    cancel_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_key_entry")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.subtitle = label(self, "subtitle")
        self.pictogram = Pictogram(self, kind="qr")
        self.pictogram.setMinimumSize(120, 120)
        self.pictogram.setMaximumSize(180, 180)

        self.id_label = label(self)
        self.id_edit = QtWidgets.QLineEdit(self)
        self.id_edit.setObjectName("id_number")
        self.id_edit.setProperty("keyboard", "numeric")
        self.id_edit.setMinimumHeight(TOUCH_MIN_PX)
        self.birth_label = label(self)
        self.birth_edit = QtWidgets.QLineEdit(self)
        self.birth_edit.setObjectName("date_of_birth")
        self.birth_edit.setProperty("keyboard", "numeric")
        self.birth_edit.setMinimumHeight(TOUCH_MIN_PX)
        self.error = label(self, "field_error")
        self.error.setVisible(False)

        self.cancel_button = button(self, "secondary", name="cancel")
        self.continue_button = button(self, "primary", name="continue")

        form = QtWidgets.QGridLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.addWidget(self.id_label, 0, 0)
        form.addWidget(self.id_edit, 1, 0)
        form.addWidget(self.birth_label, 0, 1)
        form.addWidget(self.birth_edit, 1, 1)
        form.setColumnStretch(0, 3)
        form.setColumnStretch(1, 2)
        heading = QtWidgets.QHBoxLayout()
        text = QtWidgets.QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        heading.addLayout(text, 1)
        heading.addWidget(self.pictogram, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(button_row(self.cancel_button, self.continue_button))

        self._compact = False
        self.continue_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.id_edit.returnPressed.connect(self._id_done)
        self.birth_edit.returnPressed.connect(self.submit)
        self.id_edit.textChanged.connect(self._hide_error)
        self.birth_edit.textChanged.connect(self._hide_error)
        self._error_kind = ""
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """While the on-screen keyboard is open: no QR picture, narrow margins."""
        if compact == self._compact:
            return
        self._compact = compact
        self.pictogram.setVisible(not compact)
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(*((40, 4, 40, 4) if compact else SCREEN_MARGINS))
            layout.setSpacing(6 if compact else SCREEN_SPACING)

    def clear(self) -> None:
        # setText, not clear(): QLineEdit.clear() keeps the old text in its undo history.
        self.id_edit.setText("")
        self.birth_edit.setText("")
        self._hide_error()

    def activate(self) -> None:
        """The screen is shown: put the cursor in the ID number (the keyboard follows)."""
        self.id_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def prompt(self) -> str:
        return self.subtitle.text()

    def error_text(self) -> str:
        return self.error.text() if self._error_kind else ""

    def submit(self) -> None:
        """Check the typed values; emit ``keys_entered`` or show what is wrong."""
        if self._maybe_qr(self.id_edit) or self._maybe_qr(self.birth_edit):
            return
        id_number = "".join(self.id_edit.text().split())
        if not ID_NUMBER_RE.match(id_number):
            self._show_error("id")
            self.id_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        birth = parse_birth(self.birth_edit.text())
        if birth is None:
            self._show_error("birth")
            self.birth_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._hide_error()
        self.keys_entered.emit(id_number, birth)

    # -- internals ------------------------------------------------------------------------------

    def _id_done(self) -> None:
        if not self._maybe_qr(self.id_edit):
            self.birth_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _maybe_qr(self, edit: QtWidgets.QLineEdit) -> bool:
        text = edit.text()
        if QR_SEPARATOR not in text:
            return False
        edit.setText("")  # no undo history holding the QR code's text
        self.qr_scanned.emit(text.strip())
        return True

    def _show_error(self, kind: str) -> None:
        self._error_kind = kind
        self.retranslate()
        self.error.setVisible(True)

    def _hide_error(self) -> None:
        self._error_kind = ""
        self.error.clear()
        self.error.setVisible(False)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Thẻ đã nằm trên đầu đọc"))
        self.subtitle.setText(
            self.tr(
                "Để mở chip, hãy quét mã QR trên thẻ, hoặc nhập số CCCD (12 số) "
                "và ngày sinh của bạn."
            )
        )
        self.id_label.setText(self.tr("Số CCCD (12 số)"))
        self.birth_label.setText(self.tr("Ngày sinh (ngày/tháng/năm)"))
        self.birth_edit.setPlaceholderText(self.tr("ví dụ 05/09/1999"))
        self.cancel_button.setText(self.tr("Huỷ"))
        self.continue_button.setText(self.tr("Tiếp tục"))
        if self._error_kind == "id":
            self.error.setText("⚠ " + self.tr("Số CCCD phải có đúng 12 chữ số."))
        elif self._error_kind == "birth":
            self.error.setText(
                "⚠ " + self.tr("Ngày sinh chưa đúng. Hãy nhập theo dạng ngày/tháng/năm.")
            )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def parse_birth(text: str) -> date | None:
    """A full birth date from "05/09/1999", "5/9/1999" or "05091999"; None otherwise."""
    text = "".join(text.split())
    try:
        value = parse_date(text, what="date_of_birth")
    except RecordError:
        return None
    if not 1900 <= value.year <= date.today().year:
        return None
    return value
