"""The day team's "known tonight" alerts: children likely to need the duty team tonight.

An alert names a child (and, when known, their date of birth), says why they may need
the duty team, what the contingency plan is and whom to contact, and is in force from
one UK date to another. The enquiry form shows every alert in force tonight whose child
matches the one being typed: the name as previous contacts match it (accents, case and
spacing ignored) and the date of birth equal when both are known. A date of birth that
differs is another child, so it does not match. Nights are named by the date they begin
(``night_of``): at 03:00 on Sunday it is still Saturday night.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry import check_line, name_key
from duty_desk.domain.errors import ValidationError

TEXT_MAX = 4000
LONGEST = timedelta(days=92)  # an alert is for the nights ahead, not a standing record
NIGHT_ENDS = time(9, 0)  # London: the day service opens and the night is over

FIELDS = ("child_name", "dob", "reason", "plan", "contact", "valid_from", "valid_until")
LABELS = {
    "child_name": "The child's name",
    "dob": "The date of birth",
    "reason": "Why the child may need the duty team",
    "plan": "The contingency plan",
    "contact": "Who to contact",
    "valid_from": "The first night",
    "valid_until": "The last night",
}
_UK_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    child_name: str
    dob: str | None  # ISO date, or None when the day team does not know it
    reason: str
    plan: str
    contact: str
    valid_from: str  # ISO dates: the London calendar days it is in force, both included
    valid_until: str
    active: bool  # False once retired
    added_by: str | None
    updated_at: datetime

    def in_force_on(self, day: date) -> bool:
        return self.active and self.valid_from <= day.isoformat() <= self.valid_until

    def matches(self, name: str, dob: str | None) -> bool:
        """The same child: same name key, and the same date of birth when both are known."""
        key = name_key(name)
        if not key or key != name_key(self.child_name):
            return False
        return dob is None or self.dob is None or dob == self.dob


def night_of(moment: datetime) -> date:
    """The night an instant belongs to, named by the date it began: 02:00 on Sunday is
    Saturday night, so an alert "for Saturday night" still shows then."""
    local = moment.astimezone(LONDON)
    return local.date() - timedelta(days=1) if local.time() < NIGHT_ENDS else local.date()


def uk_date(value: Any, field: str) -> str:
    """A date as ISO text from a ``date``, ``YYYY-MM-DD`` or ``dd/mm/yyyy``."""
    label = LABELS.get(field, "The date")
    if isinstance(value, datetime):
        raise ValidationError(f"{label} is a day, not a time.", field)
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{label} is needed.", field)
    text = value.strip()
    found = _UK_DATE.match(text)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(
            f"{label}: “{text}” is not a date. Type it as day/month/year, like 02/03/2014.", field
        ) from None


def clean_alert(raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    """An alert as stored; raises ``ValidationError`` naming the first field to put right.

    ``today`` is the London date now: the first night defaults to it, and an alert whose
    last night has already passed is refused (retire it instead)."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise ValidationError(f"Not part of an alert: {', '.join(unknown)}.", unknown[0])
    name = _line(raw, "child_name", required=True)
    dob = uk_date(raw["dob"], "dob") if raw.get("dob") else None
    if dob is not None and dob > today.isoformat():
        raise ValidationError("The date of birth is in the future: check it.", "dob")
    cleaned = {
        "child_name": name,
        "dob": dob,
        "reason": _text(raw, "reason"),
        "plan": _text(raw, "plan"),
        "contact": _line(raw, "contact", required=True),
    }
    return cleaned | _nights(raw, today)


def _nights(raw: Mapping[str, Any], today: date) -> dict[str, str]:
    start = uk_date(raw.get("valid_from") or today, "valid_from")
    end = uk_date(raw.get("valid_until") or start, "valid_until")
    if end < start:
        raise ValidationError(
            "The last night is before the first night: check the dates.", "valid_until"
        )
    if end < today.isoformat():
        raise ValidationError(
            "The last night has already passed, so the alert would never show. "
            "Check the dates (or retire the alert instead).",
            "valid_until",
        )
    if date.fromisoformat(end) - date.fromisoformat(start) > LONGEST:
        raise ValidationError(
            f"An alert can run for at most {LONGEST.days} nights; add a new one after that.",
            "valid_until",
        )
    return {"valid_from": start, "valid_until": end}


def _line(raw: Mapping[str, Any], field: str, *, required: bool) -> str:
    value = check_line(str(raw.get(field) or "").strip(), LABELS[field], field)
    if required and not value:
        raise ValidationError(f"{LABELS[field]} is needed.", field)
    return " ".join(value.split())


def _text(raw: Mapping[str, Any], field: str) -> str:
    value = raw.get(field)
    label = LABELS[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{label} is needed.", field)
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field)
    value = value.strip()
    if len(value) > TEXT_MAX:
        raise ValidationError(
            f"{label} is {len(value):,} characters long; the most it can hold is {TEXT_MAX:,}.",
            field,
        )
    found = _CONTROL.search(value)
    if found:
        raise ValidationError(
            f"{label} contains a control character (U+{ord(found[0]):04X}); remove it.", field
        )
    return value


def changes(current: Alert, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that differ from the alert as it stands."""
    return {k: v for k, v in cleaned.items() if getattr(current, k) != v}
