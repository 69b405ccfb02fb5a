#!/bin/sh
# /usr/bin/kiosk, installed by cccd-kiosk: the bundled application with the site's
# configuration (/etc/cccd-kiosk/kiosk.toml) unless CCCD_KIOSK_CONFIG names another file.
: "${CCCD_KIOSK_CONFIG:=/etc/cccd-kiosk/kiosk.toml}"
export CCCD_KIOSK_CONFIG
exec /opt/cccd-kiosk/kiosk "$@"
