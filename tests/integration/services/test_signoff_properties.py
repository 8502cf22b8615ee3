"""Generated nights of sign-off, through the real services on a real SQLCipher desk.

A hypothesis state machine plays a night: decisions of every kind (needing a senior
practitioner, a manager, a senior manager or nobody; abuse concerns or none; babies and
teenagers; the child's voice recorded, explained or missing), revisions by anyone, approvals
and returns by anyone (the author, the too junior, the day team, the administrator, for the
current or an old version), verbal sign-offs recorded, confirmed and disputed by anyone, the
clock moving on, and events forged straight into the log.

After every step an oracle folded from the event log alone (never the projection) must agree
with the sign-off projection, and: no decision a rule covers is final without an approval of
its current version by someone other than its author, of the grade required or higher; the
rules evaluated again on the version's own content give the same requirement; every call the
oracle says must be refused is refused (``SignoffRefused``, ``ValidationError`` or
``Forbidden``, recording nothing but the refusal), and every call it allows succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry import with_changes
from duty_desk.domain.errors import Forbidden, ValidationError
from duty_desk.domain.events import Actor, Event, NewEvent, parse_instant
from duty_desk.domain.records import Contact, Enquiry, Status
from duty_desk.domain.roles import Grade, Permission, Role, may
from duty_desk.domain.signoff import HOW, Signoff, SignoffState
from duty_desk.domain.signoff_rules import Requirement, RuleSet, facts_of
from duty_desk.services import desk, enquiries, people, rules, shifts, signoff
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.services.signoff import SignoffRefused
from duty_desk.store import enquiries as enquiry_store
from duty_desk.store import signoffs as signoff_store
from duty_desk.store.event_log import from_row
from duty_desk.store.schema import EnquiryRow, EventRow, SignoffRow
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock

pytestmark = pytest.mark.slow

PEOPLE = {
    "sam": ("Sam Worker", Role.DUTY_SOCIAL_WORKER),
    "jo": ("Jo Second", Role.DUTY_SOCIAL_WORKER),
    "priya": ("Priya Senior", Role.SENIOR_PRACTITIONER),
    "pat": ("Pat Senior", Role.SENIOR_PRACTITIONER),
    "morgan": ("Morgan Manager", Role.MANAGER),
    "sasha": ("Sasha Director", Role.SENIOR_MANAGER),
    "dana": ("Dana Day", Role.DAY_TEAM),
    "admin": ("Alex Administrator", Role.ADMINISTRATOR),
}
REFUSALS = (SignoffRefused, ValidationError, Forbidden)

# welfare_visit needs nothing; advice_nfa a senior practitioner on an abuse concern;
# pass_to_day_screening one at high risk; police_protection a manager; pace_secure_provided
# a senior manager; any decision about a child under 2 a senior practitioner.
DECISIONS = st.sampled_from(
    ["welfare_visit", "advice_nfa", "pass_to_day_screening", "police_protection",
     "pace_secure_provided", "cp_medical"]
)  # fmt: skip
CONCERNS = st.lists(
    st.sampled_from(["neglect", "domestic_abuse", "missing", "custody"]), max_size=2
)
RISKS = st.sampled_from(["low", "medium", "high", "critical"])
AGES = st.sampled_from(
    [{"child_age": 0}, {"child_age": 1}, {"child_age": 2}, {"child_age": 16},
     {"child_dob": "2025-09-30"}, {"child_dob": "2014-03-02"},
     {"child_age": 9, "child_dob": "2025-01-01"}]
)  # fmt: skip
VOICES = st.sampled_from(["words", "reason", "missing"])
NAMED = st.sampled_from(list(PEOPLE))
APPROVERS = ("priya", "pat", "morgan", "sasha")
# A number: someone suitable (to reach successes often); THE_AUTHOR: who made the version.
THE_AUTHOR = "the author"
WHO = st.one_of(NAMED, st.integers(0, 3), st.just(THE_AUTHOR))
STALE = st.sampled_from([False, False, False, True])  # for an old (or not yet made) version
COMMENTS = st.sampled_from(["", "Agreed: safe tonight."])
NOTES = st.sampled_from(["Rang the police again.", "Seen at 02:00."])


def _form(
    decision: str, concerns: list[str], risk: str, age: Mapping[str, Any], voice: str
) -> dict[str, Any]:
    voice_fields = {
        "words": {"child_words": "I want to stay at Nan's."},
        "reason": {"voice_not_heard_reason": "Asleep when the police called."},
        "missing": {},
    }[voice]
    return {
        "channel": "police",
        "child_name": "Siân Llŷr",
        "concerns": concerns or ["missing"],
        "summary": "Police at the address after a 999 call.",
        "risk_rating": risk,
        "can_wait": True,
        "can_wait_reason": "Safe with grandmother tonight.",
        "decision_type": decision,
        "rationale": "Safe tonight; the day team to follow up.",
        **age,
        **voice_fields,
    }


# --- the oracle: the sign-off of one enquiry, from its events alone --------------------------


@dataclass(frozen=True)
class Truth:
    decided: bool = False
    version: int = 0
    author: str = ""
    author_role: str = ""
    requirement: Mapping[str, Any] = field(default_factory=dict)  # as the decision recorded it
    requested_at: datetime | None = None
    state: SignoffState | None = None
    verbal_by: str | None = None
    confirm_by: datetime | None = None
    resolved_by: str | None = None
    content: Mapping[str, Any] = field(default_factory=dict)

    @property
    def required(self) -> Grade | None:
        grade = self.requirement.get("grade")
        return Grade[grade.upper()] if grade else None

    def may_resolve(self, version: int, person: str, grade: Grade | None) -> bool:
        """Whether an approval or return by this person, of this grade, would count."""
        return (
            self.state in (SignoffState.AWAITING, SignoffState.VERBAL)
            and version == self.version
            and person != self.author
            and self.required is not None
            and grade is not None
            and grade >= self.required
        )

    def deadline(self) -> datetime | None:
        if self.state is SignoffState.AWAITING:
            return parse_instant(self.requirement["due"])
        return self.confirm_by if self.state is SignoffState.VERBAL else None


def fold(events: list[Event]) -> Truth:
    truth, content = Truth(), {}
    for event in events:
        data = event.payload
        if "changes" in data:
            content = with_changes(content, data["changes"])
        if event.type in ("enquiry.decided", "enquiry.revised"):
            required = data["signoff"]
            truth = Truth(
                True, data["version"], event.actor_id or "", event.actor_role or "", required,
                event.occurred_at,
                SignoffState.AWAITING if required["grade"] else SignoffState.NOT_NEEDED,
                content=dict(content),
            )  # fmt: skip
        elif event.type in ("signoff.approved", "signoff.returned"):
            if truth.may_resolve(data["version"], event.actor_id or "", Grade.of(event.actor_role)):
                approved = event.type == "signoff.approved"
                state = SignoffState.APPROVED if approved else SignoffState.RETURNED
                truth = replace(truth, state=state, resolved_by=event.actor_id)
        elif event.type == "signoff.verbal_recorded":
            grade = Grade[data["grade"].upper()]
            if (
                truth.state is SignoffState.AWAITING
                and truth.requirement["verbal"]
                and truth.may_resolve(data["version"], data["approver_id"], grade)
            ):
                confirm_by = parse_instant(data["confirm_by"])
                truth = replace(
                    truth,
                    state=SignoffState.VERBAL,
                    verbal_by=data["approver_id"],
                    confirm_by=confirm_by,
                )
        elif event.type in ("signoff.verbal_confirmed", "signoff.verbal_disputed") and (
            truth.state is SignoffState.VERBAL
            and data["version"] == truth.version
            and event.actor_id == truth.verbal_by
        ):
            confirmed = event.type == "signoff.verbal_confirmed"
            state = SignoffState.CONFIRMED if confirmed else SignoffState.DISPUTED
            truth = replace(truth, state=state, resolved_by=event.actor_id)
    return truth


def approved_in_log(events: list[Event], truth: Truth) -> bool:
    """The acceptance rule, read straight off the log: since the current version was
    decided, an approval of it (or a verbal sign-off of it, confirmed by the one who gave
    it) by someone other than its author, of the grade required or higher."""
    start = max(i for i, e in enumerate(events) if e.type in ("enquiry.decided", "enquiry.revised"))
    since = events[start + 1 :]
    required = truth.required
    assert required is not None

    def fit(person: str | None, grade: Grade | None) -> bool:
        return person != truth.author and grade is not None and grade >= required

    for e in since:
        if e.payload.get("version") != truth.version:
            continue
        if e.type == "signoff.approved" and fit(e.actor_id, Grade.of(e.actor_role)):
            return True
        if e.type == "signoff.verbal_confirmed" and any(
            v.type == "signoff.verbal_recorded"
            and v.payload["version"] == truth.version
            and v.payload["approver_id"] == e.actor_id
            and fit(e.actor_id, Grade[v.payload["grade"].upper()])
            for v in since
        ):
            return True
    return False


# --- the desk ----------------------------------------------------------------------------------


@dataclass(repr=False)
class Night:
    sessions: dict[str, SignedIn]
    clock: FakeClock
    rules: RuleSet

    def __repr__(self) -> str:
        return "Night()"

    @property
    def any(self) -> SignedIn:
        return self.sessions["sam"]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    paths = DeskPaths(tmp_path_factory.mktemp("signoff") / "desk")
    clock = FakeClock()
    admin = desk.create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock).session
    for username, (name, role) in PEOPLE.items():
        if role is not Role.ADMINISTRATOR:
            people.add_person(admin, username, name, role, PASSWORD, must_change_password=False)
    desk.sign_out(admin)
    sam = desk.sign_in(paths, "sam", PASSWORD, clock)
    try:
        on_call = Contact("Priya Senior", "07700 900123"), Contact("Morgan", "07700 900456")
        shifts.start_shift(sam, ["Sam Worker"], *on_call)
        sessions = {"sam": sam}
        for username in PEOPLE:
            if username != "sam":
                password = ADMIN_PASSWORD if username == "admin" else PASSWORD
                sessions[username] = desk.sign_in_alongside(sam, username, password)
        default = rules.check_rules(rules.default_text(), rules.DEFAULT_SOURCE)
        yield Night(sessions, clock, default)
    finally:
        desk.sign_out(sam)
        desk.remove_desk(paths)


@dataclass(frozen=True)
class Seen:
    """One enquiry's events (the log), and its sign-off and record (the projections)."""

    events: list[Event]
    stored: Signoff | None
    record: Enquiry
    listed: str  # the sign-off state the enquiry lists show


def _look(night: Night, ids: list[str]) -> dict[str, Seen]:
    """What the desk holds of these enquiries, read at one moment."""
    with night.any.uow(read_only=True) as uow:
        run = uow.session.execute
        events: dict[str, list[Event]] = {i: [] for i in ids}
        in_log = EventRow.stream_kind == "enquiry", EventRow.stream_id.in_(ids)
        for row in run(select(EventRow).where(*in_log).order_by(EventRow.position)).scalars():
            events[row.stream_id].append(from_row(row))
        signoffs = run(select(SignoffRow).where(SignoffRow.enquiry_id.in_(ids))).scalars()
        stored = {row.enquiry_id: signoff_store.to_signoff(row) for row in signoffs}
        rows = run(select(EnquiryRow).where(EnquiryRow.id.in_(ids))).scalars()
        records = {r.id: (enquiry_store.to_enquiry(r), r.signoff_state) for r in rows}
    return {i: Seen(events[i], stored.get(i), *records[i]) for i in ids}


def _head(night: Night) -> int:
    with night.any.uow(read_only=True) as uow:
        return uow.chain_heads()[night.any.desk.device_id].seq


def _since(night: Night, seq: int) -> list[Event]:
    with night.any.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(EventRow).where(EventRow.seq > seq).order_by(EventRow.position)
        ).scalars()
        return [from_row(row) for row in rows]


def check_enquiry(night: Night, seen: Seen) -> Truth:
    """Everything that must hold of one enquiry's sign-off, whatever happened before."""
    events, stored = seen.events, seen.stored
    truth = fold(events)
    if not truth.decided:
        assert stored is None and seen.record.status is Status.DRAFT and seen.listed == ""
        return truth
    assert stored is not None and seen.record.status is Status.DECIDED
    verbal_by = stored.verbal.approver_id if stored.verbal else None
    assert (stored.version, stored.author_id, stored.state, stored.resolved_by, verbal_by) == (
        truth.version, truth.author, truth.state, truth.resolved_by, truth.verbal_by
    )  # fmt: skip
    assert seen.listed == truth.state.value
    assert stored.requirement == Requirement.from_payload(truth.requirement)
    assert stored.requested_at == truth.requested_at and stored.deadline() == truth.deadline()
    if stored.state.final and stored.requirement.grade is not None:
        assert approved_in_log(events, truth), "final without a valid approval"
        assert stored.resolved_by != stored.author_id
    # The same rules on the version's own content give the same requirement.
    received = parse_instant(truth.content["received_at"]).astimezone(LONDON).date()
    again = night.rules.evaluate(facts_of(truth.content, truth.author_role, received))
    recorded = {k: v for k, v in truth.requirement.items() if k != "due"}
    assert again.to_payload() == recorded and not again.blocks
    return truth


class SignoffNight(RuleBasedStateMachine):
    enquiries = Bundle("enquiries")

    def __init__(self, night: Night) -> None:
        super().__init__()
        self.night = night
        self.ids: list[str] = []

    def person(
        self, who: str | int, suitable: Callable[[SignedIn], bool], truth: Truth
    ) -> SignedIn:
        """A named person, the author, or (a number) one the oracle says would be suitable."""
        if who == THE_AUTHOR:
            by_id = {s.person.id: s for s in self.night.sessions.values()}
            return by_id.get(truth.author, self.night.sessions["sam"])
        if isinstance(who, str):
            return self.night.sessions[who]
        fitting = [s for s in self.night.sessions.values() if suitable(s)]
        return (fitting or [self.night.sessions[n] for n in APPROVERS])[
            who % len(fitting or APPROVERS)
        ]

    def waiting(self, enquiry: str, who: str | int, *states: SignoffState) -> str:
        """With someone suitable (a number), an enquiry in one of these states if any, so
        that the oracle's successes come up as often as its refusals."""
        if isinstance(who, str):
            return enquiry
        seen = _look(self.night, self.ids)
        fitting = [i for i in self.ids if fold(seen[i].events).state in states]
        return fitting[who % len(fitting)] if fitting else enquiry

    def truth(self, enquiry_id: str) -> Truth:
        return check_enquiry(self.night, _look(self.night, [enquiry_id])[enquiry_id])

    def attempt(self, call: Callable[[], Any], allowed: bool, kinds: tuple[str, ...]) -> Any:
        """Make the call: it succeeds exactly when ``allowed``, recording events of ``kinds``;
        refused, it records nothing (a ``Forbidden`` only its access.denied)."""
        seq = _head(self.night)
        try:
            result = call()
        except REFUSALS as refused:
            recorded = [e.type for e in _since(self.night, seq)]
            denied = ["access.denied"] if isinstance(refused, Forbidden) else []
            assert recorded == denied, (refused, recorded)
            assert not allowed, f"refused what the oracle allows: {refused}"
            return None
        assert allowed, "done what the oracle says must be refused"
        assert [e.type for e in _since(self.night, seq)] == list(kinds)
        return result

    # --- deciding ------------------------------------------------------------------------------

    @rule(
        target=enquiries, who=NAMED, decision=DECISIONS, concerns=CONCERNS, risk=RISKS, age=AGES,
        voice=VOICES,
    )  # fmt: skip
    def decide(self, who, decision, concerns, risk, age, voice):  # type: ignore[no-untyped-def]
        session = self.night.sessions[who]
        fields = _form(decision, concerns, risk, age, voice)
        records = may(session.person.role, Permission.RECORD_ENQUIRIES)
        create = partial(enquiries.create_enquiry, session, fields)
        saved = self.attempt(create, records, ("enquiry.created",))
        if saved is None:
            return multiple()
        enquiry = saved.enquiry
        self.ids.append(enquiry.id)
        decide = partial(enquiries.decide, session, enquiry.id, fields, enquiry.updated_at)
        self.attempt(decide, voice != "missing", ("enquiry.decided",))
        return enquiry.id

    @rule(enquiry=enquiries, who=NAMED, decision=DECISIONS, risk=RISKS, voice=VOICES, note=NOTES)
    def revise(self, enquiry, who, decision, risk, voice, note):  # type: ignore[no-untyped-def]
        """Anyone edits the decision: a new version, with its author, judged afresh."""
        session = self.night.sessions[who]
        record = _look(self.night, [enquiry])[enquiry].record
        voice_fields = ("child_words", "voice_not_heard_reason")
        kept = {k: v for k, v in record.content.items() if k not in voice_fields}
        fields = kept | _form(decision, record.content["concerns"], risk, {}, voice)
        fields["rationale"] = note
        allowed = may(session.person.role, Permission.RECORD_ENQUIRIES) and voice != "missing"
        if record.status is Status.DRAFT:  # its decision was refused: decide it now
            decide = partial(enquiries.decide, session, enquiry, fields, record.updated_at)
            self.attempt(decide, allowed, ("enquiry.decided",))
            return
        changed = enquiries.clean(fields) | {"received_at": record.content["received_at"]}
        kinds = ("enquiry.revised",) if changed != record.content else ()
        save = partial(enquiries.save_enquiry, session, enquiry, fields, record.updated_at)
        self.attempt(save, allowed, kinds)

    # --- signing off -----------------------------------------------------------------------------

    def resolve(self, enquiry: str, who: str | int, stale: bool, comments: str, kind: str) -> None:
        enquiry = self.waiting(enquiry, who, SignoffState.AWAITING, SignoffState.VERBAL)
        truth = self.truth(enquiry)
        session = self.person(who, lambda s: truth.may_resolve(truth.version, *_as(s)), truth)
        version = truth.version + stale * (-1 if truth.version > 1 else 1)
        allowed = may(session.person.role, Permission.SIGN_OFF)
        allowed = allowed and truth.may_resolve(version, *_as(session))
        if kind == "signoff.returned":
            allowed = allowed and bool(comments)
            call = partial(signoff.return_decision, session, enquiry, version, comments)
        else:
            allowed = allowed and bool(comments or not truth.requirement["reason_required"])
            call = partial(signoff.approve, session, enquiry, version, comments)
        if self.attempt(call, allowed, (kind,)) is not None:
            after = self.truth(enquiry)
            returned = kind == "signoff.returned"
            assert after.state is (SignoffState.RETURNED if returned else SignoffState.APPROVED)
            assert after.resolved_by == session.person.id != after.author

    @rule(enquiry=enquiries, who=WHO, stale=STALE, comments=COMMENTS)
    def approve(self, enquiry: str, who: str | int, stale: bool, comments: str) -> None:
        self.resolve(enquiry, who, stale, comments, "signoff.approved")

    @rule(enquiry=enquiries, who=WHO, stale=STALE, comments=COMMENTS)
    def return_decision(self, enquiry: str, who: str | int, stale: bool, comments: str) -> None:
        self.resolve(enquiry, who, stale, comments, "signoff.returned")

    @rule(
        enquiry=enquiries, recorder=WHO, approver=WHO, stale=STALE,
        how=st.sampled_from([*HOW, *HOW, "email"]),
        given=st.sampled_from(["now"] * 4 + ["in the future", "before the call"]),
    )  # fmt: skip
    def record_verbal(self, enquiry, recorder, approver, stale, how, given):  # type: ignore[no-untyped-def]
        enquiry = self.waiting(enquiry, approver, SignoffState.AWAITING)
        truth = self.truth(enquiry)
        session = self.person(recorder, lambda s: s.person.id == truth.author, truth)
        fit = lambda s: truth.may_resolve(truth.version, *_as(s))  # noqa: E731
        giver = self.person(approver, fit, truth).person
        given_at = {
            "now": self.night.clock.now,
            "in the future": self.night.clock.now + timedelta(minutes=5),
            "before the call": _received(self.night, enquiry) - timedelta(minutes=10),
        }[given]
        version = truth.version + stale * (-1 if truth.version > 1 else 1)
        allowed = (
            may(session.person.role, Permission.RECORD_ENQUIRIES)
            and how in HOW
            and given == "now"
            and truth.state is SignoffState.AWAITING
            and bool(truth.requirement["verbal"])
            and truth.may_resolve(version, giver.id, Grade.of(giver.role))
        )
        call = partial(
            signoff.record_verbal, session, enquiry, version, giver.username, how, given_at
        )
        if self.attempt(call, allowed, ("signoff.verbal_recorded",)) is not None:
            after = self.truth(enquiry)
            assert after.state is SignoffState.VERBAL and not after.state.final
            assert after.verbal_by == giver.id != after.author

    def answer_verbal(self, enquiry: str, who: str | int, stale: bool, comments: str, kind: str):  # type: ignore[no-untyped-def]
        enquiry = self.waiting(enquiry, who, SignoffState.VERBAL)
        truth = self.truth(enquiry)
        session = self.person(who, lambda s: s.person.id == truth.verbal_by, truth)
        version = truth.version + stale * (-1 if truth.version > 1 else 1)
        disputed = kind == "signoff.verbal_disputed"
        allowed = (
            may(session.person.role, Permission.SIGN_OFF)
            and (bool(comments) or not disputed)
            and truth.state is SignoffState.VERBAL
            and version == truth.version
            and session.person.id == truth.verbal_by
        )
        answer = signoff.dispute_verbal if disputed else signoff.confirm_verbal
        if self.attempt(partial(answer, session, enquiry, version, comments), allowed, (kind,)):
            state = self.truth(enquiry).state
            assert state is (SignoffState.DISPUTED if disputed else SignoffState.CONFIRMED)

    @rule(enquiry=enquiries, who=WHO, stale=STALE, comments=COMMENTS)
    def confirm_verbal(self, enquiry: str, who: str | int, stale: bool, comments: str) -> None:
        self.answer_verbal(enquiry, who, stale, comments, "signoff.verbal_confirmed")

    @rule(enquiry=enquiries, who=WHO, stale=STALE, comments=COMMENTS)
    def dispute_verbal(self, enquiry: str, who: str | int, stale: bool, comments: str) -> None:
        self.answer_verbal(enquiry, who, stale, comments, "signoff.verbal_disputed")

    # --- time, the queues, and forgeries ---------------------------------------------------------

    @precondition(lambda self: self.ids)
    @rule(minutes=st.sampled_from([1, 7, 45, 130, 720]), who=NAMED)
    def time_passes(self, minutes: int, who: str) -> None:
        """Then someone looks at their queue, and at what they decided that still waits."""
        self.night.clock.advance(minutes=minutes)
        session = self.night.sessions[who]
        role, me, now = session.person.role, session.person.id, self.night.clock.now
        truths = {i: self.truth(i) for i in self.ids}
        queue = self.attempt(partial(signoff.queue, session), may(role, Permission.SIGN_OFF), ())
        if queue is not None:
            times = [item.requested_at for item in queue]
            assert times == sorted(times), "the queue is oldest first"
            mine = {i.enquiry_id: i for i in queue if i.enquiry_id in truths}
            expected = {
                i for i, t in truths.items()
                if (t.state is SignoffState.VERBAL and t.verbal_by == me)
                or (t.state is SignoffState.AWAITING and t.may_resolve(t.version, *_as(session)))
            }  # fmt: skip
            assert set(mine) == expected
            for enquiry_id, item in mine.items():
                truth, deadline = truths[enquiry_id], truths[enquiry_id].deadline()
                assert deadline is not None and item.deadline == deadline
                assert item.overdue(now) is (now > deadline)
                assert item.to_confirm is (truth.verbal_by == me)
                assert item.rule_ids == tuple(truth.requirement["rule_ids"])
        viewing = may(role, Permission.VIEW_ENQUIRIES)
        waiting = self.attempt(partial(signoff.my_waiting, session), viewing, ())
        if waiting is not None:
            unfinished = {
                i for i, t in truths.items() if t.author == me and t.state and not t.state.final
            }
            assert {i.enquiry_id for i in waiting if i.enquiry_id in truths} == unfinished

    @rule(enquiry=enquiries, forgery=st.sampled_from(["author", "stale", "junior", "stranger"]))
    def forge(self, enquiry: str, forgery: str) -> None:
        """An event that breaks the rules, written straight into the log, counts for nothing."""
        truth = self.truth(enquiry)
        if not truth.decided:
            return
        before = _look(self.night, [enquiry])[enquiry].stored
        ids = {name: s.person.id for name, s in self.night.sessions.items()}
        senior = ids["sasha"] if truth.author != ids["sasha"] else ids["morgan"]
        top = Role.SENIOR_MANAGER.value  # the forged events claim the highest grade
        kind, version = "signoff.approved", truth.version
        if forgery == "author":
            actor = Actor(truth.author, top)
        elif forgery == "stale":
            actor, version = Actor(senior, top), truth.version + (-1 if truth.version > 1 else 1)
        elif forgery == "junior":
            junior = "jo" if truth.author != ids["jo"] else "dana"
            actor = Actor(ids[junior], PEOPLE[junior][1].value)
        else:
            kind = "signoff.verbal_confirmed"
            actor = Actor(senior if truth.verbal_by != senior else ids["pat"], top)
        payload = {"version": version, "rule_ids": [], "rules_version": "x", "comments": "forged"}
        with self.night.any.uow() as uow:
            uow.record(NewEvent("enquiry", enquiry, kind, payload), actor)
            uow.commit()
        assert self.truth(enquiry) == truth  # the oracle ignores it too
        assert _look(self.night, [enquiry])[enquiry].stored == before

    @invariant()
    def every_enquiry_is_as_the_log_says(self) -> None:
        for seen in _look(self.night, self.ids).values():
            check_enquiry(self.night, seen)


def _received(night: Night, enquiry_id: str) -> datetime:
    return _look(night, [enquiry_id])[enquiry_id].record.received_at


def _as(session: SignedIn) -> tuple[str, Grade | None]:
    return session.person.id, Grade.of(session.person.role)


# About 45 s: 60 nights of up to 30 steps, each step checked against the log.
NIGHTS = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_generated_nights_keep_every_signoff_rule(night: Night) -> None:
    run_state_machine_as_test(lambda: SignoffNight(night), settings=NIGHTS)


def test_a_scripted_night_reaches_every_outcome(night: Night) -> None:
    """The same steps and checks in a fixed order, so that each outcome is certainly seen
    (the generated nights reach them by chance): every refusal and success is the
    oracle's, every forgery is ignored."""
    steps = SignoffNight(night)
    words, nine = "words", {"child_age": 9}
    state = lambda enquiry: steps.truth(enquiry).state  # noqa: E731
    # advice only on neglect, by a duty social worker: a senior practitioner, with reasons
    nfa = steps.decide("sam", "advice_nfa", ["neglect"], "medium", nine, words)
    steps.forge(nfa, "author")
    steps.forge(nfa, "junior")
    steps.approve(nfa, "sam", False, "Agreed.")  # Forbidden: a duty social worker
    steps.approve(nfa, "priya", False, "")  # reasons required
    steps.approve(nfa, "priya", True, "Agreed.")  # a version not yet made
    steps.revise(nfa, "sam", "advice_nfa", "medium", words, "Rang the police again.")
    assert steps.truth(nfa).version == 2 and state(nfa) is SignoffState.AWAITING
    steps.forge(nfa, "stale")  # an approval of version 1, by a senior manager
    steps.record_verbal(nfa, "sam", "dana", False, "phone", "now")  # the day team cannot
    steps.record_verbal(nfa, "sam", "pat", False, "phone", "now")
    assert state(nfa) is SignoffState.VERBAL
    steps.forge(nfa, "stranger")
    steps.confirm_verbal(nfa, "priya", False, "")  # not the one who gave it
    steps.time_passes(45, "pat")  # in pat's queue, to confirm
    steps.confirm_verbal(nfa, "pat", False, "")
    assert state(nfa) is SignoffState.CONFIRMED
    # police protection, decided by a senior practitioner: a manager
    police = steps.decide("priya", "police_protection", [], "high", nine, "reason")
    for who in ("pat", "priya", "dana", "admin", "jo", THE_AUTHOR):
        steps.approve(police, who, False, "Agreed.")
    assert state(police) is SignoffState.AWAITING
    steps.approve(police, "morgan", False, "")
    assert state(police) is SignoffState.APPROVED
    # secure accommodation, decided by a manager: a senior manager
    secure = steps.decide("morgan", "pace_secure_provided", [], "low", nine, words)
    steps.return_decision(secure, "morgan", False, "Why?")  # their own
    steps.return_decision(secure, "sasha", False, "")  # a return needs comments
    steps.return_decision(secure, "sasha", False, "Why secure?")
    assert state(secure) is SignoffState.RETURNED
    steps.revise(secure, "morgan", "pace_secure_provided", "high", words, "Seen at 02:00.")
    steps.record_verbal(secure, "morgan", "sasha", False, "in_person", "now")
    steps.dispute_verbal(secure, "sasha", False, "")  # a dispute needs comments
    steps.dispute_verbal(secure, "sasha", False, "Not what I agreed.")
    assert state(secure) is SignoffState.DISPUTED
    # a baby, decided by a senior manager: any other senior practitioner or higher
    baby = steps.decide("sasha", "welfare_visit", [], "low", {"child_age": 1}, words)
    steps.approve(baby, "sasha", False, "Agreed.")  # their own, however senior
    steps.record_verbal(baby, "sasha", THE_AUTHOR, False, "phone", "now")  # their own
    steps.approve(baby, "priya", False, "")
    assert state(baby) is SignoffState.APPROVED
    # nothing needed; and no voice: refused, then decided once it is recorded
    visit = steps.decide("jo", "welfare_visit", ["missing"], "low", nine, words)
    assert state(visit) is SignoffState.NOT_NEEDED
    silent = steps.decide("jo", "welfare_visit", [], "low", nine, "missing")
    assert not steps.truth(silent).decided
    steps.revise(silent, "jo", "welfare_visit", "low", "reason", "Seen at 02:00.")
    assert state(silent) is SignoffState.NOT_NEEDED
    steps.time_passes(720, "morgan")
    steps.every_enquiry_is_as_the_log_says()
