"""Connectivity, detected rather than assumed: online/offline and the queue depth.

The state comes from two sources: the outcome of real deliveries (reported by the sync worker)
and a cheap health probe of the intake server (``GET /v1/health``) when there is nothing to
send. Observers (the UI banner, later wired to Qt signals) subscribe to changes; there is no Qt
here. Callbacks run on the thread that caused the change and must not block.
"""

from __future__ import annotations

import contextlib
import enum
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx

from kiosk.outbox.store import Outbox


class State(enum.Enum):
    UNKNOWN = "unknown"
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True)
class ConnectivityStatus:
    state: State
    queue_depth: int
    dead: int
    #: The server answered but refused our signature (device not enrolled, clock skew).
    auth_problem: bool
    last_error: str | None
    since: float

    @property
    def online(self) -> bool:
        return self.state is State.ONLINE

    def to_dict(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "queue_depth": self.queue_depth,
            "dead": self.dead,
            "auth_problem": self.auth_problem,
            "last_error": self.last_error,
            "since": round(self.since, 3),
        }


Observer = Callable[[ConnectivityStatus], None]
Probe = Callable[[], bool]


def http_probe(
    base_url: str, *, timeout_s: float = 3.0, verify: bool | str | ssl.SSLContext = True
) -> Probe:
    """A probe that is True when ``GET {base_url}/v1/health`` answers 200."""
    url = base_url.rstrip("/") + "/v1/health"
    context = ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify

    def probe() -> bool:
        try:
            response = httpx.get(url, timeout=timeout_s, verify=context)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    return probe


class Connectivity:
    """Tracks online/offline and the outbox depth; notifies observers on every change."""

    def __init__(
        self,
        outbox: Outbox | None = None,
        *,
        probe: Probe | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._outbox = outbox
        self._probe = probe
        self._clock = clock
        self._lock = threading.Lock()
        self._observers: list[Observer] = []
        self._status = ConnectivityStatus(State.UNKNOWN, 0, 0, False, None, clock())
        self.last_probe_at: float | None = None
        if outbox is not None:
            self.refresh_queue()
            outbox.subscribe(self.refresh_queue)

    def status(self) -> ConnectivityStatus:
        with self._lock:
            return self._status

    @property
    def state(self) -> State:
        return self.status().state

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(status)`` on every change; returns an unsubscribe function."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def _update(self, **changes: object) -> None:
        with self._lock:
            old = self._status
            new = replace(old, **changes)  # type: ignore[arg-type]
            if new.state is not old.state:
                new = replace(new, since=self._clock())
            if new == old:
                return
            self._status = new
            observers = list(self._observers)
        for observer in observers:
            # A broken observer must not stop the sync worker.
            with contextlib.suppress(Exception):
                observer(new)

    def report_success(self) -> None:
        self._update(state=State.ONLINE, auth_problem=False, last_error=None)

    def report_auth_failure(self, error: str) -> None:
        """The server is reachable but refused the device's signature."""
        self._update(state=State.ONLINE, auth_problem=True, last_error=error)

    def report_failure(self, error: str) -> None:
        """The server could not be reached or failed (connection error, timeout, 5xx)."""
        self._update(state=State.OFFLINE, last_error=error)

    def refresh_queue(self) -> None:
        if self._outbox is None:
            return
        try:
            depth, dead = self._outbox.pending_counts()
        except Exception:  # closed outbox during shutdown: keep the last known figures
            return
        self._update(queue_depth=depth, dead=dead)

    def check(self) -> State:
        """Run the health probe now (if any) and update the state."""
        if self._probe is None:
            return self.state
        self.last_probe_at = self._clock()
        if self._probe():
            self._update(state=State.ONLINE, last_error=None)
        else:
            self._update(state=State.OFFLINE, last_error="health_probe_failed")
        return self.state
