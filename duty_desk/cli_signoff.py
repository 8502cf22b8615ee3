"""The command line's sign-off and rules commands (registered by ``duty_desk.cli``).

Each takes the signed-in session (or, for ``rules check``, only the arguments) and
returns the exit status. The same service calls the app makes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from duty_desk.domain.errors import ValidationError

if TYPE_CHECKING:
    from duty_desk.domain.signoff import Signoff
    from duty_desk.domain.signoff_rules import RuleSet
    from duty_desk.services.context import SignedIn


def rules_check(args: argparse.Namespace) -> int:
    from duty_desk.services.rules import check_rules

    rules = check_rules(_read(args.file), Path(args.file).name)
    print(f"{args.file}: version {rules.version!r}, {len(rules.rules)} rules, no problems.")
    return 0


def rules_install(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.rules import install_rules

    installed = install_rules(session, _read(args.file), Path(args.file).name)
    print(f"Installed sign-off rules version {installed.rules.version!r} from {args.file}.")
    print("They apply to every decision from now on; decisions already made keep theirs.")
    return 0


def rules_show(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.rules import rules_in_force

    found = rules_in_force(session)
    print(f"Sign-off rules version {found.rules.version!r}, from {found.source}")
    if found.installed_at is not None:
        print(f"Installed {show_local(found.installed_at)}")
    print(f"SHA-256 {found.sha256}")
    _print_rules(found.rules)
    return 0


def _print_rules(rules: RuleSet) -> None:
    for rule in rules.rules:
        if rule.block is not None:
            then = "BLOCKS the decision"
        else:
            assert rule.requires is not None
            then = f"needs a {rule.requires.label.lower()}"
            if rule.within_minutes:
                then += f" within {rule.within_minutes} min"
            if rule.verbal:
                then += f"; verbal may stand in, confirm within {rule.confirm_within_hours} h"
            if rule.reason_required:
                then += "; reasons required"
        print(f"  {rule.id:<28} {then}")
        print(f"  {'':<28} {rule.description}")


def signoff_queue(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.signoff import queue

    now = session.desk.clock()
    items = queue(session)
    for item in items:
        left = "no limit" if item.deadline is None else _left(item.deadline, now)
        kind = "confirm your verbal" if item.to_confirm else "approve or return"
        print(f"{left:<18} {item.reference:<21} {show_local(item.requested_at):<17} {kind}")
        print(f"{'':<18} {item.decision} (from {item.author}): {'; '.join(item.reasons)}")
    print(f"{len(items)} waiting for you.")
    return 0


def _left(deadline: datetime, now: datetime) -> str:
    minutes = int(abs((deadline - now).total_seconds()) // 60)
    said = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    return f"OVERDUE by {said}" if now > deadline else f"{said} left"


def signoff_approve(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.signoff import approve

    enquiry_id, version = _current(session, args.reference)
    _print_signoff(approve(session, enquiry_id, version, args.comments or ""))
    return 0


def signoff_return(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.signoff import return_decision

    enquiry_id, version = _current(session, args.reference)
    _print_signoff(return_decision(session, enquiry_id, version, args.comments))
    return 0


def signoff_verbal(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.signoff import record_verbal

    enquiry_id, version = _current(session, args.reference)
    given = _london(args.at) if args.at else session.desk.clock()
    done = record_verbal(session, enquiry_id, version, args.approver, args.how, given, args.note)
    _print_signoff(done)
    return 0


def signoff_confirm(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.signoff import confirm_verbal, dispute_verbal

    enquiry_id, version = _current(session, args.reference)
    if args.dispute:
        _print_signoff(dispute_verbal(session, enquiry_id, version, args.comments or ""))
    else:
        _print_signoff(confirm_verbal(session, enquiry_id, version, args.comments or ""))
    return 0


def _current(session: SignedIn, reference: str) -> tuple[str, int]:
    """The enquiry and the version the person is acting on: the one they can read now."""
    from duty_desk.services.enquiry_lists import find_by_reference
    from duty_desk.services.signoff import signoff_of

    enquiry_id = find_by_reference(session, reference)
    found = signoff_of(session, enquiry_id)
    if found is None:
        raise ValidationError(f"{reference} has no decision yet: there is nothing to sign off.")
    return enquiry_id, found.version


def _print_signoff(signoff: Signoff) -> None:
    print(f"Version {signoff.version}: {signoff.state.label}.")


def _london(text: str) -> datetime:
    """A London wall-clock time; in the repeated autumn hour, BST or GMT must be added."""
    from duty_desk.domain.clock import LONDON

    words = text.split()
    zone = words.pop().upper() if words and words[-1].upper() in ("BST", "GMT") else None
    try:
        local = datetime.strptime(" ".join(words), "%Y-%m-%d %H:%M")  # noqa: DTZ007 (wall clock)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a time like 2026-11-21 23:40 (London time).", "at"
        ) from None
    first, second = local.replace(tzinfo=LONDON), local.replace(tzinfo=LONDON, fold=1)
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != local:
        raise ValidationError(f"{text} did not exist in London: the clocks went forward.", "at")
    if first.utcoffset() != second.utcoffset():
        if zone is None:
            raise ValidationError(
                f"{text} happened twice in London (the clocks went back): add BST for the "
                "first or GMT for the second.",
                "at",
            )
        return (first if zone == "BST" else second).astimezone(UTC)
    return first.astimezone(UTC)


def _read(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"There is no file {name!r}.") from None
    except UnicodeDecodeError:
        raise ValidationError(
            f"{name} is not UTF-8 text: save it as UTF-8 and try again."
        ) from None
    except OSError as error:
        raise ValidationError(f"{name} could not be read: {error.strerror}.") from None
