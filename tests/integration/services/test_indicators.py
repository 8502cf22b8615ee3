"""The performance indicators through the services, on a real desk: the enquiries, sign-offs,
handover and custody cases are made by the services and counted here by hand; nights run
09:00 to 09:00 London time, across a clock change too; the range is checked; only those
allowed may see the figures, which name nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from duty_desk.domain.errors import Forbidden, ValidationError
from duty_desk.domain.indicators import NOT_DECIDED, Count, Share, rows
from duty_desk.services import custody, handover, signoff
from duty_desk.services.desk import sign_in_alongside
from duty_desk.services.enquiries import create_enquiry, decide
from duty_desk.services.indicators import indicators
from tests.conftest import PASSWORD

SAT = date(2026, 11, 21)  # the fixtures' clock: 23:10 UTC (and London) on Sat 21 Nov 2026
BASE = {
    "channel": "police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse"],
    "summary": "Police at the address after a 999 call.",
    "risk_rating": "medium",
    "can_wait": True,
    "can_wait_reason": "Mother and children safe at grandmother's.",
    "child_words": "I want to stay at Nan's.",
    "rationale": "Safe tonight; the day team to follow up.",
}


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def decided(session, **fields):  # type: ignore[no-untyped-def]
    saved = create_enquiry(session, BASE | fields)
    return decide(session, saved.enquiry.id, BASE | fields, saved.enquiry.updated_at).enquiry


@pytest.fixture
def day_team(admin, on_shift, people):  # type: ignore[no-untyped-def]
    from duty_desk.domain.roles import Role

    return sign_in_alongside(on_shift, people[Role.DAY_TEAM], PASSWORD)


def test_a_night_of_enquiries_and_sign_offs(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    manager = approvers["morgan"]
    nfa = decided(on_shift, decision_type="advice_nfa")  # 23:10, needs a senior's sign-off
    clock.advance(minutes=30)
    signoff.approve(approvers["priya"], nfa.id, 1, "Agreed: safe at Nan's.")
    clock.now = utc(11, 22, 2, 30)  # 02:30 on Sunday: still Saturday's night
    police = decided(on_shift, decision_type="police_protection")
    signoff.record_verbal(on_shift, police.id, 1, "morgan", "phone", clock.now)
    clock.now = utc(11, 22, 3, 0)
    reason = "Asleep when we arrived; not woken."
    decided(on_shift, decision_type="welfare_visit", child_words=None,
            voice_not_heard_reason=reason)  # fmt: skip
    clock.now = utc(11, 22, 9, 15)  # after 09:00: Sunday's night
    create_enquiry(on_shift, BASE)  # a draft, not decided

    found = indicators(manager, SAT - timedelta(days=1), SAT + timedelta(days=1))
    assert found.per_night == (
        Count("20/11/2026", 0), Count("21/11/2026", 3), Count("22/11/2026", 1)
    )  # fmt: skip
    assert found.enquiries == 4 and found.nights == 3
    labels = dict((c.label, c.count) for c in found.by_decision)
    assert labels == {
        "Advice only / no further action": 1,
        "Police protection (s.46) with accommodation": 1,
        "Welfare or home visit": 1,
        NOT_DECIDED: 1,
    }
    assert found.by_decision[-1] == Count(NOT_DECIDED, 1)
    assert found.time_to_signoff.median == timedelta(minutes=30)
    assert found.time_to_signoff.n == 1
    assert found.verbal_awaiting == 1
    assert found.voice_recorded == Share(2, 3)
    assert (found.voice_reason_only, found.voice_nothing) == (1, 0)
    # The verbal sign-off is not confirmed in time: it becomes overdue.
    confirm_by = signoff.signoff_of(manager, police.id).verbal.confirm_by  # type: ignore[union-attr]
    assert indicators(manager, SAT, SAT).overdue_signoffs == 0
    clock.now = confirm_by + timedelta(minutes=1)
    assert indicators(manager, SAT, SAT).overdue_signoffs == 1
    signoff.confirm_verbal(manager, police.id, 1, "Yes, I agreed by phone.")
    after = indicators(manager, SAT, SAT)
    assert (after.overdue_signoffs, after.verbal_awaiting, after.time_to_signoff.n) == (0, 0, 2)
    assert after.time_to_signoff.longest == clock.now - utc(11, 22, 2, 30)


def test_handover_acknowledged_by_nine(on_shift, approvers, day_team, clock) -> None:  # type: ignore[no-untyped-def]
    first = decided(on_shift, decision_type="welfare_visit")
    clock.advance(minutes=20)
    decided(on_shift, decision_type="welfare_visit")
    clock.now = utc(11, 22, 7, 0)
    sent = handover.submit_night(on_shift)
    assert len(sent.submitted) == 2
    assert sent.due_at == utc(11, 23, 9, 0)  # Monday 09:00 (GMT)
    manager = approvers["morgan"]
    before = indicators(manager, SAT, SAT)
    assert before.handover_on_time == Share(0, 0) and before.handover_not_due == 2
    assert before.handover_on_time.text() == "none to count"
    clock.now = utc(11, 23, 8, 55)
    handover.acknowledge(day_team, first.id)
    clock.now = utc(11, 23, 9, 40)  # the other one, late
    handover.acknowledge(day_team, handover.find_item(day_team, sent.submitted[1].reference))
    found = indicators(manager, SAT, SAT)
    assert found.handover_on_time == Share(1, 2) and found.handover_not_due == 0
    assert found.handover_on_time.text() == "50% (1 of 2)"


def test_custody_requests_transfers_nights_and_appropriate_adults(
    on_shift, approvers, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = utc(11, 22, 21, 0)
    made = [
        # charged, requested, AA 40 min, left for a foster home before midnight
        ({"charge": utc(11, 21, 18), "request_received": utc(11, 21, 18, 30),
          "aa_requested": utc(11, 21, 18, 35), "aa_arrived": utc(11, 21, 19, 15),
          "left_custody": utc(11, 21, 22)}, {"outcome": "transferred",
                                              "placement_type": "foster"}),
        # kept overnight; AA 1 h 20 min
        ({"charge": utc(11, 21, 22), "request_received": utc(11, 21, 22, 10),
          "aa_requested": utc(11, 21, 22, 15), "aa_arrived": utc(11, 21, 23, 35),
          "left_custody": utc(11, 22, 8)}, {"outcome": "remained", "certificate_issued": False,
                                            "remained_reason": "No bed."}),
        # the next night, still open, no AA yet
        ({"charge": utc(11, 22, 20), "request_received": utc(11, 22, 20, 5),
          "aa_requested": utc(11, 22, 20, 10)}, None),
    ]  # fmt: skip
    for steps, close in made:
        case = custody.open_case(on_shift, {"custody_suite": "Grimsditch", "yp_name": "Siân Llŷr",
                                            "age_at_charge": 15})  # fmt: skip
        for kind, at in steps.items():
            case = custody.add_step(on_shift, case.id, {"kind": kind, "at": at}, case.updated_at)
        if close is not None:
            custody.close_case(on_shift, case.id, close, case.updated_at)
    found = indicators(approvers["morgan"], SAT, SAT)
    assert (found.custody_requests, found.transfers, found.overnight_stays) == (2, 1, 1)
    assert found.aa_response.median == timedelta(minutes=60)  # of 40 min and 80 min
    assert (found.aa_response.longest, found.aa_response.n) == (timedelta(minutes=80), 2)
    both = indicators(approvers["morgan"], SAT, SAT + timedelta(days=1))
    assert (both.custody_requests, both.aa_response.n) == (3, 2)


def test_an_empty_range_counts_zero_for_every_night(approvers) -> None:  # type: ignore[no-untyped-def]
    found = indicators(approvers["morgan"], date(2026, 3, 1), date(2026, 3, 7))
    assert [c.count for c in found.per_night] == [0] * 7
    assert found.per_night[0].label == "01/03/2026" and found.per_night[-1].label == "07/03/2026"
    assert found.by_decision == (Count(NOT_DECIDED, 0),)
    assert found.time_to_signoff.median is None and found.voice_recorded == Share(0, 0)
    table = dict(rows(found))
    assert table["Time to sign-off: median"] == "— (none to count)"
    assert table["Decisions with the child's voice recorded"] == "none to count"


def test_a_range_the_wrong_way_round_or_too_long_is_refused(approvers) -> None:  # type: ignore[no-untyped-def]
    manager = approvers["morgan"]
    with pytest.raises(ValidationError, match="before it starts"):
        indicators(manager, date(2026, 11, 2), date(2026, 11, 1))
    with pytest.raises(ValidationError, match="366 nights or fewer"):
        indicators(manager, date(2025, 1, 1), date(2026, 1, 2))
    assert indicators(manager, date(2025, 1, 1), date(2025, 12, 31)).nights == 365


def test_a_night_across_the_clock_change(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    """Clocks go back at 02:00 BST on Sunday 25 October 2026: that night has 25 hours."""
    moments = [
        utc(10, 24, 7, 59),  # 08:59 BST Saturday: Friday's night
        utc(10, 24, 8, 0),  # 09:00 BST Saturday: Saturday's night begins
        utc(10, 25, 0, 30),  # 01:30 BST
        utc(10, 25, 1, 30),  # 01:30 GMT, the hour again
        utc(10, 25, 8, 59),  # 08:59 GMT Sunday: still Saturday's night
        utc(10, 25, 9, 0),  # 09:00 GMT Sunday: Sunday's night
    ]
    for moment in moments:
        clock.now = moment
        create_enquiry(on_shift, BASE)
    clock.now = utc(11, 21, 23, 10)
    found = indicators(approvers["morgan"], date(2026, 10, 23), date(2026, 10, 25))
    assert [c.count for c in found.per_night] == [1, 4, 1]


def test_who_may_see_them_and_they_name_nobody(on_shift, approvers, day_team, admin) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="welfare_visit")
    for allowed in (approvers["morgan"], approvers["sasha"], day_team, admin):
        found = indicators(allowed, SAT, SAT)
        assert found.enquiries == 1
        shown = repr(found) + repr(rows(found))
        assert "Siân" not in shown and enquiry.reference not in shown and enquiry.id not in shown
    for refused in (on_shift, approvers["priya"]):
        with pytest.raises(Forbidden, match="may not see the monitoring figures"):
            indicators(refused, SAT, SAT)
