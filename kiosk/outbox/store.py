"""The durable outbox: one SQLite table of encrypted submissions waiting to be delivered.

Durability rules (they are why this is not a generic queue library):

* WAL journal with ``synchronous=FULL``: a transaction is on disk when COMMIT returns, so
  :meth:`Outbox.enqueue` returns (and the person may be told "saved") only after that.
* One writer per process: every statement runs under one lock on one connection; write
  transactions start with ``BEGIN IMMEDIATE`` so a second process (the ``kiosk`` command line)
  waits on ``busy_timeout`` instead of failing half-way.
* ``secure_delete=ON``: once a submission is acknowledged its ciphertext is set to NULL and the
  freed bytes are overwritten, not left in free pages.
* Rows only ever move queued -> sending -> sent / queued / dead; a crash leaves rows in
  "sending", which :meth:`Outbox.recover` (run when the outbox opens) puts back to "queued".
  Re-sending is safe because the intake server deduplicates by idempotency key.

Nothing personal is stored in clear: the payload is sealed (see :mod:`kiosk.outbox.crypto`),
``citizen_ref`` is a keyed hash, ``kind`` and ``last_error`` are short codes, ``receipt`` is the
server's receipt number.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.outbox.crypto import KeyProvider, PayloadCipher
from kiosk.outbox.errors import (
    DecryptionError,
    InvalidSubmissionError,
    OutboxError,
    StoreError,
)

Status = Literal["queued", "sending", "sent", "dead"]
STATUSES: tuple[Status, ...] = ("queued", "sending", "sent", "dead")

KIND_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
CITIZEN_REF_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ERROR_CODE_RE = re.compile(r"^[a-z0-9_.: -]{1,80}$")
RECEIPT_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
AAD_PREFIX = b"cccd-kiosk/outbox/v1\x00"

MIGRATIONS = Migrations("cccd-kiosk-outbox")


@MIGRATIONS(name="0001_outbox_table")
def _m0001_outbox_table(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            citizen_ref TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('queued', 'sending', 'sent', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            permanent_failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            sent_at REAL,
            receipt TEXT,
            key_id TEXT,
            ciphertext BLOB,
            CHECK ((status = 'sent') = (ciphertext IS NULL)),
            CHECK ((status = 'sent') = (receipt IS NOT NULL))
        )
        """
    )
    db.execute("CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id)")
    db.execute(
        "CREATE INDEX outbox_citizen_open ON outbox (citizen_ref, id) "
        "WHERE status IN ('queued', 'sending')"
    )
    db.execute("CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE status = 'sent'")


@MIGRATIONS(name="0002_citizen_index_covers_dead")
def _m0002_citizen_index_covers_dead(db: Database) -> None:
    # Dead submissions block later ones of the same citizen (strict ordering): the index of
    # "earlier unacknowledged submissions" must cover them too.
    db.execute("DROP INDEX outbox_citizen_open")
    db.execute(
        "CREATE INDEX outbox_citizen_open ON outbox (citizen_ref, id) WHERE status != 'sent'"
    )


def uuid7(now: float | None = None) -> str:
    """A UUID version 7 (RFC 9562 section 5.7): 48-bit Unix milliseconds, then random bits.

    Time-ordered, so the server's idempotency index stays append-mostly.
    """
    ms = int((time.time() if now is None else now) * 1000) & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | rand
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    return str(uuid.UUID(int=value))


@dataclass(frozen=True)
class QueuedItem:
    """What :meth:`Outbox.enqueue` returns once the submission is durably stored."""

    id: int
    idempotency_key: str
    kind: str
    status: Status
    created_at: float


@dataclass(frozen=True)
class OutboxStatus:
    """Counts per state and ages, for the UI banner and ``kiosk outbox status``."""

    counts: dict[str, int]
    oldest_pending_age_s: float | None
    oldest_dead_age_s: float | None
    next_attempt_at: float | None
    last_error: str | None
    #: Queued submissions held back because an earlier one of the same citizen is dead.
    blocked_by_dead: int = 0

    @property
    def queued(self) -> int:
        return self.counts.get("queued", 0)

    @property
    def sending(self) -> int:
        return self.counts.get("sending", 0)

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def dead(self) -> int:
        return self.counts.get("dead", 0)

    @property
    def depth(self) -> int:
        """Submissions not yet acknowledged and still being retried (queued + sending)."""
        return self.queued + self.sending

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {s: self.counts.get(s, 0) for s in STATUSES},
            "depth": self.depth,
            "oldest_pending_age_s": _round(self.oldest_pending_age_s),
            "oldest_dead_age_s": _round(self.oldest_dead_age_s),
            "next_attempt_at": _round(self.next_attempt_at),
            "last_error": self.last_error,
            "blocked_by_dead": self.blocked_by_dead,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True)
class ItemState:
    """Where one submission is (no payload): what the "sent" screen and the receipt need."""

    id: int
    idempotency_key: str
    kind: str
    status: Status
    receipt: str | None  # the server's receipt number once sent
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class ClaimedItem:
    """A submission handed to the sync worker (status "sending"), with its decrypted payload."""

    id: int
    idempotency_key: str
    kind: str
    citizen_ref: str
    created_at: float
    attempts: int
    permanent_failures: int
    payload: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Delivered:
    item_id: int
    receipt: str


@dataclass(frozen=True)
class Failed:
    """A failed attempt. ``permanent`` failures count towards the dead-letter threshold."""

    item_id: int
    error: str
    retry_at: float
    permanent: bool


@dataclass(frozen=True)
class Released:
    """An item claimed but not attempted (the batch stopped): back to queued, no attempt."""

    item_id: int


Outcome = Delivered | Failed | Released
Listener = Callable[[], None]


def _private_files(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal and -shm files copy the
    database file's mode), and tighten the modes of files an older version left open."""
    if os.name != "posix":
        return
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise StoreError(f"outbox {path}: cannot create ({exc.strerror})") from exc
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            os.chmod(p, 0o600)


def connect(path: str | os.PathLike[str], *, busy_timeout_ms: int = 10_000) -> sqlite3.Connection:
    """A connection configured for durability (WAL, synchronous=FULL, busy timeout).

    ``isolation_level=None``: transactions are explicit (``BEGIN IMMEDIATE`` ... ``COMMIT``).
    """
    conn = sqlite3.connect(
        os.fspath(path),
        isolation_level=None,
        check_same_thread=False,
        timeout=busy_timeout_ms / 1000,
    )
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"outbox {path}: cannot switch to WAL (journal_mode={mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


class Outbox:
    """The durable, encrypted outbox (see the module docstring).

    ``clock`` returns epoch seconds; tests pass a fake one. ``dead_after`` is the number of
    permanent (4xx) failures after which a submission is dead-lettered. With
    ``dead_blocks_citizen`` (the default) a dead submission holds back the later submissions
    of the same citizen until an operator retries it: nothing of a citizen is delivered
    before everything queued earlier for them was acknowledged. ``recover=False`` is
    for operator tools that open the outbox while the application (and its sync worker) runs:
    they must not take back rows the worker is sending.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        key_provider: KeyProvider,
        *,
        dead_after: int = 5,
        dead_blocks_citizen: bool = True,
        clock: Callable[[], float] = time.time,
        busy_timeout_ms: int = 10_000,
        recover: bool = True,
    ) -> None:
        if dead_after < 1:
            raise ValueError("dead_after must be at least 1")
        self.path = Path(path)
        self.dead_after = dead_after
        self.dead_blocks_citizen = dead_blocks_citizen
        self._clock = clock
        self._provider = key_provider
        self._cipher = PayloadCipher(key_provider.load())
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _private_files(self.path)
        try:
            self._conn = connect(self.path, busy_timeout_ms=busy_timeout_ms)
        except sqlite3.Error as exc:
            raise StoreError(f"outbox {self.path}: cannot open ({exc})") from exc
        self._db = Database(self._conn)
        self._closed = False
        try:
            self._migrate()
            self.recovered = self.recover() if recover else 0
        except BaseException:
            self._conn.close()
            raise

    # --- plumbing ------------------------------------------------------------------------

    def _migrate(self) -> None:
        for attempt in range(3):
            with self._lock:
                if not MIGRATIONS.pending(self._db):
                    return
                try:
                    MIGRATIONS.apply(self._db)
                    return
                except sqlite3.OperationalError:
                    # Another process migrated at the same moment: look again.
                    if attempt == 2:
                        raise
            time.sleep(0.05)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; durable (synchronous=FULL) when the block exits."""
        with self._lock:
            self._check_open()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"outbox: cannot start a write ({exc})") from exc
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(f"outbox: commit failed ({exc})") from exc

    def _check_open(self) -> None:
        if self._closed:
            raise OutboxError("the outbox is closed", code="closed")

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener()`` after every change (enqueue, delivery, retry, purge).

        Listeners run on the thread that made the change; they must be quick and must not
        raise. Returns a function that unsubscribes.
        """
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            # A broken observer must not break a durable write.
            with contextlib.suppress(Exception):
                listener()

    @property
    def _not_dead_term(self) -> str:
        # Kept as a separate term so the partial index (status != 'sent') stays usable.
        return "" if self.dead_blocks_citizen else " AND p.status != 'dead'"

    @staticmethod
    def _aad(idempotency_key: str, kind: str) -> bytes:
        return AAD_PREFIX + idempotency_key.encode("ascii") + b"\x00" + kind.encode("ascii")

    # --- public API --------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any], *, citizen_ref: str) -> QueuedItem:
        """Store a submission durably; returns only after the commit reached the disk."""
        if not isinstance(kind, str) or not KIND_RE.match(kind):
            raise InvalidSubmissionError("kind must be a short lower-case code like 'bhyt.checkin'")
        if (
            not isinstance(citizen_ref, str)
            or not CITIZEN_REF_RE.match(citizen_ref)
            or citizen_ref.isdigit()
        ):
            raise InvalidSubmissionError(
                "citizen_ref must be a keyed hash from kiosk.audit.citizen_ref(), "
                "never an ID number"
            )
        if not isinstance(payload, dict):
            raise InvalidSubmissionError("payload must be a JSON object (dict)")
        try:
            plaintext = json.dumps(
                payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
            ).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidSubmissionError(
                f"payload is not JSON-serialisable ({type(exc).__name__})"
            ) from None
        if len(plaintext) > MAX_PAYLOAD_BYTES:
            raise InvalidSubmissionError(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
        now = self._clock()
        key = uuid7(now)
        key_id, blob = self._cipher.seal(plaintext, self._aad(key, kind))
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO outbox (idempotency_key, kind, citizen_ref, status, next_attempt_at,"
                " created_at, updated_at, key_id, ciphertext)"
                " VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                (key, kind, citizen_ref, now, now, now, key_id, blob),
            )
            row_id = cur.lastrowid
        assert row_id is not None
        self._notify()
        return QueuedItem(row_id, key, kind, "queued", now)

    def status(self) -> OutboxStatus:
        now = self._clock()
        with self._lock:
            self._check_open()
            counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
            for st, n in self._conn.execute("SELECT status, count(*) FROM outbox GROUP BY status"):
                counts[str(st)] = int(n)
            oldest_pending, next_at = self._conn.execute(
                "SELECT min(created_at), min(next_attempt_at) FROM outbox"
                " WHERE status IN ('queued', 'sending')"
            ).fetchone()
            (oldest_dead,) = self._conn.execute(
                "SELECT min(created_at) FROM outbox WHERE status = 'dead'"
            ).fetchone()
            blocked = 0
            if self.dead_blocks_citizen and counts["dead"]:
                (blocked,) = self._conn.execute(
                    "SELECT count(*) FROM outbox AS o WHERE o.status = 'queued' AND EXISTS"
                    " (SELECT 1 FROM outbox AS p WHERE p.citizen_ref = o.citizen_ref"
                    "  AND p.id < o.id AND p.status != 'sent' AND p.status = 'dead')"
                ).fetchone()
            row = self._conn.execute(
                "SELECT last_error FROM outbox WHERE status IN ('queued', 'sending', 'dead')"
                " AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1"
            ).fetchone()
        return OutboxStatus(
            counts=counts,
            oldest_pending_age_s=None if oldest_pending is None else max(0.0, now - oldest_pending),
            oldest_dead_age_s=None if oldest_dead is None else max(0.0, now - oldest_dead),
            next_attempt_at=None if next_at is None else float(next_at),
            last_error=None if row is None else str(row[0]),
            blocked_by_dead=int(blocked),
        )

    def item(self, item_id: int) -> ItemState:
        """The state of one submission (read-only; never its payload). KeyError if unknown."""
        with self._lock:
            self._check_open()
            row = self._conn.execute(
                "SELECT id, idempotency_key, kind, status, receipt, attempts, last_error"
                " FROM outbox WHERE id = ?",
                (int(item_id),),
            ).fetchone()
        if row is None:
            raise KeyError(item_id)
        return ItemState(
            id=int(row[0]), idempotency_key=str(row[1]), kind=str(row[2]), status=row[3],
            receipt=None if row[4] is None else str(row[4]), attempts=int(row[5]),
            last_error=None if row[6] is None else str(row[6]),
        )  # fmt: skip

    def pending_counts(self) -> tuple[int, int]:
        """``(depth, dead)``: cheap (index range only), for the UI banner on every change.

        :meth:`status` also counts acknowledged rows, which grow until purged.
        """
        with self._lock:
            self._check_open()
            counts = dict(
                self._conn.execute(
                    "SELECT status, count(*) FROM outbox"
                    " WHERE status IN ('queued', 'sending', 'dead') GROUP BY status"
                ).fetchall()
            )
        return int(counts.get("queued", 0)) + int(counts.get("sending", 0)), int(
            counts.get("dead", 0)
        )

    def retry_dead(self) -> int:
        """Put every dead submission back in the queue, due now. Returns how many."""
        now = self._clock()
        with self._write() as conn:
            n = conn.execute(
                "UPDATE outbox SET status = 'queued', permanent_failures = 0,"
                " next_attempt_at = ?, updated_at = ? WHERE status = 'dead'",
                (now, now),
            ).rowcount
        if n:
            self._notify()
        return int(n)

    def purge(self, sent_before: datetime | float) -> int:
        """Delete acknowledged rows sent before a moment (aware datetime or epoch seconds)."""
        if isinstance(sent_before, datetime):
            if sent_before.tzinfo is None:
                raise ValueError("purge: sent_before must be timezone-aware")
            cutoff = sent_before.timestamp()
        else:
            cutoff = float(sent_before)
        with self._write() as conn:
            n = conn.execute(
                "DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", (cutoff,)
            ).rowcount
        if n:
            self._notify()
        return int(n)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            # Fold the WAL back into the main file; harmless if another process holds it.
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._conn.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sync worker API ----------------------------------------------------------------

    def recover(self) -> int:
        """Put rows left in "sending" by a crash back to "queued". Returns how many."""
        now = self._clock()
        with self._write() as conn:
            n = conn.execute(
                "UPDATE outbox SET status = 'queued', updated_at = ? WHERE status = 'sending'",
                (now,),
            ).rowcount
        return int(n)

    def claim(self, limit: int) -> list[ClaimedItem]:
        """Mark up to ``limit`` due submissions "sending" and return them decrypted.

        Per-citizen order: only the oldest not-yet-acknowledged submission of each citizen is
        eligible, so one batch holds at most one item per citizen and items of one citizen
        are delivered in enqueue order. A dead submission blocks the citizen's later ones
        unless ``dead_blocks_citizen`` is off (see ``kiosk outbox retry-dead``).
        """
        now = self._clock()
        claimed: list[ClaimedItem] = []
        unreadable: list[int] = []
        with self._write() as conn:
            rows = conn.execute(
                "SELECT o.id, o.idempotency_key, o.kind, o.citizen_ref, o.created_at, o.attempts,"
                " o.permanent_failures, o.key_id, o.ciphertext FROM outbox AS o"
                " WHERE o.status = 'queued' AND o.next_attempt_at <= ?"
                " AND NOT EXISTS (SELECT 1 FROM outbox AS p WHERE p.citizen_ref = o.citizen_ref"
                "   AND p.id < o.id AND p.status != 'sent'" + self._not_dead_term + ")"
                " ORDER BY o.id LIMIT ?",
                (now, int(limit)),
            ).fetchall()
            for row_id, key, kind, ref, created, attempts, perm, key_id, blob in rows:
                try:
                    payload = self._open(str(key_id), bytes(blob), str(key), str(kind))
                except DecryptionError:
                    unreadable.append(int(row_id))
                    continue
                claimed.append(
                    ClaimedItem(
                        int(row_id), key, kind, ref, float(created), int(attempts), int(perm),
                        payload,
                    )
                )
            conn.executemany(
                "UPDATE outbox SET status = 'sending', updated_at = ? WHERE id = ?",
                [(now, item.id) for item in claimed],
            )
            # A payload no key opens cannot ever be sent: dead-letter it, keeping the bytes
            # in case the key material is restored (then retry-dead).
            conn.executemany(
                "UPDATE outbox SET status = 'dead', last_error = 'decryption_failed',"
                " updated_at = ? WHERE id = ?",
                [(now, row_id) for row_id in unreadable],
            )
        if unreadable:
            self._notify()
        return claimed

    def _open(self, key_id: str, blob: bytes, key: str, kind: str) -> dict[str, Any]:
        if not self._cipher.knows(key_id):
            # Rotated by another process (the command line) since we loaded the keys.
            self._cipher = PayloadCipher(self._provider.load())
        plaintext = self._cipher.open(key_id, blob, self._aad(key, kind))
        value = json.loads(plaintext)
        if not isinstance(value, dict):
            raise DecryptionError("sealed payload is not a JSON object")
        return value

    def complete(self, outcomes: Sequence[Outcome]) -> None:
        """Record the results of one batch in one transaction.

        Delivered: status "sent", receipt kept, ciphertext wiped (NULL; secure_delete zeroes
        the freed bytes). Failed: back to "queued" at ``retry_at``, or "dead" once permanent
        failures reach ``dead_after``. Released: back to "queued" untouched.
        """
        if not outcomes:
            return
        for outcome in outcomes:
            if isinstance(outcome, Delivered) and not RECEIPT_RE.match(outcome.receipt):
                raise InvalidSubmissionError("receipt must be a short non-personal code")
        now = self._clock()
        with self._write() as conn:
            for outcome in outcomes:
                if isinstance(outcome, Delivered):
                    conn.execute(
                        "UPDATE outbox SET status = 'sent', receipt = ?, sent_at = ?,"
                        " updated_at = ?, ciphertext = NULL, key_id = NULL, last_error = NULL,"
                        " attempts = attempts + 1 WHERE id = ? AND status = 'sending'",
                        (outcome.receipt, now, now, outcome.item_id),
                    )
                elif isinstance(outcome, Failed):
                    error = outcome.error if ERROR_CODE_RE.match(outcome.error) else "error"
                    perm = 1 if outcome.permanent else 0
                    conn.execute(
                        "UPDATE outbox SET attempts = attempts + 1,"
                        " permanent_failures = permanent_failures + ?,"
                        " status = CASE WHEN ? = 1 AND permanent_failures + 1 >= ? THEN 'dead'"
                        "   ELSE 'queued' END,"
                        " next_attempt_at = ?, last_error = ?, updated_at = ?"
                        " WHERE id = ? AND status = 'sending'",
                        (perm, perm, self.dead_after, outcome.retry_at, error, now,
                         outcome.item_id),
                    )
                else:
                    conn.execute(
                        "UPDATE outbox SET status = 'queued', updated_at = ?"
                        " WHERE id = ? AND status = 'sending'",
                        (now, outcome.item_id),
                    )
        self._notify()

    def next_due_at(self) -> float | None:
        """When the earliest queued submission becomes due (epoch seconds), or None."""
        with self._lock:
            self._check_open()
            (value,) = self._conn.execute(
                "SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'"
            ).fetchone()
        return None if value is None else float(value)

    # --- key rotation -------------------------------------------------------------------------

    def key_ids_in_use(self) -> set[str]:
        with self._lock:
            self._check_open()
            rows = self._conn.execute(
                "SELECT DISTINCT key_id FROM outbox WHERE key_id IS NOT NULL"
            ).fetchall()
        return {str(r[0]) for r in rows}

    def rewrap(self) -> int:
        """Re-seal every stored payload under the current key (after a rotation).

        Reloads the key set first, so it picks up a rotation made by another process.
        Returns how many rows were re-sealed.
        """
        self._cipher = PayloadCipher(self._provider.load())
        current = self._cipher.current_key_id
        count = 0
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, idempotency_key, kind, key_id, ciphertext FROM outbox"
                " WHERE ciphertext IS NOT NULL AND key_id != ?",
                (current,),
            ).fetchall()
            for row_id, key, kind, key_id, blob in rows:
                aad = self._aad(str(key), str(kind))
                plaintext = self._cipher.open(str(key_id), bytes(blob), aad)
                new_id, new_blob = self._cipher.seal(plaintext, aad)
                conn.execute(
                    "UPDATE outbox SET key_id = ?, ciphertext = ? WHERE id = ?",
                    (new_id, new_blob, row_id),
                )
                count += 1
        return count

    def integrity_check(self) -> str:
        with self._lock:
            self._check_open()
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])
