from __future__ import annotations

import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.dg2 import (
    MAX_IMAGE_BYTES,
    FaceImage,
    decode_face,
    encode_dg2,
    encode_face_record,
    parse_dg2,
)
from cardreader.lds.tlv import encode
from tests.cardreader.lds_fakes import image_bytes


def _wrap(record: bytes, count: int = 1, bits: int = 1) -> bytes:
    bht = encode(0xA1, encode(0x81, b"\x02"))
    bit = encode(0x7F60, bht + encode(0x5F2E, record))
    return encode(0x75, encode(0x7F61, encode(0x02, bytes([count])) + bit * bits))


def test_jpeg_round_trip_and_decode() -> None:
    jpeg = image_bytes(48, 64)
    raw = encode_dg2(jpeg, 48, 64)
    dg2 = parse_dg2(raw)
    assert dg2.raw == raw
    assert len(dg2.faces) == 1
    face = dg2.face
    assert face is not None
    assert (face.format, face.width, face.height, face.image) == ("jpeg", 48, 64, jpeg)
    assert face.face_image_type == 1
    img = decode_face(face)
    assert img.size == (48, 64)
    pixel = img.convert("L").getpixel((24, 32))
    assert isinstance(pixel, int) and pixel < 100  # the drawn dark line survived


def test_jpeg2000_round_trip_and_decode() -> None:
    jp2 = image_bytes(40, 52, "JPEG2000")
    assert jp2[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n"
    face = parse_dg2(encode_dg2(jp2, 40, 52, fmt="jpeg2000")).face
    assert face is not None and face.format == "jpeg2000"
    img = decode_face(face)
    assert img.size == (40, 52)
    assert img.format == "JPEG2000"


def test_format_comes_from_the_bytes_when_the_header_lies() -> None:
    jpeg = image_bytes(16, 16)
    record = bytearray(encode_face_record(jpeg, 16, 16, fmt="jpeg2000"))
    face = parse_dg2(_wrap(bytes(record))).face
    assert face is not None and face.format == "jpeg"


def test_record_layout_matches_19794_5() -> None:
    jpeg = image_bytes(16, 16)
    rec = encode_face_record(jpeg, 16, 24)
    assert rec[:8] == b"FAC\x00010\x00"
    assert struct.unpack(">I", rec[8:12])[0] == len(rec)
    assert struct.unpack(">H", rec[12:14])[0] == 1
    assert struct.unpack(">I", rec[14:18])[0] == len(rec) - 14
    # image information block at 14 + 20: type, data type, width, height
    assert rec[34:40] == bytes([1, 0]) + struct.pack(">HH", 16, 24)
    assert rec[46:] == jpeg


def test_two_templates() -> None:
    rec = encode_face_record(image_bytes(16, 16), 16, 16)
    dg2 = parse_dg2(_wrap(rec, count=2, bits=2))
    assert len(dg2.faces) == 2


def test_feature_points_are_skipped() -> None:
    jpeg = image_bytes(16, 16)
    rec = bytearray(encode_face_record(jpeg, 16, 16))
    points = b"\x01\x02\x00\x10\x00\x10\x00\x00" * 2
    rec[14 + 4 : 14 + 6] = struct.pack(">H", 2)
    rec[14 + 20 : 14 + 20] = points
    struct.pack_into(">I", rec, 14, struct.unpack(">I", rec[14:18])[0] + len(points))
    struct.pack_into(">I", rec, 8, len(rec))
    face = parse_dg2(_wrap(bytes(rec))).face
    assert face is not None and face.feature_points == 2 and face.image == jpeg


def _corrupt(offset: int, value: bytes) -> bytes:
    rec = bytearray(encode_face_record(image_bytes(16, 16), 16, 16))
    rec[offset : offset + len(value)] = value
    return bytes(rec)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encode(0x76, b""), "expected 75"),
        (encode(0x75, encode(0x7F62, b"")), "7F61 missing"),
        (_wrap(_corrupt(0, b"FIR")), "does not start with 'FAC'"),
        (_wrap(_corrupt(4, b"030")), "version '030'"),
        (_wrap(_corrupt(8, b"\x00\x00\x00\x01")), "record length"),
        (_wrap(_corrupt(12, b"\x00\x00")), "no facial image"),
        (_wrap(_corrupt(14, b"\x00\x00\xff\xff")), "block length"),
        (_wrap(_corrupt(18, b"\xff\xff")), "feature points overrun"),
        (_wrap(_corrupt(36, b"\x00\x00")), "size 0x16"),
        (_wrap(b"FAC"), "header needs 14"),
        (_wrap(encode_face_record(image_bytes(16, 16), 16, 16), count=2), "declares 2"),
        (encode(0x75, encode(0x7F61, encode(0x7F60, b""))), "number of biometric templates"),
        (encode(0x75, encode(0x7F61, encode(0x02, b"\x01") + encode(0x7F60, b""))), "A1"),
        (
            encode(0x75, encode(0x7F61, encode(0x02, b"\x01") + encode(0x7F60, encode(0xA1, b"")))),
            "5F2E",
        ),
    ],
)
def test_errors_name_the_structure(raw: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_dg2(raw)


def test_unknown_image_type_without_magic() -> None:
    rec = bytearray(encode_face_record(b"\x00" * 32, 16, 16))
    rec[35] = 7
    with pytest.raises(ParseError, match="neither JPEG"):
        parse_dg2(_wrap(bytes(rec)))


def test_caps() -> None:
    big = b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE_BYTES
    with pytest.raises(LimitExceededError):
        parse_dg2(encode_dg2(big, 16, 16))
    with pytest.raises(LimitExceededError):
        parse_dg2(_wrap(encode_face_record(image_bytes(8, 8), 8, 8), count=5, bits=5))
    with pytest.raises(LimitExceededError):
        parse_dg2(b"\x75\x83\x10\x00\x00" + b"\x00" * (1 << 20))


def test_decode_refuses_a_decompression_bomb() -> None:
    buf = io.BytesIO()
    Image.new("L", (4000, 4000)).save(buf, "JPEG")
    face = FaceImage(format="jpeg", width=100, height=100, image=buf.getvalue())
    with pytest.raises(LimitExceededError, match="4000x4000"):
        decode_face(face)


def test_decode_refuses_non_jpeg_and_garbage() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    with pytest.raises(ParseError, match="PNG"):
        decode_face(FaceImage(format="jpeg", width=8, height=8, image=buf.getvalue()))
    truncated = image_bytes(32, 32)[:200]
    with pytest.raises(ParseError, match="does not decode"):
        decode_face(FaceImage(format="jpeg", width=32, height=32, image=truncated))
    with pytest.raises(ParseError, match="does not decode"):
        decode_face(FaceImage(format="jpeg", width=32, height=32, image=b"\xff\xd8\xff\x00"))


@settings(max_examples=50, deadline=2000)
@given(st.integers(1, 400), st.integers(1, 400), st.binary(min_size=1, max_size=300))
def test_round_trip_property(width: int, height: int, tail: bytes) -> None:
    image = b"\xff\xd8\xff" + tail
    face = parse_dg2(encode_dg2(image, width, height)).face
    assert face is not None
    assert (face.width, face.height, face.image, face.format) == (width, height, image, "jpeg")


def test_raw_jpeg2000_codestream_and_constructed_data_block_tag() -> None:
    j2k = b"\xff\x4f\xff\x51" + b"\x00" * 20
    rec = encode_face_record(j2k, 16, 16, fmt="jpeg")  # header says JPEG, bytes say J2K
    bht = encode(0xA1, encode(0x81, b"\x02"))
    raw = encode(
        0x75, encode(0x7F61, encode(0x02, b"\x01") + encode(0x7F60, bht + encode(0x7F2E, rec)))
    )
    face = parse_dg2(raw).face
    assert face is not None and face.format == "jpeg2000" and face.image == j2k


def test_truncated_file_error_names_the_file() -> None:
    raw = encode_dg2(image_bytes(16, 16), 16, 16)
    with pytest.raises(ParseError, match=r"^DG2: TLV: tag 75 declares"):
        parse_dg2(raw[:-10])
