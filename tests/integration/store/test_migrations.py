"""The schema version: HEAD matches Alembic, new stores are at HEAD, newer ones are refused."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from duty_desk.services.audit import GUARDS
from duty_desk.store import migrations
from duty_desk.store.database import Store
from duty_desk.store.errors import StoreTooNew
from tests.support import GUARD_SQL, raw_db, sha256


def test_head_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_heads() == [migrations.HEAD]
    assert {rev.revision for rev in script.walk_revisions()} == set(migrations.KNOWN)


def test_a_new_store_is_at_head_with_its_guards(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    Store.create(tmp_path / "desk.db", key).close()
    with raw_db(tmp_path / "desk.db", key) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (migrations.HEAD,)
        ]
        triggers = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert sorted(triggers) == sorted(GUARDS)
    assert {triggers["events_refuse_update"], triggers["events_refuse_delete"]} == set(GUARD_SQL)
    assert {"events", "chain_heads", "people", "desk", "alembic_version"} <= tables


def test_an_empty_keyed_database_is_migrated_on_open(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    path = tmp_path / "empty.db"
    with raw_db(path, key) as db:
        db.execute("CREATE TABLE placeholder (x)")
    Store.open(path, key).close()
    with raw_db(path, key) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrations.HEAD,
        )


def test_an_unknown_revision_is_refused_as_too_new(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    path = tmp_path / "desk.db"
    Store.create(path, key).close()
    with raw_db(path, key) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    before = sha256(path)
    with pytest.raises(StoreTooNew) as caught:
        Store.open(path, key)
    assert str(caught.value) == (
        "This desk was written by a newer Duty Desk (schema 9999). "
        "Install the newer version; nothing has been changed."
    )
    assert sha256(path) == before
    with raw_db(path, key) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
