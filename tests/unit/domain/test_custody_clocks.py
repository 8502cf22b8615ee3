"""Custody clocks: elapsed times across the nights the clocks change (2025-2027), the PACE
review schedule, each warning at its threshold, durations never negative, and the
thresholds file (pure domain)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_clocks import (
    Clocks,
    CustodyWarning,
    Instants,
    Thresholds,
    ThresholdsInvalid,
    clocks,
    duration_text,
    next_review,
    overnight,
    parse_thresholds,
    warnings,
)
from duty_desk.domain.errors import ValidationError
from duty_desk.resources import resource

# The Sundays the clocks change: the last Sunday of March (forward) and of October (back).
SPRING = (date(2025, 3, 30), date(2026, 3, 29), date(2027, 3, 28))
AUTUMN = (date(2025, 10, 26), date(2026, 10, 25), date(2027, 10, 31))
CHANGES = [pytest.param(day, 3, id=f"march-{day.year}") for day in SPRING] + [
    pytest.param(day, 5, id=f"october-{day.year}") for day in AUTUMN
]
DEFAULTS = Thresholds()
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC moment of a London wall-clock time (the first, where it happens twice)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def case(
    *,
    detention_authorised: datetime | None = None,
    charge: datetime | None = None,
    request: datetime | None = None,
    response: datetime | None = None,
    identified: datetime | None = None,
    left: datetime | None = None,
    reviews: tuple[datetime, ...] = (),
) -> Instants:
    return Instants(detention_authorised, charge, request, response, identified, left, reviews)


def kinds(found: list[CustodyWarning]) -> list[str]:
    return [warning.kind for warning in found]


def the_one(found: list[CustodyWarning], kind: str) -> CustodyWarning:
    matching = [warning for warning in found if warning.kind == kind]
    assert len(matching) == 1, found
    return matching[0]


# --- the change dates themselves ------------------------------------------------------------


@pytest.mark.parametrize("sunday", SPRING + AUTUMN)
def test_the_change_dates_are_last_sundays_when_london_changes_offset(sunday: date) -> None:
    assert sunday.weekday() == 6
    assert (sunday + timedelta(days=7)).month != sunday.month
    before = datetime(sunday.year, sunday.month, sunday.day, 0, 30, tzinfo=LONDON)
    after = datetime(sunday.year, sunday.month, sunday.day, 4, 0, tzinfo=LONDON)
    assert before.utcoffset() != after.utcoffset()


# --- elapsed time across the change nights --------------------------------------------------


@pytest.mark.parametrize(("sunday", "hours"), CHANGES)
def test_charged_before_the_change_and_left_after_has_the_true_elapsed_time(
    sunday: date, hours: int
) -> None:
    charged = london(sunday - timedelta(days=1), 23, 30)
    left = london(sunday, 3, 30)
    later = left + timedelta(hours=10)
    result = clocks(case(charge=charged, request=charged + MINUTE * 20, left=left), later)
    assert result.since_charge == timedelta(hours=hours)
    assert result.since_request == timedelta(hours=hours) - MINUTE * 20
    assert not result.in_custody
    assert overnight(charged, left)


@pytest.mark.parametrize(("sunday", "hours"), CHANGES)
def test_since_charge_with_now_after_the_change(sunday: date, hours: int) -> None:
    charged = london(sunday - timedelta(days=1), 23, 30)
    result = clocks(case(charge=charged), london(sunday, 3, 30))
    assert result.since_charge == timedelta(hours=hours)
    assert result.in_custody


@pytest.mark.parametrize(("sunday", "hours"), CHANGES)
def test_london_aware_inputs_are_subtracted_in_utc_not_as_wall_clocks(
    sunday: date, hours: int
) -> None:
    # Two datetimes sharing the LONDON tzinfo subtract as wall clocks in Python (4 h here).
    saturday = sunday - timedelta(days=1)
    charged = datetime(saturday.year, saturday.month, saturday.day, 23, 30, tzinfo=LONDON)
    left = datetime(sunday.year, sunday.month, sunday.day, 3, 30, tzinfo=LONDON)
    assert clocks(case(charge=charged, left=left), left).since_charge == timedelta(hours=hours)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 29, 3, 30)  # noqa: DTZ001 (the point of the test)
    with pytest.raises(ValueError, match="time-zone-aware"):
        clocks(case(charge=naive), datetime(2026, 3, 29, 4, 0, tzinfo=UTC))


# --- overnight ------------------------------------------------------------------------------


@pytest.mark.parametrize("sunday", SPRING + AUTUMN)
def test_a_short_stay_across_the_change_is_overnight(sunday: date) -> None:
    assert overnight(london(sunday, 0, 30), london(sunday, 4, 0))


@pytest.mark.parametrize("sunday", AUTUMN)
def test_before_midnight_utc_is_already_the_night_in_october(sunday: date) -> None:
    saturday = sunday - timedelta(days=1)
    # 23:10-23:50 UTC on the Saturday is 00:10-00:50 BST on the Sunday.
    start = datetime(saturday.year, saturday.month, saturday.day, 23, 10, tzinfo=UTC)
    assert overnight(start, start + MINUTE * 40)


@pytest.mark.parametrize("sunday", SPRING)
def test_after_05_utc_is_already_morning_on_the_march_change_day(sunday: date) -> None:
    # 05:10-05:50 UTC is 06:10-06:50 BST: the night (00:00-06:00) is over.
    start = datetime(sunday.year, sunday.month, sunday.day, 5, 10, tzinfo=UTC)
    assert not overnight(start, start + MINUTE * 40)
    ordinary = start - timedelta(days=7)  # 05:10 GMT a week earlier: still the night
    assert overnight(ordinary, ordinary + MINUTE * 40)


def test_overnight_boundaries_and_missing_times() -> None:
    day = date(2026, 11, 20)
    evening = london(day, 18)
    assert not overnight(evening, london(day + timedelta(days=1), 0, 0))  # left at midnight
    assert overnight(evening, london(day + timedelta(days=1), 0, 1))
    assert not overnight(london(day, 6, 0), london(day, 23, 59))
    assert overnight(london(day, 5, 59), london(day, 9, 0))
    assert not overnight(evening, None)
    assert not overnight(None, evening)
    assert not overnight(evening, evening - HOUR)  # out of order: no stay at all
    assert overnight(london(day, 8), london(day + timedelta(days=2), 8))


# --- the PACE review schedule ---------------------------------------------------------------


@pytest.mark.parametrize(("sunday", "wall"), [(d, 5) for d in SPRING] + [(d, 3) for d in AUTUMN])
def test_first_review_is_six_hours_of_real_time_across_the_change(sunday: date, wall: int) -> None:
    authorised = london(sunday - timedelta(days=1), 22, 0)
    due = next_review(authorised, (), authorised + HOUR)
    assert due == authorised + timedelta(hours=6)
    assert due.astimezone(LONDON).hour == wall
    found = warnings(case(detention_authorised=authorised), due - MINUTE * 10, DEFAULTS)
    assert the_one(found, "review_due").text == f"PACE review due at {wall:02d}:00 (in 10 min)"


def test_review_schedule_without_recorded_reviews_assumes_they_are_held() -> None:
    d = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert next_review(d, (), d) == d + timedelta(hours=6)
    assert next_review(d, (), d - HOUR) == d + timedelta(hours=6)
    assert next_review(d, (), d + timedelta(hours=6)) == d + timedelta(hours=6)
    assert next_review(d, (), d + timedelta(hours=6, seconds=1)) == d + timedelta(hours=15)
    assert next_review(d, (), d + timedelta(hours=15)) == d + timedelta(hours=15)
    assert next_review(d, (), d + timedelta(hours=20)) == d + timedelta(hours=24)
    assert next_review(d, (), d + timedelta(hours=24, minutes=1)) == d + timedelta(hours=33)
    assert not clocks(case(detention_authorised=d), d + timedelta(hours=20)).review_overdue


def test_review_schedule_counts_from_the_last_recorded_review() -> None:
    d = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    early, late = d + timedelta(hours=5), d + timedelta(hours=13)
    assert next_review(d, (early,), d + timedelta(hours=5)) == d + timedelta(hours=14)
    assert next_review(d, (late, early), d + timedelta(hours=13)) == d + timedelta(hours=22)
    held_late = d + timedelta(hours=7)
    assert next_review(d, (held_late,), held_late) == d + timedelta(hours=16)
    before_detention = d - HOUR  # a mistaken entry: ignored
    assert next_review(d, (before_detention,), d) == d + timedelta(hours=6)


def test_review_overdue_only_after_a_recorded_reviews_follow_up_is_past() -> None:
    d = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    held = case(detention_authorised=d, reviews=(d + timedelta(hours=6),))
    due = d + timedelta(hours=15)
    at_due = clocks(held, due)
    assert at_due.next_review == due
    assert not at_due.review_overdue
    past = clocks(held, due + MINUTE)
    assert past.next_review == due
    assert past.review_overdue
    assert not clocks(replace(held, left=due - HOUR), due + MINUTE).review_overdue


def test_no_review_clock_out_of_custody_or_without_detention_authorised() -> None:
    d = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert clocks(case(charge=d), d + HOUR).next_review is None
    assert clocks(case(detention_authorised=d, left=d + HOUR), d + HOUR).next_review is None
    closed = replace(case(detention_authorised=d), closed_at=d + HOUR)
    result = clocks(closed, d + timedelta(hours=30))
    assert result.next_review is None
    assert not result.in_custody


# --- warnings at their thresholds -----------------------------------------------------------

FRIDAY = date(2026, 11, 20)


def test_request_unanswered_at_its_threshold() -> None:
    received = london(FRIDAY, 15, 0)
    waiting = case(request=received)
    assert warnings(waiting, received + MINUTE * 30 - timedelta(seconds=1), DEFAULTS) == []
    at = the_one(warnings(waiting, received + MINUTE * 30, DEFAULTS), "request_unanswered")
    assert at.text == "Request unanswered for 30 min (over 30 min)"
    assert at.since == received + MINUTE * 30
    later = the_one(warnings(waiting, received + MINUTE * 42, DEFAULTS), "request_unanswered")
    assert later.text == "Request unanswered for 42 min (over 30 min)"
    assert later.since == at.since
    answered = replace(waiting, response=received + MINUTE * 50)
    assert warnings(answered, received + HOUR, DEFAULTS) == []
    assert clocks(answered, received + HOUR).unanswered is None
    assert clocks(waiting, received + HOUR).unanswered == HOUR


def test_night_approaching_then_no_placement() -> None:
    received = london(FRIDAY, 18, 0)
    waiting = case(request=received, response=received + MINUTE * 5)
    assert warnings(waiting, london(FRIDAY, 20, 59), DEFAULTS) == []
    at = warnings(waiting, london(FRIDAY, 21, 0), DEFAULTS)
    assert kinds(at) == ["night_approaching"]
    assert at[0].text == "Night is coming (21:00) and no placement yet"
    assert at[0].since == london(FRIDAY, 21, 0)
    assert kinds(warnings(waiting, london(FRIDAY, 21, 59), DEFAULTS)) == ["night_approaching"]
    late = warnings(waiting, london(FRIDAY, 22, 0), DEFAULTS)
    assert kinds(late) == ["no_placement"]
    assert late[0].text == "No placement identified by 22:00"
    assert late[0].since == london(FRIDAY, 22, 0)
    found = replace(waiting, identified=london(FRIDAY, 21, 30))
    assert warnings(found, london(FRIDAY, 22, 30), DEFAULTS) == []


def test_a_request_after_the_threshold_warns_from_its_arrival() -> None:
    received = london(FRIDAY, 22, 40)
    result = warnings(case(request=received, response=received), received, DEFAULTS)
    assert kinds(result) == ["no_placement"]
    assert result[0].since == received


def test_a_request_in_the_small_hours_belongs_to_the_evening_before() -> None:
    received = london(FRIDAY, 2, 0)
    result = warnings(case(request=received, response=received), received, DEFAULTS)
    assert kinds(result) == ["no_placement"]
    morning = london(FRIDAY, 6, 0)
    assert warnings(case(request=morning, response=morning), morning, DEFAULTS) == []


@pytest.mark.parametrize(
    ("sunday", "utc_hour"), [(d, 21) for d in SPRING] + [(d, 22) for d in AUTUMN]
)
def test_night_thresholds_on_the_change_day(sunday: date, utc_hour: int) -> None:
    received = london(sunday, 19, 0)
    threshold = datetime(sunday.year, sunday.month, sunday.day, utc_hour, 0, tzinfo=UTC)
    waiting = case(request=received, response=received)
    assert kinds(warnings(waiting, threshold - MINUTE, DEFAULTS)) == ["night_approaching"]
    assert kinds(warnings(waiting, threshold, DEFAULTS)) == ["no_placement"]


@pytest.mark.parametrize(
    ("sunday", "utc_hour"), [(d, 22) for d in SPRING] + [(d, 21) for d in AUTUMN]
)
def test_a_small_hours_request_on_the_change_day_uses_the_saturday_evening(
    sunday: date, utc_hour: int
) -> None:
    received = london(sunday, 3, 30)
    result = warnings(case(request=received, response=received), received, DEFAULTS)
    saturday = sunday - timedelta(days=1)
    assert the_one(result, "no_placement").since == received
    threshold = datetime(saturday.year, saturday.month, saturday.day, utc_hour, 0, tzinfo=UTC)
    before = london(saturday, 20, 0)
    early = case(request=before, response=before)
    assert kinds(warnings(early, threshold - MINUTE, DEFAULTS)) == ["night_approaching"]
    assert kinds(warnings(early, threshold, DEFAULTS)) == ["no_placement"]


@pytest.mark.parametrize(
    ("sunday", "utc"),
    [(d, time(1, 30)) for d in SPRING] + [(d, time(0, 30)) for d in AUTUMN],
)
def test_a_small_hours_threshold_that_the_change_skips_or_repeats(sunday: date, utc: time) -> None:
    # 01:30 does not exist in March (read as 01:30 GMT) and happens twice in October (the
    # first, 01:30 BST, so the warning is never late).
    limits = Thresholds(no_placement_by=time(1, 30))
    received = london(sunday - timedelta(days=1), 20, 0)
    threshold = datetime.combine(sunday, utc, tzinfo=UTC)
    waiting = case(request=received, response=received)
    assert kinds(warnings(waiting, threshold - MINUTE, limits)) == ["night_approaching"]
    assert kinds(warnings(waiting, threshold, limits)) == ["no_placement"]


def test_review_due_warning_at_its_threshold_and_when_overdue() -> None:
    d = london(FRIDAY, 14, 0)
    due = d + timedelta(hours=6)  # 20:00 GMT
    held = case(detention_authorised=d)
    assert warnings(held, due - MINUTE * 31, DEFAULTS) == []
    at = the_one(warnings(held, due - MINUTE * 30, DEFAULTS), "review_due")
    assert at.text == "PACE review due at 20:00 (in 30 min)"
    assert at.since == due - MINUTE * 30
    assert the_one(warnings(held, due, DEFAULTS), "review_due").text.endswith("(in 0 min)")
    recorded = replace(held, reviews=(due,))
    next_due = due + timedelta(hours=9)  # 05:00
    assert the_one(warnings(recorded, next_due, DEFAULTS), "review_due").text == (
        "PACE review due at 05:00 (in 0 min)"
    )
    overdue = the_one(warnings(recorded, next_due + MINUTE, DEFAULTS), "review_due")
    assert overdue.text == "PACE review overdue since 05:00"
    assert overdue.since == next_due


def test_no_warnings_once_out_of_custody() -> None:
    d = london(FRIDAY, 14, 0)
    stuck = case(detention_authorised=d, charge=d + HOUR, request=d + HOUR * 2, reviews=(d + HOUR,))
    late = london(FRIDAY, 23, 55)
    assert sorted(kinds(warnings(stuck, late, DEFAULTS))) == [
        "no_placement",
        "request_unanswered",
        "review_due",
    ]
    assert warnings(replace(stuck, left=late - MINUTE), late, DEFAULTS) == []
    assert warnings(replace(stuck, closed_at=late - MINUTE), late, DEFAULTS) == []


def test_the_clocks_stop_when_the_young_person_leaves() -> None:
    d = london(FRIDAY, 14, 0)
    gone = case(charge=d, request=d + HOUR, left=d + HOUR * 4)
    result = clocks(gone, d + timedelta(days=3))
    assert result == Clocks(
        since_charge=HOUR * 4,
        since_request=HOUR * 3,
        unanswered=HOUR * 3,
        next_review=None,
        review_overdue=False,
        in_custody=False,
    )
    closed = replace(case(charge=d), closed_at=d + HOUR * 2)
    assert clocks(closed, d + timedelta(days=3)).since_charge == HOUR * 2


# --- durations never negative ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(minutes=60), "1 h 00 min"),
        (timedelta(hours=3, minutes=5, seconds=59), "3 h 05 min"),
        (timedelta(hours=23, minutes=59), "23 h 59 min"),
        (timedelta(days=1), "1 d 0 h 00 min"),
        (timedelta(days=1, hours=2, minutes=5), "1 d 2 h 05 min"),
        (timedelta(minutes=-5), "0 min"),
        (timedelta(days=-3), "0 min"),
    ],
)
def test_duration_text(span: timedelta, text: str) -> None:
    assert duration_text(span) == text


START = datetime(2024, 1, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=4 * 366 * 24 * 60).map(lambda m: START + m * MINUTE)
offsets = st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: m * MINUTE)


def durations(result: Clocks) -> list[timedelta]:
    spans = (result.since_charge, result.since_request, result.unanswered)
    return [span for span in spans if span is not None]


def check_never_negative(instants: Instants, now: datetime) -> None:
    result = clocks(instants, now)
    assert all(span >= timedelta(0) for span in durations(result))
    for warning in warnings(instants, now, DEFAULTS):
        assert "-" not in warning.text
    assert "-" not in duration_text(now - (instants.charge or now))


@given(moments, st.lists(offsets, min_size=7, max_size=7), st.lists(st.booleans(), min_size=6))
def test_ordered_instants_give_durations_that_are_never_negative(
    start: datetime, gaps: list[timedelta], present: list[bool]
) -> None:
    times, at = [], start
    for gap in gaps:
        at += gap
        times.append(at)
    v = [moment if present[i] else None for i, moment in enumerate(times[:6])]
    instants = Instants(v[0], v[1], v[2], v[3], v[4], v[5])
    check_never_negative(instants, times[-1])
    result = clocks(instants, times[-1])
    charge, left = instants.charge, instants.left
    if charge is not None and left is not None:
        assert result.since_charge == left - charge


@given(
    st.lists(st.one_of(st.none(), moments), min_size=6, max_size=6),
    st.one_of(st.none(), moments),
    st.lists(moments, max_size=3),
    moments,
)
def test_instants_in_any_order_or_after_now_still_give_no_negative_duration(
    v: list[datetime | None],
    closed: datetime | None,
    reviews: list[datetime],
    now: datetime,
) -> None:
    instants = Instants(v[0], v[1], v[2], v[3], v[4], v[5], tuple(reviews), closed)
    check_never_negative(instants, now)


@given(moments, offsets, offsets)
def test_the_unrecorded_schedule_is_never_behind_now(
    authorised: datetime, wait: timedelta, extra: timedelta
) -> None:
    now = authorised + wait + extra
    due = next_review(authorised, (), now)
    assert due >= now
    assert due - now <= timedelta(hours=9)
    assert (due - authorised - timedelta(hours=6)) % timedelta(hours=9) == timedelta(0)


# --- the thresholds file --------------------------------------------------------------------


def test_the_default_file_parses_to_the_defaults() -> None:
    text = resource("custody", "thresholds.toml").read_text(encoding="utf-8")
    assert parse_thresholds(text, "thresholds.toml") == Thresholds()
    assert Thresholds() == Thresholds(30, time(21, 0), time(22, 0), 30)


def test_a_partial_file_keeps_the_other_defaults_and_toml_times_are_accepted() -> None:
    assert parse_thresholds("") == Thresholds()
    text = "request_unanswered_minutes = 45\nnight_approaching_at = 20:30:00\n"
    assert parse_thresholds(text) == Thresholds(45, time(20, 30), time(22, 0), 30)
    small_hours = 'night_approaching_at = "23:30"\nno_placement_by = "00:30"\n'
    assert parse_thresholds(small_hours).no_placement_by == time(0, 30)


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        ("\nrequest_unanswered_minutes = 0\n", "request_unanswered_minutes", 2, "from 1 to 720"),
        ("review_warning_minutes = 721", "review_warning_minutes", 1, "not 721"),
        ('request_unanswered_minutes = "30"', "request_unanswered_minutes", 1, "not text ('30')"),
        ("review_warning_minutes = true", "review_warning_minutes", 1, "not true/false"),
        ("review_warning_minutes = 30.5", "review_warning_minutes", 1, "not a number (30.5)"),
        ('# c\n\nno_placement_by = "10pm"', "no_placement_by", 3, "not '10pm'"),
        ('no_placement_by = "24:00"', "no_placement_by", 1, "24-hour time"),
        ('no_placement_by = "21:60"', "no_placement_by", 1, "24-hour time"),
        ('no_placement_by = "9:00"', "no_placement_by", 1, "24-hour time"),
        ("no_placement_by = 2200", "no_placement_by", 1, "not a number (2200)"),
        ("no_placement_by = 22:00:30", "no_placement_by", 1, "24-hour time"),
        ('night_approaching_at = "08:00"', "night_approaching_at", 1, "evening or night time"),
        ('no_placement_at = "22:00"', "no_placement_at", 1, "unknown setting 'no_placement_at'"),
        ("[custody]\nreview_warning_minutes = 30", "custody", 1, "unknown setting 'custody'"),
        (
            'night_approaching_at = "22:30"\nno_placement_by = "22:00"',
            "night_approaching_at",
            1,
            "must not be later in the evening than 'no_placement_by' (22:00)",
        ),
        ('night_approaching_at = "01:00"', "night_approaching_at", 1, "must not be later"),
    ],
)
def test_a_malformed_file_is_refused_naming_key_and_line(
    text: str, key: str, line: int, words: str
) -> None:
    with pytest.raises(ThresholdsInvalid) as refused:
        parse_thresholds(text, "council.toml")
    message = str(refused.value)
    assert "council.toml" in message
    assert f"council.toml, line {line}: " in message
    assert words in message
    assert f"'{key}'" in message
    assert refused.value.field == key
    assert isinstance(refused.value, ValidationError)


def test_a_toml_syntax_error_names_its_line() -> None:
    with pytest.raises(ThresholdsInvalid) as refused:
        parse_thresholds('request_unanswered_minutes = 30\nno_placement_by = "22:00\n', "c.toml")
    assert "c.toml, line 2: " in str(refused.value)
    assert "not valid TOML" in str(refused.value)


def test_every_problem_is_listed_in_line_order() -> None:
    text = "review_warning_minutes = 0\nsnooze = 5\nrequest_unanswered_minutes = -1\n"
    with pytest.raises(ThresholdsInvalid) as refused:
        parse_thresholds(text, "c.toml")
    assert [problem.line for problem in refused.value.problems] == [1, 2, 3]
    assert "(3 problems)" in str(refused.value)
