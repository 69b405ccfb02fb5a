"""Chip authentication (ICAO Doc 9303-11 section 6.2; BSI TR-03110-1 3.4 / TR-03110-3), the
inspection-system side, and the key agreement pieces the chip emulator shares.

The chip's static key pair (public half in DG14's ChipAuthenticationPublicKeyInfo, covered by
passive authentication) is combined with an ephemeral key pair of ours by (EC)DH. Both sides
derive new secure-messaging keys from the shared secret; only a chip holding the static
private key can answer under them, so the first protected exchange after the switch proves the
chip genuine (implicit authentication, 9303-11 6.2).

Protocol, as implemented (ICAO 9303-11 6.2 and its command APDUs; ChipAuthenticationInfo and
ChipAuthenticationPublicKeyInfo of 9303-11 9.2; BSI TR-03110-3 for MSE:Set KAT, MSE:Set AT and
GENERAL AUTHENTICATE):
- Choice: every ChipAuthenticationInfo with a matching public key (same keyId; key agreement
  id-CA-DH-* <-> id-PK-DH, id-CA-ECDH-* <-> id-PK-ECDH) is a candidate; the strongest cipher
  wins (AES-256 > AES-192 > AES-128 > 3DES). A DG14 with a public key but no
  ChipAuthenticationInfo means the 3DES variant (as in the first-generation passports).
- 3DES variant: MSE:Set KAT ``00 22 41 A6`` with DO91 = our ephemeral public key and DO84 =
  the key reference. 9303-11 requires DO84 only when the key is ambiguous (several keys); it is
  sent whenever DG14 names the key, as real chips accept it then (a recorded German passport
  session, replayed in the tests, does exactly this).
- AES variant: MSE:Set AT ``00 22 41 A4`` with DO80 = the protocol OID and DO84 as above, then
  GENERAL AUTHENTICATE ``00 86 00 00`` with ``7C { 80 ephemeral public key }``, Le 00; the
  chip answers ``7C 00``.
- Both commands run under the current (BAC) secure messaging and their answers come protected
  with the old keys. Then K = KA(our private key, chip public key): for ECDH the x-coordinate of
  the shared point (TR-03111 4.3.1, ECKA-DH), for DH the shared value as an octet string of
  the length of p; KS_Enc = KDF(K, 1), KS_MAC = KDF(K, 2) (9303-11 9.7.1) with the cipher of
  the protocol, and the send sequence counter restarts at zero (9303-11 6.2: secure messaging
  is restarted with the new keys; the recorded sessions replayed in the tests confirm SSC 0).
  :attr:`SecureChannel.sm` is replaced.
- Proof: one cheap protected command under the new keys, READ BINARY of EF.COM's first byte by
  short file identifier (SELECT of EF.COM as a fallback); its answer must come protected and
  its MAC must verify. A chip without the private key derives other keys: it rejects our MAC
  (6988) or answers with a MAC we reject.

Ephemeral keys: EC public keys are sent as uncompressed points (X9.62 / TR-03111 3.2.1), DH
public keys as the unsigned integer padded to the length of p. The ephemeral private key is
drawn from ``rng`` by rejection sampling, so a recorded session can be replayed exactly.

Finite-field DH is done here with Python integers (pyca/cryptography deprecates FFDH): the
values are public-key sized and the exponents short, so this costs about a millisecond.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.apdu import SW_OK, CommandApdu, ResponseApdu, describe_sw
from cardreader.channel import SecureChannel
from cardreader.errors import (
    CardReaderError,
    LimitExceededError,
    ParseError,
    SecureMessagingError,
    TransportError,
    UnsupportedAlgorithmError,
)
from cardreader.lds import tlv
from cardreader.lds.der import (
    TAG_BIT_STRING,
    TAG_INTEGER,
    TAG_OID,
    TAG_SEQUENCE,
    decode_oid,
    encode_integer,
    encode_oid,
    sequence,
)
from cardreader.lds.dg14 import Dg14
from cardreader.lds.files import COM
from cardreader.lds.security_infos import (
    ID_CA,
    ID_PK_DH,
    ID_PK_ECDH,
    OID_DH_PKCS3,
    OID_DH_X942,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
)
from cardreader.primitives import KDF_ENC, KDF_MAC, CipherKind, kdf
from cardreader.secure_messaging import SecureMessaging
from cardreader.verify.curves import CURVES_BY_NAME
from cardreader.verify.keys import load_public_key_info

Random = Callable[[int], bytes]

INS_MSE = 0x22
INS_GENERAL_AUTHENTICATE = 0x86
P1P2_SET_KAT = (0x41, 0xA6)  # MSE:Set KAT, 3DES variant (9303-11 6.2)
P1P2_SET_AT = (0x41, 0xA4)  # MSE:Set AT for internal authentication, AES variant (6.2)

MAX_DH_BITS = 4096

_CIPHERS: dict[int, CipherKind] = {
    1: CipherKind.DES3,
    2: CipherKind.AES128,
    3: CipherKind.AES192,
    4: CipherKind.AES256,
}
_CIPHER_RANK = {
    CipherKind.DES3: 0,
    CipherKind.AES128: 1,
    CipherKind.AES192: 2,
    CipherKind.AES256: 3,
}
_CIPHER_BY_NAME = {kind.value: kind for kind in CipherKind}
_KA_CODE = {"DH": 1, "ECDH": 2}


def ca_protocol_oid(key_agreement: str, cipher: CipherKind) -> str:
    """id-CA-<DH|ECDH>-<cipher> (BSI TR-03110-3 A.1.1.2 / ICAO 9303-11 9.2.6)."""
    code = {v: k for k, v in _CIPHERS.items()}[cipher]
    return f"{ID_CA}.{_KA_CODE[key_agreement]}.{code}"


def ca_protocol_name(oid: str) -> str:
    """A readable name for a CA protocol OID ("id-CA-ECDH-AES-CBC-CMAC-128"), else the OID."""
    parts = oid.removeprefix(ID_CA + ".").split(".")
    if not oid.startswith(ID_CA + ".") or len(parts) != 2:
        return oid
    ka = {"1": "DH", "2": "ECDH"}.get(parts[0])
    cipher = {
        "1": "3DES-CBC-CBC",
        "2": "AES-CBC-CMAC-128",
        "3": "AES-CBC-CMAC-192",
        "4": "AES-CBC-CMAC-256",
    }.get(parts[1])
    if ka is None or cipher is None:
        return oid
    return f"id-CA-{ka}-{cipher}"


# --- finite-field Diffie-Hellman ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DhDomain:
    """Finite-field DH domain parameters: prime p, generator g, subgroup order q (X9.42) or
    None (PKCS #3 parameters do not state it)."""

    p: int
    g: int
    q: int | None = None

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def check_public(self, y: int, what: str) -> None:
        """Reject public values outside 2..p-2 or outside the subgroup (TR-03110-3 A.2.1)."""
        if not 1 < y < self.p - 1:
            raise ParseError(f"{what}: DH public value outside 2..p-2")
        if self.q is not None and pow(y, self.q, self.p) != 1:
            raise ParseError(f"{what}: DH public value not in the subgroup of order q")


@dataclass(frozen=True, slots=True)
class DhPublicKey:
    domain: DhDomain
    y: int

    def encoded(self) -> bytes:
        """The public value as sent in DO91 / DO80: unsigned, the length of p."""
        return self.y.to_bytes(self.domain.size, "big")


@dataclass(frozen=True, slots=True)
class DhPrivateKey:
    domain: DhDomain
    x: int = field(repr=False)

    def public_key(self) -> DhPublicKey:
        return DhPublicKey(self.domain, pow(self.domain.g, self.x, self.domain.p))

    def exchange(self, peer_y: int) -> bytes:
        """The shared secret, as an octet string the length of p."""
        self.domain.check_public(peer_y, "DH peer key")
        return pow(peer_y, self.x, self.domain.p).to_bytes(self.domain.size, "big")

    def public_key_der(self) -> bytes:
        """SubjectPublicKeyInfo with dhpublicnumber (ANSI X9.42) parameters {p, g, q}."""
        d = self.domain
        params = [encode_integer(d.p), encode_integer(d.g)]
        if d.q is not None:
            params.append(encode_integer(d.q))
        algorithm = sequence(encode_oid(OID_DH_X942), sequence(*params))
        y = encode_integer(self.public_key().y)
        return sequence(algorithm, tlv.encode(TAG_BIT_STRING, b"\x00" + y))


def generate_dh_key(domain: DhDomain, rng: Random = os.urandom) -> DhPrivateKey:
    return DhPrivateKey(domain, _dh_exponent(domain, rng))


# RFC 5114 2.1, "1024-bit MODP Group with 160-bit Prime Order Subgroup"; ICAO 9303-11 9.5.1
# standardized domain parameter 0 (MODP-1024-160).
MODP_1024_160 = DhDomain(
    p=int(
        "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D18"
        "9838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A7372"
        "4EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708"
        "DF1FB2BC2E4A4371",
        16,
    ),
    g=int(
        "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B"
        "777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76"
        "A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24"
        "855E6EEB22B3B2E5",
        16,
    ),
    q=int("F518AA8781A8DF278ABA4E7D64B7CB9D49462353", 16),
)


def _int_of(item: tlv.Tlv, what: str) -> int:
    if item.tag != TAG_INTEGER or not item.value:
        raise ParseError(f"{what}: expected a non-empty INTEGER")
    if item.value[0] & 0x80:
        raise ParseError(f"{what}: negative INTEGER")
    return int.from_bytes(item.value, "big")


def load_dh_public_key(spki_der: bytes) -> DhPublicKey:
    """A DH SubjectPublicKeyInfo: dhpublicnumber (X9.42 {p, g, q, ...}) or dhKeyAgreement
    (PKCS #3 {p, g, privateValueLength?}); the BIT STRING holds INTEGER y."""
    what = "DH public key"
    spki = tlv.parse_single(spki_der, what)
    if spki.tag != TAG_SEQUENCE:
        raise ParseError(f"{what}: not a SEQUENCE")
    parts = spki.children(depth=4)
    if len(parts) != 2 or parts[0].tag != TAG_SEQUENCE or parts[1].tag != TAG_BIT_STRING:
        raise ParseError(f"{what}: not {{AlgorithmIdentifier, BIT STRING}}")
    alg = parts[0].children(depth=3)
    if len(alg) != 2 or alg[0].tag != TAG_OID or alg[1].tag != TAG_SEQUENCE:
        raise ParseError(f"{what}: AlgorithmIdentifier lacks DH domain parameters")
    oid = decode_oid(alg[0], f"{what} algorithm")
    if oid not in (OID_DH_X942, OID_DH_PKCS3):
        raise UnsupportedAlgorithmError(f"{what}: algorithm {oid} is not DH")
    params = alg[1].children(depth=2)
    if len(params) < 2:
        raise ParseError(f"{what}: domain parameters need at least p and g")
    p = _int_of(params[0], f"{what} p")
    g = _int_of(params[1], f"{what} g")
    if p.bit_length() > MAX_DH_BITS:
        raise LimitExceededError(f"{what}: {p.bit_length()}-bit prime, above {MAX_DH_BITS}")
    if p.bit_length() < 512 or p % 2 == 0 or not 1 < g < p - 1:
        raise ParseError(f"{what}: implausible domain parameters")
    q: int | None = None
    if oid == OID_DH_X942:
        if len(params) < 3:
            raise ParseError(f"{what}: X9.42 domain parameters lack q")
        q = _int_of(params[2], f"{what} q")
        if not 1 < q < p or (p - 1) % q:
            raise ParseError(f"{what}: q does not divide p - 1")
    bits = parts[1].value
    if not bits or bits[0] != 0:
        raise ParseError(f"{what}: public key BIT STRING has unused bits")
    y = _int_of(tlv.parse_single(bits[1:], f"{what} value"), f"{what} y")
    domain = DhDomain(p, g, q)
    domain.check_public(y, what)
    return DhPublicKey(domain, y)


def _dh_exponent(domain: DhDomain, rng: Random) -> int:
    bound = domain.q if domain.q is not None else domain.p - 1
    size = (bound.bit_length() + 7) // 8
    mask = (1 << bound.bit_length()) - 1
    for _ in range(64):
        x = int.from_bytes(rng(size), "big") & mask
        if 1 < x < bound - 1:
            return x
    raise ValueError("the random source gave no usable DH exponent in 64 draws")


# --- EC -------------------------------------------------------------------------------------


def ec_private_key_from_rng(curve: ec.EllipticCurve, rng: Random) -> ec.EllipticCurvePrivateKey:
    """An EC private key whose scalar is the first rng draw (cut to the bit length of the
    order n) in 1..n-1: rejection sampling, unbiased, and a recorded scalar replays as itself."""
    params = CURVES_BY_NAME.get(curve.name)
    if params is None:
        raise UnsupportedAlgorithmError(f"chip authentication: no order known for {curve.name}")
    size = (params.n.bit_length() + 7) // 8
    mask = (1 << params.n.bit_length()) - 1
    for _ in range(64):
        d = int.from_bytes(rng(size), "big") & mask  # surplus top bits off (P-521: 7 bits)
        if 0 < d < params.n:
            return ec.derive_private_key(d, curve)
    raise ValueError("the random source gave no usable EC scalar in 64 draws")


def ec_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def session_from_secret(secret: bytes, cipher: CipherKind) -> SecureMessaging:
    """New secure messaging from the CA shared secret: KDF(K, 1), KDF(K, 2), SSC zero."""
    return SecureMessaging(
        kdf(secret, KDF_ENC, cipher),
        kdf(secret, KDF_MAC, cipher),
        bytes(cipher.block_size),
        cipher,
    )


# --- choosing the protocol ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaPlan:
    """What the inspection system will run: protocol, cipher and the chip key to use."""

    protocol_oid: str
    key_agreement: str  # "ECDH" | "DH"
    cipher: CipherKind
    public_key: ChipAuthenticationPublicKeyInfo
    key_id: int | None
    send_key_id: bool  # DO84 goes with the command: DG14 names the key
    inferred: bool = False  # no ChipAuthenticationInfo: 3DES assumed

    @property
    def name(self) -> str:
        return ca_protocol_name(self.protocol_oid)


def _ka_of(pk: ChipAuthenticationPublicKeyInfo) -> str:
    if pk.protocol_oid == ID_PK_DH or pk.algorithm == "dh":
        return "DH"
    return "ECDH"


def plan_chip_authentication(dg14: Dg14) -> CaPlan | None:
    """The protocol to run for this DG14, or None when it offers no chip authentication."""
    keys = [
        k for k in dg14.chip_authentication_public_keys if k.protocol_oid in (ID_PK_DH, ID_PK_ECDH)
    ]
    if not keys:
        return None
    several = len(keys) > 1
    infos: tuple[ChipAuthenticationInfo, ...] = dg14.chip_authentication_infos
    candidates: list[CaPlan] = []
    if not infos:
        # First-generation EAC passports (before ChipAuthenticationInfo existed): a public key
        # alone means the 3DES variant with the key's agreement.
        for key in keys:
            ka = _ka_of(key)
            oid = ca_protocol_oid(ka, CipherKind.DES3)
            candidates.append(
                CaPlan(
                    oid,
                    ka,
                    CipherKind.DES3,
                    key,
                    key.key_id,
                    key.key_id is not None,
                    inferred=True,
                )
            )
    for info in infos:
        cipher = _CIPHER_BY_NAME.get(info.cipher)
        if cipher is None:
            continue
        for key in keys:
            if _ka_of(key) != info.key_agreement:
                continue
            if info.key_id is not None and key.key_id is not None and info.key_id != key.key_id:
                continue
            if info.key_id is not None and key.key_id is None and several:
                continue
            key_id = info.key_id if info.key_id is not None else key.key_id
            candidates.append(
                CaPlan(
                    info.protocol_oid,
                    info.key_agreement,
                    cipher,
                    key,
                    key_id,
                    key_id is not None,
                )
            )
    if not candidates:
        raise UnsupportedAlgorithmError(
            "DG14: no ChipAuthenticationInfo matches a chip authentication public key"
        )
    candidates.sort(key=lambda c: (_CIPHER_RANK[c.cipher], c.key_agreement == "ECDH"), reverse=True)
    return candidates[0]


# --- the inspection-system side ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChipAuthResult:
    """Outcome of chip authentication.

    ``performed`` is False when DG14 offers no chip authentication or uses something we cannot
    run (then nothing is known about the chip). ``ok`` is meaningful only when performed: False
    means the chip did not prove it holds the DG14 key (clone suspected). After a failure the
    secure channel is unusable: read everything else first.
    """

    performed: bool
    ok: bool
    protocol: str
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {
            "performed": self.performed,
            "ok": self.ok if self.performed else None,
            "protocol": self.protocol,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class _Ephemeral:
    public: bytes  # as sent to the chip
    secret: bytes  # shared secret K


def _agree(plan: CaPlan, rng: Random) -> _Ephemeral:
    if plan.key_agreement == "DH":
        chip_dh = load_dh_public_key(plan.public_key.public_key_der)
        ours = generate_dh_key(chip_dh.domain, rng)
        return _Ephemeral(ours.public_key().encoded(), ours.exchange(chip_dh.y))
    loaded = load_public_key_info(plan.public_key.public_key_der)
    chip_ec = loaded.key
    if not isinstance(chip_ec, ec.EllipticCurvePublicKey):
        raise ParseError("DG14: the ECDH chip authentication key is not an EC key")
    private = ec_private_key_from_rng(chip_ec.curve, rng)
    secret = private.exchange(ec.ECDH(), chip_ec)  # the x-coordinate (TR-03111 4.3.1)
    return _Ephemeral(ec_point(private.public_key()), secret)


def _oid_value(dotted: str) -> bytes:
    """The content octets of an OID (DO80 carries them without the 06 tag)."""
    return tlv.parse_single(encode_oid(dotted), "OID").value


def _key_reference(key_id: int) -> bytes:
    return tlv.encode(0x84, key_id.to_bytes(max(1, (key_id.bit_length() + 7) // 8), "big"))


def _refused(step: str, resp: ResponseApdu) -> str:
    return f"the chip refused {step} ({resp.sw:04X}: {describe_sw(resp.sw)})"


def _prove(channel: SecureChannel) -> str | None:
    """One protected exchange under the new keys; None when its answer verified, else why not."""
    sm = channel.sm
    commands = (
        ("READ BINARY of EF.COM", CommandApdu(0x00, 0xB0, 0x80 | COM.sfi, 0x00, le=1)),
        ("SELECT EF.COM", CommandApdu(0x00, 0xA4, 0x02, 0x0C, COM.fid.to_bytes(2, "big"))),
    )
    last = ""
    for name, command in commands:
        raw = channel.exchange(sm.protect(command))
        protected = bool(raw.data)
        sm.unprotect(raw)  # raises SecureMessagingError: wrong MAC, or the chip rejected ours
        if protected:
            return None
        last = f"{name} answered {raw.sw:04X} without secure messaging"
    return f"the chip did not answer under the new keys ({last})"


def run_chip_authentication(
    channel: SecureChannel,
    dg14: Dg14 | None,
    *,
    rng: Random = os.urandom,
) -> ChipAuthResult:
    """Run chip authentication over an open secure channel and switch it to the new keys.

    A lost card or reader raises TransportError. Everything else is a result; see
    :class:`ChipAuthResult`. ``rng`` supplies the ephemeral private key (see module docstring).
    """
    if dg14 is None:
        return ChipAuthResult(
            False, False, "", "DG14 absent: the chip offers no chip authentication"
        )
    try:
        plan = plan_chip_authentication(dg14)
    except UnsupportedAlgorithmError as exc:
        return ChipAuthResult(False, False, "", f"not run: {exc.message}")
    if plan is None:
        return ChipAuthResult(False, False, "", "DG14 holds no chip authentication key")
    try:
        ephemeral = _agree(plan, rng)
    except UnsupportedAlgorithmError as exc:
        return ChipAuthResult(False, False, plan.name, f"not run: {exc.message}")
    except ParseError as exc:
        return ChipAuthResult(False, False, plan.name, f"DG14 key unusable: {exc.message}")

    key_ref = _key_reference(plan.key_id) if plan.send_key_id and plan.key_id is not None else b""
    switched = False
    try:
        if plan.cipher is CipherKind.DES3:
            data = tlv.encode(0x91, ephemeral.public) + key_ref
            resp = channel.send(CommandApdu(0x00, INS_MSE, *P1P2_SET_KAT, data))
            if resp.sw != SW_OK:
                return ChipAuthResult(True, False, plan.name, _refused("MSE:Set KAT", resp))
        else:
            data = tlv.encode(0x80, _oid_value(plan.protocol_oid)) + key_ref
            resp = channel.send(CommandApdu(0x00, INS_MSE, *P1P2_SET_AT, data))
            if resp.sw != SW_OK:
                return ChipAuthResult(True, False, plan.name, _refused("MSE:Set AT", resp))
            dyn = tlv.encode(0x7C, tlv.encode(0x80, ephemeral.public))
            resp = channel.send(CommandApdu(0x00, INS_GENERAL_AUTHENTICATE, 0, 0, dyn, le=256))
            if resp.sw != SW_OK:
                return ChipAuthResult(
                    True, False, plan.name, _refused("GENERAL AUTHENTICATE", resp)
                )
            if not resp.data.startswith(b"\x7c"):
                return ChipAuthResult(
                    True,
                    False,
                    plan.name,
                    "GENERAL AUTHENTICATE answer is not a dynamic authentication template (7C)",
                )
        switched = True
        channel.sm = session_from_secret(ephemeral.secret, plan.cipher)
        problem = _prove(channel)
    except TransportError:
        raise
    except SecureMessagingError as exc:
        phase = "under the new keys" if switched else "during the chip authentication set-up"
        return ChipAuthResult(
            True,
            False,
            plan.name,
            f"secure messaging {phase} failed: {exc.message}",
        )
    except CardReaderError as exc:
        return ChipAuthResult(True, False, plan.name, exc.message)
    if problem is not None:
        return ChipAuthResult(True, False, plan.name, problem)
    inferred = " (3DES assumed: DG14 has no ChipAuthenticationInfo)" if plan.inferred else ""
    return ChipAuthResult(
        True,
        True,
        plan.name,
        f"the chip proved its DG14 key: secure messaging restarted with {plan.cipher.value} "
        f"session keys{inferred}",
    )
