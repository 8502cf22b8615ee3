"""The day service's tables: every device's events, in one global order.

The same tables on PostgreSQL (production) and SQLite (the embedded default). On
PostgreSQL each row also records the transaction that wrote it (``tx``, an ``xid8``), so
that a pull can wait for every transaction that might still commit below its cursor:
sequence values are drawn in one order and committed in another, and ``id > last``
silently skips the late ones. SQLite has one writer at a time, so its order is commit order.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)

SCHEMA_VERSION = 1

server_metadata = MetaData()

# BIGINT identity on PostgreSQL; SQLite's rowid alias must be spelt INTEGER PRIMARY KEY.
_GLOBAL_SEQ = BigInteger().with_variant(Integer(), "sqlite")

server_events = Table(
    "server_events",
    server_metadata,
    Column("global_seq", _GLOBAL_SEQ, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("team", String(40), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("stream_kind", String(40), nullable=False),
    Column("stream_id", String(64), nullable=False),
    Column("type", String(60), nullable=False),
    Column("payload", Text, nullable=False),
    Column("actor_id", String(36)),
    Column("actor_role", String(40)),
    Column("occurred_at", String(27), nullable=False),
    Column("hlc", String(80), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # Per device, each sequence number once: a second writer of the same number waits for
    # the first and then fails, so a device's chain can never fork on the server.
    UniqueConstraint("device_id", "seq", name="uq_server_events_device_seq"),
)

server_meta = Table(
    "server_meta",
    server_metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# The writing transaction's id, PostgreSQL only (see the module docstring).
event.listen(
    server_events,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "ALTER TABLE server_events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id(); "
        "CREATE INDEX ix_server_events_tx ON server_events (tx, global_seq)"
    ).execute_if(dialect="postgresql"),
)
Index("ix_server_events_team", server_events.c.team, server_events.c.global_seq)
