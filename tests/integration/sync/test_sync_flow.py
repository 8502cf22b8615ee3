"""Two laptops and a real day service (SQLite file and PostgreSQL): push, pull, conflicts."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from duty_desk.domain.events import Event
from duty_desk.domain.records import Contact
from duty_desk.domain.roles import Role
from duty_desk.domain.signoff import SignoffState
from duty_desk.security.errors import WrongCredentials
from duty_desk.services import audit, signoff, sync
from duty_desk.services.enquiries import create_enquiry, decide, open_enquiry, save_enquiry
from duty_desk.services.shifts import start_shift
from duty_desk.store import projections
from duty_desk.store.event_log import from_row
from duty_desk.store.schema import ConflictRow, EventRow
from duty_desk.sync.schema import server_events
from duty_desk.sync.server import ChainRefused, DayService, DayServiceError, checked_url
from tests.integration.sync.desks import TEAM, add_worker, laptop, projection_dump

QUICK = {
    "channel": "police",
    "caller_name": "PC Jones",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["domestic_abuse"],
    "summary": "Police at the house after a neighbour heard shouting",
}


@pytest.fixture
def service(day_service_url):  # type: ignore[no-untyped-def]
    DayService.init(day_service_url)
    opened = DayService.connect(day_service_url)
    yield opened
    opened.close()


@pytest.fixture
def two(tmp_path, clock):  # type: ignore[no-untyped-def]
    machines = [laptop(tmp_path, "north", clock), laptop(tmp_path, "south", clock)]
    yield machines
    for machine in machines:
        machine.close()


def _own_events(machine) -> list[Event]:  # type: ignore[no-untyped-def]
    with Session(machine.desk.store.engine) as session:
        rows = session.execute(select(EventRow).order_by(EventRow.position)).scalars()
        return [from_row(r) for r in rows if r.device_id == machine.desk.device_id]


def _server_count(service: DayService) -> int:
    with service.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(server_events)).scalar())


def test_an_enquiry_reaches_the_other_laptop_once_and_both_chains_verify(
    service, two, clock
) -> None:
    north, south = two
    add_worker(north, "sam")
    sam = north.sign_in("sam", clock)
    enquiry = create_enquiry(sam, QUICK).enquiry
    first = north.sync(service)
    assert first.pushed == len(_own_events(north)) and first.replayed == 0
    again = north.sync(service)
    assert again.pushed == 0 and again.pulled == 0  # nothing new: nothing twice
    south.sync(service)
    with Session(south.desk.store.engine) as session:
        row = session.execute(
            text("SELECT reference, child_name, content FROM enquiries WHERE id = :id"),
            {"id": enquiry.id},
        ).one()
    assert row[0] == enquiry.reference and row[1] == "Siân Llŷr"
    assert json.loads(row[2])["summary"] == QUICK["summary"]
    total = len(_own_events(north)) + len(_own_events(south))
    north.sync(service)
    assert _server_count(service) == total
    for machine in two:
        report = audit.check_store(machine.desk.store, machine.desk.device_id)
        assert report.ok, report
    assert projection_dump(north) == projection_dump(south)


def test_someone_enrolled_on_one_laptop_signs_in_on_another(service, two, clock) -> None:
    north, south = two
    add_worker(north, "priya", Role.SENIOR_PRACTITIONER)
    with pytest.raises(WrongCredentials):
        south.sign_in("priya", clock)
    north.sync(service)
    assert south.sync(service).pulled > 0  # the pull makes her slot (services.enrolment)
    priya = south.sign_in("priya", clock)
    assert priya.person.role is Role.SENIOR_PRACTITIONER


def test_the_sync_service_enrols_as_it_pulls(tmp_path, two, clock) -> None:
    north, south = two
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    for machine in two:
        sync.configure(machine.admin, url, TEAM)
    with pytest.raises(DayServiceError, match="no Duty Desk tables yet"):
        sync.sync_now(north.admin)
    DayService.init(url)
    for machine in two:
        sync.configure(machine.admin, url, TEAM)
    add_worker(north, "morgan", Role.MANAGER)
    sync.sync_now(north.admin)
    sync.sync_now(south.admin)
    sync.sync_now(north.admin)  # south's own records come back to it in the service's order
    status = sync.status(north.admin)
    assert status.unsent == 0 and status.waiting == 0 and status.last_error == ""
    assert south.sign_in("morgan", clock).person.role is Role.MANAGER


def test_two_laptops_editing_one_enquiry_show_a_conflict_not_an_overwrite(
    service, two, clock
) -> None:
    north, south = two
    add_worker(north, "sam")
    add_worker(north, "ash")
    north.sync(service)
    south.sync(service)
    sam = north.sign_in("sam", clock)
    start_shift(sam, ["Sam"], Contact("Priya", "07700 900123"), Contact("Morgan", "07700 900456"))
    enquiry = create_enquiry(sam, QUICK).enquiry
    north.sync(service)
    south.sync(service)
    ash = south.sign_in("ash", clock)
    on_south = open_enquiry(ash, enquiry.id)
    clock.advance(minutes=5)
    save_enquiry(sam, enquiry.id, QUICK | {"narrative": "North's account"}, enquiry.updated_at)
    clock.advance(minutes=1)
    save_enquiry(ash, enquiry.id, QUICK | {"narrative": "South's account"}, on_south.updated_at)
    north.sync(service)  # north's save reaches the service first
    south.sync(service)
    north.sync(service)
    for machine, person in ((north, sam), (south, ash)):
        assert open_enquiry(person, enquiry.id).content["narrative"] == "North's account"
        with Session(machine.desk.store.engine) as session:
            conflict = session.execute(select(ConflictRow)).scalar_one()
        assert conflict.kind == "edited_elsewhere"
        assert json.loads(conflict.detail)["changes"]["narrative"] == "South's account"
    assert projection_dump(north) == projection_dump(south)
    listed = sync.list_conflicts(ash)
    assert [c.kind for c in listed] == ["edited_elsewhere"]
    sync.resolve_conflict(ash, listed[0].event_id, "Merged by phone with Sam")
    assert sync.list_conflicts(ash) == []
    for machine in (south, north):
        machine.sync(service)
    assert sync.list_conflicts(sam) == []
    assert projection_dump(north) == projection_dump(south)


def test_a_rebuild_refolds_in_the_day_services_order(service, two, clock) -> None:
    north, south = two
    add_worker(north, "sam")
    north.sync(service)
    south.sync(service)
    before = projection_dump(south)
    with Session(south.desk.store.engine) as session:
        projections.rebuild(session)
        session.commit()
    assert projection_dump(south) == before


def test_an_altered_or_forked_chain_is_refused_with_the_reason(service, two) -> None:
    north, _ = two
    events = _own_events(north)
    altered = replace(events[0], payload={"device_id": "someone else"})
    with pytest.raises(ChainRefused, match="do not match its hash"):
        service.push(TEAM, north.desk.device_id, [altered, *events[1:]])
    assert _server_count(service) == 0
    with pytest.raises(ChainRefused, match="sequence 1 is missing"):
        service.push(TEAM, north.desk.device_id, events[1:])
    result = service.push(TEAM, north.desk.device_id, events)
    assert result.acked_seq == len(events) and result.inserted == len(events)
    replay = service.push(TEAM, north.desk.device_id, events)
    assert replay.inserted == 0 and replay.replayed == len(events)
    fork = replace(events[-1], hlc=events[-1].hlc + "x")
    with pytest.raises(ChainRefused, match="differs from the event the day service already holds"):
        service.push(TEAM, north.desk.device_id, [fork])


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql+psycopg://duty@db.council.example/day", "must be reached over TLS"),
        ("mysql://x@localhost/day", "must be PostgreSQL or a SQLite file"),
        ("not a url", "is not a database address"),
        ("sqlite://", "needs a file"),
    ],
)
def test_addresses_are_checked_before_anything_is_sent(url: str, words: str) -> None:
    with pytest.raises(DayServiceError, match=words):
        checked_url(url)
    assert checked_url("postgresql://duty@db.council.example/day?sslmode=verify-full")
    assert checked_url("postgresql://duty@127.0.0.1:5432/day")


def test_an_unreachable_service_is_said_plainly_and_work_goes_on(two, clock) -> None:
    north, _ = two
    sync.configure(north.admin, "postgresql://duty@127.0.0.1:1/day", TEAM, "secret-pw")
    with pytest.raises(DayServiceError, match="cannot be reached"):
        sync.sync_now(north.admin)
    status = sync.status(north.admin)
    assert "cannot be reached" in status.last_error and status.unsent > 0
    assert "secret-pw" not in (north.paths.root / "day-service.json").read_text()
    add_worker(north, "sam")  # the desk works on


DECIDED = QUICK | {
    "risk_rating": "medium",
    "can_wait": True,
    "can_wait_reason": "Mother and children safe at grandmother's.",
    "child_words": "I want to stay at Nan's.",
    "rationale": "Safe tonight; the day team to follow up.",
    "decision_type": "police_protection",
}


def test_approve_on_one_laptop_and_return_on_another_is_shown_to_a_person(
    service, two, clock
) -> None:
    north, south = two
    add_worker(north, "sam")
    add_worker(north, "priya", Role.MANAGER)
    add_worker(north, "morgan", Role.MANAGER)
    north.sync(service)
    south.sync(service)
    sam = north.sign_in("sam", clock)
    start_shift(sam, ["Sam"], Contact("Priya", "07700 900123"), Contact("Morgan", "07700 900456"))
    saved = create_enquiry(sam, DECIDED).enquiry
    enquiry = decide(sam, saved.id, DECIDED, saved.updated_at).enquiry
    north.sync(service)
    south.sync(service)
    priya = north.sign_in("priya", clock)
    morgan = south.sign_in("morgan", clock)
    clock.advance(minutes=3)
    signoff.approve(priya, enquiry.id, enquiry.version, "Agreed.")
    clock.advance(minutes=1)
    signoff.return_decision(morgan, enquiry.id, enquiry.version, "Speak to the police first.")
    north.sync(service)  # the approval reaches the day service first
    south.sync(service)
    north.sync(service)
    for machine, person in ((north, priya), (south, morgan)):
        assert signoff.signoff_of(person, enquiry.id).state is SignoffState.APPROVED
        with Session(machine.desk.store.engine) as session:
            conflict = session.execute(select(ConflictRow)).scalar_one()
        detail = json.loads(conflict.detail)
        assert conflict.kind == "signoff_clash"
        assert (detail["wanted"], detail["already"]) == ("returned", "approved")
        assert detail["comments"] == "Speak to the police first."
    assert projection_dump(north) == projection_dump(south)
