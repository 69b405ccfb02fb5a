"""The sync worker against the real intake server on loopback (in-process thread)."""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.audit import AuditLog
from kiosk.device_key import DeviceKey
from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.outbox import Outbox
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.connectivity import Connectivity, State, http_probe
from kiosk.outbox.sync import SyncReport, SyncWorker, submission_body
from tests.kiosk.outbox_support import TOKEN, Kiosk, enroll, fake_payload, ref_for, server_rows


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IntakeServer]:
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "intake.db"), enrolment_token=TOKEN,
                       allow_fault_injection=True,
                       reject_kinds=frozenset({"rejected.kind"})).start()
    yield srv
    srv.stop()


@pytest.fixture
def kiosk(tmp_path: Path, server: IntakeServer) -> Kiosk:
    k = Kiosk(tmp_path / "kiosk")
    assert enroll(server.url, k.device_key()).status_code == 201
    return k


def worker_for(kiosk: Kiosk, outbox: Outbox, url: str, **kw: object) -> SyncWorker:
    kw.setdefault("backoff", Backoff(0.001, 0.002, rng=random.Random(1)))
    return SyncWorker(outbox, url, kiosk.device_key(), **kw)  # type: ignore[arg-type]


def drain(worker: SyncWorker, rounds: int = 200) -> list[SyncReport]:
    reports = []
    for _ in range(rounds):
        r = worker.run_once()
        reports.append(r)
        if worker.outbox.status().depth == 0:
            break
        if not r.attempted:
            time.sleep(0.005)
    return reports


def test_delivers_everything_once_with_receipts(kiosk: Kiosk, server: IntakeServer,
                                                tmp_path: Path) -> None:
    outbox = kiosk.outbox()
    items = [outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i))
             for i in range(60)]
    worker = worker_for(kiosk, outbox, server.url, batch_size=16)
    drain(worker)
    st = outbox.status()
    assert (st.sent, st.depth, st.dead) == (60, 0, 0)
    rows = server_rows(tmp_path / "intake.db")
    assert sorted(seq for _, seq, _, _ in rows) == list(range(60))
    assert {k for k, _, _, _ in rows} == {i.idempotency_key for i in items}
    # The kiosk kept exactly the server's receipts.
    conn = outbox._conn
    local = dict(conn.execute("SELECT idempotency_key, receipt FROM outbox").fetchall())
    assert local == {k: r for k, _, r, _ in rows}
    worker.close()
    outbox.close()


def test_per_citizen_order_is_kept_at_the_server(kiosk: Kiosk, server: IntakeServer,
                                                 tmp_path: Path) -> None:
    outbox = kiosk.outbox()
    # Three citizens, interleaved; transient failures shuffle what is due when.
    for i in range(45):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i, citizens=3))
    server.faults.update({"fail_next": 10})
    worker = worker_for(kiosk, outbox, server.url, batch_size=8, concurrency=4)
    drain(worker)
    assert outbox.status().sent == 45
    by_citizen: dict[int, list[int]] = {}
    for _, seq, _, _ in server_rows(tmp_path / "intake.db"):
        by_citizen.setdefault(seq % 3, []).append(seq)
    for seqs in by_citizen.values():
        assert seqs == sorted(seqs)
    worker.close()
    outbox.close()


def test_4xx_is_permanent_and_dead_letters_after_threshold(kiosk: Kiosk,
                                                           server: IntakeServer) -> None:
    outbox = kiosk.outbox(dead_after=3)
    outbox.enqueue("rejected.kind", {"n": 1}, citizen_ref=ref_for(1))
    outbox.enqueue("test.item", fake_payload(2), citizen_ref=ref_for(2))
    worker = worker_for(kiosk, outbox, server.url)
    reports = drain(worker)
    st = outbox.status()
    assert (st.sent, st.dead, st.depth) == (1, 1, 0)
    assert st.last_error == "http_422:kind_rejected"
    assert sum(r.permanent_failures for r in reports) == 3
    assert sum(r.dead_lettered for r in reports) == 1
    worker.close()
    outbox.close()


def test_5xx_never_dead_letters(kiosk: Kiosk, server: IntakeServer) -> None:
    outbox = kiosk.outbox(dead_after=2)
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    server.faults.update({"fail_next": 12, "fail_status": 503})
    worker = worker_for(kiosk, outbox, server.url)
    reports = drain(worker)
    assert outbox.status().sent == 1 and outbox.status().dead == 0
    assert sum(r.transient_failures for r in reports) == 12
    worker.close()
    outbox.close()


def test_unenrolled_device_is_not_dead_lettered(tmp_path: Path, server: IntakeServer) -> None:
    kiosk = Kiosk(tmp_path / "stranger")  # never enrolled
    outbox = kiosk.outbox(dead_after=1)
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    conn = Connectivity(outbox)
    worker = worker_for(kiosk, outbox, server.url, connectivity=conn)
    for _ in range(5):
        worker.run_once()
        time.sleep(0.01)
    st = outbox.status()
    assert (st.queued, st.dead) == (1, 0)
    assert st.last_error == "http_403:unknown_device"
    status = conn.status()
    assert status.state is State.ONLINE and status.auth_problem
    # Enrolling fixes it without operator action on the queue.
    assert enroll(server.url, kiosk.device_key()).status_code == 201
    drain(worker)
    assert outbox.status().sent == 1
    assert not conn.status().auth_problem
    worker.close()
    outbox.close()


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_pauses_the_worker(kiosk: Kiosk, server: IntakeServer, form: str) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    value = "2" if form == "seconds" else format_datetime(
        datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    server.faults.update({"fail_next": 1, "fail_status": 429, "retry_after": value})
    worker = worker_for(kiosk, outbox, server.url)
    t0 = time.time()
    first = worker.run_once()
    assert first.transient_failures == 1 and first.paused_until is not None
    assert first.paused_until >= t0 + 1.0
    paused = worker.run_once()
    assert paused.attempted == 0  # nothing is sent while the server asked us to wait
    next_at = outbox.status().next_attempt_at
    assert next_at is not None and next_at >= t0 + 1.0
    while worker.run_once().delivered == 0:
        time.sleep(0.05)
        assert time.time() - t0 < 10
    assert time.time() - t0 >= 1.0
    assert outbox.status().sent == 1
    worker.close()
    outbox.close()


def test_unreachable_server_releases_the_batch_and_goes_offline(kiosk: Kiosk) -> None:
    from tests.kiosk.outbox_support import free_port

    outbox = kiosk.outbox()
    for i in range(10):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i, citizens=10))
    url = f"http://127.0.0.1:{free_port()}"
    conn = Connectivity(outbox, probe=http_probe(url, timeout_s=0.5))
    states: list[State] = []
    conn.subscribe(lambda s: states.append(s.state))
    worker = worker_for(kiosk, outbox, url, connectivity=conn, concurrency=1,
                        backoff=Backoff(5.0, 10.0, rng=random.Random(1)))
    report = worker.run_once()
    assert report.transient_failures == 1
    assert report.released == 9  # not attempted: no attempt counted
    # The whole queue pauses (capped, jittered) instead of trying item after item.
    assert report.paused_until is not None and report.paused_until >= time.time() + 4
    assert worker.run_once().attempted == 0
    attempts = [r[0] for r in outbox._conn.execute("SELECT attempts FROM outbox ORDER BY id")]
    assert attempts == [1] + [0] * 9
    assert conn.state is State.OFFLINE
    assert conn.status().queue_depth == 10
    assert conn.check() is State.OFFLINE
    assert State.OFFLINE in states
    worker.close()
    outbox.close()


def test_connectivity_probe_and_queue_depth(kiosk: Kiosk, server: IntakeServer) -> None:
    outbox = kiosk.outbox()
    conn = Connectivity(outbox, probe=http_probe(server.url))
    seen: list[tuple[str, int]] = []
    conn.subscribe(lambda s: seen.append((s.state.value, s.queue_depth)))
    assert conn.state is State.UNKNOWN
    assert conn.check() is State.ONLINE
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    assert conn.status().queue_depth == 1
    worker = worker_for(kiosk, outbox, server.url, connectivity=conn)
    drain(worker)
    assert conn.status().queue_depth == 0
    assert seen[0] == ("online", 0) and ("online", 1) in seen and seen[-1] == ("online", 0)
    assert conn.status().to_dict()["state"] == "online"
    worker.close()
    outbox.close()


def test_background_thread_wakes_on_enqueue(kiosk: Kiosk, server: IntakeServer) -> None:
    outbox = kiosk.outbox()
    worker = worker_for(kiosk, outbox, server.url, idle_poll_s=30.0)
    done = threading.Event()
    reports: list[SyncReport] = []

    def listener(r: SyncReport) -> None:
        reports.append(r)
        if outbox.status().sent >= 5:
            done.set()

    worker.add_listener(listener)
    worker.start()
    time.sleep(0.1)  # the worker is now idle, sleeping up to 30 s
    for i in range(5):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i))
    assert done.wait(5), "the worker did not wake up on enqueue"
    worker.stop()
    assert outbox.status().sent == 5
    assert sum(r.delivered for r in reports) == 5
    worker.close()
    outbox.close()


def test_sync_results_go_to_the_audit_log(kiosk: Kiosk, server: IntakeServer,
                                          tmp_path: Path) -> None:
    outbox = kiosk.outbox()
    audit = AuditLog(tmp_path / "audit.jsonl", b"a" * 32)
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    worker = worker_for(kiosk, outbox, server.url, audit=audit)
    drain(worker)
    audit.close()
    events = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "sync.result"
    assert events[-1]["delivered"] == 1
    worker.close()
    outbox.close()


def test_request_body_is_deterministic_for_resends(kiosk: Kiosk) -> None:
    outbox = kiosk.outbox()
    outbox.enqueue("test.item", {"b": 2, "a": "Thử"}, citizen_ref=ref_for(1))
    (item,) = outbox.claim(1)
    assert submission_body(item) == submission_body(item)
    doc = json.loads(submission_body(item))
    assert doc["payload"] == {"a": "Thử", "b": 2} and doc["kind"] == "test.item"
    outbox.close()


def test_bad_2xx_body_is_transient(kiosk: Kiosk) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"receipt": "not a receipt!"})

    outbox = kiosk.outbox(dead_after=1)
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    worker = worker_for(kiosk, outbox, "http://intake.test",
                        transport=httpx.MockTransport(handler))
    report = worker.run_once()
    assert report.transient_failures == 1
    assert outbox.status().last_error == "http_200:bad_receipt"
    assert outbox.status().dead == 0
    worker.close()
    outbox.close()


def test_requests_are_signed_and_carry_the_idempotency_key(kiosk: Kiosk) -> None:
    from kiosk.device_key import read_signature_headers, verify_request

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"receipt": "HS1"})

    outbox = kiosk.outbox()
    item = outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    key: DeviceKey = kiosk.device_key()
    worker = worker_for(kiosk, outbox, "http://intake.test/base",
                        transport=httpx.MockTransport(handler))
    assert worker.run_once().delivered == 1
    (req,) = seen
    assert req.url.path == "/base/v1/submissions"
    assert req.headers["Idempotency-Key"] == item.idempotency_key
    device_id, ts, sig = read_signature_headers(req.headers)
    verify_request(key.public_key_raw, device_id=device_id, method="POST",
                   target="/base/v1/submissions", timestamp=ts, signature=sig,
                   body=req.content, idempotency_key=item.idempotency_key)
    worker.close()
    outbox.close()


# --- fuzzing: hostile or broken answers never wedge the queue -----------------------------

@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.integers(100, 599), body=st.binary(max_size=200),
       retry_after=st.one_of(st.none(), st.text(max_size=30)))
def test_fuzz_any_answer_leaves_the_row_queued_sent_or_dead(
    tmp_path_factory: pytest.TempPathFactory, status: int, body: bytes,
    retry_after: str | None
) -> None:
    headers = {}
    if retry_after is not None and retry_after.isprintable() and retry_after.isascii():
        headers["Retry-After"] = retry_after

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers)

    k = Kiosk(tmp_path_factory.mktemp("fuzz"))
    outbox = k.outbox(dead_after=1)
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    worker = worker_for(k, outbox, "http://intake.test", transport=httpx.MockTransport(handler))
    report = worker.run_once()
    st_ = outbox.status()
    assert st_.sending == 0
    assert report.attempted == 1
    permanent = 400 <= status < 500 and status not in (401, 403, 408, 409, 425, 429)
    assert st_.dead == (1 if permanent else 0)
    if st_.last_error is not None:  # only our own short codes, never the server's text
        assert re.fullmatch(r"(http_\d{3}(:[a-z0-9_]+)?|network:[a-z]+|timeout|internal:[a-z]+)",
                            st_.last_error), st_.last_error
    worker.close()
    outbox.close()


def test_runtime_from_config_delivers_in_the_background(tmp_path: Path,
                                                        server: IntakeServer) -> None:
    from kiosk.config import load_config
    from kiosk.outbox.runtime import open_runtime

    cfg_file = tmp_path / "kiosk.toml"
    cfg_file.write_text(f'data_dir = "{tmp_path / "rt"}"\n[intake]\nurl = "{server.url}"\n'
                        "[keys]\nuse_keyring = false\n")
    runtime = open_runtime(load_config(cfg_file, env={}))
    assert enroll(server.url, runtime.device_key).status_code == 201
    runtime.start()
    ref = runtime.audit.citizen_ref("001099012345")
    runtime.outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref)
    deadline = time.time() + 10
    while runtime.outbox.status().sent < 1:
        assert time.time() < deadline
        time.sleep(0.02)
    assert runtime.connectivity.state is State.ONLINE
    assert runtime.connectivity.status().queue_depth == 0
    runtime.close()
    log = (tmp_path / "rt" / "audit.jsonl").read_text()
    assert '"event":"sync.result"' in log


def test_oversized_answer_is_not_read_into_memory(kiosk: Kiosk) -> None:
    """A captive portal or a wrong URL answering with a huge page: transient, bounded."""
    sent: list[int] = []

    def stream() -> Iterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"<html>" + b"x" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=stream())

    outbox = kiosk.outbox()
    outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
    worker = worker_for(kiosk, outbox, "http://portal.test",
                        transport=httpx.MockTransport(handler))
    report = worker.run_once()
    assert report.transient_failures == 1
    assert outbox.status().last_error == "http_200:response_too_large"
    assert len(sent) < 40  # stopped reading after ~64 KiB
    worker.close()
    outbox.close()
