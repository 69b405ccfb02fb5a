"""The PyInstaller bundle (dist/cccd-kiosk/), smoke-tested from the bundle itself.

The bundle is built by ``packaging/build_bundle.py`` (scripts/test.sh runs it before pytest);
when it is missing or older than a source file, the session fixture builds it first, so these
tests always run against a bundle of the code under test.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest
import segno
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
# A stale bundle is rebuilt by the first test's fixture (80 s, up to 4 min on a loaded machine);
# the walkthrough takes 30-60 s: more than pytest-timeout's 300 s default may be needed.
pytestmark = pytest.mark.timeout(900)
QT_PLUGINS = Path("_internal/PySide6/Qt/plugins")


def _load_build_bundle() -> ModuleType:
    # Loaded by path: a package named "packaging" would be PyPI's (packaging/ has no __init__).
    spec = importlib.util.spec_from_file_location("build_bundle",
                                                  ROOT / "packaging" / "build_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bb = _load_build_bundle()


def _sources() -> Iterator[Path]:
    for top in ("cardreader", "kiosk", "ui"):
        yield from (ROOT / top).rglob("*.py")
    yield from (p for p in (ROOT / "assets").rglob("*") if p.is_file())
    yield from (ROOT / "packaging" / "pyinstaller").iterdir()
    yield ROOT / "pyproject.toml"


def _stale(exe: Path) -> bool:
    return not exe.is_file() or max(p.stat().st_mtime for p in _sources()) > exe.stat().st_mtime


@pytest.fixture(scope="session")
def bundle() -> Iterator[Path]:
    """The bundle, rebuilt first if stale; nobody else in this tree rebuilds it while the
    tests use it (shared lock; the build takes it exclusive)."""
    exe = bb.kiosk_exe()
    if _stale(exe):
        with bb.build_lock():
            if _stale(exe):  # another run may have rebuilt it while this one waited
                bb.build_unlocked()
    with bb.build_lock(shared=True):
        assert exe.is_file()
        yield Path(bb.BUNDLE)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(extra)
    return env


def _run(args: list[str], *, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env=_env(**env), cwd=ROOT / "dist")


def test_version_from_the_bundle(bundle: Path) -> None:
    proc = _run([str(bb.kiosk_exe(bundle)), "--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"kiosk {version('cccd-kiosk')}"


def test_headless_demo_walkthrough_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    proc = _run([str(bb.kiosk_exe(bundle)), "--demo", "--headless", "--screenshots", str(shots)],
                timeout=400)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    pngs = sorted(shots.rglob("*.png"))
    ok_lines = [ln for ln in proc.stdout.splitlines() if " ok " in f" {ln} "]
    assert pngs and len(pngs) == len(ok_lines)
    for mode in ("kiosk", "counter", "clinic"):
        assert any(f"-{mode}-" in p.name for p in pngs), mode
    for png in pngs:
        with png.open("rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n", png
    assert "0 failed" in proc.stdout


def test_kiosk_mode_starts_and_paints_from_the_bundle(bundle: Path) -> None:
    """The application path proper (ui.app.run, not the walkthrough): the demo kiosk window is
    painted, timed by the entry script's start-up probe."""
    seconds = bb._run_first_paint([str(bb.kiosk_exe(bundle))])
    assert 0 < seconds < 60


def test_no_libpcsclite_in_the_bundle(bundle: Path) -> None:
    files = [p for p in bundle.rglob("*") if p.is_file()]
    assert not [p for p in files if "pcsclite" in p.name.lower()]
    assert bb.forbidden_files(bundle) == []
    # The reader binding is there, and loads the host's libpcsclite at run time.
    assert [p for p in files if p.name.startswith("_scard")]


def test_the_forbidden_file_check_finds_one(tmp_path: Path) -> None:
    (tmp_path / "_internal").mkdir()
    planted = tmp_path / "_internal" / "libpcsclite.so.1"
    planted.write_bytes(b"\x7fELF")
    assert bb.forbidden_files(tmp_path) == [planted]


def test_assets_are_where_the_code_looks(bundle: Path) -> None:
    """Modules find assets as Path(__file__).parents[N] / "assets"; in the bundle __file__ is
    under _internal/, so the shipped files must be byte for byte at _internal/assets/."""
    shipped = bundle / "_internal" / "assets"
    wanted = [*(ROOT / "assets" / "forms").rglob("*.json"),
              *(ROOT / "assets" / "fonts").glob("*.ttf"),
              *(ROOT / "assets" / "i18n").glob("*.qm")]
    assert len(wanted) > 5
    for source in wanted:
        copy = shipped / source.relative_to(ROOT / "assets")
        assert copy.read_bytes() == source.read_bytes(), copy
    assert not list(shipped.rglob("*.ts"))  # translation sources stay out


def test_qt_parts_the_application_needs(bundle: Path) -> None:
    plugins = bundle / QT_PLUGINS
    names = {p.name for p in plugins.rglob("*.so")}
    for plugin in ("libqoffscreen.so", "libqxcb.so", "libqwayland.so",  # platforms
                   "libcupsprintersupport.so",  # printsupport (the printer)
                   "libqtexttospeech_speechd.so",  # spoken prompts
                   "libqjpeg.so",  # imageformats
                   "libibusplatforminputcontextplugin.so"):  # typing Vietnamese at a desk
        assert plugin in names, plugin
    libs = {p.name for p in (bundle / "_internal/PySide6/Qt/lib").iterdir()}
    assert {"libQt6Pdf.so.6", "libQt6PrintSupport.so.6", "libQt6TextToSpeech.so.6"} <= libs
    # Pruned: never used, and what only they needed went with them.
    assert not {"libqgtk3.so", "libqtvirtualkeyboardplugin.so"} & names
    assert not {"libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6VirtualKeyboard.so.6"} & libs
    assert not list((bundle / "_internal").glob("libgtk-3*"))


def test_cccd_reads_a_qr_image_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    """The second executable, and zxing-cpp's extension inside the bundle (a fake citizen)."""
    payload = "001090012345|123456789|NGUYỄN VĂN THỬ|01011990|Nam|Số 1 Phố Thử, Hà Nội|01012022"
    image = tmp_path / "qr.png"
    segno.make(payload, encoding="utf-8", micro=False).save(str(image), scale=8, border=4)
    proc = _run([str(bundle / f"cccd{bb.EXE_SUFFIX}"), "qr", "--json", str(image)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"full_name": "NGUYỄN VĂN THỬ"' in proc.stdout
    assert '"id_number": "001090012345"' in proc.stdout


def _loaded_from(stderr: str, library: str) -> list[Path]:
    """Paths the dynamic loader initialised for ``library`` (glibc's LD_DEBUG=libs trace)."""
    return [Path(line.split("calling init:", 1)[1].strip()) for line in stderr.splitlines()
            if "calling init:" in line and library in line]


def test_readers_go_through_the_hosts_libpcsclite(bundle: Path) -> None:
    """``cccd readers`` from the bundle talks to the host's pcscd through the host's
    libpcsclite (listing the readers, or failing to, either way it loaded the library)."""
    proc = _run([str(bundle / f"cccd{bb.EXE_SUFFIX}"), "readers"], LD_DEBUG="libs")
    loaded = _loaded_from(proc.stderr, "libpcsclite")
    assert loaded, proc.stdout + proc.stderr[-2000:]
    assert all(bundle.resolve() not in p.resolve().parents for p in loaded), loaded


def test_zbar_fallback_uses_the_hosts_libzbar(bundle: Path, tmp_path: Path) -> None:
    """A blank image: zxing-cpp finds nothing, the decoding chain goes on to zbar, which pyzbar
    loads from the system (libzbar0), not from the bundle."""
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    proc = _run([str(bundle / f"cccd{bb.EXE_SUFFIX}"), "qr", str(blank)], LD_DEBUG="libs")
    assert proc.returncode != 0 and "no QR code found" in proc.stdout + proc.stderr
    loaded = _loaded_from(proc.stderr, "libzbar")
    assert loaded, proc.stderr[-2000:]
    assert all(bundle.resolve() not in p.resolve().parents for p in loaded), loaded
