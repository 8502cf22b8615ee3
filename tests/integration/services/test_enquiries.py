"""Recording enquiries through the services, against a real encrypted store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from duty_desk.domain.enquiry import EnquiryInvalid
from duty_desk.domain.errors import Forbidden, ValidationError
from duty_desk.domain.records import Status
from duty_desk.services import audit
from duty_desk.services.enquiries import (
    ChangedMeanwhile,
    create_enquiry,
    decide,
    history,
    open_enquiry,
    save_enquiry,
)
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries, previous_contacts
from duty_desk.services.shifts import current_shift
from tests.support import events_of_type

QUICK = {
    "channel": "police",
    "caller_name": "PC Jones",
    "caller_agency": "Police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse", "neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
}
COMPLETE = QUICK | {
    "risk_rating": "high",
    "can_wait": False,
    "can_wait_reason": "Mother's partner is still at the address.",
    "decision_type": "welfare_visit",
    "rationale": "Police are present; a visit tonight with them is proportionate.",
    "child_words": "I want to stay at Nan's tonight.",
}


def test_quick_capture_makes_a_draft_in_the_running_shift(on_shift, clock) -> None:
    saved = create_enquiry(on_shift, QUICK)
    enquiry = saved.enquiry
    assert enquiry.status is Status.DRAFT and enquiry.version == 1
    assert enquiry.reference.startswith("EDT-261121-")
    assert enquiry.received_at == clock.now
    assert enquiry.shift_id == current_shift(on_shift).id  # type: ignore[union-attr]
    # Saturday 23:10 → Monday 09:00 (handover) and 17:00 (decision), London = UTC in November
    assert enquiry.handover_due == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert enquiry.decision_due == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert enquiry.content["child_name"] == "Siân Llŷr"


def test_a_decision_needs_the_mandatory_fields_and_names_them(on_shift) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    with pytest.raises(EnquiryInvalid) as refused:
        decide(on_shift, enquiry.id, QUICK | {"decision_type": "advice_nfa"}, enquiry.updated_at)
    fields = {p.field for p in refused.value.problems}
    assert {"rationale", "can_wait", "can_wait_reason", "risk_rating"} <= fields
    assert "A decision needs its rationale" in str(refused.value)


def test_deciding_then_changing_makes_a_new_version_with_history(on_shift, clock) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(minutes=20)
    decided = decide(on_shift, enquiry.id, COMPLETE, enquiry.updated_at).enquiry
    assert decided.status is Status.DECIDED and decided.version == 1
    clock.advance(minutes=5)
    changed = COMPLETE | {"rationale": "Visit with police; child seen alone."}
    revised = save_enquiry(on_shift, enquiry.id, changed, decided.updated_at).enquiry
    assert revised.version == 2
    lines = history(on_shift, enquiry.id)
    rationale = [line for line in lines if line.field == "rationale"]
    assert [(line.what, line.version, line.who) for line in rationale] == [
        ("Decided", 1, "Sam Worker"),
        ("New version", 2, "Sam Worker"),
    ]
    assert rationale[1].before == COMPLETE["rationale"]
    assert rationale[1].after == "Visit with police; child seen alone."


def test_a_decided_enquiry_cannot_lose_its_mandatory_fields(on_shift) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    decided = decide(on_shift, enquiry.id, COMPLETE, enquiry.updated_at).enquiry
    with pytest.raises(EnquiryInvalid):
        save_enquiry(on_shift, enquiry.id, COMPLETE | {"rationale": ""}, decided.updated_at)


def test_a_stale_save_is_refused_and_overwrites_nothing(on_shift, clock) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(seconds=30)
    save_enquiry(on_shift, enquiry.id, QUICK | {"narrative": "first"}, enquiry.updated_at)
    with pytest.raises(ChangedMeanwhile):
        save_enquiry(on_shift, enquiry.id, QUICK | {"narrative": "second"}, enquiry.updated_at)
    assert open_enquiry(on_shift, enquiry.id).content["narrative"] == "first"


def test_draft_saves_with_problems_and_reports_them(on_shift) -> None:
    saved = create_enquiry(on_shift, QUICK | {"child_dob": "2031-01-01", "child_age": 19})
    messages = {p.field: p.message for p in saved.problems}
    assert "in the future" in messages["child_dob"]
    assert "adult services" in messages["child_age"]


def test_opening_records_who_looked(on_shift) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    open_enquiry(on_shift, enquiry.id)
    desk = on_shift.desk
    viewed = events_of_type(desk.paths.database, desk.db_key, "enquiry.viewed")
    assert [(e["actor_id"], e["payload"]) for e in viewed] == [(on_shift.person.id, {"version": 1})]


def test_list_search_and_previous_contacts(on_shift, clock) -> None:
    first = create_enquiry(on_shift, QUICK).enquiry
    clock.advance(hours=1)
    create_enquiry(on_shift, QUICK | {"child_name": "Ngọc Ánh", "child_dob": "2012-07-09"})
    clock.advance(hours=1)
    again = create_enquiry(on_shift, QUICK | {"child_name": "SIAN LLYR"}).enquiry
    shift = current_shift(on_shift)
    page = list_enquiries(on_shift, ListQuery(shift_id=shift.id))  # type: ignore[union-attr]
    assert page.total == 3 and page.rows[0].id == again.id  # newest first
    found = list_enquiries(on_shift, ListQuery(text="sian"))
    assert {row.id for row in found.rows} == {first.id, again.id}
    assert list_enquiries(on_shift, ListQuery(text="09/07/2012")).total == 1
    assert list_enquiries(on_shift, ListQuery(text="ngoc anh")).total == 1
    earlier = previous_contacts(on_shift, "Sian Llyr", "2014-03-02", exclude=again.id)
    assert [c.id for c in earlier] == [first.id]


def test_rebuild_gives_the_same_enquiry_tables(on_shift, admin, clock) -> None:
    enquiry = create_enquiry(on_shift, QUICK).enquiry
    decide(on_shift, enquiry.id, COMPLETE, enquiry.updated_at)
    before = list_enquiries(on_shift, ListQuery(text="sian"))
    audit.rebuild_projections(admin)
    assert list_enquiries(on_shift, ListQuery(text="sian")) == before


def test_the_administrator_cannot_read_childrens_records(admin) -> None:
    with pytest.raises(Forbidden):
        list_enquiries(admin, ListQuery())


def test_unknown_fields_and_wrong_kinds_are_refused(on_shift) -> None:
    with pytest.raises(ValidationError) as refused:
        create_enquiry(on_shift, {"child_nmae": "x", "child_age": "ten"})
    assert "not a field" in str(refused.value) and "whole number" in str(refused.value)


def test_searches_with_short_words_and_many_hits_find_the_same_rows(
    on_shift, clock, monkeypatch
) -> None:
    from duty_desk.store import enquiries as store

    made = []
    for name in ("Siân Llŷr", "Sian Jones", "Ffion Llyr", "Siân Llŷr-Evans"):
        clock.advance(minutes=5)
        made.append(create_enquiry(on_shift, QUICK | {"child_name": name}).enquiry.id)
    both = ListQuery(text="sian llyr")
    expected = [made[3], made[0]]  # newest first
    assert [r.id for r in list_enquiries(on_shift, both).rows] == expected
    assert list_enquiries(on_shift, both).total == 2
    short = ListQuery(text="ll Si")  # under three letters: the start of a name, case ignored
    assert {r.id for r in list_enquiries(on_shift, short).rows} == {made[0], made[3]}
    monkeypatch.setattr(store, "MANY_HITS", 1)  # the walk-the-index plan gives the same
    assert [r.id for r in list_enquiries(on_shift, both).rows] == expected
    assert [r.id for r in list_enquiries(on_shift, both, offset=1, limit=5).rows] == [made[0]]


def test_the_search_index_follows_every_kind_of_change(on_shift, clock) -> None:
    bare = create_enquiry(on_shift, {"channel": "phone"}).enquiry
    assert list_enquiries(on_shift, ListQuery(text=bare.reference)).total == 1  # from the start
    clock.advance(minutes=1)
    named = save_enquiry(
        on_shift,
        bare.id,
        {"channel": "phone", "child_name": "Ffion Pryce", "child_dob": "2015-06-01"},
        bare.updated_at,
    )
    clock.advance(minutes=1)
    moved = save_enquiry(on_shift, bare.id, {"channel": "email", "child_name": "Ffion Pryce",
                                             "child_dob": "2015-06-01", "narrative": "Mam said"},
                         named.enquiry.updated_at)  # fmt: skip
    assert list_enquiries(on_shift, ListQuery(text="pryce mam")).total == 1
    assert [c.id for c in previous_contacts(on_shift, "ffion pryce", "2015-06-01")] == [bare.id]
    clock.advance(minutes=1)
    save_enquiry(on_shift, bare.id, {"channel": "email", "child_name": "Ffion Price"},
                 moved.enquiry.updated_at)  # fmt: skip
    assert list_enquiries(on_shift, ListQuery(text="pryce")).total == 0
    assert previous_contacts(on_shift, "ffion pryce", "2015-06-01") == []
