"""Symmetric primitives of ICAO Doc 9303-11: 3DES and AES in CBC, ISO/IEC 9797-1 padding
method 2, the retail MAC (ISO/IEC 9797-1 MAC algorithm 3), AES-CMAC, and the key derivation
function of 9303-11 section 9.7.1.

All cipher work is done by pyca/cryptography; this module only arranges it.
"""

from __future__ import annotations

import hashlib
from enum import Enum

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_ZERO8 = bytes(8)


class CipherKind(Enum):
    DES3 = "3DES"
    AES128 = "AES-128"
    AES192 = "AES-192"
    AES256 = "AES-256"

    @property
    def block_size(self) -> int:
        return 8 if self is CipherKind.DES3 else 16

    @property
    def key_length(self) -> int:
        return {"3DES": 16, "AES-128": 16, "AES-192": 24, "AES-256": 32}[self.value]


def pad(data: bytes, block: int = 8) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to a whole block (always adds)."""
    n = block - (len(data) + 1) % block
    return data + b"\x80" + bytes(n % block)


def unpad(data: bytes) -> bytes:
    """Remove padding method 2. ValueError if the padding is malformed."""
    i = len(data) - 1
    while i >= 0 and data[i] == 0:
        i -= 1
    if i < 0 or data[i] != 0x80:
        raise ValueError("bad ISO/IEC 9797-1 padding")
    return data[:i]


def _des3_key(key: bytes) -> bytes:
    if len(key) == 8:
        return key * 3
    if len(key) == 16:
        return key + key[:8]
    if len(key) == 24:
        return key
    raise ValueError(f"3DES key of {len(key)} bytes")


def des3_cbc_encrypt(key: bytes, data: bytes, iv: bytes = _ZERO8) -> bytes:
    enc = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def des3_cbc_decrypt(key: bytes, data: bytes, iv: bytes = _ZERO8) -> bytes:
    dec = Cipher(TripleDES(_des3_key(key)), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"); ``data`` already padded.

    Single-DES CBC with Ka over all blocks but the last, then the last block through
    3DES-EDE (Ka, Kb, Ka), which equals E_Ka(D_Kb(E_Ka(h XOR x_n))).
    """
    if len(data) % 8 or not data:
        raise ValueError("retail MAC input must be a non-empty multiple of 8 bytes")
    ka, kb = key[:8], key[8:16]
    h = _ZERO8
    if len(data) > 8:
        h = des3_cbc_encrypt(ka, data[:-8])[-8:]
    last = bytes(a ^ b for a, b in zip(h, data[-8:], strict=True))
    enc = Cipher(TripleDES(ka + kb + ka), modes.ECB()).encryptor()
    return enc.update(last) + enc.finalize()


def aes_cbc_encrypt(key: bytes, data: bytes, iv: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def aes_cbc_decrypt(key: bytes, data: bytes, iv: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(data) + dec.finalize()


def aes_ecb_encrypt(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def aes_cmac(key: bytes, data: bytes, length: int = 8) -> bytes:
    """AES-CMAC truncated to ``length`` bytes (9303-11 uses 8)."""
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()[:length]


def adjust_parity(key: bytes) -> bytes:
    """Set odd parity on every byte of a DES key (low bit of each byte)."""
    out = bytearray()
    for b in key:
        hi = b & 0xFE
        out.append(hi | ((bin(hi).count("1") + 1) & 1))
    return bytes(out)


KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


def kdf(secret: bytes, counter: int, kind: CipherKind) -> bytes:
    """ICAO 9303-11 section 9.7.1: keydata = H(K || c), cut to the cipher's key length."""
    data = secret + counter.to_bytes(4, "big")
    if kind in (CipherKind.DES3, CipherKind.AES128):
        digest = hashlib.sha1(data).digest()
    else:
        digest = hashlib.sha256(data).digest()
    key = digest[: kind.key_length]
    return adjust_parity(key) if kind is CipherKind.DES3 else key
