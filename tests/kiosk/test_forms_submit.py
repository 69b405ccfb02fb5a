"""Submitting a filled form through the real outbox, with its PDF attached and an audit entry."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.outbox import FileKeyProvider, Outbox
from kiosk.procedures import FormInvalidError, fill_form, load_procedures, submit_form
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import THU_ID, THU_NAME, chip_citizen

ANSWERS = {"phone": "0912345678", "procedure_name": "Cấp bản sao trích lục",
           "request": "Đề nghị cấp 02 bản sao trích lục khai sinh"}  # fmt: skip


def test_submit_attaches_the_pdf_and_audits(tmp_path: Path) -> None:
    record = CitizenRecord.from_chip(chip_citizen(), verified=True)
    context = {"agency": "UBND phường Dịch Vọng"}
    procedure = load_procedures()["generic_request"]
    form = fill_form(procedure, record, ANSWERS, context=context, today=date(2026, 11, 23))
    with (
        Outbox(tmp_path / "o.db", FileKeyProvider(tmp_path / "k.json")) as outbox,
        AuditLog(tmp_path / "a.jsonl", b"k" * 32) as audit,
    ):
        done = submit_form(form, outbox=outbox, audit=audit, place="Hà Nội")
        assert done.kind == "generic.request"
        (item,) = outbox.claim(5)
        assert item.citizen_ref == audit.citizen_ref(THU_ID)
        pdf = base64.b64decode(item.payload["attachments"][0]["data_base64"])
        assert hashlib.sha256(pdf).hexdigest() == done.pdf_sha256
        assert item.payload["fields"]["full_name"] == THU_NAME
    (event,) = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert event["event"] == "form.submitted" and event["procedure_name"] == "generic_request"
    for path in tmp_path.iterdir():
        assert (
            THU_NAME.encode() not in path.read_bytes() and THU_ID.encode() not in path.read_bytes()
        )


def test_invalid_or_anonymous_forms_are_not_stored(tmp_path: Path) -> None:
    procedure = load_procedures()["generic_request"]
    with (
        Outbox(tmp_path / "o.db", FileKeyProvider(tmp_path / "k.json")) as outbox,
        AuditLog(tmp_path / "a.jsonl", b"k" * 32) as audit,
    ):
        with pytest.raises(FormInvalidError):
            submit_form(fill_form(procedure, CitizenRecord(), {}), outbox=outbox, audit=audit)
        typed = fill_form(procedure, CitizenRecord(), {
            **ANSWERS, "full_name": "Nguyễn Văn Thử", "date_of_birth": "05/09/1999",
            "id_number": THU_ID}, context={"agency": "UBND"})  # fmt: skip
        done = submit_form(typed, outbox=outbox, audit=audit, attach_pdf=False)
        assert done.pdf_sha256 is None
        (item,) = outbox.claim(5)
        assert item.citizen_ref == audit.citizen_ref(THU_ID)  # typed ID number is used
        assert "attachments" not in item.payload
