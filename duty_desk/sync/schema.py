"""The day service's tables: every device's events in one global order."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

server_metadata = MetaData()

server_events = Table(
    "server_events",
    server_metadata,
    Column("global_seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
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
    UniqueConstraint("device_id", "seq", name="uq_server_events_device_seq"),
)
