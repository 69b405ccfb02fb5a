"""After a full kiosk session nothing on the kiosk's disk names the citizen.

Session: audit events, submissions for a fake citizen (one delivered, one left queued while
the server is down), status via the command line, debug logging of every library on. Then the
outbox database (main file, -wal, -shm), the audit log, the log file, the key file and the
command's output are searched for the fake name (UTF-8 NFC and NFD, and without diacritics),
the ID number, its last 9 digits (the BAC document number) and the birth date.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest

from kiosk.audit import CARD_VERIFIED, FORM_SUBMITTED, SESSION_STARTED, AuditLog
from kiosk.cli import main as kiosk_main
from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.outbox import FileKeyProvider, Outbox
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.connectivity import Connectivity, State
from kiosk.outbox.sync import SyncWorker
from tests.kiosk.outbox_support import FAKE_BIRTH, FAKE_ID, FAKE_NAME, TOKEN, Kiosk, enroll


def needles() -> dict[str, bytes]:
    ascii_name = "".join(
        c for c in unicodedata.normalize("NFD", FAKE_NAME) if not unicodedata.combining(c)
    )
    return {
        "name NFC": unicodedata.normalize("NFC", FAKE_NAME).encode(),
        "name NFD": unicodedata.normalize("NFD", FAKE_NAME).encode(),
        "name lower NFC": unicodedata.normalize("NFC", FAKE_NAME.lower()).encode(),
        "name without diacritics": ascii_name.replace("Đ", "D").encode(),
        "name UTF-16": FAKE_NAME.encode("utf-16-le"),
        "id number": FAKE_ID.encode(),
        "document number": FAKE_ID[-9:].encode(),
        "birth date": FAKE_BIRTH.encode(),
    }


def test_no_personal_data_on_disk_after_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "kiosk-data"
    kiosk = Kiosk(data)
    log_file = tmp_path / "kiosk.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    server = IntakeServer(SqliteIntakeDB(tmp_path / "server" / "intake.db"),
                          enrolment_token=TOKEN).start()
    try:
        assert enroll(server.url, kiosk.device_key()).status_code == 201
        keys = FileKeyProvider(kiosk.keys_path).load()
        audit = AuditLog(data / "audit.jsonl", keys.hmac_key)
        outbox = Outbox(kiosk.outbox_path, kiosk.provider())
        conn = Connectivity(outbox)
        worker = SyncWorker(outbox, server.url, kiosk.device_key(), audit=audit,
                            connectivity=conn, backoff=Backoff(0.001, 0.002), timeout_s=10)

        audit.record(SESSION_STARTED, mode="kiosk")
        ref = audit.citizen_ref(FAKE_ID)
        audit.record(CARD_VERIFIED, citizen_ref=ref, passive_auth=True)
        person = {
            "full_name": FAKE_NAME,
            "full_name_nfd": unicodedata.normalize("NFD", FAKE_NAME),
            "id_number": FAKE_ID,
            "birth_date": FAKE_BIRTH,
        }
        item = outbox.enqueue("bhyt.checkin", {"citizen": person, "ticket": 12},
                              citizen_ref=ref)
        audit.record(FORM_SUBMITTED, citizen_ref=ref, kind="bhyt.checkin", outbox_id=item.id)
        assert worker.run_once().delivered == 1

        server.stop()  # the network goes away: the next submission stays queued, sealed
        item2 = outbox.enqueue("ct01", {"citizen": person, "reason": "chuyển nơi ở"},
                               citizen_ref=ref)
        audit.record(FORM_SUBMITTED, citizen_ref=ref, kind="ct01", outbox_id=item2.id)
        report = worker.run_once()
        assert report.delivered == 0 and conn.state is State.OFFLINE
        worker.close()
        outbox.close()
        audit.close()

        monkeypatch.setenv("CCCD_KIOSK_DATA_DIR", str(data))
        monkeypatch.delenv("CCCD_KIOSK_CONFIG", raising=False)
        assert kiosk_main(["outbox", "status", "--json"]) == 0
        status_out = capsys.readouterr().out
        assert json.loads(status_out)["counts"] == {"queued": 1, "sending": 0, "sent": 1,
                                                     "dead": 0}
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
        server.stop()  # idempotent

    # Positive control: the needles are right, since the server (which is meant to receive
    # the data) does hold them.
    server_blob = b"".join(p.read_bytes() for p in (tmp_path / "server").iterdir())
    for label in ("name NFC", "name NFD", "id number", "birth date"):
        assert needles()[label] in server_blob, label

    files = [p for p in data.rglob("*") if p.is_file()] + [log_file]
    names = {p.name for p in files}
    assert {"outbox.sqlite3", "audit.jsonl", "keys.json", "kiosk.log"} <= names
    log_text = log_file.read_text(encoding="utf-8")
    assert "sync batch: 1 attempted, 1 delivered" in log_text  # our own log lines are there
    assert "httpx" in log_text or "httpcore" in log_text  # and the libraries'
    haystacks = {p.name: p.read_bytes() for p in files}
    haystacks["status output"] = status_out.encode()
    for label, needle in needles().items():
        for name, blob in haystacks.items():
            assert needle not in blob, f"{label} found in {name}"
