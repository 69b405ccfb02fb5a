"""The application through the real PC/SC stack: a real pcscd with the vpcd driver, the chip
emulator plugged in as a virtual card (``cardreader.emulator.vpcd.VirtualCard``), the
application's PcscBackend, the session controller and the kiosk window.

Card inserted with the keys from the QR code → read → verdict "genuine" → the pre-filled form
with the chip's fields locked; a card pulled out mid-read → the failure screen → put back, the
read starts again by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cardreader.emulator.chip import ChipConfig, ChipEmulator
from cardreader.emulator.fake_card import DEMO_CITIZEN, demo_card_dir
from cardreader.emulator.from_dump import chip_from_dump
from cardreader.emulator.vpcd import VirtualCard
from kiosk.config import KioskConfig
from kiosk.environment import build_environment, demo_qr_text
from kiosk.readers import PcscBackend
from kiosk.session import Failure, Phase
from tests.pcsc_helpers import READER, inserted, wait_card
from ui.controller import SessionController
from ui.windows.kiosk_window import KioskWindow

pytestmark = pytest.mark.pcsc

TIMEOUT_MS = 30_000
Shot = Callable[[object, str], Path]


def demo_chip() -> ChipEmulator:
    return chip_from_dump(demo_card_dir(), ChipConfig(max_le=0xDF))


@pytest.fixture
def kiosk(
    qtbot: QtBot, tmp_path: Path, pcsc_stack: object
) -> Iterator[tuple[SessionController, KioskWindow]]:
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=PcscBackend())
    controller = SessionController(env, mode="kiosk", idle_timeout_s=None)
    window = KioskWindow(controller, env)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    controller.start()
    qtbot.waitUntil(lambda: READER in controller.readers(), timeout=TIMEOUT_MS)
    yield controller, window
    controller.close()
    window.allow_close()
    env.close()


def test_card_on_the_reader_to_the_prefilled_form(
    qtbot: QtBot, kiosk: tuple[SessionController, KioskWindow], screenshot: Shot
) -> None:
    controller, window = kiosk
    controller.provide_qr_text(demo_qr_text())
    assert controller.session.phase is Phase.WAIT_CARD
    assert window.current_screen() is window.wait_card

    with inserted(demo_chip()), qtbot.waitSignal(
        controller.verdict_ready, timeout=TIMEOUT_MS
    ) as got:
        pass
    verdict = got.args[0]
    assert verdict.verdict == "genuine" and verdict.chip_verified
    assert controller.session.reader == READER  # read through pcscd, not the virtual reader
    assert window.current_screen() is window.verdict and window.verdict.verdict == "genuine"
    screenshot(window, "e2e_pcsc-verdict")

    window.verdict.continue_button.click()
    assert controller.session.phase is Phase.CHOOSE
    with qtbot.waitSignal(controller.form_changed, timeout=TIMEOUT_MS) as formed:
        window.procedures.card("ct01").click()
    form = formed.args[0]
    for field_id, value in (
        ("full_name", DEMO_CITIZEN.full_name),
        ("id_number", DEMO_CITIZEN.id_number),
        ("date_of_birth", DEMO_CITIZEN.date_of_birth.strftime("%d/%m/%Y")),
    ):
        filled = form.field(field_id)
        assert filled.read_only and filled.verified and filled.source == "chip"
        assert filled.display == value
    assert window.current_screen() is window.form
    view = window.form.view
    assert {"full_name", "id_number"} <= set(view.locked_fields())
    assert "request" in view.asked_fields() and "full_name" not in view.asked_fields()
    assert DEMO_CITIZEN.full_name in view.shown_texts()
    screenshot(window, "e2e_pcsc-form")


def test_card_pulled_mid_read_then_put_back(
    qtbot: QtBot, kiosk: tuple[SessionController, KioskWindow], screenshot: Shot
) -> None:
    controller, window = kiosk
    controller.provide_qr_text(demo_qr_text())
    pulled = VirtualCard(demo_chip(), remove_after=25)  # leaves the field during DG2
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT_MS) as failed:
        pulled.insert()
    pulled.remove()
    wait_card(False)
    info = failed.args[0]
    assert info.kind is Failure.CARD_REMOVED and info.retryable
    qtbot.waitUntil(lambda: window.current_screen() is window.failure, timeout=TIMEOUT_MS)
    assert window.failure.failure == info
    screenshot(window, "e2e_pcsc-failure_card_removed")

    with inserted(demo_chip()), qtbot.waitSignal(
        controller.verdict_ready, timeout=TIMEOUT_MS
    ) as got:
        pass  # put back: the read starts again by itself (the keys are still known)
    assert got.args[0].verdict == "genuine"
    assert window.current_screen() is window.verdict
    screenshot(window, "e2e_pcsc-recovered")
