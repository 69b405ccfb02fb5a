"""Crash consistency with real processes: kill -9 the kiosk process while it enqueues and syncs.

A driver process (``tests.kiosk.outbox_support drive``) enqueues numbered submissions and syncs
them to the intake server; this test kills it with SIGKILL at random moments, 20 times (200 with
``CCCD_LONG_TESTS=1``), restarting it on the same outbox each time. Afterwards:

* nothing is lost: every submission the driver reported "saved" reached the server;
* nothing is delivered twice: the server holds each submission exactly once;
* the outbox and the server agree on idempotency keys and receipts;
* ``PRAGMA integrity_check`` is ok after every kill.

The server delays each answer a little *after* committing, so many kills land in the window
between the server's commit and the kiosk's: the resend must be deduplicated.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.intake.server import FaultPlan
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.sync import SyncWorker
from tests.kiosk.outbox_support import REPO, TOKEN, Kiosk, enroll, python_env, server_rows

KILLS = 200 if os.environ.get("CCCD_LONG_TESTS") == "1" else 20


def _collect(stream: object, sink: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line.strip())


def test_kill_9_while_enqueueing_and_syncing(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    server_db = tmp_path / "intake.db"
    faults = FaultPlan(delay_next=10**9, delay_s=0.004)
    server = IntakeServer(SqliteIntakeDB(server_db), enrolment_token=TOKEN, faults=faults).start()
    kiosk = Kiosk(tmp_path / "kiosk")
    try:
        assert enroll(server.url, kiosk.device_key()).status_code == 201
        kiosk.outbox().close()  # create keys and schema once, outside the kill loop
        saved: set[int] = set()
        kills_while_pending = 0
        for run in range(KILLS):
            count = rng.randint(5, 60)
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.kiosk.outbox_support", "drive",
                 "--outbox", str(kiosk.outbox_path), "--keys", str(kiosk.keys_path),
                 "--device-key", str(kiosk.device_key_path), "--url", server.url,
                 "--start", str(run * 1000), "--count", str(count)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env(),
                cwd=REPO,
            )
            assert proc.stdout is not None
            first = proc.stdout.readline().strip()
            if first != "ready":
                err = proc.stderr.read() if proc.stderr else ""
                raise AssertionError(f"driver did not start: {first!r} {err[-2000:]}")
            lines: list[str] = []
            reader = threading.Thread(target=_collect, args=(proc.stdout, lines), daemon=True)
            reader.start()
            time.sleep(rng.uniform(0.0, 0.25))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            reader.join(timeout=10)
            assert proc.returncode == -signal.SIGKILL
            if proc.stderr is not None:
                err = proc.stderr.read()
                proc.stderr.close()
                assert "Traceback" not in err, err[-2000:]
            proc.stdout.close()
            run_saved = {int(x.split()[1]) for x in lines if x.startswith("saved ")}
            saved |= run_saved
            conn = sqlite3.connect(kiosk.outbox_path)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                pending = conn.execute(
                    "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')"
                ).fetchone()[0]
            finally:
                conn.close()
            kills_while_pending += pending > 0

        # Recovery: the application starts again and drains the queue.
        outbox = kiosk.outbox()
        worker = SyncWorker(outbox, server.url, kiosk.device_key(),
                            backoff=Backoff(0.001, 0.01), batch_size=64)
        deadline = time.time() + 60
        while outbox.status().depth and time.time() < deadline:
            worker.run_once()
        worker.close()
        st = outbox.status()
        assert (st.depth, st.dead) == (0, 0)
        assert outbox.integrity_check() == "ok"
        local = dict(outbox._conn.execute("SELECT idempotency_key, receipt FROM outbox"))
        outbox.close()

        rows = server_rows(server_db)
        seqs = [seq for _, seq, _, _ in rows]
        keys = [k for k, _, _, _ in rows]
        assert len(seqs) == len(set(seqs)), "a submission was delivered twice"
        assert len(keys) == len(set(keys))
        assert saved <= set(seqs), f"lost: {sorted(saved - set(seqs))[:10]}"
        # Rows committed just before a kill (no "saved" printed yet) are delivered too.
        assert {k: r for k, _, r, _ in rows} == local
        assert len(saved) >= KILLS  # the runs did real work
        assert kills_while_pending >= KILLS // 4  # kills landed with work in flight
        # Some kills fell between the server's commit and the kiosk's: those resends were
        # answered from the idempotency store instead of creating second records.
        assert server.db.stats()["replays"] >= 1
    finally:
        server.stop()
