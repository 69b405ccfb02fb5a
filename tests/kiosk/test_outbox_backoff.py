"""Backoff with full jitter and Retry-After parsing (RFC 9110 section 10.2.3)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.outbox.backoff import MAX_RETRY_AFTER_S, Backoff, parse_retry_after

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC).timestamp()


def test_bounds_grow_exponentially_then_cap() -> None:
    b = Backoff(base_s=0.5, cap_s=30)
    assert [b.bound(i) for i in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert b.bound(10_000) == 30  # no overflow for huge attempt counts
    assert b.bound(-3) == 0.5


def test_full_jitter_spreads_over_the_whole_range() -> None:
    b = Backoff(base_s=1, cap_s=8, rng=random.Random(42))
    delays = [b.delay(3) for _ in range(2000)]
    assert all(0 <= d <= 8 for d in delays)
    assert min(delays) < 0.5 and max(delays) > 7.5  # full range, not "base + small jitter"
    assert 3.5 < sum(delays) / len(delays) < 4.5


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError):
        Backoff(base_s=0)
    with pytest.raises(ValueError):
        Backoff(base_s=10, cap_s=1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0),  # IMF-fixdate
        ("Monday, 23-Nov-26 12:01:00 GMT", 60.0),  # obsolete RFC 850
        ("Mon Nov 23 12:00:10 2026", 10.0),  # asctime
        ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0),  # in the past
        ("999999999999999", MAX_RETRY_AFTER_S),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("²", None),
    ],
)
def test_retry_after(header: str | None, expected: float | None) -> None:
    got = parse_retry_after(header, now=NOW)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@given(st.text(max_size=80))
def test_retry_after_never_raises(text: str) -> None:
    got = parse_retry_after(text, now=NOW)
    assert got is None or 0 <= got <= MAX_RETRY_AFTER_S
