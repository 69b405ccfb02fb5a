"""Errors of the procedures package."""

from __future__ import annotations


class ProcedureError(Exception):
    """Base class of every error this package raises."""

    code = "procedure"


class FormDefinitionError(ProcedureError):
    """A procedure/form definition file is unreadable or invalid.

    ``file`` is the file's path (or the name given for in-memory data), ``field`` the JSON path
    of the offending value ("form.sections[0].fields[3].type"), empty for file-level problems.
    """

    code = "form_definition"

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = file
        self.field = field
        self.message = message
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {message}")


class FormInvalidError(ProcedureError):
    """A filled form with validation errors was asked for its submission."""

    code = "form_invalid"

    def __init__(self, field_ids: tuple[str, ...]) -> None:
        self.field_ids = field_ids
        super().__init__("form has invalid fields: " + ", ".join(field_ids))
