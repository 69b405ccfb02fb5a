"""The desk windows switch between Vietnamese and English live, data texts included."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

import ui.i18n
from kiosk.bhyt.client import CardStatus
from kiosk.config import KioskConfig
from kiosk.session import Failure, FailureInfo
from tests.ui.desk_fakes import (
    StubController,
    checkin_outcome,
    chip_record,
    lookup,
    settle,
    submit_outcome,
    themed,
    verdict,
)
from ui.i18n import set_language
from ui.printing import DeskPrinter
from ui.windows.clinic_window import ClinicWindow
from ui.windows.counter_window import CounterWindow

Shot = Callable[[object, str], Path]
TS_DIR = Path(__file__).resolve().parents[2] / "assets" / "i18n" / "en"


@pytest.fixture
def english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every part's .ts compiled afresh (the committed .qm may predate this part)."""
    qm = tmp_path / "en.qm"
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run(
        [str(lrelease), *map(str, sorted(TS_DIR.glob("*.ts"))), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setattr(ui.i18n, "QM_FILE", qm)
    yield
    set_language("vi")


def test_counter_in_english(qtbot: QtBot, tmp_path: Path, english: None, screenshot: Shot) -> None:
    with themed("counter"):
        controller = StubController()
        env = SimpleNamespace(config=KioskConfig.defaults(tmp_path), place="UBND phường Dịch Vọng")
        window = CounterWindow(controller, env, printer=DeskPrinter("none", tmp_path))  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        controller.text_ready.emit(chip_record())
        controller.verdict_ready.emit(verdict("unknown_issuer"))
        controller.submitted.emit(submit_outcome(sent=True, procedure_id="ct01"))
        controller.phase_changed.emit("done")
        assert window.end_button.text() == "Kết thúc (Esc)"
        set_language("en")
        settle()
        assert window.end_button.text() == "End session (Esc)"
        assert window.done_title.text() == "Submitted"
        assert window.citizen.value_text("sex") == "Male"
        assert window.citizen.badge.headline().startswith("Signature valid")
        titles = [
            window.procedure_list.item(i).text() for i in range(window.procedure_list.count())
        ]
        assert "Residence information change declaration" in titles
        assert window.history.data(window.history.index(0, 1)) == (
            "Residence information change declaration"
        )
        assert (
            window.history.headerData(0, window.history_view.horizontalHeader().orientation())
            == "Time"
        )
        screenshot(window, "counter_english")
        set_language("vi")
        settle()
        assert window.done_title.text() == "Đã gửi hồ sơ"
        assert window.citizen.value_text("sex") == "Nam"


def test_clinic_in_english(qtbot: QtBot, tmp_path: Path, english: None, screenshot: Shot) -> None:
    with themed("clinic"):
        controller = StubController()
        settings = SimpleNamespace(clinic_name="Phòng khám Đa khoa Thử Nghiệm", clinic_code="01013")
        env = SimpleNamespace(
            config=KioskConfig.defaults(tmp_path),
            clinic=SimpleNamespace(settings=settings, tickets=None),
        )
        window = ClinicWindow(controller, env, printer=DeskPrinter("none", tmp_path))  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        controller.text_ready.emit(chip_record())
        controller.verdict_ready.emit(verdict("genuine", chip_checked=False))
        controller.submitted.emit(checkin_outcome(9, lookup(CardStatus.EXPIRED, days_left=-10)))
        controller.phase_changed.emit("checked_in")
        set_language("en")
        settle()
        assert window.ticket_caption.text() == "QUEUE NUMBER"
        assert "has expired" in window.bhyt.text()
        assert "clone is not ruled out" in window.patient.badge.details()
        assert "Today: 1 check-in ·" in window.counters.text()
        screenshot(window, "clinic_english")
        controller.failed.emit(FailureInfo(Failure.NO_READER, "no_reader"))
        controller.phase_changed.emit("failure")
        assert window.alert_title.text() == "No card reader found"


def test_a_window_whose_ticket_store_closed_still_switches_language(
    qtbot: QtBot, tmp_path: Path, english: None
) -> None:
    """Regression: the ticket count raised inside changeEvent (closed store), and an exception
    escaping a Qt override crashed PySide (segfault) on the next language switch."""
    from kiosk.bhyt.tickets import TicketBook

    book = TicketBook(tmp_path / "tickets.sqlite3")
    settings = SimpleNamespace(clinic_name="PK", clinic_code="01013")
    env = SimpleNamespace(
        config=KioskConfig.defaults(tmp_path),
        clinic=SimpleNamespace(settings=settings, tickets=book),
    )
    controller = StubController()
    window = ClinicWindow(controller, env, printer=DeskPrinter("none", tmp_path))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    controller.submitted.emit(checkin_outcome(3, lookup()))
    book.close()
    set_language("en")
    settle()
    assert window.ticket_caption.text() == "QUEUE NUMBER"
    assert "Today: 1 check-in" in window.counters.text()  # counted from the day's history
