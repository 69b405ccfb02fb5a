"""The outbox table: durability settings, encryption at rest, state machine, ordering."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.outbox import DecryptionError, InvalidSubmissionError
from kiosk.outbox.store import Delivered, Failed, Released, uuid7
from tests.kiosk.outbox_support import FAKE_ID, FAKE_NAME, Kiosk, fake_payload, ref_for


class Clock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def kiosk(tmp_path: Path) -> Kiosk:
    return Kiosk(tmp_path)


def raw(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db)


def test_enqueue_is_committed_before_it_returns(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    item = outbox.enqueue("bhyt.checkin", fake_payload(1), citizen_ref=ref_for(1))
    # A second, independent connection sees the row at once: it was committed.
    conn = raw(kiosk.outbox_path)
    row = conn.execute(
        "SELECT id, idempotency_key, status, kind FROM outbox WHERE id = ?", (item.id,)
    ).fetchone()
    conn.close()
    assert row == (item.id, item.idempotency_key, "queued", "bhyt.checkin")
    assert item.status == "queued"
    outbox.close()


def test_connection_uses_wal_and_full_sync(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    conn = outbox._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    outbox.close()


def test_database_and_wal_files_are_private(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("ct01", fake_payload(1), citizen_ref=ref_for(1))
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(kiosk.outbox_path) + suffix)
        assert p.exists(), suffix
        assert p.stat().st_mode & 0o777 == 0o600, suffix
    outbox.close()


def test_transient_failure_never_dead_letters_even_after_threshold_change(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox(dead_after=5)
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    for _ in range(3):
        (c,) = outbox.claim(1)
        outbox.complete([Failed(c.id, "http_400", 0.0, permanent=True)])
    outbox.close()
    stricter = kiosk.outbox(dead_after=2)  # the operator lowered the threshold
    (c,) = stricter.claim(1)
    stricter.complete([Failed(c.id, "timeout", 0.0, permanent=False)])
    assert (stricter.status().queued, stricter.status().dead) == (1, 0)
    (c,) = stricter.claim(1)
    stricter.complete([Failed(c.id, "http_400", 0.0, permanent=True)])
    assert stricter.status().dead == 1
    stricter.close()


def test_migrations_are_recorded_and_reopening_is_idempotent(kiosk: Kiosk) -> None:
    kiosk.outbox().close()
    kiosk.outbox().close()
    conn = raw(kiosk.outbox_path)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert names == ["0001_outbox_table", "0002_citizen_index_covers_dead"]


def test_an_old_database_is_migrated_on_open(kiosk: Kiosk) -> None:
    from sqlite_utils import Database

    from kiosk.outbox.store import MIGRATIONS, connect

    conn = connect(kiosk.outbox_path)
    MIGRATIONS.apply(Database(conn), stop_before="0002_citizen_index_covers_dead")
    conn.execute(
        "INSERT INTO outbox (idempotency_key, kind, citizen_ref, status, next_attempt_at,"
        " created_at, updated_at, sent_at, receipt) VALUES"
        " ('k-old', 'ct01', 'citizenAAAA', 'sent', 0, 0, 0, 0, 'R-old')"
    )
    conn.close()
    outbox = kiosk.outbox()
    sql = outbox._conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'outbox_citizen_open'"
    ).fetchone()[0]
    assert "status != 'sent'" in sql
    plan = " ".join(str(r) for r in outbox._conn.execute(
        "EXPLAIN QUERY PLAN SELECT 1 FROM outbox AS p WHERE p.citizen_ref = 'x' AND p.id < 5"
        " AND p.status != 'sent'"))
    assert "outbox_citizen_open" in plan
    assert outbox.status().sent == 1  # the old row survived
    outbox.close()


def test_a_dead_submission_holds_back_the_citizens_later_ones(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox(dead_after=1)
    a1 = outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    a2 = outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenAAAA")
    b1 = outbox.enqueue("ct01", {"n": 3}, citizen_ref="citizenBBBB")
    first = outbox.claim(10)
    outbox.complete([Failed(a1.id, "http_422", 0.0, permanent=True), Released(b1.id)])
    assert [c.id for c in outbox.claim(10)] == [b1.id]  # a2 waits behind dead a1
    st = outbox.status()
    assert (st.dead, st.blocked_by_dead) == (1, 1)
    assert len(first) == 2
    outbox.complete([Delivered(b1.id, "R-b1")])
    outbox.retry_dead()
    assert [c.id for c in outbox.claim(10)] == [a1.id]
    outbox.complete([Delivered(a1.id, "R-a1")])
    assert [c.id for c in outbox.claim(10)] == [a2.id]
    outbox.close()


def test_dead_blocking_can_be_turned_off(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox(dead_after=1, dead_blocks_citizen=False)
    a1 = outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    a2 = outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenAAAA")
    outbox.claim(10)
    outbox.complete([Failed(a1.id, "http_422", 0.0, permanent=True)])
    assert [c.id for c in outbox.claim(10)] == [a2.id]
    assert outbox.status().blocked_by_dead == 0
    outbox.close()


def test_database_file_holds_no_personal_data_in_clear(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    for i in range(20):
        outbox.enqueue("ct01", fake_payload(i), citizen_ref=ref_for(i))
    outbox.close()
    data = kiosk.outbox_path.read_bytes()
    wal = kiosk.outbox_path.with_name(kiosk.outbox_path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    assert FAKE_NAME.encode() not in data
    assert FAKE_ID.encode() not in data
    assert b"birth_date" not in data  # the JSON keys are sealed as well


def test_payload_round_trips_through_claim(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    item = outbox.enqueue("ct01", fake_payload(7), citizen_ref=ref_for(7))
    (claimed,) = outbox.claim(10)
    assert claimed.id == item.id
    assert claimed.payload == fake_payload(7)
    assert claimed.idempotency_key == item.idempotency_key
    outbox.close()


def test_ciphertext_is_bound_to_its_row(kiosk: Kiosk) -> None:
    """Swapping sealed payloads between rows is detected (associated data)."""
    outbox = kiosk.outbox()
    a = outbox.enqueue("ct01", fake_payload(1), citizen_ref=ref_for(1))
    b = outbox.enqueue("ct01", fake_payload(2), citizen_ref=ref_for(2))
    conn = raw(kiosk.outbox_path)
    blob_a = conn.execute("SELECT ciphertext FROM outbox WHERE id = ?", (a.id,)).fetchone()[0]
    conn.execute("UPDATE outbox SET ciphertext = ? WHERE id = ?", (blob_a, b.id))
    conn.commit()
    conn.close()
    claimed = outbox.claim(10)
    assert [c.id for c in claimed] == [a.id]
    st = outbox.status()
    assert st.dead == 1
    assert st.last_error == "decryption_failed"
    outbox.close()


def test_fresh_nonce_per_row(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    for _ in range(5):
        outbox.enqueue("ct01", {"same": 1}, citizen_ref=ref_for(1))
    conn = raw(kiosk.outbox_path)
    nonces = {bytes(r[0])[:12] for r in conn.execute("SELECT ciphertext FROM outbox")}
    conn.close()
    assert len(nonces) == 5
    outbox.close()


@pytest.mark.parametrize("bad_ref", [FAKE_ID, "001099012345", "short", "has space here",
                                     "x" * 65])
def test_citizen_ref_must_be_a_hash_not_an_id_number(kiosk: Kiosk, bad_ref: str) -> None:
    outbox = kiosk.outbox()
    with pytest.raises(InvalidSubmissionError):
        outbox.enqueue("ct01", {"a": 1}, citizen_ref=bad_ref)
    assert outbox.status().depth == 0
    outbox.close()


@pytest.mark.parametrize("bad_kind", ["", "CT01", "tờ khai", "a" * 65, "1abc"])
def test_kind_must_be_a_short_code(kiosk: Kiosk, bad_kind: str) -> None:
    outbox = kiosk.outbox()
    with pytest.raises(InvalidSubmissionError):
        outbox.enqueue(bad_kind, {"a": 1}, citizen_ref=ref_for(1))
    outbox.close()


def test_unserialisable_payload_is_refused_without_echoing_it(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    with pytest.raises(InvalidSubmissionError) as err:
        outbox.enqueue("ct01", {"name": FAKE_NAME, "x": object()}, citizen_ref=ref_for(1))
    assert FAKE_NAME not in str(err.value)
    with pytest.raises(InvalidSubmissionError):
        outbox.enqueue("ct01", {"x": float("nan")}, citizen_ref=ref_for(1))
    outbox.close()


def test_per_citizen_order_one_head_per_citizen(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    a1 = outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    a2 = outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenAAAA")
    b1 = outbox.enqueue("ct01", {"n": 3}, citizen_ref="citizenBBBB")
    first = outbox.claim(10)
    assert [c.id for c in first] == [a1.id, b1.id]
    # While a1 is being sent, a2 must wait.
    assert outbox.claim(10) == []
    outbox.complete([Delivered(a1.id, "R-1"), Released(b1.id)])
    second = outbox.claim(10)
    assert [c.id for c in second] == [a2.id, b1.id]
    outbox.close()


def test_failed_head_blocks_later_items_of_that_citizen_until_it_succeeds(kiosk: Kiosk) -> None:
    clock = Clock()
    outbox = kiosk.outbox(clock=clock)
    a1 = outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    a2 = outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenAAAA")
    (c,) = outbox.claim(10)
    outbox.complete([Failed(c.id, "http_500", clock.t + 60, permanent=False)])
    assert outbox.claim(10) == []  # a1 waits for its backoff, a2 waits for a1
    clock.t += 61
    assert [x.id for x in outbox.claim(10)] == [a1.id]
    outbox.complete([Delivered(a1.id, "R-1")])
    assert [x.id for x in outbox.claim(10)] == [a2.id]
    outbox.close()


def test_delivery_wipes_payload_and_keeps_receipt(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    item = outbox.enqueue("ct01", fake_payload(1), citizen_ref=ref_for(1))
    outbox.claim(1)
    outbox.complete([Delivered(item.id, "HS20261123-0000001")])
    conn = raw(kiosk.outbox_path)
    row = conn.execute(
        "SELECT status, receipt, ciphertext, key_id, sent_at, attempts FROM outbox"
    ).fetchone()
    conn.close()
    assert row[:4] == ("sent", "HS20261123-0000001", None, None)
    assert row[4] is not None and row[5] == 1
    with pytest.raises(InvalidSubmissionError):
        outbox.complete([Delivered(item.id, FAKE_NAME)])  # a receipt must be a plain code
    outbox.close()


def test_permanent_failures_dead_letter_after_threshold(kiosk: Kiosk) -> None:
    clock = Clock()
    outbox = kiosk.outbox(clock=clock, dead_after=3)
    item = outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    for i in range(3):
        (c,) = outbox.claim(1)
        assert c.permanent_failures == i
        outbox.complete([Failed(c.id, "http_422:bad_kind", clock.t, permanent=True)])
    st = outbox.status()
    assert (st.queued, st.dead) == (0, 1)
    assert st.last_error == "http_422:bad_kind"
    assert outbox.claim(1) == []
    assert outbox.retry_dead() == 1
    (c,) = outbox.claim(1)
    assert c.id == item.id and c.permanent_failures == 0 and c.attempts == 3
    outbox.close()


def test_transient_failures_never_dead_letter(kiosk: Kiosk) -> None:
    clock = Clock()
    outbox = kiosk.outbox(clock=clock, dead_after=2)
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    for _ in range(20):
        (c,) = outbox.claim(1)
        outbox.complete([Failed(c.id, "timeout", clock.t, permanent=False)])
    st = outbox.status()
    assert (st.queued, st.dead) == (1, 0)
    outbox.close()


def test_last_error_is_sanitised(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    (c,) = outbox.claim(1)
    outbox.complete([Failed(c.id, f"server said {FAKE_NAME}", 0.0, permanent=False)])
    assert outbox.status().last_error == "error"
    outbox.close()


def test_recover_puts_interrupted_sends_back(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    outbox.claim(1)
    assert outbox.status().sending == 1
    outbox._conn.close()  # simulate a crash: no clean close
    reopened = kiosk.outbox()
    assert reopened.recovered == 1
    assert reopened.status().queued == 1
    reopened.close()
    # Operator tools open without recovering (the app's worker may be sending).
    outbox2 = kiosk.outbox()
    outbox2.claim(1)
    tool = kiosk.outbox(recover=False)
    assert tool.status().sending == 1
    tool.close()
    outbox2.close()


def test_status_counts_and_ages(kiosk: Kiosk) -> None:
    clock = Clock()
    outbox = kiosk.outbox(clock=clock, dead_after=1)
    outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    clock.t += 10
    outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenBBBB")
    clock.t += 5
    st = outbox.status()
    assert st.counts == {"queued": 2, "sending": 0, "sent": 0, "dead": 0}
    assert st.oldest_pending_age_s == pytest.approx(15)
    assert st.oldest_dead_age_s is None
    c = outbox.claim(1)[0]
    outbox.complete([Failed(c.id, "http_400", clock.t, permanent=True)])
    st = outbox.status()
    assert (st.queued, st.dead, st.depth) == (1, 1, 1)
    assert st.oldest_dead_age_s == pytest.approx(15)
    assert st.oldest_pending_age_s == pytest.approx(5)
    doc = st.to_dict()
    assert doc["counts"]["dead"] == 1 and doc["depth"] == 1
    assert outbox.pending_counts() == (1, 1)
    outbox.close()


def test_purge_deletes_only_old_sent_rows(kiosk: Kiosk) -> None:
    clock = Clock(datetime(2026, 1, 10, tzinfo=UTC).timestamp())
    outbox = kiosk.outbox(clock=clock)
    old = outbox.enqueue("ct01", {"n": 1}, citizen_ref="citizenAAAA")
    outbox.claim(5)
    outbox.complete([Delivered(old.id, "R-1")])
    clock.t = datetime(2026, 2, 10, tzinfo=UTC).timestamp()
    new = outbox.enqueue("ct01", {"n": 2}, citizen_ref="citizenBBBB")
    pending = outbox.enqueue("ct01", {"n": 3}, citizen_ref="citizenCCCC")
    outbox.claim(1)
    outbox.complete([Delivered(new.id, "R-2")])
    assert outbox.purge(datetime(2026, 2, 1, tzinfo=UTC)) == 1
    conn = raw(kiosk.outbox_path)
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM outbox"))
    conn.close()
    assert ids == [new.id, pending.id]
    with pytest.raises(ValueError):
        outbox.purge(datetime(2026, 2, 1))  # naive datetimes are ambiguous
    outbox.close()


def test_listeners_hear_changes_and_can_unsubscribe(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    calls: list[int] = []
    unsubscribe = outbox.subscribe(lambda: calls.append(1))
    outbox.subscribe(lambda: 1 / 0)  # a broken listener does not break the write
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    assert calls == [1]
    unsubscribe()
    outbox.enqueue("ct01", {"n": 2}, citizen_ref=ref_for(2))
    assert calls == [1]
    assert outbox.status().queued == 2
    outbox.close()


def test_closed_outbox_refuses_work(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.close()
    outbox.close()  # idempotent
    with pytest.raises(Exception) as err:
        outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    assert getattr(err.value, "code", "") == "closed"


def test_integrity_check_ok(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    assert outbox.integrity_check() == "ok"
    outbox.close()


def test_wrong_key_material_dead_letters_instead_of_crashing(tmp_path: Path) -> None:
    k1 = Kiosk(tmp_path / "a")
    outbox = k1.outbox()
    outbox.enqueue("ct01", {"n": 1}, citizen_ref=ref_for(1))
    outbox.close()
    k1.keys_path.unlink()  # the key is lost: a new one is generated
    outbox = k1.outbox()
    assert outbox.claim(5) == []
    assert outbox.status().dead == 1
    outbox.close()
    with pytest.raises(DecryptionError):
        from kiosk.outbox.crypto import KeySet, PayloadCipher

        PayloadCipher(KeySet.generate()).open("nope", b"\0" * 40, b"")


def test_uuid7_layout_and_order() -> None:
    keys = [uuid7(1_800_000_000.0 + i / 1000) for i in range(50)]
    for k in keys:
        u = uuid.UUID(k)
        assert u.version == 7
        assert u.variant == uuid.RFC_4122
    assert keys == sorted(keys)
    assert len(set(keys)) == 50
    ms = int(uuid.UUID(keys[0]).hex[:12], 16)
    assert ms == 1_800_000_000_000
