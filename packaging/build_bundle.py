"""Build the Linux application bundle (PyInstaller, one folder) and report its figures.

    .venv/bin/python packaging/build_bundle.py [--no-build] [--no-measure] [--runs 3] [--json]

Builds ``dist/cccd-kiosk/`` from ``packaging/pyinstaller/cccd-kiosk.spec`` (PyInstaller's work
directory is ``build/pyinstaller/``, kept between builds), then prints:

- the build time;
- the bundle's size, in all and its ten largest contributors (a Qt library, a Qt plugin family,
  a Python package, a system library);
- start-up times, median of ``--runs`` fresh processes, from the bundle and, for comparison,
  from the virtual environment through the same entry script: ``kiosk --version`` (the
  interpreter, the command line and its imports), and a cold start of ``kiosk --demo --mode
  kiosk`` (offscreen) to its first painted window: the entry script's start-up probe prints
  the CLOCK_MONOTONIC time of that paint (packaging/pyinstaller/kiosk_main.py).

Exit status 1 when the build fails, when a file of the bundle is a libpcsclite (the host's
library must be used: engineering notes, Packaging), or when a start-up run fails.
The smoke test of the bundle (``kiosk --version``, the headless demo walkthrough) is
tests/packaging/test_bundle.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "pyinstaller" / "cccd-kiosk.spec"
ENTRY = ROOT / "packaging" / "pyinstaller" / "kiosk_main.py"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "cccd-kiosk"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
#: Files a bundle must never contain (matched on the lower-case file name).
FORBIDDEN = ("libpcsclite",)


def kiosk_exe(bundle: Path = BUNDLE) -> Path:
    return bundle / f"kiosk{EXE_SUFFIX}"


@contextlib.contextmanager
def build_lock(shared: bool = False) -> Iterator[None]:
    """A lock on build/bundle.lock (where flock exists): exclusive to build (two PyInstaller runs
    sharing build/ and dist/ corrupt each other), shared to use the bundle while nobody rebuilds
    it (tests/packaging/test_bundle.py holds it for its session)."""
    WORK.parent.mkdir(parents=True, exist_ok=True)
    with open(WORK.parent / "bundle.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: one build at a time is the builder's business
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_unlocked(python: str = sys.executable) -> float:
    """Run PyInstaller on the spec; returns the wall time in seconds. Raises on failure.
    The caller holds :func:`build_lock`."""
    t0 = time.monotonic()
    subprocess.run(
        [python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)],
        cwd=ROOT, check=True,
    )
    return time.monotonic() - t0


def build(python: str = sys.executable) -> float:
    """:func:`build_unlocked` under the exclusive lock."""
    with build_lock():
        return build_unlocked(python)


def forbidden_files(bundle: Path = BUNDLE) -> list[Path]:
    return sorted(p for p in bundle.rglob("*")
                  if any(p.name.lower().startswith(name) for name in FORBIDDEN))


def _component(rel: Path) -> str:
    """What a file of the bundle belongs to, for the size table."""
    parts = rel.parts
    if parts[0] != "_internal" or len(parts) == 2:
        return "/".join(parts)  # an executable, or a library at the top of _internal
    inner = parts[1:]
    if inner[:3] in (("PySide6", "Qt", "lib"),) and len(inner) == 4:
        return "/".join(inner)  # one Qt library (Linux)
    if inner[:3] == ("PySide6", "Qt", "plugins") and len(inner) > 4:
        return "/".join(inner[:4])  # a Qt plugin family (Linux)
    if inner[:2] == ("PySide6", "plugins") and len(inner) > 3:
        return "/".join(inner[:3])  # a Qt plugin family (Windows)
    if inner[0] == "PySide6" and len(inner) == 2:
        return "/".join(inner)  # a binding module or a Qt DLL (Windows)
    if inner[0] in ("PySide6", "python3.11") or inner[0].startswith("python3"):
        return "/".join(inner[:2])
    return inner[0]


def sizes(bundle: Path = BUNDLE) -> tuple[int, int, list[tuple[str, int]]]:
    """Total bytes, number of files, and every contributor with its bytes, largest first."""
    by_component: Counter[str] = Counter()
    files = 0
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            by_component[_component(path.relative_to(bundle))] += path.stat().st_size
    return sum(by_component.values()), files, by_component.most_common()


def _run_version(command: list[str]) -> float:
    t0 = time.monotonic()
    proc = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t0
    if proc.returncode != 0 or not proc.stdout.startswith("kiosk "):
        raise RuntimeError(f"{command[-1]} --version failed: {proc.stdout}{proc.stderr}")
    return elapsed


def _run_first_paint(command: list[str]) -> float:
    env = dict(os.environ, CCCD_KIOSK_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen")
    t0 = time.monotonic()
    proc = subprocess.run([*command, "--demo", "--mode", "kiosk"], capture_output=True,
                          text=True, timeout=90, env=env)
    painted = [line.split()[1] for line in proc.stdout.splitlines()
               if line.startswith("painted ")]
    if proc.returncode != 0 or not painted:
        raise RuntimeError(f"start-up probe failed ({proc.returncode}): "
                           f"{proc.stdout[-500:]}{proc.stderr[-500:]}")
    return float(painted[0]) - t0


def startup(runs: int, bundle: Path = BUNDLE) -> dict[str, dict[str, float]]:
    """Medians in seconds: {"bundle"|"venv": {"version_s", "first_paint_s"}}."""
    commands = {"bundle": [str(kiosk_exe(bundle))], "venv": [sys.executable, str(ENTRY)]}
    out: dict[str, dict[str, float]] = {}
    for name, command in commands.items():
        _run_version(command)  # one unmeasured run: the page cache, as on a kiosk in service
        out[name] = {
            "version_s": statistics.median(_run_version(command) for _ in range(runs)),
            "first_paint_s": statistics.median(_run_first_paint(command) for _ in range(runs)),
        }
    return out


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="measure the existing bundle")
    parser.add_argument("--no-measure", action="store_true", help="build only")
    parser.add_argument("--runs", type=int, default=3, help="start-up runs (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    figures: dict[str, Any] = {"bundle": str(BUNDLE)}
    if not args.no_build:
        try:
            figures["build_s"] = round(build(), 1)
        except subprocess.CalledProcessError as exc:
            print(f"build_bundle: PyInstaller failed ({exc.returncode})", file=sys.stderr)
            return 1
    if not kiosk_exe().is_file():
        print(f"build_bundle: no bundle at {BUNDLE}", file=sys.stderr)
        return 1
    bad = forbidden_files()
    if bad:
        print(f"build_bundle: the bundle must not contain {', '.join(map(str, bad))}",
              file=sys.stderr)
        return 1
    total, files, components = sizes()
    figures.update(size_bytes=total, files=files, top10=[
        {"component": name, "bytes": n} for name, n in components[:10]])
    if not args.no_measure:
        try:
            figures["startup"] = startup(args.runs)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"build_bundle: {exc}", file=sys.stderr)
            return 1

    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print("# cccd-kiosk bundle (PyInstaller, one folder)")
    if "build_s" in figures:
        print(f"build time: {figures['build_s']:.1f} s")
    print(f"size: {_mb(total)} in {files} files ({BUNDLE.relative_to(ROOT)})")
    for row in figures["top10"]:
        print(f"  {_mb(row['bytes']):>9}  {row['component']}")
    if "startup" in figures:
        print(f"start-up (median of {args.runs}):       bundle     venv")
        st = figures["startup"]
        print(f"  kiosk --version                {st['bundle']['version_s']:6.2f} s "
              f"{st['venv']['version_s']:6.2f} s")
        print(f"  --demo --mode kiosk, painted   {st['bundle']['first_paint_s']:6.2f} s "
              f"{st['venv']['first_paint_s']:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
