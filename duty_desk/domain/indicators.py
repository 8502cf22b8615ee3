"""Performance indicators for the safeguarding board, over a range of nights.

Aggregate only: every figure is a count, a share or a duration. The facts they are made
from (``EnquiryFacts``, ``HandoverFacts``, ``CustodyFacts``) carry no name, date of birth
or reference, so nothing here can name a child.

What each figure means:

- **Night**: the duty team's night runs from 09:00 to 09:00 the next day, London time. A
  call at 02:30 on Sunday belongs to Saturday's night; a call at 14:00 on Saturday (the
  team covers weekends) to Saturday's too. A range of nights ``start`` to ``end`` covers
  09:00 on ``start`` to 09:00 the day after ``end``, both in London time, so a night across
  a clock change is 23 or 25 hours long and still one night.
- **Enquiries per night** and **by decision type**: enquiries received in the range; those
  not decided yet are counted as "Not decided yet".
- **Time to sign-off** (median and longest): from the decision being made to its sign-off
  in the app (approved, or a verbal sign-off confirmed), over decisions signed off.
- **Verbal sign-offs awaiting confirmation**: decisions whose sign-off was given by phone or
  in person and not yet confirmed in the app.
- **Overdue sign-offs**: decisions still waiting (for sign-off or for confirmation) past
  their time limit now.
- **Child's voice recorded**: of the decisions made, the share with the child's own words,
  wishes and feelings written down. Those without are split into "reason given" (why the
  child was not seen or heard) and "nothing recorded".
- **Handover acknowledged by 09:00**: of the handover items whose due time (09:00 on the
  next working day) has passed, the share a named person acknowledged by then. Items not
  due yet are counted apart.
- **Custody requests**, **transfers** (to council accommodation) and **overnight stays**
  (a night, 00:00-06:00, in the cell after charge), counted by the night of the request.
- **Appropriate adult response** (median and longest): from the appropriate adult being
  requested to arriving, over the cases with both recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from duty_desk.domain.clock import LONDON
from duty_desk.domain.errors import ValidationError

NIGHT_TURNS = time(9, 0)  # the night hands over to the day at 09:00
LONGEST_RANGE = 366  # nights
NOT_DECIDED = "Not decided yet"


@dataclass(frozen=True, slots=True)
class EnquiryFacts:
    """What one enquiry contributes (built by the service; no name, no reference)."""

    received_at: datetime  # UTC
    decision_type: str | None  # the label shown; None while not decided
    child_words: bool  # the child's own words, wishes and feelings written down
    voice_reason: bool  # why the child was not seen or heard, written down
    signoff_state: str | None  # a SignoffState value; None while not decided
    decided_at: datetime | None  # when this decision version was made
    signed_off_at: datetime | None  # approved, or verbal confirmed; else None
    deadline: datetime | None  # the time limit of what it still waits for, if anything


@dataclass(frozen=True, slots=True)
class HandoverFacts:
    submitted_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class CustodyFacts:
    requested_at: datetime  # the request received (or the case opened)
    transferred: bool
    overnight: bool
    aa_requested: datetime | None
    aa_arrived: datetime | None


@dataclass(frozen=True, slots=True)
class Count:
    """One labelled count: a night's enquiries, a decision type."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``of``; no percentage when ``of`` is 0."""

    count: int
    of: int

    @property
    def percent(self) -> float | None:
        return None if self.of == 0 else round(100 * self.count / self.of, 1)

    def text(self) -> str:
        percent = self.percent
        if percent is None:
            return "none to count"
        return f"{_number(percent)}% ({self.count} of {self.of})"


@dataclass(frozen=True, slots=True)
class Spread:
    """The median and longest of some durations, over ``n`` of them."""

    median: timedelta | None
    longest: timedelta | None
    n: int


@dataclass(frozen=True, slots=True)
class Indicators:
    start: date
    end: date
    worked_out_at: datetime
    per_night: tuple[Count, ...]  # one per night, labelled dd/mm/yyyy, in order
    by_decision: tuple[Count, ...]  # the types that occur, most first; then not decided
    time_to_signoff: Spread
    verbal_awaiting: int
    overdue_signoffs: int
    voice_recorded: Share
    voice_reason_only: int
    voice_nothing: int
    handover_on_time: Share
    handover_not_due: int
    custody_requests: int
    transfers: int
    overnight_stays: int
    aa_response: Spread

    @property
    def enquiries(self) -> int:
        return sum(night.count for night in self.per_night)

    @property
    def nights(self) -> int:
        return len(self.per_night)


def check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            f"The range ends on {end:%d/%m/%Y}, before it starts on {start:%d/%m/%Y}.", "end"
        )
    if (end - start).days + 1 > LONGEST_RANGE:
        raise ValidationError(f"Ask for {LONGEST_RANGE} nights or fewer at a time.", "end")


def night_starts(night: date) -> datetime:
    """09:00 London time on ``night``'s date, as an aware datetime."""
    return datetime.combine(night, NIGHT_TURNS, LONDON)


def night_of(moment: datetime) -> date:
    """The night a moment belongs to: its London date, or the day before if before 09:00."""
    if moment.utcoffset() is None:
        raise ValidationError("A time with no time zone cannot be placed in a night.")
    local = moment.astimezone(LONDON)
    return local.date() - timedelta(days=1) if local.time() < NIGHT_TURNS else local.date()


def indicators(
    start: date,
    end: date,
    now: datetime,
    enquiries: Iterable[EnquiryFacts],
    handover: Iterable[HandoverFacts],
    custody: Iterable[CustodyFacts],
) -> Indicators:
    """The indicators for the nights ``start`` to ``end``; facts outside them are left out."""
    check_range(start, end)

    def inside(moment: datetime) -> bool:
        return start <= night_of(moment) <= end

    calls = [e for e in enquiries if inside(e.received_at)]
    items = [h for h in handover if inside(h.submitted_at)]
    cases = [c for c in custody if inside(c.requested_at)]
    decided = [e for e in calls if e.decision_type is not None]
    waiting = [e for e in decided if e.signoff_state in ("awaiting", "verbal")]
    due = [h for h in items if h.due_at <= now]
    return Indicators(
        start=start,
        end=end,
        worked_out_at=now,
        per_night=_per_night(start, end, calls),
        by_decision=_by_decision(calls),
        time_to_signoff=spread(
            e.signed_off_at - e.decided_at for e in decided if e.signed_off_at and e.decided_at
        ),
        verbal_awaiting=sum(1 for e in waiting if e.signoff_state == "verbal"),
        overdue_signoffs=sum(1 for e in waiting if e.deadline is not None and now > e.deadline),
        voice_recorded=Share(sum(1 for e in decided if e.child_words), len(decided)),
        voice_reason_only=sum(1 for e in decided if not e.child_words and e.voice_reason),
        voice_nothing=sum(1 for e in decided if not e.child_words and not e.voice_reason),
        handover_on_time=Share(
            sum(1 for h in due if h.acknowledged_at and h.acknowledged_at <= h.due_at), len(due)
        ),
        handover_not_due=len(items) - len(due),
        custody_requests=len(cases),
        transfers=sum(1 for c in cases if c.transferred),
        overnight_stays=sum(1 for c in cases if c.overnight),
        aa_response=spread(
            c.aa_arrived - c.aa_requested
            for c in cases
            if c.aa_requested and c.aa_arrived and c.aa_arrived >= c.aa_requested
        ),
    )


def spread(durations: Iterable[timedelta]) -> Spread:
    known = sorted(d for d in durations if d >= timedelta(0))
    if not known:
        return Spread(None, None, 0)
    middle = len(known) // 2
    median = known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2
    return Spread(median, known[-1], len(known))


def duration_text(span: timedelta | None) -> str:
    """A duration as people say it: "1 h 05 min", "45 min"; a dash when there is none."""
    if span is None:
        return "—"
    minutes = round(span.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def rows(found: Indicators) -> list[tuple[str, str]]:
    """The headline figures as (what, value), in the order the report and the app show."""
    signoff, aa = found.time_to_signoff, found.aa_response
    return [
        ("Nights", str(found.nights)),
        ("Enquiries", str(found.enquiries)),
        ("Time to sign-off: median", _with_n(signoff.median, signoff.n)),
        ("Time to sign-off: longest", duration_text(signoff.longest)),
        ("Verbal sign-offs awaiting confirmation", str(found.verbal_awaiting)),
        ("Overdue sign-offs", str(found.overdue_signoffs)),
        ("Decisions with the child's voice recorded", found.voice_recorded.text()),
        ("… without it, reason given", str(found.voice_reason_only)),
        ("… without it, nothing recorded", str(found.voice_nothing)),
        ("Handover items acknowledged by 09:00", found.handover_on_time.text()),
        ("Handover items not due yet", str(found.handover_not_due)),
        ("Custody requests", str(found.custody_requests)),
        ("Transfers to council accommodation", str(found.transfers)),
        ("Overnight stays in police custody", str(found.overnight_stays)),
        ("Appropriate adult response: median", _with_n(aa.median, aa.n)),
        ("Appropriate adult response: longest", duration_text(aa.longest)),
    ]


def _with_n(span: timedelta | None, n: int) -> str:
    return "— (none to count)" if span is None else f"{duration_text(span)} (of {n})"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _per_night(start: date, end: date, calls: Sequence[EnquiryFacts]) -> tuple[Count, ...]:
    counts: dict[date, int] = {}
    for call in calls:
        night = night_of(call.received_at)
        counts[night] = counts.get(night, 0) + 1
    days = (end - start).days + 1
    nights = (start + timedelta(days=n) for n in range(days))
    return tuple(Count(f"{night:%d/%m/%Y}", counts.get(night, 0)) for night in nights)


def _by_decision(calls: Sequence[EnquiryFacts]) -> tuple[Count, ...]:
    tally: dict[str, int] = {}
    for call in calls:
        if call.decision_type is not None:
            tally[call.decision_type] = tally.get(call.decision_type, 0) + 1
    ordered = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
    undecided = sum(1 for call in calls if call.decision_type is None)
    return (*(Count(label, count) for label, count in ordered), Count(NOT_DECIDED, undecided))
