"""Tampering with the closed database is caught by the real ``duty-desk audit verify``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from duty_desk.domain.events import Event, event_hash, parse_instant
from duty_desk.domain.roles import Role
from duty_desk.services import audit, people
from duty_desk.services.desk import create_desk, lock, remove_desk, sign_out, unlock
from duty_desk.services.paths import DeskPaths
from duty_desk.store.database import Store
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock
from tests.support import GUARD_SQL, copy_desk, event_rows, raw_db, run_cli

Row = tuple[Any, ...]
POSITION, ID, SEQ, PAYLOAD, PREV_HASH, HASH = 0, 1, 3, 7, 12, 13


@dataclass(frozen=True)
class Template:
    paths: DeskPaths
    key: bytes
    device_id: str
    rows: list[Row]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """A closed desk with 21 events, built once for the module."""
    paths = DeskPaths(tmp_path_factory.mktemp("audit") / "desk")
    clock = FakeClock()
    session = create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock).session
    key, device_id = session.desk.db_key, session.desk.device_id
    for n, role in enumerate([*Role, Role.MANAGER][1:]):
        clock.advance(minutes=1)
        people.add_person(session, f"person{n}", f"Person Number{n}", role, PASSWORD)
    people.reset_password(session, "person1", "another long phrase")
    people.disable_person(session, "person2")
    for _ in range(4):
        clock.advance(minutes=5)
        lock(session)
        unlock(session, ADMIN_PASSWORD)
    audit.verify_log(session)
    sign_out(session)
    with raw_db(paths.database, key) as db:
        rows = event_rows(db)
    assert len(rows) == 21
    yield Template(paths, key, device_id, rows)
    remove_desk(paths)


@pytest.fixture
def desk(template: Template, tmp_path: Path) -> DeskPaths:
    return copy_desk(template.paths, tmp_path / "copy")


def verify(paths: DeskPaths) -> tuple[int, str]:
    result = run_cli(
        "--data-dir",
        str(paths.root),
        "audit",
        "verify",
        "--as",
        "admin",
        env={"DUTY_DESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert result.stderr == "", result.stderr
    return result.returncode, result.stdout


def _insert(db: sqlcipher.Connection, row: Row) -> None:
    db.execute(f"INSERT INTO events VALUES ({', '.join('?' * len(row))})", row)  # noqa: S608


def edit_payload(db: sqlcipher.Connection, rows: list[Row]) -> tuple[str, int]:
    victim = next(r for r in rows if "Person Number1" in r[PAYLOAD])
    forged = victim[PAYLOAD].replace("Person Number1", "Someone Else")
    db.execute("UPDATE events SET payload = ? WHERE id = ?", (forged, victim[ID]))
    return victim[ID], victim[SEQ]


def delete_middle(db: sqlcipher.Connection, rows: list[Row]) -> tuple[str, int]:
    db.execute("DELETE FROM events WHERE id = ?", (rows[10][ID],))
    return rows[11][ID], rows[11][SEQ]


def insert_forged(db: sqlcipher.Connection, rows: list[Row]) -> tuple[str, int]:
    """A well-hashed forged event after event 8; later events renumbered to make room."""
    before, after = rows[7], rows[8]
    db.execute("UPDATE events SET position = position + 1000, seq = seq + 1000 WHERE seq > 8")
    db.execute("UPDATE events SET position = position - 999, seq = seq - 999 WHERE seq > 1000")
    db.execute("UPDATE chain_heads SET seq = seq + 1")
    forged = Event(
        id=str(uuid.uuid4()),
        device_id=before[2],
        seq=before[SEQ] + 1,
        stream_kind="person",
        stream_id=before[5],
        type="person.password_reset",
        payload={},
        actor_id=before[8],
        actor_role="administrator",
        occurred_at=parse_instant(before[10]),
        hlc=before[11],
        prev_hash=before[HASH],
        hash="",
    )
    forged_hash = event_hash(forged)
    row = (before[POSITION] + 1, forged.id, forged.device_id, forged.seq, "person")
    row += (forged.stream_id, forged.type, "{}", forged.actor_id, forged.actor_role)
    _insert(db, (*row, before[10], forged.hlc, forged.prev_hash, forged_hash))
    return after[ID], after[SEQ] + 1


def swap_two(db: sqlcipher.Connection, rows: list[Row]) -> tuple[str, int]:
    first, second = rows[5], rows[12]
    db.execute("DELETE FROM events WHERE id IN (?, ?)", (first[ID], second[ID]))
    _insert(db, (first[POSITION], *second[1:]))
    _insert(db, (second[POSITION], *first[1:]))
    return second[ID], second[SEQ]


Tamper = Callable[[sqlcipher.Connection, list[Row]], tuple[str, int]]


@pytest.mark.parametrize(
    "tamper", [edit_payload, delete_middle, insert_forged, swap_two], ids=lambda f: f.__name__
)
def test_verify_names_the_first_changed_event(
    template: Template, desk: DeskPaths, tamper: Tamper
) -> None:
    with raw_db(desk.database, template.key) as db:
        db.execute("DROP TRIGGER events_refuse_update")
        db.execute("DROP TRIGGER events_refuse_delete")
        bad_id, bad_seq = tamper(db, template.rows)
        for sql in GUARD_SQL:
            db.execute(sql)
    code, out = verify(desk)
    print(out)
    assert code == 1, out
    assert out.startswith(f"FAILED at event {bad_id} ("), out
    assert f"sequence {bad_seq})" in out
    assert "protections" not in out  # the guards are back: the chain alone failed


def test_truncation_is_caught_by_the_chain_head(template: Template, desk: DeskPaths) -> None:
    last = template.rows[-1]
    with raw_db(desk.database, template.key) as db:
        db.execute("DROP TRIGGER events_refuse_delete")
        db.execute("DELETE FROM events WHERE id = ?", (last[ID],))
        db.execute(GUARD_SQL[1])
    store = Store.open(desk.database, template.key)
    try:
        result = audit.check_store(store, template.device_id)
    finally:
        store.close()
    assert not result.ok
    assert result.report.problem is not None
    assert result.report.problem.event_id is None
    assert result.report.problem.seq == last[SEQ] - 1
    assert "events have been removed from the end" in result.describe()
    # Through the CLI, signing in appends after the recorded head, leaving a visible gap.
    code, out = verify(desk)
    assert code == 1, out
    assert f"sequence {last[SEQ] + 1}): expected sequence {last[SEQ]} here" in out


def test_intact_log_verifies_ok(template: Template, desk: DeskPaths) -> None:
    code, out = verify(desk)
    assert code == 0, out
    # the CLI's own sign-in is the 22nd event
    assert out.strip() == "OK: 22 events from 1 device(s); every chain is intact."


def test_removed_guards_fail_verification(template: Template, desk: DeskPaths) -> None:
    with raw_db(desk.database, template.key) as db:
        db.execute("DROP TRIGGER events_refuse_update")
    code, out = verify(desk)
    assert code == 1
    assert "protections that refuse edits to the log were removed: events_refuse_update" in out
    assert "events_refuse_delete" not in out


@pytest.mark.parametrize(
    ("sql", "refused"),
    [
        ("UPDATE events SET payload = '{}' WHERE seq = 3", "UPDATE refused"),
        ("DELETE FROM events WHERE seq = 20", "DELETE refused"),
        ("DELETE FROM events", "DELETE refused"),
    ],
)
def test_guards_refuse_changes(template: Template, desk: DeskPaths, sql: str, refused: str) -> None:
    with raw_db(desk.database, template.key) as db:
        with pytest.raises(sqlcipher.DatabaseError, match=f"events are immutable: {refused}"):
            db.execute(sql)
        assert event_rows(db) == template.rows
