"""Managing the people who use the desk."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from duty_desk.domain.errors import NotFound, ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.domain.people import (
    Person,
    check_display_name,
    check_new_password,
    normalise_username,
)
from duty_desk.domain.roles import Permission, Role
from duty_desk.security import keyfile as keyfiles
from duty_desk.security.errors import WrongCredentials
from duty_desk.security.keyfile import KeyFile, Slot
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import check_password
from duty_desk.store.unit_of_work import UnitOfWork


def list_people(session: SignedIn) -> list[Person]:
    authorize(session, Permission.VIEW_PEOPLE)
    with session.uow(read_only=True) as uow:
        return uow.people.list()


def add_person(
    session: SignedIn,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    *,
    must_change_password: bool = True,
) -> Person:
    """Enrol a person on this desk with a first password they change at first sign-in."""
    authorize(session, Permission.MANAGE_PEOPLE)
    username = normalise_username(username)
    display_name = check_display_name(display_name)
    check_new_password(password, username)

    def not_taken(uow: UnitOfWork) -> None:
        if uow.people.by_username(username) is not None:
            raise ValidationError(f"The username {username!r} is already taken.", "username")

    with session.uow(read_only=True) as uow:
        not_taken(uow)  # say so before the slow part
    enrolment, slot = _enrolled(session, username, password)
    payload = {
        "username": username,
        "display_name": display_name,
        "role": role.value,
        "must_change_password": must_change_password,
        "enrolment": enrolment,
    }
    return _record_then_rekey(
        session,
        NewEvent("person", str(uuid.uuid4()), "person.added", payload),
        lambda kf: keyfiles.with_entry(kf, slot),
        recheck=not_taken,  # and again where it counts: inside the writing transaction
    )


def disable_person(session: SignedIn, username: str) -> Person:
    """Stop a person signing in: their key slot is removed and the change recorded."""
    authorize(session, Permission.MANAGE_PEOPLE)
    person = _existing(session, username)
    if person.id == session.person.id:
        raise ValidationError("You cannot disable your own account.")
    if not person.active:
        raise ValidationError(f"{person.display_name} is already disabled.")
    secret = session.desk.device_secret
    return _record_then_rekey(
        session,
        NewEvent("person", person.id, "person.disabled", {}),
        lambda kf: keyfiles.without_slot(kf, secret, person.username),
        recheck=_still_active(person),
    )


def reset_password(session: SignedIn, username: str, new_password: str) -> Person:
    """Give a person a new password that they must change when they next sign in."""
    authorize(session, Permission.MANAGE_PEOPLE)
    person = _existing(session, username)
    if not person.active:
        raise ValidationError(f"{person.display_name} is disabled; their password cannot be reset.")
    check_new_password(new_password, person.username)
    enrolment, slot = _enrolled(session, person.username, new_password)
    return _record_then_rekey(
        session,
        NewEvent("person", person.id, "person.password_reset", {"enrolment": enrolment}),
        lambda kf: keyfiles.with_entry(kf, slot),
        recheck=_still_active(person),
    )


def change_own_password(session: SignedIn, current: str, new_password: str) -> None:
    authorize(session, Permission.CHANGE_OWN_PASSWORD)
    if not check_password(session, current):
        raise WrongCredentials("Your current password is not right; nothing was changed.")
    if current == new_password:
        raise ValidationError("Choose a password different from the current one.", "password")
    check_new_password(new_password, session.person.username)
    enrolment, slot = _enrolled(session, session.person.username, new_password)
    session.person = _record_then_rekey(
        session,
        NewEvent("person", session.person.id, "person.password_changed", {"enrolment": enrolment}),
        lambda kf: keyfiles.with_entry(kf, slot),
    )


def _enrolled(
    session: SignedIn, username: str, password: str
) -> tuple[dict[str, Any], tuple[str, Slot]]:
    """The slow part (Argon2id), done before any transaction or lock is taken: the
    enrolment other laptops make this person's slot from (after sync), and this desk's."""
    desk = session.desk
    enrolment = keyfiles.new_enrolment(password)
    slot = keyfiles.slot_from_enrolment(
        desk.device_id, desk.device_secret, username, enrolment, desk.db_key
    )
    return enrolment, slot


def _record_then_rekey(
    session: SignedIn,
    event: NewEvent,
    change: Callable[[KeyFile], KeyFile],
    recheck: Callable[[UnitOfWork], None] | None = None,
) -> Person:
    """Record first, then change the key file: a crash in between leaves a recorded change
    whose slot is missing (the administrator resets it), never an unrecorded one."""
    with session.uow() as uow:
        if recheck is not None:
            recheck(uow)
        uow.record(event)
        person = uow.people.get(event.stream_id)
        uow.commit()
    session.desk.update_keyfile(change)
    assert person is not None
    return person


def _still_active(person: Person) -> Callable[[UnitOfWork], None]:
    def recheck(uow: UnitOfWork) -> None:
        current = uow.people.get(person.id)
        if current is None or not current.active:
            raise ValidationError(f"{person.display_name} has just been disabled.")

    return recheck


def _existing(session: SignedIn, username: str) -> Person:
    with session.uow(read_only=True) as uow:
        person = uow.people.by_username(username.strip())
    if person is None:
        raise NotFound(f"Nobody with the username {username.strip()!r} is enrolled on this desk.")
    return person
