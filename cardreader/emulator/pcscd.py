"""Run (or reuse) a real pcscd with the vpcd driver for tests, benches and demos.

A run starts its own pcscd in the foreground unless one already listens for vpcd cards on
127.0.0.1:35963, and stops only what it started (by PID). Test machines only: Debian's vpcd
driver makes pcscd listen on all interfaces.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType

from cardreader.emulator.vpcd import VPCD_PORT
from cardreader.errors import TransportError

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")


def vpcd_listening(host: str = "127.0.0.1", port: int = VPCD_PORT) -> bool:
    # A bare TCP connect would be taken by vpcd as a card insertion; ask the kernel instead.
    needle = f":{port:04X} "
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 3 and parts[3] == "0A" and needle.strip() in parts[1]:
                return True
    return False


def _pcscd_binary() -> str:
    found = shutil.which("pcscd") or (
        "/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None
    )
    if found is None:
        raise TransportError("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
    return found


class PcscdStack:
    """Context manager: ensures pcscd + vpcd are up; ``started`` tells if this run started it."""

    def __init__(self, *, log_path: Path | None = None, timeout: float = 15.0) -> None:
        self.log_path = log_path
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def started(self) -> bool:
        return self.process is not None

    def start(self) -> PcscdStack:
        if vpcd_listening():
            return self
        if not VPCD_DRIVER.exists() and not VPCD_DRIVER.with_suffix(".so.0.8").exists():
            raise TransportError("the vpcd driver is missing (apt-get install vsmartcard-vpcd)")
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [_pcscd_binary(), "--foreground"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.timeout
        while not vpcd_listening():
            if self.process.poll() is not None:
                code = self.process.returncode
                self.process = None
                raise TransportError(f"pcscd exited with code {code} before vpcd was listening")
            if time.monotonic() > deadline:
                self.stop()
                raise TransportError("pcscd did not start listening for vpcd cards in time")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        try:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                proc.kill()
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass

    def __enter__(self) -> PcscdStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
