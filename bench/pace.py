"""Benchmark: host CPU per PACE run (ICAO 9303-11 4.4), per parameter set.

The chip emulator answers in this process behind a transport that measures the CPU time spent
inside it; that time is subtracted, so the figures are the inspection system's own work
(password key, nonce, two ephemeral keys and the mapping on the curve, key agreement, KDF,
tokens, and for CAM the decryption of the chip authentication data). Each run is a full PACE
from MSE:Set AT to the session keys, with the CAN.

    .venv/bin/python bench/pace.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric import ec

from cardreader.channel import PlainChannel
from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.emulator.fake_card import DEMO_CITIZEN, build_fake_card
from cardreader.lds.card_access import encode_card_access
from cardreader.lds.files import CARD_ACCESS
from cardreader.lds.security_infos import STANDARD_PARAMETERS, pace_info
from cardreader.pace import PacePassword, PaceProtocol
from cardreader.transport.emulated import TimedEmulatorTransport as TimedTransport

CASES = [
    (12, "AES-128", "GM"),
    (13, "AES-128", "GM"),  # what the CCCD's EF.CardAccess announces
    (13, "3DES", "GM"),
    (13, "AES-256", "GM"),
    (13, "AES-128", "CAM"),
    (15, "AES-256", "GM"),
    (16, "AES-256", "GM"),
    (17, "AES-256", "GM"),
    (18, "AES-256", "GM"),
]
_CAM_CURVES = {13: ec.BrainpoolP256R1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    card = build_fake_card(DEMO_CITIZEN, face_bytes=2000)
    files = card.lds_files()
    from cardreader.bac import BacKey

    key = BacKey(card.document_number, card.date_of_birth, card.date_of_expiry)
    password = PacePassword.can(card.can)
    print(f"PACE, host CPU per run (emulator time subtracted), {args.runs} runs, CAN password")
    print(f"{'parameters':<34} {'median ms':>10} {'p95 ms':>8} {'APDUs':>6}")
    for pid, cipher, mapping in CASES:
        info = pace_info(key_agreement="ECDH", mapping=mapping, cipher=cipher, parameter_id=pid)
        case_files = dict(files)
        case_files[CARD_ACCESS] = encode_card_access([info])
        ca_keys: dict[int | None, ec.EllipticCurvePrivateKey] = {}
        if mapping == "CAM":
            ca_keys = {1: ec.generate_private_key(_CAM_CURVES[pid]())}
        host: list[float] = []
        apdus = 0
        for _ in range(args.runs):
            chip = ChipEmulator(case_files, key, ChipConfig(pace="accept"), ca_keys=ca_keys)
            transport = TimedTransport(chip)
            start = time.process_time()
            result = PaceProtocol(password, info).establish(PlainChannel(transport))
            total = time.process_time() - start
            host.append((total - transport.card_cpu) * 1000)
            apdus = result.apdus
        host.sort()
        p95 = host[min(len(host) - 1, int(0.95 * len(host)))]
        label = f"{STANDARD_PARAMETERS[pid]} {mapping} {cipher}"
        print(f"{label:<34} {statistics.median(host):>10.2f} {p95:>8.2f} {apdus:>6}")


if __name__ == "__main__":
    main()
