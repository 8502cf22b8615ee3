"""Projections are exactly what replaying the log gives, in place or in a fresh store."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duty_desk.domain.roles import Role
from duty_desk.security.errors import WrongCredentials
from duty_desk.services import audit, people
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import lock, sign_in, sign_out, unlock
from duty_desk.services.paths import DeskPaths
from duty_desk.store import projections
from duty_desk.store.database import Store
from duty_desk.store.event_log import EventLog
from duty_desk.store.schema import PROJECTION_TABLES
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import dump_table, raw_db

TABLES = [table.name for table in PROJECTION_TABLES]


def _dump(path: Path, key: bytes) -> dict[str, list[tuple[Any, ...]]]:
    with raw_db(path, key) as db:
        return {table: dump_table(db, table) for table in TABLES}


def _varied_history(admin: SignedIn, paths: DeskPaths, clock) -> None:
    for n, role in enumerate([Role.DUTY_SOCIAL_WORKER, Role.MANAGER, Role.DAY_TEAM, Role.MANAGER]):
        clock.advance(minutes=3)
        people.add_person(admin, f"user{n}", f"User Number{n}", role, PASSWORD)
    clock.advance(minutes=1)
    people.add_person(
        admin, "keen", "Kim Keen", Role.SENIOR_PRACTITIONER, PASSWORD, must_change_password=False
    )
    clock.advance(hours=1)
    first = sign_in(paths, "user0", PASSWORD, clock)
    people.change_own_password(first, PASSWORD, "fresh long phrase")
    sign_out(first)
    clock.advance(minutes=7)
    second = sign_in(paths, "user1", PASSWORD, clock)
    sign_out(second)
    people.disable_person(admin, "user2")
    people.reset_password(admin, "user3", "reset long phrase")
    people.reset_password(admin, "keen", "reset long phrase")
    clock.advance(minutes=2)
    with pytest.raises(WrongCredentials):
        sign_in(paths, "keen", "wrong password!", clock)
    keen = sign_in(paths, "keen", "reset long phrase", clock)
    sign_out(keen)
    lock(admin)
    unlock(admin, ADMIN_PASSWORD)
    people.list_people(admin)


def test_rebuild_in_place_equals_the_live_tables(admin: SignedIn, paths: DeskPaths, clock) -> None:
    _varied_history(admin, paths, clock)
    key = admin.desk.db_key
    live = _dump(paths.database, key)
    assert len(live["people"]) == 6
    by_name = {row[1]: row for row in live["people"]}  # (id, username, ...)
    assert by_name["user2"][4] == 0  # disabled
    assert by_name["user3"][5] == 1  # must change password
    assert by_name["keen"][7] is not None  # signed in at some point
    assert by_name["user0"][5] == 0  # changed it

    assert audit.rebuild_projections(admin) > 20
    assert _dump(paths.database, key) == live


def test_rebuild_repairs_a_changed_projection(admin: SignedIn, paths: DeskPaths, clock) -> None:
    _varied_history(admin, paths, clock)
    key = admin.desk.db_key
    live = _dump(paths.database, key)
    with raw_db(paths.database, key) as db:
        db.execute("UPDATE people SET role = 'administrator', active = 1")
        db.execute("DELETE FROM desk")
    assert _dump(paths.database, key) != live
    audit.rebuild_projections(admin)
    assert _dump(paths.database, key) == live


def test_replaying_the_log_into_a_fresh_store_gives_the_same(
    admin: SignedIn, paths: DeskPaths, clock, tmp_path: Path
) -> None:
    _varied_history(admin, paths, clock)
    live = _dump(paths.database, admin.desk.db_key)
    with admin.uow() as uow:
        events = list(uow.events.all())
    fresh_key = secrets.token_bytes(32)
    fresh = Store.create(tmp_path / "fresh.db", fresh_key)
    try:
        with Session(fresh.engine) as session:
            replay = EventLog(session, "not-used")
            for event in events:
                replay.insert(event)
            assert projections.rebuild(session) == len(events)
            session.commit()
    finally:
        fresh.close()
    assert _dump(tmp_path / "fresh.db", fresh_key) == live
