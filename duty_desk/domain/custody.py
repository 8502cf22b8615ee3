"""A young person in police custody (PACE s.38(6)): the case's fields, its timeline, closing.

A case's content is a flat mapping like an enquiry's (``enquiry_fields.Kind`` says how each
field is held). Its timeline is a list of steps, each ``{"id", "kind", "at", ...}`` with
``at`` in UTC text. Three levels, as for enquiries:
- ``clean`` / ``clean_step`` refuse what cannot be stored (unknown fields, wrong kinds);
- ``problems`` / ``timeline_problems`` say what is wrong in what was typed (an age outside
  10 to 17, a time in the future, a charge before the arrest); these refuse the change;
- ``close_problems`` say what closing needs: an outcome, and for a young person who
  remained in the cell, the custody officer's certificate or a recorded reason why not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from duty_desk.domain import custody_choices as choices
from duty_desk.domain.choices import GENDERS
from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.custody_clocks import Instants
from duty_desk.domain.enquiry import FUTURE_SLACK, Problem, clean_value
from duty_desk.domain.enquiry_fields import Field, Kind
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import parse_instant

Content = dict[str, Any]
Step = dict[str, Any]

AGES = (10, 17)  # PACE s.38(6): children are 10 (criminal responsibility) to 17 inclusive

POLICE = "Police"
YOUNG = "Young person"
REQUEST = "Request"
AA = "Appropriate adult"
WELFARE = "Welfare"
COURT = "Transport and court"
OUTCOME = "Outcome"

_FIELDS = (
    Field("custody_suite", "Custody suite", Kind.LINE, POLICE),
    Field("custody_number", "Custody record number", Kind.LINE, POLICE),
    Field("officer_name", "Officer", Kind.LINE, POLICE),
    Field("officer_contact", "Officer's contact", Kind.LINE, POLICE),
    Field("yp_name", "Young person's name", Kind.LINE, YOUNG),
    Field("yp_dob", "Date of birth", Kind.DATE, YOUNG),
    Field("age_at_charge", "Age at charge", Kind.AGE, YOUNG),
    Field("yp_gender", "Gender", Kind.CHOICE, YOUNG, GENDERS),
    Field("yp_ethnicity", "Ethnic group", Kind.CHOICE, YOUNG, choices.ETHNIC_GROUPS),
    Field("looked_after", "Looked after", Kind.YES_NO, YOUNG),
    Field("looked_after_by", "Looked after by (council)", Kind.LINE, YOUNG),
    Field("home_council", "Home council (if out of area)", Kind.LINE, YOUNG),
    Field("bail_refused_reasons", "Why bail was refused", Kind.TEXT, REQUEST),
    Field("request_type", "Accommodation requested", Kind.CHOICE, REQUEST, choices.REQUEST_TYPES),
    Field("request_grounds", "Grounds given by the police", Kind.TEXT, REQUEST),
    Field("council_view", "The council's view", Kind.CHOICE, REQUEST, choices.COUNCIL_VIEWS),
    Field("council_view_reasons", "Why (the council's view)", Kind.TEXT, REQUEST),
    Field("aa_provided_by", "Provided by", Kind.CHOICE, AA, choices.AA_PROVIDERS),
    Field("aa_name", "Appropriate adult's name", Kind.LINE, AA),
    Field("aa_present_interview", "Present at interview", Kind.YES_NO, AA),
    Field("aa_present_charge", "Present at charge", Kind.YES_NO, AA),
    Field("welfare_health", "Health", Kind.TEXT, WELFARE),
    Field("welfare_medication", "Medication", Kind.TEXT, WELFARE),
    Field("welfare_food", "Food and drink", Kind.TEXT, WELFARE),
    Field("welfare_sleep", "Sleep", Kind.TEXT, WELFARE),
    Field("yp_views", "The young person's views", Kind.TEXT, WELFARE),
    Field("transport_by", "Transport by", Kind.LINE, COURT),
    Field("court_date", "Court date", Kind.DATE, COURT),
    Field("court", "Court", Kind.LINE, COURT),
    Field("outcome", "Outcome", Kind.CHOICE, OUTCOME, choices.OUTCOMES),
    Field("placement_type", "Placement type", Kind.CHOICE, OUTCOME, choices.PLACEMENT_TYPES),
    Field("certificate_issued", "Custody officer's certificate issued", Kind.YES_NO, OUTCOME),
    Field(
        "certificate_reason",
        "Certificate: reason category",
        Kind.CHOICE,
        OUTCOME,
        choices.CERTIFICATE_REASONS,
    ),
    Field("certificate_text", "Certificate: reason as stated", Kind.TEXT, OUTCOME),
    Field("remained_reason", "Why the young person remained (no certificate)", Kind.TEXT, OUTCOME),
    Field("challenge", "Challenge to the certificate", Kind.TEXT, OUTCOME),
    Field("escalation", "Escalation", Kind.TEXT, OUTCOME),
)

FIELDS: dict[str, Field] = {field.name: field for field in _FIELDS}
SECTIONS = (POLICE, YOUNG, REQUEST, AA, WELFARE, COURT, OUTCOME)
OUTCOME_FIELDS = frozenset(f.name for f in _FIELDS if f.section == OUTCOME)
REQUIRED_TO_OPEN = ("custody_suite", "yp_name", "age_at_charge")

STEP_FIELDS: dict[str, str] = {
    "kind": "Step",
    "at": "Time",
    "note": "Note",
    "placement": "Placement",
    "provider_id": "Provider",
    "answer": "Answer",
    "by": "Who",
}
NOTE_MAX = 2000


class CustodyInvalid(ValidationError):
    """The case or a step was refused; ``problems`` says which fields and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        lines = [f"{label(p.field)}: {p.message}" for p in problems]
        super().__init__("; ".join(lines), problems[0].field if problems else None)
        self.problems = tuple(problems)


def label(name: str) -> str:
    if name in FIELDS:
        return FIELDS[name].label
    return STEP_FIELDS.get(name, name)


# --- the case's fields --------------------------------------------------------------------


def clean(raw: Mapping[str, Any]) -> Content:
    """The storable form of ``raw`` (empty values dropped); raises ``CustodyInvalid``."""
    content: Content = {}
    found: list[Problem] = []
    for name, value in raw.items():
        field = FIELDS.get(name)
        if field is None:
            found.append(
                Problem(str(name)[:60] or "(no name)", "is not a field of a custody case.")
            )
            continue
        try:
            stored = clean_value(field, value, {})
        except ValueError as error:
            found.append(Problem(name, str(error)))
            continue
        if isinstance(stored, str) and not stored.strip():
            stored = None  # only spaces: nothing was typed (a case cannot open on a blank)
        if stored is not None:
            content[name] = stored
    if found:
        raise CustodyInvalid(found)
    return content


def problems(content: Mapping[str, Any], now: datetime) -> list[Problem]:
    """What is wrong in what was typed; a case cannot be stored with these."""
    found: list[Problem] = []
    age = content.get("age_at_charge")
    if age is not None and not AGES[0] <= age <= AGES[1]:
        found.append(
            Problem(
                "age_at_charge",
                f"is {age}: PACE s.38(6) transfers are for children aged {AGES[0]} to {AGES[1]}.",
            )
        )
    if "yp_dob" in content and content["yp_dob"] > now.astimezone(LONDON).date().isoformat():
        found.append(Problem("yp_dob", "is in the future."))
    if content.get("outcome") and content["outcome"] not in choices.OUTCOMES:
        found.append(Problem("outcome", "is not one of the outcomes."))
    return found


def opening_problems(content: Mapping[str, Any], now: datetime) -> list[Problem]:
    found = problems(content, now)
    for name in REQUIRED_TO_OPEN:
        if name not in content:
            found.append(Problem(name, "is needed to open a custody case."))
    return found


def close_problems(content: Mapping[str, Any], steps: Sequence[Step]) -> list[Problem]:
    """What closing needs. A young person who stayed in the cell needs the certificate or why."""
    found: list[Problem] = []
    outcome = content.get("outcome")
    if outcome is None:
        return [Problem("outcome", "Choose the outcome before closing the case.")]
    left = any(step["kind"] == "left_custody" for step in steps)
    if outcome in ("transferred", "bailed_released") and not left:
        found.append(Problem("outcome", "Record when the young person left custody first."))
    if outcome == "transferred" and "placement_type" not in content:
        found.append(Problem("placement_type", "Say what kind of placement they went to."))
    if outcome == "remained":
        issued = content.get("certificate_issued")
        if issued is True:
            for name in ("certificate_reason", "certificate_text"):
                if name not in content:
                    found.append(Problem(name, "is needed when a certificate was issued."))
        elif "remained_reason" not in content:
            found.append(
                Problem(
                    "remained_reason",
                    "No certificate is recorded: say why the young person remained in custody.",
                )
            )
    return found


_NOT_GROUNDS = re.compile(
    r"\b(behaviou?r\w*|offen[cs]\w*|violen\w*|aggress\w*|serious\w*|risk to (staff|others)|"
    r"kick\w*|assault\w*|damage\w*|abusive|threat\w*)\b",
    re.IGNORECASE,
)


SERIOUS_HARM_FROM = 12  # s.38(6)(b): only a young person of 12 or over, and no secure bed


def code_c_concerns(content: Mapping[str, Any]) -> list[str]:
    """Where a certificate's stated reason looks like one Code C says is not a ground, or
    the serious-harm reason is given for a child it cannot apply to."""
    reason = content.get("certificate_reason")
    age = content.get("age_at_charge")
    if reason == "no_secure_serious_harm" and age is not None and age < SERIOUS_HARM_FROM:
        return [
            f"The certificate gives the serious-harm reason, but the young person is {age}: "
            f"PACE s.38(6)(b) applies only from age {SERIOUS_HARM_FROM}. Challenge the "
            "certificate and escalate."
        ]
    if reason != "impracticable":
        return []
    stated = content.get("certificate_text", "")
    words = sorted({m.group(0).lower() for m in _NOT_GROUNDS.finditer(stated)})
    if not words:
        return []
    return [
        f"The certificate's reason mentions {', '.join(words)}. {choices.CODE_C_NOTE} "
        "Consider challenging the certificate and escalating."
    ]


# --- the timeline ------------------------------------------------------------------------


def clean_step(raw: Mapping[str, Any], now: datetime) -> Step:
    """One step as stored: kind, time (UTC text) and its details; raises ``CustodyInvalid``."""
    found: list[Problem] = []
    step: Step = {}
    for name in raw:
        if name not in STEP_FIELDS and name != "id":
            found.append(Problem(str(name)[:60], "is not part of a step."))
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in choices.STEP_KINDS:
        found.append(Problem("kind", "Choose what happened."))
    else:
        step["kind"] = kind
    at = raw.get("at")
    try:
        stored = clean_value(Field("at", "Time", Kind.INSTANT, ""), at, {})
    except ValueError as error:
        found.append(Problem("at", str(error)))
    else:
        if stored is None:
            found.append(Problem("at", "Give the time it happened."))
        elif parse_instant(stored) > now + FUTURE_SLACK:
            found.append(Problem("at", "is in the future. Check the date and time."))
        else:
            step["at"] = stored
    found += _step_details(raw, step)
    if found:
        raise CustodyInvalid(found)
    return step


def _step_details(raw: Mapping[str, Any], step: Step) -> list[Problem]:
    found: list[Problem] = []
    for name, limit in (("note", NOTE_MAX), ("placement", 200), ("by", 200), ("provider_id", 36)):
        field = Field(name, STEP_FIELDS[name], Kind.TEXT if name == "note" else Kind.LINE, "")
        try:
            value = clean_value(field, raw.get(name), {})
        except ValueError as error:
            found.append(Problem(name, str(error)))
            continue
        if value is not None and len(value) > limit:
            found.append(Problem(name, f"is longer than {limit} characters."))
        elif value is not None and value.strip():
            step[name] = value.strip()
    if step.get("kind") == "placement_approached":
        if "placement" not in step:
            found.append(Problem("placement", "Say which placement was approached."))
        answer = raw.get("answer") or "awaiting"
        if not isinstance(answer, str) or answer not in choices.ANSWERS:
            found.append(Problem("answer", "is not one of the answers."))
        else:
            step["answer"] = answer
    elif raw.get("answer"):
        found.append(Problem("answer", "Only a placement approached has an answer."))
    return found


def timeline_problems(steps: Sequence[Step]) -> list[Problem]:
    """Steps that happen once, happening twice; steps out of their necessary order."""
    found: list[Problem] = []
    first: dict[str, datetime] = {}
    for step in ordered(steps):
        kind = step["kind"]
        if kind in choices.ONCE and kind in first:
            found.append(
                Problem(
                    "kind",
                    f"“{choices.STEP_KINDS[kind]}” is already on the timeline: correct that step "
                    "instead of adding another.",
                )
            )
        first.setdefault(kind, parse_instant(step["at"]))
    for earlier, later in choices.ORDER:
        if earlier in first and later in first and first[later] < first[earlier]:
            found.append(
                Problem(
                    "at",
                    f"“{choices.STEP_KINDS[later]}” ({show_local(first[later])}) is before "
                    f"“{choices.STEP_KINDS[earlier]}” ({show_local(first[earlier])}).",
                )
            )
    return found


def ordered(steps: Sequence[Step]) -> list[Step]:
    """Oldest first; steps at the same moment keep the order they were recorded in."""
    return sorted(steps, key=lambda step: step["at"])


def when(steps: Sequence[Step], kind: str) -> datetime | None:
    for step in steps:
        if step["kind"] == kind:
            return parse_instant(step["at"])
    return None


def instants(steps: Sequence[Step], closed_at: datetime | None) -> Instants:
    reviews = tuple(parse_instant(s["at"]) for s in ordered(steps) if s["kind"] == "review")
    return Instants(
        detention_authorised=when(steps, "detention_authorised"),
        charge=when(steps, "charge"),
        request=when(steps, "request_received"),
        response=when(steps, "response_given"),
        identified=when(steps, "accommodation_identified"),
        left=when(steps, "left_custody"),
        reviews=reviews,
        closed_at=closed_at,
    )


def between(start: datetime | None, end: datetime | None) -> timedelta | None:
    """``end - start`` in UTC, or None; never negative (the timeline's order is checked)."""
    if start is None or end is None:
        return None
    # In UTC: aware times sharing one zone subtract as wall clocks, wrong on change nights.
    return max(end.astimezone(UTC) - start.astimezone(UTC), timedelta(0))
