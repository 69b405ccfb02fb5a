"""Procedure definitions: loading, schema and semantic errors naming file and field,
validation rules, and fuzzing of the loader."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.procedures import (
    FieldError,
    FormDefinitionError,
    load_procedure,
    load_procedures,
    parse_definition,
)
from kiosk.procedures.loader import ASSETS_FORMS
from kiosk.procedures.validation import (
    apply_rule,
    bhyt_card,
    email,
    id_number,
    id_or_passport,
    parse_partial_date,
    parse_vn_date,
    phone_vn,
)

SHIPPED = {"bhyt_checkin", "ct01", "luu_tru", "khai_sinh_lien_thong", "generic_request"}
TODAY = date(2026, 11, 23)


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ASSETS_FORMS / f"{name}.json").read_text("utf-8"))
    return data


def _parse(raw: dict[str, Any], name: str = "broken.json") -> None:
    parse_definition(json.dumps(raw, ensure_ascii=False).encode(), name)


# -- shipped definitions ---------------------------------------------------------------------


def test_every_shipped_form_loads() -> None:
    procedures = load_procedures()
    assert set(procedures) == SHIPPED
    for procedure in procedures.values():
        assert procedure.fields, procedure.id
        assert procedure.legal_basis
        assert all(f.label.vi and f.label.en for f in procedure.fields)
    kinds = [p.kind for p in procedures.values()]
    assert len(kinds) == len(set(kinds))


def test_ct01_has_the_fields_of_the_2023_form() -> None:
    ct01 = load_procedures()["ct01"]
    numbered = [(f.number, f.id) for f in ct01.fields if f.number]
    assert numbered == [
        ("1", "full_name"), ("2", "date_of_birth"), ("3", "sex"), ("4", "id_number"),
        ("5", "phone"), ("6", "email"), ("7", "head_name"), ("8", "relation_to_head"),
        ("9", "head_id_number"), ("10", "request"), ("11", "members"),
    ]  # fmt: skip
    members = ct01.field("members")
    assert [c.id for c in members.columns] == [
        "full_name", "date_of_birth", "sex", "id_number", "relation_to_head",
    ]  # fmt: skip


def test_linked_child_procedure_has_its_three_steps() -> None:
    linked = load_procedures()["khai_sinh_lien_thong"]
    assert [s.id for s in linked.steps] == ["khai_sinh", "thuong_tru", "the_bhyt"]


# -- broken definitions name file and field --------------------------------------------------


def _mutate(path: list[str | int], value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_raw("ct01"))
    target: Any = raw
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return raw


_DELETE = object()
F0: list[str | int] = ["form", "sections", 0, "fields"]


@pytest.mark.parametrize(
    ("path", "value", "field", "needle"),
    [
        ([*F0, 2, "type"], "dat", "form.sections[0].fields[2].type", "is not one of"),
        ([*F0, 1, "from"], "record:shoe_size", "form.sections[0].fields[1].from", "shoe_size"),
        ([*F0, 0, "from"], "context:weather", "form.sections[0].fields[0].from", "weather"),
        ([*F0, 1, "label"], {"vi": "Tên"}, "form.sections[0].fields[1].label", "'en'"),
        ([*F0, 3, "choices"], _DELETE, "form.sections[0].fields[3].choices", "choice"),
        ([*F0, 4, "id"], "full_name", "form.sections[0].fields[4].id", "duplicate"),
        ([*F0, 5, "rules"], [{"rule": "email"}], "form.sections[0].fields[5].rules[0]", "email"),
        ([*F0, 9, "rules"], [{"rule": "pattern", "value": "(["}],
         "form.sections[0].fields[9].rules[0]", "regular expression"),
        ([*F0, 9, "rules"], [{"rule": "max_length", "value": "ten"}],
         "form.sections[0].fields[9].rules[0]", "whole-number"),
        ([*F0, 1, "format"], "date_vn", "form.sections[0].fields[1].format", "date"),
        ([*F0, 5, "format"], "address:ward", "form.sections[0].fields[5].format", "record"),
        ([*F0, 3, "default"], "Khác", "form.sections[0].fields[3].default", "choices"),
        (["form", "sections", 1, "fields", 0, "from"], "record:full_name",
         "form.sections[1].fields[0].from", "table"),
        (["version"], 0, "version", "minimum"),
        (["kind"], "CT01", "kind", "does not match"),
        (["surprise"], 1, "", "surprise"),
    ],
)  # fmt: skip
def test_broken_definition_names_file_and_field(
    path: list[str | int], value: Any, field: str, needle: str
) -> None:
    with pytest.raises(FormDefinitionError) as info:
        _parse(_mutate(path, value))
    error = info.value
    assert error.file == "broken.json"
    assert error.field == field
    assert needle in error.message
    assert str(error).startswith(f"broken.json: {field}" if field else "broken.json")


def test_not_before_field_must_name_a_date_field() -> None:
    raw = copy.deepcopy(_raw("luu_tru"))
    departure = raw["form"]["sections"][1]["fields"][9]
    assert departure["id"] == "departure"
    departure["rules"][0]["value"] = "room"
    with pytest.raises(FormDefinitionError, match=r"fields\[9\]\.rules\[0\]: not_before_field"):
        _parse(raw)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"id": 1,', "not valid JSON at line 1"),
        (b'{"id": "a", "id": "b"}', "duplicate key"),
        (b'{"version": NaN}', "NaN"),
        (b"[" * 5000 + b"]" * 5000, "JSON"),
        (b'{"a":' * 20 + b"1" + b"}" * 20, "nested deeper"),
        (b" " * (256 * 1024 + 1), "larger than"),
        (b"[]", "is not of type 'object'"),
    ],
)
def test_unreadable_files(data: bytes, needle: str) -> None:
    with pytest.raises(FormDefinitionError, match=needle) as info:
        parse_definition(data, "x.json")
    assert info.value.file == "x.json"


def test_load_from_directory_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes((ASSETS_FORMS / "ct01.json").read_bytes())
    (tmp_path / "b.json").write_bytes((ASSETS_FORMS / "ct01.json").read_bytes())
    with pytest.raises(FormDefinitionError, match=r"b\.json: id: duplicate procedure id"):
        load_procedures(tmp_path)
    with pytest.raises(FormDefinitionError, match="cannot read"):
        load_procedure(tmp_path / "missing.json")


# -- fuzzing: only FormDefinitionError ever escapes ------------------------------------------

_SEEDS = [(ASSETS_FORMS / f"{name}.json").read_bytes() for name in sorted(SHIPPED)]


def _mutated(seed: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for position, length, insert in edits:
        at = position % (len(data) + 1)
        data[at : at + length] = insert
    return bytes(data)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)  # fmt: skip


def _check(data: bytes) -> None:
    try:
        parse_definition(data, "fuzz.json")
    except FormDefinitionError as exc:
        assert exc.file == "fuzz.json"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _check(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 60_000), st.integers(0, 8), st.binary(max_size=6)),
             min_size=1, max_size=6),
)  # fmt: skip
def test_fuzz_mutated_definitions(seed: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    _check(_mutated(seed, edits))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_fuzz_structural_replacements(name: str, data: st.DataObject) -> None:
    raw = _raw(name)
    # Replace one value somewhere in the tree with a random JSON value.
    node: Any = raw
    for _ in range(data.draw(st.integers(1, 6))):
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict | list) or data.draw(st.booleans()):
                node[key] = data.draw(_JSON_VALUES)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = data.draw(st.integers(0, len(node) - 1))
            if not isinstance(node[index], dict | list) or data.draw(st.booleans()):
                node[index] = data.draw(_JSON_VALUES)
                break
            node = node[index]
        else:
            break
    _check(json.dumps(raw, ensure_ascii=False).encode())


# -- validation rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("0912345678", "0912345678"), ("091 234 5678", "0912345678"), ("+84 912.345.678",
     "0912345678"), ("84912345678", "0912345678"), ("0387654321", "0387654321"),
     ("024 3826 1234", "02438261234")],
)  # fmt: skip
def test_phone_good(raw: str, normalised: str) -> None:
    assert phone_vn(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["0112345678", "091234567", "09123456789", "+1 415 555 0100", "phone", "0612345678"]
)
def test_phone_bad(raw: str) -> None:
    with pytest.raises(FieldError) as info:
        phone_vn(raw)
    assert info.value.code == "phone_vn" and info.value.vi and info.value.en


@pytest.mark.parametrize("raw", ["thu.nguyen@example.vn", "a+b@mail.example.com", "x@y.io"])
def test_email_good(raw: str) -> None:
    assert email(raw) == raw


@pytest.mark.parametrize(
    "raw", ["plain", "a@b", "a@@b.vn", "a..b@c.vn", "a b@c.vn", "a@-c.vn", "a@" + "c" * 300 + ".vn"]
)
def test_email_bad(raw: str) -> None:
    with pytest.raises(FieldError):
        email(raw)


def test_id_number_rules() -> None:
    assert id_number("001 099 012345") == "001099012345"
    for bad in ["003099012345", "00109901234", "00109901234X", "999099012345"]:
        with pytest.raises(FieldError):
            id_number(bad)
    assert id_or_passport("c1234567") == "C1234567"
    assert id_or_passport("012345678") == "012345678"
    with pytest.raises(FieldError):
        id_or_passport("AB-1")


def test_bhyt_card_rules() -> None:
    assert bhyt_card("dn4 01 0123456789") == "DN4010123456789"
    assert bhyt_card("0123456789") == "0123456789"
    assert bhyt_card("001099012345") == "001099012345"
    for bad in ["DN6010123456789", "D14010123456789", "12345"]:
        with pytest.raises(FieldError):
            bhyt_card(bad)


def test_dates() -> None:
    assert parse_vn_date("5/9/1999") == date(1999, 9, 5)
    assert parse_vn_date("05-09-1999") == date(1999, 9, 5)
    for bad in ["31/02/2020", "2020/01/01", "yesterday", "00/01/2020"]:
        with pytest.raises(FieldError):
            parse_vn_date(bad)


def _rule(name: str, value: str, param: str | int | None = None, other: str | None = None) -> str:
    return apply_rule(name, value, param=param, maximum=None, message=None, today=TODAY,
                      other=other)  # fmt: skip


def test_date_rules() -> None:
    assert _rule("date_not_future", "23/11/2026") == "23/11/2026"
    with pytest.raises(FieldError, match="date_not_future"):
        _rule("date_not_future", "24/11/2026")
    with pytest.raises(FieldError, match="date_not_past"):
        _rule("date_not_past", "22/11/2026")
    assert _rule("age_under", "24/11/2020", 6) == "24/11/2020"  # 5 years old
    with pytest.raises(FieldError, match="age_under"):
        _rule("age_under", "23/11/2020", 6)  # 6 today
    with pytest.raises(FieldError, match="age_at_least"):
        _rule("age_at_least", "24/11/2010", 16)
    with pytest.raises(FieldError, match="not_before_field"):
        _rule("not_before_field", "20/11/2026", "arrival", other="21/11/2026")
    assert _rule("not_before_field", "21/11/2026", "arrival", other="21/11/2026")


def test_length_pattern_and_integer_rules() -> None:
    with pytest.raises(FieldError, match="min_length"):
        _rule("min_length", "ab", 3)
    with pytest.raises(FieldError, match="max_length"):
        _rule("max_length", "abcd", 3)
    with pytest.raises(FieldError, match="pattern"):
        _rule("pattern", "1234", "[0-9]{5}")
    assert _rule("pattern", "01013", "[0-9]{5}") == "01013"
    assert apply_rule("integer_range", " 3 ", param=0, maximum=10, message=None,
                      today=TODAY) == "3"  # fmt: skip
    with pytest.raises(FieldError, match="integer_range"):
        apply_rule("integer_range", "11", param=0, maximum=10, message=None, today=TODAY)


def test_partial_dates() -> None:
    assert parse_partial_date("1950") == (date(1950, 1, 1), date(1950, 12, 31), "1950")
    assert parse_partial_date("2/2024") == (date(2024, 2, 1), date(2024, 2, 29), "02/2024")
    assert parse_partial_date("12/2023")[1] == date(2023, 12, 31)
    assert parse_partial_date("00/00/1950")[2] == "1950"
    assert parse_partial_date("05/09/1999")[2] == "05/09/1999"
    for bad in ["13/1950", "0999", "1950/2"]:
        with pytest.raises(FieldError):
            parse_partial_date(bad)
    with pytest.raises(FieldError, match="date_not_future"):
        _rule("date_not_future", "2027")
    assert _rule("date_not_future", "2026") == "2026"  # may be earlier this year


def test_allow_partial_only_on_dates() -> None:
    raw = _mutate([*F0, 1, "allow_partial"], True)
    with pytest.raises(FormDefinitionError, match=r"fields\[1\]\.allow_partial"):
        _parse(raw)
