"""From a card on a reader to a verified citizen record: keys, read, verification, face, errors.

Pure Python, no Qt: the controller (``ui/controller.py``) runs :func:`read_and_verify` on a
worker thread and shows what it returns.

* Keys: from the QR code's text as a scanner types it (:func:`keys_from_qr_text`: the wedge
  repair, then the CAN and BAC candidates of ``cardreader.access_keys``), from a typed ID number
  and birth date (:func:`keys_from_id_and_birth`) or from a CAN (:func:`keys_from_can`).
* :func:`read_and_verify`: the read (text groups first, then the face), passive authentication
  against the trust store (ICAO Doc 9303-11 5.1: EF.SOD's hashes, its signature, the document
  signer's chain to a CSCA), the live-chip checks the read ran (chip and active authentication,
  9303-11 6.1/6.2) and one verdict (``cardreader.verify.verdict``). The record is *verified*
  only when the verdict is ``genuine``: the data is signed by a trusted issuer AND the chip
  proved it holds the original keys. ``unknown_issuer`` (a valid signature from a CSCA we do not
  hold) keeps the values but not the lock.
* :func:`classify`: any error of a read as the friendly failure the screens show.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cardreader.access import ChipKeys
from cardreader.access_keys import AccessKeys, access_keys_from_qr, bac_candidates
from cardreader.dump import parse_files
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
)
from cardreader.lds.dg2 import FaceImage
from cardreader.lds.files import DG2, LdsFile
from cardreader.reading import CardRead
from cardreader.verify.passive import passive_authentication
from cardreader.verify.verdict import CardVerdict, card_verdict
from kiosk.readers import ReaderBackend
from kiosk.record import CitizenRecord, RecordError
from kiosk.session import Failure, FailureInfo, ReadProgress

#: The largest face we decode (the header's width x height); real DG2 faces are ~480x640.
MAX_FACE_PIXELS = 4_000_000
#: Longest side of the PNG handed to the screens.
FACE_MAX_SIDE = 640

ProgressHandler = Callable[[ReadProgress], None]
TextHandler = Callable[[CitizenRecord], None]


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QrKeys:
    """What a scanned QR code gives: the chip keys and the (unverified) QR record."""

    keys: AccessKeys
    record: CitizenRecord
    degraded: bool  # the names/address may be garbled: ask the person to check them
    reasons: tuple[str, ...]

    def __repr__(self) -> str:
        return f"QrKeys(bac={len(self.keys.bac)}, degraded={self.degraded})"


def keys_from_qr_text(text: str, *, today: _dt.date | None = None) -> QrKeys:
    """The keys and record of the QR text a scanner typed; QrFormatError when it is not one."""
    from cardreader.qr.wedge import parse_wedge_text

    result = parse_wedge_text(text, today=today)
    card = result.card
    keys = access_keys_from_qr(card, today=today)
    mapping = card.to_mapping()
    if result.degraded:
        # Garbled names are worse than none: the form asks for them instead.
        for name in ("full_name", "address"):
            mapping.pop(name, None)
    try:
        record = CitizenRecord.from_qr(mapping)
    except RecordError as exc:
        raise QrFormatError(f"mã QR có giá trị không hợp lệ / QR value not usable: {exc}") from exc
    return QrKeys(keys, record, result.degraded, result.reasons)


def keys_from_id_and_birth(
    id_number: str,
    date_of_birth: _dt.date,
    date_of_issue: _dt.date | None = None,
    *,
    today: _dt.date | None = None,
) -> ChipKeys:
    """Keys from a typed 12-digit ID number and birth date: PACE with the CAN (last 6 digits),
    then BAC with the likely expiry dates (``cardreader.access_keys.bac_candidates``)."""
    id_number = id_number.strip()
    candidates = bac_candidates(id_number, date_of_birth, date_of_issue, today=today)
    return ChipKeys(id_number[-6:], tuple(candidates))


def keys_from_can(can: str) -> ChipKeys:
    """Keys from the 6-digit card access number (PACE only)."""
    can = can.strip()
    if not re.fullmatch(r"\d{6}", can):
        raise InputError("CAN phải gồm 6 chữ số / the CAN must be 6 digits")
    return ChipKeys(can, ())


# --- the read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOutcome:
    """One verified read. ``record`` merges the chip's data with the QR record (chip wins)."""

    read: CardRead
    record: CitizenRecord
    verdict: CardVerdict
    face_png: bytes | None
    verified: bool

    def __repr__(self) -> str:  # no personal data
        return (
            f"ReadOutcome(verdict={self.verdict.verdict}, verified={self.verified}, "
            f"face={'yes' if self.face_png else 'no'}, apdus={self.read.apdus})"
        )


def _record(files: Mapping[LdsFile, bytes], *, verified: bool,
            qr_record: CitizenRecord | None) -> CitizenRecord:  # fmt: skip
    citizen = parse_files(files).citizen
    chip = CitizenRecord.from_chip(citizen, verified=verified)
    return CitizenRecord.merge(chip, qr_record)


def face_to_png(face: FaceImage, *, max_side: int = FACE_MAX_SIDE) -> bytes:
    """The DG2 face (JPEG or JPEG 2000) as PNG bytes for the screens; ParseError-family
    :class:`CardReaderError` (code "face_unreadable") when it cannot be decoded."""
    from PIL import Image, UnidentifiedImageError

    if face.width * face.height > MAX_FACE_PIXELS:
        raise CardReaderError("the face image is too large to show", code="face_unreadable")
    try:
        with Image.open(io.BytesIO(face.image)) as image:
            if image.width * image.height > MAX_FACE_PIXELS:
                raise CardReaderError("the face image is too large to show", code="face_unreadable")
            picture = image.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise CardReaderError(
            f"the face image ({face.format}) cannot be decoded ({type(exc).__name__})",
            code="face_unreadable",
        ) from None
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=1)  # speed over size: it stays in memory
    return out.getvalue()


def read_and_verify(
    backend: ReaderBackend,
    reader: str | None,
    keys: Any,
    trust: Any,
    *,
    on_progress: ProgressHandler | None = None,
    on_text_ready: TextHandler | None = None,
    skip_face: bool = False,
    qr_record: CitizenRecord | None = None,
) -> ReadOutcome:
    """Read the card, verify it, and build the record (blocking; run it off the GUI thread).

    ``keys``: AccessKeys, ChipKeys or a BacKey. ``trust``: a trust source for passive
    authentication (a TrustStore, MemoryTrustSource, or None: nothing trusted). Raises the
    library's errors (see :func:`classify`) and RecordMismatchError when the QR code belongs to
    another card than the chip.
    """

    def progress(f: LdsFile, done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(ReadProgress(done, total, f.name.upper()))

    def text_ready(files: dict[LdsFile, bytes]) -> None:
        if on_text_ready is not None:
            on_text_ready(_record(files, verified=False, qr_record=qr_record))

    result = backend.read(
        reader, keys, skip_face=skip_face, on_progress=progress, on_text_ready=text_ready
    )
    verdict = card_verdict(
        passive_authentication(result.files, trust), result.chip_auth, result.active_auth
    )
    verified = verdict.verdict == "genuine" and verdict.chip_verified
    record = _record(result.files, verified=verified, qr_record=qr_record)
    face_png: bytes | None = None
    if DG2 in result.files:
        parsed = parse_files({DG2: result.files[DG2]})
        if parsed.dg2 is not None and parsed.dg2.face is not None:
            try:
                face_png = face_to_png(parsed.dg2.face)
            except CardReaderError:
                face_png = None  # the data is still good; the screen shows "no photo"
    return ReadOutcome(result, record, verdict, face_png, verified)


# --- failures ---------------------------------------------------------------------------------


def classify(exc: BaseException) -> FailureInfo:
    """The failure screen for an error of a read (or of the keys)."""
    from kiosk.record import RecordMismatchError

    if isinstance(exc, CardRemovedError | NoCardError):
        return FailureInfo(Failure.CARD_REMOVED, exc.code, True)
    if isinstance(exc, NoReaderError | ReaderGoneError):
        return FailureInfo(Failure.NO_READER, exc.code, True)
    if isinstance(exc, AuthenticationError):
        return FailureInfo(Failure.WRONG_KEYS, exc.code, False)
    if isinstance(exc, QrFormatError):
        return FailureInfo(Failure.QR_INVALID, exc.code, False)
    if isinstance(exc, RecordMismatchError):
        # The QR code scanned and the chip on the reader belong to two different cards.
        return FailureInfo(Failure.WRONG_KEYS, exc.code, False)
    if isinstance(exc, StatusWordError) and exc.command.startswith("SELECT eMRTD application"):
        return FailureInfo(Failure.NOT_CCCD, exc.code, False)
    if isinstance(exc, CardReaderError):
        return FailureInfo(Failure.READ_ERROR, exc.code, True)
    if isinstance(exc, RecordError):
        return FailureInfo(Failure.READ_ERROR, exc.code, True)
    return FailureInfo(Failure.READ_ERROR, "internal", True)
