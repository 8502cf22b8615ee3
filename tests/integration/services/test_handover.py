"""The morning handover through the services on a real SQLCipher desk: what the night hands
over and what still awaits, submitting (one event per item, due 09:00 on the next working
day, pushed to the desk's day service), the day team's inbox by receiving team with the
09:00 escalation, acknowledging by name (the first counts), returning with a reason and
submitting again, the case system's reference, the marked export written whole, refusals
that record nothing, and a rebuild giving the same handover table (issue 6, point 5)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from duty_desk.domain.errors import Forbidden, NotFound, ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.domain.handover import DEFAULT_TEAM, ItemKind, ItemState
from duty_desk.domain.roles import Role
from duty_desk.services import audit, custody, enquiries, handover, signoff, sync
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import sign_in_alongside
from duty_desk.services.handover import HandoverRefused
from duty_desk.services.people import add_person
from duty_desk.services.settings import Settings, save_settings
from duty_desk.store import handover as store_handover
from duty_desk.store import projections
from duty_desk.store.conflicts import conflicts
from duty_desk.store.schema import EventRow
from tests.conftest import PASSWORD
from tests.support import dump_table, events_of_type, raw_db

QUICK = {
    "channel": "police",
    "child_name": "Ava Newton",
    "child_dob": "2014-03-02",
    "concerns": ["neglect"],
    "summary": "Police at the house after a neighbour heard shouting",
}
DECIDED = QUICK | {
    "risk_rating": "high",
    "can_wait": False,
    "can_wait_reason": "Mother's partner is still at the address.",
    "decision_type": "advice_nfa",
    "rationale": "Police removed the partner; mother protective.",
    "child_words": "I want to stay with mum.",
    "receiving_team": "Front door",
    "day_team_actions": "Check the school's concerns on Monday.",
}
CASE = {"custody_suite": "Northgate custody suite", "yp_name": "Kai Brennan", "age_at_charge": 15}
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def night(on_shift, clock):  # type: ignore[no-untyped-def]
    """A draft (no team), a decision for the front door awaiting sign-off, and a custody
    case (with its police enquiry) still open: Saturday night into Sunday."""
    draft = enquiries.create_enquiry(on_shift, QUICK | {"child_name": "Ben Ortiz"}).enquiry
    clock.advance(minutes=20)
    made = enquiries.create_enquiry(on_shift, QUICK).enquiry
    decided = enquiries.decide(on_shift, made.id, DECIDED, made.updated_at).enquiry
    clock.advance(minutes=20)
    case = custody.open_case(on_shift, CASE)
    clock.advance(hours=7)  # Sunday 06:50
    return {"draft": draft, "decided": decided, "case": case}


@pytest.fixture
def dana(admin, on_shift):  # type: ignore[no-untyped-def]
    """Dana Day, of the day team, signed in alongside on the worker's open desk."""
    add_person(admin, "dana", "Dana Day", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    return sign_in_alongside(on_shift, "dana", PASSWORD)


@pytest.fixture
def lee(admin, on_shift):  # type: ignore[no-untyped-def]
    add_person(admin, "lee", "Lee Morning", Role.DAY_TEAM, PASSWORD, must_change_password=False)
    return sign_in_alongside(on_shift, "lee", PASSWORD)


def position(session: SignedIn) -> int:
    with session.uow(read_only=True) as uow:
        return uow.session.execute(select(func.max(EventRow.position))).scalar_one()


def types_since(session: SignedIn, after: int) -> list[str]:
    with session.uow(read_only=True) as uow:
        query = select(EventRow.type).where(EventRow.position > after).order_by(EventRow.position)
        return list(uow.session.execute(query).scalars())


def by_reference(found: handover.Inbox) -> dict[str, object]:
    return {item.reference: item for item in found.items}


# --- the duty worker ----------------------------------------------------------------------


def test_the_night_lists_every_item_with_what_still_awaits(on_shift, night) -> None:  # type: ignore[no-untyped-def]
    items = handover.night_items(on_shift)
    case, police = night["case"], custody.get_case(on_shift, night["case"].id).enquiry_id
    assert [i.item_id for i in items] == [night["draft"].id, night["decided"].id, police, case.id]
    draft, decided, police_item, case_item = items
    assert draft.receiving_team == DEFAULT_TEAM
    assert draft.awaiting == ("Enquiry incomplete: no decision recorded yet",)
    assert draft.summary.startswith("Ben Ortiz — Neglect — Police at the house")
    assert decided.receiving_team == "Front door"
    assert decided.awaiting == (
        "Awaiting sign-off by a senior practitioner (due 22/11/2026 00:30)",
    )
    assert "Decision: Advice only" in decided.summary
    assert decided.summary.endswith("For the day team: Check the school's concerns on Monday.")
    assert police_item.item_kind is ItemKind.ENQUIRY
    assert case_item.item_kind is ItemKind.CUSTODY and case_item.reference == case.reference
    assert case_item.awaiting == ("Custody case still open: no outcome recorded yet",)
    assert case_item.summary.startswith("PACE s.38(6): Kai Brennan (15) at Northgate custody")
    assert all(i.shift_id == night["draft"].shift_id is not None for i in items)


def test_submitting_records_one_event_per_item_due_monday_nine_and_sends_it(  # type: ignore[no-untyped-def]
    on_shift, night, approvers, paths
) -> None:
    signoff.approve(approvers["priya"], night["decided"].id, 1, "Agreed: mother protective.")
    mark = position(on_shift)
    result = handover.submit_night(on_shift)
    assert len(result.submitted) == 4
    assert night["decided"].id not in {i.item_id for i in result.awaiting}  # signed off
    assert len(result.awaiting) == 3
    assert result.due_at == MONDAY_9  # Sunday 06:50 → Monday 09:00 (GMT)
    assert result.sent and result.sync_message.startswith("Sent to the day service: sent ")
    assert paths.day_service.exists()  # the desk's embedded day service took it
    assert types_since(on_shift, mark)[:4] == ["handover.submitted"] * 4
    submitted = events_of_type(paths.database, on_shift.desk.db_key, "handover.submitted")
    payload = submitted[1]["payload"]
    assert payload["receiving_team"] == "Front door" and payload["item_kind"] == "enquiry"
    assert payload["due_at"] == "2026-11-23T09:00:00.000000Z"
    assert payload["shift_id"] == night["decided"].shift_id
    assert submitted[1]["actor_id"] == on_shift.person.id
    assert handover.night_items(on_shift) == []
    with pytest.raises(ValidationError, match="nothing to hand over"):
        handover.submit_night(on_shift)
    sent = handover.sent_items(on_shift)
    assert [g.team for g in sent.groups] == ["Front door", DEFAULT_TEAM]
    assert {i.state for i in sent.items} == {ItemState.SUBMITTED}


def test_only_the_items_shown_are_submitted(on_shift, night) -> None:  # type: ignore[no-untyped-def]
    result = handover.submit_night(on_shift, only=[night["decided"].id])
    assert [i.reference for i in result.submitted] == [night["decided"].reference]
    assert len(handover.night_items(on_shift)) == 3


def test_due_follows_the_desks_bank_holidays(on_shift, clock, paths) -> None:  # type: ignore[no-untyped-def]
    save_settings(paths.settings, Settings(bank_holidays="SCT"))
    clock.now = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)  # Friday; Monday is St Andrew's Day
    enquiries.create_enquiry(on_shift, QUICK)
    assert handover.submit_night(on_shift).due_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


# --- the day team -------------------------------------------------------------------------


def test_the_inbox_groups_by_team_and_escalates_from_nine(on_shift, night, dana) -> None:  # type: ignore[no-untyped-def]
    handover.submit_night(on_shift)
    found = handover.inbox(dana, now=MONDAY_9 - timedelta(minutes=1))
    assert [(g.team, len(g.items)) for g in found.groups] == [("Front door", 1), (DEFAULT_TEAM, 3)]
    assert found.escalated() == [] and found.escalation_lines() == []
    late = handover.inbox(dana, now=MONDAY_9)
    assert len(late.escalated()) == 4
    assert late.escalation_lines()[0] == (
        f"Front door: 1 item not acknowledged, due 23/11/2026 09:00 — {night['decided'].reference}"
    )
    handover.acknowledge(dana, night["decided"].id)
    after = handover.inbox(dana, now=MONDAY_9)
    assert len(after.escalated()) == 3
    assert after.escalation_lines()[0].startswith(f"{DEFAULT_TEAM}: 3 items")


def test_acknowledged_by_name_and_a_second_acknowledgement_refused(  # type: ignore[no-untyped-def]
    on_shift, night, dana, lee, clock, paths
) -> None:
    handover.submit_night(on_shift)
    clock.now = datetime(2026, 11, 23, 8, 47, tzinfo=UTC)
    mark = position(dana)
    item = handover.acknowledge(dana, night["decided"].id, "Allocated to Jo in the front door.")
    assert item.state is ItemState.ACKNOWLEDGED
    assert (item.acknowledged_name, item.acknowledged_at) == ("Dana Day", clock.now)
    assert types_since(dana, mark) == ["handover.acknowledged"]
    acknowledged = events_of_type(paths.database, dana.desk.db_key, "handover.acknowledged")
    assert acknowledged[-1]["payload"] == {
        "by_name": "Dana Day",
        "note": "Allocated to Jo in the front door.",
    }
    mark = position(lee)
    with pytest.raises(HandoverRefused) as refused:
        handover.acknowledge(lee, night["decided"].id)
    assert str(refused.value) == (
        f"{night['decided'].reference} was already acknowledged by Dana Day at 23/11/2026 08:47."
    )
    assert types_since(lee, mark) == []
    with pytest.raises(NotFound):
        handover.acknowledge(dana, "no-such-item")
    worker_view = {i.item_id: i for i in handover.sent_items(on_shift).items}
    assert worker_view[night["decided"].id].acknowledged_name == "Dana Day"


def test_the_first_acknowledgement_applied_wins(on_shift, night, dana, lee) -> None:  # type: ignore[no-untyped-def]
    """As when two laptops acknowledged offline: both events reach the log, in the day
    service's order; the projection keeps the first and the second changes nothing."""
    handover.submit_night(on_shift)
    enquiry_id = night["decided"].id
    for person in (lee, dana):
        with person.uow() as uow:
            payload = {"by_name": person.person.display_name, "note": ""}
            uow.record(NewEvent("enquiry", enquiry_id, "handover.acknowledged", payload))
            uow.commit()
    item = by_reference(handover.inbox(dana))[night["decided"].reference]
    assert item.acknowledged_name == "Lee Morning"  # type: ignore[attr-defined]
    with dana.uow(read_only=True) as uow:
        shown = conflicts(uow.session)
    assert [(c.kind, c.stream_id) for c in shown] == [("handover_clash", enquiry_id)]
    assert shown[0].detail["by_name"] == "Dana Day"
    assert shown[0].detail["already_name"] == "Lee Morning"
    with on_shift.uow() as uow:  # the worker's role may not acknowledge: ignored
        payload = {"by_name": "Sam Worker", "note": ""}
        uow.record(NewEvent("enquiry", night["draft"].id, "handover.acknowledged", payload))
        uow.commit()
    draft = by_reference(handover.inbox(dana))[night["draft"].reference]
    assert draft.state is ItemState.SUBMITTED  # type: ignore[attr-defined]


def test_returned_with_a_reason_then_put_right_and_submitted_again(  # type: ignore[no-untyped-def]
    on_shift, night, dana, clock
) -> None:
    handover.submit_night(on_shift)
    draft_id = night["draft"].id
    mark = position(dana)
    with pytest.raises(ValidationError, match="Say why") as refused:
        handover.return_item(dana, draft_id, "   ")
    assert refused.value.field == "reason" and types_since(dana, mark) == []
    item = handover.return_item(dana, draft_id, "No decision: finish the record.")
    assert item.state is ItemState.RETURNED and item.returned_by == "Dana Day"
    assert types_since(dana, mark) == ["handover.returned"]
    with pytest.raises(HandoverRefused, match="returned to the duty worker by Dana Day"):
        handover.acknowledge(dana, draft_id)
    back = handover.night_items(on_shift)
    assert [(i.item_id, i.returned_reason) for i in back] == [
        (draft_id, "No decision: finish the record.")
    ]
    current = enquiries.open_enquiry(on_shift, draft_id)
    fixed = DECIDED | {"child_name": "Ben Ortiz", "decision_type": "welfare_visit"}
    enquiries.decide(on_shift, draft_id, fixed, current.updated_at)
    clock.advance(hours=1)
    again = handover.submit_night(on_shift)
    assert [i.item_id for i in again.submitted] == [draft_id]
    item = by_reference(handover.inbox(dana))[night["draft"].reference]
    assert item.state is ItemState.SUBMITTED and item.resubmitted  # type: ignore[attr-defined]
    assert item.receiving_team == "Front door"  # type: ignore[attr-defined]
    assert handover.acknowledge(dana, draft_id).state is ItemState.ACKNOWLEDGED
    with pytest.raises(HandoverRefused, match="cannot be returned"):
        handover.return_item(dana, draft_id, "Too late.")


def test_the_case_system_reference_only_for_acknowledged_items(on_shift, night, dana) -> None:  # type: ignore[no-untyped-def]
    handover.submit_night(on_shift)
    item_id = night["decided"].id
    with pytest.raises(HandoverRefused, match="not acknowledged yet"):
        handover.record_reference(dana, item_id, "LL-2026-0042")
    handover.acknowledge(dana, item_id)
    with pytest.raises(ValidationError) as refused:
        handover.record_reference(dana, item_id, "x" * 81)
    assert refused.value.field == "case_system_ref"
    mark = position(dana)
    item = handover.record_reference(dana, item_id, "  LL-2026-0042 ")
    assert item.case_system_ref == "LL-2026-0042" and types_since(dana, mark) == [
        "handover.referenced"
    ]
    assert handover.find_item(dana, night["decided"].reference.lower()) == item_id


# --- the export ---------------------------------------------------------------------------


def test_export_json_and_csv_marked_whole_and_audited_without_names(  # type: ignore[no-untyped-def]
    on_shift, night, dana, tmp_path, paths
) -> None:
    save_settings(paths.settings, Settings(marking="OFFICIAL-SENSITIVE PERSONAL"))
    handover.submit_night(on_shift)
    handover.acknowledge(dana, night["decided"].id)
    handover.record_reference(dana, night["decided"].id, "LL-7")
    handover.acknowledge(dana, night["case"].id)
    out = tmp_path / "out"
    out.mkdir()
    done = handover.export(dana, out / "handover.json", "json")
    document = json.loads((out / "handover.json").read_text(encoding="utf-8"))
    assert done.count == 2 and document["marking"] == "OFFICIAL-SENSITIVE PERSONAL"
    records = {r["reference"]: r for r in document["items"]}
    assert set(records) == {night["decided"].reference, night["case"].reference}
    decided = records[night["decided"].reference]
    assert (decided["child_name"], decided["child_dob"]) == ("Ava Newton", "2014-03-02")
    assert (decided["acknowledged_by"], decided["case_system_ref"]) == ("Dana Day", "LL-7")
    assert records[night["case"].reference]["child_name"] == "Kai Brennan"
    team_only = handover.export(dana, out / "front.csv", "csv", "Front door")
    lines = (out / "front.csv").read_text(encoding="utf-8").splitlines()
    assert team_only.count == 1
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE PERSONAL"
    rows = list(csv.DictReader(lines[1:-1]))
    assert [r["reference"] for r in rows] == [night["decided"].reference]
    exported = events_of_type(paths.database, dana.desk.db_key, "handover.exported")
    assert [e["payload"] for e in exported] == [
        {"format": "json", "count": 2, "one_team": False},
        {"format": "csv", "count": 1, "one_team": True},
    ]
    assert sorted(p.name for p in out.iterdir()) == ["front.csv", "handover.json"]  # no temp


def test_export_never_silently_replaces_a_file(on_shift, night, dana, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    handover.submit_night(on_shift)
    handover.acknowledge(dana, night["decided"].id)
    target = tmp_path / "handover.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")
    mark = position(dana)
    with pytest.raises(ValidationError, match="already exists") as refused:
        handover.export(dana, target, "csv")
    assert refused.value.field == "path"
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    with pytest.raises(ValidationError, match="json or csv"):
        handover.export(dana, tmp_path / "x.xml", "xml")
    with pytest.raises(ValidationError, match="no folder"):
        handover.export(dana, tmp_path / "missing" / "x.csv", "csv")
    assert types_since(dana, mark) == []
    assert handover.export(dana, target, "csv", overwrite=True).count == 1
    assert "Ava Newton" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk", "handover.csv"]


# --- permissions and the rebuild ----------------------------------------------------------


def test_each_side_is_refused_the_others_actions(on_shift, night, dana) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden, match="A day team may not hand the night over"):
        handover.submit_night(dana)
    with pytest.raises(Forbidden, match="may not acknowledge or return handover items"):
        handover.inbox(on_shift)
    handover.submit_night(on_shift)
    with pytest.raises(Forbidden):
        handover.acknowledge(on_shift, night["decided"].id)
    assert types_since(on_shift, position(on_shift) - 1) == ["access.denied"]


def test_a_rebuild_gives_the_same_handover_table(  # type: ignore[no-untyped-def]
    admin, on_shift, night, dana, approvers, clock, paths
) -> None:
    handover.submit_night(on_shift)
    handover.acknowledge(dana, night["decided"].id)
    handover.record_reference(dana, night["decided"].id, "LL-1")
    handover.return_item(dana, night["draft"].id, "Finish it.")
    signoff.approve(approvers["priya"], night["decided"].id, 1, "Agreed.")
    clock.advance(hours=2)
    handover.submit_night(on_shift)
    handover.acknowledge(dana, night["case"].id)
    key = admin.desk.db_key
    with raw_db(paths.database, key) as db:
        live = dump_table(db, "handover_items")
    assert len(live) == 4
    assert audit.verify_log(admin).ok
    audit.rebuild_projections(admin)
    with raw_db(paths.database, key) as db:
        assert dump_table(db, "handover_items") == live
        db.execute("DELETE FROM handover_items")
    audit.rebuild_projections(admin)
    with raw_db(paths.database, key) as db:
        assert dump_table(db, "handover_items") == live


def test_a_night_the_day_service_cannot_take_is_kept_and_said_so(  # type: ignore[no-untyped-def]
    admin, on_shift, night
) -> None:
    sync.configure(admin, "postgresql+psycopg://duty@127.0.0.1:1/dayservice", "edt")
    result = handover.submit_night(on_shift)
    assert not result.sent and len(result.submitted) == 4
    assert result.sync_message.startswith(handover.NOT_SENT + " (Not sent now: ")
    assert handover.night_items(on_shift) == []  # recorded here all the same
    assert {i.state for i in handover.sent_items(on_shift).items} == {ItemState.SUBMITTED}


def test_one_streams_item_is_cleared_and_refolded_alone(on_shift, night, dana, paths) -> None:  # type: ignore[no-untyped-def]
    """What sync does when an event arrives that sorts before ones already applied."""
    handover.submit_night(on_shift)
    handover.acknowledge(dana, night["decided"].id)
    handover.return_item(dana, night["case"].id, "Outcome missing.")
    with raw_db(paths.database, dana.desk.db_key) as db:
        live = dump_table(db, "handover_items")
    for kind, stream_id in (("enquiry", night["decided"].id), ("custody", night["case"].id)):
        with dana.uow() as uow:
            store_handover.clear(uow.session, stream_id)
            assert store_handover.get_row(uow.session, stream_id) is None
            assert projections.rebuild_stream(uow.session, kind, stream_id)
            uow.commit()
    with raw_db(paths.database, dana.desk.db_key) as db:
        assert dump_table(db, "handover_items") == live
