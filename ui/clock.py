"""Times the user sees are the kiosk's local time: Vietnam (Asia/Ho_Chi_Minh), whatever zone
the machine's clock is set to (kiosks are often installed with UTC).

    clock_text(ts)            -> "21:42:46"
    zone_text(ts)             -> "UTC+07:00"
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

KIOSK_TIMEZONE = "Asia/Ho_Chi_Minh"


def local_datetime(timestamp: float, timezone: str = KIOSK_TIMEZONE) -> datetime:
    """``timestamp`` (seconds since the epoch) as an aware datetime in the kiosk's zone."""
    return datetime.fromtimestamp(timestamp, ZoneInfo(timezone))


def clock_text(timestamp: float, timezone: str = KIOSK_TIMEZONE) -> str:
    """HH:MM:SS in the kiosk's zone."""
    return local_datetime(timestamp, timezone).strftime("%H:%M:%S")


def zone_text(timestamp: float, timezone: str = KIOSK_TIMEZONE) -> str:
    """The zone's offset from UTC at ``timestamp``, e.g. ``UTC+07:00``."""
    offset = local_datetime(timestamp, timezone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
