"""Key material: key sets, the 0600 key file, the OS keyring provider, rotation."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keyring.backend import KeyringBackend

from kiosk.outbox import KeyMaterialError, KeySet
from kiosk.outbox.crypto import (
    FileKeyProvider,
    KeyringKeyProvider,
    PayloadCipher,
    default_key_provider,
    retire_unused,
    rotate,
)
from kiosk.outbox.errors import DecryptionError
from tests.kiosk.outbox_support import Kiosk, fake_payload, ref_for


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend  # type: ignore[misc]
    keyring.set_keyring(previous)


def test_keyset_json_round_trip_and_repr_hides_keys() -> None:
    ks = KeySet.generate()
    again = KeySet.from_json(ks.to_json())
    assert again == ks
    assert ks.hmac_key.hex() not in repr(ks)
    for key in ks.data_keys.values():
        assert key.hex() not in repr(ks)


@pytest.mark.parametrize(
    "text",
    ["", "[]", "{}", '{"format": "other"}',
     '{"format": "cccd-kiosk-keyset-v1", "current": "a", "data_keys": {"a": "!!"}, '
     '"hmac_key": "AAAA"}',
     '{"format": "cccd-kiosk-keyset-v1", "current": "b", "data_keys": {"a": "'
     + "A" * 44 + '"}, "hmac_key": "' + "A" * 44 + '"}',
     '{"format": "cccd-kiosk-keyset-v1", "current": "a", "data_keys": {"a": "AAAA"}, '
     '"hmac_key": "' + "A" * 44 + '"}',
     "x" * 70000],
)
def test_bad_keysets_raise_key_material_error(text: str) -> None:
    with pytest.raises(KeyMaterialError):
        KeySet.from_json(text)


def test_key_file_is_created_0600_and_stable(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "sub" / "keys.json")
    first = provider.load()
    mode = stat.S_IMODE(os.stat(provider.path).st_mode)
    assert mode == 0o600
    assert provider.load() == first
    assert not [p for p in provider.path.parent.iterdir() if p.name.startswith(".keyset-")]


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    provider = FileKeyProvider(tmp_path / "keys.json")
    provider.load()
    os.chmod(provider.path, 0o644)
    with pytest.raises(KeyMaterialError, match="chmod 600"):
        provider.load()


def test_keyring_provider_stores_the_keyset_as_one_secret(memory_keyring: MemoryKeyring) -> None:
    provider = KeyringKeyProvider()
    ks = provider.load()
    assert len(memory_keyring.store) == 1
    assert KeySet.from_json(next(iter(memory_keyring.store.values()))) == ks
    assert provider.load() == ks


def test_default_provider_prefers_existing_file_then_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    key_file = tmp_path / "keys.json"
    assert isinstance(default_key_provider(key_file), KeyringKeyProvider)
    assert isinstance(default_key_provider(key_file, use_keyring=False), FileKeyProvider)
    FileKeyProvider(key_file).load()
    assert isinstance(default_key_provider(key_file), FileKeyProvider)


def test_default_provider_falls_back_to_file_on_headless_linux(tmp_path: Path) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert isinstance(default_key_provider(tmp_path / "k.json"), FileKeyProvider)
    finally:
        keyring.set_keyring(previous)


def test_cipher_detects_tampering_and_wrong_associated_data() -> None:
    cipher = PayloadCipher(KeySet.generate())
    key_id, blob = cipher.seal(b"hello", b"row-1")
    assert cipher.open(key_id, blob, b"row-1") == b"hello"
    with pytest.raises(DecryptionError):
        cipher.open(key_id, blob, b"row-2")
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.open(key_id, bytes(flipped), b"row-1")
    with pytest.raises(DecryptionError):
        cipher.open(key_id, blob[:10], b"row-1")


def test_rotation_rewrap_and_retire(tmp_path: Path) -> None:
    kiosk = Kiosk(tmp_path)
    outbox = kiosk.outbox()
    outbox.enqueue("ct01", fake_payload(1), citizen_ref=ref_for(1))
    old_id = kiosk.provider().load().current_id

    new = rotate(kiosk.provider())
    assert new.current_id != old_id and old_id in new.data_keys
    # Rows sealed under the old key still open (another process rotated: keys reload).
    outbox.enqueue("ct01", fake_payload(2), citizen_ref=ref_for(2))
    assert outbox.key_ids_in_use() == {old_id}
    assert retire_unused(kiosk.provider(), outbox.key_ids_in_use()) == []

    assert outbox.rewrap() == 2
    assert outbox.key_ids_in_use() == {new.current_id}
    assert retire_unused(kiosk.provider(), outbox.key_ids_in_use()) == [old_id]
    assert set(kiosk.provider().load().data_keys) == {new.current_id}
    payloads = sorted(int(c.payload["seq"]) for c in outbox.claim(10))
    assert payloads == [1, 2]
    outbox.close()


def test_current_key_cannot_be_retired() -> None:
    ks = KeySet.generate()
    with pytest.raises(KeyMaterialError):
        ks.without({ks.current_id})


# --- fuzzing: a damaged key document only ever raises KeyMaterialError -------------------

_VALID_JSON = KeySet.generate().to_json().encode()


@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(data: bytes) -> None:
    with contextlib.suppress(KeyMaterialError):
        KeySet.from_json(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_VALID_JSON) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_fuzz_mutated_keyset(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_VALID_JSON)
    for pos, value in flips:
        data[pos] = value
    try:
        ks = KeySet.from_json(bytes(data))
    except KeyMaterialError:
        return
    assert ks.current_id in ks.data_keys  # whatever parsed is still a coherent key set


def test_regression_deeply_nested_json_is_a_key_material_error() -> None:
    with pytest.raises(KeyMaterialError):
        KeySet.from_json("[" * 60000)
