"""Load a SubjectPublicKeyInfo into a pyca/cryptography public key, explicit EC parameters too.

RFC 5280 4.1.2.7 / RFC 3279 2.3: ``SubjectPublicKeyInfo ::= SEQUENCE { algorithm
AlgorithmIdentifier, subjectPublicKey BIT STRING }``.

- RSA (``rsaEncryption``, and ``id-RSASSA-PSS`` keys, RFC 4055 1.2, whose parameters only
  restrict how the key may be used: the modulus and exponent are loaded the same way).
- EC (``id-ecPublicKey``, RFC 3279 2.3.5 / RFC 5480): ``ECParameters ::= CHOICE { namedCurve
  OBJECT IDENTIFIER, implicitCurve NULL, specifiedCurve SpecifiedECDomain }``. ICAO Doc 9303-12
  (7.1.1, "Certificate profile") allows both forms for CSCA and DS keys and BSI TR-03111 4.1
  requires explicit parameters in some contexts, so real CSCAs (Vietnam's brainpoolP512r1 key
  among them) carry ``specifiedCurve``. pyca/cryptography refuses those except for P-256/384/521,
  so the parameters (p, a, b, G, n, h; X9.62 / SEC 1 C.2) are matched against the named-curve
  table in :mod:`cardreader.verify.curves` and the point is loaded on the named curve.

Everything wrong with the bytes is a :class:`ParseError`; a well-formed key the verifier cannot
use (DSA, binary-field or unknown curves, implicitCA) is an :class:`UnsupportedAlgorithmError`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import core
from asn1crypto import keys as asn1_keys
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import ObjectIdentifier

from cardreader.errors import LimitExceededError, ParseError, UnsupportedAlgorithmError
from cardreader.verify.curves import CURVES_BY_OID, NamedCurveParameters, find_curve

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey

MAX_SPKI_BYTES = 8 * 1024  # an RSA-16384 key is ~2 KB; explicit P-521 parameters ~0.5 KB
MAX_RSA_BITS = 16384

OID_RSA = "1.2.840.113549.1.1.1"
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_DSA = "1.2.840.10040.4.1"
OID_PRIME_FIELD = "1.2.840.10045.1.1"
OID_CHARACTERISTIC_TWO_FIELD = "1.2.840.10045.1.2"


@dataclass(frozen=True, slots=True)
class LoadedPublicKey:
    """A loaded key and how it was encoded.

    ``algorithm`` is "rsa" or "ec"; ``curve`` the named curve ("brainpoolP512r1") for EC keys;
    ``explicit_parameters`` tells that the SPKI carried specifiedCurve parameters that were
    matched to ``curve``; ``key_size`` is the modulus or field size in bits.
    """

    key: PublicKey = field(repr=False)
    algorithm: str
    curve: str | None
    explicit_parameters: bool
    key_size: int

    def describe(self) -> str:
        if self.algorithm == "rsa":
            return f"RSA-{self.key_size}"
        explicit = " (explicit parameters)" if self.explicit_parameters else ""
        return f"EC {self.curve}{explicit}"


def load_public_key(spki_der: bytes) -> PublicKey:
    """The public key in a DER SubjectPublicKeyInfo (RSA or EC, explicit curves included)."""
    return load_public_key_info(spki_der).key


# Loading is a pure function of the bytes and keys are immutable: a kiosk checks the same few
# document-signer keys on every card, so remember the last ones loaded.
_LOADED: dict[bytes, LoadedPublicKey] = {}
_LOADED_MAX = 256
_LOADED_LOCK = threading.Lock()


def load_public_key_info(spki_der: bytes) -> LoadedPublicKey:
    """Like :func:`load_public_key`, also telling the curve and whether it was explicit."""
    spki_der = bytes(spki_der)
    cached = _LOADED.get(spki_der)
    if cached is not None:
        return cached
    loaded = _load(spki_der)
    with _LOADED_LOCK:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[spki_der] = loaded
    return loaded


def _load(spki_der: bytes) -> LoadedPublicKey:
    if len(spki_der) > MAX_SPKI_BYTES:
        raise LimitExceededError(
            f"public key: {len(spki_der)} bytes, above the cap of {MAX_SPKI_BYTES}"
        )
    try:
        info = asn1_keys.PublicKeyInfo.load(spki_der, strict=True)
        algorithm = info["algorithm"]
        oid = algorithm["algorithm"].dotted
        if oid in (OID_RSA, OID_RSASSA_PSS):
            return _load_rsa(info)
        if oid == OID_EC_PUBLIC_KEY:
            return _load_ec(algorithm["parameters"], _bit_string_bytes(info["public_key"]))
    except (ParseError, UnsupportedAlgorithmError):
        raise
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/... on hostile input
        raise ParseError(
            f"public key: malformed SubjectPublicKeyInfo ({type(exc).__name__}: {exc})"
        ) from exc
    if oid == OID_DSA:
        raise UnsupportedAlgorithmError("public key: DSA keys are not used in eMRTD PKI")
    raise UnsupportedAlgorithmError(f"public key: unsupported key algorithm {oid}")


def _bit_string_bytes(value: Any) -> bytes:
    raw = bytes(value.contents)
    if not raw or raw[0] != 0:
        raise ParseError("public key: subjectPublicKey BIT STRING has unused bits")
    return raw[1:]


def _load_rsa(info: Any) -> LoadedPublicKey:
    # Parse the RSAPublicKey ourselves so id-RSASSA-PSS keys load like rsaEncryption ones.
    rsa_key = asn1_keys.RSAPublicKey.load(_bit_string_bytes(info["public_key"]), strict=True)
    n = int(rsa_key["modulus"].native)
    e = int(rsa_key["public_exponent"].native)
    bits = n.bit_length()
    if bits > MAX_RSA_BITS:
        raise LimitExceededError(f"public key: RSA modulus of {bits} bits, above {MAX_RSA_BITS}")
    if bits < 512 or e < 3 or e % 2 == 0 or e >= n:
        raise ParseError(f"public key: implausible RSA key (modulus {bits} bits, exponent {e})")
    try:
        key = rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise ParseError(f"public key: invalid RSA key ({exc})") from exc
    return LoadedPublicKey(key, "rsa", None, False, bits)


def _load_ec(params: Any, point: bytes) -> LoadedPublicKey:
    if params.name == "named":
        oid = params.chosen.dotted
        named = CURVES_BY_OID.get(oid)
        curve_name = named.name if named is not None else oid
        return _on_curve(named, curve_name, point, explicit=False, oid=oid)
    if params.name == "implicit_ca":
        raise UnsupportedAlgorithmError(
            "public key: EC key with implicitCA parameters (the curve is not stated)"
        )
    named = _match_specified(params.chosen)
    return _on_curve(named, named.name, point, explicit=True, oid=named.oid)


def _on_curve(
    named: NamedCurveParameters | None, curve_name: str, point: bytes, *, explicit: bool, oid: str
) -> LoadedPublicKey:
    curve = named.cryptography_curve if named is not None else None
    if curve is None:
        curve = _other_named_curve(oid)
    if curve is None:
        raise UnsupportedAlgorithmError(f"public key: unsupported elliptic curve {curve_name}")
    if not point or point[0] not in (2, 3, 4):
        raise ParseError(f"public key: EC point on {curve_name} is not a SEC 1 encoded point")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
    except ValueError as exc:
        raise ParseError(f"public key: EC point is not on {curve_name} ({exc})") from exc
    return LoadedPublicKey(key, "ec", curve_name, explicit, curve.key_size)


def _other_named_curve(oid: str) -> ec.EllipticCurve | None:
    """A named curve outside our table that pyca/cryptography still knows (sect* etc.)."""
    try:
        return ec.get_curve_for_oid(ObjectIdentifier(oid))()
    except (LookupError, UnsupportedAlgorithm, ValueError):
        return None


def _int_from_octets(value: Any) -> int:
    return int.from_bytes(bytes(value.native), "big")


def _match_specified(domain: Any) -> NamedCurveParameters:
    """Match X9.62 SpecifiedECDomain parameters to a named curve (or refuse)."""
    field_id = domain["field_id"]
    field_type = field_id["field_type"].dotted
    if field_type == OID_CHARACTERISTIC_TWO_FIELD:
        raise UnsupportedAlgorithmError(
            "public key: explicit EC parameters over a binary field (characteristic two)"
        )
    if field_type != OID_PRIME_FIELD:
        raise ParseError(f"public key: explicit EC parameters with field type {field_type}")
    parameters = field_id["parameters"]
    if not isinstance(parameters, core.Integer):
        parameters = core.Integer.load(parameters.dump(), strict=True)
    p = int(parameters.native)
    if p <= 3:
        raise ParseError("public key: explicit EC parameters with a field prime below 5")
    curve = domain["curve"]
    a = _int_from_octets(curve["a"])
    b = _int_from_octets(curve["b"])
    n = int(domain["order"].native)
    named = find_curve(p, a, b, n)
    if named is None:
        raise UnsupportedAlgorithmError(
            f"public key: explicit EC parameters over a {p.bit_length()}-bit prime field "
            "match no named curve"
        )
    cofactor = domain["cofactor"]
    if not isinstance(cofactor, core.Void) and int(cofactor.native) != named.h:
        raise ParseError(f"public key: explicit {named.name} parameters with a wrong cofactor")
    if not _same_point(bytes(domain["base"].native), named):
        raise ParseError(f"public key: explicit {named.name} parameters with a wrong generator")
    return named


def _same_point(encoded: bytes, named: NamedCurveParameters) -> bool:
    """SEC 1 2.3.4: uncompressed 04||x||y, compressed 02/03||x (parity of y), hybrid 06/07."""
    size = named.field_bytes
    if len(encoded) == 1 + 2 * size and encoded[0] in (4, 6, 7):
        x = int.from_bytes(encoded[1 : 1 + size], "big")
        y = int.from_bytes(encoded[1 + size :], "big")
        if encoded[0] != 4 and (encoded[0] & 1) != (y & 1):
            return False
        return x == named.gx and y == named.gy
    if len(encoded) == 1 + size and encoded[0] in (2, 3):
        x = int.from_bytes(encoded[1:], "big")
        return x == named.gx and (encoded[0] & 1) == (named.gy & 1)
    return False


def named_curve_spki(key: PublicKey) -> bytes:
    """The key re-encoded as a DER SubjectPublicKeyInfo (EC keys with their namedCurve OID)."""
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
