"""The QR code was scanned: now place the card, or go on without the chip (data not verified)."""

from __future__ import annotations

from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, screen_layout
from ui.screens.pictogram import Pictogram


class WaitCardScreen(QtWidgets.QWidget):
    continue_without_chip = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_wait_card")
        layout = screen_layout(self)
        self.title = label(self, "title", center=True)
        self.subtitle = label(self, "subtitle", center=True)
        self.pictogram = Pictogram(self, kind="card")
        self.hint = label(self, "hint", center=True)
        self.cancel_button = button(self, "secondary", name="cancel")
        self.without_chip_button = button(self, "secondary", name="without_chip")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.pictogram, 4)
        layout.addWidget(self.hint)
        layout.addLayout(button_row(self.cancel_button, self.without_chip_button))
        self.without_chip_button.clicked.connect(self.continue_without_chip)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.retranslate()

    def clear(self) -> None:
        """Nothing personal is shown here."""

    def prompt(self) -> str:
        return self.subtitle.text()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Đã đọc mã QR"))
        self.subtitle.setText(self.tr("Bây giờ hãy đặt thẻ CCCD lên đầu đọc"))
        self.hint.setText(
            self.tr(
                "Máy sẽ đọc chip để xác thực thông tin của bạn. "
                "Nếu không đọc được chip, bạn vẫn có thể tiếp tục, "
                "nhưng cán bộ sẽ phải kiểm tra lại giấy tờ."
            )
        )
        self.cancel_button.setText(self.tr("Huỷ"))
        self.without_chip_button.setText(
            self.tr("Tiếp tục không dùng chip (dữ liệu chưa được xác thực)")
        )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
