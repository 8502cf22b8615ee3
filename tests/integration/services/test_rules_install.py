"""Installing sign-off rules: an administrator's audited act; a refused file changes nothing,
decisions afterwards are judged (and recorded) by the rules installed, and replaying the
log rebuilds the sign-off and rules tables exactly."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest

from duty_desk.domain.errors import Forbidden
from duty_desk.domain.signoff import SignoffState
from duty_desk.domain.signoff_rules import RulesInvalid
from duty_desk.services import audit, rules, signoff
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiries import create_enquiry, decide, save_enquiry
from duty_desk.services.paths import DeskPaths
from tests.integration.services.test_signoff_flow import BASE
from tests.support import dump_table, events_of_type, raw_db

COUNCIL = """\
format = 1
version = "council-2027-01"

[[rule]]
id = "visits-need-a-manager"
description = "A welfare visit at night needs a manager within 30 minutes."
[rule.when]
decision = ["welfare_visit"]
[rule.then]
requires = "manager"
within_minutes = 30
verbal = true
confirm_within_hours = 6
"""
LATER = COUNCIL.replace("council-2027-01", "council-2027-02").replace(
    '"manager"', '"senior_manager"'
)


def _line(number: int, text: str) -> str:
    """COUNCIL with one line replaced (numbered from 1)."""
    lines = COUNCIL.splitlines()
    lines[number - 1] = text
    return "\n".join(lines) + "\n"


# Each refused file, the line its problem must be named at, and part of the message.
REFUSED = {
    "not TOML": (_line(2, 'version = "council-2027-01'), 2, "not valid TOML"),
    "an unknown field": (COUNCIL + "shout = true\n", 14, "unknown consequence 'shout'"),
    "an unknown decision": (_line(8, 'decision = ["moon_landing"]'), 8, "unknown decision"),
    "the day team to approve": (_line(10, 'requires = "day_team"'), 10, "cannot sign off"),
    "an administrator to approve": (_line(10, 'requires = "administrator"'), 10, "cannot sign"),
    "a grade that does not exist": (_line(10, 'requires = "wizard"'), 10, "cannot sign off"),
    "ages that never meet": (
        _line(8, 'decision = ["welfare_visit"]\nage_at_least = 5\nage_under = 5'),
        10,
        "contradict each other",
    ),
    "verbal without confirming": (_line(13, ""), 12, "add confirm_within_hours"),
    "a block that also requires": (_line(13, 'block = "No."'), 13, "both blocks"),
    "no rules": ('format = 1\nversion = "empty"\n', 1, "no [[rule]] entries"),
}


def _decided(session: SignedIn, **fields: Any):  # type: ignore[no-untyped-def]
    saved = create_enquiry(session, BASE | fields)
    return decide(session, saved.enquiry.id, BASE | fields, saved.enquiry.updated_at).enquiry


def _tables(paths: DeskPaths, key: bytes) -> dict[str, list[tuple[Any, ...]]]:
    with raw_db(paths.database, key) as db:
        return {t: dump_table(db, t) for t in ("signoffs", "signoff_rules", "enquiries")}


def test_an_administrator_installs_rules(admin, on_shift, approvers, paths, clock) -> None:  # type: ignore[no-untyped-def]
    before = _decided(on_shift, decision_type="welfare_visit")
    clock.advance(minutes=3)
    installed = rules.install_rules(admin, COUNCIL, "  /home/alex/council.toml ")
    sha = hashlib.sha256(COUNCIL.encode("utf-8")).hexdigest()
    assert (installed.rules.version, installed.source) == (
        "council-2027-01",
        "/home/alex/council.toml",
    )
    assert (installed.sha256, installed.installed_by) == (sha, admin.person.id)
    assert installed.installed_at == clock.now
    [event] = events_of_type(paths.database, admin.desk.db_key, "rules.installed")
    assert event["actor_id"] == admin.person.id
    assert event["payload"] == {
        "version": "council-2027-01",
        "sha256": sha,
        "source": "/home/alex/council.toml",
        "text": COUNCIL,
    }
    assert rules.rules_in_force(on_shift) == installed  # every session sees the same
    assert rules.rules_in_force(approvers["priya"]).rules.version == "council-2027-01"

    clock.advance(minutes=1)
    after = _decided(on_shift, decision_type="welfare_visit")
    found = signoff.signoff_of(on_shift, after.id)
    assert found is not None and found.state is SignoffState.AWAITING
    assert found.requirement.rules_version == "council-2027-01"
    assert found.requirement.rule_ids == ("visits-need-a-manager",)
    assert found.due_at == clock.now + timedelta(minutes=30)
    decided = events_of_type(paths.database, admin.desk.db_key, "enquiry.decided")
    assert [e["payload"]["signoff"]["rules_version"] for e in decided] == [
        "default-2026-11b",
        "council-2027-01",
    ]
    # A decision made before keeps the rules it was judged by.
    earlier = signoff.signoff_of(on_shift, before.id)
    assert earlier is not None and earlier.state is SignoffState.NOT_NEEDED
    assert earlier.requirement.rules_version == "default-2026-11b"
    approved = signoff.approve(approvers["morgan"], after.id, 1)
    assert approved.state is SignoffState.APPROVED
    [event] = events_of_type(paths.database, admin.desk.db_key, "signoff.approved")
    assert event["payload"] == {
        "version": 1,
        "rule_ids": ["visits-need-a-manager"],
        "rules_version": "council-2027-01",
        "comments": "",
    }


def test_a_later_file_replaces_an_earlier_one(admin, on_shift, approvers) -> None:  # type: ignore[no-untyped-def]
    rules.install_rules(admin, COUNCIL, "council.toml")
    rules.install_rules(admin, LATER, "council-feb.toml")
    assert rules.rules_in_force(on_shift).rules.version == "council-2027-02"
    enquiry = _decided(on_shift, decision_type="welfare_visit")
    found = signoff.signoff_of(on_shift, enquiry.id)
    assert found is not None and found.requirement.rules_version == "council-2027-02"
    with pytest.raises(signoff.SignoffRefused, match="senior manager or higher"):
        signoff.approve(approvers["morgan"], enquiry.id, 1)


@pytest.mark.parametrize("previous", ["default", "installed"])
def test_a_refused_file_names_the_line_and_changes_nothing(  # type: ignore[no-untyped-def]
    admin, on_shift, paths, previous: str
) -> None:
    if previous == "installed":
        rules.install_rules(admin, COUNCIL, "council.toml")
    expected = "council-2027-01" if previous == "installed" else "default-2026-11b"
    in_force = rules.rules_in_force(admin)
    installs = events_of_type(paths.database, admin.desk.db_key, "rules.installed")
    for case, (text, line, fragment) in REFUSED.items():
        tables = _tables(paths, admin.desk.db_key)
        with pytest.raises(RulesInvalid) as refused:
            rules.install_rules(admin, text, "bad.toml")
        problems = refused.value.problems
        assert line in {p.line for p in problems}, (case, problems)
        assert any(fragment in p.message for p in problems if p.line == line), (case, problems)
        assert f"bad.toml, line {line}: " in str(refused.value)
        assert "the rules in force are unchanged" in str(refused.value)
        assert rules.rules_in_force(on_shift) == in_force, case
        assert _tables(paths, admin.desk.db_key) == tables, case
        assert events_of_type(paths.database, admin.desk.db_key, "rules.installed") == installs
        # Decisions go on being judged by the rules that were in force.
        enquiry = _decided(on_shift, decision_type="welfare_visit")
        found = signoff.signoff_of(on_shift, enquiry.id)
        assert found is not None and found.requirement.rules_version == expected, case


def test_checking_a_file_installs_nothing(admin, paths) -> None:  # type: ignore[no-untyped-def]
    assert rules.check_rules(COUNCIL, "council.toml").version == "council-2027-01"
    with pytest.raises(RulesInvalid, match=r"council\.toml, line 10: "):
        rules.check_rules(REFUSED["the day team to approve"][0], "council.toml")
    assert rules.rules_in_force(admin).source == rules.DEFAULT_SOURCE
    assert events_of_type(paths.database, admin.desk.db_key, "rules.installed") == []


def test_only_an_administrator_installs_rules(admin, on_shift, approvers, paths) -> None:  # type: ignore[no-untyped-def]
    for session in (on_shift, *approvers.values()):
        with pytest.raises(Forbidden, match="may not install sign-off rules"):
            rules.install_rules(session, COUNCIL, "council.toml")
        with pytest.raises(Forbidden):  # refused before the file is even read
            rules.install_rules(session, "not = [toml", "council.toml")
    assert rules.rules_in_force(admin).source == rules.DEFAULT_SOURCE
    assert events_of_type(paths.database, admin.desk.db_key, "rules.installed") == []
    denied = events_of_type(paths.database, admin.desk.db_key, "access.denied")
    assert [d["payload"] for d in denied] == [{"action": "manage_rules"}] * 8
    assert [d["actor_id"] for d in denied[::2]] == [
        s.person.id for s in (on_shift, *approvers.values())
    ]


def _a_night_with_rules(admin, on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    """Rules installed twice, decisions approved, returned and revised, verbal sign-offs
    confirmed and disputed, and a refused file between."""
    plain = _decided(on_shift, decision_type="advice_nfa")
    signoff.approve(approvers["priya"], plain.id, 1, "Agreed.")
    clock.advance(minutes=4)
    rules.install_rules(admin, COUNCIL, "council.toml")
    visit = _decided(on_shift, decision_type="welfare_visit")
    signoff.return_decision(approvers["morgan"], visit.id, 1, "Ring the police first.")
    clock.advance(minutes=4)
    revised = save_enquiry(
        on_shift, visit.id, BASE | {"decision_type": "welfare_visit", "rationale": "Rang."},
        visit.updated_at,
    ).enquiry  # fmt: skip
    signoff.record_verbal(on_shift, visit.id, revised.version, "sasha", "phone", clock.now)
    clock.advance(minutes=30)
    signoff.confirm_verbal(approvers["sasha"], visit.id, revised.version, "Yes, agreed.")
    with pytest.raises(RulesInvalid):
        rules.install_rules(admin, REFUSED["not TOML"][0], "bad.toml")
    rules.install_rules(admin, LATER, "later.toml")
    clock.advance(minutes=4)
    other = _decided(on_shift, decision_type="welfare_visit")
    signoff.record_verbal(on_shift, other.id, 1, "sasha", "in_person", clock.now)
    signoff.dispute_verbal(approvers["sasha"], other.id, 1, "Not what I said.")
    _decided(on_shift, decision_type="welfare_visit")  # left awaiting


def test_rebuilding_reproduces_the_signoff_and_rules_tables(  # type: ignore[no-untyped-def]
    admin, on_shift, approvers, clock, paths
) -> None:
    _a_night_with_rules(admin, on_shift, approvers, clock)
    key = admin.desk.db_key
    live = _tables(paths, key)
    assert len(live["signoff_rules"]) == 2 and len(live["signoffs"]) == 4
    states = sorted(row[3] for row in live["signoffs"])
    assert states == ["approved", "awaiting", "confirmed", "disputed"]
    assert audit.rebuild_projections(admin) > 20
    assert _tables(paths, key) == live
    with raw_db(paths.database, key) as db:  # spoil them, and rebuild again
        db.execute("DELETE FROM signoff_rules WHERE position = 1")
        db.execute("UPDATE signoffs SET state = 'approved', author_id = 'someone'")
    assert _tables(paths, key) != live
    audit.rebuild_projections(admin)
    assert _tables(paths, key) == live
    assert rules.rules_in_force(on_shift).rules.version == "council-2027-02"


def test_the_rules_text_is_kept_whole_in_the_log(admin, paths) -> None:  # type: ignore[no-untyped-def]
    odd = COUNCIL.replace('"A welfare', "\"Siân's rule — a welfare") + "# ends without a newline"
    installed = rules.install_rules(admin, odd, "x" * 400)
    assert installed.source == "x" * rules.SOURCE_MAX  # a long path keeps its end
    [event] = events_of_type(paths.database, admin.desk.db_key, "rules.installed")
    assert event["payload"]["text"] == odd
    assert installed.rules.rules[0].description.startswith("Siân's rule")
