"""Fakes for the counter and clinic tests: invented citizens, verdicts, check-ins and a
controller stub with the CONTRACT's signals (ui/controller.py) that records the calls made."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cardreader.emulator.face import draw_face
from cardreader.verify.report import Check, Finding, PassiveResult
from cardreader.verify.verdict import CardVerdict, card_verdict
from kiosk.bhyt.client import CardLookup, CardStatus
from kiosk.bhyt.tickets import Ticket
from kiosk.procedures import load_procedures
from kiosk.procedures.model import Procedure
from kiosk.record import CitizenRecord
from kiosk.session import SubmitOutcome
from tests.kiosk.fake_citizens import THU_NAME, chip_citizen, qr_mapping
from ui.qt import QObject, Qt, QtCore, QtGui, QtWidgets, Signal


@dataclass(frozen=True)
class Auth:
    performed: bool
    ok: bool
    detail: str = ""


def passive(status: str = "valid", not_verified: tuple[str, ...] = ()) -> PassiveResult:
    errors: tuple[Finding, ...] = ()
    if status == "invalid":
        errors = (Finding("hash_mismatch", "DG1 hash differs"),)
    elif status == "untrusted":
        errors = (Finding("untrusted_issuer", "no CSCA"),)
    return PassiveResult(
        status,  # type: ignore[arg-type]
        (Check("signature", status != "invalid", "test"),),
        errors,
        not_verified=not_verified,
    )


def verdict(kind: str, *, chip_checked: bool = True) -> CardVerdict:
    """A CardVerdict of ``kind`` built the way the library builds it."""
    if kind == "genuine":
        auth = Auth(True, True) if chip_checked else Auth(False, False, "not supported")
        return card_verdict(passive("valid"), auth)
    if kind == "data_altered":
        return card_verdict(passive("invalid"), Auth(True, True))
    if kind == "unknown_issuer":
        return card_verdict(passive("untrusted"), Auth(True, True))
    if kind == "clone_suspected":
        return card_verdict(passive("valid"), Auth(True, False, "CA failed"))
    raise ValueError(kind)


def chip_record(*, verified: bool = True) -> CitizenRecord:
    return CitizenRecord.from_chip(chip_citizen(), verified=verified)


def qr_record() -> CitizenRecord:
    return CitizenRecord.from_qr(qr_mapping())


def face_image(seed: int = 0) -> QtGui.QImage:
    buffer = io.BytesIO()
    draw_face(240, 320, seed=seed).save(buffer, format="PNG")
    image = QtGui.QImage.fromData(buffer.getvalue())
    assert not image.isNull()
    return image


def ticket(number: int = 7, line: str = "A") -> Ticket:
    return Ticket("01013", date(2026, 11, 23), line, number, 1_795_000_000.0)


def lookup(status: CardStatus = CardStatus.VALID, *, days_left: int = 200) -> CardLookup:
    return CardLookup(
        status=status,
        result_code={"valid": "000", "expired": "010", "not_found": "050"}.get(status.value, "999"),
        message="",
        card_number="DN4010123456789",
        full_name=THU_NAME,
        date_of_birth="05/09/1999",
        sex="Nam",
        address="",
        registered_facility="01013",
        valid_from=date(2026, 1, 1),
        valid_to=date.today() + timedelta(days=days_left),
        area_code="",
        five_years_from="",
        new_card_number="",
    )


@dataclass(frozen=True)
class FakeCheckIn:
    """What the clinic window reads of kiosk.bhyt.checkin.CheckIn."""

    ticket: Ticket
    card: CardLookup | None
    card_error: str = ""


def checkin_outcome(
    number: int = 7, card: CardLookup | None = None, card_error: str = "", *, sent: bool = True
) -> SubmitOutcome:
    t = ticket(number)
    return SubmitOutcome(
        kind="bhyt.checkin",
        procedure_id="bhyt_checkin",
        reference=f"REF{number:04d}",
        sent=sent,
        receipt=f"BN-{number:06d}" if sent else "",
        queued_id=number,
        ticket=t.label,
        extra=FakeCheckIn(t, card, card_error),
    )


def submit_outcome(*, sent: bool = True, procedure_id: str = "ct01") -> SubmitOutcome:
    return SubmitOutcome(
        kind="procedure.submission",
        procedure_id=procedure_id,
        reference="K7Q2-9XMA",
        sent=sent,
        receipt="HS-2026-000123" if sent else "",
        queued_id=12,
    )


class StubController(QObject):
    """The CONTRACT's signals; methods record what the window asked for."""

    phase_changed = Signal(str)
    readers_changed = Signal(list)
    card_inserted = Signal(str)
    card_removed = Signal(str)
    read_progress = Signal(object)
    text_ready = Signal(object)
    face_ready = Signal(object)
    verdict_ready = Signal(object)
    form_changed = Signal(object)
    submitted = Signal(object)
    delivery_updated = Signal(object)
    failed = Signal(object)
    connectivity_changed = Signal(object)
    idle_warning = Signal(int)
    wiped = Signal()

    def __init__(self, procedures: list[Procedure] | None = None) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._procedures = procedures if procedures is not None else _offered()

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [args for call, args in self.calls if call == name]

    def start(self) -> None:
        self._record("start")

    def close(self) -> None:
        self._record("close")

    def provide_qr_text(self, text: str) -> None:
        self._record("provide_qr_text", text)

    def provide_id_and_birth(self, id_number: str, birth: date) -> None:
        self._record("provide_id_and_birth", id_number, birth)

    def provide_can(self, can: str) -> None:
        self._record("provide_can", can)

    def retry(self) -> None:
        self._record("retry")

    def procedures(self) -> list[Procedure]:
        return list(self._procedures)

    def choose_procedure(self, procedure_id: str) -> None:
        self._record("choose_procedure", procedure_id)

    def set_answer(self, field_id: str, value: object) -> None:
        self._record("set_answer", field_id, value)

    def review(self) -> None:
        self._record("review")

    def back(self) -> None:
        self._record("back")

    def submit(self) -> None:
        self._record("submit")

    def check_in(self) -> None:
        self._record("check_in")

    def end_session(self) -> None:
        self._record("end_session")
        self.wiped.emit()
        self.phase_changed.emit("idle")

    def user_activity(self) -> None:
        self._record("user_activity")

    def acknowledge(self) -> None:
        self._record("acknowledge")


def _offered() -> list[Procedure]:
    procedures = load_procedures()
    return [p for key, p in procedures.items() if key != "bhyt_checkin"]


@contextlib.contextmanager
def themed(mode: str) -> Iterator[None]:
    """The application styled for ``mode`` (ui.theme) while the block runs."""
    from ui.theme import apply_theme

    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    font, sheet = app.font(), app.styleSheet()
    apply_theme(app, mode)  # type: ignore[arg-type]
    try:
        yield
    finally:
        app.setStyleSheet(sheet)
        app.setFont(font)


def settle() -> None:
    """Let pending layout requests and zero-time timers run, as the event loop would."""
    for _ in range(3):
        QtWidgets.QApplication.processEvents()


def wedge_type(window: QtWidgets.QWidget, text: str) -> None:
    """Type ``text`` the way a keyboard-wedge scanner does: key events with any Unicode text,
    each to whichever widget has the focus at that moment (QTest.keyClicks is ASCII-only)."""
    for char in text:
        target = QtWidgets.QApplication.focusWidget() or window
        for kind in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.KeyRelease):
            key = ord(char.upper()) if char.isascii() and char.isalnum() else 0
            event = QtGui.QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            QtWidgets.QApplication.sendEvent(target, event)


def personal_traces(window: QtWidgets.QWidget, needles: tuple[str, ...]) -> list[str]:
    """Paths to a string containing a needle inside the Python state of ``window`` and of every
    ui.* object under it (widgets, models): attributes, containers, dataclasses (records,
    forms). The controller and the environment are followed elsewhere (tests of the core)."""
    import dataclasses

    skip = {"controller", "env"}
    seen: set[int] = set()

    def walk(obj: object, depth: int) -> list[str]:
        if id(obj) in seen or depth > 10:
            return []
        seen.add(id(obj))
        if isinstance(obj, str):
            return ["<str>"] if any(n in obj for n in needles) else []
        if isinstance(obj, bytes | bytearray):
            return ["<bytes>"] if any(n.encode() in obj for n in needles) else []
        items: list[tuple[str, object]] = []
        if isinstance(obj, dict):
            items = [(f"[{k!r}]", v) for k, v in obj.items()] + [(f"key {k!r}", k) for k in obj]
        elif isinstance(obj, list | tuple | set | frozenset):
            items = [(f"[{i}]", v) for i, v in enumerate(obj)]
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            items = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
        elif hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in ("kiosk", "ui"):
            items = [(k, v) for k, v in vars(obj).items() if k not in skip]
        found: list[str] = []
        for name, value in items:
            found += [f"{name}.{p}" for p in walk(value, depth + 1)]
        return found

    traces: list[str] = []
    for obj in [window, *window.findChildren(QtCore.QObject)]:
        if type(obj).__module__.startswith("ui."):
            traces += [f"{type(obj).__name__}.{p}" for p in walk(obj, 0)]
    return traces
