#!/usr/bin/env bash
# Set up, then run the application on the built-in virtual card (a fake citizen, no reader
# needed; submissions go to a local intake server started for the demo).
#
# With a display (X11 or Wayland): `kiosk --demo` opens the kiosk with the demo panel beside it
# (place/remove the virtual card, show its QR code, unplug the reader, go offline).
# Without one: `kiosk --demo --headless` walks the whole flow in every mode by itself and saves
# a screenshot of every screen into out/screenshots/demo/ (exit code 0 only if every step
# reached the screen it should). Extra arguments go to `kiosk` (e.g. --mode clinic, --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/kiosk --demo "$@"
fi
echo "demo: no display: walking through every screen headless (out/screenshots/demo/)"
exec .venv/bin/kiosk --demo --headless --screenshots out/screenshots/demo "$@"
