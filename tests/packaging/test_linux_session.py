"""The locked-down Linux kiosk session: the systemd units (``systemd-analyze verify``), what they
promise (cage on tty1 as cccd-kiosk, restarted forever), cage itself really starting headless
as an unprivileged user with the unit's flags and exiting with its client, and ``install.sh``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
SESSION_UNIT = LINUX / "cccd-kiosk-session.service"
USER_UNIT = LINUX / "cccd-kiosk.service"
INSTALL = LINUX / "install.sh"
NOBODY = 65534


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file: section -> key -> every value (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def verify(path: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    """``systemd-analyze verify``: its complaints (warnings included; they do not fail it)."""
    done = subprocess.run(["systemd-analyze", *extra, "verify", str(path)], capture_output=True,
                          text=True, env=env, check=False)
    return (done.stdout + done.stderr).strip() + ("" if done.returncode == 0 else " [failed]")


def make_bundle(root: Path) -> Path:
    bundle = root / "cccd-kiosk"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "kiosk").write_text("#!/bin/sh\necho kiosk 0.1.0\n")
    (bundle / "kiosk").chmod(0o755)
    (bundle / "_internal" / "lib.so").write_bytes(b"\x7fELF")
    return bundle


# --- The units -------------------------------------------------------------------------------


def test_session_unit_verifies_clean() -> None:
    assert shutil.which("/usr/bin/cage"), "cage is needed to verify ExecStart (apt: cage)"
    assert verify(SESSION_UNIT) == ""


def test_verify_catches_a_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "cccd-kiosk-session.service"
    bad.write_text(SESSION_UNIT.read_text().replace("RestartSec=5", "RestartSek=5"))
    assert "Unknown key 'RestartSek'" in verify(bad)


def test_user_unit_verifies_clean(tmp_path: Path) -> None:
    """The user manager needs a runtime directory, and ExecStart's /usr/bin/kiosk exists only
    once installed: verify a copy pointing at a stand-in, after checking the real line."""
    assert unit(USER_UNIT)["Service"]["ExecStart"] == ["/usr/bin/kiosk --mode kiosk"]
    fake = tmp_path / "kiosk"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    copy = tmp_path / "cccd-kiosk.service"
    copy.write_text(USER_UNIT.read_text().replace("ExecStart=/usr/bin/kiosk",
                                                  f"ExecStart={fake}"))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    assert verify(copy, "--user", env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime))) == ""


def test_session_runs_cage_on_tty1_as_the_kiosk_user_restarted_forever() -> None:
    u = unit(SESSION_UNIT)
    svc = u["Service"]
    argv = shlex.split(svc["ExecStart"][0])
    assert argv[0] == "/usr/bin/cage"
    assert "-s" not in argv[: argv.index("--")]          # -s would allow VT switching
    assert argv[argv.index("--") + 1:] == ["/usr/bin/kiosk", "--mode", "kiosk"]
    assert svc["User"] == ["cccd-kiosk"] and svc["Group"] == ["cccd-kiosk"]
    assert svc["PAMName"] == ["cccd-kiosk-session"]      # a logind session: seat and devices
    assert svc["TTYPath"] == ["/dev/tty1"]
    assert "getty@tty1.service" in u["Unit"]["Conflicts"]
    assert svc["Restart"] == ["always"]
    assert 1 <= int(svc["RestartSec"][0]) <= 30
    assert u["Unit"]["StartLimitIntervalSec"] == ["0"]   # an unattended kiosk never gives up
    env = dict(e.split("=", 1) for e in svc["Environment"])
    assert env["QT_QPA_PLATFORM"] == "wayland"
    assert env["LANG"].endswith("UTF-8")
    assert env["CCCD_KIOSK_CONFIG"] == "/etc/cccd-kiosk/kiosk.toml"
    assert u["Install"]["WantedBy"] == ["graphical.target"]


def test_user_unit_restarts_and_keeps_its_own_data() -> None:
    u = unit(USER_UNIT)
    assert u["Service"]["Restart"] == ["always"]
    assert u["Unit"]["StartLimitIntervalSec"] == ["0"]
    env = dict(e.split("=", 1) for e in u["Service"]["Environment"])
    assert env["CCCD_KIOSK_DATA_DIR"].startswith("%h/")
    assert u["Install"]["WantedBy"] == ["graphical-session.target"]


def test_pam_stack_opens_a_logind_session_and_never_authenticates_by_itself() -> None:
    lines = [ln.split() for ln in (LINUX / "cccd-kiosk-session.pam").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert ["session", "required", "pam_systemd.so"] in lines
    assert not [ln for ln in lines if ln[0] == "auth"]
    assert not [ln for ln in lines if "pam_permit.so" in ln]


def test_lockdown_drop_ins() -> None:
    logind = unit(LINUX / "lockdown" / "logind-cccd-kiosk.conf")["Login"]
    assert logind["NAutoVTs"] == ["0"] and logind["ReserveVT"] == ["0"]
    assert logind["HandlePowerKey"] == ["ignore"]
    sysctl = (LINUX / "lockdown" / "sysctl-cccd-kiosk.conf").read_text()
    assert "kernel.sysrq = 0" in sysctl.splitlines()


# --- cage, for real (headless backend, unprivileged user) ------------------------------------


@pytest.fixture
def nobody_dir() -> Iterator[Path]:
    """A directory the unprivileged user owns (pytest's tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="cccd-cage-"))
    os.chmod(path, 0o700)
    os.chown(path, NOBODY, NOBODY)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_cage_runs_the_client_alone_and_exits_with_it(nobody_dir: Path) -> None:
    """The unit's cage flags, as a non-root user: the client gets a Wayland display and, when
    it exits, cage exits too, which is what lets Restart=always relaunch the application."""
    argv = shlex.split(unit(SESSION_UNIT)["Service"]["ExecStart"][0])
    client = nobody_dir / "client.sh"
    client.write_text(f'#!/bin/sh\necho "display=$WAYLAND_DISPLAY" > {nobody_dir}/seen\n'
                      "sleep 1\nexit 0\n")
    client.chmod(0o755)
    cage_argv = [*argv[: argv.index("--") + 1], str(client)]
    env = dict(os.environ, XDG_RUNTIME_DIR=str(nobody_dir), HOME=str(nobody_dir),
               WLR_BACKENDS="headless", WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1")
    start = time.monotonic()
    done = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                           "--clear-groups", *cage_argv], env=env, capture_output=True,
                          text=True, timeout=30, check=False)
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert (nobody_dir / "seen").read_text().strip().startswith("display=wayland-")
    assert 1.0 <= elapsed < 20          # it lived as long as its client, then stopped


# --- install.sh ------------------------------------------------------------------------------


def _shims(tmp: Path) -> tuple[dict[str, str], Path]:
    shims = tmp / "shims"
    shims.mkdir()
    log = tmp / "calls"
    for name in ("useradd", "getent", "chown", "systemctl"):
        status = 2 if name == "getent" else 0
        (shims / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {status}\n')
        (shims / name).chmod(0o755)
    return dict(os.environ, PATH=f"{shims}:{os.environ['PATH']}"), log


def install(*args: str | Path, env: dict[str, str] | None = None) -> (
        subprocess.CompletedProcess[str]):
    return subprocess.run(["sh", str(INSTALL), *map(str, args)], capture_output=True, text=True,
                          env=env, check=False)


def test_install_sh_lays_out_the_same_files_as_the_deb(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path)
    root = tmp_path / "root"
    done = install("--files-only", "--bundle", bundle, "--root", root)
    assert done.returncode == 0, done.stderr
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert "opt/cccd-kiosk/kiosk" in files
    assert "usr/bin/kiosk" in files
    assert "etc/cccd-kiosk/kiosk.toml" in files
    assert "etc/pam.d/cccd-kiosk-session" in files
    assert "usr/lib/systemd/system/cccd-kiosk-session.service" in files
    assert not (root / "var").exists()                   # --files-only: no data directory
    assert not (root / "etc/systemd").exists()           # lockdown only when asked
    assert (root / "usr/bin/kiosk").stat().st_mode & 0o777 == 0o755


def test_install_sh_creates_the_user_and_a_private_data_dir(tmp_path: Path) -> None:
    env, log = _shims(tmp_path)
    root = tmp_path / "root"
    done = install("--bundle", make_bundle(tmp_path), "--root", root, "--lockdown", env=env)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    useradd = [c for c in calls if c.startswith("useradd")]
    assert len(useradd) == 1 and "--system" in useradd[0] and useradd[0].endswith(" cccd-kiosk")
    data = root / "var/lib/cccd-kiosk"
    assert data.stat().st_mode & 0o777 == 0o700
    assert f"chown cccd-kiosk:cccd-kiosk {data}" in calls
    assert (root / "etc/systemd/logind.conf.d/cccd-kiosk.conf").is_file()
    assert (root / "etc/sysctl.d/90-cccd-kiosk.conf").is_file()


def test_install_sh_keeps_the_site_config(tmp_path: Path) -> None:
    env, _log = _shims(tmp_path)
    root = tmp_path / "root"
    bundle = make_bundle(tmp_path)
    assert install("--bundle", bundle, "--root", root, env=env).returncode == 0
    conf = root / "etc/cccd-kiosk/kiosk.toml"
    conf.write_text(conf.read_text() + "# site edit\n")
    done = install("--bundle", bundle, "--root", root, env=env)
    assert done.returncode == 0, done.stderr
    assert conf.read_text().endswith("# site edit\n")
    assert (root / "etc/cccd-kiosk/kiosk.toml.new").read_text() == (
        LINUX / "kiosk.toml").read_text()
    assert "kept your" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    ((), "--bundle DIR is required"),
    (("--bogus",), "unknown option --bogus"),
    (("--bundle", "/nonexistent/x"), "not a directory"),
])
def test_install_sh_usage_errors(args: tuple[str, ...], message: str) -> None:
    done = install(*args)
    assert done.returncode == 1
    assert message in done.stderr
