"""ICAO Doc 9303-11 Appendix D (BAC and 3DES secure messaging) replayed byte for byte."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cardreader.apdu import CommandApdu, ResponseApdu
from cardreader.bac import BacKey, BacProtocol
from cardreader.channel import PlainChannel
from cardreader.errors import AuthenticationError, SecureMessagingError
from cardreader.primitives import CipherKind, des3_cbc_encrypt, pad, retail_mac
from cardreader.secure_messaging import SecureMessaging

H = bytes.fromhex
KEY = BacKey("L898902C<", "690806", "940623")
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
EXT_AUTH_CMD_DATA = H(
    "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"
)
EXT_AUTH_RESP = H(
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449"
)
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC0 = H("887022120C06C226")


def test_d2_mrz_information_and_keys() -> None:
    assert KEY.mrz_information() == b"L898902C<369080619406236"
    assert KEY.seed() == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    k_enc, k_mac = KEY.keys()
    assert k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")


def test_d2_long_document_number() -> None:
    assert BacKey("D23145890734", "340712", "950712").mrz_information() == (
        b"D23145890734934071279507122"
    )


def test_d3_cryptograms() -> None:
    k_enc, k_mac = KEY.keys()
    s = RND_IFD + RND_IC + K_IFD
    e_ifd = des3_cbc_encrypt(k_enc, s)
    assert e_ifd == EXT_AUTH_CMD_DATA[:32]
    assert retail_mac(k_mac, pad(e_ifd)) == EXT_AUTH_CMD_DATA[32:]


class ScriptedCard:
    """Answers a fixed script and records what it was sent."""

    def __init__(self, script: list[tuple[bytes | None, bytes]]) -> None:
        self.script: Iterator[tuple[bytes | None, bytes]] = iter(script)
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        expected, answer = next(self.script)
        if expected is not None:
            assert apdu.hex().upper() == expected.hex().upper()
        return answer


def _rng_from(*chunks: bytes):  # type: ignore[no-untyped-def]
    pending = list(chunks)

    def rng(n: int) -> bytes:
        chunk = pending.pop(0)
        assert len(chunk) == n
        return chunk

    return rng


def test_d3_bac_run_derives_session_keys_and_ssc() -> None:
    card = ScriptedCard(
        [
            (H("0084000008"), RND_IC + H("9000")),
            (H("0082000028") + EXT_AUTH_CMD_DATA + H("28"), EXT_AUTH_RESP + H("9000")),
        ]
    )
    sm = BacProtocol(KEY, _rng_from(RND_IFD, K_IFD)).run(PlainChannel(card))
    assert sm.ssc == SSC0
    assert sm.kind is CipherKind.DES3
    # the session keys are right iff the D.4 protected APDUs come out byte for byte
    ref = SecureMessaging(KS_ENC, KS_MAC, SSC0, CipherKind.DES3)
    assert sm.protect(CommandApdu(0, 0xA4, 2, 0x0C, H("011E"))) == ref.protect(
        CommandApdu(0, 0xA4, 2, 0x0C, H("011E"))
    )


def test_bac_wrong_key_is_an_authentication_error() -> None:
    card = ScriptedCard([(None, RND_IC + H("9000")), (None, H("6300"))])
    with pytest.raises(AuthenticationError, match="last 9 digits"):
        BacProtocol(KEY, _rng_from(RND_IFD, K_IFD)).run(PlainChannel(card))


def test_bac_tampered_chip_cryptogram_is_rejected() -> None:
    bad = bytearray(EXT_AUTH_RESP)
    bad[-1] ^= 1
    card = ScriptedCard([(None, RND_IC + H("9000")), (None, bytes(bad) + H("9000"))])
    with pytest.raises(SecureMessagingError):
        BacProtocol(KEY, _rng_from(RND_IFD, K_IFD)).run(PlainChannel(card))


def _sm() -> SecureMessaging:
    return SecureMessaging(KS_ENC, KS_MAC, SSC0, CipherKind.DES3)


def test_d4_select_ef_com() -> None:
    sm = _sm()
    cmd = sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert cmd.to_bytes() == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert sm.ssc == H("887022120C06C227")
    resp = sm.unprotect(ResponseApdu.from_bytes(H("990290008E08FA855A5D4C50A8ED9000")))
    assert resp == ResponseApdu(b"", 0x9000)
    assert sm.ssc == H("887022120C06C228")


def test_d4_read_binary_first_four_bytes_and_rest() -> None:
    sm = _sm()
    sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    sm.unprotect(ResponseApdu.from_bytes(H("990290008E08FA855A5D4C50A8ED9000")))
    cmd = sm.protect(CommandApdu(0x00, 0xB0, 0x00, 0x00, le=4))
    assert cmd.to_bytes() == H("0CB000000D9701048E08ED6705417E96BA5500")
    resp = sm.unprotect(
        ResponseApdu.from_bytes(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    )
    assert resp == ResponseApdu(H("60145F01"), 0x9000)
    assert sm.ssc == H("887022120C06C22A")
    cmd = sm.protect(CommandApdu(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert cmd.to_bytes() == H("0CB000040D9701128E082EA28A70F3C7B53500")
    resp = sm.unprotect(
        ResponseApdu.from_bytes(
            H(
                "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08"
                "C8B2787EAEA07D749000"
            )
        )
    )
    assert resp == ResponseApdu(H("04303130365F36063034303030305C026175"), 0x9000)
    assert sm.ssc == H("887022120C06C22C")


def test_d4_tampered_response_mac_is_rejected() -> None:
    sm = _sm()
    sm.protect(CommandApdu(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(SecureMessagingError, match="MAC"):
        sm.unprotect(ResponseApdu.from_bytes(H("990290008E08FA855A5D4C50A8EE9000")))


@pytest.mark.parametrize("kind", [CipherKind.DES3, CipherKind.AES128, CipherKind.AES256])
@pytest.mark.parametrize(
    "ins,data,le",
    [(0xA4, H("0101"), None), (0xB0, b"", 0xDF), (0xB1, H("5403008000"), 200), (0xB0, b"", 65536)],
)
def test_chip_and_reader_sides_agree(
    kind: CipherKind, ins: int, data: bytes, le: int | None
) -> None:
    key = bytes(range(kind.key_length))
    ssc = bytes(kind.block_size)
    reader = SecureMessaging(key, key[::-1], ssc, kind)
    chip = SecureMessaging(key, key[::-1], ssc, kind)
    cmd = CommandApdu(0x00, ins, 0, 0, data, le, extended=le == 65536)
    inner = chip.chip_unprotect(CommandApdu.from_bytes(reader.protect(cmd).to_bytes()))
    assert (inner.ins, inner.data, inner.le) == (ins, data, le)
    payload = bytes(range(256)) * 3
    answer = chip.chip_protect(ResponseApdu(payload[:231], 0x6282), odd=bool(ins & 1))
    assert reader.unprotect(ResponseApdu.from_bytes(answer.to_bytes())) == ResponseApdu(
        payload[:231], 0x6282
    )
    # an unprotected error status word is counted on both sides and the channel stays in step
    chip.chip_unprotect(CommandApdu.from_bytes(reader.protect(cmd).to_bytes()))
    chip.skip_response()
    assert reader.unprotect(ResponseApdu(b"", 0x6A82)) == ResponseApdu(b"", 0x6A82)
    inner = chip.chip_unprotect(CommandApdu.from_bytes(reader.protect(cmd).to_bytes()))
    assert inner.data == data
