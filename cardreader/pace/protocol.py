"""PACE, the inspection-system side (ICAO Doc 9303-11 4.4; APDUs per 4.4.4 and BSI TR-03110-3).

    MSE:Set AT      00 22 C1 A4  80 <OID> 83 <password ref> [84 <parameter id>]   (no Le)
    GA 1 (chained)  10 86 00 00  7C 00                       -> 7C { 80 encrypted nonce }
    GA 2 (chained)  10 86 00 00  7C { 81 PK_Map,IFD }        -> 7C { 82 PK_Map,IC }
    GA 3 (chained)  10 86 00 00  7C { 83 PK_DH,IFD }         -> 7C { 84 PK_DH,IC }
    GA 4 (last)     00 86 00 00  7C { 85 T_IFD }             -> 7C { 86 T_IC [8A CA_IC] }

Every GENERAL AUTHENTICATE carries Le 00. DO84 (parameter id) is sent only when EF.CardAccess
lists several PACEInfos (4.4.4.1). The password reference 01 is the MRZ, 02 the CAN.

Errors: the chip refusing the set-up (MSE:Set AT or the first GENERAL AUTHENTICATE answering
anything but 9000 / 63Cx, e.g. 6982 as CCCD chips do) raises :class:`PaceRefusedError`: the
caller falls back to BAC. A wrong password shows as 6300 / 63Cx on the token step or a chip
token that does not verify: :class:`AuthenticationError`. Malformed answers raise ParseError,
other error status words in the middle of the protocol StatusWordError.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cardreader.apdu import SW_OK, CommandApdu, ResponseApdu, describe_sw, status_error
from cardreader.channel import PlainChannel
from cardreader.errors import AuthenticationError, CardReaderError, ParseError
from cardreader.lds import tlv
from cardreader.lds.security_infos import PaceInfo
from cardreader.pace.crypto import PacePassword, PaceSuite
from cardreader.pace.curve import EcGroup, Point
from cardreader.secure_messaging import SecureMessaging

Random = Callable[[int], bytes]

INS_MSE = 0x22
INS_GENERAL_AUTHENTICATE = 0x86
CLA_CHAINING = 0x10


class PaceRefusedError(CardReaderError):
    """The chip refused to start PACE (e.g. 6982 to MSE:Set AT): fall back to BAC."""

    code = "pace_refused"

    def __init__(self, message: str, sw: int | None = None) -> None:
        super().__init__(message)
        self.sw = sw


@dataclass(frozen=True, slots=True)
class PaceResult:
    """A finished PACE run. ``sm`` protects everything that follows (SSC zero).

    For chip authentication mapping, ``ca_data`` is the chip's decrypted A_IC and
    ``chip_mapping_key`` its PK_Map,IC: :func:`verify_cam` checks them against DG14's chip
    authentication public key once passive authentication has vouched for DG14.
    """

    sm: SecureMessaging
    suite: PaceSuite
    password_kind: str
    ks_enc: bytes = field(repr=False)
    ks_mac: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    mapped_generator: bytes
    shared_secret: bytes = field(repr=False)
    terminal_token: bytes
    chip_token: bytes
    chip_mapping_key: bytes
    ca_data: int | None = field(default=None, repr=False)
    apdus: int = 0

    @property
    def protocol(self) -> str:
        s = self.suite
        return f"PACE-ECDH-{s.mapping}-{s.cipher.value} ({s.group.name})"


def verify_cam(result: PaceResult, chip_public_key: bytes) -> bool:
    """PACE-CAM (9303-11 4.4.3.5.2): A_IC * PK_IC must equal PK_Map,IC on the standard curve.

    ``chip_public_key`` is DG14's ECDH chip authentication key as an uncompressed point.
    """
    if result.ca_data is None:
        raise ParseError("PACE-CAM: this PACE run carried no chip authentication data")
    return cam_matches(result.suite.group, result.ca_data, result.chip_mapping_key, chip_public_key)


def cam_matches(group: EcGroup, ca_ic: int, pk_map_ic: bytes, pk_ic: bytes) -> bool:
    """PK_Map,IC == KA(CA_IC, PK_IC) (9303-11 4.4.3.5.2), points uncompressed on ``group``."""
    expected = group.decode(pk_map_ic, "PK_Map,IC")
    static = group.decode(pk_ic, "DG14 chip authentication key")
    if not 0 < ca_ic < group.n:
        return False
    return group.multiply(ca_ic, static, "PACE-CAM check") == expected


def choose_pace_info(infos: Sequence[PaceInfo]) -> PaceInfo:
    """The PACEInfo to run: the first one this build implements (ECDH GM/CAM, standard
    curve), in the chip's own order. PaceRefusedError when none fits."""
    for info in infos:
        try:
            PaceSuite.from_info(info)
        except CardReaderError:
            continue
        return info
    raise PaceRefusedError("PACE: EF.CardAccess offers no PACE variant this reader implements")


class PaceProtocol:
    """One PACE run with ``password`` using ``pace_info`` (from EF.CardAccess).

    ``several_infos``: EF.CardAccess lists more than one PACEInfo, so MSE:Set AT names the
    parameter id. ``rng`` draws the two ephemeral private keys (mapping, then key agreement)
    by rejection sampling: replaying recorded draws reproduces a session byte for byte.
    """

    def __init__(
        self,
        password: PacePassword,
        pace_info: PaceInfo,
        *,
        several_infos: bool = False,
        rng: Random = os.urandom,
    ) -> None:
        self.password = password
        self.info = pace_info
        self.suite = PaceSuite.from_info(pace_info)
        self.several_infos = several_infos
        self.rng = rng

    def run(self, channel: PlainChannel) -> SecureMessaging:
        return self.establish(channel).sm

    # --- steps ----------------------------------------------------------------------------

    def _mse_set_at(self) -> CommandApdu:
        data = tlv.encode(0x80, self.suite.oid_value)
        data += tlv.encode(0x83, bytes((self.password.reference,)))
        if self.several_infos:
            data += tlv.encode(0x84, bytes((self.suite.parameter_id,)))
        return CommandApdu(0x00, INS_MSE, 0xC1, 0xA4, data)  # no Le (engineering notes)

    @staticmethod
    def _ga(payload: bytes, *, last: bool) -> CommandApdu:
        cla = 0x00 if last else CLA_CHAINING
        return CommandApdu(cla, INS_GENERAL_AUTHENTICATE, 0, 0, tlv.encode(0x7C, payload), 256)

    @staticmethod
    def _items(resp: ResponseApdu, step: str) -> dict[int, bytes]:
        try:
            outer = tlv.parse_single(resp.data, f"PACE {step}")
            if outer.tag != 0x7C:
                raise ParseError(f"PACE {step}: answer is not 7C dynamic authentication data")
            return {i.tag: i.value for i in outer.children(depth=2)}
        except ParseError:
            raise
        except CardReaderError as exc:
            raise ParseError(f"PACE {step}: malformed answer ({exc})") from exc

    def _exchange(self, channel: PlainChannel, cmd: CommandApdu, step: str) -> ResponseApdu:
        resp = channel.send(cmd)
        self._apdus += 1
        if resp.sw == SW_OK:
            return resp
        if resp.sw == 0x6300 or (resp.sw & 0xFFF0) == 0x63C0 or resp.sw == 0x6983:
            raise AuthenticationError(
                f"PACE {step}: the chip rejected the password ({resp.sw:04X}: "
                f"{describe_sw(resp.sw)}) / sai mã CAN hoặc MRZ"
            )
        if step in ("MSE:Set AT", "GENERAL AUTHENTICATE 1"):
            raise PaceRefusedError(
                f"PACE {step}: the chip refused ({resp.sw:04X}: {describe_sw(resp.sw)})",
                resp.sw,
            )
        raise status_error(resp.sw, f"PACE {step}")

    def establish(self, channel: PlainChannel) -> PaceResult:
        """Run PACE over a plain channel (at master-file level) and return the new session."""
        suite = self.suite
        group = suite.group
        self._apdus = 0
        resp = channel.send(self._mse_set_at())
        self._apdus += 1
        if resp.sw != SW_OK and (resp.sw & 0xFFF0) != 0x63C0:
            raise PaceRefusedError(
                f"PACE MSE:Set AT: the chip refused ({resp.sw:04X}: {describe_sw(resp.sw)})",
                resp.sw,
            )
        if resp.sw in (0x63C0,):
            raise AuthenticationError("PACE: the password is blocked (63C0) / mật khẩu bị khóa")

        # 1. encrypted nonce
        step1 = self._items(
            self._exchange(channel, self._ga(b"", last=False), "GENERAL AUTHENTICATE 1"),
            "GENERAL AUTHENTICATE 1",
        )
        encrypted = step1.get(0x80)
        if encrypted is None:
            raise ParseError("PACE GENERAL AUTHENTICATE 1: no encrypted nonce (DO80)")
        nonce = suite.decrypt_nonce(self.password.key(suite.cipher), encrypted)

        # 2. generic mapping
        sk_map = group.random_scalar(self.rng)
        pk_map = group.encode(group.multiply(sk_map, group.g))
        step2 = self._items(
            self._exchange(
                channel, self._ga(tlv.encode(0x81, pk_map), last=False), "GENERAL AUTHENTICATE 2"
            ),
            "GENERAL AUTHENTICATE 2",
        )
        pk_map_ic_raw = step2.get(0x82)
        if pk_map_ic_raw is None:
            raise ParseError("PACE GENERAL AUTHENTICATE 2: no mapping data (DO82)")
        pk_map_ic = group.decode(pk_map_ic_raw, "PACE PK_Map,IC")
        if pk_map_ic_raw == pk_map:
            raise ParseError("PACE: the chip echoed our mapping key")
        h: Point = group.multiply(sk_map, pk_map_ic, "PACE mapping H")
        mapped: EcGroup = suite.map_generator(nonce, h)

        # 3. key agreement on the mapped generator
        sk_dh = mapped.random_scalar(self.rng)
        pk_dh = mapped.encode(mapped.multiply(sk_dh, mapped.g))
        step3 = self._items(
            self._exchange(
                channel, self._ga(tlv.encode(0x83, pk_dh), last=False), "GENERAL AUTHENTICATE 3"
            ),
            "GENERAL AUTHENTICATE 3",
        )
        pk_dh_ic_raw = step3.get(0x84)
        if pk_dh_ic_raw is None:
            raise ParseError("PACE GENERAL AUTHENTICATE 3: no ephemeral key (DO84)")
        if pk_dh_ic_raw == pk_dh:  # 9303-11 4.4.1 step 3: the keys must differ
            raise ParseError("PACE: the chip's ephemeral key equals ours")
        pk_dh_ic = mapped.decode(pk_dh_ic_raw, "PACE PK_DH,IC")
        secret = suite.shared_secret(mapped, sk_dh, pk_dh_ic)
        ks_enc, ks_mac = suite.session(secret)

        # 4. mutual authentication
        t_ifd = suite.token(ks_mac, pk_dh_ic_raw)
        step4 = self._items(
            self._exchange(
                channel, self._ga(tlv.encode(0x85, t_ifd), last=True), "GENERAL AUTHENTICATE 4"
            ),
            "GENERAL AUTHENTICATE 4",
        )
        t_ic = step4.get(0x86)
        if t_ic is None or not hmac.compare_digest(t_ic, suite.token(ks_mac, pk_dh)):
            raise AuthenticationError(
                "PACE: the chip's authentication token does not verify (wrong password?)"
                " / thẻ không xác thực được"
            )
        ca_data: int | None = None
        if suite.mapping == "CAM":
            encrypted_ca = step4.get(0x8A)
            if encrypted_ca is None:
                raise ParseError("PACE-CAM: no encrypted chip authentication data (DO8A)")
            ca_data = suite.decrypt_ca_data(ks_enc, encrypted_ca)
        return PaceResult(
            sm=suite.secure_messaging(ks_enc, ks_mac),
            suite=suite,
            password_kind=self.password.kind,
            ks_enc=ks_enc,
            ks_mac=ks_mac,
            nonce=nonce,
            mapped_generator=mapped.encode(mapped.g),
            shared_secret=secret,
            terminal_token=t_ifd,
            chip_token=t_ic,
            chip_mapping_key=pk_map_ic_raw,
            ca_data=ca_data,
            apdus=self._apdus,
        )
