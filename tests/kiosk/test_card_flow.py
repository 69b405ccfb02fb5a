"""From the chip to the verified record, through the in-process emulator (fake citizen only)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.emulator.fake_card import CSCA_PEM, DEMO_CITIZEN, demo_card_dir
from cardreader.errors import (
    AuthenticationError,
    CardReaderError,
    CardRemovedError,
    InputError,
    NoCardError,
    NoReaderError,
    QrFormatError,
    ReaderGoneError,
    StatusWordError,
    TransportError,
)
from cardreader.lds.dg2 import FaceImage
from cardreader.lds.files import DG13
from cardreader.verify.trust_store import MemoryTrustSource, load_trust_sources
from kiosk.card_flow import (
    ReadOutcome,
    classify,
    face_to_png,
    keys_from_can,
    keys_from_id_and_birth,
    keys_from_qr_text,
    read_and_verify,
)
from kiosk.environment import demo_qr_text
from kiosk.readers import VirtualBackend
from kiosk.record import RecordMismatchError
from kiosk.session import Failure, ReadProgress
from tests.cardreader.card_fixtures import chip_of, fake_card, key_of

QR_OTHER_CARD = (
    "079186004321|023456789|Lê Thị Thử|02091986|Nữ|"
    "123 Đường Thử Nghiệm, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|01102024"
)


@pytest.fixture(scope="module")
def trust() -> MemoryTrustSource:
    return load_trust_sources([demo_card_dir() / CSCA_PEM])


def backend_with(chip: ChipEmulator | None = None) -> VirtualBackend:
    backend = VirtualBackend(link=None)
    backend.place(chip)
    return backend


def test_qr_text_gives_keys_and_an_unverified_record() -> None:
    qr = keys_from_qr_text(demo_qr_text())
    assert qr.keys.can == "012345"
    assert qr.keys.bac and qr.keys.bac[0].document_number == "099012345"
    assert qr.record.value("full_name") == "NGUYỄN VĂN THỬ"
    assert qr.record.value("date_of_birth") == dt.date(1999, 5, 17)
    assert all(not f.verified for f in qr.record.fields.values())
    assert not qr.degraded
    assert "NGUYỄN" not in repr(qr)


def test_unrepairable_scanner_garbling_is_a_qr_failure() -> None:
    # A scanner on the wrong code page that dropped bytes: the text cannot be trusted.
    garbled = demo_qr_text().encode("utf-8").decode("cp1252", errors="ignore")
    with pytest.raises(QrFormatError) as caught:
        keys_from_qr_text(garbled)
    assert classify(caught.value).kind is Failure.QR_INVALID


def test_not_a_card_qr_raises_qr_format_error() -> None:
    with pytest.raises(QrFormatError):
        keys_from_qr_text("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_random_scanner_text_only_raises_qr_format_error(text: str) -> None:
    with contextlib.suppress(QrFormatError):
        keys_from_qr_text(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.characters()), max_size=6))
def test_mutated_demo_qr_text_only_raises_qr_format_error(
    edits: list[tuple[int, str]],
) -> None:
    text = list(demo_qr_text())
    for position, char in edits:
        text[position % len(text)] = char
    with contextlib.suppress(QrFormatError):
        keys_from_qr_text("".join(text))


def test_typed_keys() -> None:
    keys = keys_from_id_and_birth(" 001099012345 ", dt.date(1999, 5, 17), today=dt.date(2026, 1, 1))
    assert keys.can == "012345" and 1 <= len(keys.bac) <= 4
    assert keys_from_can("012345").can == "012345" and keys_from_can("012345").bac == ()
    for bad in ("12345", "1234567", "12a456", ""):
        with pytest.raises(InputError):
            keys_from_can(bad)
    with pytest.raises(InputError):
        keys_from_id_and_birth("0010990123", dt.date(1999, 5, 17))


def test_genuine_card_read_from_the_qr(trust: MemoryTrustSource) -> None:
    qr = keys_from_qr_text(demo_qr_text())
    progress: list[ReadProgress] = []
    texts: list[object] = []
    out = read_and_verify(
        backend_with(), None, qr.keys, trust, on_progress=progress.append,
        on_text_ready=texts.append, qr_record=qr.record,
    )  # fmt: skip
    assert isinstance(out, ReadOutcome)
    assert out.verdict.verdict == "genuine" and out.verified
    name = out.record.get("full_name")
    assert name is not None and name.verified and name.value == DEMO_CITIZEN.full_name
    assert out.record.conflicts == ()  # QR and chip agree
    # The text arrived before the face, unverified, and the face is a PNG.
    assert len(texts) == 1
    early = texts[0]
    assert all(not f.verified for f in early.fields.values())  # type: ignore[attr-defined]
    assert {p.file for p in progress} >= {"DG1", "DG13", "DG2"}
    assert out.face_png is not None and out.face_png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(out.face_png)) as face:
        assert face.width > 50 and face.height > 50
    assert "NGUYỄN" not in repr(out)


def test_skip_face(trust: MemoryTrustSource) -> None:
    qr = keys_from_qr_text(demo_qr_text())
    out = read_and_verify(backend_with(), None, qr.keys, trust, skip_face=True)
    assert out.face_png is None and out.verified


def test_unknown_issuer_is_not_verified() -> None:
    qr = keys_from_qr_text(demo_qr_text())
    out = read_and_verify(backend_with(), None, qr.keys, MemoryTrustSource())
    assert out.verdict.verdict == "unknown_issuer" and not out.verified
    assert not any(f.verified for f in out.record.fields.values())


def test_cloned_chip_is_not_verified(trust: MemoryTrustSource) -> None:
    backend = VirtualBackend(link=None)
    backend.place(backend.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
    out = read_and_verify(backend, None, keys_from_qr_text(demo_qr_text()).keys, trust)
    assert out.verdict.verdict == "clone_suspected" and not out.verified
    assert not any(f.verified for f in out.record.fields.values())


def test_altered_data_is_not_verified() -> None:
    card = fake_card()
    files = card.lds_files()
    raw = bytearray(files[DG13])
    raw[-3] ^= 0x01  # one flipped bit in the last text field
    files[DG13] = bytes(raw)
    secrets = card.secrets()
    ca = secrets.ca_private_key()
    chip = ChipEmulator(
        files, key_of(card), aa_key=secrets.aa_private_key(),
        ca_keys={} if ca is None else {secrets.ca_key_id: ca},
    )  # fmt: skip
    # The fixture card has its own TEST CSCA: trust nothing, the hash check fails anyway.
    out = read_and_verify(backend_with(chip), None, keys_from_qr_text(demo_qr_text()).keys, None)
    assert out.verdict.verdict == "data_altered" and not out.verified


def test_wrong_keys_raise_authentication_error(trust: MemoryTrustSource) -> None:
    keys = keys_from_id_and_birth("001099012345", dt.date(1999, 5, 18))
    with pytest.raises(AuthenticationError) as caught:
        read_and_verify(backend_with(), None, keys, trust)
    assert classify(caught.value).kind is Failure.WRONG_KEYS


def test_qr_of_another_card_is_refused(trust: MemoryTrustSource) -> None:
    chip = chip_of(fake_card(), ChipConfig(pace="accept"))
    keys = keys_from_qr_text(demo_qr_text()).keys  # opens the chip (same citizen's CAN)
    other = keys_from_qr_text(QR_OTHER_CARD).record
    with pytest.raises(RecordMismatchError) as caught:
        read_and_verify(backend_with(chip), None, keys, None, qr_record=other)
    assert classify(caught.value).kind is Failure.WRONG_KEYS


class NotAnIdCard:
    """A contactless card without the eMRTD application (a bank or transport card)."""

    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

    def process(self, apdu: bytes) -> bytes:
        return bytes.fromhex("6A82")


def test_a_card_that_is_not_an_id_card(trust: MemoryTrustSource) -> None:
    backend = VirtualBackend(link=None)
    backend.place(NotAnIdCard())
    with pytest.raises(StatusWordError) as caught:
        read_and_verify(backend, None, keys_from_qr_text(demo_qr_text()).keys, trust)
    info = classify(caught.value)
    assert info.kind is Failure.NOT_CCCD and not info.retryable


def test_card_removed_mid_read(trust: MemoryTrustSource) -> None:
    backend = VirtualBackend(link=None)
    backend.place(remove_after=30)
    with pytest.raises(CardRemovedError) as caught:
        read_and_verify(backend, None, keys_from_qr_text(demo_qr_text()).keys, trust)
    assert classify(caught.value).kind is Failure.CARD_REMOVED
    assert not backend.has_card


@pytest.mark.parametrize(
    ("error", "kind", "retryable"),
    [
        (CardRemovedError("x"), Failure.CARD_REMOVED, True),
        (NoCardError("x"), Failure.CARD_REMOVED, True),
        (NoReaderError("x"), Failure.NO_READER, True),
        (ReaderGoneError("x"), Failure.NO_READER, True),
        (AuthenticationError("x"), Failure.WRONG_KEYS, False),
        (QrFormatError("x"), Failure.QR_INVALID, False),
        (StatusWordError(0x6A82, "SELECT eMRTD application"), Failure.NOT_CCCD, False),
        (StatusWordError(0x6A82, "READ BINARY DG13"), Failure.READ_ERROR, True),
        (TransportError("x"), Failure.READ_ERROR, True),
        (CardReaderError("x"), Failure.READ_ERROR, True),
        (RuntimeError("x"), Failure.READ_ERROR, True),
    ],
)
def test_classify(error: BaseException, kind: Failure, retryable: bool) -> None:
    info = classify(error)
    assert (info.kind, info.retryable) == (kind, retryable)
    assert info.code == getattr(error, "code", "internal")


def _face(fmt: str, image_format: str) -> FaceImage:
    picture = Image.new("RGB", (240, 320), (200, 160, 120))
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format)
    return FaceImage(fmt, 240, 320, buffer.getvalue())


@pytest.mark.parametrize(("fmt", "image_format"), [("jpeg", "JPEG"), ("jpeg2000", "JPEG2000")])
def test_face_to_png_decodes_jpeg_and_jpeg2000(fmt: str, image_format: str) -> None:
    png = face_to_png(_face(fmt, image_format))
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (240, 320)


def test_face_to_png_scales_down_and_refuses_garbage() -> None:
    big = Image.new("RGB", (1200, 1600), (10, 20, 30))
    buffer = io.BytesIO()
    big.save(buffer, format="JPEG")
    png = face_to_png(FaceImage("jpeg", 1200, 1600, buffer.getvalue()))
    with Image.open(io.BytesIO(png)) as image:
        assert max(image.size) == 640
    with pytest.raises(CardReaderError) as caught:
        face_to_png(FaceImage("jpeg", 10, 10, b"\xff\xd8 not really a jpeg"))
    assert caught.value.code == "face_unreadable"
    with pytest.raises(CardReaderError):
        face_to_png(FaceImage("jpeg", 5000, 5000, buffer.getvalue()))  # header over the cap


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_random_face_bytes_only_raise_the_library_error(data: bytes) -> None:
    try:
        face_to_png(FaceImage("jpeg", 100, 100, data))
    except CardReaderError as exc:
        assert exc.code == "face_unreadable"
