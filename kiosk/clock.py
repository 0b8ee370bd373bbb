"""Time at the counter: China Standard Time (UTC+8, no daylight saving)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]
"""A function that returns the current time, aware, in China Standard Time."""


def china_now() -> datetime:
    """The current time in China Standard Time."""
    return datetime.now(CHINA_TZ)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says ``moment`` (for tests, snapshots and the demo)."""
    return lambda: moment
