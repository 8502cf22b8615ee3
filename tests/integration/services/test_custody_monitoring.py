"""The Concordat monitoring figures through the services, on a real desk: the CSV holds no
name, date of birth, custody record number, reference or id of any case (issue 5
acceptance), and its totals match counts made here, independently, from the cases made;
the period is by London date; only those allowed may see the figures."""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from duty_desk.domain.custody_records import Case
from duty_desk.domain.errors import Forbidden, ValidationError
from duty_desk.services import custody
from duty_desk.services.custody_figures import export_monitoring, monitoring
from tests.support import events_of_type

NOV = (date(2026, 11, 1), date(2026, 11, 21))
HOUR = timedelta(hours=1)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Made:
    """One case as this test made it, with what the figures should count for it."""

    name: str
    dob: str
    number: str
    officer: str
    suite: str
    age: int
    gender: str | None
    ethnicity: str | None
    request_type: str | None
    steps: dict[str, datetime]
    close: dict[str, Any] | None  # None: left open
    overnight: bool  # worked out by hand from the times (00:00-06:00 London)
    case: Case | None = field(default=None, repr=False)

    @property
    def outcome(self) -> str | None:
        return None if self.close is None else self.close["outcome"]


CASES = [
    Made("Zebedee Quockerwodger", "2011-04-17", "NGC-7731-A", "PC Ottoline Vantablack",
         "Grimsditch Custody Suite", 15, "male", "white", "non_secure",
         {"charge": utc(11, 2, 18), "request_received": utc(11, 2, 18, 30),
          "response_given": utc(11, 2, 18, 50), "left_custody": utc(11, 2, 21)},
         # a certificate answer left on a case that did not remain counts for nothing
         {"outcome": "transferred", "placement_type": "foster", "certificate_issued": False},
         False),
    Made("Philomena Snorkelwick", "2014-08-03", "NGC-8842-B", "DC Barnaby Pettigrew",
         "Wolfhampcote Custody Suite", 12, "female", "black", "secure",
         {"charge": utc(11, 3, 22), "request_received": utc(11, 3, 22, 20),
          "response_given": utc(11, 3, 23), "left_custody": utc(11, 4, 2)},
         {"outcome": "transferred", "placement_type": "secure_home"}, True),
    Made("Thaddeus Wobblecombe", "2010-12-25", "NGC-9953-C", "PS Ermintrude Castellan",
         "Grimsditch Custody Suite", 16, "male", "asian", "non_secure",
         {"charge": utc(11, 5, 20), "request_received": utc(11, 5, 20, 30)},
         {"outcome": "remained", "certificate_issued": True,
          "certificate_reason": "impracticable", "certificate_text": "No transport."}, True),
    Made("Gwendolyn Fizzlethorpe", "2009-06-30", "NGC-1064-D", "PC Lysander Quill",
         "Ashby-de-la-Zouch Custody Suite", 17, "other", "mixed", "secure",
         {"charge": utc(11, 6, 19), "request_received": utc(11, 6, 19, 10),
          "response_given": utc(11, 6, 19, 40)},
         {"outcome": "remained", "certificate_issued": True,
          "certificate_reason": "no_secure_serious_harm",
          "certificate_text": "No secure bed in the region."}, True),
    Made("Ignatius Pumpernickel", "2016-01-09", "NGC-2175-E", "DS Clementine Ashgrove",
         "Wolfhampcote Custody Suite", 10, None, None, None,
         {"charge": utc(11, 7, 9), "request_received": utc(11, 7, 9, 30),
          "response_given": utc(11, 7, 10), "left_custody": utc(11, 7, 12)},
         {"outcome": "bailed_released"}, False),
    Made("Persephone Gallimaufry", "2012-03-14", "NGC-3286-F", "PC Ottoline Vantablack",
         "Grimsditch Custody Suite", 14, "female", "white", "non_secure",
         {"charge": utc(11, 8, 23), "request_received": utc(11, 8, 23, 15),
          "left_custody": utc(11, 9, 8)},
         {"outcome": "remained", "certificate_issued": False,
          "remained_reason": "Custody officer would not certify; court at 10:00."}, True),
    Made("Bartholomew Quibblesworth", "2013-10-01", "NGC-4397-G", "DC Barnaby Pettigrew",
         "Wolfhampcote Custody Suite", 13, "male", "not_stated", "non_secure",
         {"charge": utc(11, 9, 17), "request_received": utc(11, 9, 17, 30)},
         {"outcome": "remained", "remained_reason": "Not known whether certified."}, True),
    Made("Araminta Crumplehorn", "2010-05-22", "NGC-5408-H", "PS Ermintrude Castellan",
         "Grimsditch Custody Suite", 16, "male", "white", "secure",
         {"charge": utc(11, 21, 20), "request_received": utc(11, 21, 20, 30)},
         None, False),
    Made("Cornelius Thistlewaite", "2011-11-11", "NGC-6519-J", "PC Lysander Quill",
         "Ashby-de-la-Zouch Custody Suite", 15, "not_known", "other", "non_secure",
         {}, None, False),  # no steps: counted by the day it was opened (21 Nov)
]  # fmt: skip
# Requested on 31 October (GMT, so also London): outside November.
OUTSIDE = Made("Octavia Zanzibar", "2012-07-07", "NGC-7620-K", "PC Ottoline Vantablack",
               "Grimsditch Custody Suite", 14, "female", "white", "secure",
               {"charge": utc(10, 31, 22), "request_received": utc(10, 31, 23, 30)},
               None, True)  # fmt: skip


def make(session, made: Made) -> Case:  # type: ignore[no-untyped-def]
    fields = {
        "custody_suite": made.suite,
        "custody_number": made.number,
        "officer_name": made.officer,
        "officer_contact": "07700 900555",
        "yp_name": made.name,
        "yp_dob": made.dob,
        "age_at_charge": made.age,
        "yp_gender": made.gender,
        "yp_ethnicity": made.ethnicity,
        "request_type": made.request_type,
        "court": "Quarrendon Youth Court",
    }
    case = custody.open_case(session, fields)
    for kind, at in sorted(made.steps.items(), key=lambda item: item[1]):
        case = custody.add_step(session, case.id, {"kind": kind, "at": at}, case.updated_at)
    if made.close is not None:
        case = custody.close_case(session, case.id, made.close, case.updated_at)
    made.case = case
    return case


@pytest.fixture
def night(on_shift):  # type: ignore[no-untyped-def]
    """Every case of ``CASES`` and ``OUTSIDE`` made on the worker's desk."""
    for made in (*CASES, OUTSIDE):
        make(on_shift, made)
    return CASES


def read_csv(path: Path) -> dict[tuple[str, str, str], str]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["OFFICIAL-SENSITIVE"] == lines[-1]
    assert lines[1] == ["section", "group", "measure", "value"]
    table = {(s, g, m): v for s, g, m, v in lines[2:-1]}
    assert len(table) == len(lines) - 3  # no figure given twice
    return table


def test_the_csv_holds_no_name_birth_date_record_number_or_reference(  # type: ignore[no-untyped-def]
    night, approvers, paths, tmp_path
) -> None:
    path = tmp_path / "figures.csv"
    export_monitoring(approvers["morgan"], *NOV, path)
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) > 50  # the figures are there to hide things among
    words = text.lower()
    for made in (*night, OUTSIDE):
        assert made.case is not None
        born = date.fromisoformat(made.dob)
        secrets = [
            made.name, *made.name.split(), made.number, made.officer, made.suite,
            *made.suite.split()[:1], made.case.reference, made.case.id,
            made.case.enquiry_reference, made.case.enquiry_id,
            made.dob, f"{born:%d/%m/%Y}", f"{born:%d/%m/%y}", f"{born:%d.%m.%Y}",
            f"{born.day} {born:%B %Y}", f"{born:%Y%m%d}", "Quarrendon", "07700",
        ]  # fmt: skip
        for secret in secrets:
            assert secret is not None and secret.lower() not in words, secret
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", words)  # no uuid
    assert not re.search(r"\b(cus|edt)-\d{6}", words)  # no reference of any case or enquiry
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)  # no dd/mm/yyyy date at all
    # the only ISO dates are the period's own
    assert sorted(re.findall(r"\d{4}-\d{2}-\d{2}", text)) == ["2026-11-01", "2026-11-21"]
    key = approvers["morgan"].desk.db_key
    [event] = events_of_type(paths.database, key, "custody.figures_exported")
    assert event["payload"] == {"start": "2026-11-01", "end": "2026-11-21", "file": "figures.csv"}


def test_the_csv_totals_match_the_cases(night, approvers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "figures.csv"
    figures = export_monitoring(approvers["morgan"], *NOV, path)
    table = read_csv(path)
    assert table[("period", "", "from")] == "2026-11-01"
    assert table[("period", "", "to")] == "2026-11-21"

    def total(measure: str) -> int:
        return int(table[("totals", "", measure)])

    outcomes = Counter(made.outcome for made in night)
    assert total("requests") == len(night) == figures.requests == 9
    assert total("accommodated") == outcomes["transferred"] == 2
    assert total("bailed or released") == outcomes["bailed_released"] == 1
    assert total("remained in custody") == outcomes["remained"] == 4
    assert total("still open") == outcomes[None] == 2
    assert total("overnight stays") == sum(made.overnight for made in night) == 5
    types = Counter(made.request_type for made in night)

    def typed(group: str) -> int:
        return int(table[("request type", group, "requests")])

    assert (typed("Secure"), typed("Non-secure"), typed("Not recorded")) == (
        types["secure"], types["non_secure"], types[None]
    )  # fmt: skip
    assert types == {"non_secure": 5, "secure": 3, None: 1}

    remained = [m.close for m in night if m.close is not None and m.outcome == "remained"]

    def why(group: str) -> int:
        return int(table[("remained in custody: why", group, "requests")])

    certified = Counter(
        c.get("certificate_reason") for c in remained if c.get("certificate_issued")
    )
    assert why("Certificate issued: Transfer impracticable") == certified["impracticable"] == 1
    assert why(
        "Certificate issued: No secure accommodation, other would not protect the public"
    ) == certified["no_secure_serious_harm"] == 1  # fmt: skip
    assert why("Certificate issued: reason not recorded") == 0
    no_cert = [c for c in remained if c.get("certificate_issued") is False]
    unknown = [c for c in remained if c.get("certificate_issued") is None]
    assert why("No certificate issued") == len(no_cert) == 1
    assert why("Certificate not recorded") == len(unknown) == 1

    # each breakdown adds up, and its groups are the cases' own
    bands = Counter("10-13" if m.age <= 13 else "14-15" if m.age <= 15 else "16-17" for m in night)
    for band, count in bands.items():
        assert int(table[("by age band", band, "requests")]) == count
    genders = Counter(m.gender for m in night)
    labels = {"male": "Male", "female": "Female", "other": "Other", "not_known": "Not known"}
    for gender, count in genders.items():
        label = "Not recorded" if gender is None else labels[gender]
        assert int(table[("by gender", label, "requests")]) == count
    assert int(table[("by ethnicity", "White", "requests")]) == 3
    assert int(table[("by ethnicity", "White", "overnight stays")]) == 1
    for section in ("by age band", "by gender", "by ethnicity"):
        rows = [int(v) for (s, _, m), v in table.items() if s == section and m == "requests"]
        assert sum(rows) == len(night)

    # medians, over the cases with both ends recorded
    def minutes(made: Made, start: str, end: str) -> float | None:
        if start in made.steps and end in made.steps:
            return (made.steps[end] - made.steps[start]).total_seconds() / 60
        return None

    for measure, start, end in (
        ("charge to request", "charge", "request_received"),
        ("request to response", "request_received", "response_given"),
        ("request to leaving custody", "request_received", "left_custody"),
    ):
        known = [m for made in night if (m := minutes(made, start, end)) is not None]
        assert int(table[("medians", "", f"{measure} (n)")]) == len(known)
        assert float(table[("medians", "", f"{measure} (minutes)")]) == statistics.median(known)


def test_the_period_is_by_london_date(on_shift, approvers, clock) -> None:  # type: ignore[no-untyped-def]
    """In summer London is an hour ahead: 23:30 UTC on 30 June is 00:30 on 1 July."""
    boundary = [
        ("Early July", utc(6, 30, 23, 30)),  # 00:30 BST on 1 July
        ("Late June", utc(6, 30, 22, 59)),  # 23:59 BST on 30 June
        ("Last of July", utc(7, 31, 22, 30)),  # 23:30 BST on 31 July
        ("Early August", utc(7, 31, 23, 0)),  # 00:00 BST on 1 August
    ]
    for name, at in boundary:
        case = custody.open_case(
            on_shift, {"custody_suite": "Grimsditch", "yp_name": name, "age_at_charge": 15}
        )
        step = {"kind": "request_received", "at": at}
        custody.add_step(on_shift, case.id, step, case.updated_at)
    manager = approvers["morgan"]
    assert monitoring(manager, date(2026, 7, 1), date(2026, 7, 31)).requests == 2
    assert monitoring(manager, date(2026, 6, 30), date(2026, 6, 30)).requests == 1
    assert monitoring(manager, date(2026, 8, 1), date(2026, 8, 1)).requests == 1
    assert monitoring(manager, date(2026, 7, 2), date(2026, 7, 30)).requests == 0
    # a case without a request step counts on the London day it was opened
    assert clock.now == utc(11, 21, 23, 10)
    custody.open_case(on_shift, {"custody_suite": "G", "yp_name": "No step", "age_at_charge": 12})
    assert monitoring(manager, date(2026, 11, 21), date(2026, 11, 21)).requests == 1
    assert monitoring(manager, date(2026, 11, 22), date(2026, 11, 22)).requests == 0


def test_a_period_the_wrong_way_round_or_too_long_is_refused(approvers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manager = approvers["morgan"]
    with pytest.raises(ValidationError, match="ends before it starts"):
        monitoring(manager, date(2026, 11, 2), date(2026, 11, 1))
    with pytest.raises(ValidationError, match="ten years or less"):
        monitoring(manager, date(2010, 1, 1), date(2026, 11, 1))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError, match="no folder"):
        export_monitoring(manager, *NOV, out / "missing" / "figures.csv")
    assert list(out.iterdir()) == []  # nothing half-written


def test_who_may_see_the_figures(on_shift, approvers, admin, people, paths, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import sign_in_alongside
    from tests.conftest import PASSWORD

    path = tmp_path / "figures.csv"
    for session in (on_shift, approvers["priya"]):
        with pytest.raises(Forbidden, match="may not see the monitoring figures"):
            monitoring(session, *NOV)
        with pytest.raises(Forbidden):
            export_monitoring(session, *NOV, path)
    assert not path.exists()
    day_team = sign_in_alongside(on_shift, people[Role.DAY_TEAM], PASSWORD)
    for session in (approvers["morgan"], approvers["sasha"], day_team, admin):
        assert monitoring(session, *NOV).requests == 0
    assert events_of_type(paths.database, admin.desk.db_key, "custody.figures_exported") == []
