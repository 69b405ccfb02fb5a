#!/usr/bin/env bash
# Set up, then run every check: ruff, mypy and the whole test suite (including the end-to-end
# tests through a real pcscd + vpcd with the chip emulator). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check cardreader kiosk ui tests bench packaging
echo "== mypy"
.venv/bin/mypy
# The application bundle (PyInstaller, one folder, dist/cccd-kiosk; work files in build/): build
# time, size and start-up printed. Its smoke tests (kiosk --version, the headless demo run from
# the bundle, no libpcsclite) are tests/packaging/test_bundle.py, in the pytest run below.
# About 2-4 min of build + 1.5 min of tests on 2 cores.
echo "== bundle"
.venv/bin/python packaging/build_bundle.py
# The Debian package from that bundle, checked after building: relations (no vpcd), layout,
# modes, conffiles, maintainer scripts (its own tests: tests/packaging/test_deb.py). zstd: about
# 8-13 s for the 279 MB bundle.
echo "== deb"
.venv/bin/python packaging/debian/build_deb.py --bundle dist/cccd-kiosk --out dist
echo "== pytest"
.venv/bin/python -m pytest "$@"
