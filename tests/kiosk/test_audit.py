"""The audit log: JSON lines, citizens only as a keyed hash, personal data refused."""

from __future__ import annotations

import json
import threading
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.audit import (
    CARD_VERIFIED,
    FORM_SUBMITTED,
    SESSION_STARTED,
    AuditError,
    AuditLog,
    citizen_ref,
)
from tests.kiosk.outbox_support import FAKE_ID, FAKE_NAME

KEY = bytes(range(32))


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="ascii").splitlines()]


def test_records_are_json_lines_with_time_and_sequence(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    fixed = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)
    log = AuditLog(path, KEY, clock=lambda: fixed, fsync=True)
    log.record(SESSION_STARTED, mode="kiosk")
    ref = log.citizen_ref(FAKE_ID)
    log.record(CARD_VERIFIED, citizen_ref=ref, passive_auth=True, chip_auth="ok",
               duration_ms=812)
    log.record(FORM_SUBMITTED, citizen_ref=ref, kind="ct01", outbox_id=17, receipt=None)
    log.close()
    got = lines(path)
    assert [e["seq"] for e in got] == [1, 2, 3]
    assert got[0] == {"ts": "2026-11-23T10:00:00.123Z", "seq": 1, "event": "session.started",
                      "mode": "kiosk"}
    assert got[1]["citizen_ref"] == ref and got[1]["passive_auth"] is True
    assert path.stat().st_mode & 0o777 == 0o600
    # Appending after reopening keeps earlier lines and continues the numbering, even after
    # a crash left a torn last line.
    with path.open("ab") as fh:
        fh.write(b'{"ts": "2026-11-23T10:00:01Z", "se')
    with AuditLog(path, KEY) as again:
        again.record("session.ended")
    raw = path.read_text(encoding="ascii").splitlines()
    assert raw[-2] == '{"ts": "2026-11-23T10:00:01Z", "se'  # the torn line stays apart
    last = json.loads(raw[-1])
    assert (last["seq"], last["event"]) == (4, "session.ended")


def test_citizen_ref_is_keyed_stable_and_normalised() -> None:
    a = citizen_ref(FAKE_ID, KEY)
    assert a == citizen_ref(" 0010 9901 2345 ", KEY)
    assert a == citizen_ref("００１０９９０１２３４５", KEY)  # full-width digits (NFKC)
    assert a != citizen_ref(FAKE_ID, bytes(32))
    assert a != citizen_ref("001099012346", KEY)
    assert len(a) == 32 and int(a, 16) >= 0
    assert FAKE_ID not in a
    with pytest.raises(ValueError):
        citizen_ref("", KEY)
    with pytest.raises(ValueError):
        citizen_ref(FAKE_ID, b"short")


@pytest.mark.parametrize(
    "fields",
    [
        {"full_name": "NGUYEN VAN THU"},
        {"name": "x"},
        {"ho_ten": "x"},
        {"id_number": "x"},
        {"cccd": "x"},
        {"date_of_birth": "x"},
        {"dob": "1999-02-01"},
        {"address": "x"},
        {"phone": "x"},
        {"email": "x"},
        {"bhyt_number": "x"},
        {"note": FAKE_NAME},  # not a plain code
        {"note": "NGUYEN VAN THU"},  # free text with spaces
        {"ref": FAKE_ID},  # a 12-digit run
        {"ref": "doc-099012345"},  # a 9-digit run
        {"count": 1099012345},  # a number that could be an ID
        {"citizen_ref": FAKE_ID},  # not a hash
        {"payload": {"a": 1}},  # no nested data
        {"Bad-Name": 1},
        {"ts": "x"},
    ],
)
def test_personal_or_free_form_fields_are_refused(tmp_path: Path,
                                                  fields: dict[str, object]) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, KEY)
    with pytest.raises(AuditError):
        log.record(FORM_SUBMITTED, **fields)
    log.close()
    assert path.read_bytes() == b""


@pytest.mark.parametrize("event", ["", "Card.Verified", "card verified", "x" * 65, "1card"])
def test_event_names_are_codes(tmp_path: Path, event: str) -> None:
    log = AuditLog(tmp_path / "a.jsonl", KEY)
    with pytest.raises(AuditError):
        log.record(event)
    log.close()


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, KEY)

    def work(t: int) -> None:
        for i in range(200):
            log.record("sync.result", thread=t, i=i)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    got = lines(path)
    assert len(got) == 800
    assert sorted(int(e["seq"]) for e in got) == list(range(1, 801))  # type: ignore[call-overload]


def test_output_never_contains_the_name_in_any_normal_form(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, KEY)
    log.record(CARD_VERIFIED, citizen_ref=log.citizen_ref(FAKE_ID))
    log.close()
    data = path.read_bytes()
    for form in ("NFC", "NFD"):
        assert unicodedata.normalize(form, FAKE_NAME).encode() not in data
    assert FAKE_ID.encode() not in data
