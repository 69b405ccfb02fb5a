#!/usr/bin/env bash
# Set up, then run every check: ruff, mypy and the whole test suite (including the end-to-end
# tests through a real pcscd + vpcd with the chip emulator). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check cardreader kiosk ui tests bench
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
# The Debian package, built from the bundle (dist/cccd-kiosk, made by the bundle step) and
# checked after building: relations (no vpcd), layout, modes, conffiles, maintainer scripts.
# zstd: about 8 s for the 279 MB bundle.
if [ -d dist/cccd-kiosk ]; then
    echo "== deb"
    .venv/bin/python packaging/debian/build_deb.py --bundle dist/cccd-kiosk --out dist
fi
