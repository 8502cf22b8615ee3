"""The demo desk's night: built through the services, on a clock set to last night."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from duty_desk.domain.clock import LONDON
from duty_desk.domain.records import Status
from duty_desk.services import audit
from duty_desk.services.context import SignedIn
from duty_desk.services.demo import DEMO_PASSWORD, build_demo, demo_nights, last_night
from duty_desk.services.desk import remove_desk, sign_in, sign_out
from duty_desk.services.enquiries import history, open_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries, previous_contacts
from duty_desk.services.lists import decision_types
from duty_desk.services.paths import DeskPaths
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
    assert 10 <= page.total <= 14 and len(page.rows) == page.total
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
