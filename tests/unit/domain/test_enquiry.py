"""What an enquiry may hold, and what a decision needs (pure domain, no store)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from duty_desk.domain.choices import parse_decision_types
from duty_desk.domain.enquiry import (
    EnquiryInvalid,
    changes,
    clean,
    decision_problems,
    name_key,
    problems,
    search_text,
    with_changes,
)
from duty_desk.domain.errors import ValidationError
from duty_desk.resources import resource

LABELS = parse_decision_types(
    resource("lists", "decision_types.toml").read_text(encoding="utf-8")
).labels
NOW = datetime(2026, 11, 22, 2, 10, tzinfo=UTC)


def _fields(problem_list) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.field: p.message for p in problem_list}


def test_clean_drops_empty_values_and_orders_choices() -> None:
    content = clean(
        {
            "child_name": "Siân",
            "summary": "",
            "concerns": ["neglect", "missing", "neglect"],
            "other_children": [],
            "received_at": NOW,
        },
        LABELS,
    )
    assert content == {
        "child_name": "Siân",
        "concerns": ["neglect", "missing"],
        "received_at": "2026-11-22T02:10:00.000000Z",
    }


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"child_nmae": "x"}, "not a field"),
        ({"child_age": "ten"}, "whole number"),
        ({"child_age": True}, "whole number"),
        ({"summary": "x" * 201}, "201 characters"),
        ({"summary": "two\nlines"}, "control character"),
        ({"narrative": "bell \x07"}, "U+0007"),
        ({"channel": "pigeon"}, "not one of the choices"),
        ({"decision_type": "shrug"}, "not one of the choices"),
        ({"received_at": datetime(2026, 1, 1)}, "time zone"),  # noqa: DTZ001
        ({"child_dob": "31/02/2014"}, "not a date"),
        ({"checks": [{"at": NOW, "text": "x", "extra": 1}]}, "time and a line"),
        ({"other_children": [{"name": ""}]}, "needs a name"),
    ],
)
def test_what_cannot_be_stored_is_refused_by_name(raw, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EnquiryInvalid) as refused:
        clean(raw, LABELS)
    assert fragment in str(refused.value)
    assert isinstance(refused.value, ValidationError)


def test_multiline_text_keeps_newlines_and_tabs_exactly() -> None:
    text = "Line one\n\tindented — “quoted” Łukasz\n"
    assert clean({"narrative": text}, LABELS)["narrative"] == text


def test_problems_name_future_dates_and_adults_in_plain_words() -> None:
    content = clean(
        {
            "received_at": datetime(2026, 11, 22, 3, 0, tzinfo=UTC),
            "child_dob": "2027-01-01",
            "other_children": [{"name": "Big Brother", "dob": "2008-11-21"}],
            "child_age": 18,
            "checks": [{"at": datetime(2026, 11, 23, tzinfo=UTC), "text": "Police PNC"}],
        },
        LABELS,
    )
    found = problems(content, NOW)
    messages = " | ".join(p.message for p in found)
    assert "is in the future" in messages  # received_at
    assert "date of birth is in the future" in messages
    assert "Big Brother was 18" in messages
    assert "adult services" in _fields(found)["child_age"]
    assert "timed in the future" in _fields(found)["checks"]


def test_a_seventeen_year_old_is_this_desks() -> None:
    content = clean({"received_at": NOW, "child_dob": "2008-11-23", "child_age": 17}, LABELS)
    assert problems(content, NOW) == []


def test_a_decision_needs_rationale_and_the_can_it_wait_answer() -> None:
    content = clean({"received_at": NOW, "decision_type": "advice_nfa"}, LABELS)
    found = _fields(decision_problems(content, NOW))
    assert "rationale" in found["rationale"]
    assert "can it wait" in found["can_wait"]
    assert "why it can" in found["can_wait_reason"]
    assert "date of birth or an estimated age" in found["child_dob"]


def test_changes_and_with_changes_round_trip() -> None:
    before = {"child_name": "A", "summary": "x"}
    after = {"child_name": "B", "narrative": "y"}
    delta = changes(before, after)
    assert delta == {"child_name": "B", "summary": None, "narrative": "y"}
    assert with_changes(before, delta) == after


def test_names_match_without_accents_case_or_spacing() -> None:
    assert name_key("  Siân   LLŶR ") == name_key("sian llyr") == "sian llyr"
    assert name_key("Ngọc Ánh") == "ngoc anh"


def test_search_text_holds_both_date_forms_and_further_children() -> None:
    content = clean(
        {
            "child_name": "Siân",
            "child_dob": date(2014, 3, 2),
            "other_children": [{"name": "Ffion", "dob": "2016-05-01"}],
        },
        LABELS,
    )
    text = search_text(content, "EDT-1")
    assert {"EDT-1", "Siân", "2014-03-02", "02/03/2014", "Ffion", "01/05/2016"} <= set(
        text.split("\n")
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("version = 1\n", "at least one [[decision]]"),
        ("version = 0\n[[decision]]\nid='a'\nlabel='A'\n", "'version'"),
        ("version = 1\n[[decision]]\nid='a b'\nlabel='A'\n", "letters and _"),
        (
            "version = 1\n[[decision]]\nid='a'\nlabel='A'\n[[decision]]\nid='a'\nlabel='B'\n",
            "appears twice",
        ),
        ("version = \n", "line 1"),
    ],
)
def test_a_malformed_decision_types_file_is_refused_whole(text, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        parse_decision_types(text, "decision_types.toml")
    assert fragment in str(refused.value)
    assert str(refused.value).startswith("decision_types.toml")


def test_the_shipped_decision_types_cover_the_domain_list() -> None:
    assert len(LABELS) >= 25
    assert LABELS["epo_sought"] == "Emergency protection order (s.44) sought"
