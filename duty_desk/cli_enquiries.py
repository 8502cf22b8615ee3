"""The command line's shift and enquiry commands (registered by ``duty_desk.cli``).

Each takes the signed-in session and the parsed arguments and returns the exit status.
What they print about children carries the protective marking above and below.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from duty_desk.domain.errors import NotFound

if TYPE_CHECKING:
    from duty_desk.domain.records import Shift
    from duty_desk.services.context import SignedIn


def shift_start(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.records import Contact
    from duty_desk.services.shifts import start_shift

    senior = Contact(args.senior, args.senior_phone)
    shift = start_shift(session, args.on_duty, senior, Contact(args.manager, args.manager_phone))
    print("Shift started.")
    _print_shift(session, shift)
    return 0


def shift_end(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.shifts import end_shift

    ended = end_shift(session, _running_shift(session).id)
    assert ended.ended_at is not None
    print(f"Shift ended at {show_local(ended.ended_at)}.")
    return 0


def shift_show(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.shifts import current_shift

    shift = current_shift(session)
    if shift is None:
        print("No shift is running on this desk.")
    else:
        _print_shift(session, shift)
    return 0


def _running_shift(session: SignedIn, hint: str = "") -> Shift:
    from duty_desk.services.shifts import current_shift

    shift = current_shift(session)
    if shift is None:
        raise NotFound("No shift is running on this desk" + (f": {hint}." if hint else "."))
    return shift


def _print_shift(session: SignedIn, shift: Shift) -> None:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.enquiry_lists import ListQuery, count_enquiries

    print(f"Started:    {show_local(shift.started_at)}")
    print(f"On duty:    {', '.join(shift.on_duty)}")
    print(f"Senior:     {shift.senior.name}, {shift.senior.phone}")
    print(f"Manager:    {shift.manager.name}, {shift.manager.phone}")
    print(f"Enquiries:  {count_enquiries(session, ListQuery(shift_id=shift.id))}")


def enquiries_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.enquiry_lists import PAGE_MAX, ListQuery, list_enquiries

    shift_id = None if args.all else _running_shift(session, "add --all to list them all").id
    query = ListQuery(shift_id=shift_id, text=args.search)
    page = list_enquiries(session, query, 0, PAGE_MAX)
    rows, total = list(page.rows), page.total
    while len(rows) < total:
        rows += list_enquiries(session, query, len(rows), PAGE_MAX).rows
    marking = _marking(session)
    print(marking)
    print(f"{'RECEIVED':<17} {'REFERENCE':<21} {'CHILD':<28} {'STATUS':<8} DECISION")
    for row in rows:
        child = _one_line(row.child_name)[:28]
        print(
            f"{show_local(row.received_at):<17} {row.reference:<21} {child:<28} "
            f"{row.status.label:<8} {row.decision}".rstrip()
        )
    print(f"{total} {'enquiry' if total == 1 else 'enquiries'}.")
    print(marking)
    return 0


def enquiries_show(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.enquiry_fields import FIELDS, SECTIONS
    from duty_desk.services.enquiries import open_enquiry
    from duty_desk.services.enquiry_lists import find_by_reference

    enquiry = open_enquiry(session, find_by_reference(session, args.reference))
    marking = _marking(session)
    print(marking)
    print(f"{enquiry.reference}  {enquiry.status.label}, version {enquiry.version}")
    print(f"Decision due {show_local(enquiry.decision_due)}; ", end="")
    print(f"handover due {show_local(enquiry.handover_due)}")
    for section in SECTIONS:
        fields = [f for f in FIELDS.values() if f.section == section and f.name in enquiry.content]
        if fields:
            print(f"\n{section}")
        for field in fields:
            lines = _shown(field.name, enquiry.content[field.name]).split("\n")
            print(f"  {field.label}: {lines[0]}")
            for line in lines[1:]:
                print(f"    {line}")
    print(f"\n{marking}")
    return 0


def enquiries_history(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.enquiry_fields import FIELDS
    from duty_desk.services.enquiries import history
    from duty_desk.services.enquiry_lists import find_by_reference

    lines = history(session, find_by_reference(session, args.reference))
    marking = _marking(session)
    print(marking)
    for line in lines:
        said = f"{show_local(line.at)}  v{line.version}  {line.who}: {line.what}"
        if line.field:
            label = FIELDS[line.field].label if line.field in FIELDS else line.field
            before, after = (_brief(line.field, v) for v in (line.before, line.after))
            said += f" {label}: {before} → {after}"
        print(said)
    print(marking)
    return 0


def _marking(session: SignedIn) -> str:
    from duty_desk.services.settings import load_settings

    return f"[{load_settings(session.desk.paths.settings).marking}]"


def _one_line(text: str) -> str:
    return " ".join(text.split())  # no line or paragraph separators inside a table cell


def _brief(name: str, value: object) -> str:
    if value is None:
        return "(empty)"
    text = _one_line(_shown(name, value))
    return text if len(text) <= 60 else text[:59] + "…"


def _shown(name: str, value: object) -> str:
    """A stored value in words: labels for choices, London times, en-GB dates."""
    from duty_desk.domain.enquiry_fields import FIELDS
    from duty_desk.domain.field_words import in_words
    from duty_desk.services.lists import decision_types

    return in_words(FIELDS.get(name), value, decision_types().labels)
