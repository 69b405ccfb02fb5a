"""Fuzz every LDS parser: random bytes, random TLV trees and mutations of valid encodings may
only ever raise ParseError (LimitExceededError included), never another exception, never hang.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardreader.citizen import citizen_from_groups
from cardreader.dump import parse_files, parsed_card_to_json
from cardreader.errors import ParseError
from cardreader.lds import files
from cardreader.lds.card_access import encode_card_access, pace_info, parse_card_access
from cardreader.lds.com import encode_com, parse_com
from cardreader.lds.der import encode_integer, encode_oid, encode_utf8, sequence
from cardreader.lds.dg1 import encode_dg1, parse_dg1
from cardreader.lds.dg2 import FaceImage, decode_face, encode_dg2, parse_dg2
from cardreader.lds.dg13 import CHARSET_OID, encode_dg13, parse_dg13
from cardreader.lds.dg14 import encode_dg14, parse_dg14
from cardreader.lds.dg15 import encode_dg15, parse_dg15
from cardreader.lds.mrz import parse_td1
from cardreader.lds.security_infos import (
    ID_AA,
    ID_PK_ECDH,
    ActiveAuthenticationInfo,
    ChipAuthenticationInfo,
    ChipAuthenticationPublicKeyInfo,
)
from cardreader.lds.tlv import encode
from tests.cardreader.lds_fakes import fake_mrz, fake_personal, image_bytes

TODAY = date(2026, 11, 23)
FUZZ = settings(
    max_examples=300,
    deadline=500,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _ec_spki() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


_SPKI = _ec_spki()
_JPEG = image_bytes(24, 32)
_JP2 = image_bytes(16, 20, "JPEG2000")

SEEDS: dict[str, tuple[Callable[[bytes], object], bytes]] = {
    "com": (parse_com, encode_com((0x61, 0x75, 0x6D, 0x6E, 0x6F))),
    "dg1": (lambda raw: parse_dg1(raw, today=TODAY), encode_dg1(fake_mrz())),
    "dg2": (parse_dg2, encode_dg2(_JPEG, 24, 32)),
    "dg2_jp2": (parse_dg2, encode_dg2(_JP2, 16, 20, fmt="jpeg2000")),
    "dg13": (parse_dg13, encode_dg13(fake_personal(spouse_name="Phạm Thị Vợ"))),
    "dg14": (
        parse_dg14,
        encode_dg14(
            [
                ChipAuthenticationInfo("0.4.0.127.0.7.2.2.3.2.2", 1, 1, "ECDH", "AES-128"),
                ChipAuthenticationPublicKeyInfo(ID_PK_ECDH, _SPKI, "ec", 1),
                ActiveAuthenticationInfo(ID_AA, 1, "0.4.0.127.0.7.1.1.4.1.3"),
            ]
        ),
    ),
    "dg15": (parse_dg15, encode_dg15(_SPKI)),
    "card_access": (
        parse_card_access,
        encode_card_access(
            [pace_info(key_agreement="ECDH", mapping="GM", cipher="AES-128", parameter_id=13)]
        ),
    ),
}
APP_TAGS = {"com": 0x60, "dg1": 0x61, "dg2": 0x75, "dg13": 0x6D, "dg14": 0x6E, "dg15": 0x6F}


PREFIXES = {
    "com": "EF.COM",
    "dg1": "DG1",
    "dg2": "DG2",
    "dg2_jp2": "DG2",
    "dg13": "DG13",
    "dg14": "DG14",
    "dg15": "DG15",
    "card_access": "EF.CardAccess",
}


def _only_parse_error(parser: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parser(data)


def _only_named_parse_error(name: str, data: bytes) -> None:
    """The file's parser raises nothing but ParseError, and its message names the file."""
    try:
        SEEDS[name][0](data)
    except ParseError as exc:
        assert exc.message.startswith(PREFIXES[name]), exc.message


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few random edits: byte sets, bit flips, inserts, deletes, truncation."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["set", "flip", "insert", "delete", "truncate", "length"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 8))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "length" and data:
            # Lengths are where BER parsers break: favour the interesting values.
            data[pos] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0xFF]))
    return bytes(data)


# Random (mostly well-formed) TLV trees: reach deep into the parsers past the outer checks.
_leaf_tags = st.sampled_from([0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x1E, 0x5F2E, 0x5F1F])
_leaves = st.tuples(_leaf_tags, st.binary(max_size=12)).map(lambda t: encode(*t))
_trees = st.recursive(
    _leaves,
    lambda kids: st.tuples(
        st.sampled_from([0x30, 0x31, 0xA1, 0x7F60, 0x7F61]), st.lists(kids, max_size=5)
    ).map(lambda t: encode(t[0], b"".join(t[1]))),
    max_leaves=20,
)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeds_are_valid(name: str) -> None:
    parser, seed = SEEDS[name]
    parser(seed)  # the mutations below start from valid encodings


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutations_only_raise_parse_error(name: str, data: st.DataObject) -> None:
    _only_named_parse_error(name, data.draw(mutated(SEEDS[name][1])))


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes_only_raise_parse_error(name: str, raw: bytes) -> None:
    _only_named_parse_error(name, raw)


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(FUZZ, max_examples=150)
@given(tree=st.lists(_trees, max_size=4))
def test_random_tlv_trees_only_raise_parse_error(name: str, tree: list[bytes]) -> None:
    body = b"".join(tree)
    tag = APP_TAGS.get(name.split("_")[0])
    _only_named_parse_error(name, encode(tag, body) if tag is not None else encode(0x31, body))


@FUZZ
@given(text=st.text(max_size=120))
def test_mrz_text_only_raises_parse_error(text: str) -> None:
    _only_parse_error(lambda raw: parse_td1(raw.decode(), today=TODAY), text.encode())


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["jpeg", "jpeg2000"]))
def test_face_decoder_only_raises_parse_error(data: st.DataObject, fmt: str) -> None:
    seed = _JPEG if fmt == "jpeg" else _JP2
    image = data.draw(mutated(seed))
    _only_parse_error(
        lambda raw: decode_face(FaceImage(format=fmt, width=24, height=32, image=raw)), image
    )


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_whole_card_parse_never_raises(data: st.DataObject) -> None:
    """parse_files collects per-file errors: any mix of damaged files still gives a result."""
    card: dict[files.LdsFile, bytes] = {
        files.COM: SEEDS["com"][1],
        files.DG1: SEEDS["dg1"][1],
        files.DG2: SEEDS["dg2"][1],
        files.DG13: SEEDS["dg13"][1],
        files.DG14: SEEDS["dg14"][1],
        files.DG15: SEEDS["dg15"][1],
        files.CARD_ACCESS: SEEDS["card_access"][1],
    }
    for lds_file in data.draw(st.lists(st.sampled_from(sorted(card, key=str)), max_size=4)):
        card[lds_file] = data.draw(mutated(card[lds_file]))
    parsed = parse_files(card, today=TODAY)
    doc = parsed_card_to_json(parsed)
    assert set(doc) == {"mrz", "personal", "face", "errors"}
    assert len(parsed.errors) <= len(card)


@FUZZ
@given(data=st.data())
def test_citizen_merge_of_mutated_groups_never_raises(data: st.DataObject) -> None:
    try:
        dg1 = parse_dg1(data.draw(mutated(SEEDS["dg1"][1])), today=TODAY)
    except ParseError:
        dg1 = None
    try:
        dg13 = parse_dg13(data.draw(mutated(SEEDS["dg13"][1])))
    except ParseError:
        dg13 = None
    citizen_from_groups(dg1, dg13, None)


# --- crashing seeds found while fuzzing, kept as regressions ----------------------------------


def test_regression_unicode_digit_in_id_number() -> None:
    # str.isdigit() accepts Arabic-Indic digits; an ID number must be ASCII 0-9 only.
    record = sequence(encode_integer(1), encode_utf8("٠٠١٢٠٣٠١٢٣٤٥"))
    dg13 = parse_dg13(encode(0x6D, sequence(encode_integer(1), encode_oid(CHARSET_OID), record)))
    assert dg13.personal.id_number is None
    assert 1 in dg13.unknown
