"""SecurityInfos: the SET OF SecurityInfo in EF.CardAccess and DG14 (ICAO Doc 9303-11, 9.2).

    SecurityInfo ::= SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY,
                                optionalData ANY OPTIONAL }

Typed forms (ICAO 9303-11 9.2.1-9.2.7; OIDs from BSI TR-03110-3 A.1.1, bsi-de = 0.4.0.127.0.7):
- PACEInfo { id-PACE-<ka>-<map>-<cipher>, version INTEGER (2), parameterId INTEGER OPTIONAL }
- PACEDomainParameterInfo { id-PACE-<ka>-<map>, domainParameter AlgorithmIdentifier,
  parameterId INTEGER OPTIONAL }
- ChipAuthenticationInfo { id-CA-<ka>-<cipher>, version INTEGER, keyId INTEGER OPTIONAL }
- ChipAuthenticationPublicKeyInfo { id-PK-DH | id-PK-ECDH, SubjectPublicKeyInfo,
  keyId INTEGER OPTIONAL }
- ActiveAuthenticationInfo { id-AA 2.23.136.1.1.5, version INTEGER (1), signatureAlgorithm OID }
- TerminalAuthenticationInfo { id-TA, version INTEGER }
Anything else is kept as :class:`UnknownSecurityInfo` with its raw bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import (
    TAG_BIT_STRING,
    TAG_INTEGER,
    TAG_OID,
    TAG_SEQUENCE,
    TAG_SET,
    decode_oid,
    decode_small_int,
    encode_integer,
    encode_oid,
    sequence,
    set_of,
)
from cardreader.lds.tlv import Tlv, parse_all, parse_single

BSI_DE = "0.4.0.127.0.7"
ID_PK = BSI_DE + ".2.2.1"
ID_PK_DH = ID_PK + ".1"
ID_PK_ECDH = ID_PK + ".2"
ID_TA = BSI_DE + ".2.2.2"
ID_CA = BSI_DE + ".2.2.3"
ID_PACE = BSI_DE + ".2.2.4"
ID_AA = "2.23.136.1.1.5"

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_RSA = "1.2.840.113549.1.1.1"
OID_DH_PKCS3 = "1.2.840.113549.1.3.1"
OID_DH_X942 = "1.2.840.10046.2.1"

MAX_SECURITY_INFOS = 32

_PACE_KA_MAPPING = {
    1: ("DH", "GM"),
    2: ("ECDH", "GM"),
    3: ("DH", "IM"),
    4: ("ECDH", "IM"),
    6: ("ECDH", "CAM"),
}
_CA_KA = {1: "DH", 2: "ECDH"}
_CIPHERS = {1: "3DES", 2: "AES-128", 3: "AES-192", 4: "AES-256"}

# ICAO 9303-11 9.5.1 standardized domain parameters.
STANDARD_PARAMETERS = {
    0: "MODP-1024-160",
    1: "MODP-2048-224",
    2: "MODP-2048-256",
    8: "secp192r1",
    9: "brainpoolP192r1",
    10: "secp224r1",
    11: "brainpoolP224r1",
    12: "secp256r1",
    13: "brainpoolP256r1",
    14: "brainpoolP320r1",
    15: "secp384r1",
    16: "brainpoolP384r1",
    17: "brainpoolP512r1",
    18: "secp521r1",
}


@dataclass(frozen=True, slots=True)
class PaceInfo:
    protocol_oid: str
    version: int
    parameter_id: int | None
    key_agreement: str  # "DH" | "ECDH"
    mapping: str  # "GM" | "IM" | "CAM"
    cipher: str  # "3DES" | "AES-128" | "AES-192" | "AES-256"

    @property
    def parameter_name(self) -> str | None:
        """The standardized domain parameters' name ("brainpoolP256r1"), None if proprietary."""
        if self.parameter_id is None:
            return None
        return STANDARD_PARAMETERS.get(self.parameter_id)


@dataclass(frozen=True, slots=True)
class PaceDomainParameterInfo:
    protocol_oid: str
    domain_parameter_der: bytes  # AlgorithmIdentifier, DER
    parameter_id: int | None


@dataclass(frozen=True, slots=True)
class ChipAuthenticationInfo:
    protocol_oid: str
    version: int
    key_id: int | None
    key_agreement: str  # "DH" | "ECDH"
    cipher: str


@dataclass(frozen=True, slots=True)
class ChipAuthenticationPublicKeyInfo:
    protocol_oid: str
    public_key_der: bytes  # SubjectPublicKeyInfo, DER, exactly as on the card
    algorithm: str  # "ec" | "dh"
    key_id: int | None


@dataclass(frozen=True, slots=True)
class ActiveAuthenticationInfo:
    protocol_oid: str
    version: int
    signature_algorithm_oid: str


@dataclass(frozen=True, slots=True)
class TerminalAuthenticationInfo:
    protocol_oid: str
    version: int


@dataclass(frozen=True, slots=True)
class UnknownSecurityInfo:
    protocol_oid: str
    raw: bytes


SecurityInfo = (
    PaceInfo
    | PaceDomainParameterInfo
    | ChipAuthenticationInfo
    | ChipAuthenticationPublicKeyInfo
    | ActiveAuthenticationInfo
    | TerminalAuthenticationInfo
    | UnknownSecurityInfo
)


def _suffix(oid: str, prefix: str) -> list[int] | None:
    if not oid.startswith(prefix + "."):
        return None
    return [int(a) for a in oid[len(prefix) + 1 :].split(".")]


def spki_algorithm(der: bytes, what: str) -> tuple[str, str]:
    """(algorithm OID, short name) of a SubjectPublicKeyInfo: "ec", "dh", "rsa" or "other".

    Checks the outer structure: SEQUENCE { SEQUENCE { OID, params }, BIT STRING }.
    """
    spki = parse_single(der, what)
    if spki.tag != TAG_SEQUENCE:
        raise ParseError(f"{what}: SubjectPublicKeyInfo is tag {spki.tag:X}, expected 30")
    parts = spki.children(depth=2)
    if len(parts) != 2 or parts[0].tag != TAG_SEQUENCE or parts[1].tag != TAG_BIT_STRING:
        raise ParseError(f"{what}: SubjectPublicKeyInfo is not {{AlgorithmIdentifier, BIT STRING}}")
    if not parts[1].value or parts[1].value[0] > 7:
        raise ParseError(f"{what}: public key BIT STRING is malformed")
    alg = parts[0].children(depth=3)
    if not alg or alg[0].tag != TAG_OID:
        raise ParseError(f"{what}: AlgorithmIdentifier does not start with an OID")
    oid = decode_oid(alg[0], f"{what} algorithm")
    name = {
        OID_EC_PUBLIC_KEY: "ec",
        OID_RSA: "rsa",
        OID_DH_PKCS3: "dh",
        OID_DH_X942: "dh",
    }.get(oid, "other")
    return oid, name


def _optional_int(items: list[Tlv], index: int, what: str) -> int | None:
    if len(items) <= index:
        return None
    return decode_small_int(items[index], what, hi=0x7FFF_FFFF)


def _parse_info(item: Tlv, index: int, what: str) -> SecurityInfo:
    where = f"{what} SecurityInfo {index}"
    if item.tag != TAG_SEQUENCE:
        raise ParseError(f"{where}: tag {item.tag:X}, expected SEQUENCE (30)")
    parts = item.children(depth=2)
    if len(parts) < 2 or len(parts) > 3:
        raise ParseError(f"{where}: {len(parts)} elements, expected 2 or 3")
    oid = decode_oid(parts[0], f"{where} protocol")

    pace = _suffix(oid, ID_PACE)
    if pace is not None and len(pace) == 2 and pace[0] in _PACE_KA_MAPPING:
        if pace[1] not in _CIPHERS or (pace[0] == 6 and pace[1] == 1):
            return UnknownSecurityInfo(oid, item.raw)
        ka, mapping = _PACE_KA_MAPPING[pace[0]]
        version = decode_small_int(parts[1], f"{where} PACE version", hi=0xFF)
        pid = _optional_int(parts, 2, f"{where} PACE parameterId")
        return PaceInfo(oid, version, pid, ka, mapping, _CIPHERS[pace[1]])
    if pace is not None and len(pace) == 1 and pace[0] in _PACE_KA_MAPPING:
        if parts[1].tag != TAG_SEQUENCE:
            raise ParseError(f"{where}: PACE domain parameters are not an AlgorithmIdentifier")
        pid = _optional_int(parts, 2, f"{where} PACE parameterId")
        return PaceDomainParameterInfo(oid, parts[1].raw, pid)

    ca = _suffix(oid, ID_CA)
    if ca is not None and len(ca) == 2 and ca[0] in _CA_KA and ca[1] in _CIPHERS:
        version = decode_small_int(parts[1], f"{where} CA version", hi=0xFF)
        kid = _optional_int(parts, 2, f"{where} CA keyId")
        return ChipAuthenticationInfo(oid, version, kid, _CA_KA[ca[0]], _CIPHERS[ca[1]])

    if oid in (ID_PK_DH, ID_PK_ECDH):
        _, name = spki_algorithm(parts[1].raw, f"{where} CA public key")
        if name not in ("ec", "dh"):
            name = "ec" if oid == ID_PK_ECDH else "dh"
        kid = _optional_int(parts, 2, f"{where} CA public key keyId")
        return ChipAuthenticationPublicKeyInfo(oid, parts[1].raw, name, kid)

    if oid == ID_AA:
        version = decode_small_int(parts[1], f"{where} AA version", hi=0xFF)
        if len(parts) != 3:
            raise ParseError(f"{where}: ActiveAuthenticationInfo lacks its signature algorithm")
        sig = decode_oid(parts[2], f"{where} AA signature algorithm")
        return ActiveAuthenticationInfo(oid, version, sig)

    if oid == ID_TA and parts[1].tag == TAG_INTEGER:
        return TerminalAuthenticationInfo(oid, decode_small_int(parts[1], f"{where} TA version"))

    return UnknownSecurityInfo(oid, item.raw)


def parse_security_infos(data: bytes, what: str) -> tuple[SecurityInfo, ...]:
    """Parse a DER SET OF SecurityInfo (exactly one TLV, tag 31)."""
    outer = parse_single(data, what)
    if outer.tag != TAG_SET:
        raise ParseError(f"{what}: SecurityInfos is tag {outer.tag:X}, expected SET (31)")
    items = parse_all(outer.value, depth=1)
    if not items:
        raise ParseError(f"{what}: SecurityInfos is empty")
    if len(items) > MAX_SECURITY_INFOS:
        raise LimitExceededError(f"{what}: {len(items)} SecurityInfos, cap {MAX_SECURITY_INFOS}")
    return tuple(_parse_info(item, i, what) for i, item in enumerate(items, 1))


def _pace_oid(ka: str, mapping: str, cipher: str | None) -> str:
    if mapping == "CAM" and cipher == "3DES":
        raise ValueError("PACE-CAM is defined for AES only")
    codes = {v: k for k, v in _PACE_KA_MAPPING.items()}
    ciphers = {v: k for k, v in _CIPHERS.items()}
    try:
        oid = f"{ID_PACE}.{codes[(ka, mapping)]}"
        return oid if cipher is None else f"{oid}.{ciphers[cipher]}"
    except KeyError:
        raise ValueError(f"no PACE OID for {ka}/{mapping}/{cipher}") from None


def pace_info(
    *, key_agreement: str, mapping: str, cipher: str, parameter_id: int | None, version: int = 2
) -> PaceInfo:
    """A PaceInfo with its protocol OID derived from the parts (ValueError if none exists)."""
    oid = _pace_oid(key_agreement, mapping, cipher)
    return PaceInfo(oid, version, parameter_id, key_agreement, mapping, cipher)


def encode_security_info(info: SecurityInfo) -> bytes:
    """DER of one SecurityInfo."""
    if isinstance(info, UnknownSecurityInfo):
        return info.raw
    parts = [encode_oid(info.protocol_oid)]
    if isinstance(info, PaceInfo):
        parts.append(encode_integer(info.version))
        if info.parameter_id is not None:
            parts.append(encode_integer(info.parameter_id))
    elif isinstance(info, PaceDomainParameterInfo):
        parts.append(info.domain_parameter_der)
        if info.parameter_id is not None:
            parts.append(encode_integer(info.parameter_id))
    elif isinstance(info, ChipAuthenticationInfo):
        parts.append(encode_integer(info.version))
        if info.key_id is not None:
            parts.append(encode_integer(info.key_id))
    elif isinstance(info, ChipAuthenticationPublicKeyInfo):
        parts.append(info.public_key_der)
        if info.key_id is not None:
            parts.append(encode_integer(info.key_id))
    elif isinstance(info, ActiveAuthenticationInfo):
        parts.append(encode_integer(info.version))
        parts.append(encode_oid(info.signature_algorithm_oid))
    else:
        parts.append(encode_integer(info.version))
    return sequence(*parts)


def encode_security_infos(infos: Sequence[SecurityInfo]) -> bytes:
    """DER SET OF SecurityInfo (items in DER SET order)."""
    return set_of(*(encode_security_info(i) for i in infos))
