"""The idle screen: "place your ID card on the reader, or show the QR code on it"."""

from __future__ import annotations

from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets
from ui.screens.parts import label, screen_layout
from ui.screens.pictogram import Pictogram


class IdleScreen(QtWidgets.QWidget):
    """Nothing personal is shown here; :meth:`clear` has nothing to forget."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_idle")
        layout = screen_layout(self)
        self.title = label(self, "title", center=True)
        self.subtitle = label(self, "subtitle", center=True)
        self.pictogram = Pictogram(self, kind="card_and_qr")
        self.hint = label(self, "hint", center=True)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.pictogram, 4)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.retranslate()

    def clear(self) -> None:
        """Nothing personal to forget."""

    def prompt(self) -> str:
        """The spoken prompt of this screen."""
        return self.title.text()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Đặt thẻ CCCD lên đầu đọc"))
        self.subtitle.setText(self.tr("hoặc đưa mã QR trên thẻ vào máy quét"))
        self.hint.setText(
            self.tr(
                "Máy đọc chip để điền sẵn hồ sơ cho bạn. "
                "Mọi thông tin được xoá ngay khi bạn xong việc."
            )
        )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
