"""Generated custody nights, through the real services on a real SQLCipher desk (issue 5
acceptance: derived durations never negative; every closed case has an outcome; "remained
in custody overnight" never closes without certificate details or a recorded reason).

A hypothesis state machine opens cases (ages in and out of 10-17), adds steps of every kind
at times before, at and after now (out of order, in UTC or London time), corrects and
withdraws them, writes with a stale ``expected``, moves the clock on (across the nights the
clocks change), closes with any mix of outcome fields and reopens. Each call is judged by
an oracle written here from the rules as the issue states them (not by calling the code
under test), except closing, which must be accepted exactly when ``close_problems`` is
empty. A refused call records nothing. After every step, for every case: every clock and
duration is >= 0 and the running ones are UTC subtraction; a closed case has an outcome,
and one that remained has the certificate's details or a reason; the timeline is in time
order with each once-only step at most once and each ordered pair in order; and the store
holds exactly the steps, status and outcome the accepted calls made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations
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
from sqlalchemy import func, select

from duty_desk.domain import custody as rules
from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_choices import ONCE, ORDER, OUTCOMES, STEP_KINDS
from duty_desk.domain.custody_clocks import clocks
from duty_desk.domain.custody_records import Case
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import format_instant, parse_instant
from duty_desk.domain.records import Contact
from duty_desk.domain.roles import Role
from duty_desk.services import custody, desk, people, shifts
from duty_desk.services.context import SignedIn
from duty_desk.services.custody_figures import case_facts
from duty_desk.services.enquiries import ChangedMeanwhile
from duty_desk.services.paths import DeskPaths
from duty_desk.store import custody as store
from duty_desk.store.schema import EventRow
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock

pytestmark = pytest.mark.slow

SLACK = timedelta(minutes=2)  # a laptop's clock may be a little behind the police's
# Each night starts on the evening before a change of the clocks, or on an ordinary one.
STARTS = (
    datetime(2026, 10, 24, 21, 30, tzinfo=UTC),  # 22:30 BST; the clocks go back at 02:00
    datetime(2027, 3, 27, 22, 30, tzinfo=UTC),  # 22:30 GMT; they go forward at 01:00
    datetime(2027, 10, 30, 23, 50, tzinfo=UTC),  # 00:50 BST on the night they go back
    datetime(2026, 11, 21, 23, 10, tzinfo=UTC),
)
AGES = st.sampled_from([9, 10, 13, 15, 16, 17, 18])
# NEXT: the next step of an ordinary night not yet on the timeline (so that steps are often
# accepted); otherwise any kind at all.
NEXT = "next"
NIGHT = ("arrest", "detention_authorised", "charge", "bail_refused", "request_received",
         "aa_requested", "placement_approached", "response_given", "accommodation_identified",
         "transport_arranged", "review", "left_custody")  # fmt: skip
KINDS = st.sampled_from([NEXT, *sorted(STEP_KINDS)])
# None: the case drawn; a number: one of the cases open (or closed) if there are any
WHICH = st.sampled_from([None, 0, 1, 2, 3, 4, 5])
# minutes before now; negative is the future (within 2 minutes is clock drift, allowed)
BEFORE = st.sampled_from([-30, -3, -2, -1, 0, 5, 30, 61, 90, 240, 600, 1500])
PLACEMENTS = st.sampled_from([None, "Oak House"])
ANSWERS = st.sampled_from([None, "accepted", "declined_full", "no_answer"])
REFUSALS = (ValidationError, ChangedMeanwhile)
MAYBE = st.sampled_from([None, True, False])


@dataclass
class Known:
    """What the accepted calls made of one case (the store must hold exactly this)."""

    open: bool = True
    steps: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (kind, at)
    outcome: dict[str, Any] = field(default_factory=dict)
    seen: list[datetime] = field(default_factory=list)  # every updated_at it has had


@dataclass(repr=False)
class Desk:
    session: SignedIn
    clock: FakeClock


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    paths = DeskPaths(tmp_path_factory.mktemp("custody") / "desk")
    clock = FakeClock(datetime(2026, 10, 1, 20, 0, tzinfo=UTC))
    admin = desk.create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock).session
    people.add_person(
        admin, "sam", "Sam Worker", Role.DUTY_SOCIAL_WORKER, PASSWORD, must_change_password=False
    )
    desk.sign_out(admin)
    sam = desk.sign_in(paths, "sam", PASSWORD, clock)
    try:
        on_call = Contact("Priya Senior", "07700 900123"), Contact("Morgan", "07700 900456")
        shifts.start_shift(sam, ["Sam Worker"], *on_call)
        yield Desk(sam, clock)
    finally:
        desk.sign_out(sam)
        desk.remove_desk(paths)


# --- the oracle: what the rules say of a step or a timeline ----------------------------------


def step_refused(known: Known, step_id: str | None, new: dict[str, Any], now: datetime) -> bool:
    """Whether adding (``step_id`` None) or correcting a step must be refused."""
    at = new["at"].astimezone(UTC)
    if not known.open or at > now + SLACK:
        return True
    if new["kind"] == "placement_approached" and not new.get("placement"):
        return True
    if new.get("answer") and new["kind"] != "placement_approached":
        return True
    after = [(k, parse_instant(a)) for i, (k, a) in known.steps.items() if i != step_id]
    after.append((new["kind"], at))
    return not timeline_in_order(after)


def timeline_in_order(steps: list[tuple[str, datetime]]) -> bool:
    kinds = [kind for kind, _ in steps]
    if any(kinds.count(kind) > 1 for kind in ONCE):
        return False
    first = {kind: min(at for k, at in steps if k == kind) for kind in set(kinds)}
    return all(
        first[later] >= first[earlier]
        for earlier, later in ORDER
        if earlier in first and later in first
    )


class CustodyNight(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self, night: Desk, start: datetime) -> None:
        super().__init__()
        self.night = night
        night.clock.now = start
        self.known: dict[str, Known] = {}

    @property
    def now(self) -> datetime:
        return self.night.clock.now

    def position(self) -> int:
        with self.night.session.uow(read_only=True) as uow:
            return uow.session.execute(select(func.max(EventRow.position))).scalar_one()

    def recorded(self, after: int) -> list[str]:
        with self.night.session.uow(read_only=True) as uow:
            query = select(EventRow.type).where(EventRow.position > after)
            return list(uow.session.execute(query.order_by(EventRow.position)).scalars())

    def attempt(self, call: Callable[[], Case], allowed: bool, kinds: list[str]) -> Case | None:
        """The call succeeds exactly when ``allowed``, recording ``kinds``; refused, nothing."""
        self.night.clock.advance(seconds=7)  # every write at its own moment
        before = self.position()
        try:
            result = call()
        except REFUSALS as refused:
            assert self.recorded(before) == [], refused
            assert not allowed, f"refused what the rules allow: {refused}"
            return None
        assert allowed, "done what the rules refuse"
        assert self.recorded(before) == kinds
        self.known[result.id].seen.append(result.updated_at)
        return result

    def current(self, case_id: str) -> Case:
        with self.night.session.uow(read_only=True) as uow:
            found = store.get_case(uow.session, case_id)
        assert found is not None
        return found

    # --- the rules ---------------------------------------------------------------------------

    @precondition(lambda self: len(self.known) < 3)
    @rule(target=cases, age=AGES, secure=st.booleans(), born=st.booleans())
    def open_case(self, age: int, secure: bool, born: bool) -> Any:
        fields = {
            "custody_suite": "Northgate",
            "yp_name": "Kai Brennan",
            "age_at_charge": age,
            "request_type": "secure" if secure else "non_secure",
            "yp_dob": "2011-02-14" if born else None,
        }
        allowed = 10 <= age <= 17
        before = self.position()
        self.night.clock.advance(seconds=7)
        try:
            case = custody.open_case(self.night.session, fields)
        except ValidationError:
            assert not allowed and self.recorded(before) == []
            return multiple()
        assert allowed and self.recorded(before) == ["enquiry.created", "custody.opened"]
        assert case.opened_at == self.now and case.open
        self.known[case.id] = Known(seen=[case.updated_at])
        return case.id

    @rule(
        case=cases, kind=KINDS, before=BEFORE, local=st.booleans(), placement=PLACEMENTS,
        answer=ANSWERS,
    )  # fmt: skip
    def add_step(self, case, kind, before, local, placement, answer):  # type: ignore[no-untyped-def]
        known = self.known[case]
        if kind == NEXT:
            done = {k for k, _ in known.steps.values()}
            kind = next((k for k in NIGHT if k not in done), "review")
            before = max(min(before, 0), -2)  # now, or within the clock drift allowed
            placement = placement or "Oak House"
        if kind != "placement_approached" and not (answer == "accepted" and local):
            answer = None  # an answer on another step (refused) now and then, not always
        new = self.step(kind, before, local, placement, answer)
        allowed = not step_refused(known, None, new, self.now + timedelta(seconds=7))
        ids = set(known.steps)
        current = self.current(case)
        call = lambda: custody.add_step(self.night.session, case, new, current.updated_at)  # noqa: E731
        result = self.attempt(call, allowed, ["custody.step_added"])
        if result is not None:
            [added] = [s for s in result.steps if s["id"] not in ids]
            assert (added["kind"], added["at"]) == (kind, format_instant(new["at"]))
            known.steps[added["id"]] = (kind, added["at"])

    @rule(case=cases, before=BEFORE, local=st.booleans(), answer=ANSWERS)
    def add_next_step(self, case, before, local, answer):  # type: ignore[no-untyped-def]
        """The next step of an ordinary night: the rule drawn most often."""
        self.add_step(case, NEXT, before, local, None, answer)

    @rule(
        case=cases, which=st.integers(0, 20), kind=st.one_of(st.none(), KINDS), before=BEFORE,
        local=st.booleans(),
        placement=PLACEMENTS,
    )  # fmt: skip
    def correct_step(self, case, which, kind, before, local, placement):  # type: ignore[no-untyped-def]
        known = self.known[case]
        if not known.steps:
            return
        step_id = sorted(known.steps)[which % len(known.steps)]
        if kind in (None, NEXT):  # the same kind of step, at another time
            kind = known.steps[step_id][0]
        new = self.step(kind, before, local, placement, None)
        allowed = not step_refused(known, step_id, new, self.now + timedelta(seconds=7))
        current = self.current(case)
        [old] = [s for s in current.steps if s["id"] == step_id]
        same = {"id": step_id, "kind": kind, "at": format_instant(new["at"])}
        if placement is not None:
            same["placement"] = placement
        if kind == "placement_approached":
            same["answer"] = "awaiting"  # no answer given: still waiting for one
        unchanged = old == same
        call = lambda: custody.correct_step(  # noqa: E731
            self.night.session, case, step_id, new, current.updated_at
        )
        kinds = [] if unchanged else ["custody.step_corrected"]
        if self.attempt(call, allowed, kinds) is not None:
            known.steps[step_id] = (kind, format_instant(new["at"]))

    @rule(case=cases, which=st.integers(0, 20))
    def withdraw_step(self, case: str, which: int) -> None:
        known = self.known[case]
        if not known.steps:
            return
        step_id = sorted(known.steps)[which % len(known.steps)]
        current = self.current(case)
        call = lambda: custody.withdraw_step(  # noqa: E731
            self.night.session, case, step_id, "Typed on the wrong case.", current.updated_at
        )
        if self.attempt(call, known.open, ["custody.step_withdrawn"]) is not None:
            del known.steps[step_id]

    @rule(case=cases, which=st.integers(0, 20))
    def stale_write(self, case: str, which: int) -> None:
        """A write from someone who read the case before its latest change."""
        known = self.known[case]
        old = known.seen[which % len(known.seen)]
        if old == known.seen[-1]:
            return
        note = {"kind": "note", "at": self.now, "note": "From an old screen."}
        call = lambda: custody.add_step(self.night.session, case, note, old)  # noqa: E731
        self.attempt(call, False, [])

    @rule(
        case=cases,
        which=WHICH,
        outcome=st.sampled_from([None, *OUTCOMES, "remained", "remained"]),
        placement_type=st.sampled_from([None, "foster"]),
        issued=MAYBE,
        reason=st.sampled_from([None, "impracticable", "no_secure_serious_harm"]),
        text=st.sampled_from([None, "", "No transport before the morning."]),
        remained_reason=st.sampled_from([None, "  ", "Court at 10:00; no bed anywhere."]),
    )
    def close_case(
        self, case, which, outcome, placement_type, issued, reason, text, remained_reason
    ):  # type: ignore[no-untyped-def]
        case = self.pick(case, which, is_open=True)
        given = {
            "outcome": outcome,
            "placement_type": placement_type,
            "certificate_issued": issued,
            "certificate_reason": reason,
            "certificate_text": text,
            "remained_reason": remained_reason,
        }
        known = self.known[case]
        current = self.current(case)
        kept = {k: v for k, v in current.content.items() if k not in rules.OUTCOME_FIELDS}
        content = kept | rules.clean(given)
        allowed = known.open and rules.close_problems(content, current.steps) == []
        call = lambda: custody.close_case(self.night.session, case, given, current.updated_at)  # noqa: E731
        result = self.attempt(call, allowed, ["custody.closed"])
        if result is not None:
            known.open = False
            known.outcome = rules.clean(given)
            assert result.closed_at == self.now

    @rule(case=cases, which=WHICH)
    def reopen_case(self, case: str, which: int | None) -> None:
        case = self.pick(case, which, is_open=False)
        known = self.known[case]
        current = self.current(case)
        call = lambda: custody.reopen_case(  # noqa: E731
            self.night.session, case, "Police rang back.", current.updated_at
        )
        if self.attempt(call, not known.open, ["custody.reopened"]) is not None:
            known.open = True

    @precondition(lambda self: self.known)
    @rule(minutes=st.sampled_from([1, 17, 45, 90, 180, 360, 600]))
    def time_passes(self, minutes: int) -> None:
        self.night.clock.advance(minutes=minutes)

    def pick(self, case: str, which: int | None, *, is_open: bool) -> str:
        """The case drawn, or (a number) one that is open or closed as asked, if any."""
        fitting = [i for i, known in self.known.items() if known.open is is_open]
        if which is None or not fitting:
            return case
        return fitting[which % len(fitting)]

    def step(self, kind, before, local, placement, answer):  # type: ignore[no-untyped-def]
        at = self.now - timedelta(minutes=before)
        new: dict[str, Any] = {"kind": kind, "at": at.astimezone(LONDON) if local else at}
        if placement is not None:
            new["placement"] = placement
        if answer is not None:
            new["answer"] = answer
        return new

    # --- what must always hold -------------------------------------------------------------------

    @invariant()
    def every_case_is_whole(self) -> None:
        now = self.now
        with self.night.session.uow(read_only=True) as uow:
            stored = {i: store.get_case(uow.session, i) for i in self.known}
        for case_id, known in self.known.items():
            case = stored[case_id]
            assert case is not None
            check_case(case, known, now)


def check_case(case: Case, known: Known, now: datetime) -> None:
    # the store holds what the accepted calls made
    assert {s["id"]: (s["kind"], s["at"]) for s in case.steps} == known.steps
    assert case.open is known.open and (case.closed_at is None) is known.open
    # the timeline: in time order, once-only steps once, ordered pairs in order
    times = [s["at"] for s in case.steps]
    assert times == sorted(times)
    assert timeline_in_order([(s["kind"], parse_instant(s["at"])) for s in case.steps])
    # closing: an outcome, and for one who remained, the certificate or a reason
    if not case.open:
        outcome = case.content.get("outcome")
        assert outcome in OUTCOMES
        assert {k: v for k, v in case.content.items() if k in rules.OUTCOME_FIELDS} == (
            known.outcome
        )
        if outcome == "remained":
            content = case.content
            certified = content.get("certificate_issued") is True and all(
                content.get(name) for name in ("certificate_reason", "certificate_text")
            )
            assert certified or content.get("remained_reason", "").strip()
    check_durations(case, now)


def check_durations(case: Case, now: datetime) -> None:
    """Every clock and duration >= 0; the running clocks are UTC subtraction."""
    moments = case.instants
    live = clocks(moments, now)
    end = moments.left or moments.closed_at or now
    for start, shown in (
        (moments.charge, live.since_charge),
        (moments.request, live.since_request),
    ):
        if start is None:
            assert shown is None
        else:
            assert shown is not None and shown >= timedelta(0)
            assert shown == max(end.astimezone(UTC) - start.astimezone(UTC), timedelta(0))
    assert live.unanswered is None or live.unanswered >= timedelta(0)
    facts = case_facts(case, now)
    for span in (facts.charge_to_request, facts.request_to_response, facts.request_to_left):
        assert span is None or span >= timedelta(0)
    instants = [parse_instant(s["at"]) for s in case.steps] + [now]
    for earlier, later in combinations(instants, 2):
        gap = rules.between(earlier, later)
        assert gap is not None and gap >= timedelta(0)
    for earlier, later in ORDER:  # in order, so the figures never needed clamping
        start, finish = rules.when(case.steps, earlier), rules.when(case.steps, later)
        if start is not None and finish is not None:
            assert finish - start >= timedelta(0)


# About 60 s: 100 nights of up to 30 steps, each checked against every case.
NIGHTS = settings(
    max_examples=100,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("start", STARTS, ids=[f"{s:%Y-%m-%d}" for s in STARTS])
def test_generated_nights_keep_every_custody_rule(night: Desk, start: datetime) -> None:
    small = settings(NIGHTS, max_examples=NIGHTS.max_examples // len(STARTS) + 1)
    run_state_machine_as_test(lambda: CustodyNight(night, start), settings=small)


def test_a_scripted_night_over_the_october_change(night: Desk) -> None:
    """The same checks in a fixed order, so each outcome is certainly seen: a young person
    charged in BST who leaves after the clocks went back; a stay closed as remained without
    a certificate or reason (refused), then with a reason; a reopening."""
    steps = CustodyNight(night, datetime(2026, 10, 24, 21, 30, tzinfo=UTC))  # 22:30 BST
    case = steps.open_case(15, False, True)
    assert steps.open_case(9, False, False) is not None  # refused, nothing recorded
    steps.add_step(case, "charge", 30, True, None, None)  # 22:00 BST
    steps.add_step(case, "request_received", 0, False, None, None)
    steps.add_step(case, "placement_approached", 0, False, None, "accepted")  # no name: refused
    steps.add_step(case, "placement_approached", 0, False, "Oak House", "accepted")
    steps.add_step(case, "left_custody", 60, False, None, None)  # before the request: refused
    steps.add_step(case, "charge", 0, False, None, None)  # twice: refused
    steps.time_passes(360)  # 03:30 GMT on Sunday, after the clocks went back at 02:00 BST
    steps.add_step(case, "review", -3, False, None, None)  # the future: refused
    steps.add_step(case, "review", -2, False, None, None)  # clock drift: allowed
    steps.add_step(case, "left_custody", 0, True, None, None)
    kinds = [kind for kind, _ in steps.known[case].steps.values()]
    assert sorted(kinds) == [
        "charge", "left_custody", "placement_approached", "request_received", "review"
    ]  # fmt: skip
    moments = steps.current(case).instants
    assert moments.charge is not None and moments.left is not None
    real = clocks(moments, steps.now + timedelta(hours=5)).since_charge  # stopped at leaving
    assert real == moments.left - moments.charge > timedelta(hours=6)

    def on_the_wall(moment: datetime) -> datetime:
        return moment.astimezone(LONDON).replace(tzinfo=None)

    # the clocks went back an hour in between: the time in the cell is an hour more
    assert real == on_the_wall(moments.left) - on_the_wall(moments.charge) + timedelta(hours=1)
    steps.close_case(case, None, "remained", None, None, None, None, None)  # refused
    steps.close_case(case, None, "remained", None, True, "impracticable", "", None)  # refused
    steps.close_case(case, None, "remained", None, False, None, None, "Court at 10:00.")
    assert not steps.known[case].open
    steps.add_step(case, "note", 0, False, None, None)  # closed: refused
    steps.reopen_case(case, None)
    steps.close_case(case, None, "transferred", "foster", None, None, None, None)
    steps.every_case_is_whole()
