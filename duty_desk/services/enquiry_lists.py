"""Finding enquiries: the shift's list, a search over every record, previous contacts.

Lists come a page at a time (the Qt model asks for more as the person scrolls), sorted
and filtered in the store so that 200,000 records cost no more than a screenful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from duty_desk.domain.enquiry import name_key
from duty_desk.domain.errors import NotFound
from duty_desk.domain.records import EnquiryRow, Page, PreviousContact, Status
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.lists import decision_types
from duty_desk.store import enquiries as store
from duty_desk.store.schema import EnquiryRow as StoredRow

SORT_KEYS = tuple(store.SORTABLE)
PAGE_MAX = 1000


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One shift's enquiries (``shift_id``), or every record matching ``text``, or both."""

    shift_id: str | None = None
    text: str = ""
    sort: str = "received_at"
    descending: bool = True

    def filter(self) -> store.Filter:
        return store.Filter(self.shift_id, tuple(self.text.split()[:8]))


def count_enquiries(session: SignedIn, query: ListQuery) -> int:
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        return store.count(uow.session, query.filter())


def list_enquiries(session: SignedIn, query: ListQuery, offset: int = 0, limit: int = 200) -> Page:
    """A page of rows in the query's order, and how many rows the query has in all."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    if query.sort not in store.SORTABLE:
        raise ValueError(f"cannot sort by {query.sort!r}; choose one of {', '.join(SORT_KEYS)}")
    limit = max(0, min(limit, PAGE_MAX))
    with session.uow(read_only=True) as uow:
        rows, total = store.listing(
            uow.session,
            query.filter(),
            query.sort,
            query.descending,
            max(0, offset),
            limit,
            with_total=offset == 0,
        )
        return Page(tuple(_row(r) for r in rows), total)


def find_by_reference(session: SignedIn, reference: str) -> str:
    """The id of the enquiry with this reference (any case, spaces around ignored)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    wanted = reference.strip().upper()
    with session.uow(read_only=True) as uow:
        found = store.id_by_reference(uow.session, wanted)
    if found is not None:
        return found
    raise NotFound(f"No enquiry on this desk has the reference {reference.strip()!r}.")


def previous_contacts(
    session: SignedIn, name: str, dob: date | str, exclude: str | None = None
) -> list[PreviousContact]:
    """Earlier enquiries on this desk naming a child with this name and date of birth."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    key = name_key(name)
    if not key:
        return []
    born = dob.isoformat() if isinstance(dob, date) else date.fromisoformat(dob).isoformat()
    labels = decision_types().labels
    with session.uow(read_only=True) as uow:
        rows = store.matching_children(uow.session, key, born, exclude)
        return [
            PreviousContact(
                r.id,
                r.reference,
                r.received_at,
                r.concerns,
                labels.get(r.decision_type or "", ""),
                Status(r.status),
            )
            for r in rows
        ]


def _row(row: StoredRow) -> EnquiryRow:
    labels = decision_types().labels
    return EnquiryRow(
        id=row.id,
        reference=row.reference,
        received_at=row.received_at,
        child_name=row.child_name or "",
        child_dob=row.child_dob,
        child_age=row.child_age,
        concerns=row.concerns,
        summary=row.summary or "",
        status=Status(row.status),
        decision=labels.get(row.decision_type or "", row.decision_type or ""),
        signoff=row.signoff_state,
        risk=(row.risk_rating or "").capitalize(),
        decision_due=row.decision_due,
        handover_due=row.handover_due,
    )
