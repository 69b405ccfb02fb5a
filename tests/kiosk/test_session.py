"""The session: phase transitions (legal and illegal), the wipe, idle time, no data in repr."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pytest

from cardreader.access import ChipKeys
from kiosk.procedures import fill_form, load_procedures
from kiosk.procedures.filling import FilledForm
from kiosk.record import CitizenRecord
from kiosk.session import (
    TRANSITIONS,
    Failure,
    FailureInfo,
    IllegalTransitionError,
    Phase,
    Session,
    SubmitOutcome,
)
from tests.kiosk.fake_citizens import THU_NAME, chip_citizen, qr_mapping

KEYS = ChipKeys("012345", ())


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def record() -> CitizenRecord:
    return CitizenRecord.from_chip(chip_citizen(), verified=True)


def form(rec: CitizenRecord | None = None) -> FilledForm:
    return fill_form(load_procedures()["ct01"], rec or record(), {}, today=date(2026, 11, 23))


def verdict() -> object:
    class V:  # what the session stores; a CardVerdict in the application
        verdict = "genuine"

    return V()


def outcome(ticket: str = "") -> SubmitOutcome:
    return SubmitOutcome("residence.ct01", "ct01", "ABCD1234", False, "", 7, ticket=ticket)


def read_session() -> Session:
    s = Session()
    s.keys_known(KEYS, card_present=False, qr_record=CitizenRecord.from_qr(qr_mapping()))
    s.card_placed("reader 0")
    s.read_done(record(), verdict(), b"\x89PNG face")  # type: ignore[arg-type]
    return s


def test_qr_then_card_then_the_whole_kiosk_flow() -> None:
    s = Session()
    assert s.phase is Phase.IDLE and not s.has_personal_data
    assert s.keys_known(KEYS, card_present=False) is Phase.WAIT_CARD
    assert s.card_placed("reader 0") is Phase.READING
    s.text_read(record())
    assert s.read_done(record(), verdict(), b"png") is Phase.VERDICT  # type: ignore[arg-type]
    assert s.proceed() is Phase.CHOOSE
    assert s.choose("ct01", form()) is Phase.FORM
    s.answer("request", "Xác nhận cư trú", form())
    assert s.answers == {"request": "Xác nhận cư trú"}
    s.answer("request", "", form())  # clearing an answer forgets it
    assert s.answers == {}
    assert s.review() is Phase.REVIEW
    assert s.back() is Phase.FORM
    assert s.review() is Phase.REVIEW
    assert s.submitting() is Phase.SUBMITTING
    assert s.submitted(outcome()) is Phase.DONE
    s.delivered(outcome())
    s.wipe()
    assert s.phase is Phase.IDLE and not s.has_personal_data


def test_card_first_asks_for_keys_then_reads() -> None:
    s = Session()
    assert s.card_placed("r") is Phase.NEED_KEYS
    assert s.keys_known(KEYS, card_present=True) is Phase.READING
    assert s.reader == "r"


def test_clinic_goes_from_verdict_to_checked_in() -> None:
    s = read_session()
    assert s.submitting() is Phase.SUBMITTING
    assert s.submitted(outcome(ticket="A-001")) is Phase.CHECKED_IN


def test_without_chip_uses_the_qr_record_unverified() -> None:
    s = Session()
    qr = CitizenRecord.from_qr(qr_mapping())
    s.keys_known(KEYS, card_present=False, qr_record=qr)
    assert s.without_chip() is Phase.CHOOSE
    assert s.record is qr and s.verdict is None
    # Back from CHOOSE has no verdict to return to.
    with pytest.raises(IllegalTransitionError):
        s.back()


def test_without_chip_needs_a_qr_code() -> None:
    s = Session()
    s.card_placed("r")
    with pytest.raises(IllegalTransitionError, match="no QR code"):
        s.without_chip()


@pytest.mark.parametrize(
    ("action", "phase"),
    [
        (lambda s: s.text_read(record()), Phase.IDLE),
        (lambda s: s.read_done(record(), verdict(), None), Phase.IDLE),
        (lambda s: s.proceed(), Phase.IDLE),
        (lambda s: s.review(), Phase.IDLE),
        (lambda s: s.submitting(), Phase.IDLE),
        (lambda s: s.submitted(outcome()), Phase.IDLE),
        (lambda s: s.delivered(outcome()), Phase.IDLE),
        (lambda s: s.choose("ct01", form()), Phase.IDLE),
        (lambda s: s.answer("x", "y", form()), Phase.IDLE),
        (lambda s: s.back(), Phase.IDLE),
        (lambda s: s.retry_read(), Phase.IDLE),
    ],
)
def test_illegal_steps_raise_a_typed_error(action: object, phase: Phase) -> None:
    s = Session()
    with pytest.raises(IllegalTransitionError) as caught:
        action(s)  # type: ignore[operator]
    assert caught.value.code == "illegal_transition" and caught.value.phase is phase
    assert s.phase is phase  # nothing changed


def test_no_new_card_or_keys_once_the_data_is_read() -> None:
    s = read_session()
    with pytest.raises(IllegalTransitionError):
        s.card_placed("r")
    with pytest.raises(IllegalTransitionError):
        s.keys_known(KEYS, card_present=True)


def test_done_accepts_only_the_wipe() -> None:
    s = read_session()
    s.proceed()
    s.choose("ct01", form())
    s.review()
    s.submitting()
    s.submitted(outcome())
    for step in (s.review, s.submitting, s.proceed, s.back):
        with pytest.raises(IllegalTransitionError):
            step()
    assert s.phase is Phase.DONE


def test_failure_remembers_where_it_came_from_and_retry_reads_again() -> None:
    s = Session()
    s.keys_known(KEYS, card_present=True)
    assert s.phase is Phase.READING
    info = FailureInfo(Failure.CARD_REMOVED, "card_removed")
    assert s.fail(info) is Phase.FAILURE
    assert s.failure == info and s.failed_from is Phase.READING
    assert s.retry_read() is Phase.READING and s.failure is None


def test_wait_again_after_a_failure() -> None:
    s = Session()
    s.fail(FailureInfo(Failure.NO_READER, "reader_gone"))
    assert s.wait_again(card_present=True) is Phase.NEED_KEYS
    s.keys_known(KEYS, card_present=False)
    s.fail(FailureInfo(Failure.CARD_REMOVED, "card_removed"))
    assert s.wait_again(card_present=False) is Phase.WAIT_CARD


def test_retry_without_keys_is_refused() -> None:
    s = Session()
    s.fail(FailureInfo(Failure.READ_ERROR, "x"))
    with pytest.raises(IllegalTransitionError, match="without keys"):
        s.retry_read()


def test_choosing_another_procedure_forgets_the_answers() -> None:
    s = read_session()
    s.choose("ct01", form())
    s.answer("request", "Xin xác nhận", form())
    s.back()
    s.choose("ct01", form())
    assert s.answers == {"request": "Xin xác nhận"}  # same procedure: kept
    s.back()
    s.choose("luu_tru", form())
    assert s.answers == {}


def test_submit_refused_returns_to_the_review() -> None:
    s = read_session()
    s.choose("ct01", form())
    s.review()
    s.submitting()
    assert s.submit_refused() is Phase.REVIEW


def test_wipe_forgets_every_personal_value_from_any_phase() -> None:
    for stop in range(6):
        s = read_session()
        steps: list[Callable[[], object]] = [
            s.proceed,
            partial(s.choose, "ct01", form()),
            partial(s.answer, "request", THU_NAME, form()),
            s.review,
            s.submitting,
            partial(s.submitted, outcome()),
        ]
        for step in steps[:stop]:
            step()
        assert s.has_personal_data
        s.wipe()
        assert s.phase is Phase.IDLE and not s.has_personal_data
        held = [v for k, v in vars(s).items() if not k.startswith("_") and k != "phase"]
        assert all(v in (None, {}, False, s.last_activity) for v in held), held
        assert THU_NAME not in repr(vars(s))


def test_repr_never_shows_personal_data() -> None:
    s = read_session()
    s.proceed()
    s.choose("ct01", form())
    s.answer("request", THU_NAME, form())
    text = repr(s)
    assert THU_NAME not in text and "001099012345" not in text
    assert text.startswith("Session(form;") and "record" in text and "face" in text


def test_idle_time_follows_the_injected_clock() -> None:
    clock = Clock()
    s = Session(clock=clock)
    clock.now += 12.5
    assert s.idle_for() == 12.5
    assert s.idle_for(clock.now + 1) == 13.5
    s.touch()
    assert s.idle_for() == 0.0
    assert s.idle_for(clock.now - 5) == 0.0  # never negative
    clock.now += 3
    s.keys_known(KEYS, card_present=False)  # a step counts as activity
    assert s.idle_for() == 0.0
    clock.now += 4
    s.wipe()
    assert s.idle_for() == 0.0


def test_transition_table_is_closed() -> None:
    assert set(TRANSITIONS) == set(Phase)
    for targets in TRANSITIONS.values():
        assert Phase.IDLE not in targets  # only the wipe goes back to IDLE
