"""Young people in police custody (PACE s.38(6)): open a case, build its timeline, close it.

Every request is recorded, not only the failures. A case usually belongs to an enquiry:
opening one without an enquiry starts a police enquiry for it, so the council's decision
(accommodation provided, refused, a secure request disputed) is that enquiry's decision and
goes through the sign-off rules like any other (``decide``). Each change is one event;
each checks that nobody changed the case since the caller read it (``expected``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from duty_desk.domain import custody as rules
from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.custody import Content, CustodyInvalid, Step
from duty_desk.domain.custody_clocks import Thresholds, parse_thresholds
from duty_desk.domain.custody_records import Case
from duty_desk.domain.enquiry import Problem
from duty_desk.domain.errors import NotFound, ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.domain.records import Saved, Status
from duty_desk.domain.roles import Permission
from duty_desk.resources import resource
from duty_desk.services import enquiries
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiries import ChangedMeanwhile
from duty_desk.store import custody as store
from duty_desk.store import enquiries as enquiry_store
from duty_desk.store.unit_of_work import UnitOfWork

# The council's decisions in a custody case (ids in resources/lists/decision_types.toml).
DECISIONS = (
    "pace_non_secure",
    "pace_secure_provided",
    "pace_secure_not_justified",
    "pace_secure_not_available",
    "pace_not_provided",
)
RECENT = 200


def open_case(
    session: SignedIn, fields: Mapping[str, Any], *, enquiry_id: str | None = None
) -> Case:
    """Open a case from a police request; with no enquiry given, one is started for it."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    content = rules.clean(_details(fields))
    now = session.desk.clock()
    _refuse(rules.opening_problems(content, now))
    police_enquiry = None if enquiry_id else enquiries.clean(_enquiry_fields(content))
    case_id = str(uuid.uuid4())
    with session.uow() as uow:  # the enquiry and the case together, or neither
        if police_enquiry is not None:
            enquiry_id = enquiries.record_created(session, uow, police_enquiry, now)
        elif enquiry_store.get_enquiry(uow.session, enquiry_id or "") is None:
            raise NotFound("That enquiry is not on this desk.")
        payload = {
            "reference": _next_reference(session, uow, now),
            "enquiry_id": enquiry_id,
            "changes": content,
        }
        uow.record(NewEvent("custody", case_id, "custody.opened", payload))
        uow.commit()
        return _read(uow, case_id)


def save_case(
    session: SignedIn, case_id: str, fields: Mapping[str, Any], expected: datetime
) -> Case:
    """Save the case's details (everything but the outcome, which closing records)."""

    def change(current: Case, now: datetime) -> NewEvent | None:
        _must_be_open(current)
        after = rules.clean(_details(fields))
        before = {k: v for k, v in current.content.items() if k not in rules.OUTCOME_FIELDS}
        _refuse(rules.opening_problems(after, now))
        changed = {k: after.get(k) for k in rules.FIELDS if before.get(k) != after.get(k)}
        return (
            NewEvent("custody", case_id, "custody.saved", {"changes": changed}) if changed else None
        )

    return _change(session, case_id, expected, change)


def add_step(session: SignedIn, case_id: str, step: Mapping[str, Any], expected: datetime) -> Case:
    """Add what happened, and when, to the timeline."""

    def change(current: Case, now: datetime) -> NewEvent:
        _must_be_open(current)
        new = {**rules.clean_step(_without_id(step), now), "id": str(uuid.uuid4())}
        _refuse(rules.timeline_problems([*current.steps, new]))
        return NewEvent("custody", case_id, "custody.step_added", {"step": new})

    return _change(session, case_id, expected, change)


def correct_step(
    session: SignedIn, case_id: str, step_id: str, step: Mapping[str, Any], expected: datetime
) -> Case:
    """Replace a step typed wrongly (the log keeps what it said before)."""

    def change(current: Case, now: datetime) -> NewEvent | None:
        _must_be_open(current)
        old = _step(current, step_id)
        new = {**rules.clean_step(_without_id(step), now), "id": step_id}
        if new == old:
            return None
        steps = [new if s["id"] == step_id else s for s in current.steps]
        _refuse(rules.timeline_problems(steps))
        return NewEvent("custody", case_id, "custody.step_corrected", {"step": new})

    return _change(session, case_id, expected, change)


def withdraw_step(
    session: SignedIn, case_id: str, step_id: str, reason: str, expected: datetime
) -> Case:
    """Take a step off the timeline, saying why (the log keeps it)."""

    def change(current: Case, now: datetime) -> NewEvent:
        _must_be_open(current)
        _step(current, step_id)
        if not reason.strip():
            raise ValidationError("Say why the step is being taken off the timeline.", "reason")
        payload = {"step_id": step_id, "reason": reason.strip()[:500]}
        return NewEvent("custody", case_id, "custody.step_withdrawn", payload)

    return _change(session, case_id, expected, change)


def close_case(
    session: SignedIn, case_id: str, outcome: Mapping[str, Any], expected: datetime
) -> Case:
    """Close with the outcome. Remaining in the cell needs the certificate or a reason."""

    def change(current: Case, now: datetime) -> NewEvent:
        if not current.open:
            raise ValidationError(f"{current.reference} is already closed.")
        unknown = set(outcome) - rules.OUTCOME_FIELDS
        if unknown:
            wrong = sorted(unknown, key=str)
            raise CustodyInvalid([Problem(str(n), "is not part of the outcome.") for n in wrong])
        cleaned = rules.clean(outcome)
        content = {k: v for k, v in current.content.items() if k not in rules.OUTCOME_FIELDS}
        content.update(cleaned)
        _refuse(rules.close_problems(content, current.steps))
        changed = {
            k: cleaned.get(k)
            for k in rules.OUTCOME_FIELDS
            if cleaned.get(k) != current.content.get(k)
        }
        return NewEvent("custody", case_id, "custody.closed", {"changes": changed})

    return _change(session, case_id, expected, change)


def reopen_case(session: SignedIn, case_id: str, reason: str, expected: datetime) -> Case:
    def change(current: Case, now: datetime) -> NewEvent:
        if current.open:
            raise ValidationError(f"{current.reference} is open already.")
        if not reason.strip():
            raise ValidationError("Say why the case is being reopened.", "reason")
        payload = {"reason": reason.strip()[:500]}
        return NewEvent("custody", case_id, "custody.reopened", payload)

    return _change(session, case_id, expected, change)


def decide(session: SignedIn, case_id: str, fields: Mapping[str, Any]) -> Saved:
    """Record the council's decision on the case's enquiry, through the sign-off rules.

    ``fields``: ``decision_type`` (one of ``DECISIONS``), ``rationale``, and optionally
    ``risk_rating``. What the enquiry lacks and the case knows is filled in from the case:
    the young person's views as their own words, and that it could not wait.
    """
    authorize(session, Permission.RECORD_ENQUIRIES)
    unknown = set(fields) - {"decision_type", "rationale", "risk_rating"}
    if unknown:
        raise ValidationError(f"Not part of a custody decision: {', '.join(sorted(unknown))}.")
    if fields.get("decision_type") not in DECISIONS:
        raise ValidationError("Choose one of the custody decisions.", "decision_type")
    case = get_case(session, case_id, record_view=False)
    if case.enquiry_id is None:
        raise ValidationError(f"{case.reference} has no enquiry to record a decision on.")
    with session.uow(read_only=True) as uow:  # read, not opened: the decision is the event
        enquiry = enquiry_store.get_enquiry(uow.session, case.enquiry_id)
    if enquiry is None:
        raise NotFound("That custody case's enquiry is not on this desk.")
    merged = {**enquiry.content, **{k: v for k, v in fields.items() if v not in (None, "")}}
    merged.setdefault("can_wait", False)
    merged.setdefault(
        "can_wait_reason",
        "A young person is in police custody after charge and needs accommodation tonight.",
    )
    views = case.content.get("yp_views")
    if views and "child_words" not in merged and "voice_not_heard_reason" not in merged:
        merged["child_words"] = views
    if enquiry.status is Status.DECIDED:
        return enquiries.save_enquiry(session, enquiry.id, merged, enquiry.updated_at)
    return enquiries.decide(session, enquiry.id, merged, enquiry.updated_at)


def get_case(session: SignedIn, case_id: str, *, record_view: bool = True) -> Case:
    """Read one case; opening it is recorded (who looked at what, and when)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=not record_view) as uow:
        found = _read(uow, case_id)
        if record_view:
            uow.record(NewEvent("custody", case_id, "custody.viewed", {}))
            uow.commit()
        return found


def find_case(session: SignedIn, reference: str) -> str:
    """The id of the case with this reference (any case, spaces around ignored)."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        found = store.id_by_reference(uow.session, reference.strip().upper())
    if found is None:
        raise NotFound(f"No custody case on this desk has the reference {reference.strip()!r}.")
    return found


def open_cases(session: SignedIn) -> list[Case]:
    """Every open case, oldest first: what the live clocks show."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        return store.open_cases(uow.session)


def recent_cases(session: SignedIn, limit: int = RECENT) -> list[Case]:
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        return store.recent_cases(uow.session, limit)


def thresholds(session: SignedIn) -> Thresholds:
    """The council's thresholds file if there is one, or the defaults."""
    path = session.desk.paths.custody_thresholds
    if not path.exists():
        path = resource("custody", "thresholds.toml")
    return parse_thresholds(path.read_text(encoding="utf-8"), path.name)


# --- helpers ------------------------------------------------------------------------------


def _change(
    session: SignedIn,
    case_id: str,
    expected: datetime,
    change: Callable[[Case, datetime], NewEvent | None],
) -> Case:
    authorize(session, Permission.RECORD_ENQUIRIES)
    now = session.desk.clock()
    with session.uow() as uow:
        current = _read(uow, case_id)
        if current.updated_at != expected:
            raise ChangedMeanwhile(
                f"{current.reference} was changed at {show_local(current.updated_at)} after you "
                "opened it. Nothing was overwritten: reopen the case to see the latest."
            )
        event = change(current, now)
        if event is None:
            return current
        uow.record(event)
        uow.commit()
        return _read(uow, case_id)


def _read(uow: UnitOfWork, case_id: str) -> Case:
    found = store.get_case(uow.session, case_id)
    if found is None:
        raise NotFound("That custody case is not on this desk.")
    return found


def _must_be_open(case: Case) -> None:
    if not case.open:
        raise ValidationError(
            f"{case.reference} is closed. Reopen it (saying why) to change it.", "status"
        )


def _step(case: Case, step_id: str) -> Step:
    for step in case.steps:
        if step["id"] == step_id:
            return step
    raise NotFound("That step is not on this case's timeline.")


def _details(fields: Mapping[str, Any]) -> dict[str, Any]:
    outcome = sorted(set(fields) & rules.OUTCOME_FIELDS)
    if outcome:
        raise ValidationError(
            f"The outcome ({', '.join(rules.label(n) for n in outcome)}) is recorded by closing "
            "the case."
        )
    return dict(fields)


def _without_id(step: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in step.items() if k != "id"}


def _refuse(found: list[Problem]) -> None:
    if found:
        raise CustodyInvalid(found)


def _enquiry_fields(content: Content) -> dict[str, Any]:
    """The police enquiry a custody request starts, from what the case already holds."""
    suite = content["custody_suite"]
    mapped = {
        "channel": "police",
        "caller_name": content.get("officer_name"),
        "caller_agency": suite,
        "caller_phone": content.get("officer_contact"),
        "child_name": content.get("yp_name"),
        "child_dob": content.get("yp_dob"),
        "child_age": content.get("age_at_charge"),
        "child_gender": content.get("yp_gender"),
        "home_council": content.get("home_council"),
        "concerns": ["custody"],
        "summary": f"PACE s.38(6): accommodation requested by {suite}"[:200],
    }
    return {k: v for k, v in mapped.items() if v is not None}


def _next_reference(session: SignedIn, uow: UnitOfWork, now: datetime) -> str:
    """``CUS-261122-A1B2-001``: the local date, this device, and a count for the day."""
    prefix = f"CUS-{now.astimezone(LONDON):%y%m%d}-{session.desk.device_id[:4].upper()}-"
    return f"{prefix}{store.references_on(uow.session, prefix) + 1:03d}"
