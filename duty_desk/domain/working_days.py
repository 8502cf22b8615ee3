"""Working days and the deadlines counted from them.

A working day is Monday to Friday, unless it is a bank holiday in the chosen part
of the UK. Bank holidays come from the `holidays` package (including the substitute
"observed" days, such as Boxing Day moved to a Monday), never from a table kept here.
England ("ENG") is the default; Wales ("WLS"), Scotland ("SCT") and Northern Ireland
("NIR") can be chosen instead, because their bank holidays differ.

All times are UK local time (Europe/London), and every answer is returned in UTC:

- The next working-day start after a call is the first 09:00 on a working day that
  comes strictly after the call was received. A call at 08:00 on a working Tuesday
  gives Tuesday 09:00; a call at 09:00 exactly, or later that Tuesday, gives the
  Wednesday (or the next working day after it).
- The handover is due at that moment: the start of the next working day.
- The decision is due by the end (17:00) of that same working day, that is, within
  one working day of the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from duty_desk.domain.clock import LONDON

if TYPE_CHECKING:
    import holidays

SUBDIVISIONS = ("ENG", "WLS", "SCT", "NIR")


@lru_cache(maxsize=len(SUBDIVISIONS))
def _bank_holidays(subdivision: str) -> holidays.HolidayBase:
    # One object per subdivision; it adds each year's holidays the first time a date
    # in that year is looked up. Imported here: the settings read before the first window
    # need SUBDIVISIONS, not the holidays tables.
    import holidays

    return holidays.country_holidays("GB", subdiv=subdivision)


def warm(subdivision: str = "ENG") -> None:
    """Load the bank-holiday tables ahead of the first due time (about a second, once)."""
    _bank_holidays(subdivision).get(date.today())  # noqa: DTZ011 (any date: it loads the year)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Working days for one part of the UK, and the length of the working day."""

    subdivision: str = "ENG"
    day_starts: time = time(9, 0)
    day_ends: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.subdivision not in SUBDIVISIONS:
            choices = ", ".join(SUBDIVISIONS)
            raise ValueError(f"Unknown UK subdivision {self.subdivision!r}; use one of {choices}.")
        if self.day_starts.tzinfo is not None or self.day_ends.tzinfo is not None:
            raise ValueError("Working-day times are UK local times; give them without a time zone.")
        if not self.day_starts < self.day_ends:
            raise ValueError("The working day must end after it starts.")

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday and not a bank holiday."""
        return d.weekday() < 5 and d not in _bank_holidays(self.subdivision)

    def next_working_day_start(self, received_at: datetime) -> datetime:
        """The first `day_starts` on a working day strictly after `received_at`, in UTC."""
        return self._at(self._next_working_day(received_at), self.day_starts)

    def handover_due(self, received_at: datetime) -> datetime:
        """The start of the next working day after the call, in UTC."""
        return self.next_working_day_start(received_at)

    def decision_due(self, received_at: datetime) -> datetime:
        """The end of the first working day that starts after the call, in UTC."""
        return self._at(self._next_working_day(received_at), self.day_ends)

    def _next_working_day(self, received_at: datetime) -> date:
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("The time a call was received must include its time zone.")
        received_utc = received_at.astimezone(UTC)
        day = received_utc.astimezone(LONDON).date()
        while not (self.is_working_day(day) and self._at(day, self.day_starts) > received_utc):
            day += timedelta(days=1)
        return day

    @staticmethod
    def _at(day: date, local_time: time) -> datetime:
        # UK clocks change at 01:00 UTC, so ordinary office hours (such as 09:00 and
        # 17:00) never fall in the skipped or repeated hour; the local time is exact.
        return datetime.combine(day, local_time, tzinfo=LONDON).astimezone(UTC)
