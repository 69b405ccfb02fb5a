#!/usr/bin/env bash
# Set up, then run the main job on the built-in virtual card: the chip emulator plugged into a
# real pcscd through vpcd, read and parsed exactly as a real card (headless).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/cccd demo "$@"
