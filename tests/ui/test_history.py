"""The desk's day history: rows from outcomes, delivery updates, the day roll-over, no
personal data."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from kiosk.procedures.model import Text
from tests.kiosk.fake_citizens import THU_ID, THU_NAME
from tests.ui.desk_fakes import checkin_outcome, chip_record, submit_outcome
from ui.history import COLUMNS, SessionHistory
from ui.qt import Qt, QtCore

TITLES = {"ct01": Text("Tờ khai thay đổi thông tin cư trú", "Residence change")}
T0 = 1_795_000_000.0  # 2026-11-17 ~ 15:06 in Hà Nội


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _all_data(model: SessionHistory) -> list[object]:
    values: list[object] = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                values.append(model.data(index, role))
            values.append(repr(model.data(index, Qt.ItemDataRole.UserRole)))
    return values


def test_rows_newest_first_with_status(qtbot: QtBot) -> None:
    clock = Clock(T0)
    model = SessionHistory(TITLES, clock=clock)
    model.add(submit_outcome(sent=True))
    clock.now += 75
    model.add(checkin_outcome(3, sent=False))
    assert model.rowCount() == 2 and model.columnCount() == len(COLUMNS)
    first = [model.data(model.index(0, c)) for c in range(len(COLUMNS))]
    assert first[1] == "bhyt_checkin"  # no title known: the id, never empty
    assert first[3] == "A-003"
    assert first[4] == "Chờ gửi"
    second = [model.data(model.index(1, c)) for c in range(len(COLUMNS))]
    assert second[1] == "Tờ khai thay đổi thông tin cư trú"
    assert second[2] == "HS-2026-000123"
    assert second[4] == "Đã gửi"
    assert model.sent_count() == 1 and model.queued_count() == 1
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Giờ"


def test_delivery_update_fills_the_receipt(qtbot: QtBot) -> None:
    model = SessionHistory(TITLES, clock=Clock(T0))
    queued = submit_outcome(sent=False)
    model.add(queued)
    assert model.data(model.index(0, 2)) == "K7Q2-9XMA"  # the local reference until sent
    with qtbot.waitSignal(model.dataChanged):
        assert model.update_delivery(replace(queued, sent=True, receipt="HS-9"))
    assert model.data(model.index(0, 2)) == "HS-9"
    assert model.data(model.index(0, 4)) == "Đã gửi"
    assert model.rowCount() == 1
    assert not model.update_delivery(replace(queued, reference="OTHER"))
    model.add(replace(queued, sent=True, receipt="HS-9"))  # the same outcome again: no new row
    assert model.rowCount() == 1


def test_a_new_day_starts_empty(qtbot: QtBot) -> None:
    clock = Clock(T0)
    model = SessionHistory(TITLES, clock=clock)
    model.add(submit_outcome())
    day = model.day
    clock.now += 3600
    assert not model.roll_over()
    assert model.rowCount() == 1
    clock.now += 86400
    with qtbot.waitSignal(model.modelReset):
        assert model.roll_over()
    assert model.rowCount() == 0 and model.day > day
    model.add(submit_outcome())
    assert model.rowCount() == 1


def test_no_personal_data_even_from_a_check_in(qtbot: QtBot) -> None:
    model = SessionHistory(TITLES, clock=Clock(T0))
    outcome = checkin_outcome(5)
    outcome = replace(outcome, extra=chip_record())  # the outcome may carry the whole record
    model.add(outcome)
    text = " ".join(str(v) for v in _all_data(model))
    assert THU_NAME not in text and THU_ID not in text and "1999" not in text
    assert not any(hasattr(e, "extra") for e in model.entries())


def test_invalid_indexes(qtbot: QtBot) -> None:
    model = SessionHistory(TITLES, clock=Clock(T0))
    assert model.data(model.index(0, 0)) is None
    assert model.rowCount(model.index(0, 0)) == 0
    model.add(submit_outcome())
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.headerData(9, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.data(QtCore.QModelIndex()) is None
