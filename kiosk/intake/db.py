"""Storage of the reference intake server: enrolled devices and received submissions.

Behind a small interface (:class:`IntakeDB`) with two implementations: SQLite (the default,
tested) and PostgreSQL (``postgresql://`` URLs, needs the optional ``psycopg`` package).

Deduplication follows the Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header,
sections 2 and 2.7): a key is scoped to the device that sent it; a repeat of the same key with
the same body gets the first response's receipt again; a repeat with a different body is an
error (HTTP 422 at the server).
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol


class IntakeDBError(Exception):
    code = "intake_db"


class DeviceConflictError(IntakeDBError):
    """The device id is enrolled with another public key."""

    code = "device_conflict"


class IdempotencyConflictError(IntakeDBError):
    """The idempotency key was used before with a different request body."""

    code = "idempotency_key_reused"


@dataclass(frozen=True)
class SubmissionResult:
    receipt: str
    received_at: float
    replayed: bool


@dataclass(frozen=True)
class Device:
    device_id: str
    public_key: bytes
    label: str
    revoked: bool


def make_receipt(row_id: int, received_at: float) -> str:
    """Receipt number: ``HS`` (hồ sơ) + UTC date + a sequence number, e.g. HS20261123-0000042."""
    day = datetime.fromtimestamp(received_at, UTC).strftime("%Y%m%d")
    return f"HS{day}-{row_id:07d}"


class IntakeDB(Protocol):
    def enrol_device(self, device_id: str, public_key: bytes, label: str) -> bool:
        """True if newly enrolled, False if already enrolled with this key."""
        ...

    def device(self, device_id: str) -> Device | None: ...

    def record_submission(
        self, device_id: str, idempotency_key: str, body_sha256: str, kind: str, body: bytes
    ) -> SubmissionResult: ...

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    enrolled_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    idempotency_key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at REAL NOT NULL,
    receipt TEXT UNIQUE,
    replays INTEGER NOT NULL DEFAULT 0,
    UNIQUE (device_id, idempotency_key)
);
"""


class SqliteIntakeDB:
    """SQLite storage: WAL, synchronous=FULL, one connection under a lock."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Any = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            os.fspath(self.path), isolation_level=None, check_same_thread=False, timeout=10
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SQLITE_SCHEMA)

    def enrol_device(self, device_id: str, public_key: bytes, label: str) -> bool:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT public_key FROM devices WHERE device_id = ?", (device_id,)
                ).fetchone()
                if row is not None:
                    if bytes(row[0]) != public_key:
                        raise DeviceConflictError(f"{device_id} is enrolled with another key")
                    self._conn.execute("COMMIT")
                    return False
                self._conn.execute(
                    "INSERT INTO devices (device_id, public_key, label, enrolled_at)"
                    " VALUES (?, ?, ?, ?)",
                    (device_id, public_key, label, self._clock()),
                )
                self._conn.execute("COMMIT")
                return True
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def device(self, device_id: str) -> Device | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT device_id, public_key, label, revoked FROM devices WHERE device_id = ?",
                (device_id,),
            ).fetchone()
        if row is None:
            return None
        return Device(str(row[0]), bytes(row[1]), str(row[2]), bool(row[3]))

    def record_submission(
        self, device_id: str, idempotency_key: str, body_sha256: str, kind: str, body: bytes
    ) -> SubmissionResult:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT id, body_sha256, receipt, received_at FROM submissions"
                    " WHERE device_id = ? AND idempotency_key = ?",
                    (device_id, idempotency_key),
                ).fetchone()
                if row is not None:
                    if row[1] != body_sha256:
                        raise IdempotencyConflictError(
                            "idempotency key already used with a different body"
                        )
                    self._conn.execute(
                        "UPDATE submissions SET replays = replays + 1 WHERE id = ?", (row[0],)
                    )
                    self._conn.execute("COMMIT")
                    return SubmissionResult(str(row[2]), float(row[3]), True)
                now = float(self._clock())
                cur = self._conn.execute(
                    "INSERT INTO submissions (device_id, idempotency_key, body_sha256, kind,"
                    " body, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (device_id, idempotency_key, body_sha256, kind, body, now),
                )
                row_id = int(cur.lastrowid or 0)
                receipt = make_receipt(row_id, now)
                self._conn.execute(
                    "UPDATE submissions SET receipt = ? WHERE id = ?", (receipt, row_id)
                )
                self._conn.execute("COMMIT")
                return SubmissionResult(receipt, now, False)
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def stats(self) -> dict[str, int]:
        with self._lock:
            n, replays = self._conn.execute(
                "SELECT count(*), coalesce(sum(replays), 0) FROM submissions"
            ).fetchone()
            (devices,) = self._conn.execute("SELECT count(*) FROM devices").fetchone()
        return {"submissions": int(n), "replays": int(replays), "devices": int(devices)}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    public_key BYTEA NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    enrolled_at DOUBLE PRECISION NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS submissions (
    id BIGSERIAL PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (device_id),
    idempotency_key TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    body BYTEA NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    receipt TEXT UNIQUE,
    replays INTEGER NOT NULL DEFAULT 0,
    UNIQUE (device_id, idempotency_key)
);
"""


class PostgresIntakeDB:
    """PostgreSQL storage through psycopg 3 (optional dependency: ``pip install psycopg``).

    Same semantics as :class:`SqliteIntakeDB`; concurrent duplicates are serialised by the
    unique constraint (``INSERT ... ON CONFLICT DO NOTHING`` then a locking re-read).
    """

    def __init__(self, url: str, *, clock: Any = time.time) -> None:
        try:
            psycopg: Any = importlib.import_module("psycopg")
        except ImportError as exc:
            raise IntakeDBError(
                "PostgreSQL URL given but the 'psycopg' package is not installed "
                "(pip install 'psycopg[binary]')"
            ) from exc
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self._conn: Any = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise IntakeDBError(f"PostgreSQL: cannot connect ({type(exc).__name__})") from exc
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(_PG_SCHEMA)

    def enrol_device(self, device_id: str, public_key: bytes, label: str) -> bool:
        with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "INSERT INTO devices (device_id, public_key, label, enrolled_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (device_id) DO NOTHING",
                (device_id, public_key, label, self._clock()),
            )
            if cur.rowcount == 1:
                return True
            cur.execute("SELECT public_key FROM devices WHERE device_id = %s", (device_id,))
            row = cur.fetchone()
            if row is None or bytes(row[0]) != public_key:
                raise DeviceConflictError(f"{device_id} is enrolled with another key")
            return False

    def device(self, device_id: str) -> Device | None:
        with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "SELECT device_id, public_key, label, revoked FROM devices WHERE device_id = %s",
                (device_id,),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return Device(str(row[0]), bytes(row[1]), str(row[2]), bool(row[3]))

    def record_submission(
        self, device_id: str, idempotency_key: str, body_sha256: str, kind: str, body: bytes
    ) -> SubmissionResult:
        now = float(self._clock())
        with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute(
                "INSERT INTO submissions (device_id, idempotency_key, body_sha256, kind, body,"
                " received_at) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (device_id, idempotency_key) DO NOTHING RETURNING id",
                (device_id, idempotency_key, body_sha256, kind, body, now),
            )
            inserted = cur.fetchone()
            if inserted is not None:
                receipt = make_receipt(int(inserted[0]), now)
                cur.execute(
                    "UPDATE submissions SET receipt = %s WHERE id = %s", (receipt, inserted[0])
                )
                return SubmissionResult(receipt, now, False)
            cur.execute(
                "SELECT id, body_sha256, receipt, received_at FROM submissions"
                " WHERE device_id = %s AND idempotency_key = %s FOR UPDATE",
                (device_id, idempotency_key),
            )
            row = cur.fetchone()
            if row is None or row[1] != body_sha256:
                raise IdempotencyConflictError(
                    "idempotency key already used with a different body"
                )
            cur.execute("UPDATE submissions SET replays = replays + 1 WHERE id = %s", (row[0],))
            return SubmissionResult(str(row[2]), float(row[3]), True)

    def stats(self) -> dict[str, int]:
        with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("SELECT count(*), coalesce(sum(replays), 0) FROM submissions")
            n, replays = cur.fetchone()
            cur.execute("SELECT count(*) FROM devices")
            (devices,) = cur.fetchone()
        return {"submissions": int(n), "replays": int(replays), "devices": int(devices)}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_intake_db(target: str | os.PathLike[str]) -> IntakeDB:
    """A PostgreSQL database for ``postgresql://``/``postgres://`` URLs, else a SQLite file."""
    text = os.fspath(target)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresIntakeDB(text)
    return SqliteIntakeDB(text)
