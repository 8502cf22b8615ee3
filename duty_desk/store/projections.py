"""Projections: the tables the UI reads, kept in step with the log in the same transaction.

Every projection can be rebuilt from the events alone (``rebuild``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event
from duty_desk.domain.records import Status
from duty_desk.store import custody, enquiries, signoffs
from duty_desk.store.event_log import from_row
from duty_desk.store.schema import PROJECTION_TABLES, DeskRow, EventRow, PersonRow

Projector = Callable[[Session, Event], None]


def _desk_created(session: Session, event: Event) -> None:
    session.add(
        DeskRow(
            device_id=event.payload["device_id"],
            created_at=event.occurred_at,
            app_version=event.payload["app_version"],
        )
    )


def _person_added(session: Session, event: Event) -> None:
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
    def project(session: Session, event: Event) -> None:
        first(session, event)
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
}


def apply(session: Session, event: Event) -> None:
    projector = PROJECTORS.get(event.type)
    if projector is not None:
        projector(session, event)
        session.flush()


def rebuild(session: Session) -> int:
    """Empty every projection and replay the whole log; returns events replayed."""
    for table in reversed(PROJECTION_TABLES):
        session.execute(delete(table))
    enquiries.clear_search_index(session)
    count = 0
    for row in session.execute(select(EventRow).order_by(EventRow.position)).scalars():
        apply(session, from_row(row))
        count += 1
    return count
