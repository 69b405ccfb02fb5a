"""Build ``dist/cccd-kiosk_<version>_<arch>.deb`` from the PyInstaller folder ``dist/cccd-kiosk``.

    python packaging/debian/build_deb.py --bundle dist/cccd-kiosk --out dist
    python packaging/debian/build_deb.py --check dist/cccd-kiosk_0.1.0_amd64.deb

The files are laid out by ``packaging/linux/install.sh --files-only`` (one layout for the .deb
and for hand installs), then ``DEBIAN/`` (control, conffiles, maintainer scripts) is added and
``dpkg-deb --root-owner-group --build`` packs it: every file root:root without fakeroot.
After building, the package is checked (:func:`check_deb`); any problem fails the build.

Compression, measured on the 279 MB PyInstaller folder (2 busy cores): zstd 8 s -> 117 MB,
gzip 115 s -> 119 MB, xz 462 s -> 90 MB. zstd is the default (CI has 20 minutes in all);
dpkg reads it from 1.21.18 (Debian 12, Ubuntu 22.04). ``--compression xz`` for older dpkg.

Layout (Debian Policy §10.1 puts add-on software under /opt; conffiles per Policy §10.7.2):
``/opt/cccd-kiosk/`` the bundle, ``/usr/bin/kiosk`` a wrapper that sets the config,
``/etc/cccd-kiosk/kiosk.toml`` and ``/etc/pam.d/cccd-kiosk-session`` (conffiles),
``/usr/lib/systemd/system/cccd-kiosk-session.service`` (cage on tty1),
``/usr/lib/systemd/user/cccd-kiosk.service``, ``/usr/share/cccd-kiosk/lockdown/``.
The postinst creates the system user ``cccd-kiosk`` and ``/var/lib/cccd-kiosk`` (0700).

The test-only vsmartcard vpcd driver is in Conflicts: with it installed pcscd listens on
0.0.0.0:35963, and anyone on the network can present a virtual reader to the kiosk. A machine
that needs vpcd (a developer's, CI) runs the application from the venv or the bundle folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "cccd-kiosk"
REPO = Path(__file__).resolve().parents[2]
LINUX_DIR = REPO / "packaging" / "linux"
DEBIAN_DIR = Path(__file__).resolve().parent
MAINTAINER = "cccd-kiosk maintainers <maintainers@cccd-kiosk.invalid>"
HOMEPAGE = "https://github.com/cccd-kiosk/cccd-kiosk"

#: The reader stack, the kiosk compositor, and what the PySide6 Qt libraries load from the
#: system (ldd of the Qt wayland platform plugin and QtGui; PyInstaller leaves libGL/libEGL
#: and the C library to the host). libpcsclite1 must be the host's own (never bundled).
DEPENDS = (
    "adduser",
    "pcscd",
    "libccid",
    "libpcsclite1",
    "cage",
    # Debian 12's cage is built with XWayland support and refuses to start without the
    # Xwayland binary ("Cannot create XWayland server"), yet does not depend on it.
    "xwayland",
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "libzbar0",
    "fonts-dejavu-core",
)
#: Printing through CUPS (Qt's print plugin), and the X11 platform plugin for the user unit.
RECOMMENDS = ("libcups2", "libxcb-cursor0")
#: USB device allow-listing for the locked-down kiosk (packaging/README.md).
SUGGESTS = ("usbguard",)
CONFLICTS = ("vsmartcard-vpcd",)
CONFFILES = ("/etc/cccd-kiosk/kiosk.toml", "/etc/pam.d/cccd-kiosk-session")
MAINTAINER_SCRIPTS = ("postinst", "prerm", "postrm")
#: Names that must never be in the bundle: the host's libpcsclite must talk to the host's pcscd
#: (engineering notes, Packaging), and vpcd is test-only.
FORBIDDEN_IN_BUNDLE = re.compile(r"(^|/)(libpcsclite[^/]*|[^/]*vpcd[^/]*)$", re.IGNORECASE)
RELATION_FIELDS = ("Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances")


class BuildError(Exception):
    """The bundle or the package is not fit to ship; the message says what and where."""


def deb_version(version: str) -> str:
    """A PEP 440 version as a Debian one: pre-releases sort before the release (``~``).

    ``0.1.0`` -> ``0.1.0``; ``0.2.0rc1`` -> ``0.2.0~rc1``; ``1.0.dev3`` -> ``1.0~dev3``;
    ``1.0+local.1`` -> ``1.0+local.1``.
    """
    v = version.strip().lower()
    if not re.fullmatch(r"[0-9][0-9a-z.+]*", v):
        raise BuildError(f"version {version!r}: not a PEP 440 version")
    public, plus, local = v.partition("+")
    public = re.sub(r"(?<=[0-9])\.?(a|b|rc|dev)(?=[0-9]*(\.|$))", r"~\1", public, count=1)
    v = public + plus + local
    if not re.fullmatch(r"[0-9][0-9a-z.+~]*", v):
        raise BuildError(f"version {version!r}: cannot map to a Debian version")
    return v


def project_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def host_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def check_bundle(bundle: Path) -> None:
    """Refuse a bundle without its executable, or holding libpcsclite or vpcd."""
    if not bundle.is_dir():
        raise BuildError(f"bundle {bundle}: not a directory")
    exe = bundle / "kiosk"
    if not (exe.is_file() and os.access(exe, os.X_OK)):
        raise BuildError(f"bundle {bundle}: no executable 'kiosk'")
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        if FORBIDDEN_IN_BUNDLE.search(rel):
            raise BuildError(f"bundle {bundle}: must not contain {rel}")


def _tree_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += (path.stat().st_size + 1023) // 1024
        else:
            total += 1
    return total


def control_text(version: str, arch: str, installed_kib: int,
                 maintainer: str = MAINTAINER) -> str:
    """The DEBIAN/control file (Debian Policy §5.3, binary package control fields)."""
    return "".join((
        f"Package: {PACKAGE}\n",
        f"Version: {version}\n",
        f"Architecture: {arch}\n",
        f"Maintainer: {maintainer}\n",
        f"Installed-Size: {installed_kib}\n",
        f"Depends: {', '.join(DEPENDS)}\n",
        f"Recommends: {', '.join(RECOMMENDS)}\n",
        f"Suggests: {', '.join(SUGGESTS)}\n",
        f"Conflicts: {', '.join(CONFLICTS)}\n",
        "Section: misc\n",
        "Priority: optional\n",
        f"Homepage: {HOMEPAGE}\n",
        "Description: Vietnamese chip ID card (CCCD) kiosk for public-service counters\n",
        " Reads the citizen's chip ID card on a PC/SC reader, proves the data genuine\n",
        " (passive, active and chip authentication), pre-fills the forms of administrative\n",
        " procedures and submits them through an encrypted offline outbox.\n",
        " .\n",
        " Ships the application in /opt/cccd-kiosk and a locked-down kiosk session\n",
        " (cage on tty1 as the system user cccd-kiosk, restarted if it dies):\n",
        " systemctl enable --now cccd-kiosk-session\n",
    ))


def build_deb(bundle: Path, out_dir: Path, *, version: str | None = None,
              arch: str | None = None, compression: str = "zstd",
              maintainer: str = MAINTAINER) -> Path:
    """Build the package from ``bundle`` into ``out_dir``; returns the .deb's path."""
    check_bundle(bundle)
    version = deb_version(version or project_version())
    arch = arch or host_arch()
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="cccd-kiosk-deb-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir(mode=0o755)
        run = subprocess.run(
            ["sh", str(LINUX_DIR / "install.sh"), "--files-only", "--bundle", str(bundle),
             "--root", str(root)], capture_output=True, text=True)
        if run.returncode != 0:
            raise BuildError(f"install.sh --files-only failed: {run.stderr.strip()}")
        control = root / "DEBIAN"
        control.mkdir(mode=0o755)
        (control / "control").write_text(control_text(version, arch, _tree_kib(root),
                                                      maintainer), encoding="utf-8")
        (control / "conffiles").write_text("".join(f"{c}\n" for c in CONFFILES),
                                           encoding="utf-8")
        for name in MAINTAINER_SCRIPTS:
            shutil.copyfile(DEBIAN_DIR / name, control / name)
            (control / name).chmod(0o755)
        for name in ("control", "conffiles"):
            (control / name).chmod(0o644)
        run = subprocess.run(
            ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root),
             str(deb)], capture_output=True, text=True)
        if run.returncode != 0:
            raise BuildError(f"dpkg-deb --build failed: {run.stderr.strip()}")
    problems = check_deb(deb)
    if problems:
        deb.unlink()
        raise BuildError("package check failed:\n  " + "\n  ".join(problems))
    return deb


def _fields(control: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in control.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line
        elif ":" in line:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def _packages(relation: str) -> list[str]:
    """Package names of a relation field (``a (>= 1) | b, c:any`` -> ``a, b, c``)."""
    names = []
    for alt in re.split(r"[,|]", relation):
        name = alt.strip().split(" ", 1)[0].split("(", 1)[0].split(":", 1)[0]
        if name:
            names.append(name)
    return names


def check_deb(deb: Path) -> list[str]:
    """What is wrong with ``deb`` (an empty list when nothing): the relations (the reader stack
    is required, vpcd never pulled in and in Conflicts), the layout, owners and modes, the
    conffiles, and that each maintainer script parses (``sh -n``)."""
    problems: list[str] = []

    def dpkg_deb(*args: str) -> str:
        run = subprocess.run(["dpkg-deb", *args, str(deb)], capture_output=True, text=True)
        if run.returncode != 0:
            raise BuildError(f"dpkg-deb {' '.join(args)} {deb}: {run.stderr.strip()}")
        return run.stdout

    fields = _fields(dpkg_deb("--field"))
    if fields.get("Package") != PACKAGE:
        problems.append(f"Package is {fields.get('Package')!r}, not {PACKAGE}")
    depends = set(_packages(fields.get("Depends", "")))
    for need in ("pcscd", "libccid", "libpcsclite1", "cage", "xwayland", "adduser"):
        if need not in depends:
            problems.append(f"Depends lacks {need}")
    for name in RELATION_FIELDS:
        for pkg in _packages(fields.get(name, "")):
            if "vpcd" in pkg or "vsmartcard" in pkg:
                problems.append(f"{name} names {pkg}: the test-only vpcd driver")
    if "vsmartcard-vpcd" not in _packages(fields.get("Conflicts", "")):
        problems.append("Conflicts lacks vsmartcard-vpcd")

    entries: dict[str, tuple[str, str]] = {}
    for line in dpkg_deb("--contents").splitlines():
        parts = line.split(None, 5)
        if len(parts) < 6:
            continue
        mode, owner, path = parts[0], parts[1], parts[5].split(" -> ", 1)[0]
        path = "/" + path.removeprefix("./").rstrip("/")
        entries[path] = (mode, owner)
        if owner != "root/root":
            problems.append(f"{path} is owned by {owner}, not root/root")
        if mode[0] != "l" and (mode[5] == "w" or mode[8] == "w"):
            problems.append(f"{path} is writable by group or others ({mode})")
        if re.search(r"libpcsclite|vpcd", path, re.IGNORECASE):
            problems.append(f"{path}: never shipped (host libpcsclite only; vpcd is test-only)")
    expected = {
        "/opt/cccd-kiosk/kiosk": "-rwxr-xr-x",
        "/usr/bin/kiosk": "-rwxr-xr-x",
        "/etc/cccd-kiosk/kiosk.toml": "-rw-r--r--",
        "/etc/pam.d/cccd-kiosk-session": "-rw-r--r--",
        "/usr/lib/systemd/system/cccd-kiosk-session.service": "-rw-r--r--",
        "/usr/lib/systemd/user/cccd-kiosk.service": "-rw-r--r--",
    }
    if "/opt/cccd-kiosk/cccd" in entries:
        expected["/usr/bin/cccd"] = "-rwxr-xr-x"
    for path, mode in expected.items():
        if path not in entries:
            problems.append(f"{path} is missing")
        elif entries[path][0] != mode:
            problems.append(f"{path} has mode {entries[path][0]}, not {mode}")

    with tempfile.TemporaryDirectory(prefix="cccd-kiosk-ctl-") as tmp:
        subprocess.run(["dpkg-deb", "--control", str(deb), tmp], check=True)
        ctl = Path(tmp)
        conffiles = (ctl / "conffiles").read_text(encoding="utf-8").split() if (
            ctl / "conffiles").exists() else []
        for conf in CONFFILES:
            if conf not in conffiles:
                problems.append(f"conffiles lacks {conf}")
        for name in MAINTAINER_SCRIPTS:
            script = ctl / name
            if not script.exists():
                problems.append(f"maintainer script {name} is missing")
                continue
            if not os.access(script, os.X_OK):
                problems.append(f"maintainer script {name} is not executable")
            run = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
            if run.returncode != 0:
                problems.append(f"maintainer script {name}: {run.stderr.strip()}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "cccd-kiosk",
                        help="the PyInstaller folder (default: dist/cccd-kiosk)")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output directory")
    parser.add_argument("--version", help="package version (default: pyproject.toml's)")
    parser.add_argument("--arch", help="Debian architecture (default: the host's)")
    parser.add_argument("--compression", default="zstd", choices=("zstd", "xz", "gzip", "none"),
                        help="zstd (default: dpkg >= 1.21.18, Debian 12, Ubuntu 22.04) or xz "
                             "(smallest, any dpkg; slow)")
    parser.add_argument("--check", type=Path, metavar="DEB", help="only check this package")
    args = parser.parse_args(argv)
    try:
        if args.check is not None:
            problems = check_deb(args.check)
            for p in problems:
                print(f"{args.check}: {p}", file=sys.stderr)
            return 1 if problems else 0
        deb = build_deb(args.bundle, args.out, version=args.version, arch=args.arch,
                        compression=args.compression)
    except BuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    print(deb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
