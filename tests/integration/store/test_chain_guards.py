"""The chain heads only move forward, and readers never hold up a writer."""

from __future__ import annotations

import threading
import time

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from duty_desk.domain.events import SYSTEM, NewEvent
from duty_desk.services.audit import check_store
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from tests.support import raw_db


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE chain_heads SET seq = seq - 1",
        "UPDATE chain_heads SET device_id = 'elsewhere'",
        "DELETE FROM chain_heads",
    ],
)
def test_chain_heads_refuse_to_move_back_or_vanish(
    admin: SignedIn, paths: DeskPaths, tamper: str
) -> None:
    admin.desk.close()
    with (
        raw_db(paths.database, admin.desk.db_key) as db,
        pytest.raises(sqlcipher.DatabaseError, match="chain heads only move forward"),
    ):
        db.execute(tamper)


def test_a_removed_head_is_reported(admin: SignedIn, paths: DeskPaths) -> None:
    admin.desk.close()
    with raw_db(paths.database, admin.desk.db_key) as db:
        db.execute("DROP TRIGGER chain_heads_refuse_delete")
        db.execute("DELETE FROM chain_heads")
        db.commit()
    from duty_desk.store.database import Store

    store = Store.open(paths.database, admin.desk.db_key)
    try:
        result = check_store(store, admin.desk.device_id)
    finally:
        store.close()
    assert not result.ok
    assert "no chain head" in result.describe()
    assert "chain_heads_refuse_delete" in result.describe()


def test_a_long_read_does_not_hold_up_a_writer(admin: SignedIn) -> None:
    desk = admin.desk
    reading = threading.Event()
    release = threading.Event()

    def long_read() -> None:
        with desk.uow(SYSTEM, read_only=True) as uow:
            uow.people.list()
            reading.set()
            release.wait(10)

    reader = threading.Thread(target=long_read)
    reader.start()
    try:
        assert reading.wait(10)
        started = time.monotonic()
        with admin.uow() as uow:
            uow.record(NewEvent("desk", desk.device_id, "test.written", {}))
            uow.commit()
        assert time.monotonic() - started < 2  # not the 10 s busy timeout
    finally:
        release.set()
        reader.join()


def test_a_read_only_unit_of_work_cannot_record(admin: SignedIn) -> None:
    with admin.uow(read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.record(NewEvent("desk", admin.desk.device_id, "test.written", {}))
