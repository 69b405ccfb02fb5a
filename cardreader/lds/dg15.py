"""DG15: the active-authentication public key (ICAO Doc 9303-10 4.7.15, 9303-11 6.1):
6F { SubjectPublicKeyInfo }, RSA or EC.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_der_public_key

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import names_file
from cardreader.lds.security_infos import spki_algorithm
from cardreader.lds.tlv import encode, parse_single

TAG_DG15 = 0x6F
MAX_DG15_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Dg15:
    public_key_der: bytes  # SubjectPublicKeyInfo, DER, exactly as on the card
    algorithm: str  # "rsa" | "ec"
    raw: bytes

    def public_key(self) -> PublicKeyTypes | None:
        """The key loaded with pyca/cryptography, or None if it cannot load it.

        EC keys with explicit curve parameters load only for the NIST curves; callers that
        need brainpool keys must map the parameters to the named curve themselves.
        """
        try:
            return load_der_public_key(self.public_key_der)
        except (ValueError, UnsupportedAlgorithm):
            return None


@names_file("DG15")
def parse_dg15(raw: bytes) -> Dg15:
    if len(raw) > MAX_DG15_BYTES:
        raise LimitExceededError(f"DG15: {len(raw)} bytes, above the cap of {MAX_DG15_BYTES}")
    outer = parse_single(raw, "DG15")
    if outer.tag != TAG_DG15:
        raise ParseError(f"DG15: starts with tag {outer.tag:X}, expected 6F")
    _, name = spki_algorithm(outer.value, "DG15 public key")
    if name not in ("rsa", "ec"):
        raise ParseError(f"DG15: public key algorithm is {name}, expected RSA or EC")
    return Dg15(public_key_der=outer.value, algorithm=name, raw=bytes(raw))


def encode_dg15(spki_der: bytes) -> bytes:
    return encode(TAG_DG15, spki_der)
