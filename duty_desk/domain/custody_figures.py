"""Concordat monitoring figures for young people in police custody, over a date range.

Councils are asked how often children stay in police cells after charge, and often cannot
say. These figures answer from every request recorded, not only the failures. They are
aggregate only: a ``CaseFacts`` carries no name, date of birth, custody record number or
other identifier, and the CSV holds nothing but labels, counts, medians and the period.

What each figure means (one case is one request for accommodation):

- **Period**: a case counts when its request was received (or the case opened, if no
  request step was recorded) on a Europe/London calendar day from ``start`` to ``end``,
  both included. A request at 00:30 BST on 1 April (23:30 UTC on 31 March) is April's.
- **Requests**: the cases in the period.
- **Accommodated**: the outcome is "transferred to council accommodation".
- **Bailed or released**, **remained in custody**: the outcomes of those names.
- **Still open**: no outcome recorded yet. Accommodated, bailed or released, remained in
  custody and still open add up to requests.
- **Overnight stays**: the young person spent the night in the cell after charge, whatever
  the outcome.
- **Request type**: secure, non-secure, or not recorded; the three add up to requests.
- **Remained in custody: why** (only cases that remained): the custody officer issued a
  certificate, for each reason category (or with no category recorded); no certificate
  was issued; or whether one was issued is not recorded. These add up to "remained".
- **Medians** (minutes, one decimal place, whole numbers without one): charge to request,
  request to the council's response, request to leaving custody, each over the cases with
  both times recorded; ``n`` is how many. The median is blank when ``n`` is 0.
- **By age band** (age at charge 10-13, 14-15, 16-17, not recorded), **by gender** and
  **by ethnicity** (the five Census groups, "not stated", or not recorded): for each
  group, requests, accommodated, remained in custody and overnight stays. Each breakdown's
  requests add up to the total.

Every count is given even when it is zero, so a reader can see that a category is empty.
The CSV's period dates are ISO 8601 (2026-11-01), which every spreadsheet reads the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from duty_desk.domain.choices import GENDERS
from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_choices import (
    CERTIFICATE_REASONS,
    ETHNIC_GROUPS,
    OUTCOMES,
    REQUEST_TYPES,
)
from duty_desk.domain.errors import ValidationError

NOT_RECORDED = "Not recorded"
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("10-13", 10, 13),
    ("14-15", 14, 15),
    ("16-17", 16, 17),
)
MIN_AGE, MAX_AGE = 10, 17
HEADER = ("section", "group", "measure", "value")
Row = tuple[str, str, str, str]  # section, group, measure, value
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What one case contributes to the figures; built by the service from a stored case."""

    requested_at: datetime  # UTC: request received, or the case opened if no request step
    age_at_charge: int | None
    gender: str | None  # an id of choices.GENDERS
    ethnicity: str | None  # an id of custody_choices.ETHNIC_GROUPS
    request_type: str | None  # an id of custody_choices.REQUEST_TYPES
    outcome: str | None  # an id of custody_choices.OUTCOMES; None while the case is open
    certificate_issued: bool | None
    certificate_reason: str | None  # an id of custody_choices.CERTIFICATE_REASONS
    overnight: bool
    charge_to_request: timedelta | None
    request_to_response: timedelta | None
    request_to_left: timedelta | None

    def __post_init__(self) -> None:
        if self.requested_at.utcoffset() is None:
            raise ValidationError(
                "The request time has no time zone, so its day cannot be told.", "requested_at"
            )
        age = self.age_at_charge
        if age is not None and not MIN_AGE <= age <= MAX_AGE:
            raise ValidationError(f"Age at charge {age} is outside 10 to 17.", "age_at_charge")
        for name, value, allowed in (
            ("gender", self.gender, GENDERS),
            ("ethnicity", self.ethnicity, ETHNIC_GROUPS),
            ("request_type", self.request_type, REQUEST_TYPES),
            ("outcome", self.outcome, OUTCOMES),
            ("certificate_reason", self.certificate_reason, CERTIFICATE_REASONS),
        ):
            if value is not None and value not in allowed:
                raise ValidationError(f"Unknown {name.replace('_', ' ')} '{value}'.", name)
        for name, words, span in (
            ("charge_to_request", "charge to request", self.charge_to_request),
            ("request_to_response", "request to response", self.request_to_response),
            ("request_to_left", "request to leaving custody", self.request_to_left),
        ):
            if span is not None and span < timedelta(0):
                raise ValidationError(f"The time from {words} is negative ({span}).", name)


@dataclass(frozen=True, slots=True)
class Tally:
    """One labelled count, such as a reason for remaining in custody."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Group:
    """One row of a breakdown (an age band, a gender, an ethnic group)."""

    label: str
    requests: int
    accommodated: int
    remained: int
    overnight: int


@dataclass(frozen=True, slots=True)
class Median:
    """The median of one duration, over the ``n`` cases with both times recorded."""

    value: timedelta | None  # None when n is 0
    n: int

    @property
    def minutes(self) -> float | None:
        """The median in minutes, to one decimal place."""
        if self.value is None:
            return None
        return round(self.value.total_seconds() / 60, 1)


@dataclass(frozen=True, slots=True)
class Figures:
    """The monitoring figures for the London-local dates ``start`` to ``end`` inclusive."""

    start: date
    end: date
    requests: int
    secure: int
    non_secure: int
    type_not_recorded: int
    accommodated: int
    bailed_released: int
    remained: int
    still_open: int
    overnight: int
    certified: tuple[Tally, ...]  # remained with a certificate, per reason (+ not recorded)
    no_certificate: int  # remained, no certificate issued
    certificate_not_recorded: int  # remained, not recorded whether one was issued
    charge_to_request: Median
    request_to_response: Median
    request_to_left: Median
    by_age_band: tuple[Group, ...]
    by_gender: tuple[Group, ...]
    by_ethnicity: tuple[Group, ...]

    @property
    def cases(self) -> int:
        """How many cases the figures cover (the same as ``requests``)."""
        return self.requests


def local_day(moment: datetime) -> date:
    """The Europe/London calendar day of a UTC moment."""
    return moment.astimezone(LONDON).date()


def in_range(cases: Iterable[CaseFacts], start: date, end: date) -> list[CaseFacts]:
    """The cases whose request's London-local day is from ``start`` to ``end`` inclusive."""
    _check_period(start, end)
    return [case for case in cases if start <= local_day(case.requested_at) <= end]


def figures(cases: Iterable[CaseFacts], start: date, end: date) -> Figures:
    """The figures for the cases requested from ``start`` to ``end`` (London dates)."""
    chosen = in_range(cases, start, end)
    remained = [case for case in chosen if case.outcome == "remained"]
    return Figures(
        start=start,
        end=end,
        requests=len(chosen),
        secure=_count(chosen, lambda c: c.request_type == "secure"),
        non_secure=_count(chosen, lambda c: c.request_type == "non_secure"),
        type_not_recorded=_count(chosen, lambda c: c.request_type is None),
        accommodated=_count(chosen, lambda c: c.outcome == "transferred"),
        bailed_released=_count(chosen, lambda c: c.outcome == "bailed_released"),
        remained=len(remained),
        still_open=_count(chosen, lambda c: c.outcome is None),
        overnight=_count(chosen, lambda c: c.overnight),
        certified=_certified(remained),
        no_certificate=_count(remained, lambda c: c.certificate_issued is False),
        certificate_not_recorded=_count(remained, lambda c: c.certificate_issued is None),
        charge_to_request=_median([c.charge_to_request for c in chosen]),
        request_to_response=_median([c.request_to_response for c in chosen]),
        request_to_left=_median([c.request_to_left for c in chosen]),
        by_age_band=_breakdown(chosen, _age_band, [band for band, _, _ in AGE_BANDS]),
        by_gender=_breakdown(chosen, lambda c: _label(GENDERS, c.gender), GENDERS.values()),
        by_ethnicity=_breakdown(
            chosen, lambda c: _label(ETHNIC_GROUPS, c.ethnicity), ETHNIC_GROUPS.values()
        ),
    )


def rows(figures: Figures) -> list[Row]:
    """Every figure as (section, group, measure, value), in the order the CSV gives them."""
    return [
        ("period", "", "from", figures.start.isoformat()),
        ("period", "", "to", figures.end.isoformat()),
        *_total_rows(figures),
        *_why_rows(figures),
        *_median_rows(figures),
        *_group_rows("by age band", figures.by_age_band),
        *_group_rows("by gender", figures.by_gender),
        *_group_rows("by ethnicity", figures.by_ethnicity),
    ]


def to_csv(figures: Figures, marking: str = "OFFICIAL-SENSITIVE") -> str:
    """The figures as CSV: the marking, a header, one row per figure, the marking again."""
    marking = marking.strip()
    if not marking:
        raise ValidationError("The protective marking is blank; every export must carry one.")
    if marking.startswith(_FORMULA_STARTS):
        marking = "'" + marking  # a spreadsheet would run it as a formula
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([marking])
    writer.writerow(HEADER)
    writer.writerows(rows(figures))
    writer.writerow([marking])
    return buffer.getvalue()


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise ValidationError(
            f"The period starts on {start:%d/%m/%Y}, after it ends on {end:%d/%m/%Y}.", "start"
        )


def _count(cases: Iterable[CaseFacts], test: Callable[[CaseFacts], bool]) -> int:
    return sum(1 for case in cases if test(case))


def _label(labels: Mapping[str, str], key: str | None) -> str:
    return NOT_RECORDED if key is None else labels[key]


def _age_band(case: CaseFacts) -> str:
    age = case.age_at_charge
    for band, low, high in AGE_BANDS:
        if age is not None and low <= age <= high:
            return band
    return NOT_RECORDED


def _certified(remained: list[CaseFacts]) -> tuple[Tally, ...]:
    issued = [case for case in remained if case.certificate_issued]
    reasons = [case.certificate_reason for case in issued]
    tallies = [
        Tally(f"Certificate issued: {label}", reasons.count(key))
        for key, label in CERTIFICATE_REASONS.items()
    ]
    return (*tallies, Tally("Certificate issued: reason not recorded", reasons.count(None)))


def _breakdown(
    cases: list[CaseFacts], group_of: Callable[[CaseFacts], str], labels: Iterable[str]
) -> tuple[Group, ...]:
    groups: list[Group] = []
    for label in (*labels, NOT_RECORDED):
        members = [case for case in cases if group_of(case) == label]
        groups.append(
            Group(
                label=label,
                requests=len(members),
                accommodated=_count(members, lambda c: c.outcome == "transferred"),
                remained=_count(members, lambda c: c.outcome == "remained"),
                overnight=_count(members, lambda c: c.overnight),
            )
        )
    return tuple(groups)


def _median(spans: Iterable[timedelta | None]) -> Median:
    known = sorted(span for span in spans if span is not None)
    if not known:
        return Median(None, 0)
    middle = len(known) // 2
    if len(known) % 2:
        return Median(known[middle], len(known))
    return Median((known[middle - 1] + known[middle]) / 2, len(known))


def _minutes(median: Median) -> str:
    minutes = median.minutes
    if minutes is None:
        return ""
    text = f"{minutes:.1f}"
    return text.removesuffix(".0")


def _total_rows(figures: Figures) -> list[Row]:
    totals = (
        ("requests", figures.requests),
        ("accommodated", figures.accommodated),
        ("bailed or released", figures.bailed_released),
        ("remained in custody", figures.remained),
        ("still open", figures.still_open),
        ("overnight stays", figures.overnight),
    )
    request_types = (
        (REQUEST_TYPES["secure"], figures.secure),
        (REQUEST_TYPES["non_secure"], figures.non_secure),
        (NOT_RECORDED, figures.type_not_recorded),
    )
    return [
        *(("totals", "", measure, str(count)) for measure, count in totals),
        *(("request type", group, "requests", str(count)) for group, count in request_types),
    ]


def _why_rows(figures: Figures) -> list[Row]:
    why = (
        *((tally.label, tally.count) for tally in figures.certified),
        ("No certificate issued", figures.no_certificate),
        ("Certificate not recorded", figures.certificate_not_recorded),
    )
    return [("remained in custody: why", group, "requests", str(count)) for group, count in why]


def _median_rows(figures: Figures) -> list[Row]:
    out: list[Row] = []
    for name, median in (
        ("charge to request", figures.charge_to_request),
        ("request to response", figures.request_to_response),
        ("request to leaving custody", figures.request_to_left),
    ):
        out.append(("medians", "", f"{name} (minutes)", _minutes(median)))
        out.append(("medians", "", f"{name} (n)", str(median.n)))
    return out


def _group_rows(section: str, groups: tuple[Group, ...]) -> list[Row]:
    out: list[Row] = []
    for group in groups:
        out += [
            (section, group.label, "requests", str(group.requests)),
            (section, group.label, "accommodated", str(group.accommodated)),
            (section, group.label, "remained in custody", str(group.remained)),
            (section, group.label, "overnight stays", str(group.overnight)),
        ]
    return out
