"""The controller offline (saved, then delivered when the intake server returns), the idle wipe
(nothing of the citizen left in the controller), and the clinic's stops."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cardreader.emulator.chip import ChipConfig
from kiosk.config import KioskConfig
from kiosk.environment import AppEnvironment, build_environment, demo_qr_text
from kiosk.outbox.connectivity import ConnectivityStatus, State
from kiosk.readers import VirtualBackend
from kiosk.session import Failure, Phase, SubmitOutcome
from tests.ui.test_controller import TIMEOUT_MS, make_controller, phase_of
from ui.controller import IDLE_WARNING_S, SessionController

NAME = "NGUYỄN VĂN THỬ"
ID_NUMBER = "001099012345"


@dataclass
class Clock:
    now: float = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def backend() -> VirtualBackend:
    return VirtualBackend(link=None)


@pytest.fixture
def env(tmp_path: Path, backend: VirtualBackend) -> Iterator[AppEnvironment]:
    environment = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=backend)
    yield environment
    environment.close()


def read_card(qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()


def fill_ct01(qtbot: QtBot, ctrl: SessionController) -> None:
    ctrl.choose_procedure("ct01")
    ctrl.set_answer("request", "Xin xác nhận thông tin cư trú.")
    assert ctrl.review()


def test_offline_submission_is_saved_then_delivered_when_the_server_returns(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = SessionController(env, mode="kiosk", idle_timeout_s=None, receipt_wait_s=1.0)
    net: list[ConnectivityStatus] = []
    ctrl.connectivity_changed.connect(net.append)
    ctrl.start()
    try:
        read_card(qtbot, ctrl, backend)
        fill_ct01(qtbot, ctrl)
        env.set_network(False)
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as saved:
            ctrl.submit()
        outcome: SubmitOutcome = saved.args[0]
        assert not outcome.sent and outcome.receipt == "" and outcome.reference
        assert phase_of(ctrl) is Phase.DONE
        qtbot.waitUntil(lambda: bool(net) and net[-1].state is State.OFFLINE, timeout=TIMEOUT_MS)
        assert net[-1].queue_depth >= 1
        with qtbot.waitSignal(ctrl.delivery_updated, timeout=TIMEOUT_MS) as later:
            env.set_network(True)
        delivered: SubmitOutcome = later.args[0]
        assert delivered.sent and delivered.receipt
        assert delivered.queued_id == outcome.queued_id
        assert ctrl.session.outcome is not None and ctrl.session.outcome.sent
        qtbot.waitUntil(lambda: net[-1].state is State.ONLINE, timeout=TIMEOUT_MS)
    finally:
        ctrl.close()


def test_delivery_after_the_wipe_still_reports_the_receipt(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = SessionController(env, mode="counter", idle_timeout_s=None, receipt_wait_s=0.2)
    ctrl.start()
    try:
        read_card(qtbot, ctrl, backend)
        fill_ct01(qtbot, ctrl)
        env.set_network(False)
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS):
            ctrl.submit()
        ctrl.end_session()
        with qtbot.waitSignal(ctrl.delivery_updated, timeout=TIMEOUT_MS) as later:
            env.set_network(True)
        assert later.args[0].sent and later.args[0].extra is None
        assert phase_of(ctrl) is Phase.IDLE
    finally:
        ctrl.close()


def _holds(obj: object, needles: tuple[str, ...], seen: set[int], depth: int = 0) -> list[str]:
    """Paths inside ``obj`` (attributes, containers) to a string containing a needle."""
    if id(obj) in seen or depth > 8:
        return []
    seen.add(id(obj))
    if isinstance(obj, AppEnvironment):
        return []  # the site's setup (the demo gateway knows fake cards), not the session
    if isinstance(obj, str):
        return ["<str>"] if any(n in obj for n in needles) else []
    if isinstance(obj, bytes | bytearray):
        return ["<bytes>"] if any(n.encode() in obj for n in needles) else []
    found: list[str] = []
    items: list[tuple[str, object]] = []
    if isinstance(obj, dict):
        items = [(f"[{k!r}]", v) for k, v in obj.items()] + [(f"key {k!r}", k) for k in obj]
    elif isinstance(obj, list | tuple | set | frozenset):
        items = [(f"[{i}]", v) for i, v in enumerate(obj)]
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        items = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    elif hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in ("kiosk", "ui"):
        items = list(vars(obj).items())
    for name, value in items:
        found += [f"{name}.{p}" for p in _holds(value, needles, seen, depth + 1)]
    return found


def test_idle_timeout_warns_then_wipes_everything(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    clock = Clock()
    ctrl = SessionController(env, mode="kiosk", idle_timeout_s=60, clock=clock)
    ctrl.start()
    warnings: list[int] = []
    ctrl.idle_warning.connect(warnings.append)
    try:
        read_card(qtbot, ctrl, backend)
        fill_ct01(qtbot, ctrl)
        before = _holds(ctrl, (NAME, ID_NUMBER), set())
        assert before, "the test must see the citizen's data before the wipe"

        clock.now += 60 - IDLE_WARNING_S + 0.5  # 14.5 s left
        qtbot.waitUntil(lambda: warnings[-1:] == [15], timeout=TIMEOUT_MS)
        ctrl.user_activity()  # a touch cancels the countdown
        assert warnings[-1] == 0 and phase_of(ctrl) is Phase.REVIEW

        clock.now += 50  # 10 s left
        qtbot.waitUntil(lambda: warnings[-1:] == [10], timeout=TIMEOUT_MS)
        clock.now += 10.5
        with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
            pass
        assert phase_of(ctrl) is Phase.IDLE and not ctrl.session.has_personal_data
        gc.collect()
        assert _holds(ctrl, (NAME, ID_NUMBER), set()) == []
        # Nothing more happens while idle without data.
        count = len(warnings)
        clock.now += 1000
        qtbot.wait(600)
        assert len(warnings) == count and phase_of(ctrl) is Phase.IDLE
    finally:
        ctrl.close()


def test_no_idle_wipe_without_a_timeout(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    clock = Clock()
    ctrl = SessionController(env, mode="counter", idle_timeout_s=None, clock=clock)
    ctrl.start()
    try:
        read_card(qtbot, ctrl, backend)
        clock.now += 10_000
        qtbot.wait(600)
        assert phase_of(ctrl) is Phase.VERDICT
    finally:
        ctrl.close()


def test_clinic_stops_on_a_cloned_card_until_acknowledged(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = make_controller(qtbot, env, mode="clinic")
    try:
        submitted: list[object] = []
        ctrl.submitted.connect(submitted.append)
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
            backend.place(backend.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
        info = failed.args[0]
        assert info.kind is Failure.CLONE_SUSPECTED and info.code == "clone_suspected"
        assert not info.retryable and submitted == []
        with qtbot.waitSignal(ctrl.wiped):
            ctrl.retry()  # the receptionist acknowledges
        assert phase_of(ctrl) is Phase.IDLE
    finally:
        ctrl.close()


def test_clinic_next_patient_starts_a_new_session(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = make_controller(qtbot, env, mode="clinic")
    try:
        tickets: list[str] = []
        ctrl.submitted.connect(lambda o: tickets.append(o.ticket))
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS):
            backend.place()
        assert phase_of(ctrl) is Phase.CHECKED_IN
        backend.remove()
        with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
            ctrl.provide_qr_text(demo_qr_text())  # the next patient's QR code
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS):
            backend.place()
        assert len(tickets) == 2 and tickets[0] != tickets[1]
    finally:
        ctrl.close()


class NotAnIdCard:
    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

    def process(self, apdu: bytes) -> bytes:
        return bytes.fromhex("6A82")


def test_wrong_card_then_the_right_one(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = make_controller(qtbot, env)
    try:
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
            backend.place(NotAnIdCard())
        assert failed.args[0].kind is Failure.NOT_CCCD
        backend.remove()
        with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
            backend.place()  # the ID card this time: read by itself
    finally:
        ctrl.close()


def test_reader_unplugged_during_the_read(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    from cardreader.emulator.vpcd import LinkModel

    backend.link = LinkModel(latency=0.01)
    ctrl = make_controller(qtbot, env)
    try:
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.read_progress, timeout=TIMEOUT_MS):
            backend.place()
        with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
            backend.unplug()
        assert failed.args[0].kind is Failure.NO_READER
        assert phase_of(ctrl) is Phase.FAILURE
        with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
            backend.replug()
        assert phase_of(ctrl) is Phase.IDLE
    finally:
        ctrl.close()


@pytest.mark.pcsc
def test_kiosk_flow_through_pcscd(qtbot: QtBot, tmp_path: Path, pcsc_stack: object) -> None:
    """QR code, then the demo card on a real PC/SC stack (pcscd + vpcd slot 1) → verdict."""
    from cardreader.emulator.fake_card import demo_card_dir
    from cardreader.emulator.from_dump import chip_from_dump
    from cardreader.emulator.vpcd import VirtualCard
    from cardreader.transport.monitor import CardEvent
    from kiosk.readers import PcscBackend
    from tests.kiosk.test_readers import SLOT, SLOT_PORT, wait_slot_empty

    class OneSlot(PcscBackend):
        """Only vpcd slot 1: other tests may use slot 0 at the same time."""

        def start(self, on_event: object) -> None:
            def only(event: CardEvent) -> None:
                if event.reader == SLOT:
                    on_event(event)  # type: ignore[operator]

            super().start(only)

    wait_slot_empty()
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=OneSlot())
    ctrl = SessionController(env, mode="kiosk", idle_timeout_s=None)
    card = VirtualCard(chip_from_dump(demo_card_dir(), ChipConfig(max_le=0xDF)), port=SLOT_PORT)
    try:
        with qtbot.waitSignal(ctrl.readers_changed, timeout=TIMEOUT_MS):
            ctrl.start()
        ctrl.provide_qr_text(demo_qr_text())
        assert phase_of(ctrl) is Phase.WAIT_CARD
        with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS) as got:
            card.insert()
        assert got.args[0].verdict == "genuine" and ctrl.session.reader == SLOT
        with qtbot.waitSignal(ctrl.form_changed):
            ctrl.choose_procedure("ct01")
        assert ctrl.session.form is not None and ctrl.session.form.field("full_name").verified
        with qtbot.waitSignal(ctrl.card_removed, timeout=TIMEOUT_MS):
            card.remove()
        assert phase_of(ctrl) is Phase.FORM  # the citizen took the card back; the form stays
    finally:
        card.remove()
        ctrl.close()
        env.close()
