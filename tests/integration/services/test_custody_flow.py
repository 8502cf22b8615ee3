"""A custody case through the services on a real SQLCipher desk: opening (with its police
enquiry), the timeline, stale writes refused, closing and reopening, one event per write
with the audit chain intact, a rebuild giving the same tables, and the council's decision
going through the sign-off rules (issue 5, point 5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from duty_desk.domain.custody import CustodyInvalid
from duty_desk.domain.enquiry import EnquiryInvalid
from duty_desk.domain.errors import Forbidden, NotFound, ValidationError
from duty_desk.domain.events import format_instant
from duty_desk.domain.records import Status
from duty_desk.domain.signoff import SignoffState
from duty_desk.services import audit, custody, providers, signoff
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiries import ChangedMeanwhile, create_enquiry, open_enquiry
from duty_desk.store.schema import EventRow
from tests.support import dump_table, raw_db

OPENING = {
    "custody_suite": "Northgate Custody Suite",
    "custody_number": "NG-26-004417",
    "officer_name": "PC Dana Okafor",
    "officer_contact": "07700 900777",
    "yp_name": "Kai Brennan",
    "yp_dob": "2011-02-14",
    "age_at_charge": 15,
    "yp_gender": "male",
    "yp_ethnicity": "white",
    "request_type": "non_secure",
    "yp_views": "I want to go to my nan's.",
}
DECISION = {"decision_type": "pace_not_provided", "rationale": "No bed anywhere tonight."}


def minutes_ago(clock, minutes: float) -> str:  # type: ignore[no-untyped-def]
    return format_instant(clock.now - timedelta(minutes=minutes))


def position(session: SignedIn) -> int:
    with session.uow(read_only=True) as uow:
        return uow.session.execute(select(func.max(EventRow.position))).scalar_one()


def types_since(session: SignedIn, after: int) -> list[str]:
    with session.uow(read_only=True) as uow:
        query = select(EventRow.type).where(EventRow.position > after).order_by(EventRow.position)
        return list(uow.session.execute(query).scalars())


def opened(session: SignedIn, clock, **fields: Any):  # type: ignore[no-untyped-def]
    case = custody.open_case(session, OPENING | fields)
    clock.advance(minutes=1)
    return case


def added(session: SignedIn, clock, case, kind: str, minutes: float, **details: Any):  # type: ignore[no-untyped-def]
    step = {"kind": kind, "at": minutes_ago(clock, minutes), **details}
    case = custody.add_step(session, case.id, step, case.updated_at)
    clock.advance(minutes=1)
    return case


# --- opening ------------------------------------------------------------------------------


def test_opening_without_an_enquiry_starts_a_police_enquiry_for_it(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    before = position(on_shift)
    case = custody.open_case(on_shift, OPENING)
    assert types_since(on_shift, before) == ["enquiry.created", "custody.opened"]
    assert case.open and case.status == "open" and case.steps == ()
    assert case.content == OPENING and case.name == "Kai Brennan"
    assert case.opened_at == case.updated_at == clock.now and case.closed_at is None
    assert case.reference.startswith("CUS-261121-") and case.reference.endswith("-001")
    enquiry = open_enquiry(on_shift, case.enquiry_id)
    assert case.enquiry_reference == enquiry.reference and enquiry.status is Status.DRAFT
    content = enquiry.content
    assert content["channel"] == "police" and content["concerns"] == ["custody"]
    assert content["child_name"] == "Kai Brennan" and content["child_age"] == 15
    assert content["child_dob"] == "2011-02-14" and content["caller_name"] == "PC Dana Okafor"
    assert content["caller_agency"] == "Northgate Custody Suite"
    assert "Northgate Custody Suite" in content["summary"]
    second = custody.open_case(on_shift, OPENING | {"yp_name": "Rhys Brennan"})
    assert second.reference.endswith("-002") and second.enquiry_id != case.enquiry_id


def test_opening_on_an_existing_enquiry_links_to_it(on_shift) -> None:  # type: ignore[no-untyped-def]
    enquiry = create_enquiry(on_shift, {"channel": "police", "child_name": "Kai"}).enquiry
    before = position(on_shift)
    case = custody.open_case(on_shift, OPENING, enquiry_id=enquiry.id)
    assert types_since(on_shift, before) == ["custody.opened"]
    assert case.enquiry_id == enquiry.id and case.enquiry_reference == enquiry.reference
    with pytest.raises(NotFound, match="enquiry is not on this desk"):
        custody.open_case(on_shift, OPENING, enquiry_id="no-such-enquiry")
    assert types_since(on_shift, before) == ["custody.opened"]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"age_at_charge": 9}, "Age at charge: is 9"),
        ({"age_at_charge": 18}, "Age at charge: is 18"),
        ({"yp_name": None}, "Young person's name: is needed to open"),
        ({"custody_suite": "  "}, "Custody suite: is needed to open"),
        ({"yp_gender": "tall"}, "Gender: is not one of the choices"),
        ({"colour": "red"}, "colour: is not a field"),
    ],
)
def test_a_refused_opening_records_nothing(on_shift, fields, named) -> None:  # type: ignore[no-untyped-def]
    before = position(on_shift)
    with pytest.raises(CustodyInvalid) as refused:
        custody.open_case(on_shift, OPENING | fields)
    assert named in str(refused.value)
    assert types_since(on_shift, before) == []  # not even the enquiry


def test_the_outcome_is_not_given_on_opening(on_shift) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=r"Outcome.*recorded by closing"):
        custody.open_case(on_shift, OPENING | {"outcome": "remained"})


def test_opening_needs_a_practitioner(admin, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden, match="administrator may not record"):
        custody.open_case(admin, OPENING)


# --- the timeline -------------------------------------------------------------------------


def test_steps_are_added_corrected_and_withdrawn_one_event_each(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    start = position(on_shift)
    charged = clock.now - timedelta(minutes=90)
    case = added(on_shift, clock, case, "charge", 90, note="Robbery.")
    case = added(on_shift, clock, case, "arrest", 240)
    case = added(on_shift, clock, case, "request_received", 60)
    oak = {"placement": "Oak House", "answer": "declined_full"}
    case = added(on_shift, clock, case, "placement_approached", 30, **oak)
    assert [s["kind"] for s in case.steps] == [
        "arrest", "charge", "request_received", "placement_approached"
    ]  # fmt: skip
    assert case.instants.charge == charged
    assert types_since(on_shift, start) == ["custody.step_added"] * 4
    charge = case.steps[1]
    assert charge["note"] == "Robbery." and len(charge["id"]) == 36

    # correcting: the same id, new time and details; the timeline re-sorts
    mark = position(on_shift)
    fixed = {"kind": "charge", "at": minutes_ago(clock, 300), "note": "Robbery (corrected)."}
    with pytest.raises(CustodyInvalid, match=r"“Charged” .* is before “Arrested”"):
        custody.correct_step(on_shift, case.id, charge["id"], fixed, case.updated_at)
    fixed["at"] = minutes_ago(clock, 200)
    case = custody.correct_step(on_shift, case.id, charge["id"], fixed, case.updated_at)
    clock.advance(minutes=1)
    [again] = [s for s in case.steps if s["id"] == charge["id"]]
    assert again == {**fixed, "id": charge["id"]}
    assert case.updated_at == clock.now - timedelta(minutes=1)
    same = custody.correct_step(on_shift, case.id, charge["id"], again, case.updated_at)
    assert same == case  # nothing changed, nothing recorded
    assert types_since(on_shift, mark) == ["custody.step_corrected"]

    # withdrawing needs a reason; the log keeps the step
    mark = position(on_shift)
    placement = case.steps[-1]["id"]
    with pytest.raises(ValidationError, match="Say why"):
        custody.withdraw_step(on_shift, case.id, placement, "  ", case.updated_at)
    with pytest.raises(NotFound, match="step is not on"):
        custody.withdraw_step(on_shift, case.id, "nope", "Typed twice.", case.updated_at)
    case = custody.withdraw_step(on_shift, case.id, placement, "Wrong case.", case.updated_at)
    assert [s["kind"] for s in case.steps] == ["arrest", "charge", "request_received"]
    assert types_since(on_shift, mark) == ["custody.step_withdrawn"]


def test_a_step_that_breaks_the_timeline_records_nothing(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    case = added(on_shift, clock, case, "charge", 60)
    mark = position(on_shift)
    for step, said in (
        ({"kind": "charge", "at": minutes_ago(clock, 10)}, "already on the timeline"),
        ({"kind": "arrest", "at": minutes_ago(clock, 10)}, "is before “Arrested”"),
        ({"kind": "left_custody", "at": minutes_ago(clock, 120)}, "is before “Charged”"),
        ({"kind": "review", "at": minutes_ago(clock, -10)}, "in the future"),
        ({"kind": "review"}, "Give the time"),
        ({"kind": "placement_approached", "at": minutes_ago(clock, 5)}, "which placement"),
        ({"kind": "review", "at": minutes_ago(clock, 5), "answer": "accepted"}, "Only a"),
    ):
        with pytest.raises(CustodyInvalid, match=said):
            custody.add_step(on_shift, case.id, step, case.updated_at)
    assert types_since(on_shift, mark) == []
    assert custody.get_case(on_shift, case.id, record_view=False) == case


def test_a_stale_write_is_refused_and_nothing_is_recorded(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    mine = added(on_shift, clock, case, "charge", 60)  # someone else's write, meanwhile
    stale = case.updated_at
    mark = position(on_shift)
    step = {"kind": "arrest", "at": minutes_ago(clock, 90)}
    for call in (
        lambda: custody.add_step(on_shift, case.id, step, stale),
        lambda: custody.correct_step(on_shift, case.id, mine.steps[0]["id"], step, stale),
        lambda: custody.withdraw_step(on_shift, case.id, mine.steps[0]["id"], "x", stale),
        lambda: custody.save_case(on_shift, case.id, OPENING | {"court": "Leeds"}, stale),
        lambda: custody.close_case(on_shift, case.id, {"outcome": "remained"}, stale),
    ):
        with pytest.raises(ChangedMeanwhile, match=f"{case.reference} was changed at"):
            call()
    assert types_since(on_shift, mark) == []
    assert custody.get_case(on_shift, case.id, record_view=False) == mine


def test_saving_the_details_records_only_what_changed(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    mark = position(on_shift)
    same = custody.save_case(on_shift, case.id, OPENING, case.updated_at)
    assert same == case and types_since(on_shift, mark) == []
    changed = OPENING | {"court": "Leeds Youth Court", "officer_contact": None}
    case = custody.save_case(on_shift, case.id, changed, case.updated_at)
    assert case.content["court"] == "Leeds Youth Court" and "officer_contact" not in case.content
    assert types_since(on_shift, mark) == ["custody.saved"]
    with pytest.raises(CustodyInvalid, match="is 18"):
        custody.save_case(on_shift, case.id, OPENING | {"age_at_charge": 18}, case.updated_at)
    with pytest.raises(ValidationError, match="recorded by closing"):
        custody.save_case(on_shift, case.id, OPENING | {"outcome": "remained"}, case.updated_at)


# --- closing and reopening ----------------------------------------------------------------


def test_close_and_reopen(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    case = added(on_shift, clock, case, "charge", 120)
    mark = position(on_shift)
    with pytest.raises(CustodyInvalid, match="Choose the outcome"):
        custody.close_case(on_shift, case.id, {}, case.updated_at)
    with pytest.raises(CustodyInvalid, match="say why the young person remained"):
        custody.close_case(on_shift, case.id, {"outcome": "remained"}, case.updated_at)
    with pytest.raises(CustodyInvalid, match=r"Young person.s name: is not part of the outcome"):
        custody.close_case(on_shift, case.id, {"yp_name": "x"}, case.updated_at)
    with pytest.raises(CustodyInvalid, match="left custody"):
        custody.close_case(on_shift, case.id, {"outcome": "bailed_released"}, case.updated_at)
    assert types_since(on_shift, mark) == []

    outcome = {"outcome": "remained", "remained_reason": "Court first thing; no bed."}
    case = custody.close_case(on_shift, case.id, outcome, case.updated_at)
    assert case.status == "closed" and not case.open and case.closed_at == clock.now
    assert case.content["outcome"] == "remained" and case.content["yp_name"] == "Kai Brennan"
    assert types_since(on_shift, mark) == ["custody.closed"]
    clock.advance(minutes=5)

    # closed: no changes until reopened (with a reason)
    for call in (
        lambda: custody.add_step(on_shift, case.id, {"kind": "note"}, case.updated_at),
        lambda: custody.save_case(on_shift, case.id, OPENING, case.updated_at),
        lambda: custody.close_case(on_shift, case.id, outcome, case.updated_at),
    ):
        with pytest.raises(ValidationError, match=f"{case.reference} is (already )?closed"):
            call()
    with pytest.raises(ValidationError, match="Say why the case is being reopened"):
        custody.reopen_case(on_shift, case.id, " ", case.updated_at)
    case = custody.reopen_case(on_shift, case.id, "Police rang back: bed found.", case.updated_at)
    assert case.open and case.closed_at is None
    clock.advance(minutes=1)
    with pytest.raises(ValidationError, match="is open already"):
        custody.reopen_case(on_shift, case.id, "again", case.updated_at)
    case = added(on_shift, clock, case, "left_custody", 0)
    transferred = {"outcome": "transferred", "placement_type": "foster"}
    case = custody.close_case(on_shift, case.id, transferred, case.updated_at)
    assert case.content["outcome"] == "transferred" and "remained_reason" not in case.content
    assert types_since(on_shift, mark)[1:] == [
        "custody.reopened", "custody.step_added", "custody.closed"
    ]  # fmt: skip
    assert [c.id for c in custody.open_cases(on_shift)] == []
    assert [c.id for c in custody.recent_cases(on_shift)] == [case.id]


def test_reading_a_case_is_recorded(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    mark = position(on_shift)
    assert custody.get_case(on_shift, case.id) == case
    assert types_since(on_shift, mark) == ["custody.viewed"]
    assert custody.get_case(on_shift, case.id, record_view=False) == case
    assert custody.open_cases(on_shift) == [case]
    assert types_since(on_shift, mark) == ["custody.viewed"]
    with pytest.raises(NotFound, match="custody case is not on this desk"):
        custody.get_case(on_shift, "no-such-case")


def test_every_write_keeps_the_chain_and_a_rebuild_gives_the_same_tables(  # type: ignore[no-untyped-def]
    admin, on_shift, clock, paths
) -> None:
    oak = providers.add_provider(admin, {"name": "Oak House", "type": "childrens_home"})
    providers.add_provider(admin, {"name": "Ash Lodge", "type": "foster", "accepts_pace": True})
    providers.change_provider(admin, oak.id, {"phone": "0113 496 0000"})
    providers.retire_provider(admin, oak.id)
    first = opened(on_shift, clock)
    first = added(on_shift, clock, first, "charge", 120)
    first = added(on_shift, clock, first, "request_received", 60)
    ask = {"placement": "Oak House", "provider_id": oak.id, "answer": "declined_full"}
    first = added(on_shift, clock, first, "placement_approached", 30, **ask)
    first = added(on_shift, clock, first, "left_custody", 1)
    done = {"outcome": "transferred", "placement_type": "childrens_home"}
    custody.close_case(on_shift, first.id, done, first.updated_at)
    second = opened(on_shift, clock, yp_name="Rhys Brennan", age_at_charge=12)
    second = added(on_shift, clock, second, "charge", 30)
    custody.withdraw_step(on_shift, second.id, second.steps[0]["id"], "Typo.", second.updated_at)
    custody.get_case(on_shift, second.id)
    key = admin.desk.db_key
    with raw_db(paths.database, key) as db:
        live = {table: dump_table(db, table) for table in ("custody_cases", "providers")}
    assert len(live["custody_cases"]) == 2 and len(live["providers"]) == 2
    result = audit.verify_log(admin)
    assert result.ok, result.describe()
    assert audit.rebuild_projections(admin) > 15
    with raw_db(paths.database, key) as db:
        assert {t: dump_table(db, t) for t in live} == live
        db.execute("UPDATE custody_cases SET status = 'open', content = '{}'")
        db.execute("DELETE FROM providers")
    audit.rebuild_projections(admin)
    with raw_db(paths.database, key) as db:
        assert {t: dump_table(db, t) for t in live} == live


# --- the council's decision goes through the sign-off rules --------------------------------


def test_refusing_accommodation_waits_for_a_manager_then_is_approved(  # type: ignore[no-untyped-def]
    on_shift, approvers, clock
) -> None:
    case = opened(on_shift, clock)
    mark = position(on_shift)
    saved = custody.decide(on_shift, case.id, DECISION | {"risk_rating": "high"})
    assert types_since(on_shift, mark) == ["enquiry.decided"]
    enquiry = saved.enquiry
    assert enquiry.id == case.enquiry_id and enquiry.status is Status.DECIDED
    assert enquiry.content["child_words"] == OPENING["yp_views"]
    assert enquiry.content["can_wait"] is False
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert found.requirement.rule_ids == ("legal-or-accommodation",)
    assert found.due_at == clock.now + timedelta(minutes=60)
    now = custody.get_case(on_shift, case.id, record_view=False)
    assert (now.decision_type, now.signoff_state) == ("pace_not_provided", "awaiting")
    with pytest.raises(Exception, match="manager or higher"):
        signoff.approve(approvers["priya"], enquiry.id, 1)
    signoff.approve(approvers["morgan"], enquiry.id, 1, "Agreed: nothing to be found.")
    assert custody.get_case(on_shift, case.id, record_view=False).signoff_state == "approved"


@pytest.mark.parametrize("kind", ["pace_secure_not_justified", "pace_secure_not_available"])
def test_disputing_or_failing_a_secure_request_waits_for_a_manager(  # type: ignore[no-untyped-def]
    on_shift, clock, kind
) -> None:
    case = opened(on_shift, clock, request_type="secure")
    decision = {"decision_type": kind, "rationale": "No risk of harm."}
    custody.decide(on_shift, case.id, decision | {"risk_rating": "medium"})
    found = signoff.signoff_of(on_shift, case.enquiry_id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert found.requirement.rule_ids == ("legal-or-accommodation",)
    assert custody.get_case(on_shift, case.id).signoff_state == "awaiting"


def test_providing_non_secure_accommodation_is_final_at_once(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    decision = {"decision_type": "pace_non_secure", "rationale": "Foster bed with Ash Lodge."}
    custody.decide(on_shift, case.id, decision | {"risk_rating": "low"})
    found = signoff.signoff_of(on_shift, case.enquiry_id)
    assert found is not None and found.state is SignoffState.NOT_NEEDED and found.state.final
    assert custody.get_case(on_shift, case.id).signoff_state == "not_needed"
    # a second decision is a new version of the enquiry, judged afresh by the rules
    clock.advance(minutes=10)
    custody.decide(on_shift, case.id, DECISION | {"risk_rating": "low"})
    again = signoff.signoff_of(on_shift, case.enquiry_id)
    assert again is not None and again.version == 2 and again.state is SignoffState.AWAITING


def test_a_decision_on_an_incomplete_enquiry_names_what_is_missing(on_shift, clock) -> None:  # type: ignore[no-untyped-def]
    case = opened(on_shift, clock)
    mark = position(on_shift)
    with pytest.raises(EnquiryInvalid) as refused:
        custody.decide(on_shift, case.id, {"decision_type": "pace_non_secure"})
    assert {p.field for p in refused.value.problems} == {"risk_rating", "rationale"}
    assert "Choose a risk rating" in str(refused.value)
    silent = opened(on_shift, clock, yp_views=None)  # no voice, no reason: the rules block it
    with pytest.raises(EnquiryInvalid, match="voice-missing"):
        custody.decide(on_shift, silent.id, DECISION | {"risk_rating": "low"})
    with pytest.raises(ValidationError, match="Choose one of the custody decisions"):
        custody.decide(on_shift, case.id, DECISION | {"decision_type": "welfare_visit"})
    with pytest.raises(ValidationError, match="Not part of a custody decision: colour"):
        custody.decide(on_shift, case.id, DECISION | {"colour": "red"})
    assert types_since(on_shift, mark) == ["enquiry.created", "custody.opened"]  # silent's
