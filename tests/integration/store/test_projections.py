"""Projections are exactly what replaying the log gives, in place or in a fresh store."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duty_desk.domain.records import Contact
from duty_desk.domain.roles import Role
from duty_desk.security.errors import WrongCredentials
from duty_desk.services import audit, enquiries, people, shifts
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
        tables = {table: dump_table(db, table) for table in TABLES}
        tables["enquiry_search"] = db.execute(
            "SELECT rowid, body FROM enquiry_search ORDER BY rowid"
        ).fetchall()
        return tables


def _a_night(paths: DeskPaths, clock) -> None:
    """A shift with enquiries created, saved, decided and revised."""
    worker = sign_in(paths, "keen", "reset long phrase", clock)
    people.change_own_password(worker, "reset long phrase", "a phrase of my own")
    shifts.start_shift(
        worker, ["Kim Keen"], Contact("Pat", "07700 900001"), Contact("Mo", "07700 900002")
    )
    quick = {
        "child_name": "Siân Llŷr",
        "child_dob": "2014-03-02",
        "concerns": ["neglect"],
        "summary": "Left alone overnight",
        "channel": "police",
    }
    first = enquiries.create_enquiry(worker, quick).enquiry
    clock.advance(minutes=10)
    other = enquiries.create_enquiry(worker, quick | {"child_name": "Ngọc Ánh"}).enquiry
    saved = enquiries.save_enquiry(
        worker, other.id, quick | {"narrative": "More"}, other.updated_at
    ).enquiry
    complete = quick | {
        "risk_rating": "low",
        "can_wait": True,
        "can_wait_reason": "Safe now",
        "decision_type": "pass_to_day_screening",
        "rationale": "Grandmother there",
        "child_words": "I want to stay at Nan's tonight.",
    }
    clock.advance(minutes=10)
    decided = enquiries.decide(worker, first.id, complete, first.updated_at).enquiry
    clock.advance(minutes=10)
    enquiries.save_enquiry(
        worker, first.id, complete | {"rationale": "Changed"}, decided.updated_at
    )
    enquiries.open_enquiry(worker, saved.id)
    shifts.end_shift(worker, worker_shift(worker))
    sign_out(worker)


def worker_shift(worker: SignedIn) -> str:
    shift = shifts.current_shift(worker)
    assert shift is not None
    return shift.id


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
    _a_night(paths, clock)


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
    assert len(live["enquiries"]) == 2 and len(live["enquiry_search"]) == 2
    assert len(live["shifts"]) == 1 and len(live["enquiry_children"]) == 2

    assert audit.rebuild_projections(admin) > 20
    assert _dump(paths.database, key) == live


def test_rebuild_repairs_a_changed_projection(admin: SignedIn, paths: DeskPaths, clock) -> None:
    _varied_history(admin, paths, clock)
    key = admin.desk.db_key
    live = _dump(paths.database, key)
    with raw_db(paths.database, key) as db:
        db.execute("UPDATE people SET role = 'administrator', active = 1")
        db.execute("DELETE FROM desk")
        db.execute("UPDATE enquiries SET status = 'draft', child_name = 'Someone Else'")
        db.execute("DELETE FROM enquiry_search WHERE rowid = 1")
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
