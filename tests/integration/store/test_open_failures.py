"""Opening the desk fails plainly, and changes no byte of the database, when it should."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
import sqlcipher3.dbapi2 as sqlcipher

from duty_desk.security.device_secret import SERVICE
from duty_desk.security.errors import DeviceSecretMissing, WrongCredentials
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in
from duty_desk.services.paths import DeskPaths
from duty_desk.store.database import Store
from duty_desk.store.errors import StoreMissing, StoreUnreadable
from tests.conftest import ADMIN_PASSWORD
from tests.support import db_fingerprint, raw_db


@pytest.fixture
def closed(admin: SignedIn, paths: DeskPaths) -> DeskPaths:
    """The admin's desk, closed: the WAL is checkpointed into desk.db and removed."""
    admin.desk.close()
    assert paths.database.exists()
    assert not Path(f"{paths.database}-wal").exists(), "closing should checkpoint the WAL"
    return paths


def test_wrong_password_is_refused_and_changes_nothing(closed: DeskPaths, clock) -> None:
    before = db_fingerprint(closed)
    with pytest.raises(WrongCredentials, match=r"do not match .* \(failed attempt 1\)$"):
        sign_in(closed, "admin", "not the right password", clock)
    assert db_fingerprint(closed) == before
    assert closed.failures.exists()  # counted, outside the database


def test_unknown_username_is_refused_the_same_way(closed: DeskPaths, clock) -> None:
    before = db_fingerprint(closed)
    with pytest.raises(WrongCredentials, match="do not match a person enrolled"):
        sign_in(closed, "nobody", ADMIN_PASSWORD, clock)
    assert db_fingerprint(closed) == before


def test_missing_device_secret_points_to_the_recovery_key(
    admin: SignedIn, closed: DeskPaths, clock
) -> None:
    before = db_fingerprint(closed)
    keyring.delete_password(SERVICE, f"device-secret:{admin.desk.device_id}")
    with pytest.raises(DeviceSecretMissing) as caught:
        sign_in(closed, "admin", ADMIN_PASSWORD, clock)
    assert "recovery key (duty-desk recover)" in str(caught.value)
    assert "Nothing has been changed" in str(caught.value)
    assert db_fingerprint(closed) == before


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_flipped_byte_is_reported_as_damage(closed: DeskPaths, clock, where: str) -> None:
    data = bytearray(closed.database.read_bytes())
    assert len(data) >= 4 * 4096
    index = {"first": 0, "middle": len(data) // 2 + 100, "last": len(data) - 1}[where]
    data[index] ^= 0x01
    closed.database.write_bytes(bytes(data))
    before = db_fingerprint(closed)
    with pytest.raises(StoreUnreadable) as caught:
        sign_in(closed, "admin", ADMIN_PASSWORD, clock)
    message = str(caught.value)
    assert "could not be read: it is damaged" in message
    assert "Nothing has been changed" in message
    assert db_fingerprint(closed) == before
    assert not Path(f"{closed.database}-wal").exists()


def test_the_right_password_still_opens_after_failures(closed: DeskPaths, clock) -> None:
    with pytest.raises(WrongCredentials):
        sign_in(closed, "admin", "not the right password", clock)
    session = sign_in(closed, "admin", ADMIN_PASSWORD, clock)
    session.desk.close()


def test_store_open_with_a_wrong_key_changes_nothing(admin: SignedIn, closed: DeskPaths) -> None:
    before = db_fingerprint(closed)
    wrong = bytes(b ^ 0xFF for b in admin.desk.db_key)
    with pytest.raises(StoreUnreadable, match="file is not a database"):
        Store.open(closed.database, wrong)
    assert db_fingerprint(closed) == before


def test_store_open_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing, match="There is no desk database at"):
        Store.open(tmp_path / "absent.db", b"k" * 32)
    assert not (tmp_path / "absent.db").exists()


def test_raw_key_opens_it_as_standard_sqlcipher_4(admin: SignedIn, closed: DeskPaths) -> None:
    with raw_db(closed.database, admin.desk.db_key) as db:
        assert db.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
        assert db.execute("SELECT username FROM people").fetchall() == [("admin",)]
    plain = sqlcipher.connect(str(closed.database))
    try:
        with pytest.raises(sqlcipher.DatabaseError, match="file is not a database"):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        plain.close()
    assert not closed.database.read_bytes().startswith(b"SQLite format 3")
