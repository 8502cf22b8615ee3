"""The sign-off gate through the services: decide, approve, return, verbal, edit voids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from duty_desk.domain.enquiry import EnquiryInvalid
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import format_instant
from duty_desk.domain.signoff import SignoffState
from duty_desk.services import signoff
from duty_desk.services.enquiries import create_enquiry, decide, save_enquiry
from duty_desk.services.signoff import SignoffRefused

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


def decided(session, **fields):  # type: ignore[no-untyped-def]
    saved = create_enquiry(session, BASE | fields)
    return decide(session, saved.enquiry.id, BASE | fields, saved.enquiry.updated_at).enquiry


def test_nothing_required_is_final_at_once(on_shift) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="welfare_visit")
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.state is SignoffState.NOT_NEEDED
    assert found.state.final and found.requirement.rules_version == "default-2026-11b"


def test_no_voice_and_no_reason_is_blocked(on_shift) -> None:  # type: ignore[no-untyped-def]
    saved = create_enquiry(on_shift, BASE | {"child_words": None, "decision_type": "welfare_visit"})
    with pytest.raises(EnquiryInvalid, match="voice-missing"):
        decide(
            on_shift,
            saved.enquiry.id,
            BASE | {"child_words": None, "decision_type": "welfare_visit"},
            saved.enquiry.updated_at,
        )


def test_approval_by_a_different_senior_practitioner(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="advice_nfa")
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert found.requirement.rule_ids == ("nfa-abuse",)
    assert found.due_at == clock.now + timedelta(minutes=120)
    queue = signoff.queue(approvers["priya"])
    assert [item.reference for item in queue] == [enquiry.reference]
    with pytest.raises(Exception, match="reasons"):
        signoff.approve(approvers["priya"], enquiry.id, 1, "")
    done = signoff.approve(approvers["priya"], enquiry.id, 1, "Agreed: safe at Nan's.")
    assert done.state is SignoffState.APPROVED and done.state.final
    assert signoff.queue(approvers["priya"]) == []


def test_a_manager_decision_needs_a_manager_not_a_senior_practitioner(on_shift, approvers) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="police_protection")
    with pytest.raises(SignoffRefused, match="manager or higher"):
        signoff.approve(approvers["priya"], enquiry.id, 1)
    assert signoff.queue(approvers["priya"]) == []
    assert signoff.approve(approvers["sasha"], enquiry.id, 1).state is SignoffState.APPROVED


def test_return_then_revision_regates(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="police_protection")
    back = signoff.return_decision(approvers["morgan"], enquiry.id, 1, "Ring legal first.")
    assert back.state is SignoffState.RETURNED and back.comments == "Ring legal first."
    clock.advance(minutes=5)
    revised = save_enquiry(
        on_shift,
        enquiry.id,
        BASE | {"decision_type": "police_protection", "rationale": "Legal advice taken."},
        enquiry.updated_at,
    ).enquiry
    again = signoff.signoff_of(on_shift, enquiry.id)
    assert revised.version == 2 and again is not None and again.state is SignoffState.AWAITING
    with pytest.raises(SignoffRefused, match="version 2"):
        signoff.approve(approvers["morgan"], enquiry.id, 1)


def test_verbal_then_confirmed(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    enquiry = decided(on_shift, decision_type="police_protection")
    verbal = signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "phone", clock.now)
    assert verbal.state is SignoffState.VERBAL and not verbal.state.final
    assert verbal.verbal is not None and verbal.verbal.confirm_by == clock.now + timedelta(hours=12)
    with pytest.raises(SignoffRefused, match="Only Morgan"):
        signoff.confirm_verbal(approvers["sasha"], enquiry.id, 1)
    assert [i.to_confirm for i in signoff.queue(approvers["morgan"])] == [True]
    assert signoff.confirm_verbal(approvers["morgan"], enquiry.id, 1).state.final


def test_self_approval_is_refused(on_shift, approvers, admin) -> None:  # type: ignore[no-untyped-def]
    priya = approvers["priya"]
    from duty_desk.services.shifts import current_shift  # noqa: F401

    enquiry = decided(priya, decision_type="advice_nfa")
    with pytest.raises(SignoffRefused, match="own decision"):
        signoff.approve(priya, enquiry.id, 1, "fine")
    assert signoff.queue(priya) == []


def test_a_verbal_sign_off_for_a_revision_must_postdate_it(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    """The first decision may have been agreed by phone before it was written up; a revised
    one must be agreed again, or a sign-off of the old version would stand for the new."""
    early = clock.now
    clock.advance(minutes=20)
    received = {"received_at": format_instant(early), "decision_type": "police_protection"}
    enquiry = decided(on_shift, **received)
    assert signoff.record_verbal(on_shift, enquiry.id, 1, "morgan", "phone", early).verbal
    clock.advance(minutes=5)
    changed = BASE | received | {"rationale": "Changed."}
    save_enquiry(on_shift, enquiry.id, changed, enquiry.updated_at)
    with pytest.raises(ValidationError, match="earlier version"):
        signoff.record_verbal(on_shift, enquiry.id, 2, "morgan", "phone", early)
    again = signoff.record_verbal(on_shift, enquiry.id, 2, "morgan", "phone", clock.now)
    assert again.state is SignoffState.VERBAL and again.version == 2
