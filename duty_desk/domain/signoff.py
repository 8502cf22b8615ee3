"""Sign-off of a decision: its states, and who may approve, return, or confirm what.

One decision version has one sign-off. An approval, a return or a verbal sign-off names the
version it is for; once the decision is edited (a new version) they no longer count and
the rules apply again. The same checks run in the services (to refuse with a reason) and
in the projection (so an event that breaks them, however it reached the log, never counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Grade
from duty_desk.domain.signoff_rules import Requirement


class SignoffState(StrEnum):
    NOT_NEEDED = "not_needed"
    AWAITING = "awaiting"
    VERBAL = "verbal"
    APPROVED = "approved"
    CONFIRMED = "confirmed"
    RETURNED = "returned"
    DISPUTED = "disputed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def final(self) -> bool:
        """Only these leave the decision final; everything else still needs someone."""
        return self in (SignoffState.NOT_NEEDED, SignoffState.APPROVED, SignoffState.CONFIRMED)

    @property
    def open(self) -> bool:
        """Waiting for an approver (in the app, or to confirm what they said)."""
        return self in (SignoffState.AWAITING, SignoffState.VERBAL)


_LABELS = {
    SignoffState.NOT_NEEDED: "Final (no sign-off needed)",
    SignoffState.AWAITING: "Awaiting sign-off",
    SignoffState.VERBAL: "Verbal — awaiting confirmation",
    SignoffState.APPROVED: "Signed off",
    SignoffState.CONFIRMED: "Verbal sign-off confirmed",
    SignoffState.RETURNED: "Returned to the worker",
    SignoffState.DISPUTED: "Verbal sign-off disputed",
}

HOW: dict[str, str] = {"phone": "By phone", "in_person": "In person"}
COMMENTS_MAX = 5000


@dataclass(frozen=True, slots=True)
class Verbal:
    """A sign-off given by phone or in person, recorded by the worker, to be confirmed."""

    approver_id: str
    approver_name: str
    grade: Grade
    how: str  # a key of HOW
    given_at: datetime
    confirm_by: datetime
    recorded_by: str
    note: str


@dataclass(frozen=True, slots=True)
class Signoff:
    """The sign-off of an enquiry's current decision version."""

    enquiry_id: str
    version: int
    author_id: str  # who made this version of the decision
    state: SignoffState
    requirement: Requirement
    requested_at: datetime
    due_at: datetime | None  # None when nothing is needed
    verbal: Verbal | None
    resolved_by: str | None  # who approved, returned, confirmed or disputed
    resolved_at: datetime | None
    comments: str
    resolved_by_name: str = ""  # filled in by the services, for showing

    def deadline(self) -> datetime | None:
        """The next time limit that matters: confirmation for a verbal, else sign-off."""
        if self.state is SignoffState.VERBAL and self.verbal is not None:
            return self.verbal.confirm_by
        return self.due_at if self.state is SignoffState.AWAITING else None

    def overdue(self, now: datetime) -> bool:
        deadline = self.deadline()
        return deadline is not None and now > deadline


def due_at(requirement: Requirement, decided_at: datetime, handover_due: datetime) -> datetime:
    """A rule's time limit runs from the decision; without one, sign-off is due by handover."""
    if requirement.within_minutes is None:
        return handover_due
    return decided_at + timedelta(minutes=requirement.within_minutes)


def confirm_by(requirement: Requirement, given_at: datetime) -> datetime:
    hours = requirement.confirm_within_hours or 24
    return given_at + timedelta(hours=hours)


def approval_refusal(
    signoff: Signoff | None, version: int, approver_id: str, approver_grade: Grade | None
) -> str | None:
    """Why this person may not approve or return this version now; None if they may."""
    if signoff is None:
        return "This enquiry has no decision waiting for sign-off."
    if version != signoff.version:
        return (
            f"The decision was changed after you opened it (it is now version "
            f"{signoff.version}); reopen it and read the new version before signing off."
        )
    if not signoff.state.open:
        return f"This decision is not waiting for sign-off: {signoff.state.label.lower()}."
    if approver_id == signoff.author_id:
        return "Nobody may sign off their own decision: another approver must do it."
    required = signoff.requirement.grade
    if required is None or approver_grade is None or approver_grade < required:
        need = required.label.lower() if required else "an approver"
        return f"This decision needs a {need} or higher to sign it off."
    return None


def verbal_refusal(
    signoff: Signoff | None, version: int, approver_id: str, approver_grade: Grade | None
) -> str | None:
    """Why a verbal sign-off by this approver may not be recorded for this version."""
    refusal = approval_refusal(signoff, version, approver_id, approver_grade)
    if refusal is not None or signoff is None:
        return refusal
    if signoff.state is not SignoffState.AWAITING:
        return "A verbal sign-off is already recorded for this version."
    if not signoff.requirement.verbal:
        rules = ", ".join(signoff.requirement.rule_ids)
        return f"The rules ({rules}) do not let a verbal sign-off stand in: it must be in the app."
    return None


def confirmation_refusal(signoff: Signoff | None, version: int, person_id: str) -> str | None:
    """Why this person may not confirm or dispute the verbal sign-off of this version."""
    if signoff is None or signoff.state is not SignoffState.VERBAL or signoff.verbal is None:
        return "There is no verbal sign-off waiting for confirmation on this enquiry."
    if version != signoff.version:
        return (
            f"The decision was changed after the verbal sign-off (it is now version "
            f"{signoff.version}): the verbal sign-off no longer applies."
        )
    if person_id != signoff.verbal.approver_id:
        return f"Only {signoff.verbal.approver_name}, who gave the verbal sign-off, may confirm it."
    return None


def check_comments(text: str, *, required: bool, what: str) -> str:
    """Comments as stored; ``what`` says why they are needed when they are."""
    comments = text.strip()
    if required and not comments:
        raise ValidationError(f"Give your reasons: {what}.", field="comments")
    if len(comments) > COMMENTS_MAX:
        raise ValidationError(
            f"Comments can be at most {COMMENTS_MAX} characters.", field="comments"
        )
    return comments
