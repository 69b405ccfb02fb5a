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
