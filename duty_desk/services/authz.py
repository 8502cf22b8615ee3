"""The gate every service call passes: refused calls are refused here and recorded."""

from __future__ import annotations

from duty_desk.domain.errors import Forbidden
from duty_desk.domain.events import NewEvent
from duty_desk.domain.people import Person
from duty_desk.domain.roles import Permission, may
from duty_desk.services.context import SignedIn

_ACTIONS = {
    Permission.MANAGE_PEOPLE: "add, disable or reset people",
    Permission.VIEW_PEOPLE: "see the list of people",
    Permission.VERIFY_AUDIT: "verify the audit log",
    Permission.REBUILD_PROJECTIONS: "rebuild the desk's tables from the log",
    Permission.CHANGE_OWN_PASSWORD: "change their password",
    Permission.RECORD_ENQUIRIES: "record or change enquiries",
    Permission.VIEW_ENQUIRIES: "read children's records",
    Permission.RUN_SHIFTS: "start or end a duty shift",
    Permission.SIGN_OFF: "sign off decisions",
    Permission.MANAGE_RULES: "install sign-off rules",
    Permission.MANAGE_PROVIDERS: "change the placements directory",
    Permission.VIEW_FIGURES: "see the monitoring figures",
    Permission.SYNC: "sync with the day service",
    Permission.CONFIGURE_SYNC: "set up the day service connection",
    Permission.SUBMIT_HANDOVER: "hand the night over",
    Permission.RECEIVE_HANDOVER: "acknowledge or return handover items",
    Permission.MANAGE_ALERTS: "change the known-tonight alerts",
    Permission.RESOLVE_CONFLICTS: "resolve sync conflicts",
    Permission.PURGE: "purge acknowledged records from this laptop",
}


def authorize(session: SignedIn, permission: Permission) -> None:
    """Checked against the person as stored now, not as they were at sign-in."""
    with session.uow(read_only=True) as uow:
        current = uow.people.get(session.person.id)
    refusal = _refusal(session.person, current, permission)
    if refusal is None:
        return
    with session.uow() as uow:
        uow.record(
            NewEvent("person", session.person.id, "access.denied", {"action": permission.value})
        )
        uow.commit()
    raise Forbidden(refusal)


def _refusal(signed_in: Person, current: Person | None, permission: Permission) -> str | None:
    action = _ACTIONS[permission]
    if current is None or not current.active:
        return (
            f"{signed_in.display_name}'s account has been disabled, so they may not {action}. "
            "Sign out and sign in as someone else."
        )
    if current.must_change_password and permission is not Permission.CHANGE_OWN_PASSWORD:
        return (
            "An administrator set this password: choose your own before anything else "
            "(Desk → Change my password, or duty-desk password)."
        )
    if not may(current.role, permission):
        label = current.role.label.lower()
        return f"{'An' if label[0] in 'aeiou' else 'A'} {label} may not {action}."
    return None
