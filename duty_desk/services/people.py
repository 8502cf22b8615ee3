"""Managing the people who use the desk."""

from __future__ import annotations

import uuid

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
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import check_password


def list_people(session: SignedIn) -> list[Person]:
    authorize(session, Permission.VIEW_PEOPLE)
    with session.uow() as uow:
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
    desk = session.desk
    person_id = str(uuid.uuid4())
    with session.uow() as uow:
        if uow.people.by_username(username) is not None:
            raise ValidationError(f"The username {username!r} is already taken.", "username")
        payload = {
            "username": username,
            "display_name": display_name,
            "role": role.value,
            "must_change_password": must_change_password,
        }
        uow.record(NewEvent("person", person_id, "person.added", payload))
        person = uow.people.get(person_id)
        uow.commit()
    desk.update_keyfile(
        lambda kf: keyfiles.with_slot(kf, desk.device_secret, username, password, desk.db_key)
    )
    assert person is not None
    return person


def disable_person(session: SignedIn, username: str) -> Person:
    """Stop a person signing in: their key slot is removed and the change recorded."""
    authorize(session, Permission.MANAGE_PEOPLE)
    desk = session.desk
    with session.uow() as uow:
        person = _existing(uow.people.by_username(username.strip()), username)
        if person.id == session.person.id:
            raise ValidationError("You cannot disable your own account.")
        if not person.active:
            raise ValidationError(f"{person.display_name} is already disabled.")
        uow.record(NewEvent("person", person.id, "person.disabled", {}))
        updated = uow.people.get(person.id)
        uow.commit()
    desk.update_keyfile(lambda kf: keyfiles.without_slot(kf, desk.device_secret, person.username))
    assert updated is not None
    return updated


def reset_password(session: SignedIn, username: str, new_password: str) -> Person:
    """Give a person a new password that they must change when they next sign in."""
    authorize(session, Permission.MANAGE_PEOPLE)
    desk = session.desk
    with session.uow() as uow:
        person = _existing(uow.people.by_username(username.strip()), username)
    if not person.active:
        raise ValidationError(f"{person.display_name} is disabled; their password cannot be reset.")
    check_new_password(new_password, person.username)
    with session.uow() as uow:
        uow.record(NewEvent("person", person.id, "person.password_reset", {}))
        updated = uow.people.get(person.id)
        uow.commit()
    desk.update_keyfile(
        lambda kf: keyfiles.with_slot(
            kf, desk.device_secret, person.username, new_password, desk.db_key
        )
    )
    assert updated is not None
    return updated


def change_own_password(session: SignedIn, current: str, new_password: str) -> None:
    authorize(session, Permission.CHANGE_OWN_PASSWORD)
    if not check_password(session, current):
        raise WrongCredentials("Your current password is not right; nothing was changed.")
    if current == new_password:
        raise ValidationError("Choose a password different from the current one.", "password")
    check_new_password(new_password, session.person.username)
    desk = session.desk
    username = session.person.username
    with session.uow() as uow:
        uow.record(NewEvent("person", session.person.id, "person.password_changed", {}))
        person = uow.people.get(session.person.id)
        uow.commit()
    desk.update_keyfile(
        lambda kf: keyfiles.with_slot(kf, desk.device_secret, username, new_password, desk.db_key)
    )
    assert person is not None
    session.person = person


def _existing(person: Person | None, username: str) -> Person:
    if person is None:
        raise NotFound(f"Nobody with the username {username.strip()!r} is enrolled on this desk.")
    return person
