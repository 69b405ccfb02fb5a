"""The reference intake server: the other end of the kiosk outbox (tests, demo, small offices).

A standard-library ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive, optional TLS) serving the API
described in ``assets/openapi/intake.yaml``:

* ``GET /v1/health`` - liveness, unauthenticated (the kiosk's connectivity probe).
* ``GET /v1/devices`` - a signed request answered with the signing device's own enrolment
  (200) or 403 when it is not enrolled: how ``kiosk doctor`` checks enrolment without
  submitting anything.
* ``POST /v1/devices`` - enrolment: ``Authorization: Bearer <enrolment token>`` plus a request
  signed by the key being enrolled (proof of possession).
* ``POST /v1/submissions`` - a submission signed by an enrolled device key (see
  :mod:`kiosk.device_key`) with an ``Idempotency-Key``; answers 201 with a receipt number, or
  200 with the same receipt (``Idempotent-Replayed: true``) for a repeat; 422 when the key was
  used with another body (draft-ietf-httpapi-idempotency-key-header section 2.7).

Refusals: 401 for unsigned, badly signed or stale requests, 403 for unknown or revoked devices,
400 for malformed requests, 413 for oversized bodies.

Fault injection (only with ``allow_fault_injection``; for tests): :class:`FaultPlan` fails the
next N submissions with 5xx (optionally with Retry-After), delays responses, or drops the
connection before or after committing. ``POST /_faults`` sets the plan over HTTP and
``GET /_faults`` returns it with the database counters.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import socket
import ssl
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.device_key import (
    DEFAULT_MAX_SKEW_S,
    HEADER_IDEMPOTENCY,
    SignatureError,
    device_id_for,
    public_key_from_b64,
    read_signature_headers,
    verify_request,
)
from kiosk.intake.db import DeviceConflictError, IdempotencyConflictError, IntakeDB

_log = logging.getLogger("kiosk.intake")
MAX_BODY_BYTES = 24 * 1024 * 1024
IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
LABEL_RE = re.compile(r"^[\w .-]{0,64}$")  # any script's letters: "Quầy 1" is fine


@dataclass
class FaultPlan:
    """Faults applied to the next submission requests (counters count down)."""

    fail_next: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    drop_next: int = 0
    drop_after_commit: bool = False
    delay_next: int = 0
    delay_s: float = 0.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def update(self, values: dict[str, Any]) -> None:
        allowed = {f for f in asdict(self)}
        with self._lock:
            for key, value in values.items():
                if key not in allowed:
                    raise ValueError(f"unknown fault option {key!r}")
                setattr(self, key, value)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self)

    def take(self) -> tuple[str | None, float]:
        """Which fault applies to this request ("fail", "drop_before", "drop_after") and delay."""
        with self._lock:
            fault: str | None = None
            if self.fail_next > 0:
                self.fail_next -= 1
                fault = "fail"
            elif self.drop_next > 0:
                self.drop_next -= 1
                fault = "drop_after" if self.drop_after_commit else "drop_before"
            delay = 0.0
            if self.delay_next > 0:
                self.delay_next -= 1
                delay = self.delay_s
            return fault, delay


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    app: IntakeServer

    def server_activate(self) -> None:
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().server_activate()

    def close_open_connections(self) -> None:
        """Keep-alive connections outlive ``shutdown()``; a stopped server must drop them."""
        with self.connections_lock:
            conns = list(self.open_connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle plus delayed
    # ACKs add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    # Idle or trickling clients are cut off instead of holding a thread forever.
    timeout = 30
    server: _HTTPServer
    server_version = "cccd-kiosk-intake/1"

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        # Access log at INFO (request line, status, size; never bodies), errors at WARNING.
        _log.info("%s %s", self.address_string(), format % args)

    def log_error(self, format: str, *args: Any) -> None:
        _log.warning("%s %s", self.address_string(), format % args)

    # --- helpers ---------------------------------------------------------------------------

    def _send_json(self, status: int, doc: dict[str, Any], headers: dict[str, str] | None = None
                   ) -> None:
        body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str, message: str,
               headers: dict[str, str] | None = None) -> None:
        self._send_json(status, {"error": {"code": code, "message": message}}, headers)

    def _read_body(self) -> bytes | None:
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._error(411, "length_required", "chunked bodies are not accepted")
            return None
        if length_text is None:
            return b""
        if not length_text.isascii() or not length_text.isdigit():
            self.close_connection = True
            self._error(400, "bad_request", "bad Content-Length")
            return None
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._error(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
            return None
        return self.rfile.read(length)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # --- routes ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        app = self.server.app
        if self.path == "/v1/health":
            self._send_json(200, {"status": "ok", "time": time.time()})
        elif self.path == "/v1/devices":
            self._whoami()
        elif self.path == "/_faults" and app.allow_fault_injection:
            self._send_json(200, {"faults": app.faults.snapshot(), "stats": app.db.stats()})
        else:
            self._error(404, "not_found", "no such resource")

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        app = self.server.app
        try:
            if self.path == "/v1/submissions":
                self._submission(body)
            elif self.path == "/v1/devices":
                self._enrol(body)
            elif self.path == "/_faults" and app.allow_fault_injection:
                doc = json.loads(body or b"{}")
                if not isinstance(doc, dict):
                    raise ValueError("fault plan must be an object")
                app.faults.update(doc)
                self._send_json(200, {"faults": app.faults.snapshot()})
            else:
                self._error(404, "not_found", "no such resource")
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            self._error(400, "bad_request", f"malformed request: {type(exc).__name__}")

    def _verify(self, body: bytes, public_key: bytes | None) -> tuple[str, bytes] | None:
        """Check the signature; returns (device_id, public_key) or answers and returns None."""
        app = self.server.app
        try:
            device_id, ts, signature = read_signature_headers(self.headers)
        except SignatureError as exc:
            self._error(401, exc.code, exc.message)
            return None
        if public_key is None:
            device = app.db.device(device_id)
            if device is None or device.revoked:
                self._error(403, "unknown_device", "device is not enrolled (or revoked)")
                return None
            public_key = device.public_key
        try:
            verify_request(
                public_key,
                device_id=device_id,
                method=self.command,
                target=self.path,
                timestamp=ts,
                signature=signature,
                body=body,
                idempotency_key=self.headers.get(HEADER_IDEMPOTENCY) or "",
                now=app.clock(),
                max_skew_s=app.max_skew_s,
            )
        except SignatureError as exc:
            status = 403 if exc.code == "unknown_device" else 401
            self._error(status, exc.code, exc.message)
            return None
        return device_id, public_key

    def _enrol(self, body: bytes) -> None:
        app = self.server.app
        if not app.enrolment_token:
            self._error(403, "enrolment_disabled", "this server has no enrolment token")
            return
        auth = self.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if not hmac.compare_digest(token.encode("utf-8"), app.enrolment_token.encode("utf-8")):
            self._error(401, "bad_enrolment_token", "enrolment token missing or wrong",
                        {"WWW-Authenticate": "Bearer"})
            return
        doc = json.loads(body)
        if not isinstance(doc, dict):
            raise ValueError("body must be an object")
        try:
            public_key = public_key_from_b64(str(doc.get("public_key", "")))
        except SignatureError as exc:
            self._error(400, exc.code, exc.message)
            return
        label = str(doc.get("label", ""))
        if not LABEL_RE.match(label):
            self._error(400, "bad_label", "label: up to 64 letters, digits, spaces, . _ -")
            return
        if doc.get("device_id") != device_id_for(public_key):
            self._error(400, "bad_device_id", "device_id does not match the public key")
            return
        verified = self._verify(body, public_key)
        if verified is None:
            return
        try:
            created = app.db.enrol_device(verified[0], public_key, label)
        except DeviceConflictError as exc:
            self._error(409, exc.code, str(exc))
            return
        self._send_json(201 if created else 200,
                        {"device_id": verified[0], "enrolled": True, "new": created})

    def _whoami(self) -> None:
        """The signing device's own enrolment (``kiosk doctor``): 200 when enrolled, 403 when
        not, 401 when unsigned or stale; reads nothing and changes nothing."""
        verified = self._verify(b"", None)
        if verified is None:
            return
        self._send_json(200, {"device_id": verified[0], "enrolled": True, "new": False})

    def _submission(self, body: bytes) -> None:
        app = self.server.app
        key = self.headers.get(HEADER_IDEMPOTENCY)
        if not key or not IDEMPOTENCY_KEY_RE.match(key):
            self._error(400, "idempotency_key_missing", "Idempotency-Key header required")
            return
        verified = self._verify(body, None)
        if verified is None:
            return
        doc = json.loads(body)
        if not isinstance(doc, dict) or not isinstance(doc.get("payload"), dict):
            self._error(400, "bad_submission", "body must be an object with a 'payload' object")
            return
        kind = doc.get("kind")
        if not isinstance(kind, str) or not KIND_RE.match(kind):
            self._error(400, "bad_kind", "kind must be a short lower-case code")
            return
        if kind in app.reject_kinds:
            self._error(422, "kind_rejected", "this server does not accept this kind")
            return
        fault, delay = app.faults.take() if app.allow_fault_injection else (None, 0.0)
        if fault == "fail":
            plan = app.faults.snapshot()
            headers = {"Retry-After": plan["retry_after"]} if plan["retry_after"] else None
            self._error(int(plan["fail_status"]), "injected_failure", "injected failure",
                        headers)
            return
        if fault == "drop_before":
            self._drop()
            return
        try:
            result = app.db.record_submission(
                verified[0], key, hashlib.sha256(body).hexdigest(), kind, body
            )
        except IdempotencyConflictError as exc:
            self._error(422, exc.code, str(exc))
            return
        if delay:
            time.sleep(delay)
        if fault == "drop_after":
            self._drop()
            return
        doc_out = {"receipt": result.receipt, "received_at": result.received_at,
                   "replayed": result.replayed}
        if result.replayed:
            self._send_json(200, doc_out, {"Idempotent-Replayed": "true"})
        else:
            self._send_json(201, doc_out)


class IntakeServer:
    """The intake server around an :class:`IntakeDB`; ``port=0`` picks a free port."""

    def __init__(
        self,
        db: IntakeDB,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        enrolment_token: str | None = None,
        allow_fault_injection: bool = False,
        faults: FaultPlan | None = None,
        max_skew_s: int = DEFAULT_MAX_SKEW_S,
        ssl_context: ssl.SSLContext | None = None,
        reject_kinds: frozenset[str] = frozenset(),
        clock: Any = time.time,
    ) -> None:
        self.db = db
        self.enrolment_token = enrolment_token
        self.allow_fault_injection = allow_fault_injection or faults is not None
        self.faults = faults or FaultPlan()
        self.max_skew_s = max_skew_s
        self.reject_kinds = reject_kinds
        self.clock = clock
        self._httpd = _HTTPServer((host, port), _Handler)
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.app = self
        self._tls = ssl_context is not None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._httpd.server_address[0])
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> IntakeServer:
        self._thread = threading.Thread(target=self.serve_forever, name="intake", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Close the listening socket (after :meth:`serve_forever` returned)."""
        self._httpd.server_close()

    def stop(self) -> None:
        """Stop a server started with :meth:`start`, dropping open keep-alive connections."""
        if self._thread is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_open_connections()
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
