"""A demo desk: demo people with known passwords, last night's work, and a day service.

``build_demo`` sets the desk up as it would be after a few weeks' use: the accounts, an
earlier night (a missing child who goes missing again last night, so previous contacts
show) and a full night of enquiries on a shift Sam is still running. The nights are read
from ``resources/demo/night.toml`` and recorded through the same services the app uses,
signed in as Sam, on a clock set to the times of the night; so are last night's young
people in police custody (``demo_custody``) and the placements directory the
administrator keeps.

Which night: the last whole night (17:00 to 09:00 London) before the demo is built, so
every event is in the past. Built at 10:00 or at 22:00, the shift started at 17:00 the
day before; built at 03:00, the night before that. A night in which the clocks change is
skipped (its wall-clock times would not run in order), and so is the earlier night's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from duty_desk.domain.clock import LONDON, Clock, utc_now
from duty_desk.domain.enquiry_fields import FIELDS, OUTCOME, QUICK, Kind
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.records import Contact, Enquiry, Saved
from duty_desk.domain.roles import Role
from duty_desk.resources import resource
from duty_desk.services import day_service, signoff
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import (
    create_desk,
    sign_in,
    sign_in_alongside,
    sign_out,
    sign_out_alongside,
)
from duty_desk.services.enquiries import create_enquiry, decide, save_enquiry
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from duty_desk.services.providers import add_provider, retire_provider
from duty_desk.services.shifts import end_shift, start_shift
from duty_desk.services.signoff import record_verbal

if TYPE_CHECKING:
    from duty_desk.services.demo_custody import CaseStep

DEMO_PASSWORD = "duty-demo-2026"  # noqa: S105 - printed for the demo desk only
NIGHT_WORKER = "sam"  # who records the demo nights
SHIFT_STARTS = time(17, 0)
SHIFT_ENDS = time(9, 0)
SET_UP_DAYS_BEFORE = 7  # the desk was set up a week before the earliest demo night


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Alex Administrator", Role.ADMINISTRATOR),
    DemoAccount(NIGHT_WORKER, "Sam Okafor", Role.DUTY_SOCIAL_WORKER),
    DemoAccount("priya", "Priya Shah", Role.SENIOR_PRACTITIONER),
    DemoAccount("morgan", "Morgan Ellis", Role.MANAGER),
    DemoAccount("dayteam", "Jo Day-Team", Role.DAY_TEAM),
)


@dataclass(frozen=True, slots=True)
class DemoDesk:
    accounts: tuple[DemoAccount, ...]
    password: str
    recovery_key: str


DEMO_MARKER = "DEMO-DESK.txt"


class DemoClock:
    """The desk's clock while the demo is recorded: set to each moment of the night."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def is_demo_desk(paths: DeskPaths) -> bool:
    return (paths.root / DEMO_MARKER).is_file()


def build_demo(paths: DeskPaths, clock: Clock = utc_now) -> DemoDesk:
    """Only into a new or empty folder: a demo is deleted wholesale when it is replaced.

    ``clock`` says when "now" is; the demo's events are all dated before it.
    """
    if paths.root.exists() and any(paths.root.iterdir()):
        raise ValidationError(
            f"{paths.root} is not empty. Build the demo desk in a new folder (--data-dir)."
        )
    nights = demo_nights()
    last = last_night(clock(), [night["days_before"] for night in nights])
    earliest = last - timedelta(days=max(n["days_before"] for n in nights) + SET_UP_DAYS_BEFORE)
    demo_clock = DemoClock(datetime.combine(earliest, time(10, 0), LONDON).astimezone(UTC))
    admin, *others = DEMO_ACCOUNTS
    created = create_desk(paths, admin.username, admin.display_name, DEMO_PASSWORD, demo_clock)
    (paths.root / DEMO_MARKER).write_text(
        "This is a Duty Desk demo desk: its passwords are published. Never record a real "
        "child here. `duty-desk demo --replace` may delete this folder.\n",
        encoding="utf-8",
    )
    session = created.session
    try:
        for account in others:
            add_person(
                session,
                account.username,
                account.display_name,
                account.role,
                DEMO_PASSWORD,
                must_change_password=False,
            )
        _add_providers(session, demo_providers())
    finally:
        sign_out(session)
    for night in sorted(nights, key=lambda n: -n["days_before"]):
        record_night(paths, night, last, demo_clock)
    day_service.create_sqlite(paths.day_service)
    _send_the_night(paths, admin.username, demo_clock)
    return DemoDesk(DEMO_ACCOUNTS, DEMO_PASSWORD, created.recovery_key)


def _send_the_night(paths: DeskPaths, person: str, clock: Clock) -> None:
    """The demo night reaches its embedded day service, as a real night would by sync."""
    from duty_desk.services.sync import sync_with_service

    session = sign_in(paths, person, DEMO_PASSWORD, clock)
    try:
        sync_with_service(session.desk)
    finally:
        sign_out(session)


def demo_nights() -> list[dict[str, Any]]:
    with resource("demo", "night.toml").open("rb") as file:
        nights: list[dict[str, Any]] = tomllib.load(file)["night"]
    return nights


def demo_providers() -> list[dict[str, Any]]:
    """The placements directory: each entry's fields, and ``retired`` for one kept as history."""
    with resource("demo", "night.toml").open("rb") as file:
        found: list[dict[str, Any]] = tomllib.load(file).get("provider", [])
    return found


def _add_providers(session: SignedIn, specs: Sequence[Mapping[str, Any]]) -> None:
    for spec in specs:
        fields = {k: v for k, v in spec.items() if k != "retired"}
        provider = add_provider(session, fields)
        if spec.get("retired"):
            retire_provider(session, provider.id)


# --- when ---------------------------------------------------------------------------------


def last_night(now: datetime, days_before: list[int]) -> date:
    """The date of the last whole night before ``now`` whose nights all keep one offset."""
    night = now.astimezone(LONDON).date() - timedelta(days=1)
    while at(night, "09:00") > now or not all(
        _steady(night - timedelta(days=d)) for d in days_before
    ):
        night -= timedelta(days=1)
    return night


def _steady(night: date) -> bool:
    start = datetime.combine(night, SHIFT_STARTS, LONDON)
    end = datetime.combine(night + timedelta(days=1), SHIFT_ENDS, LONDON)
    return start.utcoffset() == end.utcoffset()


def at(night: date, clock_time: str) -> datetime:
    """A wall-clock time of the night starting on ``night``: noon onwards is that evening."""
    moment = time.fromisoformat(clock_time)
    day = night if moment >= time(12, 0) else night + timedelta(days=1)
    return datetime.combine(day, moment, LONDON).astimezone(UTC)


def born(last: date, age: Mapping[str, int]) -> str:
    """A date of birth ``years`` and ``days`` before last night (29 February → 28th)."""
    year = last.year - age["years"]
    try:
        birthday = last.replace(year=year)
    except ValueError:
        birthday = date(year, last.month, 28)
    return (birthday - timedelta(days=age["days"])).isoformat()


# --- what ---------------------------------------------------------------------------------


def resolve(fields: Mapping[str, Any], night: date, last: date) -> dict[str, Any]:
    """The file's shorthand (wall-clock times, ages for dates of birth) as form values."""
    content: dict[str, Any] = {}
    for name, value in fields.items():
        kind = FIELDS[name].kind if name in FIELDS else None
        if kind is Kind.INSTANT and value:
            value = at(night, value)
        elif kind is Kind.DATE and isinstance(value, Mapping):
            value = born(last, value)
        elif kind is Kind.ENTRIES:
            value = [{"at": at(night, e["at"]), "text": e["text"]} for e in value]
        elif kind is Kind.CHILDREN:
            value = [c | {"dob": born(last, c["dob"])} if "dob" in c else c for c in value]
        content[name] = value
    return content


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    enquiry: int  # its place in the night
    action: str  # create, save or decide
    fields: dict[str, Any]


def steps(enquiries: list[dict[str, Any]], night: date, last: date) -> list[Step]:
    """Every save of the night's enquiries, in the order they happened."""
    found: list[Step] = []
    for number, enquiry in enumerate(enquiries):
        whole = resolve(enquiry["fields"], night, last)
        whole["received_at"] = at(night, enquiry["received"])
        if "written" not in enquiry:
            found.append(Step(whole["received_at"], number, "create", whole))
            continue
        quick = {k: v for k, v in whole.items() if FIELDS[k].section == QUICK}
        found.append(Step(whole["received_at"], number, "create", quick))
        if "decided" not in enquiry:  # a draft, or decided through its custody case
            found.append(Step(at(night, enquiry["written"]), number, "save", whole))
        else:
            found += _decided(enquiry, number, whole, night, last)
        for wanted in enquiry.get("signoff", []):
            spec = dict(wanted)
            if "given" in spec:
                spec["given"] = at(night, spec["given"])
            found.append(Step(at(night, spec["at"]), number, spec["action"], spec))
    return sorted(found, key=lambda step: step.at)


def _decided(
    enquiry: Mapping[str, Any], number: int, whole: dict[str, Any], night: date, last: date
) -> list[Step]:
    """Written up, decided, and perhaps revised after the decision."""
    written = {k: v for k, v in whole.items() if FIELDS[k].section != OUTCOME}
    found = [
        Step(at(night, enquiry["written"]), number, "save", written),
        Step(at(night, enquiry["decided"]), number, "decide", whole),
    ]
    if "revision" in enquiry:
        revision = enquiry["revision"]
        changed = resolve(revision["fields"], night, last)
        later = whole | {
            k: whole.get(k, []) + v if FIELDS[k].kind is Kind.ENTRIES else v
            for k, v in changed.items()
        }
        found.append(Step(at(night, revision["at"]), number, "save", later))
    return found


# --- recording ----------------------------------------------------------------------------

_ACTIONS: dict[str, Callable[..., Saved]] = {"save": save_enquiry, "decide": decide}


def record_night(paths: DeskPaths, night: Mapping[str, Any], last: date, clock: DemoClock) -> int:
    """Sign in as Sam, start the shift, record the night's enquiries and custody cases;
    returns how many enquiries."""
    from duty_desk.services.demo_custody import case_steps

    night_date = last - timedelta(days=night["days_before"])
    started = at(night_date, SHIFT_STARTS.isoformat("minutes"))
    clock.now = started - timedelta(minutes=3)
    session = sign_in(paths, NIGHT_WORKER, DEMO_PASSWORD, clock)
    try:
        clock.now = started
        shift = start_shift(
            session,
            night["on_duty"],
            Contact(**night["senior"]),
            Contact(**night["manager"]),
            started_at=started,
        )
        cases = case_steps(night.get("custody", []), night["enquiry"], night_date, last)
        timeline: list[Step | CaseStep] = [*steps(night["enquiry"], night_date, last), *cases]
        timeline.sort(key=_when)
        ids = _record_steps(session, timeline, clock)
        if "ended" in night:
            clock.now = max(clock.now, at(night_date, night["ended"]))
            end_shift(session, shift.id)
        clock.now += timedelta(minutes=2)
    finally:
        sign_out(session)
    return len(ids)


_SIGNOFF = ("verbal", "approve", "return", "confirm", "dispute")


def _sign_off(session: SignedIn, enquiry: Enquiry, step: Step) -> None:
    """The worker records a verbal sign-off; anyone else signs in alongside to act."""
    spec, version = step.fields, enquiry.version
    if step.action == "verbal":
        given = spec["given"]
        record_verbal(session, enquiry.id, version, spec["by"], spec["how"], given, spec["note"])
        return
    other = sign_in_alongside(session, spec["by"], DEMO_PASSWORD)
    try:
        act = {
            "approve": signoff.approve,
            "return": signoff.return_decision,
            "confirm": signoff.confirm_verbal,
            "dispute": signoff.dispute_verbal,
        }[step.action]
        act(other, enquiry.id, version, spec.get("comments", ""))
    finally:
        sign_out_alongside(other)


def _when(step: Step | CaseStep) -> datetime:
    return step.at


def _record_steps(
    session: SignedIn, night: list[Step | CaseStep], clock: DemoClock
) -> dict[int, Saved]:
    from duty_desk.services.demo_custody import CaseStep, NightCases

    saved: dict[int, Saved] = {}
    cases = NightCases(session)
    for step in night:
        clock.now = step.at
        if isinstance(step, CaseStep):
            decided = cases.record(step, saved[step.enquiry].enquiry)
            if decided is not None:
                saved[step.enquiry] = decided
            continue
        if step.action == "create":
            result = create_enquiry(session, step.fields)
        elif step.action in _SIGNOFF:
            _sign_off(session, saved[step.enquiry].enquiry, step)
            continue
        else:
            current = saved[step.enquiry].enquiry
            act = _ACTIONS[step.action]
            result = act(session, current.id, step.fields, current.updated_at)
        if result.problems:  # the demo's data is wrong: say where
            raise ValueError(
                f"demo enquiry {step.enquiry + 1} ({step.fields.get('child_name')}) at "
                f"{step.at:%H:%M} UTC: " + "; ".join(p.message for p in result.problems)
            )
        saved[step.enquiry] = result
    return saved
