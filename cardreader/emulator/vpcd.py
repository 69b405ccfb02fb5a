"""Plug the chip emulator into a real pcscd through the vsmartcard vpcd driver.

The vpcd driver (Debian package vsmartcard-vpcd) makes pcscd listen on TCP 35963; a virtual
card connects to it. Every message is a 2-byte big-endian length and a payload; a 1-byte payload
is a control code (0 power off, 1 power on, 2 reset, 4 get ATR, answered with the ATR), anything
longer is a command APDU answered with the response APDU. Connecting is inserting the card;
closing the socket is removing it.

Optional link model for benchmarks: ``latency`` seconds per APDU plus the time the APDU and its
answer take on a link of ``link_bps`` bits per second.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass

from cardreader.emulator.chip import ChipEmulator
from cardreader.errors import TransportError

VPCD_PORT = 35963
_TRACE = bool(os.environ.get("CCCD_VPCD_TRACE"))
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)
_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4


@dataclass(frozen=True, slots=True)
class LinkModel:
    latency: float = 0.0  # seconds per APDU (reader + card turnaround)
    link_bps: int | None = None  # bits per second; None = infinitely fast

    def seconds(self, sent: int, received: int) -> float:
        t = self.latency
        if self.link_bps:
            t += (sent + received) * 8 / self.link_bps
        return t


class VirtualCard:
    """One emulated card in the vpcd slot. ``insert()`` connects, ``remove()`` disconnects."""

    def __init__(
        self,
        chip: ChipEmulator,
        *,
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
        link: LinkModel | None = None,
        remove_after: int | None = None,
    ) -> None:
        self.chip = chip
        self.host = host
        self.port = port
        self.link = link or LinkModel()
        self.remove_after = remove_after
        self.apdus = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.error: BaseException | None = None

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying until ``timeout``) and serve in a background thread."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2)
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise TransportError(
                        f"cannot reach vpcd at {self.host}:{self.port} ({exc}); is pcscd with "
                        "the vsmartcard-vpcd driver running?"
                    ) from exc
                time.sleep(0.05)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._stop.clear()
        self.apdus = 0
        self.chip.reset()
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Take the card off the reader."""
        self._stop.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def serve_forever(self) -> None:
        """Insert and serve until the connection ends (for the ``cccd emulate`` command)."""
        self.insert()
        assert self._thread is not None
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            if _QUICKACK is not None:
                # vpcd writes the length and the APDU separately; with Nagle on its side and
                # delayed ACKs on ours every APDU would wait ~40 ms. ACK at once instead.
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            part = sock.recv(n - len(buf))
            if not part:
                return None
            buf += part
        return bytes(buf)

    def _serve(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            while not self._stop.is_set():
                head = self._recv_exact(sock, 2)
                if head is None:
                    break
                size = int.from_bytes(head, "big")
                payload = self._recv_exact(sock, size)
                if payload is None:
                    break
                if size == 1:
                    code = payload[0]
                    if _TRACE:
                        print(
                            f"{time.monotonic():.3f} vpcd control {code} after {self.apdus} APDUs",
                            file=sys.stderr,
                            flush=True,
                        )
                    if code == _CTRL_ATR:
                        atr = self.chip.atr
                        sock.sendall(len(atr).to_bytes(2, "big") + atr)
                    elif code in (_CTRL_ON, _CTRL_RESET, _CTRL_OFF):
                        self.chip.reset()
                    continue
                if self.remove_after is not None and self.apdus >= self.remove_after:
                    break  # the card leaves the field before answering
                self.apdus += 1
                started = time.perf_counter()
                answer = self.chip.process(payload)
                delay = self.link.seconds(len(payload), len(answer))
                if delay:
                    # The modelled time per APDU includes the card's own processing: sleep
                    # only for what the emulator's work did not already take.
                    time.sleep(max(0.0, delay - (time.perf_counter() - started)))
                sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError as exc:
            if not self._stop.is_set():
                self.error = exc
        finally:
            if self._sock is sock:
                self._sock = None
                with contextlib.suppress(OSError):
                    sock.close()
