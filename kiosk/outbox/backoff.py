"""Retry delays: exponential backoff with "full jitter", capped, plus Retry-After parsing.

Full jitter (a uniformly random delay between 0 and the capped exponential bound) spreads the
retries of many kiosks that lost the network at the same moment, so they do not all come back
at once. ``Retry-After`` follows RFC 9110 section 10.2.3: either a non-negative decimal number
of seconds (``delay-seconds``) or an HTTP-date (IMF-fixdate, with the obsolete RFC 850 and
asctime forms accepted as the RFC asks recipients to).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime

#: A server may ask for a long pause, but never for longer than a day: a broken or hostile
#: Retry-After must not silence a kiosk for weeks.
MAX_RETRY_AFTER_S = 24 * 3600.0


@dataclass
class Backoff:
    """Exponential backoff with full jitter: ``uniform(0, min(cap, base * 2**attempt))``.

    ``attempt`` counts failures so far, starting at 0 for the first retry.
    """

    base_s: float = 1.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.base_s <= 0 or self.cap_s <= 0:
            raise ValueError("backoff base and cap must be positive")
        if self.cap_s < self.base_s:
            raise ValueError("backoff cap must not be below the base")

    def bound(self, attempt: int) -> float:
        """The upper bound of the delay for this attempt (before jitter)."""
        exponent = min(max(attempt, 0), 62)
        return min(self.cap_s, self.base_s * float(2**exponent))

    def delay(self, attempt: int) -> float:
        """A random delay in ``[0, bound(attempt)]``."""
        return self.rng.uniform(0.0, self.bound(attempt))


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from ``now`` (epoch seconds) per a Retry-After header, or None.

    Unparseable values are ignored (None), negative results become 0 and the result is capped
    at :data:`MAX_RETRY_AFTER_S`.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return min(float(int(text[:12])), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        # The asctime form carries no zone; RFC 9110 HTTP-dates are always UTC.
        when = when.replace(tzinfo=UTC)
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER_S)
