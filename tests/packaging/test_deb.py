"""The Debian package: built with ``packaging/debian/build_deb.py`` from a stand-in bundle (a
small folder shaped like PyInstaller's ``dist/cccd-kiosk``), inspected with ``dpkg-deb`` and
installed with ``dpkg --root`` into a throwaway root (maintainer scripts run chrootless with
``adduser``/``chown``/``systemctl`` replaced by recorders, so nothing touches this machine).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import load_config

REPO = Path(__file__).resolve().parents[2]
BUILD_DEB = REPO / "packaging" / "debian" / "build_deb.py"


def _load_build_deb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_deb", BUILD_DEB)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module
    spec.loader.exec_module(module)
    return module


bd = _load_build_deb()


def make_bundle(root: Path) -> Path:
    """A stand-in for dist/cccd-kiosk: the executable, a library tree and a symlink."""
    bundle = root / "cccd-kiosk"
    (bundle / "_internal" / "PySide6").mkdir(parents=True)
    exe = bundle / "kiosk"
    exe.write_text('#!/bin/sh\necho "kiosk 0.1.0"\nprintf "arg:%s\\n" "$@"\n'
                   'echo "config:$CCCD_KIOSK_CONFIG"\n', encoding="utf-8")
    exe.chmod(0o755)
    (bundle / "cccd").write_text('#!/bin/sh\necho "cccd $*"\n', encoding="utf-8")
    (bundle / "cccd").chmod(0o755)
    (bundle / "_internal" / "PySide6" / "libQt6Core.so.6").write_bytes(b"\x7fELF stand-in")
    (bundle / "_internal" / "libQt6Core.so").symlink_to("PySide6/libQt6Core.so.6")
    return bundle


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env,
                          check=False)


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("deb")
    bundle = make_bundle(tmp)
    done = run(sys.executable, BUILD_DEB, "--bundle", bundle, "--out", tmp / "dist",
               "--version", "0.1.0")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.parent == tmp / "dist"
    return path


def fields(deb: Path) -> dict[str, str]:
    out = run("dpkg-deb", "--field", deb)
    assert out.returncode == 0, out.stderr
    parsed: dict[str, str] = bd._fields(out.stdout)
    return parsed


def contents(deb: Path) -> dict[str, tuple[str, str, str]]:
    """path -> (mode, owner, link target or "")."""
    out = run("dpkg-deb", "--contents", deb)
    assert out.returncode == 0, out.stderr
    entries = {}
    for line in out.stdout.splitlines():
        mode, owner, _size, _date, _time, name = line.split(None, 5)
        name, _, target = name.partition(" -> ")
        entries["/" + name.removeprefix("./").rstrip("/")] = (mode, owner, target)
    return entries


# --- The package -----------------------------------------------------------------------------


def test_name_version_and_arch(deb: Path) -> None:
    arch = run("dpkg", "--print-architecture").stdout.strip()
    assert deb.name == f"cccd-kiosk_0.1.0_{arch}.deb"
    f = fields(deb)
    assert (f["Package"], f["Version"], f["Architecture"]) == ("cccd-kiosk", "0.1.0", arch)
    assert int(f["Installed-Size"]) > 0
    assert f["Maintainer"].endswith(">")


def test_depends_on_the_host_reader_stack_and_the_kiosk_compositor(deb: Path) -> None:
    depends = bd._packages(fields(deb)["Depends"])
    for pkg in ("pcscd", "libccid", "libpcsclite1", "cage", "xwayland", "adduser", "libegl1",
                "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
                "libwayland-client0", "fonts-dejavu-core"):
        assert pkg in depends, pkg


def test_never_pulls_in_vpcd_and_conflicts_with_it(deb: Path) -> None:
    f = fields(deb)
    for name in ("Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances"):
        assert not any("vpcd" in p or "vsmartcard" in p for p in bd._packages(f.get(name, "")))
    assert bd._packages(f["Conflicts"]) == ["vsmartcard-vpcd"]


def test_layout_owners_and_modes(deb: Path) -> None:
    entries = contents(deb)
    expected = {
        "/opt/cccd-kiosk/kiosk": "-rwxr-xr-x",
        "/opt/cccd-kiosk/_internal/PySide6/libQt6Core.so.6": "-rw-r--r--",
        "/usr/bin/kiosk": "-rwxr-xr-x",
        "/usr/bin/cccd": "-rwxr-xr-x",
        "/etc/cccd-kiosk/kiosk.toml": "-rw-r--r--",
        "/etc/pam.d/cccd-kiosk-session": "-rw-r--r--",
        "/usr/lib/systemd/system/cccd-kiosk-session.service": "-rw-r--r--",
        "/usr/lib/systemd/user/cccd-kiosk.service": "-rw-r--r--",
        "/usr/share/doc/cccd-kiosk/kiosk.toml.example": "-rw-r--r--",
        "/usr/share/cccd-kiosk/lockdown/logind-cccd-kiosk.conf": "-rw-r--r--",
        "/usr/share/cccd-kiosk/lockdown/sysctl-cccd-kiosk.conf": "-rw-r--r--",
    }
    for path, mode in expected.items():
        assert entries[path][0] == mode, path
    assert entries["/opt/cccd-kiosk/_internal/libQt6Core.so"][2] == "PySide6/libQt6Core.so.6"
    assert {owner for _mode, owner, _t in entries.values()} == {"root/root"}
    # Only the package's own places: nothing in /var (postinst makes the data directory).
    tops = {p.split("/")[1] for p in entries if p != "/"}
    assert tops == {"opt", "usr", "etc"}
    assert not [p for p in entries if "vpcd" in p.lower() or "libpcsclite" in p]


def test_conffiles_and_maintainer_scripts(deb: Path, tmp_path: Path) -> None:
    assert run("dpkg-deb", "--control", deb, tmp_path / "c").returncode == 0
    ctl = tmp_path / "c"
    assert (ctl / "conffiles").read_text().split() == ["/etc/cccd-kiosk/kiosk.toml",
                                                       "/etc/pam.d/cccd-kiosk-session"]
    for name in ("postinst", "prerm", "postrm"):
        script = ctl / name
        assert os.access(script, os.X_OK), name
        assert script.read_text().startswith("#!/bin/sh\n")
        done = run("sh", "-n", script)
        assert done.returncode == 0, (name, done.stderr)
    assert run("sh", "-n", REPO / "packaging" / "linux" / "install.sh").returncode == 0


def test_check_deb_passes_the_package(deb: Path) -> None:
    assert bd.check_deb(deb) == []
    assert run(sys.executable, BUILD_DEB, "--check", deb).returncode == 0


def test_check_deb_catches_a_vpcd_dependency_and_a_bad_mode(deb: Path, tmp_path: Path) -> None:
    """Repack the good package with vpcd in Recommends, no Conflicts, a world-writable config
    and a broken postinst: each must be reported (the check can fail)."""
    root = tmp_path / "root"
    assert run("dpkg-deb", "--raw-extract", deb, root).returncode == 0
    control = root / "DEBIAN" / "control"
    text = control.read_text().replace("Conflicts: vsmartcard-vpcd\n", "")
    control.write_text(text.replace("Recommends: ", "Recommends: vsmartcard-vpcd, "))
    (root / "etc" / "cccd-kiosk" / "kiosk.toml").chmod(0o666)
    (root / "DEBIAN" / "postinst").write_text("#!/bin/sh\nif then\n")
    bad = tmp_path / "bad.deb"
    assert run("dpkg-deb", "--root-owner-group", "--build", root, bad).returncode == 0
    problems = "\n".join(bd.check_deb(bad))
    assert "Recommends names vsmartcard-vpcd" in problems
    assert "Conflicts lacks vsmartcard-vpcd" in problems
    assert "/etc/cccd-kiosk/kiosk.toml is writable by group or others" in problems
    assert "maintainer script postinst" in problems
    assert run(sys.executable, BUILD_DEB, "--check", bad).returncode == 1


# --- Refused bundles -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("_internal/libpcsclite.so.1", "must not contain _internal/libpcsclite.so.1"),
    ("_internal/vsmartcard/libifdvpcd.so", "must not contain _internal/vsmartcard/libifdvpcd.so"),
])
def test_refuses_a_bundle_with_libpcsclite_or_vpcd(tmp_path: Path, name: str,
                                                   message: str) -> None:
    bundle = make_bundle(tmp_path)
    (bundle / name).parent.mkdir(parents=True, exist_ok=True)
    (bundle / name).write_bytes(b"\x7fELF")
    done = run(sys.executable, BUILD_DEB, "--bundle", bundle, "--out", tmp_path / "dist")
    assert done.returncode == 1
    assert message in done.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())
    # install.sh refuses it too (hand installs).
    done = run("sh", REPO / "packaging" / "linux" / "install.sh", "--files-only", "--bundle",
               bundle, "--root", tmp_path / "r")
    assert done.returncode == 1
    assert "must not contain" in done.stderr


def test_refuses_a_bundle_without_its_executable(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path)
    (bundle / "kiosk").chmod(0o644)
    done = run(sys.executable, BUILD_DEB, "--bundle", bundle, "--out", tmp_path / "dist")
    assert done.returncode == 1
    assert "no executable 'kiosk'" in done.stderr
    done = run(sys.executable, BUILD_DEB, "--bundle", tmp_path / "nope", "--out", tmp_path)
    assert "not a directory" in done.stderr


@pytest.mark.parametrize(("pep440", "debian"), [
    ("0.1.0", "0.1.0"), ("0.2.0rc1", "0.2.0~rc1"), ("1.0.dev3", "1.0~dev3"),
    ("2.0a1", "2.0~a1"), ("1.0+local.1", "1.0+local.1"),
])
def test_deb_version(pep440: str, debian: str) -> None:
    assert bd.deb_version(pep440) == debian


def test_deb_version_orders_prereleases_before_the_release() -> None:
    rc, final = bd.deb_version("0.2.0rc1"), bd.deb_version("0.2.0")
    assert run("dpkg", "--compare-versions", rc, "lt", final).returncode == 0


def test_deb_version_refuses_garbage() -> None:
    with pytest.raises(bd.BuildError, match="not a PEP 440 version"):
        bd.deb_version("0.1.0; rm -rf /")


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=30),
                 st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}((a|b|rc|\.dev)[0-9]{1,2})?"
                               r"(\+[a-z0-9.]{1,8})?", fullmatch=True)))
def test_deb_version_fuzz(version: str) -> None:
    """Any string: a BuildError, or a valid Debian upstream version (Policy §5.6.12)."""
    try:
        out = bd.deb_version(version)
    except bd.BuildError:
        return
    assert bd.re.fullmatch(r"[0-9][A-Za-z0-9.+~]*", out), out
    done = run("dpkg", "--compare-versions", out, "eq", out)   # dpkg itself accepts it
    assert done.returncode == 0 and not done.stderr, (out, done.stderr)


# --- Installed into a throwaway root ---------------------------------------------------------


def _recorders(tmp: Path, *, existing_user: bool = False) -> tuple[dict[str, str], Path]:
    """PATH with adduser, getent, chown, systemctl replaced by scripts recording their calls."""
    shims = tmp / "shims"
    shims.mkdir()
    log = tmp / "calls"
    for name in ("adduser", "getent", "chown", "systemctl", "useradd"):
        status = 0 if name != "getent" or existing_user else 2
        (shims / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit {status}\n')
        (shims / name).chmod(0o755)
    env = dict(os.environ, PATH=f"{shims}:{os.environ['PATH']}")
    return env, log


def _dpkg_root(tmp: Path) -> Path:
    root = tmp / "root"
    for d in ("var/lib/dpkg/updates", "var/lib/dpkg/info"):
        (root / d).mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text("")
    return root


def _dpkg(root: Path, env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run("dpkg", f"--root={root}", "--force-script-chrootless", "--force-not-root",
               "--force-depends", *args, env=env)


def test_install_upgrade_and_purge_in_a_throwaway_root(deb: Path, tmp_path: Path) -> None:
    env, log = _recorders(tmp_path)
    root = _dpkg_root(tmp_path)
    done = _dpkg(root, env, "-i", deb)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    adduser = [c for c in calls if c.startswith("adduser ")]
    assert adduser == ["adduser --system --group --home /var/lib/cccd-kiosk --no-create-home "
                       "--shell /usr/sbin/nologin --gecos CCCD kiosk cccd-kiosk"]
    data = root / "var" / "lib" / "cccd-kiosk"
    assert data.is_dir() and (data.stat().st_mode & 0o777) == 0o700
    assert f"chown cccd-kiosk:cccd-kiosk {data}" in calls
    assert not any(c.startswith("systemctl enable") for c in calls)   # opt-in, takes tty1
    assert (root / "opt/cccd-kiosk/kiosk").is_file()
    assert (root / "usr/lib/systemd/system/cccd-kiosk-session.service").is_file()

    # The site edits its config; reinstalling keeps the edit (a conffile).
    conf = root / "etc/cccd-kiosk/kiosk.toml"
    conf.write_text(conf.read_text() + "\n# edited by the site\n")
    log.unlink()
    done = _dpkg(root, env, "--force-confold", "-i", deb)
    assert done.returncode == 0, done.stderr
    assert conf.read_text().endswith("# edited by the site\n")

    # Purge: files and conffiles go, the data directory (the unsent outbox) stays.
    done = _dpkg(root, env, "--purge", "cccd-kiosk")
    assert done.returncode == 0, done.stderr
    assert not (root / "opt/cccd-kiosk").exists()
    assert not conf.exists()
    assert not (root / "usr/bin/kiosk").exists()
    assert data.is_dir()
    assert "kept /var/lib/cccd-kiosk" in done.stderr


def test_existing_user_is_not_created_again(deb: Path, tmp_path: Path) -> None:
    env, log = _recorders(tmp_path, existing_user=True)
    done = _dpkg(_dpkg_root(tmp_path), env, "-i", deb)
    assert done.returncode == 0, done.stderr
    assert not [c for c in log.read_text().splitlines() if c.startswith("adduser")]


def test_dpkg_refuses_to_install_beside_vpcd(deb: Path, tmp_path: Path) -> None:
    env, _log = _recorders(tmp_path)
    root = _dpkg_root(tmp_path)
    (root / "var/lib/dpkg/status").write_text(
        "Package: vsmartcard-vpcd\nStatus: install ok installed\nVersion: 3.3+dfsg-2\n"
        "Architecture: amd64\nMaintainer: x <x@x.invalid>\nDescription: stand-in\n\n")
    done = _dpkg(root, env, "-i", deb)
    assert done.returncode != 0
    assert "conflicts with vsmartcard-vpcd" in done.stderr
    assert not (root / "opt/cccd-kiosk").exists()


# --- What the package installs ---------------------------------------------------------------


def test_wrapper_runs_the_bundle_with_the_site_config(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "x"
    assert run("dpkg-deb", "-x", deb, root).returncode == 0
    wrapper = (root / "usr/bin/kiosk").read_text()
    assert "exec /opt/cccd-kiosk/kiosk " in wrapper
    # Point the wrapper at the extracted bundle and run it.
    local = tmp_path / "kiosk"
    local.write_text(wrapper.replace("/opt/cccd-kiosk/", f"{root}/opt/cccd-kiosk/"))
    env = {k: v for k, v in os.environ.items() if k != "CCCD_KIOSK_CONFIG"}
    out = run("sh", local, "--mode", "kiosk", "a b", env=env).stdout.splitlines()
    assert out == ["kiosk 0.1.0", "arg:--mode", "arg:kiosk", "arg:a b",
                   "config:/etc/cccd-kiosk/kiosk.toml"]
    out = run("sh", local, env=dict(env, CCCD_KIOSK_CONFIG="/tmp/other.toml")).stdout
    assert out.splitlines()[-1] == "config:/tmp/other.toml"


def test_default_config_loads_and_fits_a_system_user(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "x"
    assert run("dpkg-deb", "-x", deb, root).returncode == 0
    cfg = load_config(root / "etc/cccd-kiosk/kiosk.toml", env={})
    assert cfg.data_dir == Path("/var/lib/cccd-kiosk")
    assert cfg.outbox_path == Path("/var/lib/cccd-kiosk/outbox.sqlite3")
    assert cfg.use_keyring is False          # no Secret Service for a system user
    assert cfg.ui.mode == "kiosk" and cfg.ui.language == "vi"
    # The trust store default is the *user* data folder: point it into data_dir.
    assert cfg.sections["trust"]["store"] == "/var/lib/cccd-kiosk/trust"


def test_documented_reference_config_ships_and_loads(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "x"
    assert run("dpkg-deb", "-x", deb, root).returncode == 0
    example = root / "usr/share/doc/cccd-kiosk/kiosk.toml.example"
    assert example.read_bytes() == (REPO / "packaging/config/kiosk.toml").read_bytes()
    assert load_config(example, env={}).ui.mode == "kiosk"


def test_cccd_wrapper_runs_the_bundled_chip_command_line(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "x"
    assert run("dpkg-deb", "-x", deb, root).returncode == 0
    wrapper = (root / "usr/bin/cccd").read_text()
    local = tmp_path / "cccd"
    local.write_text(wrapper.replace("/opt/cccd-kiosk/", f"{root}/opt/cccd-kiosk/"))
    out = run("sh", local, "trust", "list", "--store", "/x y").stdout
    assert out == "cccd trust list --store /x y\n"
