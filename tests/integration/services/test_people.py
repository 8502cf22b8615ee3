"""Managing people: adding, disabling, resetting and changing passwords."""

from __future__ import annotations

import pytest

from duty_desk.domain.errors import NotFound, ValidationError
from duty_desk.domain.roles import Role
from duty_desk.security import keyfile
from duty_desk.security.errors import WrongCredentials
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import (
    add_person,
    change_own_password,
    disable_person,
    list_people,
    reset_password,
)
from tests.conftest import PASSWORD
from tests.support import events_of_type


def test_added_person_must_change_their_first_password(admin: SignedIn, paths, clock) -> None:
    person = add_person(admin, " New.Person ", "  Nia   New ", Role.MANAGER, PASSWORD)
    assert (person.username, person.display_name) == ("new.person", "Nia New")
    assert person.must_change_password and person.active
    session = sign_in(paths, "new.person", PASSWORD, clock)
    assert session.person.must_change_password
    change_own_password(session, PASSWORD, "my own long phrase")
    assert not session.person.must_change_password
    session.desk.close()
    with pytest.raises(WrongCredentials):
        sign_in(paths, "new.person", PASSWORD, clock)
    sign_in(paths, "new.person", "my own long phrase", clock).desk.close()


@pytest.mark.parametrize(
    ("username", "name", "password", "field"),
    [
        ("x", "Some Name", PASSWORD, "username"),
        ("9lives", "Some Name", PASSWORD, "username"),
        ("okname", "   ", PASSWORD, "display_name"),
        ("okname", "Some Name", "short", "password"),
        ("okname", "Some Name", "xx okname xx", "password"),
        ("okname", "Some Name", "abababababab", "password"),
        ("admin", "Some Name", PASSWORD, "username"),  # taken
    ],
)
def test_bad_details_are_refused_and_nothing_recorded(
    admin: SignedIn, paths: DeskPaths, username: str, name: str, password: str, field: str
) -> None:
    keyfile_before = paths.keyfile.read_bytes()
    with pytest.raises(ValidationError) as caught:
        add_person(admin, username, name, Role.DAY_TEAM, password)
    assert caught.value.field == field
    assert events_of_type(paths.database, admin.desk.db_key, "person.added")[1:] == []
    assert paths.keyfile.read_bytes() == keyfile_before


def test_you_cannot_disable_yourself(admin: SignedIn) -> None:
    with pytest.raises(ValidationError, match=r"^You cannot disable your own account\.$"):
        disable_person(admin, "admin")
    assert all(p.active for p in list_people(admin))


def test_the_last_administrator_stays(admin: SignedIn, people) -> None:
    other_admin = people[Role.ADMINISTRATOR]
    assert disable_person(admin, other_admin).active is False
    with pytest.raises(ValidationError, match="cannot disable your own account"):
        disable_person(admin, "admin")
    active_admins = [p for p in list_people(admin) if p.role is Role.ADMINISTRATOR and p.active]
    assert [p.username for p in active_admins] == ["admin"]


def test_disabling_twice_or_nobody(admin: SignedIn, people) -> None:
    disable_person(admin, people[Role.DAY_TEAM])
    with pytest.raises(ValidationError, match="is already disabled"):
        disable_person(admin, people[Role.DAY_TEAM])
    with pytest.raises(NotFound, match="Nobody with the username 'ghost'"):
        disable_person(admin, " ghost ")


def test_disabling_removes_the_key_slot(admin: SignedIn, people, paths: DeskPaths) -> None:
    secret = admin.desk.device_secret
    name = people[Role.SENIOR_PRACTITIONER]
    assert keyfile.has_slot(keyfile.load(paths.keyfile), secret, name)
    disable_person(admin, name)
    assert not keyfile.has_slot(keyfile.load(paths.keyfile), secret, name)
    assert len(keyfile.load(paths.keyfile).slots) == len(people)  # admin + 4 others


def test_reset_password(admin: SignedIn, people, paths: DeskPaths, clock) -> None:
    name = people[Role.DUTY_SOCIAL_WORKER]
    person = reset_password(admin, name, "a reset long phrase")
    assert person.must_change_password
    with pytest.raises(WrongCredentials):
        sign_in(paths, name, PASSWORD, clock)
    session = sign_in(paths, name, "a reset long phrase", clock)
    assert session.person.must_change_password
    session.desk.close()
    resets = events_of_type(paths.database, admin.desk.db_key, "person.password_reset")
    assert [r["actor_id"] for r in resets] == [admin.person.id]


def test_reset_refuses_disabled_people_and_weak_passwords(admin: SignedIn, people) -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        reset_password(admin, people[Role.MANAGER], "short")
    disable_person(admin, people[Role.MANAGER])
    with pytest.raises(ValidationError, match="is disabled; their password cannot be reset"):
        reset_password(admin, people[Role.MANAGER], "a reset long phrase")


def test_change_own_password_needs_the_current_one(admin: SignedIn, people, paths, clock) -> None:
    session = sign_in(paths, people[Role.MANAGER], PASSWORD, clock)
    try:
        with pytest.raises(WrongCredentials, match="current password is not right"):
            change_own_password(session, "not my password", "my own long phrase")
        with pytest.raises(ValidationError, match="different from the current one"):
            change_own_password(session, PASSWORD, PASSWORD)
    finally:
        session.desk.close()
    sign_in(paths, people[Role.MANAGER], PASSWORD, clock).desk.close()
