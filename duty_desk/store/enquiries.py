"""Enquiries and shifts in the store: their projectors, and the reads the services need.

Writes happen only through events (``PROJECTORS`` below, applied by the unit of work).
The full-text index is an FTS5 table whose rowid is the enquiry's number; it is a
projection like the others and is rebuilt with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import column, delete, func, insert, or_, select, table, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.elements import ColumnElement

from duty_desk.domain.choices import CONCERNS
from duty_desk.domain.enquiry import (
    SEARCHED_FIELDS,
    Content,
    name_key,
    search_text,
    with_changes,
)
from duty_desk.domain.events import Event, format_instant, parse_instant
from duty_desk.domain.records import Contact, Enquiry, Shift, Status
from duty_desk.store.conflicts import raise_conflict
from duty_desk.store.schema import EnquiryChildRow, EnquiryRow, ShiftRow, SignoffRow

search_index = table("enquiry_search", column("rowid"), column("body"))


# --- projectors -------------------------------------------------------------------------


def shift_started(session: Session, event: Event) -> None:
    details = {key: event.payload[key] for key in ("on_duty", "senior", "manager")}
    session.add(
        ShiftRow(
            id=event.stream_id,
            device_id=event.device_id,
            started_at=parse_instant(event.payload["started_at"]),
            ended_at=None,
            started_by=event.actor_id,
            details=json.dumps(details, ensure_ascii=False),
        )
    )
    # Calls recorded before the worker pressed "start shift" belong to it if they came in
    # after the time it started (shifts on one device never overlap: the service checks).
    started = parse_instant(event.payload["started_at"])
    session.execute(
        update(EnquiryRow)
        .where(EnquiryRow.device_id == event.device_id, EnquiryRow.shift_id.is_(None))
        .where(EnquiryRow.received_at >= started)
        .values(shift_id=event.stream_id)
    )


def shift_ended(session: Session, event: Event) -> None:
    ended = parse_instant(event.payload["ended_at"])
    session.execute(update(ShiftRow).where(ShiftRow.id == event.stream_id).values(ended_at=ended))


def enquiry_changed(status: Status) -> Any:
    def project(session: Session, event: Event) -> bool:
        batch: _Batch | None = session.info.get(_BATCH)
        row = _enquiry_row(session, event.stream_id, batch)
        payload = event.payload
        created = row is None
        if row is not None and _edited_elsewhere(row, payload):
            detail = {
                "version": payload["version"],
                "changes": payload["changes"],
                "type": event.type,
                "expected": payload["expected"],
            }
            raise_conflict(session, event, "edited_elsewhere", detail)
            return False
        if row is None:
            row = EnquiryRow(
                id=event.stream_id,
                reference=payload["reference"],
                device_id=event.device_id,
                content="{}",
                created_by=event.actor_id,
                signoff_state="",
            )
            session.add(row)
        held = batch.contents.get(row.id) if batch is not None else None
        content = with_changes(
            json.loads(row.content) if held is None else held, payload["changes"]
        )
        _fill(row, content, payload, status, event, batch)
        changed = set(payload["changes"])  # reindex only what a change touches
        naming = created or bool(changed & NAMING_FIELDS)
        searched = created or bool(changed & SEARCHED_FIELDS)  # the reference is from the start
        if batch is not None:  # indexed once, when the batch ends
            batch.rows[row.id], batch.contents[row.id] = row, content
            if created:
                batch.created.add(row.id)
            before = batch.reindex.get(row.id, (False, False))
            batch.reindex[row.id] = (before[0] or naming, before[1] or searched)
            return True
        session.flush()
        if naming:
            _index_children(session, [(row.number, content, created)])
        if searched:
            _index_text(session, [(row.number, content, row.reference, created)])
        return True

    return project


def _edited_elsewhere(row: EnquiryRow, payload: Mapping[str, Any]) -> bool:
    """Made on a state this desk has since moved past (another laptop saved first)."""
    expected = payload.get("expected")
    return expected is not None and expected != format_instant(row.updated_at)


def _fill(
    row: EnquiryRow,
    content: Mapping[str, Any],
    payload: Mapping[str, Any],
    status: Status,
    event: Event,
    batch: _Batch | None,
) -> None:
    if batch is None:
        row.content = _content_json(content)
    else:  # written once, when the batch ends (only this projector reads it meanwhile)
        batch.unwritten.add(row.id)
    row.status = status.value
    row.version = payload["version"]
    row.shift_id = payload["shift_id"]
    row.received_at = parse_instant(content.get("received_at") or payload["received_at"])
    row.decision_due = parse_instant(payload["due"]["decision"])
    row.handover_due = parse_instant(payload["due"]["handover"])
    row.child_name = content.get("child_name")
    row.child_dob = content.get("child_dob")
    row.child_age = content.get("child_age")
    row.concerns = ", ".join(CONCERNS[c] for c in content.get("concerns", []))[:400]
    row.summary = content.get("summary")
    row.risk_rating = content.get("risk_rating")
    row.decision_type = content.get("decision_type")
    row.updated_at = event.occurred_at
    row.updated_by = event.actor_id
    if status is Status.DECIDED and row.decided_at is None:
        row.decided_at = event.occurred_at


def _content_json(content: Mapping[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


NAMING_FIELDS = frozenset({"child_name", "child_dob", "other_children"})


_BATCH = "enquiries.batch"  # session.info, while a batch of events is applied


@dataclass(slots=True)
class _Batch:
    rows: dict[str, EnquiryRow] = field(default_factory=dict)  # by id, as changed so far
    absent: set[str] = field(default_factory=set)  # ids known to have no row
    contents: dict[str, Content] = field(default_factory=dict)  # row.content, parsed
    reindex: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # naming, searched
    created: set[str] = field(default_factory=set)  # made here, so with nothing indexed yet
    unwritten: set[str] = field(default_factory=set)  # content changed, row.content not yet


def in_batch(session: Session) -> bool:
    return _BATCH in session.info


@contextmanager
def batched(session: Session, enquiry_ids: Iterable[str] = ()) -> Iterator[None]:
    """Within this, enquiries being changed stay in memory (those named are read in one
    query at the start), and each one's children and search rows are brought up to date
    once, at the end, from its final content: what indexing after every change would have
    left, for one write instead of one per change."""
    if _BATCH in session.info:  # already inside an outer batch
        yield
        return
    batch = _Batch()
    wanted = list(set(enquiry_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(EnquiryRow).where(EnquiryRow.id.in_(chunk))
        batch.rows.update((row.id, row) for row in session.execute(query).scalars())
    batch.absent = set(wanted) - set(batch.rows)
    session.info[_BATCH] = batch
    try:
        yield
    finally:
        del session.info[_BATCH]
    for enquiry_id in batch.unwritten:
        row = batch.rows.get(enquiry_id)
        if row is not None:  # not purged or cleared since
            row.content = _content_json(batch.contents[enquiry_id])
    session.flush()
    named, texts = [], []
    for enquiry_id, (naming, searched) in batch.reindex.items():
        row = batch.rows.get(enquiry_id)
        if row is None:  # purged or cleared since, and not folded again: nothing to index
            continue
        content, new = batch.contents[enquiry_id], enquiry_id in batch.created
        if naming:
            named.append((row.number, content, new))
        if searched:
            texts.append((row.number, content, row.reference, new))
    for start in range(0, max(len(named), len(texts)), 500):
        _index_children(session, named[start : start + 500])
        _index_text(session, texts[start : start + 500])


def _enquiry_row(session: Session, enquiry_id: str, batch: _Batch | None) -> EnquiryRow | None:
    if batch is not None and enquiry_id in batch.rows:
        return batch.rows[enquiry_id]
    if batch is not None and enquiry_id in batch.absent:
        return None
    query = select(EnquiryRow).where(EnquiryRow.id == enquiry_id)
    return session.execute(query).scalar_one_or_none()


def _index_children(
    session: Session, enquiries: Sequence[tuple[int, Mapping[str, Any], bool]]
) -> None:
    """Replace the children named by these enquiries (number, content, whether it was just
    made, so has none to replace) in the index."""
    numbers = [number for number, _content, new in enquiries if not new]
    if numbers:
        delete_rows = delete(EnquiryChildRow).where(EnquiryChildRow.enquiry_number.in_(numbers))
        session.execute(delete_rows)
    children = []
    for number, content, _new in enquiries:
        named = [(content.get("child_name"), content.get("child_dob"))]
        named += [(c["name"], c["dob"]) for c in content.get("other_children", [])]
        children += [
            {"enquiry_number": number, "position": position, "name_key": name_key(name), "dob": dob}
            for position, (name, dob) in enumerate(named)
            if name
        ]
    if children:
        session.execute(insert(EnquiryChildRow), children)


def _index_text(
    session: Session, enquiries: Sequence[tuple[int, Mapping[str, Any], str, bool]]
) -> None:
    """Replace these enquiries' rows in the search index (number, content, reference, and
    whether it was just made, so has no row to replace)."""
    numbers = [number for number, _content, _reference, new in enquiries if not new]
    if numbers:
        session.execute(delete(search_index).where(search_index.c.rowid.in_(numbers)))
    if enquiries:
        bodies = [
            {"rowid": number, "body": search_text(content, reference)}
            for number, content, reference, _new in enquiries
        ]
        session.execute(insert(search_index), bodies)


def clear_search_index(session: Session) -> None:
    session.execute(delete(search_index))


def clear_enquiry(session: Session, enquiry_id: str) -> None:
    """Remove one enquiry's projection rows (before it is refolded from its events)."""
    batch: _Batch | None = session.info.get(_BATCH)
    if batch is not None:
        batch.rows.pop(enquiry_id, None)
        batch.contents.pop(enquiry_id, None)
        batch.absent.add(enquiry_id)
    number = session.execute(
        select(EnquiryRow.number).where(EnquiryRow.id == enquiry_id)
    ).scalar_one_or_none()
    if number is not None:
        session.execute(delete(EnquiryChildRow).where(EnquiryChildRow.enquiry_number == number))
        session.execute(delete(search_index).where(search_index.c.rowid == number))
    session.execute(delete(SignoffRow).where(SignoffRow.enquiry_id == enquiry_id))
    session.execute(delete(EnquiryRow).where(EnquiryRow.id == enquiry_id))


# --- reads ------------------------------------------------------------------------------


def get_enquiry(session: Session, enquiry_id: str) -> Enquiry | None:
    row = session.execute(
        select(EnquiryRow).where(EnquiryRow.id == enquiry_id)
    ).scalar_one_or_none()
    return None if row is None else to_enquiry(row)


def to_enquiry(row: EnquiryRow) -> Enquiry:
    return Enquiry(
        id=row.id,
        reference=row.reference,
        status=Status(row.status),
        version=row.version,
        content=json.loads(row.content),
        shift_id=row.shift_id,
        received_at=row.received_at,
        decision_due=row.decision_due,
        handover_due=row.handover_due,
        updated_at=row.updated_at,
        decided_at=row.decided_at,
    )


def references_on(session: Session, prefix: str) -> int:
    """How many references already start with ``prefix`` (for numbering the next)."""
    query = select(func.count()).where(EnquiryRow.reference.like(f"{prefix}%"))
    return session.execute(query).scalar_one()


def shift_at(session: Session, device_id: str, moment: datetime) -> str | None:
    """The shift on this device that was running at ``moment``, if any."""
    query = (
        select(ShiftRow.id)
        .where(ShiftRow.device_id == device_id, ShiftRow.started_at <= moment)
        .where((ShiftRow.ended_at.is_(None)) | (ShiftRow.ended_at > moment))
        .order_by(ShiftRow.started_at.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def last_ended(session: Session, device_id: str) -> datetime | None:
    query = select(func.max(ShiftRow.ended_at)).where(ShiftRow.device_id == device_id)
    return session.execute(query).scalar_one_or_none()


def open_shift(session: Session, device_id: str) -> Shift | None:
    query = (
        select(ShiftRow)
        .where(ShiftRow.device_id == device_id, ShiftRow.ended_at.is_(None))
        .order_by(ShiftRow.started_at.desc())
        .limit(1)
    )
    row = session.execute(query).scalar_one_or_none()
    return None if row is None else to_shift(row)


def get_shift(session: Session, shift_id: str) -> Shift | None:
    row = session.get(ShiftRow, shift_id)
    return None if row is None else to_shift(row)


def to_shift(row: ShiftRow) -> Shift:
    details = json.loads(row.details)
    return Shift(
        id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        on_duty=tuple(details["on_duty"]),
        senior=Contact(**details["senior"]),
        manager=Contact(**details["manager"]),
    )


@dataclass(frozen=True, slots=True)
class Filter:
    """Which enquiries a list shows: one shift's, or every record matching some words.

    Words of three letters or more are looked up in the full-text index (names, dates of
    birth, address, reference, free text); shorter ones ("Li", "Ng") match the start of
    a word in a child's name, so they never read every narrative on the desk.
    """

    shift_id: str | None = None
    words: tuple[str, ...] = ()

    @property
    def long_words(self) -> list[str]:
        return [w for w in self.words if len(w) >= 3]

    @property
    def short_words(self) -> list[str]:
        return [w for w in self.words if len(w) < 3 and name_key(w)]

    def where(self, *, many_hits: bool = False) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.shift_id is not None:
            clauses.append(EnquiryRow.shift_id == self.shift_id)
        if self.long_words:
            # With many hits, "+ 0" hides the key from the planner, so it walks the sort
            # order's index and stops after a page instead of sorting every hit.
            number = EnquiryRow.number + 0 if many_hits else EnquiryRow.number
            clauses.append(number.in_(self.hits()))
        for word in self.short_words:
            key = name_key(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            starts = or_(
                EnquiryChildRow.name_key.like(f"{key}%", escape="\\"),
                EnquiryChildRow.name_key.like(f"% {key}%", escape="\\"),
            )
            named = select(EnquiryChildRow.enquiry_number).where(starts)
            clauses.append(EnquiryRow.number.in_(named))
        return clauses

    def hits(self) -> Any:
        """The search index's rows holding every long word (in any order, accents ignored)."""
        phrases = " AND ".join('"' + w.replace('"', '""') + '"' for w in self.long_words)
        return select(search_index.c.rowid).where(search_index.c.body.op("MATCH")(phrases))


MANY_HITS = 1000  # above this, walk the sorted index rather than sort the hits

SORTABLE: dict[str, Any] = {
    "received_at": EnquiryRow.received_at,
    "reference": EnquiryRow.reference,
    "child_name": EnquiryRow.child_name,
    "concerns": EnquiryRow.concerns,
    "status": EnquiryRow.status,
    "decision": EnquiryRow.decision_type,
    "signoff": EnquiryRow.signoff_state,
    "risk": EnquiryRow.risk_rating,
    "decision_due": EnquiryRow.decision_due,
    "handover_due": EnquiryRow.handover_due,
}


def hit_count(session: Session, where: Filter) -> int:
    return session.execute(select(func.count()).select_from(where.hits().subquery())).scalar_one()


def count(session: Session, where: Filter) -> int:
    query = select(func.count()).select_from(EnquiryRow).where(*where.where())
    return session.execute(query).scalar_one()


def listing(
    session: Session,
    where: Filter,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    *,
    with_total: bool,
) -> tuple[list[EnquiryRow], int]:
    """A page in the given order, and (``with_total``) how many rows there are, else -1.

    A search counts its hits once: that number is the total when nothing else filters,
    and it chooses the plan (see ``Filter.where``)."""
    hits = hit_count(session, where) if where.long_words else None
    if not with_total:
        total = -1
    elif hits is not None and not where.short_words and where.shift_id is None:
        total = hits
    else:
        total = count(session, where)
    key = SORTABLE[sort]
    order = [
        key.desc() if descending else key.asc(),
        EnquiryRow.number.desc() if descending else EnquiryRow.number.asc(),
    ]
    query = (
        select(EnquiryRow)
        .options(defer(EnquiryRow.content))  # a list shows columns, never the whole record
        .where(*where.where(many_hits=hits is not None and hits > MANY_HITS))
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    return list(session.execute(query).scalars()), total


def id_by_reference(session: Session, reference: str) -> str | None:
    query = select(EnquiryRow.id).where(EnquiryRow.reference == reference)
    return session.execute(query).scalar_one_or_none()


def matching_children(
    session: Session, key: str, dob: str, exclude: str | None
) -> list[EnquiryRow]:
    numbers = select(EnquiryChildRow.enquiry_number).where(
        EnquiryChildRow.name_key == key, EnquiryChildRow.dob == dob
    )
    query = (
        select(EnquiryRow).options(defer(EnquiryRow.content)).where(EnquiryRow.number.in_(numbers))
    )
    if exclude is not None:
        query = query.where(EnquiryRow.id != exclude)
    return list(session.execute(query.order_by(EnquiryRow.received_at.desc())).scalars())
