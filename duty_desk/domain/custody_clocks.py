"""Live clocks and warnings for a young person in police custody (PACE s.38(6)).

Pure: every figure comes from UTC instants and a ``now`` passed in, so the tracker can tick
with a controllable clock. Durations are UTC subtraction, so the nights the clocks change
count right (charged 23:30 and left 03:30 local is 3 h in March, 5 h in October), and no
duration is ever negative: a time recorded after ``now`` or out of order gives 0, not a
minus figure. The running clocks stop when the young person leaves custody (or the case is
closed without a leaving time).

London local time comes in only where people speak in wall-clock terms: the night
(00:00-06:00) and the warning thresholds ("no placement by 22:00"). Each is turned into the
UTC moment it is on its own date, so a threshold on a change day is still right.

PACE detention reviews (6 h after detention is authorised, then every 9 h) are held by the
police; the worker records one when told of it. Until any is recorded the desk assumes they
are held on time and shows the next on the schedule (D+6 h, D+15 h, D+24 h, ...: the first
at or after now), never "overdue". Once a review is recorded the desk counts from the last
one recorded: the next is due 9 h after it, and overdue once that moment has passed. A
review recorded before detention was authorised is ignored.

The night warnings belong to the request's evening: the local date the request came in, or
the date before if it came in before 06:00. A threshold before 06:00 is in the small hours
after that evening. The thresholds come from a TOML file (``resources/custody/
thresholds.toml`` is the default); a file with any problem is refused whole, each problem
named by its key and line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.errors import ValidationError

FIRST_REVIEW = timedelta(hours=6)
REVIEW_INTERVAL = timedelta(hours=9)
NIGHT_STARTS = time(0, 0)
NIGHT_ENDS = time(6, 0)
EVENING_STARTS = time(12, 0)
MAX_MINUTES = 720
_ZERO = timedelta(0)
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Instants:
    """What happened when in one case; every value a UTC-aware datetime or None."""

    detention_authorised: datetime | None
    charge: datetime | None
    request: datetime | None  # the council received the request for accommodation
    response: datetime | None  # the council gave its answer to the police
    identified: datetime | None  # accommodation identified
    left: datetime | None  # left custody
    reviews: tuple[datetime, ...] = ()  # PACE detention reviews recorded as held
    closed_at: datetime | None = None  # case closed (for a case closed with no 'left' time)


@dataclass(frozen=True, slots=True)
class Clocks:
    """The clocks of one case at one moment. Durations are never negative."""

    since_charge: timedelta | None  # charge -> end (left, else closed, else now)
    since_request: timedelta | None  # request -> end
    unanswered: timedelta | None  # request -> end while no response; None once answered
    next_review: datetime | None  # UTC; None once out of custody or no detention authorised
    review_overdue: bool  # a recorded review's follow-up is past due
    in_custody: bool  # not left and not closed


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When the warnings start (the times are London local time)."""

    request_unanswered_minutes: int = 30
    night_approaching_at: time = time(21, 0)
    no_placement_by: time = time(22, 0)
    review_warning_minutes: int = 30


@dataclass(frozen=True, slots=True)
class CustodyWarning:
    """One warning to show in words. ``since`` (UTC) is when it began: flash once per one."""

    kind: str  # "request_unanswered" | "night_approaching" | "no_placement" | "review_due"
    text: str
    since: datetime


# --- the clocks ----------------------------------------------------------------------------


def clocks(instants: Instants, now: datetime) -> Clocks:
    """The live clocks of a case at ``now``."""
    case, now = _in_utc(instants), _utc(now, "now")
    in_custody = case.left is None and case.closed_at is None
    end = case.left if case.left is not None else case.closed_at
    end = now if end is None else end
    due: datetime | None = None
    overdue = False
    if in_custody and case.detention_authorised is not None:
        due, overdue = _review(case.detention_authorised, case.reviews, now)
    request = case.request
    return Clocks(
        since_charge=None if case.charge is None else _span(case.charge, end),
        since_request=None if request is None else _span(request, end),
        unanswered=None if request is None or case.response is not None else _span(request, end),
        next_review=due,
        review_overdue=overdue,
        in_custody=in_custody,
    )


def next_review(
    detention_authorised: datetime, reviews: Sequence[datetime], now: datetime
) -> datetime:
    """When the next PACE review is due (UTC); the rule is in the module's docstring."""
    authorised = _utc(detention_authorised, "detention_authorised")
    held = tuple(_utc(review, "review") for review in reviews)
    return _review(authorised, held, _utc(now, "now"))[0]


def _review(
    authorised: datetime, reviews: Sequence[datetime], now: datetime
) -> tuple[datetime, bool]:
    """(next due, overdue) from UTC instants."""
    recorded = [review for review in reviews if review >= authorised]
    if recorded:
        due = max(recorded) + REVIEW_INTERVAL
        return due, now > due
    first = authorised + FIRST_REVIEW
    if now <= first:
        return first, False
    intervals = -((first - now) // REVIEW_INTERVAL)  # ceiling of (now - first) / 9 h
    return first + intervals * REVIEW_INTERVAL, False


def overnight(charge: datetime | None, until: datetime | None) -> bool:
    """Whether the time in the cell from ``charge`` to ``until`` took in any of a night,
    00:00-06:00 London time (5 h of UTC on the March change night, 7 h in October)."""
    if charge is None or until is None:
        return False
    start, end = _utc(charge, "charge"), _utc(until, "until")
    if end <= start:
        return False
    if end - start >= _DAY:
        return True
    day, last = start.astimezone(LONDON).date(), end.astimezone(LONDON).date()
    while day <= last:
        if start < _london(day, NIGHT_ENDS) and end > _london(day, NIGHT_STARTS):
            return True
        day += _DAY
    return False


def duration_text(span: timedelta) -> str:
    """'45 min', '3 h 05 min', '1 d 2 h 05 min' (whole minutes, rounded down; never negative)."""
    minutes = max(span, _ZERO) // timedelta(minutes=1)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h {minutes:02d} min"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


# --- the warnings --------------------------------------------------------------------------


def warnings(instants: Instants, now: datetime, thresholds: Thresholds) -> list[CustodyWarning]:
    """The warnings of a case at ``now``: none once the young person has left custody."""
    case, now = _in_utc(instants), _utc(now, "now")
    if case.left is not None or case.closed_at is not None:
        return []
    found = (
        _unanswered_warning(case, now, thresholds),
        _night_warning(case, now, thresholds),
        _review_warning(case, now, thresholds),
    )
    return [warning for warning in found if warning is not None]


def _unanswered_warning(case: Instants, now: datetime, limits: Thresholds) -> CustodyWarning | None:
    if case.request is None or case.response is not None:
        return None
    waited, limit = now - case.request, timedelta(minutes=limits.request_unanswered_minutes)
    if waited < limit:
        return None
    text = f"Request unanswered for {duration_text(waited)} (over {duration_text(limit)})"
    return CustodyWarning("request_unanswered", text, case.request + limit)


def _night_warning(case: Instants, now: datetime, limits: Thresholds) -> CustodyWarning | None:
    if case.request is None or case.identified is not None:
        return None
    evening = evening_of(case.request)
    late = threshold_moment(evening, limits.no_placement_by)
    if now >= late:
        text = f"No placement identified by {limits.no_placement_by:%H:%M}"
        return CustodyWarning("no_placement", text, max(late, case.request))
    soon = threshold_moment(evening, limits.night_approaching_at)
    if now >= soon:
        text = f"Night is coming ({limits.night_approaching_at:%H:%M}) and no placement yet"
        return CustodyWarning("night_approaching", text, max(soon, case.request))
    return None


def _review_warning(case: Instants, now: datetime, limits: Thresholds) -> CustodyWarning | None:
    authorised = case.detention_authorised
    if authorised is None:
        return None
    due, overdue = _review(authorised, case.reviews, now)
    at = show_local(due, with_date=False)
    if overdue:
        return CustodyWarning("review_due", f"PACE review overdue since {at}", due)
    ahead = timedelta(minutes=limits.review_warning_minutes)
    if due - now > ahead:
        return None
    text = f"PACE review due at {at} (in {duration_text(due - now)})"
    return CustodyWarning("review_due", text, max(due - ahead, authorised))


def evening_of(request: datetime) -> date:
    """The local date whose evening a request belongs to (before 06:00: the day before)."""
    local = _utc(request, "request").astimezone(LONDON)
    return local.date() - _DAY if local.time() < NIGHT_ENDS else local.date()


def threshold_moment(evening: date, at: time) -> datetime:
    """The UTC moment of local time ``at`` on ``evening`` (before 06:00: the small hours
    after it). A time the clocks skip counts as if they had not changed yet; a time that
    happens twice counts the first time, so a warning is never late."""
    day = evening + _DAY if at < NIGHT_ENDS else evening
    return _london(day, at)


# --- helpers -------------------------------------------------------------------------------


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a time-zone-aware datetime, not {moment!r}")
    return moment.astimezone(UTC)


_MOMENTS = tuple(f.name for f in fields(Instants) if f.name != "reviews")


def _in_utc(instants: Instants) -> Instants:
    """The same instants with UTC tzinfo: aware datetimes sharing one zone subtract as wall
    clocks in Python, which would get the change nights wrong."""
    moments = [getattr(instants, name) for name in _MOMENTS]
    if all(m is None or m.tzinfo is UTC for m in moments) and all(
        r.tzinfo is UTC for r in instants.reviews
    ):
        return instants  # as the store gives them: nothing to convert (the tick's fast path)
    changed: dict[str, Any] = {}
    for field in fields(Instants):
        value = getattr(instants, field.name)
        if isinstance(value, datetime):
            changed[field.name] = _utc(value, field.name)
    changed["reviews"] = tuple(_utc(review, "review") for review in instants.reviews)
    return replace(instants, **changed)


def _span(start: datetime, end: datetime) -> timedelta:
    return max(end - start, _ZERO)


def _london(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


# --- the thresholds file -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThresholdProblem:
    key: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


class ThresholdsInvalid(ValidationError):
    """The thresholds file was refused whole; ``problems`` names each key, line and fault."""

    def __init__(self, source: str, problems: Sequence[ThresholdProblem]) -> None:
        ordered = sorted(problems, key=lambda problem: problem.line or 0)
        listed = "\n".join(f"  {source}, {problem}" for problem in ordered)
        count = f"{len(ordered)} problem{'s' if len(ordered) != 1 else ''}"
        super().__init__(
            f"The custody warning thresholds in {source} were refused ({count}):\n{listed}",
            field=ordered[0].key if ordered else None,
        )
        self.problems = tuple(ordered)


_MINUTE_KEYS = ("request_unanswered_minutes", "review_warning_minutes")
_TIME_KEYS = ("night_approaching_at", "no_placement_by")
_HH_MM = re.compile(r"^(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)$")
_KEY_AT = re.compile(r"""^\s*(?:\[+\s*)?["']?(?P<key>[A-Za-z0-9_-]+)["']?\s*[=.\]]""")
_TOML_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def parse_thresholds(text: str, source: str = "thresholds") -> Thresholds:
    """Read a thresholds file; a key left out keeps its default. Raises ``ThresholdsInvalid``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_AT.match(str(error))
        at = int(found["line"]) if found else max(1, len(text.splitlines()))
        if found:
            message = f"column {found['column']}: {found['message']}"
        else:
            message = str(error).removesuffix(" (at end of document)")
        problem = ThresholdProblem(None, at, f"{message} (not valid TOML)")
        raise ThresholdsInvalid(source, [problem]) from None
    lines = _key_lines(text)
    problems: list[ThresholdProblem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = lines.get(key)
        if key in _MINUTE_KEYS:
            checked: int | time | ThresholdProblem = _minutes(key, value, line)
        elif key in _TIME_KEYS:
            checked = _time(key, value, line)
        else:
            known = ", ".join(_MINUTE_KEYS + _TIME_KEYS)
            checked = ThresholdProblem(
                key, line, f"unknown setting '{key}' (the settings are {known})"
            )
        if isinstance(checked, ThresholdProblem):
            problems.append(checked)
        else:
            values[key] = checked
    thresholds = replace(Thresholds(), **values)
    if not any(problem.key in _TIME_KEYS for problem in problems):
        problems.extend(_order_problems(thresholds, lines))
    if problems:
        raise ThresholdsInvalid(source, problems)
    return thresholds


def _minutes(key: str, value: object, line: int | None) -> int | ThresholdProblem:
    if isinstance(value, bool) or not isinstance(value, int):
        message = f"'{key}' must be a whole number of minutes, not {_kind(value)}"
        return ThresholdProblem(key, line, message)
    if not 1 <= value <= MAX_MINUTES:
        message = f"'{key}' must be from 1 to {MAX_MINUTES} minutes (12 hours), not {value}"
        return ThresholdProblem(key, line, message)
    return value


def _time(key: str, value: object, line: int | None) -> time | ThresholdProblem:
    found = _HH_MM.match(value) if isinstance(value, str) else None
    if found:
        at = time(int(found["hour"]), int(found["minute"]))
    elif isinstance(value, time) and not (value.second or value.microsecond or value.tzinfo):
        at = value
    else:
        shown = repr(value) if isinstance(value, str) else _kind(value)
        message = f"'{key}' must be a 24-hour time in quotes such as \"21:00\", not {shown}"
        return ThresholdProblem(key, line, message)
    if NIGHT_ENDS <= at < EVENING_STARTS:
        message = f"'{key}' must be an evening or night time (12:00 to 05:59), not {at:%H:%M}"
        return ThresholdProblem(key, line, message)
    return at


def _order_problems(thresholds: Thresholds, lines: dict[str, int]) -> list[ThresholdProblem]:
    night, late = thresholds.night_approaching_at, thresholds.no_placement_by
    if _evening_order(night) <= _evening_order(late):
        return []
    message = (
        f"'night_approaching_at' ({night:%H:%M}) must not be later in the evening than "
        f"'no_placement_by' ({late:%H:%M})"
    )
    return [ThresholdProblem("night_approaching_at", lines.get("night_approaching_at"), message)]


def _evening_order(at: time) -> int:
    minutes = at.hour * 60 + at.minute
    return minutes + 24 * 60 if at < NIGHT_ENDS else minutes


def _key_lines(text: str) -> dict[str, int]:
    """The line each top-level key (or table) first appears on: tomllib keeps no lines."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        found = _KEY_AT.match(line)
        if found and not line.lstrip().startswith("#"):
            lines.setdefault(found["key"], number)
    return lines


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"
