"""The reference intake server: enrolment, signatures, idempotency, limits, TLS, the CLI."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import ssl
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.device_key import (
    DeviceKey,
    DeviceKeyError,
    SignatureError,
    public_key_from_b64,
    read_signature_headers,
    verify_request,
)
from kiosk.intake import IntakeServer, SqliteIntakeDB
from kiosk.intake.db import make_receipt
from kiosk.intake.server import MAX_BODY_BYTES
from tests.kiosk.outbox_support import TOKEN, IntakeProcess, enroll

SUB = "/v1/submissions"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[IntakeServer]:
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "intake.db"), enrolment_token=TOKEN).start()
    yield srv
    srv.stop()


@pytest.fixture
def device(server: IntakeServer) -> DeviceKey:
    key = DeviceKey.generate()
    assert enroll(server.url, key).status_code == 201
    return key


def body_for(seq: int, kind: str = "test.item") -> bytes:
    return json.dumps({"kind": kind, "payload": {"seq": seq}}).encode()


def post(server: IntakeServer, key: DeviceKey, body: bytes, idem: str = "key-0000001",
         **sign: object) -> httpx.Response:
    headers = key.sign_request("POST", SUB, body, idempotency_key=idem, **sign)  # type: ignore[arg-type]
    return httpx.post(server.url + SUB, content=body, headers=headers, timeout=10)


# --- device key and signature scheme ------------------------------------------------------


def test_device_key_file_is_0600_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "dk" / "device.pem"
    k1 = DeviceKey.load_or_create(path)
    k2 = DeviceKey.load_or_create(path)
    assert k1.device_id == k2.device_id and k1.device_id.startswith("kiosk-")
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(DeviceKeyError):
        DeviceKey.load(tmp_path / "missing.pem")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(DeviceKeyError):
        DeviceKey.load(bad)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    other = tmp_path / "ec.pem"
    other.write_bytes(ec_key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    with pytest.raises(DeviceKeyError, match="Ed25519"):
        DeviceKey.load(other)


def test_signature_covers_method_path_time_body_and_key() -> None:
    key = DeviceKey.generate()
    h = key.sign_request("POST", SUB, b"{}", idempotency_key="abc-12345", timestamp=1000)
    import base64

    sig = base64.b64decode(h["X-Kiosk-Signature"])
    common = dict(device_id=key.device_id, timestamp=1000, signature=sig, now=1000.0)
    verify_request(key.public_key_raw, method="POST", target=SUB, body=b"{}",
                   idempotency_key="abc-12345", **common)  # type: ignore[arg-type]
    variants = [
        dict(method="PUT", target=SUB, body=b"{}", idempotency_key="abc-12345"),
        dict(method="POST", target="/v1/other", body=b"{}", idempotency_key="abc-12345"),
        dict(method="POST", target=SUB, body=b"{ }", idempotency_key="abc-12345"),
        dict(method="POST", target=SUB, body=b"{}", idempotency_key="abc-12346"),
    ]
    for v in variants:
        with pytest.raises(SignatureError):
            verify_request(key.public_key_raw, **v, **common)  # type: ignore[arg-type]
    with pytest.raises(SignatureError) as err:
        verify_request(key.public_key_raw, method="POST", target=SUB, body=b"{}",
                       idempotency_key="abc-12345", device_id=key.device_id, timestamp=1000,
                       signature=sig, now=1000.0 + 301)
    assert err.value.code == "stale_timestamp"


# --- enrolment -----------------------------------------------------------------------------


def test_enrolment_rules(server: IntakeServer) -> None:
    key = DeviceKey.generate()
    assert enroll(server.url, key, token="wrong").status_code == 401
    r = enroll(server.url, key)
    assert r.status_code == 201 and r.json()["device_id"] == key.device_id
    assert enroll(server.url, key).status_code == 200  # idempotent re-enrolment
    # The body's key must be the one that signed (proof of possession).
    other = DeviceKey.generate()
    body = json.dumps({"device_id": other.device_id, "public_key": other.public_key_b64,
                       "label": "x"}).encode()
    headers = key.sign_request("POST", "/v1/devices", body)
    headers["Authorization"] = f"Bearer {TOKEN}"
    r = httpx.post(server.url + "/v1/devices", content=body, headers=headers)
    assert r.status_code == 401
    # A device id that does not match the key is refused.
    body = json.dumps({"device_id": key.device_id, "public_key": other.public_key_b64}).encode()
    headers = other.sign_request("POST", "/v1/devices", body)
    headers["Authorization"] = f"Bearer {TOKEN}"
    r = httpx.post(server.url + "/v1/devices", content=body, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_device_id"


def test_enrolment_disabled_without_token(tmp_path: Path) -> None:
    with IntakeServer(SqliteIntakeDB(tmp_path / "i.db")) as srv:
        r = enroll(srv.url, DeviceKey.generate())
        assert r.status_code == 403 and r.json()["error"]["code"] == "enrolment_disabled"


# --- submissions -------------------------------------------------------------------------


def test_accepts_signed_submission_and_returns_receipt(server: IntakeServer,
                                                       device: DeviceKey) -> None:
    r = post(server, device, body_for(1))
    assert r.status_code == 201
    doc = r.json()
    assert doc["receipt"].startswith("HS") and doc["replayed"] is False
    assert server.db.stats()["submissions"] == 1


def test_same_key_same_body_replays_the_receipt(server: IntakeServer, device: DeviceKey) -> None:
    first = post(server, device, body_for(1)).json()["receipt"]
    r = post(server, device, body_for(1))
    assert r.status_code == 200
    assert r.headers["Idempotent-Replayed"] == "true"
    assert r.json()["receipt"] == first
    assert server.db.stats() == {"submissions": 1, "replays": 1, "devices": 1}


def test_same_key_different_body_is_422(server: IntakeServer, device: DeviceKey) -> None:
    assert post(server, device, body_for(1)).status_code == 201
    r = post(server, device, body_for(2))
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert server.db.stats()["submissions"] == 1


def test_idempotency_keys_are_scoped_per_device(server: IntakeServer, device: DeviceKey) -> None:
    other = DeviceKey.generate()
    enroll(server.url, other)
    a = post(server, device, body_for(1)).json()["receipt"]
    b = post(server, other, body_for(1)).json()["receipt"]
    assert a != b
    assert server.db.stats()["submissions"] == 2


def test_refuses_unsigned_badly_signed_unknown_and_stale(server: IntakeServer,
                                                        device: DeviceKey) -> None:
    body = body_for(1)
    r = httpx.post(server.url + SUB, content=body, headers={"Idempotency-Key": "key-0000001"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unsigned"

    headers = device.sign_request("POST", SUB, body, idempotency_key="key-0000001")
    r = httpx.post(server.url + SUB, content=body_for(2), headers=headers)  # body swapped
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"

    headers["X-Kiosk-Signature"] = "@@@"
    r = httpx.post(server.url + SUB, content=body, headers=headers)
    assert r.status_code == 401

    stranger = DeviceKey.generate()
    r = post(server, stranger, body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "unknown_device"

    r = post(server, device, body, timestamp=int(time.time()) - 3600)
    assert r.status_code == 401 and r.json()["error"]["code"] == "stale_timestamp"
    r = post(server, device, body, timestamp=int(time.time()) + 3600)
    assert r.status_code == 401
    assert server.db.stats()["submissions"] == 0


def test_missing_idempotency_key_and_malformed_bodies(server: IntakeServer,
                                                      device: DeviceKey) -> None:
    body = body_for(1)
    headers = device.sign_request("POST", SUB, body)
    r = httpx.post(server.url + SUB, content=body, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "idempotency_key_missing"
    for bad in (b"not json", b"[]", b'{"kind": "x"}', b'{"kind": "BAD KIND", "payload": {}}'):
        r = post(server, device, bad)
        assert r.status_code == 400, bad
    r = httpx.get(server.url + "/nope")
    assert r.status_code == 404


def test_oversized_body_is_413_without_reading_it(server: IntakeServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(f"POST {SUB} HTTP/1.1\r\nHost: x\r\n"
                  f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode())
        chunks = []
        while chunk := s.recv(4096):  # the server closes the connection after a 413
            chunks.append(chunk)
        reply = b"".join(chunks).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413")
    assert '"too_large"' in reply


def test_fault_endpoint_is_off_by_default(server: IntakeServer) -> None:
    assert httpx.post(server.url + "/_faults", json={"fail_next": 1}).status_code == 404
    assert httpx.get(server.url + "/_faults").status_code == 404


def test_health(server: IntakeServer) -> None:
    r = httpx.get(server.url + "/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_receipt_format() -> None:
    ts = dt.datetime(2026, 11, 23, 23, 59, tzinfo=dt.UTC).timestamp()
    assert make_receipt(42, ts) == "HS20261123-0000042"


def test_concurrent_duplicates_store_one_submission(server: IntakeServer,
                                                    device: DeviceKey) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: post(server, device, body_for(9), "dup-000009"),
                                range(16)))
    receipts = {r.json()["receipt"] for r in results}
    assert len(receipts) == 1
    assert sorted(r.status_code for r in results).count(201) == 1
    assert server.db.stats()["submissions"] == 1


# --- TLS -----------------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "intake.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_with_a_pinned_ca(tmp_path: Path) -> None:
    from kiosk.outbox.sync import SyncWorker
    from tests.kiosk.outbox_support import Kiosk, fake_payload, ref_for

    cert, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    srv = IntakeServer(SqliteIntakeDB(tmp_path / "i.db"), enrolment_token=TOKEN,
                       ssl_context=ctx).start()
    try:
        assert srv.url.startswith("https://")
        with pytest.raises(httpx.ConnectError):
            httpx.get(srv.url + "/v1/health")  # not trusted by default
        kiosk = Kiosk(tmp_path / "k")
        dk = kiosk.device_key()
        body = json.dumps({"device_id": dk.device_id, "public_key": dk.public_key_b64}).encode()
        h = dk.sign_request("POST", "/v1/devices", body)
        h["Authorization"] = f"Bearer {TOKEN}"
        pinned = ssl.create_default_context(cafile=str(cert))
        assert httpx.post(srv.url + "/v1/devices", content=body, headers=h,
                          verify=pinned).status_code == 201
        outbox = kiosk.outbox()
        outbox.enqueue("test.item", fake_payload(1), citizen_ref=ref_for(1))
        worker = SyncWorker(outbox, srv.url, dk, verify=str(cert))
        assert worker.run_once().delivered == 1
        worker.close()
        outbox.close()
    finally:
        srv.stop()


# --- the console entry point ---------------------------------------------------------------


def test_kiosk_intake_process_serves_and_stops(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    proc = IntakeProcess(tmp_path / "intake.db", token_file=token_file,
                         extra=["--log-level", "info"]).start()
    try:
        assert httpx.get(proc.url + "/v1/health").status_code == 200
        key = DeviceKey.generate()
        assert enroll(proc.url, key).status_code == 201
        proc.faults(fail_next=1, fail_status=503, retry_after="7")
        r = post_to(proc.url, key, body_for(1))
        assert r.status_code == 503 and r.headers["Retry-After"] == "7"
        assert post_to(proc.url, key, body_for(1)).status_code == 201
        assert proc.stats()["submissions"] == 1
    finally:
        proc.stop()
    access_log = proc.log_path.read_text()
    assert '"POST /v1/submissions HTTP/1.1" 201' in access_log
    assert '"POST /v1/submissions HTTP/1.1" 503' in access_log


def post_to(url: str, key: DeviceKey, body: bytes) -> httpx.Response:
    headers = key.sign_request("POST", SUB, body, idempotency_key="key-0000001")
    return httpx.post(url + SUB, content=body, headers=headers, timeout=10)


def test_kiosk_intake_reports_start_errors_as_json(tmp_path: Path) -> None:
    import subprocess

    from tests.kiosk.outbox_support import REPO, python_env

    r = subprocess.run(
        [sys.executable, "-m", "kiosk.intake", "--db", str(tmp_path / "i.db"),
         "--tls-cert", str(tmp_path / "missing.pem")],
        capture_output=True, text=True, env=python_env(), cwd=REPO, timeout=30,
    )
    assert r.returncode == 1
    assert json.loads(r.stderr)["error"]["code"] == "intake_start"
    assert "Traceback" not in r.stderr


# --- fuzzing: hostile requests get a 4xx, never a crash or a dropped connection -----------

_text = st.text(max_size=120)


@given(st.dictionaries(st.sampled_from(["X-Kiosk-Device", "X-Kiosk-Timestamp",
                                        "X-Kiosk-Signature"]), _text))
def test_fuzz_signature_headers(headers: dict[str, str]) -> None:
    try:
        device, ts, sig = read_signature_headers(headers)
    except SignatureError:
        return
    assert len(sig) == 64 and ts >= 0 and device


@given(_text)
def test_fuzz_public_key(text: str) -> None:
    with contextlib.suppress(SignatureError):
        assert len(public_key_from_b64(text)) == 32


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=300),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                                   lambda c: st.lists(c, max_size=3)
                                   | st.dictionaries(st.text(max_size=8), c, max_size=3),
                                   max_leaves=12).map(lambda v: json.dumps(v).encode())))
def test_fuzz_signed_bodies_get_4xx_or_a_receipt(server: IntakeServer, device: DeviceKey,
                                                 body: bytes) -> None:
    import uuid

    r = post(server, device, body, idem=str(uuid.uuid4()))
    assert r.status_code in (201, 400, 422), r.status_code
    assert "error" in r.json() or "receipt" in r.json()


def test_regression_deeply_nested_body_is_400(server: IntakeServer, device: DeviceKey) -> None:
    r = post(server, device, b"[" * 100000)
    assert r.status_code == 400
