"""The local purge in the store: the ``record.purged`` projector, the blanking, and reads.

A purged record keeps no personal data here: its events' payloads are blanked to the
purge marker (the one change the events table allows), its projection rows go (the
enquiry and its children, its search-index row, its sign-off, the custody case, its
handover item and any conflicts about it) and a stub stays: reference, the digest of the
blanked events' hashes, the day team's receipt, how many events and when. The handover
item goes too: its summary and what it awaited are about the child, and everything the
laptop still needs of it (reference, who acknowledged it and when) is in the stub.

Once a record has been purged, no other event about it projects anything (``superseded``),
whatever order events arrive in: that keeps a rebuild, a refold of the stream and an edit
arriving late from another laptop from bringing any of it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event
from duty_desk.store import enquiries
from duty_desk.store.guards import PURGED_PAYLOAD
from duty_desk.store.schema import (
    ConflictRow,
    CustodyRow,
    DraftRow,
    EnquiryRow,
    EventOrderRow,
    EventRow,
    HandoverItemRow,
    PurgeStubRow,
)

PURGED_TYPE = "record.purged"
KINDS = ("enquiry", "custody")  # the streams that hold personal data and are purged
_PURGED_SQL = "SELECT 1 FROM events WHERE stream_id = ? AND type = ? LIMIT 1"


@dataclass(frozen=True, slots=True)
class Member:
    """One record of a purge group: an enquiry or a custody case."""

    kind: str
    id: str
    reference: str


# --- projector --------------------------------------------------------------------------


def record_purged(session: Session, event: Event) -> None:
    """Delete the record's projection rows and keep (or extend) its stub."""
    if event.stream_kind == "enquiry":
        enquiries.clear_enquiry(session, event.stream_id)
    elif event.stream_kind == "custody":
        session.execute(delete(CustodyRow).where(CustodyRow.id == event.stream_id))
    session.execute(delete(HandoverItemRow).where(HandoverItemRow.item_id == event.stream_id))
    session.execute(delete(ConflictRow).where(ConflictRow.stream_id == event.stream_id))
    payload = event.payload
    stub = session.get(PurgeStubRow, event.stream_id)
    if stub is not None:  # a later purge of events that arrived after the first
        stub.event_count += len(payload["event_ids"])
        return
    session.add(
        PurgeStubRow(
            stream_id=event.stream_id,
            stream_kind=event.stream_kind,
            reference=payload["reference"],
            content_hash=payload["events_digest"],
            receipt=json.dumps(payload["receipt"], ensure_ascii=False, sort_keys=True),
            event_count=len(payload["event_ids"]),
            purged_at=event.occurred_at,
        )
    )


PROJECTORS = {PURGED_TYPE: record_purged}


def superseded(session: Session, event: Event) -> bool:
    """True for any event but the purge itself about a record purged on this desk."""
    if event.type == PURGED_TYPE or event.stream_kind not in KINDS:
        return False
    cursor = session.connection().connection.cursor()  # the hot path: one indexed probe
    try:
        return cursor.execute(_PURGED_SQL, (event.stream_id, PURGED_TYPE)).fetchone() is not None
    finally:
        cursor.close()


# --- what is due ------------------------------------------------------------------------


def acknowledged_before(session: Session, cutoff: datetime) -> list[HandoverItemRow]:
    """Handover items acknowledged at or before ``cutoff`` and not purged yet."""
    stubbed = select(PurgeStubRow.stream_id)
    query = (
        select(HandoverItemRow)
        .where(HandoverItemRow.state == "acknowledged")
        .where(HandoverItemRow.acknowledged_at <= cutoff)
        .where(HandoverItemRow.item_id.not_in(stubbed))
        # EDT- before CUS-: a record and its custody case acknowledged together are named
        # by the enquiry
        .order_by(HandoverItemRow.acknowledged_at, HandoverItemRow.reference.desc())
    )
    return list(session.execute(query).scalars())


def group_of(session: Session, kind: str, record_id: str) -> list[Member]:
    """The enquiry and every custody case linked to it, whichever of them is given."""
    enquiry_id = record_id
    if kind == "custody":
        case = session.get(CustodyRow, record_id)
        if case is None or case.enquiry_id is None:
            return [] if case is None else [Member("custody", case.id, case.reference)]
        enquiry_id = case.enquiry_id
    members = []
    row = session.execute(
        select(EnquiryRow.id, EnquiryRow.reference).where(EnquiryRow.id == enquiry_id)
    ).first()
    if row is not None:
        members.append(Member("enquiry", row[0], row[1]))
    cases = select(CustodyRow.id, CustodyRow.reference).where(CustodyRow.enquiry_id == enquiry_id)
    members += [Member("custody", i, r) for i, r in session.execute(cases.order_by(CustodyRow.id))]
    return members


def items_of(session: Session, ids: Iterable[str]) -> dict[str, HandoverItemRow]:
    query = select(HandoverItemRow).where(HandoverItemRow.item_id.in_(list(ids)))
    return {row.item_id: row for row in session.execute(query).scalars()}


def last_changed(session: Session, member: Member) -> datetime | None:
    model = EnquiryRow if member.kind == "enquiry" else CustodyRow
    query = select(model.updated_at).where(model.id == member.id)
    found: datetime | None = session.execute(query).scalar_one_or_none()
    return found


def live_events(session: Session, stream_id: str) -> list[EventRow]:
    """The stream's events not yet blanked (the purge records themselves left out)."""
    query = (
        select(EventRow)
        .where(EventRow.stream_id == stream_id, EventRow.payload != PURGED_PAYLOAD)
        .where(EventRow.type != PURGED_TYPE)
        .order_by(EventRow.position)
    )
    return list(session.execute(query).scalars())


def acknowledgement(session: Session, item_id: str) -> tuple[str, int | None] | None:
    """The event id of the acknowledgement that counts (the first), and its place in the
    day service's order when this desk knows it."""
    query = (
        select(EventRow.id, EventOrderRow.server_order)
        .outerjoin(EventOrderRow, EventOrderRow.event_id == EventRow.id)
        .where(EventRow.stream_id == item_id, EventRow.type == "handover.acknowledged")
        .order_by(EventOrderRow.server_order.is_(None), EventOrderRow.server_order)
        .order_by(EventRow.position)
        .limit(1)
    )
    found = session.execute(query).first()
    return None if found is None else (found[0], found[1])


# --- blanking ---------------------------------------------------------------------------


def blank(session: Session, event_ids: Sequence[str]) -> int:
    """Blank these events' payloads to the purge marker; returns how many changed."""
    changed = 0
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        result = session.execute(
            update(EventRow)
            .where(EventRow.id.in_(chunk), EventRow.payload != PURGED_PAYLOAD)
            .values(payload=PURGED_PAYLOAD)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


def remove_drafts(session: Session) -> int:
    """Autosaved typing (anyone's) about enquiries purged here goes with them."""
    purged = select(PurgeStubRow.stream_id).where(PurgeStubRow.stream_kind == "enquiry")
    result = session.execute(delete(DraftRow).where(DraftRow.enquiry_id.in_(purged)))
    return int(getattr(result, "rowcount", 0) or 0)


def live_on_purged(session: Session) -> list[EventRow]:
    """Events about records purged here that still hold their payload: listed by a purge
    made on another desk (not yet blanked here), or arrived after the purge."""
    purged = select(PurgeStubRow.stream_id)
    query = (
        select(EventRow)
        .where(EventRow.stream_id.in_(purged), EventRow.stream_kind.in_(KINDS))
        .where(EventRow.payload != PURGED_PAYLOAD, EventRow.type != PURGED_TYPE)
        .order_by(EventRow.position)
    )
    return list(session.execute(query).scalars())


def listed(session: Session, stream_ids: Iterable[str] | None = None) -> set[str]:
    """The ids of the events the purge records (of these streams, or all) list."""
    query = select(EventRow.payload).where(EventRow.type == PURGED_TYPE)
    if stream_ids is not None:
        query = query.where(EventRow.stream_id.in_(list(stream_ids)))
    found: set[str] = set()
    for payload in session.execute(query).scalars():
        found.update(json.loads(payload).get("event_ids", []))
    return found


def merge_search_index(session: Session, pages: int) -> bool:
    """One bounded step (about ``pages`` pages written) of merging the full-text index into
    one segment, which drops what deleted rows (and earlier versions of a record's text)
    left in it; True while there is more to do. Merging in steps keeps each write short."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    before = raw.total_changes
    merge = text("INSERT INTO enquiry_search(enquiry_search, rank) VALUES ('merge', :pages)")
    session.execute(merge, {"pages": -pages})  # negative: every segment, whatever its level
    return bool(raw.total_changes - before >= 2)  # FTS5's sign that it did some work
