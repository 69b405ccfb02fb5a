"""Load procedure/form definitions from ``assets/forms/*.json``.

Each file is validated against ``assets/forms/schema/procedure.schema.json`` (JSON Schema
2020-12) and then against the rules a schema cannot express (unique field ids, record fields
that exist, rules that fit the field type).  Every problem is a :class:`FormDefinitionError`
naming the file and the JSON path of the field, e.g.
``ct01.json: form.sections[0].fields[2].type: 'dat' is not one of [...]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from kiosk.procedures.errors import FormDefinitionError
from kiosk.procedures.model import (
    Choice,
    Column,
    FieldDef,
    Procedure,
    Rule,
    Section,
    Step,
    Text,
)
from kiosk.record import FIELDS as RECORD_FIELDS

ASSETS_FORMS = Path(__file__).resolve().parents[2] / "assets" / "forms"
SCHEMA_PATH = ASSETS_FORMS / "schema" / "procedure.schema.json"
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16
MAX_FIELDS = 200
MAX_PATTERN_LENGTH = 200

# Values a deployment supplies (config / the officer's session), usable as "context:<key>".
CONTEXT_KEYS = frozenset(
    {
        "agency", "facility_name", "facility_address", "facility_phone", "clinic_code",
        "clinic_name", "receptionist_name", "receptionist_id", "today",
    }
)  # fmt: skip
DATE_RULES = frozenset(
    {"date_not_future", "date_not_past", "age_under", "age_at_least", "not_before_field"}
)
TYPE_RULES: dict[str, frozenset[str]] = {
    "date": DATE_RULES,
    "phone": frozenset({"phone_vn"}),
    "email": frozenset({"email"}),
    "id_number": frozenset({"id_number", "id_or_passport"}),
    "bhyt_card": frozenset({"bhyt_card"}),
    "number": frozenset({"integer_range"}),
}
TEXT_RULES = frozenset({"min_length", "max_length", "pattern", "id_or_passport", "phone_vn"})


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def parse_definition(data: bytes, name: str, path: Path | None = None) -> Procedure:
    """Parse and validate one definition from bytes; ``name`` is used in error messages."""
    if len(data) > MAX_FILE_BYTES:
        raise FormDefinitionError(name, "", f"file larger than {MAX_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormDefinitionError(name, "", f"not UTF-8 text (byte {exc.start})") from None
    try:
        raw = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(
            name, "", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FormDefinitionError(name, "", f"not valid JSON: {exc}") from None
    if _depth(raw) > MAX_DEPTH:
        raise FormDefinitionError(name, "", f"nested deeper than {MAX_DEPTH} levels")
    error = jsonschema.exceptions.best_match(_validator().iter_errors(raw))
    if error is not None:
        field = _path(list(error.absolute_path))
        message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
        raise FormDefinitionError(name, field, message)
    return _build(raw, name, path)


def load_procedure(path: str | Path) -> Procedure:
    """Load and validate one definition file."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FormDefinitionError(str(file), "", f"cannot read: {exc.strerror}") from None
    return parse_definition(data, file.name, file)


def load_procedures(directory: str | Path | None = None) -> dict[str, Procedure]:
    """Every ``*.json`` definition in ``directory`` (default: the shipped ``assets/forms``)."""
    folder = Path(directory) if directory is not None else ASSETS_FORMS
    procedures: dict[str, Procedure] = {}
    for file in sorted(folder.glob("*.json")):
        procedure = load_procedure(file)
        if procedure.id in procedures:
            raise FormDefinitionError(file.name, "id", f"duplicate procedure id {procedure.id!r}")
        procedures[procedure.id] = procedure
    return procedures


# -- building typed objects, with the checks the schema cannot express ---------------------


def _text(raw: Mapping[str, str] | None) -> Text | None:
    return None if raw is None else Text(raw["vi"], raw["en"])


def _rules(raw: list[dict[str, Any]] | None) -> tuple[Rule, ...]:
    return tuple(
        Rule(r["rule"], r.get("value"), r.get("max"), _text(r.get("message"))) for r in raw or ()
    )


def _choices(raw: list[dict[str, Any]] | None) -> tuple[Choice, ...]:
    return tuple(Choice(c["value"], Text(c["label"]["vi"], c["label"]["en"])) for c in raw or ())


def _check_rules(
    name: str, where: str, ftype: str, rules: tuple[Rule, ...], field_ids: Mapping[str, str]
) -> None:
    allowed = TYPE_RULES.get(ftype, TEXT_RULES) | {"min_length", "max_length", "pattern"}
    for index, rule in enumerate(rules):
        at = f"{where}.rules[{index}]"
        if rule.name not in allowed:
            raise FormDefinitionError(name, at, f"rule {rule.name!r} does not apply to {ftype!r}")
        if rule.name in ("min_length", "max_length", "age_under", "age_at_least") and (
            not isinstance(rule.value, int) or rule.value < 0
        ):
            raise FormDefinitionError(name, at, f"{rule.name} needs a whole-number value")
        if rule.name == "pattern":
            if not isinstance(rule.value, str) or len(rule.value) > MAX_PATTERN_LENGTH:
                raise FormDefinitionError(name, at, "pattern needs a short regular expression")
            try:
                re.compile(rule.value)
            except re.error as exc:
                raise FormDefinitionError(name, at, f"bad regular expression: {exc}") from None
        if rule.name == "not_before_field" and (
            not isinstance(rule.value, str) or field_ids.get(rule.value) != "date"
        ):
            raise FormDefinitionError(name, at, "not_before_field must name a date field")


def _iter_fields(raw: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    for s_index, section in enumerate(raw["form"]["sections"]):
        for f_index, field in enumerate(section["fields"]):
            yield f"form.sections[{s_index}].fields[{f_index}]", field, section["id"]


def _build(raw: Mapping[str, Any], name: str, path: Path | None) -> Procedure:
    field_types: dict[str, str] = {}
    for where, field, _ in _iter_fields(raw):
        if field["id"] in field_types:
            raise FormDefinitionError(name, f"{where}.id", f"duplicate field id {field['id']!r}")
        field_types[field["id"]] = field["type"]
    if len(field_types) > MAX_FIELDS:
        raise FormDefinitionError(name, "form.sections", f"more than {MAX_FIELDS} fields")

    sections: list[Section] = []
    built: dict[str, list[FieldDef]] = {}
    for where, field, section_id in _iter_fields(raw):
        source_kind, _, source_name = field["from"].partition(":")
        ftype = field["type"]
        fmt = field.get("format", "none")
        if source_kind == "record" and source_name not in RECORD_FIELDS:
            raise FormDefinitionError(name, f"{where}.from", f"no record field {source_name!r}")
        if source_kind == "context" and source_name not in CONTEXT_KEYS:
            raise FormDefinitionError(name, f"{where}.from", f"no context value {source_name!r}")
        if fmt.startswith("address:") and source_kind != "record":
            raise FormDefinitionError(name, f"{where}.format", "address formats need a record")
        if (fmt == "date_vn") != (ftype == "date") and fmt != "none":
            raise FormDefinitionError(name, f"{where}.format", "date_vn goes with type 'date'")
        choices = _choices(field.get("choices"))
        if (ftype == "choice") != bool(choices):
            raise FormDefinitionError(name, f"{where}.choices", "choices go with type 'choice'")
        if "default" in field and choices and field["default"] not in {c.value for c in choices}:
            raise FormDefinitionError(name, f"{where}.default", "default is not one of choices")
        raw_columns = field.get("columns") or []
        if (ftype == "table") != bool(raw_columns):
            raise FormDefinitionError(name, f"{where}.columns", "columns go with type 'table'")
        if ftype == "table" and source_kind != "ask":
            raise FormDefinitionError(name, f"{where}.from", "a table is always asked")
        rules = _rules(field.get("rules"))
        _check_rules(name, where, ftype, rules, field_types)
        if field.get("allow_partial") and ftype != "date":
            raise FormDefinitionError(name, f"{where}.allow_partial", "only for type 'date'")
        columns: list[Column] = []
        column_ids: set[str] = set()
        for c_index, col in enumerate(raw_columns):
            at = f"{where}.columns[{c_index}]"
            if col["id"] in column_ids:
                raise FormDefinitionError(name, f"{at}.id", f"duplicate column id {col['id']!r}")
            column_ids.add(col["id"])
            col_choices = _choices(col.get("choices"))
            if (col["type"] == "choice") != bool(col_choices):
                raise FormDefinitionError(name, f"{at}.choices", "choices go with type 'choice'")
            col_rules = _rules(col.get("rules"))
            _check_rules(name, at, col["type"], col_rules, {})
            if col.get("allow_partial") and col["type"] != "date":
                raise FormDefinitionError(name, f"{at}.allow_partial", "only for type 'date'")
            columns.append(
                Column(
                    col["id"],
                    Text(col["label"]["vi"], col["label"]["en"]),
                    col["type"],
                    bool(col.get("required", False)),
                    col_rules,
                    col_choices,
                    bool(col.get("allow_partial", False)),
                )
            )
        built.setdefault(section_id, []).append(
            FieldDef(
                id=field["id"],
                number=field.get("number", ""),
                label=Text(field["label"]["vi"], field["label"]["en"]),
                help=_text(field.get("help")),
                type=ftype,
                source_kind=source_kind,
                source_name=source_name,
                format=fmt,
                required=bool(field.get("required", False)),
                default=field.get("default"),
                rules=rules,
                choices=choices,
                columns=tuple(columns),
                max_rows=int(field.get("max_rows", 10)),
                section=section_id,
                allow_partial=bool(field.get("allow_partial", False)),
            )
        )
    seen_sections: set[str] = set()
    for s_index, section in enumerate(raw["form"]["sections"]):
        if section["id"] in seen_sections:
            raise FormDefinitionError(
                name, f"form.sections[{s_index}].id", f"duplicate section id {section['id']!r}"
            )
        seen_sections.add(section["id"])
        sections.append(
            Section(section["id"], _text(section.get("title")), tuple(built[section["id"]]))
        )
    form = raw["form"]
    return Procedure(
        id=raw["id"],
        version=raw["version"],
        kind=raw["kind"],
        code=raw.get("code", ""),
        title=Text(raw["title"]["vi"], raw["title"]["en"]),
        agency=Text(raw["agency"]["vi"], raw["agency"]["en"]),
        legal_basis=tuple(raw["legal_basis"]),
        sources=tuple(raw.get("sources", ())),
        steps=tuple(
            Step(
                s["id"],
                Text(s["title"]["vi"], s["title"]["en"]),
                Text(s["agency"]["vi"], s["agency"]["en"]),
            )
            for s in raw.get("steps", ())
        ),
        form_title=Text(form["title"]["vi"], form["title"]["en"]),
        national_header=bool(form.get("national_header", True)),
        sections=tuple(sections),
        signatures=tuple(Text(s["vi"], s["en"]) for s in form.get("signatures", ())),
        notes=tuple(Text(n["vi"], n["en"]) for n in form.get("notes", ())),
        path=path,
    )
