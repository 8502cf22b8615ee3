"""The morning handover: each item of the night, where it stands, and when it is overdue.

The duty worker submits the night; every enquiry and custody case goes to the day team
as one item, under the receiving team named on the enquiry. A named person on the day
team acknowledges each item, or returns it with a reason (the worker puts it right and
submits it again). Items are due at 09:00 on the next working day after the night was
submitted; one still unacknowledged then is escalated. The same rules decide what the
services refuse and what the projection lets count, so an acknowledgement that arrives
second (another laptop, later in the day service's order) changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.signoff import Signoff, SignoffState
from duty_desk.domain.working_days import WorkingCalendar

DEFAULT_TEAM = "Unassigned — day duty"
TEAM_MAX = 120
REFERENCE_MAX = 80
REASON_MAX = 2000
NOTE_MAX = 2000
SUMMARY_MAX = 1000


class ItemKind(StrEnum):
    ENQUIRY = "enquiry"
    CUSTODY = "custody"

    @property
    def label(self) -> str:
        return "Enquiry" if self is ItemKind.ENQUIRY else "Custody case"


class ItemState(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ItemState.SUBMITTED: "Waiting for acknowledgement",
    ItemState.ACKNOWLEDGED: "Acknowledged",
    ItemState.RETURNED: "Returned to the duty worker",
}


@dataclass(frozen=True, slots=True)
class HandoverItem:
    """One item handed over, as the day team and the duty worker see it."""

    item_id: str
    item_kind: ItemKind
    reference: str
    receiving_team: str
    summary: str
    awaiting: tuple[str, ...]  # what still awaited sign-off or confirmation when submitted
    state: ItemState
    submitted_at: datetime
    submitted_by: str  # the submitter's name ("" if not known on this desk)
    due_at: datetime
    acknowledged_name: str | None = None
    acknowledged_at: datetime | None = None
    returned_reason: str | None = None
    returned_at: datetime | None = None
    returned_by: str = ""  # a name
    case_system_ref: str | None = None
    referenced_at: datetime | None = None

    def escalated(self, now: datetime) -> bool:
        return is_escalated(self.state, self.due_at, now)

    @property
    def resubmitted(self) -> bool:
        """Submitted again after the day team returned it."""
        return self.state is ItemState.SUBMITTED and self.returned_at is not None


@dataclass(frozen=True, slots=True)
class TeamGroup:
    team: str
    items: tuple[HandoverItem, ...]

    def escalated(self, now: datetime) -> tuple[HandoverItem, ...]:
        return tuple(item for item in self.items if item.escalated(now))

    def waiting(self) -> tuple[HandoverItem, ...]:
        return tuple(item for item in self.items if item.state is ItemState.SUBMITTED)


def is_escalated(state: ItemState, due_at: datetime, now: datetime) -> bool:
    """Past 09:00 on the working day (09:00 itself included) and nobody has acknowledged it."""
    return state is ItemState.SUBMITTED and now >= due_at


def due_at(calendar: WorkingCalendar, submitted_at: datetime) -> datetime:
    """09:00 (UK time) on the first working day that starts after the submission."""
    return calendar.handover_due(submitted_at)


def team_name(text: str | None) -> str:
    """The receiving team as handed over: the enquiry's, or the day duty's pool."""
    name = " ".join((text or "").split())
    return name[:TEAM_MAX] if name else DEFAULT_TEAM


def group_by_team(items: Iterable[HandoverItem]) -> list[TeamGroup]:
    """Teams in alphabetical order, the unassigned pool last; in each, the earliest due
    first, then the earliest submitted, then by reference."""
    teams: dict[str, list[HandoverItem]] = {}
    for item in items:
        teams.setdefault(item.receiving_team, []).append(item)

    def team_order(team: str) -> tuple[bool, str]:
        return (team == DEFAULT_TEAM, team.casefold())

    return [
        TeamGroup(
            team,
            tuple(sorted(teams[team], key=lambda i: (i.due_at, i.submitted_at, i.reference))),
        )
        for team in sorted(teams, key=team_order)
    ]


def escalation_lines(groups: Sequence[TeamGroup], now: datetime) -> list[str]:
    """One line per team with items past their time unacknowledged, e.g.
    'Front door: 2 not acknowledged since 09:00 — EDT-…, CUS-…'."""
    lines = []
    for group in groups:
        late = group.escalated(now)
        if late:
            since = show_local(min(item.due_at for item in late))
            count = f"{len(late)} item{'s' if len(late) != 1 else ''}"
            refs = ", ".join(item.reference for item in late)
            lines.append(f"{group.team}: {count} not acknowledged, due {since} — {refs}")
    return lines


# --- what may happen to an item -----------------------------------------------------------


def submit_refusal(current: HandoverItem | None) -> str | None:
    """A new item, or one the day team returned, may be submitted (again); not otherwise."""
    if current is None or current.state is ItemState.RETURNED:
        return None
    if current.state is ItemState.ACKNOWLEDGED:
        return f"{current.reference} was acknowledged already: {acknowledged_words(current)}."
    return f"{current.reference} was handed over already and waits for the day team."


def acknowledge_refusal(current: HandoverItem | None) -> str | None:
    """Why this item may not be acknowledged now; None if it may."""
    if current is None:
        return "That item has not been handed over."
    if current.state is ItemState.ACKNOWLEDGED:
        return f"{current.reference} was already acknowledged {acknowledged_words(current)}."
    if current.state is ItemState.RETURNED:
        return (
            f"{current.reference} was returned to the duty worker{_by(current.returned_by)}"
            f"{_at(current.returned_at)}: it can be acknowledged once they submit it again."
        )
    return None


def return_refusal(current: HandoverItem | None) -> str | None:
    if current is None:
        return "That item has not been handed over."
    if current.state is ItemState.ACKNOWLEDGED:
        return (
            f"{current.reference} was acknowledged {acknowledged_words(current)}: an "
            "acknowledged item cannot be returned."
        )
    if current.state is ItemState.RETURNED:
        return f"{current.reference} was returned already{_by(current.returned_by)}."
    return None


def reference_refusal(current: HandoverItem | None) -> str | None:
    if current is None:
        return "That item has not been handed over."
    if current.state is not ItemState.ACKNOWLEDGED:
        return (
            f"{current.reference} is not acknowledged yet: acknowledge it before recording "
            "the case system's reference."
        )
    return None


def acknowledged_words(item: HandoverItem) -> str:
    """'by Dana Day at 22/11/2026 09:12'."""
    return f"{_by(item.acknowledged_name or 'someone').strip()}{_at(item.acknowledged_at)}"


def _by(name: str | None) -> str:
    return f" by {name}" if name else ""


def _at(moment: datetime | None) -> str:
    return f" at {show_local(moment)}" if moment is not None else ""


# --- checking what people type ------------------------------------------------------------


def check_case_reference(text: str) -> str:
    """The case system's reference: 1 to 80 printable characters (spaces around ignored)."""
    value = text.strip()
    if not value:
        raise ValidationError("Type the case system's reference.", "case_system_ref")
    if len(value) > REFERENCE_MAX:
        raise ValidationError(
            f"The case system's reference can be at most {REFERENCE_MAX} characters.",
            "case_system_ref",
        )
    if not value.isprintable():
        raise ValidationError(
            "The case system's reference must be on one line, without control characters.",
            "case_system_ref",
        )
    return value


def check_reason(text: str) -> str:
    """Why an item goes back to the duty worker: required, so they know what to put right."""
    value = text.strip()
    if not value:
        raise ValidationError(
            "Say why the item is being returned, so the duty worker knows what to put right.",
            "reason",
        )
    if len(value) > REASON_MAX:
        raise ValidationError(f"The reason can be at most {REASON_MAX} characters.", "reason")
    return value


def check_note(text: str) -> str:
    value = text.strip()
    if len(value) > NOTE_MAX:
        raise ValidationError(f"The note can be at most {NOTE_MAX} characters.", "note")
    return value


# --- the words for an item ----------------------------------------------------------------


def enquiry_summary(
    child: str, concerns: str, summary: str, decision: str, for_day_team: str
) -> str:
    """'Child (age) — concerns — what happened. Decision: … For the day team: …'."""
    parts = [p for p in (child, concerns, summary.strip().rstrip(".")) if p]
    text = " — ".join(parts) if parts else "(nothing recorded yet)"
    text += f". Decision: {decision}." if decision else ". No decision yet."
    if for_day_team:
        text += f" For the day team: {' '.join(for_day_team.split())}"
    return _clip(text)


def custody_summary(person: str, suite: str, enquiry_reference: str | None, open_: bool) -> str:
    text = f"PACE s.38(6): {person or '(no name)'}" + (f" at {suite}" if suite else "")
    text += ". Case still open." if open_ else ". Case closed."
    if enquiry_reference:
        text += f" The council's decision is on {enquiry_reference}."
    return _clip(text)


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def enquiry_awaiting(decided: bool, signoff: Signoff | None) -> list[str]:
    """What an enquiry still waits for: a decision, a sign-off, a verbal's confirmation."""
    if not decided:
        return ["Enquiry incomplete: no decision recorded yet"]
    if signoff is None or signoff.state.final:
        return []
    if signoff.state is SignoffState.AWAITING:
        grade = signoff.requirement.grade
        who = f"a {grade.label.lower()}" if grade else "an approver"
        due = f" (due {show_local(signoff.due_at)})" if signoff.due_at else ""
        return [f"Awaiting sign-off by {who}{due}"]
    if signoff.state is SignoffState.VERBAL and signoff.verbal is not None:
        verbal = signoff.verbal
        return [
            f"Verbal sign-off by {verbal.approver_name} awaiting confirmation "
            f"(due {show_local(verbal.confirm_by)})"
        ]
    if signoff.state is SignoffState.RETURNED:
        return ["Sign-off returned to the duty worker: the decision is to be revised"]
    return [f"{signoff.state.label}: the decision is not signed off"]


def custody_awaiting(open_: bool) -> list[str]:
    return ["Custody case still open: no outcome recorded yet"] if open_ else []


# --- the export for the case system -------------------------------------------------------

EXPORT_FIELDS = (
    "reference",
    "kind",
    "receiving_team",
    "child_name",
    "child_dob",
    "summary",
    "awaiting",
    "submitted_at",
    "submitted_by",
    "due_at",
    "acknowledged_by",
    "acknowledged_at",
    "case_system_ref",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_record(item: HandoverItem, child_name: str, child_dob: str | None) -> dict[str, Any]:
    """One acknowledged item as the case system takes it (times in UTC, ISO 8601)."""
    return {
        "reference": item.reference,
        "kind": item.item_kind.value,
        "receiving_team": item.receiving_team,
        "child_name": child_name,
        "child_dob": child_dob,
        "summary": item.summary,
        "awaiting": list(item.awaiting),
        "submitted_at": _iso(item.submitted_at),
        "submitted_by": item.submitted_by,
        "due_at": _iso(item.due_at),
        "acknowledged_by": item.acknowledged_name,
        "acknowledged_at": _iso(item.acknowledged_at),
        "case_system_ref": item.case_system_ref,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def _marking(marking: str) -> str:
    text = marking.strip()
    if not text:
        raise ValidationError("The protective marking is blank; every export must carry one.")
    return text


def export_json(
    records: Sequence[Mapping[str, Any]], marking: str, exported_at: datetime, team: str | None
) -> str:
    """The marking first, then when and for which team, then the items."""
    document = {
        "marking": _marking(marking),
        "exported_at": _iso(exported_at),
        "receiving_team": team,
        "count": len(records),
        "items": list(records),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_csv(records: Sequence[Mapping[str, Any]], marking: str) -> str:
    """The marking on the first and last lines, a header, one row per item. A cell that a
    spreadsheet would run as a formula is given a leading apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(_marking(marking))])
    writer.writerow(EXPORT_FIELDS)
    for record in records:
        writer.writerow([_cell(_csv_value(record[name])) for name in EXPORT_FIELDS])
    writer.writerow([_cell(_marking(marking))])
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
