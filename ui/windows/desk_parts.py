"""Pieces shared by the two desk windows (counter and clinic): the key entry for a chip that
needs keys, the failure texts, and the top bar with the offline banner and language switch.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import date

from kiosk.record import RecordError, parse_date
from kiosk.session import Failure, FailureInfo
from ui.guard import guarded as guarded  # the desk windows import it from here
from ui.qt import QtCore, QtGui, QtWidgets, Signal
from ui.widgets.citizen_panel import RoomyLabel
from ui.widgets.language_switch import LanguageSwitch
from ui.widgets.offline_banner import OfflineBanner

_ID_RE = re.compile(r"^\d{12}$")
_log = logging.getLogger(__name__)


def failure_texts(info: FailureInfo, verdict: str | None = None) -> tuple[str, str]:
    """(what happened, what to do) for a desk officer, in the current language."""
    kind = info.kind
    if kind is Failure.CARD_REMOVED:
        return (
            QtCore.QCoreApplication.translate("DeskTexts", "Thẻ đã bị rút ra khi đang đọc"),
            QtCore.QCoreApplication.translate(
                "DeskTexts", "Đặt lại thẻ lên đầu đọc và giữ yên đến khi đọc xong."
            ),
        )
    if kind is Failure.NO_READER:
        return (
            QtCore.QCoreApplication.translate("DeskTexts", "Không thấy đầu đọc thẻ"),
            QtCore.QCoreApplication.translate(
                "DeskTexts",
                "Kiểm tra cáp USB của đầu đọc; máy tự tiếp tục khi đầu đọc được cắm lại.",
            ),
        )
    if kind is Failure.WRONG_KEYS:
        return (
            QtCore.QCoreApplication.translate(
                "DeskTexts", "Chip không mở được với số định danh và ngày sinh này"
            ),
            QtCore.QCoreApplication.translate(
                "DeskTexts", "Kiểm tra lại hai thông tin, hoặc quét mã QR trên chính thẻ này."
            ),
        )
    if kind is Failure.NOT_CCCD:
        return (
            QtCore.QCoreApplication.translate("DeskTexts", "Đây không phải thẻ căn cước gắn chip"),
            QtCore.QCoreApplication.translate("DeskTexts", "Đặt thẻ CCCD gắn chip lên đầu đọc."),
        )
    if kind is Failure.QR_INVALID:
        return (
            QtCore.QCoreApplication.translate(
                "DeskTexts", "Mã vừa quét không phải mã QR của thẻ CCCD"
            ),
            QtCore.QCoreApplication.translate("DeskTexts", "Quét mã QR ở mặt trước thẻ căn cước."),
        )
    if kind is Failure.CLONE_SUSPECTED:
        if verdict == "data_altered" or info.code == "data_altered":
            what = QtCore.QCoreApplication.translate(
                "DeskTexts", "Dữ liệu trên chip đã bị thay đổi: dừng lại"
            )
        else:
            what = QtCore.QCoreApplication.translate("DeskTexts", "Nghi ngờ thẻ sao chép: dừng lại")
        return (
            what,
            QtCore.QCoreApplication.translate(
                "DeskTexts",
                "Không dùng dữ liệu của thẻ này. Đối chiếu giấy tờ bằng mắt và báo cán bộ "
                "phụ trách; bấm «Đã hiểu» để tiếp tục với người sau.",
            ),
        )
    if kind is Failure.SUBMIT_ERROR:
        return (
            QtCore.QCoreApplication.translate("DeskTexts", "Không lưu được hồ sơ trên máy"),
            QtCore.QCoreApplication.translate(
                "DeskTexts", "Hồ sơ chưa được lưu. Báo người vận hành (ổ đĩa đầy hoặc lỗi máy)."
            ),
        )
    return (
        QtCore.QCoreApplication.translate("DeskTexts", "Không đọc được chip"),
        QtCore.QCoreApplication.translate(
            "DeskTexts", "Đặt lại thẻ cho ngay ngắn rồi thử lại (F5)."
        ),
    )


def handle_key_guarded(event: QtGui.QKeyEvent, handler: Callable[[QtGui.QKeyEvent], bool]
                       ) -> bool:
    """Run a window's key handler with the exception guard; True when it took the key."""
    handled: list[bool] = []
    guarded(lambda: handled.append(handler(event)), "key")
    if handled and handled[0]:
        event.accept()
        return True
    return False


def needs_acknowledgement(info: FailureInfo) -> bool:
    """A suspicious card stops the desk until the officer says they saw the warning."""
    return info.kind is Failure.CLONE_SUSPECTED


class KeyEntry(QtWidgets.QFrame):
    """Open the chip without its QR read by the reader: scan the QR (a wedge scanner types it
    into the first box, ending with Enter) or type the 12-digit ID number and the birth date.

    Emits :attr:`qr_entered` with the scanned text, or :attr:`id_birth_entered` with the ID
    number and the birth date. :meth:`clear` empties both boxes (on wipe)."""

    qr_entered = Signal(str)
    id_birth_entered = Signal(str, object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("key_entry")
        self.id_box = QtWidgets.QLineEdit(self)
        self.id_box.setObjectName("key_id")
        self.id_box.setMaxLength(2000)  # a QR payload comes through here too
        self.birth_box = QtWidgets.QLineEdit(self)
        self.birth_box.setObjectName("key_birth")
        self.birth_box.setMaxLength(10)
        self.submit_button = QtWidgets.QPushButton(self)
        self.submit_button.setProperty("role", "primary")
        self.error = QtWidgets.QLabel(self)
        self.error.setObjectName("key_error")
        self.error.setProperty("severity", "error")
        self.error.setMargin(4)
        self.error.setWordWrap(True)
        self.error.hide()
        self._id_label = QtWidgets.QLabel(self)
        self._birth_label = QtWidgets.QLabel(self)
        self._id_label.setBuddy(self.id_box)
        self._birth_label.setBuddy(self.birth_box)

        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self._id_label, 0, 0)
        grid.addWidget(self.id_box, 0, 1)
        grid.addWidget(self._birth_label, 1, 0)
        grid.addWidget(self.birth_box, 1, 1)
        grid.addWidget(self.submit_button, 2, 1)
        grid.addWidget(self.error, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        self.id_box.returnPressed.connect(self._on_id_return)
        self.birth_box.returnPressed.connect(self._submit)
        self.submit_button.clicked.connect(self._submit)
        self.retranslate()

    def take_scan(self, text: str) -> bool:
        """A keystroke typed outside the boxes (a QR wedge scanner starts typing): move it to
        the first box, emptied, so the whole code lands there. False when it is not for us."""
        focus = QtWidgets.QApplication.focusWidget()
        typing = focus is not None and self.isAncestorOf(focus)
        if not text or not text.isprintable() or not self.isVisible() or typing:
            return False
        self.focus()
        self.id_box.clear()  # a new scan starts from an empty box
        self.id_box.insert(text)
        return True

    def clear(self) -> None:
        self.id_box.clear()
        self.birth_box.clear()
        self.error.clear()
        self.error.hide()

    def focus(self) -> None:
        self.id_box.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    def _on_id_return(self) -> None:
        text = self.id_box.text()
        if "|" in text:  # a QR code's fields are separated by '|'
            self.id_box.clear()
            self.error.hide()
            self.qr_entered.emit(text)
            return
        if _ID_RE.match(text.strip()) and not self.birth_box.text().strip():
            self.birth_box.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
            return
        self._submit()

    def _submit(self) -> None:
        id_number = re.sub(r"\s", "", self.id_box.text())
        if "|" in id_number:
            self._on_id_return()
            return
        if not _ID_RE.match(id_number):
            self._show_error(self.tr("Số định danh gồm đúng 12 chữ số."))
            self.id_box.setFocus()
            return
        try:
            birth = parse_date(self.birth_box.text(), what="date_of_birth")
        except RecordError:
            self._show_error(self.tr("Ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/1999."))
            self.birth_box.setFocus()
            return
        if birth > date.today():
            self._show_error(self.tr("Ngày sinh không thể ở tương lai."))
            return
        self.error.hide()
        self.id_birth_entered.emit(id_number, birth)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def retranslate(self) -> None:
        self._id_label.setText(self.tr("Số định danh / mã QR"))
        self._birth_label.setText(self.tr("Ngày sinh"))
        self.id_box.setPlaceholderText(self.tr("Quét mã QR trên thẻ, hoặc gõ 12 chữ số"))
        self.birth_box.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.submit_button.setText(self.tr("Mở chip (Enter)"))

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            guarded(self.retranslate, "retranslate")
        super().changeEvent(event)


class DeskTopBar(QtWidgets.QFrame):
    """Title, the offline banner (with the outbox depth) and the VI | EN switch."""

    def __init__(self, controller: QtCore.QObject, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("desk_top_bar")
        self.title = RoomyLabel(self)
        self.title.setObjectName("subtitle")
        self.subtitle = QtWidgets.QLabel(self)
        self.subtitle.setObjectName("hint")
        self.banner = OfflineBanner(controller, self, show_dead=True)  # type: ignore[arg-type]
        self.idle = IdleNotice(controller, self)
        self.language = LanguageSwitch(self)
        titles = QtWidgets.QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addLayout(titles)
        row.addStretch(1)
        row.addWidget(self.banner, 4)
        row.addWidget(self.idle, 4)
        row.addWidget(self.language)


class ActivityWatcher(QtCore.QObject):
    """Calls ``on_activity`` (at most once a second) for every key press, click, wheel or touch
    in ``window``: the controller's idle timer restarts while the officer works."""

    EVENTS = (
        QtCore.QEvent.Type.KeyPress,
        QtCore.QEvent.Type.MouseButtonPress,
        QtCore.QEvent.Type.Wheel,
        QtCore.QEvent.Type.TouchBegin,
    )

    def __init__(self, window: QtWidgets.QWidget, on_activity: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._on_activity = on_activity
        self._last = -1.0
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        try:
            if (
                event.type() in self.EVENTS
                and isinstance(watched, QtWidgets.QWidget)
                and watched.window() is self._window
            ):
                now = time.monotonic()
                if now - self._last >= 1.0:
                    self._last = now
                    self._on_activity()
        except Exception as exc:  # never eat the event: an exception here would
            _log.error("activity watcher: %s", type(exc).__name__)
        return False


class IdleNotice(QtWidgets.QLabel):
    """ "The session will be wiped in N s" from the controller's ``idle_warning``; hidden at 0."""

    def __init__(self, controller: QtCore.QObject, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("idle_notice")
        self.setProperty("severity", "warning")
        self.setMargin(6)
        self.setWordWrap(True)
        self._seconds = 0
        controller.idle_warning.connect(self.set_seconds)  # type: ignore[attr-defined]
        self.hide()

    @property
    def seconds(self) -> int:
        return self._seconds

    def set_seconds(self, seconds: int) -> None:
        self._seconds = max(0, int(seconds))
        self.retranslate()

    def retranslate(self) -> None:
        if self._seconds <= 0:
            self.clear()
            self.hide()
            return
        self.setText(
            self.tr(
                "Không thấy thao tác: phiên sẽ tự xóa sau %n giây. Bấm phím bất kỳ để tiếp tục.",
                "",
                self._seconds,
            )
        )
        self.show()

    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            guarded(self.retranslate, "retranslate")
        super().changeEvent(event)
