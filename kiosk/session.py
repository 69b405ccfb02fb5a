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

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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
