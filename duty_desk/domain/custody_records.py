"""What the services hand out about custody cases and the placements directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from duty_desk.domain import custody
from duty_desk.domain.custody_choices import PROVIDER_TYPES
from duty_desk.domain.custody_clocks import Instants
from duty_desk.domain.enquiry import check_line
from duty_desk.domain.errors import ValidationError

NOTES_MAX = 2000


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    reference: str
    enquiry_id: str | None
    status: str  # "open" or "closed"
    content: dict[str, Any]
    steps: tuple[dict[str, Any], ...]  # oldest first
    opened_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    # The council's decision is the linked enquiry's, signed off by the rules like any other.
    enquiry_reference: str | None = None
    decision_type: str | None = None
    signoff_state: str = ""
    # What happened when, worked out once from the steps: the clocks read it every tick.
    instants: Instants = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "instants", custody.instants(self.steps, self.closed_at))

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def name(self) -> str:
        return str(self.content.get("yp_name", "(no name)"))


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    type: str
    secure: bool
    accepts_pace: bool
    phone: str
    notes: str
    active: bool


PROVIDER_FIELDS = ("name", "type", "secure", "accepts_pace", "phone", "notes")


def clean_provider(raw: dict[str, Any]) -> dict[str, Any]:
    """A directory entry as stored; raises ``ValidationError`` naming the field."""
    unknown = sorted(set(raw) - set(PROVIDER_FIELDS))
    if unknown:
        raise ValidationError(f"Not part of a placement: {', '.join(unknown)}.", unknown[0])
    name = check_line(str(raw.get("name") or "").strip(), "The name", "name")
    if not name:
        raise ValidationError("Give the placement's name.", "name")
    kind = raw.get("type") or "other"
    if not isinstance(kind, str) or kind not in PROVIDER_TYPES:
        listed = ", ".join(PROVIDER_TYPES.values())
        raise ValidationError(f"Choose the type of placement: one of {listed}.", "type")
    flags = {}
    for flag, said in (("secure", "Secure"), ("accepts_pace", "Takes PACE transfers")):
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            raise ValidationError(f"“{said}” must be yes or no.", flag)
        flags[flag] = value
    phone = check_line(str(raw.get("phone") or "").strip(), "The phone number", "phone")
    notes = str(raw.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError(f"The notes are longer than {NOTES_MAX:,} characters.", "notes")
    return {"name": name, "type": kind, **flags, "phone": phone, "notes": notes}
