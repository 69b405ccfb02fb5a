"""Network faults against the real intake server process on loopback.

Every scenario must end with every submission delivered exactly once: the server holds one
record per submission, and the kiosk holds that record's receipt.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.outbox import Outbox
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.sync import SyncWorker
from tests.kiosk.outbox_support import (
    IntakeProcess,
    Kiosk,
    enroll,
    fake_payload,
    ref_for,
    server_rows,
)


@pytest.fixture
def intake(tmp_path: Path) -> Iterator[IntakeProcess]:
    token = tmp_path / "token"
    from tests.kiosk.outbox_support import TOKEN

    token.write_text(TOKEN)
    proc = IntakeProcess(tmp_path / "intake.db", token_file=token).start()
    yield proc
    proc.stop()


@pytest.fixture
def kiosk(tmp_path: Path, intake: IntakeProcess) -> Kiosk:
    k = Kiosk(tmp_path / "kiosk")
    assert enroll(intake.url, k.device_key()).status_code == 201
    return k


def make_worker(kiosk: Kiosk, outbox: Outbox, url: str, timeout_s: float = 10.0) -> SyncWorker:
    return SyncWorker(outbox, url, kiosk.device_key(), timeout_s=timeout_s,
                      backoff=Backoff(0.01, 0.05, rng=random.Random(5)), batch_size=16,
                      concurrency=4)


def fill(outbox: Outbox, n: int) -> None:
    for i in range(n):
        outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i, citizens=11))


def drain(worker: SyncWorker, limit_s: float = 60) -> None:
    deadline = time.time() + limit_s
    while worker.outbox.status().depth:
        assert time.time() < deadline, worker.outbox.status()
        if not worker.run_once().attempted:
            time.sleep(0.01)


def assert_exactly_once(outbox: Outbox, db: Path, n: int) -> list[tuple[str, int, str, int]]:
    rows = server_rows(db)
    assert sorted(seq for _, seq, _, _ in rows) == list(range(n))
    local = dict(outbox._conn.execute("SELECT idempotency_key, receipt FROM outbox"))
    assert local == {k: r for k, _, r, _ in rows}
    st = outbox.status()
    assert (st.sent, st.depth, st.dead) == (n, 0, 0)
    return rows


@pytest.mark.parametrize(
    ("plan", "expect_replays"),
    [
        ({"fail_next": 15, "fail_status": 500}, False),
        ({"fail_next": 8, "fail_status": 503, "retry_after": "0"}, False),
        ({"drop_next": 10}, False),  # connection dropped before the server commits
        ({"drop_next": 10, "drop_after_commit": True}, True),  # ... after it commits
    ],
    ids=["500s", "503-retry-after", "drop-before-commit", "drop-after-commit"],
)
def test_faults_deliver_exactly_once(kiosk: Kiosk, intake: IntakeProcess, tmp_path: Path,
                                     plan: dict[str, object], expect_replays: bool) -> None:
    outbox = kiosk.outbox(dead_after=1)  # any misclassified transient would dead-letter
    fill(outbox, 40)
    intake.faults(**plan)
    worker = make_worker(kiosk, outbox, intake.url)
    drain(worker)
    rows = assert_exactly_once(outbox, tmp_path / "intake.db", 40)
    replays = sum(n for _, _, _, n in rows)
    assert (replays > 0) == expect_replays
    worker.close()
    outbox.close()


def test_timeouts_after_commit_are_deduplicated(kiosk: Kiosk, intake: IntakeProcess,
                                                tmp_path: Path) -> None:
    outbox = kiosk.outbox(dead_after=1)
    fill(outbox, 20)
    intake.faults(delay_next=6, delay_s=0.8)
    worker = make_worker(kiosk, outbox, intake.url, timeout_s=0.3)
    drain(worker)
    rows = assert_exactly_once(outbox, tmp_path / "intake.db", 20)
    assert sum(n for _, _, _, n in rows) >= 1  # timed-out requests had been stored
    worker.close()
    outbox.close()


def test_slow_responses_within_the_timeout(kiosk: Kiosk, intake: IntakeProcess,
                                           tmp_path: Path) -> None:
    outbox = kiosk.outbox()
    fill(outbox, 20)
    intake.faults(delay_next=20, delay_s=0.1)
    worker = make_worker(kiosk, outbox, intake.url, timeout_s=10.0)
    drain(worker)
    rows = assert_exactly_once(outbox, tmp_path / "intake.db", 20)
    assert sum(n for _, _, _, n in rows) == 0  # nothing needed a resend
    attempts = {r[0] for r in outbox._conn.execute("SELECT attempts FROM outbox")}
    assert attempts == {1}
    worker.close()
    outbox.close()


def test_server_restart_mid_batch(kiosk: Kiosk, intake: IntakeProcess, tmp_path: Path) -> None:
    n = 150
    outbox = kiosk.outbox(dead_after=1)
    fill(outbox, n)
    intake.faults(delay_next=10**6, delay_s=0.01)  # slow enough to be mid-batch when killed
    worker = make_worker(kiosk, outbox, intake.url, timeout_s=5.0)
    worker.start()
    deadline = time.time() + 30
    while outbox.status().sent < 30:
        assert time.time() < deadline
        time.sleep(0.01)
    intake.stop(kill=True)  # the server dies with requests in flight
    killed_at_sent = outbox.status().sent
    time.sleep(0.5)
    assert outbox.status().sent - killed_at_sent <= 16  # at most the batch in flight
    intake.start()  # same port, same database
    deadline = time.time() + 60
    while outbox.status().depth:
        assert time.time() < deadline, outbox.status()
        time.sleep(0.05)
    worker.close()
    assert_exactly_once(outbox, tmp_path / "intake.db", n)
    outbox.close()
