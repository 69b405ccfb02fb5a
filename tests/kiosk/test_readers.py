"""Reader backends: the virtual reader's events and failures, and PC/SC through pcscd + vpcd."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import pytest

from cardreader.emulator.chip import ChipConfig
from cardreader.emulator.fake_card import CSCA_PEM, demo_card_dir
from cardreader.emulator.from_dump import chip_from_dump
from cardreader.emulator.vpcd import LinkModel, VirtualCard
from cardreader.errors import CardRemovedError, NoCardError, NoReaderError, ReaderGoneError
from cardreader.transport.monitor import CardEvent
from cardreader.verify.trust_store import load_trust_sources
from kiosk.card_flow import classify, keys_from_qr_text, read_and_verify
from kiosk.environment import demo_qr_text
from kiosk.readers import VIRTUAL_READER, PcscBackend, ReaderBackend, VirtualBackend
from kiosk.session import Failure

R = VIRTUAL_READER


class Events:
    """Collects events with the thread they arrived on."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[CardEvent, str]] = queue.Queue()

    def __call__(self, event: CardEvent) -> None:
        self.queue.put((event, threading.current_thread().name))

    def next(self, timeout: float = 10.0) -> CardEvent:
        return self.queue.get(timeout=timeout)[0]

    def take(self, n: int) -> list[tuple[str, str]]:
        return [(e.kind, e.reader) for e in (self.next() for _ in range(n))]

    def wait_for(self, kind: str, reader: str, timeout: float = 15.0) -> CardEvent:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.01, deadline - time.monotonic()))
            if (event.kind, event.reader) == (kind, reader):
                return event

    def empty_after(self, seconds: float) -> bool:
        time.sleep(seconds)
        return self.queue.empty()


@pytest.fixture
def virtual() -> Iterator[tuple[VirtualBackend, Events]]:
    backend = VirtualBackend(link=None)
    events = Events()
    backend.start(events)
    yield backend, events
    backend.stop()


def test_both_backends_satisfy_the_protocol() -> None:
    assert isinstance(VirtualBackend(), ReaderBackend)
    assert isinstance(PcscBackend(), ReaderBackend)


def test_virtual_events_follow_the_card(virtual: tuple[VirtualBackend, Events]) -> None:
    backend, events = virtual
    assert events.take(1) == [("reader_added", R)]
    assert backend.readers() == [R] and not backend.card_present(R)
    assert backend.place()
    inserted = events.next()
    assert (inserted.kind, inserted.reader) == ("card_inserted", R) and inserted.atr
    assert backend.card_present(R)
    assert not backend.place()  # one card at a time
    assert backend.remove() and not backend.remove()
    assert events.take(1) == [("card_removed", R)]
    backend.place()
    assert backend.unplug()
    assert events.take(3) == [("card_inserted", R), ("card_removed", R), ("reader_removed", R)]
    assert backend.readers() == [] and not backend.card_present(R)
    assert not backend.place() and not backend.unplug()
    assert backend.replug() and not backend.replug()
    assert events.take(1) == [("reader_added", R)]
    assert not backend.card_present(R)  # the card went with the reader


def test_virtual_events_arrive_on_a_background_thread(
    virtual: tuple[VirtualBackend, Events],
) -> None:
    backend, events = virtual
    backend.place()
    names = {events.queue.get(timeout=5)[1] for _ in range(2)}
    assert names == {"virtual-reader-events"}


def test_no_event_after_stop() -> None:
    backend = VirtualBackend(link=None)
    events = Events()
    backend.start(events)
    events.next()
    backend.stop()
    backend.place()
    backend.remove()
    assert events.empty_after(0.2)


def test_a_card_already_there_at_start_is_announced() -> None:
    backend = VirtualBackend(link=None)
    backend.place()
    events = Events()
    backend.start(events)
    try:
        assert events.take(2) == [("reader_added", R), ("card_inserted", R)]
    finally:
        backend.stop()


def test_virtual_read_errors(virtual: tuple[VirtualBackend, Events]) -> None:
    backend, _ = virtual
    keys = keys_from_qr_text(demo_qr_text()).keys
    with pytest.raises(NoCardError):
        backend.read(R, keys)
    with pytest.raises(NoReaderError):
        backend.read("another reader", keys)
    backend.unplug()
    with pytest.raises(NoReaderError):
        backend.read(R, keys)


@pytest.mark.parametrize("action", ["remove", "unplug"])
def test_pulling_the_card_or_the_reader_mid_read(action: str) -> None:
    backend = VirtualBackend(link=LinkModel(latency=0.01))
    backend.place()
    keys = keys_from_qr_text(demo_qr_text()).keys
    started = threading.Event()

    def progress(*_: object) -> None:
        started.set()

    timer = threading.Thread(target=lambda: started.wait(5) and getattr(backend, action)())
    timer.start()
    expected = CardRemovedError if action == "remove" else ReaderGoneError
    with pytest.raises(expected) as caught:
        backend.read(R, keys, on_progress=progress)
    timer.join()
    kind = classify(caught.value).kind
    assert kind is (Failure.CARD_REMOVED if action == "remove" else Failure.NO_READER)


def test_remove_after_takes_the_card_away_by_itself(
    virtual: tuple[VirtualBackend, Events],
) -> None:
    backend, events = virtual
    events.next()
    backend.place(remove_after=12)
    keys = keys_from_qr_text(demo_qr_text()).keys
    with pytest.raises(CardRemovedError):
        backend.read(R, keys)
    assert events.take(2) == [("card_inserted", R), ("card_removed", R)]
    backend.place()
    result = backend.read(R, keys)  # a new card reads normally
    assert result.files and backend.reads == 2


def test_the_demo_link_makes_progress_visible() -> None:
    backend = VirtualBackend()  # the default, realistic link
    backend.place()
    start = time.perf_counter()
    backend.read(R, keys_from_qr_text(demo_qr_text()).keys)
    elapsed = time.perf_counter() - start
    assert 0.2 < elapsed < 5.0


# --- PC/SC through pcscd and vpcd ----------------------------------------------------------------

# Slot 1 of the vpcd driver (port 35964), so that other end-to-end tests using slot 0 do not
# disturb these.
SLOT = "Virtual PCD 00 01"
SLOT_PORT = 35964


def wait_slot_empty(timeout: float = 10.0) -> None:
    """pcscd may report a card lifted a moment ago: start each test from an empty slot."""
    from cardreader.transport.pcsc import PcscContext

    deadline = time.monotonic() + timeout
    with PcscContext() as ctx:
        while SLOT in ctx.readers() and ctx.card_present(SLOT):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{SLOT} still reports a card")
            time.sleep(0.05)


@pytest.fixture
def pcsc(pcsc_stack: object) -> Iterator[tuple[PcscBackend, Events]]:
    wait_slot_empty()
    backend = PcscBackend(poll_ms=200)
    events = Events()
    backend.start(events)
    events.wait_for("reader_added", SLOT)
    yield backend, events
    backend.stop()


def _demo_chip() -> object:
    return chip_from_dump(demo_card_dir(), ChipConfig(max_le=0xDF))


@pytest.mark.pcsc
def test_pcsc_backend_sees_insert_read_remove(pcsc: tuple[PcscBackend, Events]) -> None:
    backend, events = pcsc
    assert SLOT in backend.readers()
    card = VirtualCard(_demo_chip(), port=SLOT_PORT)  # type: ignore[arg-type]
    card.insert()
    try:
        inserted = events.wait_for("card_inserted", SLOT)
        assert inserted.atr and backend.card_present(SLOT)
        trust = load_trust_sources([demo_card_dir() / CSCA_PEM])
        qr = keys_from_qr_text(demo_qr_text())
        out = read_and_verify(backend, SLOT, qr.keys, trust, qr_record=qr.record)
        assert out.verdict.verdict == "genuine" and out.verified and out.face_png
    finally:
        card.remove()
    events.wait_for("card_removed", SLOT)
    assert not backend.card_present(SLOT)


@pytest.mark.pcsc
def test_pcsc_card_removed_mid_read(pcsc: tuple[PcscBackend, Events]) -> None:
    backend, events = pcsc
    card = VirtualCard(_demo_chip(), port=SLOT_PORT, remove_after=25)  # type: ignore[arg-type]
    card.insert()
    try:
        events.wait_for("card_inserted", SLOT)
        with pytest.raises(Exception) as caught:
            backend.read(SLOT, keys_from_qr_text(demo_qr_text()).keys)
    finally:
        card.remove()
    info = classify(caught.value)
    assert info.kind is Failure.CARD_REMOVED, (type(caught.value), info)
    events.wait_for("card_removed", SLOT)
