"""Reading the chip: real progress (file by file), the text data as soon as it is read, the
photo when it arrives. "Do not lift the card" is the one thing the citizen must do."""

from __future__ import annotations

from kiosk.record import CitizenRecord
from kiosk.session import ReadProgress
from ui.guard import never_raises
from ui.qt import QtCore, QtGui, QtWidgets
from ui.screens.parts import label, screen_layout
from ui.widgets.citizen_panel import CitizenPanel

SHOWN_FIELDS = ("full_name", "id_number", "date_of_birth", "sex", "place_of_residence")


class ReadingScreen(QtWidgets.QWidget):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_reading")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.subtitle = label(self, "subtitle")
        self.progress = QtWidgets.QProgressBar(self)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress.setTextVisible(False)
        self.progress.setMinimumHeight(28)
        self.step = label(self, "hint")
        self.panel = CitizenPanel(self, density="large", fields=SHOWN_FIELDS)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.progress)
        layout.addWidget(self.step)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        self._progress: ReadProgress | None = None
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    def set_progress(self, progress: ReadProgress) -> None:
        self._progress = progress
        total = max(progress.total, 1)
        self.progress.setRange(0, total)
        self.progress.setValue(min(max(progress.done, 0), total))
        self.retranslate()

    def set_record(self, record: CitizenRecord) -> None:
        """The text groups were read: show them now (the photo comes later)."""
        self.panel.set_record(record)

    def set_face(self, image: QtGui.QImage) -> None:
        self.panel.set_face(image)

    def clear(self) -> None:
        self._progress = None
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.panel.clear()
        self.retranslate()

    def prompt(self) -> str:
        return self.subtitle.text()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("Đang đọc thẻ…"))
        self.subtitle.setText(self.tr("Xin đừng nhấc thẻ ra cho đến khi đọc xong."))
        progress = self._progress
        if progress is None:
            self.step.setText(self.tr("Đang mở chip"))
        else:
            step = self._file_text(progress.file)
            percent = 100 * max(progress.done, 0) // max(progress.total, 1)
            self.step.setText(f"{step} — {min(percent, 100)}%")

    def _file_text(self, name: str) -> str:
        texts = {
            "COM": self.tr("Đang đọc danh mục dữ liệu"),
            "SOD": self.tr("Đang đọc chữ ký số của cơ quan cấp"),
            "DG1": self.tr("Đang đọc thông tin cơ bản"),
            "DG13": self.tr("Đang đọc thông tin cá nhân"),
            "DG2": self.tr("Đang đọc ảnh chân dung"),
            "DG14": self.tr("Đang kiểm tra chip gốc"),
            "DG15": self.tr("Đang kiểm tra chip gốc"),
            "verify": self.tr("Đang xác thực dữ liệu"),
        }
        key = name.upper().removeprefix("EF.")
        return texts.get(key, texts.get(name, self.tr("Đang đọc")))

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
