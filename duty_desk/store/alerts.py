"""The day team's "known tonight" alerts in the store: projectors, the sync clearer, reads.

Written only through events (``PROJECTORS``); the table is rebuilt from the log. Alerts
are made by the day team on their own desks and reach the laptops by sync like any event.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from duty_desk.domain.alerts import FIELDS, Alert
from duty_desk.domain.enquiry import name_key
from duty_desk.domain.events import Event
from duty_desk.store.schema import AlertRow

# --- projectors -------------------------------------------------------------------------


def _added(session: Session, event: Event) -> None:
    fields = event.payload["alert"]
    if session.get(AlertRow, event.stream_id) is not None:
        return  # the same id twice: the first stands
    row = AlertRow(id=event.stream_id, active=True, added_by=event.actor_id)
    _fill(row, fields, event)
    session.add(row)


def _changed(session: Session, event: Event) -> None:
    row = session.get(AlertRow, event.stream_id)
    if row is None:
        return
    _fill(row, event.payload["alert"], event)


def _retired(session: Session, event: Event) -> None:
    row = session.get(AlertRow, event.stream_id)
    if row is None:
        return
    row.active = False
    row.updated_at = event.occurred_at


def _fill(row: AlertRow, fields: dict[str, object], event: Event) -> None:
    for name in FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    row.name_key = name_key(row.child_name)
    row.updated_at = event.occurred_at


PROJECTORS = {
    "alert.added": _added,
    "alert.changed": _changed,
    "alert.retired": _retired,
}


def clear(session: Session, stream_id: str) -> None:
    """Delete one alert's row (before its stream is replayed)."""
    session.execute(delete(AlertRow).where(AlertRow.id == stream_id))


# --- reads ------------------------------------------------------------------------------


def get_alert(session: Session, alert_id: str) -> Alert | None:
    row = session.get(AlertRow, alert_id)
    return None if row is None else to_alert(row)


def alerts(session: Session, *, on: date | None, include_retired: bool) -> list[Alert]:
    """With ``on``: those in force that night; else every alert not yet over (and, with
    ``include_retired``, the retired and past ones too). Soonest first, then by name."""
    query = select(AlertRow)
    if on is not None:
        day = on.isoformat()
        query = query.where(AlertRow.valid_from <= day, AlertRow.valid_until >= day)
    if not include_retired:
        query = query.where(AlertRow.active.is_(True))
    query = query.order_by(AlertRow.valid_from, AlertRow.child_name, AlertRow.id)
    return [to_alert(row) for row in session.execute(query).scalars()]


def in_force_for(session: Session, key: str, on: date) -> list[Alert]:
    """Alerts in force on ``on`` whose child's name key is ``key`` (dates of birth are
    compared by the caller, in the domain)."""
    day = on.isoformat()
    query = (
        select(AlertRow)
        .where(AlertRow.name_key == key, AlertRow.active.is_(True))
        .where(AlertRow.valid_from <= day, AlertRow.valid_until >= day)
        .order_by(AlertRow.valid_until, AlertRow.id)
    )
    return [to_alert(row) for row in session.execute(query).scalars()]


def to_alert(row: AlertRow) -> Alert:
    return Alert(
        id=row.id,
        child_name=row.child_name,
        dob=row.dob,
        reason=row.reason,
        plan=row.plan,
        contact=row.contact,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        active=row.active,
        added_by=row.added_by,
        updated_at=row.updated_at,
    )
