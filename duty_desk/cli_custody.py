"""The command line's custody and placements commands (registered by ``duty_desk.cli``).

``duty-desk custody ...`` records a young person in police custody (PACE s.38(6)) the way
the tracker does: open the case, add what happened and when, close it with the outcome,
record the council's decision, and give the monitoring figures. ``duty-desk providers
...`` keeps the placements directory. Cases are named by their reference; times typed
with ``--at`` are London wall-clock times, asked about in the repeated autumn hour and
refused in the missing spring hour. What is printed about a child carries the marking.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from duty_desk import cli_custody_views as views
from duty_desk.domain import custody_choices as choices
from duty_desk.domain.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from duty_desk.domain.custody_records import Case, Provider
    from duty_desk.services.context import SignedIn

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Action = Callable[["SignedIn", argparse.Namespace], int]
Add = Callable[[Commands, str, Action, str], argparse.ArgumentParser]

_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\S+)(.*)$")
# The council's decisions in a custody case: services.custody.DECISIONS (a test keeps them
# the same), written out so that building the parser loads no database code.
DECISIONS = (
    "pace_non_secure",
    "pace_secure_provided",
    "pace_secure_not_justified",
    "pace_secure_not_available",
    "pace_not_provided",
)


# --- custody -------------------------------------------------------------------------------


def custody_open(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.custody import open_case
    from duty_desk.services.enquiry_lists import find_by_reference

    given = {
        "custody_suite": args.suite,
        "yp_name": args.name,
        "age_at_charge": args.age,
        "custody_number": args.custody_number,
        "officer_name": args.officer,
        "officer_contact": args.contact,
        "yp_gender": args.gender,
        "yp_ethnicity": args.ethnicity,
        "yp_views": args.views,
    }
    enquiry_id = find_by_reference(session, args.enquiry) if args.enquiry else None
    case = open_case(session, {k: v for k, v in given.items() if v}, enquiry_id=enquiry_id)
    print(f"Opened {case.reference} for {case.name} at {args.suite}.")
    if case.enquiry_reference:
        print(f"The council's decision is recorded on enquiry {case.enquiry_reference}.")
    return 0


def custody_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.cli_enquiries import _marking
    from duty_desk.services.custody import open_cases, recent_cases, thresholds

    cases = recent_cases(session) if args.all else open_cases(session)
    limits, now = thresholds(session), session.desk.clock()
    marking = _marking(session)
    print(marking)
    print(
        f"{'REFERENCE':<20} {'STATUS':<7} {'YOUNG PERSON':<26} {'SINCE CHARGE':<13} "
        f"{'SINCE REQUEST':<14} {'UNANSWERED':<13} NEXT REVIEW"
    )
    for case in cases:
        views.print_row(case, now, limits)
    what = "case" if len(cases) == 1 else "cases"
    print(f"{len(cases)} {what}." if args.all else f"{len(cases)} open {what}.")
    print(marking)
    return 0


def custody_show(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.cli_enquiries import _marking
    from duty_desk.services.custody import find_case, get_case, thresholds

    case = get_case(session, find_case(session, args.reference))
    marking = _marking(session)
    print(marking)
    views.print_case(case, session.desk.clock(), thresholds(session))
    print(f"\n{marking}")
    return 0


def custody_step(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.custody_clocks import warnings
    from duty_desk.services.custody import add_step, find_case, get_case, thresholds

    case = get_case(session, find_case(session, args.reference), record_view=False)
    at = _at(args) if args.at or args.bst or args.gmt else session.desk.clock()
    step: dict[str, Any] = {"kind": args.kind, "at": at, "note": args.note, "by": args.by}
    if args.placement:
        step["placement"] = args.placement
        step["provider_id"] = _provider_id(session, args.placement)
    if args.answer:
        step["answer"] = args.answer
    case = add_step(session, case.id, {k: v for k, v in step.items() if v}, case.updated_at)
    print(f"{case.reference}: {show_local(at)}  {views.step_words(_added(case, args.kind, at))}")
    for warning in warnings(case.instants, session.desk.clock(), thresholds(session)):
        print(f"WARNING: {warning.text}")
    return 0


def _added(case: Case, kind: str, at: datetime) -> dict[str, Any]:
    from duty_desk.domain.events import parse_instant

    same = [s for s in case.steps if s["kind"] == kind and parse_instant(s["at"]) == at]
    return same[-1]


def _at(args: argparse.Namespace) -> datetime:
    """``--at`` as UTC: 21/11/2026 23:40 or 2026-11-21 23:40, London time; ``--bst`` or
    ``--gmt`` (or the word after the time) says which of the repeated autumn hour."""
    from duty_desk.cli_signoff import _london

    if args.at is None:
        raise ValidationError("--bst and --gmt say which of a repeated hour --at means: give --at.")
    text = " ".join(args.at.split())
    found = _DAY_FIRST.match(text)
    if found:
        day, month, year, clock, rest = found.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d} {clock}{rest}"
    zone = "BST" if args.bst else "GMT" if args.gmt else ""
    return _london(f"{text} {zone}".strip())


def _provider_id(session: SignedIn, placement: str) -> str | None:
    """The directory entry a typed placement names, if it names one; free text otherwise."""
    from duty_desk.services.providers import providers

    for provider in providers(session):
        if provider.name.casefold() == placement.strip().casefold():
            return provider.id
    return None


def custody_close(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.custody import code_c_concerns
    from duty_desk.services.custody import close_case, find_case, get_case

    case = get_case(session, find_case(session, args.reference), record_view=False)
    outcome = {
        "outcome": args.outcome,
        "placement_type": args.placement_type,
        "certificate_issued": None if args.certificate is None else args.certificate == "yes",
        "certificate_reason": args.certificate_reason,
        "certificate_text": args.certificate_text,
        "remained_reason": args.remained_reason,
        "challenge": args.challenge,
        "escalation": args.escalation,
    }
    given = {k: v for k, v in outcome.items() if v is not None and v != ""}
    case = close_case(session, case.id, given, case.updated_at)
    print(f"Closed {case.reference}: {choices.OUTCOMES[args.outcome]}.")
    for concern in code_c_concerns(case.content):
        print(f"Code C concern: {concern}")
    return 0


def custody_decide(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.custody import decide, find_case
    from duty_desk.services.lists import decision_types
    from duty_desk.services.signoff import signoff_of

    fields = {"decision_type": args.decision, "rationale": args.rationale, "risk_rating": args.risk}
    saved = decide(session, find_case(session, args.reference), fields)
    enquiry = saved.enquiry
    label = decision_types().labels.get(args.decision, args.decision)
    print(f"Decision recorded on enquiry {enquiry.reference} (version {enquiry.version}): {label}.")
    found = signoff_of(session, enquiry.id)
    print(f"Sign-off: {found.state.label}." if found else "Sign-off: none needed.")
    return 0


def custody_figures(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.cli_enquiries import _marking
    from duty_desk.services.custody_figures import export_monitoring, monitoring

    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    if args.csv:
        found = export_monitoring(session, start, end, Path(args.csv))
    else:
        found = monitoring(session, start, end)
    marking = _marking(session)
    print(marking)
    print(f"Young people in police custody: requests from {start:%d/%m/%Y} to {end:%d/%m/%Y}")
    views.print_figures(found)
    if args.csv:
        print(f"\nSaved to {args.csv} (counts and medians only: no names or identifiers).")
    print(marking)
    return 0


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{option} {text!r} is not a date like 2026-11-01.") from None


# --- the placements directory --------------------------------------------------------------


def providers_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.providers import providers

    views.print_providers(providers(session, include_retired=args.all))
    return 0


def providers_add(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.providers import add_provider

    provider = add_provider(
        session,
        {
            "name": args.name,
            "type": args.type,
            "secure": args.secure,
            "accepts_pace": args.accepts_pace,
            "phone": args.phone,
            "notes": args.notes,
        },
    )
    print(f"Added {provider.name} ({choices.PROVIDER_TYPES[provider.type]}) to the directory.")
    return 0


def providers_retire(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.providers import retire_provider

    provider = retire_provider(session, _named(session, args.name).id)
    print(f"Retired {provider.name}: no longer offered; cases that named it keep the name.")
    return 0


def providers_restore(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.providers import restore_provider

    provider = restore_provider(session, _named(session, args.name).id)
    print(f"Restored {provider.name}: offered again.")
    return 0


def _named(session: SignedIn, name: str) -> Provider:
    from duty_desk.services.providers import providers

    wanted = name.strip().casefold()
    for provider in providers(session, include_retired=True):
        if provider.name.casefold() == wanted:
            return provider
    raise NotFound(f"No placement called {name.strip()!r} is in the directory.")


# --- the parsers ---------------------------------------------------------------------------


def register(custody: Commands, providers: Commands, add: Add) -> None:
    """Add the custody and providers actions; ``add`` makes a signed-in command."""
    p = add(custody, "open", custody_open, "open a case from a police request")
    p.add_argument("--suite", required=True, help="the custody suite")
    p.add_argument("--name", required=True, help="the young person's name")
    p.add_argument("--age", required=True, type=int, help="age at charge (10 to 17)")
    p.add_argument("--custody-number", help="the custody record number")
    p.add_argument("--officer", help="the officer's name")
    p.add_argument("--contact", help="the officer's phone or email")
    p.add_argument("--gender", type=_listed("GENDERS"), help="female, male, other, not_known")
    p.add_argument("--ethnicity", choices=list(choices.ETHNIC_GROUPS))
    p.add_argument("--views", help="the young person's views, in their words")
    p.add_argument("--enquiry", metavar="REF", help="the enquiry it belongs to (else a new one)")
    p = add(custody, "list", custody_list, "open cases and their clocks and warnings")
    p.add_argument("--all", action="store_true", help="recent cases, closed ones too")
    p = add(custody, "show", custody_show, "one case in full (the view is recorded)")
    p.add_argument("reference", help="for example CUS-261121-A1B2-001")
    _step_parser(add(custody, "step", custody_step, "add what happened, and when"))
    _close_parser(add(custody, "close", custody_close, "close a case with its outcome"))
    p = add(custody, "decide", custody_decide, "the council's decision (sign-off rules apply)")
    p.add_argument("reference")
    p.add_argument("--decision", required=True, choices=DECISIONS)
    p.add_argument("--rationale", required=True, help="why")
    p.add_argument("--risk", type=_listed("RISK_RATINGS"), help="low, medium, high, critical")
    p = add(custody, "figures", custody_figures, "the monitoring figures for a date range")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--csv", metavar="FILE", help="also save them as CSV (no names)")
    _provider_parsers(providers, add)


def _listed(name: str) -> Callable[[str], str]:
    """An option checked against a list of ``domain.choices``, read only when it is used
    (building the parser stays light: it runs before the app's first window)."""

    def check(value: str) -> str:
        from duty_desk.domain import choices as lists

        allowed: dict[str, str] = getattr(lists, name)
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"{value!r}: choose one of {', '.join(allowed)}")
        return value

    return check


def _step_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    kinds = list(choices.STEP_KINDS)
    p.add_argument("kind", choices=kinds, metavar="KIND", help=f"what happened: {', '.join(kinds)}")
    p.add_argument("--at", metavar="'DD/MM/YYYY HH:MM'", help="London time (default: now)")
    zone = p.add_mutually_exclusive_group()
    zone.add_argument("--bst", action="store_true", help="the first 01:xx when clocks go back")
    zone.add_argument("--gmt", action="store_true", help="the second 01:xx when clocks go back")
    p.add_argument("--note", help="what else to say about it")
    p.add_argument("--placement", help="the placement approached (directory name or free text)")
    p.add_argument("--answer", choices=list(choices.ANSWERS), help="the placement's answer")
    p.add_argument("--by", help="who (transport, appropriate adult, ...)")


def _close_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference")
    p.add_argument("--outcome", required=True, choices=list(choices.OUTCOMES))
    p.add_argument("--placement-type", choices=list(choices.PLACEMENT_TYPES))
    p.add_argument("--certificate", choices=["yes", "no"], help="custody officer's certificate")
    p.add_argument("--certificate-reason", choices=list(choices.CERTIFICATE_REASONS))
    p.add_argument("--certificate-text", help="the certificate's reason, as stated")
    p.add_argument("--remained-reason", help="why they remained, when no certificate")
    p.add_argument("--challenge", help="any challenge to the certificate")
    p.add_argument("--escalation", help="any escalation")


def _provider_parsers(providers: Commands, add: Add) -> None:
    p = add(providers, "list", providers_list, "the placements offered")
    p.add_argument("--all", action="store_true", help="retired ones too (administrators)")
    p = add(providers, "add", providers_add, "add a placement (administrators)")
    p.add_argument("--name", required=True)
    p.add_argument("--type", required=True, choices=list(choices.PROVIDER_TYPES))
    p.add_argument("--secure", action="store_true", help="a secure placement")
    p.add_argument("--accepts-pace", action="store_true", help="takes PACE transfers")
    p.add_argument("--phone", default="")
    p.add_argument("--notes", default="")
    p = add(providers, "retire", providers_retire, "stop offering a placement (administrators)")
    p.add_argument("name")
    p = add(providers, "restore", providers_restore, "offer a retired placement again")
    p.add_argument("name")
