"""Projections: the tables the UI reads, kept in step with the log in the same transaction.

Every projection can be rebuilt from the events alone (``rebuild``), and one stream's part
of them on its own (``rebuild_stream``), always in the canonical order: the day service's
global order for events pulled from it, then this desk's own not yet pulled back. Every
device that holds the same events therefore folds them into the same projections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event
from duty_desk.domain.records import Status
from duty_desk.store import alerts, custody, enquiries, handover, purge, signoffs
from duty_desk.store.conflicts import raise_conflict
from duty_desk.store.event_log import from_row
from duty_desk.store.schema import (
    PROJECTION_TABLES,
    AlertRow,
    ConflictRow,
    CustodyRow,
    DeskRow,
    EventOrderRow,
    EventRow,
    HandoverItemRow,
    PersonRow,
    ProviderRow,
    PurgeStubRow,
    RulesRow,
)

Projector = Callable[[Session, Event], object]  # False: refused as a conflict
Clearer = Callable[[Session, str], None]
PURGED = {"purged": True}  # an event's payload after the local purge (store.guards)


def _desk_created(session: Session, event: Event) -> None:
    session.add(
        DeskRow(
            device_id=event.payload["device_id"],
            created_at=event.occurred_at,
            app_version=event.payload["app_version"],
        )
    )


def _person_added(session: Session, event: Event) -> None:
    username = event.payload["username"]
    taken = session.execute(
        select(PersonRow.id).where(PersonRow.username == username)
    ).scalar_one_or_none()
    if taken is not None and taken != event.stream_id:
        # Two administrators enrolled the same username on different laptops: the first in
        # the day service's order keeps it; the other is shown to an administrator.
        detail = {"username": username, "display_name": event.payload["display_name"]}
        raise_conflict(session, event, "username_taken", detail)
        return
    session.add(
        PersonRow(
            id=event.stream_id,
            username=event.payload["username"],
            display_name=event.payload["display_name"],
            role=event.payload["role"],
            active=True,
            must_change_password=bool(event.payload.get("must_change_password", False)),
            created_at=event.occurred_at,
        )
    )


def _set_person(**values: object) -> Projector:
    def project(session: Session, event: Event) -> None:
        session.execute(update(PersonRow).where(PersonRow.id == event.stream_id).values(**values))

    return project


def _signed_in(session: Session, event: Event) -> None:
    session.execute(
        update(PersonRow)
        .where(PersonRow.id == event.stream_id)
        .values(last_sign_in_at=event.occurred_at)
    )


def _then(first: Projector, second: Projector) -> Projector:
    """Both, unless the first refused the event (a conflict: it changes nothing)."""

    def project(session: Session, event: Event) -> None:
        if first(session, event) is False:
            return
        session.flush()
        second(session, event)

    return project


PROJECTORS: dict[str, Projector] = {
    "desk.created": _desk_created,
    "person.added": _person_added,
    "person.disabled": _set_person(active=False),
    "person.password_reset": _set_person(must_change_password=True),
    "person.password_changed": _set_person(must_change_password=False),
    "auth.signed_in": _signed_in,
    "shift.started": enquiries.shift_started,
    "shift.ended": enquiries.shift_ended,
    "enquiry.created": enquiries.enquiry_changed(Status.DRAFT),
    "enquiry.saved": enquiries.enquiry_changed(Status.DRAFT),
    # A decision updates the enquiry, then starts the sign-off of that version afresh.
    "enquiry.decided": _then(enquiries.enquiry_changed(Status.DECIDED), signoffs.decision_made),
    "enquiry.revised": _then(enquiries.enquiry_changed(Status.DECIDED), signoffs.decision_made),
    **signoffs.PROJECTORS,
    **custody.PROJECTORS,
    **handover.PROJECTORS,  # the morning handover (store/handover.py)
    **alerts.PROJECTORS,  # the day team's "known tonight" alerts (store/alerts.py)
    **purge.PROJECTORS,  # record.purged: the stub of a record purged here (store/purge.py)
}


def _conflict_resolved(session: Session, event: Event) -> None:
    row = session.get(ConflictRow, event.payload["event_id"])
    if row is not None and row.resolved_at is None:
        row.resolved_at = event.occurred_at
        row.resolved_by = event.actor_id


PROJECTORS["conflict.resolved"] = _conflict_resolved


def apply(session: Session, event: Event) -> None:
    if event.payload == PURGED:  # purged here: nothing of it may come back
        return
    projector = PROJECTORS.get(event.type)
    if projector is None or purge.superseded(session, event):  # a purged record's: nothing
        return
    projector(session, event)
    if not enquiries.in_batch(session):  # a batch flushes when it ends (or a query needs it)
        session.flush()


def canonical(query: Select[Any]) -> Select[Any]:
    """Events in the canonical order: the day service's, then ours not yet pulled back."""
    order = EventOrderRow.server_order
    return query.outerjoin(EventOrderRow, EventOrderRow.event_id == EventRow.id).order_by(
        order.is_(None), order, EventRow.position
    )


def applying(session: Session, events: list[Event]) -> AbstractContextManager[None]:
    """Around applying these events in turn: what is cheaper done once (reading the
    enquiries they change, indexing each for search) is done once, with the same result
    as applying them one by one."""
    return enquiries.batched(
        session, (event.stream_id for event in events if event.stream_kind == "enquiry")
    )


def _replay(session: Session, query: Select[Any]) -> int:
    events = [from_row(row) for row in session.execute(canonical(query)).scalars()]
    with applying(session, events):
        for event in events:
            apply(session, event)
    return len(events)


def rebuild(session: Session) -> int:
    """Empty every projection and replay the whole log; returns events replayed."""
    for table in reversed(PROJECTION_TABLES):
        session.execute(delete(table))
    enquiries.clear_search_index(session)
    return _replay(session, select(EventRow))


def rebuild_stream(session: Session, kind: str, stream_id: str) -> bool:
    """Refold one stream's projection rows in canonical order; False if this kind of
    stream cannot be refolded on its own (the caller then rebuilds everything)."""
    clearers = CLEARERS.get(kind)
    if clearers is None:
        return False
    for clear in (*clearers, *_EVERY_STREAM):
        clear(session, stream_id)
    session.flush()
    _replay(
        session,
        select(EventRow).where(EventRow.stream_kind == kind, EventRow.stream_id == stream_id),
    )
    return True


def events_in_order(session: Session) -> Iterator[Event]:
    for row in session.execute(canonical(select(EventRow))).scalars():
        yield from_row(row)


def _by_id(model: type[object], key: str) -> Clearer:
    def clear(session: Session, stream_id: str) -> None:
        session.execute(delete(model).where(getattr(model, key) == stream_id))

    return clear


def _all_rules(session: Session, _stream_id: str) -> None:
    session.execute(delete(RulesRow))


# What to delete before one stream is refolded. Kinds not listed here (desk, shift: each
# written by one device only, so never out of order) fall back to a full rebuild.
CLEARERS: dict[str, list[Clearer]] = {
    "enquiry": [enquiries.clear_enquiry],
    "custody": [_by_id(CustodyRow, "id")],
    "provider": [_by_id(ProviderRow, "id")],
    "person": [_by_id(PersonRow, "id")],
    "alert": [_by_id(AlertRow, "id")],
    "rules": [_all_rules],
}
# Rows any stream may own: its conflicts, its handover item, its purge stub.
_EVERY_STREAM: tuple[Clearer, ...] = (
    _by_id(ConflictRow, "stream_id"),
    _by_id(HandoverItemRow, "item_id"),
    _by_id(PurgeStubRow, "stream_id"),
)
