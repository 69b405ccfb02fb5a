"""Filling a procedure's form from the citizen record, the deployment context and answers.

:func:`fill_form` is pure: give it the same record, answers and day and it gives the same
:class:`FilledForm`.  The UI renders a FilledForm (fields in order, label in Vietnamese and
English, value, read-only and verified flags, errors), sends the person's edits back as
``answers`` and fills again; when :attr:`FilledForm.is_valid`, :meth:`FilledForm.to_submission`
gives the ``(kind, payload)`` pair for the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kiosk.procedures.errors import FormInvalidError
from kiosk.procedures.formatting import format_value, vn_upper
from kiosk.procedures.model import Choice, Column, FieldDef, Procedure, Rule, Section
from kiosk.procedures.validation import (
    MAX_TEXT_LENGTH,
    FieldError,
    apply_rule,
    date_value,
    format_vn_date,
)
from kiosk.record import CitizenRecord

TableRow = Mapping[str, str]
FieldValue = str | tuple[TableRow, ...]

# Which built-in rule a field type implies.
_TYPE_RULE = {
    "phone": "phone_vn", "email": "email", "id_number": "id_number", "bhyt_card": "bhyt_card",
}  # fmt: skip


@dataclass(frozen=True)
class FilledField:
    """One field as the UI shows it."""

    id: str
    number: str
    section: str
    label_vi: str
    label_en: str
    type: str
    value: FieldValue
    display: str
    read_only: bool
    verified: bool
    source: str  # chip | qr | typed | context | default | empty
    required: bool
    errors: tuple[FieldError, ...]
    choices: tuple[Choice, ...] = ()
    columns: tuple[Column, ...] = ()
    help_vi: str = ""
    help_en: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class FilledForm:
    """A procedure's form filled for one citizen."""

    procedure: Procedure
    fields: tuple[FilledField, ...]
    filled_on: date
    citizen_id_number: str | None = None
    conflicts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_valid(self) -> bool:
        return all(f.is_valid for f in self.fields)

    @property
    def errors(self) -> dict[str, tuple[FieldError, ...]]:
        return {f.id: f.errors for f in self.fields if f.errors}

    def field(self, field_id: str) -> FilledField:
        for item in self.fields:
            if item.id == field_id:
                return item
        raise KeyError(field_id)

    def sections(self) -> list[tuple[Section, tuple[FilledField, ...]]]:
        """Fields grouped under their sections, in form order (for the UI)."""
        return [
            (section, tuple(f for f in self.fields if f.section == section.id))
            for section in self.procedure.sections
        ]

    def values(self) -> dict[str, Any]:
        return {f.id: _plain(f.value) for f in self.fields}

    def to_submission(
        self,
        *,
        submitted_at: datetime | None = None,
        attachments: Sequence[Mapping[str, Any]] = (),
    ) -> tuple[str, dict[str, Any]]:
        """``(kind, payload)`` for ``Outbox.enqueue``; refuses a form with errors.

        ``attachments`` are JSON objects such as :func:`kiosk.pdf.pdf_attachment` returns.
        """
        if not self.is_valid:
            raise FormInvalidError(tuple(self.errors))
        payload: dict[str, Any] = {
            "procedure": self.procedure.id,
            "procedure_version": self.procedure.version,
            "form_code": self.procedure.code,
            "filled_on": self.filled_on.isoformat(),
            "fields": self.values(),
            "provenance": {f.id: {"source": f.source, "verified": f.verified} for f in self.fields},
        }
        if submitted_at is not None:
            payload["submitted_at"] = submitted_at.isoformat()
        if self.conflicts:
            payload["qr_chip_conflicts"] = list(self.conflicts)
        if attachments:
            payload["attachments"] = [dict(a) for a in attachments]
        return self.procedure.kind, payload


def _plain(value: FieldValue) -> Any:
    if isinstance(value, tuple):
        return [dict(row) for row in value]
    return value


def _display(fdef: FieldDef | Column, value: FieldValue) -> str:
    if isinstance(value, tuple):
        return f"{len(value)}"
    for choice in fdef.choices:
        if choice.value == value:
            return choice.label.vi
    return value


def _check_scalar(
    ftype: str,
    required: bool,
    rules: Sequence[Rule],
    choices: Sequence[Choice],
    value: str,
    *,
    today: date,
    siblings: Mapping[str, str],
    partial: bool = False,
) -> tuple[str, tuple[FieldError, ...]]:
    """Validate one value: returns the normalised value and its errors (at most one)."""
    if not value.strip():
        if required:
            missing = FieldError("required", "Trường này bắt buộc.", "This field is required.")
            return value, (missing,)
        return "", ()
    try:
        if len(value) > MAX_TEXT_LENGTH:
            raise FieldError(
                "max_length",
                f"Tối đa {MAX_TEXT_LENGTH} ký tự.",
                f"At most {MAX_TEXT_LENGTH} characters.",
            )
        if ftype == "date":
            value = date_value(value, partial=partial)
        elif ftype in _TYPE_RULE:
            value = apply_rule(
                _TYPE_RULE[ftype], value, param=None, maximum=None, message=None, today=today
            )
        elif ftype == "choice" and value not in {c.value for c in choices}:
            raise FieldError(
                "choice",
                "Hãy chọn một giá trị trong danh sách.",
                "Choose one of the listed values.",
            )
        elif ftype == "number":
            value = apply_rule(
                "integer_range", value, param=None, maximum=None, message=None, today=today
            )
        for rule in rules:
            other = siblings.get(str(rule.value)) if rule.name == "not_before_field" else None
            value = apply_rule(
                rule.name,
                value,
                param=rule.value,
                maximum=rule.max,
                message=rule.message,
                today=today,
                other=other,
            )
    except FieldError as exc:
        return value, (exc,)
    return value, ()


def _table_value(raw: object, fdef: FieldDef) -> tuple[tuple[TableRow, ...], list[FieldError]]:
    errors: list[FieldError] = []
    if raw is None or raw == "":
        return (), errors
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return (), [FieldError("table", "Dữ liệu bảng không hợp lệ.", "Invalid table data.")]
    rows: list[dict[str, str]] = []
    for row in list(raw)[: fdef.max_rows + 1]:
        if not isinstance(row, Mapping):
            return (), [FieldError("table", "Dữ liệu bảng không hợp lệ.", "Invalid table data.")]
        rows.append({c.id: str(row.get(c.id, "") or "") for c in fdef.columns})
    if len(rows) > fdef.max_rows:
        errors.append(
            FieldError(
                "max_rows", f"Tối đa {fdef.max_rows} dòng.", f"At most {fdef.max_rows} rows."
            )
        )
        rows = rows[: fdef.max_rows]
    return tuple(rows), errors


def fill_form(
    procedure: Procedure,
    record: CitizenRecord | None = None,
    answers: Mapping[str, object] | None = None,
    *,
    context: Mapping[str, str] | None = None,
    today: date | None = None,
) -> FilledForm:
    """Fill ``procedure``'s form.

    * ``record:<field>`` fields take the record's value, formatted; chip-verified values are
      read-only (answers for them are ignored), other values can be corrected by an answer.
      Without a record value the field is asked.
    * ``context:<key>`` fields take the deployment's value (agency, clinic, receptionist…),
      which an answer may override.
    * ``ask`` fields take the answer, else the definition's default.
    """
    record = record or CitizenRecord()
    answers = answers or {}
    context = dict(context or {})
    day = today or date.today()
    context.setdefault("today", format_vn_date(day))

    # First pass: raw values, so that cross-field rules can see their siblings.
    raw_values: dict[str, tuple[FieldValue, str, bool, bool]] = {}
    for fdef in procedure.fields:
        raw_values[fdef.id] = _initial(fdef, record, answers, context)
    siblings = {k: v[0] for k, v in raw_values.items() if isinstance(v[0], str)}

    filled: list[FilledField] = []
    for fdef in procedure.fields:
        value, source, read_only, verified = raw_values[fdef.id]
        if fdef.format == "upper" and isinstance(value, str):
            value = vn_upper(value)
        errors: list[FieldError] = []
        if fdef.type == "table":
            rows, errors = _table_value(answers.get(fdef.id), fdef)
            checked_rows: list[dict[str, str]] = []
            for index, row in enumerate(rows):
                checked: dict[str, str] = {}
                for col in fdef.columns:
                    cell, cell_errors = _check_scalar(
                        col.type,
                        col.required,
                        col.rules,
                        col.choices,
                        row[col.id],
                        today=day,
                        siblings={},
                        partial=col.allow_partial,
                    )
                    checked[col.id] = cell
                    errors.extend(
                        FieldError(
                            e.code,
                            f"Dòng {index + 1}, {col.label.vi}: {e.vi}",
                            f"Row {index + 1}, {col.label.en}: {e.en}",
                        )
                        for e in cell_errors
                    )
                checked_rows.append(checked)
            if fdef.required and not checked_rows:
                errors.append(
                    FieldError("required", "Cần ít nhất một dòng.", "At least one row is needed.")
                )
            value = tuple(checked_rows)
        else:
            assert isinstance(value, str)
            value, scalar_errors = _check_scalar(
                fdef.type,
                fdef.required,
                fdef.rules,
                fdef.choices,
                value,
                today=day,
                siblings=siblings,
                partial=fdef.allow_partial,
            )
            errors.extend(scalar_errors)
        filled.append(
            FilledField(
                id=fdef.id,
                number=fdef.number,
                section=fdef.section,
                label_vi=fdef.label.vi,
                label_en=fdef.label.en,
                type=fdef.type,
                value=value,
                display=_display(fdef, value),
                read_only=read_only,
                verified=verified,
                source=source if (value or source != "default") else "empty",
                required=fdef.required,
                errors=tuple(errors),
                choices=fdef.choices,
                columns=fdef.columns,
                help_vi=fdef.help.vi if fdef.help else "",
                help_en=fdef.help.en if fdef.help else "",
            )
        )
    return FilledForm(
        procedure=procedure,
        fields=tuple(filled),
        filled_on=day,
        citizen_id_number=record.id_number,
        conflicts=record.conflicts,
    )


def _answer(answers: Mapping[str, object], field_id: str) -> str | None:
    if field_id not in answers:
        return None
    value = answers[field_id]
    if value is None:
        return ""
    if isinstance(value, date):
        return format_vn_date(value)
    return value if isinstance(value, str) else str(value)


def _initial(
    fdef: FieldDef,
    record: CitizenRecord,
    answers: Mapping[str, object],
    context: Mapping[str, str],
) -> tuple[FieldValue, str, bool, bool]:
    """(value, source, read_only, verified) before validation."""
    if fdef.type == "table":
        return (), "typed", False, False
    answer = _answer(answers, fdef.id)
    if fdef.source_kind == "record":
        item = record.get(fdef.source_name)
        if item is not None:
            shown = format_value(item.value, fdef.format)
            if item.verified:
                return shown, item.source.value, True, True
            if answer is not None and answer.strip() != shown:
                return answer, "typed", False, False  # the person corrected the value
            return shown, item.source.value, False, False
    elif fdef.source_kind == "context":
        if answer is not None:
            return answer, "typed", False, False
        if context.get(fdef.source_name):
            return context[fdef.source_name], "context", False, False
    if answer is not None:
        return answer, "typed", False, False
    return fdef.default or "", "default", False, False
