"""Custody cases and the placements directory in the store: projectors and reads.

Writes happen only through events (``PROJECTORS``); every table here can be rebuilt
from the log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duty_desk.domain import custody
from duty_desk.domain.custody_records import Case, Provider
from duty_desk.domain.enquiry import with_changes
from duty_desk.domain.events import Event
from duty_desk.store.schema import CustodyRow, EnquiryRow, ProviderRow

# --- projectors -------------------------------------------------------------------------


def _opened(session: Session, event: Event) -> None:
    payload = event.payload
    row = CustodyRow(
        id=event.stream_id,
        reference=payload["reference"],
        enquiry_id=payload.get("enquiry_id"),
        device_id=event.device_id,
        status="open",
        content="{}",
        steps="[]",
        opened_at=event.occurred_at,
        opened_by=event.actor_id,
    )
    session.add(row)
    _changed(row, payload["changes"], event)


def _row(session: Session, event: Event) -> CustodyRow:
    return session.execute(select(CustodyRow).where(CustodyRow.id == event.stream_id)).scalar_one()


def _changed(row: CustodyRow, changes: Mapping[str, Any], event: Event) -> None:
    content = with_changes(json.loads(row.content), changes)
    row.content = json.dumps(content, ensure_ascii=False, sort_keys=True)
    row.yp_name = content.get("yp_name")
    row.updated_at = event.occurred_at
    row.updated_by = event.actor_id


def _saved(session: Session, event: Event) -> None:
    _changed(_row(session, event), event.payload["changes"], event)


def _set_steps(row: CustodyRow, steps: list[dict[str, Any]], event: Event) -> None:
    ordered = custody.ordered(steps)
    row.steps = json.dumps(ordered, ensure_ascii=False, sort_keys=True)
    row.requested_at = custody.when(ordered, "request_received")
    row.updated_at = event.occurred_at
    row.updated_by = event.actor_id


def _step_added(session: Session, event: Event) -> None:
    row = _row(session, event)
    step = dict(event.payload["step"])
    _set_steps(row, [*json.loads(row.steps), step], event)


def _step_corrected(session: Session, event: Event) -> None:
    row = _row(session, event)
    step = dict(event.payload["step"])
    steps = [step if s["id"] == step["id"] else s for s in json.loads(row.steps)]
    _set_steps(row, steps, event)


def _step_withdrawn(session: Session, event: Event) -> None:
    row = _row(session, event)
    gone = event.payload["step_id"]
    _set_steps(row, [s for s in json.loads(row.steps) if s["id"] != gone], event)


def _closed(session: Session, event: Event) -> None:
    row = _row(session, event)
    _changed(row, event.payload["changes"], event)
    row.status = "closed"
    row.closed_at = event.occurred_at


def _reopened(session: Session, event: Event) -> None:
    row = _row(session, event)
    row.status = "open"
    row.closed_at = None
    row.updated_at = event.occurred_at
    row.updated_by = event.actor_id


def _provider_added(session: Session, event: Event) -> None:
    fields = event.payload["provider"]
    session.add(
        ProviderRow(id=event.stream_id, active=True, updated_at=event.occurred_at, **fields)
    )


def _provider_changed(session: Session, event: Event) -> None:
    row = session.execute(select(ProviderRow).where(ProviderRow.id == event.stream_id)).scalar_one()
    for name, value in event.payload["provider"].items():
        setattr(row, name, value)
    row.updated_at = event.occurred_at


PROJECTORS = {
    "custody.opened": _opened,
    "custody.saved": _saved,
    "custody.step_added": _step_added,
    "custody.step_corrected": _step_corrected,
    "custody.step_withdrawn": _step_withdrawn,
    "custody.closed": _closed,
    "custody.reopened": _reopened,
    "provider.added": _provider_added,
    "provider.changed": _provider_changed,
}

# --- reads ------------------------------------------------------------------------------


def _query() -> Any:
    return select(
        CustodyRow, EnquiryRow.reference, EnquiryRow.decision_type, EnquiryRow.signoff_state
    ).outerjoin(EnquiryRow, EnquiryRow.id == CustodyRow.enquiry_id)


def _case(found: Any) -> Case:
    row, enquiry_reference, decision_type, signoff_state = found
    return Case(
        id=row.id,
        reference=row.reference,
        enquiry_id=row.enquiry_id,
        status=row.status,
        content=json.loads(row.content),
        steps=tuple(json.loads(row.steps)),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        updated_at=row.updated_at,
        enquiry_reference=enquiry_reference,
        decision_type=decision_type,
        signoff_state=signoff_state or "",
    )


def get_case(session: Session, case_id: str) -> Case | None:
    found = session.execute(_query().where(CustodyRow.id == case_id)).one_or_none()
    return None if found is None else _case(found)


def open_cases(session: Session) -> list[Case]:
    """Every open case, the longest-running request first."""
    query = _query().where(CustodyRow.status == "open").order_by(CustodyRow.opened_at)
    return [_case(found) for found in session.execute(query)]


def cases_between(session: Session, start: datetime, end: datetime) -> list[Case]:
    """Cases whose request (or opening, if no request is recorded) falls in [start, end)."""
    moment = func.coalesce(CustodyRow.requested_at, CustodyRow.opened_at)
    query = _query().where(moment >= start, moment < end).order_by(CustodyRow.opened_at)
    return [_case(found) for found in session.execute(query)]


def recent_cases(session: Session, limit: int) -> list[Case]:
    query = _query().order_by(CustodyRow.opened_at.desc()).limit(limit)
    return [_case(found) for found in session.execute(query)]


def id_by_reference(session: Session, reference: str) -> str | None:
    """The id of the case with this reference (references are stored upper-case)."""
    query = select(CustodyRow.id).where(CustodyRow.reference == reference)
    found: str | None = session.execute(query).scalar_one_or_none()
    return found


def references_on(session: Session, prefix: str) -> int:
    query = select(func.count()).where(CustodyRow.reference.like(f"{prefix}%"))
    return session.execute(query).scalar_one()


def providers(session: Session, *, include_retired: bool = False) -> list[Provider]:
    query = select(ProviderRow).order_by(ProviderRow.name)
    if not include_retired:
        query = query.where(ProviderRow.active.is_(True))
    return [_provider(row) for row in session.execute(query).scalars()]


def get_provider(session: Session, provider_id: str) -> Provider | None:
    row = session.execute(
        select(ProviderRow).where(ProviderRow.id == provider_id)
    ).scalar_one_or_none()
    return None if row is None else _provider(row)


def _provider(row: ProviderRow) -> Provider:
    return Provider(
        id=row.id,
        name=row.name,
        type=row.type,
        secure=row.secure,
        accepts_pace=row.accepts_pace,
        phone=row.phone,
        notes=row.notes,
        active=row.active,
    )
