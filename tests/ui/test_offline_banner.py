"""The offline banner: hidden when all is well, counts and causes in plain words otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.outbox.connectivity import ConnectivityStatus, State
from ui.i18n import set_language
from ui.qt import QObject, QtWidgets, Signal
from ui.theme import apply_theme
from ui.widgets.offline_banner import OfflineBanner, auth_problem_kind


class FakeController(QObject):
    connectivity_changed = Signal(object)


def status(state: State, depth: int = 0, dead: int = 0, *, auth: bool = False,
           error: str | None = None) -> ConnectivityStatus:
    return ConnectivityStatus(state, depth, dead, auth, error, 0.0)


@pytest.fixture(autouse=True)
def vietnamese(qapp: QtWidgets.QApplication) -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def banner(qtbot: QtBot) -> tuple[FakeController, OfflineBanner, QtWidgets.QWidget]:
    controller = FakeController()
    host = QtWidgets.QWidget()
    host.setProperty("mode", "kiosk")
    layout = QtWidgets.QVBoxLayout(host)
    widget = OfflineBanner(controller, host)
    layout.addWidget(widget)
    layout.addWidget(QtWidgets.QLabel("Nội dung màn hình", host))
    host.resize(1024, 160)
    qtbot.addWidget(host)
    host.show()
    return controller, widget, host


def test_hidden_until_told_and_when_online_with_empty_queue(banner: tuple[
        FakeController, OfflineBanner, QtWidgets.QWidget]) -> None:
    controller, widget, _ = banner
    assert not widget.isVisible()
    controller.connectivity_changed.emit(status(State.ONLINE))
    assert not widget.isVisible()
    assert widget.severity == ""
    controller.connectivity_changed.emit(status(State.UNKNOWN))
    assert not widget.isVisible()


def test_offline_shows_the_queue_depth(
    banner: tuple[FakeController, OfflineBanner, QtWidgets.QWidget],
    screenshot: Callable[[object, str], Path],
) -> None:
    controller, widget, host = banner
    apply_theme(QtWidgets.QApplication.instance(), "kiosk")  # type: ignore[arg-type]
    controller.connectivity_changed.emit(status(State.OFFLINE, depth=3))
    assert widget.isVisible()
    assert widget.label.text() == "Mất kết nối — 3 hồ sơ đang chờ gửi"
    assert widget.severity == "warning"
    screenshot(host, "offline_banner_offline_vi")
    set_language("en")
    assert widget.label.text() == "Offline — 3 submissions waiting to be sent"
    screenshot(host, "offline_banner_offline_en")
    controller.connectivity_changed.emit(status(State.OFFLINE, depth=1))
    assert widget.label.text() == "Offline — 1 submission waiting to be sent"


def test_offline_with_nothing_queued_still_says_offline(
        banner: tuple[FakeController, OfflineBanner, QtWidgets.QWidget]) -> None:
    controller, widget, _ = banner
    controller.connectivity_changed.emit(status(State.OFFLINE))
    assert widget.isVisible()
    assert widget.label.text().startswith("Mất kết nối")


def test_back_online_hides_again_once_the_queue_drains(
        banner: tuple[FakeController, OfflineBanner, QtWidgets.QWidget]) -> None:
    controller, widget, _ = banner
    controller.connectivity_changed.emit(status(State.OFFLINE, depth=2))
    assert widget.isVisible()
    controller.connectivity_changed.emit(status(State.ONLINE, depth=2))
    assert widget.isVisible()
    assert widget.severity == "info"
    assert widget.label.text() == "Đang gửi 2 hồ sơ…"
    controller.connectivity_changed.emit(status(State.ONLINE, depth=0))
    assert not widget.isVisible()


@pytest.mark.parametrize(("error", "kind", "text"), [
    ("http_403:unknown_device", "enrolment", "Thiết bị chưa được đăng ký"),
    ("http_401:stale_timestamp", "clock", "Đồng hồ của máy sai"),
    ("http_401:bad_signature", "auth", "Máy chủ từ chối chữ ký"),
    ("http_403", "auth", "Máy chủ từ chối chữ ký"),
])
def test_auth_problems_are_named(
    banner: tuple[FakeController, OfflineBanner, QtWidgets.QWidget],
    screenshot: Callable[[object, str], Path], error: str, kind: str, text: str,
) -> None:
    controller, widget, host = banner
    st = status(State.ONLINE, depth=4, auth=True, error=error)
    assert auth_problem_kind(st) == kind
    controller.connectivity_changed.emit(st)
    assert widget.isVisible()
    assert widget.severity == "error"
    assert widget.label.text().startswith(text)
    assert "4 hồ sơ đang chờ gửi" in widget.label.text()
    if kind == "enrolment":
        apply_theme(QtWidgets.QApplication.instance(), "kiosk")  # type: ignore[arg-type]
        screenshot(host, "offline_banner_not_enrolled_vi")


def test_dead_submissions_only_in_the_operator_view(qtbot: QtBot) -> None:
    controller = FakeController()
    citizen = OfflineBanner(controller)
    operator = OfflineBanner(controller, show_dead=True)
    qtbot.addWidget(citizen)
    qtbot.addWidget(operator)
    citizen.show()
    operator.show()
    controller.connectivity_changed.emit(status(State.ONLINE, depth=0, dead=2))
    assert not citizen.isVisible()
    assert operator.isVisible()
    assert operator.label.text() == "2 hồ sơ lỗi cần người vận hành xử lý"
    assert operator.severity == "warning"


def test_initial_status_is_shown_without_a_signal(qtbot: QtBot) -> None:
    widget = OfflineBanner(None, status=status(State.OFFLINE, depth=5))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.isVisible()
    assert "5" in widget.label.text()
