"""The demo panel: each button does one thing to the virtual world, and follows what the reader
reports (a card can also leave by itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import KioskConfig
from kiosk.environment import build_environment
from kiosk.readers import VirtualBackend
from kiosk.session import Failure, Phase
from ui.controller import SessionController
from ui.demo_panel import OTHER_PERSON_QR, DemoPanel
from ui.qt import QObject, Signal

TIMEOUT_MS = 15_000

# The panel is an always-on-top tool window; the offscreen platform cannot raise windows.
pytestmark = pytest.mark.qt_log_ignore("does not support raise")

QR = "001099012345|012345678|Nguyễn Văn Thử|17051999|Nam|Số 1 Ngõ Mẫu, Hà Nội|15032023"


class FakeController(QObject):
    card_inserted = Signal(str)
    card_removed = Signal(str)
    readers_changed = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.qr_texts: list[str] = []
        self.activity = 0

    def provide_qr_text(self, text: str) -> None:
        self.qr_texts.append(text)

    def user_activity(self) -> None:
        self.activity += 1


class FakeWorld:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def place(self) -> None:
        self.calls.append("place")

    def remove(self) -> None:
        self.calls.append("remove")

    def unplug(self) -> None:
        self.calls.append("unplug")

    def replug(self) -> None:
        self.calls.append("replug")



class FakeEnvironment:
    def __init__(self, network: bool) -> None:
        self.virtual = FakeWorld()
        self.calls = self.virtual.calls
        self.services = object() if network else None

    def set_network(self, online: bool) -> None:
        self.calls.append("online" if online else "offline")


def _panel(
    qtbot: QtBot, network: bool = True
) -> tuple[DemoPanel, FakeController, FakeEnvironment]:
    controller, world = FakeController(), FakeEnvironment(network)
    panel = DemoPanel(controller, world, qr_text=QR)
    qtbot.addWidget(panel)
    panel.show()
    return panel, controller, world


def test_place_and_remove_the_card(
    qtbot: QtBot, screenshot: Callable[[object, str], Path]
) -> None:
    panel, controller, world = _panel(qtbot)
    screenshot(panel, "demo_panel-idle")
    assert panel.place_button.isEnabled() and not panel.remove_button.isEnabled()
    panel.place_button.click()
    assert world.calls == ["place"] and panel.card_on_reader
    assert not panel.place_button.isEnabled() and panel.remove_button.isEnabled()
    assert "trên đầu đọc" in panel.status.text()
    screenshot(panel, "demo_panel-card")
    panel.remove_button.click()
    assert world.calls == ["place", "remove"] and not panel.card_on_reader
    assert controller.activity == 2  # touching the panel counts as activity at the kiosk


def test_qr_buttons_give_the_scanner_text(qtbot: QtBot) -> None:
    panel, controller, _ = _panel(qtbot)
    panel.qr_button.click()
    panel.other_qr_button.click()
    assert controller.qr_texts == [QR, OTHER_PERSON_QR]
    assert OTHER_PERSON_QR.split("|")[0] != QR.split("|")[0]


def test_unplug_disables_the_card_until_replugged(qtbot: QtBot) -> None:
    panel, _, world = _panel(qtbot)
    panel.place_button.click()
    panel.unplug_button.click()
    assert world.calls == ["place", "unplug"]
    controller = panel._controller
    assert isinstance(controller, FakeController)
    controller.readers_changed.emit([])  # what the backend then reports
    assert not panel.place_button.isEnabled() and not panel.remove_button.isEnabled()
    assert panel.replug_button.isEnabled() and not panel.unplug_button.isEnabled()
    assert not panel.card_on_reader and "đã rút" in panel.status.text()
    panel.replug_button.click()
    assert world.calls[-1] == "replug" and panel.plugged and panel.place_button.isEnabled()


def test_reader_events_are_followed(qtbot: QtBot) -> None:
    panel, controller, _ = _panel(qtbot)
    controller.card_inserted.emit("Virtual")
    assert panel.card_on_reader and panel.remove_button.isEnabled()
    controller.card_removed.emit("Virtual")
    assert not panel.card_on_reader and panel.place_button.isEnabled()


def test_network_switch(qtbot: QtBot) -> None:
    panel, _, world = _panel(qtbot)
    assert panel.offline_button.isEnabled() and not panel.online_button.isEnabled()
    panel.offline_button.click()
    assert world.calls == ["offline"] and not panel.online
    assert "mất mạng" in panel.status.text()
    assert panel.online_button.isEnabled() and not panel.offline_button.isEnabled()
    panel.online_button.click()
    assert world.calls == ["offline", "online"] and panel.online


def test_without_a_network_switch_the_buttons_are_off(qtbot: QtBot) -> None:
    panel, _, world = _panel(qtbot, network=False)
    assert not panel.offline_button.isEnabled() and not panel.online_button.isEnabled()
    panel.offline_button.click()
    assert world.calls == []


def test_buttons_never_take_the_focus(qtbot: QtBot) -> None:
    panel, _, _ = _panel(qtbot)
    for button in (panel.place_button, panel.qr_button, panel.unplug_button):
        assert button.focusPolicy() == button.focusPolicy().NoFocus


# --- with the real demo environment and controller --------------------------------------------


@pytest.fixture
def demo(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[DemoPanel, SessionController]]:
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True,
                            backend=VirtualBackend(link=None))  # fmt: skip
    controller = SessionController(env, mode="kiosk", idle_timeout_s=None)
    panel = DemoPanel(controller, env)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(controller.readers_changed, timeout=TIMEOUT_MS):
        controller.start()
    yield panel, controller
    controller.close()
    env.close()


def test_the_panel_drives_the_real_session(
    qtbot: QtBot, demo: tuple[DemoPanel, SessionController]
) -> None:
    panel, controller = demo
    with qtbot.waitSignal(controller.card_inserted, timeout=TIMEOUT_MS):
        panel.place_button.click()
    qtbot.waitUntil(lambda: controller.session.phase is Phase.NEED_KEYS, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(controller.verdict_ready, timeout=TIMEOUT_MS) as got:
        panel.qr_button.click()  # the demo card's own QR: the chip opens, the data is genuine
    assert got.args[0].verdict == "genuine"
    with qtbot.waitSignal(controller.wiped, timeout=TIMEOUT_MS):
        controller.end_session()
    with qtbot.waitSignal(controller.card_removed, timeout=TIMEOUT_MS):
        panel.remove_button.click()
    assert not panel.card_on_reader and panel.place_button.isEnabled()


def test_another_persons_qr_gives_wrong_keys(
    qtbot: QtBot, demo: tuple[DemoPanel, SessionController]
) -> None:
    panel, controller = demo
    panel.other_qr_button.click()
    assert controller.session.phase is Phase.WAIT_CARD
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT_MS) as failed:
        panel.place_button.click()
    assert failed.args[0].kind is Failure.WRONG_KEYS


def test_unplug_fails_and_replug_recovers(
    qtbot: QtBot, demo: tuple[DemoPanel, SessionController]
) -> None:
    panel, controller = demo
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT_MS) as failed:
        panel.unplug_button.click()
    assert failed.args[0].kind is Failure.NO_READER
    assert not panel.plugged and not panel.place_button.isEnabled()
    with qtbot.waitSignal(controller.readers_changed, timeout=TIMEOUT_MS):
        panel.replug_button.click()
    qtbot.waitUntil(lambda: controller.session.phase is Phase.IDLE, timeout=TIMEOUT_MS)
    assert panel.place_button.isEnabled()


def test_offline_and_back_online(qtbot: QtBot, demo: tuple[DemoPanel, SessionController]) -> None:
    panel, controller = demo
    services = controller.env.services
    assert services is not None and services.online
    panel.offline_button.click()
    assert not services.online
    with httpx.Client() as client, pytest.raises(httpx.ConnectError):
        client.get(services.intake_url + "/", timeout=2)
    panel.online_button.click()
    assert services.online
    with httpx.Client() as client:
        assert client.get(services.intake_url + "/", timeout=5).status_code < 500
