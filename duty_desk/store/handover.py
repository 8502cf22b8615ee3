"""Handover items in the store: their projectors, the clearer sync uses, and the reads.

An item lives on the stream of what it hands over (the enquiry's or the custody case's),
so its events order with that record's own edits. Each event is checked again here with
the domain's rules, in the order applied: the first acknowledgement (or return) of a
submission counts and any later one is kept in the log but changes nothing, which is the
sync rule "first in the day service's order wins"; the later one is kept as a conflict
for a person to see (``handover_clash``). Nothing here reads the clock.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event, parse_instant
from duty_desk.domain.handover import (
    HandoverItem,
    ItemKind,
    ItemState,
    acknowledge_refusal,
    reference_refusal,
    return_refusal,
    submit_refusal,
    team_name,
)
from duty_desk.domain.roles import Permission, Role, may
from duty_desk.store.conflicts import raise_conflict
from duty_desk.store.schema import CustodyRow, EnquiryRow, HandoverItemRow, SignoffRow

# --- projectors -------------------------------------------------------------------------


def _acting_as(event: Event, permission: Permission) -> bool:
    """The role recorded with the event allows this (whatever device it came from)."""
    try:
        return event.actor_role is not None and may(Role(event.actor_role), permission)
    except ValueError:
        return False


def _current(session: Session, event: Event) -> tuple[HandoverItemRow | None, HandoverItem | None]:
    row = session.get(HandoverItemRow, event.stream_id)
    return row, (None if row is None else to_item(row))


def submitted(session: Session, event: Event) -> None:
    """A new item, or a returned one submitted again (its return is remembered)."""
    row, current = _current(session, event)
    payload = event.payload
    if submit_refusal(current) is not None or payload["item_kind"] != event.stream_kind:
        return
    if not _acting_as(event, Permission.SUBMIT_HANDOVER):
        return
    if row is None:
        row = HandoverItemRow(item_id=event.stream_id)
        session.add(row)
    row.item_kind = payload["item_kind"]
    row.reference = payload["reference"]
    row.receiving_team = team_name(payload["receiving_team"])
    row.summary = payload["summary"]
    row.awaiting = json.dumps(list(payload["awaiting"]), ensure_ascii=False)
    row.device_id = event.device_id
    row.state = ItemState.SUBMITTED.value
    row.submitted_at = event.occurred_at
    row.submitted_by = event.actor_id
    row.due_at = parse_instant(payload["due_at"])
    row.acknowledged_by = row.acknowledged_name = row.acknowledged_at = None
    row.case_system_ref = row.referenced_at = None


def _clashed(session: Session, event: Event, row: HandoverItemRow) -> None:
    """Two people answered the same submission on different laptops before either synced:
    the first in the day service's order counts; a person is shown the other."""
    if row.state == ItemState.SUBMITTED.value:
        return
    wanted = "acknowledged" if event.type == "handover.acknowledged" else "returned"
    detail = {
        "reference": row.reference,
        "wanted": wanted,
        "by_name": event.payload.get("by_name"),
        "reason": event.payload.get("reason"),
        "already": row.state,
        "already_by": row.acknowledged_by or row.returned_by,
        "already_name": row.acknowledged_name,
    }
    raise_conflict(session, event, "handover_clash", detail)


def acknowledged(session: Session, event: Event) -> None:
    if not _acting_as(event, Permission.RECEIVE_HANDOVER):
        return
    row, current = _current(session, event)
    if row is None or acknowledge_refusal(current) is not None:
        if row is not None:
            _clashed(session, event, row)
        return  # the first answer counts; this one stays in the log (and is shown)
    row.state = ItemState.ACKNOWLEDGED.value
    row.acknowledged_by = event.actor_id
    row.acknowledged_name = str(event.payload["by_name"])[:120]
    row.acknowledged_at = event.occurred_at


def returned(session: Session, event: Event) -> None:
    if not _acting_as(event, Permission.RECEIVE_HANDOVER):
        return
    row, current = _current(session, event)
    if row is None or return_refusal(current) is not None:
        if row is not None:
            _clashed(session, event, row)
        return
    row.state = ItemState.RETURNED.value
    row.returned_reason = event.payload["reason"]
    row.returned_at = event.occurred_at
    row.returned_by = event.actor_id


def referenced(session: Session, event: Event) -> None:
    row, current = _current(session, event)
    if row is None or reference_refusal(current) is not None:
        return
    if not _acting_as(event, Permission.RECEIVE_HANDOVER):
        return
    row.case_system_ref = str(event.payload["case_system_ref"])[:80]
    row.referenced_at = event.occurred_at


PROJECTORS = {
    "handover.submitted": submitted,
    "handover.acknowledged": acknowledged,
    "handover.returned": returned,
    "handover.referenced": referenced,
}


def clear(session: Session, stream_id: str) -> None:
    """Delete the item of one enquiry or custody stream (before that stream is replayed)."""
    session.execute(delete(HandoverItemRow).where(HandoverItemRow.item_id == stream_id))


# --- reads ------------------------------------------------------------------------------


def to_item(row: HandoverItemRow, names: dict[str, str] | None = None) -> HandoverItem:
    """The item as the services hand it out; ``names`` maps people's ids to their names."""
    known = names or {}
    return HandoverItem(
        item_id=row.item_id,
        item_kind=ItemKind(row.item_kind),
        reference=row.reference,
        receiving_team=row.receiving_team,
        summary=row.summary,
        awaiting=tuple(json.loads(row.awaiting)),
        state=ItemState(row.state),
        submitted_at=row.submitted_at,
        submitted_by=known.get(row.submitted_by or "", ""),
        due_at=row.due_at,
        acknowledged_name=row.acknowledged_name,
        acknowledged_at=row.acknowledged_at,
        returned_reason=row.returned_reason,
        returned_at=row.returned_at,
        returned_by=known.get(row.returned_by or "", ""),
        case_system_ref=row.case_system_ref,
        referenced_at=row.referenced_at,
    )


def get_row(session: Session, item_id: str) -> HandoverItemRow | None:
    return session.get(HandoverItemRow, item_id)


def rows(
    session: Session,
    *,
    states: Collection[ItemState] | None = None,
    device_id: str | None = None,
    team: str | None = None,
    settled_before: datetime | None = None,
) -> list[HandoverItemRow]:
    """Items by due time. ``settled_before`` leaves out items acknowledged and given a case
    system reference before then (done with; they need no one's attention)."""
    query = select(HandoverItemRow)
    if states is not None:
        query = query.where(HandoverItemRow.state.in_([s.value for s in states]))
    if device_id is not None:
        query = query.where(HandoverItemRow.device_id == device_id)
    if team is not None:
        query = query.where(HandoverItemRow.receiving_team == team)
    if settled_before is not None:
        query = query.where(
            HandoverItemRow.referenced_at.is_(None)
            | (HandoverItemRow.referenced_at >= settled_before)
        )
    order = (HandoverItemRow.due_at, HandoverItemRow.submitted_at, HandoverItemRow.reference)
    return list(session.execute(query.order_by(*order)).scalars())


def states_of(session: Session, item_ids: Collection[str]) -> dict[str, ItemState]:
    """Where each of these items stands (items never handed over are left out)."""
    query = select(HandoverItemRow.item_id, HandoverItemRow.state).where(
        HandoverItemRow.item_id.in_(list(item_ids))
    )
    return {item_id: ItemState(state) for item_id, state in session.execute(query)}


def id_by_reference(session: Session, reference: str) -> str | None:
    query = select(HandoverItemRow.item_id).where(HandoverItemRow.reference == reference)
    found: str | None = session.execute(query).scalar_one_or_none()
    return found


_NOT_HANDED_OVER = or_(
    HandoverItemRow.item_id.is_(None), HandoverItemRow.state == ItemState.RETURNED.value
)


def unsent_enquiries(
    session: Session, device_id: str
) -> list[tuple[EnquiryRow, SignoffRow | None, str | None]]:
    """This device's enquiries never handed over, or returned: each with its sign-off and
    the reason it was returned (oldest call first)."""
    query = (
        select(EnquiryRow, SignoffRow, HandoverItemRow.returned_reason)
        .outerjoin(SignoffRow, SignoffRow.enquiry_id == EnquiryRow.id)
        .outerjoin(HandoverItemRow, HandoverItemRow.item_id == EnquiryRow.id)
        .where(EnquiryRow.device_id == device_id, _NOT_HANDED_OVER)
        .order_by(EnquiryRow.received_at, EnquiryRow.number)
    )
    return [(e, s, r) for e, s, r in session.execute(query)]


def unsent_cases(
    session: Session, device_id: str
) -> list[tuple[CustodyRow, str | None, str | None, str | None]]:
    """This device's custody cases never handed over, or returned: each with its enquiry's
    reference and shift, and the reason it was returned (oldest first)."""
    query = (
        select(
            CustodyRow, EnquiryRow.reference, EnquiryRow.shift_id, HandoverItemRow.returned_reason
        )
        .outerjoin(EnquiryRow, EnquiryRow.id == CustodyRow.enquiry_id)
        .outerjoin(HandoverItemRow, HandoverItemRow.item_id == CustodyRow.id)
        .where(CustodyRow.device_id == device_id, _NOT_HANDED_OVER)
        .order_by(CustodyRow.opened_at, CustodyRow.reference)
    )
    return [(c, ref, shift, reason) for c, ref, shift, reason in session.execute(query)]


def child_of(session: Session, item: HandoverItem) -> tuple[str, str | None]:
    """The child's (or young person's) name and date of birth, for the case system."""
    if item.item_kind is ItemKind.ENQUIRY:
        row = session.execute(select(EnquiryRow).where(EnquiryRow.id == item.item_id)).scalar()
        return ("", None) if row is None else (row.child_name or "", row.child_dob)
    case = session.get(CustodyRow, item.item_id)
    if case is None:
        return "", None
    content = json.loads(case.content)
    return str(content.get("yp_name") or ""), content.get("yp_dob")
