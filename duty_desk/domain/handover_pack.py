"""The morning handover pack: what it lists, in what order, and what it flags.

The pack is what the day team reads at 09:00: a cover that sums up the night, then one
section per receiving team with each item handed over (the child, the concerns, the
child's voice, the decision and its rationale, where sign-off stands, what the day team
must do), then the young people still in police custody, then everything not yet
acknowledged. Pure: the services gather the facts, ``reports.handover_pack`` prints them.

An item is flagged (printed in red, and listed first on the cover) when its decision is
not final: awaiting sign-off, a verbal sign-off awaiting confirmation, or not signed off at
all (no decision yet, returned or disputed). A decision recorded without the child's
voice is flagged "Child's views not recorded", with the reason given. Within a team the
items come in the order the calls came in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from duty_desk.domain import choices
from duty_desk.domain.clock import show_local
from duty_desk.domain.handover import DEFAULT_TEAM, ItemKind, ItemState, enquiry_awaiting
from duty_desk.domain.signoff import Signoff, SignoffState

NO_VOICE = "Child's views not recorded"
NO_DECISION = "No decision yet"


class Attention(StrEnum):
    """Why an item is printed prominently (the cover counts each)."""

    AWAITING = "awaiting"  # awaiting sign-off in the app
    VERBAL = "verbal"  # a verbal sign-off awaiting the approver's confirmation
    UNSIGNED = "unsigned"  # not signed off: no decision yet, returned or disputed

    @property
    def label(self) -> str:
        return _ATTENTION[self]


_ATTENTION = {
    Attention.AWAITING: "Awaiting sign-off",
    Attention.VERBAL: "Verbal sign-off awaiting confirmation",
    Attention.UNSIGNED: "Not signed off",
}


@dataclass(frozen=True, slots=True)
class PackItem:
    """One item handed over, as the pack prints it (every value ready to show)."""

    reference: str
    kind: ItemKind
    team: str
    state: ItemState
    received_at: datetime
    child: str  # "Siân Llŷr"
    age: str  # "12 (born 02/03/2014)", "about 15", ""
    concerns: str
    summary: str
    voice: str  # the child's words, or the reason they are not recorded
    voice_missing: bool
    decision: str  # the decision type's label, or NO_DECISION
    decision_type: str | None
    rationale: str
    signoff: str  # where sign-off stands, in words
    attention: Attention | None
    warnings: tuple[str, ...]  # what the day team must not miss, in words
    for_day_team: str
    handover: str  # "Waiting for acknowledgement", "Acknowledged by … at …"

    @property
    def flagged(self) -> bool:
        return self.attention is not None or self.voice_missing

    @property
    def acknowledged(self) -> bool:
        return self.state is ItemState.ACKNOWLEDGED


@dataclass(frozen=True, slots=True)
class CustodyLine:
    """A young person still in police custody (a case not yet closed)."""

    reference: str
    person: str  # "Łukasz Wójcik (16)"
    suite: str
    charged_at: datetime | None
    in_custody: str  # time since charge, "3 h 05 min" ("" if no charge recorded)
    request_at: datetime | None
    since_request: str
    status: str  # "Request unanswered for 45 min", "Answered: …", "No request recorded"
    warnings: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True, slots=True)
class ShiftLine:
    started_at: datetime
    ended_at: datetime | None
    on_duty: str
    senior: str
    manager: str


@dataclass(frozen=True, slots=True)
class TeamSection:
    team: str
    items: tuple[PackItem, ...]


@dataclass(frozen=True, slots=True)
class Counts:
    items: int
    by_decision: tuple[tuple[str, int], ...]  # label, count: most first, then by label
    awaiting: int
    verbal: int
    unsigned: int
    voice_missing: int
    open_custody: int
    not_acknowledged: int


@dataclass(frozen=True, slots=True)
class Pack:
    generated_at: datetime
    team: str | None  # None: every team
    shifts: tuple[ShiftLine, ...]
    sections: tuple[TeamSection, ...]
    custody: tuple[CustodyLine, ...]

    @property
    def items(self) -> tuple[PackItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def attention(self) -> tuple[PackItem, ...]:
        """The flagged items, in the pack's order: the cover lists them first."""
        return tuple(item for item in self.items if item.flagged)

    @property
    def not_acknowledged(self) -> tuple[PackItem, ...]:
        return tuple(item for item in self.items if not item.acknowledged)

    @property
    def counts(self) -> Counts:
        items = self.items
        enquiries = [i for i in items if i.kind is ItemKind.ENQUIRY]
        decided = Counter(i.decision for i in enquiries if i.decision_type is not None)
        by_decision = tuple(sorted(decided.items(), key=lambda pair: (-pair[1], pair[0])))
        undecided = sum(1 for i in enquiries if i.decision_type is None)
        if undecided:
            by_decision += ((NO_DECISION, undecided),)
        return Counts(
            items=len(items),
            by_decision=by_decision,
            awaiting=sum(1 for i in items if i.attention is Attention.AWAITING),
            verbal=sum(1 for i in items if i.attention is Attention.VERBAL),
            unsigned=sum(1 for i in items if i.attention is Attention.UNSIGNED),
            voice_missing=sum(1 for i in items if i.voice_missing),
            open_custody=len(self.custody),
            not_acknowledged=len(self.not_acknowledged),
        )


def assemble(
    generated_at: datetime,
    team: str | None,
    shifts: Sequence[ShiftLine],
    items: Sequence[PackItem],
    custody: Sequence[CustodyLine],
) -> Pack:
    """The pack: teams in alphabetical order (the unassigned pool last), each team's items
    in the order the calls came in; shifts oldest first; custody cases by charge time."""
    teams: dict[str, list[PackItem]] = {}
    for item in items:
        if team is None or item.team == team:
            teams.setdefault(item.team, []).append(item)
    order = sorted(teams, key=lambda name: (name == DEFAULT_TEAM, name.casefold()))
    sections = tuple(
        TeamSection(name, tuple(sorted(teams[name], key=lambda i: (i.received_at, i.reference))))
        for name in order
    )
    return Pack(
        generated_at,
        team,
        tuple(sorted(shifts, key=lambda s: s.started_at)),
        sections,
        tuple(custody),
    )


# --- an item in words ---------------------------------------------------------------------


def attention(decided: bool, signoff: Signoff | None) -> Attention | None:
    """Why the decision is not final yet, if it is not."""
    if not decided:
        return Attention.UNSIGNED
    if signoff is None or signoff.state.final:
        return None
    if signoff.state is SignoffState.AWAITING:
        return Attention.AWAITING
    if signoff.state is SignoffState.VERBAL:
        return Attention.VERBAL
    return Attention.UNSIGNED


def signoff_words(decided: bool, signoff: Signoff | None) -> str:
    """'Signed off by Morgan Ellis at 22/11/2026 01:10', 'Verbal — awaiting confirmation'."""
    if not decided:
        return "No decision recorded yet, so nothing to sign off"
    if signoff is None:
        return "Final (no sign-off needed)"
    said = signoff.state.label
    if signoff.state is SignoffState.VERBAL and signoff.verbal is not None:
        verbal = signoff.verbal
        said += (
            f": given by {verbal.approver_name} at {show_local(verbal.given_at)}, "
            f"to be confirmed by {show_local(verbal.confirm_by)}"
        )
    elif signoff.state is SignoffState.AWAITING and signoff.due_at is not None:
        said += f", due by {show_local(signoff.due_at)}"
    elif signoff.resolved_at is not None:
        who = f" by {signoff.resolved_by_name}" if signoff.resolved_by_name else ""
        said += f"{who} at {show_local(signoff.resolved_at)}"
    if signoff.comments:
        said += f". Comments: {signoff.comments}"
    return said


def age_words(dob: str | None, age: int | None, on: date) -> str:
    """'12 (born 02/03/2014)', 'about 15', or ''."""
    if dob:
        born = date.fromisoformat(dob)
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return f"{years} (born {born:%d/%m/%Y})"
    return f"about {age}" if age is not None else ""


def concern_words(ids: Sequence[str]) -> str:
    return ", ".join(choices.CONCERNS.get(name, name) for name in ids)


def enquiry_item(
    *,
    reference: str,
    team: str,
    state: ItemState,
    handover: str,
    content: Mapping[str, Any],
    decided: bool,
    decision_label: str,
    signoff: Signoff | None,
    received_at: datetime,
) -> PackItem:
    """An enquiry handed over, from its stored content and its sign-off."""
    words = str(content.get("child_words") or "").strip()
    reason = str(content.get("voice_not_heard_reason") or "").strip()
    missing = not words
    voice = words if words else f"{NO_VOICE}. " + (reason or "No reason was recorded.")
    decision_type = content.get("decision_type") if decided else None
    return PackItem(
        reference=reference,
        kind=ItemKind.ENQUIRY,
        team=team,
        state=state,
        received_at=received_at,
        child=str(content.get("child_name") or "(name not recorded)"),
        age=age_words(content.get("child_dob"), content.get("child_age"), received_at.date()),
        concerns=concern_words(content.get("concerns") or []),
        summary=str(content.get("summary") or ""),
        voice=voice,
        voice_missing=missing,
        decision=decision_label if decided else NO_DECISION,
        decision_type=decision_type,
        rationale=str(content.get("rationale") or "") if decided else "",
        signoff=signoff_words(decided, signoff),
        attention=attention(decided, signoff),
        warnings=tuple(enquiry_awaiting(decided, signoff)) + ((NO_VOICE,) if missing else ()),
        for_day_team=str(content.get("day_team_actions") or ""),
        handover=handover,
    )


def custody_item(
    *,
    reference: str,
    team: str,
    state: ItemState,
    handover: str,
    received_at: datetime,
    person: str,
    age: str,
    summary: str,
    still_open: bool,
) -> PackItem:
    """A custody case handed over: its decision is its police enquiry's (listed too)."""
    warnings = ("Custody case still open: no outcome recorded yet",) if still_open else ()
    return PackItem(
        reference=reference,
        kind=ItemKind.CUSTODY,
        team=team,
        state=state,
        received_at=received_at,
        child=person or "(name not recorded)",
        age=age,
        concerns=choices.CONCERNS["custody"],
        summary=summary,
        voice="See the police enquiry for the young person's views.",
        voice_missing=False,
        decision="See the police enquiry",
        decision_type=None,
        rationale="",
        signoff="The police enquiry's decision carries the sign-off",
        attention=None,
        warnings=warnings,
        for_day_team="",
        handover=handover,
    )
