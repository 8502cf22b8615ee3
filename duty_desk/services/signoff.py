"""Signing off decisions: approve or return, record a verbal sign-off and confirm or
dispute it, and the queue of what waits for each approver.

Every action names the decision version the person read. The checks (a different person,
of the required grade or higher, for the current version) are the domain's, made here to
refuse with a reason and again by the projection, so nothing that breaks them counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import DutyDeskError, Forbidden, NotFound, ValidationError
from duty_desk.domain.events import NewEvent, format_instant
from duty_desk.domain.people import Person
from duty_desk.domain.roles import Grade, Permission
from duty_desk.domain.signoff import (
    HOW,
    Signoff,
    SignoffState,
    approval_refusal,
    check_comments,
    confirm_by,
    confirmation_refusal,
    verbal_refusal,
)
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.lists import decision_types
from duty_desk.store import enquiries as enquiry_store
from duty_desk.store import signoffs as store
from duty_desk.store.schema import EnquiryRow, SignoffRow
from duty_desk.store.unit_of_work import UnitOfWork


class SignoffRefused(DutyDeskError):
    """The sign-off action is not allowed for this decision now; nothing was recorded."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One decision waiting for the person looking at the queue."""

    enquiry_id: str
    reference: str
    version: int
    child_name: str
    decision: str
    author: str
    state: SignoffState
    required: Grade | None
    requested_at: datetime
    deadline: datetime | None
    reasons: tuple[str, ...]
    rule_ids: tuple[str, ...]
    to_confirm: bool  # a verbal sign-off this person gave, awaiting their confirmation

    def overdue(self, now: datetime) -> bool:
        return self.deadline is not None and now > self.deadline


def signoff_of(session: SignedIn, enquiry_id: str) -> Signoff | None:
    """The sign-off of the enquiry's current decision version (None for a draft)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        found = store.get_signoff(uow.session, enquiry_id)
        return None if found is None else _named(uow, found)


def approve(session: SignedIn, enquiry_id: str, version: int, comments: str = "") -> Signoff:
    """Sign off this version of the decision (reasons required where a rule says so)."""
    return _resolve(session, enquiry_id, version, comments, "signoff.approved")


def return_decision(session: SignedIn, enquiry_id: str, version: int, comments: str) -> Signoff:
    """Send the decision back to the worker with comments; they revise it (a new version)."""
    return _resolve(session, enquiry_id, version, comments, "signoff.returned")


def _resolve(session: SignedIn, enquiry_id: str, version: int, comments: str, kind: str) -> Signoff:
    authorize(session, Permission.SIGN_OFF)
    with session.uow() as uow:
        current = _signoff(uow, enquiry_id)
        grade = Grade.of(_role_now(uow, session))
        _refuse(approval_refusal(current, version, session.person.id, grade))
        if kind == "signoff.returned":
            what = "say what the worker should change"
            text = check_comments(comments, required=True, what=what)
        else:
            what = f"the rules ({', '.join(current.requirement.rule_ids)}) ask for them"
            text = check_comments(comments, required=current.requirement.reason_required, what=what)
        uow.record(NewEvent("enquiry", enquiry_id, kind, _bound(current, version, text)))
        uow.commit()
        return _signoff(uow, enquiry_id)


def approvers_for(session: SignedIn, enquiry_id: str) -> list[Person]:
    """Who on this desk could give this decision's sign-off (for a verbal sign-off)."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        current = _signoff(uow, enquiry_id)
        required = current.requirement.grade
        return [
            p
            for p in uow.people.list()
            if p.active
            and p.id != current.author_id
            and required is not None
            and (Grade.of(p.role) or 0) >= required
        ]


def record_verbal(
    session: SignedIn,
    enquiry_id: str,
    version: int,
    approver_username: str,
    how: str,
    given_at: datetime,
    note: str = "",
) -> Signoff:
    """The worker records a sign-off given by phone or in person; it stands as "verbal —
    awaiting confirmation" until that approver confirms it in the app."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    if how not in HOW:
        raise ValidationError(f"Say how it was given: {', '.join(HOW.values()).lower()}.", "how")
    now = session.desk.clock()
    if given_at.tzinfo is None or given_at > now:
        raise ValidationError("The time it was given cannot be in the future.", "given_at")
    text = check_comments(note, required=False, what="")
    with session.uow() as uow:
        current = _signoff(uow, enquiry_id)
        approver = uow.people.by_username(approver_username.strip().lower())
        if approver is None or not approver.active:
            raise ValidationError(
                f"{approver_username!r} is not an active person on this desk: the approver "
                "must be able to confirm in the app.",
                "approver",
            )
        _check_given(uow, enquiry_id, current, given_at)
        grade = Grade.of(approver.role)
        _refuse(verbal_refusal(current, version, approver.id, grade))
        assert grade is not None  # verbal_refusal refuses a person without a grade
        payload = {
            **_bound(current, version, ""),
            "approver_id": approver.id,
            "approver_name": approver.display_name,
            "grade": grade.id,
            "how": how,
            "given_at": format_instant(given_at),
            "confirm_by": format_instant(confirm_by(current.requirement, given_at)),
            "note": text,
        }
        uow.record(NewEvent("enquiry", enquiry_id, "signoff.verbal_recorded", payload))
        uow.commit()
        return _signoff(uow, enquiry_id)


def confirm_verbal(session: SignedIn, enquiry_id: str, version: int, comments: str = "") -> Signoff:
    """The approver confirms, in the app, the sign-off they gave by phone or in person."""
    return _answer_verbal(session, enquiry_id, version, comments, "signoff.verbal_confirmed")


def dispute_verbal(session: SignedIn, enquiry_id: str, version: int, comments: str) -> Signoff:
    """The named approver says they did not give this sign-off (or not for this decision)."""
    return _answer_verbal(session, enquiry_id, version, comments, "signoff.verbal_disputed")


def _answer_verbal(
    session: SignedIn, enquiry_id: str, version: int, comments: str, kind: str
) -> Signoff:
    authorize(session, Permission.SIGN_OFF)
    disputed = kind == "signoff.verbal_disputed"
    text = check_comments(comments, required=disputed, what="say what you did or did not agree")
    with session.uow() as uow:
        current = _signoff(uow, enquiry_id)
        _refuse(confirmation_refusal(current, version, session.person.id))
        uow.record(NewEvent("enquiry", enquiry_id, kind, _bound(current, version, text)))
        uow.commit()
        return _signoff(uow, enquiry_id)


def queue(session: SignedIn) -> list[QueueItem]:
    """Everything waiting for this person, oldest first."""
    authorize(session, Permission.SIGN_OFF)
    with session.uow(read_only=True) as uow:
        grade = Grade.of(_role_now(uow, session))
        rows = store.queue(uow.session, session.person.id, grade)
        return _items(uow, rows, session.person.id)


def my_waiting(session: SignedIn) -> list[QueueItem]:
    """Decisions this person made that are not final yet (awaiting, verbal, returned)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        rows = store.authored_open(uow.session, session.person.id)
        return _items(uow, rows, session.person.id)


def _items(
    uow: UnitOfWork, rows: list[tuple[SignoffRow, EnquiryRow]], person_id: str
) -> list[QueueItem]:
    names = {p.id: p.display_name for p in uow.people.list()}
    labels = decision_types().labels
    items = []
    for row, enquiry in rows:
        signoff = store.to_signoff(row)
        items.append(
            QueueItem(
                enquiry_id=enquiry.id,
                reference=enquiry.reference,
                version=signoff.version,
                child_name=enquiry.child_name or "",
                decision=labels.get(enquiry.decision_type or "", enquiry.decision_type or ""),
                author=names.get(signoff.author_id, "someone"),
                state=signoff.state,
                required=signoff.requirement.grade,
                requested_at=signoff.requested_at,
                deadline=signoff.deadline(),
                reasons=signoff.requirement.reasons,
                rule_ids=signoff.requirement.rule_ids,
                to_confirm=signoff.verbal is not None and signoff.verbal.approver_id == person_id,
            )
        )
    return items


# --- helpers ------------------------------------------------------------------------------


def _signoff(uow: UnitOfWork, enquiry_id: str) -> Signoff:
    found = store.get_signoff(uow.session, enquiry_id)
    if found is None:
        if enquiry_store.get_enquiry(uow.session, enquiry_id) is None:
            raise NotFound("That enquiry is not on this desk.")
        raise SignoffRefused("This enquiry has no decision yet, so there is nothing to sign off.")
    return _named(uow, found)


def _check_given(uow: UnitOfWork, enquiry_id: str, current: Signoff, given_at: datetime) -> None:
    """A first decision is often agreed by phone before it is written up, so its verbal
    sign-off may come from any time after the call; one for a revised decision must come
    after the revision, or a sign-off of the old version would stand for the new."""
    enquiry = enquiry_store.get_enquiry(uow.session, enquiry_id)
    if enquiry is not None and given_at < enquiry.received_at:
        raise ValidationError(
            "A verbal sign-off cannot have been given before the call came in.", "given_at"
        )
    if current.version > 1 and given_at < current.requested_at.replace(second=0, microsecond=0):
        raise ValidationError(
            f"This is version {current.version} of the decision, made at "
            f"{show_local(current.requested_at)}: a sign-off given before then was for an "
            "earlier version. Ask the approver again about this version.",
            "given_at",
        )


def _named(uow: UnitOfWork, signoff: Signoff) -> Signoff:
    """The sign-off with the name of whoever approved, returned, confirmed or disputed it."""
    person = uow.people.get(signoff.resolved_by) if signoff.resolved_by else None
    return replace(signoff, resolved_by_name=person.display_name) if person else signoff


def _role_now(uow: UnitOfWork, session: SignedIn) -> str:
    person = uow.people.get(session.person.id)
    if person is None:  # pragma: no cover - authorize has just read them
        raise Forbidden("This account is no longer on the desk.")
    return person.role.value


def _refuse(refusal: str | None) -> None:
    if refusal is not None:
        raise SignoffRefused(refusal)


def _bound(current: Signoff, version: int, comments: str) -> dict[str, Any]:
    """What every sign-off event carries: the version it binds to and the rules behind it."""
    return {
        "version": version,
        "rule_ids": list(current.requirement.rule_ids),
        "rules_version": current.requirement.rules_version,
        "comments": comments,
    }
