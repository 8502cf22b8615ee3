"""A stored field value in words, as every reader shows it (the command line, documents):
labels for choices, London times, en-GB dates, one child or entry to a line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from duty_desk.domain.clock import show_local
from duty_desk.domain.enquiry_fields import Field, Kind
from duty_desk.domain.events import parse_instant


def in_words(field: Field | None, value: object, decision_labels: Mapping[str, str]) -> str:
    """``value`` of ``field`` in words (``None``: a field since retired, shown as stored);
    ``decision_labels`` name the decision types, which come from the council's lists."""
    if field is None:
        return str(value)
    kind = field.kind
    options = decision_labels if field.name == "decision_type" else field.options or {}
    if kind is Kind.INSTANT:
        return show_local(parse_instant(str(value)))
    if kind is Kind.DATE:
        return f"{date.fromisoformat(str(value)):%d/%m/%Y}"
    if kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if kind is Kind.CHOICE:
        return options.get(str(value), str(value))
    if kind is Kind.CHOICES and isinstance(value, list):
        return ", ".join(options.get(str(v), str(v)) for v in value)
    if kind is Kind.ENTRIES and isinstance(value, list):
        return "\n".join(f"{show_local(parse_instant(e['at']))}  {e['text']}" for e in value)
    if kind is Kind.CHILDREN and isinstance(value, list):
        return "\n".join(_child(c) for c in value)
    return str(value)


def _child(child: Mapping[str, object]) -> str:
    said = str(child.get("name", ""))
    if child.get("dob"):
        said += f", born {date.fromisoformat(str(child['dob'])):%d/%m/%Y}"
    if child.get("age") is not None:
        said += f", about {child['age']}"
    return said + (f" ({child['notes']})" if child.get("notes") else "")
