"""The PACE computations both sides share (ICAO Doc 9303-11 4.4 and 9.7; BSI TR-03110-3).

- Password key (9303-11 9.7.3): MRZ -> K = SHA-1(MRZ information), the same input as BAC's key
  seed but the whole 20-byte digest; CAN -> K = the CAN digits as ASCII. K_pi = KDF(K, 3) with
  the cipher of the protocol (9.7.1).
- Nonce (4.4.3.1): z = E(K_pi, s), CBC with a zero IV (3DES or AES).
- Generic mapping, ECDH (4.4.3.3.1): G^ = s*G + H with H = SK_Map,IFD * PK_Map,IC (a point).
- Key agreement (4.4.3.4, TR-03111 ECKA): K = x-coordinate of SK * PK on G^, as many octets as
  the field; KS_Enc = KDF(K, 1), KS_MAC = KDF(K, 2); secure messaging starts with SSC zero
  (9.8.2 / 9.8.3: 8 bytes for 3DES, 16 for AES).
- Authentication token (4.4.3.4 and 9.7.4): T = MAC(KS_MAC, 7F49 { 06 OID, 86 PK }) over the
  *other* side's ephemeral public key; AES-CMAC (8 bytes) or, for 3DES, the retail MAC over
  the data padded by ISO/IEC 9797-1 method 2.
- Chip authentication mapping (4.4.3.5): the chip sends CA_IC = E(KS_Enc, A_IC) with
  A_IC = SK_IC^-1 * SK_Map,IC mod n, AES-CBC with IV = E(KS_Enc, -1) (the all-ones block) and
  padding method 2; the terminal later checks A_IC * PK_IC == PK_Map,IC with PK_IC from DG14.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from cardreader.bac import BacKey
from cardreader.errors import InputError, ParseError, UnsupportedAlgorithmError
from cardreader.lds.der import encode_oid
from cardreader.lds.security_infos import PaceInfo
from cardreader.lds.tlv import encode, parse_single
from cardreader.pace.curve import EcGroup, Point, group_for_parameter_id
from cardreader.primitives import (
    KDF_ENC,
    KDF_MAC,
    KDF_PACE,
    CipherKind,
    aes_cbc_decrypt,
    aes_cbc_encrypt,
    aes_cmac,
    aes_ecb_encrypt,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    kdf,
    pad,
    retail_mac,
    unpad,
)
from cardreader.secure_messaging import SecureMessaging

PASSWORD_MRZ = 0x01  # key reference in MSE:Set AT DO83 (9303-11 4.4.4.1)
PASSWORD_CAN = 0x02

_CIPHERS = {kind.value: kind for kind in CipherKind}
_MRZ_INFO = re.compile(r"^[A-Z0-9<]{9,}[0-9]\d{6}[0-9]\d{6}[0-9]$")


@dataclass(frozen=True, slots=True)
class PacePassword:
    """The PACE password: ``kind`` "mrz" with the MRZ information (document number, birth
    date, expiry date, each with its check digit: what BAC hashes) or "can" with the digits."""

    kind: Literal["mrz", "can"]
    value: str

    def __post_init__(self) -> None:
        if self.kind == "can":
            if not re.fullmatch(r"\d{6}", self.value):
                raise InputError("the CAN has 6 digits / CAN gồm 6 chữ số")
        elif self.kind == "mrz":
            if not _MRZ_INFO.match(self.value):
                raise InputError("MRZ information: document number, dates and check digits")
        else:
            raise InputError(f"PACE password kind {self.kind!r}: expected 'mrz' or 'can'")

    @classmethod
    def can(cls, digits: str) -> PacePassword:
        return cls("can", digits.strip())

    @classmethod
    def from_bac_key(cls, key: BacKey) -> PacePassword:
        """The MRZ password of a BAC key (the same fields BAC hashes)."""
        return cls("mrz", key.mrz_information().decode("ascii"))

    @property
    def reference(self) -> int:
        return PASSWORD_MRZ if self.kind == "mrz" else PASSWORD_CAN

    def secret(self) -> bytes:
        """K = f(pi) of 9303-11 9.7.3."""
        if self.kind == "mrz":
            return hashlib.sha1(self.value.encode("ascii")).digest()
        return self.value.encode("ascii")

    def key(self, cipher: CipherKind) -> bytes:
        """K_pi = KDF(f(pi), 3)."""
        return kdf(self.secret(), KDF_PACE, cipher)

    def __repr__(self) -> str:  # never print a password
        return f"PacePassword(kind={self.kind!r}, value=<hidden>)"


@dataclass(frozen=True, slots=True)
class PaceSuite:
    """What one PACEInfo asks for, resolved: protocol OID, mapping, cipher and curve."""

    protocol_oid: str
    mapping: str  # "GM" | "CAM"
    cipher: CipherKind
    group: EcGroup
    parameter_id: int

    @classmethod
    def from_info(cls, info: PaceInfo) -> PaceSuite:
        if info.key_agreement != "ECDH":
            raise UnsupportedAlgorithmError("PACE: only ECDH key agreement is implemented")
        if info.mapping not in ("GM", "CAM"):
            raise UnsupportedAlgorithmError(f"PACE: {info.mapping} mapping is not implemented")
        cipher = _CIPHERS.get(info.cipher)
        if cipher is None:
            raise UnsupportedAlgorithmError(f"PACE: cipher {info.cipher}")
        if info.parameter_id is None:
            raise UnsupportedAlgorithmError("PACE: PACEInfo names no standardized parameters")
        group = group_for_parameter_id(info.parameter_id)
        return cls(info.protocol_oid, info.mapping, cipher, group, info.parameter_id)

    @property
    def oid_value(self) -> bytes:
        """The OID's content octets (DO80 of MSE:Set AT carries them without the 06 tag)."""
        return parse_single(encode_oid(self.protocol_oid), "OID").value

    # --- nonce ------------------------------------------------------------------------

    def encrypt_nonce(self, k_pi: bytes, nonce: bytes) -> bytes:
        if self.cipher is CipherKind.DES3:
            return des3_cbc_encrypt(k_pi, nonce)
        return aes_cbc_encrypt(k_pi, nonce, bytes(16))

    def decrypt_nonce(self, k_pi: bytes, encrypted: bytes) -> bytes:
        block = self.cipher.block_size
        if not encrypted or len(encrypted) % block or len(encrypted) > 64:
            raise ParseError(f"PACE: encrypted nonce of {len(encrypted)} bytes")
        if self.cipher is CipherKind.DES3:
            return des3_cbc_decrypt(k_pi, encrypted)
        return aes_cbc_decrypt(k_pi, encrypted, bytes(16))

    # --- mapping and key agreement ---------------------------------------------------------

    def map_generator(self, nonce: bytes, shared_h: Point) -> EcGroup:
        """G^ = s*G + H (generic mapping); the group with the new generator."""
        g = self.group
        s_g = g.multiply(int.from_bytes(nonce, "big"), g.g, "PACE mapping s*G")
        return g.with_generator(g.add(s_g, shared_h, "PACE mapped generator"))

    def shared_secret(self, group: EcGroup, private: int, peer: Point) -> bytes:
        x, _ = group.multiply(private, peer, "PACE key agreement")
        return x.to_bytes(group.field_bytes, "big")

    def session(self, secret: bytes) -> tuple[bytes, bytes]:
        return kdf(secret, KDF_ENC, self.cipher), kdf(secret, KDF_MAC, self.cipher)

    def secure_messaging(self, ks_enc: bytes, ks_mac: bytes) -> SecureMessaging:
        return SecureMessaging(ks_enc, ks_mac, bytes(self.cipher.block_size), self.cipher)

    # --- tokens ----------------------------------------------------------------------------

    def public_key_data(self, public_point: bytes) -> bytes:
        """7F49 { 06 OID, 86 uncompressed point } (9303-11 4.4.3.4 / 9.7.4, ECDH)."""
        return encode(0x7F49, encode_oid(self.protocol_oid) + encode(0x86, public_point))

    def token(self, ks_mac: bytes, public_point: bytes) -> bytes:
        data = self.public_key_data(public_point)
        if self.cipher is CipherKind.DES3:
            return retail_mac(ks_mac, pad(data, 8))
        return aes_cmac(ks_mac, data, 8)

    # --- chip authentication mapping ----------------------------------------------------------

    def _cam_iv(self, ks_enc: bytes) -> bytes:
        return aes_ecb_encrypt(ks_enc, b"\xff" * 16)

    def encrypt_ca_data(self, ks_enc: bytes, a_ic: int) -> bytes:
        size = (self.group.n.bit_length() + 7) // 8
        return aes_cbc_encrypt(ks_enc, pad(a_ic.to_bytes(size, "big"), 16), self._cam_iv(ks_enc))

    def decrypt_ca_data(self, ks_enc: bytes, encrypted: bytes) -> int:
        if not encrypted or len(encrypted) % 16 or len(encrypted) > 128:
            raise ParseError(f"PACE-CAM: encrypted chip authentication data of {len(encrypted)}")
        try:
            plain = unpad(aes_cbc_decrypt(ks_enc, encrypted, self._cam_iv(ks_enc)))
        except ValueError as exc:
            raise ParseError("PACE-CAM: chip authentication data badly padded") from exc
        return int.from_bytes(plain, "big")
