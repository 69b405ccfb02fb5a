"""Outbox figures: durable enqueue rate, sync drain rate to a loopback intake server, and a plain
unencrypted SQLite insert as the baseline, side by side in one run.

    .venv/bin/python bench/outbox.py [--n 1000] [--json]

* baseline: ``INSERT`` of the same-size blob, one transaction each, WAL + synchronous=FULL
  (what any durable queue must pay), no JSON, no encryption, no sqlite-utils;
* durable enqueue: ``Outbox.enqueue`` (JSON, AES-GCM, UUIDv7, commit with synchronous=FULL);
* sync: ``SyncWorker.run_once`` draining the queue to ``kiosk-intake`` running as a separate
  process on 127.0.0.1 (signed requests, server-side commit with synchronous=FULL, local
  acknowledgement and payload wipe).

Targets (issue 5): at least 300 durable enqueues/s and 200 deliveries/s on a 2-core machine.
Only a fake citizen is used.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.audit import citizen_ref  # noqa: E402
from kiosk.device_key import DeviceKey  # noqa: E402
from kiosk.outbox import FileKeyProvider, Outbox  # noqa: E402
from kiosk.outbox.sync import SyncWorker  # noqa: E402

TARGET_ENQUEUE = 300.0
TARGET_DELIVERY = 200.0
TOKEN = "bench-enrolment-token"


def fake_submission(i: int) -> dict[str, object]:
    return {
        "procedure": "ct01",
        "citizen": {
            "full_name": "NGUYỄN VĂN THỬ",
            "id_number": "001099012345",
            "birth_date": "01/02/1999",
            "address": {"province": "Hà Nội", "ward": "Phường Thử Nghiệm", "street": "Số 1"},
        },
        "fields": {f"field_{k}": f"giá trị {k} của hồ sơ {i}" for k in range(20)},
        "seq": i,
    }


ROUNDS = 5


def bench_inserts(baseline_path: Path, outbox: Outbox, n: int, size: int) -> tuple[float, float]:
    """(plain inserts/s, durable enqueues/s), measured in alternating rounds so both see the
    same disk conditions (fsync latency on a shared machine varies a lot minute to minute)."""
    conn = sqlite3.connect(baseline_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE q (id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB)")
    blob = os.urandom(size)
    refs = [citizen_ref(f"0010990{i % 97:05d}", b"b" * 32) for i in range(97)]
    per_round = max(1, n // ROUNDS)
    plain_s = enqueue_s = 0.0
    seq = 0
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(per_round):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO q (body) VALUES (?)", (blob,))
            conn.execute("COMMIT")
        plain_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(per_round):
            outbox.enqueue("ct01", fake_submission(seq), citizen_ref=refs[seq % 97])
            seq += 1
        enqueue_s += time.perf_counter() - t0
    conn.close()
    total = per_round * ROUNDS
    return total / plain_s, total / enqueue_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_sync(outbox: Outbox, work: Path, n: int) -> tuple[float, dict[str, int]]:
    import httpx

    port = free_port()
    env = dict(os.environ, KIOSK_INTAKE_ENROLMENT_TOKEN=TOKEN,
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with (work / "intake.log").open("wb") as log:  # a file: an unread pipe would fill up
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.intake", "--port", str(port), "--db",
             str(work / "intake.sqlite3"), "--allow-fault-injection"],
            stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=REPO,
        )
    try:
        assert proc.stdout is not None
        if "listening" not in proc.stdout.readline():
            raise RuntimeError("intake server did not start")
        url = f"http://127.0.0.1:{port}"
        key = DeviceKey.load_or_create(work / "device_key.pem")
        body = json.dumps({"device_id": key.device_id, "public_key": key.public_key_b64,
                           "label": "bench"}).encode()
        headers = key.sign_request("POST", "/v1/devices", body)
        headers["Authorization"] = f"Bearer {TOKEN}"
        httpx.post(url + "/v1/devices", content=body, headers=headers).raise_for_status()
        worker = SyncWorker(outbox, url, key, batch_size=64, concurrency=4)
        delivered = 0
        t0 = time.perf_counter()
        while outbox.status().depth:
            delivered += worker.run_once().delivered
        rate = delivered / (time.perf_counter() - t0)
        worker.close()
        stats = httpx.get(url + "/_faults").json()["stats"]
        if delivered != n or stats["submissions"] != n:
            raise RuntimeError(f"delivered {delivered}, server holds {stats['submissions']}")
        return rate, stats
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions per measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        work = Path(tmp)
        size = len(json.dumps(fake_submission(0), ensure_ascii=False).encode()) + 28
        outbox = Outbox(work / "outbox.sqlite3", FileKeyProvider(work / "keys.json"))
        baseline, enqueue = bench_inserts(work / "baseline.sqlite3", outbox, args.n, size)
        n = (args.n // ROUNDS) * ROUNDS
        delivery, stats = bench_sync(outbox, work, n)
        outbox.close()
    result = {
        "n": args.n,
        "payload_bytes": size,
        "baseline_plain_inserts_per_s": round(baseline, 1),
        "durable_enqueues_per_s": round(enqueue, 1),
        "enqueue_vs_baseline": round(enqueue / baseline, 3),
        "sync_deliveries_per_s": round(delivery, 1),
        "delivery_vs_baseline": round(delivery / baseline, 3),
        "enqueue_target_met": enqueue >= TARGET_ENQUEUE,
        "delivery_target_met": delivery >= TARGET_DELIVERY,
        "server_replays": stats["replays"],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"outbox bench: {args.n} submissions of ~{size} bytes, cpus={os.cpu_count()}")
        print(f"  {'measurement':<44}{'per s':>10}{'vs baseline':>14}{'target':>10}")
        print(f"  {'plain insert (WAL, FULL, commit each)':<44}{baseline:>10.1f}{1.0:>14.3f}"
              f"{'-':>10}")
        print(f"  {'durable encrypted enqueue':<44}{enqueue:>10.1f}"
              f"{enqueue / baseline:>14.3f}{'>= 300':>10}"
              f"  {'ok' if result['enqueue_target_met'] else 'MISSED'}")
        print(f"  {'sync delivery to loopback intake server':<44}{delivery:>10.1f}"
              f"{delivery / baseline:>14.3f}{'>= 200':>10}"
              f"  {'ok' if result['delivery_target_met'] else 'MISSED'}")
    return 0 if result["enqueue_target_met"] and result["delivery_target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
