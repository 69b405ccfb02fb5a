"""The intake server's PostgreSQL storage, against a real PostgreSQL started for this test.

Needs the PostgreSQL server binaries (Debian package ``postgresql``) and ``psycopg``. When the
tests run as root, the cluster runs as the ``postgres`` system user (``initdb`` refuses root).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk.device_key import DeviceKey
from kiosk.intake import IntakeServer, open_intake_db
from kiosk.intake.db import (
    DeviceConflictError,
    IdempotencyConflictError,
    PostgresIntakeDB,
)
from kiosk.outbox.backoff import Backoff
from kiosk.outbox.sync import SyncWorker
from tests.kiosk.outbox_support import (
    REPO,
    TOKEN,
    Kiosk,
    enroll,
    fake_payload,
    free_port,
    python_env,
    ref_for,
)


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or (
        [shutil.which(name)] if shutil.which(name) else []
    )
    if not found:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found (Debian package: postgresql)")
    return str(found[-1])


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    as_user: list[str] = []
    if os.geteuid() == 0:
        # pytest's temporary directories are private to root; the cluster runs as postgres.
        as_user = ["runuser", "-u", "postgres", "--"]
        base = Path(tempfile.mkdtemp(prefix="cccd-kiosk-pg-"))
        os.chmod(base, 0o777)
    else:
        base = tmp_path_factory.mktemp("pg")
    data = base / "data"
    port = free_port()
    subprocess.run([*as_user, _pg_bin("initdb"), "-D", str(data), "-U", "kiosk",
                    "--auth=trust", "-E", "UTF8", "--locale=C"],
                   check=True, capture_output=True, timeout=120)
    log_path = base / "postgres.log"
    with log_path.open("wb") as log:  # a file: an unread pipe would fill up and block
        proc = subprocess.Popen(
            [*as_user, _pg_bin("postgres"), "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={base}",
             "-c", "fsync=off"],
            stdout=subprocess.DEVNULL, stderr=log,
        )
    url = f"postgresql://kiosk@127.0.0.1:{port}/postgres"
    try:
        import psycopg

        deadline = time.time() + 30
        while True:
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.time() > deadline or proc.poll() is not None:
                    err = log_path.read_text(errors="replace")
                    raise RuntimeError(f"PostgreSQL did not start: {err[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if as_user:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def db(pg_url: str) -> Iterator[PostgresIntakeDB]:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS submissions, devices")
    database = PostgresIntakeDB(pg_url)
    yield database
    database.close()


def test_url_selects_postgres(pg_url: str) -> None:
    database = open_intake_db(pg_url)
    assert isinstance(database, PostgresIntakeDB)
    database.close()


def test_devices_and_idempotency(db: PostgresIntakeDB) -> None:
    key = DeviceKey.generate()
    assert db.enrol_device(key.device_id, key.public_key_raw, "quay 1") is True
    assert db.enrol_device(key.device_id, key.public_key_raw, "quay 1") is False
    with pytest.raises(DeviceConflictError):
        db.enrol_device(key.device_id, DeviceKey.generate().public_key_raw, "x")
    device = db.device(key.device_id)
    assert device is not None and device.public_key == key.public_key_raw
    assert db.device("kiosk-0000000000000000") is None

    first = db.record_submission(key.device_id, "key-1", "h1", "ct01", b'{"a":1}')
    again = db.record_submission(key.device_id, "key-1", "h1", "ct01", b'{"a":1}')
    assert (first.replayed, again.replayed) == (False, True)
    assert again.receipt == first.receipt and first.receipt.startswith("HS")
    with pytest.raises(IdempotencyConflictError):
        db.record_submission(key.device_id, "key-1", "h2", "ct01", b'{"a":2}')
    assert db.stats() == {"submissions": 1, "replays": 1, "devices": 1}


def test_concurrent_duplicates(db: PostgresIntakeDB) -> None:
    key = DeviceKey.generate()
    db.enrol_device(key.device_id, key.public_key_raw, "")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(
            lambda _: db.record_submission(key.device_id, "dup", "h", "ct01", b"{}"), range(20)
        ))
    assert len({r.receipt for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1


def test_server_on_postgres_delivers_exactly_once(db: PostgresIntakeDB, tmp_path: Path) -> None:
    server = IntakeServer(db, enrolment_token=TOKEN, allow_fault_injection=True).start()
    try:
        kiosk = Kiosk(tmp_path)
        assert enroll(server.url, kiosk.device_key()).status_code == 201
        outbox = kiosk.outbox()
        for i in range(30):
            outbox.enqueue("test.item", fake_payload(i), citizen_ref=ref_for(i))
        server.faults.update({"drop_next": 5, "drop_after_commit": True})
        worker = SyncWorker(outbox, server.url, kiosk.device_key(),
                            backoff=Backoff(0.001, 0.005))
        deadline = time.time() + 30
        while outbox.status().depth:
            assert time.time() < deadline
            worker.run_once()
        worker.close()
        assert outbox.status().sent == 30
        stats = db.stats()
        assert stats["submissions"] == 30 and stats["replays"] >= 1
        outbox.close()
    finally:
        server.stop()


def test_kiosk_intake_accepts_a_postgres_url(db: PostgresIntakeDB, pg_url: str,
                                             tmp_path: Path) -> None:
    port = free_port()
    env = python_env()
    env["KIOSK_INTAKE_ENROLMENT_TOKEN"] = TOKEN
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.intake", "--port", str(port),
                             "--db", pg_url], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    try:
        assert proc.stdout is not None
        assert "listening" in json.loads(proc.stdout.readline())
        assert enroll(f"http://127.0.0.1:{port}", DeviceKey.generate()).status_code == 201
        assert db.stats()["devices"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for s in (proc.stdout, proc.stderr):
            if s is not None:
                s.close()
