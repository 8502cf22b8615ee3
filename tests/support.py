"""Helpers the tests share: raw SQLCipher access, table dumps, file hashes, the real CLI."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from duty_desk.services.paths import DeskPaths
from duty_desk.store.guards import EVENTS_REFUSE_DELETE, EVENTS_REFUSE_UPDATE

GUARD_SQL = (EVENTS_REFUSE_UPDATE, EVENTS_REFUSE_DELETE)
CLI_SECRETS = (
    "DUTY_DESK_PASSWORD",
    "DUTY_DESK_NEW_PASSWORD",
    "DUTY_DESK_RECOVERY_KEY",
    "DUTY_DESK_USER",
    "PYTHON_KEYRING_BACKEND",
)
EVENT_COLUMNS = (
    "position, id, device_id, seq, stream_kind, stream_id, type, payload, actor_id, "
    "actor_role, occurred_at, hlc, prev_hash, hash"
)


@contextmanager
def raw_db(path: Path, key: bytes) -> Iterator[sqlcipher.Connection]:
    """A plain sqlcipher3 connection keyed with the raw key, nothing else; autocommit."""
    connection = sqlcipher.connect(str(path), isolation_level=None)
    try:
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        yield connection
    finally:
        connection.close()


def dump_table(connection: sqlcipher.Connection, table: str) -> list[tuple[Any, ...]]:
    return sorted(
        connection.execute(f"SELECT * FROM {table}").fetchall(),  # noqa: S608 (test tables)
        key=repr,
    )


def event_rows(connection: sqlcipher.Connection) -> list[tuple[Any, ...]]:
    query = f"SELECT {EVENT_COLUMNS} FROM events ORDER BY position"  # noqa: S608
    return connection.execute(query).fetchall()


def events_of_type(path: Path, key: bytes, event_type: str) -> list[dict[str, Any]]:
    with raw_db(path, key) as db:
        rows = db.execute(
            "SELECT actor_id, payload FROM events WHERE type = ? ORDER BY position", (event_type,)
        ).fetchall()
    return [{"actor_id": actor, "payload": json.loads(payload)} for actor, payload in rows]


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def db_fingerprint(paths: DeskPaths) -> dict[str, str | None]:
    return {p.name: sha256(p) for p in paths.database_files()}


def copy_desk(template: DeskPaths, target: Path) -> DeskPaths:
    """A copy of a closed desk; it shares the template's device secret in the keyring."""
    shutil.copytree(template.root, target)
    return DeskPaths(target)


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """The real command line, as a separate process, with the suite's Secret Service."""
    full_env = {k: v for k, v in os.environ.items() if k not in CLI_SECRETS}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
