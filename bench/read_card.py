"""Benchmark: reading a whole CCCD through the real PC/SC stack (pcscd + vpcd + emulator).

The emulator runs in its own process (``cccd emulate``) so this process's CPU time is the host
reader's alone. For each card profile it prints APDUs and bytes per file against the minimum for
that maximum response size, wall time on an emulated 424 kbit/s link with 5 ms per APDU against
that link model's minimum, host CPU per full read, and time to text (DG1 + DG13).

Targets: APDUs within 3 of the minimum for the whole card; wall time within 1.15x of the model;
host CPU under 50 ms; time to text under 25% of the full read.

    .venv/bin/python bench/read_card.py [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cardreader.bac import BacKey
from cardreader.emulator.fake_card import DEMO_CITIZEN, build_fake_card
from cardreader.emulator.pcscd import PcscdStack
from cardreader.lds.files import CARD_ACCESS, LdsFile
from cardreader.primitives import CipherKind
from cardreader.reading import forget_policies, read_from_reader
from cardreader.secure_messaging import wrapped_response_length
from cardreader.transport.pcsc import PcscContext

READER = "Virtual PCD 00 00"
LATENCY_S = 0.005
LINK_BPS = 424_000
# Wire sizes of the minimal BAC opening: SELECT AID, GET CHALLENGE, EXTERNAL AUTHENTICATE.
BAC_WIRE = [(12, 2), (5, 10), (46, 42)]
READ_CMD_WIRE = 19  # protected READ BINARY: header, Lc, DO97, DO8E, Le


def minimal_exchanges(files: dict[LdsFile, bytes], chunk: int) -> list[tuple[str, int, int]]:
    """(file, sent, received) of the least possible APDUs to open the chip and read it all."""
    out = [("access", s, r) for s, r in BAC_WIRE]
    for f, raw in files.items():
        if f is CARD_ACCESS:
            continue
        left = len(raw)
        for _ in range(math.ceil(len(raw) / chunk)):
            n = min(chunk, left)
            left -= n
            received = wrapped_response_length(n, CipherKind.DES3) + 2
            out.append((f.name, READ_CMD_WIRE + (2 if chunk > 256 else 0), received))
    return out


def model_seconds(exchanges: list[tuple[str, int, int]]) -> float:
    return sum(LATENCY_S + (s + r) * 8 / LINK_BPS for _, s, r in exchanges)


def wait_card(present: bool) -> None:
    with PcscContext() as ctx:
        for _ in range(500):
            if READER in ctx.readers() and ctx.card_present(READER) == present:
                return
            time.sleep(0.02)
    raise TimeoutError("pcscd did not see the card change")


def run_profile(
    name: str,
    card_dir: Path,
    key: BacKey,
    files: dict[LdsFile, bytes],
    max_le: int,
    extended: bool,
    runs: int,
    linked: bool,
) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "cardreader.cli",
        "emulate",
        "--dump",
        str(card_dir),
        "--max-le",
        str(max_le),
    ]
    if extended:
        cmd.append("--extended")
    if linked:
        cmd += ["--latency-ms", str(LATENCY_S * 1000), "--link-bps", str(LINK_BPS)]
    wait_card(False)  # no card left over from anything else
    forget_policies()  # each profile is another kind of card behind the same ATR
    emu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        wait_card(True)
        walls, cpus, texts, apdus = [], [], [], []
        result = None
        for _ in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            result, _, _ = read_from_reader(READER, key)
            cpus.append(time.process_time() - c0)
            walls.append(time.perf_counter() - w0)
            texts.append(result.seconds_to_text or 0.0)
            apdus.append(result.apdus)
        assert result is not None
        for f, raw in files.items():
            if result.files.get(f) != raw:
                got = result.files.get(f, b"")
                raise SystemExit(
                    f"{name}: {f.name} differs from the card's file "
                    f"({len(got)} bytes read, {len(raw)} on the card)"
                )
    finally:
        emu.terminate()
        emu.wait(10)
        wait_card(False)
    chunk = max_le if extended else min(max_le, 231)
    minimal = minimal_exchanges(files, chunk)
    print(
        f"\n## {name}: max Le {max_le}{' + extended' if extended else ''}"
        f"{', 424 kbit/s + 5 ms/APDU link' if linked else ', no link delay'}"
    )
    print(f"{'file':<11}{'bytes':>7}{'APDUs':>7}{'min':>6}{'sent':>7}{'recv':>8}{'ms':>8}")
    for fname, st in result.stats.items():
        mins = sum(1 for x in minimal if x[0] == fname)
        print(
            f"{fname:<11}{st.size:>7}{st.apdus:>7}{mins:>6}{st.bytes_sent:>7}"
            f"{st.bytes_received:>8}{st.seconds * 1000:>8.1f}"
        )
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    text = statistics.median(texts)
    print(f"{'access':<11}{'':>7}{result.access_apdus:>7}{3:>6}   ({result.access.pace_result})")
    print(
        f"{'total':<11}{sum(len(b) for b in files.values()):>7}{result.apdus:>7}"
        f"{len(minimal):>6}{result.bytes_sent:>7}{result.bytes_received:>8}{wall * 1000:>8.1f}"
    )
    out = {"apdus": result.apdus, "min_apdus": len(minimal), "wall": wall, "cpu": cpu, "text": text}
    print(f"APDUs over the minimum: {result.apdus - len(minimal)} (target <= 3)")
    print(f"host CPU per read: {cpu * 1000:.1f} ms (target < 50 ms; median of {runs})")
    print(f"time to text: {text * 1000:.1f} ms = {text / wall:.0%} of the full read (target < 25%)")
    if linked:
        model = model_seconds(minimal)
        out["model"] = model
        print(
            f"wall {wall * 1000:.0f} ms vs link model minimum {model * 1000:.0f} ms: "
            f"{wall / model:.3f}x (target <= 1.15x)"
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    card = build_fake_card(DEMO_CITIZEN, face_bytes=18_000)
    files = card.lds_files()
    key = BacKey(card.document_number, card.date_of_birth, card.date_of_expiry)
    print("# cccd read benchmark (real pcscd + vpcd, emulator in its own process)")
    print(
        f"card: {len(files)} files, {sum(len(b) for b in files.values())} bytes, "
        f"face {len(card.files['dg2.bin'])} bytes"
    )
    with PcscdStack(), tempfile.TemporaryDirectory() as tmp:
        card_dir = card.write(Path(tmp) / "card")
        profiles = [
            ("typical CCCD", 0xDF, False, True),
            ("typical CCCD", 0xDF, False, False),
            ("full short APDUs", 256, False, True),
            ("extended length", 65535, True, True),
        ]
        for name, max_le, extended, linked in profiles:
            run_profile(name, card_dir, key, files, max_le, extended, args.runs, linked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
