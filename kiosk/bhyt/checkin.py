"""Clinic check-in: fill the BHYT check-in form, look the card up, hand out a queue ticket and
queue the check-in record through the outbox like any other submission.

A clinic receptionist checks a patient in every few seconds, so the gateway being down must not
stop the desk: the check-in then goes ahead with ``card_check.status = "unchecked"`` (the
gateway is asked again later by the back office) and the patient still gets a ticket.  A card
the gateway positively rejects (not found, expired, name or birth date mismatch) is reported to
the receptionist in :attr:`CheckIn.card` and recorded as such; whether the patient is then seen
as a fee-paying patient is the clinic's decision, not this module's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.bhyt.client import BhytGateway, CardLookup
from kiosk.bhyt.errors import BhytError, GatewayUnavailableError
from kiosk.bhyt.settings import BhytSettings, Receptionist
from kiosk.bhyt.tickets import Ticket, TicketBook
from kiosk.procedures.errors import FormInvalidError
from kiosk.procedures.filling import FilledForm, fill_form
from kiosk.procedures.loader import load_procedures
from kiosk.procedures.model import Procedure
from kiosk.procedures.submission import AuditSink, SubmissionSink
from kiosk.record import CitizenRecord

CHECKIN_PROCEDURE = "bhyt_checkin"
PRIORITY_LINE = "U"  # ưu tiên: emergencies, small children, elderly, pregnant, disabled, merit
NORMAL_LINE = "A"


@dataclass(frozen=True)
class CheckIn:
    """The outcome shown to the receptionist and printed on the ticket slip."""

    ticket: Ticket
    form: FilledForm
    card: CardLookup | None  # None: the gateway could not be asked
    card_error: str  # error code when card is None ("bhyt_unavailable", …), else ""
    kind: str
    payload: dict[str, Any]
    queued: Any  # what the outbox returned (kiosk.outbox.QueuedItem)

    def __repr__(self) -> str:
        return f"CheckIn(ticket={self.ticket.label!r}, card={self.card!r})"


class ClinicCheckIn:
    def __init__(
        self,
        settings: BhytSettings,
        *,
        gateway: BhytGateway | None,
        tickets: TicketBook,
        outbox: SubmissionSink,
        audit: AuditSink,
        procedure: Procedure | None = None,
    ) -> None:
        self.settings = settings
        self.gateway = gateway
        self.tickets = tickets
        self.outbox = outbox
        self.audit = audit
        self.procedure = procedure or load_procedures()[CHECKIN_PROCEDURE]

    def context(self, receptionist: Receptionist | None) -> dict[str, str]:
        officer = receptionist or self.settings.receptionist
        context = {
            "clinic_name": self.settings.clinic_name,
            "clinic_code": self.settings.clinic_code,
        }
        if officer is not None:
            context["receptionist_name"] = officer.name
            context["receptionist_id"] = officer.id_number
        return context

    def prepare(
        self,
        record: CitizenRecord,
        answers: Mapping[str, object] | None = None,
        *,
        receptionist: Receptionist | None = None,
        today: date | None = None,
    ) -> FilledForm:
        """The check-in form to show before :meth:`check_in` (pre-filled from the card)."""
        return fill_form(
            self.procedure, record, answers or {}, context=self.context(receptionist),
            today=today or self.tickets.today(),
        )  # fmt: skip

    def check_in(
        self,
        record: CitizenRecord,
        answers: Mapping[str, object] | None = None,
        *,
        receptionist: Receptionist | None = None,
    ) -> CheckIn:
        """Validate, look the card up, issue the ticket, enqueue; raises FormInvalidError."""
        officer = receptionist or self.settings.receptionist
        form = self.prepare(record, answers, receptionist=officer)
        if not form.is_valid:
            raise FormInvalidError(tuple(form.errors))
        values = form.values()
        card: CardLookup | None = None
        card_error = ""
        if self.gateway is None:
            card_error = "bhyt_not_configured"
        else:
            key = values.get("bhyt_card") or values["id_number"]
            try:
                card = self.gateway.lookup(
                    key, values["full_name"], values["date_of_birth"], receptionist=officer
                )
            except GatewayUnavailableError as exc:
                card_error = exc.code
            except BhytError as exc:
                card_error = exc.code
        line = NORMAL_LINE if values.get("priority", "none") in ("", "none") else PRIORITY_LINE
        ticket = self.tickets.issue(self.settings.clinic_code, line=line)
        kind, payload = form.to_submission(submitted_at=datetime.now().astimezone())
        payload["ticket"] = ticket.to_dict()
        if card is not None:
            payload["card_check"] = card.summary()
            # Registered at another facility: the clinic applies the inter-facility rules.
            payload["card_check"]["registered_here"] = (
                card.registered_facility == self.settings.clinic_code
            )
        else:
            payload["card_check"] = {"status": "unchecked", "error": card_error}
        ref = self.audit.citizen_ref(values["id_number"])
        queued = self.outbox.enqueue(kind, payload, citizen_ref=ref)
        self.audit.record(
            "clinic.checkin",
            citizen_ref=ref,
            kind=kind,
            card_status=card.status.value if card is not None else "unchecked",
            ticket_line=ticket.line,
            ticket_no=ticket.number,
        )
        return CheckIn(ticket, form, card, card_error, kind, payload, queued)
