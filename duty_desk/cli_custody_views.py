"""What the custody commands print: a case in full, a line of the list, the figures.

Printed for ``duty_desk.cli_custody``; names and times as the tracker shows them (London
time, en-GB dates, labels for choices). The caller prints the marking above and below.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from duty_desk.domain import custody_choices as choices

if TYPE_CHECKING:
    from duty_desk.domain.custody_clocks import Thresholds
    from duty_desk.domain.custody_figures import Figures
    from duty_desk.domain.custody_records import Case, Provider


def print_row(case: Case, now: datetime, limits: Thresholds) -> None:
    """One case of ``custody list``: its clocks, then its suite and warnings under it."""
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.custody_clocks import clocks, warnings

    ticking = clocks(case.instants, now)
    review = "" if ticking.next_review is None else show_local(ticking.next_review)
    if ticking.review_overdue:
        review += " OVERDUE"
    age = case.content.get("age_at_charge")
    who = one_line(case.name) + (f" ({age})" if age is not None else "")
    since_charge, since_request = span_text(ticking.since_charge), span_text(ticking.since_request)
    print(
        f"{case.reference:<20} {case.status:<7} {who[:26]:<26} {since_charge:<13} "
        f"{since_request:<14} {span_text(ticking.unanswered):<13} {review}".rstrip()
    )
    print(f"{'':<20} {one_line(str(case.content.get('custody_suite', '')))}")
    for warning in warnings(case.instants, now, limits):
        print(f"{'':<20} WARNING: {warning.text}")


def print_case(case: Case, now: datetime, limits: Thresholds) -> None:
    """``custody show``: the details, the timeline, the clocks, warnings and Code C."""
    from duty_desk.domain.custody import code_c_concerns

    _print_header(case)
    _print_fields(case)
    _print_timeline(case)
    _print_clocks(case, now, limits)
    concerns = code_c_concerns(case.content)
    if concerns:
        print("\nCode C")
        for concern in concerns:
            print(f"  {concern}")


def _print_header(case: Case) -> None:
    from duty_desk.domain.clock import show_local

    status = "Open" if case.open else "Closed"
    said = f"{case.reference}  {status}, opened {show_local(case.opened_at)}"
    if case.closed_at is not None:
        said += f", closed {show_local(case.closed_at)}"
    print(said)
    if case.enquiry_reference:
        print(f"Enquiry {case.enquiry_reference}")
    _print_decision(case)


def _print_decision(case: Case) -> None:
    """The council's decision (the enquiry's) and where its sign-off stands."""
    from duty_desk.domain.signoff import SignoffState
    from duty_desk.services.lists import decision_types

    if not case.decision_type:
        print("Decision: none yet")
        return
    print(f"Decision: {decision_types().labels.get(case.decision_type, case.decision_type)}")
    if case.signoff_state in set(SignoffState):
        print(f"Sign-off: {SignoffState(case.signoff_state).label}")


def _print_fields(case: Case) -> None:
    from duty_desk.domain.custody import FIELDS, SECTIONS

    for section in SECTIONS:
        fields = [f for f in FIELDS.values() if f.section == section and f.name in case.content]
        if fields:
            print(f"\n{section}")
        for field in fields:
            lines = _shown(field.name, case.content[field.name]).split("\n")
            print(f"  {field.label}: {lines[0]}")
            for line in lines[1:]:
                print(f"    {line}")


def _shown(name: str, value: object) -> str:
    from duty_desk.domain.custody import FIELDS
    from duty_desk.domain.enquiry_fields import Kind

    field = FIELDS.get(name)
    if field is None:
        return str(value)
    if field.kind is Kind.DATE:
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
    if field.kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if field.kind is Kind.CHOICE:
        return (field.options or {}).get(str(value), str(value))
    return str(value)


def _print_timeline(case: Case) -> None:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.events import parse_instant

    print("\nTimeline (London time)")
    if not case.steps:
        print("  Nothing recorded yet.")
    for step in case.steps:
        print(f"  {show_local(parse_instant(step['at']))}  {step_words(step)}")


def step_words(step: dict[str, Any]) -> str:
    """A step in words: what happened, the placement and its answer, who, and the note."""
    if step["kind"] == "note":
        return f"Note: {one_line(step.get('note', ''))}"
    said = str(choices.STEP_KINDS.get(step["kind"], step["kind"]))
    if step.get("placement"):
        said += f": {one_line(step['placement'])}"
    if step.get("answer"):
        said += f" — {choices.ANSWERS.get(step['answer'], step['answer'])}"
    if step.get("by"):
        said += f" (by {one_line(step['by'])})"
    if step.get("note"):
        said += f". {one_line(step['note'])}"
    return said


def _print_clocks(case: Case, now: datetime, limits: Thresholds) -> None:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.custody_clocks import clocks, warnings

    ticking = clocks(case.instants, now)
    print("\nClocks" + ("" if ticking.in_custody else " (stopped: out of custody)"))
    print(f"  Since charge: {span_text(ticking.since_charge) or 'no charge recorded'}")
    print(f"  Since the request: {span_text(ticking.since_request) or 'no request recorded'}")
    if ticking.unanswered is not None:
        print(f"  Request unanswered: {span_text(ticking.unanswered)}")
    if ticking.next_review is not None:
        overdue = " (OVERDUE)" if ticking.review_overdue else ""
        print(f"  Next PACE review: {show_local(ticking.next_review)}{overdue}")
    found = warnings(case.instants, now, limits)
    if found:
        print("\nWarnings")
        for warning in found:
            print(f"  {warning.text}")


WIDE = 48  # the labels' column in the figures


def print_figures(found: Figures) -> None:
    """The monitoring figures as a table: totals, why young people stayed, medians, groups."""
    _line("Requests", found.requests)
    for label, count in (
        ("  secure", found.secure),
        ("  non-secure", found.non_secure),
        ("  type not recorded", found.type_not_recorded),
        ("Accommodated", found.accommodated),
        ("Bailed or released", found.bailed_released),
        ("Remained in custody", found.remained),
        *((f"  {tally.label}", tally.count) for tally in found.certified),
        ("  No certificate issued", found.no_certificate),
        ("  Certificate not recorded", found.certificate_not_recorded),
        ("Still open", found.still_open),
        ("Overnight stays", found.overnight),
    ):
        _line(label, count)
    print()
    _line("Median times", "min", "cases")
    for label, median in (
        ("  charge to request", found.charge_to_request),
        ("  request to response", found.request_to_response),
        ("  request to leaving custody", found.request_to_left),
    ):
        _line(label, "—" if median.minutes is None else f"{median.minutes:g}", median.n)
    for title, groups in (
        ("By age band", found.by_age_band),
        ("By gender", found.by_gender),
        ("By ethnic group", found.by_ethnicity),
    ):
        print()
        _line(title, "asked", "placed", "cell", "night")
        for g in groups:
            _line(f"  {g.label}", g.requests, g.accommodated, g.remained, g.overnight)
    print("\n(asked: requests; placed: accommodated; cell: remained in custody; night: overnight)")


def _line(label: str, *values: object) -> None:
    if len(label) > WIDE:  # a long label on its own line, its figures under the column
        print(label)
        label = ""
    print(f"{label:<{WIDE}}" + "".join(f" {value!s:>6}" for value in values))


def print_providers(found: list[Provider]) -> None:
    print(f"{'NAME':<38} {'TYPE':<24} {'SECURE':<7} {'PACE':<5} {'PHONE':<16} STATUS")
    for p in found:
        print(
            f"{one_line(p.name)[:38]:<38} {choices.PROVIDER_TYPES.get(p.type, p.type):<24} "
            f"{_yes(p.secure):<7} {_yes(p.accepts_pace):<5} {one_line(p.phone)[:16]:<16} "
            f"{'active' if p.active else 'retired'}"
        )
        if p.notes:
            print(f"{'':<38} {one_line(p.notes)}")
    print(f"{len(found)} {'placement' if len(found) == 1 else 'placements'}.")


def span_text(span: timedelta | None) -> str:
    from duty_desk.domain.custody_clocks import duration_text

    return "" if span is None else duration_text(span)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def one_line(text: str) -> str:
    return " ".join(text.split())
