"""Procedures and their forms: declarative definitions in ``assets/forms/``, loaded and
validated (:mod:`.loader`), filled from the citizen record (:mod:`.filling`), formatted
(:mod:`.formatting`) and checked (:mod:`.validation`)."""

from kiosk.procedures.errors import FormDefinitionError, FormInvalidError, ProcedureError
from kiosk.procedures.filling import FilledField, FilledForm, fill_form
from kiosk.procedures.loader import load_procedure, load_procedures, parse_definition
from kiosk.procedures.model import Choice, Column, FieldDef, Procedure, Rule, Section, Step, Text
from kiosk.procedures.submission import Submitted, submit_form
from kiosk.procedures.validation import FieldError

__all__ = [
    "Choice",
    "Column",
    "FieldDef",
    "FieldError",
    "FilledField",
    "FilledForm",
    "FormDefinitionError",
    "FormInvalidError",
    "Procedure",
    "ProcedureError",
    "Rule",
    "Section",
    "Step",
    "Submitted",
    "Text",
    "fill_form",
    "load_procedure",
    "load_procedures",
    "parse_definition",
    "submit_form",
]
