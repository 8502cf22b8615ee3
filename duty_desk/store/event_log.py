"""The append-only, hash-chained event log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duty_desk.domain.events import (
    GENESIS_HASH,
    Actor,
    Event,
    NewEvent,
    canonical_json,
    event_hash,
    format_instant,
    next_hlc,
)
from duty_desk.store.schema import EventRow

# The hot path runs two prepared statements on the DB-API cursor of the session's own
# connection (same transaction); SQLAlchemy's statement machinery cost more than the
# encrypted commit itself. The chain head is advanced by the events_advance_head trigger.
_HEAD_SQL = "SELECT seq, hash, hlc FROM chain_heads WHERE device_id = ?"
_COLUMNS = [column.name for column in EventRow.__table__.columns if column.name != "position"]
_INSERT_SQL = (
    f"INSERT INTO events ({', '.join(_COLUMNS)}) "  # noqa: S608 (our own column names)
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)})"
)


class EventLog:
    def __init__(self, session: Session, device_id: str) -> None:
        self._session = session
        self._device_id = device_id

    def append(self, new: NewEvent, actor: Actor, now: datetime) -> Event:
        """Chain one event onto this device's log, inside the session's transaction."""
        head = self._cursor().execute(_HEAD_SQL, (self._device_id,)).fetchone()
        draft = Event(
            id=str(uuid.uuid4()),
            device_id=self._device_id,
            seq=head[0] + 1 if head else 1,
            stream_kind=new.stream_kind,
            stream_id=new.stream_id,
            type=new.type,
            payload=json.loads(canonical_json(dict(new.payload))),
            actor_id=actor.user_id,
            actor_role=actor.role,
            occurred_at=now,
            hlc=next_hlc(head[2] if head else None, now, self._device_id),
            prev_hash=head[1] if head else GENESIS_HASH,
            hash="",
        )
        event = replace(draft, hash=event_hash(draft))
        self.insert(event)
        return event

    def insert(self, event: Event) -> None:
        """Store an event exactly as it was made (here, or replayed from elsewhere)."""
        self._cursor().execute(_INSERT_SQL, to_columns(event))

    def insert_many(self, events: list[Event], payloads: list[str]) -> None:
        """Store events exactly as they were made, in this order, in one statement
        (``payloads``: each one's ``canonical_json(payload)``, already made)."""
        if events:
            rows = [to_columns(e, p) for e, p in zip(events, payloads, strict=True)]
            self._cursor().executemany(_INSERT_SQL, rows)

    def _cursor(self) -> Any:
        # The DB-API cursor of the session's own connection: same transaction.
        return self._session.connection().connection.cursor()

    def stream(self, kind: str, stream_id: str) -> list[Event]:
        """One entity's events, in the order they were recorded here."""
        query = (
            select(EventRow)
            .where(EventRow.stream_id == stream_id, EventRow.stream_kind == kind)
            .order_by(EventRow.position)
        )
        return [from_row(row) for row in self._session.execute(query).scalars()]

    def all(self) -> Iterator[Event]:
        rows = self._session.execute(select(EventRow).order_by(EventRow.position))
        for row in rows.scalars():
            yield from_row(row)


def to_columns(event: Event, payload_json: str | None = None) -> dict[str, object]:
    """The stored form of an event: one value per column of ``events``."""
    return {
        "id": event.id,
        "device_id": event.device_id,
        "seq": event.seq,
        "stream_kind": event.stream_kind,
        "stream_id": event.stream_id,
        "type": event.type,
        "payload": canonical_json(event.payload) if payload_json is None else payload_json,
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "occurred_at": format_instant(event.occurred_at),
        "hlc": event.hlc,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def from_row(row: EventRow) -> Event:
    return Event(
        id=row.id,
        device_id=row.device_id,
        seq=row.seq,
        stream_kind=row.stream_kind,
        stream_id=row.stream_id,
        type=row.type,
        payload=json.loads(row.payload),
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        occurred_at=row.occurred_at,
        hlc=row.hlc,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
