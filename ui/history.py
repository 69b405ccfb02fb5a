"""The desk's history of the day: one row per submission or check-in — time, procedure, receipt
or local reference, queue ticket, sent/queued — and never anything about the person.

Rows are built from :class:`kiosk.session.SubmitOutcome` fields that carry no personal data
(its ``extra``, the clinic's CheckIn with the filled form, is never looked at or kept). The
history lives in memory for the local day only: the first change on a new day drops
yesterday's rows, and nothing is written to disk (the outbox is the durable record).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.procedures.model import Text
from kiosk.session import SubmitOutcome
from ui.clock import KIOSK_TIMEZONE
from ui.i18n import pick
from ui.qt import Qt, QtCore

COLUMNS = ("time", "procedure", "reference", "ticket", "status")
DEFAULT_TIMEZONE = KIOSK_TIMEZONE
MAX_ROWS = 5000  # a very busy desk sees a few hundred a day; beyond this the oldest go
_NO_INDEX = QtCore.QModelIndex()


@dataclass(frozen=True)
class HistoryEntry:
    """One row: what was done, when, and whether it has reached the server."""

    at: datetime
    procedure_id: str
    title: Text
    reference: str  # the local reference (always present)
    receipt: str  # the server's receipt number once sent, else ""
    ticket: str  # clinic queue ticket label, else ""
    sent: bool
    queued_id: int


class SessionHistory(QtCore.QAbstractTableModel):
    """A read-only table model of today's entries, newest first."""

    def __init__(
        self,
        titles: Mapping[str, Text] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        timezone: str = DEFAULT_TIMEZONE,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._titles = dict(titles or {})
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._rows: list[HistoryEntry] = []
        self._day = self._now().date()

    # -- changes --------------------------------------------------------------------------------

    def add(self, outcome: SubmitOutcome) -> HistoryEntry:
        """Record ``outcome`` (from ``submitted``); a repeated outcome updates its row."""
        self.roll_over()
        existing = self._find(outcome)
        if existing is not None:
            self._update_row(existing, outcome)
            return self._rows[existing]
        entry = HistoryEntry(
            at=self._now(),
            procedure_id=outcome.procedure_id,
            title=self._titles.get(outcome.procedure_id, Text(outcome.procedure_id, "")),
            reference=outcome.reference,
            receipt=outcome.receipt,
            ticket=outcome.ticket,
            sent=outcome.sent,
            queued_id=outcome.queued_id,
        )
        self.beginInsertRows(QtCore.QModelIndex(), 0, 0)
        self._rows.insert(0, entry)
        self.endInsertRows()
        if len(self._rows) > MAX_ROWS:
            self.beginRemoveRows(QtCore.QModelIndex(), MAX_ROWS, len(self._rows) - 1)
            del self._rows[MAX_ROWS:]
            self.endRemoveRows()
        return entry

    def update_delivery(self, outcome: SubmitOutcome) -> bool:
        """From ``delivery_updated``: the receipt arrived. False when the row is not today's."""
        self.roll_over()
        row = self._find(outcome)
        if row is None:
            return False
        self._update_row(row, outcome)
        return True

    def roll_over(self) -> bool:
        """Drop the rows of a past day; True when something was dropped."""
        today = self._now().date()
        if today == self._day:
            return False
        self._day = today
        if not self._rows:
            return False
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()
        return True

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def retranslate(self) -> None:
        """Procedure titles and statuses follow the language (call on LanguageChange)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 4))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    # -- figures --------------------------------------------------------------------------------

    @property
    def day(self) -> date:
        return self._day

    def entries(self) -> list[HistoryEntry]:
        return list(self._rows)

    def sent_count(self) -> int:
        return sum(1 for e in self._rows if e.sent)

    def queued_count(self) -> int:
        return sum(1 for e in self._rows if not e.sent)

    # -- the model ------------------------------------------------------------------------------

    def rowCount(
        self, parent: QtCore.QModelIndex | QtCore.QPersistentModelIndex = _NO_INDEX
    ) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(
        self, parent: QtCore.QModelIndex | QtCore.QPersistentModelIndex = _NO_INDEX
    ) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self,
        index: QtCore.QModelIndex | QtCore.QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "procedure":
            return pick(entry.title.vi, entry.title.en)
        if role == Qt.ItemDataRole.ToolTipRole and column == "reference":
            local = self.tr("Mã tham chiếu tại chỗ: %1").replace("%1", entry.reference)
            if not entry.receipt:
                return local
            return self.tr("Số biên nhận: %1").replace("%1", entry.receipt) + "\n" + local
        if role == Qt.ItemDataRole.UserRole:
            return entry
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("time", "ticket", "status"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:  # the short headers in full
            return {
                "time": self.tr("Giờ nộp hồ sơ (giờ Việt Nam)"),
                "procedure": self.tr("Thủ tục hành chính"),
                "reference": self.tr(
                    "Số biên nhận của hệ thống, hoặc mã tham chiếu tại chỗ khi chưa gửi được"
                ),
                "ticket": self.tr("Số thứ tự"),
                "status": self.tr("Đã gửi lên hệ thống hay đang chờ gửi"),
            }[column]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "time": self.tr("Giờ"),
            "procedure": self.tr("Thủ tục"),
            "reference": self.tr("Biên nhận"),
            "ticket": self.tr("Số thứ tự"),
            "status": self.tr("Trạng thái"),
        }[column]

    def _display(self, entry: HistoryEntry, column: str) -> str:
        if column == "time":
            return entry.at.strftime("%H:%M")
        if column == "procedure":
            return pick(entry.title.vi, entry.title.en)
        if column == "reference":
            return entry.receipt or entry.reference
        if column == "ticket":
            return entry.ticket
        return self.tr("Đã gửi") if entry.sent else self.tr("Chờ gửi")

    # -- helpers --------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), self._zone)

    def _find(self, outcome: SubmitOutcome) -> int | None:
        for row, entry in enumerate(self._rows):
            if entry.reference == outcome.reference and entry.queued_id == outcome.queued_id:
                return row
        return None

    def _update_row(self, row: int, outcome: SubmitOutcome) -> None:
        entry = self._rows[row]
        self._rows[row] = replace(
            entry,
            sent=entry.sent or outcome.sent,
            receipt=outcome.receipt or entry.receipt,
            ticket=outcome.ticket or entry.ticket,
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
