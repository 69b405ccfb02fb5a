"""One citizen's session at the kiosk, counter or clinic desk: what has been read, verified,
chosen and typed, and the wipe that forgets all of it.

Pure Python (no Qt): the UI's controller (``ui/controller.py``) drives a :class:`Session` and
turns its changes into signals. Everything personal lives here and only here, so that
:meth:`Session.wipe` is the one place that forgets a citizen.

Phases::

    IDLE ──card──▶ NEED_KEYS ──QR / typed ID──▶ READING ──▶ VERDICT ──▶ CHOOSE ──▶ FORM
      ▲               (keys already known: straight to READING)                    │
      │                                                                           ▼
      └──── wipe ◀── DONE ◀── SUBMITTING ◀────────────────────────────────────── REVIEW
    any phase ──error──▶ FAILURE (retry → READING / NEED_KEYS, or wipe → IDLE)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cardreader.access import ChipKeys
    from cardreader.access_keys import AccessKeys
    from cardreader.verify.verdict import CardVerdict
    from kiosk.procedures.filling import FilledForm
    from kiosk.record import CitizenRecord


class Phase(StrEnum):
    IDLE = "idle"
    NEED_KEYS = "need_keys"  # a card is on the reader but we have nothing to open it with
    WAIT_CARD = "wait_card"  # a QR code was scanned; waiting for the card (or QR-only, unverified)
    READING = "reading"
    VERDICT = "verdict"
    CHOOSE = "choose"  # choose a procedure
    FORM = "form"
    REVIEW = "review"
    SUBMITTING = "submitting"
    DONE = "done"
    CHECKED_IN = "checked_in"  # clinic mode: the ticket is issued
    FAILURE = "failure"


class Failure(StrEnum):
    """What went wrong, as the friendly failure screens tell it."""

    CARD_REMOVED = "card_removed"  # the card left the reader mid-read
    NO_READER = "no_reader"  # no reader, or it was unplugged
    WRONG_KEYS = "wrong_keys"  # the chip refused the QR/typed data: another person's card?
    NOT_CCCD = "not_cccd"  # the card is not an ID card (no eMRTD application)
    READ_ERROR = "read_error"  # any other chip error
    QR_INVALID = "qr_invalid"  # the scanned text is not a CCCD QR code
    CLONE_SUSPECTED = "clone_suspected"  # clinic mode: check-in stopped for a suspicious card
    SUBMIT_ERROR = "submit_error"  # the submission could not even be stored locally


@dataclass(frozen=True)
class FailureInfo:
    kind: Failure
    code: str  # the library's stable error code ("card_removed", "authentication_failed"…)
    retryable: bool = True

    def __repr__(self) -> str:
        return f"FailureInfo({self.kind.value}, {self.code!r})"


@dataclass(frozen=True)
class ReadProgress:
    done: int
    total: int
    file: str  # "DG1", "DG13", "DG2"…


@dataclass(frozen=True)
class SubmitOutcome:
    """What the result screen shows and the receipt prints (no personal data in here)."""

    kind: str
    procedure_id: str
    reference: str  # a short local reference, always present (from the idempotency key)
    sent: bool  # the intake server acknowledged it (receipt known)
    receipt: str  # the server's receipt number when sent, else ""
    queued_id: int  # outbox row id
    ticket: str = ""  # clinic mode: the queue ticket label ("A-007")
    extra: Any = None  # clinic mode: the kiosk.bhyt.checkin.CheckIn


# --- the session ---------------------------------------------------------------------------


class SessionError(Exception):
    """Base class of the session's errors (a stable ``code`` like the library's)."""

    code = "session"


class IllegalTransitionError(SessionError):
    """A step was asked for in a phase that does not allow it (names both, never data)."""

    code = "illegal_transition"

    def __init__(self, action: str, phase: Phase) -> None:
        super().__init__(f"cannot {action} in phase {phase.value}")
        self.action = action
        self.phase = phase


#: Which phases each phase may move to (wipe, to IDLE, is always allowed).
TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.IDLE: frozenset({Phase.NEED_KEYS, Phase.WAIT_CARD, Phase.READING, Phase.FAILURE}),
    Phase.NEED_KEYS: frozenset({Phase.READING, Phase.WAIT_CARD, Phase.FAILURE}),
    Phase.WAIT_CARD: frozenset({Phase.READING, Phase.NEED_KEYS, Phase.CHOOSE, Phase.FAILURE}),
    Phase.READING: frozenset({Phase.VERDICT, Phase.FAILURE}),
    Phase.VERDICT: frozenset({Phase.CHOOSE, Phase.SUBMITTING, Phase.FAILURE}),
    Phase.CHOOSE: frozenset({Phase.FORM, Phase.VERDICT, Phase.FAILURE}),
    Phase.FORM: frozenset({Phase.REVIEW, Phase.CHOOSE, Phase.FAILURE}),
    Phase.REVIEW: frozenset({Phase.FORM, Phase.SUBMITTING, Phase.FAILURE}),
    Phase.SUBMITTING: frozenset({Phase.DONE, Phase.CHECKED_IN, Phase.FAILURE, Phase.REVIEW}),
    Phase.DONE: frozenset(),
    Phase.CHECKED_IN: frozenset(),
    Phase.FAILURE: frozenset(
        {Phase.READING, Phase.NEED_KEYS, Phase.WAIT_CARD, Phase.CHOOSE, Phase.REVIEW}
    ),
}

#: Phases in which the citizen's data has not been read yet (a new card may start a read).
BEFORE_READ = frozenset({Phase.IDLE, Phase.NEED_KEYS, Phase.WAIT_CARD})


class Session:
    """One citizen's session: the phase, and every personal value the kiosk holds for them.

    Transitions are methods; each checks the phase and raises :class:`IllegalTransitionError`
    when the step is not allowed there. :meth:`wipe` forgets everything personal and returns to
    IDLE. ``clock`` (monotonic seconds) is injectable so idle logic can be tested without
    waiting. ``repr()`` shows the phase and which parts are present, never their values.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.phase = Phase.IDLE
        self.last_activity = clock()
        self._clear()

    def _clear(self) -> None:
        # Everything personal (or derived from the card) lives in these attributes only.
        self.keys: AccessKeys | ChipKeys | None = None
        self.qr_record: CitizenRecord | None = None
        self.qr_degraded = False
        self.record: CitizenRecord | None = None
        self.verdict: CardVerdict | None = None
        self.face_png: bytes | None = None
        self.procedure_id: str | None = None
        self.answers: dict[str, object] = {}
        self.form: FilledForm | None = None
        self.outcome: SubmitOutcome | None = None
        self.failure: FailureInfo | None = None
        self.failed_from: Phase | None = None
        self.reader: str | None = None  # the reader the card is on (not personal)

    # -- helpers ---------------------------------------------------------------------------

    def _go(self, target: Phase, action: str) -> None:
        if target not in TRANSITIONS[self.phase]:
            raise IllegalTransitionError(action, self.phase)
        self.phase = target

    def _require(self, action: str, *phases: Phase) -> None:
        if self.phase not in phases:
            raise IllegalTransitionError(action, self.phase)

    @property
    def has_personal_data(self) -> bool:
        return any(
            v is not None
            for v in (self.keys, self.qr_record, self.record, self.verdict, self.face_png,
                      self.form, self.outcome)
        ) or bool(self.answers)  # fmt: skip

    # -- activity and idle -----------------------------------------------------------------

    def touch(self, now: float | None = None) -> None:
        """The person did something: restart the idle clock."""
        self.last_activity = self._clock() if now is None else now

    def idle_for(self, now: float | None = None) -> float:
        """Seconds since the last activity (never negative)."""
        return max(0.0, (self._clock() if now is None else now) - self.last_activity)

    # -- before the read -------------------------------------------------------------------

    def card_placed(self, reader: str) -> Phase:
        """A card arrived: read it if the keys are known, else ask for them."""
        self._require("start with a card", *BEFORE_READ, Phase.FAILURE)
        self.reader = reader
        self._go(Phase.READING if self.keys is not None else Phase.NEED_KEYS, "start with a card")
        self.failure = None
        self.touch()
        return self.phase

    def keys_known(
        self,
        keys: AccessKeys | ChipKeys,
        *,
        card_present: bool,
        qr_record: CitizenRecord | None = None,
        qr_degraded: bool = False,
    ) -> Phase:
        """The QR code was scanned, or the ID number / CAN typed: read now or wait for the card."""
        self._require("take keys", *BEFORE_READ, Phase.FAILURE)
        self.keys = keys
        if qr_record is not None:
            self.qr_record = qr_record
            self.qr_degraded = qr_degraded
        target = Phase.READING if card_present else Phase.WAIT_CARD
        if self.phase is not target:
            self._go(target, "take keys")
        self.failure = None
        self.touch()
        return self.phase

    def retry_read(self) -> Phase:
        """After a failure: read again (the card is there and the keys are known)."""
        self._require("retry the read", Phase.FAILURE, Phase.NEED_KEYS, Phase.WAIT_CARD)
        if self.keys is None:
            raise IllegalTransitionError("retry the read without keys", self.phase)
        self._go(Phase.READING, "retry the read")
        self.failure = None
        return self.phase

    def wait_again(self, *, card_present: bool) -> Phase:
        """After a failure with nothing to retry now: wait for the card or for keys."""
        self._require("wait again", Phase.FAILURE)
        if card_present and self.keys is None:
            target = Phase.NEED_KEYS
        elif self.keys is not None:
            target = Phase.WAIT_CARD
        else:
            target = Phase.NEED_KEYS
        self._go(target, "wait again")
        self.failure = None
        return self.phase

    def without_chip(self) -> Phase:
        """Continue with the QR code's (unverified) data only."""
        self._require("continue without the chip", Phase.WAIT_CARD, Phase.NEED_KEYS,
                      Phase.FAILURE)  # fmt: skip
        if self.qr_record is None:
            raise IllegalTransitionError("continue without the chip (no QR code)", self.phase)
        self.phase = Phase.CHOOSE
        self.record = self.qr_record
        self.verdict = None
        self.failure = None
        self.touch()
        return self.phase

    # -- the read --------------------------------------------------------------------------

    def text_read(self, record: CitizenRecord) -> None:
        """The text groups arrived (not yet verified): show them while the face loads."""
        self._require("take the text", Phase.READING)
        self.record = record

    def read_done(
        self, record: CitizenRecord, verdict: CardVerdict, face_png: bytes | None
    ) -> Phase:
        self._require("finish the read", Phase.READING)
        self.record = record
        self.verdict = verdict
        self.face_png = face_png
        self._go(Phase.VERDICT, "finish the read")
        self.touch()
        return self.phase

    # -- the procedure ---------------------------------------------------------------------

    def proceed(self) -> Phase:
        """From the verdict to the list of procedures."""
        self._go(Phase.CHOOSE, "choose a procedure")
        self.touch()
        return self.phase

    def choose(self, procedure_id: str, form: FilledForm) -> Phase:
        self._require("choose a procedure", Phase.VERDICT, Phase.CHOOSE)
        if self.phase is Phase.VERDICT:
            self._go(Phase.CHOOSE, "choose a procedure")
        self._go(Phase.FORM, "choose a procedure")
        if procedure_id != self.procedure_id:
            self.answers = {}
        self.procedure_id = procedure_id
        self.form = form
        self.touch()
        return self.phase

    def answer(self, field_id: str, value: object, form: FilledForm) -> None:
        self._require("answer a field", Phase.FORM, Phase.REVIEW)
        if value is None or value == "":
            self.answers.pop(field_id, None)
        else:
            self.answers[field_id] = value
        self.form = form
        self.touch()

    def refill(self, form: FilledForm) -> None:
        """A re-filled form (same answers; e.g. the face or a record correction arrived)."""
        self._require("refill the form", Phase.FORM, Phase.REVIEW)
        self.form = form

    def review(self) -> Phase:
        self._go(Phase.REVIEW, "review the form")
        self.touch()
        return self.phase

    def back(self) -> Phase:
        """One step back: review → form → choose → verdict (when there was a read)."""
        if self.phase is Phase.REVIEW:
            self._go(Phase.FORM, "go back")
        elif self.phase is Phase.FORM:
            self._go(Phase.CHOOSE, "go back")
        elif self.phase is Phase.CHOOSE and self.verdict is not None:
            self._go(Phase.VERDICT, "go back")
        else:
            raise IllegalTransitionError("go back", self.phase)
        self.touch()
        return self.phase

    # -- submitting ------------------------------------------------------------------------

    def submitting(self) -> Phase:
        """The form (kiosk/counter, from REVIEW) or the check-in (clinic, from VERDICT)."""
        self._go(Phase.SUBMITTING, "submit")
        self.touch()
        return self.phase

    def submit_refused(self) -> Phase:
        """The form was refused before anything was stored (invalid): back to the review."""
        self._go(Phase.REVIEW, "return to the review")
        return self.phase

    def submitted(self, outcome: SubmitOutcome) -> Phase:
        self._require("record the submission", Phase.SUBMITTING)
        self.outcome = outcome
        self._go(Phase.CHECKED_IN if outcome.ticket else Phase.DONE, "record the submission")
        self.touch()
        return self.phase

    def delivered(self, outcome: SubmitOutcome) -> None:
        """The receipt arrived after the person was told "saved"."""
        self._require("record the delivery", Phase.DONE, Phase.CHECKED_IN)
        self.outcome = outcome

    # -- failures and the wipe -------------------------------------------------------------

    def fail(self, info: FailureInfo) -> Phase:
        """Anything went wrong: show the failure screen (from any phase but IDLE's wipe)."""
        if self.phase is not Phase.FAILURE:
            self.failed_from = self.phase
        self.phase = Phase.FAILURE
        self.failure = info
        return self.phase

    def wipe(self) -> None:
        """Forget everything personal (keys, QR, record, face, answers, form, outcome)."""
        self._clear()
        self.phase = Phase.IDLE
        self.touch()

    def __repr__(self) -> str:
        parts = [
            name
            for name, present in (
                ("keys", self.keys is not None),
                ("qr", self.qr_record is not None),
                ("record", self.record is not None),
                ("verdict", self.verdict is not None),
                ("face", self.face_png is not None),
                ("form", self.form is not None),
                ("outcome", self.outcome is not None),
            )
            if present
        ]
        failure = f", failure={self.failure.kind.value}" if self.failure else ""
        return f"Session({self.phase.value}{failure}; holds: {', '.join(parts) or 'nothing'})"
