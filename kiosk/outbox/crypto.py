"""Encryption at rest for outbox payloads, and the provider of the kiosk's key material.

Payloads are sealed with AES-256-GCM (pyca/cryptography ``AESGCM``): a fresh random 96-bit nonce
per row (NIST SP 800-38D section 8.2.2, random construction; far below the 2**32 invocation bound
per key for a kiosk's lifetime) and associated data that binds the ciphertext to its row (the
idempotency key and the submission kind), so a ciphertext moved to another row fails to open.

The key material is one small JSON document, the :class:`KeySet`:

* ``data_keys``: AES-256 keys by key id; ``current`` names the one new rows are sealed with.
  Rotation adds a key and makes it current; old keys stay until no row uses them
  (:func:`rotate` then ``Outbox.rewrap()`` then :func:`retire_unused`).
* ``hmac_key``: the key of the citizen reference hash (:func:`kiosk.audit.citizen_ref`), used by
  the audit log and for per-citizen ordering in the outbox. It is never rotated automatically:
  rotating it would break the link between old and new audit entries of one citizen.

Where the key set lives (:func:`default_key_provider`): in the OS keyring when a real backend is
available (Windows Credential Locker, macOS Keychain, Secret Service), else in a key file
created with mode 0600 (provisioned at install time on headless Linux kiosks, where ``keyring``
has no recommended backend). A key file that already exists always wins, so a kiosk never
silently switches to a new, empty keyring entry.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.outbox.errors import DecryptionError, KeyMaterialError

NONCE_SIZE = 12
KEY_SIZE = 32
KEYSET_FORMAT = "cccd-kiosk-keyset-v1"
KEYRING_SERVICE = "cccd-kiosk"
KEYRING_USERNAME = "outbox-keyset"
#: Guard against a corrupt or hostile key document of absurd size.
MAX_KEYSET_BYTES = 64 * 1024
MAX_DATA_KEYS = 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise KeyMaterialError(f"key set: {what} is not a base64 string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise KeyMaterialError(f"key set: {what} is not valid base64") from exc


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


@dataclass(frozen=True)
class KeySet:
    """The kiosk's symmetric key material (see the module docstring)."""

    current_id: str
    data_keys: Mapping[str, bytes]
    hmac_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.current_id not in self.data_keys:
            raise KeyMaterialError("key set: the current key id has no key")
        if len(self.data_keys) > MAX_DATA_KEYS:
            raise KeyMaterialError(f"key set: more than {MAX_DATA_KEYS} data keys")
        for key_id, key in self.data_keys.items():
            if len(key) != KEY_SIZE:
                raise KeyMaterialError(f"key set: data key {key_id} is not {KEY_SIZE} bytes")
        if len(self.hmac_key) < KEY_SIZE:
            raise KeyMaterialError(f"key set: the hmac key is shorter than {KEY_SIZE} bytes")

    def __repr__(self) -> str:
        return f"KeySet(current_id={self.current_id!r}, key_ids={sorted(self.data_keys)!r})"

    @classmethod
    def generate(cls) -> KeySet:
        key_id = new_key_id()
        return cls(key_id, {key_id: AESGCM.generate_key(256)}, secrets.token_bytes(KEY_SIZE))

    def rotated(self) -> KeySet:
        """A copy with a fresh data key that becomes current; old keys are kept."""
        key_id = new_key_id()
        while key_id in self.data_keys:
            key_id = new_key_id()
        keys = dict(self.data_keys)
        keys[key_id] = AESGCM.generate_key(256)
        return KeySet(key_id, keys, self.hmac_key)

    def without(self, key_ids: set[str]) -> KeySet:
        if self.current_id in key_ids:
            raise KeyMaterialError("key set: the current key cannot be retired")
        keys = {k: v for k, v in self.data_keys.items() if k not in key_ids}
        return KeySet(self.current_id, keys, self.hmac_key)

    def to_json(self) -> str:
        doc = {
            "format": KEYSET_FORMAT,
            "current": self.current_id,
            "data_keys": {k: _b64(v) for k, v in sorted(self.data_keys.items())},
            "hmac_key": _b64(self.hmac_key),
        }
        return json.dumps(doc, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> KeySet:
        if len(text) > MAX_KEYSET_BYTES:
            raise KeyMaterialError("key set: document too large")
        try:
            doc: Any = json.loads(text)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise KeyMaterialError("key set: not valid JSON") from exc
        if not isinstance(doc, dict) or doc.get("format") != KEYSET_FORMAT:
            raise KeyMaterialError(f"key set: not a {KEYSET_FORMAT} document")
        raw_keys = doc.get("data_keys")
        current = doc.get("current")
        if not isinstance(raw_keys, dict) or not isinstance(current, str):
            raise KeyMaterialError("key set: 'data_keys' or 'current' missing")
        keys = {str(k): _unb64(v, f"data key {k}") for k, v in raw_keys.items()}
        return cls(current, keys, _unb64(doc.get("hmac_key"), "hmac_key"))


class KeyProvider(Protocol):
    """Where the key set is kept. ``load()`` creates and stores a new key set if none exists."""

    @property
    def description(self) -> str: ...

    def load(self) -> KeySet: ...

    def store(self, keyset: KeySet) -> None: ...


class FileKeyProvider:
    """The key set in a file readable by its owner only (mode 0600).

    Writes are atomic (temporary file, fsync, rename, fsync of the directory), so a power cut
    during a rotation leaves either the old or the new key set, never a torn one.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def description(self) -> str:
        return f"file:{self.path}"

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> KeySet:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            keyset = KeySet.generate()
            self.store(keyset, create_only=True)
            return self.load()
        except OSError as exc:
            raise KeyMaterialError(f"key file {self.path}: cannot open ({exc.strerror})") from exc
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyMaterialError(
                    f"key file {self.path}: readable by group or others "
                    f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {self.path}"
                )
            data = fh.read(MAX_KEYSET_BYTES + 1)
        return KeySet.from_json(data)

    def store(self, keyset: KeySet, *, create_only: bool = False) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".keyset-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(keyset.to_json().encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            if create_only:
                # Two processes starting at once must not both create (and one lose) a key.
                try:
                    os.link(tmp, self.path)
                except FileExistsError:
                    return
                finally:
                    os.unlink(tmp)
            else:
                os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class KeyringKeyProvider:
    """The key set in the OS keyring (``keyring`` package), as one secret."""

    def __init__(self, service: str = KEYRING_SERVICE, username: str = KEYRING_USERNAME) -> None:
        self.service = service
        self.username = username

    @property
    def description(self) -> str:
        return f"keyring:{self.service}/{self.username}"

    def _get(self) -> str | None:
        import keyring
        import keyring.errors

        try:
            return keyring.get_password(self.service, self.username)
        except keyring.errors.KeyringError as exc:
            raise KeyMaterialError(f"OS keyring: cannot read the key set ({exc})") from exc

    def exists(self) -> bool:
        return self._get() is not None

    def load(self) -> KeySet:
        text = self._get()
        if text is None:
            keyset = KeySet.generate()
            self.store(keyset)
            text = self._get()
            if text is None:
                raise KeyMaterialError("OS keyring: the key set was not kept")
        return KeySet.from_json(text)

    def store(self, keyset: KeySet) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.set_password(self.service, self.username, keyset.to_json())
        except keyring.errors.KeyringError as exc:
            raise KeyMaterialError(f"OS keyring: cannot store the key set ({exc})") from exc


def keyring_usable() -> bool:
    """True when ``keyring`` has a real backend (not the "fail" or "null" ones)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return False
        return float(getattr(backend, "priority", 0)) > 0
    except Exception:  # any import or backend discovery failure means "not usable"
        return False


def default_key_provider(key_file: str | os.PathLike[str], *, use_keyring: bool = True) -> (
    KeyProvider
):
    """The key file if it exists, else the OS keyring if usable, else a new key file."""
    file_provider = FileKeyProvider(key_file)
    if file_provider.exists() or not use_keyring or not keyring_usable():
        return file_provider
    return KeyringKeyProvider()


def rotate(provider: KeyProvider) -> KeySet:
    """Add a fresh data key and make it current; the new key set is stored before it is used."""
    keyset = provider.load().rotated()
    provider.store(keyset)
    return keyset


def retire_unused(provider: KeyProvider, used_key_ids: set[str]) -> list[str]:
    """Drop data keys that no stored row uses (never the current one). Returns the dropped ids.

    Only safe once no running process still seals rows with an old key: run it after the
    application restarted following :func:`rotate`.
    """
    keyset = provider.load()
    unused = {k for k in keyset.data_keys if k not in used_key_ids and k != keyset.current_id}
    if unused:
        provider.store(keyset.without(unused))
    return sorted(unused)


class PayloadCipher:
    """AES-256-GCM sealing of payload bytes under a :class:`KeySet`."""

    def __init__(self, keyset: KeySet) -> None:
        self._keyset = keyset
        self._aead = {k: AESGCM(v) for k, v in keyset.data_keys.items()}

    @property
    def current_key_id(self) -> str:
        return self._keyset.current_id

    def knows(self, key_id: str) -> bool:
        return key_id in self._aead

    def seal(self, plaintext: bytes, aad: bytes) -> tuple[str, bytes]:
        """Return ``(key_id, nonce || ciphertext || tag)``."""
        nonce = os.urandom(NONCE_SIZE)
        key_id = self._keyset.current_id
        return key_id, nonce + self._aead[key_id].encrypt(nonce, plaintext, aad)

    def open(self, key_id: str, blob: bytes, aad: bytes) -> bytes:
        aead = self._aead.get(key_id)
        if aead is None:
            raise DecryptionError(f"payload sealed with unknown key id {key_id!r}")
        if len(blob) < NONCE_SIZE + 16:
            raise DecryptionError("sealed payload too short")
        try:
            return aead.decrypt(blob[:NONCE_SIZE], blob[NONCE_SIZE:], aad)
        except InvalidTag as exc:
            raise DecryptionError("sealed payload failed authentication") from exc
