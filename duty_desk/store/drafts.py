"""Autosaved typing: one row per open form, replaced on every autosave."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from duty_desk.store.schema import DraftRow


def put(
    session: Session,
    key: str,
    person_id: str,
    enquiry_id: str | None,
    base_version: int | None,
    content: dict[str, Any],
    now: datetime,
) -> None:
    row = session.get(DraftRow, key)
    if row is None:
        row = DraftRow(key=key, person_id=person_id)
        session.add(row)
    elif row.person_id != person_id:
        raise PermissionError("a draft belongs to the person who typed it")
    row.enquiry_id = enquiry_id
    row.base_version = base_version
    row.content = json.dumps(content, ensure_ascii=False, sort_keys=True)
    row.saved_at = now


def of_person(session: Session, person_id: str) -> list[DraftRow]:
    query = select(DraftRow).where(DraftRow.person_id == person_id).order_by(DraftRow.saved_at)
    return list(session.execute(query).scalars())


def remove(session: Session, key: str, person_id: str) -> bool:
    result = session.execute(
        delete(DraftRow).where(DraftRow.key == key, DraftRow.person_id == person_id)
    )
    return bool(getattr(result, "rowcount", 0))
