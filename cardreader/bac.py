"""Basic Access Control, ICAO Doc 9303-11 section 4.3 (inspection-system side).

:class:`BacKey` turns the MRZ's document number, birth date and expiry date into the document
basic access keys (Appendix D.1/D.2); :class:`BacProtocol` runs GET CHALLENGE / EXTERNAL
AUTHENTICATE and returns the 3DES secure-messaging session (Appendix D.3). Randomness is
injected so the published worked example replays byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from cardreader.apdu import SW_AUTH_FAILED, SW_SECURITY_STATUS, CommandApdu
from cardreader.channel import PlainChannel
from cardreader.errors import AuthenticationError, InputError, SecureMessagingError
from cardreader.lds.mrz import check_digit
from cardreader.primitives import (
    KDF_ENC,
    KDF_MAC,
    CipherKind,
    des3_cbc_decrypt,
    des3_cbc_encrypt,
    kdf,
    pad,
    retail_mac,
)
from cardreader.secure_messaging import SecureMessaging

Random = Callable[[int], bytes]

_DOC_RE = re.compile(r"^[A-Z0-9<]{1,22}$")
_DATE_RE = re.compile(r"^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")


@dataclass(frozen=True, slots=True)
class BacKey:
    """The MRZ fields that key BAC. Dates are YYMMDD as printed in the MRZ."""

    document_number: str
    date_of_birth: str
    date_of_expiry: str

    def __post_init__(self) -> None:
        doc = self.document_number.strip().upper()
        object.__setattr__(self, "document_number", doc)
        if not _DOC_RE.match(doc):
            raise InputError("document number must be 1-22 characters A-Z, 0-9 or '<'")
        for name in ("date_of_birth", "date_of_expiry"):
            if not _DATE_RE.match(getattr(self, name)):
                raise InputError(f"{name.replace('_', ' ')} must be YYMMDD")

    @classmethod
    def from_cccd(cls, id_number: str, date_of_birth: str, date_of_expiry: str) -> BacKey:
        """A CCCD's BAC key: the document number is the LAST 9 digits of the 12-digit ID."""
        if not re.fullmatch(r"\d{12}", id_number):
            raise InputError("the CCCD ID number has 12 digits")
        return cls(id_number[-9:], date_of_birth, date_of_expiry)

    def mrz_information(self) -> bytes:
        doc = self.document_number
        if len(doc) < 9:
            doc = doc + "<" * (9 - len(doc))
        text = (
            doc
            + check_digit(doc)
            + self.date_of_birth
            + check_digit(self.date_of_birth)
            + self.date_of_expiry
            + check_digit(self.date_of_expiry)
        )
        return text.encode("ascii")

    def seed(self) -> bytes:
        return hashlib.sha1(self.mrz_information()).digest()[:16]

    def keys(self) -> tuple[bytes, bytes]:
        """(K_enc, K_mac), the document basic access keys."""
        seed = self.seed()
        return kdf(seed, KDF_ENC, CipherKind.DES3), kdf(seed, KDF_MAC, CipherKind.DES3)

    def __repr__(self) -> str:  # never print the key material's inputs in logs
        return "BacKey(<redacted>)"


def session_from_key_material(
    k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes
) -> SecureMessaging:
    """Session keys and SSC from both sides' key material (9303-11 section 9.7.4)."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    ks_enc = kdf(seed, KDF_ENC, CipherKind.DES3)
    ks_mac = kdf(seed, KDF_MAC, CipherKind.DES3)
    return SecureMessaging(ks_enc, ks_mac, rnd_ic[4:] + rnd_ifd[4:], CipherKind.DES3)


class BacProtocol:
    """One BAC run. ``rng`` supplies RND.IFD (8 bytes) then K.IFD (16 bytes)."""

    def __init__(self, key: BacKey, rng: Random = os.urandom) -> None:
        self.key = key
        self.rng = rng

    def run(self, channel: PlainChannel) -> SecureMessaging:
        k_enc, k_mac = self.key.keys()
        challenge = channel.send(CommandApdu(0x00, 0x84, 0x00, 0x00, le=8))
        if challenge.sw != 0x9000 or len(challenge.data) != 8:
            raise AuthenticationError(
                f"BAC: GET CHALLENGE answered {challenge.sw:04X} with {len(challenge.data)} bytes"
            )
        rnd_ic = challenge.data
        rnd_ifd = self.rng(8)
        k_ifd = self.rng(16)
        e_ifd = des3_cbc_encrypt(k_enc, rnd_ifd + rnd_ic + k_ifd)
        m_ifd = retail_mac(k_mac, pad(e_ifd))
        answer = channel.send(CommandApdu(0x00, 0x82, 0x00, 0x00, e_ifd + m_ifd, le=40))
        if answer.sw in (SW_AUTH_FAILED, SW_SECURITY_STATUS) or (answer.sw & 0xFFF0) == 0x63C0:
            raise AuthenticationError(
                "BAC refused by the chip: check the document number, date of birth and date of "
                "expiry (the document number of a CCCD is the last 9 digits of the ID number)"
            )
        if answer.sw != 0x9000 or len(answer.data) != 40:
            raise AuthenticationError(
                f"BAC: EXTERNAL AUTHENTICATE answered {answer.sw:04X} with {len(answer.data)} bytes"
            )
        e_ic, m_ic = answer.data[:32], answer.data[32:]
        if not hmac.compare_digest(retail_mac(k_mac, pad(e_ic)), m_ic):
            raise SecureMessagingError("BAC: the chip's authentication MAC does not verify")
        r = des3_cbc_decrypt(k_enc, e_ic)
        if r[:8] != rnd_ic or r[8:16] != rnd_ifd:
            raise AuthenticationError("BAC: the chip's cryptogram does not match our challenge")
        return session_from_key_material(k_ifd, r[16:32], rnd_ic, rnd_ifd)
