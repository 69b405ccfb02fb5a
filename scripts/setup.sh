#!/usr/bin/env bash
# Set up everything cccd-kiosk needs on a fresh Debian/Ubuntu machine: system packages (PC/SC
# stack, the vpcd test driver, compilers for pyscard, fonts and libraries for Qt offscreen),
# a virtual environment in .venv, and the project with its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  pcscd libpcsclite-dev swig gcc python3-dev python3-venv
  vsmartcard-vpcd
  fonts-dejavu-core postgresql libzbar0
  # Qt (PySide6) offscreen and on an X11/Wayland desktop
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libpulse0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libx11-xcb1
  # packaging tests: the .deb (dpkg-deb, zstd), the kiosk session (cage + Xwayland, systemd units)
  cage xwayland systemd zstd
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Python 3.11 or newer is required ($("$PY" --version))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "setup: ready (.venv)"
