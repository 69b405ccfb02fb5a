"""The operator screen: PIN with attempt limiting, the machine's state, the operator's actions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from cardreader.verify.trust_store import TrustEntry
from kiosk.config import hash_operator_pin
from kiosk.outbox.connectivity import ConnectivityStatus, State
from kiosk.outbox.store import OutboxStatus
from ui.i18n import set_language
from ui.operator_screen import (
    DEMO_PIN,
    EnvironmentOperatorBackend,
    OperatorScreen,
    OperatorStatus,
    PinGuard,
    SyncResult,
    trust_summary,
)
from ui.qt import QObject, QtCore, QtGui, QtWidgets, Signal
from ui.theme import apply_theme

PIN = "246810"
PIN_HASH = hash_operator_pin(PIN, iterations=1000)  # fast for tests; same format


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeBackend:
    def __init__(self, status: OperatorStatus) -> None:
        self.current = status
        self.retried = 0
        self.synced = 0
        self.sync_result = SyncResult(attempted=3, delivered=3, online=True)

    def status(self) -> OperatorStatus:
        return self.current

    def retry_dead(self) -> int:
        self.retried += 1
        n = self.current.outbox.dead if self.current.outbox else 0
        return n

    def sync_now(self) -> SyncResult:
        time.sleep(0.05)  # it runs off the GUI thread
        self.synced += 1
        return self.sync_result


class FakeController(QObject):
    connectivity_changed = Signal(object)


def outbox(queued: int = 2, dead: int = 1) -> OutboxStatus:
    return OutboxStatus({"queued": queued, "sending": 0, "sent": 17, "dead": dead},
                        oldest_pending_age_s=540.0, oldest_dead_age_s=3600.0,
                        next_attempt_at=None, last_error="http_500")


def healthy(**changes: object) -> OperatorStatus:
    base = OperatorStatus(
        readers=("ACS ACR1252 Dual Reader PICC 00 00", "Virtual reader 01"),
        cards_present=("ACS ACR1252 Dual Reader PICC 00 00",),
        csca_count=7, csca_expired=2, newest_master_list=date(2025, 11, 3),
        outbox=outbox(),
        connectivity=ConnectivityStatus(State.OFFLINE, 2, 1, False, "connect_error", 0.0),
        device_id="dev-8c1f2a", demo=False,
    )
    return OperatorStatus(**{**base.__dict__, **changes})


@pytest.fixture(autouse=True)
def vietnamese(qapp: QtWidgets.QApplication) -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")
    qapp.setStyleSheet("")
    qapp.setFont(QtGui.QFont())


def make(qtbot: QtBot, status: OperatorStatus | None = None, *, pin_hash: str | None = PIN_HASH,
         guard: PinGuard | None = None, demo: bool = False,
         controller: QObject | None = None) -> tuple[OperatorScreen, FakeBackend]:
    backend = FakeBackend(status or healthy())
    screen = OperatorScreen(backend, pin_hash=pin_hash, guard=guard, demo=demo,
                            controller=controller)
    screen.setProperty("mode", "kiosk")
    screen.resize(1280, 800)
    qtbot.addWidget(screen)
    screen.show()
    return screen, backend


def type_pin(qtbot: QtBot, screen: OperatorScreen, pin: str) -> None:
    for digit in pin:
        screen.keypad[digit].click()
    screen.pin_ok.click()
    qtbot.waitUntil(lambda: not screen._checking, timeout=5000)


def test_starts_locked_and_a_right_pin_opens_the_status(
        qtbot: QtBot, qapp: QtWidgets.QApplication,
        screenshot: Callable[[object, str], Path]) -> None:
    apply_theme(qapp, "kiosk")
    screen, _ = make(qtbot)
    assert not screen.is_unlocked
    assert screen.readers_text.text() == ""  # nothing shown before the PIN
    screenshot(screen, "operator_pin_kiosk_vi")
    with qtbot.waitSignal(screen.unlocked, timeout=5000):
        type_pin(qtbot, screen, PIN)
    assert screen.is_unlocked
    assert screen.pin_edit.text() == ""
    readers = screen.readers_text.text()
    assert "ACS ACR1252 Dual Reader PICC 00 00: có thẻ" in readers
    assert "Virtual reader 01: không có thẻ" in readers
    assert "7 chứng thư CSCA" in screen.trust_text.text()
    assert "trong đó 2 đã hết hạn" in screen.trust_text.text()
    assert "2025-11-03" in screen.trust_text.text()
    assert "Đang chờ gửi: 2" in screen.outbox_text.text()
    assert "Lỗi, cần xử lý: 1" in screen.outbox_text.text()
    assert "9 phút" in screen.outbox_text.text()
    assert "Mất kết nối" in screen.network_text.text()
    assert "dev-8c1f2a" in screen.device_text.text()
    assert screen.banner.isVisible()
    assert "1 hồ sơ lỗi" in screen.banner.label.text()
    assert screen.retry_button.isEnabled()
    screenshot(screen, "operator_status_kiosk_vi")
    set_language("en")
    assert "7 CSCA certificates" in screen.trust_text.text()
    assert "Queued: 2" in screen.outbox_text.text()
    qtbot.wait(50)  # the buttons' new widths reach the layout
    screenshot(screen, "operator_status_kiosk_en")


def test_counter_layout(qtbot: QtBot, qapp: QtWidgets.QApplication,
                        screenshot: Callable[[object, str], Path]) -> None:
    apply_theme(qapp, "counter")
    screen, _ = make(qtbot)
    screen.resize(1024, 640)
    type_pin(qtbot, screen, PIN)
    assert screen.is_unlocked
    screenshot(screen, "operator_status_counter_vi")


def test_wrong_pins_count_down_then_lock_out(qtbot: QtBot) -> None:
    clock = FakeClock()
    guard = PinGuard(max_attempts=3, lockout_s=30, clock=clock)
    screen, _ = make(qtbot, guard=guard)
    type_pin(qtbot, screen, "1111")
    assert not screen.is_unlocked
    assert screen.pin_message.text() == "Sai mã PIN. Còn 2 lần thử."
    type_pin(qtbot, screen, "2222")
    assert screen.pin_message.text() == "Sai mã PIN. Còn 1 lần thử."
    type_pin(qtbot, screen, "3333")
    assert screen.pin_message.text() == "Nhập sai quá nhiều lần. Thử lại sau 30 giây."
    assert not screen.pin_ok.isEnabled()
    assert not screen.keypad["5"].isEnabled()
    screen.pin_edit.setText(PIN)
    screen.submit_pin()  # locked: even the right PIN is not checked
    assert not screen._checking and not screen.is_unlocked
    clock.now += 31
    screen._tick_lockout()
    assert screen.pin_ok.isEnabled()
    assert screen.pin_message.text() == ""
    type_pin(qtbot, screen, PIN)
    assert screen.is_unlocked


def test_lockouts_double_up_to_the_cap() -> None:
    clock = FakeClock()
    guard = PinGuard(max_attempts=2, lockout_s=60, max_lockout_s=200, clock=clock)
    waits = []
    for _ in range(4):
        guard.failed()
        assert guard.locked_for() == 0
        guard.failed()
        waits.append(guard.locked_for())
        clock.now += guard.locked_for()
    assert waits == [60, 120, 200, 200]
    guard.succeeded()
    guard.failed()
    guard.failed()
    assert guard.locked_for() == 60


def test_no_pin_configured_cannot_open(qtbot: QtBot) -> None:
    screen, _ = make(qtbot, pin_hash=None)
    assert not screen.pin_ok.isEnabled()
    assert "kiosk pin-hash" in screen.pin_message.text()
    screen.pin_edit.setText("1234")
    screen.submit_pin()
    assert not screen.is_unlocked


def test_demo_has_a_known_pin(qtbot: QtBot) -> None:
    screen, _ = make(qtbot, pin_hash=None, demo=True)
    assert DEMO_PIN in screen.pin_hint.text()
    type_pin(qtbot, screen, DEMO_PIN)
    assert screen.is_unlocked


def test_a_malformed_hash_is_reported(qtbot: QtBot) -> None:
    screen, _ = make(qtbot, pin_hash="md5$abc")
    type_pin(qtbot, screen, "1234")
    assert not screen.is_unlocked
    assert screen.pin_message.text() == "Mã băm PIN trong cấu hình không hợp lệ."


def test_keypad_edits_and_back_relocks(qtbot: QtBot) -> None:
    screen, _ = make(qtbot)
    for key in "123":
        screen.keypad[key].click()
    screen.keypad["back"].click()
    assert screen.pin_edit.text() == "12"
    screen.keypad["clear"].click()
    assert screen.pin_edit.text() == ""
    type_pin(qtbot, screen, PIN)
    with qtbot.waitSignal(screen.back_requested):
        screen.back_button.click()
    assert not screen.is_unlocked
    assert screen.readers_text.text() != ""  # the figures are not personal; the page is hidden


def test_retry_dead_and_sync_now(qtbot: QtBot) -> None:
    screen, backend = make(qtbot)
    type_pin(qtbot, screen, PIN)
    screen.retry_button.click()
    assert backend.retried == 1
    assert screen.action_text.text() == "Đã đưa 1 hồ sơ lỗi trở lại hàng đợi."
    screen.sync_button.click()
    assert not screen.sync_button.isEnabled()
    assert screen.action_text.text() == "Đang gửi…"
    qtbot.waitUntil(lambda: screen.sync_button.isEnabled(), timeout=5000)
    assert backend.synced == 1
    assert screen.action_text.text() == "Đã gửi 3 / 3 hồ sơ đến hạn."
    backend.sync_result = SyncResult(attempted=2, delivered=0, online=False)
    screen.sync_button.click()
    qtbot.waitUntil(lambda: screen.sync_button.isEnabled(), timeout=5000)
    assert "hồ sơ vẫn nằm an toàn" in screen.action_text.text()


def test_retry_is_disabled_without_dead_submissions(qtbot: QtBot) -> None:
    screen, _ = make(qtbot, healthy(outbox=outbox(dead=0)))
    type_pin(qtbot, screen, PIN)
    assert not screen.retry_button.isEnabled()


def test_leaving_the_kiosk_takes_two_presses(qtbot: QtBot) -> None:
    screen, _ = make(qtbot)
    type_pin(qtbot, screen, PIN)
    with qtbot.assertNotEmitted(screen.exit_requested):
        screen.exit_button.click()
    assert screen.exit_button.text() == "Nhấn lần nữa để thoát"
    screen._exit_timer.timeout.emit()  # the confirmation window passes
    assert screen.exit_button.text() == "Thoát ứng dụng"
    screen.exit_button.click()
    with qtbot.waitSignal(screen.exit_requested):
        screen.exit_button.click()


def test_idle_status_page_locks_itself(qtbot: QtBot) -> None:
    screen, _ = make(qtbot)
    screen._idle_timer.setInterval(100)
    type_pin(qtbot, screen, PIN)
    assert screen.is_unlocked
    with qtbot.waitSignal(screen.back_requested, timeout=3000):
        pass
    assert not screen.is_unlocked


def test_hiding_the_screen_locks_it(qtbot: QtBot) -> None:
    screen, _ = make(qtbot)
    type_pin(qtbot, screen, PIN)
    screen.hide()
    assert not screen.is_unlocked


def test_failure_states_are_named(qtbot: QtBot, qapp: QtWidgets.QApplication,
                                  screenshot: Callable[[object, str], Path]) -> None:
    apply_theme(qapp, "counter")
    status = healthy(
        readers=(), cards_present=(), csca_count=0, csca_expired=0, newest_master_list=None,
        outbox=None, outbox_error="outbox_locked",
        connectivity=ConnectivityStatus(State.ONLINE, 4, 0, True, "http_403:unknown_device",
                                        0.0),
    )
    screen, _ = make(qtbot, status)
    type_pin(qtbot, screen, PIN)
    assert "Không có đầu đọc thẻ nào" in screen.readers_text.text()
    assert screen.readers_text.property("severity") == "error"
    assert "0 chứng thư CSCA" in screen.trust_text.text()
    assert "Chưa nhập danh sách chủ" in screen.trust_text.text()
    assert "outbox_locked" in screen.outbox_text.text()
    assert "kiosk enroll" in screen.device_text.text()
    assert not screen.retry_button.isEnabled()
    screenshot(screen, "operator_status_failures_counter_vi")


@pytest.mark.parametrize(("speech", "engine", "text", "severity"), [
    ("off", "", "Giọng đọc: tắt", None),
    ("on", "speechd", "Giọng đọc: bật (speechd)", None),
    ("no_voice", "", "không có giọng tiếng Việt", "warning"),
])
def test_spoken_prompts_state_is_shown(qtbot: QtBot, speech: str, engine: str, text: str,
                                       severity: str | None) -> None:
    online = ConnectivityStatus(State.ONLINE, 0, 0, False, None, 0.0)
    screen, _ = make(qtbot, healthy(speech=speech, speech_engine=engine, connectivity=online))
    type_pin(qtbot, screen, PIN)
    assert text in screen.device_text.text()
    assert screen.device_text.property("severity") == severity


def test_connectivity_signal_updates_the_page(qtbot: QtBot) -> None:
    controller = FakeController()
    screen, _ = make(qtbot, controller=controller)
    type_pin(qtbot, screen, PIN)
    controller.connectivity_changed.emit(ConnectivityStatus(State.ONLINE, 0, 1, False, None, 0.0))
    assert "Có kết nối" in screen.network_text.text()
    assert screen.status is not None and screen.status.connectivity is not None
    assert screen.status.connectivity.online


def entry(source: str, not_after: str = "2040-01-01T00:00:00+00:00") -> TrustEntry:
    return TrustEntry(kind="certificate", fingerprint="00", country="VN", subject="CN=CSCA",
                      subject_der="", ski=None, aki=None, not_before="2020-01-01T00:00:00+00:00",
                      not_after=not_after, source=source, verified=True)


class FakeTrust:
    def __init__(self, entries: list[TrustEntry]) -> None:
        self._entries = entries

    def entries(self, country: str | None = None, kind: str | None = None) -> list[TrustEntry]:
        return [e for e in self._entries if kind is None or e.kind == kind]


def test_trust_summary_counts_and_finds_the_newest_master_list() -> None:
    trust = FakeTrust([
        entry("master list ICAO_ml_2024.ml signed 2024-06-01, verified against CN=X"),
        entry("master list DE_ML.ml signed 2025-02-10 (signature NOT verified against an "
              "anchor)"),
        entry("file csca_vn.pem", not_after="2021-01-01T00:00:00+00:00"),
    ])
    assert trust_summary(trust) == (3, 1, date(2025, 2, 10))
    assert trust_summary(FakeTrust([])) == (0, 0, None)


def test_environment_backend_reads_the_application(tmp_path: Path) -> None:
    class Outbox:
        def status(self) -> OutboxStatus:
            return outbox(queued=5, dead=2)

        def retry_dead(self) -> int:
            return 2

    class Backend:
        def readers(self) -> list[str]:
            return ["R1", "R2"]

        def card_present(self, reader: str) -> bool:
            return reader == "R2"

    conn = ConnectivityStatus(State.ONLINE, 5, 2, False, None, 0.0)
    report = SimpleNamespace(attempted=4, delivered=4, reached_server=True)
    env = SimpleNamespace(
        backend=Backend(), trust=FakeTrust([entry("file a.pem")]), demo=True,
        runtime=SimpleNamespace(
            outbox=Outbox(), device_key=SimpleNamespace(device_id="dev-1"),
            connectivity=SimpleNamespace(status=lambda: conn, check=lambda: State.ONLINE),
            worker=SimpleNamespace(run_once=lambda: report),
        ),
    )
    backend = EnvironmentOperatorBackend(env)
    assert backend.status().speech == "off"  # no window speaker: nothing to say
    backend.speaker = SimpleNamespace(enabled=True, available=False, engine="")
    assert backend.status().speech == "no_voice"
    backend.speaker = SimpleNamespace(enabled=True, available=True, engine="speechd")
    st = backend.status()
    assert (st.speech, st.speech_engine) == ("on", "speechd")
    assert st.readers == ("R1", "R2") and st.cards_present == ("R2",)
    assert st.csca_count == 1 and st.outbox is not None and st.outbox.queued == 5
    assert st.device_id == "dev-1" and st.demo
    assert backend.retry_dead() == 2
    assert backend.sync_now() == SyncResult(4, 4, True)
    env.trust = None  # a broken trust source is reported, not raised
    assert backend.status().trust_error == "AttributeError"


MOMENT = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


def test_connectivity_time_is_vietnam_time_with_its_zone(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The machine's clock may be set to UTC; the operator sees Vietnam time, as the history
    does, and the zone is stated (2023-11-14 22:13:20 UTC is 05:13:20 in Hà Nội)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        controller = FakeController()
        screen, _ = make(qtbot, controller=controller)
        type_pin(qtbot, screen, PIN)
        controller.connectivity_changed.emit(
            ConnectivityStatus(State.ONLINE, 0, 1, False, None, MOMENT)
        )
        text = screen.network_text.text()
        assert "05:13:20" in text and "22:13:20" not in text
        assert "UTC+07:00" in text
    finally:
        monkeypatch.undo()
        time.tzset()


def test_clock_texts_use_the_kiosk_zone() -> None:
    from ui.clock import clock_text, zone_text

    assert clock_text(MOMENT) == "05:13:20"
    assert zone_text(MOMENT) == "UTC+07:00"
    assert clock_text(MOMENT, "UTC") == "22:13:20" and zone_text(MOMENT, "UTC") == "UTC+00:00"
    assert zone_text(0.0) == "UTC+08:00"  # Saigon's zone in 1970: the offset of that moment


def test_pin_page_fits_a_1280x720_kiosk(
    qtbot: QtBot, qapp: QtWidgets.QApplication, screenshot: Callable[[object, str], Path]
) -> None:
    """In kiosk type the PIN page grew the screen to 836 px: on a 1280x720 kiosk its buttons
    were off the screen. Now the window keeps the display's size and the keypad, OK and Back
    are in sight; a wrong PIN's message still fits."""
    apply_theme(qapp, "kiosk")  # the autouse fixture resets the style afterwards
    screen, _ = make(qtbot, demo=True)
    screen.resize(1280, 720)
    QtWidgets.QApplication.processEvents()
    assert screen.minimumSizeHint().height() <= 720
    type_pin(qtbot, screen, "9999")
    assert screen.pin_message.isVisible() and screen.pin_message.text()
    QtWidgets.QApplication.processEvents()
    assert screen.height() <= 720
    for widget in (screen.keypad["0"], screen.pin_ok, screen.pin_message):
        top_left = widget.mapTo(screen, QtCore.QPoint(0, 0))
        assert screen.rect().contains(QtCore.QRect(top_left, widget.size())), widget
    screenshot(screen, "operator-pin-1280x720")
