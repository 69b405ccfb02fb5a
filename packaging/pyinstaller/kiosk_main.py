"""Entry point of the bundled ``kiosk`` executable (PyInstaller runs this file as ``__main__``).

It is ``kiosk.cli.main`` with one addition for packaging/build_bundle.py: when the environment
variable ``CCCD_KIOSK_STARTUP_PROBE`` is set, the application runs as usual (``kiosk --demo
--mode kiosk`` for the measurement) but prints ``painted <CLOCK_MONOTONIC seconds>`` when the
first window is first painted, then quits. That is how start-up time is measured from the
bundle itself (bootloader, frozen imports, Qt plugins from the bundle), the same figure
bench/ui.py measures from the virtual environment. Without the variable nothing changes.
"""

from __future__ import annotations

import os
import sys
import time


def _install_startup_probe() -> None:
    from ui import app as ui_app
    from ui.qt import QObject, QtCore, QtWidgets

    create = ui_app.create_application
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
            if (event.type() == QtCore.QEvent.Type.Paint and not painted
                    and isinstance(watched, QtWidgets.QWidget) and watched.isWindow()):
                painted.append(time.monotonic())
                print(f"painted {painted[0]!r}", flush=True)
                QtCore.QTimer.singleShot(0, lambda: QtCore.QCoreApplication.exit(0))
            return False

    spy = FirstPaint()

    def create_and_watch(*args: object, **kwargs: object) -> object:
        application = create(*args, **kwargs)  # type: ignore[arg-type]
        application.installEventFilter(spy)
        QtCore.QTimer.singleShot(30_000, lambda: QtCore.QCoreApplication.exit(3))  # never hang
        return application

    ui_app.create_application = create_and_watch  # type: ignore[assignment]


def _main() -> int:
    if os.environ.get("CCCD_KIOSK_STARTUP_PROBE"):
        _install_startup_probe()
    from kiosk.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
