"""Shared helpers for the outbox, sync, intake, crash and network-fault tests.

Also a driver process for the crash tests::

    python -m tests.kiosk.outbox_support drive --outbox F --keys F --device-key F --url U \
        --start SEQ --count N

It enqueues submissions carrying a sequence number, printing ``saved <seq>`` after each enqueue
returned (i.e. after the durable commit), and syncs between enqueues, until killed.
Only fake citizens appear here.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk.audit import citizen_ref
from kiosk.device_key import DeviceKey
from kiosk.outbox import FileKeyProvider, Outbox

FAKE_NAME = "NGUYỄN VĂN THỬ"
FAKE_ID = "001099012345"
FAKE_BIRTH = "01/02/1999"
TOKEN = "test-enrolment-token-4f1c"
REPO = Path(__file__).resolve().parents[2]


def fake_payload(seq: int) -> dict[str, object]:
    return {"seq": seq, "full_name": FAKE_NAME, "id_number": FAKE_ID, "birth_date": FAKE_BIRTH}


def ref_for(seq: int, citizens: int = 7) -> str:
    """A citizen reference for a fake citizen number (several submissions per citizen)."""
    return citizen_ref(f"0010990{seq % citizens:05d}", b"k" * 32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def enroll(url: str, key: DeviceKey, token: str = TOKEN) -> httpx.Response:
    body = json.dumps(
        {"device_id": key.device_id, "public_key": key.public_key_b64, "label": "test"}
    ).encode()
    headers = key.sign_request("POST", "/v1/devices", body)
    headers["Authorization"] = f"Bearer {token}"
    headers["Content-Type"] = "application/json"
    return httpx.post(url + "/v1/devices", content=body, headers=headers, timeout=10)


@dataclass
class Kiosk:
    """The kiosk-side files of one test."""

    dir: Path

    @property
    def outbox_path(self) -> Path:
        return self.dir / "outbox.sqlite3"

    @property
    def keys_path(self) -> Path:
        return self.dir / "keys.json"

    @property
    def device_key_path(self) -> Path:
        return self.dir / "device_key.pem"

    def provider(self) -> FileKeyProvider:
        return FileKeyProvider(self.keys_path)

    def outbox(self, **kwargs: object) -> Outbox:
        return Outbox(self.outbox_path, self.provider(), **kwargs)  # type: ignore[arg-type]

    def device_key(self) -> DeviceKey:
        return DeviceKey.load_or_create(self.device_key_path)


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


class IntakeProcess:
    """``python -m kiosk.intake`` as a real child process (restartable on the same port)."""

    def __init__(self, db: Path, *, port: int | None = None, extra: list[str] | None = None,
                 token_file: Path | None = None) -> None:
        self.db = db
        self.port = port or free_port()
        self.extra = extra or []
        self.token_file = token_file
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> IntakeProcess:
        args = [sys.executable, "-m", "kiosk.intake", "--host", "127.0.0.1",
                "--port", str(self.port), "--db", str(self.db), "--allow-fault-injection",
                *self.extra]
        if self.token_file is not None:
            args += ["--enrolment-token-file", str(self.token_file)]
        # stderr to a file: an unread pipe fills up and blocks the server.
        self.log_path = self.db.with_name(f"intake-{self.port}.log")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log,
                                         text=True, env=python_env(), cwd=REPO)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "listening" not in line:
            err = self.log_path.read_text(errors="replace")
            raise RuntimeError(f"intake server did not start: {line!r} {err[-2000:]}")
        return self

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None

    def faults(self, **plan: object) -> None:
        r = httpx.post(self.url + "/_faults", json=plan, timeout=5)
        r.raise_for_status()

    def stats(self) -> dict[str, int]:
        r = httpx.get(self.url + "/_faults", timeout=5)
        r.raise_for_status()
        return dict(r.json()["stats"])


def server_rows(db: Path) -> list[tuple[str, int, str, int]]:
    """(idempotency_key, seq, receipt, replays) of every submission the server stored, in order."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT idempotency_key, body, receipt, replays FROM submissions ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return [(k, int(json.loads(b)["payload"]["seq"]), r, n) for k, b, r, n in rows]


def _drive(args: argparse.Namespace) -> int:
    from kiosk.outbox.backoff import Backoff
    from kiosk.outbox.sync import SyncWorker

    outbox = Outbox(args.outbox, FileKeyProvider(args.keys))
    worker = SyncWorker(outbox, args.url, DeviceKey.load(args.device_key),
                        backoff=Backoff(0.01, 0.05), timeout_s=2.0, batch_size=8)
    print("ready", flush=True)
    for seq in range(args.start, args.start + args.count):
        outbox.enqueue("test.item", fake_payload(seq), citizen_ref=ref_for(seq))
        print(f"saved {seq}", flush=True)
        if seq % 3 == 0:
            worker.run_once()
    while True:
        worker.run_once()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("drive")
    d.add_argument("--outbox", required=True)
    d.add_argument("--keys", required=True)
    d.add_argument("--device-key", required=True)
    d.add_argument("--url", required=True)
    d.add_argument("--start", type=int, required=True)
    d.add_argument("--count", type=int, required=True)
    args = p.parse_args(argv)
    return _drive(args)


if __name__ == "__main__":
    sys.exit(main())
