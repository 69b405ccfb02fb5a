"""Filling any shipped form with arbitrary answers never fails except through field errors,
and whatever validates can be submitted (JSON) and printed (PDF)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.pdf import render_pdf
from kiosk.procedures import FieldError, fill_form, load_procedures
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import chip_citizen

PROCEDURES = load_procedures()
TODAY = date(2026, 11, 23)
RECORDS = [CitizenRecord(), CitizenRecord.from_chip(chip_citizen(), verified=True)]

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=60), st.dates(), st.sampled_from(
        ["05/09/1999", "0912345678", "001099012345", "a@b.vn", "Nam", "Nữ", "du_lich", "0",
         "31/02/2020", "+84912345678", "DN4010123456789", "x" * 2500]),
)  # fmt: skip
_VALUES = st.one_of(
    _SCALARS,
    st.lists(st.one_of(_SCALARS, st.dictionaries(st.text(max_size=20), _SCALARS, max_size=6)),
             max_size=20),
)  # fmt: skip


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, CitizenRecord, dict[str, Any]]:
    pid = draw(st.sampled_from(sorted(PROCEDURES)))
    ids = [f.id for f in PROCEDURES[pid].fields] + ["unknown_field"]
    answers = draw(st.dictionaries(st.sampled_from(ids), _VALUES, max_size=len(ids)))
    for field in PROCEDURES[pid].fields:  # sometimes put realistic rows into tables
        if field.type == "table" and draw(st.booleans()):
            answers[field.id] = [
                {c.id: draw(_SCALARS) for c in field.columns}
                for _ in range(draw(st.integers(0, 3)))
            ]
    return pid, draw(st.sampled_from(RECORDS)), answers


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case(), st.dictionaries(st.sampled_from(["agency", "clinic_code", "facility_name"]),
                                st.text(max_size=40)))  # fmt: skip
def test_fill_never_crashes(case: tuple[str, CitizenRecord, dict[str, Any]],
                            context: dict[str, str]) -> None:  # fmt: skip
    pid, record, answers = case
    form = fill_form(PROCEDURES[pid], record, answers, context=context, today=TODAY)
    assert [f.id for f in form.fields] == [f.id for f in PROCEDURES[pid].fields]
    for field in form.fields:
        assert all(isinstance(e, FieldError) and e.vi and e.en for e in field.errors)
        if field.read_only:
            assert field.verified and field.source == "chip"
    if form.is_valid:
        kind, payload = form.to_submission()
        assert kind == PROCEDURES[pid].kind
        json.dumps(payload, allow_nan=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case())
def test_any_filled_form_prints(case: tuple[str, CitizenRecord, dict[str, Any]]) -> None:
    pid, record, answers = case
    form = fill_form(PROCEDURES[pid], record, answers, today=TODAY)
    assert render_pdf(form).startswith(b"%PDF-")
