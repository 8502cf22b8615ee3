"""The fixed lists an enquiry chooses from: channels, concerns, legal status, risk, decisions.

Ids are stored; labels are shown. Decision types live in a resources file
(``resources/lists/decision_types.toml``) so a council can word them its own way;
``parse_decision_types`` reads that file's text and refuses it whole if it is malformed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from duty_desk.domain.errors import ValidationError

CHANNELS: dict[str, str] = {
    "phone": "Phone",
    "police": "Police",
    "email": "Email",
    "in_person": "In person",
    "hospital": "Hospital",
    "other": "Other",
}

CONCERNS: dict[str, str] = {
    "neglect": "Neglect",
    "physical_abuse": "Physical abuse",
    "sexual_abuse": "Sexual abuse",
    "emotional_abuse": "Emotional abuse",
    "domestic_abuse": "Domestic abuse",
    "exploitation": "Exploitation",
    "missing": "Missing",
    "family_breakdown": "Family breakdown",
    "homeless_16_17": "Homeless 16–17",
    "uasc": "Unaccompanied asylum-seeking child",
    "police_protection": "Police protection",
    "custody": "Custody",
    "appropriate_adult": "Appropriate adult request",
    "mental_health": "Mental health",
    "medical_consent": "Urgent medical consent (looked-after child)",
    "placement_breakdown": "Placement breakdown",
    "private_fostering": "Private fostering",
    "other": "Other",
}

ABUSE_CONCERNS = frozenset(
    {"neglect", "physical_abuse", "sexual_abuse", "emotional_abuse", "domestic_abuse"}
)

LEGAL_STATUSES: dict[str, str] = {
    "none": "None known",
    "child_in_need": "Child in need",
    "child_protection_plan": "Child protection plan",
    "looked_after_s20": "Looked after (s.20)",
    "looked_after_s31": "Looked after (s.31 care order)",
    "care_leaver": "Care leaver",
}

RISK_RATINGS: dict[str, str] = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
}

DANGER: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Not known"}

GENDERS: dict[str, str] = {
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "not_known": "Not known",
}


@dataclass(frozen=True, slots=True)
class DecisionTypes:
    version: int
    labels: dict[str, str]  # id -> label, in the file's order


def parse_decision_types(text: str, source: str = "decision types") -> DecisionTypes:
    """Read the decision types file; any problem refuses the whole file, naming it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{source}: {error}") from None
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValidationError(f"{source}: 'version' must be a whole number of 1 or more.")
    entries = data.get("decision")
    if not isinstance(entries, list) or not entries:
        raise ValidationError(f"{source}: there must be at least one [[decision]].")
    labels: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ValidationError(f"{source}: decision {number} is not a table.")
        ident, label = entry.get("id"), entry.get("label")
        if not isinstance(ident, str) or not ident.isidentifier():
            raise ValidationError(f"{source}: decision {number} needs an id of letters and _.")
        if not isinstance(label, str) or not label.strip():
            raise ValidationError(f"{source}: decision {ident!r} needs a label.")
        if ident in labels:
            raise ValidationError(f"{source}: decision id {ident!r} appears twice.")
        labels[ident] = label.strip()
    return DecisionTypes(version, labels)
