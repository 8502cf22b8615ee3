"""The command line's known-tonight alerts and local purge (registered by ``duty_desk.cli``).

``duty-desk alerts list|add|retire`` keeps the day team's alerts about children likely to
need the duty team tonight; an alert is named by the first characters of its id, as the
list shows them. Dates are UK dates (dd/mm/yyyy) and name nights: an alert "until
22/11/2026" still shows at 03:00 on the 23rd. What is printed about a child carries the
marking, top and bottom. ``duty-desk purge`` purges acknowledged records past the
retention period from this laptop now (administrators; ``--dry-run`` only says what).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from duty_desk.domain.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from duty_desk.domain.alerts import Alert
    from duty_desk.services.context import SignedIn

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Action = Callable[["SignedIn", argparse.Namespace], int]
Add = Callable[[Commands, str, Action, str], argparse.ArgumentParser]
SHORT_ID = 8


def alerts_list(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.cli_enquiries import _marking
    from duty_desk.domain.alerts import uk_date
    from duty_desk.services.alerts import list_alerts

    night = None
    if args.night:
        from datetime import date

        night = date.fromisoformat(uk_date(args.night, "valid_from"))
    found = list_alerts(session, night, include_retired=args.all)
    marking = _marking(session)
    print(marking)
    if not found:
        print("No known-tonight alerts." if night is None else "No alerts for that night.")
    for alert in found:
        _print(alert)
    print(marking)
    return 0


def _print(alert: Alert) -> None:
    uk = _uk
    born = f", born {uk(alert.dob)}" if alert.dob else ""
    state = "" if alert.active else " (retired)"
    print(f"{alert.id[:SHORT_ID]}  {alert.child_name}{born}{state}")
    print(f"  nights {uk(alert.valid_from)} to {uk(alert.valid_until)}")
    print(f"  why:     {_one_line(alert.reason)}")
    print(f"  plan:    {_one_line(alert.plan)}")
    print(f"  contact: {alert.contact}")


def _uk(iso: str) -> str:
    from datetime import date

    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def alerts_add(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.alerts import add_alert

    fields = {
        "child_name": args.name,
        "dob": args.dob,
        "reason": args.reason,
        "plan": args.plan,
        "contact": args.contact,
        "valid_from": args.start,
        "valid_until": args.end,
    }
    alert = add_alert(session, {k: v for k, v in fields.items() if v is not None})
    print(
        f"Added alert {alert.id[:SHORT_ID]} for {alert.child_name}: it shows on the enquiry "
        f"form from the night of {_uk(alert.valid_from)} to the night of {_uk(alert.valid_until)}."
    )
    return 0


def alerts_retire(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.alerts import retire_alert

    alert = _chosen(session, args.alert)
    retire_alert(session, alert.id, alert.updated_at)
    print(f"Retired the alert for {alert.child_name}: it no longer shows.")
    return 0


def _chosen(session: SignedIn, given: str) -> Alert:
    from duty_desk.services.alerts import list_alerts

    wanted = given.strip().lower()
    if len(wanted) < 4:
        raise ValidationError("Name the alert by at least 4 characters of its id (see list).")
    found = [a for a in list_alerts(session, include_retired=True) if a.id.startswith(wanted)]
    if not found:
        raise NotFound(f"No alert's id starts with {given.strip()!r} (see duty-desk alerts list).")
    if len(found) > 1:
        raise ValidationError(f"More than one alert's id starts with {given.strip()!r}: give more.")
    return found[0]


def purge(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.purge import purge_now

    print(purge_now(session, dry_run=args.dry_run).describe())
    return 0


def register(commands: Commands, alerts: Commands, add: Add) -> None:
    """Add the alerts actions and the purge command; ``add`` makes a signed-in command."""
    p = add(alerts, "list", alerts_list, "the alerts not yet over, or those of one night")
    p.add_argument("--all", action="store_true", help="retired and past alerts too")
    p.add_argument("--night", metavar="DD/MM/YYYY", help="only those in force that night")
    p = add(alerts, "add", alerts_add, "add an alert about a child likely to need us tonight")
    p.add_argument("--name", required=True, help="the child's name")
    p.add_argument("--dob", metavar="DD/MM/YYYY", help="the child's date of birth, if known")
    p.add_argument("--reason", required=True, help="why the child may need the duty team")
    p.add_argument("--plan", required=True, help="the contingency plan")
    p.add_argument("--contact", required=True, help="who to contact, and how")
    p.add_argument("--from", dest="start", metavar="DD/MM/YYYY", help="first night (tonight)")
    p.add_argument("--until", dest="end", metavar="DD/MM/YYYY", help="last night (the first)")
    p = add(alerts, "retire", alerts_retire, "take an alert down before its last night")
    p.add_argument("alert", help="the first characters of its id, as the list shows them")
    p = add(commands, "purge", purge, "purge acknowledged records past retention (admin)")
    p.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
