"""The morning handover: the duty worker submits the night, the day team acknowledges each
item by name (or returns it with a reason), records the case system's reference and exports
what it acknowledged.

Everything here is an event on the item's own stream (the enquiry's or the custody case's),
so it travels between laptops with sync like any other change; the projection
(``store.handover``) applies the same rules as the refusals below, in the day service's
order. What the night hands over is this desk's enquiries and custody cases that were never
handed over, or that the day team returned.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from duty_desk.domain import handover as rules
from duty_desk.domain.errors import DutyDeskError, NotFound, ValidationError
from duty_desk.domain.events import NewEvent, format_instant
from duty_desk.domain.handover import HandoverItem, ItemKind, ItemState, TeamGroup
from duty_desk.domain.records import Status
from duty_desk.domain.roles import Permission
from duty_desk.domain.working_days import WorkingCalendar
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.documents import write_whole
from duty_desk.services.lists import decision_types
from duty_desk.services.settings import load_settings
from duty_desk.store import handover as store
from duty_desk.store.schema import CustodyRow, EnquiryRow, SignoffRow
from duty_desk.store.signoffs import to_signoff
from duty_desk.store.unit_of_work import UnitOfWork

log = logging.getLogger("duty_desk.handover")

RECENT = timedelta(days=7)  # how long settled items stay in view
FORMATS = ("json", "csv")
NOT_SENT = (
    "The night is recorded on this laptop. It goes to the day team when the day service "
    "is reachable: sync runs by itself, or use Sync now."
)


class HandoverRefused(DutyDeskError):
    """The item cannot take this step now (the message says who did what, and when)."""


@dataclass(frozen=True, slots=True)
class NightItem:
    """Something the night would hand over, and what it still waits for."""

    item_id: str
    item_kind: ItemKind
    reference: str
    receiving_team: str
    summary: str
    awaiting: tuple[str, ...]
    since: datetime  # the call received, or the case opened
    shift_id: str | None
    returned_reason: str | None  # the day team returned it: why


@dataclass(frozen=True, slots=True)
class SubmitResult:
    submitted: tuple[NightItem, ...]
    awaiting: tuple[NightItem, ...]  # still awaiting sign-off or confirmation
    due_at: datetime  # 09:00 on the next working day
    sent: bool  # pushed to the day service now
    sync_message: str


@dataclass(frozen=True, slots=True)
class Inbox:
    now: datetime
    groups: tuple[TeamGroup, ...]

    @property
    def items(self) -> list[HandoverItem]:
        return [item for group in self.groups for item in group.items]

    def escalated(self) -> list[HandoverItem]:
        return [item for item in self.items if item.escalated(self.now)]

    def escalation_lines(self) -> list[str]:
        return rules.escalation_lines(self.groups, self.now)


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    count: int


# --- the duty worker ----------------------------------------------------------------------


def night_items(session: SignedIn) -> list[NightItem]:
    """What submitting the night would hand over now, oldest first."""
    authorize(session, Permission.SUBMIT_HANDOVER)
    with session.uow(read_only=True) as uow:
        return _night(uow, session.desk.device_id)


def submit_night(session: SignedIn, only: Collection[str] | None = None) -> SubmitResult:
    """Hand over the night (or, given ``only``, those of its items): one event per item,
    all or none; then send it to the day service if one is set up."""
    authorize(session, Permission.SUBMIT_HANDOVER)
    now = session.desk.clock()
    due = rules.due_at(_calendar(session), now)
    with session.uow() as uow:
        items = [
            i for i in _night(uow, session.desk.device_id) if only is None or i.item_id in only
        ]
        if not items:
            raise ValidationError(
                "There is nothing to hand over: every enquiry and custody case on this "
                "laptop has been handed over already."
            )
        for item in items:
            uow.record(
                NewEvent(
                    item.item_kind.value,
                    item.item_id,
                    "handover.submitted",
                    {
                        "item_kind": item.item_kind.value,
                        "reference": item.reference,
                        "receiving_team": item.receiving_team,
                        "summary": item.summary,
                        "awaiting": list(item.awaiting),
                        "due_at": format_instant(due),
                        "shift_id": item.shift_id,
                    },
                )
            )
        uow.commit()
    sent, message = _send(session)
    waiting = tuple(item for item in items if item.awaiting)
    return SubmitResult(tuple(items), waiting, due, sent, message)


def sent_items(session: SignedIn) -> Inbox:
    """What this laptop handed over, with the day team's answers as they come back (items
    acknowledged more than a week ago drop out)."""
    authorize(session, Permission.SUBMIT_HANDOVER)
    now = session.desk.clock()
    with session.uow(read_only=True) as uow:
        names = _names(uow)
        found = store.rows(uow.session, device_id=session.desk.device_id)
        items = [store.to_item(row, names) for row in found]
    recent = [i for i in items if i.acknowledged_at is None or i.acknowledged_at >= now - RECENT]
    return Inbox(now, tuple(rules.group_by_team(recent)))


def _night(uow: UnitOfWork, device_id: str) -> list[NightItem]:
    labels = decision_types().labels
    found = [
        _enquiry_item(row, signoff, why, labels)
        for row, signoff, why in store.unsent_enquiries(uow.session, device_id)
    ]
    found += [_case_item(*row) for row in store.unsent_cases(uow.session, device_id)]
    # A custody case after the police enquiry it opened (both at the same moment).
    return sorted(found, key=lambda i: (i.since, i.item_kind is ItemKind.CUSTODY, i.reference))


def _enquiry_item(
    row: EnquiryRow, signoff: SignoffRow | None, returned: str | None, labels: dict[str, str]
) -> NightItem:
    content: dict[str, Any] = json.loads(row.content)
    child = row.child_name or "(child's name not recorded)"
    if row.child_age is not None:
        child += f" ({row.child_age})"
    decision = labels.get(row.decision_type or "", row.decision_type or "")
    decided = row.status == Status.DECIDED.value
    summary = rules.enquiry_summary(
        child,
        row.concerns,
        row.summary or "",
        decision if decided else "",
        content.get("day_team_actions", ""),
    )
    awaiting = rules.enquiry_awaiting(decided, None if signoff is None else to_signoff(signoff))
    return NightItem(
        row.id,
        ItemKind.ENQUIRY,
        row.reference,
        rules.team_name(content.get("receiving_team")),
        summary,
        tuple(awaiting),
        row.received_at,
        row.shift_id,
        returned,
    )


def _case_item(
    row: CustodyRow, enquiry_ref: str | None, shift_id: str | None, returned: str | None
) -> NightItem:
    content: dict[str, Any] = json.loads(row.content)
    person = str(content.get("yp_name") or "")
    if content.get("age_at_charge") is not None:
        person += f" ({content['age_at_charge']})"
    is_open = row.status == "open"
    summary = rules.custody_summary(person, content.get("custody_suite", ""), enquiry_ref, is_open)
    return NightItem(
        row.id,
        ItemKind.CUSTODY,
        row.reference,
        rules.DEFAULT_TEAM,
        summary,
        tuple(rules.custody_awaiting(is_open)),
        row.opened_at,
        shift_id,
        returned,
    )


def _send(session: SignedIn) -> tuple[bool, str]:
    """Push the night to the day service now; if it cannot go, it is recorded here anyway
    and goes with the next sync."""
    from duty_desk.services import sync
    from duty_desk.sync.server import DayServiceError

    try:
        report = sync.sync_now(session)
    except (DayServiceError, DutyDeskError) as error:
        log.warning("handover not sent now: %s", type(error).__name__)
        return False, f"{NOT_SENT} (Not sent now: {error})"
    except Exception as error:  # the night is recorded whatever happens to the sending
        log.warning("handover not sent now: %s", type(error).__name__)
        return False, NOT_SENT
    return True, f"Sent to the day service: {report.summary()}."


def _calendar(session: SignedIn) -> WorkingCalendar:
    return WorkingCalendar(load_settings(session.desk.paths.settings).bank_holidays)


# --- the day team -------------------------------------------------------------------------


def inbox(session: SignedIn, now: datetime | None = None) -> Inbox:
    """Every item handed over, grouped by receiving team; those acknowledged and given a
    case system reference more than a week ago drop out."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    moment = now or session.desk.clock()
    with session.uow(read_only=True) as uow:
        names = _names(uow)
        found = store.rows(uow.session, settled_before=moment - RECENT)
        items = [store.to_item(row, names) for row in found]
    return Inbox(moment, tuple(rules.group_by_team(items)))


def find_item(session: SignedIn, reference: str) -> str:
    """The id of the handed-over item with this reference (any case, spaces ignored)."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    with session.uow(read_only=True) as uow:
        found = store.id_by_reference(uow.session, reference.strip().upper())
    if found is None:
        raise NotFound(f"Nothing handed over has the reference {reference.strip()!r}.")
    return found


def acknowledge(session: SignedIn, item_id: str, note: str = "") -> HandoverItem:
    """The signed-in person takes the item on, by name."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    text = rules.check_note(note)
    with session.uow() as uow:
        current = _item(uow, item_id)
        _refuse(rules.acknowledge_refusal(current))
        person = uow.people.get(session.person.id)
        name = person.display_name if person else session.person.display_name
        payload = {"by_name": name, "note": text}
        return _record(uow, current, "handover.acknowledged", payload)


def return_item(session: SignedIn, item_id: str, reason: str) -> HandoverItem:
    """Send the item back to the duty worker, saying what to put right."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    text = rules.check_reason(reason)
    with session.uow() as uow:
        current = _item(uow, item_id)
        _refuse(rules.return_refusal(current))
        return _record(uow, current, "handover.returned", {"reason": text})


def record_reference(session: SignedIn, item_id: str, case_system_ref: str) -> HandoverItem:
    """The case system's reference for an acknowledged item (a new one replaces the old)."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    text = rules.check_case_reference(case_system_ref)
    with session.uow() as uow:
        current = _item(uow, item_id)
        _refuse(rules.reference_refusal(current))
        return _record(uow, current, "handover.referenced", {"case_system_ref": text})


def export(
    session: SignedIn,
    path: Path,
    fmt: str,
    team: str | None = None,
    *,
    overwrite: bool = False,
) -> Exported:
    """Write the acknowledged items (of one team, or all) for the case system, marked top
    and bottom; the file is written whole or not at all, and never silently replaced."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    if fmt not in FORMATS:
        raise ValidationError("Choose the format: json or csv.", "format")
    path = _target(path, overwrite)
    marking = load_settings(session.desk.paths.settings).marking
    now = session.desk.clock()
    with session.uow(read_only=True) as uow:
        names = _names(uow)
        found = store.rows(uow.session, states=[ItemState.ACKNOWLEDGED], team=team)
        items = [store.to_item(row, names) for row in found]
        records = [rules.export_record(i, *store.child_of(uow.session, i)) for i in items]
    if fmt == "json":
        text = rules.export_json(records, marking, now, team)
    else:
        text = rules.export_csv(records, marking)
    write_whole(path, text.encode("utf-8"))
    with session.uow() as uow:
        payload = {"format": fmt, "count": len(records), "one_team": team is not None}
        uow.record(NewEvent("handover", str(uuid.uuid4()), "handover.exported", payload))
        uow.commit()
    return Exported(path, len(records))


def _target(path: Path, overwrite: bool) -> Path:
    path = path.expanduser()
    if not path.parent.is_dir():
        raise ValidationError(f"There is no folder {path.parent} to save the export in.", "path")
    if path.is_dir():
        raise ValidationError(f"{path} is a folder: give a file name.", "path")
    if path.exists() and not overwrite:
        raise ValidationError(
            f"{path.name} already exists: choose another name, or say to replace it.", "path"
        )
    return path


# --- helpers ------------------------------------------------------------------------------


def _names(uow: UnitOfWork) -> dict[str, str]:
    return {p.id: p.display_name for p in uow.people.list()}


def _item(uow: UnitOfWork, item_id: str) -> HandoverItem:
    row = store.get_row(uow.session, item_id)
    if row is None:
        raise NotFound("That item is not in the handover on this laptop.")
    return store.to_item(row, _names(uow))


def _record(
    uow: UnitOfWork, current: HandoverItem, kind: str, payload: dict[str, Any]
) -> HandoverItem:
    uow.record(NewEvent(current.item_kind.value, current.item_id, kind, payload))
    uow.commit()
    return _item(uow, current.item_id)


def _refuse(refusal: str | None) -> None:
    if refusal is not None:
        raise HandoverRefused(refusal)
