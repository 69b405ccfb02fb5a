"""Typed, immutable procedure and form definitions (built by :mod:`kiosk.procedures.loader`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Text:
    """A user-facing text, Vietnamese first, English second."""

    vi: str
    en: str


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Rule:
    """One validation rule; ``value``/``max`` are its parameters, ``message`` overrides the text."""

    name: str
    value: str | int | None = None
    max: int | None = None
    message: Text | None = None


@dataclass(frozen=True)
class Column:
    """A column of a table field (e.g. the household members of CT01)."""

    id: str
    label: Text
    type: str
    required: bool
    rules: tuple[Rule, ...]
    choices: tuple[Choice, ...]
    allow_partial: bool = False


@dataclass(frozen=True)
class FieldDef:
    """A field: where its value comes from (``source_kind`` record/context/ask), how it is
    formatted and validated."""

    id: str
    number: str
    label: Text
    help: Text | None
    type: str
    source_kind: str
    source_name: str
    format: str
    required: bool
    default: str | None
    rules: tuple[Rule, ...]
    choices: tuple[Choice, ...]
    columns: tuple[Column, ...]
    max_rows: int
    section: str
    allow_partial: bool = False  # date fields: accept "yyyy" and "mm/yyyy" (year-only births)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text | None
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True)
class Step:
    """One of the procedures a linked procedure bundles (e.g. birth registration)."""

    id: str
    title: Text
    agency: Text


@dataclass(frozen=True)
class Procedure:
    """A procedure and its form, as loaded from ``assets/forms/<id>.json``."""

    id: str
    version: int
    kind: str
    code: str  # the official form code ("CT01"); empty for forms without one
    title: Text
    agency: Text
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]
    steps: tuple[Step, ...]
    form_title: Text
    national_header: bool
    sections: tuple[Section, ...]
    signatures: tuple[Text, ...]
    notes: tuple[Text, ...]
    path: Path | None

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, field_id: str) -> FieldDef:
        for item in self.fields:
            if item.id == field_id:
                return item
        raise KeyError(field_id)
