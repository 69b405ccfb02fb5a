"""The form view: verified fields locked, missing ones asked, edits emitted, errors in the
current language, touch and desk densities, tables and choices, and a clear that forgets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.procedures import fill_form, load_procedures
from kiosk.procedures.model import Procedure
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import THU_NAME, qr_mapping, verified_record
from ui.i18n import set_language
from ui.qt import Qt, QtWidgets
from ui.theme import apply_theme
from ui.widgets.form_view import FormView

Shot = Callable[[object, str], Path]
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def procedures() -> dict[str, Procedure]:
    return load_procedures()


class Filler:
    """Plays the controller: re-fills the form after every answer."""

    def __init__(self, view: FormView, procedure: Procedure, record: CitizenRecord) -> None:
        self.view, self.procedure, self.record = view, procedure, record
        self.answers: dict[str, Any] = {}
        view.answer_changed.connect(self.answer)
        self.refill()

    def answer(self, field_id: str, value: object) -> None:
        if value in ("", None):
            self.answers.pop(field_id, None)
        else:
            self.answers[field_id] = value
        self.refill()

    def refill(self) -> None:
        self.view.set_form(fill_form(self.procedure, self.record, self.answers, today=TODAY))


def make_view(qtbot: QtBot, density: str = "touch") -> FormView:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    apply_theme(app, "kiosk" if density == "touch" else "counter")
    view = FormView(density=density)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1000, 1400)
    view.show()
    return view


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("vi")


def test_verified_fields_locked_missing_ones_asked(
    qtbot: QtBot, procedures: dict[str, Procedure], screenshot: Shot
) -> None:
    view = make_view(qtbot)
    filler = Filler(view, procedures["ct01"], verified_record())
    assert {"full_name", "date_of_birth", "sex", "id_number"} <= set(view.locked_fields())
    assert "request" in view.asked_fields() and "full_name" not in view.asked_fields()
    name = view.editor("full_name")
    assert isinstance(name, QtWidgets.QLabel) and name.text() == THU_NAME
    assert "đã xác thực từ chip" in view.mark_text("full_name")
    # Errors wait until the person has touched the field or asks to continue.
    assert view.error_text("request") == ""
    view.show_all_errors()
    assert "bắt buộc" in view.error_text("request")
    # Answering the field emits the answer; the re-filled form clears the error in place.
    request = view.editor("request")
    assert isinstance(request, QtWidgets.QPlainTextEdit)
    request.setPlainText("Đăng ký thường trú")
    assert filler.answers["request"] == "Đăng ký thường trú"
    assert view.error_text("request") == ""
    assert view.editor("request") is request  # updated in place, not rebuilt
    screenshot(view, "kiosk-form-view-touch")


def test_typed_value_checked_and_error_shown_under_the_field(
    qtbot: QtBot, procedures: dict[str, Procedure]
) -> None:
    view = make_view(qtbot)
    filler = Filler(view, procedures["ct01"], verified_record())
    phone = view.editor("phone")
    assert isinstance(phone, QtWidgets.QLineEdit)
    assert phone.property("keyboard") == "numeric"
    phone.setText("12345")
    assert filler.answers["phone"] == "12345"
    assert view.error_text("phone")  # touched: its error shows at once
    phone.setText("0912345678")
    assert view.error_text("phone") == ""
    email = view.editor("email")
    assert email.property("keyboard") == "latin"


def test_errors_and_labels_follow_the_language(
    qtbot: QtBot, procedures: dict[str, Procedure], english: None
) -> None:
    view = make_view(qtbot)
    Filler(view, procedures["ct01"], verified_record())
    view.show_all_errors()
    assert "required" in view.error_text("request")
    assert "verified from the chip" in view.mark_text("full_name")
    set_language("vi")
    qtbot.waitUntil(lambda: "bắt buộc" in view.error_text("request"))


def test_choice_buttons_and_qr_values_stay_editable(
    qtbot: QtBot, procedures: dict[str, Procedure], screenshot: Shot
) -> None:
    view = make_view(qtbot)
    record = CitizenRecord.from_qr(qr_mapping())
    filler = Filler(view, procedures["khai_sinh_lien_thong"], record)
    assert view.locked_fields() == []  # nothing verified: every value can be corrected
    assert "QR" in view.mark_text("requester_name")
    button = view.choice_button("relation", "me")
    assert button.minimumHeight() >= 56
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert filler.answers["relation"] == "me"
    assert view.choice_button("relation", "me").isChecked()
    assert not view.choice_button("relation", "cha").isChecked()
    screenshot(view, "kiosk-form-view-choices")


def test_table_rows_are_answers(qtbot: QtBot, procedures: dict[str, Procedure]) -> None:
    view = make_view(qtbot)
    filler = Filler(view, procedures["ct01"], verified_record())
    table = view.editor("members")
    assert isinstance(table, QtWidgets.QTableWidget)
    assert table.columnCount() == len(procedures["ct01"].field("members").columns)
    add = [b for b in table.parentWidget().findChildren(QtWidgets.QPushButton)]
    assert len(add) == 2
    qtbot.mouseClick(add[0], Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1
    item = table.item(0, 0)
    assert item is not None
    item.setText("NGUYỄN THỊ CON")
    rows = filler.answers["members"]
    assert rows[0]["full_name"] == "NGUYỄN THỊ CON"
    qtbot.mouseClick(add[1], Qt.MouseButton.LeftButton)
    assert table.rowCount() == 0 and filler.answers["members"] == []


def test_desk_density_is_compact_with_drop_downs_in_tab_order(
    qtbot: QtBot, procedures: dict[str, Procedure], screenshot: Shot
) -> None:
    view = make_view(qtbot, "desk")
    filler = Filler(view, procedures["khai_sinh_lien_thong"], verified_record())
    combo = view.editor("relation")
    assert isinstance(combo, QtWidgets.QComboBox)
    combo.setCurrentIndex(combo.findData("cha"))
    assert filler.answers["relation"] == "cha"
    # Tab goes from field to field in form order.
    asked = [view.editor(f) for f in view.asked_fields()]
    chain = []
    widget = asked[0]
    for _ in range(4):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(view):
            widget = widget.nextInFocusChain()
    editors_in_chain = [w for w in chain if w in asked]
    assert editors_in_chain == asked[: len(editors_in_chain)]
    screenshot(view, "counter-form-view-desk")


def test_clear_forgets_every_value(qtbot: QtBot, procedures: dict[str, Procedure]) -> None:
    view = make_view(qtbot)
    Filler(view, procedures["ct01"], verified_record())
    request = view.editor("request")
    assert isinstance(request, QtWidgets.QPlainTextEdit)
    request.setPlainText("Nội dung riêng tư")
    assert any(THU_NAME in t for t in view.shown_texts())
    view.clear()
    assert view.form() is None and view.shown_texts() == []
    labels = view.findChildren(QtWidgets.QLabel)
    assert not any(THU_NAME in label.text() for label in labels)
    edits = view.findChildren(QtWidgets.QPlainTextEdit)
    assert not any("riêng tư" in e.toPlainText() for e in edits)


def test_unknown_density_refused() -> None:
    with pytest.raises(ValueError):
        FormView(density="huge")  # type: ignore[arg-type]


def test_date_typed_as_digits_only(qtbot: QtBot, procedures: dict[str, Procedure]) -> None:
    view = make_view(qtbot)
    record = CitizenRecord.from_qr(qr_mapping())
    filler = Filler(view, procedures["khai_sinh_lien_thong"], record)
    child_dob = view.editor("child_dob")
    assert isinstance(child_dob, QtWidgets.QLineEdit)
    assert child_dob.property("keyboard") == "numeric"
    child_dob.setText("01022024")  # the numeric pad, no slashes
    assert filler.answers["child_dob"] == "01/02/2024"
    assert view.error_text("child_dob") == ""


def test_table_columns_share_the_width_on_a_portrait_kiosk(
    qtbot: QtBot, procedures: dict[str, Procedure]
) -> None:
    """On a 1080 px wide portrait kiosk the members table's columns were cut at both ends
    ("ữ đệm", "háng, n") and scrolled sideways: they share the width now, each header whole
    in its tooltip."""
    view = make_view(qtbot)
    view.resize(1000, 1400)
    Filler(view, procedures["ct01"], verified_record())
    table = view.editor("members")
    assert isinstance(table, QtWidgets.QTableWidget)
    QtWidgets.QApplication.processEvents()
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width() + 1
    assert header.textElideMode() == Qt.TextElideMode.ElideRight
    labels = [c.label.vi for c in procedures["ct01"].field("members").columns]
    for column, text in enumerate(labels):
        item = table.horizontalHeaderItem(column)
        assert item is not None and item.text() == text and item.toolTip() == text
