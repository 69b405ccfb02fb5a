"""Queue tickets: unique and monotonic per clinic, line and local day, across restarts,
concurrent processes and kill -9."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.bhyt import TicketBook, TicketError

ROOT = Path(__file__).resolve().parents[2]


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_numbers_per_clinic_and_line(tmp_path: Path) -> None:
    with TicketBook(tmp_path / "t.db", clock=lambda: _at("2026-11-23T02:00:00")) as book:
        labels = [book.issue("01013").label for _ in range(3)]
        assert labels == ["A-001", "A-002", "A-003"]
        assert book.issue("01013", line="U").label == "U-001"
        assert book.issue("79024").label == "A-001"
        assert book.issue("01013").number == 4
        assert book.issued("01013", date(2026, 11, 23)) == 4
        ticket = book.issue("01013")
        assert ticket.to_dict() == {
            "clinic": "01013", "day": "2026-11-23", "line": "A", "number": 5, "label": "A-005",
        }  # fmt: skip


def test_numbers_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with TicketBook(path) as book:
        first = [book.issue("01013").number for _ in range(5)]
    with TicketBook(path) as book:
        assert book.issue("01013").number == max(first) + 1


def test_day_boundary_is_local_time(tmp_path: Path) -> None:
    now = [_at("2026-11-23T16:59:59")]  # 23:59:59 in Hà Nội
    with TicketBook(tmp_path / "t.db", clock=lambda: now[0]) as book:
        assert book.issue("01013").number == 1
        assert book.issue("01013").number == 2
        now[0] = _at("2026-11-23T17:00:00")  # midnight in Hà Nội: a new day
        ticket = book.issue("01013")
        assert (ticket.day, ticket.number) == (date(2026, 11, 24), 1)


@pytest.mark.parametrize(("clinic", "line"), [("", "A"), ("01 013", "A"), ("01013", "a"),
                                              ("01013", "ABC")])  # fmt: skip
def test_bad_codes(tmp_path: Path, clinic: str, line: str) -> None:
    with TicketBook(tmp_path / "t.db") as book, pytest.raises(TicketError):
        book.issue(clinic, line=line)


def test_unusable_store_is_a_ticket_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(TicketError):
        TicketBook(tmp_path / "dir.db")


def _issue_many(path: str, count: int, queue: multiprocessing.Queue[list[int]]) -> None:
    with TicketBook(path) as book:
        queue.put([book.issue("01013").number for _ in range(count)])


def test_concurrent_processes_never_share_a_number(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    TicketBook(path).close()
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[int]] = ctx.Queue()
    workers = [ctx.Process(target=_issue_many, args=(path, 40, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    numbers = [n for _ in workers for n in queue.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(numbers) == list(range(1, 161))


_CHILD = """
import sys
from kiosk.bhyt.tickets import TicketBook
book = TicketBook(sys.argv[1])
while True:
    print(book.issue("01013").number, flush=True)
"""


def test_kill_9_never_loses_an_issued_number(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    seen: list[int] = []
    for round_ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path)],
            stdout=subprocess.PIPE, cwd=ROOT, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        first = int(child.stdout.readline())  # the child is issuing now
        time.sleep(0.05 + 0.03 * round_)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        printed = [first] + [int(x) for x in out.split()]
        assert not seen or printed[0] > max(seen)  # continues after the previous crash
        seen.extend(printed)
    assert len(seen) == len(set(seen))
    with TicketBook(path) as book:
        assert book.issue("01013").number > max(seen)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    numbers = [n for (n,) in conn.execute("SELECT number FROM ticket_log ORDER BY number")]
    conn.close()
    assert numbers == list(range(1, len(numbers) + 1))  # gap-free, no duplicates


def test_ticket_slip_image_for_thermal_printers() -> None:
    import io

    from PIL import Image

    from kiosk.bhyt.ticket_slip import render_ticket_slip, ticket_slip_png
    from kiosk.bhyt.tickets import Ticket

    ticket = Ticket("01013", date(2026, 11, 23), "U", 7, _at("2026-11-23T02:30:00"))
    slip = render_ticket_slip(ticket, "Phòng khám Thử")
    assert slip.mode == "1" and slip.width == 384
    ink = slip.convert("L").histogram()[0]  # black pixels
    assert 0.02 < ink / (slip.width * slip.height) < 0.5  # drawn, not blank, not black
    wide = render_ticket_slip(ticket, "Phòng khám Thử", paper_mm=80)
    assert wide.width == 576
    long_name = render_ticket_slip(ticket, "Phòng khám Đa khoa Khu vực Thử Nghiệm Số Một Hà Nội")
    assert long_name.height > slip.height  # the clinic name wraps instead of being cut
    png = Image.open(io.BytesIO(ticket_slip_png(ticket, "Phòng khám Thử")))
    assert png.format == "PNG" and png.size == slip.size
