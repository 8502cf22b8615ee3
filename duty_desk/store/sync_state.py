"""This desk's side of sync: what to push, and taking in what was pulled.

Pulled events are stored as they were made (their own device's chain, checked link by
link), given their place in the day service's order, and folded into the projections:
directly when they come after everything this desk has applied to that stream, or by
refolding the stream in canonical order when this desk holds events of it the day service
has not ordered yet (the pulled event sorts before them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duty_desk.domain.events import GENESIS_HASH, Event, canonical_json, event_hash
from duty_desk.store import projections
from duty_desk.store.event_log import EventLog, from_row
from duty_desk.store.schema import ChainHeadRow, EventOrderRow, EventRow, SyncMetaRow

_ORDER_SQL = "INSERT INTO event_order (event_id, server_order) VALUES (?, ?)"


class PulledChainBroken(Exception):
    """The day service sent an event that does not continue its device's chain here."""


@dataclass(slots=True)
class Received:
    stored: int = 0  # events new to this desk
    ordered: int = 0  # events given their place in the global order (ours included)
    refolded: set[tuple[str, str]] = field(default_factory=set)
    rebuilt_all: bool = False
    new_events: list[Event] = field(default_factory=list)


def get_meta(session: Session, key: str, default: str = "") -> str:
    row = session.get(SyncMetaRow, key)
    return default if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(SyncMetaRow, key)
    if row is None:
        session.add(SyncMetaRow(key=key, value=value))
    else:
        row.value = value


def unpushed(session: Session, device_id: str, after_seq: int, limit: int) -> list[Event]:
    """This desk's own events after ``after_seq``, in its chain's order."""
    rows = session.execute(
        select(EventRow)
        .where(EventRow.device_id == device_id, EventRow.seq > after_seq)
        .order_by(EventRow.seq)
        .limit(limit)
    ).scalars()
    return [from_row(row) for row in rows]


def own_head(session: Session, device_id: str) -> int:
    seq = session.execute(
        select(ChainHeadRow.seq).where(ChainHeadRow.device_id == device_id)
    ).scalar_one_or_none()
    return seq or 0


def last_own_seq(session: Session, device_id: str, stream_ids: list[str]) -> dict[str, int]:
    """For each record, the sequence number of the last change this desk made to it."""
    found: dict[str, int] = {}
    for start in range(0, len(stream_ids), 500):
        chunk = stream_ids[start : start + 500]
        rows = session.execute(
            select(EventRow.stream_id, func.max(EventRow.seq))
            .where(EventRow.device_id == device_id, EventRow.stream_id.in_(chunk))
            .group_by(EventRow.stream_id)
        ).all()
        found.update({stream_id: int(seq) for stream_id, seq in rows})
    return found


def unordered_count(session: Session) -> int:
    """Events here the day service has not yet handed back in its order."""
    return session.execute(
        select(func.count())
        .select_from(EventRow)
        .outerjoin(EventOrderRow, EventOrderRow.event_id == EventRow.id)
        .where(EventOrderRow.server_order.is_(None))
    ).scalar_one()


def receive(session: Session, events: Iterable[Event], device_id: str) -> Received:
    """Take in one pulled page, inside the caller's transaction.

    The page is checked and stored whole first (its new events and every event's place in
    the order, one statement each), then folded: each new event straight into the
    projections unless its stream must be refolded, with the search index brought up to
    date once per enquiry touched rather than once per change (``projections.applying``).
    """
    batch = list(events)
    held = _held(session, [item.id for item in batch])
    next_order = (session.execute(select(func.max(EventOrderRow.server_order))).scalar() or 0) + 1
    waiting, enrolling = _unordered(session, device_id)
    heads: dict[str, tuple[int, str]] = {}
    received = Received()
    ordered: list[tuple[str, int]] = []  # (event id, its place in the service's order)
    to_apply: list[Event] = []
    payloads: list[str] = []  # each new event's payload as stored, made once
    for item in batch:
        new = item.id not in held
        if new:
            payloads.append(canonical_json(item.payload))
            _check_link(session, heads, item, payloads[-1])
            heads[item.device_id] = (item.seq, item.hash)
            received.new_events.append(item)
        elif held[item.id]:
            continue  # already in order here (a page repeated after a crash)
        ordered.append((item.id, next_order))
        next_order += 1
        if not new or received.rebuilt_all:
            continue  # ours, or already applied: its place in the order changes nothing
        stream = (item.stream_kind, item.stream_id)
        if stream in waiting and item.type in projections.PROJECTORS:
            received.refolded.add(stream)  # it sorts before events already applied here
        elif item.type == "person.added" and item.payload.get("username") in enrolling:
            # A username goes to the first enrolment in the day service's order, across
            # people's streams: with ours of that name not yet ordered, replay everything.
            received.rebuilt_all = True
        else:
            to_apply.append(item)
    EventLog(session, device_id).insert_many(received.new_events, payloads)
    if ordered:  # straight to the driver, as the events are (EventLog.insert_many)
        cursor = session.connection().connection.cursor()
        cursor.executemany(_ORDER_SQL, ordered)
    received.stored, received.ordered = len(received.new_events), len(ordered)
    if received.rebuilt_all:
        projections.rebuild(session)
        return received
    with projections.applying(session, to_apply):
        for item in to_apply:
            if (item.stream_kind, item.stream_id) not in received.refolded:
                projections.apply(session, item)
        for kind, stream_id in sorted(received.refolded):
            if not projections.rebuild_stream(session, kind, stream_id):
                received.rebuilt_all = True
                break
    if received.rebuilt_all:
        projections.rebuild(session)
    return received


def _held(session: Session, ids: list[str]) -> dict[str, bool]:
    """Which of these events are here already, and whether each has its place in order."""
    found: dict[str, bool] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(EventRow.id, EventOrderRow.server_order)
            .outerjoin(EventOrderRow, EventOrderRow.event_id == EventRow.id)
            .where(EventRow.id.in_(chunk))
        ).all()
        found.update({event_id: order is not None for event_id, order in rows})
    return found


def _unordered(session: Session, device_id: str) -> tuple[set[tuple[str, str]], set[str]]:
    """The streams this desk holds events of that the day service has not handed back in
    its order yet, and the usernames among them this desk enrolled. Only this desk's own
    events can be unordered (every pulled event is ordered as it is stored), so only its
    own are read: the device's part of the log, by index, not the whole of it."""
    rows = session.execute(
        select(EventRow.stream_kind, EventRow.stream_id, EventRow.type, EventRow.payload)
        .outerjoin(EventOrderRow, EventOrderRow.event_id == EventRow.id)
        .where(EventRow.device_id == device_id, EventOrderRow.server_order.is_(None))
    ).all()
    streams = {(kind, stream_id) for kind, stream_id, _type, _payload in rows}
    usernames = {
        json.loads(payload).get("username")
        for _kind, _stream_id, kind_of_event, payload in rows
        if kind_of_event == "person.added"
    }
    return streams, usernames


def _check_link(
    session: Session, heads: dict[str, tuple[int, str]], item: Event, payload_json: str
) -> None:
    if item.device_id not in heads:
        row = session.execute(
            select(ChainHeadRow.seq, ChainHeadRow.hash).where(
                ChainHeadRow.device_id == item.device_id
            )
        ).first()
        heads[item.device_id] = (0, GENESIS_HASH) if row is None else (row[0], row[1])
    seq, last_hash = heads[item.device_id]
    if (
        item.seq != seq + 1
        or item.prev_hash != last_hash
        or event_hash(item, payload_json) != item.hash
    ):
        raise PulledChainBroken(
            f"The day service sent event {item.id} (device {item.device_id}, sequence "
            f"{item.seq}) but this desk holds that device's chain up to sequence {seq} and "
            "the event does not follow on from it. Nothing from this pull was kept."
        )
