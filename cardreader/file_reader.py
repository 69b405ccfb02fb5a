"""Fast, adaptive reading of elementary files (ISO/IEC 7816-4 READ BINARY).

- The first chunk is read by short file identifier (no separate SELECT) at the largest size the
  card and reader allow; the file's own TLV header in that chunk gives the total length, so
  there is no separate 4-byte header read.
- The remaining chunks are sized exactly, so a file of N bytes costs ceil(N / chunk) APDUs.
- When the card answers 6700 (wrong length) or 6Cxx (use xx), the chunk shrinks and the
  :class:`ReadPolicy` remembers what worked for the next file and the next card of the kind.
- 6282 (end of file before Le bytes) is a normal short answer.
- Extended length (one READ BINARY with Le = 0000 returns as much as the card's buffer holds)
  is used when both the card and the reader support it.
- Offsets above 32767 use READ BINARY with odd INS (B1) and an offset data object (54).
- File size and chunk count are capped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cardreader.apdu import (
    SW_END_OF_FILE,
    SW_FILE_NOT_FOUND,
    SW_OK,
    SW_SECURITY_STATUS,
    SW_WRONG_LENGTH,
    CommandApdu,
    ResponseApdu,
    status_error,
)
from cardreader.channel import Channel
from cardreader.errors import FileNotFoundOnCardError, ParseError, ReadError
from cardreader.lds import tlv
from cardreader.lds.files import LdsFile
from cardreader.primitives import CipherKind
from cardreader.secure_messaging import SAFE_SHORT_PLAINTEXT, max_plaintext_for

MAX_FILE_SIZE = 256 * 1024
MAX_CHUNKS = 2048
_SHORT_LADDER = (SAFE_SHORT_PLAINTEXT, 0xC0, 0x80, 0x40, 0x20)
# Status words meaning "this card does not do READ BINARY by SFI here": select, then read.
_SFI_UNSUPPORTED = {0x6A86, 0x6A81, 0x6D00, 0x6B00, 0x6986, 0x6981, 0x6E00, 0x6A80}


@dataclass(slots=True)
class ReadPolicy:
    """What works with one kind of card in one reader (shared across files and cards)."""

    short_chunk: int | None = None  # learnt plaintext size for short APDUs; None = not yet
    extended: bool = False  # use extended-length READ BINARY
    sfi: bool = True  # READ BINARY with short file identifiers works

    def first_short_chunk(self, kind: CipherKind | None) -> int:
        if self.short_chunk is not None:
            return self.short_chunk
        if kind is None:
            return SAFE_SHORT_PLAINTEXT  # plain reads (EF.CardAccess): small files, safe size
        return max_plaintext_for(256, kind)


@dataclass(frozen=True, slots=True)
class FileStats:
    name: str
    size: int
    apdus: int
    bytes_sent: int
    bytes_received: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "size": self.size,
            "apdus": self.apdus,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "seconds": round(self.seconds, 4),
        }


@dataclass(slots=True)
class _Progress:
    callback: Callable[[LdsFile, int, int], None] | None
    file: LdsFile
    total: int = 0
    done: int = 0

    def report(self) -> None:
        if self.callback is not None:
            self.callback(self.file, self.done, self.total)


@dataclass
class FileReader:
    channel: Channel
    policy: ReadPolicy = field(default_factory=ReadPolicy)
    max_file_size: int = MAX_FILE_SIZE
    max_chunks: int = MAX_CHUNKS
    on_progress: Callable[[LdsFile, int, int], None] | None = None
    clock: Callable[[], float] = time.perf_counter

    def read(self, f: LdsFile) -> tuple[bytes, FileStats]:
        """Read a whole file. FileNotFoundOnCardError if the chip does not have it."""
        start = self.clock()
        before = self.channel.counters.snapshot()
        progress = _Progress(self.on_progress, f)
        data = self._read(f, progress)
        after = self.channel.counters.snapshot()
        stats = FileStats(
            f.name,
            len(data),
            after[0] - before[0],
            after[1] - before[1],
            after[2] - before[2],
            self.clock() - start,
        )
        return data, stats

    # --- internals ----------------------------------------------------------------------

    def _kind(self) -> CipherKind | None:
        sm = self.channel.secure
        return sm.kind if sm is not None else None

    def _read(self, f: LdsFile, progress: _Progress) -> bytes:
        first = self._first_chunk(f)
        try:
            _, length, header = tlv.read_header(first)
        except ParseError as exc:
            raise ReadError(f"{f.name}: the file does not start with a TLV header ({exc})") from exc
        total = header + length
        if total > self.max_file_size:
            raise ReadError(f"{f.name}: declares {total} bytes, above the cap {self.max_file_size}")
        data = bytearray(first[:total])
        progress.total, progress.done = total, len(data)
        progress.report()
        chunks = 1
        while len(data) < total:
            chunks += 1
            if chunks > self.max_chunks:
                raise ReadError(f"{f.name}: more than {self.max_chunks} READ BINARY commands")
            part = self._read_at(f, len(data), total - len(data))
            if not part:
                raise ReadError(f"{f.name}: the card returned no data at offset {len(data)}")
            data += part[: total - len(data)]
            progress.done = len(data)
            progress.report()
        return bytes(data)

    def _first_chunk(self, f: LdsFile) -> bytes:
        if self.policy.sfi:
            resp = self._read_binary(f, 0, None, sfi=f.sfi)
            if resp is not None:
                return resp
            self.policy.sfi = False
        self._select(f)
        out = self._read_binary(f, 0, None, sfi=None)
        assert out is not None
        return out

    def _select(self, f: LdsFile) -> None:
        resp = self.channel.send(CommandApdu(0x00, 0xA4, 0x02, 0x0C, f.fid.to_bytes(2, "big")))
        if resp.sw == SW_FILE_NOT_FOUND:
            raise FileNotFoundOnCardError(resp.sw, f"SELECT {f.name}")
        if resp.sw != SW_OK:
            raise status_error(resp.sw, f"SELECT {f.name}")

    def _read_at(self, f: LdsFile, offset: int, remaining: int) -> bytes:
        out = self._read_binary(f, offset, remaining, sfi=None)
        assert out is not None
        return out

    def _command(self, offset: int, le: int, sfi: int | None, extended: bool) -> CommandApdu:
        if sfi is not None:
            return CommandApdu(0x00, 0xB0, 0x80 | sfi, 0x00, le=le, extended=extended)
        if offset <= 0x7FFF:
            return CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le, extended=extended)
        off = offset.to_bytes((offset.bit_length() + 7) // 8, "big")
        return CommandApdu(0x00, 0xB1, 0x00, 0x00, tlv.encode(0x54, off), le=le, extended=extended)

    def _read_binary(
        self, f: LdsFile, offset: int, remaining: int | None, *, sfi: int | None
    ) -> bytes | None:
        """One READ BINARY with size adaptation. None: SFI addressing refused."""
        odd = sfi is None and offset > 0x7FFF
        for _ in range(12):
            if self.policy.extended:
                le, extended = 65536, True  # "as much as the buffer holds"
            else:
                le = self.policy.first_short_chunk(self._kind())
                if odd:
                    le = max(1, le - 4)  # room for the 53 wrapper of B1 answers
                if remaining is not None:
                    le = min(le, remaining)
                extended = False
            resp = self.channel.send(self._command(offset, le, sfi, extended))
            sw = resp.sw
            if sw in (SW_OK, SW_END_OF_FILE):
                if sw == SW_END_OF_FILE and not resp.data:
                    raise ReadError(f"{f.name}: end of file at offset {offset}")
                return _strip_odd(resp) if odd else resp.data
            if sw == SW_WRONG_LENGTH or sw >> 8 == 0x6C:
                self._shrink(sw, le)
                continue
            if sfi is not None and sw in _SFI_UNSUPPORTED:
                return None
            if sw == SW_FILE_NOT_FOUND:
                raise FileNotFoundOnCardError(sw, f"READ BINARY {f.name}")
            if sw == SW_SECURITY_STATUS:
                raise status_error(sw, f"READ BINARY {f.name} (access refused)")
            raise status_error(sw, f"READ BINARY {f.name} at offset {offset}")
        raise ReadError(f"{f.name}: the card refused every READ BINARY size")

    def _shrink(self, sw: int, le: int) -> None:
        if self.policy.extended:
            self.policy.extended = False
            return
        if sw >> 8 == 0x6C and 0 < (sw & 0xFF) < le:
            self.policy.short_chunk = sw & 0xFF
            return
        for size in _SHORT_LADDER:
            if size < le:
                self.policy.short_chunk = size
                return
        raise ReadError(f"the card refused READ BINARY even with Le={le}")


def _strip_odd(resp: ResponseApdu) -> bytes:
    """READ BINARY B1 answers with a discretionary-data object 53."""
    try:
        item = tlv.parse_single(resp.data, "READ BINARY (B1) answer")
    except ParseError as exc:
        raise ReadError(str(exc)) from exc
    if item.tag != 0x53:
        raise ReadError(f"READ BINARY (B1) answer has tag {item.tag:X}, expected 53")
    return item.value
