"""The citizen as read from the card: photo, name, ID number, birth date, sex, residence…, each
value with where it came from (a "verified from the chip" mark, or QR / typed), and the verdict.

Used beside the form at the counter, as the big patient panel at the clinic and by the kiosk's
reading screen. It keeps the record only to re-render on a language change; :meth:`clear`
(called on the controller's ``wiped``) forgets every value, the photo and the record.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Literal

from cardreader.verify.verdict import CardVerdict
from kiosk.record import FIELDS, CitizenRecord, RecordField, Source
from ui.guard import never_raises
from ui.qt import QObject, Qt, QtCore, QtGui, QtWidgets
from ui.widgets.verdict_badge import VerdictBadge

_log = logging.getLogger(__name__)

Density = Literal["desk", "large"]

# What the panel shows by default, in this order (a subset of kiosk.record.FIELDS).
DEFAULT_FIELDS: tuple[str, ...] = (
    "full_name",
    "id_number",
    "date_of_birth",
    "sex",
    "nationality",
    "place_of_origin",
    "place_of_residence",
    "date_of_expiry",
)
# Phases past the read: a record without a verdict by then came from the QR code only.
QR_ONLY_PHASES = ("choose", "form", "review", "submitting", "done")
PHOTO_SIZE = {"desk": QtCore.QSize(120, 160), "large": QtCore.QSize(210, 280)}


def format_record_value(value: str | date) -> str:
    """dd/mm/yyyy for dates (Vietnamese usage); text as it is."""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return value


class RoomyLabel(QtWidgets.QLabel):
    """A QLabel with room above its first line for stacked Vietnamese diacritics.

    Capitals with two marks (Ễ, Ố, Ậ) rise above the font's ascent, and a QLabel clips what is
    drawn above its top edge: "NGUYỄN" would show as "NGUYÊN". The top margin follows the
    font the style sheet gives the label.
    """

    ROOM = 0.3  # of the ascent; DejaVu Sans' stacked marks reach about 1.25 ascents

    @never_raises(False)
    def event(self, event: QtCore.QEvent) -> bool:
        # An exception escaping a Qt virtual override crashes PySide 6.12 in shiboken's error
        # path: the overrides of the desk catch, log the type only (values may be personal).
        try:
            self._make_room(event)
        except Exception as exc:
            _log.error("label: %s", type(exc).__name__)
        return super().event(event)

    def _make_room(self, event: QtCore.QEvent) -> None:
        if event.type() in (
            QtCore.QEvent.Type.FontChange,
            QtCore.QEvent.Type.StyleChange,
            QtCore.QEvent.Type.Polish,
        ):
            room = int(QtGui.QFontMetrics(self.font()).ascent() * self.ROOM + 0.5)
            margins = self.contentsMargins()
            if margins.top() != room:
                self.setContentsMargins(margins.left(), room, margins.right(), margins.bottom())


class CitizenPanel(QtWidgets.QFrame):
    """Photo + labelled values + verdict badge. ``density="large"`` for the clinic."""

    def __init__(
        self,
        parent: QtWidgets.QWidget | None = None,
        *,
        density: Density = "desk",
        fields: Sequence[str] = DEFAULT_FIELDS,
    ) -> None:
        super().__init__(parent)
        unknown = [name for name in fields if name not in FIELDS]
        if unknown:
            raise ValueError(f"unknown record fields {unknown}")
        self.setObjectName("citizen_panel")
        self.setProperty("density", density)
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self._density = density
        self._fields = tuple(fields)
        self._record: CitizenRecord | None = None
        self._has_face = False

        self._photo = QtWidgets.QLabel(self)
        self._photo.setObjectName("citizen_photo")
        self._photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._photo.setFixedSize(PHOTO_SIZE[density])
        self._photo.setFrameShape(QtWidgets.QFrame.Shape.Box)
        # Placeholder words wrap inside the box (a one-line "Ảnh có sau khi đọc chip" was cut).
        self._photo.setWordWrap(True)
        self._photo.setMargin(4)

        self._name = RoomyLabel(self)
        self._name.setObjectName("title" if density == "large" else "subtitle")
        self._name.setWordWrap(True)

        self._grid = QtWidgets.QGridLayout()
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(4 if density == "desk" else 8)
        self._grid.setColumnStretch(1, 1)
        self._labels: dict[str, QtWidgets.QLabel] = {}
        self._values: dict[str, QtWidgets.QLabel] = {}
        self._marks: dict[str, QtWidgets.QLabel] = {}
        row = 0
        for name in self._fields:
            if name == "full_name":
                continue  # shown as the heading
            label = QtWidgets.QLabel(self)
            label.setObjectName("hint")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QtWidgets.QLabel(self)
            value.setObjectName(f"value_{name}")
            value.setWordWrap(True)
            mark = QtWidgets.QLabel(self)
            mark.setObjectName("source_mark")
            mark.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(value, row, 1)
            self._grid.addWidget(mark, row, 2)
            self._labels[name], self._values[name], self._marks[name] = label, value, mark
            row += 1
        self._name_mark = QtWidgets.QLabel(self)
        self._name_mark.setObjectName("source_mark")

        self._placeholder = QtWidgets.QLabel(self)
        self._placeholder.setObjectName("hint")
        self._placeholder.setWordWrap(True)

        self.badge = VerdictBadge(self)

        heading = QtWidgets.QHBoxLayout()
        heading.addWidget(self._name, 1)
        heading.addWidget(self._name_mark, 0, Qt.AlignmentFlag.AlignTop)
        details = QtWidgets.QVBoxLayout()
        details.addLayout(heading)
        details.addLayout(self._grid)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self._photo, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(details, 1)
        outer = QtWidgets.QVBoxLayout(self)
        outer.addWidget(self._placeholder)
        outer.addLayout(top)
        outer.addWidget(self.badge)
        outer.addStretch(1)

        self.retranslate()
        self._render()

    # -- public API -----------------------------------------------------------------------------

    def attach(self, controller: QObject) -> None:
        """Follow a SessionController: text, face and verdict as they arrive; clear on wipe.

        ``text_ready`` carries the record read before verification (nothing verified yet);
        when the verdict arrives the session holds the final record, whose fields are marked
        verified when the verdict allows it, so the panel takes that one.
        """
        controller.text_ready.connect(self.set_record)  # type: ignore[attr-defined]
        controller.face_ready.connect(self.set_face)  # type: ignore[attr-defined]
        controller.wiped.connect(self.clear)  # type: ignore[attr-defined]

        def on_verdict(verdict: CardVerdict | None) -> None:
            record = getattr(getattr(controller, "session", None), "record", None)
            if isinstance(record, CitizenRecord):
                self.set_record(record)
            self.set_verdict(verdict)

        controller.verdict_ready.connect(on_verdict)  # type: ignore[attr-defined]

        # A scanned QR code shows its (unverified) data at once; going on without the chip
        # leaves it unverified, which the badge then says.
        qr_read = getattr(controller, "qr_read", None)
        if qr_read is not None:
            qr_read.connect(self.set_record)

        def on_phase(phase: str) -> None:
            if phase in QR_ONLY_PHASES and self._record is not None and self.badge.verdict is None:
                self.set_verdict(None)

        controller.phase_changed.connect(on_phase)  # type: ignore[attr-defined]

    def set_record(self, record: CitizenRecord) -> None:
        self._record = record
        if record.face_image and not self._has_face:
            image = QtGui.QImage.fromData(record.face_image)
            if not image.isNull():
                self.set_face(image)
        self._render()

    def set_face(self, image: QtGui.QImage | None) -> None:
        if image is None or image.isNull():
            self._photo.clear()
            self._has_face = False
            self._render_photo_placeholder()
            return
        pixmap = QtGui.QPixmap.fromImage(image).scaled(
            self._photo.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._photo.setPixmap(pixmap)
        self._has_face = True

    def set_verdict(self, verdict: CardVerdict | None) -> None:
        """The chip's verdict; ``None`` = a QR-only record (unverified)."""
        self.badge.set_verdict(verdict)
        self._render()

    def clear(self) -> None:
        """Forget the citizen: every value, the photo, the verdict and the record."""
        self._record = None
        self._has_face = False
        self._photo.clear()
        self._photo.setPixmap(QtGui.QPixmap())
        self._name.clear()
        self._name_mark.clear()
        for widget in (*self._values.values(), *self._marks.values()):
            widget.clear()
            widget.setToolTip("")
        self._name_mark.setToolTip("")
        self.badge.clear()
        self._render()

    @property
    def record(self) -> CitizenRecord | None:
        return self._record

    def has_face(self) -> bool:
        return self._has_face

    def value_text(self, name: str) -> str:
        """What the panel shows for ``name`` (tests, accessibility)."""
        if name == "full_name":
            return self._name.text()
        return self._values[name].text()

    def mark_text(self, name: str) -> str:
        return (self._name_mark if name == "full_name" else self._marks[name]).text()

    def shown_texts(self) -> list[str]:
        """Every text the panel currently displays (for the wipe tests)."""
        labels = self.findChildren(QtWidgets.QLabel)
        return [label.text() for label in labels if label.text()]

    # -- rendering ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        titles = self._field_titles()
        for name, label in self._labels.items():
            label.setText(titles[name])
        self._placeholder.setText(self.tr("Chưa có thông tin công dân."))
        self._render()

    def _field_titles(self) -> dict[str, str]:
        return {
            "id_number": self.tr("Số định danh"),
            "full_name": self.tr("Họ, chữ đệm và tên"),
            "date_of_birth": self.tr("Ngày sinh"),
            "sex": self.tr("Giới tính"),
            "nationality": self.tr("Quốc tịch"),
            "ethnicity": self.tr("Dân tộc"),
            "religion": self.tr("Tôn giáo"),
            "place_of_origin": self.tr("Quê quán"),
            "place_of_residence": self.tr("Nơi thường trú"),
            "identifying_features": self.tr("Đặc điểm nhận dạng"),
            "date_of_issue": self.tr("Ngày cấp"),
            "date_of_expiry": self.tr("Có giá trị đến"),
            "father_name": self.tr("Họ tên cha"),
            "mother_name": self.tr("Họ tên mẹ"),
            "spouse_name": self.tr("Họ tên vợ/chồng"),
            "old_id_number": self.tr("Số CMND cũ"),
        }

    def _display(self, item: RecordField) -> str:
        if item.name == "sex" and isinstance(item.value, str):
            return {"M": self.tr("Nam"), "F": self.tr("Nữ")}.get(item.value, item.value)
        if item.name == "nationality" and item.value in ("VNM", "Việt Nam"):
            return self.tr("Việt Nam")
        return format_record_value(item.value)

    def _mark(self, item: RecordField | None) -> tuple[str, str]:
        """The short mark beside a value and its tooltip."""
        if item is None:
            return "", ""
        if item.verified:
            return self.tr("✔ chip"), self.tr("Đã xác thực từ chip")
        if item.source is Source.CHIP:
            return self.tr("chip"), self.tr("Đọc từ chip, chưa xác thực")
        if item.source is Source.QR:
            return self.tr("QR"), self.tr("Từ mã QR in trên thẻ, chưa xác thực")
        return self.tr("nhập tay"), self.tr("Nhập tay, chưa xác thực")

    def _render(self) -> None:
        record = self._record
        self._placeholder.setVisible(record is None)
        self._photo.setVisible(record is not None)
        for widget in (*self._labels.values(), *self._values.values(), *self._marks.values()):
            widget.setVisible(record is not None)
        if record is None:
            return
        for name in self._fields:
            item = record.fields.get(name)
            text = self._display(item) if item is not None else "—"
            mark, tip = self._mark(item)
            if name == "full_name":
                self._name.setText(text)
                self._name_mark.setText(mark)
                self._name_mark.setToolTip(tip)
                continue
            self._values[name].setText(text)
            self._marks[name].setText(mark)
            self._marks[name].setToolTip(tip)
            self._marks[name].setProperty("verified", bool(item is not None and item.verified))
        if not self._has_face:
            self._render_photo_placeholder()

    def _render_photo_placeholder(self) -> None:
        if self._record is None or self._has_face:
            return
        from_chip = any(f.source is Source.CHIP for f in self._record.fields.values())
        if self.badge.verdict is not None:
            self._photo.setText(self.tr("Không có ảnh"))
        elif from_chip:
            self._photo.setText(self.tr("Đang đọc ảnh…"))  # the face comes after the text
        else:
            # A QR code has no photo: it is in the chip.
            self._photo.setText(self.tr("Ảnh chân dung có trong chip"))

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            try:
                self.retranslate()
            except Exception as exc:  # see RoomyLabel.event
                _log.error("citizen panel: retranslate failed (%s)", type(exc).__name__)
        super().changeEvent(event)
