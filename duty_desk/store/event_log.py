"""The append-only, hash-chained event log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from duty_desk.domain.events import (
    GENESIS_HASH,
    Actor,
    Event,
    NewEvent,
    canonical_json,
    event_hash,
    next_hlc,
)
from duty_desk.store.schema import ChainHeadRow, EventRow


class EventLog:
    def __init__(self, session: Session, device_id: str) -> None:
        self._session = session
        self._device_id = device_id

    def append(self, new: NewEvent, actor: Actor, now: datetime) -> Event:
        head = self._session.get(ChainHeadRow, self._device_id)
        seq = head.seq + 1 if head else 1
        prev_hash = head.hash if head else GENESIS_HASH
        draft = Event(
            id=str(uuid.uuid4()),
            device_id=self._device_id,
            seq=seq,
            stream_kind=new.stream_kind,
            stream_id=new.stream_id,
            type=new.type,
            payload=json.loads(canonical_json(dict(new.payload))),
            actor_id=actor.user_id,
            actor_role=actor.role,
            occurred_at=now,
            hlc=next_hlc(head.hlc if head else None, now, self._device_id),
            prev_hash=prev_hash,
            hash="",
        )
        event = _with_hash(draft)
        self._session.add(to_row(event))
        if head is None:
            self._session.add(
                ChainHeadRow(device_id=self._device_id, seq=seq, hash=event.hash, hlc=event.hlc)
            )
        else:
            head.seq, head.hash, head.hlc = seq, event.hash, event.hlc
        self._session.flush()
        return event

    def all(self) -> Iterator[Event]:
        rows = self._session.execute(select(EventRow).order_by(EventRow.position))
        for row in rows.scalars():
            yield from_row(row)

    def for_stream(self, stream_kind: str, stream_id: str) -> list[Event]:
        query = (
            select(EventRow)
            .where(EventRow.stream_kind == stream_kind, EventRow.stream_id == stream_id)
            .order_by(EventRow.position)
        )
        return [from_row(row) for row in self._session.execute(query).scalars()]


def _with_hash(draft: Event) -> Event:
    return replace(draft, hash=event_hash(draft))


def to_row(event: Event) -> EventRow:
    return EventRow(
        id=event.id,
        device_id=event.device_id,
        seq=event.seq,
        stream_kind=event.stream_kind,
        stream_id=event.stream_id,
        type=event.type,
        payload=canonical_json(event.payload),
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        occurred_at=event.occurred_at,
        hlc=event.hlc,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


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
