"""What the enquiry services hand back: plain, immutable values the UI and CLI can show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    DRAFT = "draft"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "decided": "Decided"}[self.value]


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone on call: a name and how to reach them."""

    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class Shift:
    id: str
    started_at: datetime
    ended_at: datetime | None
    on_duty: tuple[str, ...]
    senior: Contact
    manager: Contact


@dataclass(frozen=True, slots=True)
class Enquiry:
    id: str
    reference: str
    status: Status
    version: int
    content: dict[str, Any]
    shift_id: str | None
    received_at: datetime
    decision_due: datetime
    handover_due: datetime
    updated_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class Saved:
    """The enquiry as stored, and what still needs putting right before a decision."""

    enquiry: Enquiry
    problems: tuple[Any, ...]  # domain.enquiry.Problem


@dataclass(frozen=True, slots=True)
class EnquiryRow:
    """One line of the night list or a search."""

    id: str
    reference: str
    received_at: datetime
    child_name: str
    child_dob: str | None
    child_age: int | None
    concerns: str
    summary: str
    status: Status
    decision: str
    signoff: str
    risk: str
    decision_due: datetime
    handover_due: datetime


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[EnquiryRow, ...]
    total: int


@dataclass(frozen=True, slots=True)
class PreviousContact:
    id: str
    reference: str
    received_at: datetime
    concerns: str
    decision: str
    status: Status


@dataclass(frozen=True, slots=True)
class Change:
    """One field changed in one event: the history view's line."""

    at: datetime
    who: str
    version: int
    what: str  # the event, in words: "Created", "Saved", "Decided", "New version"
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    enquiry_id: str | None
    reference: str | None
    base_version: int | None
    content: dict[str, Any]
    saved_at: datetime
