"""DG2: the holder's face image(s).

Container (ICAO Doc 9303-10, 4.7.2, Biometric Information Template group template of
ISO/IEC 7816-11)::

    75 { 7F61 { 02 number of instances,
                7F60 { A1 biometric header template { 80 version, 81 type, 87 owner, 88 type..},
                       5F2E biometric data block (or 7F2E) },
                7F60 ... } }

Biometric data block: an ISO/IEC 19794-5:2005 facial record ("FAC\\0" "010\\0", record length
u32, number of images u16), then per image a 20-byte facial information block (block length
u32, feature points u16, gender, eye colour, hair colour, property mask u24, expression u16,
pose angles x3, pose uncertainty x3), 8 bytes per feature point, a 12-byte image information
block (face image type, image data type 0 = JPEG / 1 = JPEG 2000, width u16, height u16, colour
space, source type, device type u16, quality u16) and the image bytes. All integers big-endian.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from PIL import Image

from cardreader.errors import LimitExceededError, ParseError
from cardreader.lds.der import TAG_INTEGER, decode_small_int, names_file
from cardreader.lds.tlv import Tlv, encode, parse_single

TAG_DG2 = 0x75
TAG_BIT_GROUP = 0x7F61
TAG_BIT = 0x7F60
TAG_BHT = 0xA1
TAG_BDB = 0x5F2E
TAG_BDB_CONSTRUCTED = 0x7F2E

MAX_DG2_BYTES = 512 * 1024
MAX_FACES = 4
MAX_IMAGE_BYTES = 256 * 1024
MAX_DIMENSION = 4096  # declared or decoded width/height
MAX_DECODED_PIXELS = 4_000_000  # a chip face is ~0.2 MP; refuse decompression bombs

_FAC = b"FAC\x00"
_VERSION_2005 = b"010\x00"
_HEADER = struct.Struct(">4s4sIH")
_FACE_INFO = struct.Struct(">IHBBB3sH3s3s")
_IMAGE_INFO = struct.Struct(">BBHHBBHH")
_FEATURE_POINT_SIZE = 8

_GENDERS = {1: "M", 2: "F"}


@dataclass(frozen=True, slots=True)
class FaceImage:
    """One face: the encoded image bytes as stored, and what the 19794-5 header says of it."""

    format: str  # "jpeg" | "jpeg2000"
    width: int
    height: int
    image: bytes
    gender: str | None = None  # "M" | "F" | None (unspecified)
    face_image_type: int = 1  # 0 basic, 1 full frontal, 2 token frontal
    feature_points: int = 0
    color_space: int = 1
    source_type: int = 0
    quality: int = 0


@dataclass(frozen=True, slots=True)
class Dg2:
    faces: tuple[FaceImage, ...]
    raw: bytes

    @property
    def face(self) -> FaceImage | None:
        return self.faces[0] if self.faces else None


def _sniff(image: bytes) -> str | None:
    if image[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if image[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or image[:4] == b"\xff\x4f\xff\x51":
        return "jpeg2000"
    return None


def _parse_face_record(data: bytes, index: int) -> list[FaceImage]:
    what = f"DG2 face {index}"
    if len(data) < _HEADER.size:
        raise ParseError(f"{what}: ISO 19794-5 record is {len(data)} bytes, header needs 14")
    magic, version, record_length, count = _HEADER.unpack_from(data, 0)
    if magic != _FAC:
        raise ParseError(f"{what}: ISO 19794-5 record does not start with 'FAC'")
    if version != _VERSION_2005:
        shown = version.rstrip(b"\x00").decode("ascii", "replace")
        raise ParseError(f"{what}: ISO 19794-5 version {shown!r}, expected '010'")
    if record_length != len(data):
        raise ParseError(
            f"{what}: ISO 19794-5 record length says {record_length}, block holds {len(data)}"
        )
    if count == 0:
        raise ParseError(f"{what}: ISO 19794-5 record holds no facial image")
    if count > MAX_FACES:
        raise LimitExceededError(f"{what}: {count} facial images, above the cap of {MAX_FACES}")
    faces: list[FaceImage] = []
    offset = _HEADER.size
    for _ in range(count):
        if offset + _FACE_INFO.size > len(data):
            raise ParseError(f"{what}: facial information block truncated")
        (block_length, n_points, gender, _eye, _hair, _mask, _expr, _pose, _unc) = (
            _FACE_INFO.unpack_from(data, offset)
        )
        end = offset + block_length
        if end > len(data) or block_length < _FACE_INFO.size + _IMAGE_INFO.size:
            raise ParseError(f"{what}: facial record block length {block_length} is invalid")
        pos = offset + _FACE_INFO.size + n_points * _FEATURE_POINT_SIZE
        if pos + _IMAGE_INFO.size > end:
            raise ParseError(f"{what}: {n_points} feature points overrun the facial block")
        (face_type, data_type, width, height, color, source, _device, quality) = (
            _IMAGE_INFO.unpack_from(data, pos)
        )
        image = bytes(data[pos + _IMAGE_INFO.size : end])
        if not image:
            raise ParseError(f"{what}: image data is empty")
        if len(image) > MAX_IMAGE_BYTES:
            raise LimitExceededError(
                f"{what}: image of {len(image)} bytes, above the cap of {MAX_IMAGE_BYTES}"
            )
        if not (0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION):
            raise ParseError(f"{what}: image size {width}x{height} is out of range")
        fmt = _sniff(image) or {0: "jpeg", 1: "jpeg2000"}.get(data_type)
        if fmt is None:
            raise ParseError(f"{what}: image data type {data_type} is neither JPEG nor JPEG 2000")
        faces.append(
            FaceImage(
                format=fmt,
                width=width,
                height=height,
                image=image,
                gender=_GENDERS.get(gender),
                face_image_type=face_type,
                feature_points=n_points,
                color_space=color,
                source_type=source,
                quality=quality,
            )
        )
        offset = end
    if offset != len(data):
        raise ParseError(f"{what}: {len(data) - offset} bytes after the last facial image")
    return faces


def _bdb(bit: Tlv, index: int) -> bytes:
    for child in bit.children():
        if child.tag in (TAG_BDB, TAG_BDB_CONSTRUCTED):
            return child.value
    raise ParseError(f"DG2 face {index}: biometric data block (5F2E) missing")


@names_file("DG2")
def parse_dg2(raw: bytes) -> Dg2:
    """Parse DG2 into its face images (not decoded: see :func:`decode_face`)."""
    if len(raw) > MAX_DG2_BYTES:
        raise LimitExceededError(f"DG2: {len(raw)} bytes, above the cap of {MAX_DG2_BYTES}")
    outer = parse_single(raw, "DG2")
    if outer.tag != TAG_DG2:
        raise ParseError(f"DG2: starts with tag {outer.tag:X}, expected 75")
    group = outer.require(TAG_BIT_GROUP, "DG2 biometric information group template")
    children = group.children()
    count_tlv = next((c for c in children if c.tag == TAG_INTEGER), None)
    if count_tlv is None:
        raise ParseError("DG2: number of biometric templates (tag 02) missing")
    count = decode_small_int(count_tlv, "DG2 number of templates", lo=1, hi=0xFFFF)
    if count > MAX_FACES:
        raise LimitExceededError(f"DG2: {count} biometric templates, above the cap of {MAX_FACES}")
    bits = [c for c in children if c.tag == TAG_BIT]
    if len(bits) != count:
        raise ParseError(f"DG2: declares {count} biometric templates, holds {len(bits)}")
    faces: list[FaceImage] = []
    for i, bit in enumerate(bits, 1):
        if bit.find(TAG_BHT) is None:
            raise ParseError(f"DG2 face {i}: biometric header template (A1) missing")
        faces.extend(_parse_face_record(_bdb(bit, i), i))
        if len(faces) > MAX_FACES:
            raise LimitExceededError(f"DG2: more than {MAX_FACES} faces")
    return Dg2(faces=tuple(faces), raw=bytes(raw))


def encode_face_record(image: bytes, width: int, height: int, *, fmt: str = "jpeg") -> bytes:
    """An ISO/IEC 19794-5:2005 record with one full-frontal face and no feature points."""
    data_type = {"jpeg": 0, "jpeg2000": 1}[fmt]
    info = _IMAGE_INFO.pack(1, data_type, width, height, 1, 2, 0, 0)
    block_length = _FACE_INFO.size + len(info) + len(image)
    face = _FACE_INFO.pack(block_length, 0, 0, 0, 0, b"\x00\x00\x00", 0, b"\0\0\0", b"\0\0\0")
    body = face + info + image
    return _HEADER.pack(_FAC, _VERSION_2005, _HEADER.size + len(body), 1) + body


def encode_dg2(image: bytes, width: int, height: int, *, fmt: str = "jpeg") -> bytes:
    """Encode DG2 with one face (``image`` is JPEG or, with ``fmt="jpeg2000"``, JPEG 2000)."""
    bht = encode(
        TAG_BHT,
        encode(0x80, b"\x01\x01")  # ICAO header version 1.1
        + encode(0x81, b"\x02")  # biometric type: facial features
        + encode(0x87, b"\x01\x01")  # format owner: ISO/IEC JTC 1/SC 37
        + encode(0x88, b"\x00\x08"),  # format type: face image
    )
    bit = encode(TAG_BIT, bht + encode(TAG_BDB, encode_face_record(image, width, height, fmt=fmt)))
    group = encode(TAG_BIT_GROUP, encode(TAG_INTEGER, b"\x01") + bit)
    return encode(TAG_DG2, group)


def decode_face(face: FaceImage) -> Image.Image:
    """Decode a face to a Pillow image, refusing oversized (bomb) images. ParseError if bad."""
    try:
        img = Image.open(io.BytesIO(face.image))
        w, h = img.size
        if w > MAX_DIMENSION or h > MAX_DIMENSION or w * h > MAX_DECODED_PIXELS:
            raise LimitExceededError(f"DG2: face image of {w}x{h} pixels is above the cap")
        if img.format not in ("JPEG", "JPEG2000"):
            raise ParseError(f"DG2: face image is {img.format}, expected JPEG or JPEG 2000")
        img.load()
    except ParseError:
        raise
    except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, ValueError...)
        raise ParseError(f"DG2: face image does not decode ({type(exc).__name__})") from None
    return img
