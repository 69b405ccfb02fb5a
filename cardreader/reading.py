"""Reading a whole card: open it, then fetch its files text-first, collecting per-file errors.

Order: EF.COM, EF.SOD, DG1, DG13 (the text a counter needs), then the face (DG2), then DG14 and
DG15 (keys for chip and active authentication). ``on_text_ready`` fires once the text groups are
in, before the face is read, so a screen can fill in while the photo still loads. A file the
chip refuses or that fails to read is recorded and the read goes on (gmrtd-style); losing the
card or the secure channel ends the read with a typed error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cardreader.access import AccessReport, ChipKeys, open_chip
from cardreader.access_keys import AccessKeys
from cardreader.atr import parse_atr
from cardreader.bac import BacKey
from cardreader.channel import Counters, Transceiver
from cardreader.chip_auth import ChipAuthResult, run_chip_authentication
from cardreader.dump import FileError
from cardreader.errors import (
    CardReaderError,
    FileNotFoundOnCardError,
    ParseError,
    SecureMessagingError,
    TransportError,
)
from cardreader.file_reader import FileReader, FileStats, ReadPolicy
from cardreader.lds.com import parse_com
from cardreader.lds.dg14 import Dg14, parse_dg14
from cardreader.lds.dg15 import parse_dg15
from cardreader.lds.files import (
    CARD_ACCESS,
    COM,
    DG1,
    DG2,
    DG13,
    DG14,
    DG15,
    READ_ORDER,
    LdsFile,
)
from cardreader.pace import PaceResult, verify_cam
from cardreader.verify.active_auth import ActiveAuthResult, run_active_authentication
from cardreader.verify.keys import load_public_key

TEXT_GROUPS = (DG1, DG13)

ProgressCallback = Callable[[LdsFile, int, int], None]
TextReadyCallback = Callable[[dict[LdsFile, bytes]], None]


@dataclass
class CardRead:
    """Everything one read produced: raw files (exact bytes), statistics, failures."""

    files: dict[LdsFile, bytes]
    stats: dict[str, FileStats]
    failures: list[FileError]
    access: AccessReport
    seconds_total: float
    seconds_to_text: float | None
    apdus: int
    bytes_sent: int
    bytes_received: int
    access_apdus: int
    policy: ReadPolicy = field(default_factory=ReadPolicy)
    active_auth: ActiveAuthResult | None = None
    chip_auth: ChipAuthResult | None = None
    auth_apdus: int = 0
    auth_seconds: float = 0.0

    def statistics(self) -> dict[str, object]:
        return {
            "seconds_total": round(self.seconds_total, 4),
            "seconds_to_text": None
            if self.seconds_to_text is None
            else round(self.seconds_to_text, 4),
            "apdus": self.apdus,
            "access_apdus": self.access_apdus,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "chunk_size": self.policy.short_chunk,
            "extended_length": self.policy.extended,
            "files": {name: s.to_dict() for name, s in self.stats.items()},
            "auth_apdus": self.auth_apdus,
            "auth_seconds": round(self.auth_seconds, 4),
        }


def _plan(com_raw: bytes | None, skip_face: bool) -> list[LdsFile]:
    wanted = list(READ_ORDER[1:])
    if com_raw is not None:
        try:
            com = parse_com(com_raw)
        except ParseError:
            pass
        else:
            present = set(com.data_groups)
            wanted = [f for f in wanted if f.dg_number is None or f in present]
    if skip_face:
        wanted = [f for f in wanted if f is not DG2]
    return wanted


_POLICIES: dict[tuple[str, bytes], ReadPolicy] = {}


def policy_for(reader: str, atr: bytes) -> ReadPolicy:
    """The remembered read policy for this reader and kind of card (by ATR).

    A new one uses extended length when the ATR's card capabilities announce it.
    """
    key = (reader, atr)
    policy = _POLICIES.get(key)
    if policy is None:
        try:
            extended = parse_atr(atr).extended_length
        except ParseError:
            extended = False
        policy = _POLICIES[key] = ReadPolicy(extended=extended)
    return policy


def forget_policies() -> None:
    """Drop every remembered read policy (a bench or test changing the card behind one ATR)."""
    _POLICIES.clear()


def read_from_reader(
    reader: str | None,
    key: BacKey | AccessKeys | ChipKeys,
    *,
    skip_face: bool = False,
    on_progress: ProgressCallback | None = None,
    on_text_ready: TextReadyCallback | None = None,
    authenticate: bool = True,
) -> tuple[CardRead, str, bytes]:
    """Read the card on a PC/SC reader. Returns (result, reader name, ATR).

    If the reader cannot carry extended-length APDUs although the card announces them, the
    transmit fails; the card is then read again with short APDUs and the policy remembers.
    """
    from cardreader.transport.pcsc import open_card

    for attempt in range(2):
        with open_card(reader) as conn:
            policy = policy_for(conn.reader_name, conn.atr)
            try:
                result = read_card(
                    conn,
                    key,
                    policy=policy,
                    skip_face=skip_face,
                    on_progress=on_progress,
                    on_text_ready=on_text_ready,
                )
            except TransportError as exc:
                if attempt or not policy.extended or type(exc) is not TransportError:
                    raise
                policy.extended = False
                continue
            return result, conn.reader_name, conn.atr
    raise AssertionError("unreachable")


def read_card(
    transceiver: Transceiver,
    key: BacKey | AccessKeys | ChipKeys,
    *,
    policy: ReadPolicy | None = None,
    skip_face: bool = False,
    on_progress: ProgressCallback | None = None,
    on_text_ready: TextReadyCallback | None = None,
    authenticate: bool = True,
    rng: Callable[[int], bytes] = os.urandom,
    clock: Callable[[], float] = time.perf_counter,
) -> CardRead:
    """Open the chip (PACE with the CAN or MRZ key when offered, else BAC with each MRZ key
    candidate in turn), read its files, then (``authenticate``) run active and chip
    authentication against the live chip. Raises on access failure or card loss."""
    policy = policy or ReadPolicy()
    counters = Counters()
    start = clock()
    opened = open_chip(transceiver, key, policy=policy, counters=counters, rng=rng)
    access_apdus = counters.apdus
    reader = FileReader(opened.channel, policy, on_progress=on_progress, clock=clock)
    files: dict[LdsFile, bytes] = {}
    if opened.card_access_raw is not None:
        files[CARD_ACCESS] = opened.card_access_raw
    stats: dict[str, FileStats] = {}
    failures: list[FileError] = []
    text_at: float | None = None

    def fetch(f: LdsFile) -> None:
        try:
            data, st = reader.read(f)
        except (TransportError, SecureMessagingError):
            raise
        except FileNotFoundOnCardError:
            if f is not COM:
                failures.append(FileError(f.name, "file_not_found", f"{f.name} is not on the chip"))
            return
        except CardReaderError as exc:
            failures.append(FileError(f.name, exc.code, exc.message))
            return
        files[f] = data
        stats[f.name] = st

    fetch(COM)
    plan = _plan(files.get(COM), skip_face)
    text_left = {f for f in TEXT_GROUPS if f in plan}
    for f in plan:
        fetch(f)
        text_left.discard(f)
        if text_at is None and not text_left and f in TEXT_GROUPS:
            text_at = clock() - start
            if on_text_ready is not None:
                on_text_ready(dict(files))
    read_end = clock()
    read_counts = counters.snapshot()
    active: ActiveAuthResult | None = None
    chip: ChipAuthResult | None = None
    if authenticate:
        # After every file: a failed chip authentication leaves the channel unusable, and AA
        # works under either set of keys (ICAO 9303-11 6.1, 6.2).
        dg14 = _parsed(parse_dg14, files.get(DG14))
        active = run_active_authentication(
            opened.channel, _parsed(parse_dg15, files.get(DG15)), dg14, rng=rng
        )
        if opened.pace is not None and opened.pace.ca_data is not None:
            # PACE with chip authentication mapping already carried the chip's proof: check it
            # against DG14's key (vouched for by passive authentication) instead of running CA.
            chip = _cam_result(opened.pace, dg14)
        else:
            chip = run_chip_authentication(opened.channel, dg14, rng=rng)
    return CardRead(
        files=files,
        stats=stats,
        failures=failures,
        access=opened.report,
        seconds_total=read_end - start,
        seconds_to_text=text_at,
        apdus=read_counts[0],
        bytes_sent=read_counts[1],
        bytes_received=read_counts[2],
        access_apdus=access_apdus,
        policy=policy,
        active_auth=active,
        chip_auth=chip,
        auth_apdus=counters.apdus - read_counts[0],
        auth_seconds=clock() - read_end,
    )


T = TypeVar("T")


def _cam_result(pace: PaceResult, dg14: Dg14 | None) -> ChipAuthResult:
    """PACE-CAM (ICAO 9303-11 4.4.3.5.2): the chip's CA data must match a DG14 EC key."""
    keys = [
        k for k in (dg14.chip_authentication_public_keys if dg14 else ()) if k.algorithm == "ec"
    ]
    if not keys:
        return ChipAuthResult(
            False, False, "PACE-CAM", "PACE-CAM data, but DG14 has no EC chip authentication key"
        )
    for info in keys:
        try:
            key = load_public_key(info.public_key_der)
            if not isinstance(key, ec.EllipticCurvePublicKey):
                continue
            point = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
            if verify_cam(pace, point):
                return ChipAuthResult(
                    True, True, "PACE-CAM", "the chip proved its DG14 key during PACE (CAM)"
                )
        except CardReaderError:
            continue
    return ChipAuthResult(
        True, False, "PACE-CAM", "the chip's PACE-CAM data does not match DG14's key"
    )


def _parsed(parser: Callable[[bytes], T], raw: bytes | None) -> T | None:
    """A group parsed for the live-chip checks; None when absent or malformed (passive
    authentication reports the malformed group itself)."""
    if raw is None:
        return None
    try:
        return parser(raw)
    except ParseError:
        return None
