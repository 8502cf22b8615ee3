"""Known-tonight alerts in the domain: what is accepted, which night it is, who matches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from duty_desk.domain.alerts import Alert, clean_alert, night_of, uk_date
from duty_desk.domain.errors import ValidationError

TODAY = date(2026, 11, 21)
GOOD = {
    "child_name": "  Siân   Llŷr ",
    "dob": "02/03/2014",
    "reason": "Mother's partner released from custody today.",
    "plan": "If she calls, place with Nan at 4 Elm Row; police aware.",
    "contact": "Jo Day, front door, 07700 900111",
    "valid_from": "21/11/2026",
    "valid_until": "2026-11-23",
}


def alert(**changes: object) -> Alert:
    fields = clean_alert(GOOD, TODAY)
    values = {
        "id": "a1",
        "active": True,
        "added_by": None,
        "updated_at": datetime(2026, 11, 21, 10, tzinfo=UTC),
    }
    return Alert(**(fields | values | changes))  # type: ignore[arg-type]


def test_a_good_alert_is_cleaned_to_iso_dates_and_single_spaces() -> None:
    assert clean_alert(GOOD, TODAY) == {
        "child_name": "Siân Llŷr",
        "dob": "2014-03-02",
        "reason": GOOD["reason"],
        "plan": GOOD["plan"],
        "contact": GOOD["contact"],
        "valid_from": "2026-11-21",
        "valid_until": "2026-11-23",
    }


def test_dates_default_to_tonight_only() -> None:
    given = {k: v for k, v in GOOD.items() if not k.startswith("valid")}
    cleaned = clean_alert(given | {"dob": None}, TODAY)
    assert (cleaned["valid_from"], cleaned["valid_until"], cleaned["dob"]) == (
        "2026-11-21",
        "2026-11-21",
        None,
    )


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"child_name": " "}, "child_name", "The child's name is needed"),
        ({"reason": ""}, "reason", "Why the child may need the duty team is needed"),
        ({"plan": None}, "plan", "The contingency plan is needed"),
        ({"contact": ""}, "contact", "Who to contact is needed"),
        ({"dob": "31/02/2014"}, "dob", "“31/02/2014” is not a date"),
        ({"dob": "01/01/2027"}, "dob", "in the future"),
        ({"valid_until": "20/11/2026"}, "valid_until", "before the first night"),
        (
            {"valid_from": "10/11/2026", "valid_until": "20/11/2026"},
            "valid_until",
            "already passed",
        ),
        ({"valid_until": "01/03/2027"}, "valid_until", "at most 92 nights"),
        ({"plan": "x" * 4001}, "plan", "the most it can hold is 4,000"),
        ({"reason": "bad\x07bell"}, "reason", "control character"),
        ({"colour": "red"}, "colour", "Not part of an alert: colour"),
    ],
)
def test_refusals_name_the_field_in_plain_words(change: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words) as refused:
        clean_alert(GOOD | change, TODAY)
    assert refused.value.field == field


def test_uk_dates_in_three_spellings() -> None:
    assert uk_date("2/3/2014", "dob") == uk_date("2014-03-02", "dob") == "2014-03-02"
    assert uk_date(date(2014, 3, 2), "dob") == "2014-03-02"
    with pytest.raises(ValidationError, match="a day, not a time"):
        uk_date(datetime(2014, 3, 2, tzinfo=UTC), "dob")


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (datetime(2026, 11, 21, 17, 0, tzinfo=UTC), date(2026, 11, 21)),
        (datetime(2026, 11, 22, 2, 0, tzinfo=UTC), date(2026, 11, 21)),  # after midnight
        (datetime(2026, 11, 22, 8, 59, tzinfo=UTC), date(2026, 11, 21)),
        (datetime(2026, 11, 22, 9, 0, tzinfo=UTC), date(2026, 11, 22)),
        # British Summer Time: 07:59 UTC is 08:59 in London, still the night before.
        (datetime(2026, 7, 5, 7, 59, tzinfo=UTC), date(2026, 7, 4)),
        (datetime(2026, 7, 5, 8, 0, tzinfo=UTC), date(2026, 7, 5)),
    ],
)
def test_the_night_is_named_by_the_evening_it_began(moment: datetime, night: date) -> None:
    assert night_of(moment) == night


def test_in_force_on_each_night_from_first_to_last_while_active() -> None:
    found = alert()
    assert not found.in_force_on(date(2026, 11, 20))
    assert all(found.in_force_on(date(2026, 11, d)) for d in (21, 22, 23))
    assert not found.in_force_on(date(2026, 11, 24))
    assert not alert(active=False).in_force_on(date(2026, 11, 22))


@pytest.mark.parametrize(
    ("name", "dob", "matches"),
    [
        ("sian llyr", "2014-03-02", True),  # accents, case ignored
        ("SIÂN  LLŶR", None, True),  # no date of birth typed yet
        ("Siân Llŷr", "2014-03-03", False),  # another child of the same name
        ("Siân Lloyd", "2014-03-02", False),
        ("", "2014-03-02", False),
    ],
)
def test_matching_is_the_previous_contacts_rule(name: str, dob: str | None, matches: bool) -> None:
    assert alert().matches(name, dob) is matches


def test_an_alert_without_a_date_of_birth_matches_any() -> None:
    assert alert(dob=None).matches("Siân Llŷr", "2010-01-01")
