"""Benchmark: passive authentication per card, cold and warm, against a realistic trust store.

The store holds the real German master list (588 CSCAs, imported with its signature verified)
plus the project's TEST CSCA that signed the fake cards. Figures:

- master-list import of the German list into a fresh store;
- cold: a fresh process loads the store from disk and verifies its first card (measured inside
  that process, interpreter start excluded);
- warm: the store is loaded and the card's keys seen before (target under 5 ms);
- warm per signer key type, for the 8 key types the fake issuer offers.

    .venv/bin/python bench/verify.py [--runs 50] [--trust ../shared/trust]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardreader.emulator.fake_card import DEMO_CITIZEN, build_fake_card
from cardreader.emulator.issuer import KEY_TYPES
from cardreader.verify.passive import passive_authentication
from cardreader.verify.trust_store import TrustStore

COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from cardreader.dump import load_dump
from cardreader.verify.passive import passive_authentication
from cardreader.verify.trust_store import TrustStore
t1 = time.perf_counter()
store = TrustStore(sys.argv[1])
files = load_dump(sys.argv[2])
result = passive_authentication(files, store)
t2 = time.perf_counter()
print(json.dumps({"imports_ms": (t1 - t0) * 1000, "verify_ms": (t2 - t1) * 1000,
                  "status": result.status}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--trust", default=str(Path(__file__).resolve().parents[2] / "shared/trust"))
    args = ap.parse_args()
    trust_dir = Path(args.trust)
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        store = TrustStore(store_dir)
        t = time.perf_counter()
        res = store.import_file(
            trust_dir / "DE_ML_2026-05-28-08-28-45.ml",
            ml_anchor=trust_dir / "DE_ROOT_CA_CSCA07.cer",
        )
        import_ms = (time.perf_counter() - t) * 1000
        print("# passive authentication benchmark")
        print(
            f"German master list import (signature + signer chain verified): {import_ms:.0f} ms"
            f" ({res.to_dict().get('added', '?')} added)"
        )
        rows = []
        for key_type in KEY_TYPES:
            card = build_fake_card(DEMO_CITIZEN, signer_key=key_type, face_bytes=18_000)
            csca = Path(tmp) / f"{key_type}.pem"
            csca.write_bytes(card.issuer.certificate_pem())
            store.import_file(csca)
            files = card.lds_files()
            first = time.perf_counter()
            result = passive_authentication(files, store)
            first_ms = (time.perf_counter() - first) * 1000
            assert result.status == "valid", (key_type, result.errors)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                passive_authentication(files, store)
                times.append((time.perf_counter() - t) * 1000)
            rows.append((key_type, first_ms, statistics.median(times)))
            if key_type == KEY_TYPES[0]:
                card_dir = card.write(Path(tmp) / "card")
        colds = []
        for _ in range(5):
            out = subprocess.run(
                [sys.executable, "-c", COLD, str(store_dir), str(card_dir)],
                capture_output=True,
                text=True,
                check=True,
            )
            colds.append(json.loads(out.stdout))
        assert all(c["status"] == "valid" for c in colds)
        cold = statistics.median(c["verify_ms"] for c in colds)
        imports = statistics.median(c["imports_ms"] for c in colds)
        print(f"store: {len(store.entries())} entries")
        print(
            f"cold (fresh process: store loaded from disk + first card): {cold:.1f} ms "
            f"(module imports before that: {imports:.0f} ms)"
        )
        print(f"\n{'signer key':<24}{'first card ms':>15}{'warm ms':>10}")
        for key_type, first_ms, warm in rows:
            print(f"{key_type:<24}{first_ms:>15.2f}{warm:>10.3f}")
        worst = max(r[2] for r in rows)
        print(
            f"\nwarm verification, worst key type: {worst:.3f} ms (target < 5 ms: "
            f"{'met' if worst < 5 else 'NOT met'}; {5 / worst:.0f}x headroom)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
