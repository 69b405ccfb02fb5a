"""Benchmark: master-list import, trust-store loading and chain checks on the real lists.

Figures (median of --runs, milliseconds unless stated):

- parse of the German master list (588 CSCAs) and verification of its CMS signature and signer
  chain against DE_ROOT_CA_CSCA07.cer; whole ``TrustStore.import_file`` into a fresh store
  (files written, one flush, index);
- cold trust-store load (index.json read and indexed; certificates are parsed on first use),
  the first lookup that parses a CSCA from disk, and warm lookups (microseconds);
- document-signer chain validation against that store: first time (signature checked) and
  warm (the verified DS -> CSCA pair is remembered);
- ``--trust /work/shared/trust`` as ``cccd verify`` would load it (both lists verified).

    .venv/bin/python bench/trust.py [--runs 5] [--trust ../shared/trust]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardreader.emulator.issuer import make_issuer
from cardreader.verify import certificates as certificates_module
from cardreader.verify.certificates import parse_certificate, validate_document_signer
from cardreader.verify.master_list import parse_master_list, verify_master_list
from cardreader.verify.trust_store import TrustStore, load_trust_sources

DE_ML = "DE_ML_2026-05-28-08-28-45.ml"
DE_ANCHOR = "DE_ROOT_CA_CSCA07.cer"


def median_ms(func: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _fresh_caches() -> None:
    certificates_module._PARSED.clear()
    certificates_module._VERIFIED.clear()
    certificates_module._NAMES.clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--trust", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "trust")
    )
    args = ap.parse_args()
    trust = Path(args.trust)
    raw = (trust / DE_ML).read_bytes()
    anchor = parse_certificate((trust / DE_ANCHOR).read_bytes())
    runs = args.runs

    def parse() -> Any:
        _fresh_caches()
        return parse_master_list(raw)

    ml = parse()
    print(f"German master list: {len(raw) / 1024:.0f} KB, {len(ml.certificates)} CSCAs")
    print(f"  parse                          {median_ms(parse, runs):8.1f} ms")

    def verify() -> None:
        _fresh_caches()
        verify_master_list(ml, [anchor])

    print(f"  verify CMS signature + chain   {median_ms(verify, runs):8.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10_000))

        def import_fresh() -> None:
            _fresh_caches()
            store = TrustStore(Path(tmp) / f"s{next(counter)}")
            store.import_file(trust / DE_ML, ml_anchor=trust / DE_ANCHOR)

        print(f"  import into a fresh store      {median_ms(import_fresh, runs):8.1f} ms")

        path = Path(tmp) / "main"
        store = TrustStore(path)
        store.import_file(trust / DE_ML, ml_anchor=trust / DE_ANCHOR)
        csca = make_issuer("ecdsa-brainpoolp512r1")
        csca_file = Path(tmp) / "csca.der"
        csca_file.write_bytes(csca.certificate_der())
        store.import_file(csca_file)
        ds_der = csca.new_document_signer().certificate_der()

        def cold_load() -> Any:
            _fresh_caches()
            return TrustStore(path)

        print(f"\nTrust store ({len(store)} entries)")
        print(f"  cold load (index)              {median_ms(cold_load, runs):8.2f} ms")

        def first_lookup() -> None:
            s = cold_load()
            start = time.perf_counter()
            s.issuers_for(parse_certificate(ds_der))
            first_lookup.elapsed = time.perf_counter() - start  # type: ignore[attr-defined]

        firsts = []
        for _ in range(runs):
            first_lookup()
            firsts.append(first_lookup.elapsed)  # type: ignore[attr-defined]
        print(f"  first lookup (parses the CSCA) {statistics.median(firsts) * 1000:8.2f} ms")

        warm = TrustStore(path)
        ds = parse_certificate(ds_der)
        warm.issuers_for(ds)
        n = 20_000
        start = time.perf_counter()
        for _ in range(n):
            warm.issuers_for(ds)
            warm.crls_for(ds)
        per = (time.perf_counter() - start) / (2 * n)
        print(f"  warm lookup                    {per * 1e6:8.2f} µs")

        def chain_cold() -> None:
            _fresh_caches()
            s = TrustStore(path)
            result = validate_document_signer(parse_certificate(ds_der), s)
            assert result.ok, result.problems

        print("\nDocument signer chain (brainpoolP512r1 CSCA)")
        print(f"  cold (store load + signature)  {median_ms(chain_cold, runs):8.2f} ms")
        validate_document_signer(ds, warm)
        n = 2000
        start = time.perf_counter()
        for _ in range(n):
            validate_document_signer(parse_certificate(ds_der), warm)
        print(f"  warm                           {(time.perf_counter() - start) / n * 1e6:8.2f} µs")

    def trust_folder() -> None:
        _fresh_caches()
        source = load_trust_sources([trust])
        assert not source.warnings

    print(f"\n--trust {trust} (2 lists, verified)  {median_ms(trust_folder, runs):8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
