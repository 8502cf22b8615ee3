"""The demo desk's night: built through the services, on a clock set to last night."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody import code_c_concerns
from duty_desk.domain.custody_clocks import clocks, warnings
from duty_desk.domain.custody_records import Case
from duty_desk.domain.records import Status
from duty_desk.services import audit, custody
from duty_desk.services.context import SignedIn
from duty_desk.services.custody_figures import monitoring
from duty_desk.services.demo import DEMO_PASSWORD, build_demo, demo_nights, last_night
from duty_desk.services.desk import remove_desk, sign_in, sign_out
from duty_desk.services.enquiries import history, open_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries, previous_contacts
from duty_desk.services.lists import decision_types
from duty_desk.services.paths import DeskPaths
from duty_desk.services.providers import providers
from duty_desk.services.shifts import current_shift

BUILD_LIMIT_S = 30.0  # it takes about 5 s here: mostly Argon2 for 5 accounts and 3 sign-ins


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DeskPaths, float]]:
    paths = DeskPaths(tmp_path_factory.mktemp("demo") / "desk")
    start = time.perf_counter()
    build_demo(paths)
    took = time.perf_counter() - start
    yield paths, took
    remove_desk(paths)


@pytest.fixture
def sam(demo: tuple[DeskPaths, float]) -> Iterator[SignedIn]:
    session = sign_in(demo[0], "sam", DEMO_PASSWORD)
    yield session
    sign_out(session)


def test_the_demo_builds_in_reasonable_time(demo: tuple[DeskPaths, float]) -> None:
    assert demo[1] < BUILD_LIMIT_S


def test_last_nights_shift_is_running_with_about_a_dozen_enquiries(sam: SignedIn) -> None:
    shift = current_shift(sam)
    assert shift is not None and shift.ended_at is None
    assert shift.on_duty == ("Sam Okafor",)
    assert (shift.senior.name, shift.manager.name) == ("Priya Shah", "Morgan Ellis")
    assert shift.senior.phone.startswith("07700 900")
    started = shift.started_at.astimezone(LONDON)
    assert started.hour == 17 and started.minute == 0
    assert datetime.now(UTC) - shift.started_at < timedelta(days=3)
    page = list_enquiries(sam, ListQuery(shift_id=shift.id))
    assert 10 <= page.total <= 16 and len(page.rows) == page.total
    statuses = [row.status for row in page.rows]
    assert Status.DRAFT in statuses and Status.DECIDED in statuses
    decided = [row for row in page.rows if row.status is Status.DECIDED]
    assert len(decided) >= page.total / 2
    assert len({row.decision for row in decided}) == len(decided)  # all different
    assert all(row.received_at < datetime.now(UTC) for row in page.rows)


def test_the_night_records_voices_checks_and_actions(sam: SignedIn) -> None:
    shift = current_shift(sam)
    assert shift is not None
    rows = list_enquiries(sam, ListQuery(shift_id=shift.id)).rows
    contents = [open_enquiry(sam, row.id).content for row in rows]
    heard = [c for c in contents if "“" in c.get("child_words", "")]
    not_heard = [c for c in contents if "voice_not_heard_reason" in c]
    assert len(heard) >= len(contents) * 2 / 3 and 1 <= len(not_heard) <= 2
    assert all(c.get("checks") for c in contents)
    assert sum(bool(c.get("actions")) for c in contents) >= len(contents) / 2
    names = {c["child_name"] for c in contents}
    assert {"Aaliyah Begum", "Ngọc Ánh Trần", "Łukasz Wójcik", "Siân Llŷr", "Oisín Kelly"} <= names
    assert {c["decision_type"] for c in contents if "decision_type" in c} <= set(
        decision_types().labels
    )


def test_the_repeated_child_shows_a_previous_contact(sam: SignedIn) -> None:
    found = list_enquiries(sam, ListQuery(text="Oisín Kelly"))
    assert found.total == 2
    latest, earlier = found.rows
    assert timedelta(days=14) < latest.received_at - earlier.received_at < timedelta(days=35)
    dob = latest.child_dob
    assert dob is not None and dob == earlier.child_dob
    previous = previous_contacts(sam, "Oisin Kelly", dob, exclude=latest.id)
    assert [contact.id for contact in previous] == [earlier.id]
    assert previous[0].decision == "Missing child actions"
    # Found in the night after the decision: a second version, with his words.
    assert open_enquiry(sam, latest.id).version == 2
    assert any(line.what == "New version" for line in history(sam, latest.id))


def _cases(sam: SignedIn) -> dict[str, Case]:
    return {case.name: case for case in custody.recent_cases(sam)}


def test_last_night_has_custody_cases_open_and_closed(sam: SignedIn) -> None:
    cases = _cases(sam)
    assert len(cases) == 5
    assert {name for name, case in cases.items() if case.open} == {
        "Tyler Brooks",
        "Destiny Campbell",
    }
    outcomes = {c.content["outcome"] for c in cases.values() if not c.open}
    assert outcomes == {"transferred", "remained", "bailed_released"}
    assert len({c.content["yp_ethnicity"] for c in cases.values()}) == 4
    assert {c.content["yp_gender"] for c in cases.values()} == {"female", "male"}
    assert {c.content["age_at_charge"] for c in cases.values()} == {13, 14, 15, 16, 17}
    shift = current_shift(sam)
    assert shift is not None
    for case in cases.values():  # each belongs to one of last night's enquiries
        assert case.enquiry_id is not None
        enquiry = open_enquiry(sam, case.enquiry_id)
        assert enquiry.shift_id == shift.id and enquiry.content["child_name"] == case.name
        assert case.instants.request is not None and case.instants.charge is not None


def test_the_open_cases_show_their_warnings(sam: SignedIn) -> None:
    cases, now, limits = _cases(sam), datetime.now(UTC), custody.thresholds(sam)
    unanswered = cases["Tyler Brooks"]
    said = [w.kind for w in warnings(unanswered.instants, now, limits)]
    assert "request_unanswered" in said
    assert clocks(unanswered.instants, now).unanswered > timedelta(minutes=30)
    searching = cases["Destiny Campbell"]
    answers = [s["answer"] for s in searching.steps if s["kind"] == "placement_approached"]
    assert "awaiting" in answers and {"declined_full", "declined_match"} <= set(answers)
    assert searching.instants.response is not None and searching.instants.identified is None
    assert "no_placement" in [w.kind for w in warnings(searching.instants, now, limits)]


def test_the_closed_cases_tell_their_outcomes(sam: SignedIn) -> None:
    cases = _cases(sam)
    moved = cases["Łukasz Wójcik"]
    assert moved.content["placement_type"] == "foster"
    assert moved.content["aa_present_interview"] and moved.content["aa_present_charge"]
    assert (moved.decision_type, moved.signoff_state) == ("pace_non_secure", "not_needed")
    kinds = [step["kind"] for step in moved.steps]
    assert {"arrest", "charge", "request_received", "response_given", "left_custody"} <= set(kinds)
    assert {"accommodation_identified", "transport_arranged", "aa_arrived"} <= set(kinds)
    directory = {p.id: p for p in providers(sam)}
    accepted = [s for s in moved.steps if s.get("answer") == "accepted"]
    assert [directory[s["provider_id"]].type for s in accepted] == ["emergency_bed"]

    kept = cases["Zara Hussain"]
    assert kept.content["certificate_reason"] == "impracticable"
    assert kept.content["challenge"] and kept.content["escalation"]
    assert "behaviour" in " ".join(code_c_concerns(kept.content))
    assert (kept.decision_type, kept.signoff_state) == ("pace_not_provided", "verbal")
    assert cases["Jayden Clarke"].content["outcome"] == "bailed_released"
    now, limits = datetime.now(UTC), custody.thresholds(sam)
    for case in cases.values():
        assert (case.open, bool(warnings(case.instants, now, limits))) != (False, True)


def test_the_directory_mixes_placements(demo: tuple[DeskPaths, float], sam: SignedIn) -> None:
    offered = providers(sam)
    assert len(offered) == 6
    assert {p.type for p in offered} >= {"secure_home", "childrens_home", "emergency_bed"}
    assert [p.name for p in offered if not p.accepts_pace] == ["Southwood supported lodgings"]
    assert [p.name for p in offered if p.secure] == ["Hollybank Secure Children's Home"]
    admin = sign_in(demo[0], "admin", DEMO_PASSWORD)
    try:
        retired = [p.name for p in providers(admin, include_retired=True) if not p.active]
    finally:
        sign_out(admin)
    assert retired == ["Ashdown House"]


def test_the_monitoring_figures_match_the_cases(
    demo: tuple[DeskPaths, float], sam: SignedIn
) -> None:
    shift = current_shift(sam)
    assert shift is not None
    night = shift.started_at.astimezone(LONDON).date()
    day_team = sign_in(demo[0], "dayteam", DEMO_PASSWORD)
    try:
        found = monitoring(day_team, night, night + timedelta(days=1))
    finally:
        sign_out(day_team)
    assert (found.requests, found.secure, found.non_secure) == (5, 1, 4)
    assert (found.accommodated, found.bailed_released, found.remained, found.still_open) == (
        1,
        1,
        1,
        2,
    )
    assert sum(g.requests for g in found.by_ethnicity) == 5


def test_the_audit_log_verifies(demo: tuple[DeskPaths, float]) -> None:
    manager = sign_in(demo[0], "morgan", DEMO_PASSWORD)
    try:
        result = audit.verify_log(manager)
    finally:
        sign_out(manager)
    assert result.ok, result.describe()


@pytest.mark.parametrize(
    ("now", "night"),
    [
        (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), date(2026, 11, 21)),  # the morning after
        (datetime(2026, 11, 22, 22, 0, tzinfo=UTC), date(2026, 11, 21)),  # tonight not over
        (datetime(2026, 11, 22, 3, 0, tzinfo=UTC), date(2026, 11, 20)),  # still last night
        (datetime(2027, 3, 28, 10, 0, tzinfo=UTC), date(2027, 3, 26)),  # clocks went forward
        (datetime(2026, 11, 15, 10, 0, tzinfo=UTC), date(2026, 11, 13)),  # ...3 weeks before
    ],
)
def test_the_demo_night_is_the_last_whole_night(now: datetime, night: date) -> None:
    assert last_night(now, [n["days_before"] for n in demo_nights()]) == night
