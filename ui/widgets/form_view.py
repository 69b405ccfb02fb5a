"""A procedure's filled form on screen (:class:`kiosk.procedures.filling.FilledForm`).

Sections in order; chip-verified fields are locked and marked "đã xác thực từ chip"; every
other field is asked with the editor its type calls for: text (letters keyboard), date
(dd/mm/yyyy, numeric keyboard), phone / ID number / number (numeric), e-mail (latin), long text,
choices (big buttons for touch, a drop-down at the desk) and tables (rows of cells). Each edit
emits :attr:`FormView.answer_changed`; the controller re-fills the form and hands it back with
:meth:`FormView.set_form`, which updates values and errors in place (the field being typed in is
left alone). A field's errors show, in the current language, under it once the person has
touched it or after :meth:`FormView.show_all_errors`.

``density="touch"`` (kiosk: large targets, one column) or ``"desk"`` (counter: compact, label
beside the editor, keyboard Tab order in form order).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kiosk.procedures.filling import FilledField, FilledForm
from ui.guard import never_raises
from ui.i18n import pick
from ui.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from ui.screens.parts import touch_scrolling

Density = Literal["touch", "desk"]
TOUCH_MIN_PX = 56

# field type -> on-screen keyboard layout (ui/widgets/keyboard.py)
KEYBOARD_FOR_TYPE: dict[str, str] = {
    "date": "numeric",
    "phone": "numeric",
    "id_number": "numeric",
    "number": "numeric",
    "email": "latin",
    "bhyt_card": "latin",
}


@dataclass
class _Row:
    """The widgets of one field."""

    field: FilledField
    frame: QtWidgets.QFrame
    label: QtWidgets.QLabel
    mark: QtWidgets.QLabel
    error: QtWidgets.QLabel
    help: QtWidgets.QLabel
    value_label: QtWidgets.QLabel | None = None  # locked fields
    line: QtWidgets.QLineEdit | None = None
    text: QtWidgets.QPlainTextEdit | None = None
    buttons: QtWidgets.QButtonGroup | None = None
    combo: QtWidgets.QComboBox | None = None
    table: QtWidgets.QTableWidget | None = None
    table_buttons: list[QtWidgets.QPushButton] = dataclasses.field(default_factory=list)


class FormView(QtWidgets.QWidget):
    """Renders a FilledForm; emits ``answer_changed(field_id, value)`` on every edit."""

    answer_changed = Signal(str, object)

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, *, density: Density = "touch"
    ) -> None:
        super().__init__(parent)
        if density not in ("touch", "desk"):
            raise ValueError(f"unknown density {density!r}")
        self.setObjectName("form_view")
        self.setProperty("density", density)
        self._density: Density = density
        self._form: FilledForm | None = None
        self._rows: dict[str, _Row] = {}
        self._section_titles: list[tuple[QtWidgets.QLabel, str, str]] = []
        self._touched: set[str] = set()
        self._reveal_all = False
        self._updating = False

        self._scroll = QtWidgets.QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if density == "touch":  # drag the form with a finger; a tap still clicks
            touch_scrolling(self._scroll)
        self._body: QtWidgets.QWidget | None = None
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._scroll)
        self._scroll.setWidget(QtWidgets.QWidget())
        app = QtWidgets.QApplication.instance()
        if isinstance(app, QtWidgets.QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self.retranslate()

    # -- public API -----------------------------------------------------------------------------

    @property
    def density(self) -> Density:
        return self._density

    def form(self) -> FilledForm | None:
        return self._form

    def set_form(self, form: FilledForm | None) -> None:
        """Show ``form``; the same procedure's form again updates values and errors in place."""
        if form is None:
            self.clear()
            return
        same = (
            self._form is not None
            and self._form.procedure.id == form.procedure.id
            and [f.id for f in self._form.fields] == [f.id for f in form.fields]
            and all(
                self._rows[f.id].field.read_only == f.read_only
                and self._rows[f.id].field.type == f.type
                for f in form.fields
            )
        )
        self._form = form
        if same:
            for item in form.fields:
                self._update_row(self._rows[item.id], item)
        else:
            self._build(form)

    def clear(self) -> None:
        """Forget the form and every value typed (on wipe)."""
        self._form = None
        self._rows = {}
        self._section_titles = []
        self._touched = set()
        self._reveal_all = False
        self._body = None
        # QScrollArea.setWidget deletes the previous body and every editor in it.
        self._scroll.setWidget(QtWidgets.QWidget())

    def show_all_errors(self) -> None:
        """Reveal the errors of every field (the person pressed "continue" too early)."""
        self._reveal_all = True
        for row in self._rows.values():
            self._show_error(row)

    def focus_first_invalid(self) -> str | None:
        """Scroll to and focus the first field with an error; its id, or None."""
        for row in self._rows.values():
            if row.field.errors:
                target = row.line or row.text or row.combo or row.table or row.frame
                self._scroll.ensureWidgetVisible(row.frame)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return row.field.id
        return None

    def asked_fields(self) -> list[str]:
        """Ids of the fields the person can edit, in order."""
        return [fid for fid, row in self._rows.items() if not row.field.read_only]

    def locked_fields(self) -> list[str]:
        return [fid for fid, row in self._rows.items() if row.field.read_only]

    def editor(self, field_id: str) -> QtWidgets.QWidget:
        """The widget that edits ``field_id`` (QLineEdit, QPlainTextEdit, QComboBox, QTableWidget
        or the frame of choice buttons); the value label for a locked field."""
        row = self._rows[field_id]
        widget = row.line or row.text or row.combo or row.table or row.value_label
        if widget is None:
            return row.frame
        return widget

    def choice_button(self, field_id: str, value: str) -> QtWidgets.QPushButton:
        group = self._rows[field_id].buttons
        if group is None:
            raise KeyError(field_id)
        for button in group.buttons():
            if button.property("value") == value:
                assert isinstance(button, QtWidgets.QPushButton)
                return button
        raise KeyError(value)

    def error_text(self, field_id: str) -> str:
        row = self._rows[field_id]
        return row.error.text() if row.error.isVisibleTo(self) else ""

    def mark_text(self, field_id: str) -> str:
        return self._rows[field_id].mark.text()

    def shown_texts(self) -> list[str]:
        """Every text on the form (tests: what is shown, what is wiped)."""
        texts: list[str] = []
        for row in self._rows.values():
            texts += [row.label.text(), row.error.text()]
            if row.value_label is not None:
                texts.append(row.value_label.text())
            if row.line is not None:
                texts.append(row.line.text())
            if row.text is not None:
                texts.append(row.text.toPlainText())
            if row.combo is not None:
                texts.append(row.combo.currentText())
            if row.table is not None:
                for r in range(row.table.rowCount()):
                    for c in range(row.table.columnCount()):
                        cell = row.table.item(r, c)
                        texts.append(cell.text() if cell is not None else "")
        return texts

    # -- building -------------------------------------------------------------------------------

    def _build(self, form: FilledForm) -> None:
        self._rows = {}
        self._section_titles = []
        self._touched = set()
        self._reveal_all = False
        body = QtWidgets.QWidget()
        body.setObjectName("form_body")
        layout = QtWidgets.QVBoxLayout(body)
        touch = self._density == "touch"
        layout.setSpacing(14 if touch else 6)
        layout.setContentsMargins(4, 4, 12, 4)
        for section, fields in form.sections():
            if not fields:
                continue
            if section.title is not None:
                title = QtWidgets.QLabel(body)
                title.setObjectName("subtitle")
                title.setWordWrap(True)
                self._section_titles.append((title, section.title.vi, section.title.en))
                layout.addWidget(title)
            for item in fields:
                row = self._build_row(item, body)
                self._rows[item.id] = row
                layout.addWidget(row.frame)
        layout.addStretch(1)
        self._body = body
        self._scroll.setWidget(body)  # deletes the previous body
        self.retranslate()
        for row in self._rows.values():
            self._update_row(row, row.field, initial=True)

    def _build_row(self, item: FilledField, parent: QtWidgets.QWidget) -> _Row:
        touch = self._density == "touch"
        frame = QtWidgets.QFrame(parent)
        frame.setObjectName("form_field")
        frame.setProperty("field_id", item.id)
        frame.setProperty("locked", item.read_only)
        label = QtWidgets.QLabel(frame)
        label.setObjectName("field_label")
        label.setWordWrap(True)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        mark = QtWidgets.QLabel(frame)
        mark.setObjectName("source_mark")
        error = QtWidgets.QLabel(frame)
        error.setObjectName("field_error")
        error.setWordWrap(True)
        error.setVisible(False)
        help_label = QtWidgets.QLabel(frame)
        help_label.setObjectName("hint")
        help_label.setWordWrap(True)
        row = _Row(item, frame, label, mark, error, help_label)

        editor: QtWidgets.QWidget
        if item.read_only:
            value = QtWidgets.QLabel(frame)
            value.setObjectName("field_value")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.value_label = value
            editor = value
        elif item.type == "table":
            editor = self._build_table(row, frame)
        elif item.type == "choice" and touch:
            editor = self._build_choice_buttons(row, frame)
        elif item.type == "choice":
            combo = QtWidgets.QComboBox(frame)
            combo.addItem("", "")
            for choice in item.choices:
                combo.addItem(choice.label.vi, choice.value)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._combo_changed(r))
            row.combo = combo
            editor = combo
        elif item.type == "textarea":
            text = QtWidgets.QPlainTextEdit(frame)
            text.setTabChangesFocus(True)
            text.setProperty("keyboard", "letters")
            text.setFixedHeight(3 * text.fontMetrics().lineSpacing() + 24)
            text.textChanged.connect(lambda r=row: self._text_changed(r))
            row.text = text
            editor = text
        else:
            line = QtWidgets.QLineEdit(frame)
            line.setProperty("keyboard", KEYBOARD_FOR_TYPE.get(item.type, "letters"))
            line.setMaxLength(500)
            if item.type == "date":
                line.setPlaceholderText("dd/mm/yyyy")
            line.textChanged.connect(lambda _t, r=row: self._line_changed(r))
            line.editingFinished.connect(lambda r=row: self._touch(r))
            row.line = line
            editor = line
        if touch and not item.read_only and item.type not in ("table", "textarea", "choice"):
            editor.setMinimumHeight(TOUCH_MIN_PX)

        if touch:
            grid = QtWidgets.QGridLayout(frame)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setVerticalSpacing(4)
            grid.addWidget(label, 0, 0)
            grid.addWidget(mark, 0, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(editor, 1, 0, 1, 2)
            grid.addWidget(help_label, 2, 0, 1, 2)
            grid.addWidget(error, 3, 0, 1, 2)
            grid.setColumnStretch(0, 1)
        else:
            grid = QtWidgets.QGridLayout(frame)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(2)
            label.setFixedWidth(220)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, 0, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(editor, 0, 1)
            grid.addWidget(mark, 0, 2)
            grid.addWidget(help_label, 1, 1, 1, 2)
            grid.addWidget(error, 2, 1, 1, 2)
            grid.setColumnStretch(1, 1)
        return row

    def _build_choice_buttons(self, row: _Row, frame: QtWidgets.QFrame) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget(frame)
        box.setObjectName("choice_buttons")
        grid = QtWidgets.QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        group = QtWidgets.QButtonGroup(box)
        group.setExclusive(True)
        columns = 2 if len(row.field.choices) > 3 else max(len(row.field.choices), 1)
        for index, choice in enumerate(row.field.choices):
            button = QtWidgets.QPushButton(choice.label.vi, box)
            button.setCheckable(True)
            button.setProperty("role", "secondary")
            button.setProperty("value", choice.value)
            button.setMinimumHeight(TOUCH_MIN_PX)
            group.addButton(button)
            grid.addWidget(button, index // columns, index % columns)
        group.buttonClicked.connect(lambda b, r=row: self._choice_clicked(r, b))
        row.buttons = group
        return box

    def _build_table(self, row: _Row, frame: QtWidgets.QFrame) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget(frame)
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        table = QtWidgets.QTableWidget(0, len(row.field.columns), box)
        table.setObjectName("form_table")
        table.verticalHeader().setVisible(False)
        # The columns share the table's width (no sideways scrolling on a portrait kiosk); a
        # header too long for its share is elided, whole in its tooltip.
        header = table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setMinimumHeight(160 if self._density == "touch" else 110)
        if self._density == "touch":
            table.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
        table.itemChanged.connect(lambda _item, r=row: self._table_changed(r))
        row.table = table
        buttons = QtWidgets.QHBoxLayout()
        add = QtWidgets.QPushButton(box)
        add.setProperty("role", "secondary")
        add.clicked.connect(lambda _=False, r=row: self._add_table_row(r))
        remove = QtWidgets.QPushButton(box)
        remove.setProperty("role", "secondary")
        remove.clicked.connect(lambda _=False, r=row: self._remove_table_row(r))
        for button in (add, remove):
            if self._density == "touch":
                button.setMinimumHeight(TOUCH_MIN_PX)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.table_buttons = [add, remove]
        layout.addWidget(table)
        layout.addLayout(buttons)
        return box

    # -- updating -------------------------------------------------------------------------------

    def _update_row(self, row: _Row, item: FilledField, *, initial: bool = False) -> None:
        row.field = item
        self._updating = True
        try:
            if row.value_label is not None:
                row.value_label.setText(self._display(item))
            elif row.line is not None and isinstance(item.value, str):
                if (initial or not row.line.hasFocus()) and row.line.text() != item.value:
                    row.line.setText(item.value)
            elif row.text is not None and isinstance(item.value, str):
                if (initial or not row.text.hasFocus()) and row.text.toPlainText() != item.value:
                    row.text.setPlainText(item.value)
            elif row.buttons is not None:
                for button in row.buttons.buttons():
                    button.setChecked(button.property("value") == item.value)
            elif row.combo is not None:
                index = row.combo.findData(item.value)
                row.combo.setCurrentIndex(max(index, 0))
            elif row.table is not None and initial and isinstance(item.value, tuple):
                for values in item.value:
                    self._add_table_row(row, values, emit=False)
        finally:
            self._updating = False
        self._show_error(row)

    def _display(self, item: FilledField) -> str:
        for choice in item.choices:
            if choice.value == item.value:
                return pick(choice.label.vi, choice.label.en)
        return item.display if isinstance(item.value, str) else str(item.display)

    def _show_error(self, row: _Row) -> None:
        visible = bool(row.field.errors) and (
            self._reveal_all or row.field.id in self._touched or row.field.read_only
        )
        row.error.setText(
            "\n".join("⚠ " + pick(e.vi, e.en) for e in row.field.errors) if visible else ""
        )
        row.error.setVisible(visible)
        row.frame.setProperty("invalid", visible)

    def _touch(self, row: _Row) -> None:
        if row.field.id not in self._touched:
            self._touched.add(row.field.id)
            self._show_error(row)

    # -- edits ----------------------------------------------------------------------------------

    def _emit(self, row: _Row, value: object) -> None:
        if self._updating:
            return
        self._touched.add(row.field.id)
        self.answer_changed.emit(row.field.id, value)

    def _line_changed(self, row: _Row) -> None:
        if row.line is not None:
            text = row.line.text()
            if row.field.type == "date":
                text = date_from_digits(text)
            self._emit(row, text)

    def _text_changed(self, row: _Row) -> None:
        if row.text is not None:
            self._emit(row, row.text.toPlainText())

    def _choice_clicked(self, row: _Row, button: QtWidgets.QAbstractButton) -> None:
        self._emit(row, str(button.property("value")))

    def _combo_changed(self, row: _Row) -> None:
        if row.combo is not None:
            self._emit(row, str(row.combo.currentData() or ""))

    def _table_rows(self, row: _Row) -> list[dict[str, str]]:
        table = row.table
        if table is None:
            return []
        rows: list[dict[str, str]] = []
        for r in range(table.rowCount()):
            values: dict[str, str] = {}
            for c, column in enumerate(row.field.columns):
                cell = table.item(r, c)
                values[column.id] = cell.text().strip() if cell is not None else ""
            rows.append(values)
        return rows

    def _table_changed(self, row: _Row) -> None:
        self._emit(row, self._table_rows(row))

    def _add_table_row(self, row: _Row, values: object = None, *, emit: bool = True) -> None:
        table = row.table
        if table is None:
            return
        index = table.rowCount()
        self._updating = True
        try:
            table.insertRow(index)
            for c, column in enumerate(row.field.columns):
                text = ""
                if isinstance(values, dict):
                    text = str(values.get(column.id, "") or "")
                table.setItem(index, c, QtWidgets.QTableWidgetItem(text))
        finally:
            self._updating = False
        if emit:
            self._table_changed(row)

    def _remove_table_row(self, row: _Row) -> None:
        table = row.table
        if table is None or table.rowCount() == 0:
            return
        current = table.currentRow()
        table.removeRow(current if current >= 0 else table.rowCount() - 1)
        self._table_changed(row)

    def _on_focus_changed(
        self, old: QtWidgets.QWidget | None, new: QtWidgets.QWidget | None
    ) -> None:
        if self._body is None:
            return
        if old is not None and (new is None or not _same_row(self._rows, old, new)):
            for row in self._rows.values():
                if row.frame.isAncestorOf(old):
                    self._touch(row)  # leaving a field: its errors may show now
        if new is not None and self._body.isAncestorOf(new):
            self._reveal(new)

    @never_raises(None)
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """Shrunk by an on-screen keyboard: keep the field being typed in within view."""
        super().resizeEvent(event)
        focused = QtWidgets.QApplication.focusWidget()
        if focused is not None and self._body is not None and self._body.isAncestorOf(focused):
            QtCore.QTimer.singleShot(0, self, lambda: self._reveal(focused))

    def _reveal(self, widget: QtWidgets.QWidget) -> None:
        if self._body is None or not self._body.isAncestorOf(widget):
            return
        # The whole field (label, editor, hint) when it fits, else at least the editor.
        self._scroll.ensureWidgetVisible(widget, 20, 20)
        for row in self._rows.values():
            if row.frame.isAncestorOf(widget):
                if row.frame.height() + 20 <= self._scroll.viewport().height():
                    self._scroll.ensureWidgetVisible(row.frame, 20, 10)
                break

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for title, vi, en in self._section_titles:
            title.setText(pick(vi, en))
        for row in self._rows.values():
            item = row.field
            number = f"{item.number}. " if item.number else ""
            star = " *" if item.required and not item.read_only else ""
            row.label.setText(number + pick(item.label_vi, item.label_en) + star)
            if item.verified:
                row.mark.setText("✓ " + self.tr("đã xác thực từ chip"))
            elif item.read_only:
                row.mark.setText(self.tr("không sửa được"))
            elif item.source == "qr":
                row.mark.setText(self.tr("từ mã QR — hãy kiểm tra"))
            else:
                row.mark.setText("")
            help_text = pick(item.help_vi, item.help_en)
            row.help.setText(help_text)
            row.help.setVisible(bool(help_text))
            if row.value_label is not None:
                row.value_label.setText(self._display(item))
            if row.buttons is not None:
                for button in row.buttons.buttons():
                    for choice in item.choices:
                        if choice.value == button.property("value"):
                            button.setText(pick(choice.label.vi, choice.label.en))
            if row.combo is not None:
                for index, choice in enumerate(item.choices, start=1):
                    row.combo.setItemText(index, pick(choice.label.vi, choice.label.en))
                row.combo.setItemText(0, self.tr("— chọn —"))
            if row.table is not None:
                labels = [pick(c.label.vi, c.label.en) for c in item.columns]
                row.table.setHorizontalHeaderLabels(labels)
                for column, text in enumerate(labels):
                    header_item = row.table.horizontalHeaderItem(column)
                    if header_item is not None:
                        header_item.setToolTip(text)
                add, remove = row.table_buttons
                add.setText(self.tr("+ Thêm dòng"))
                remove.setText(self.tr("− Xoá dòng"))
            if row.line is not None and item.type == "date":
                row.line.setPlaceholderText(self.tr("ngày/tháng/năm, ví dụ 05/09/1999"))
            self._show_error(row)

    @never_raises(None)
    def changeEvent(self, event: QtCore.QEvent) -> None:
        if event.type() == QtCore.QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _same_row(rows: dict[str, _Row], a: QtWidgets.QWidget, b: QtWidgets.QWidget) -> bool:
    return any(r.frame.isAncestorOf(a) and r.frame.isAncestorOf(b) for r in rows.values())


def date_from_digits(text: str) -> str:
    """ "05091999" (typed on the numeric pad without slashes) as "05/09/1999"; else unchanged."""
    digits = text.strip()
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:2]}/{digits[2:4]}/{digits[4:]}"
    return text
