"""The handover's rules: teams and order, due times over weekends, bank holidays and clock
changes, the 09:00 escalation boundary, what may happen to an item, and the export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duty_desk.domain import handover as h
from duty_desk.domain.clock import LONDON
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.handover import DEFAULT_TEAM, HandoverItem, ItemKind, ItemState
from duty_desk.domain.roles import Grade
from duty_desk.domain.signoff import Signoff, SignoffState, Verbal
from duty_desk.domain.signoff_rules import Requirement
from duty_desk.domain.working_days import WorkingCalendar

ENGLAND = WorkingCalendar("ENG")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # GMT: London time is UTC


def item(reference: str = "EDT-261121-A1B2-001", **changes: object) -> HandoverItem:
    base = HandoverItem(
        item_id=reference.lower(),
        item_kind=ItemKind.ENQUIRY,
        reference=reference,
        receiving_team="Front door",
        summary="Ava (12) — Neglect",
        awaiting=(),
        state=ItemState.SUBMITTED,
        submitted_at=datetime(2026, 11, 22, 6, 30, tzinfo=UTC),
        submitted_by="Sam Worker",
        due_at=MONDAY_9,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


# --- due times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Sunday morning after a Saturday night: Monday 09:00.
        (london(2026, 11, 22, 7, 45), london(2026, 11, 23, 9, 0)),
        # Friday night: not Saturday, not Sunday, but Monday.
        (london(2026, 11, 27, 23, 50), london(2026, 11, 30, 9, 0)),
        # A weekday before 09:00: the same morning; at 09:00 itself: the next day.
        (london(2026, 11, 24, 8, 59), london(2026, 11, 24, 9, 0)),
        (london(2026, 11, 24, 9, 0), london(2026, 11, 25, 9, 0)),
        # Christmas Eve 2026 (Thursday): Christmas Day, the weekend and Boxing Day's
        # substitute Monday are not working days, so Tuesday 29 December.
        (london(2026, 12, 24, 22, 0), london(2026, 12, 29, 9, 0)),
        # Maundy Thursday 2027: Good Friday, the weekend and Easter Monday: Tuesday 30 March,
        # 09:00 British Summer Time (08:00 UTC) after the clocks went forward on the 28th.
        (london(2027, 3, 25, 21, 0), datetime(2027, 3, 30, 8, 0, tzinfo=UTC)),
        # The night the clocks go back (Sunday 25 October 2026): Monday 09:00 GMT.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),
    ],
)
def test_due_at_nine_on_the_next_working_day(submitted: datetime, due: datetime) -> None:
    assert h.due_at(ENGLAND, submitted) == due


def test_bank_holidays_follow_the_chosen_part_of_the_uk() -> None:
    # 30 November 2026 (Monday) is St Andrew's Day, a bank holiday in Scotland only.
    friday_night = london(2026, 11, 27, 23, 0)
    assert h.due_at(ENGLAND, friday_night) == london(2026, 11, 30, 9, 0)
    assert h.due_at(WorkingCalendar("SCT"), friday_night) == london(2026, 12, 1, 9, 0)


@settings(deadline=None)  # the first call loads the bank-holiday tables (about a second)
@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_due_is_after_submission_at_nine_on_a_working_day(submitted: datetime) -> None:
    due = h.due_at(ENGLAND, submitted)
    local = due.astimezone(LONDON)
    assert due > submitted and (local.hour, local.minute) == (9, 0)
    assert ENGLAND.is_working_day(local.date())
    assert due - submitted <= timedelta(days=6)  # Christmas and Easter at the most


# --- escalation ---------------------------------------------------------------------------


def test_escalated_from_nine_exactly_and_only_while_unacknowledged() -> None:
    waiting = item()
    assert not waiting.escalated(MONDAY_9 - timedelta(minutes=1))
    assert not waiting.escalated(MONDAY_9 - timedelta(microseconds=1))
    assert waiting.escalated(MONDAY_9)
    assert waiting.escalated(MONDAY_9 + timedelta(hours=3))
    done = item(state=ItemState.ACKNOWLEDGED, acknowledged_name="Dana Day")
    assert not done.escalated(MONDAY_9 + timedelta(hours=3))
    back = item(state=ItemState.RETURNED, returned_reason="No child's voice recorded.")
    assert not back.escalated(MONDAY_9 + timedelta(hours=3))


def test_escalation_lines_say_which_items_per_team() -> None:
    groups = h.group_by_team(
        [
            item("EDT-1", receiving_team="MASH"),
            item("EDT-2", receiving_team="Front door"),
            item("EDT-3", receiving_team="Front door"),
            item("EDT-4", receiving_team="Front door", state=ItemState.ACKNOWLEDGED),
            item("EDT-5", receiving_team="Assessment", due_at=MONDAY_9 + timedelta(days=1)),
        ]
    )
    assert h.escalation_lines(groups, MONDAY_9 - timedelta(seconds=1)) == []
    assert h.escalation_lines(groups, MONDAY_9) == [
        "Front door: 2 items not acknowledged, due 23/11/2026 09:00 — EDT-2, EDT-3",
        "MASH: 1 item not acknowledged, due 23/11/2026 09:00 — EDT-1",
    ]


# --- teams --------------------------------------------------------------------------------


def test_grouped_by_team_alphabetically_with_the_unassigned_pool_last() -> None:
    later = MONDAY_9 + timedelta(days=1)
    items = [
        item("EDT-A", receiving_team=DEFAULT_TEAM),
        item("EDT-B", receiving_team="mash"),
        item("EDT-C", receiving_team="Front door", due_at=later),
        item("EDT-D", receiving_team="Front door"),
        item("EDT-E", receiving_team="Assessment"),
    ]
    groups = h.group_by_team(items)
    assert [g.team for g in groups] == ["Assessment", "Front door", "mash", DEFAULT_TEAM]
    assert [i.reference for i in groups[1].items] == ["EDT-D", "EDT-C"]  # earliest due first
    assert h.group_by_team([]) == []


@pytest.mark.parametrize(
    ("typed", "team"),
    [
        (None, DEFAULT_TEAM),
        ("", DEFAULT_TEAM),
        ("   ", DEFAULT_TEAM),
        ("  MASH \n east ", "MASH east"),
    ],
)
def test_the_team_named_on_the_enquiry_or_the_day_duty_pool(typed: str | None, team: str) -> None:
    assert h.team_name(typed) == team


# --- what may happen ----------------------------------------------------------------------


def test_a_second_acknowledgement_is_refused_naming_who_and_when() -> None:
    done = item(
        state=ItemState.ACKNOWLEDGED,
        acknowledged_name="Dana Day",
        acknowledged_at=datetime(2026, 11, 23, 8, 47, tzinfo=UTC),
    )
    assert h.acknowledge_refusal(item()) is None
    assert h.acknowledge_refusal(done) == (
        "EDT-261121-A1B2-001 was already acknowledged by Dana Day at 23/11/2026 08:47."
    )
    assert "cannot be returned" in (h.return_refusal(done) or "")
    assert h.reference_refusal(done) is None
    assert h.submit_refusal(done) is not None


def test_a_returned_item_waits_for_the_worker_then_may_be_submitted_again() -> None:
    back = item(
        state=ItemState.RETURNED,
        returned_by="Dana Day",
        returned_at=datetime(2026, 11, 23, 9, 5, tzinfo=UTC),
        returned_reason="No child's voice.",
    )
    assert h.acknowledge_refusal(back) == (
        "EDT-261121-A1B2-001 was returned to the duty worker by Dana Day at 23/11/2026 09:05: "
        "it can be acknowledged once they submit it again."
    )
    assert h.return_refusal(back) is not None
    assert h.reference_refusal(back) is not None
    assert h.submit_refusal(back) is None and h.submit_refusal(None) is None
    assert h.submit_refusal(item()) is not None  # waiting already: not twice
    again = replace(back, state=ItemState.SUBMITTED)
    assert again.resubmitted and not item().resubmitted


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  LL-2026-00012 ", "LL-2026-00012"),
        ("x" * 80, "x" * 80),
        ("Case 12 / Ref é", "Case 12 / Ref é"),
    ],
)
def test_case_system_reference_accepted(typed: str, stored: str) -> None:
    assert h.check_case_reference(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "x" * 81, "LL-1\nLL-2", "LL\x07"])
def test_case_system_reference_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        h.check_case_reference(typed)
    assert refused.value.field == "case_system_ref"


def test_a_return_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="Say why") as refused:
        h.check_reason(" \n ")
    assert refused.value.field == "reason"
    assert h.check_reason("  No decision recorded. ") == "No decision recorded."


# --- what awaits --------------------------------------------------------------------------


def signoff(state: SignoffState, **changes: object) -> Signoff:
    requirement = Requirement("v1", ("r1",), ("why",), grade=Grade.SENIOR_PRACTITIONER)
    base = Signoff(
        "e1", 1, "sam", state, requirement, MONDAY_9, MONDAY_9 + timedelta(hours=2), None, None,
        None, "",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_what_an_enquiry_still_awaits() -> None:
    assert h.enquiry_awaiting(False, None) == ["Enquiry incomplete: no decision recorded yet"]
    assert h.enquiry_awaiting(True, None) == []
    assert h.enquiry_awaiting(True, signoff(SignoffState.APPROVED)) == []
    assert h.enquiry_awaiting(True, signoff(SignoffState.AWAITING)) == [
        "Awaiting sign-off by a senior practitioner (due 23/11/2026 11:00)"
    ]
    verbal = Verbal("p", "Priya Senior", Grade.MANAGER, "phone", MONDAY_9, MONDAY_9, "sam", "")
    assert h.enquiry_awaiting(True, signoff(SignoffState.VERBAL, verbal=verbal)) == [
        "Verbal sign-off by Priya Senior awaiting confirmation (due 23/11/2026 09:00)"
    ]
    assert "returned" in h.enquiry_awaiting(True, signoff(SignoffState.RETURNED))[0]
    assert h.custody_awaiting(True) and h.custody_awaiting(False) == []


# --- the export ---------------------------------------------------------------------------


def test_csv_export_is_marked_first_and_last_and_defuses_formulas() -> None:
    done = item(
        summary="=HYPERLINK(1)",
        awaiting=("Awaiting sign-off", "Custody case still open"),
        state=ItemState.ACKNOWLEDGED,
        acknowledged_name="Dana Day",
        acknowledged_at=MONDAY_9,
        case_system_ref="LL-1",
    )
    text = h.export_csv([h.export_record(done, "Ava Newton", "2014-03-02")], "OFFICIAL-SENSITIVE")
    lines = text.splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == list(h.EXPORT_FIELDS)
    record = dict(zip(rows[1], rows[2], strict=True))
    assert record["summary"] == "'=HYPERLINK(1)"
    assert record["awaiting"] == "Awaiting sign-off; Custody case still open"
    assert record["acknowledged_at"] == "2026-11-23T09:00:00+00:00"
    assert record["child_name"] == "Ava Newton" and record["case_system_ref"] == "LL-1"


def test_json_export_carries_the_marking_and_refuses_a_blank_one() -> None:
    record = h.export_record(item(state=ItemState.ACKNOWLEDGED), "Ava", None)
    document = json.loads(h.export_json([record], "OFFICIAL-SENSITIVE", MONDAY_9, "Front door"))
    assert document["marking"] == "OFFICIAL-SENSITIVE" and document["count"] == 1
    assert document["items"][0]["reference"] == "EDT-261121-A1B2-001"
    assert document["receiving_team"] == "Front door"
    with pytest.raises(ValidationError, match="marking is blank"):
        h.export_csv([record], "  ")
