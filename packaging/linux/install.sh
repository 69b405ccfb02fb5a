#!/bin/sh
# Install the cccd-kiosk bundle on a Linux kiosk without the Debian package (Fedora, Arch,
# openSUSE, Ubuntu without dpkg tooling...). Debian and Ubuntu: prefer the .deb, which does the
# same and declares the dependencies (pcscd, the CCID driver, cage).
#
#   sudo sh packaging/linux/install.sh --bundle dist/cccd-kiosk [--enable-session] [--lockdown]
#
#   --bundle DIR       the PyInstaller folder (dist/cccd-kiosk) holding the executable `kiosk`
#   --root DIR         install under DIR instead of / (staging, tests)
#   --files-only       lay out the files only: no user, no data directory, no systemctl
#                      (this is how the .deb is staged: its postinst does the rest)
#   --enable-session   enable and start cccd-kiosk-session.service (cage on tty1) now
#   --lockdown         also install the logind and sysctl drop-ins (no getty on other VTs,
#                      power key ignored, no magic SysRq)
#
# Install by hand first: pcscd, the CCID driver (ccid / pcsc-ccid / libccid), cage. Never the
# vsmartcard "vpcd" driver on a kiosk: it makes pcscd accept virtual cards from the network
# (TCP port 35963 on every interface).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUNDLE=""
ROOT=""
FILES_ONLY=0
ENABLE=0
LOCKDOWN=0
USER_NAME=cccd-kiosk
DATA_DIR=/var/lib/cccd-kiosk

die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) [ $# -ge 2 ] || die "--bundle needs a directory"; BUNDLE=$2; shift 2 ;;
        --root) [ $# -ge 2 ] || die "--root needs a directory"; ROOT=${2%/}; shift 2 ;;
        --files-only) FILES_ONLY=1; shift ;;
        --enable-session) ENABLE=1; shift ;;
        --lockdown) LOCKDOWN=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

[ -n "$BUNDLE" ] || die "--bundle DIR is required (the PyInstaller folder dist/cccd-kiosk)"
[ -d "$BUNDLE" ] || die "bundle $BUNDLE: not a directory"
[ -f "$BUNDLE/kiosk" ] && [ -x "$BUNDLE/kiosk" ] || die "bundle $BUNDLE: no executable 'kiosk'"
# The host's libpcsclite must talk to the host's pcscd: a bundled copy breaks every reader
# ("Communication protocol mismatch"). The vpcd driver is for test machines only.
bad=$(find "$BUNDLE" \( -name 'libpcsclite*' -o -iname '*vpcd*' \) -print | head -n 1)
[ -z "$bad" ] || die "bundle $BUNDLE: must not contain $bad"
if [ "$FILES_ONLY" -eq 0 ] && [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo), or use --root DIR"
fi

# Files ----------------------------------------------------------------------------------
rm -rf "$ROOT/opt/cccd-kiosk"
mkdir -p "$ROOT/opt"
cp -R "$BUNDLE" "$ROOT/opt/cccd-kiosk"
chmod -R u+rwX,go+rX,go-w "$ROOT/opt/cccd-kiosk"

install -d -m 0755 "$ROOT/usr/bin" "$ROOT/etc/cccd-kiosk" "$ROOT/etc/pam.d" \
    "$ROOT/usr/lib/systemd/system" "$ROOT/usr/lib/systemd/user" \
    "$ROOT/usr/share/cccd-kiosk/lockdown" "$ROOT/usr/share/doc/cccd-kiosk"
install -m 0755 "$HERE/kiosk-wrapper.sh" "$ROOT/usr/bin/kiosk"
if [ -f "$BUNDLE/cccd" ]; then   # the chip and trust-store command line (cccd trust import)
    printf '#!/bin/sh\nexec /opt/cccd-kiosk/cccd "$@"\n' > "$ROOT/usr/bin/cccd"
    chmod 0755 "$ROOT/usr/bin/cccd"
fi
install -m 0644 "$HERE/cccd-kiosk-session.service" "$ROOT/usr/lib/systemd/system/"
install -m 0644 "$HERE/cccd-kiosk.service" "$ROOT/usr/lib/systemd/user/"
install -m 0644 "$HERE/lockdown/logind-cccd-kiosk.conf" "$HERE/lockdown/sysctl-cccd-kiosk.conf" \
    "$ROOT/usr/share/cccd-kiosk/lockdown/"
if [ -f "$HERE/../config/kiosk.toml" ]; then   # every setting, documented (kiosk.config_doc)
    install -m 0644 "$HERE/../config/kiosk.toml" \
        "$ROOT/usr/share/doc/cccd-kiosk/kiosk.toml.example"
fi
if [ -f "$HERE/../README.md" ]; then
    install -m 0644 "$HERE/../README.md" "$ROOT/usr/share/doc/cccd-kiosk/README.md"
fi

# Configuration: never overwrite the site's edits; put the new default beside it.
install_conf() { # source target
    if [ -e "$2" ] && [ "$FILES_ONLY" -eq 0 ] && ! cmp -s "$1" "$2"; then
        install -m 0644 "$1" "$2.new"
        echo "install.sh: kept your $2; the new default is $2.new"
    else
        install -m 0644 "$1" "$2"
    fi
}
install_conf "$HERE/kiosk.toml" "$ROOT/etc/cccd-kiosk/kiosk.toml"
install_conf "$HERE/cccd-kiosk-session.pam" "$ROOT/etc/pam.d/cccd-kiosk-session"

if [ "$LOCKDOWN" -eq 1 ]; then
    install -d -m 0755 "$ROOT/etc/systemd/logind.conf.d" "$ROOT/etc/sysctl.d"
    install -m 0644 "$HERE/lockdown/logind-cccd-kiosk.conf" \
        "$ROOT/etc/systemd/logind.conf.d/cccd-kiosk.conf"
    install -m 0644 "$HERE/lockdown/sysctl-cccd-kiosk.conf" "$ROOT/etc/sysctl.d/90-cccd-kiosk.conf"
fi

[ "$FILES_ONLY" -eq 1 ] && exit 0

# System user and data directory ---------------------------------------------------------
if ! getent passwd "$USER_NAME" >/dev/null; then
    nologin=/usr/sbin/nologin
    [ -x "$nologin" ] || nologin=/sbin/nologin
    useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
        --shell "$nologin" --comment "CCCD kiosk" "$USER_NAME"
fi
install -d -m 0700 "$ROOT$DATA_DIR"
chown "$USER_NAME:$USER_NAME" "$ROOT$DATA_DIR"
chmod 0700 "$ROOT$DATA_DIR"

if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ "$ENABLE" -eq 1 ]; then
        systemctl enable --now cccd-kiosk-session.service
    fi
fi
echo "install.sh: installed; next: edit /etc/cccd-kiosk/kiosk.toml, then run"
echo "  sudo -u $USER_NAME kiosk enroll --url URL   and   sudo -u $USER_NAME kiosk doctor"
