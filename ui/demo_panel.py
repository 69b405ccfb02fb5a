"""The demo panel: a small always-on-top side bar that plays the world around the application.

In ``kiosk --demo`` there is no reader, no card and no intake server to unplug: this panel is
the visitor's hands. It places the built-in virtual card on the virtual reader and takes it off,
shows the card's QR code to the "scanner" (or another person's, to see the wrong-card screen),
unplugs and replugs the reader, and takes the demo intake server off line and back, so every
screen of the flow, the failure screens included, can be reached by clicking.

It talks only to the demo environment's virtual reader and intake server and to the controller's
public methods, exactly as the hardware would; it never reads or keeps personal data itself.
"""

from __future__ import annotations

from typing import Protocol

from ui.guard import never_raises
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Slot

# Another invented citizen's QR (LÊ THỊ THỬ, cardreader.emulator.fake_card.DEMO_CITIZEN_FEMALE),
# as a scanner types it: showing it and then placing the demo card gives the wrong-keys screen.
OTHER_PERSON_QR = (
    "079186004321|023456789|Lê Thị Thử|02091986|Nữ|"
    "123 Đường Thử Nghiệm, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|01102024"
)


class VirtualReader(Protocol):
    """What the panel needs of the demo reader (kiosk.readers.VirtualBackend)."""

    def place(self) -> object: ...
    def remove(self) -> object: ...
    def unplug(self) -> object: ...
    def replug(self) -> object: ...


class DemoEnvironment(Protocol):
    """What the panel needs of the demo environment (kiosk.environment.AppEnvironment)."""

    @property
    def virtual(self) -> VirtualReader | None: ...
    @property
    def services(self) -> object | None: ...

    def set_network(self, online: bool) -> None: ...


class DemoController(Protocol):
    """The controller methods and signals the panel uses (ui.controller.SessionController)."""

    @property
    def card_inserted(self) -> QtCore.SignalInstance: ...
    @property
    def card_removed(self) -> QtCore.SignalInstance: ...
    @property
    def readers_changed(self) -> QtCore.SignalInstance: ...

    def provide_qr_text(self, text: str) -> None: ...
    def user_activity(self) -> None: ...


class DemoPanel(QtWidgets.QFrame):
    """Buttons standing in for the citizen's hands, the reader's cable and the network.

    ``DemoPanel(controller, env)``: ``env`` is the demo environment (its virtual reader and its
    local intake server, switched with ``env.set_network``); ``qr_text`` is the demo card's QR as
    a scanner types it (default ``kiosk.environment.demo_qr_text()``). Without a parent it is
    its own small always-on-top tool window.
    """

    def __init__(
        self,
        controller: DemoController,
        env: DemoEnvironment,
        parent: QtWidgets.QWidget | None = None,
        *,
        qr_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        reader = env.virtual
        if reader is None:
            raise ValueError("the demo panel needs the demo environment's virtual reader")
        if qr_text is None:
            from kiosk.environment import demo_qr_text

            qr_text = demo_qr_text()
        self.setObjectName("demo_panel")
        if parent is None:
            self.setWindowFlags(
                Qt.WindowType.Tool
                | Qt.WindowType.WindowStaysOnTopHint
                | Qt.WindowType.WindowDoesNotAcceptFocus
            )
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._controller = controller
        self._reader = reader
        self._env = env
        self._has_network = env.services is not None
        self._qr_text = qr_text
        self._card_on_reader = False
        self._plugged = True
        self._online = True

        self.title = QtWidgets.QLabel()
        self.title.setObjectName("subtitle")
        self.title.setWordWrap(True)
        self.explanation = QtWidgets.QLabel()
        self.explanation.setObjectName("hint")
        self.explanation.setWordWrap(True)
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("hint")

        self.place_button = self._button("primary", self._place)
        self.remove_button = self._button("secondary", self._remove)
        self.qr_button = self._button("primary", self._show_qr)
        self.other_qr_button = self._button("secondary", self._show_other_qr)
        self.unplug_button = self._button("danger", self._unplug)
        self.replug_button = self._button("secondary", self._replug)
        self.offline_button = self._button("danger", self._go_offline)
        self.online_button = self._button("secondary", self._go_online)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        for group in (
            (self.place_button, self.remove_button),
            (self.qr_button, self.other_qr_button),
            (self.unplug_button, self.replug_button),
            (self.offline_button, self.online_button),
        ):
            layout.addSpacing(6)
            for button in group:
                layout.addWidget(button)
        layout.addStretch(1)
        layout.addWidget(self.status)
        self.setMinimumWidth(300)

        controller.card_inserted.connect(self._on_card_inserted)
        controller.card_removed.connect(self._on_card_removed)
        controller.readers_changed.connect(self._on_readers_changed)
        self.retranslate()
        self._refresh()

    # --- building ---------------------------------------------------------------------------

    def _button(self, role: str, slot: object) -> QtWidgets.QPushButton:
        button = QtWidgets.QPushButton()
        button.setProperty("role", role)
        button.setMinimumHeight(48)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never steal the kiosk's focused field
        button.clicked.connect(slot)
        return button

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Trình diễn / Demo"))
        self.title.setText(self.tr("Chế độ trình diễn"))
        self.explanation.setText(
            self.tr("Thẻ ảo của công dân giả NGUYỄN VĂN THỬ; không cần đầu đọc thật.")
        )
        self.place_button.setText(self.tr("Đặt thẻ ảo lên đầu đọc"))
        self.remove_button.setText(self.tr("Lấy thẻ ra"))
        self.qr_button.setText(self.tr("Đưa mã QR trên thẻ"))
        self.other_qr_button.setText(self.tr("Đưa mã QR của người khác"))
        self.unplug_button.setText(self.tr("Rút đầu đọc"))
        self.replug_button.setText(self.tr("Cắm lại đầu đọc"))
        self.offline_button.setText(self.tr("Mất mạng"))
        self.online_button.setText(self.tr("Có mạng trở lại"))
        self._refresh()

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- state ------------------------------------------------------------------------------

    @property
    def card_on_reader(self) -> bool:
        return self._card_on_reader

    @property
    def plugged(self) -> bool:
        return self._plugged

    @property
    def online(self) -> bool:
        return self._online

    def _refresh(self) -> None:
        self.place_button.setEnabled(self._plugged and not self._card_on_reader)
        self.remove_button.setEnabled(self._plugged and self._card_on_reader)
        self.unplug_button.setEnabled(self._plugged)
        self.replug_button.setEnabled(not self._plugged)
        has_network = self._has_network
        self.offline_button.setEnabled(has_network and self._online)
        self.online_button.setEnabled(has_network and not self._online)
        reader = (
            (self.tr("thẻ đang trên đầu đọc") if self._card_on_reader else self.tr("không có thẻ"))
            if self._plugged
            else self.tr("đầu đọc đã rút")
        )
        network = self.tr("có mạng") if self._online else self.tr("mất mạng")
        self.status.setText(
            self.tr("Đầu đọc: %1").replace("%1", reader)
            + "\n"
            + self.tr("Mạng: %1").replace("%1", network)
        )

    # --- actions (each is one thing the visitor's hands or the cable would do) ---------------

    @Slot()
    def _place(self) -> None:
        self._controller.user_activity()
        self._reader.place()
        self._card_on_reader = True
        self._refresh()

    @Slot()
    def _remove(self) -> None:
        self._controller.user_activity()
        self._reader.remove()
        self._card_on_reader = False
        self._refresh()

    @Slot()
    def _show_qr(self) -> None:
        self._controller.user_activity()
        self._controller.provide_qr_text(self._qr_text)

    @Slot()
    def _show_other_qr(self) -> None:
        self._controller.user_activity()
        self._controller.provide_qr_text(OTHER_PERSON_QR)

    @Slot()
    def _unplug(self) -> None:
        self._reader.unplug()
        self._plugged = False
        self._refresh()

    @Slot()
    def _replug(self) -> None:
        self._reader.replug()
        self._plugged = True
        self._refresh()

    @Slot()
    def _go_offline(self) -> None:
        if not self._has_network:
            return
        self._env.set_network(False)
        self._online = False
        self._refresh()

    @Slot()
    def _go_online(self) -> None:
        if not self._has_network:
            return
        self._env.set_network(True)
        self._online = True
        self._refresh()

    # --- what the reader reports (the card may also leave by itself: unplug, a failed read) ---

    @Slot(str)
    def _on_card_inserted(self, _reader: str) -> None:
        self._card_on_reader = True
        self._refresh()

    @Slot(str)
    def _on_card_removed(self, _reader: str) -> None:
        self._card_on_reader = False
        self._refresh()

    @Slot(list)
    def _on_readers_changed(self, readers: list[str]) -> None:
        self._plugged = bool(readers)
        if not readers:
            self._card_on_reader = False
        self._refresh()


def place_beside(panel: QtWidgets.QWidget, window: QtWidgets.QWidget) -> None:
    """Put the panel at the right edge of the screen the window is on, vertically centred."""
    screen = window.screen() or QtGui.QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    panel.adjustSize()
    size = panel.sizeHint().expandedTo(panel.minimumSizeHint())
    x = area.right() - size.width() - 16
    y = area.top() + max(0, (area.height() - size.height()) // 2)
    panel.move(x, y)
