"""Application start-up: fonts, names, language, the mode's window and the operator screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import ui.i18n as i18n
from kiosk.config import KioskConfig, UiConfig, hash_operator_pin
from kiosk.environment import AppEnvironment, build_environment
from ui.app import (
    APP_NAME,
    VIETNAMESE_SAMPLE,
    WINDOWS,
    AppOptions,
    Shell,
    build_window,
    choose_language,
    create_application,
    font_covers_vietnamese,
    load_fonts,
    run,
)
from ui.i18n import current_language, set_language
from ui.operator_screen import DEMO_PIN, OperatorScreen
from ui.qt import QtCore, QtGui, QtWidgets
from ui.theme import FONT_FAMILY

Shot = Callable[[object, str], Path]
# The demo panel is an always-on-top tool window; the offscreen platform warns when it shows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture(autouse=True)
def restore(qapp: QtWidgets.QApplication) -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")
    qapp.setStyleSheet("")
    qapp.setFont(QtGui.QFont())


@pytest.fixture
def env(tmp_path: Path) -> Iterator[AppEnvironment]:
    environment = build_environment(KioskConfig.defaults(tmp_path), demo=True)
    yield environment
    environment.close()


def test_the_application_is_named_and_themed(qapp: QtWidgets.QApplication) -> None:
    app = create_application("kiosk")
    assert app is qapp
    assert app.applicationName() == APP_NAME
    assert app.applicationVersion()
    assert app.font().family() == FONT_FAMILY
    assert app.font().pointSize() == 20
    assert "min-height" in app.styleSheet()


def test_the_font_has_every_vietnamese_letter(qapp: QtWidgets.QApplication) -> None:
    family = load_fonts()
    assert family == FONT_FAMILY
    assert font_covers_vietnamese(family)
    assert "ư" in VIETNAMESE_SAMPLE and "đ" in VIETNAMESE_SAMPLE.lower()


def test_language_from_options_and_fallback(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    assert choose_language("en") == "en"
    assert current_language() == "en"
    set_language("vi")
    monkeypatch.setattr(i18n, "QM_FILE", tmp_path / "missing.qm")
    assert choose_language("en") == "vi"  # no translations: still a working application
    assert current_language() == "vi"


def test_every_mode_has_a_window_class() -> None:
    assert set(WINDOWS) == {"kiosk", "counter", "clinic"}


def shell_for(qtbot: QtBot, env: AppEnvironment, mode: str, *,
              pin_hash: str | None = None) -> tuple[Shell, list[str]]:
    cfg = KioskConfig(data_dir=env.config.data_dir, ui=UiConfig(operator_pin_hash=pin_hash))
    shell = Shell(cfg, env, mode=mode, fullscreen=False)  # type: ignore[arg-type]
    quits: list[str] = []
    shell.quit_app = lambda: quits.append("quit")
    return shell, quits


def unlock(qtbot: QtBot, screen: OperatorScreen, pin: str) -> None:
    for digit in pin:
        screen.keypad[digit].click()
    with qtbot.waitSignal(screen.unlocked, timeout=10_000):
        screen.pin_ok.click()


def test_kiosk_shell_operator_and_leave(qtbot: QtBot, qapp: QtWidgets.QApplication,
                                        env: AppEnvironment, screenshot: Shot) -> None:
    create_application("kiosk")
    shell, quits = shell_for(qtbot, env, "kiosk")
    try:
        shell.show()
        assert type(shell.window).__name__ == "KioskWindow"
        assert shell.window.isVisible()
        assert shell.demo_panel is not None and shell.demo_panel.isVisible()
        assert shell.controller.session is not None
        assert shell._operator is None  # not on the start-up path
        assert not shell.operator.isVisible()
        shell.window.operator_requested.emit()  # type: ignore[attr-defined]
        assert shell.operator.isVisible()
        assert not shell.operator.is_unlocked
        unlock(qtbot, shell.operator, DEMO_PIN)  # the demo's PIN when none is configured
        qtbot.waitUntil(lambda: "Virtual" in shell.operator.readers_text.text()
                        or ":" in shell.operator.readers_text.text(), timeout=5000)
        qtbot.wait(100)  # let the layouts settle before the picture
        screenshot(shell.operator, "app_kiosk_demo_operator_vi")
        shell.operator.back_button.click()
        assert not shell.operator.isVisible()
        assert shell.window.isVisible()
        shell.window.operator_requested.emit()  # type: ignore[attr-defined]
        assert not shell.operator.is_unlocked  # the PIN again, every time
        unlock(qtbot, shell.operator, DEMO_PIN)
        shell.operator.exit_button.click()
        shell.operator.exit_button.click()
        assert quits == ["quit"]
        assert shell.closing
        assert not shell.window.isVisible()  # the kiosk window accepted the close
    finally:
        shell.shutdown()


def test_kiosk_receipt_is_printed_or_spooled(qtbot: QtBot, env: AppEnvironment,
                                             tmp_path: Path) -> None:
    from kiosk.session import SubmitOutcome

    cfg = KioskConfig(data_dir=tmp_path, ui=UiConfig(printer="none"))
    shell = Shell(cfg, env, mode="kiosk", fullscreen=False)
    try:
        outcome = SubmitOutcome(kind="procedure", procedure_id="ct01", reference="7F3A9C21",
                                sent=True, receipt="HS-2026-000123", queued_id=1)
        shell.window.print_requested.emit(outcome)  # type: ignore[attr-defined]
        spooled = list((tmp_path / "spool").glob("*.png"))
        assert len(spooled) == 1  # no printer: the receipt waits as an image
        assert spooled[0].stat().st_size > 0
        unknown = SubmitOutcome(kind="procedure", procedure_id="no_such", reference="X",
                                sent=False, receipt="", queued_id=2)
        shell.window.print_requested.emit(unknown)  # type: ignore[attr-defined]
        assert len(list((tmp_path / "spool").glob("*.png"))) == 1  # logged, not raised
    finally:
        shell.shutdown()


def test_configured_pin_replaces_the_demo_pin(qtbot: QtBot, env: AppEnvironment) -> None:
    shell, _ = shell_for(qtbot, env, "kiosk", pin_hash=hash_operator_pin("97531",
                                                                        iterations=1000))
    try:
        shell.show()
        shell.open_operator()
        screen = shell.operator
        for digit in DEMO_PIN:
            screen.keypad[digit].click()
        screen.pin_ok.click()
        qtbot.waitUntil(lambda: not screen._checking, timeout=5000)
        assert not screen.is_unlocked
        unlock(qtbot, screen, "97531")
        assert screen.is_unlocked
    finally:
        shell.shutdown()


@pytest.mark.parametrize(("mode", "window_class"), [("counter", "CounterWindow"),
                                                    ("clinic", "ClinicWindow")])
def test_desk_shell_opens_the_operator_from_the_desk(
        qtbot: QtBot, env: AppEnvironment, mode: str, window_class: str,
        screenshot: Shot) -> None:
    create_application(mode)  # type: ignore[arg-type]
    shell, quits = shell_for(qtbot, env, mode)
    try:
        shell.show()
        assert type(shell.window).__name__ == window_class
        assert shell.window.property("mode") == mode
        assert shell.window.isVisible()
        shell.window.operator_requested.emit()  # type: ignore[attr-defined]
        assert shell.operator.isVisible()
        assert shell.operator.property("mode") == mode
        qtbot.wait(50)
        screenshot(shell.operator, f"app_{mode}_operator_pin_vi")
        unlock(qtbot, shell.operator, DEMO_PIN)
        shell.operator.back_button.click()
        assert not shell.operator.isVisible() and shell.window.isVisible()
        shell.quit()
        assert quits == ["quit"] and not shell.window.isVisible()
    finally:
        shell.shutdown()


def test_build_window_rejects_a_non_widget(monkeypatch: pytest.MonkeyPatch,
                                           env: AppEnvironment) -> None:
    monkeypatch.setitem(WINDOWS, "kiosk", ("builtins", "slice"))
    with pytest.raises(TypeError, match="not a QWidget"):
        build_window("kiosk", None, env)


def test_run_starts_and_ends_with_the_event_loop(qapp: QtWidgets.QApplication,
                                                 tmp_path: Path) -> None:
    seen: list[str] = []

    def look_and_quit() -> None:
        seen.extend(type(w).__name__ for w in QtWidgets.QApplication.topLevelWidgets()
                    if w.isVisible())
        QtCore.QCoreApplication.exit(0)  # quit() would ask the kiosk window, which refuses

    QtCore.QTimer.singleShot(800, look_and_quit)
    cfg = KioskConfig.defaults(tmp_path)
    status = run(AppOptions(mode="kiosk", demo=True, language="en"), cfg)
    assert status == 0
    assert "KioskWindow" in seen
    assert current_language() == "en"
    for widget in QtWidgets.QApplication.topLevelWidgets():
        widget.close()


def test_sigterm_ends_the_application_cleanly(qapp: QtWidgets.QApplication,
                                              tmp_path: Path) -> None:
    """A service manager's SIGTERM leaves through the shell: session wiped, env closed."""
    import os
    import signal

    before = signal.getsignal(signal.SIGTERM)
    QtCore.QTimer.singleShot(800, lambda: os.kill(os.getpid(), signal.SIGTERM))
    watchdog = QtCore.QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QtCore.QCoreApplication.exit(7))  # never hang the suite
    watchdog.start(15_000)
    status = run(AppOptions(mode="counter", demo=True), KioskConfig.defaults(tmp_path))
    watchdog.stop()
    assert status == 0
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back
    assert not [w for w in QtWidgets.QApplication.topLevelWidgets() if w.isVisible()]


def test_the_application_does_not_leak_a_reference_per_signal() -> None:
    """PySide6 6.12.0's SignalInstance.emit() returns True without a reference of its own:
    every ``.emit()`` from Python takes one from ``True`` until the interpreter aborts
    ("bool_dealloc: deallocating True or False"). ``ui.pyside_workarounds`` compensates when
    ``ui.qt`` is imported, so no signal of any screen can drain True."""
    import subprocess
    import sys

    probe = (
        "import sys, ui.app\n"
        "from ui.qt import QObject, Signal\n"
        "class E(QObject):\n"
        "    ping = Signal()\n"
        "e = E(); before = sys.getrefcount(True)\n"
        "for _ in range(200): e.ping.emit()\n"
        "print(sys.getrefcount(True) - before)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                         text=True, check=True, env={"QT_QPA_PLATFORM": "offscreen",
                                                     "PATH": "/usr/bin:/bin"})
    assert abs(int(out.stdout.strip().splitlines()[-1])) <= 2  # no drain (a few stray refs)
