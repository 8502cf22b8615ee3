"""Concordat monitoring figures: totals match the cases, London dates, and an anonymous CSV."""

from __future__ import annotations

import csv
import io
import re
import statistics
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk.domain.choices import GENDERS
from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_choices import (
    CERTIFICATE_REASONS,
    ETHNIC_GROUPS,
    OUTCOMES,
    REQUEST_TYPES,
)
from duty_desk.domain.custody_figures import (
    CaseFacts,
    Figures,
    Group,
    figures,
    in_range,
    to_csv,
)
from duty_desk.domain.errors import ValidationError

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def case(**changes: Any) -> CaseFacts:
    """A transferred 15-year-old, requested at 22:00 UTC on 20/11/2026, with ``changes``."""
    base = CaseFacts(
        requested_at=datetime(2026, 11, 20, 22, 0, tzinfo=UTC),
        age_at_charge=15,
        gender="male",
        ethnicity="white",
        request_type="non_secure",
        outcome="transferred",
        certificate_issued=None,
        certificate_reason=None,
        overnight=False,
        charge_to_request=timedelta(minutes=30),
        request_to_response=timedelta(minutes=20),
        request_to_left=timedelta(hours=3),
    )
    return replace(base, **changes)


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


# --- Worked example ------------------------------------------------------------------


def night_of_cases() -> list[CaseFacts]:
    return [
        case(age_at_charge=12, gender="female", ethnicity="black", request_type="secure"),
        case(
            age_at_charge=16,
            outcome="remained",
            certificate_issued=True,
            certificate_reason="impracticable",
            overnight=True,
            charge_to_request=minutes(90),
            request_to_response=minutes(40),
            request_to_left=None,
        ),
        case(
            age_at_charge=17,
            ethnicity="not_stated",
            outcome="remained",
            certificate_issued=False,
            overnight=True,
            charge_to_request=minutes(10),
            request_to_response=None,
            request_to_left=minutes(600),
        ),
        case(age_at_charge=None, gender=None, ethnicity=None, request_type=None, outcome=None),
        case(outcome="bailed_released", request_to_response=minutes(25)),
    ]


def test_worked_example_gives_each_figure() -> None:
    result = figures(night_of_cases(), *NOVEMBER)
    assert (result.start, result.end, result.requests, result.cases) == (*NOVEMBER, 5, 5)
    assert (result.secure, result.non_secure, result.type_not_recorded) == (1, 3, 1)
    assert (result.accommodated, result.bailed_released, result.remained) == (1, 1, 2)
    assert (result.still_open, result.overnight) == (1, 2)
    assert [(t.label, t.count) for t in result.certified] == [
        ("Certificate issued: Transfer impracticable", 1),
        (
            "Certificate issued: No secure accommodation, other would not protect the public",
            0,
        ),
        ("Certificate issued: reason not recorded", 0),
    ]
    assert (result.no_certificate, result.certificate_not_recorded) == (1, 0)
    # charge to request: 30, 90, 10, 30, 30 -> 30
    assert (result.charge_to_request.value, result.charge_to_request.n) == (minutes(30), 5)
    # request to response: 20, 40, 20, 25 -> (20 + 25) / 2
    assert result.request_to_response.value == minutes(22.5)
    assert result.request_to_response.minutes == 22.5
    assert result.request_to_response.n == 4
    # request to leaving: 180, 600, 180, 180 -> 180
    assert (result.request_to_left.value, result.request_to_left.n) == (minutes(180), 4)
    assert result.by_age_band == (
        Group("10-13", requests=1, accommodated=1, remained=0, overnight=0),
        Group("14-15", requests=1, accommodated=0, remained=0, overnight=0),
        Group("16-17", requests=2, accommodated=0, remained=2, overnight=2),
        Group("Not recorded", requests=1, accommodated=0, remained=0, overnight=0),
    )
    assert [g.label for g in result.by_gender] == [*GENDERS.values(), "Not recorded"]
    assert [g.requests for g in result.by_gender] == [1, 3, 0, 0, 1]
    assert [g.label for g in result.by_ethnicity] == [*ETHNIC_GROUPS.values(), "Not recorded"]
    by_ethnicity = {g.label: g for g in result.by_ethnicity}
    assert by_ethnicity["White"] == Group("White", 2, 0, 1, 1)
    assert by_ethnicity["Not stated"] == Group("Not stated", 1, 0, 1, 1)
    assert by_ethnicity["Black, Black British, Caribbean or African"].accommodated == 1


def test_certificate_issued_without_a_reason_is_counted_as_such() -> None:
    result = figures(
        [case(outcome="remained", certificate_issued=True, certificate_reason=None)], *NOVEMBER
    )
    assert [t.count for t in result.certified] == [0, 0, 1]


def test_certificate_facts_on_a_case_that_did_not_remain_are_not_reasons() -> None:
    result = figures([case(certificate_issued=True, certificate_reason="impracticable")], *NOVEMBER)
    assert sum(t.count for t in result.certified) == 0
    assert (result.no_certificate, result.certificate_not_recorded) == (0, 0)


def test_median_minutes_are_rounded_to_one_decimal() -> None:
    spans = [timedelta(seconds=90), timedelta(seconds=100)]  # median 95 s = 1.5833 min
    cases = [case(request_to_response=span) for span in spans]
    result = figures(cases, *NOVEMBER)
    assert result.request_to_response.value == timedelta(seconds=95)
    assert result.request_to_response.minutes == 1.6
    assert _csv_values(to_csv(result))[("medians", "", "request to response (minutes)")] == "1.6"


def test_whole_minutes_are_shown_without_a_decimal() -> None:
    csv_text = to_csv(figures([case(request_to_response=minutes(42))], *NOVEMBER))
    assert _csv_values(csv_text)[("medians", "", "request to response (minutes)")] == "42"


# --- Dates: the London calendar day of the request ---------------------------------------


def test_half_past_midnight_bst_on_the_first_belongs_to_that_month() -> None:
    moment = datetime(2026, 4, 1, 0, 30, tzinfo=LONDON).astimezone(UTC)
    assert moment == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    early = case(requested_at=moment)
    assert in_range([early], date(2026, 4, 1), date(2026, 4, 30)) == [early]
    assert in_range([early], date(2026, 3, 1), date(2026, 3, 31)) == []


def test_late_evening_bst_on_the_last_day_is_still_in_the_month() -> None:
    late = case(requested_at=datetime(2026, 4, 30, 23, 30, tzinfo=LONDON).astimezone(UTC))
    assert in_range([late], date(2026, 4, 1), date(2026, 4, 30)) == [late]
    assert in_range([late], date(2026, 5, 1), date(2026, 5, 31)) == []


def test_in_winter_london_and_utc_days_agree() -> None:
    late = case(requested_at=datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    assert in_range([late], date(2026, 1, 31), date(2026, 1, 31)) == [late]
    assert in_range([late], date(2026, 2, 1), date(2026, 2, 28)) == []


def test_a_single_day_range_includes_both_ends_of_that_day() -> None:
    day = date(2026, 7, 10)
    first = case(requested_at=datetime(2026, 7, 10, 0, 0, tzinfo=LONDON).astimezone(UTC))
    last = case(requested_at=datetime(2026, 7, 10, 23, 59, tzinfo=LONDON).astimezone(UTC))
    before = case(requested_at=datetime(2026, 7, 9, 23, 59, tzinfo=LONDON).astimezone(UTC))
    assert in_range([before, first, last], day, day) == [first, last]


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="starts on 02/11/2026, after it ends on 01/11"):
        figures([], date(2026, 11, 2), date(2026, 11, 1))


def test_an_empty_range_gives_zero_counts_and_blank_medians() -> None:
    outside = [case(requested_at=datetime(2026, 10, 31, 12, tzinfo=UTC))]
    result = figures(outside, *NOVEMBER)
    parsed = _csv_values(to_csv(result))
    medians = {key: value for key, value in parsed.items() if key[0] == "medians"}
    counts = {key: value for key, value in parsed.items() if key[0] not in ("medians", "period")}
    assert set(medians.values()) == {"", "0"}
    assert all(value == "" for key, value in medians.items() if key[2].endswith("(minutes)"))
    assert counts and set(counts.values()) == {"0"}
    assert len(counts) == len(_expected_keys()) - len(medians) - 2  # every count is present
    assert result.request_to_left.minutes is None


# --- Properties over random cases ---------------------------------------------------------

SPANS = st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))


def _maybe(choices: dict[str, str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(sorted(choices))


case_facts = st.builds(
    CaseFacts,
    requested_at=st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    age_at_charge=st.none() | st.integers(10, 17),
    gender=_maybe(GENDERS),
    ethnicity=_maybe(ETHNIC_GROUPS),
    request_type=_maybe(REQUEST_TYPES),
    outcome=_maybe(OUTCOMES),
    certificate_issued=st.none() | st.booleans(),
    certificate_reason=_maybe(CERTIFICATE_REASONS),
    overnight=st.booleans(),
    charge_to_request=SPANS,
    request_to_response=SPANS,
    request_to_left=SPANS,
)

periods = st.tuples(st.dates(date(2024, 12, 25), date(2028, 1, 5)), st.integers(0, 400)).map(
    lambda pair: (pair[0], pair[0] + timedelta(days=pair[1]))
)


@given(st.lists(case_facts, max_size=40), periods)
def test_totals_add_up(cases: list[CaseFacts], period: tuple[date, date]) -> None:
    result = figures(cases, *period)
    outcomes = result.accommodated + result.bailed_released + result.remained + result.still_open
    assert outcomes == result.requests
    assert result.secure + result.non_secure + result.type_not_recorded == result.requests
    why = sum(t.count for t in result.certified)
    assert why + result.no_certificate + result.certificate_not_recorded == result.remained
    for breakdown in (result.by_age_band, result.by_gender, result.by_ethnicity):
        assert sum(g.requests for g in breakdown) == result.requests
        assert sum(g.accommodated for g in breakdown) == result.accommodated
        assert sum(g.remained for g in breakdown) == result.remained
        assert sum(g.overnight for g in breakdown) == result.overnight


@given(st.lists(case_facts, max_size=40), periods)
def test_counts_match_the_cases_in_the_period(
    cases: list[CaseFacts], period: tuple[date, date]
) -> None:
    start, end = period
    chosen = [c for c in cases if start <= c.requested_at.astimezone(LONDON).date() <= end]
    result = figures(cases, start, end)
    assert result.requests == len(chosen)
    assert result.accommodated == sum(c.outcome == "transferred" for c in chosen)
    assert result.remained == sum(c.outcome == "remained" for c in chosen)
    assert result.overnight == sum(c.overnight for c in chosen)
    assert result.secure == sum(c.request_type == "secure" for c in chosen)


@given(st.lists(case_facts, max_size=40), periods)
def test_medians_equal_statistics_median(cases: list[CaseFacts], period: tuple[date, date]) -> None:
    chosen = in_range(cases, *period)
    result = figures(cases, *period)
    for name in ("charge_to_request", "request_to_response", "request_to_left"):
        spans = [getattr(c, name) for c in chosen if getattr(c, name) is not None]
        median = getattr(result, name)
        assert median.n == len(spans)
        assert median.value == (statistics.median(spans) if spans else None)


@given(st.lists(case_facts, max_size=40), periods, st.integers(0, 400))
def test_adjacent_periods_split_the_cases_between_them(
    cases: list[CaseFacts], period: tuple[date, date], cut: int
) -> None:
    start, end = period
    middle = min(start + timedelta(days=cut), end)
    whole = in_range(cases, start, end)
    halves = in_range(cases, start, middle)
    if middle < end:
        halves += in_range(cases, middle + timedelta(days=1), end)
    assert sorted(map(id, halves)) == sorted(map(id, whole))


# --- The CSV -------------------------------------------------------------------------------

SECTIONS = {
    "period",
    "totals",
    "request type",
    "remained in custody: why",
    "medians",
    "by age band",
    "by gender",
    "by ethnicity",
}
GROUPS = {
    "",
    "Not recorded",
    "10-13",
    "14-15",
    "16-17",
    "Secure",
    "Non-secure",
    "No certificate issued",
    "Certificate not recorded",
    "Certificate issued: reason not recorded",
    *(f"Certificate issued: {label}" for label in CERTIFICATE_REASONS.values()),
    *GENDERS.values(),
    *ETHNIC_GROUPS.values(),
}
MEASURES = {
    "from",
    "to",
    "requests",
    "accommodated",
    "bailed or released",
    "remained in custody",
    "still open",
    "overnight stays",
    *(
        f"{name} ({unit})"
        for name in ("charge to request", "request to response", "request to leaving custody")
        for unit in ("minutes", "n")
    ),
}
IDS = {*GENDERS, *ETHNIC_GROUPS, *REQUEST_TYPES, *OUTCOMES, *CERTIFICATE_REASONS}


def _table(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text, newline="")))


def _csv_values(csv_text: str) -> dict[tuple[str, str, str], str]:
    body = _table(csv_text)[2:-1]
    values = {(s, g, m): v for s, g, m, v in body}
    assert len(values) == len(body), "a figure is repeated"
    return values


def _expected_keys() -> set[tuple[str, str, str]]:
    return set(_csv_values(to_csv(figures([], *NOVEMBER))))


def _figure_values(result: Figures) -> dict[tuple[str, str, str], str]:
    """What the CSV should hold, read straight off the Figures."""
    expected = {
        ("period", "", "from"): result.start.isoformat(),
        ("period", "", "to"): result.end.isoformat(),
        ("totals", "", "requests"): result.requests,
        ("totals", "", "accommodated"): result.accommodated,
        ("totals", "", "bailed or released"): result.bailed_released,
        ("totals", "", "remained in custody"): result.remained,
        ("totals", "", "still open"): result.still_open,
        ("totals", "", "overnight stays"): result.overnight,
        ("request type", "Secure", "requests"): result.secure,
        ("request type", "Non-secure", "requests"): result.non_secure,
        ("request type", "Not recorded", "requests"): result.type_not_recorded,
        ("remained in custody: why", "No certificate issued", "requests"): result.no_certificate,
        ("remained in custody: why", "Certificate not recorded", "requests"): (
            result.certificate_not_recorded
        ),
    }
    for tally in result.certified:
        expected["remained in custody: why", tally.label, "requests"] = tally.count
    for words, median in (
        ("charge to request", result.charge_to_request),
        ("request to response", result.request_to_response),
        ("request to leaving custody", result.request_to_left),
    ):
        expected["medians", "", f"{words} (n)"] = median.n
        expected["medians", "", f"{words} (minutes)"] = median.minutes
    for section, groups in (
        ("by age band", result.by_age_band),
        ("by gender", result.by_gender),
        ("by ethnicity", result.by_ethnicity),
    ):
        for g in groups:
            expected[section, g.label, "requests"] = g.requests
            expected[section, g.label, "accommodated"] = g.accommodated
            expected[section, g.label, "remained in custody"] = g.remained
            expected[section, g.label, "overnight stays"] = g.overnight
    return {key: "" if value is None else str(value) for key, value in expected.items()}


@given(st.lists(case_facts, max_size=30), periods)
def test_csv_parses_back_to_the_figures(cases: list[CaseFacts], period: tuple[date, date]) -> None:
    result = figures(cases, *period)
    parsed = _csv_values(to_csv(result))
    expected = _figure_values(result)
    assert parsed.keys() == expected.keys()
    for key, text in parsed.items():
        if key[2].endswith("(minutes)") and text:
            assert float(text) == float(expected[key]), key
        else:
            assert text == expected[key], key


@given(st.lists(case_facts, max_size=30), periods)
def test_csv_holds_only_known_labels_and_numbers(
    cases: list[CaseFacts], period: tuple[date, date]
) -> None:
    result = figures(cases, *period)
    table = _table(to_csv(result, marking="OFFICIAL-SENSITIVE"))
    assert table[0] == ["OFFICIAL-SENSITIVE"]
    assert table[1] == ["section", "group", "measure", "value"]
    assert table[-1] == ["OFFICIAL-SENSITIVE"]
    dates = {result.start.isoformat(), result.end.isoformat()}
    for row in table[2:-1]:
        section, group, measure, value = row
        assert section in SECTIONS, row
        assert group in GROUPS, row
        assert measure in MEASURES, row
        assert not {section, group, measure, value} & IDS, row
        if section == "period":
            assert value in dates, row
        else:
            assert re.fullmatch(r"(\d+(\.\d)?)?", value), row


def test_csv_never_holds_times_or_ids_of_the_cases() -> None:
    cases = night_of_cases()
    text = to_csv(figures(cases, *NOVEMBER))
    assert "22:00" not in text
    assert "2026-11-20" not in text
    for word in (
        "non_secure",
        "bailed_released",
        "no_secure_serious_harm",
        "not_stated",
        "transferred",
    ):
        assert word not in text


def test_labels_with_commas_are_quoted_and_read_back_whole() -> None:
    text = to_csv(figures([], *NOVEMBER), marking="OFFICIAL-SENSITIVE, PERSONAL")
    assert '"Black, Black British, Caribbean or African"' in text
    table = _table(text)
    assert table[0] == table[-1] == ["OFFICIAL-SENSITIVE, PERSONAL"]
    assert all(len(row) == 4 for row in table[1:-1])
    assert ("by ethnicity", "Black, Black British, Caribbean or African", "requests") in (
        _csv_values(text)
    )


def test_a_marking_that_looks_like_a_formula_is_defused() -> None:
    table = _table(to_csv(figures([], *NOVEMBER), marking="=HYPERLINK(1)"))
    assert table[0] == table[-1] == ["'=HYPERLINK(1)"]


def test_a_blank_marking_is_refused() -> None:
    with pytest.raises(ValidationError, match="marking is blank"):
        to_csv(figures([], *NOVEMBER), marking="  ")


# --- What a CaseFacts refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"requested_at": datetime(2026, 11, 20, 22)}, "requested_at", "no time zone"),  # noqa: DTZ001
        ({"age_at_charge": 9}, "age_at_charge", "Age at charge 9 is outside 10 to 17"),
        ({"age_at_charge": 18}, "age_at_charge", "Age at charge 18"),
        ({"gender": "Male"}, "gender", "Unknown gender 'Male'"),
        ({"ethnicity": "british"}, "ethnicity", "Unknown ethnicity"),
        ({"request_type": "secure "}, "request_type", "Unknown request type"),
        ({"outcome": "released"}, "outcome", "Unknown outcome"),
        ({"certificate_reason": "behaviour"}, "certificate_reason", "Unknown certificate reason"),
        ({"request_to_left": -timedelta(minutes=1)}, "request_to_left", "leaving custody is neg"),
    ],
)
def test_case_facts_refuse_what_cannot_be_counted(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        case(**changes)
    assert caught.value.field == field
