"""The kiosk's device identity: an Ed25519 key pair, and the request-signing scheme.

Every request the kiosk sends to the intake server carries three headers:

* ``X-Kiosk-Device``: the device id, ``"kiosk-"`` + the first 16 hex digits of SHA-256 of the
  raw 32-byte public key (RFC 8032 encoding), so the id is bound to the key;
* ``X-Kiosk-Timestamp``: Unix seconds at signing time (the server refuses stale or future ones);
* ``X-Kiosk-Signature``: base64 of the Ed25519 signature (RFC 8032, pure Ed25519) over the
  canonical request, the UTF-8 of these lines joined by ``\\n``::

      cccd-kiosk-sig-v1
      <METHOD upper-case>
      <request target: path and query exactly as sent>
      <timestamp>
      <lower-case hex SHA-256 of the body bytes>
      <Idempotency-Key header value, or empty>
      <device id>

Signing the body hash and the idempotency key means a captured request cannot be replayed with
another body or key, and the timestamp bounds replays of the same request (which the server's
idempotency store then turns into harmless duplicates).

The private key is stored as unencrypted PKCS#8 PEM in a file with mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import time
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SCHEME = "cccd-kiosk-sig-v1"
HEADER_DEVICE = "X-Kiosk-Device"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"
HEADER_SIGNATURE = "X-Kiosk-Signature"
HEADER_IDEMPOTENCY = "Idempotency-Key"
#: How far a request's timestamp may be from the server's clock, in seconds.
DEFAULT_MAX_SKEW_S = 300
MAX_KEY_FILE_BYTES = 4096


class _Headers(Protocol):
    def get(self, name: str, /) -> str | None: ...


class DeviceKeyError(Exception):
    """The device key file is missing, unreadable or not an Ed25519 private key."""

    code = "device_key"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignatureError(Exception):
    """A request's signature headers are missing, malformed, stale or do not verify."""

    def __init__(self, message: str, *, code: str = "bad_signature") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def device_id_for(public_key_raw: bytes) -> str:
    return "kiosk-" + hashlib.sha256(public_key_raw).hexdigest()[:16]


def canonical_request(
    method: str,
    target: str,
    timestamp: int,
    body: bytes,
    idempotency_key: str,
    device_id: str,
) -> bytes:
    lines = [
        SCHEME,
        method.upper(),
        target,
        str(int(timestamp)),
        hashlib.sha256(body).hexdigest(),
        idempotency_key,
        device_id,
    ]
    return "\n".join(lines).encode("utf-8")


class DeviceKey:
    """An Ed25519 device key: :meth:`load_or_create`, :meth:`load` or :meth:`generate`."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key_raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.device_id = device_id_for(self.public_key_raw)

    def __repr__(self) -> str:
        return f"DeviceKey(device_id={self.device_id!r})"

    @classmethod
    def generate(cls) -> DeviceKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DeviceKey:
        p = Path(path)
        try:
            data = p.read_bytes()[: MAX_KEY_FILE_BYTES + 1]
        except FileNotFoundError:
            raise DeviceKeyError(f"device key {p}: file not found (run: kiosk enroll)") from None
        except OSError as exc:
            raise DeviceKeyError(f"device key {p}: cannot read ({exc.strerror})") from exc
        if len(data) > MAX_KEY_FILE_BYTES:
            raise DeviceKeyError(f"device key {p}: file too large")
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise DeviceKeyError(f"device key {p}: not a PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise DeviceKeyError(f"device key {p}: not an Ed25519 key")
        return cls(key)

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> DeviceKey:
        p = Path(path)
        if p.exists():
            return cls.load(p)
        key = cls.generate()
        key.save(p)
        # Another process may have won the race to create it: the file is the truth.
        return cls.load(p)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the key to a new file with mode 0600 (never overwrites an existing key)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key_raw).decode("ascii")

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def sign_request(
        self,
        method: str,
        target: str,
        body: bytes,
        *,
        idempotency_key: str = "",
        timestamp: int | None = None,
    ) -> dict[str, str]:
        """The signature headers for a request (see the module docstring)."""
        ts = int(time.time()) if timestamp is None else int(timestamp)
        message = canonical_request(method, target, ts, body, idempotency_key, self.device_id)
        headers = {
            HEADER_DEVICE: self.device_id,
            HEADER_TIMESTAMP: str(ts),
            HEADER_SIGNATURE: base64.b64encode(self.sign(message)).decode("ascii"),
        }
        if idempotency_key:
            headers[HEADER_IDEMPOTENCY] = idempotency_key
        return headers


def public_key_from_b64(text: str) -> bytes:
    """Decode and check a base64 raw Ed25519 public key (32 bytes)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("public key is not valid base64", code="bad_public_key") from exc
    if len(raw) != 32:
        raise SignatureError("public key is not 32 bytes", code="bad_public_key")
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise SignatureError("public key is not an Ed25519 key", code="bad_public_key") from exc
    return raw


def read_signature_headers(headers: _Headers) -> tuple[str, int, bytes]:
    """``(device_id, timestamp, signature)`` from request headers, or :class:`SignatureError`.

    ``headers`` must be looked up case-insensitively (http.server's and httpx's are).
    """
    device = headers.get(HEADER_DEVICE)
    ts_text = headers.get(HEADER_TIMESTAMP)
    sig_text = headers.get(HEADER_SIGNATURE)
    if not device or not ts_text or not sig_text:
        raise SignatureError("request is not signed", code="unsigned")
    if len(device) > 64 or not ts_text.isascii() or not ts_text.isdigit() or len(ts_text) > 12:
        raise SignatureError("signature headers are malformed")
    try:
        signature = base64.b64decode(sig_text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise SignatureError("signature is not valid base64") from exc
    if len(signature) != 64:
        raise SignatureError("signature is not 64 bytes")
    return device, int(ts_text), signature


def verify_request(
    public_key_raw: bytes,
    *,
    device_id: str,
    method: str,
    target: str,
    timestamp: int,
    signature: bytes,
    body: bytes,
    idempotency_key: str,
    now: float | None = None,
    max_skew_s: int = DEFAULT_MAX_SKEW_S,
) -> None:
    """Raise :class:`SignatureError` unless the request is signed by this key and fresh."""
    if device_id != device_id_for(public_key_raw):
        raise SignatureError("device id does not match the signing key")
    current = time.time() if now is None else now
    if abs(current - timestamp) > max_skew_s:
        raise SignatureError(
            f"request timestamp is more than {max_skew_s} s from the server's clock",
            code="stale_timestamp",
        )
    message = canonical_request(method, target, timestamp, body, idempotency_key, device_id)
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(signature, message)
    except InvalidSignature:
        raise SignatureError("signature does not verify") from None
