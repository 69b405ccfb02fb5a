"""The session controller: the one QObject that the screens of every mode talk to.

It owns a :class:`kiosk.session.Session`, the reader backend and the submission runtime; it runs
card reads and submissions off the GUI thread and reports back only through the signals below
(queued to the GUI thread). Screens never call the library directly, and never keep personal data
after :attr:`wiped` is emitted.

CONTRACT (stable; screens and windows are written against it):

Signals (all emitted on the GUI thread):
    phase_changed(str)              kiosk.session.Phase value
    readers_changed(list)           list[str] reader names currently present
    card_inserted(str)              reader name
    card_removed(str)               reader name
    read_progress(object)           kiosk.session.ReadProgress
    text_ready(object)              kiosk.record.CitizenRecord (text groups read, face not yet)
    face_ready(object)              QtGui.QImage of the holder's photo
    verdict_ready(object)           cardreader.verify.verdict.CardVerdict
    form_changed(object)            kiosk.procedures.filling.FilledForm (after every answer)
    submitted(object)               kiosk.session.SubmitOutcome (stored durably; maybe not sent)
    delivery_updated(object)        kiosk.session.SubmitOutcome (later: the receipt arrived)
    failed(object)                  kiosk.session.FailureInfo
    connectivity_changed(object)    kiosk.outbox.connectivity.ConnectivityStatus
    idle_warning(int)               seconds left before the idle wipe (kiosk mode); 0 = cancelled
    wiped()                         the session was wiped: clear every widget now

Methods (GUI thread):
    start(), close()
    provide_qr_text(text: str)                    wedge scanner / camera / demo QR
    provide_id_and_birth(id_number: str, birth: datetime.date)
    provide_can(can: str)
    retry()                                       after a failure
    procedures() -> list[Procedure]               offered at this site, in display order
    choose_procedure(procedure_id: str)
    set_answer(field_id: str, value: object)      re-fills the form, emits form_changed
    review(), back()
    submit()                                      -> submitted or failed
    check_in()                                    clinic mode (also automatic after a read)
    end_session()                                 wipe, back to IDLE
    user_activity()                               any touch/key: restarts the idle timer
    session  (property)                           the kiosk.session.Session, for tests

Additions (this implementation; also stable):
    qr_read(object)                 kiosk.record.CitizenRecord from a scanned QR (unverified)
    continue_without_chip()         QR-only record, unverified, → CHOOSE
    proceed()                       VERDICT → CHOOSE (choose_procedure() also works from VERDICT)
    readers() -> list[str];  card_present() -> bool;  connectivity() -> ConnectivityStatus
    mode (property), env (property)
    review() returns False (and emits form_changed with the errors) when the form is invalid.
    SessionController(..., clock=time.monotonic, receipt_wait_s=3.0, no_reader_after_s=3.0)

Behaviour: a card placed while IDLE/WAIT_CARD starts the read when the keys are known (else
NEED_KEYS); a QR code while IDLE waits for the card (WAIT_CARD) or reads at once. A card removed
during the read fails with card_removed and placing it again retries by itself; a card removed
after the read does not end the session. A reader unplugged before or during the read fails with
no_reader, and so does starting with no reader at all (after no_reader_after_s); plugging one
in returns to IDLE by itself. Clinic mode checks in automatically after
a genuine or unknown_issuer read; data_altered / clone_suspected stop with clone_suspected, which
the receptionist acknowledges with retry() or end_session(). A card or QR code after DONE or
CHECKED_IN starts the next person's session (wiped first). Idle timeout: idle_warning(n) each
second of the last 15 s, then the wipe; user_activity() cancels (idle_warning(0)).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
from collections.abc import Callable
from typing import Any

from cardreader.transport.monitor import CardEvent
from kiosk.card_flow import (
    ReadOutcome,
    classify,
    keys_from_can,
    keys_from_id_and_birth,
    keys_from_qr_text,
    read_and_verify,
)
from kiosk.environment import AppEnvironment
from kiosk.outbox.connectivity import ConnectivityStatus
from kiosk.procedures.errors import FormInvalidError
from kiosk.procedures.filling import FilledForm, fill_form
from kiosk.procedures.model import Procedure
from kiosk.session import (
    BEFORE_READ,
    Failure,
    FailureInfo,
    IllegalTransitionError,
    Phase,
    ReadProgress,
    Session,
    SubmitOutcome,
)
from ui.qt import QObject, QtGui, QTimer, Signal
from ui.workers import Bridge, Worker

_log = logging.getLogger("ui.controller")

MODES = ("kiosk", "counter", "clinic")
#: The idle countdown shown before the wipe.
IDLE_WARNING_S = 15
#: How long submit() waits for the intake server's receipt before saying "saved, will be sent".
RECEIPT_WAIT_S = 3.0
#: Without any reader this long after start(), the no_reader failure screen is shown.
NO_READER_AFTER_S = 3.0
#: Verdicts after which the clinic desk checks the patient in by itself.
CLINIC_OK = frozenset({"genuine", "unknown_issuer"})
#: Phases of a finished session: a new card or QR code starts the next one.
FINISHED = frozenset({Phase.DONE, Phase.CHECKED_IN})


def _reference(idempotency_key: str) -> str:
    """A short local reference for the receipt (the random tail of the UUIDv7 key)."""
    return idempotency_key.replace("-", "")[-8:].upper()


class SessionController(QObject):
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
    # additions
    qr_read = Signal(object)

    def __init__(
        self,
        env: AppEnvironment,
        *,
        mode: str,
        idle_timeout_s: float | None,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        receipt_wait_s: float = RECEIPT_WAIT_S,
        no_reader_after_s: float | None = NO_READER_AFTER_S,
    ) -> None:
        super().__init__(parent)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if idle_timeout_s is not None and idle_timeout_s <= 0:
            raise ValueError("idle_timeout_s must be positive (or None)")
        self._env = env
        self._mode = mode
        self._idle_timeout = idle_timeout_s
        self._clock = clock
        self._receipt_wait_s = receipt_wait_s
        self._no_reader_after_s = no_reader_after_s
        self._session = Session(clock=clock)
        self._worker = Worker(self)
        self._events = Bridge(self._on_bridged, self)
        self._readers: list[str] = []
        self._cards: dict[str, bool] = {}
        self._job = 0  # generation of the current read / submission; stale results are dropped
        self._pending: dict[int, SubmitOutcome] = {}  # outbox id -> outcome not yet delivered
        self._unsubscribe: list[Callable[[], None]] = []
        self._warning = 0  # seconds shown in the current idle warning, 0 = none
        self._started = False
        self._closed = False
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(250)
        self._idle_timer.timeout.connect(self._check_idle)

    # --- properties ----------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        return self._session

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def env(self) -> AppEnvironment:
        return self._env

    def readers(self) -> list[str]:
        return list(self._readers)

    def card_present(self) -> bool:
        return any(self._cards.get(r) for r in self._readers)

    def connectivity(self) -> ConnectivityStatus:
        return self._env.runtime.connectivity.status()

    def procedures(self) -> list[Procedure]:
        if self._mode == "clinic" and self._env.clinic is not None:
            return [self._env.clinic.procedure]
        return list(self._env.procedures)

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        runtime = self._env.runtime
        self._unsubscribe.append(
            runtime.connectivity.subscribe(lambda status: self._events.post(("net", status)))
        )
        self._unsubscribe.append(runtime.outbox.subscribe(lambda: self._events.post(("outbox",))))
        runtime.start()
        self._env.backend.start(lambda event: self._events.post(("card", event)))
        if self._idle_timeout is not None:
            self._idle_timer.start()
        if self._no_reader_after_s is not None:
            QTimer.singleShot(int(self._no_reader_after_s * 1000), self._check_no_reader)
        self.connectivity_changed.emit(runtime.connectivity.status())
        self.phase_changed.emit(self._session.phase.value)

    def close(self) -> None:
        """Stop watching readers and the outbox, wait for running jobs, wipe."""
        if self._closed:
            return
        self._closed = True
        self._idle_timer.stop()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._env.backend.stop()
        self._job += 1
        self._worker.wait(10_000)
        self._session.wipe()

    def _check_no_reader(self) -> None:
        """Started without any reader: say so (plugging one in returns to IDLE by itself)."""
        s = self._session
        if self._closed or self._readers or s.phase is not Phase.IDLE or s.has_personal_data:
            return
        self._fail(FailureInfo(Failure.NO_READER, "no_reader", True))

    # --- bridged events (GUI thread) -----------------------------------------------------------

    def _on_bridged(self, item: tuple[Any, ...]) -> None:
        if self._closed:
            return
        kind = item[0]
        if kind == "card":
            self._on_card_event(item[1])
        elif kind == "net":
            self.connectivity_changed.emit(item[1])
        elif kind == "outbox":
            self._check_deliveries()

    def _on_card_event(self, event: CardEvent) -> None:
        s = self._session
        if event.kind == "reader_added":
            if event.reader not in self._readers:
                self._readers.append(event.reader)
                self._cards.setdefault(event.reader, False)
                self.readers_changed.emit(list(self._readers))
            if s.phase is Phase.FAILURE and s.failure is not None and (
                s.failure.kind is Failure.NO_READER
            ):
                self._wipe()  # the reader is back: start over by itself
        elif event.kind == "reader_removed":
            if event.reader in self._readers:
                self._readers.remove(event.reader)
                self._cards.pop(event.reader, None)
                self.readers_changed.emit(list(self._readers))
            if not self._readers and s.phase in BEFORE_READ:
                self._fail(FailureInfo(Failure.NO_READER, "reader_gone", True))
            # READING: the read itself fails with reader_gone and says so.
        elif event.kind == "card_inserted":
            self._cards[event.reader] = True
            self.card_inserted.emit(event.reader)
            self._on_card_placed(event.reader)
        elif event.kind == "card_removed":
            self._cards[event.reader] = False
            self.card_removed.emit(event.reader)
            if s.phase is Phase.NEED_KEYS and not self.card_present():
                self._wipe()  # nobody to ask for keys any more
            # READING: the read fails with card_removed by itself. After the read: the citizen
            # took the card back, the session goes on.

    def _on_card_placed(self, reader: str) -> None:
        s = self._session
        if s.phase in FINISHED:
            self._wipe()  # the next person (clinic: the next patient) is already here
        if s.phase in BEFORE_READ:
            s.card_placed(reader)
            self._phase()
            if s.phase is Phase.READING:
                self._start_read()
        elif s.phase is Phase.FAILURE and s.failure is not None and s.failure.kind in (
            Failure.CARD_REMOVED, Failure.NO_READER, Failure.READ_ERROR, Failure.NOT_CCCD,
            Failure.WRONG_KEYS, Failure.QR_INVALID,
        ):  # fmt: skip
            s.reader = reader
            if s.keys is not None:
                s.retry_read()
                self._phase()
                self._start_read()
            else:
                s.wait_again(card_present=True)
                self._phase()

    # --- keys ------------------------------------------------------------------------------------

    def _may_take_keys(self) -> bool:
        s = self._session
        if s.phase in FINISHED:
            self._wipe()
        if s.phase in BEFORE_READ:
            return True
        return s.phase is Phase.FAILURE and s.failed_from in BEFORE_READ | {Phase.READING}

    def provide_qr_text(self, text: str) -> None:
        """A QR code was scanned (wedge scanner, camera or the demo button)."""
        if not self._may_take_keys():
            _log.info("QR code ignored in phase %s", self._session.phase.value)
            return
        self.user_activity()
        try:
            qr = keys_from_qr_text(text)
        except Exception as exc:
            self._fail(classify(exc))
            return
        self.qr_read.emit(qr.record)
        self._take_keys(qr.keys, qr_record=qr.record, degraded=qr.degraded)

    def provide_id_and_birth(self, id_number: str, birth: datetime.date) -> None:
        if not self._may_take_keys():
            return
        self.user_activity()
        try:
            keys = keys_from_id_and_birth(id_number, birth)
        except Exception as exc:
            self._fail(FailureInfo(Failure.WRONG_KEYS, getattr(exc, "code", "invalid_input"),
                                   False))  # fmt: skip
            return
        self._take_keys(keys)

    def provide_can(self, can: str) -> None:
        if not self._may_take_keys():
            return
        self.user_activity()
        try:
            keys = keys_from_can(can)
        except Exception as exc:
            self._fail(FailureInfo(Failure.WRONG_KEYS, getattr(exc, "code", "invalid_input"),
                                   False))  # fmt: skip
            return
        self._take_keys(keys)

    def _take_keys(self, keys: Any, *, qr_record: Any = None, degraded: bool = False) -> None:
        s = self._session
        present = self.card_present()
        if present and s.reader is None:
            s.reader = next(r for r in self._readers if self._cards.get(r))
        s.keys_known(keys, card_present=present, qr_record=qr_record, qr_degraded=degraded)
        self._phase()
        if s.phase is Phase.READING:
            self._start_read()

    def continue_without_chip(self) -> None:
        """Use the QR code's data only (unverified; every field stays editable)."""
        s = self._session
        try:
            s.without_chip()
        except IllegalTransitionError:
            _log.info("continue_without_chip ignored in phase %s", s.phase.value)
            return
        self._job += 1  # a read still running is no longer wanted
        self._phase()

    # --- the read --------------------------------------------------------------------------------

    def _start_read(self) -> None:
        s = self._session
        self._job += 1
        job = self._job
        backend, trust, keys = self._env.backend, self._env.trust, s.keys
        reader, qr_record = s.reader, s.qr_record

        def work(report: Callable[[object], None]) -> ReadOutcome:
            return read_and_verify(
                backend, reader, keys, trust,
                on_progress=lambda p: report(p),
                on_text_ready=lambda r: report(("text", r)),
                qr_record=qr_record,
            )  # fmt: skip

        self._worker.run(
            work,
            on_done=lambda out: self._read_done(job, out),
            on_error=lambda exc: self._read_failed(job, exc),
            on_report=lambda value: self._read_report(job, value),
        )

    def _read_report(self, job: int, value: object) -> None:
        if job != self._job or self._session.phase is not Phase.READING:
            return
        if isinstance(value, ReadProgress):
            self.read_progress.emit(value)
        elif isinstance(value, tuple) and value[0] == "text":
            self._session.text_read(value[1])
            self.text_ready.emit(value[1])

    def _read_done(self, job: int, out: ReadOutcome) -> None:
        s = self._session
        if job != self._job or s.phase is not Phase.READING:
            return
        s.read_done(out.record, out.verdict, out.face_png)
        if out.face_png is not None:
            image = QtGui.QImage.fromData(out.face_png)
            if not image.isNull():
                self.face_ready.emit(image)
        self.verdict_ready.emit(out.verdict)
        self._phase()
        _log.info("card read: verdict %s, %d APDUs, %.2f s", out.verdict.verdict,
                  out.read.apdus, out.read.seconds_total)  # fmt: skip
        if self._mode == "clinic":
            if out.verdict.verdict in CLINIC_OK:
                self.check_in()
            else:
                self._fail(FailureInfo(Failure.CLONE_SUSPECTED, out.verdict.verdict, False))

    def _read_failed(self, job: int, exc: BaseException) -> None:
        if job != self._job or self._session.phase is not Phase.READING:
            return
        info = classify(exc)
        _log.info("card read failed: %s (%s)", info.kind.value, info.code)
        self._fail(info)

    # --- failures --------------------------------------------------------------------------------

    def _fail(self, info: FailureInfo) -> None:
        self._session.fail(info)
        self.failed.emit(info)
        self._phase()

    def retry(self) -> None:
        """After a failure: try again when that can work, else wait for the card or keys."""
        s = self._session
        if s.phase is not Phase.FAILURE or s.failure is None:
            return
        self.user_activity()
        kind = s.failure.kind
        if kind is Failure.CLONE_SUSPECTED:
            self.end_session()  # the receptionist acknowledged it
        elif kind is Failure.SUBMIT_ERROR and s.form is not None:
            s.phase = Phase.REVIEW
            s.failure = None
            self._phase()
        elif s.failed_from is not None and s.failed_from not in BEFORE_READ | {Phase.READING}:
            s.phase, s.failure = s.failed_from, None  # e.g. a form step: back where it was
            self._phase()
        elif s.keys is not None and self.card_present() and kind is not Failure.WRONG_KEYS:
            s.retry_read()
            self._phase()
            self._start_read()
        elif s.keys is not None and kind is not Failure.WRONG_KEYS:
            s.wait_again(card_present=False)
            self._phase()
        elif self.card_present():
            s.keys = None
            s.wait_again(card_present=True)
            self._phase()
        else:
            self._wipe()

    # --- the procedure ---------------------------------------------------------------------------

    def _fill(self) -> FilledForm:
        s = self._session
        assert s.procedure_id is not None
        procedure = self._env.procedure(s.procedure_id)
        return fill_form(procedure, s.record, s.answers, context=self._context())

    def _context(self) -> dict[str, str]:
        context = dict(self._env.context)
        clinic = self._env.clinic
        if self._mode == "clinic" and clinic is not None:
            context.update(clinic.context(None))
        return context

    def proceed(self) -> None:
        try:
            self._session.proceed()
        except IllegalTransitionError:
            return
        self._phase()

    def choose_procedure(self, procedure_id: str) -> None:
        s = self._session
        if s.phase not in (Phase.VERDICT, Phase.CHOOSE):
            _log.info("choose_procedure ignored in phase %s", s.phase.value)
            return
        procedure = self._env.procedure(procedure_id)  # KeyError: a bug of the caller
        previous = s.procedure_id
        s.procedure_id = procedure.id
        if previous != procedure.id:
            s.answers = {}
        form = self._fill()
        s.choose(procedure.id, form)
        self.user_activity()
        self._phase()
        self.form_changed.emit(form)

    def set_answer(self, field_id: str, value: object) -> None:
        s = self._session
        if s.phase not in (Phase.FORM, Phase.REVIEW) or s.form is None:
            return
        self.user_activity()
        try:
            locked = s.form.field(field_id).read_only
        except KeyError:
            locked = False
        if locked:  # verified from the chip (or fixed by the site): keep it, show it again
            self.form_changed.emit(s.form)
            return
        previous = dict(s.answers)
        if value is None or value == "":
            s.answers.pop(field_id, None)
        else:
            s.answers[field_id] = value
        try:
            form = self._fill()
        except Exception:
            s.answers = previous  # a value the form cannot take at all: keep the last good one
            raise
        s.answer(field_id, value, form)
        self.form_changed.emit(form)

    def review(self) -> bool:
        s = self._session
        if s.phase is not Phase.FORM or s.form is None:
            return False
        self.user_activity()
        if not s.form.is_valid:
            self.form_changed.emit(s.form)
            return False
        s.review()
        self._phase()
        return True

    def back(self) -> None:
        try:
            self._session.back()
        except IllegalTransitionError:
            return
        self.user_activity()
        self._phase()

    # --- submitting ------------------------------------------------------------------------------

    def submit(self) -> None:
        """Store the form durably, then wait a little for the receipt (off the GUI thread)."""
        s = self._session
        if s.phase is Phase.FORM and not self.review():
            return
        if s.phase is not Phase.REVIEW or s.form is None:
            return
        form = s.form
        s.submitting()
        self._phase()
        self._job += 1
        job = self._job
        runtime, place, wait_s = self._env.runtime, self._env.place, self._receipt_wait_s

        def work(report: Callable[[object], None]) -> SubmitOutcome:
            from kiosk.procedures.submission import submit_form

            result = submit_form(form, outbox=runtime.outbox, audit=runtime.audit, place=place)
            queued = result.queued
            runtime.worker.notify()
            outcome = SubmitOutcome(
                kind=result.kind, procedure_id=form.procedure.id,
                reference=_reference(queued.idempotency_key), sent=False, receipt="",
                queued_id=queued.id,
            )  # fmt: skip
            return _wait_receipt(runtime.outbox, outcome, wait_s)

        self._worker.run(
            work,
            on_done=lambda out: self._submit_done(job, out),
            on_error=lambda exc: self._submit_failed(job, exc),
        )

    def _submit_done(self, job: int, outcome: SubmitOutcome) -> None:
        s = self._session
        if not outcome.sent:
            # Only the non-personal part waits for the receipt (extra holds the check-in form).
            self._pending[outcome.queued_id] = dataclasses.replace(outcome, extra=None)
        if job != self._job or s.phase is not Phase.SUBMITTING:
            return
        s.submitted(outcome)
        _log.info("submission stored (%s), sent=%s", outcome.kind, outcome.sent)
        self.submitted.emit(outcome)
        self._phase()
        if not outcome.sent:
            self._check_deliveries()  # it may have arrived between the wait and now

    def _submit_failed(self, job: int, exc: BaseException) -> None:
        s = self._session
        if job != self._job or s.phase is not Phase.SUBMITTING:
            return
        if isinstance(exc, FormInvalidError):
            s.submit_refused()
            self._phase()
            if s.form is not None:
                self.form_changed.emit(s.form)
            return
        _log.warning("submission failed: %s", type(exc).__name__)
        self._fail(FailureInfo(Failure.SUBMIT_ERROR, getattr(exc, "code", "submit_error"), True))

    def check_in(self) -> None:
        """Clinic: check the patient in (ticket + queued record), off the GUI thread."""
        s = self._session
        clinic = self._env.clinic
        if s.phase is not Phase.VERDICT or s.record is None:
            return
        if clinic is None:
            self._fail(FailureInfo(Failure.SUBMIT_ERROR, "bhyt_not_configured", False))
            return
        record, answers = s.record, dict(s.answers)
        s.submitting()
        self._phase()
        self._job += 1
        job = self._job

        def work(report: Callable[[object], None]) -> SubmitOutcome:
            done = clinic.check_in(record, answers)
            queued = done.queued
            return SubmitOutcome(
                kind=done.kind, procedure_id=clinic.procedure.id,
                reference=_reference(queued.idempotency_key), sent=False, receipt="",
                queued_id=queued.id, ticket=done.ticket.label, extra=done,
            )  # fmt: skip

        self._worker.run(
            work,
            on_done=lambda out: self._submit_done(job, out),
            on_error=lambda exc: self._submit_failed(job, exc),
        )

    def _check_deliveries(self) -> None:
        """Pending submissions whose receipt arrived: delivery_updated (no personal data)."""
        if not self._pending:
            return
        outbox = self._env.runtime.outbox
        for item_id, outcome in list(self._pending.items()):
            try:
                state = outbox.item(item_id)
            except Exception:  # closed outbox at shutdown, or a purged row
                continue
            if state.status == "sent" and state.receipt:
                del self._pending[item_id]
                updated = dataclasses.replace(outcome, sent=True, receipt=state.receipt)
                s = self._session
                if s.outcome is not None and s.outcome.queued_id == item_id:
                    updated = dataclasses.replace(updated, extra=s.outcome.extra)
                    s.delivered(updated)
                self.delivery_updated.emit(updated)

    # --- idle and the wipe -----------------------------------------------------------------------

    def user_activity(self) -> None:
        """Any touch or key: restart the idle timer (and cancel a countdown)."""
        self._session.touch()
        if self._warning:
            self._warning = 0
            self.idle_warning.emit(0)

    def _check_idle(self) -> None:
        s = self._session
        if self._idle_timeout is None or self._closed:
            return
        resting = s.phase is Phase.IDLE or (
            s.failure is not None and s.failure.kind is Failure.NO_READER
        )
        if resting and not s.has_personal_data:  # nothing to protect; no_reader heals itself
            if self._warning:
                self._warning = 0
                self.idle_warning.emit(0)
            return
        if s.phase in (Phase.READING, Phase.SUBMITTING):
            s.touch()  # never wipe in the middle of work
            return
        left = self._idle_timeout - s.idle_for()
        if left <= 0:
            _log.info("idle timeout: wiping the session")
            self._warning = 0
            self.end_session()
            return
        if left <= IDLE_WARNING_S:
            seconds = max(1, int(left + 0.999))
            if seconds != self._warning:
                self._warning = seconds
                self.idle_warning.emit(seconds)

    def end_session(self) -> None:
        """Wipe everything personal and return to IDLE."""
        self._wipe()

    def _wipe(self) -> None:
        self._job += 1  # results of running jobs are dropped
        if self._warning:
            self._warning = 0
            self.idle_warning.emit(0)
        self._session.wipe()
        self.wiped.emit()
        self._phase()

    def _phase(self) -> None:
        self.phase_changed.emit(self._session.phase.value)


def _wait_receipt(outbox: Any, outcome: SubmitOutcome, wait_s: float) -> SubmitOutcome:
    """Poll the outbox for the receipt for up to ``wait_s`` seconds (worker thread)."""
    deadline = time.monotonic() + wait_s
    while True:
        state = outbox.item(outcome.queued_id)
        if state.status == "sent" and state.receipt:
            return dataclasses.replace(outcome, sent=True, receipt=state.receipt)
        if state.status == "dead" or time.monotonic() >= deadline:
            return outcome
        time.sleep(0.05)
