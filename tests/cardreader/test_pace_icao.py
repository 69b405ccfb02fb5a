"""ICAO Doc 9303-11 Appendix G.1 (PACE, ECDH generic mapping, brainpoolP256r1, AES-128, MRZ
password of document T22000129 / 640812 / 101031) replayed byte for byte: every intermediate
value of the worked example and the whole APDU transcript, from the terminal side against a
scripted chip and from both sides against the emulator fed the example's chip randomness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cardreader.apdu import CommandApdu, ResponseApdu
from cardreader.bac import BacKey
from cardreader.channel import PlainChannel
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.errors import AuthenticationError
from cardreader.lds.card_access import parse_card_access
from cardreader.lds.files import CARD_ACCESS
from cardreader.pace import PacePassword, PaceProtocol, PaceSuite, cam_matches

H = bytes.fromhex
KEY = BacKey("T22000129", "640812", "101031")
CARD_ACCESS_RAW = H("31143012060A04007F0007020204020202010202010D")
K = H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
K_PI = H("89DED1B26624EC1E634C1989302849DD")
NONCE_S = H("3F00C4D39D153F2B2A214A078D899B22")
NONCE_Z = H("95A3A016522EE98D01E76CB6B98B42C3")
SK_MAP_IFD = H("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99")
PK_MAP_IFD = H(
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
SK_MAP_IC = H("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560")
PK_MAP_IC = H(
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
SHARED_H = H(
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
G_HAT = H(
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_DH_IFD = H("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595")
PK_DH_IFD = H(
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
SK_DH_IC = H("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")
PK_DH_IC = H(
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED_SECRET = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC = H("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = H("FE251C7858B356B24514B3BD5F4297D1")
T_IFD = H("C2B0BD78D94BA866")
T_IC = H("3ABB9674BCE93C08")

TRANSCRIPT = [
    (H("0022C1A40F800A04007F00070202040202830101"), H("9000")),
    (H("10860000027C0000"), H("7C128010") + NONCE_Z + H("9000")),
    (H("10860000457C438141") + PK_MAP_IFD + H("00"), H("7C438241") + PK_MAP_IC + H("9000")),
    (H("10860000457C438341") + PK_DH_IFD + H("00"), H("7C438441") + PK_DH_IC + H("9000")),
    (H("008600000C7C0A8508") + T_IFD + H("00"), H("7C0A8608") + T_IC + H("9000")),
]


def _suite() -> PaceSuite:
    return PaceSuite.from_info(parse_card_access(CARD_ACCESS_RAW).pace_infos[0])


def _draws(*values: bytes) -> object:
    it: Iterator[bytes] = iter(values)

    def rng(n: int) -> bytes:
        value = next(it)
        assert len(value) == n
        return value

    return rng


class ScriptedChip:
    def __init__(self, script: list[tuple[bytes, bytes]]) -> None:
        self.script = list(script)

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.script.pop(0)
        assert apdu.hex().upper() == expected.hex().upper()
        return answer


def test_password_key_and_nonce() -> None:
    password = PacePassword.from_bac_key(KEY)
    assert password.value == "T22000129364081251010318"
    assert password.secret() == K
    suite = _suite()
    assert suite.group.name == "brainpoolP256r1"
    assert password.key(suite.cipher) == K_PI
    assert suite.decrypt_nonce(K_PI, NONCE_Z) == NONCE_S
    assert suite.encrypt_nonce(K_PI, NONCE_S) == NONCE_Z


def test_mapping_key_agreement_session_keys_and_tokens() -> None:
    suite = _suite()
    g = suite.group
    sk_map = int.from_bytes(SK_MAP_IFD, "big")
    assert g.encode(g.multiply(sk_map, g.g)) == PK_MAP_IFD
    assert g.encode(g.multiply(int.from_bytes(SK_MAP_IC, "big"), g.g)) == PK_MAP_IC
    h = g.multiply(sk_map, g.decode(PK_MAP_IC, "PK_Map,IC"))
    assert g.encode(h) == SHARED_H
    mapped = suite.map_generator(NONCE_S, h)
    assert mapped.encode(mapped.g) == G_HAT
    sk_dh = int.from_bytes(SK_DH_IFD, "big")
    assert mapped.encode(mapped.multiply(sk_dh, mapped.g)) == PK_DH_IFD
    assert mapped.encode(mapped.multiply(int.from_bytes(SK_DH_IC, "big"), mapped.g)) == PK_DH_IC
    secret = suite.shared_secret(mapped, sk_dh, mapped.decode(PK_DH_IC, "PK_DH,IC"))
    assert secret == SHARED_SECRET
    assert suite.session(secret) == (KS_ENC, KS_MAC)
    assert suite.token(KS_MAC, PK_DH_IC) == T_IFD
    assert suite.token(KS_MAC, PK_DH_IFD) == T_IC


@pytest.mark.parametrize("several", [False, True])
def test_terminal_replays_the_transcript_byte_for_byte(several: bool) -> None:
    script = list(TRANSCRIPT)
    if several:  # DO84 names parameter id 13 when the card lists several PACEInfos
        script[0] = (H("0022C1A412800A04007F0007020204020283010184010D"), H("9000"))
    chip = ScriptedChip(script)
    info = parse_card_access(CARD_ACCESS_RAW).pace_infos[0]
    protocol = PaceProtocol(
        PacePassword.from_bac_key(KEY), info, several_infos=several,
        rng=_draws(SK_MAP_IFD, SK_DH_IFD),  # type: ignore[arg-type]
    )  # fmt: skip
    result = protocol.establish(PlainChannel(chip))
    assert not chip.script
    assert (result.ks_enc, result.ks_mac) == (KS_ENC, KS_MAC)
    assert result.nonce == NONCE_S
    assert result.mapped_generator == G_HAT
    assert result.shared_secret == SHARED_SECRET
    assert (result.terminal_token, result.chip_token) == (T_IFD, T_IC)
    assert result.sm.ssc == bytes(16) and result.apdus == 5


def test_a_wrong_chip_token_is_an_authentication_error() -> None:
    script = list(TRANSCRIPT)
    script[-1] = (script[-1][0], H("7C0A8608") + bytes(8) + H("9000"))
    info = parse_card_access(CARD_ACCESS_RAW).pace_infos[0]
    protocol = PaceProtocol(
        PacePassword.from_bac_key(KEY),
        info,
        rng=_draws(SK_MAP_IFD, SK_DH_IFD),  # type: ignore[arg-type]
    )
    with pytest.raises(AuthenticationError):
        protocol.establish(PlainChannel(ScriptedChip(script)))


def test_emulator_chip_side_replays_the_transcript() -> None:
    """The emulator, given the example's chip randomness, answers exactly as Appendix G."""
    chip = ChipEmulator(
        {CARD_ACCESS: CARD_ACCESS_RAW}, KEY, ChipConfig(pace="accept"),
        rng=_draws(NONCE_S, SK_MAP_IC, SK_DH_IC),  # type: ignore[arg-type]
    )  # fmt: skip
    for command, answer in TRANSCRIPT:
        assert chip.process(command).hex() == answer.hex()
    # The session is up with SSC zero: the protected SELECT of the eMRTD application under
    # these keys (vector computed independently from 9303-11 9.8, as published alongside a
    # Java PACE implementation) goes through and the emulator's answer verifies.
    session = _suite().secure_messaging(KS_ENC, KS_MAC)
    cmd = session.protect(CommandApdu(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001")))
    assert cmd.to_bytes() == H(
        "0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00"
    )
    answer = chip.process(cmd.to_bytes())
    assert answer == H("990290008E08BEA7B381C494A0799000")
    assert session.unprotect(ResponseApdu.from_bytes(answer)).sw == 0x9000


# ICAO 9303-11 Appendix I (PACE with chip authentication mapping, brainpoolP256r1): the chip's
# static key PK_IC, its mapping key PK_Map,IC and the decrypted chip authentication data CA_IC.
CAM_PK_IC = H(
    "041872709494399E7470A6431BE25E83EEE24FEA568C2ED28DB48E05DB3A610DC8"
    "84D256A40E35EFCB59BF6753D3A489D28C7A4D973C2DA138A6E7A4A08F68E16F"
)
CAM_PK_MAP_IC = H(
    "04A234236AA9B9621E8EFB73B5245C0E09D2576E5277183C1208BDD55280CAE8B3"
    "04F365713A356E65A451E165ECC9AC0AC46E3771342C8FE5AEDD092685338E23"
)
CAM_CA_IC = int("85DC3FA93D0952BFA82F5FD189EE75BD82F11D1F0B8ED4BF5319AC9B53C426B3", 16)


def test_appendix_i_chip_authentication_mapping_checks() -> None:
    group = _suite().group
    assert cam_matches(group, CAM_CA_IC, CAM_PK_MAP_IC, CAM_PK_IC)
    assert not cam_matches(group, CAM_CA_IC + 1, CAM_PK_MAP_IC, CAM_PK_IC)
    assert not cam_matches(group, 0, CAM_PK_MAP_IC, CAM_PK_IC)
    assert not cam_matches(group, CAM_CA_IC, CAM_PK_MAP_IC, PK_MAP_IC)
