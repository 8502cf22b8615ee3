"""Working days: weekends, bank holidays (with substitute days) and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from duty_desk.domain.clock import LONDON
from duty_desk.domain.working_days import WorkingCalendar

ENGLAND = WorkingCalendar()


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def assert_due(received_at: datetime, handover: datetime, decision: datetime) -> None:
    assert ENGLAND.handover_due(received_at) == in_utc(handover)
    assert ENGLAND.decision_due(received_at) == in_utc(decision)
    assert ENGLAND.handover_due(received_at).tzinfo is UTC
    assert ENGLAND.decision_due(received_at).tzinfo is UTC


def test_friday_evening_call_is_due_on_monday() -> None:
    assert_due(london(2026, 11, 20, 19), london(2026, 11, 23, 9), london(2026, 11, 23, 17))


def test_saturday_call_is_due_on_monday() -> None:
    assert_due(london(2026, 11, 21, 14), london(2026, 11, 23, 9), london(2026, 11, 23, 17))


def test_christmas_2026_skips_boxing_day_observed_on_monday() -> None:
    assert_due(london(2026, 12, 24, 20), london(2026, 12, 29, 9), london(2026, 12, 29, 17))


def test_christmas_2027_skips_both_substitute_days() -> None:
    assert_due(london(2027, 12, 24, 18), london(2027, 12, 29, 9), london(2027, 12, 29, 17))


def test_easter_2027_skips_good_friday_and_easter_monday() -> None:
    assert_due(london(2027, 3, 25, 18), london(2027, 3, 30, 9), london(2027, 3, 30, 17))


def test_easter_2026_skips_good_friday_and_easter_monday() -> None:
    assert_due(london(2026, 4, 2, 18), london(2026, 4, 7, 9), london(2026, 4, 7, 17))


def test_august_bank_holiday_in_england() -> None:
    assert_due(london(2026, 8, 28, 22), london(2026, 9, 1, 9), london(2026, 9, 1, 17))


def test_early_morning_call_on_a_working_day_is_due_the_same_day() -> None:
    assert_due(london(2026, 11, 24, 2, 10), london(2026, 11, 24, 9), london(2026, 11, 24, 17))


def test_call_at_nine_exactly_is_due_the_next_working_day() -> None:
    assert_due(london(2026, 11, 24, 9), london(2026, 11, 25, 9), london(2026, 11, 25, 17))


def test_night_the_clocks_go_back() -> None:
    received_at = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert ENGLAND.handover_due(received_at) == datetime(2026, 10, 26, 9, tzinfo=UTC)
    assert ENGLAND.decision_due(received_at) == datetime(2026, 10, 26, 17, tzinfo=UTC)


def test_night_the_clocks_go_forward() -> None:
    received_at = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert ENGLAND.handover_due(received_at) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert ENGLAND.decision_due(received_at) == datetime(2026, 3, 30, 16, tzinfo=UTC)


def test_second_of_january_is_a_holiday_in_scotland_only() -> None:
    second_of_january = date(2026, 1, 2)
    assert not WorkingCalendar("SCT").is_working_day(second_of_january)
    assert WorkingCalendar("ENG").is_working_day(second_of_january)
    assert WorkingCalendar("WLS").is_working_day(second_of_january)


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert ENGLAND.is_working_day(date(2026, 11, 23))
    assert not ENGLAND.is_working_day(date(2026, 11, 21))
    assert not ENGLAND.is_working_day(date(2026, 11, 22))
    assert not ENGLAND.is_working_day(date(2026, 12, 28))


def test_naive_datetime_is_refused() -> None:
    naive = datetime(2026, 11, 20, 19)  # noqa: DTZ001
    with pytest.raises(ValueError, match="time zone"):
        ENGLAND.handover_due(naive)
    with pytest.raises(ValueError, match="time zone"):
        ENGLAND.decision_due(naive)


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        WorkingCalendar("XXX")


def test_every_hour_of_2026_gets_the_next_working_day() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for hour in range(365 * 24):
        received_at = start + timedelta(hours=hour)
        handover = ENGLAND.handover_due(received_at)
        decision = ENGLAND.decision_due(received_at)
        local_handover = handover.astimezone(LONDON)
        local_decision = decision.astimezone(LONDON)

        assert handover > received_at
        assert local_handover.time() == time(9, 0)
        assert ENGLAND.is_working_day(local_handover.date())
        assert local_decision.date() == local_handover.date()
        assert local_decision.time() == time(17, 0)
        assert decision - handover == timedelta(hours=8)

        day = received_at.astimezone(LONDON).date()
        while day < local_handover.date():
            nine = datetime.combine(day, time(9, 0), tzinfo=LONDON)
            assert not (ENGLAND.is_working_day(day) and nine > received_at), (received_at, day)
            day += timedelta(days=1)
