"""The session controller on the virtual reader: the whole kiosk flow, failures, clinic, idle.

Real widgets are not needed here: the controller is driven as the screens drive it and its
signals are awaited with qtbot. The demo environment runs the real reference intake server and
the fake BHYT gateway on loopback (fake citizen only).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cardreader.emulator.chip import ChipConfig
from kiosk.config import KioskConfig
from kiosk.environment import AppEnvironment, build_environment, demo_qr_text
from kiosk.readers import VIRTUAL_READER, VirtualBackend
from kiosk.session import Failure, FailureInfo, Phase, ReadProgress, SubmitOutcome
from ui.controller import SessionController
from ui.qt import QtGui

TIMEOUT_MS = 15_000


@pytest.fixture
def backend() -> VirtualBackend:
    return VirtualBackend(link=None)


@pytest.fixture
def env(tmp_path: Path, backend: VirtualBackend) -> Iterator[AppEnvironment]:
    environment = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=backend)
    yield environment
    environment.close()


def make_controller(
    qtbot: QtBot, env: AppEnvironment, mode: str = "kiosk", idle: float | None = None
) -> SessionController:
    ctrl = SessionController(env, mode=mode, idle_timeout_s=idle)
    with qtbot.waitSignal(ctrl.readers_changed, timeout=TIMEOUT_MS) as blocker:
        ctrl.start()
    assert blocker.args == [[VIRTUAL_READER]]
    return ctrl


@pytest.fixture
def ctrl(qtbot: QtBot, env: AppEnvironment) -> Iterator[SessionController]:
    controller = make_controller(qtbot, env)
    yield controller
    controller.close()


def phase_of(ctrl: SessionController) -> Phase:
    return ctrl.session.phase  # a call: mypy must not narrow the attribute across steps


def phases(ctrl: SessionController) -> list[str]:
    seen: list[str] = []
    ctrl.phase_changed.connect(seen.append)
    return seen


def test_kiosk_flow_qr_then_card_to_sent_receipt(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    seen = phases(ctrl)
    progress: list[ReadProgress] = []
    ctrl.read_progress.connect(progress.append)
    texts: list[object] = []
    ctrl.text_ready.connect(texts.append)

    faces: list[QtGui.QImage] = []
    ctrl.face_ready.connect(faces.append)

    ctrl.provide_qr_text(demo_qr_text())
    assert phase_of(ctrl) is Phase.WAIT_CARD
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS) as got:
        backend.place()
    (face,), verdict = faces, got.args[0]
    assert isinstance(face, QtGui.QImage) and not face.isNull() and face.width() > 50
    assert verdict.verdict == "genuine" and verdict.chip_verified
    assert seen == ["wait_card", "reading", "verdict"]
    assert progress and progress[-1].done == progress[-1].total
    assert len(texts) == 1  # the text groups, before the verdict
    record = ctrl.session.record
    assert record is not None and record.value("full_name") == "NGUYỄN VĂN THỬ"
    field = record.get("full_name")
    assert field is not None and field.verified

    ctrl.proceed()
    assert phase_of(ctrl) is Phase.CHOOSE
    assert ctrl.procedures()[0].id == "ct01"
    with qtbot.waitSignal(ctrl.form_changed) as formed:
        ctrl.choose_procedure("ct01")
    form = formed.args[0]
    assert form.field("full_name").read_only and form.field("full_name").verified
    assert not form.is_valid and set(form.errors) == {"request"}
    assert ctrl.review() is False  # still a required field missing
    assert phase_of(ctrl) is Phase.FORM
    with qtbot.waitSignal(ctrl.form_changed) as refilled:
        ctrl.set_answer("request", "Xin xác nhận thông tin cư trú để làm hồ sơ.")
    assert refilled.args[0].is_valid
    with qtbot.waitSignal(ctrl.form_changed):
        ctrl.set_answer("full_name", "TÊN KHÁC")  # a verified field: the answer is ignored
    assert ctrl.session.form is not None
    assert ctrl.session.form.field("full_name").value == "NGUYỄN VĂN THỬ"
    assert "full_name" not in ctrl.session.answers
    assert ctrl.review() is True and phase_of(ctrl) is Phase.REVIEW

    with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as sent:
        ctrl.submit()
    outcome: SubmitOutcome = sent.args[0]
    assert outcome.sent and outcome.receipt and outcome.procedure_id == "ct01"
    assert len(outcome.reference) == 8
    assert phase_of(ctrl) is Phase.DONE
    assert "NGUYỄN" not in repr(outcome) and "NGUYỄN" not in repr(ctrl.session)

    with qtbot.waitSignal(ctrl.wiped):
        ctrl.end_session()
    assert phase_of(ctrl) is Phase.IDLE and not ctrl.session.has_personal_data


def test_card_first_then_qr(qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend) -> None:
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    assert phase_of(ctrl) is Phase.NEED_KEYS
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        ctrl.provide_qr_text(demo_qr_text())
    assert phase_of(ctrl) is Phase.VERDICT


def test_typed_id_and_birth_date_open_the_chip(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    import datetime

    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        ctrl.provide_id_and_birth("001099012345", datetime.date(1999, 5, 17))
    assert phase_of(ctrl) is Phase.VERDICT


def test_card_removed_mid_read_fails_then_reinsert_retries(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
        backend.place(remove_after=20)
    info: FailureInfo = failed.args[0]
    assert info.kind is Failure.CARD_REMOVED and info.retryable
    assert phase_of(ctrl) is Phase.FAILURE
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()  # put back: the read starts again by itself
    assert phase_of(ctrl) is Phase.VERDICT


def test_card_removed_after_the_read_keeps_the_session(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        backend.place()
    with qtbot.waitSignal(ctrl.card_removed, timeout=TIMEOUT_MS):
        backend.remove()
    assert phase_of(ctrl) is Phase.VERDICT and ctrl.session.record is not None


def test_wrong_keys(qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend) -> None:
    import datetime

    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
        ctrl.provide_id_and_birth("001099012345", datetime.date(1999, 5, 18))
    assert failed.args[0].kind is Failure.WRONG_KEYS
    # Retry with the same (wrong) keys is pointless: the card is there, so ask for keys again.
    ctrl.retry()
    assert phase_of(ctrl) is Phase.NEED_KEYS and ctrl.session.keys is None
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        ctrl.provide_qr_text(demo_qr_text())


def test_invalid_qr_text(qtbot: QtBot, ctrl: SessionController) -> None:
    with qtbot.waitSignal(ctrl.failed) as failed:
        ctrl.provide_qr_text("https://example.com/not-a-card")
    assert failed.args[0].kind is Failure.QR_INVALID
    ctrl.retry()
    assert phase_of(ctrl) is Phase.IDLE


def test_a_card_placed_on_the_bad_qr_screen_asks_for_keys(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    ctrl.provide_qr_text("not a card QR")
    assert phase_of(ctrl) is Phase.FAILURE
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place()
    assert phase_of(ctrl) is Phase.NEED_KEYS
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS):
        ctrl.provide_qr_text(demo_qr_text())


def test_reader_unplugged_and_replugged(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
        backend.unplug()
    assert failed.args[0].kind is Failure.NO_READER
    assert ctrl.readers() == []
    with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
        backend.replug()
    assert phase_of(ctrl) is Phase.IDLE and ctrl.readers() == [VIRTUAL_READER]


def test_cloned_chip_gives_clone_verdict(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS) as got:
        backend.place(backend.demo_chip(ChipConfig(max_le=0xDF, cloned=True)))
    assert got.args[0].verdict == "clone_suspected"
    record = ctrl.session.record
    assert record is not None
    name = record.get("full_name")
    assert name is not None and not name.verified  # shown, but never locked as verified


def test_continue_without_chip(qtbot: QtBot, ctrl: SessionController) -> None:
    ctrl.provide_qr_text(demo_qr_text())
    ctrl.continue_without_chip()
    assert phase_of(ctrl) is Phase.CHOOSE
    with qtbot.waitSignal(ctrl.form_changed) as formed:
        ctrl.choose_procedure("ct01")
    form = formed.args[0]
    assert not form.field("full_name").verified and not form.field("full_name").read_only


def test_clinic_checks_in_automatically(
    qtbot: QtBot, env: AppEnvironment, backend: VirtualBackend
) -> None:
    ctrl = make_controller(qtbot, env, mode="clinic")
    try:
        ctrl.provide_qr_text(demo_qr_text())
        with qtbot.waitSignal(ctrl.submitted, timeout=TIMEOUT_MS) as sent:
            backend.place()
        outcome: SubmitOutcome = sent.args[0]
        assert outcome.ticket.startswith("A-") and outcome.procedure_id == "bhyt_checkin"
        assert phase_of(ctrl) is Phase.CHECKED_IN
        assert outcome.extra is not None and outcome.extra.card is not None
        with qtbot.waitSignal(ctrl.delivery_updated, timeout=TIMEOUT_MS) as later:
            pass
        assert later.args[0].sent and later.args[0].receipt
    finally:
        ctrl.close()


def test_starting_without_a_reader_says_so_until_one_is_plugged_in(
    qtbot: QtBot, tmp_path: Path
) -> None:
    backend = VirtualBackend(link=None, plugged=False)
    env = build_environment(KioskConfig.defaults(tmp_path), demo=True, backend=backend)
    ctrl = SessionController(env, mode="kiosk", idle_timeout_s=None, no_reader_after_s=0.2)
    try:
        with qtbot.waitSignal(ctrl.failed, timeout=TIMEOUT_MS) as failed:
            ctrl.start()
        assert failed.args[0].kind is Failure.NO_READER and ctrl.readers() == []
        with qtbot.waitSignal(ctrl.wiped, timeout=TIMEOUT_MS):
            backend.replug()
        assert phase_of(ctrl) is Phase.IDLE and ctrl.readers() == [VIRTUAL_READER]
    finally:
        ctrl.close()
        env.close()


def test_emitting_from_python_does_not_drain_the_refcount_of_true(qtbot: QtBot) -> None:
    """PySide6 6.12.0 + CPython 3.11: every emit() dropped a reference to True, and CPython
    aborted after a few thousand (bool_dealloc). ui.pyside_workarounds compensates;
    this guards it."""
    import sys

    import ui.pyside_workarounds
    from ui.qt import QObject, Signal

    class Source(QObject):
        changed = Signal(object)

    source = Source()
    got: list[int] = []
    source.changed.connect(got.append)
    before = sys.getrefcount(True)
    for i in range(20_000):
        source.changed.emit(i)
    assert len(got) == 20_000
    assert abs(sys.getrefcount(True) - before) < 100, ui.pyside_workarounds.EMIT_PATCHED


def test_the_can_opens_a_pace_chip(
    qtbot: QtBot, ctrl: SessionController, backend: VirtualBackend
) -> None:
    with qtbot.waitSignal(ctrl.card_inserted, timeout=TIMEOUT_MS):
        backend.place(backend.demo_chip(ChipConfig(max_le=0xDF, pace="accept")))
    with qtbot.waitSignal(ctrl.verdict_ready, timeout=TIMEOUT_MS) as got:
        ctrl.provide_can("012345")
    assert got.args[0].verdict == "genuine"
    assert ctrl.session.record is not None and ctrl.session.qr_record is None


def test_a_malformed_can_is_a_key_failure(qtbot: QtBot, ctrl: SessionController) -> None:
    with qtbot.waitSignal(ctrl.failed) as failed:
        ctrl.provide_can("12ab")
    assert failed.args[0].kind is Failure.WRONG_KEYS and failed.args[0].code == "invalid_input"


def test_callbacks_from_qt_do_not_drain_none_until_the_interpreter_aborts() -> None:
    """PySide6 6.12.0 + CPython 3.11: every Python callable that C++ calls (slots, overrides
    such as QRunnable.run, QTimer.singleShot callbacks) dropped a reference to None; a busy
    application aborted ("none_dealloc"). ui.pyside_workarounds makes None/True/False
    immortal as 3.12 does. A separate process runs far more such calls than None has references."""
    import subprocess
    import sys

    probe = (
        "import sys, ui.pyside_workarounds\n"
        "from PySide6 import QtCore\n"
        "class J(QtCore.QRunnable):\n"
        "    def run(self): pass\n"
        "pool = QtCore.QThreadPool()\n"
        "for _ in range(50_000): pool.start(J())\n"
        "pool.waitForDone()\n"
        "print('alive', ui.pyside_workarounds.SINGLETONS_IMMORTAL)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                         text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                      "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().startswith("alive")
