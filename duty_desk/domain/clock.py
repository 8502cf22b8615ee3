"""Time: stored in UTC, shown in Europe/London."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def show_local(moment: datetime, with_date: bool = True) -> str:
    """en-GB, 24-hour, Europe/London: '22/11/2026 02:10' (or '02:10')."""
    local = moment.astimezone(LONDON)
    return local.strftime("%d/%m/%Y %H:%M" if with_date else "%H:%M")
