"""Duty shifts: who is on duty tonight, and who is on call above them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from duty_desk.domain.clock import show_local
from duty_desk.domain.enquiry import check_line
from duty_desk.domain.errors import NotFound, ValidationError
from duty_desk.domain.events import NewEvent, format_instant
from duty_desk.domain.records import Contact, Shift
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.store import enquiries as store


def current_shift(session: SignedIn) -> Shift | None:
    """The shift running on this device, if one has been started and not ended."""
    authorize(session, Permission.VIEW_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        return store.open_shift(uow.session, session.desk.device_id)


def start_shift(
    session: SignedIn,
    on_duty: Sequence[str],
    senior: Contact,
    manager: Contact,
    started_at: datetime | None = None,
) -> Shift:
    """Start a shift; refused while another is still running on this device."""
    authorize(session, Permission.RUN_SHIFTS)
    names = [name.strip() for name in on_duty if name.strip()]
    if not names:
        raise ValidationError("Say who is on duty this shift.", "on_duty")
    for label, contact, field in (
        ("senior practitioner", senior, "senior"),
        ("manager", manager, "manager"),
    ):
        if not contact.name.strip() or not contact.phone.strip():
            raise ValidationError(f"Give the on-call {label}'s name and how to reach them.", field)
        check_line(contact.name, f"The on-call {label}'s name", field)
        check_line(contact.phone, f"The on-call {label}'s phone number", field)
    for name in names:
        check_line(name, "A name on duty", "on_duty")
    if len(names) > 20:
        raise ValidationError("List at most 20 people on duty.", "on_duty")
    now = session.desk.clock()
    started = started_at or now
    if started.tzinfo is None:
        raise ValidationError("The start time must carry its time zone.", "started_at")
    if started > now:
        raise ValidationError("A shift cannot start in the future.", "started_at")
    shift_id = str(uuid.uuid4())
    payload = {
        "started_at": format_instant(started),
        "on_duty": names,
        "senior": {"name": senior.name.strip(), "phone": senior.phone.strip()},
        "manager": {"name": manager.name.strip(), "phone": manager.phone.strip()},
    }
    with session.uow() as uow:
        running = store.open_shift(uow.session, session.desk.device_id)
        if running is not None:
            raise ValidationError(
                "A shift is already running on this desk: end it before starting another."
            )
        ended = store.last_ended(uow.session, session.desk.device_id)
        if ended is not None and started < ended:
            raise ValidationError(
                f"The last shift on this desk ended at {show_local(ended)}: a new shift "
                "cannot start before that.",
                "started_at",
            )
        uow.record(NewEvent("shift", shift_id, "shift.started", payload))
        uow.commit()
        shift = store.get_shift(uow.session, shift_id)
    assert shift is not None
    return shift


def end_shift(session: SignedIn, shift_id: str) -> Shift:
    authorize(session, Permission.RUN_SHIFTS)
    with session.uow() as uow:
        shift = store.get_shift(uow.session, shift_id)
        if shift is None:
            raise NotFound("That shift is not on this desk.")
        if shift.ended_at is not None:
            raise ValidationError("That shift has already ended.")
        now = session.desk.clock()
        uow.record(NewEvent("shift", shift_id, "shift.ended", {"ended_at": format_instant(now)}))
        uow.commit()
        ended = store.get_shift(uow.session, shift_id)
    assert ended is not None
    return ended
