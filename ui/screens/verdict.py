"""The verification verdict in plain words, never a silent green: genuine / data altered /
unknown issuer / possible clone / unverified (QR only), each with what it means for the citizen
and what to do. Continuing is offered only when the data can be used."""

from __future__ import annotations

from cardreader.verify.verdict import CardVerdict
from kiosk.record import CitizenRecord
from ui.guard import never_raises
from ui.qt import QtCore, QtGui, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, relayout, screen_layout
from ui.theme import repolish
from ui.widgets.citizen_panel import CitizenPanel
from ui.widgets.verdict_badge import BadgeVerdict, VerdictBadge

SHOWN_FIELDS = ("full_name", "id_number", "date_of_birth")
#: Verdicts with which the citizen may go on to a procedure.
USABLE: frozenset[str] = frozenset({"genuine", "unknown_issuer", "unverified"})


class VerdictScreen(QtWidgets.QWidget):
    continue_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_verdict")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.badge = VerdictBadge(self, show_details=False)
        # Body size (not subtitle): the words, the citizen and the buttons fit 1280x720.
        self.meaning = label(self)
        self.action = label(self)
        self.panel = CitizenPanel(self, density="desk", fields=SHOWN_FIELDS)
        self.panel.badge.setVisible(False)
        self.end_button = button(self, "secondary", name="end")
        self.continue_button = button(self, "primary", name="continue")
        layout.addWidget(self.title)
        layout.addWidget(self.badge)
        layout.addWidget(self.meaning)
        layout.addWidget(self.action)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        layout.addLayout(button_row(self.end_button, self.continue_button))
        self.continue_button.clicked.connect(self.continue_requested)
        self.end_button.clicked.connect(self.end_requested)
        self._verdict: BadgeVerdict | None = None
        self._chip_verified = False
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    @property
    def verdict(self) -> BadgeVerdict | None:
        return self._verdict

    def set_verdict(self, verdict: CardVerdict | None) -> None:
        """The chip's verdict; None = the data came from the QR code only (unverified)."""
        self.badge.set_verdict(verdict)
        self._verdict = "unverified" if verdict is None else verdict.verdict
        self._chip_verified = verdict is not None and verdict.chip_verified
        self.setProperty("verdict", self._verdict)
        self.retranslate()
        relayout(self)

    def set_record(self, record: CitizenRecord) -> None:
        self.panel.set_record(record)
        self.panel.badge.setVisible(False)

    def set_face(self, image: QtGui.QImage) -> None:
        self.panel.set_face(image)

    def can_continue(self) -> bool:
        return self._verdict in USABLE

    def clear(self) -> None:
        self._verdict = None
        self._chip_verified = False
        self.badge.clear()
        self.panel.clear()
        self.panel.badge.setVisible(False)
        self.meaning.clear()
        self.action.clear()
        self.retranslate()

    def prompt(self) -> str:
        return self.badge.headline()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("Kết quả kiểm tra thẻ"))
        self.end_button.setText(self.tr("Kết thúc"))
        self.continue_button.setText(self.tr("Tiếp tục"))
        usable = self.can_continue()
        self.continue_button.setVisible(usable)
        role = "secondary" if usable else "primary"
        if self.end_button.property("role") != role:
            self.end_button.setProperty("role", role)
            repolish(self.end_button)
        verdict = self._verdict
        if verdict is None:
            return
        meaning, action = self._texts(verdict)
        self.meaning.setText(meaning)
        self.action.setText(action)

    def _texts(self, verdict: BadgeVerdict) -> tuple[str, str]:
        if verdict == "genuine":
            # Never a silent green: say what was checked, and what could not be.
            if self._chip_verified:
                checked = self.tr(
                    "Máy đã kiểm tra chữ ký số của cơ quan cấp thẻ và chip đã chứng minh là "
                    "chip gốc."
                )
            else:
                checked = self.tr(
                    "Máy đã kiểm tra chữ ký số của cơ quan cấp thẻ: dữ liệu không bị sửa. "
                    "Thẻ này không hỗ trợ kiểm tra chip gốc."
                )
            filled = self.tr("Các ô lấy từ chip được điền sẵn, bạn không cần nhập lại.")
            return f"{checked} {filled}", self.tr("Bấm “Tiếp tục” để chọn thủ tục.")
        if verdict == "unknown_issuer":
            return (
                self.tr(
                    "Dữ liệu trên chip không bị sửa, nhưng máy chưa xác minh được cơ quan "
                    "cấp thẻ. Hồ sơ vẫn được nhận; cán bộ sẽ đối chiếu thẻ của bạn."
                ),
                self.tr("Bấm “Tiếp tục” để chọn thủ tục. Hãy mang theo thẻ khi đến nhận kết quả."),
            )
        if verdict == "unverified":
            return (
                self.tr(
                    "Thông tin lấy từ mã QR in trên thẻ, chưa được xác thực bằng chip. "
                    "Bạn có thể sửa nếu có chỗ sai; cán bộ sẽ đối chiếu giấy tờ của bạn."
                ),
                self.tr("Bấm “Tiếp tục” để chọn thủ tục."),
            )
        if verdict == "data_altered":
            return (
                self.tr(
                    "Dữ liệu trên chip đã bị thay đổi hoặc bị hỏng, nên máy không thể dùng "
                    "để điền hồ sơ."
                ),
                self.tr(
                    "Hãy lấy lại thẻ và liên hệ cán bộ tại quầy. Nếu thẻ bị hỏng, "
                    "bạn có thể đề nghị cấp đổi thẻ tại cơ quan công an."
                ),
            )
        return (
            self.tr(
                "Chip không chứng minh được là chip gốc của thẻ, nên máy không thể dùng "
                "thông tin này."
            ),
            self.tr("Hãy liên hệ cán bộ tại quầy để được hỗ trợ."),
        )

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
