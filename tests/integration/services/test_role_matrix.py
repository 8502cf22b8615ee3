"""Every role against every service command: allowed or refused as the product rules say.

The expected outcome of each (role, command) is written out by hand below, not read from
``duty_desk.domain.roles``: a wrong grant in ``PERMISSIONS`` must fail here, not agree.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import duty_desk.services
from duty_desk.domain.alerts import Alert
from duty_desk.domain.custody_clocks import Thresholds
from duty_desk.domain.custody_figures import Figures
from duty_desk.domain.custody_records import Case, Provider
from duty_desk.domain.errors import Forbidden, NotFound
from duty_desk.domain.indicators import NOT_DECIDED, Count, Indicators
from duty_desk.domain.people import Person
from duty_desk.domain.records import Change, Contact, Draft, Enquiry, Page, Saved, Shift, Status
from duty_desk.domain.roles import PERMISSIONS, Grade, Permission, Role
from duty_desk.domain.signoff import Signoff, SignoffState
from duty_desk.services import (
    alerts,
    audit,
    custody,
    custody_figures,
    desk,
    drafts,
    enquiries,
    enquiry_lists,
    handover,
    indicators,
    people,
    providers,
    purge,
    reports,
    rules,
    shifts,
    signoff,
    sync,
)
from duty_desk.services.context import SignedIn
from duty_desk.services.documents import Printed
from duty_desk.services.enquiry_lists import ListQuery
from duty_desk.services.paths import DeskPaths
from duty_desk.store import alerts as alerts_store
from duty_desk.store import custody as custody_store
from duty_desk.store import enquiries as enquiry_store
from duty_desk.store.schema import AlertRow, CustodyRow, EnquiryRow, ProviderRow
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock
from tests.support import copy_desk, dump_table, event_rows, raw_db

NEW_PASSWORD = "a completely new phrase"


@dataclass(frozen=True)
class Command:
    # The permission the service checks, named in the refusal it records; None for a
    # command every signed-in person may run, which has no gate of its own.
    gate: Permission | None
    call: Callable[[SignedIn], Any]
    check: Callable[[SignedIn, Any], None]
    # Run before the person (of the role given) signs in, to put the desk in the state the
    # command needs.
    setup: Callable[[DeskPaths, Role], None] | None = None
    # A second permission that also allows the command (the refusal still names ``gate``).
    or_gate: Permission | None = None


def _added(session: SignedIn, person: Person) -> None:
    assert person.username == "newcomer"
    assert person.must_change_password


def _disabled(session: SignedIn, person: Person) -> None:
    assert person.username == "target"
    assert not person.active


def _reset(session: SignedIn, person: Person) -> None:
    assert person.must_change_password


def _listed(session: SignedIn, found: list[Person]) -> None:
    assert "target" in {p.username for p in found}


def _verified(session: SignedIn, result: audit.AuditResult) -> None:
    assert result.ok, result.describe()


# --- enquiries, shifts and drafts -------------------------------------------------------
# The template desk has a shift running, one draft enquiry received in it, and one
# autosaved draft per person who may record (key "form-<username>").

QUICK = {
    "channel": "police",
    "child_name": "Siân Llŷr",
    "child_dob": "2014-03-02",
    "concerns": ["neglect"],
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
ON_CALL = (Contact("Priya Senior", "07700 900123"), Contact("Morgan Manager", "07700 900456"))


def _enquiry(session: SignedIn) -> Enquiry:
    """The template's enquiry, read from the store: reading it this way is no service call."""
    with session.uow(read_only=True) as uow:
        enquiry_id = uow.session.execute(select(EnquiryRow.id)).scalar_one()
        found = enquiry_store.get_enquiry(uow.session, enquiry_id)
    assert found is not None
    return found


def _running(session: SignedIn) -> Shift:
    with session.uow(read_only=True) as uow:
        found = enquiry_store.open_shift(uow.session, session.desk.device_id)
    assert found is not None
    return found


def _save(session: SignedIn) -> Saved:
    enquiry = _enquiry(session)
    return enquiries.save_enquiry(
        session, enquiry.id, QUICK | {"narrative": "Seen at 02:00."}, enquiry.updated_at
    )


def _decide(session: SignedIn) -> Saved:
    enquiry = _enquiry(session)
    return enquiries.decide(session, enquiry.id, COMPLETE, enquiry.updated_at)


def _end_the_running_shift(paths: DeskPaths, role: Role) -> None:
    worker = desk.sign_in(paths, _username(Role.DUTY_SOCIAL_WORKER), PASSWORD, FakeClock())
    try:
        shifts.end_shift(worker, _running(worker).id)
    finally:
        desk.sign_out(worker)


def _created(session: SignedIn, saved: Saved) -> None:
    assert saved.enquiry.reference.startswith("EDT-261121-")
    assert saved.enquiry.status is Status.DRAFT
    assert saved.enquiry.shift_id == _running(session).id


def _saved(session: SignedIn, saved: Saved) -> None:
    assert saved.enquiry.content["narrative"] == "Seen at 02:00."


def _decided(session: SignedIn, saved: Saved) -> None:
    assert saved.enquiry.status is Status.DECIDED and not saved.problems


def _opened(session: SignedIn, enquiry: Enquiry) -> None:
    assert enquiry.content["child_name"] == "Siân Llŷr"


def _history(session: SignedIn, lines: list[Change]) -> None:
    assert lines[0].what == "Created"
    assert "child_name" in {line.field for line in lines}


def _listed_enquiry(session: SignedIn, page: Page) -> None:
    assert page.total == 1 and page.rows[0].child_name == "Siân Llŷr"


def _found(session: SignedIn, enquiry_id: str) -> None:
    assert enquiry_id == _enquiry(session).id


def _started(session: SignedIn, shift: Shift) -> None:
    assert shift.ended_at is None and shift.on_duty == ("Sam Worker",)
    assert _running(session) == shift


def _ended(session: SignedIn, shift: Shift) -> None:
    assert shift.ended_at is not None
    assert shifts.current_shift(session) is None


def _autosaved(session: SignedIn, result: None) -> None:
    keys = {d.key for d in drafts.pending_drafts(session)}
    assert keys == {"form-new", f"form-{session.person.username}"}


def _own_drafts(session: SignedIn, found: list[Draft]) -> None:
    assert [(d.key, d.content) for d in found] == [(f"form-{session.person.username}", QUICK)]


def _discarded(session: SignedIn, removed: bool) -> None:
    assert removed is True and drafts.pending_drafts(session) == []


# --- sign-off ---------------------------------------------------------------------------
# Set up per command: the duty social worker decides the template's enquiry "advice only"
# on a neglect concern at high risk, which needs a senior practitioner (with reasons) and
# allows a verbal sign-off; for confirming or disputing, the verbal is the signed-in
# person's when they hold a grade that could give it (else the senior practitioner's).

NO_FURTHER_ACTION = COMPLETE | {"decision_type": "advice_nfa"}


def _decided_by_the_worker(paths: DeskPaths, role: Role) -> None:
    worker = desk.sign_in(paths, _username(Role.DUTY_SOCIAL_WORKER), PASSWORD, FakeClock())
    try:
        enquiry = _enquiry(worker)
        enquiries.decide(worker, enquiry.id, NO_FURTHER_ACTION, enquiry.updated_at)
    finally:
        desk.sign_out(worker)


def _verbal_given(paths: DeskPaths, role: Role) -> None:
    _decided_by_the_worker(paths, role)
    grade = Grade.of(role)
    giver = role if grade and grade >= Grade.SENIOR_PRACTITIONER else Role.SENIOR_PRACTITIONER
    worker = desk.sign_in(paths, _username(Role.DUTY_SOCIAL_WORKER), PASSWORD, FakeClock())
    try:
        signoff.record_verbal(
            worker, _enquiry(worker).id, 1, _username(giver), "phone", worker.desk.clock()
        )
    finally:
        desk.sign_out(worker)


def _resolved(state: SignoffState) -> Callable[[SignedIn, Signoff], None]:
    def check(session: SignedIn, found: Signoff) -> None:
        assert found.state is state and found.version == 1
        assert found.resolved_by == session.person.id
        assert found.requirement.rule_ids == ("nfa-abuse", "high-risk-no-visit")

    return check


def _awaiting(session: SignedIn, found: Signoff | None) -> None:
    assert found is not None and found.state is SignoffState.AWAITING
    assert found.requirement.grade is Grade.SENIOR_PRACTITIONER


def _approvers(session: SignedIn, found: list[Person]) -> None:
    approving = {Role.SENIOR_PRACTITIONER, Role.MANAGER, Role.SENIOR_MANAGER}
    assert {p.role for p in found} == approving and len(found) == len(approving)


def _verbal_recorded(session: SignedIn, found: Signoff) -> None:
    assert found.state is SignoffState.VERBAL and found.verbal is not None
    assert found.verbal.approver_name == Role.MANAGER.label
    assert found.verbal.recorded_by == session.person.id


def _queued(session: SignedIn, items: list[signoff.QueueItem]) -> None:
    assert [(i.reference, i.to_confirm) for i in items] == [(_enquiry(session).reference, False)]


def _waiting_for(session: SignedIn, items: list[signoff.QueueItem]) -> None:
    mine = session.person.role is Role.DUTY_SOCIAL_WORKER  # the worker made the decision
    assert [i.enquiry_id for i in items] == ([_enquiry(session).id] if mine else [])


def _someone_else(session: SignedIn) -> str:
    other = Role.MANAGER if session.person.role is Role.SENIOR_PRACTITIONER else None
    return _username(other or Role.SENIOR_PRACTITIONER)


def _alongside(session: SignedIn, other: SignedIn) -> None:
    assert other.person.username == _someone_else(session) and other.desk is session.desk


COUNCIL_RULES = rules.default_text().replace('"default-2026-11b"', '"council-2027-01"')


def _installed(session: SignedIn, found: rules.RulesInForce) -> None:
    assert (found.rules.version, found.source) == ("council-2027-01", "council.toml")
    assert found.installed_by == session.person.id


# --- young people in police custody, the placements directory, the figures ------------
# The template's enquiry has one custody case (the request received at 22:50 UTC); the
# directory holds Larchfield House and, retired, Ashdown House.

CASE = {
    "custody_suite": "Marlbridge custody suite",
    "custody_number": "MB/55/1183",
    "yp_name": "Siân Llŷr",
    "age_at_charge": 12,
    "yp_gender": "female",
    "yp_ethnicity": "white",
    "yp_views": "I want to go to Nan's.",
}
REQUEST = {"kind": "request_received", "at": datetime(2026, 11, 21, 22, 50, tzinfo=UTC)}
REMAINED = {"outcome": "remained", "certificate_issued": False, "remained_reason": "No bed."}
PACE_DECISION = {
    "decision_type": "pace_non_secure",
    "rationale": "Emergency foster carers can take her tonight.",
    "risk_rating": "medium",
}
NIGHT = date(2026, 11, 21)


def _case(session: SignedIn) -> Case:
    """The template's custody case, read from the store (no service call)."""
    with session.uow(read_only=True) as uow:
        case_id = uow.session.execute(select(CustodyRow.id)).scalar_one()
        found = custody_store.get_case(uow.session, case_id)
    assert found is not None
    return found


def _provider(session: SignedIn, name: str) -> Provider:
    with session.uow(read_only=True) as uow:
        query = select(ProviderRow.id).where(ProviderRow.name == name)
        found = custody_store.get_provider(uow.session, uow.session.execute(query).scalar_one())
    assert found is not None
    return found


def _closed_by_the_worker(paths: DeskPaths, role: Role) -> None:
    worker = desk.sign_in(paths, _username(Role.DUTY_SOCIAL_WORKER), PASSWORD, FakeClock())
    try:
        case = _case(worker)
        custody.close_case(worker, case.id, REMAINED, case.updated_at)
    finally:
        desk.sign_out(worker)


def _add_charge(session: SignedIn) -> Case:
    case = _case(session)
    charge = {"kind": "charge", "at": datetime(2026, 11, 21, 22, 30, tzinfo=UTC)}
    return custody.add_step(session, case.id, charge, case.updated_at)


def _correct_request(session: SignedIn) -> Case:
    case = _case(session)
    step = REQUEST | {"note": "By phone."}
    return custody.correct_step(session, case.id, case.steps[0]["id"], step, case.updated_at)


def _withdraw_request(session: SignedIn) -> Case:
    case = _case(session)
    why = "Typed on the wrong case."
    return custody.withdraw_step(session, case.id, case.steps[0]["id"], why, case.updated_at)


def _step_changed(kinds: list[str]) -> Callable[[SignedIn, Case], None]:
    def check(session: SignedIn, case: Case) -> None:
        assert [step["kind"] for step in case.steps] == kinds
        assert case == _case(session)

    return check


def _case_opened(session: SignedIn, case: Case) -> None:
    assert case.reference == "CUS-261121-" + session.desk.device_id[:4].upper() + "-002"
    assert case.open and case.enquiry_id == _enquiry(session).id


def _case_decided(session: SignedIn, saved: Saved) -> None:
    assert saved.enquiry.status is Status.DECIDED and not saved.problems
    assert _case(session).decision_type == "pace_non_secure"


def _the_case(session: SignedIn, found: list[Case]) -> None:
    assert [case.id for case in found] == [_case(session).id]


def _directory(*names: str) -> Callable[[SignedIn, list[Provider]], None]:
    def check(session: SignedIn, found: list[Provider]) -> None:
        assert [provider.name for provider in found] == list(names)

    return check


def _one_request(session: SignedIn, found: Figures) -> None:
    assert (found.requests, found.still_open, found.non_secure) == (1, 1, 0)


def _exported(session: SignedIn, found: Figures) -> None:
    text = (session.desk.paths.root.parent / "figures.csv").read_text(encoding="utf-8")
    assert found.requests == 1 and "totals,,requests,1" in text
    assert "Siân" not in text and "MB/55/1183" not in text


CUSTODY: dict[str, Command] = {
    "custody.open_case": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: custody.open_case(s, CASE, enquiry_id=_enquiry(s).id),
        _case_opened,
    ),
    "custody.save_case": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: custody.save_case(
            s, _case(s).id, CASE | {"officer_name": "PC Dana Okafor"}, _case(s).updated_at
        ),
        lambda s, case: assert_true(case.content["officer_name"] == "PC Dana Okafor"),
    ),
    "custody.add_step": Command(
        Permission.RECORD_ENQUIRIES, _add_charge, _step_changed(["charge", "request_received"])
    ),
    "custody.correct_step": Command(
        Permission.RECORD_ENQUIRIES,
        _correct_request,
        lambda s, case: assert_true(case.steps[0].get("note") == "By phone."),
    ),
    "custody.withdraw_step": Command(
        Permission.RECORD_ENQUIRIES, _withdraw_request, _step_changed([])
    ),
    "custody.close_case": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: custody.close_case(s, _case(s).id, REMAINED, _case(s).updated_at),
        lambda s, case: assert_true(not case.open and case.content["outcome"] == "remained"),
    ),
    "custody.reopen_case": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: custody.reopen_case(s, _case(s).id, "Closed too soon.", _case(s).updated_at),
        lambda s, case: assert_true(case.open),
        setup=_closed_by_the_worker,
    ),
    "custody.decide": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: custody.decide(s, _case(s).id, PACE_DECISION),
        _case_decided,
    ),
    "custody.get_case": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: custody.get_case(s, _case(s).id),
        lambda s, case: assert_true(case.name == "Siân Llŷr"),
    ),
    "custody.find_case": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: custody.find_case(s, _case(s).reference.lower()),
        lambda s, found: assert_true(found == _case(s).id),
    ),
    "custody.open_cases": Command(Permission.VIEW_ENQUIRIES, custody.open_cases, _the_case),
    "custody.recent_cases": Command(Permission.VIEW_ENQUIRIES, custody.recent_cases, _the_case),
    "custody.thresholds": Command(
        None, custody.thresholds, lambda s, found: assert_true(found == Thresholds())
    ),
    # Read by those who record custody cases, and by the administrator who keeps it.
    "providers.providers": Command(
        Permission.RECORD_ENQUIRIES,
        providers.providers,
        _directory("Larchfield House"),
        or_gate=Permission.MANAGE_PROVIDERS,
    ),
    # The same function asked for the retired ones too: the administrator's view.
    "providers.providers[include_retired]": Command(
        Permission.MANAGE_PROVIDERS,
        lambda s: providers.providers(s, include_retired=True),
        _directory("Ashdown House", "Larchfield House"),
    ),
    "providers.add_provider": Command(
        Permission.MANAGE_PROVIDERS,
        lambda s: providers.add_provider(s, {"name": "Copperbeech Lodge", "accepts_pace": True}),
        lambda s, found: assert_true(found.active and found.type == "other"),
    ),
    "providers.change_provider": Command(
        Permission.MANAGE_PROVIDERS,
        lambda s: providers.change_provider(
            s, _provider(s, "Larchfield House").id, LARCHFIELD | {"phone": "01632 960734"}
        ),
        lambda s, found: assert_true(found.phone == "01632 960734" and found.accepts_pace),
    ),
    "providers.retire_provider": Command(
        Permission.MANAGE_PROVIDERS,
        lambda s: providers.retire_provider(s, _provider(s, "Larchfield House").id),
        lambda s, found: assert_true(not found.active),
    ),
    "providers.restore_provider": Command(
        Permission.MANAGE_PROVIDERS,
        lambda s: providers.restore_provider(s, _provider(s, "Ashdown House").id),
        lambda s, found: assert_true(found.active and found.name == "Ashdown House"),
    ),
    "custody_figures.monitoring": Command(
        Permission.VIEW_FIGURES,
        lambda s: custody_figures.monitoring(s, NIGHT, NIGHT),
        _one_request,
    ),
    "custody_figures.export_monitoring": Command(
        Permission.VIEW_FIGURES,
        lambda s: custody_figures.export_monitoring(
            s, NIGHT, NIGHT, s.desk.paths.root.parent / "figures.csv"
        ),
        _exported,
    ),
}
LARCHFIELD = {"name": "Larchfield House", "type": "childrens_home", "accepts_pace": True}


# --- the morning handover (issue 6) -------------------------------------------------------
# The template's night is its enquiry and its custody case; set up per command, the duty
# social worker submits it, and for the reference and the export the day team acknowledges
# the enquiry.


def _submitted_by_the_worker(paths: DeskPaths, role: Role) -> None:
    worker = desk.sign_in(paths, _username(Role.DUTY_SOCIAL_WORKER), PASSWORD, FakeClock())
    try:
        handover.submit_night(worker)
    finally:
        desk.sign_out(worker)


def _acknowledged_by_the_day_team(paths: DeskPaths, role: Role) -> None:
    _submitted_by_the_worker(paths, role)
    day = desk.sign_in(paths, _username(Role.DAY_TEAM), PASSWORD, FakeClock())
    try:
        handover.acknowledge(day, _enquiry(day).id)
    finally:
        desk.sign_out(day)


def _the_night(session: SignedIn, found: list[handover.NightItem]) -> None:
    assert [i.reference for i in found] == [_enquiry(session).reference, _case(session).reference]


def _handed_over(session: SignedIn, result: handover.SubmitResult) -> None:
    assert len(result.submitted) == 2 and len(result.awaiting) == 2
    assert result.due_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _two_waiting(session: SignedIn, found: handover.Inbox) -> None:
    assert {i.reference for i in found.items} == {
        _enquiry(session).reference,
        _case(session).reference,
    }


def _exported_handover(session: SignedIn, found: handover.Exported) -> None:
    text = found.path.read_text(encoding="utf-8")
    assert found.count == 1 and '"marking": "OFFICIAL-SENSITIVE"' in text


HANDOVER: dict[str, Command] = {
    "handover.night_items": Command(Permission.SUBMIT_HANDOVER, handover.night_items, _the_night),
    "handover.submit_night": Command(
        Permission.SUBMIT_HANDOVER, handover.submit_night, _handed_over
    ),
    "handover.sent_items": Command(
        Permission.SUBMIT_HANDOVER,
        handover.sent_items,
        _two_waiting,
        setup=_submitted_by_the_worker,
    ),
    "handover.inbox": Command(
        Permission.RECEIVE_HANDOVER, handover.inbox, _two_waiting, setup=_submitted_by_the_worker
    ),
    "handover.find_item": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: handover.find_item(s, _enquiry(s).reference.lower()),
        lambda s, found: assert_true(found == _enquiry(s).id),
        setup=_submitted_by_the_worker,
    ),
    "handover.acknowledge": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: handover.acknowledge(s, _enquiry(s).id),
        lambda s, item: assert_true(item.acknowledged_name == s.person.display_name),
        setup=_submitted_by_the_worker,
    ),
    "handover.return_item": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: handover.return_item(s, _enquiry(s).id, "No decision yet."),
        lambda s, item: assert_true(item.returned_reason == "No decision yet."),
        setup=_submitted_by_the_worker,
    ),
    "handover.record_reference": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: handover.record_reference(s, _enquiry(s).id, "LL-2026-1"),
        lambda s, item: assert_true(item.case_system_ref == "LL-2026-1"),
        setup=_acknowledged_by_the_day_team,
    ),
    "handover.export": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: handover.export(s, s.desk.paths.root.parent / "handover.json", "json"),
        _exported_handover,
        setup=_acknowledged_by_the_day_team,
    ),
}


# --- known-tonight alerts and the local purge (services/alerts.py, services/purge.py) ---
# Set up per command: the day team adds an alert about the template's child for tonight.

ALERT = {
    "child_name": "Siân Llŷr",
    "dob": "02/03/2014",
    "reason": "Mother's partner released from custody today.",
    "plan": "Place with Nan; police aware.",
    "contact": "Jo Day, 07700 900111",
}


def _alert_added(paths: DeskPaths, role: Role) -> None:
    day = desk.sign_in(paths, _username(Role.DAY_TEAM), PASSWORD, FakeClock())
    try:
        alerts.add_alert(day, ALERT)
    finally:
        desk.sign_out(day)


def _alert(session: SignedIn) -> Alert:
    """The alert set up, read from the store (no service call)."""
    with session.uow(read_only=True) as uow:
        alert_id = uow.session.execute(select(AlertRow.id)).scalar_one()
        found = alerts_store.get_alert(uow.session, alert_id)
    assert found is not None
    return found


def _the_alert(session: SignedIn, found: list[Alert]) -> None:
    assert [a.id for a in found] == [_alert(session).id]


ALERTS: dict[str, Command] = {
    "alerts.add_alert": Command(
        Permission.MANAGE_ALERTS,
        lambda s: alerts.add_alert(s, ALERT),
        lambda s, found: assert_true(found.active and found.dob == "2014-03-02"),
    ),
    "alerts.change_alert": Command(
        Permission.MANAGE_ALERTS,
        lambda s: alerts.change_alert(
            s, _alert(s).id, {"plan": "Foster carer"}, _alert(s).updated_at
        ),
        lambda s, found: assert_true(found.plan == "Foster carer" and found == _alert(s)),
        setup=_alert_added,
    ),
    "alerts.retire_alert": Command(
        Permission.MANAGE_ALERTS,
        lambda s: alerts.retire_alert(s, _alert(s).id, _alert(s).updated_at),
        lambda s, found: assert_true(not found.active),
        setup=_alert_added,
    ),
    # Read by whoever reads children's records, and by those who keep the alerts.
    "alerts.list_alerts": Command(
        Permission.VIEW_ENQUIRIES,
        alerts.list_alerts,
        _the_alert,
        setup=_alert_added,
        or_gate=Permission.MANAGE_ALERTS,
    ),
    "alerts.list_alerts[include_retired]": Command(
        Permission.MANAGE_ALERTS,
        lambda s: alerts.list_alerts(s, include_retired=True),
        _the_alert,
        setup=_alert_added,
    ),
    "alerts.matching_alerts": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: alerts.matching_alerts(s, "sian llyr", "2014-03-02", NIGHT),
        _the_alert,
        setup=_alert_added,
    ),
    "purge.purge_now": Command(
        Permission.PURGE,
        purge.purge_now,
        lambda s, found: assert_true(found.purged == () and not found.dry_run),
    ),
}


# --- sync with the day service (issue 6) ---------------------------------------------------
# The template desk's embedded SQLite day service (day-service.sqlite in its data directory).


def _pushed(session: SignedIn, report: Any) -> None:
    assert report.pushed > 0 and report.acked_seq == sync.status(session).acked_seq


def _no_such_conflict(session: SignedIn) -> str:
    try:
        sync.resolve_conflict(session, "00000000-0000-0000-0000-000000000000")
    except NotFound:
        return "none"
    return "resolved"


SYNC: dict[str, Command] = {
    "sync.configure": Command(
        Permission.CONFIGURE_SYNC,
        lambda s: sync.configure(s, f"sqlite:///{s.desk.paths.root / 'shared.sqlite'}", "north"),
        lambda s, found: assert_true(found.team == "north" and sync.connection(s.desk) == found),
    ),
    "sync.sync_now": Command(Permission.SYNC, sync.sync_now, _pushed),
    "sync.status": Command(
        Permission.SYNC, sync.status, lambda s, found: assert_true(found.own_seq > 0)
    ),
    "sync.record_states": Command(
        Permission.SYNC,
        lambda s: sync.record_states(s, [_enquiry(s).id]),
        lambda s, found: assert_true(list(found.values()) == [sync.RecordState.HERE_ONLY]),
    ),
    "sync.list_conflicts": Command(
        Permission.RESOLVE_CONFLICTS,
        sync.list_conflicts,
        lambda s, found: assert_true(found == []),
    ),
    "sync.resolve_conflict": Command(
        Permission.RESOLVE_CONFLICTS,
        _no_such_conflict,
        lambda s, found: assert_true(found == "none"),
    ),
}


# Every public service function whose first argument is a SignedIn, with how to run it
# ("name[variant]" runs the same function another way, under another gate).
def _indicators_counted(session: SignedIn, found: Indicators) -> None:
    assert (found.enquiries, found.custody_requests) == (1, 1)
    assert found.by_decision == (Count(NOT_DECIDED, 1),)
    assert "Siân" not in repr(found)


def _printed(name: str) -> Callable[[SignedIn, Printed], None]:
    def check(session: SignedIn, found: Printed) -> None:
        assert found.path == session.desk.paths.root.parent / name
        assert found.path.read_bytes().startswith(b"%PDF") and found.pages >= 1
        assert not found.encrypted

    return check


def _packed(session: SignedIn, found: Any) -> None:
    expected = {_enquiry(session).reference, _case(session).reference}
    assert {item.reference for item in found.items} == expected
    assert found.counts.not_acknowledged == 2


def _pdf(session: SignedIn, found: Printed) -> None:
    assert found.pages >= 1 and found.path.read_bytes().startswith(b"%PDF")


REPORTS: dict[str, Command] = {
    "reports.pack_contents": Command(
        Permission.RECEIVE_HANDOVER, reports.pack_contents, _packed, setup=_submitted_by_the_worker
    ),
    "reports.handover_pack": Command(
        Permission.RECEIVE_HANDOVER,
        lambda s: reports.handover_pack(s, s.desk.paths.root.parent / "pack.pdf"),
        _pdf,
        setup=_submitted_by_the_worker,
    ),
    "reports.decision_record": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: reports.decision_record(
            s, _enquiry(s).id, s.desk.paths.root.parent / "record.pdf"
        ),
        _pdf,
    ),
    "reports.custody_log": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: reports.custody_log(s, _case(s).id, s.desk.paths.root.parent / "log.pdf"),
        _pdf,
    ),
}
INDICATORS: dict[str, Command] = {
    "indicators.indicators": Command(
        Permission.VIEW_FIGURES,
        lambda s: indicators.indicators(s, NIGHT, NIGHT),
        _indicators_counted,
    ),
    "indicators.indicators_report": Command(
        Permission.VIEW_FIGURES,
        lambda s: indicators.indicators_report(
            s, NIGHT, NIGHT, s.desk.paths.root.parent / "indicators.pdf"
        ),
        _printed("indicators.pdf"),
    ),
    "indicators.monitoring_report": Command(
        Permission.VIEW_FIGURES,
        lambda s: indicators.monitoring_report(
            s, NIGHT, NIGHT, s.desk.paths.root.parent / "monitoring.pdf"
        ),
        _printed("monitoring.pdf"),
    ),
}


MATRIX: dict[str, Command] = {
    "people.list_people": Command(Permission.VIEW_PEOPLE, people.list_people, _listed),
    "people.add_person": Command(
        Permission.MANAGE_PEOPLE,
        lambda s: people.add_person(s, "newcomer", "New Comer", Role.DAY_TEAM, NEW_PASSWORD),
        _added,
    ),
    "people.disable_person": Command(
        Permission.MANAGE_PEOPLE, lambda s: people.disable_person(s, "target"), _disabled
    ),
    "people.reset_password": Command(
        Permission.MANAGE_PEOPLE, lambda s: people.reset_password(s, "target", NEW_PASSWORD), _reset
    ),
    "people.change_own_password": Command(
        Permission.CHANGE_OWN_PASSWORD,
        lambda s: people.change_own_password(s, PASSWORD, NEW_PASSWORD),
        lambda s, _: assert_true(desk.check_password(s, NEW_PASSWORD)),
    ),
    "audit.verify_log": Command(Permission.VERIFY_AUDIT, audit.verify_log, _verified),
    "audit.rebuild_projections": Command(
        Permission.REBUILD_PROJECTIONS,
        audit.rebuild_projections,
        lambda s, count: assert_true(count > 10),
    ),
    "desk.check_password": Command(
        None, lambda s: desk.check_password(s, PASSWORD), lambda s, ok: assert_true(ok is True)
    ),
    "desk.lock": Command(None, desk.lock, lambda s, _: None),
    "desk.unlock": Command(None, lambda s: desk.unlock(s, PASSWORD), lambda s, _: None),
    "desk.sign_out": Command(None, desk.sign_out, lambda s, _: None),
    "enquiries.create_enquiry": Command(
        Permission.RECORD_ENQUIRIES, lambda s: enquiries.create_enquiry(s, QUICK), _created
    ),
    "enquiries.save_enquiry": Command(Permission.RECORD_ENQUIRIES, _save, _saved),
    "enquiries.decide": Command(Permission.RECORD_ENQUIRIES, _decide, _decided),
    "enquiries.open_enquiry": Command(
        Permission.VIEW_ENQUIRIES, lambda s: enquiries.open_enquiry(s, _enquiry(s).id), _opened
    ),
    "enquiries.history": Command(
        Permission.VIEW_ENQUIRIES, lambda s: enquiries.history(s, _enquiry(s).id), _history
    ),
    "enquiry_lists.list_enquiries": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: enquiry_lists.list_enquiries(s, ListQuery(text="sian")),
        _listed_enquiry,
    ),
    "enquiry_lists.count_enquiries": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: enquiry_lists.count_enquiries(s, ListQuery(shift_id=_running(s).id)),
        lambda s, count: assert_true(count == 1),
    ),
    "enquiry_lists.previous_contacts": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: enquiry_lists.previous_contacts(s, "SIAN LLYR", "2014-03-02"),
        lambda s, found: assert_true([c.id for c in found] == [_enquiry(s).id]),
    ),
    "enquiry_lists.find_by_reference": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: enquiry_lists.find_by_reference(s, _enquiry(s).reference.lower()),
        _found,
    ),
    "shifts.current_shift": Command(
        Permission.VIEW_ENQUIRIES,
        shifts.current_shift,
        lambda s, shift: assert_true(shift is not None and shift.senior == ON_CALL[0]),
    ),
    "shifts.start_shift": Command(
        Permission.RUN_SHIFTS,
        lambda s: shifts.start_shift(s, ["Sam Worker"], *ON_CALL),
        _started,
        setup=_end_the_running_shift,
    ),
    "shifts.end_shift": Command(
        Permission.RUN_SHIFTS, lambda s: shifts.end_shift(s, _running(s).id), _ended
    ),
    "drafts.autosave": Command(
        Permission.RECORD_ENQUIRIES, lambda s: drafts.autosave(s, "form-new", QUICK), _autosaved
    ),
    "drafts.pending_drafts": Command(
        Permission.RECORD_ENQUIRIES, drafts.pending_drafts, _own_drafts
    ),
    "drafts.discard_draft": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: drafts.discard_draft(s, f"form-{s.person.username}"),
        _discarded,
    ),
    "rules.rules_in_force": Command(
        None,
        rules.rules_in_force,
        lambda s, found: assert_true(found.rules.version == "default-2026-11b"),
    ),
    "rules.install_rules": Command(
        Permission.MANAGE_RULES,
        lambda s: rules.install_rules(s, COUNCIL_RULES, "council.toml"),
        _installed,
    ),
    "signoff.signoff_of": Command(
        Permission.VIEW_ENQUIRIES,
        lambda s: signoff.signoff_of(s, _enquiry(s).id),
        _awaiting,
        setup=_decided_by_the_worker,
    ),
    "signoff.approve": Command(
        Permission.SIGN_OFF,
        lambda s: signoff.approve(s, _enquiry(s).id, 1, "Agreed: safe at Nan's tonight."),
        _resolved(SignoffState.APPROVED),
        setup=_decided_by_the_worker,
    ),
    "signoff.return_decision": Command(
        Permission.SIGN_OFF,
        lambda s: signoff.return_decision(s, _enquiry(s).id, 1, "Visit tonight instead."),
        _resolved(SignoffState.RETURNED),
        setup=_decided_by_the_worker,
    ),
    "signoff.approvers_for": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: signoff.approvers_for(s, _enquiry(s).id),
        _approvers,
        setup=_decided_by_the_worker,
    ),
    "signoff.record_verbal": Command(
        Permission.RECORD_ENQUIRIES,
        lambda s: signoff.record_verbal(
            s, _enquiry(s).id, 1, _username(Role.MANAGER), "in_person", s.desk.clock()
        ),
        _verbal_recorded,
        setup=_decided_by_the_worker,
    ),
    "signoff.confirm_verbal": Command(
        Permission.SIGN_OFF,
        lambda s: signoff.confirm_verbal(s, _enquiry(s).id, 1),
        _resolved(SignoffState.CONFIRMED),
        setup=_verbal_given,
    ),
    "signoff.dispute_verbal": Command(
        Permission.SIGN_OFF,
        lambda s: signoff.dispute_verbal(s, _enquiry(s).id, 1, "I said visit tonight."),
        _resolved(SignoffState.DISPUTED),
        setup=_verbal_given,
    ),
    "signoff.queue": Command(
        Permission.SIGN_OFF, signoff.queue, _queued, setup=_decided_by_the_worker
    ),
    "signoff.my_waiting": Command(
        Permission.VIEW_ENQUIRIES, signoff.my_waiting, _waiting_for, setup=_decided_by_the_worker
    ),
    "desk.sign_in_alongside": Command(
        None, lambda s: desk.sign_in_alongside(s, _someone_else(s), PASSWORD), _alongside
    ),
    "desk.sign_out_alongside": Command(None, desk.sign_out_alongside, lambda s, _: None),
    **CUSTODY,
    **HANDOVER,
    **ALERTS,
    **SYNC,
    **INDICATORS,
    **REPORTS,
}

# Who may run what, from the product rules: the administrator may do everything; a
# manager or senior manager may also list people and verify the audit log; everyone may
# change their own password and lock, unlock, check their password and sign out; only the
# administrator may add, disable or reset people, rebuild projections and install sign-off
# rules. Duty social workers, senior practitioners, managers and senior managers record
# enquiries, read them and run shifts; the day team only reads them (and sees the running
# shift); the administrator, who runs the desk, does none of these: children's records
# are not theirs to read. Senior practitioners, managers and senior managers sign off
# decisions (approve, return, confirm or dispute a verbal sign-off, see their queue);
# anyone may read the rules in force and sign in alongside. Custody cases are recorded
# and read like enquiries, and the placements directory is read by those who record
# them and by the administrator, who alone keeps it and sees retired placements. The
# monitoring figures, aggregate only, are for managers, senior managers, the day team
# and the administrator; anyone may read the warning thresholds. The day team, managers
# and senior managers keep the known-tonight alerts; whoever reads children's records
# reads them and sees those matching a child; only the administrator purges this laptop
# now. Y: allowed, N: refused.
Y, N = True, False
ROLES = (
    Role.DUTY_SOCIAL_WORKER,
    Role.SENIOR_PRACTITIONER,
    Role.DAY_TEAM,
    Role.MANAGER,
    Role.SENIOR_MANAGER,
    Role.ADMINISTRATOR,
)
# fmt: off
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                                  social  senior  day  manager  senior_mgr  admin
    "people.list_people":              (N,      N,      N,   Y,       Y,          Y),
    "people.add_person":               (N,      N,      N,   N,       N,          Y),
    "people.disable_person":           (N,      N,      N,   N,       N,          Y),
    "people.reset_password":           (N,      N,      N,   N,       N,          Y),
    "people.change_own_password":      (Y,      Y,      Y,   Y,       Y,          Y),
    "audit.verify_log":                (N,      N,      N,   Y,       Y,          Y),
    "audit.rebuild_projections":       (N,      N,      N,   N,       N,          Y),
    "desk.check_password":             (Y,      Y,      Y,   Y,       Y,          Y),
    "desk.lock":                       (Y,      Y,      Y,   Y,       Y,          Y),
    "desk.unlock":                     (Y,      Y,      Y,   Y,       Y,          Y),
    "desk.sign_out":                   (Y,      Y,      Y,   Y,       Y,          Y),
    "desk.sign_in_alongside":          (Y,      Y,      Y,   Y,       Y,          Y),
    "desk.sign_out_alongside":         (Y,      Y,      Y,   Y,       Y,          Y),
    "enquiries.create_enquiry":        (Y,      Y,      N,   Y,       Y,          N),
    "enquiries.save_enquiry":          (Y,      Y,      N,   Y,       Y,          N),
    "enquiries.decide":                (Y,      Y,      N,   Y,       Y,          N),
    "enquiries.open_enquiry":          (Y,      Y,      Y,   Y,       Y,          N),
    "enquiries.history":               (Y,      Y,      Y,   Y,       Y,          N),
    "enquiry_lists.list_enquiries":    (Y,      Y,      Y,   Y,       Y,          N),
    "enquiry_lists.count_enquiries":   (Y,      Y,      Y,   Y,       Y,          N),
    "enquiry_lists.previous_contacts": (Y,      Y,      Y,   Y,       Y,          N),
    "enquiry_lists.find_by_reference": (Y,      Y,      Y,   Y,       Y,          N),
    "shifts.current_shift":            (Y,      Y,      Y,   Y,       Y,          N),
    "shifts.start_shift":              (Y,      Y,      N,   Y,       Y,          N),
    "shifts.end_shift":                (Y,      Y,      N,   Y,       Y,          N),
    "drafts.autosave":                 (Y,      Y,      N,   Y,       Y,          N),
    "drafts.pending_drafts":           (Y,      Y,      N,   Y,       Y,          N),
    "drafts.discard_draft":            (Y,      Y,      N,   Y,       Y,          N),
    "rules.rules_in_force":            (Y,      Y,      Y,   Y,       Y,          Y),
    "rules.install_rules":             (N,      N,      N,   N,       N,          Y),
    "signoff.signoff_of":              (Y,      Y,      Y,   Y,       Y,          N),
    "signoff.my_waiting":              (Y,      Y,      Y,   Y,       Y,          N),
    "signoff.approvers_for":           (Y,      Y,      N,   Y,       Y,          N),
    "signoff.record_verbal":           (Y,      Y,      N,   Y,       Y,          N),
    "signoff.approve":                 (N,      Y,      N,   Y,       Y,          N),
    "signoff.return_decision":         (N,      Y,      N,   Y,       Y,          N),
    "signoff.confirm_verbal":          (N,      Y,      N,   Y,       Y,          N),
    "signoff.dispute_verbal":          (N,      Y,      N,   Y,       Y,          N),
    "signoff.queue":                   (N,      Y,      N,   Y,       Y,          N),
    "custody.open_case":               (Y,      Y,      N,   Y,       Y,          N),
    "custody.save_case":               (Y,      Y,      N,   Y,       Y,          N),
    "custody.add_step":                (Y,      Y,      N,   Y,       Y,          N),
    "custody.correct_step":            (Y,      Y,      N,   Y,       Y,          N),
    "custody.withdraw_step":           (Y,      Y,      N,   Y,       Y,          N),
    "custody.close_case":              (Y,      Y,      N,   Y,       Y,          N),
    "custody.reopen_case":             (Y,      Y,      N,   Y,       Y,          N),
    "custody.decide":                  (Y,      Y,      N,   Y,       Y,          N),
    "custody.get_case":                (Y,      Y,      Y,   Y,       Y,          N),
    "custody.find_case":               (Y,      Y,      Y,   Y,       Y,          N),
    "custody.open_cases":              (Y,      Y,      Y,   Y,       Y,          N),
    "custody.recent_cases":            (Y,      Y,      Y,   Y,       Y,          N),
    "custody.thresholds":              (Y,      Y,      Y,   Y,       Y,          Y),
    "providers.providers":             (Y,      Y,      N,   Y,       Y,          Y),
    "providers.providers[include_retired]": (N, N,      N,   N,       N,          Y),
    "providers.add_provider":          (N,      N,      N,   N,       N,          Y),
    "providers.change_provider":       (N,      N,      N,   N,       N,          Y),
    "providers.retire_provider":       (N,      N,      N,   N,       N,          Y),
    "providers.restore_provider":      (N,      N,      N,   N,       N,          Y),
    "custody_figures.monitoring":      (N,      N,      Y,   Y,       Y,          Y),
    "custody_figures.export_monitoring": (N,    N,      Y,   Y,       Y,          Y),
    "indicators.indicators":           (N,      N,      Y,   Y,       Y,          Y),
    "indicators.indicators_report":    (N,      N,      Y,   Y,       Y,          Y),
    "indicators.monitoring_report":    (N,      N,      Y,   Y,       Y,          Y),
    "reports.pack_contents":           (N,      N,      Y,   N,       N,          N),
    "reports.handover_pack":           (N,      N,      Y,   N,       N,          N),
    "reports.decision_record":         (Y,      Y,      Y,   Y,       Y,          N),
    "reports.custody_log":             (Y,      Y,      Y,   Y,       Y,          N),
    # The morning handover: practitioners submit the night; the day team receives it.
    "handover.night_items":            (Y,      Y,      N,   Y,       Y,          N),
    "handover.submit_night":           (Y,      Y,      N,   Y,       Y,          N),
    "handover.sent_items":             (Y,      Y,      N,   Y,       Y,          N),
    "handover.inbox":                  (N,      N,      Y,   N,       N,          N),
    "handover.find_item":              (N,      N,      Y,   N,       N,          N),
    "handover.acknowledge":            (N,      N,      Y,   N,       N,          N),
    "handover.return_item":            (N,      N,      Y,   N,       N,          N),
    "handover.record_reference":       (N,      N,      Y,   N,       N,          N),
    "handover.export":                 (N,      N,      Y,   N,       N,          N),
    "alerts.add_alert":                (N,      N,      Y,   Y,       Y,          N),
    "alerts.change_alert":             (N,      N,      Y,   Y,       Y,          N),
    "alerts.retire_alert":             (N,      N,      Y,   Y,       Y,          N),
    "alerts.list_alerts":              (Y,      Y,      Y,   Y,       Y,          N),
    "alerts.list_alerts[include_retired]": (N,  N,      Y,   Y,       Y,          N),
    "alerts.matching_alerts":          (Y,      Y,      Y,   Y,       Y,          N),
    "purge.purge_now":                 (N,      N,      N,   N,       N,          Y),
    "sync.configure":                  (N,      N,      N,   N,       N,          Y),
    "sync.sync_now":                   (Y,      Y,      Y,   Y,       Y,          Y),
    "sync.status":                     (Y,      Y,      Y,   Y,       Y,          Y),
    "sync.record_states":              (Y,      Y,      Y,   Y,       Y,          Y),
    "sync.list_conflicts":             (Y,      Y,      N,   Y,       Y,          N),
    "sync.resolve_conflict":           (Y,      Y,      N,   Y,       Y,          N),
}
# fmt: on


def allowed(role: Role, command: str) -> bool:
    return EXPECTED[command][ROLES.index(role)]


# Not commands: the gate itself. Functions that take no SignedIn (desk.sign_in,
# desk.create_desk, rules.check_rules, ...) act before anyone is signed in, or read no
# desk at all, so they are not commands here.
# Not user actions: the gate itself, and a step another service takes inside its own unit
# of work after its own gate (custody.open_case records its police enquiry this way).
# Helpers, not commands: each is called by a gated service after its own check (the
# reports and indicators documents call documents.produce, which calls documents.meta and
# documents.save).
EXEMPT = {"authz.authorize", "enquiries.record_created", "documents.meta", "documents.save",
          "documents.produce"}  # fmt: skip


def assert_true(value: object) -> None:
    assert value is True


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskPaths]:
    paths = DeskPaths(tmp_path_factory.mktemp("matrix") / "desk")
    admin = desk.create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, FakeClock())
    session = admin.session
    for role in Role:
        name = "Sam Worker" if role is Role.DUTY_SOCIAL_WORKER else role.label
        people.add_person(
            session, _username(role), name, role, PASSWORD, must_change_password=False
        )
    people.add_person(session, "target", "Tara Target", Role.DUTY_SOCIAL_WORKER, PASSWORD)
    providers.add_provider(session, LARCHFIELD)
    ashdown = providers.add_provider(session, {"name": "Ashdown House"})
    providers.retire_provider(session, ashdown.id)
    desk.sign_out(session)
    _tonight(paths)
    yield paths
    desk.remove_desk(paths)


def _username(role: Role) -> str:
    return role.value.replace("_", "")[:12]


def _tonight(paths: DeskPaths) -> None:
    """A shift running, one enquiry in it with a custody case, and a draft of each person
    who may record."""
    for role in (
        Role.DUTY_SOCIAL_WORKER,
        Role.SENIOR_PRACTITIONER,
        Role.MANAGER,
        Role.SENIOR_MANAGER,
    ):
        session = desk.sign_in(paths, _username(role), PASSWORD, FakeClock())
        try:
            if role is Role.DUTY_SOCIAL_WORKER:
                shifts.start_shift(session, ["Sam Worker"], *ON_CALL)
                enquiry = enquiries.create_enquiry(session, QUICK).enquiry
                case = custody.open_case(session, CASE, enquiry_id=enquiry.id)
                custody.add_step(session, case.id, REQUEST, case.updated_at)
            drafts.autosave(session, f"form-{session.person.username}", QUICK)
        finally:
            desk.sign_out(session)


TABLES = (
    "people",
    "desk",
    "alembic_version",
    "shifts",
    "enquiries",
    "enquiry_children",
    "drafts",
    "signoffs",
    "signoff_rules",
    "custody_cases",
    "providers",
    "handover_items",
)


def _snapshot(session: SignedIn) -> dict[str, Any]:
    with raw_db(session.desk.paths.database, session.desk.db_key) as db:
        tables = {t: dump_table(db, t) for t in TABLES}
        return {"events": event_rows(db), "tables": tables}


@pytest.mark.parametrize("command", sorted(MATRIX))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_may_run_command_exactly_as_the_rules_say(
    template: DeskPaths, tmp_path: Path, role: Role, command: str
) -> None:
    paths = copy_desk(template, tmp_path / "desk")
    spec = MATRIX[command]
    if spec.setup is not None:
        spec.setup(paths, role)
    session = desk.sign_in(paths, _username(role), PASSWORD, FakeClock())
    try:
        assert session.person.role is role
        before = _snapshot(session)
        keyfile_before = paths.keyfile.read_bytes()
        if allowed(role, command):
            spec.check(session, spec.call(session))
            return
        assert spec.gate is not None, f"{command} is refused to someone but has no gate"
        with pytest.raises(Forbidden, match=f"^An? {role.label.lower()} may not "):
            spec.call(session)
        after = _snapshot(session)
        assert after["tables"] == before["tables"]
        assert paths.keyfile.read_bytes() == keyfile_before
        assert after["events"][:-1] == before["events"]
        denied = after["events"][-1]
        assert denied[6] == "access.denied"
        assert (denied[5], denied[8], denied[9]) == (session.person.id,) * 2 + (role.value,)
        assert json.loads(denied[7]) == {"action": spec.gate.value}
    finally:
        session.desk.close()


def _service_functions() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(duty_desk.services.__path__):
        module = importlib.import_module(f"duty_desk.services.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:
                continue
            params = list(inspect.signature(func).parameters)
            if params and typing.get_type_hints(func).get(params[0]) is SignedIn:
                found.add(f"{info.name}.{name}")
    return found


def test_matrix_lists_every_service_command() -> None:
    found = _service_functions()
    assert {"people.add_person", "audit.verify_log"} <= found  # the scan itself works
    listed = {name.split("[")[0] for name in MATRIX}
    missing = found - listed - EXEMPT
    assert not missing, f"add these service commands to MATRIX and EXPECTED: {missing}"
    assert not (listed | EXEMPT) - found, "MATRIX names functions that no longer exist"


def test_the_expected_table_covers_every_role_and_command() -> None:
    assert sorted(ROLES) == sorted(Role)
    assert set(EXPECTED) == set(MATRIX)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


def test_the_expected_table_and_the_permissions_agree() -> None:
    # A change to PERMISSIONS or to the table above must change the other too. A command
    # with no gate of its own is open to every role.
    from_permissions = {
        name: {r for r in Role if spec.gate is None or {spec.gate, spec.or_gate} & PERMISSIONS[r]}
        for name, spec in MATRIX.items()
    }
    from_table = {name: {r for r in Role if allowed(r, name)} for name in MATRIX}
    assert from_permissions == from_table
