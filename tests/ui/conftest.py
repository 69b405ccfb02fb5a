"""Qt tests run real widgets offscreen; screenshots go to out/screenshots/tests/ to look at."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import
os.environ.setdefault("QT_SCALE_FACTOR", "1")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def gc_on_the_gui_thread(qapp: object) -> Iterator[None]:
    """As the application does (ui.app): cycles holding Qt objects are collected on the GUI
    thread only, never by a worker thread that happens to allocate (a random segfault)."""
    from ui.gc_guard import install

    collector = install(qapp)  # type: ignore[arg-type]
    yield
    collector.stop()


SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "out" / "screenshots" / "tests"


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """``screenshot(widget, "name")`` saves the widget as PNG and returns the path."""

    def save(widget: object, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        pixmap = widget.grab()  # type: ignore[attr-defined]
        assert not pixmap.isNull(), f"{name}: nothing rendered"
        assert pixmap.save(str(path)), f"{name}: cannot save {path}"
        return path

    return save
