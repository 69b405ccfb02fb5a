from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real pcscd with the vpcd driver: started for this run unless one is already up."""
    from cardreader.emulator.pcscd import PcscdStack

    log = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
    stack = PcscdStack(log_path=log)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def shared_trust() -> Path:
    """The real ICAO master lists in ../shared/trust (never copied into the repo)."""
    here = Path(__file__).resolve().parent.parent
    path = here.parent / "shared" / "trust"
    if not path.is_dir():
        raise RuntimeError(f"{path} is missing: the real trust data must sit beside the repo")
    return path
