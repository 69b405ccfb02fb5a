"""Benchmark: host CPU and APDUs per active authentication and per chip authentication run.

The chip emulator runs in this process behind a transport that measures the CPU time spent
inside the emulator; that time is subtracted, so the figures are the inspection system's own
(challenge, secure messaging, signature check; ephemeral key, key agreement, KDF, proof). Each
run starts from a fresh BAC session with DG14 and DG15 already read, as after ``read_card``.

    .venv/bin/python bench/auth.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardreader.chip_auth import MODP_1024_160, generate_dh_key, run_chip_authentication
from cardreader.emulator.chip import CaPrivateKey, ChipEmulator
from cardreader.emulator.fake_card import FakeCard
from cardreader.lds.dg14 import Dg14, parse_dg14
from cardreader.lds.files import DG14
from cardreader.primitives import CipherKind
from cardreader.transport.emulated import TimedEmulatorTransport as TimedTransport
from cardreader.verify.active_auth import run_active_authentication
from tests.cardreader import auth_helpers as h


def measure(
    make_chip: Callable[[], ChipEmulator],
    card: FakeCard,
    step: Callable[[h.Session], bool],
    runs: int,
) -> tuple[list[float], int, int, int]:
    cpu: list[float] = []
    apdus = sent = received = 0
    for _ in range(runs):
        transport = TimedTransport(make_chip())
        session = h.open_session(transport, card)
        before = session.channel.counters.snapshot()
        card_before = transport.card_cpu
        start = time.process_time()
        ok = step(session)
        total = time.process_time() - start
        if not ok:
            raise SystemExit("a genuine run failed: the benchmark measures nothing")
        cpu.append(total - (transport.card_cpu - card_before))
        after = session.channel.counters.snapshot()
        apdus, sent, received = (a - b for a, b in zip(after, before, strict=True))
    return cpu, apdus, sent, received


def _aa_ok(session: h.Session) -> bool:
    return run_active_authentication(session.channel, session.dg15, session.dg14).ok


def _ca_ok(dg14: Dg14, session: h.Session) -> bool:
    return run_chip_authentication(session.channel, dg14).ok


def row(name: str, cpu: list[float], apdus: int, sent: int, received: int) -> str:
    ms = sorted(c * 1000 for c in cpu)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:<44} {statistics.median(ms):7.2f} {p95:7.2f} {apdus:5d} {sent:6d} {received:6d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    header = f"{'run':<44} {'cpu ms':>7} {'p95 ms':>7} {'APDUs':>5} {'sent':>6} {'recvd':>6}"

    print("Active authentication (INTERNAL AUTHENTICATE under BAC 3DES secure messaging)")
    print(header)
    for aa_key in (
        "rsa-1024",
        "rsa-2048",
        "ecdsa-p256",
        "ecdsa-brainpoolp256r1",
        "ecdsa-brainpoolp384r1",
        "ecdsa-brainpoolp512r1",
    ):
        card = h.card(aa_key=aa_key)
        cpu, n, s, r = measure(partial(h.emulator, card), card, _aa_ok, args.runs)
        print(row(f"AA {aa_key}", cpu, n, s, r))

    print()
    print("Chip authentication (key agreement, switch to new keys, one proving READ BINARY)")
    print(header)
    card = h.card()
    cases: list[tuple[str, dict[int | None, CaPrivateKey], CipherKind]] = []
    for ca_key in ("ecdh-p256", "ecdh-brainpoolp256r1", "ecdh-brainpoolp384r1", "ecdh-p521"):
        _, keys = h.chip_keys(h.card(ca_key=ca_key))
        cases.append((ca_key, keys, CipherKind.AES128))
    _, keys = h.chip_keys(h.card(ca_key="ecdh-brainpoolp256r1"))
    cases.append(("ecdh-brainpoolp256r1", keys, CipherKind.DES3))
    cases.append(("ecdh-brainpoolp256r1", keys, CipherKind.AES256))
    dh: dict[int | None, CaPrivateKey] = {None: generate_dh_key(MODP_1024_160)}
    cases.append(("dh-1024-160", dh, CipherKind.AES128))
    cases.append(("dh-1024-160", dh, CipherKind.DES3))
    for name, keys, cipher in cases:
        files = h.files_with_dg14(card, h.ca_infos(keys, cipher))
        dg14 = parse_dg14(files[DG14])
        cpu, n, s, r = measure(
            partial(h.emulator, card, files=files, ca_keys=keys),
            card,
            partial(_ca_ok, dg14),
            args.runs,
        )
        print(row(f"CA {name} {cipher.value}", cpu, n, s, r))


if __name__ == "__main__":
    main()
