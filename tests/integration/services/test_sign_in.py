"""Signing in: wrong passwords counted and paused, disabled people kept out."""

from __future__ import annotations

import pytest

from duty_desk.domain.errors import Forbidden
from duty_desk.domain.roles import Role
from duty_desk.security.errors import SignInPaused, WrongCredentials
from duty_desk.services.audit import verify_log
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in, sign_out
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person, change_own_password, disable_person, list_people
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import events_of_type


def test_five_failures_pause_even_the_right_password(
    admin: SignedIn, paths: DeskPaths, clock
) -> None:
    key = admin.desk.db_key
    for attempt in range(1, 6):
        clock.advance(seconds=2)
        with pytest.raises(WrongCredentials, match=rf"\(failed attempt {attempt}\)$"):
            sign_in(paths, "admin", f"wrong password {attempt}", clock)
    assert events_of_type(paths.database, key, "auth.sign_in_failed") == []  # not yet in the log
    with pytest.raises(
        SignInPaused, match=r"^5 wrong passwords in a row for this username\. Wait 30 seconds"
    ) as paused:
        sign_in(paths, "admin", ADMIN_PASSWORD, clock)
    assert paused.value.seconds_left == 30
    clock.advance(seconds=29)
    with pytest.raises(SignInPaused) as still:
        sign_in(paths, "admin", ADMIN_PASSWORD, clock)
    assert still.value.seconds_left == 1
    clock.advance(seconds=1)

    session = sign_in(paths, "admin", ADMIN_PASSWORD, clock)
    session.desk.close()
    failed = events_of_type(paths.database, key, "auth.sign_in_failed")
    assert [f["payload"]["person_id"] for f in failed] == [admin.person.id] * 5  # not the paused
    assert all(f["actor_id"] is None for f in failed)
    assert len({f["payload"]["attempted_at"] for f in failed}) == 5
    assert not paths.failures.exists()


def test_a_good_sign_in_resets_the_count(admin: SignedIn, paths: DeskPaths, clock) -> None:
    for _ in range(4):
        with pytest.raises(WrongCredentials):
            sign_in(paths, "admin", "wrong password", clock)
    sign_in(paths, "admin", ADMIN_PASSWORD, clock).desk.close()
    with pytest.raises(WrongCredentials, match=r"\(failed attempt 1\)$"):
        sign_in(paths, "admin", "wrong password", clock)


def test_usernames_are_not_case_sensitive(admin: SignedIn, paths: DeskPaths, clock) -> None:
    session = sign_in(paths, "  ADMIN ", ADMIN_PASSWORD, clock)
    assert session.person.username == "admin"
    session.desk.close()


def test_a_disabled_person_cannot_sign_in(admin: SignedIn, people, paths, clock) -> None:
    disable_person(admin, people[Role.MANAGER])
    with pytest.raises(WrongCredentials, match="do not match a person enrolled"):
        sign_in(paths, people[Role.MANAGER], PASSWORD, clock)
    others = sign_in(paths, people[Role.DAY_TEAM], PASSWORD, clock)
    others.desk.close()
    failed = events_of_type(paths.database, admin.desk.db_key, "auth.sign_in_failed")
    manager = next(p for p in list_people(admin) if p.username == people[Role.MANAGER])
    assert [f["payload"]["person_id"] for f in failed] == [manager.id]


def test_an_open_session_loses_its_powers_when_disabled(
    admin: SignedIn, people, paths, clock
) -> None:
    second = add_person(
        admin, "second", "Second Admin", Role.ADMINISTRATOR, PASSWORD, must_change_password=False
    )
    session = sign_in(paths, second.username, PASSWORD, clock)
    try:
        assert list_people(session)
        disable_person(admin, "second")
        with pytest.raises(Forbidden, match="account has been disabled"):
            add_person(session, "sneaky", "Sneaky Person", Role.ADMINISTRATOR, PASSWORD)
        with pytest.raises(Forbidden, match="account has been disabled"):
            change_own_password(session, PASSWORD, "my comeback phrase")
        with pytest.raises(Forbidden):
            verify_log(session)
    finally:
        session.desk.close()
    assert "sneaky" not in {p.username for p in list_people(admin)}
    with pytest.raises(WrongCredentials):
        sign_in(paths, "second", "my comeback phrase", clock)
    denied = events_of_type(paths.database, admin.desk.db_key, "access.denied")
    assert [d["actor_id"] for d in denied] == [second.id] * 3


def test_sign_out_records_and_closes(admin: SignedIn, paths: DeskPaths) -> None:
    sign_out(admin)
    signed_out = events_of_type(paths.database, admin.desk.db_key, "auth.signed_out")
    assert [s["actor_id"] for s in signed_out] == [admin.person.id]


def test_a_paused_username_does_not_shut_out_colleagues(
    admin: SignedIn, people, paths: DeskPaths, clock
) -> None:
    for attempt in range(5):
        with pytest.raises(WrongCredentials):
            sign_in(paths, "admin", f"wrong password {attempt}", clock)
    with pytest.raises(SignInPaused):
        sign_in(paths, "admin", ADMIN_PASSWORD, clock)
    colleague = sign_in(paths, people[Role.DUTY_SOCIAL_WORKER], PASSWORD, clock)
    assert colleague.person.role is Role.DUTY_SOCIAL_WORKER
    colleague.desk.close()


def test_an_unknown_username_is_never_written_down(
    admin: SignedIn, paths: DeskPaths, clock
) -> None:
    typed = "hunter2-typed-in-the-wrong-box"
    with pytest.raises(WrongCredentials):
        sign_in(paths, typed, "anything at all", clock)
    (attempt,) = admin.desk.failures().read()  # sealed only as a keyed hash
    assert attempt.username.startswith("?") and typed.lower() not in attempt.username
    sign_in(paths, "admin", ADMIN_PASSWORD, clock).desk.close()
    (failed,) = events_of_type(paths.database, admin.desk.db_key, "auth.sign_in_failed")
    assert failed["payload"]["person_id"] is None
    assert failed["payload"]["username_known"] is False
    assert typed not in str(failed)


def test_failures_elsewhere_are_logged_when_a_locked_desk_is_unlocked(
    admin: SignedIn, people, paths: DeskPaths, clock
) -> None:
    from duty_desk.services.desk import lock, unlock

    lock(admin)
    with pytest.raises(WrongCredentials):  # e.g. at the command line, while the app is locked
        sign_in(paths, people[Role.MANAGER], "not their password", clock)
    unlock(admin, ADMIN_PASSWORD)
    manager = next(p for p in list_people(admin) if p.username == people[Role.MANAGER])
    failed = events_of_type(paths.database, admin.desk.db_key, "auth.sign_in_failed")
    assert [f["payload"]["person_id"] for f in failed] == [manager.id]
    sign_out(sign_in(paths, "admin", ADMIN_PASSWORD, clock))
    again = events_of_type(paths.database, admin.desk.db_key, "auth.sign_in_failed")
    assert len(again) == 1  # logged once, not again at the next sign-in
