"""The SQLCipher engine: key first, then WAL, full fsync, secure delete, memory temp store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event

KEY_BYTES = 32
READ_ONLY = "duty_desk_read_only"  # execution option: start with a plain (deferred) BEGIN


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def make_engine(path: Path, key: bytes) -> Engine:
    """An engine whose every connection is keyed before anything else runs.

    The key never appears in the URL. A writing transaction starts with BEGIN IMMEDIATE
    so that two processes on one desk (the app and the command line) queue rather than
    fail half-way; a read-only one (execution option ``READ_ONLY``) with a plain BEGIN,
    so that a long read never holds up a writer.
    """
    pragma = key_pragma(key)
    # The default pool for a SQLite file keeps connections open (and allows them to move
    # between threads), so a commit is one fsync, not a re-key and a WAL checkpoint.
    engine = create_engine(f"sqlite+pysqlite:///{path}", module=sqlcipher, pool_size=2)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(pragma)
            cursor.execute("PRAGMA busy_timeout = 10000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
