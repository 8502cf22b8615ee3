"""Checking an enquiry's content: what can be stored at all, and what a decision needs.

Two levels, so that saving a draft is always possible:
- ``clean`` refuses only what cannot be stored faithfully (an unknown field, the wrong
  kind of value, text too long, control characters). The form never produces these.
- ``problems`` lists what a person should put right (a date of birth in the future, an
  age of 18 or more, a time in the future); ``decision_problems`` adds the fields a
  decision needs. A draft may be saved with problems; a decision may not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry_fields import (
    FIELDS,
    LINE_MAX,
    LIST_MAX,
    REQUIRED_TO_DECIDE,
    TEXT_MAX,
    Field,
    Kind,
)
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import format_instant, parse_instant

Content = dict[str, Any]

ADULT_AGE = 18
FUTURE_SLACK = timedelta(minutes=2)  # laptop clocks drift; a call "in 30 s" is not an error
YEARS = (1900, 2100)  # times outside these are typing slips (and year 1 cannot be stored)


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str


class EnquiryInvalid(ValidationError):
    """The content was refused; ``problems`` says which fields and why."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = [
            f"{FIELDS[p.field].label if p.field in FIELDS else p.field}: {p.message}"
            for p in problems
        ]
        super().__init__("; ".join(lines), problems[0].field if problems else None)
        self.problems = tuple(problems)


def clean(raw: Mapping[str, Any], decision_types: Mapping[str, str]) -> Content:
    """The storable form of ``raw``: empty values dropped, times as UTC text.

    Raises ``EnquiryInvalid`` naming every field that cannot be stored as given.
    """
    content: Content = {}
    found: list[Problem] = []
    for name, value in raw.items():
        field = FIELDS.get(name)
        if field is None:
            found.append(
                Problem(str(name)[:60] or "(a field with no name)", "is not a field of an enquiry.")
            )
            continue
        try:
            stored = clean_value(field, value, decision_types)
        except ValueError as error:
            found.append(Problem(name, str(error)))
            continue
        if stored is not None:
            content[name] = stored
    if found:
        raise EnquiryInvalid(found)
    return content


def clean_value(field: Field, value: Any, decision_types: Mapping[str, str]) -> Any:
    if value is None or value == "" or value == [] or value == ():
        return None
    kind = field.kind
    if kind is Kind.LINE:
        return _text(value, LINE_MAX, multiline=False)
    if kind is Kind.TEXT:
        return _text(value, TEXT_MAX, multiline=True)
    if kind is Kind.INSTANT:
        return _instant(value)
    if kind is Kind.DATE:
        return _date(value)
    if kind is Kind.AGE:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 150:
            raise ValueError("must be a whole number of years.")
        return value
    if kind is Kind.YES_NO:
        if not isinstance(value, bool):
            raise ValueError("must be yes or no.")
        return value
    options = decision_types if field.name == "decision_type" else field.options or {}
    if kind is Kind.CHOICE:
        if not isinstance(value, str) or value not in options:
            raise ValueError("is not one of the choices offered.")
        return value
    if kind is Kind.CHOICES:
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and v in options for v in value
        ):
            raise ValueError("holds something that is not one of the choices offered.")
        return [key for key in options if key in value]  # the list's order, no repeats
    if kind is Kind.ENTRIES:
        return _entries(value)
    return _children(value)


def _text(value: Any, limit: int, *, multiline: bool) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text.")
    if len(value) > limit:
        raise ValueError(f"is {len(value):,} characters long; the most it can hold is {limit:,}.")
    found = (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(value)
    if found:
        raise ValueError(f"contains a control character (U+{ord(found[0]):04X}); remove it.")
    return value


# Unicode's control (Cc) and surrogate (Cs) characters; text may keep tabs and newlines.
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def check_line(value: str, label: str, field: str) -> str:
    """One line of text from elsewhere (a shift's names and phones), checked like a field."""
    try:
        return _text(value, LINE_MAX, multiline=False)
    except ValueError as error:
        raise ValidationError(f"{label} {error}", field) from None


def _instant(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = parse_instant(value)
        except ValueError:
            raise ValueError("is not a date and time.") from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("must carry its time zone.")
        if not YEARS[0] <= value.year <= YEARS[1]:  # and so stored as four-digit years, in range
            raise ValueError(f"must fall between {YEARS[0]} and {YEARS[1]}.")
        return format_instant(value)
    raise ValueError("is not a date and time.")


def _date(value: Any) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError("is not a date.")


def _entries(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple) or len(value) > LIST_MAX:
        raise ValueError(f"must be a list of at most {LIST_MAX} entries.")
    entries = []
    for entry in value:
        if not isinstance(entry, Mapping) or set(entry) != {"at", "text"}:
            raise ValueError("each entry needs a time and a line of text.")
        entries.append(
            {
                "at": _instant(entry["at"]),
                "text": _text(entry["text"], LINE_MAX * 5, multiline=False),
            }
        )
    return entries


def _children(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or len(value) > 30:
        raise ValueError("must be a list of at most 30 children.")
    children = []
    for child in value:
        if not isinstance(child, Mapping) or not set(child) <= {"name", "dob", "age", "notes"}:
            raise ValueError("each child has a name, date of birth or age, and notes.")
        name = _text(child.get("name") or "", LINE_MAX, multiline=False)
        if not name:
            raise ValueError("each further child needs a name.")
        age = child.get("age")
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150
        ):
            raise ValueError(f"{name}'s age must be a whole number of years.")
        children.append(
            {
                "name": name,
                "dob": _date(child["dob"]) if child.get("dob") else None,
                "age": age,
                "notes": _text(child.get("notes") or "", LINE_MAX * 5, multiline=False) or None,
            }
        )
    return children


def problems(content: Mapping[str, Any], now: datetime) -> list[Problem]:
    """What a person should put right; a draft may still be saved with these."""
    found: list[Problem] = []
    today = now.astimezone(LONDON).date()
    received = parse_instant(content["received_at"]) if "received_at" in content else now
    on_day = received.astimezone(LONDON).date()
    for name in ("received_at", "seen_at"):
        if name in content and parse_instant(content[name]) > now + FUTURE_SLACK:
            found.append(Problem(name, "is in the future. Check the date and time."))
    for list_name in ("checks", "actions"):
        for entry in content.get(list_name, []):
            if parse_instant(entry["at"]) > now + FUTURE_SLACK:
                found.append(Problem(list_name, f"“{entry['text'][:40]}” is timed in the future."))
                break
    found += _age_problems(
        "child_dob",
        "child_age",
        content.get("child_dob"),
        content.get("child_age"),
        today,
        on_day,
        "The child",
    )
    for child in content.get("other_children", []):
        found += _age_problems(
            "other_children",
            "other_children",
            child["dob"],
            child["age"],
            today,
            on_day,
            child["name"],
        )
    if "seen_at" in content and parse_instant(content["seen_at"]) < received - timedelta(days=1):
        found.append(Problem("seen_at", "is more than a day before the call was received."))
    return found


def _age_problems(
    dob_field: str,
    age_field: str,
    dob: str | None,
    age: int | None,
    today: date,
    on_day: date,
    who: str,
) -> list[Problem]:
    found = []
    if dob is not None:
        born = date.fromisoformat(dob)
        if born > today:
            found.append(Problem(dob_field, f"{who}'s date of birth is in the future."))
        elif age_in_years(born, on_day) >= ADULT_AGE:
            found.append(
                Problem(
                    dob_field,
                    f"{who} was {age_in_years(born, on_day)} when the call "
                    "came in: adults are for adult services, not this desk.",
                )
            )
    if age is not None and age >= ADULT_AGE:
        found.append(
            Problem(age_field, f"{who} is {age}: adults are for adult services, not this desk.")
        )
    return found


def decision_problems(content: Mapping[str, Any], now: datetime) -> list[Problem]:
    """Everything that stops a decision being made: ``problems`` plus the required fields."""
    found = problems(content, now)
    for name in REQUIRED_TO_DECIDE:
        if name not in content:
            found.append(Problem(name, _missing(name)))
    if "child_dob" not in content and "child_age" not in content:
        found.append(Problem("child_dob", "Give the child's date of birth or an estimated age."))
    return found


_MISSING = {
    "channel": "Say how the call came in before deciding.",
    "child_name": "Give the child's name before deciding (or “not known”).",
    "concerns": "Tick at least one concern before deciding.",
    "summary": "Say in one line what happened before deciding.",
    "risk_rating": "Choose a risk rating before deciding.",
    "can_wait": "Answer “can it wait until the next working day?” before deciding.",
    "can_wait_reason": "Say why it can (or cannot) wait until the next working day.",
    "decision_type": "Choose the decision.",
    "rationale": "A decision needs its rationale: say why.",
}


def _missing(name: str) -> str:
    return _MISSING.get(name, "is needed before a decision.")


def parse_received(content: Mapping[str, Any]) -> datetime:
    return parse_instant(content["received_at"])


def age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that differ: new value, or None where the field was emptied."""
    return {name: after.get(name) for name in FIELDS if before.get(name) != after.get(name)}


def with_changes(content: Mapping[str, Any], changed: Mapping[str, Any]) -> Content:
    result = dict(content)
    for name, value in changed.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def name_key(name: str) -> str:
    """A name as matching sees it: accents, case and spacing ignored (Siân ~ SIAN)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


_SEARCHED = (
    "child_name",
    "child_address",
    "caller_name",
    "summary",
    "narrative",
    "day_system_id",
    "police_reference",
    "child_location",
    "household",
    "child_school",
    "rationale",
)

# What the search index holds: a change to any of these rewrites the record's entry.
SEARCHED_FIELDS = frozenset({*_SEARCHED, "child_dob", "other_children"})


def search_text(content: Mapping[str, Any], reference: str) -> str:
    """What a search looks through: names, dates of birth (both ways), address, text."""
    parts = [reference] + [content[name] for name in _SEARCHED if name in content]
    dobs = [content.get("child_dob")]
    for child in content.get("other_children", []):
        parts.append(child["name"])
        dobs.append(child["dob"])
    for dob in dobs:
        if dob:
            parts += [dob, date.fromisoformat(dob).strftime("%d/%m/%Y")]
    return "\n".join(parts)
