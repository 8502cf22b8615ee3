"""Duty shifts and autosaved drafts through the services, against a real encrypted store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from duty_desk.domain.enquiry import EnquiryInvalid
from duty_desk.domain.errors import Forbidden, NotFound, ValidationError
from duty_desk.domain.records import Contact, Draft, Shift
from duty_desk.domain.roles import Role
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in, sign_out
from duty_desk.services.drafts import autosave, discard_draft, pending_drafts
from duty_desk.services.enquiries import clean, create_enquiry, save_enquiry
from duty_desk.services.enquiry_lists import ListQuery, count_enquiries, list_enquiries
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from duty_desk.services.shifts import current_shift, end_shift, start_shift
from tests.conftest import PASSWORD, FakeClock
from tests.support import events_of_type, raw_db

ON_CALL = (Contact("Priya Senior", "07700 900123"), Contact("Morgan Manager", "07700 900456"))
QUICK = {
    "channel": "police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse", "neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
}


def _start(session: SignedIn, started_at: datetime | None = None) -> Shift:
    return start_shift(session, ["Sam Worker"], *ON_CALL, started_at=started_at)


def _shifts_started(session: SignedIn) -> int:
    desk = session.desk
    return len(events_of_type(desk.paths.database, desk.db_key, "shift.started"))


def _event_count(session: SignedIn) -> int:
    with raw_db(session.desk.paths.database, session.desk.db_key) as db:
        count: int = db.execute("SELECT count(*) FROM events").fetchone()[0]
    return count


# --- starting and ending a shift --------------------------------------------------------


@pytest.mark.parametrize("on_duty", [[], ["", "   "]])
def test_a_shift_needs_someone_on_duty(worker: SignedIn, on_duty: list[str]) -> None:
    with pytest.raises(ValidationError, match="Say who is on duty") as refused:
        start_shift(worker, on_duty, *ON_CALL)
    assert refused.value.field == "on_duty"
    assert current_shift(worker) is None and _shifts_started(worker) == 0


@pytest.mark.parametrize(
    ("senior", "manager", "field"),
    [
        (Contact("Priya Senior", ""), ON_CALL[1], "senior"),
        (Contact("   ", "07700 900123"), ON_CALL[1], "senior"),
        (ON_CALL[0], Contact("Morgan Manager", "  "), "manager"),
        (ON_CALL[0], Contact("", ""), "manager"),
    ],
)
def test_a_shift_needs_both_people_on_call_and_their_phones(
    worker: SignedIn, senior: Contact, manager: Contact, field: str
) -> None:
    with pytest.raises(ValidationError, match="how to reach them") as refused:
        start_shift(worker, ["Sam Worker"], senior, manager)
    assert refused.value.field == field
    assert current_shift(worker) is None and _shifts_started(worker) == 0


def test_a_shift_cannot_start_in_the_future_or_at_a_time_without_a_zone(
    worker: SignedIn, clock: FakeClock
) -> None:
    with pytest.raises(ValidationError, match="cannot start in the future") as refused:
        _start(worker, clock.now + timedelta(minutes=1))
    assert refused.value.field == "started_at"
    with pytest.raises(ValidationError, match="time zone"):
        _start(worker, datetime(2026, 11, 21, 22, 0))  # noqa: DTZ001 (the point of the test)
    assert _shifts_started(worker) == 0
    earlier = _start(worker, clock.now - timedelta(hours=2))  # started before it was recorded
    assert earlier.started_at == clock.now - timedelta(hours=2)


def test_names_are_trimmed_and_blank_ones_dropped(worker: SignedIn, clock: FakeClock) -> None:
    shift = start_shift(
        worker, ["  Sam Worker ", "", "Kim Colleague"], Contact(" Priya ", " 0770 "), ON_CALL[1]
    )
    assert shift.on_duty == ("Sam Worker", "Kim Colleague")
    assert shift.senior == Contact("Priya", "0770") and shift.manager == ON_CALL[1]
    assert (shift.started_at, shift.ended_at) == (clock.now, None)
    assert current_shift(worker) == shift


def test_only_one_shift_runs_at_a_time(on_shift: SignedIn) -> None:
    running = current_shift(on_shift)
    with pytest.raises(ValidationError, match="already running"):
        _start(on_shift)
    assert current_shift(on_shift) == running and _shifts_started(on_shift) == 1


def test_ending_a_shift_lets_the_next_one_start(on_shift: SignedIn, clock: FakeClock) -> None:
    running = current_shift(on_shift)
    assert running is not None
    clock.advance(hours=10)
    ended = end_shift(on_shift, running.id)
    assert (ended.id, ended.ended_at) == (running.id, clock.now)
    assert current_shift(on_shift) is None
    with pytest.raises(ValidationError, match="already ended"):
        end_shift(on_shift, running.id)
    with pytest.raises(NotFound):
        end_shift(on_shift, "no-such-shift")
    clock.advance(hours=7)
    assert _start(on_shift).id != running.id


# --- which shift an enquiry belongs to --------------------------------------------------


def _in(session: SignedIn, shift: Shift) -> set[str]:
    return {row.id for row in list_enquiries(session, ListQuery(shift_id=shift.id)).rows}


def test_an_enquiry_belongs_to_the_shift_in_which_it_was_received(
    worker: SignedIn, clock: FakeClock
) -> None:
    t0 = clock.now  # 23:10, no shift yet
    before = create_enquiry(worker, QUICK).enquiry
    clock.advance(minutes=5)
    first = _start(worker)  # 23:15
    during = create_enquiry(worker, QUICK).enquiry
    on_the_minute = create_enquiry(worker, QUICK | {"received_at": first.started_at}).enquiry
    earlier = create_enquiry(worker, QUICK | {"received_at": t0}).enquiry  # typed in late
    assert before.shift_id is None and earlier.shift_id is None
    assert during.shift_id == first.id and on_the_minute.shift_id == first.id
    clock.advance(hours=1)
    end_shift(worker, first.id)  # 00:15
    clock.advance(minutes=10)
    second = _start(worker)  # 00:25
    late = create_enquiry(worker, QUICK | {"received_at": t0 + timedelta(minutes=30)}).enquiry
    at_the_end = create_enquiry(worker, QUICK | {"received_at": clock.now - timedelta(minutes=10)})
    now = create_enquiry(worker, QUICK).enquiry
    assert late.shift_id == first.id  # received in the first shift, written up in the second
    assert at_the_end.enquiry.shift_id is None  # a shift's end is not in it
    assert now.shift_id == second.id
    assert _in(worker, first) == {during.id, on_the_minute.id, late.id}
    assert _in(worker, second) == {now.id}


def test_editing_the_time_received_moves_an_enquiry_between_shifts(
    worker: SignedIn, clock: FakeClock
) -> None:
    first = _start(worker, clock.now - timedelta(hours=1))  # 22:10
    clock.advance(minutes=50)
    end_shift(worker, first.id)  # 00:00
    clock.advance(minutes=30)
    second = _start(worker)  # 00:30
    clock.advance(minutes=5)
    enquiry = create_enquiry(worker, QUICK).enquiry
    assert enquiry.shift_id == second.id
    clock.advance(minutes=1)
    into_the_first = QUICK | {"received_at": first.started_at + timedelta(minutes=20)}
    moved = save_enquiry(worker, enquiry.id, into_the_first, enquiry.updated_at).enquiry
    assert moved.shift_id == first.id
    assert _in(worker, first) == {enquiry.id} and _in(worker, second) == set()
    assert count_enquiries(worker, ListQuery(shift_id=second.id)) == 0
    clock.advance(minutes=1)
    between = QUICK | {"received_at": first.started_at + timedelta(hours=2)}  # 00:10
    moved = save_enquiry(worker, enquiry.id, between, moved.updated_at).enquiry
    assert moved.shift_id is None and _in(worker, first) == set()


def test_a_call_recorded_before_a_backdated_shift_start_joins_that_shift(
    worker: SignedIn, clock: FakeClock
) -> None:
    enquiry = create_enquiry(worker, QUICK).enquiry  # 23:10: a call before "start shift"
    clock.advance(minutes=5)
    shift = _start(worker, clock.now - timedelta(minutes=10))  # the shift began at 23:05
    assert _in(worker, shift) == {enquiry.id}


# --- autosaved drafts -------------------------------------------------------------------


def test_autosave_keeps_the_latest_typing_of_each_form(worker: SignedIn, clock: FakeClock) -> None:
    autosave(worker, "form-1", {"child_name": "Siân"})
    clock.advance(seconds=5)
    autosave(worker, "form-1", QUICK | {"concerns": ("neglect",)})
    assert pending_drafts(worker) == [
        Draft("form-1", None, None, None, clean(QUICK | {"concerns": ["neglect"]}), clock.now)
    ]


def test_drafts_come_back_oldest_first_with_their_enquiry(
    on_shift: SignedIn, clock: FakeClock
) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    autosave(on_shift, "new-form", {"summary": "A second call"})
    clock.advance(seconds=30)
    edit = QUICK | {"narrative": "Half-typed"}
    autosave(on_shift, "edit-form", edit, enquiry_id=enquiry.id, base_version=enquiry.version)
    found = pending_drafts(on_shift)
    assert [(d.key, d.enquiry_id, d.reference, d.base_version) for d in found] == [
        ("new-form", None, None, None),
        ("edit-form", enquiry.id, enquiry.reference, 1),
    ]
    assert found[1].content == clean(edit)


def test_autosave_refuses_what_cannot_be_stored_and_keeps_the_last_good_draft(
    worker: SignedIn,
) -> None:
    autosave(worker, "form-1", QUICK)
    with pytest.raises(EnquiryInvalid, match="whole number"):
        autosave(worker, "form-1", QUICK | {"child_age": "ten"})
    assert [d.content for d in pending_drafts(worker)] == [clean(QUICK)]


def test_drafts_are_not_events(worker: SignedIn) -> None:
    before = _event_count(worker)
    autosave(worker, "form-1", QUICK)
    pending_drafts(worker)
    assert discard_draft(worker, "form-1") is True
    assert _event_count(worker) == before


def test_discarding_a_draft(worker: SignedIn) -> None:
    autosave(worker, "form-1", QUICK)
    autosave(worker, "form-2", QUICK)
    assert discard_draft(worker, "form-1") is True
    assert discard_draft(worker, "form-1") is False  # already gone
    assert [d.key for d in pending_drafts(worker)] == ["form-2"]


@pytest.fixture
def colleague(admin: SignedIn, paths: DeskPaths, clock: FakeClock) -> Iterator[SignedIn]:
    """A second duty social worker, signed in to the same desk at the same time."""
    role = Role.DUTY_SOCIAL_WORKER
    add_person(admin, "kim", "Kim Colleague", role, PASSWORD, must_change_password=False)
    session = sign_in(paths, "kim", PASSWORD, clock)
    yield session
    session.desk.close()


def test_a_draft_belongs_to_the_person_who_typed_it(worker: SignedIn, colleague: SignedIn) -> None:
    autosave(worker, "sams-form", QUICK)
    assert pending_drafts(colleague) == []
    assert discard_draft(colleague, "sams-form") is False
    with pytest.raises((PermissionError, Forbidden)):
        autosave(colleague, "sams-form", {"summary": "Kim's typing"})
    assert [(d.key, d.content) for d in pending_drafts(worker)] == [("sams-form", clean(QUICK))]


def test_autosaving_over_a_colleagues_draft_is_refused_in_plain_words(
    worker: SignedIn, colleague: SignedIn
) -> None:
    autosave(worker, "sams-form", QUICK)
    with pytest.raises(Forbidden):
        autosave(colleague, "sams-form", {"summary": "Kim's typing"})


def test_drafts_survive_signing_out_and_in_again(
    worker: SignedIn, paths: DeskPaths, clock: FakeClock
) -> None:
    autosave(worker, "form-1", QUICK)
    kept = pending_drafts(worker)
    sign_out(worker)  # closes the desk
    again = sign_in(paths, "sam", PASSWORD, clock)
    try:
        assert pending_drafts(again) == kept
    finally:
        again.desk.close()


def test_drafts_survive_the_app_closing_without_a_sign_out(
    worker: SignedIn, paths: DeskPaths, clock: FakeClock
) -> None:
    autosave(worker, "form-1", QUICK)
    worker.desk.close()  # killed: no sign-out, nothing tidied away
    clock.advance(hours=1)
    again = sign_in(paths, "sam", PASSWORD, clock)
    try:
        [draft] = pending_drafts(again)
        assert (draft.key, draft.content, draft.saved_at) == (
            "form-1",
            clean(QUICK),
            clock.now - timedelta(hours=1),
        )
    finally:
        again.desk.close()


def test_a_new_shift_cannot_start_before_the_last_one_ended(
    worker: SignedIn, clock: FakeClock
) -> None:
    first = _start(worker, clock.now)
    clock.advance(hours=2)
    end_shift(worker, first.id)
    with pytest.raises(ValidationError) as refused:
        _start(worker, clock.now - timedelta(hours=1))
    assert "cannot start before" in str(refused.value)


def test_shift_names_and_phones_are_checked_like_any_line(worker: SignedIn) -> None:
    with pytest.raises(ValidationError) as refused:
        start_shift(worker, ["Sam\x1b[2J"], Contact("Priya", "07700 900123"),
                    Contact("Morgan", "07700 900456"))  # fmt: skip
    assert "control character" in str(refused.value) and refused.value.field == "on_duty"
    with pytest.raises(ValidationError) as refused:
        start_shift(worker, ["Sam"], Contact("Priya", "0" * 201), Contact("Morgan", "1"))
    assert "phone number is 201 characters" in str(refused.value)
