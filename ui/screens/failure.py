"""Failure screens: for each kiosk.session.Failure, friendly words, what to do, and a way on.

The screen follows the controller's phase: a re-inserted card, a replugged reader or a retry
moves the session on and the window leaves this screen by itself.
"""

from __future__ import annotations

from kiosk.session import Failure, FailureInfo
from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, relayout, screen_layout
from ui.screens.pictogram import Pictogram
from ui.theme import repolish_tree

#: Failures that resolve by themselves when the person or the device acts (no retry button).
SELF_RECOVERING = frozenset({Failure.CARD_REMOVED, Failure.NO_READER})
#: Failures after which the card must not be used here (stop, ask the staff).
STOPPING = frozenset({Failure.CLONE_SUSPECTED})
WARNING_SIGN = "⚠ "


class FailureScreen(QtWidgets.QWidget):
    retry_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_failure")
        layout = screen_layout(self)
        self.frame = QtWidgets.QFrame(self)
        self.frame.setObjectName("failure_panel")
        inner = QtWidgets.QVBoxLayout(self.frame)
        inner.setContentsMargins(24, 16, 24, 16)
        self.title = label(self.frame, "title")
        self.explanation = label(self.frame, "subtitle")
        inner.addWidget(self.title)
        inner.addWidget(self.explanation)
        self.action = label(self, "subtitle")
        self.pictogram = Pictogram(self, kind="card")
        # A stable code for the support staff, small and apart: not the citizen's message.
        self.code = label(self, "support_code")
        self.end_button = button(self, "secondary", name="end")
        self.retry_button = button(self, "primary", name="retry")
        layout.addWidget(self.frame)
        layout.addWidget(self.action)
        layout.addWidget(self.pictogram, 4)
        layout.addStretch(1)  # the buttons stay at the bottom when there is no picture
        layout.addLayout(button_row(self.end_button, self.retry_button))
        layout.addWidget(self.code)
        self.retry_button.clicked.connect(self.retry_requested)
        self.end_button.clicked.connect(self.end_requested)
        self._info: FailureInfo | None = None
        self.retranslate()

    @property
    def failure(self) -> FailureInfo | None:
        return self._info

    def set_failure(self, info: FailureInfo) -> None:
        self._info = info
        self.frame.setProperty("severity", "warning" if info.retryable else "error")
        repolish_tree(self.frame)  # the labels' ink follows the banner's colour
        self.retranslate()
        relayout(self)

    def clear(self) -> None:
        self._info = None
        self.retranslate()

    def prompt(self) -> str:
        return self.title.text().removeprefix(WARNING_SIGN)

    def retranslate(self) -> None:
        self.end_button.setText(self.tr("Kết thúc"))
        self.retry_button.setText(self.tr("Thử lại"))
        info = self._info
        if info is None:
            self.title.clear()
            self.explanation.clear()
            self.action.clear()
            self.code.clear()
            self.retry_button.setVisible(False)
            return
        title, explanation, action = self._texts(info.kind)
        # A sign before the words: the banner's meaning never rests on its colour alone.
        self.title.setText(WARNING_SIGN + title)
        self.explanation.setText(explanation)
        self.action.setText(action)
        # A stable code for the staff (never personal data).
        self.code.setText(self.tr("Mã hỗ trợ: %1").replace("%1", info.code))
        # The controller's retry() knows what "again" means for each kind (read again, ask for
        # the keys again, back to the review); a card put back or a reader plugged in moves on
        # by itself, and a suspicious card is not retried.
        self.retry_button.setVisible(info.kind not in SELF_RECOVERING and info.kind not in STOPPING)
        self.pictogram.setVisible(
            info.kind in (Failure.CARD_REMOVED, Failure.READ_ERROR, Failure.NO_READER)
        )
        self.pictogram.set_kind("qr" if info.kind is Failure.QR_INVALID else "card")

    def _texts(self, kind: Failure) -> tuple[str, str, str]:
        if kind is Failure.CARD_REMOVED:
            return (
                self.tr("Thẻ đã bị nhấc ra khi đang đọc"),
                self.tr("Máy chưa đọc xong chip nên chưa có thông tin nào được dùng."),
                self.tr(
                    "Hãy đặt lại thẻ lên đầu đọc và giữ yên cho đến khi đọc xong. "
                    "Việc đọc sẽ tự bắt đầu lại."
                ),
            )
        if kind is Failure.NO_READER:
            return (
                self.tr("Không tìm thấy đầu đọc thẻ"),
                self.tr("Đầu đọc thẻ đang bị ngắt kết nối."),
                self.tr(
                    "Máy sẽ tự tiếp tục khi đầu đọc được cắm lại. "
                    "Nếu màn hình này không tự mất đi, hãy báo cán bộ."
                ),
            )
        if kind is Failure.WRONG_KEYS:
            return (
                self.tr("Chip không mở được với thông tin đã nhập"),
                self.tr("Số CCCD hoặc ngày sinh chưa đúng, hoặc mã QR đã quét thuộc một thẻ khác."),
                self.tr("Bấm “Thử lại” để nhập lại, hoặc quét mã QR trên chính thẻ này."),
            )
        if kind is Failure.NOT_CCCD:
            return (
                self.tr("Đây không phải thẻ CCCD gắn chip"),
                self.tr("Máy chỉ đọc được thẻ Căn cước công dân gắn chip và thẻ Căn cước."),
                self.tr("Hãy lấy thẻ này ra và đặt thẻ CCCD gắn chip của bạn lên đầu đọc."),
            )
        if kind is Failure.QR_INVALID:
            return (
                self.tr("Mã vừa quét không phải mã QR trên thẻ CCCD"),
                self.tr("Máy chỉ nhận mã QR in ở mặt trước thẻ CCCD."),
                self.tr("Hãy đưa mặt trước thẻ, có mã QR, vào máy quét."),
            )
        if kind is Failure.CLONE_SUSPECTED:
            return (
                self.tr("Thẻ không vượt qua kiểm tra chip gốc"),
                self.tr("Máy không thể dùng thông tin của thẻ này."),
                self.tr("Hãy liên hệ cán bộ tại quầy để được hỗ trợ."),
            )
        if kind is Failure.SUBMIT_ERROR:
            return (
                self.tr("Chưa lưu được hồ sơ"),
                self.tr("Hồ sơ chưa được gửi và cũng chưa được lưu trên máy."),
                self.tr("Bấm “Thử lại”. Nếu vẫn không được, hãy báo cán bộ."),
            )
        return (
            self.tr("Không đọc được chip"),
            self.tr("Có lỗi khi đọc chip của thẻ."),
            self.tr("Hãy nhấc thẻ ra, đặt lại ngay ngắn giữa đầu đọc rồi bấm “Thử lại”."),
        )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
