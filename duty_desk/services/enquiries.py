"""Recording an enquiry: create, save, decide, revise, open (a view is recorded), history.

Every change is one event carrying only the fields that changed, so the log says who
changed which field and when. Saving a draft is always possible (what still needs
putting right comes back as ``problems``); deciding needs a complete record; changing a
decided enquiry makes a new version. Each write checks that nobody changed the enquiry
since the caller read it (``expected``), so no one's work is silently overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from duty_desk.domain import enquiry as rules
from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.enquiry import Content, EnquiryInvalid
from duty_desk.domain.errors import DutyDeskError, NotFound, ValidationError
from duty_desk.domain.events import NewEvent, format_instant, parse_instant
from duty_desk.domain.records import Change, Enquiry, Saved, Status
from duty_desk.domain.roles import Grade, Permission
from duty_desk.domain.signoff import HOW
from duty_desk.domain.working_days import WorkingCalendar
from duty_desk.services import rules as signoff_rules
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.lists import decision_types
from duty_desk.services.settings import load_settings
from duty_desk.store import enquiries as store
from duty_desk.store.unit_of_work import UnitOfWork


class ChangedMeanwhile(DutyDeskError):
    """Someone saved this enquiry after the caller read it; nothing was overwritten."""


def clean(fields: Mapping[str, Any]) -> Content:
    """The storable form of what a form holds (raises ``EnquiryInvalid``)."""
    return rules.clean(fields, decision_types().labels)


def create_enquiry(session: SignedIn, fields: Mapping[str, Any]) -> Saved:
    """Start a record (a draft). With no time given, the call was received now."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    content = clean(fields)
    now = session.desk.clock()
    with session.uow() as uow:
        enquiry_id = record_created(session, uow, content, now)
        uow.commit()
        return _saved(uow, enquiry_id, now)


def record_created(session: SignedIn, uow: UnitOfWork, content: Content, now: datetime) -> str:
    """Record a new enquiry inside the caller's unit of work (a custody case opens its
    police enquiry in the same transaction); returns its id. ``content`` is clean."""
    content.setdefault("received_at", format_instant(now))
    enquiry_id = str(uuid.uuid4())
    payload = _payload(session, uow, {}, content, version=1)
    payload["reference"] = _next_reference(session, uow, now)
    uow.record(NewEvent("enquiry", enquiry_id, "enquiry.created", payload))
    return enquiry_id


def save_enquiry(
    session: SignedIn, enquiry_id: str, fields: Mapping[str, Any], expected: datetime
) -> Saved:
    """Save what the form holds. A decided enquiry gets a new version (and must stay whole)."""

    def event(current: Enquiry, content: Content, now: datetime) -> tuple[str, int]:
        if current.status is Status.DECIDED:
            _refuse_incomplete(content, now)
            return "enquiry.revised", current.version + 1
        return "enquiry.saved", current.version

    return _change(session, enquiry_id, fields, expected, event, unless_unchanged=True)


def decide(
    session: SignedIn, enquiry_id: str, fields: Mapping[str, Any], expected: datetime
) -> Saved:
    """Make the decision: refused, naming every missing or wrong field, unless complete."""

    def event(current: Enquiry, content: Content, now: datetime) -> tuple[str, int]:
        if current.status is Status.DECIDED:
            raise ValidationError("This enquiry is already decided: save to make a new version.")
        _refuse_incomplete(content, now)
        return "enquiry.decided", current.version

    return _change(session, enquiry_id, fields, expected, event)


def _change(
    session: SignedIn,
    enquiry_id: str,
    fields: Mapping[str, Any],
    expected: datetime,
    event: Callable[[Enquiry, Content, datetime], tuple[str, int]],
    *,
    unless_unchanged: bool = False,
) -> Saved:
    """One change to a stored enquiry: checked against what the caller read, then recorded."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    content = clean(fields)
    now = session.desk.clock()
    with session.uow() as uow:
        current = _current(uow, enquiry_id, expected)
        content.setdefault("received_at", current.content["received_at"])  # never emptied
        kind, version = event(current, content, now)
        if not unless_unchanged or rules.changes(current.content, content):
            payload = _payload(session, uow, current.content, content, version)
            # What this change was made on: another laptop's change to the same version
            # arriving by sync is then a visible conflict, never a silent overwrite.
            payload["expected"] = format_instant(current.updated_at)
            if kind in ("enquiry.decided", "enquiry.revised"):
                handover = parse_instant(payload["due"]["handover"])
                role = session.person.role
                payload["signoff"] = signoff_rules.gate(uow, content, role, now, handover)
            uow.record(NewEvent("enquiry", enquiry_id, kind, payload))
            uow.commit()
        return _saved(uow, enquiry_id, now)


def open_enquiry(session: SignedIn, enquiry_id: str) -> Enquiry:
    """Read one enquiry; the view is recorded (who looked at what, and when)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow() as uow:
        found = store.get_enquiry(uow.session, enquiry_id)
        if found is None:
            raise NotFound("That enquiry is not on this desk.")
        uow.record(NewEvent("enquiry", enquiry_id, "enquiry.viewed", {"version": found.version}))
        uow.commit()
        return found


_WHAT = {
    "enquiry.created": "Created",
    "enquiry.saved": "Saved",
    "enquiry.decided": "Decided",
    "enquiry.revised": "New version",
    "enquiry.viewed": "Opened",
    "signoff.approved": "Signed off",
    "signoff.returned": "Returned to the worker",
    "signoff.verbal_recorded": "Verbal sign-off recorded",
    "signoff.verbal_confirmed": "Verbal sign-off confirmed",
    "signoff.verbal_disputed": "Verbal sign-off disputed",
    "handover.submitted": "Handed over to the day team",
    "handover.acknowledged": "Acknowledged by the day team",
    "handover.returned": "Returned by the day team",
    "handover.referenced": "Case system reference recorded",
    "conflict.resolved": "Conflict resolved",
}


def _what(kind: str) -> str:
    """An event's type in words ("handover.submitted" -> "Handed over to the day team");
    a type not listed still reads as words, never as a code."""
    return _WHAT.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()


def history(session: SignedIn, enquiry_id: str) -> list[Change]:
    """Every change to every field, and every opening, oldest first, from the event log."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        events = uow.events.stream("enquiry", enquiry_id)
        if not events:
            raise NotFound("That enquiry is not on this desk.")
        names = {p.id: p.display_name for p in uow.people.list()}
    lines: list[Change] = []
    content: Content = {}
    for event in events:
        what = _what(event.type)
        who = names.get(event.actor_id or "", "the system")
        version = event.payload.get("version", 0)
        changed = event.payload.get("changes")
        if changed is None:
            said = what + _signoff_words(event.type, event.payload)
            lines.append(Change(event.occurred_at, who, version, said, "", None, None))
            continue
        for name, after in changed.items():
            lines.append(
                Change(event.occurred_at, who, version, what, name, content.get(name), after)
            )
        content = rules.with_changes(content, changed)
        if "signoff" in event.payload:
            said = _required_words(event.payload["signoff"])
            lines.append(Change(event.occurred_at, who, version, said, "", None, None))
    return lines


def _signoff_words(kind: str, payload: Mapping[str, Any]) -> str:
    """What a sign-off event said, for the history: the rules behind it and the comments."""
    if not kind.startswith("signoff."):
        return ""
    said = f" (rules {', '.join(payload['rule_ids'])}; version {payload['rules_version']})"
    if kind == "signoff.verbal_recorded":
        how = HOW.get(payload["how"], payload["how"]).lower()
        grade = Grade[payload["grade"].upper()].label.lower()
        given = show_local(parse_instant(payload["given_at"]))
        said += f": given {how} by {payload['approver_name']} ({grade}) at {given}"
    if payload.get("comments"):
        said += f": {payload['comments']}"
    return said


def _required_words(required: Mapping[str, Any]) -> str:
    version = required["rules_version"]
    if not required.get("grade"):
        return f"Final: no sign-off needed (rules version {version})"
    grade = Grade[required["grade"].upper()].label.lower()
    due = show_local(parse_instant(required["due"]))
    return (
        f"Awaiting sign-off by a {grade} by {due} (rules {', '.join(required['rule_ids'])}; "
        f"version {version})"
    )


# --- helpers ------------------------------------------------------------------------------


def _current(uow: UnitOfWork, enquiry_id: str, expected: datetime) -> Enquiry:
    current = store.get_enquiry(uow.session, enquiry_id)
    if current is None:
        raise NotFound("That enquiry is not on this desk.")
    if current.updated_at != expected:
        raise ChangedMeanwhile(
            f"{current.reference} was changed at {show_local(current.updated_at)} after you "
            "opened it. Nothing was overwritten: your typing is kept as a draft. Reopen the "
            "enquiry to see the latest, then add your changes."
        )
    return current


def _refuse_incomplete(content: Content, now: datetime) -> None:
    found = rules.decision_problems(content, now)
    if found:
        raise EnquiryInvalid(found)


def _payload(
    session: SignedIn, uow: UnitOfWork, before: Content, after: Content, version: int
) -> dict[str, Any]:
    received = rules.parse_received(after)
    calendar = _calendar(session)
    return {
        "changes": rules.changes(before, after),
        "version": version,
        "shift_id": store.shift_at(uow.session, session.desk.device_id, received),
        "due": {
            "decision": format_instant(calendar.decision_due(received)),
            "handover": format_instant(calendar.handover_due(received)),
        },
    }


def _calendar(session: SignedIn) -> WorkingCalendar:
    path = session.desk.paths.settings
    try:
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        changed = 0
    return _calendar_from(path, changed)


@lru_cache(maxsize=4)
def _calendar_from(path: Path, changed: int) -> WorkingCalendar:
    """Read once per version of the settings file, not on every save."""
    return WorkingCalendar(load_settings(path).bank_holidays)


def _next_reference(session: SignedIn, uow: UnitOfWork, now: datetime) -> str:
    """``EDT-261122-A1B2-003``: the local date, this device, and a count for the day."""
    prefix = f"EDT-{now.astimezone(LONDON):%y%m%d}-{session.desk.device_id[:4].upper()}-"
    return f"{prefix}{store.references_on(uow.session, prefix) + 1:03d}"


def _saved(uow: UnitOfWork, enquiry_id: str, now: datetime) -> Saved:
    found = store.get_enquiry(uow.session, enquiry_id)
    if found is None:  # pragma: no cover - written in this same unit of work
        raise NotFound("That enquiry is not on this desk.")
    return Saved(found, tuple(rules.problems(found.content, now)))
