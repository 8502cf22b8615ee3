"""Conflicts: events the conflict rules did not apply, kept for a person to see.

A projector that refuses an event (another laptop changed the same thing first, in the day
service's order) records it here instead of overwriting or dropping it. The rows are a
projection like the others: every desk that holds the same events shows the same conflicts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event
from duty_desk.store.schema import ConflictRow


@dataclass(frozen=True, slots=True)
class Conflict:
    event_id: str
    stream_kind: str
    stream_id: str
    kind: str
    detail: dict[str, Any]
    raised_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


def raise_conflict(session: Session, event: Event, kind: str, detail: dict[str, Any]) -> None:
    if session.get(ConflictRow, event.id) is None:
        session.add(
            ConflictRow(
                event_id=event.id,
                stream_kind=event.stream_kind,
                stream_id=event.stream_id,
                kind=kind,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                raised_at=event.occurred_at,
            )
        )


def conflicts(session: Session, *, open_only: bool = True) -> list[Conflict]:
    query = select(ConflictRow).order_by(ConflictRow.raised_at)
    if open_only:
        query = query.where(ConflictRow.resolved_at.is_(None))
    return [_to_conflict(row) for row in session.execute(query).scalars()]


def get_conflict(session: Session, event_id: str) -> Conflict | None:
    row = session.get(ConflictRow, event_id)
    return None if row is None else _to_conflict(row)


def _to_conflict(row: ConflictRow) -> Conflict:
    return Conflict(
        row.event_id,
        row.stream_kind,
        row.stream_id,
        row.kind,
        json.loads(row.detail),
        row.raised_at,
        row.resolved_at,
        row.resolved_by,
    )
