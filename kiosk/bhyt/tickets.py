"""Queue ticket numbers: per clinic, per queue line, per local day; durable and never repeated.

A SQLite file (WAL, ``synchronous=FULL``) holds one counter row per (clinic, day, line) and a
log of issued tickets with a UNIQUE constraint.  A ticket is handed out only after the commit
returned, inside a ``BEGIN IMMEDIATE`` transaction, so two processes (two check-in desks on one
PC) or a restart after a power cut can never hand out the same number twice on a day; numbers
restart at 1 the next local day (Asia/Ho_Chi_Minh by default).  No personal data is stored.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.bhyt.errors import TicketError

LINE_RE = re.compile(r"^[A-Z]{1,2}$")
CLINIC_RE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ticket_counter (
    clinic TEXT NOT NULL, day TEXT NOT NULL, line TEXT NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (clinic, day, line)
);
CREATE TABLE IF NOT EXISTS ticket_log (
    clinic TEXT NOT NULL, day TEXT NOT NULL, line TEXT NOT NULL, number INTEGER NOT NULL,
    issued_at REAL NOT NULL,
    UNIQUE (clinic, day, line, number)
);
"""


@dataclass(frozen=True)
class Ticket:
    clinic: str
    day: date
    line: str
    number: int
    issued_at: float

    @property
    def label(self) -> str:
        """What is printed and called out: "A-007"."""
        return f"{self.line}-{self.number:03d}"

    def to_dict(self) -> dict[str, object]:
        return {
            "clinic": self.clinic,
            "day": self.day.isoformat(),
            "line": self.line,
            "number": self.number,
            "label": self.label,
        }


class TicketBook:
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timezone: str = "Asia/Ho_Chi_Minh",
        clock: Callable[[], float] = time.time,
        busy_timeout_ms: int = 10_000,
    ) -> None:
        self.path = Path(path)
        self._zone = ZoneInfo(timezone)
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=busy_timeout_ms / 1000,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise TicketError(f"ticket store {self.path}: cannot open ({exc})") from None
        if os.name == "posix":
            os.chmod(self.path, 0o600)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> TicketBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def today(self) -> date:
        return datetime.fromtimestamp(self._clock(), self._zone).date()

    def issue(self, clinic: str, *, line: str = "A") -> Ticket:
        """The next ticket of ``line`` at ``clinic`` today; durable once returned."""
        if not CLINIC_RE.match(clinic):
            raise TicketError("clinic code must be 1-20 letters, digits, '_' or '-'")
        if not LINE_RE.match(line):
            raise TicketError("queue line must be one or two capital letters")
        now = self._clock()
        day = datetime.fromtimestamp(now, self._zone).date()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    (number,) = self._conn.execute(
                        "INSERT INTO ticket_counter (clinic, day, line, last) VALUES (?, ?, ?, 1)"
                        " ON CONFLICT (clinic, day, line) DO UPDATE SET last = last + 1"
                        " RETURNING last",
                        (clinic, day.isoformat(), line),
                    ).fetchone()
                    self._conn.execute(
                        "INSERT INTO ticket_log (clinic, day, line, number, issued_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (clinic, day.isoformat(), line, number, now),
                    )
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise TicketError(f"ticket store {self.path}: {exc}") from None
        return Ticket(clinic, day, line, int(number), now)

    def issued(self, clinic: str, day: date, line: str = "A") -> int:
        """How many tickets ``line`` at ``clinic`` handed out on ``day``."""
        row = self._conn.execute(
            "SELECT last FROM ticket_counter WHERE clinic = ? AND day = ? AND line = ?",
            (clinic, day.isoformat(), line),
        ).fetchone()
        return int(row[0]) if row else 0
