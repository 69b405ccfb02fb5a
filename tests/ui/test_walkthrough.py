"""End to end: the real application (windows, controller, demo environment with its intake
server and BHYT gateway, the virtual reader) walks every mode by itself, offscreen.

Every step must reach its session phase, every screenshot must exist and show a real screen,
every wipe must leave no trace of the citizen, and the walk's exit status must say so.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from kiosk.session import Phase
from ui import walkthrough
from ui.walkthrough import MODES, App, Walk, run_walkthrough, walk

REPO = Path(__file__).resolve().parents[2]

# Screens each mode's walk must have reached (the flow, and the failure screens of the issue).
MUST_SEE = {
    "kiosk": {
        "idle", "demo_panel", "operator_pin", "operator_status", "operator_left", "need_keys",
        "reading", "verdict", "procedures", "form", "form_typed", "review",
        "result", "wiped", "wait_card", "failure_card_removed", "card_back_verdict",
        "failure_no_reader", "reader_back", "failure_wrong_card", "verdict_clone",
        "verdict_unverified", "idle_en", "verdict_en", "result_en_offline",
        "result_en_delivered", "wiped_en", "idle_warning", "idle_wiped",
    },
    "counter": {"idle", "need_keys", "verdict", "form", "form_typed", "submitted",
                "wiped_history", "verdict_from_qr", "wiped_again"},
    "clinic": {"idle", "patient1_ticket", "patient2_ticket", "patient3_keys", "patient3_ticket",
               "clone_stopped", "acknowledged"},
}  # fmt: skip


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Walk, Path]]:
    from ui.qt import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["test"])
    assert app is not None
    out = tmp_path_factory.mktemp("walk")
    lines: list[str] = []
    result = walk(out, MODES, log=lines.append)
    assert len(lines) == len(result.steps)  # one printed line per screen
    yield result, out


def test_every_step_reaches_its_phase(walked: tuple[Walk, Path]) -> None:
    result, _ = walked
    failed = [(s.number, s.mode, s.screen, s.expected, s.reached, s.note)
              for s in result.steps if not s.ok]  # fmt: skip
    assert not failed
    assert result.ok


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_sees_its_screens(walked: tuple[Walk, Path], mode: str) -> None:
    result, _ = walked
    seen = {s.screen for s in result.steps if s.mode == mode}
    assert MUST_SEE[mode] <= seen, MUST_SEE[mode] - seen


def test_phases_are_the_ones_the_screens_name(walked: tuple[Walk, Path]) -> None:
    result, _ = walked
    by_name = {(s.mode, s.screen): s.reached for s in result.steps}
    assert by_name["kiosk", "reading"] == Phase.READING
    assert by_name["kiosk", "failure_card_removed"] == "failure/card_removed"
    assert by_name["kiosk", "failure_no_reader"] == "failure/no_reader"
    assert by_name["kiosk", "failure_wrong_card"] == "failure/wrong_keys"
    assert by_name["kiosk", "result_en_offline"] == Phase.DONE
    assert by_name["clinic", "clone_stopped"] == "failure/clone_suspected"
    assert all(by_name["clinic", f"patient{n}_ticket"] == Phase.CHECKED_IN for n in (1, 2, 3))


def test_screenshots_exist_numbered_and_not_blank(walked: tuple[Walk, Path]) -> None:
    result, out = walked
    files = sorted(out.glob("*.png"))
    assert [p.name for p in files] == sorted(s.path.name for s in result.steps if s.path)
    for number, step in enumerate(result.steps, 1):
        assert step.path is not None
        assert step.path.name == f"{number:02d}-{step.mode}-{step.screen}.png"
        with Image.open(step.path) as image:
            small = step.screen == "demo_panel"  # the side panel, not a window
            assert image.width >= (250 if small else 1024), step.path.name
            assert image.height >= 700, step.path.name
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 40, f"{step.path.name} looks blank"


def test_the_whole_walk_is_quick(walked: tuple[Walk, Path]) -> None:
    result, _ = walked
    assert sum(s.seconds for s in result.steps) < 60


def test_a_step_that_misses_its_phase_fails_the_walk(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(app: App) -> None:
        app.expect("idle", Phase.IDLE)
        app.expect("review_without_a_card", Phase.REVIEW, timeout_s=0.3)
        app.expect("never_reached", Phase.IDLE)

    monkeypatch.setitem(walkthrough.WALKS, "clinic", broken)
    assert run_walkthrough(tmp_path, ["clinic"], quiet=True) == 1
    result = walk(tmp_path / "again", ["clinic"], quiet=True)
    assert [(s.screen, s.ok) for s in result.steps] == [
        ("idle", True), ("review_without_a_card", False)]  # fmt: skip
    assert result.steps[1].reached == Phase.IDLE and result.steps[1].expected == Phase.REVIEW
    assert not result.ok


def test_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        walk(tmp_path, ["kiosk", "bank"])


def test_the_kiosk_command_runs_it_headless(tmp_path: Path) -> None:
    """`kiosk --demo --headless --screenshots DIR --mode clinic`, as the README says."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CACHE_HOME": str(Path.home() / ".cache")}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--demo", "--headless", "--mode", "clinic",
         "--screenshots", str(tmp_path / "shots")],
        capture_output=True, text=True, timeout=180, cwd=REPO, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shots = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert shots[0] == "01-clinic-idle.png" and "03-clinic-patient2_ticket.png" in shots
    assert "failed" in proc.stdout and " 0 failed" in proc.stdout
    assert "NGUYỄN" not in proc.stdout + proc.stderr  # no personal data in the output
