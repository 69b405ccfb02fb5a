"""The card's verification verdict in plain words: what it means and what was checked.

Never a silent green (issue #6): every verdict is a sentence, not a colour, and "genuine" also
says which checks ran — the issuer's digital signature over the data (ICAO Doc 9303 part 11,
passive authentication) and whether the chip proved it is the original (chip or active
authentication). A record that came only from the printed QR code is ``unverified``: the QR is
not signed.

The widget sets the dynamic property ``verdict`` (a :data:`cardreader.verify.verdict.Verdict`
value, ``"unverified"``, or ``""`` while nothing is known) for ``ui/theme.py`` to colour; the
icon glyph and the words carry the meaning on their own.
"""

from __future__ import annotations

import logging
from typing import Literal

from cardreader.verify.verdict import CardVerdict
from ui.guard import never_raises
from ui.qt import Qt, QtCore, QtWidgets

_log = logging.getLogger(__name__)

BadgeVerdict = Literal["genuine", "data_altered", "unknown_issuer", "clone_suspected", "unverified"]
BADGE_VERDICTS: tuple[BadgeVerdict, ...] = (
    "genuine",
    "data_altered",
    "unknown_issuer",
    "clone_suspected",
    "unverified",
)
# A glyph per verdict, so that the meaning never rests on colour (DejaVu Sans has all of them).
ICONS: dict[str, str] = {
    "genuine": "✔",
    "data_altered": "✖",
    "unknown_issuer": "?",
    "clone_suspected": "⚠",
    "unverified": "!",
}


class VerdictBadge(QtWidgets.QFrame):
    """A verdict headline with a details line; hidden until a verdict is set."""

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, *, show_details: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verdict_badge")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self._verdict: BadgeVerdict | None = None
        self._chip_verified = False
        self._not_read: tuple[str, ...] = ()
        self._show_details = show_details

        self._icon = QtWidgets.QLabel(self)
        self._icon.setObjectName("verdict_icon")
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self._icon.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self._icon.setFont(font)
        self._icon.setMinimumWidth(36)
        self._headline = QtWidgets.QLabel(self)
        self._headline.setObjectName("verdict_headline")
        self._headline.setWordWrap(True)
        bold = self._headline.font()
        bold.setBold(True)
        self._headline.setFont(bold)
        self._details = QtWidgets.QLabel(self)
        self._details.setObjectName("verdict_details")
        self._details.setWordWrap(True)
        self._details.setVisible(show_details)

        text = QtWidgets.QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self._headline)
        text.addWidget(self._details)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

        self._apply_property("")
        self.setVisible(False)
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    def set_verdict(self, verdict: CardVerdict | None) -> None:
        """Show ``verdict``; ``None`` means the record is from the QR code only (unverified)."""
        if verdict is None:
            self._verdict = "unverified"
            self._chip_verified = False
            self._not_read = ()
        else:
            self._verdict = verdict.verdict
            self._chip_verified = verdict.chip_verified
            self._not_read = tuple(verdict.passive.not_verified)
        self._apply_property(self._verdict)
        self.setVisible(True)
        self.retranslate()

    def set_unverified(self) -> None:
        """The data came from the printed QR code only: not signed, not verified."""
        self.set_verdict(None)

    def clear(self) -> None:
        """Forget the verdict (on wipe) and hide."""
        self._verdict = None
        self._chip_verified = False
        self._not_read = ()
        self._headline.clear()
        self._details.clear()
        self._icon.clear()
        self._apply_property("")
        self.setVisible(False)

    @property
    def verdict(self) -> BadgeVerdict | None:
        return self._verdict

    def headline(self) -> str:
        return self._headline.text()

    def details(self) -> str:
        return self._details.text()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        verdict = self._verdict
        if verdict is None:
            return
        self._icon.setText(ICONS[verdict])
        self._headline.setText(self._headline_text(verdict))
        self._details.setText(self._details_text(verdict))
        self.setAccessibleName(self._headline.text())
        self.setToolTip(self._details.text())

    def _headline_text(self, verdict: BadgeVerdict) -> str:
        if verdict == "genuine":
            return self.tr("Thẻ thật: dữ liệu đúng như cơ quan cấp đã ký")
        if verdict == "data_altered":
            return self.tr("Dữ liệu trên chip đã bị thay đổi hoặc hỏng")
        if verdict == "unknown_issuer":
            return self.tr("Chữ ký hợp lệ, nhưng chưa xác minh được cơ quan cấp")
        if verdict == "clone_suspected":
            return self.tr("Nghi ngờ thẻ sao chép")
        return self.tr("Chưa xác thực: dữ liệu từ mã QR in trên thẻ")

    def _details_text(self, verdict: BadgeVerdict) -> str:
        if verdict == "genuine":
            checked = self.tr("Đã kiểm tra: chữ ký số của cơ quan cấp, dữ liệu không bị sửa.")
            if self._chip_verified:
                chip = self.tr("Chip đã chứng minh là chip gốc.")
            else:
                chip = self.tr("Thẻ không hỗ trợ kiểm tra chip gốc: chưa loại trừ thẻ sao chép.")
            text = f"{checked} {chip}"
            if self._not_read:
                text += " " + self.tr("Chưa đọc: %1.").replace("%1", ", ".join(self._not_read))
            return text
        if verdict == "data_altered":
            return self.tr(
                "Không dùng dữ liệu này. Đối chiếu thẻ bằng mắt; đề nghị công dân liên hệ "
                "cơ quan công an."
            )
        if verdict == "unknown_issuer":
            return self.tr(
                "Dữ liệu không bị sửa, nhưng chứng thư của cơ quan cấp chưa có trong kho tin "
                "cậy. Đối chiếu thẻ bằng mắt."
            )
        if verdict == "clone_suspected":
            return self.tr(
                "Dữ liệu có chữ ký, nhưng chip không chứng minh được là chip gốc. Giữ thẻ lại "
                "và báo cán bộ phụ trách."
            )
        return self.tr("Mã QR không được ký số: đối chiếu các thông tin với thẻ.")

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            try:  # an exception escaping a Qt override crashes PySide 6.12: log the type only
                self.retranslate()
            except Exception as exc:
                _log.error("verdict badge: retranslate failed (%s)", type(exc).__name__)
        super().changeEvent(event)

    def _apply_property(self, value: str) -> None:
        # On the frame only: ui/theme.py draws a border and background for every widget that
        # carries the property, and the labels inside must not get one each.
        self.setProperty("verdict", value)
        style = self.style()
        style.unpolish(self)
        style.polish(self)
        self.update()
