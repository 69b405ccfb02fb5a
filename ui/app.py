"""Start the Qt application: ``kiosk [--mode kiosk|counter|clinic] [--demo] [--lang vi|en] …``.

:func:`run` is what ``kiosk`` (no command) calls: it loads the configuration, creates the
QApplication (name, Vietnamese-capable fonts, the mode's theme, the language), builds the
environment (real readers, or the demo's virtual card and local servers), the session
controller and the mode's window, then runs the event loop until the operator leaves.

- kiosk: :class:`ui.windows.kiosk_window.KioskWindow`, full-screen and frameless unless
  ``--windowed`` / ``[ui] fullscreen = false`` / ``--demo``; closing needs the operator PIN.
- counter: :class:`ui.windows.counter_window.CounterWindow`; clinic:
  :class:`ui.windows.clinic_window.ClinicWindow` (desk windows, maximised unless windowed).

The operator screen (:class:`ui.operator_screen.OperatorScreen`) opens on the window's
``operator_requested`` (kiosk: the hidden corner; desks: Ctrl+Shift+O) as its own window, over
the kiosk full screen; "leave" there quits the application. In the demo a small panel places and
removes the virtual card, unplugs the reader and cuts the network.

``--headless`` (with ``--demo``) does not come here: the CLI runs
``ui.walkthrough.run_walkthrough`` instead (every screen of every mode saved as PNG).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ui.qt  # noqa: F401  (first: applies ui.pyside_workarounds before any signal)
from kiosk.config import KioskConfig, UiLanguage, UiMode
from ui.gc_guard import GarbageCollector
from ui.gc_guard import install as install_gc_guard
from ui.i18n import TranslationMissingError, set_language
from ui.qt import QObject, Qt, QtCore, QtGui, QtWidgets, Slot
from ui.theme import FONT_FAMILY, apply_theme

if TYPE_CHECKING:
    from ui.operator_screen import OperatorScreen

_log = logging.getLogger("ui.app")

APP_NAME = "cccd-kiosk"
APP_DISPLAY_NAME = "CCCD Kiosk"
ORGANIZATION = "cccd-kiosk"
ASSETS_FONTS = Path(__file__).resolve().parents[1] / "assets" / "fonts"
#: Where Noto Sans lives on Debian (fonts-noto-core) if the bundled copy is missing.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"))
#: A Vietnamese sample every font we use must render ("ư ơ ă â đ ê ô" and the five tones).
VIETNAMESE_SAMPLE = "Đặt thẻ CCCD lên đầu đọc: ư ơ ă â ê ô ỳ ỷ ỹ ỵ ạ"
DESK_SIZE = (1280, 800)


@dataclass(frozen=True)
class AppOptions:
    """The command line's choices; ``None`` means "as the configuration says"."""

    mode: UiMode | None = None
    demo: bool = False
    config: str | None = None
    language: UiLanguage | None = None
    windowed: bool = False


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(APP_NAME)
    except PackageNotFoundError:  # a source checkout that was not installed
        return "0+unknown"


def load_fonts() -> str:
    """Register the bundled fonts and make sure Noto Sans (every Vietnamese letter) is there.

    Returns the family the theme will use. Without Noto Sans, Qt falls back to the system's
    default sans font and a warning is logged (diacritics may then be drawn by fallback fonts).
    """
    for path in sorted(ASSETS_FONTS.glob("*.ttf")):
        QtGui.QFontDatabase.addApplicationFont(str(path))
    if FONT_FAMILY not in QtGui.QFontDatabase.families():
        for folder in SYSTEM_FONT_DIRS:
            for path in sorted(folder.glob("NotoSans-*.ttf")):
                QtGui.QFontDatabase.addApplicationFont(str(path))
    if FONT_FAMILY in QtGui.QFontDatabase.families():
        return FONT_FAMILY
    _log.warning("font %s not found (assets/fonts incomplete? fonts-noto-core has it); "
                 "using the default", FONT_FAMILY)
    return QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.GeneralFont).family()


def font_covers_vietnamese(family: str) -> bool:
    """Whether ``family`` has a glyph for every letter of :data:`VIETNAMESE_SAMPLE`."""
    metrics = QtGui.QFontMetrics(QtGui.QFont(family))
    return all(metrics.inFontUcs4(ord(ch)) for ch in VIETNAMESE_SAMPLE if not ch.isspace())


def create_application(mode: UiMode, argv: Sequence[str] | None = None
                       ) -> QtWidgets.QApplication:
    """The QApplication (or the existing one) named, with fonts and the theme of ``mode``."""
    existing = QtWidgets.QApplication.instance()
    app = existing if isinstance(existing, QtWidgets.QApplication) else \
        QtWidgets.QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(version())
    app.setDesktopFileName(APP_NAME)
    if app.findChild(GarbageCollector) is None:
        install_gc_guard(app)  # Qt objects die on the GUI thread, never in a worker's GC
    load_fonts()
    apply_theme(app, mode)
    return app


def choose_language(language: UiLanguage) -> UiLanguage:
    """Install ``language``; English without its translations falls back to Vietnamese."""
    try:
        set_language(language)
    except TranslationMissingError:
        _log.warning("English translations missing (scripts/i18n.sh); staying in Vietnamese")
        set_language("vi")
        return "vi"
    return language


#: mode -> (module, class) of its window; every class takes ``(controller, env)``.
WINDOWS: dict[str, tuple[str, str]] = {
    "kiosk": ("ui.windows.kiosk_window", "KioskWindow"),
    "counter": ("ui.windows.counter_window", "CounterWindow"),
    "clinic": ("ui.windows.clinic_window", "ClinicWindow"),
}


def build_window(mode: UiMode, controller: Any, env: Any) -> QtWidgets.QWidget:
    """The window of ``mode`` (imported on demand: each mode loads only its own screens)."""
    module_name, class_name = WINDOWS[mode]
    window_class = getattr(importlib.import_module(module_name), class_name)
    window = window_class(controller, env)
    if not isinstance(window, QtWidgets.QWidget):
        raise TypeError(f"{class_name} is not a QWidget")
    return window


class Shell(QObject):
    """The running application: environment, controller, mode window, operator screen."""

    def __init__(self, cfg: KioskConfig, env: Any, *, mode: UiMode, fullscreen: bool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        from ui.controller import SessionController

        self.cfg = cfg
        self.env = env
        self.mode = mode
        self.fullscreen = fullscreen
        self.closing = False
        # Ends the event loop after "leave" (tests replace it to keep theirs running). exit(),
        # not quit(): Qt 6's quit() first asks every window to close, and a kiosk refuses.
        self.quit_app: Callable[[], None] = lambda: QtCore.QCoreApplication.exit(0)
        idle = cfg.ui.idle_timeout_s if mode == "kiosk" else None
        self.controller = SessionController(env, mode=mode, idle_timeout_s=idle, parent=self)
        self.window = build_window(mode, self.controller, env)
        self._operator: OperatorScreen | None = None  # built when first asked for
        signal_ = getattr(self.window, "operator_requested", None)
        if signal_ is not None:
            signal_.connect(self.open_operator)
        printing = getattr(self.window, "print_requested", None)
        if printing is not None and mode == "kiosk":
            printing.connect(self._print_receipt)
        self._printer: Any = None
        self.demo_panel: QtWidgets.QWidget | None = None
        if env.demo and env.virtual is not None:
            from ui.demo_panel import DemoPanel

            self.demo_panel = DemoPanel(self.controller, env)

    @property
    def operator(self) -> OperatorScreen:
        """The operator screen (created on first use: it is not on the start-up path)."""
        if self._operator is None:
            from ui.operator_screen import EnvironmentOperatorBackend, OperatorScreen

            screen = OperatorScreen(
                EnvironmentOperatorBackend(self.env,
                                           speaker=getattr(self.window, "speaker", None)),
                pin_hash=self.cfg.ui.operator_pin_hash,
                controller=self.controller, demo=bool(self.env.demo),
            )
            screen.setProperty("mode", self.mode)
            screen.setWindowTitle(f"{APP_DISPLAY_NAME} — operator")
            screen.back_requested.connect(self.close_operator)
            screen.exit_requested.connect(self.quit)
            self._operator = screen
        return self._operator

    def show(self) -> None:
        """Start the session and show the window of the mode."""
        self.controller.start()
        present = getattr(self.window, "present", None)
        if self.mode == "kiosk" and callable(present):
            present(fullscreen=self.fullscreen)
        elif self.fullscreen:
            self.window.showMaximized()
        else:
            self.window.resize(*DESK_SIZE)
            self.window.show()
        if self.demo_panel is not None:
            self.demo_panel.show()

    @Slot()
    def open_operator(self) -> None:
        self.operator.lock()
        if self.mode == "kiosk" and self.fullscreen:
            self.operator.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.operator.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            self.operator.showFullScreen()
        else:
            self.operator.resize(*DESK_SIZE)
            self.operator.show()
        if QtGui.QGuiApplication.platformName() != "offscreen":  # it warns there
            self.operator.raise_()
            self.operator.activateWindow()

    @Slot()
    def close_operator(self) -> None:
        if self._operator is not None:
            self._operator.hide()
        if QtGui.QGuiApplication.platformName() != "offscreen":
            self.window.activateWindow()

    @Slot()
    def quit(self) -> None:
        """The operator left: close everything and end the event loop."""
        if self.closing:
            return
        self.closing = True
        allow = getattr(self.window, "allow_close", None)
        if callable(allow):
            allow()
        if self._operator is not None:
            self._operator.hide()
        if self.demo_panel is not None:
            self.demo_panel.close()
        self.window.close()
        self.quit_app()

    def shutdown(self) -> None:
        """Stop the controller (wipes the session), close the windows, release the environment.

        The windows are deleted before the environment closes: none may outlive what it shows.
        """
        with contextlib.suppress(Exception):
            self.controller.close()
        allow = getattr(self.window, "allow_close", None)
        if callable(allow):
            allow()
        for widget in (self.demo_panel, self._operator, self.window):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        # Closing the last window posted a Quit of its own (quitOnLastWindowClosed); the loop
        # has ended already, and a stale Quit would end the next one at once.
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            QtCore.QCoreApplication.removePostedEvents(app, QtCore.QEvent.Type.Quit)
        with contextlib.suppress(Exception):
            self.env.close()

    @Slot(object)
    def _print_receipt(self, outcome: Any) -> None:
        from ui.printing import DeskPrinter, PrintError

        try:
            if self._printer is None:
                self._printer = DeskPrinter(self.cfg.ui.printer, self.cfg.data_dir / "spool")
            title = self.env.procedure(outcome.procedure_id).title
            self._printer.print_receipt(outcome, title, site=self.env.place)
        except (PrintError, KeyError, OSError) as exc:
            _log.warning("receipt not printed: %s", getattr(exc, "code", type(exc).__name__))


@contextlib.contextmanager
def _stoppable(app: QtWidgets.QApplication, quit_: Callable[[], None], *,
               interrupt: bool) -> Iterator[None]:
    """SIGTERM (a service manager stopping the kiosk) ends the session cleanly: the citizen's
    data wiped, the outbox closed. With ``interrupt``, Ctrl+C in the terminal too (not on a
    locked-down kiosk). Python only runs between Qt events, so a timer gives it a turn."""
    signals = [signal.SIGTERM] + ([signal.SIGINT] if interrupt else [])
    previous = {sig: signal.signal(sig, lambda *_: quit_()) for sig in signals}
    timer = QtCore.QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()
    try:
        yield
    finally:
        timer.stop()
        timer.deleteLater()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(options: AppOptions, cfg: KioskConfig | None = None) -> int:
    """Run the application until the operator leaves; returns the exit status.

    Raises ``kiosk.config.ConfigError`` (the CLI prints it) when the configuration or the
    environment cannot be set up.
    """
    from kiosk.config import load_config
    from kiosk.environment import build_environment
    from kiosk.logs import setup_from_config

    cfg = cfg or load_config(options.config)
    setup_from_config(cfg)  # <data_dir>/logs/kiosk.log, rotated, scrubbed; stderr on a terminal
    mode: UiMode = options.mode or cfg.ui.mode
    app = create_application(mode)
    choose_language(options.language or cfg.ui.language)
    env = build_environment(cfg, demo=options.demo)
    fullscreen = cfg.ui.fullscreen and not options.windowed and not options.demo
    shell = Shell(cfg, env, mode=mode, fullscreen=fullscreen)
    try:
        shell.show()
        # A kiosk full screen ends only through the operator screen (or its service manager).
        with _stoppable(app, shell.quit, interrupt=mode != "kiosk" or not fullscreen):
            return int(app.exec())
    finally:
        shell.shutdown()
