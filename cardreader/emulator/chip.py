"""A CCCD chip emulator: the card side of ISO/IEC 7816-4 + ICAO 9303 BAC and secure messaging.

It serves the raw files of a dump like a real Vietnamese chip ID card does, quirks included:
- SELECT MF answers 6D00; EF.CardAccess is reachable directly (SELECT 011C or SFI 1C);
- the PACE set-up (MSE:Set AT) answers 6982, so readers must fall back to BAC; with
  ``ChipConfig(pace="accept")`` the chip serves PACE instead (ICAO 9303-11 4.4: ECDH generic or
  chip authentication mapping with the PACEInfos of its EF.CardAccess, MRZ or CAN password;
  a wrong password answers 6300 to the token step), then the LDS reads run under PACE's SM;
- every LDS file needs BAC first (6982 before), and then secure messaging;
- DG3 answers 6982 even after BAC;
- a READ BINARY past the end answers the remaining bytes with 6282, at/after the end 6B00;
- a wrong BAC key answers 6300;
- Le above the card's maximum answers 6700 (or 6Cxx if configured); extended length only when
  configured, and then advertised in the ATR's card capabilities;
- with an AA private key, INTERNAL AUTHENTICATE (under secure messaging) signs the challenge
  (ICAO 9303-11 6.1): RSA with ISO/IEC 9796-2 scheme 1 (trailer BC, or xx CC for another hash),
  ECDSA with the hash DG14 announces, plain r||s (or DER when configured);
- with a CA private key, chip authentication (9303-11 6.2) in the variants DG14 announces:
  MSE:Set KAT (3DES) or MSE:Set AT + GENERAL AUTHENTICATE (AES); the answer goes out under the
  old keys, then secure messaging restarts with the new keys and SSC zero;
- ``ChipConfig(cloned=True)``: the same files with fresh private keys of the same types, as a
  copied chip would have. Active and chip authentication must both catch it.
Protocol work is plain Python on bytes: the vpcd socket and in-process transports wrap it.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from cardreader.apdu import (
    SW_AUTH_FAILED,
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_INS_NOT_SUPPORTED,
    SW_OK,
    SW_SECURITY_STATUS,
    SW_SM_INCORRECT,
    SW_SM_MISSING,
    SW_WRONG_LENGTH,
    SW_WRONG_P1P2,
    CommandApdu,
    ResponseApdu,
)
from cardreader.atr import build_atr
from cardreader.bac import BacKey, session_from_key_material
from cardreader.chip_auth import (
    DhPrivateKey,
    ca_protocol_oid,
    generate_dh_key,
    session_from_secret,
)
from cardreader.errors import CardReaderError, SecureMessagingError
from cardreader.lds import tlv
from cardreader.lds.card_access import parse_card_access
from cardreader.lds.der import decode_oid
from cardreader.lds.dg14 import parse_dg14
from cardreader.lds.files import CARD_ACCESS, DG3, DG14, LdsFile
from cardreader.lds.security_infos import ID_CA, ID_PACE, ID_PK_DH, PaceInfo
from cardreader.pace.crypto import PacePassword, PaceSuite
from cardreader.pace.curve import EcGroup
from cardreader.primitives import CipherKind, des3_cbc_decrypt, des3_cbc_encrypt, pad, retail_mac
from cardreader.secure_messaging import SecureMessaging, wrapped_response_length
from cardreader.verify.active_auth import ECDSA_HASHES
from cardreader.verify.iso9796 import sign_scheme1

EMRTD_AID = bytes.fromhex("A0000002471001")

AaPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
CaPrivateKey = ec.EllipticCurvePrivateKey | DhPrivateKey

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_CA_CIPHERS = {
    "3DES": CipherKind.DES3,
    "AES-128": CipherKind.AES128,
    "AES-192": CipherKind.AES192,
    "AES-256": CipherKind.AES256,
}
SW_WRONG_DATA = 0x6A80
SW_REFERENCE_NOT_FOUND = 0x6A88


@dataclass(frozen=True, slots=True)
class ChipConfig:
    """Behaviour knobs. ``max_le``: the most plaintext bytes one READ BINARY may return."""

    max_le: int = 256
    extended: bool = False
    le_error: Literal["6700", "6C"] = "6700"
    sfi: bool = True
    pace: Literal["refuse", "accept"] = "refuse"
    # Active authentication: the RSA signature's hash ("sha1" uses trailer BC unless
    # aa_rsa_explicit_trailer; the others always name themselves in an xx CC trailer) and the
    # ECDSA signature format (plain r||s per BSI TR-03111, or DER as some chips answer).
    aa_rsa_hash: str = "sha1"
    aa_rsa_explicit_trailer: bool = False
    aa_ecdsa_der: bool = False
    # A copied chip: right files, wrong private keys (fresh ones of the same types).
    cloned: bool = False

    @property
    def atr(self) -> bytes:
        return build_atr(extended=self.extended)


class ChipEmulator:
    """The chip's state machine. Feed it command APDU bytes; it returns response bytes."""

    def __init__(
        self,
        files: dict[LdsFile, bytes],
        bac_key: BacKey,
        config: ChipConfig | None = None,
        rng: Callable[[int], bytes] = os.urandom,
        *,
        aa_key: AaPrivateKey | None = None,
        ca_keys: Mapping[int | None, CaPrivateKey] | None = None,
        can: str | None = None,
    ) -> None:
        """``aa_key``: DG15's private key (INTERNAL AUTHENTICATE); ``ca_keys``: DG14's chip
        authentication private keys by keyId (None for a key without one); ``can``: the PACE
        card access number (default for a CCCD: the last 6 digits of the ID number, i.e. of
        the 9-digit BAC document number)."""
        self.files = dict(files)
        self.bac_key = bac_key
        self.config = config or ChipConfig()
        self.rng = rng
        self.log: list[tuple[bytes, bytes]] | None = None  # set to [] to record exchanges
        self.aa_key = aa_key
        self.ca_keys: dict[int | None, CaPrivateKey] = dict(ca_keys or {})
        if self.config.cloned:
            self.aa_key = None if aa_key is None else _fresh_aa(aa_key)
            self.ca_keys = {kid: _fresh_ca(k) for kid, k in self.ca_keys.items()}
        self._ca_protocols, self._aa_hash = self._dg14_options()
        doc = bac_key.document_number
        self.can = (
            can if can is not None else (doc[-6:] if doc.isdigit() and len(doc) == 9 else None)
        )
        self._pace_infos = self._card_access_options()
        self.reset()

    def _card_access_options(self) -> tuple[PaceInfo, ...]:
        raw = self.files.get(CARD_ACCESS)
        if raw is None:
            return ()
        try:
            return parse_card_access(raw).pace_infos
        except CardReaderError:
            return ()

    def _dg14_options(self) -> tuple[set[str], str]:
        """CA protocol OIDs the chip's DG14 announces, and the ECDSA AA hash it names."""
        raw = self.files.get(DG14)
        if raw is None:
            return set(), "sha256"
        try:
            dg14 = parse_dg14(raw)
        except CardReaderError:
            return set(), "sha256"
        protocols = {i.protocol_oid for i in dg14.chip_authentication_infos}
        if not protocols:  # a key alone means the 3DES variant (see cardreader.chip_auth)
            for pk in dg14.chip_authentication_public_keys:
                protocols.add(
                    ca_protocol_oid(
                        "DH" if pk.protocol_oid == ID_PK_DH else "ECDH", CipherKind.DES3
                    )
                )
        aa = dg14.active_authentication_info
        aa_hash = "sha256"
        if aa is not None:
            aa_hash = ECDSA_HASHES.get(aa.signature_algorithm_oid, "sha256")
        return protocols, aa_hash

    @property
    def atr(self) -> bytes:
        return self.config.atr

    def reset(self) -> None:
        """Power-on state: nothing selected, no access granted."""
        self._app_selected = False
        self._current: LdsFile | None = None
        self._challenge: bytes | None = None
        self._sm: SecureMessaging | None = None
        self._pending_sm: SecureMessaging | None = None  # installed after the current answer
        self._ca_selected: tuple[CaPrivateKey, CipherKind] | None = None  # by MSE:Set AT
        self._pace: _PaceSession | None = None

    # --- entry point ------------------------------------------------------------------

    def process(self, raw: bytes) -> bytes:
        try:
            cmd = CommandApdu.from_bytes(raw)
        except CardReaderError:
            return (0x6700).to_bytes(2, "big")
        except ValueError:
            return (0x6700).to_bytes(2, "big")
        answer = self._process(cmd).to_bytes()
        if self.log is not None:
            self.log.append((bytes(raw), answer))
        return answer

    def _process(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.cla & 0x0C == 0x0C:
            sm = self._sm
            if sm is None:
                return ResponseApdu(b"", SW_SM_MISSING)
            try:
                inner = sm.chip_unprotect(cmd)
            except SecureMessagingError:
                self._sm = None  # ICAO 9303-11 9.8.6: abort secure messaging
                return ResponseApdu(b"", SW_SM_INCORRECT)
            resp = self._dispatch(inner, protected=True)
            pending, self._pending_sm = self._pending_sm, None
            if self._sm is None:  # the command ended the session
                return resp
            if resp.sw not in (SW_OK, SW_END_OF_FILE) and not resp.data:
                sm.skip_response()  # unprotected error status word; both sides count it
                return resp
            answer = sm.chip_protect(resp, odd=bool(inner.ins & 1))
            if pending is not None:
                # Chip authentication: this answer used the old keys; what follows uses the
                # new ones with SSC zero (ICAO 9303-11 6.2).
                self._sm = pending
            return answer
        if self._sm is not None and cmd.ins not in (0x84,) and not self._pace_set_at_cmd(cmd):
            # A plain command during secure messaging ends the session (9303-11 9.8.6).
            self._sm = None
            return ResponseApdu(b"", SW_SM_MISSING)
        return self._dispatch(cmd, protected=False)

    def _dispatch(self, cmd: CommandApdu, *, protected: bool) -> ResponseApdu:
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd)
        if ins in (0xB0, 0xB1):
            return self._read_binary(cmd, protected)
        if ins == 0x84:
            return self._get_challenge(cmd)
        if ins == 0x82:
            return self._external_authenticate(cmd)
        if ins == 0x88:
            return self._internal_authenticate(cmd, protected)
        if protected and self.ca_keys and ins == 0x22 and (cmd.p1, cmd.p2) == (0x41, 0xA6):
            return self._mse_set_kat(cmd)
        if protected and self.ca_keys and ins == 0x22 and (cmd.p1, cmd.p2) == (0x41, 0xA4):
            return self._mse_set_at(cmd)
        if protected and ins == 0x86 and self._ca_selected is not None:
            return self._general_authenticate(cmd)
        if not protected and self._pace_set_at_cmd(cmd):
            return self._pace_set_at(cmd)
        if not protected and ins == 0x86 and self._pace is not None:
            return self._pace_general_authenticate(cmd)
        if ins == 0x22 or ins == 0x86:
            return ResponseApdu(b"", SW_SECURITY_STATUS)  # PACE set-up refused, as CCCDs do
        return ResponseApdu(b"", SW_INS_NOT_SUPPORTED)

    # --- commands ---------------------------------------------------------------------

    def _select(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.p1 == 0x04:
            if cmd.data == EMRTD_AID:
                self._app_selected = True
                self._current = None
                return ResponseApdu(b"", SW_OK)
            return ResponseApdu(b"", SW_FILE_NOT_FOUND)
        if cmd.p1 == 0x00 and (not cmd.data or cmd.data == b"\x3f\x00"):
            return ResponseApdu(b"", SW_INS_NOT_SUPPORTED)  # the CCCD quirk: no SELECT MF
        if cmd.p1 in (0x00, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            f = self._by_fid(fid)
            if f is None:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            if f is not CARD_ACCESS:
                if not self._app_selected:
                    return ResponseApdu(b"", SW_FILE_NOT_FOUND)
                if self._sm is None:
                    return ResponseApdu(b"", SW_SECURITY_STATUS)
            self._current = f
            return ResponseApdu(b"", SW_OK)
        return ResponseApdu(b"", 0x6A86)

    def _by_fid(self, fid: int) -> LdsFile | None:
        for f in self.files:
            if f.fid == fid:
                return f
        return DG3 if fid == DG3.fid else None

    def _by_sfi(self, sfi: int) -> LdsFile | None:
        for f in self.files:
            if f.sfi == sfi:
                return f
        return DG3 if sfi == DG3.sfi else None

    def _read_binary(self, cmd: CommandApdu, protected: bool) -> ResponseApdu:
        if cmd.ins == 0xB0 and cmd.p1 & 0x80:
            if not self.config.sfi:
                return ResponseApdu(b"", 0x6A86)
            f = self._by_sfi(cmd.p1 & 0x1F)
            if f is None:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            if f is not CARD_ACCESS and not self._app_selected:
                return ResponseApdu(b"", SW_FILE_NOT_FOUND)
            offset = cmd.p2
            target = f
        elif cmd.ins == 0xB0:
            if self._current is None:
                return ResponseApdu(b"", 0x6986)
            target = self._current
            offset = (cmd.p1 << 8) | cmd.p2
        else:
            if self._current is None:
                return ResponseApdu(b"", 0x6986)
            target = self._current
            try:
                item = tlv.parse_single(cmd.data)
            except CardReaderError:
                return ResponseApdu(b"", 0x6A80)
            if item.tag != 0x54 or not 1 <= len(item.value) <= 3:
                return ResponseApdu(b"", 0x6A80)
            offset = int.from_bytes(item.value, "big")
        if target is not CARD_ACCESS and (self._sm is None or not protected):
            return ResponseApdu(b"", SW_SECURITY_STATUS)
        if target is DG3:
            return ResponseApdu(b"", SW_SECURITY_STATUS)  # fingerprints: EAC only
        self._current = target
        content = self.files[target]
        if offset >= len(content):
            return ResponseApdu(b"", SW_WRONG_P1P2)
        if cmd.extended and not self.config.extended:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        le = cmd.le if cmd.le is not None else 256
        limit = self._limit(cmd, protected)
        if cmd.ins == 0xB1:
            limit -= 4  # the 53 wrapper
        wildcard = cmd.extended and le == 65536
        if le > limit and not wildcard:
            if self.config.le_error == "6C" and limit < 256:
                return ResponseApdu(b"", 0x6C00 | limit)
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        n = min(le, limit)
        chunk = content[offset : offset + n]
        sw = SW_END_OF_FILE if len(chunk) < n and not wildcard else SW_OK
        if cmd.ins == 0xB1:
            chunk = tlv.encode(0x53, chunk)
        return ResponseApdu(chunk, sw)

    def _limit(self, cmd: CommandApdu, protected: bool) -> int:
        """Largest plaintext answer: the card's maximum, and what fits the response APDU."""
        limit = self.config.max_le
        if cmd.extended:
            return limit
        if protected and self._sm is not None:
            kind = self._sm.kind
            while limit > 0 and wrapped_response_length(limit, kind) > 256:
                limit -= 1
            return limit
        return min(limit, 256)

    def _get_challenge(self, cmd: CommandApdu) -> ResponseApdu:
        if cmd.le != 8:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        self._sm = None
        self._pace = None
        self._ca_selected = None
        self._challenge = self.rng(8)
        return ResponseApdu(self._challenge, SW_OK)

    def _external_authenticate(self, cmd: CommandApdu) -> ResponseApdu:
        challenge, self._challenge = self._challenge, None
        if challenge is None or not self._app_selected:
            return ResponseApdu(b"", 0x6985)
        if len(cmd.data) != 40:
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        k_enc, k_mac = self.bac_key.keys()
        e_ifd, m_ifd = cmd.data[:32], cmd.data[32:]
        if not hmac.compare_digest(retail_mac(k_mac, pad(e_ifd)), m_ifd):
            return ResponseApdu(b"", SW_AUTH_FAILED)
        s = des3_cbc_decrypt(k_enc, e_ifd)
        rnd_ifd, rnd_ic, k_ifd = s[:8], s[8:16], s[16:32]
        if rnd_ic != challenge:
            return ResponseApdu(b"", SW_AUTH_FAILED)
        k_ic = self.rng(16)
        e_ic = des3_cbc_encrypt(k_enc, rnd_ic + rnd_ifd + k_ic)
        m_ic = retail_mac(k_mac, pad(e_ic))
        self._sm = session_from_key_material(k_ifd, k_ic, rnd_ic, rnd_ifd)
        return ResponseApdu(e_ic + m_ic, SW_OK)

    # --- active authentication (ICAO 9303-11 6.1) ------------------------------------------

    def _internal_authenticate(self, cmd: CommandApdu, protected: bool) -> ResponseApdu:
        if self.aa_key is None:
            return ResponseApdu(b"", SW_INS_NOT_SUPPORTED)
        if not protected or self._sm is None:
            return ResponseApdu(b"", SW_SECURITY_STATUS)
        if cmd.p1 != 0 or cmd.p2 != 0:
            return ResponseApdu(b"", 0x6A86)
        if len(cmd.data) != 8 or (cmd.extended and not self.config.extended):
            return ResponseApdu(b"", SW_WRONG_LENGTH)
        key = self.aa_key
        if isinstance(key, rsa.RSAPrivateKey):
            digest = self.config.aa_rsa_hash
            explicit = self.config.aa_rsa_explicit_trailer or digest != "sha1"
            signature = sign_scheme1(
                key, cmd.data, hash_algorithm=digest, explicit_trailer=explicit, rng=self.rng
            )
            return ResponseApdu(signature, SW_OK)
        der = key.sign(cmd.data, ec.ECDSA(_HASHES[self._aa_hash]()))
        if self.config.aa_ecdsa_der:
            return ResponseApdu(der, SW_OK)
        r, s = decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return ResponseApdu(r.to_bytes(size, "big") + s.to_bytes(size, "big"), SW_OK)

    # --- chip authentication (ICAO 9303-11 6.2) ----------------------------------------------

    def _ca_key(self, items: list[tlv.Tlv]) -> CaPrivateKey | None:
        """The private key DO84 names, or the only one when there is no DO84."""
        ref = next((i for i in items if i.tag == 0x84), None)
        if ref is None:
            if len(self.ca_keys) == 1:
                return next(iter(self.ca_keys.values()))
            return self.ca_keys.get(None)
        return self.ca_keys.get(int.from_bytes(ref.value, "big"))

    @staticmethod
    def _ka(key: CaPrivateKey) -> str:
        return "DH" if isinstance(key, DhPrivateKey) else "ECDH"

    def _agree(self, key: CaPrivateKey, peer: bytes) -> bytes | None:
        """The shared secret with the terminal's ephemeral key, None if that key is invalid."""
        try:
            if isinstance(key, DhPrivateKey):
                return key.exchange(int.from_bytes(peer, "big"))
            point = ec.EllipticCurvePublicKey.from_encoded_point(key.curve, peer)
            return key.exchange(ec.ECDH(), point)
        except (ValueError, CardReaderError):
            return None

    def _mse_set_kat(self, cmd: CommandApdu) -> ResponseApdu:
        try:
            items = tlv.parse_all(cmd.data)
        except CardReaderError:
            return ResponseApdu(b"", SW_WRONG_DATA)
        key = self._ca_key(items)
        if key is None:
            return ResponseApdu(b"", SW_REFERENCE_NOT_FOUND)
        if ca_protocol_oid(self._ka(key), CipherKind.DES3) not in self._ca_protocols:
            return ResponseApdu(b"", SW_WRONG_DATA)
        peer = next((i.value for i in items if i.tag == 0x91), None)
        secret = None if peer is None else self._agree(key, peer)
        if secret is None:
            return ResponseApdu(b"", SW_WRONG_DATA)
        self._pending_sm = session_from_secret(secret, CipherKind.DES3)
        return ResponseApdu(b"", SW_OK)

    def _mse_set_at(self, cmd: CommandApdu) -> ResponseApdu:
        self._ca_selected = None
        try:
            items = tlv.parse_all(cmd.data)
            proto = next((i for i in items if i.tag == 0x80), None)
            oid = (
                ""
                if proto is None
                else decode_oid(tlv.parse_single(tlv.encode(0x06, proto.value)), "DO80")
            )
        except CardReaderError:
            return ResponseApdu(b"", SW_WRONG_DATA)
        if not oid.startswith(ID_CA + "."):
            return ResponseApdu(b"", SW_SECURITY_STATUS)  # PACE and the rest: refused
        key = self._ca_key(items)
        if key is None:
            return ResponseApdu(b"", SW_REFERENCE_NOT_FOUND)
        cipher = next(
            (
                c
                for c in _CA_CIPHERS.values()
                if c is not CipherKind.DES3 and ca_protocol_oid(self._ka(key), c) == oid
            ),
            None,
        )
        if cipher is None or oid not in self._ca_protocols:
            return ResponseApdu(b"", SW_WRONG_DATA)
        self._ca_selected = (key, cipher)
        return ResponseApdu(b"", SW_OK)

    def _general_authenticate(self, cmd: CommandApdu) -> ResponseApdu:
        selected, self._ca_selected = self._ca_selected, None
        if selected is None:
            return ResponseApdu(b"", 0x6985)
        key, cipher = selected
        try:
            template = tlv.parse_single(cmd.data)
            peer = template.find(0x80) if template.tag == 0x7C else None
        except CardReaderError:
            return ResponseApdu(b"", SW_WRONG_DATA)
        secret = None if peer is None else self._agree(key, peer.value)
        if secret is None:
            return ResponseApdu(b"", SW_WRONG_DATA)
        self._pending_sm = session_from_secret(secret, cipher)
        return ResponseApdu(b"\x7c\x00", SW_OK)

    # --- PACE (ICAO 9303-11 4.4), the chip side ----------------------------------------------

    def _pace_set_at_cmd(self, cmd: CommandApdu) -> bool:
        return (
            self.config.pace == "accept"
            and cmd.cla & 0x0C == 0
            and cmd.ins == 0x22
            and (cmd.p1, cmd.p2) == (0xC1, 0xA4)
        )

    def _pace_set_at(self, cmd: CommandApdu) -> ResponseApdu:
        """MSE:Set AT: DO80 protocol OID, DO83 password reference, DO84 parameter id."""
        self._sm = None  # starting PACE ends any earlier session
        self._pace = None
        self._ca_selected = None
        try:
            items = {i.tag: i.value for i in tlv.parse_all(cmd.data)}
            oid_value = items.get(0x80)
            oid = (
                ""
                if oid_value is None
                else decode_oid(tlv.parse_single(tlv.encode(0x06, oid_value)), "DO80")
            )
        except CardReaderError:
            return ResponseApdu(b"", SW_WRONG_DATA)
        if not oid.startswith(ID_PACE + ".") or cmd.le is not None:
            return ResponseApdu(b"", SW_WRONG_DATA)
        pid = items.get(0x84)
        info = next(
            (
                i
                for i in self._pace_infos
                if i.protocol_oid == oid
                and (pid is None or i.parameter_id == int.from_bytes(pid, "big"))
            ),
            None,
        )
        if info is None:
            return ResponseApdu(b"", SW_WRONG_DATA)
        ref = items.get(0x83)
        if ref == b"\x01":
            password = PacePassword.from_bac_key(self.bac_key)
        elif ref == b"\x02" and self.can is not None:
            password = PacePassword.can(self.can)
        else:
            return ResponseApdu(b"", SW_REFERENCE_NOT_FOUND)
        try:
            suite = PaceSuite.from_info(info)
        except CardReaderError:
            return ResponseApdu(b"", SW_WRONG_DATA)
        ca_key: ec.EllipticCurvePrivateKey | None = None
        if suite.mapping == "CAM":
            ca_key = next(
                (
                    k
                    for k in self.ca_keys.values()
                    if isinstance(k, ec.EllipticCurvePrivateKey)
                    and k.curve.name == suite.group.name
                ),
                None,
            )
            if ca_key is None:
                return ResponseApdu(b"", SW_REFERENCE_NOT_FOUND)
        self._pace = _PaceSession(suite, password.key(suite.cipher), ca_key)
        return ResponseApdu(b"", SW_OK)

    def _pace_general_authenticate(self, cmd: CommandApdu) -> ResponseApdu:
        state = self._pace
        assert state is not None
        last = state.step == 4
        if bool(cmd.cla & 0x10) == last:  # steps 1-3 chained (CLA 10), the last one not
            self._pace = None
            return ResponseApdu(b"", 0x6883)
        try:
            template = tlv.parse_single(cmd.data)
            if template.tag != 0x7C:
                raise ValueError("not 7C")
            items = {i.tag: i.value for i in template.children(depth=2)}
            answer = state.answer(items, self.rng)
        except (CardReaderError, ValueError, ArithmeticError, KeyError):
            self._pace = None
            return ResponseApdu(b"", SW_WRONG_DATA)
        if answer is None:  # the terminal's token did not verify: wrong password
            self._pace = None
            return ResponseApdu(b"", SW_AUTH_FAILED)
        if state.step > 4:
            self._pace = None
            self._sm = state.suite.secure_messaging(state.ks_enc, state.ks_mac)
            self._app_selected = False
            self._current = None
        return ResponseApdu(tlv.encode(0x7C, answer), SW_OK)


class _PaceSession:
    """The chip's PACE state between GENERAL AUTHENTICATE steps (9303-11 4.4.1)."""

    def __init__(
        self, suite: PaceSuite, k_pi: bytes, ca_key: ec.EllipticCurvePrivateKey | None
    ) -> None:
        self.suite = suite
        self.k_pi = k_pi
        self.ca_key = ca_key
        self.step = 1
        self.nonce = b""
        self.sk_map = 0
        self.mapped: EcGroup = suite.group
        self.sk_dh = 0
        self.pk_dh = b""
        self.pk_dh_ifd = b""
        self.ks_enc = b""
        self.ks_mac = b""

    def answer(self, items: dict[int, bytes], rng: Callable[[int], bytes]) -> bytes | None:
        """The dynamic authentication data of this step's answer; None = token mismatch."""
        suite, group = self.suite, self.suite.group
        step = self.step
        if step == 1:
            if items:
                raise ValueError("step 1 carries no data")
            self.nonce = rng(suite.cipher.block_size)
            out = tlv.encode(0x80, suite.encrypt_nonce(self.k_pi, self.nonce))
        elif step == 2:
            pk_map_ifd = group.decode(items[0x81], "PK_Map,IFD")
            self.sk_map = group.random_scalar(rng)
            pk_map = group.encode(group.multiply(self.sk_map, group.g))
            if pk_map == items[0x81]:
                raise ValueError("mapping keys equal")
            shared = group.multiply(self.sk_map, pk_map_ifd)
            self.mapped = suite.map_generator(self.nonce, shared)
            out = tlv.encode(0x82, pk_map)
        elif step == 3:
            mapped = self.mapped
            self.pk_dh_ifd = items[0x83]
            peer = mapped.decode(self.pk_dh_ifd, "PK_DH,IFD")
            self.sk_dh = mapped.random_scalar(rng)
            self.pk_dh = mapped.encode(mapped.multiply(self.sk_dh, mapped.g))
            if self.pk_dh == self.pk_dh_ifd:
                raise ValueError("ephemeral keys equal")
            secret = suite.shared_secret(mapped, self.sk_dh, peer)
            self.ks_enc, self.ks_mac = suite.session(secret)
            out = tlv.encode(0x84, self.pk_dh)
        else:
            expected = suite.token(self.ks_mac, self.pk_dh)
            if not hmac.compare_digest(items.get(0x85, b""), expected):
                return None
            out = tlv.encode(0x86, suite.token(self.ks_mac, self.pk_dh_ifd))
            if self.ca_key is not None:  # chip authentication mapping (9303-11 4.4.3.5)
                sk_ic = self.ca_key.private_numbers().private_value
                a_ic = pow(sk_ic, -1, group.n) * self.sk_map % group.n
                out += tlv.encode(0x8A, suite.encrypt_ca_data(self.ks_enc, a_ic))
        self.step += 1
        return out


def _fresh_aa(key: AaPrivateKey) -> AaPrivateKey:
    """A new key of the same type and size (a clone's key: right type, wrong value)."""
    if isinstance(key, rsa.RSAPrivateKey):
        return rsa.generate_private_key(65537, key.key_size)
    return ec.generate_private_key(key.curve)


def _fresh_ca(key: CaPrivateKey) -> CaPrivateKey:
    if isinstance(key, DhPrivateKey):
        return generate_dh_key(key.domain)
    return ec.generate_private_key(key.curve)
