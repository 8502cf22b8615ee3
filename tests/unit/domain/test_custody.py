"""A custody case's rules (pure domain): what can be stored, what closing needs, Code C,
the steps of the timeline and their order, and durations in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from duty_desk.domain import custody
from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody import (
    CustodyInvalid,
    between,
    clean,
    clean_step,
    close_problems,
    code_c_concerns,
    opening_problems,
    problems,
    timeline_problems,
)
from duty_desk.domain.custody_choices import CODE_C_NOTE, ONCE, ORDER, STEP_KINDS
from duty_desk.domain.events import format_instant

NOW = datetime(2026, 11, 21, 23, 10, tzinfo=UTC)
OPENING = {"custody_suite": "Northgate", "yp_name": "Kai Brennan", "age_at_charge": 15}


def at(minutes_before: int) -> str:
    return format_instant(NOW - timedelta(minutes=minutes_before))


def step(kind: str, minutes_before: int, **details: str) -> dict[str, str]:
    return {"kind": kind, "at": at(minutes_before), **details}


def fields_of(error: pytest.ExceptionInfo[CustodyInvalid]) -> list[str]:
    return [problem.field for problem in error.value.problems]


# --- the case's fields --------------------------------------------------------------------


@pytest.mark.parametrize("age", [10, 11, 15, 17])
def test_ages_ten_to_seventeen_are_for_a_transfer(age: int) -> None:
    assert problems(clean(OPENING | {"age_at_charge": age}), NOW) == []


@pytest.mark.parametrize("age", [9, 18, 0, 25])
def test_ages_outside_ten_to_seventeen_are_refused_naming_the_law(age: int) -> None:
    [problem] = problems(clean(OPENING | {"age_at_charge": age}), NOW)
    assert problem.field == "age_at_charge"
    assert f"is {age}" in problem.message and "10 to 17" in problem.message


def test_a_date_of_birth_in_the_future_is_refused() -> None:
    content = clean(OPENING | {"yp_dob": "2026-11-22"})
    assert [p.field for p in problems(content, NOW)] == ["yp_dob"]
    # 23:10 UTC on 21 Nov is still 21 Nov in London: the 21st itself is not the future
    assert problems(clean(OPENING | {"yp_dob": "2026-11-21"}), NOW) == []


def test_clean_refuses_unknown_fields_and_wrong_kinds_naming_each() -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean({"yp_nmae": "x", "age_at_charge": "fifteen", "looked_after": "yes", "outcome": "x"})
    assert sorted(fields_of(refused)) == ["age_at_charge", "looked_after", "outcome", "yp_nmae"]
    message = str(refused.value)
    assert "yp_nmae: is not a field of a custody case" in message
    assert "Age at charge: must be a whole number of years" in message
    assert "Looked after: must be yes or no" in message


def test_clean_drops_empty_and_blank_values() -> None:
    content = clean(OPENING | {"court": "", "officer_name": "   ", "welfare_food": None})
    assert content == OPENING


def test_opening_needs_the_suite_the_name_and_the_age() -> None:
    assert opening_problems(clean(OPENING), NOW) == []
    found = opening_problems(clean({"custody_suite": " ", "yp_name": "Kai"}), NOW)
    assert [p.field for p in found] == ["custody_suite", "age_at_charge"]
    assert all("needed to open" in p.message for p in found)


# --- closing ------------------------------------------------------------------------------

LEFT = [step("charge", 300), step("left_custody", 10)]
CERTIFIED = {
    "certificate_issued": True,
    "certificate_reason": "impracticable",
    "certificate_text": "No transport available before the morning.",
}


def test_closing_needs_an_outcome() -> None:
    [problem] = close_problems(OPENING, LEFT)
    assert problem.field == "outcome" and "Choose the outcome" in problem.message


def test_transferred_needs_the_leaving_time_and_the_placement_type() -> None:
    transferred = OPENING | {"outcome": "transferred"}
    found = close_problems(transferred, [step("charge", 300)])
    assert [p.field for p in found] == ["outcome", "placement_type"]
    assert "left custody" in found[0].message
    assert close_problems(transferred | {"placement_type": "foster"}, LEFT) == []


def test_bailed_or_released_needs_the_leaving_time() -> None:
    bailed = OPENING | {"outcome": "bailed_released"}
    assert [p.field for p in close_problems(bailed, [])] == ["outcome"]
    assert close_problems(bailed, LEFT) == []


def test_remained_needs_the_certificate_or_a_reason() -> None:
    remained = OPENING | {"outcome": "remained"}
    [problem] = close_problems(remained, [])
    assert problem.field == "remained_reason" and "No certificate" in problem.message
    assert close_problems(remained | CERTIFIED, []) == []
    assert close_problems(remained | {"remained_reason": "Court at 10:00."}, []) == []
    refused = remained | {"certificate_issued": False}
    assert [p.field for p in close_problems(refused, [])] == ["remained_reason"]


@pytest.mark.parametrize("missing", ["certificate_reason", "certificate_text"])
def test_an_issued_certificate_needs_its_reason_category_and_words(missing: str) -> None:
    content = OPENING | {"outcome": "remained"} | CERTIFIED
    del content[missing]
    found = close_problems(content, [])
    assert [p.field for p in found] == [missing]
    # a reason for remaining does not stand in for the certificate's own details
    found = close_problems(content | {"remained_reason": "Too late."}, [])
    assert [p.field for p in found] == [missing]


# --- Code C -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "words"),
    [
        ("His behaviour in the cell", "behaviour"),
        (
            "Seriousness of the offence and violent behavior",
            "behavior, offence, seriousness, violent",
        ),
        ("Assaulted an officer; kicking the door", "assaulted, kicking"),
    ],
)
def test_code_c_concerns_name_the_words_that_are_not_grounds(stated: str, words: str) -> None:
    content = {"certificate_reason": "impracticable", "certificate_text": stated}
    [concern] = code_c_concerns(content)
    assert concern.startswith(f"The certificate's reason mentions {words}.")
    assert CODE_C_NOTE in concern and "challenging" in concern


def test_no_code_c_concern_for_transport_or_the_other_reason() -> None:
    assert code_c_concerns({"certificate_reason": "impracticable"}) == []
    transport = {"certificate_reason": "impracticable", "certificate_text": "No transport."}
    assert code_c_concerns(transport) == []
    harm = {"certificate_reason": "no_secure_serious_harm", "certificate_text": "Violent offence."}
    assert code_c_concerns(harm) == []


# --- steps --------------------------------------------------------------------------------


def test_a_step_is_stored_in_utc_with_its_details_trimmed() -> None:
    local = datetime(2026, 11, 21, 22, 40, tzinfo=LONDON)
    stored = clean_step({"kind": "charge", "at": local, "note": "  Charged with theft. "}, NOW)
    assert stored == {
        "kind": "charge",
        "at": "2026-11-21T22:40:00.000000Z",
        "note": "Charged with theft.",
    }


def test_a_step_with_unknown_fields_is_refused() -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step(step("charge", 5) | {"colour": "red"}, NOW)
    assert fields_of(refused) == ["colour"] and "not part of a step" in str(refused.value)


@pytest.mark.parametrize("kind", [None, "", "lunch", ["charge"]])
def test_a_step_must_say_what_happened(kind: object) -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step({"kind": kind, "at": at(5)}, NOW)
    assert fields_of(refused) == ["kind"] and "Choose what happened" in str(refused.value)


@pytest.mark.parametrize("when", [None, ""])
def test_a_step_needs_its_time(when: object) -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step({"kind": "charge", "at": when}, NOW)
    assert fields_of(refused) == ["at"] and "Give the time" in str(refused.value)


@pytest.mark.parametrize("when", ["tonight", "2026-11-21 22:00", datetime(2026, 11, 21, 22)])  # noqa: DTZ001
def test_a_step_time_must_be_a_zoned_date_and_time(when: object) -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step({"kind": "charge", "at": when}, NOW)
    assert fields_of(refused) == ["at"]


def test_a_step_in_the_future_is_refused_beyond_a_little_clock_drift() -> None:
    with pytest.raises(CustodyInvalid, match="in the future"):
        clean_step({"kind": "charge", "at": NOW + timedelta(minutes=3)}, NOW)
    assert clean_step({"kind": "charge", "at": NOW + timedelta(minutes=1)}, NOW)["kind"] == "charge"


def test_a_placement_approached_needs_a_name_and_takes_an_answer() -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step(step("placement_approached", 5), NOW)
    assert fields_of(refused) == ["placement"] and "which placement" in str(refused.value)
    with pytest.raises(CustodyInvalid) as refused:
        clean_step(step("placement_approached", 5, placement="  "), NOW)
    assert fields_of(refused) == ["placement"]
    awaiting = clean_step(step("placement_approached", 5, placement="Oak House"), NOW)
    assert awaiting["answer"] == "awaiting" and awaiting["placement"] == "Oak House"
    accepted = step("placement_approached", 5, placement="Oak House", answer="accepted")
    assert clean_step(accepted, NOW)["answer"] == "accepted"
    with pytest.raises(CustodyInvalid) as refused:
        clean_step(step("placement_approached", 5, placement="Oak House", answer="maybe"), NOW)
    assert fields_of(refused) == ["answer"]


def test_only_a_placement_approached_has_an_answer() -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step(step("charge", 5, answer="accepted"), NOW)
    assert fields_of(refused) == ["answer"] and "Only a placement" in str(refused.value)


def test_a_long_note_is_refused_naming_its_limit() -> None:
    with pytest.raises(CustodyInvalid, match="longer than 2000 characters"):
        clean_step(step("note", 5, note="x" * 2001), NOW)
    assert len(clean_step(step("note", 5, note="x" * 2000), NOW)["note"]) == 2000


def test_every_problem_of_a_step_is_named_at_once() -> None:
    with pytest.raises(CustodyInvalid) as refused:
        clean_step({"kind": "lunch", "at": NOW + timedelta(hours=1), "odd": 1}, NOW)
    assert sorted(fields_of(refused)) == ["at", "kind", "odd"]


# --- the timeline -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(ONCE))
def test_a_once_step_twice_is_refused(kind: str) -> None:
    twice = [step(kind, 60, placement="x"), step(kind, 30, placement="x")]
    found = [p for p in timeline_problems(twice) if p.field == "kind"]
    assert len(found) == 1 and STEP_KINDS[kind] in found[0].message
    assert "correct that step" in found[0].message


@pytest.mark.parametrize("kind", ["review", "placement_approached", "note", "escalated"])
def test_repeating_steps_may_repeat(kind: str) -> None:
    assert timeline_problems([step(kind, 60), step(kind, 30), step(kind, 30)]) == []


@pytest.mark.parametrize(("earlier", "later"), ORDER)
def test_each_ordered_pair_out_of_order_is_refused(earlier: str, later: str) -> None:
    assert timeline_problems([step(earlier, 60), step(later, 30)]) == []
    assert timeline_problems([step(earlier, 30), step(later, 30)]) == []  # the same minute
    [problem] = timeline_problems([step(later, 60), step(earlier, 30)])
    assert problem.field == "at"
    assert f"“{STEP_KINDS[later]}” (21/11/2026 22:10) is before" in problem.message
    assert f"“{STEP_KINDS[earlier]}” (21/11/2026 22:40)" in problem.message


def test_the_timeline_is_checked_in_time_order_whatever_order_it_is_given_in() -> None:
    steps = [step("left_custody", 10), step("arrest", 300), step("charge", 200)]
    assert timeline_problems(steps) == []
    assert [s["kind"] for s in custody.ordered(steps)] == ["arrest", "charge", "left_custody"]


def test_instants_come_from_the_steps() -> None:
    steps = custody.ordered(
        [step("charge", 300), step("review", 100), step("request_received", 200),
         step("review", 50), step("detention_authorised", 400)]
    )  # fmt: skip
    moments = custody.instants(steps, None)
    assert moments.charge == NOW - timedelta(minutes=300)
    assert moments.request == NOW - timedelta(minutes=200)
    assert moments.reviews == (NOW - timedelta(minutes=100), NOW - timedelta(minutes=50))
    assert moments.left is None and moments.closed_at is None


# --- durations ----------------------------------------------------------------------------


def test_between_is_utc_subtraction_across_the_change_nights() -> None:
    # charged 23:30 on Saturday, left 03:30 on Sunday, local times
    march = (
        datetime(2026, 3, 28, 23, 30, tzinfo=LONDON),
        datetime(2026, 3, 29, 3, 30, tzinfo=LONDON),
    )
    october = (
        datetime(2026, 10, 24, 23, 30, tzinfo=LONDON),
        datetime(2026, 10, 25, 3, 30, tzinfo=LONDON),
    )
    assert between(*march) == timedelta(hours=3)
    assert between(*october) == timedelta(hours=5)


def test_between_is_never_negative_and_none_without_both_ends() -> None:
    assert between(NOW, NOW - timedelta(hours=1)) == timedelta(0)
    assert between(None, NOW) is None and between(NOW, None) is None


@pytest.mark.parametrize(("age", "concerned"), [(10, True), (11, True), (12, False), (17, False)])
def test_the_serious_harm_reason_is_questioned_under_12(age: int, concerned: bool) -> None:
    content = {"age_at_charge": age, "certificate_reason": "no_secure_serious_harm"}
    found = custody.code_c_concerns(content | {"certificate_text": "No secure bed."})
    assert bool(found) is concerned
    if concerned:
        assert f"the young person is {age}" in found[0] and "from age 12" in found[0]
