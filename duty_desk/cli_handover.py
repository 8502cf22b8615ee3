"""The command line's morning handover (registered by ``duty_desk.cli``).

``duty-desk handover items`` shows what the night would hand over and what still awaits
sign-off or confirmation; ``submit`` hands it over (and sends it, when a day service is
set up); ``sent`` shows the day team's answers coming back. The day team's ``inbox``
lists every item by receiving team, overdue ones first said so; ``ack``, ``return`` and
``reference`` act on an item named by its reference; ``export`` writes the acknowledged
items for the case system. What is printed about a child carries the marking.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from duty_desk.domain.handover import HandoverItem
    from duty_desk.services.context import SignedIn
    from duty_desk.services.handover import Inbox

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Action = Callable[["SignedIn", argparse.Namespace], int]
Add = Callable[[Commands, str, Action, str], argparse.ArgumentParser]

SUMMARY_WIDTH = 60


def _marking(session: SignedIn) -> str:
    from duty_desk.cli_enquiries import _marking as marking

    return marking(session)


def _clip(text: str, width: int = SUMMARY_WIDTH) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


# --- the duty worker ----------------------------------------------------------------------


def handover_items(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import night_items

    items = night_items(session)
    marking = _marking(session)
    print(marking)
    if not items:
        print("Nothing to hand over: everything on this laptop has been handed over.")
    else:
        print(f"{'REFERENCE':<21} {'TO':<24} SUMMARY")
        for item in items:
            print(
                f"{item.reference:<21} {_clip(item.receiving_team, 24):<24} {_clip(item.summary)}"
            )
            if item.returned_reason:
                print(f"{'':<21} Returned by the day team: {_clip(item.returned_reason, 70)}")
        _print_awaiting([(i.reference, i.awaiting) for i in items])
        print(f"{len(items)} item{'s' if len(items) != 1 else ''} to hand over.")
    print(marking)
    return 0


def _print_awaiting(items: list[tuple[str, tuple[str, ...]]]) -> None:
    waiting = [(reference, awaits) for reference, awaits in items if awaits]
    if not waiting:
        print("\nNothing awaits sign-off or confirmation.")
        return
    print("\nStill awaiting sign-off or confirmation (the day team will see this):")
    for reference, awaits in waiting:
        for line in awaits:
            print(f"  {reference}: {line}")


def handover_submit(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.handover import submit_night

    result = submit_night(session)
    count = len(result.submitted)
    print(
        f"Handed over {count} item{'s' if count != 1 else ''}: the day team must acknowledge ",
        end="",
    )
    print(f"each by {show_local(result.due_at)} (UK time).")
    for item in result.submitted:
        print(f"  {item.reference} → {item.receiving_team}")
    _print_awaiting([(i.reference, i.awaiting) for i in result.submitted])
    print(result.sync_message)
    return 0


def handover_sent(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import sent_items

    _print_inbox(session, sent_items(session), "Nothing handed over from this laptop yet.")
    return 0


# --- the day team -------------------------------------------------------------------------


def handover_inbox(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import inbox

    found = inbox(session)
    _print_inbox(session, found, "Nothing has been handed over.")
    return 1 if args.check and found.escalated() else 0


def _print_inbox(session: SignedIn, found: Inbox, empty: str) -> None:
    marking = _marking(session)
    print(marking)
    if not found.groups:
        print(empty)
    for group in found.groups:
        late = len(group.escalated(found.now))
        print(
            f"\n{group.team} — {len(group.items)} item{'s' if len(group.items) != 1 else ''}",
            end="",
        )
        print(f", {late} OVERDUE" if late else "")
        print(f"  {'REFERENCE':<21} {'DUE':<12} {'STATE':<36} SUMMARY")
        for item in group.items:
            print(f"  {item.reference:<21} {_due(item):<12} {_state(item, found):<36} "
                  f"{_clip(item.summary, 50)}")  # fmt: skip
    lines = found.escalation_lines()
    if lines:
        print("\nOVERDUE — past 09:00 and not acknowledged:")
        for line in lines:
            print(f"  {line}")
    print(marking)


def _due(item: HandoverItem) -> str:
    from duty_desk.domain.clock import LONDON

    return item.due_at.astimezone(LONDON).strftime("%a %d/%m %H:%M")


def _state(item: HandoverItem, found: Inbox) -> str:
    from duty_desk.domain.clock import show_local
    from duty_desk.domain.handover import ItemState

    if item.escalated(found.now):
        return "OVERDUE — not acknowledged"
    if item.state is ItemState.ACKNOWLEDGED:
        said = f"Acknowledged by {item.acknowledged_name}"
        return said + (f" ({item.case_system_ref})" if item.case_system_ref else "")
    if item.state is ItemState.RETURNED:
        return f"Returned {show_local(item.returned_at)}" if item.returned_at else "Returned"
    return "Submitted again" if item.resubmitted else "Waiting for acknowledgement"


def handover_ack(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.domain.clock import show_local
    from duty_desk.services.handover import acknowledge, find_item

    item = acknowledge(session, find_item(session, args.reference), args.note or "")
    when = show_local(item.acknowledged_at) if item.acknowledged_at else ""
    print(f"{item.reference} acknowledged by {item.acknowledged_name} at {when}.")
    return 0


def handover_return(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import find_item, return_item

    item = return_item(session, find_item(session, args.reference), args.reason)
    print(f"{item.reference} returned to the duty worker: {item.returned_reason}")
    return 0


def handover_reference(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import find_item, record_reference

    item = record_reference(session, find_item(session, args.reference), args.case_ref)
    print(f"{item.reference}: case system reference {item.case_system_ref} recorded.")
    return 0


def handover_export(session: SignedIn, args: argparse.Namespace) -> int:
    from duty_desk.services.handover import export

    done = export(session, Path(args.file), args.format, args.team, overwrite=args.overwrite)
    what = f"{done.count} acknowledged item{'s' if done.count != 1 else ''}"
    marking = _marking(session).strip("[]")
    print(f"Saved {what} to {done.path} ({args.format.upper()}, marked {marking} top and bottom).")
    return 0


# --- the parsers ---------------------------------------------------------------------------


def register(handover: Commands, add: Add) -> None:
    """Add the handover actions; ``add`` makes a signed-in command."""
    add(handover, "items", handover_items, "what the night would hand over, and what awaits")
    add(handover, "submit", handover_submit, "hand the night over to the day team")
    add(handover, "sent", handover_sent, "what this laptop handed over, and the answers")
    p = add(handover, "inbox", handover_inbox, "the day team's inbox, by receiving team")
    p.add_argument("--check", action="store_true", help="exit 1 if anything is overdue")
    p = add(handover, "ack", handover_ack, "acknowledge an item, by your name")
    p.add_argument("reference", help="for example EDT-261121-A1B2-001")
    p.add_argument("--note", help="anything to add")
    p = add(handover, "return", handover_return, "return an item to the duty worker")
    p.add_argument("reference")
    p.add_argument("--reason", required=True, help="what the duty worker should put right")
    p = add(handover, "reference", handover_reference, "record the case system's reference")
    p.add_argument("reference")
    p.add_argument("case_ref", metavar="CASE_REF", help="the case system's reference")
    p = add(handover, "export", handover_export, "save the acknowledged items for the case system")
    p.add_argument("--format", required=True, choices=["json", "csv"])
    p.add_argument("--team", help="only this receiving team's items")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    p.add_argument("file", metavar="FILE")
