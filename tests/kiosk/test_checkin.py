"""Clinic check-in end to end: fake gateway on loopback, the real durable outbox and audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.bhyt import (
    BhytGateway,
    BhytSettings,
    CardStatus,
    ClinicCheckIn,
    Receptionist,
    TicketBook,
)
from kiosk.bhyt.fake_gateway import FakeBhytGateway
from kiosk.outbox import FileKeyProvider, Outbox
from kiosk.procedures import FormInvalidError
from kiosk.record import CitizenRecord
from tests.kiosk.fake_citizens import THU_ID, THU_NAME, chip_citizen

OFFICER = Receptionist("PHẠM THỊ TIẾP", "001190000333")
AUDIT_KEY = b"k" * 32


@dataclass
class Desk:
    fake: FakeBhytGateway
    desk: ClinicCheckIn
    outbox: Outbox
    tickets: TicketBook
    audit: AuditLog
    root: Path


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with FakeBhytGateway(today=lambda: date(2026, 11, 23)) as fake:
        settings = BhytSettings.from_sections(
            {"bhyt": {"base_url": fake.url, "username": "demo", "password": "demo",
                      "clinic_code": "01013", "clinic_name": "Phòng khám Đa khoa Thử",
                      "receptionist_name": OFFICER.name, "receptionist_id": OFFICER.id_number,
                      "timeout_s": 2}},
            data_dir=tmp_path,
        )  # fmt: skip
        with (
            BhytGateway(settings) as gateway,
            TicketBook(settings.tickets_path) as tickets,
            Outbox(tmp_path / "outbox.db", FileKeyProvider(tmp_path / "keys.json")) as outbox,
            AuditLog(tmp_path / "audit.jsonl", AUDIT_KEY) as audit,
        ):
            desk = ClinicCheckIn(
                settings, gateway=gateway, tickets=tickets, outbox=outbox, audit=audit
            )
            yield Desk(fake, desk, outbox, tickets, audit, tmp_path)


def _patient() -> CitizenRecord:
    return CitizenRecord.from_chip(chip_citizen(), verified=True)


def test_check_in_goes_through_the_outbox(desk: Desk) -> None:
    result = desk.desk.check_in(_patient(), {"phone": "0912345678"})
    assert result.ticket.label == "A-001"
    assert result.card is not None and result.card.status is CardStatus.VALID
    assert result.kind == "clinic.bhyt_checkin"
    assert desk.outbox.status().queued == 1
    (item,) = desk.outbox.claim(10)
    assert item.kind == "clinic.bhyt_checkin"
    assert item.citizen_ref == desk.audit.citizen_ref(THU_ID)
    payload = item.payload
    assert payload["fields"]["full_name"] == THU_NAME
    assert payload["fields"]["receptionist_id"] == OFFICER.id_number
    assert payload["ticket"]["label"] == "A-001"
    assert payload["card_check"]["status"] == "valid"
    assert payload["card_check"]["card_number"] == "DN4010123456789"
    assert payload["card_check"]["registered_here"] is True
    assert payload["provenance"]["id_number"] == {"source": "chip", "verified": True}
    assert desk.fake.last_receptionist == (OFFICER.name, OFFICER.id_number)


def test_priority_patients_get_their_own_line(desk: Desk) -> None:
    assert desk.desk.check_in(_patient(), {}).ticket.label == "A-001"
    assert desk.desk.check_in(_patient(), {"priority": "elderly"}).ticket.label == "U-001"
    assert desk.desk.check_in(_patient(), {}).ticket.label == "A-002"


def test_gateway_down_still_checks_in(desk: Desk) -> None:
    desk.fake.mode = "down"
    result = desk.desk.check_in(_patient(), {})
    assert result.card is None and result.card_error == "bhyt_unavailable"
    assert result.payload["card_check"] == {"status": "unchecked", "error": "bhyt_unavailable"}
    assert result.ticket.number == 1
    assert desk.outbox.status().queued == 1


def test_card_mismatch_is_recorded(desk: Desk) -> None:
    result = desk.desk.check_in(_patient(), {"bhyt_card": "HT3790111222333"})
    assert result.card is not None and result.card.status is CardStatus.MISMATCH
    assert result.payload["card_check"]["result_code"] == "060"
    assert result.payload["card_check"]["registered_here"] is False  # the fake answers no maDKBD


def test_invalid_form_issues_nothing(desk: Desk) -> None:
    with pytest.raises(FormInvalidError) as info:
        desk.desk.check_in(CitizenRecord(), {"phone": "123"})
    assert {"full_name", "id_number", "phone"} <= set(info.value.field_ids)
    assert desk.outbox.status().depth == 0
    assert desk.tickets.issued("01013", desk.tickets.today()) == 0
    assert desk.fake.lookup_requests == 0


def test_other_receptionist_is_used_for_the_lookup_and_the_form(desk: Desk) -> None:
    other = Receptionist("ĐỖ VĂN CA", "001080000555")
    result = desk.desk.check_in(_patient(), {}, receptionist=other)
    assert result.payload["fields"]["receptionist_name"] == other.name
    assert desk.fake.last_receptionist == (other.name, other.id_number)


def test_without_gateway(tmp_path: Path, desk: Desk) -> None:
    offline = ClinicCheckIn(
        desk.desk.settings, gateway=None, tickets=desk.tickets, outbox=desk.outbox,
        audit=desk.audit,
    )  # fmt: skip
    result = offline.check_in(_patient(), {})
    assert result.card_error == "bhyt_not_configured"


def test_no_personal_data_in_audit_log_or_outbox_file(desk: Desk) -> None:
    for _ in range(3):
        desk.desk.check_in(_patient(), {"phone": "0912345678"})
    desk.outbox.close()
    desk.audit.close()
    audit = (desk.root / "audit.jsonl").read_text()
    events = [json.loads(line) for line in audit.splitlines()]
    assert [e["event"] for e in events] == ["clinic.checkin"] * 3
    assert events[0]["card_status"] == "valid" and events[0]["ticket_no"] == 1
    for path in desk.root.iterdir():
        data = path.read_bytes() if path.is_file() else b""
        for secret in (THU_NAME, THU_ID, "0912345678", OFFICER.id_number):
            assert secret.encode() not in data, (path.name, secret)


def test_year_only_patient_is_looked_up_with_the_year(desk: Desk) -> None:
    from tests.kiosk.fake_citizens import chip_citizen as make

    citizen = make(id_number="001150000777", full_name="HOÀNG THỊ NĂM", sex="F",
                   date_of_birth=None, date_of_birth_text="1950")  # fmt: skip
    result = desk.desk.check_in(CitizenRecord.from_chip(citizen, verified=True), {})
    assert result.card is not None and result.card.status is CardStatus.VALID
    assert result.payload["fields"]["date_of_birth"] == "1950"
