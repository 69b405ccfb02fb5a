"""The strip at the top of every screen that says whether submissions can reach the server.

Driven by the controller's ``connectivity_changed(ConnectivityStatus)`` signal:

- online and nothing waiting: hidden;
- online, submissions still going out: "Đang gửi N hồ sơ…" (info);
- offline: "Mất kết nối — N hồ sơ đang chờ gửi" (warning): the citizen's submission is saved
  and leaves by itself when the connection returns;
- the server refused the device's signature: "device not enrolled" (``unknown_device``) or
  "clock wrong" (``stale_timestamp``), an error for the operator to fix;
- with ``show_dead`` (operator and desk views, never the citizen's kiosk): the number of dead
  submissions that need an operator.

Only counts and states are kept, never personal data.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.outbox.connectivity import ConnectivityStatus, State
from ui.guard import never_raises
from ui.qt import QtCore, QtWidgets, Slot
from ui.theme import repolish

# Server error codes (``last_error`` is ``http_<status>:<code>``) meaning a wrong clock.
CLOCK_CODES = frozenset({"stale_timestamp"})
# … and meaning this device is unknown to the server.
ENROLMENT_CODES = frozenset({"unknown_device"})


class ConnectivitySource(Protocol):
    """What the banner needs of the controller: its ``connectivity_changed`` signal."""

    @property
    def connectivity_changed(self) -> QtCore.SignalInstance: ...


def auth_problem_kind(status: ConnectivityStatus) -> str:
    """``"enrolment"``, ``"clock"`` or ``"auth"`` for a status with ``auth_problem``."""
    code = (status.last_error or "").partition(":")[2]
    if code in ENROLMENT_CODES:
        return "enrolment"
    if code in CLOCK_CODES:
        return "clock"
    return "auth"


class OfflineBanner(QtWidgets.QFrame):
    """Shows the connectivity and the outbox depth; hidden when all is well."""

    def __init__(
        self,
        controller: ConnectivitySource | None = None,
        parent: QtWidgets.QWidget | None = None,
        *,
        show_dead: bool = False,
        status: ConnectivityStatus | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offline_banner")
        self.setAutoFillBackground(True)
        self._show_dead = show_dead
        self._status = status
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 12, 0)  # the frame has its padding (ui/theme.py)
        self.label = QtWidgets.QLabel(self)
        self.label.setObjectName("banner_text")
        self.label.setWordWrap(True)
        self.label.setAccessibleName("offline_banner_text")
        layout.addWidget(self.label, 1)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                           QtWidgets.QSizePolicy.Policy.Maximum)
        if controller is not None:
            controller.connectivity_changed.connect(self.set_status)
        self.retranslate()

    @property
    def status(self) -> ConnectivityStatus | None:
        return self._status

    @property
    def severity(self) -> str:
        """``""`` when hidden, else ``info``, ``warning`` or ``error``."""
        value = self.property("severity")
        return value if isinstance(value, str) else ""

    @Slot(object)
    def set_status(self, status: ConnectivityStatus) -> None:
        self._status = status
        self.retranslate()

    def _message(self) -> tuple[str, str]:
        """(severity, text) for the current status; ("", "") when the banner hides."""
        st = self._status
        if st is None:
            return "", ""
        depth = st.queue_depth
        parts: list[str] = []
        severity = ""
        if st.auth_problem:
            severity = "error"
            kind = auth_problem_kind(st)
            if kind == "enrolment":
                parts.append(self.tr("Thiết bị chưa được đăng ký với máy chủ tiếp nhận"))
            elif kind == "clock":
                parts.append(self.tr("Đồng hồ của máy sai: máy chủ từ chối hồ sơ"))
            else:
                parts.append(self.tr("Máy chủ từ chối chữ ký của thiết bị"))
            if depth:
                parts.append(self.tr("%n hồ sơ đang chờ gửi", "", depth))
        elif st.state is State.OFFLINE:
            severity = "warning"
            if depth:
                parts.append(self.tr("Mất kết nối — %n hồ sơ đang chờ gửi", "", depth))
            else:
                parts.append(self.tr("Mất kết nối — hồ sơ sẽ được lưu và tự gửi khi có mạng"))
        elif depth:
            severity = "info"
            parts.append(self.tr("Đang gửi %n hồ sơ…", "", depth))
        if self._show_dead and st.dead:
            severity = severity if severity in ("error", "warning") else "warning"
            parts.append(self.tr("%n hồ sơ lỗi cần người vận hành xử lý", "", st.dead))
        return severity, " · ".join(parts)

    def retranslate(self) -> None:
        severity, text = self._message()
        self.label.setText(text)
        self.setProperty("severity", severity or None)
        self.setVisible(bool(text))
        repolish(self)
        repolish(self.label)

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
