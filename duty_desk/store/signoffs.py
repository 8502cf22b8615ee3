"""Sign-offs and installed rules in the store: their projectors, and the reads services need.

A decision event (``enquiry.decided`` or ``enquiry.revised``) carries what the rules
required of that version; its projector replaces the enquiry's sign-off row, so whatever
was approved or said about an earlier version stops counting. The sign-off events are
checked again here with the domain's own rules: one that names another version, or is by
the decision's author, or by too junior a person, is kept in the log but changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event, parse_instant
from duty_desk.domain.roles import Grade
from duty_desk.domain.signoff import (
    Signoff,
    SignoffState,
    Verbal,
    approval_refusal,
    confirmation_refusal,
    verbal_refusal,
)
from duty_desk.domain.signoff_rules import Requirement
from duty_desk.store.conflicts import raise_conflict
from duty_desk.store.schema import EnquiryRow, RulesRow, SignoffRow

# --- projectors -------------------------------------------------------------------------


def decision_made(session: Session, event: Event) -> None:
    """A decided or revised version: the rules' requirement for it starts afresh."""
    required = event.payload.get("signoff")
    if required is None:  # decided before sign-off rules existed: nothing to gate
        return
    requirement = Requirement.from_payload(required)
    state = SignoffState.AWAITING if requirement.needed else SignoffState.NOT_NEEDED
    row = session.get(SignoffRow, event.stream_id)
    if row is None:
        row = SignoffRow(enquiry_id=event.stream_id)
        session.add(row)
    row.version = event.payload["version"]
    row.author_id = event.actor_id or ""
    row.state = state.value
    row.grade = int(requirement.grade) if requirement.grade else None
    row.requirement = json.dumps(required, ensure_ascii=False, sort_keys=True)
    row.requested_at = event.occurred_at
    row.due_at = parse_instant(required["due"]) if required.get("due") else None
    row.verbal_approver_id = None
    row.verbal = None
    row.resolved_by = None
    row.resolved_at = None
    row.comments = ""
    _show_state(session, event.stream_id, state)


def _resolved(state: SignoffState) -> Any:
    def project(session: Session, event: Event) -> None:
        row = session.get(SignoffRow, event.stream_id)
        current = None if row is None else to_signoff(row)
        version = event.payload["version"]
        actor = event.actor_id or ""
        if state in (SignoffState.APPROVED, SignoffState.RETURNED):
            refusal = approval_refusal(current, version, actor, Grade.of(event.actor_role))
        else:
            refusal = confirmation_refusal(current, version, actor)
        if row is not None and refusal is not None and _clash(row, version, state):
            # Two people settled the same version on different laptops before either had
            # synced: the first in the day service's order counts; a person sees the other.
            detail = {
                "version": version,
                "wanted": state.value,
                "already": row.state,
                "already_by": row.resolved_by,
                "comments": event.payload.get("comments", ""),
            }
            raise_conflict(session, event, "signoff_clash", detail)
        if row is None or refusal is not None:
            return  # kept in the log, counts for nothing
        row.state = state.value
        row.resolved_by = actor
        row.resolved_at = event.occurred_at
        row.comments = event.payload.get("comments", "")
        _show_state(session, event.stream_id, state)

    return project


def _clash(row: SignoffRow, version: int, wanted: SignoffState) -> bool:
    settled = (SignoffState.APPROVED.value, SignoffState.RETURNED.value)
    return row.version == version and row.state in settled and wanted.value in settled


def verbal_recorded(session: Session, event: Event) -> None:
    row = session.get(SignoffRow, event.stream_id)
    payload = event.payload
    grade = Grade[payload["grade"].upper()]
    current = None if row is None else to_signoff(row)
    if row is None or verbal_refusal(current, payload["version"], payload["approver_id"], grade):
        return
    verbal = {key: payload[key] for key in _VERBAL_KEYS} | {"recorded_by": event.actor_id}
    row.state = SignoffState.VERBAL.value
    row.verbal_approver_id = payload["approver_id"]
    row.verbal = json.dumps(verbal, ensure_ascii=False, sort_keys=True)
    _show_state(session, event.stream_id, SignoffState.VERBAL)


_VERBAL_KEYS = ("approver_id", "approver_name", "grade", "how", "given_at", "confirm_by", "note")


def _show_state(session: Session, enquiry_id: str, state: SignoffState) -> None:
    session.execute(
        update(EnquiryRow).where(EnquiryRow.id == enquiry_id).values(signoff_state=state.value)
    )


def rules_installed(session: Session, event: Event) -> None:
    payload = event.payload
    session.add(
        RulesRow(
            version=payload["version"],
            text=payload["text"],
            sha256=payload["sha256"],
            source=payload["source"],
            installed_at=event.occurred_at,
            installed_by=event.actor_id,
        )
    )


# ``decision_made`` runs after the enquiry's own projector (see store.projections).
PROJECTORS = {
    "signoff.approved": _resolved(SignoffState.APPROVED),
    "signoff.returned": _resolved(SignoffState.RETURNED),
    "signoff.verbal_recorded": verbal_recorded,
    "signoff.verbal_confirmed": _resolved(SignoffState.CONFIRMED),
    "signoff.verbal_disputed": _resolved(SignoffState.DISPUTED),
    "rules.installed": rules_installed,
}


# --- reads ------------------------------------------------------------------------------


def get_signoff(session: Session, enquiry_id: str) -> Signoff | None:
    row = session.get(SignoffRow, enquiry_id)
    return None if row is None else to_signoff(row)


def to_signoff(row: SignoffRow) -> Signoff:
    verbal = None
    if row.verbal:
        data = json.loads(row.verbal)
        verbal = Verbal(
            approver_id=data["approver_id"],
            approver_name=data["approver_name"],
            grade=Grade[data["grade"].upper()],
            how=data["how"],
            given_at=parse_instant(data["given_at"]),
            confirm_by=parse_instant(data["confirm_by"]),
            recorded_by=data.get("recorded_by") or "",
            note=data.get("note", ""),
        )
    return Signoff(
        enquiry_id=row.enquiry_id,
        version=row.version,
        author_id=row.author_id,
        state=SignoffState(row.state),
        requirement=Requirement.from_payload(json.loads(row.requirement)),
        requested_at=row.requested_at,
        due_at=row.due_at,
        verbal=verbal,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        comments=row.comments,
    )


def queue(
    session: Session, person_id: str, grade: Grade | None
) -> list[tuple[SignoffRow, EnquiryRow]]:
    """What waits for this person, oldest first: decisions their grade may sign off (not
    their own), and verbal sign-offs they gave that await their confirmation."""
    mine_to_confirm = and_(
        SignoffRow.state == SignoffState.VERBAL.value,
        SignoffRow.verbal_approver_id == person_id,
    )
    waiting: Any = mine_to_confirm
    if grade is not None:
        may_approve = and_(
            SignoffRow.state == SignoffState.AWAITING.value,
            SignoffRow.grade <= int(grade),
            SignoffRow.author_id != person_id,
        )
        waiting = or_(may_approve, mine_to_confirm)
    query = (
        select(SignoffRow, EnquiryRow)
        .join(EnquiryRow, EnquiryRow.id == SignoffRow.enquiry_id)
        .where(waiting)
        .order_by(SignoffRow.requested_at, EnquiryRow.number)
    )
    return [(s, e) for s, e in session.execute(query)]


def authored_open(session: Session, person_id: str) -> list[tuple[SignoffRow, EnquiryRow]]:
    """Decisions this person made that still wait for someone, oldest first."""
    query = (
        select(SignoffRow, EnquiryRow)
        .join(EnquiryRow, EnquiryRow.id == SignoffRow.enquiry_id)
        .where(SignoffRow.author_id == person_id)
        .where(SignoffRow.state.in_([s.value for s in SignoffState if not s.final]))
        .order_by(SignoffRow.requested_at, EnquiryRow.number)
    )
    return [(s, e) for s, e in session.execute(query)]


def installed_rules(session: Session) -> Iterator[RulesRow]:
    """Every rules file installed, newest first, each read only when asked for: deciding
    needs just the newest, and older files can be large."""
    query = select(RulesRow).order_by(RulesRow.position.desc())
    newest = session.execute(query.limit(1)).scalar_one_or_none()
    if newest is not None:
        yield newest
        yield from session.execute(query.offset(1)).scalars()
