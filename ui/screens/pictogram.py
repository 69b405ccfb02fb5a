"""Pictograms drawn with QPainter: a card going onto a reader, and a QR code going to a scanner.

Drawn, not bitmaps: crisp at any kiosk resolution, no image assets to ship.
"""

from __future__ import annotations

from typing import Literal

from ui.guard import never_raises
from ui.qt import Qt, QtCore, QtGui, QtWidgets

Kind = Literal["card", "qr", "card_and_qr"]

INK = QtGui.QColor("#0b5394")
PALE = QtGui.QColor("#dcebf7")
GOLD = QtGui.QColor("#c9a227")


class Pictogram(QtWidgets.QWidget):
    """``kind="card"``: a chip card above a reader; ``"qr"``: a QR code; ``"card_and_qr"``: both."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, *, kind: Kind = "card") -> None:
        super().__init__(parent)
        self.setObjectName("pictogram")
        self._kind: Kind = kind
        self.setMinimumSize(220, 120)  # grows into the room a screen has (720 px tall kiosks)
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Expanding
        )

    @property
    def kind(self) -> Kind:
        return self._kind

    def set_kind(self, kind: Kind) -> None:
        self._kind = kind
        self.update()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(520, 140)  # Expanding: it takes whatever room the screen has

    @never_raises(None)
    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        rect = QtCore.QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if self._kind == "card_and_qr":
            left = QtCore.QRectF(rect.left(), rect.top(), rect.width() * 0.62, rect.height())
            right = QtCore.QRectF(left.right(), rect.top(), rect.width() * 0.38, rect.height())
            self._card(painter, left)
            self._qr(painter, right.adjusted(right.width() * 0.1, 0, 0, 0))
        elif self._kind == "qr":
            self._qr(painter, rect)
        else:
            self._card(painter, rect)
        painter.end()

    @staticmethod
    def _fit(rect: QtCore.QRectF, ratio: float) -> QtCore.QRectF:
        """The largest rectangle of width/height ``ratio`` centred in ``rect``."""
        w = min(rect.width(), rect.height() * ratio)
        h = w / ratio
        return QtCore.QRectF(rect.center().x() - w / 2, rect.center().y() - h / 2, w, h)

    def _card(self, painter: QtGui.QPainter, rect: QtCore.QRectF) -> None:
        box = self._fit(rect, 1.6)
        unit = box.width() / 16
        # The reader: a flat box with a contactless symbol.
        reader = QtCore.QRectF(box.left() + unit, box.bottom() - 3.2 * unit, 14 * unit, 3 * unit)
        painter.setPen(QtGui.QPen(INK, max(unit * 0.25, 2)))
        painter.setBrush(PALE)
        painter.drawRoundedRect(reader, unit * 0.6, unit * 0.6)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        centre = QtCore.QPointF(reader.right() - 2.2 * unit, reader.center().y())
        for r in (0.5, 0.9, 1.3):
            arc = QtCore.QRectF(
                centre.x() - r * unit, centre.y() - r * unit, 2 * r * unit, 2 * r * unit
            )
            painter.drawArc(arc, -45 * 16, 90 * 16)
        # The card, tilted above the reader, with its chip.
        painter.save()
        painter.translate(box.left() + 8 * unit, box.top() + 4.2 * unit)
        painter.rotate(-6)
        card = QtCore.QRectF(-5.5 * unit, -3.5 * unit, 11 * unit, 7 * unit)
        painter.setBrush(QtGui.QColor("white"))
        painter.drawRoundedRect(card, unit * 0.7, unit * 0.7)
        chip = QtCore.QRectF(
            card.left() + 1.2 * unit, card.top() + 2.2 * unit, 2.2 * unit, 1.7 * unit
        )
        painter.setBrush(GOLD)
        painter.drawRoundedRect(chip, unit * 0.3, unit * 0.3)
        painter.setBrush(PALE)
        photo = QtCore.QRectF(
            card.right() - 3.4 * unit, card.top() + 1.6 * unit, 2.4 * unit, 3 * unit
        )
        painter.drawRect(photo)
        for i in range(3):
            y = card.top() + (4.6 + i * 0.8) * unit
            painter.drawLine(
                QtCore.QPointF(card.left() + 1.2 * unit, y),
                QtCore.QPointF(card.left() + (6.5 - i) * unit, y),
            )
        painter.restore()
        # A downward arrow between card and reader.
        painter.setBrush(INK)
        x = box.left() + 8 * unit
        top = box.top() + 8.3 * unit
        arrow = QtGui.QPolygonF(
            [
                QtCore.QPointF(x - 0.9 * unit, top),
                QtCore.QPointF(x + 0.9 * unit, top),
                QtCore.QPointF(x, top + 1.0 * unit),
            ]
        )
        painter.drawPolygon(arrow)

    #: The QR pictogram: 11 modules across plus a quiet zone of one module on each side (a real
    #: code needs four; one keeps the finders off the box's edge at pictogram size).
    QR_MODULES = 11
    QR_QUIET = 1

    @classmethod
    def qr_geometry(cls, rect: QtCore.QRectF) -> tuple[QtCore.QRectF, float]:
        """(the white box, the module size) of the QR pictogram drawn in ``rect``."""
        box = cls._fit(rect, 1.0).adjusted(4, 4, -4, -4)
        return box, box.width() / (cls.QR_MODULES + 2 * cls.QR_QUIET)

    def _qr(self, painter: QtGui.QPainter, rect: QtCore.QRectF) -> None:
        box, cell = self.qr_geometry(rect)
        painter.setPen(QtGui.QPen(INK, 2))
        painter.setBrush(QtGui.QColor("white"))
        painter.drawRect(box)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(INK)
        left = box.left() + self.QR_QUIET * cell
        top = box.top() + self.QR_QUIET * cell
        size = 3.0  # finder pattern, in modules
        far = self.QR_MODULES - size
        for fx, fy in ((0.0, 0.0), (far, 0.0), (0.0, far)):
            outer = QtCore.QRectF(left + fx * cell, top + fy * cell, size * cell, size * cell)
            painter.drawRect(outer)
            painter.setBrush(QtGui.QColor("white"))
            painter.drawRect(outer.adjusted(cell * 0.5, cell * 0.5, -cell * 0.5, -cell * 0.5))
            painter.setBrush(INK)
            painter.drawRect(outer.adjusted(cell, cell, -cell, -cell))
        pattern = 0x5A3C96E1B7D24F08
        for i in range(42):
            if pattern >> (i % 64) & 1:
                x = 4 + i % 7
                y = 4 + i // 7
                if y >= self.QR_MODULES:
                    continue
                painter.drawRect(
                    QtCore.QRectF(left + x * cell, top + y * cell, cell * 0.9, cell * 0.9)
                )
