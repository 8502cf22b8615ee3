"""The demo desk's young people in police custody: last night's cases, step by step.

Each ``[[night.custody]]`` of ``resources/demo/night.toml`` belongs to one of the night's
enquiries (named by the child's name) and is recorded through the same services as the
tracker: opened at ``opened``, each step added when it happened (a step from before the
case was opened, such as the arrest, is added as the case is opened), the council's
decision made at ``decision.at`` (through the sign-off rules), and closed at ``closed``
with its ``outcome``. A placement named as in the directory is linked to its entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from duty_desk.domain.custody_records import Case
from duty_desk.domain.records import Enquiry, Saved
from duty_desk.services import custody
from duty_desk.services.context import SignedIn
from duty_desk.services.demo import at, born
from duty_desk.services.providers import providers


@dataclass(frozen=True, slots=True)
class CaseStep:
    at: datetime
    enquiry: int  # the enquiry the case belongs to: its place in the night
    case: int  # the case's place in the night
    action: str  # open, step, decide or close
    fields: dict[str, Any]


def case_steps(
    cases: Sequence[Mapping[str, Any]],
    enquiries: Sequence[Mapping[str, Any]],
    night: date,
    last: date,
) -> list[CaseStep]:
    """Everything done on the night's custody cases, in the order it happened."""
    names = [enquiry["fields"]["child_name"] for enquiry in enquiries]
    found: list[CaseStep] = []
    for number, spec in enumerate(cases):
        if spec["enquiry"] not in names:
            raise ValueError(f"demo custody case {number + 1}: no enquiry for {spec['enquiry']}")
        enquiry = names.index(spec["enquiry"])
        opened = at(night, spec["opened"])
        fields = _dated(spec["fields"], night, last)
        found.append(CaseStep(opened, enquiry, number, "open", fields))
        for step in spec.get("steps", []):
            moment = at(night, step["at"])
            found.append(
                CaseStep(max(moment, opened), enquiry, number, "step", step | {"at": moment})
            )
        if "decision" in spec:
            decision = dict(spec["decision"])
            moment = at(night, decision.pop("at"))
            found.append(CaseStep(moment, enquiry, number, "decide", decision))
        if "closed" in spec:
            found.append(
                CaseStep(at(night, spec["closed"]), enquiry, number, "close", dict(spec["outcome"]))
            )
    return sorted(found, key=lambda step: step.at)


def _dated(fields: Mapping[str, Any], night: date, last: date) -> dict[str, Any]:
    """A date of birth as {years, days} before last night; a court date {days_after} the
    night began."""
    content = dict(fields)
    if isinstance(content.get("yp_dob"), Mapping):
        content["yp_dob"] = born(last, content["yp_dob"])
    if isinstance(content.get("court_date"), Mapping):
        court = night + timedelta(days=content["court_date"]["days_after"])
        content["court_date"] = court.isoformat()
    return content


class NightCases:
    """The night's cases as they are recorded, each at its latest version."""

    def __init__(self, session: SignedIn) -> None:
        self.session = session
        self.cases: dict[int, Case] = {}
        self.directory = {p.name: p.id for p in providers(session)}

    def record(self, step: CaseStep, enquiry: Enquiry) -> Saved | None:
        """Record one step; a decision returns the enquiry as decided."""
        session, fields = self.session, step.fields
        if step.action == "open":
            self.cases[step.case] = custody.open_case(session, fields, enquiry_id=enquiry.id)
            return None
        case = self.cases[step.case]
        if step.action == "decide":
            return custody.decide(session, case.id, fields)  # the enquiry's; the case is as it was
        if step.action == "step":
            placement = fields.get("placement")
            if placement in self.directory:
                fields = fields | {"provider_id": self.directory[placement]}
            self.cases[step.case] = custody.add_step(session, case.id, fields, case.updated_at)
        else:
            self.cases[step.case] = custody.close_case(session, case.id, fields, case.updated_at)
        return None
