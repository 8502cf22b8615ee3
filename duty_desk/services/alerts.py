"""The day team's "known tonight" alerts: add, change, retire, list, and match a child.

The day team (and managers) keep the alerts; whoever reads children's records sees the
ones that match the child on the enquiry form. Each change is one event on the alert's
own stream, so the alerts reach every laptop by sync. A change or retirement checks that
nobody changed the alert since the caller read it (``expected``): nothing is overwritten.
Viewing a matched alert is not recorded: it is shown to whoever is typing that child's
name, and the enquiry itself records who opened it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from duty_desk.domain import alerts as rules
from duty_desk.domain.alerts import Alert
from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.enquiry import name_key
from duty_desk.domain.errors import DutyDeskError, NotFound, ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.domain.roles import Permission, may
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.store import alerts as store
from duty_desk.store.unit_of_work import UnitOfWork


class AlertChangedMeanwhile(DutyDeskError):
    """Someone changed the alert after the caller read it; nothing was overwritten."""


def add_alert(session: SignedIn, fields: Mapping[str, Any]) -> Alert:
    authorize(session, Permission.MANAGE_ALERTS)
    cleaned = rules.clean_alert(fields, _today(session))
    alert_id = str(uuid.uuid4())
    with session.uow() as uow:
        uow.record(NewEvent("alert", alert_id, "alert.added", {"alert": cleaned}))
        uow.commit()
        return _read(uow, alert_id)


def change_alert(
    session: SignedIn, alert_id: str, fields: Mapping[str, Any], expected: datetime
) -> Alert:
    """Change some of an alert's details; those not given stay as they are."""
    authorize(session, Permission.MANAGE_ALERTS)
    with session.uow() as uow:
        current = _current(uow, alert_id, expected)
        if not current.active:
            raise ValidationError(
                f"The alert for {current.child_name} has been retired: add a new one instead."
            )
        kept = {name: getattr(current, name) for name in rules.FIELDS}
        changed = rules.changes(current, rules.clean_alert(kept | dict(fields), _today(session)))
        if not changed:
            return current
        uow.record(NewEvent("alert", alert_id, "alert.changed", {"alert": changed}))
        uow.commit()
        return _read(uow, alert_id)


def retire_alert(session: SignedIn, alert_id: str, expected: datetime) -> Alert:
    """Take an alert down before its last night (the log keeps what it said)."""
    authorize(session, Permission.MANAGE_ALERTS)
    with session.uow() as uow:
        current = _current(uow, alert_id, expected)
        if not current.active:
            return current
        uow.record(NewEvent("alert", alert_id, "alert.retired", {}))
        uow.commit()
        return _read(uow, alert_id)


def list_alerts(
    session: SignedIn, on: date | None = None, *, include_retired: bool = False
) -> list[Alert]:
    """The alerts in force on the night ``on``, or (no night given) every alert not yet
    over. Kept by the day team and managers; read by whoever reads children's records."""
    keeper = include_retired or may(session.person.role, Permission.MANAGE_ALERTS)
    authorize(session, Permission.MANAGE_ALERTS if keeper else Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        found = store.alerts(uow.session, on=on, include_retired=include_retired)
    if on is None and not include_retired:
        tonight = rules.night_of(session.desk.clock()).isoformat()
        found = [a for a in found if a.valid_until >= tonight]
    return found


def matching_alerts(
    session: SignedIn, child_name: str, dob: date | str | None, on: date
) -> list[Alert]:
    """Alerts in force on the night ``on`` about this child: the same name (as previous
    contacts match it) and, when both are known, the same date of birth."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    key = name_key(child_name or "")
    if not key:
        return []
    born = rules.uk_date(dob, "dob") if dob else None
    with session.uow(read_only=True) as uow:
        found = store.in_force_for(uow.session, key, on)
    return [alert for alert in found if alert.matches(child_name, born)]


# --- helpers ------------------------------------------------------------------------------


def _today(session: SignedIn) -> date:
    return session.desk.clock().astimezone(LONDON).date()


def _current(uow: UnitOfWork, alert_id: str, expected: datetime) -> Alert:
    current = _read(uow, alert_id)
    if current.updated_at != expected:
        raise AlertChangedMeanwhile(
            f"The alert for {current.child_name} was changed at "
            f"{show_local(current.updated_at)} after you opened it. Nothing was overwritten: "
            "open it again to see the latest, then make your change."
        )
    return current


def _read(uow: UnitOfWork, alert_id: str) -> Alert:
    found = store.get_alert(uow.session, alert_id)
    if found is None:
        raise NotFound("That alert is not on this desk.")
    return found
