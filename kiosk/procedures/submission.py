"""Hand a filled form to the outbox: the one path every procedure's "Gửi / Send" button takes.

The form is validated (a form with errors is refused before anything is stored), rendered to PDF
and attached (the printed and the submitted document are the same bytes, identified by their
SHA-256), stored durably in the outbox — only then may the UI say "queued" — and the event is
audited with the citizen's keyed hash only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kiosk.procedures.errors import FormInvalidError
from kiosk.procedures.filling import FilledForm


class SubmissionSink(Protocol):
    """``kiosk.outbox.Outbox`` (only ``enqueue`` is used)."""

    def enqueue(self, kind: str, payload: dict[str, Any], *, citizen_ref: str) -> Any: ...


class AuditSink(Protocol):
    """``kiosk.audit.AuditLog``."""

    def citizen_ref(self, id_number: str) -> str: ...

    def record(self, event: str, **fields: object) -> None: ...


@dataclass(frozen=True)
class Submitted:
    kind: str
    queued: Any  # kiosk.outbox.QueuedItem
    pdf_sha256: str | None


def submit_form(
    form: FilledForm,
    *,
    outbox: SubmissionSink,
    audit: AuditSink,
    place: str = "",
    attach_pdf: bool = True,
    now: datetime | None = None,
) -> Submitted:
    """Validate, attach the PDF, enqueue durably, audit.  Raises FormInvalidError."""
    if not form.is_valid:
        raise FormInvalidError(tuple(form.errors))
    id_number = form.citizen_id_number or _typed_id_number(form)
    if not id_number:
        raise FormInvalidError(("id_number",))
    attachments = []
    digest = None
    if attach_pdf:
        from kiosk.pdf import pdf_attachment  # fpdf2 only when printing

        attachment = pdf_attachment(form, place=place)
        digest = str(attachment["sha256"])
        attachments.append(attachment)
    kind, payload = form.to_submission(
        submitted_at=now or datetime.now().astimezone(), attachments=attachments
    )
    ref = audit.citizen_ref(id_number)
    queued = outbox.enqueue(kind, payload, citizen_ref=ref)
    audit.record(
        "form.submitted",
        citizen_ref=ref,
        kind=kind,
        procedure_name=form.procedure.id,
        pdf=attach_pdf,
    )
    return Submitted(kind, queued, digest)


def _typed_id_number(form: FilledForm) -> str:
    """The person's ID number when no card was read (the form's own id_number field)."""
    for field_id in ("id_number", "requester_id"):
        try:
            value = form.field(field_id).value
        except KeyError:
            continue
        if isinstance(value, str) and value:
            return value
    return ""
