"""The gate every service call passes: refused calls are refused here and recorded."""

from __future__ import annotations

from duty_desk.domain.errors import Forbidden
from duty_desk.domain.events import NewEvent
from duty_desk.domain.roles import Permission, may
from duty_desk.services.context import SignedIn

_ACTIONS = {
    Permission.MANAGE_PEOPLE: "add, disable or reset people",
    Permission.VIEW_PEOPLE: "see the list of people",
    Permission.VERIFY_AUDIT: "verify the audit log",
    Permission.REBUILD_PROJECTIONS: "rebuild the desk's tables from the log",
    Permission.CHANGE_OWN_PASSWORD: "change their password",
    Permission.USE_DESK: "use the desk",
}


def authorize(session: SignedIn, permission: Permission) -> None:
    """Checked against the person as stored now: disabled since sign-in means refused."""
    with session.uow() as uow:
        current = uow.people.get(session.person.id)
        active = current is not None and current.active
        role = current.role if current is not None else session.person.role
        if active and may(role, permission):
            return
        uow.record(
            NewEvent("person", session.person.id, "access.denied", {"action": permission.value})
        )
        uow.commit()
    if not active:
        raise Forbidden(
            f"{session.person.display_name}'s account has been disabled, so they may not "
            f"{_ACTIONS[permission]}. Sign out and sign in as someone else."
        )
    raise Forbidden(f"A {role.label.lower()} may not {_ACTIONS[permission]}.")
