"""The sync worker: delivers outbox submissions to the intake server exactly once.

Exactly once = at-least-once delivery from the kiosk + deduplication at the server: every
submission keeps the idempotency key it got when it was queued, so a resend after a timeout,
a dropped connection or a crash between the server's commit and ours is answered with the
first receipt instead of creating a second record.

Each request is signed with the device key (:mod:`kiosk.device_key`). Results:

* 2xx with a receipt: acknowledged; the outbox wipes the payload and keeps the receipt.
* 5xx, 408, 409 (a request with this key in flight), 425, 429, timeouts and connection errors:
  transient; retried with exponential backoff and full jitter, never dead-lettered.
* 401/403: the device is not enrolled or its clock is off; the server is up but refuses us.
  Not the submission's fault, so transient too, and reported to :class:`Connectivity`.
* Other 4xx: permanent; after ``dead_after`` of them the submission is dead-lettered.
* ``Retry-After`` (seconds or HTTP-date) on any answer pauses the whole worker until then and
  sets the submission's next attempt no earlier than that.

A batch holds at most one submission per citizen (see ``Outbox.claim``), so sending a batch
concurrently keeps each citizen's submissions in order.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

from kiosk.audit import SYNC_RESULT, AuditLog
from kiosk.device_key import DeviceKey
from kiosk.outbox.backoff import Backoff, parse_retry_after
from kiosk.outbox.connectivity import Connectivity
from kiosk.outbox.store import (
    RECEIPT_RE,
    ClaimedItem,
    Delivered,
    Failed,
    Outbox,
    Outcome,
    Released,
)

_log = logging.getLogger("kiosk.outbox.sync")
SUBMISSIONS_PATH = "/v1/submissions"
TRANSIENT_4XX = frozenset({408, 409, 425, 429})
AUTH_4XX = frozenset({401, 403})
SERVER_CODE_RE = re.compile(r"^[a-z0-9_]{1,40}$")
MAX_RESPONSE_BYTES = 64 * 1024

Kind = Literal["delivered", "transient", "permanent", "auth", "unreachable"]


@dataclass(frozen=True)
class _Attempt:
    item: ClaimedItem
    kind: Kind
    error: str = ""
    receipt: str = ""
    retry_after: float | None = None


@dataclass(frozen=True)
class SyncReport:
    """What one :meth:`SyncWorker.run_once` did. Counts only; nothing personal."""

    attempted: int = 0
    delivered: int = 0
    transient_failures: int = 0
    permanent_failures: int = 0
    dead_lettered: int = 0
    released: int = 0
    batch_full: bool = False
    paused_until: float | None = None
    errors: tuple[str, ...] = field(default=())

    @property
    def reached_server(self) -> bool:
        return self.delivered + self.permanent_failures > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempted": self.attempted,
            "delivered": self.delivered,
            "transient_failures": self.transient_failures,
            "permanent_failures": self.permanent_failures,
            "dead_lettered": self.dead_lettered,
            "released": self.released,
            "errors": list(self.errors),
        }


Listener = Callable[[SyncReport], None]


def tls_verify(verify: bool | str | ssl.SSLContext) -> bool | ssl.SSLContext:
    """httpx ``verify``: True/False, an SSL context, or a CA bundle path (pinned intake CA)."""
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return verify


def read_capped(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes | None:
    """The response body, or None when it exceeds ``limit`` (a captive
    portal's page or a misconfigured URL must not fill the kiosk's memory)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _server_error_code(body: bytes) -> str:
    """The server's short error code (``{"error": {"code": ...}}``), if it is a plain code.

    Only a code matching a strict pattern is kept: server messages could echo personal data
    and ``last_error`` is stored in clear.
    """
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        code = doc["error"].get("code")
        if isinstance(code, str) and SERVER_CODE_RE.match(code):
            return code
    return ""


def submission_body(item: ClaimedItem) -> bytes:
    """The request body; deterministic, so every resend of an item has the same bytes."""
    created = datetime.fromtimestamp(item.created_at, UTC)
    doc = {
        "kind": item.kind,
        "citizen_ref": item.citizen_ref,
        "created_at": created.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "payload": item.payload,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class SyncWorker:
    """Delivers the outbox to ``intake_url`` (see the module docstring).

    ``run_once()`` sends one batch in the calling thread; ``start()``/``stop()`` run batches
    in a background thread that sleeps until the next submission is due, and wakes up as soon
    as something is enqueued. ``verify`` may name a CA bundle file to pin the intake server's CA.
    ``transport`` is for tests (an ``httpx`` transport).
    """

    def __init__(
        self,
        outbox: Outbox,
        intake_url: str,
        device_key: DeviceKey,
        *,
        backoff: Backoff | None = None,
        connectivity: Connectivity | None = None,
        audit: AuditLog | None = None,
        timeout_s: float = 15.0,
        batch_size: int = 32,
        concurrency: int = 4,
        verify: bool | str | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
        idle_poll_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.outbox = outbox
        self.url = intake_url.rstrip("/") + SUBMISSIONS_PATH
        self.device_key = device_key
        self.backoff = backoff or Backoff()
        self.connectivity = connectivity
        self.audit = audit
        self.batch_size = max(1, batch_size)
        self.idle_poll_s = idle_poll_s
        self._clock = clock
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            verify=tls_verify(verify),
            transport=transport,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            headers={"User-Agent": "cccd-kiosk-sync/1"},
        )
        self._pool = ThreadPoolExecutor(max_workers=max(1, concurrency),
                                        thread_name_prefix="outbox-send")
        self._run_lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused_until = 0.0
        self._unreachable_streak = 0
        self._unsubscribe = outbox.subscribe(self.notify)

    # --- observers ---------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(report)`` after every batch that attempted something."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def notify(self) -> None:
        """Wake the background thread (called on every outbox change)."""
        self._wake.set()

    # --- one batch -------------------------------------------------------------------------

    def run_once(self) -> SyncReport:
        with self._run_lock:
            now = self._clock()
            if now < self._paused_until:
                return SyncReport(paused_until=self._paused_until)
            items = self.outbox.claim(self.batch_size)
            if not items:
                return SyncReport()
            abort = threading.Event()
            try:
                attempts = list(self._pool.map(lambda it: self._send(it, abort), items))
            except BaseException:
                # Never leave claimed rows in "sending" while this process lives on.
                self.outbox.complete([Released(it.id) for it in items])
                raise
            report = self._record(items, attempts, batch_full=len(items) >= self.batch_size)
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # observers must not break delivery
                listener(report)
        return report

    def _send(self, item: ClaimedItem, abort: threading.Event) -> _Attempt | None:
        if abort.is_set():
            return None  # the server is unreachable: do not count an attempt
        try:
            return self._attempt(item, abort)
        except Exception as exc:  # a bug or a hostile answer must not wedge the queue
            return _Attempt(item, "transient", "internal:" + type(exc).__name__.lower())

    def _attempt(self, item: ClaimedItem, abort: threading.Event) -> _Attempt:
        body = submission_body(item)
        request = self._client.build_request(
            "POST", self.url, content=body, headers={"Content-Type": "application/json"}
        )
        target = request.url.raw_path.decode("ascii")
        request.headers.update(
            self.device_key.sign_request(
                "POST", target, body, idempotency_key=item.idempotency_key
            )
        )
        try:
            response = self._client.send(request, stream=True)
            try:
                body_in = read_capped(response)
            finally:
                response.close()
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            abort.set()
            return _Attempt(item, "unreachable", "connect_error:" + type(exc).__name__.lower())
        except httpx.TimeoutException:
            return _Attempt(item, "transient", "timeout")
        except httpx.HTTPError as exc:
            # Dropped connection, protocol error: the server may or may not have committed.
            return _Attempt(item, "transient", "network:" + type(exc).__name__.lower())
        if body_in is None:
            return _Attempt(item, "transient", f"http_{response.status_code}:response_too_large")
        return self._classify(item, response, body_in)

    def _classify(self, item: ClaimedItem, response: httpx.Response, body: bytes) -> _Attempt:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self._clock())
        if 200 <= status < 300:
            receipt = ""
            with contextlib.suppress(ValueError, RecursionError):
                doc = json.loads(body)
                if isinstance(doc, dict) and isinstance(doc.get("receipt"), str):
                    receipt = doc["receipt"]
            if RECEIPT_RE.match(receipt):
                return _Attempt(item, "delivered", receipt=receipt, retry_after=retry_after)
            return _Attempt(
                item, "transient", f"http_{status}:bad_receipt", retry_after=retry_after
            )
        error = f"http_{status}"
        code = _server_error_code(body)
        if code:
            error += ":" + code
        if status in AUTH_4XX:
            return _Attempt(item, "auth", error, retry_after=retry_after)
        if 400 <= status < 500 and status not in TRANSIENT_4XX:
            return _Attempt(item, "permanent", error, retry_after=retry_after)
        return _Attempt(item, "transient", error, retry_after=retry_after)

    def _record(
        self, items: list[ClaimedItem], attempts: list[_Attempt | None], *, batch_full: bool
    ) -> SyncReport:
        now = self._clock()
        outcomes: list[Outcome] = []
        counts = {"delivered": 0, "transient": 0, "permanent": 0, "released": 0, "dead": 0}
        errors: list[str] = []
        pause: float | None = None
        auth_error: str | None = None
        unreachable: str | None = None
        for attempt in attempts:
            if attempt is None:
                continue
            if attempt.retry_after is not None:
                pause = max(pause or 0.0, attempt.retry_after)
            item = attempt.item
            if attempt.kind == "delivered":
                outcomes.append(Delivered(item.id, attempt.receipt))
                counts["delivered"] += 1
                continue
            delay = self.backoff.delay(item.attempts)
            if attempt.retry_after is not None:
                delay = max(delay, attempt.retry_after)
            permanent = attempt.kind == "permanent"
            outcomes.append(Failed(item.id, attempt.error, now + delay, permanent))
            if permanent:
                counts["permanent"] += 1
                if item.permanent_failures + 1 >= self.outbox.dead_after:
                    counts["dead"] += 1
            else:
                counts["transient"] += 1
            if attempt.kind == "auth":
                auth_error = attempt.error
            if attempt.kind == "unreachable":
                unreachable = attempt.error
            if attempt.error not in errors:
                errors.append(attempt.error)
        # Items skipped after the server turned out unreachable: back to queued, no attempt.
        claimed = [a for a in attempts if a is not None]
        released: list[Outcome] = [
            Released(it.id) for it, a in zip(items, attempts, strict=True) if a is None
        ]
        counts["released"] = len(released)
        self.outbox.complete(outcomes + released)
        if unreachable is not None and counts["delivered"] == 0:
            # The server is down: pause the whole queue (not only the one item tried), with
            # the same capped, jittered growth, so an offline kiosk does not spin.
            self._unreachable_streak += 1
            pause = max(pause or 0.0, self.backoff.base_s,
                        self.backoff.delay(self._unreachable_streak))
        elif counts["delivered"] or counts["permanent"]:
            self._unreachable_streak = 0
        if pause:
            self._paused_until = now + pause
        report = SyncReport(
            attempted=len(claimed),
            delivered=counts["delivered"],
            transient_failures=counts["transient"],
            permanent_failures=counts["permanent"],
            dead_lettered=counts["dead"],
            released=counts["released"],
            batch_full=batch_full,
            paused_until=self._paused_until if pause else None,
            errors=tuple(errors),
        )
        self._report_connectivity(report, auth_error, unreachable, errors)
        # Counts and error codes only: nothing personal reaches the log.
        _log.log(
            logging.INFO if not errors else logging.WARNING,
            "sync batch: %d attempted, %d delivered, %d transient, %d permanent, %d dead, "
            "%d released%s",
            report.attempted, report.delivered, report.transient_failures,
            report.permanent_failures, report.dead_lettered, report.released,
            f"; errors: {', '.join(errors)}" if errors else "",
        )
        if self.audit is not None and report.attempted:
            self.audit.record(
                SYNC_RESULT,
                attempted=report.attempted,
                delivered=report.delivered,
                transient_failures=report.transient_failures,
                permanent_failures=report.permanent_failures,
                dead_lettered=report.dead_lettered,
            )
        return report

    def _report_connectivity(
        self, report: SyncReport, auth_error: str | None, unreachable: str | None,
        errors: list[str],
    ) -> None:
        c = self.connectivity
        if c is None:
            return
        if report.reached_server:
            c.report_success()
        if auth_error is not None:
            c.report_auth_failure(auth_error)
        elif not report.reached_server and (unreachable or errors):
            c.report_failure(unreachable or errors[0])

    # --- background thread -----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        self.stop()
        self._unsubscribe()
        self._pool.shutdown(wait=True)
        self._client.close()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                report = self.run_once()
            except Exception as exc:  # keep the worker alive; the state is in the database
                report = SyncReport(errors=("worker:" + type(exc).__name__.lower(),))
                self._wake.wait(1.0)
            if self._stopping.is_set():
                break
            self._wake.wait(self._sleep_after(report))

    def _sleep_after(self, report: SyncReport) -> float:
        now = self._clock()
        if report.paused_until is not None or now < self._paused_until:
            return max(0.0, self._paused_until - now)
        if report.batch_full or (report.attempted and report.delivered == report.attempted):
            return 0.0
        if self.connectivity is not None and report.attempted == 0:
            last = self.connectivity.last_probe_at
            if last is None or now - last >= self.idle_poll_s:
                self.connectivity.check()
        due = self.outbox.next_due_at()
        if due is None:
            return self.idle_poll_s
        return min(max(0.0, due - now), self.idle_poll_s)
