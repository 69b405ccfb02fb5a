"""Choose a procedure: one big card per procedure offered at this site (title, agency)."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.procedures.model import Procedure
from ui.guard import never_raises
from ui.i18n import pick
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from ui.screens.parts import button, button_row, label, screen_layout, touch_scrolling

CARD_MIN_PX = 110


class ProceduresScreen(QtWidgets.QWidget):
    procedure_chosen = Signal(str)
    back_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen_procedures")
        layout = screen_layout(self)
        self.title = label(self, "title")
        self.subtitle = label(self, "subtitle")
        self._grid_host = QtWidgets.QWidget(self)
        self._grid = QtWidgets.QGridLayout(self._grid_host)
        self._grid.setSpacing(16)
        scroll = QtWidgets.QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        touch_scrolling(scroll)
        scroll.setWidget(self._grid_host)
        self.back_button = button(self, "secondary", name="back")
        self.end_button = button(self, "secondary", name="end")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(scroll, 1)
        layout.addLayout(button_row(self.back_button, self.end_button))
        self.back_button.clicked.connect(self.back_requested)
        self.end_button.clicked.connect(self.end_requested)
        self._procedures: tuple[Procedure, ...] = ()
        self._cards: dict[str, QtWidgets.QPushButton] = {}
        self._texts: dict[str, tuple[QtWidgets.QLabel, QtWidgets.QLabel]] = {}
        self.retranslate()

    def set_procedures(self, procedures: Sequence[Procedure]) -> None:
        if tuple(p.id for p in procedures) == tuple(p.id for p in self._procedures):
            return
        for card in self._cards.values():
            self._grid.removeWidget(card)
            card.deleteLater()
        self._cards = {}
        self._texts = {}
        self._procedures = tuple(procedures)
        columns = 2
        for index, procedure in enumerate(self._procedures):
            card = QtWidgets.QPushButton(self._grid_host)
            card.setObjectName("procedure_card")
            card.setProperty("role", "secondary")
            card.setProperty("procedure", procedure.id)
            card.setMinimumHeight(CARD_MIN_PX)
            card.setSizePolicy(
                QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Minimum
            )
            # QPushButton does not wrap its text: two word-wrapped labels inside it instead.
            inner = QtWidgets.QVBoxLayout(card)
            inner.setContentsMargins(16, 10, 16, 10)
            title = label(card, "card_title")
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            agency = label(card, "hint")
            for text in (title, agency):
                text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                inner.addWidget(text)
            inner.addStretch(1)
            card.clicked.connect(lambda _=False, pid=procedure.id: self.procedure_chosen.emit(pid))
            self._grid.addWidget(card, index // columns, index % columns)
            card.show()  # added to a parent that may already be on screen
            self._cards[procedure.id] = card
            self._texts[procedure.id] = (title, agency)
        self._grid.setRowStretch(len(self._procedures) // columns + 1, 1)
        self.retranslate()

    def card(self, procedure_id: str) -> QtWidgets.QPushButton:
        return self._cards[procedure_id]

    def set_can_go_back(self, possible: bool) -> None:
        self.back_button.setVisible(possible)

    def clear(self) -> None:
        """Nothing personal is shown here (the list stays for the next citizen)."""

    def prompt(self) -> str:
        return self.title.text()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Chọn thủ tục"))
        self.subtitle.setText(self.tr("Bạn muốn làm thủ tục nào? Chạm vào một ô."))
        self.back_button.setText(self.tr("Quay lại"))
        self.end_button.setText(self.tr("Kết thúc"))
        for procedure in self._procedures:
            title, agency = self._texts[procedure.id]
            title.setText(pick(procedure.title.vi, procedure.title.en))
            agency.setText(pick(procedure.agency.vi, procedure.agency.en))
            self._cards[procedure.id].setAccessibleName(title.text())
        QtCore.QTimer.singleShot(0, self, self._fit_cards)

    def _fit_cards(self) -> None:
        """Each card as tall as its wrapped texts need at its current width."""
        for card in self._cards.values():
            inner = card.layout()
            if inner is not None and inner.hasHeightForWidth() and card.width() > 0:
                card.setMinimumHeight(max(CARD_MIN_PX, inner.heightForWidth(card.width())))

    @never_raises(None)
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        QtCore.QTimer.singleShot(0, self, self._fit_cards)

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
