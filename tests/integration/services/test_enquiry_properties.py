"""10,000 generated forms, many of them hostile, through the enquiry services and rules.

Property: every call either refuses the input with a ``ValidationError`` (changing
nothing) or stores it; what is stored reads back exactly as ``clean`` made it; and a
search for the child's name finds the record. The forms mix the realistic (Welsh,
Vietnamese, Polish, right-to-left and emoji names, SQL fragments, text at the limits)
with the impossible (control characters, lone surrogates, the wrong kind of value,
unknown fields, dates in year 1 or 9999, ages of -1 or 10**9).

On a real SQLCipher desk, 4,000 forms create enquiries, 3,000 save over one existing
enquiry, 2,000 are autosaved as drafts and 1,000 are decided; 2,000 more go through the
rules alone (``enquiries.clean``, ``problems``, ...).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duty_desk.domain import choices
from duty_desk.domain import enquiry as rules
from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry_fields import FIELDS, LINE_MAX, LIST_MAX, TEXT_MAX, Field, Kind
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import format_instant
from duty_desk.domain.records import Contact, Enquiry, Status
from duty_desk.domain.roles import Role
from duty_desk.services import desk, drafts, enquiries, people, shifts
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiry_lists import ListQuery, count_enquiries, list_enquiries
from duty_desk.services.paths import DeskPaths
from duty_desk.store import enquiries as store
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock

pytestmark = pytest.mark.slow

# --- what goes into a form ------------------------------------------------------------

NAMES = (
    "Siân Llŷr",
    "Ngọc Ánh",
    "Łukasz Wójcik",
    "Zoë O'Brien-Ní Bhriain",
    "Zoe\u0308 Mu\u0308ller",  # combining diaeresis, not precomposed
    "محمد عبد الله",  # right to left
    "שרה לוי",
    "\u202eevil\u202c Name",  # right-to-left override
    "Amara 👧🏽",
    "李小龙",
    "İlkay Gündoğan",
    "Straße",
    "Ål",
    "Jo",
)
SQL = (
    "'; DROP TABLE events; --",
    "Robert'); DROP TABLE enquiries;--",
    "' OR 1=1 --",
    '" OR ""="',
    "%",
    "_",
    '"',
    "%_%",
    "\\",
    "*",
    "NEAR(a b)",
    "a AND b OR NOT c",
    "body:x",
    "^start",
)
ZONES = (UTC, LONDON, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30)))
BROKEN_INSTANTS = (
    "2026-11-22",
    "yesterday",
    "2026-13-01T00:00:00.000000Z",
    "2026-11-22T02:10:00Z",
    "2026-11-22T02:10:00.000000+00:00",
    "0000-01-01T00:00:00.000000Z",
)
BROKEN_DATES = ("31/12/2014", "2014-02-30", "2014-2-3", "today", "-2014-01-01", "2014-01-01T00:00")

everything = st.characters(exclude_categories=())  # control characters and lone surrogates too
printable = st.characters(exclude_categories=("Cc", "Cs"))
long_text = st.builds(
    operator.mul,
    st.sampled_from(["a", "ŷ", "👧🏽", "'", "%", "a\n"]),
    st.sampled_from([LINE_MAX, LINE_MAX + 1, LINE_MAX * 5 + 1, TEXT_MAX // 2, TEXT_MAX + 1]),
)
odd_text = st.one_of(
    st.sampled_from(NAMES + SQL),
    st.text(printable, max_size=30),
    st.text(everything, max_size=12),
    long_text,
)
wrong = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.binary(max_size=4),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([[["neglect"]], [{"at": 1}], (), ("x",), {"neglect"}, [None], [True]]),
)
# Built from one or two draws each (st.datetimes() costs seven): 10,000 examples add up.
EPOCH = datetime(2026, 11, 21, 23, 10, tzinfo=UTC)
plausible_instants = st.builds(
    lambda seconds, zone: (EPOCH + timedelta(seconds=seconds)).astimezone(zone),
    st.integers(-20 * 365 * 86400, 20 * 365 * 86400),
    st.sampled_from(ZONES),
)
instants = st.one_of(
    plausible_instants,
    plausible_instants.map(format_instant),
    st.datetimes(timezones=st.sampled_from(ZONES)),  # year 1 to year 9999
    st.datetimes().map(lambda d: d.isoformat(timespec="microseconds") + "Z"),
)
bad_instants = st.one_of(st.datetimes(), st.sampled_from(BROKEN_INSTANTS), odd_text, wrong)
any_date = st.integers(1, date.max.toordinal()).map(date.fromordinal)  # year 1 to year 9999
recent = st.integers(-30 * 366, 366).map(lambda days: EPOCH.date() + timedelta(days=days))
dates = st.one_of(recent, recent.map(date.isoformat), any_date, any_date.map(date.isoformat))
bad_dates = st.one_of(st.sampled_from(BROKEN_DATES), st.datetimes(), odd_text, wrong)
ages = st.one_of(st.integers(0, 20), st.sampled_from([0, 17, 18, 150]))
bad_ages = st.one_of(
    st.sampled_from([-1, 151, 10**9, -(10**9), True, False, 3.5, float("nan"), "ten", "12"]),
    st.integers(),
    wrong,
)


def _options(field: Field) -> list[str]:
    labels = enquiries.decision_types().labels if field.name == "decision_type" else field.options
    return list(labels or {})


def good(field: Field) -> st.SearchStrategy[Any]:
    """Values a person could really enter (storable, though perhaps with problems)."""
    kind = field.kind
    if kind in (Kind.LINE, Kind.TEXT):
        limit = LINE_MAX if kind is Kind.LINE else TEXT_MAX
        at_the_limit = ("x" * limit, "ŷ" * limit)
        return st.one_of(
            st.sampled_from(NAMES + SQL + at_the_limit), st.text(printable, min_size=1, max_size=40)
        )
    if kind is Kind.INSTANT:
        return plausible_instants
    if kind is Kind.DATE:
        return dates
    if kind is Kind.AGE:
        return ages
    if kind is Kind.YES_NO:
        return st.booleans()
    if kind is Kind.CHOICE:
        return st.sampled_from(_options(field))
    if kind is Kind.CHOICES:
        picked = st.lists(st.sampled_from(_options(field)), max_size=4)
        return st.one_of(picked, picked.map(tuple))
    if kind is Kind.ENTRIES:
        entry = st.fixed_dictionaries({"at": plausible_instants, "text": st.sampled_from(NAMES)})
        return st.lists(entry, max_size=3)
    child = st.fixed_dictionaries(
        {"name": st.sampled_from(NAMES + SQL)},
        optional={"dob": dates, "age": ages, "notes": st.sampled_from(SQL)},
    )
    return st.lists(child, max_size=3)


def hostile(field: Field) -> st.SearchStrategy[Any]:
    """Anything at all for this field, mostly what no form would send."""
    kind = field.kind
    if kind in (Kind.LINE, Kind.TEXT):
        return st.one_of(odd_text, wrong)
    if kind is Kind.INSTANT:
        return st.one_of(instants, bad_instants)
    if kind is Kind.DATE:
        return st.one_of(dates, bad_dates)
    if kind is Kind.AGE:
        return bad_ages
    if kind is Kind.YES_NO:
        return st.one_of(st.sampled_from(["yes", "no", "True", 1, 0]), wrong)
    if kind is Kind.CHOICE:
        return st.one_of(st.sampled_from(["", "POLICE", "police ", "advice_nfa", "neglect"]), wrong)
    if kind is Kind.CHOICES:
        return st.one_of(st.lists(st.one_of(odd_text, wrong), min_size=1, max_size=3), wrong)
    if kind is Kind.ENTRIES:
        entry = st.one_of(
            st.fixed_dictionaries({"at": st.one_of(instants, bad_instants), "text": odd_text}),
            st.dictionaries(st.sampled_from(["at", "text", "by"]), wrong, max_size=3),
            wrong,
        )
        too_many = st.just([{"at": "2026-11-22T02:10:00.000000Z", "text": "x"}] * (LIST_MAX + 1))
        return st.one_of(st.lists(entry, min_size=1, max_size=3), too_many, wrong)
    child = st.one_of(
        st.fixed_dictionaries(
            {"name": st.one_of(odd_text, wrong)},
            optional={
                "dob": st.one_of(dates, bad_dates),
                "age": st.one_of(ages, bad_ages),
                "notes": st.one_of(odd_text, wrong),
            },
        ),
        st.dictionaries(st.sampled_from(["name", "dob", "age", "notes", "school"]), wrong),
        wrong,
    )
    return st.one_of(st.lists(child, min_size=1, max_size=3), st.just([{"name": "A"}] * 31), wrong)


FIELD_NAMES = sorted(FIELDS)
# The fields the rules weigh against each other (times, ages) come up three times as often.
WEIGHED = ("received_at", "seen_at", "child_dob", "child_age", "other_children", "checks")
picks = st.sampled_from(FIELD_NAMES + [*WEIGHED, "actions"] * 2)
GOOD = {name: good(field) for name, field in FIELDS.items()}
HOSTILE = {name: hostile(field) for name, field in FIELDS.items()}
unknown_names = st.one_of(
    st.sampled_from(["child_nmae", "Child_Name", "", " child_name", "id", "reference", "version"]),
    st.sampled_from(SQL),
    st.text(everything, max_size=8),
    st.integers(),
    st.none(),
)


@st.composite
def forms(draw: st.DrawFn) -> dict[Any, Any]:
    """A realistic form, and in three examples of four one to three fields made hostile."""
    chosen = draw(st.lists(picks, max_size=6, unique=True))
    if draw(st.booleans()):
        chosen.append("child_name")  # often named, so that the search is tried often
    form: dict[Any, Any] = {name: draw(GOOD[name]) for name in chosen}
    if draw(st.integers(0, 3)):
        for name in draw(st.lists(picks, min_size=1, max_size=3, unique=True)):
            form[name] = draw(HOSTILE[name])
        if draw(st.integers(0, 4)) == 0:
            form[draw(unknown_names)] = draw(st.one_of(odd_text, wrong))
    return form


# --- the desk -------------------------------------------------------------------------


@dataclass(repr=False)
class Night:
    """The module's desk and what the tests have stored on it so far."""

    session: SignedIn
    clock: FakeClock
    enquiry_id: str  # the one enquiry the save test keeps saving over
    updated_at: datetime
    content: dict[str, Any]
    stored: int = 1  # enquiries on the desk

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Night(stored={self.stored})"

    def as_stored(self) -> Enquiry:
        """Read straight from the store: no view recorded, so nothing changes by looking."""
        with self.session.uow(read_only=True) as uow:
            found = store.get_enquiry(uow.session, self.enquiry_id)
        assert found is not None
        return found


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    """One desk for the whole module, a worker signed in, a shift running, one enquiry."""
    paths = DeskPaths(tmp_path_factory.mktemp("properties") / "desk")
    clock = FakeClock()
    admin = desk.create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock).session
    people.add_person(
        admin, "sam", "Sam Worker", Role.DUTY_SOCIAL_WORKER, PASSWORD, must_change_password=False
    )
    desk.sign_out(admin)
    session = desk.sign_in(paths, "sam", PASSWORD, clock)
    try:
        shifts.start_shift(
            session, ["Sam Worker"], Contact("Priya", "07700 900123"), Contact("Mo", "07700 900")
        )
        first = enquiries.create_enquiry(session, {"child_name": "Siân Llŷr"}).enquiry
        yield Night(session, clock, first.id, first.updated_at, first.content)
    finally:
        desk.sign_out(session)
        desk.remove_desk(paths)


# How the 10,000 through the services are shared out (a create costs ~25 ms with the form's
# generation, a save ~20 ms, an autosave ~15 ms, a create and decide ~45 ms: about four
# minutes in all); 2,000 more go through the rules alone.
CREATE, SAVE, AUTOSAVE, DECIDE, RULES = 4000, 3000, 2000, 1000, 2000
SETTINGS = {
    "deadline": None,
    "database": None,  # nothing written into the working tree
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def _search_words(name: str, reference: str) -> str:
    return " ".join([*name.split()[:7], reference])  # a query keeps its first 8 words


@settings(max_examples=CREATE, **SETTINGS)  # type: ignore[arg-type]
@given(form=forms())
def test_create_refuses_or_stores_exactly_what_clean_gives(night: Night, form: dict) -> None:
    night.clock.advance(seconds=7)
    try:
        saved = enquiries.create_enquiry(night.session, form)
    except ValidationError as refused:
        assert str(refused)  # a message fit for a person
        with pytest.raises(ValidationError):
            enquiries.clean(form)
        assert count_enquiries(night.session, ListQuery()) == night.stored
        return
    night.stored += 1
    expected = enquiries.clean(form)
    expected.setdefault("received_at", format_instant(night.clock.now))
    enquiry = saved.enquiry
    assert enquiry.content == expected
    assert enquiry.status is Status.DRAFT and enquiry.version == 1
    assert enquiries.open_enquiry(night.session, enquiry.id).content == expected
    name = expected.get("child_name", "")
    if name.split():
        query = ListQuery(text=_search_words(name, enquiry.reference))
        found = list_enquiries(night.session, query)
        assert [row.id for row in found.rows] == [enquiry.id], (name, query.text)


@settings(max_examples=SAVE, **SETTINGS)  # type: ignore[arg-type]
@given(form=forms())
def test_save_refuses_or_stores_exactly_what_clean_gives(night: Night, form: dict) -> None:
    night.clock.advance(seconds=7)
    try:
        saved = enquiries.save_enquiry(night.session, night.enquiry_id, form, night.updated_at)
    except ValidationError as refused:
        assert str(refused)
        with pytest.raises(ValidationError):
            enquiries.clean(form)
        after = night.as_stored()
        assert (after.updated_at, after.content) == (night.updated_at, night.content)
        return
    expected = enquiries.clean(form)
    expected.setdefault("received_at", night.content["received_at"])  # a save never empties it
    assert saved.enquiry.content == expected
    assert saved.enquiry.version == 1  # still a draft: saving makes no new version
    assert enquiries.open_enquiry(night.session, night.enquiry_id).content == expected
    night.updated_at, night.content = saved.enquiry.updated_at, expected


@settings(max_examples=AUTOSAVE, **SETTINGS)  # type: ignore[arg-type]
@given(form=forms())
def test_autosave_refuses_or_keeps_exactly_what_clean_gives(night: Night, form: dict) -> None:
    night.clock.advance(seconds=2)
    before = drafts.pending_drafts(night.session)
    try:
        drafts.autosave(night.session, "the-form", form)
    except ValidationError as refused:
        assert str(refused)
        with pytest.raises(ValidationError):
            enquiries.clean(form)
        assert drafts.pending_drafts(night.session) == before  # the last good typing stays
        return
    [kept] = drafts.pending_drafts(night.session)
    assert kept.content == enquiries.clean(form)


@settings(max_examples=DECIDE, **SETTINGS)  # type: ignore[arg-type]
@given(form=forms())
def test_deciding_refuses_by_field_or_decides_exactly_what_clean_gives(
    night: Night, form: dict
) -> None:
    night.clock.advance(seconds=7)
    start = enquiries.create_enquiry(night.session, {"child_name": "Test Child"}).enquiry
    night.stored += 1
    try:
        saved = enquiries.decide(night.session, start.id, form, start.updated_at)
    except ValidationError as refused:
        assert str(refused)
        if isinstance(refused, rules.EnquiryInvalid):
            assert all(p.field for p in refused.problems)
        stored = enquiries.open_enquiry(night.session, start.id)
        assert stored.status is Status.DRAFT and stored.content == start.content
        return
    expected = enquiries.clean(form)
    expected.setdefault("received_at", start.content["received_at"])
    assert saved.enquiry.status is Status.DECIDED
    assert enquiries.open_enquiry(night.session, start.id).content == expected


NOW = FakeClock().now


@settings(max_examples=RULES, **SETTINGS)  # type: ignore[arg-type]
@given(form=forms())
def test_the_rules_refuse_or_give_content_that_is_stable(form: dict) -> None:
    try:
        content = enquiries.clean(form)
    except rules.EnquiryInvalid as refused:
        assert refused.problems and str(refused)
        assert all(isinstance(p.field, str) and p.message for p in refused.problems)
        return
    assert set(content) <= set(FIELDS)
    assert all(value not in (None, "", [], ()) for value in content.values()), content
    assert enquiries.clean(content) == content  # cleaning what is stored changes nothing
    assert json.loads(json.dumps(content, ensure_ascii=False)) == content
    assert rules.with_changes({}, rules.changes({}, content)) == content
    for found in (rules.problems(content, NOW), rules.decision_problems(content, NOW)):
        assert all(p.field in FIELDS and p.message for p in found)
    body = rules.search_text(content, "EDT-261121-ABCD-001")
    named = [content.get("child_name", ""), *(c["name"] for c in content.get("other_children", []))]
    assert all(name in body for name in named)
    concerns = content.get("concerns", [])
    assert concerns == [c for c in choices.CONCERNS if c in concerns]  # the list's order
