"""Known-tonight alerts through the services, on a real encrypted desk: the day team keeps
them, the duty worker's form finds the ones about the child being typed."""

from __future__ import annotations

from datetime import date

import pytest

from duty_desk.domain.errors import Forbidden, NotFound, ValidationError
from duty_desk.domain.roles import Role
from duty_desk.services.alerts import (
    AlertChangedMeanwhile,
    add_alert,
    change_alert,
    list_alerts,
    matching_alerts,
    retire_alert,
)
from duty_desk.services.audit import rebuild_projections, verify_log
from duty_desk.services.desk import sign_in
from tests.conftest import PASSWORD
from tests.support import events_of_type

TONIGHT = date(2026, 11, 21)  # the clock starts at 23:10 UTC on Saturday 21 November 2026
ALERT = {
    "child_name": "Jayden Smith",
    "dob": "02/03/2014",
    "reason": "Mother's partner released from custody today; has threatened to take him.",
    "plan": "If police call, place with maternal grandmother, 4 Elm Row (checked today).",
    "contact": "Jo Day, assessment team, 07700 900111",
    "valid_from": "21/11/2026",
    "valid_until": "22/11/2026",
}


@pytest.fixture
def day_team(people, paths, clock):  # type: ignore[no-untyped-def]
    session = sign_in(paths, people[Role.DAY_TEAM], PASSWORD, clock)
    yield session
    session.desk.close()


def test_an_alert_matches_the_child_by_name_and_date_of_birth(day_team, worker) -> None:  # type: ignore[no-untyped-def]
    added = add_alert(day_team, ALERT)
    assert (added.child_name, added.dob, added.active) == ("Jayden Smith", "2014-03-02", True)
    assert added.added_by == day_team.person.id

    def found(name: str, dob: str | None) -> list[str]:
        return [a.id for a in matching_alerts(worker, name, dob, TONIGHT)]

    assert found("  jayden   SMITH", "2014-03-02") == [added.id]
    assert found("Jayden Smith", None) == [added.id]  # no date of birth typed yet
    assert found("Jayden Smith", "02/03/2014") == [added.id]
    assert found("Jayden Smith", "2014-03-03") == []  # another child of that name
    assert found("Jayden Smyth", "2014-03-02") == []
    assert found("", None) == []


def test_only_alerts_in_force_that_night_and_not_retired_match(day_team, worker, clock) -> None:  # type: ignore[no-untyped-def]
    later = add_alert(day_team, ALERT | {"valid_from": "23/11/2026", "valid_until": "24/11/2026"})
    now = add_alert(day_team, ALERT)
    assert [a.id for a in matching_alerts(worker, "Jayden Smith", None, TONIGHT)] == [now.id]
    nights = {
        n: matching_alerts(worker, "Jayden Smith", None, date(2026, 11, n)) for n in range(21, 26)
    }
    assert {n: [a.id for a in found] for n, found in nights.items()} == {
        21: [now.id],
        22: [now.id],
        23: [later.id],
        24: [later.id],
        25: [],
    }
    retire_alert(day_team, now.id, now.updated_at)
    assert matching_alerts(worker, "Jayden Smith", None, TONIGHT) == []


def test_the_day_teams_list_leaves_out_past_and_retired_alerts(day_team, clock) -> None:  # type: ignore[no-untyped-def]
    first = add_alert(day_team, ALERT | {"valid_until": "21/11/2026"})
    second = add_alert(day_team, ALERT | {"child_name": "Amira Khan", "dob": None})
    retired = add_alert(day_team, ALERT | {"child_name": "Ola Nowak"})
    retire_alert(day_team, retired.id, retired.updated_at)
    assert [a.id for a in list_alerts(day_team)] == [second.id, first.id]  # by first night, name
    clock.advance(hours=12)  # 11:10 on Sunday: Saturday night is over
    assert [a.id for a in list_alerts(day_team)] == [second.id]
    assert [a.id for a in list_alerts(day_team, TONIGHT)] == [second.id, first.id]
    everything = list_alerts(day_team, include_retired=True)
    assert {a.id for a in everything} == {first.id, second.id, retired.id}
    assert {a.id for a in everything if not a.active} == {retired.id}


def test_after_midnight_it_is_still_last_nights_alert(day_team, worker, clock) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.domain.alerts import night_of

    added = add_alert(day_team, ALERT | {"valid_until": "21/11/2026"})
    clock.advance(hours=4)  # 03:10 on Sunday
    tonight = night_of(worker.desk.clock())
    assert tonight == TONIGHT
    assert [a.id for a in matching_alerts(worker, "Jayden Smith", None, tonight)] == [added.id]


def test_a_change_keeps_what_was_not_given_and_refuses_a_stale_edit(day_team, clock) -> None:  # type: ignore[no-untyped-def]
    added = add_alert(day_team, ALERT)
    clock.advance(minutes=5)
    changed = change_alert(
        day_team, added.id, {"contact": "Sam Lee, 07700 900222"}, added.updated_at
    )
    assert (changed.contact, changed.plan, changed.dob) == (
        "Sam Lee, 07700 900222",
        ALERT["plan"],
        "2014-03-02",
    )
    assert changed.updated_at > added.updated_at
    with pytest.raises(AlertChangedMeanwhile, match="was changed at 21/11/2026 23:15 after you"):
        change_alert(day_team, added.id, {"plan": "Something else"}, added.updated_at)
    with pytest.raises(AlertChangedMeanwhile):
        retire_alert(day_team, added.id, added.updated_at)
    same = change_alert(
        day_team, added.id, {"contact": "Sam Lee, 07700 900222"}, changed.updated_at
    )
    assert same == changed  # nothing changed: nothing recorded
    payloads = [
        e["payload"]
        for e in events_of_type(day_team.desk.paths.database, day_team.desk.db_key, "alert.changed")
    ]
    assert payloads == [{"alert": {"contact": "Sam Lee, 07700 900222"}}]


def test_refusals(day_team, worker) -> None:  # type: ignore[no-untyped-def]
    added = add_alert(day_team, ALERT)
    with pytest.raises(ValidationError, match="The contingency plan is needed") as refused:
        change_alert(day_team, added.id, {"plan": " "}, added.updated_at)
    assert refused.value.field == "plan"
    with pytest.raises(NotFound, match="not on this desk"):
        change_alert(day_team, "no-such-alert", {}, added.updated_at)
    retired = retire_alert(day_team, added.id, added.updated_at)
    assert not retired.active
    assert retire_alert(day_team, added.id, retired.updated_at) == retired  # already retired
    with pytest.raises(ValidationError, match="has been retired: add a new one"):
        change_alert(day_team, added.id, {"plan": "New plan"}, retired.updated_at)
    with pytest.raises(Forbidden, match="A duty social worker may not change the known-tonight"):
        add_alert(worker, ALERT)


def test_alerts_are_events_and_come_back_from_a_rebuild(day_team, admin) -> None:  # type: ignore[no-untyped-def]
    added = add_alert(day_team, ALERT)
    changed = change_alert(day_team, added.id, {"valid_until": "23/11/2026"}, added.updated_at)
    other = add_alert(day_team, ALERT | {"child_name": "Amira Khan"})
    retire_alert(day_team, other.id, other.updated_at)
    before = list_alerts(day_team, include_retired=True)
    assert rebuild_projections(admin) > 0
    assert list_alerts(day_team, include_retired=True) == before
    assert [a for a in before if a.id == added.id] == [changed]
    added_events = events_of_type(day_team.desk.paths.database, day_team.desk.db_key, "alert.added")
    assert [e["payload"]["alert"]["child_name"] for e in added_events] == [
        "Jayden Smith",
        "Amira Khan",
    ]
    assert verify_log(admin).ok


def test_the_command_line_adds_lists_and_retires_alerts(people, paths, day_team) -> None:  # type: ignore[no-untyped-def]
    from tests.support import run_cli

    env = {"DUTY_DESK_USER": people[Role.DAY_TEAM], "DUTY_DESK_PASSWORD": PASSWORD}
    # The command line runs on the real clock: these nights are far ahead of it.
    nights = ["--from", "24/12/2099", "--until", "26/12/2099"]
    added = run_cli(
        "--data-dir", str(paths.root), "alerts", "add", "--name", "Jayden Smith",
        "--dob", "02/03/2014", "--reason", "Family row expected", "--plan", "Nan's house",
        "--contact", "Jo Day 07700 900111", *nights, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "from the night of 24/12/2099 to the night of 26/12/2099" in added.stdout
    short = added.stdout.split()[2]
    listed = run_cli("--data-dir", str(paths.root), "alerts", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == lines[-1] == "[OFFICIAL-SENSITIVE]"
    assert f"{short}  Jayden Smith, born 02/03/2014" in lines
    assert "  plan:    Nan's house" in lines
    retired = run_cli("--data-dir", str(paths.root), "alerts", "retire", short, env=env)
    assert retired.returncode == 0, retired.stderr
    assert [a.active for a in list_alerts(day_team, include_retired=True)] == [False]
    admin_env = {"DUTY_DESK_USER": "admin", "DUTY_DESK_PASSWORD": "correct horse battery"}
    refused = run_cli("--data-dir", str(paths.root), "alerts", "list", env=admin_env)
    assert refused.returncode == 2
    assert "An administrator may not read children's records" in refused.stderr
