"""The custody tracker's table model: cases with their live clocks and warnings.

The cases are read from the store now and then (``set_cases``); the clocks and warnings are
worked out again from each case's instants and the desk's clock on every ``time_passed``,
without reading the store. Open cases run longest first; the closed ones say the outcome.
The short texts here (a young person's first name and initial, the next review "in 12 min")
are shared by the strip and the banner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.custody_choices import OUTCOMES, PLACEMENT_TYPES, REQUEST_TYPES
from duty_desk.domain.custody_clocks import (
    Clocks,
    CustodyWarning,
    Thresholds,
    clocks,
    duration_text,
    warnings,
)
from duty_desk.domain.custody_records import Case
from duty_desk.services.lists import decision_types
from duty_desk.ui.enquiry_model import ID_ROLE, short_time, signoff_label
from duty_desk.ui.list_table_model import Column, ColumnsModel
from duty_desk.ui.widgets import icon

_Index = QModelIndex | QPersistentModelIndex
NOT_RECORDED = "—"


WARNING_ICON = "overdue"  # the red warning sign: a young person in a cell waits on it
ALARM_KEYS = frozenset({"unanswered", "review", "warnings"})  # may show the warning icon


_REFERENCE = Column("reference", "Reference", "This desk's reference", "CUS-261122-A1B2-001")
_PERSON = Column("person", "Young person", "Name and age at charge", "Jayden Morris")
_SUITE = Column("suite", "Suite", "The police custody suite", "Northgate cust")
_REQUEST = Column(
    "request", "Request", "Secure or non-secure accommodation requested", "Non-secure"
)
_DECISION = Column(
    "decision",
    "Council's\ndecision",
    "The council's decision and where its sign-off stands",
    "PACE transfer: non-sec",
)
OPEN_COLUMNS = (
    _REFERENCE,
    _PERSON,
    _SUITE,
    _REQUEST,
    Column("since_charge", "Since\ncharge", "Time since the charge", "13 h 05 min"),
    Column(
        "since_request", "Since\nrequest", "Time since the police asked for a bed", "13 h 05 min"
    ),
    Column(
        "unanswered",
        "Unanswered",
        "How long the request has waited for the council's answer",
        "12 h 05 min",
    ),
    Column(
        "review",
        "Next PACE\nreview",
        "The next detention review (6 h after detention, then every 9 h), UK time",
        "21:44 (in 59 min)",
    ),
    _DECISION,
    Column("warnings", "Warnings", "What needs doing now"),
)
CLOSED_COLUMNS = (
    _REFERENCE,
    _PERSON,
    _SUITE,
    _REQUEST,
    Column("in_cell", "After\ncharge", "Time in custody after charge", "13 h 05 min"),
    Column("closed", "Closed", "When the case was closed (UK time)", "Sun 22/11 02:15"),
    Column("outcome", "Outcome", "How the case ended", "Remained in police custody"),
    _DECISION,
)


# --- texts shared with the strip and the banner -------------------------------------------


def short_name(name: str) -> str:
    """'Jayden Morris' -> 'Jayden M.': the first name and the initial of the last."""
    parts = name.split()
    if not parts:
        return "(no name)"
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def who(case: Case, *, full: bool = False) -> str:
    """'Jayden M. (15)' (the full name when ``full``); the age is the age at charge."""
    name = case.name if full else short_name(case.name)
    age = case.content.get("age_at_charge")
    return f"{name} ({age})" if age is not None else name


def suite(case: Case) -> str:
    return str(case.content.get("custody_suite") or "")


def when(moment: datetime, now: datetime) -> str:
    """'02:15' on the same day (UK time), else 'Sun 02:15'."""
    local, today = moment.astimezone(LONDON), now.astimezone(LONDON)
    return (
        show_local(moment, with_date=False)
        if local.date() == today.date()
        else (local.strftime("%a %H:%M"))
    )


def review_text(found: Clocks, now: datetime) -> str:
    """'02:15 (in 1 h 03 min)', '02:15 (OVERDUE by 5 min)', or '' when none is due."""
    due = found.next_review
    if due is None:
        return ""
    if found.review_overdue:
        return f"{when(due, now)} (OVERDUE by {duration_text(now - due)})"
    return f"{when(due, now)} (in {duration_text(due - now)})"


def start_of(case: Case) -> datetime:
    """Where a case's time began: the earliest of charge, request and opening."""
    moments = (case.instants.charge, case.instants.request, case.opened_at)
    return min(moment for moment in moments if moment is not None)


@dataclass(frozen=True, slots=True)
class Entry:
    """One open case as the tracker sees it at one moment."""

    case: Case
    clocks: Clocks
    warnings: tuple[CustodyWarning, ...]


# --- the model -----------------------------------------------------------------------------


class CustodyModel(ColumnsModel):
    """``Case`` rows: open ones longest-running first with their clocks, or (``closed``)
    closed ones newest first with their outcome."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        closed: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(CLOSED_COLUMNS if closed else OPEN_COLUMNS, parent)
        self.closed = closed
        self._clock = clock
        self.thresholds = Thresholds()
        self.rows: list[Case] = []
        self.entries: list[Entry] = []
        self.now = clock()
        self._decisions = decision_types().labels

    def set_cases(self, cases: Iterable[Case]) -> None:
        """New rows (in the tracker's order); the same rows as before only tick."""
        rows = list(cases)
        if not self.closed:
            rows.sort(key=start_of)
        if rows == self.rows:
            self.time_passed()
            return
        self.beginResetModel()
        self.rows = rows
        self._work_out()
        self.endResetModel()

    def set_thresholds(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds

    def time_passed(self) -> None:
        """Work the clocks and warnings out again at the desk's time (no store read)."""
        self._work_out()
        if self.rows:
            last = self.index(len(self.rows) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _work_out(self) -> None:
        self.now = self._clock()
        self.entries = [
            Entry(
                case,
                clocks(case.instants, self.now),
                tuple(warnings(case.instants, self.now, self.thresholds)),
            )
            for case in self.rows
        ]

    def case(self, row: int) -> Case:
        return self.rows[row]

    def row_of(self, case_id: str) -> int:
        return next((n for n, case in enumerate(self.rows) if case.id == case_id), -1)

    def warned(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.warnings]

    # --- Qt -------------------------------------------------------------------------------

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        key = self._keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, key) or NOT_RECORDED
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(entry, key) or self.tr("not recorded")
        if role == ID_ROLE:
            return entry.case.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(entry, key)
        if self._alarming(entry, key):
            return _alarm_look(role)
        return None

    # --- cells ----------------------------------------------------------------------------

    def _text(self, entry: Entry, key: str) -> str:
        case, found = entry.case, entry.clocks
        if key == "reference":
            return case.reference
        if key == "person":
            return who(case, full=True)
        if key == "suite":
            return suite(case)
        if key == "request":
            return self.tr(REQUEST_TYPES.get(str(case.content.get("request_type")), ""))
        if key in ("since_charge", "in_cell"):
            return duration_text(found.since_charge) if found.since_charge is not None else ""
        if key == "since_request":
            return duration_text(found.since_request) if found.since_request is not None else ""
        if key == "unanswered":
            return self._unanswered(entry)
        if key == "review":
            return review_text(found, self.now)
        if key == "decision":
            return self._decision(case)
        if key == "warnings":
            return "\n".join(warning.text for warning in entry.warnings)
        if key == "closed":
            return short_time(case.closed_at, weekday=True) if case.closed_at else ""
        return self._outcome(case)

    def _unanswered(self, entry: Entry) -> str:
        if entry.clocks.unanswered is not None:
            return duration_text(entry.clocks.unanswered)
        return self.tr("Answered") if entry.case.instants.response is not None else ""

    def _decision(self, case: Case) -> str:
        if not case.decision_type:
            return self.tr("Not decided yet")
        label = self._decisions.get(case.decision_type, case.decision_type)
        state = signoff_label(case.signoff_state)
        return f"{label}\n{state}" if state else label

    def _outcome(self, case: Case) -> str:
        outcome = self.tr(OUTCOMES.get(str(case.content.get("outcome")), ""))
        placement = PLACEMENT_TYPES.get(str(case.content.get("placement_type")))
        return f"{outcome} ({self.tr(placement)})" if outcome and placement else outcome

    def _tip(self, entry: Entry, key: str) -> str | None:
        case, moments = entry.case, entry.case.instants
        if key in ("since_charge", "in_cell") and moments.charge is not None:
            return self._at(self.tr("Charged %1"), moments.charge)
        if key in ("since_request", "unanswered") and moments.request is not None:
            return self._at(self.tr("Request received %1"), moments.request)
        if key == "review" and entry.clocks.next_review is not None:
            due = entry.clocks.next_review.astimezone(LONDON).strftime("%A %d/%m/%Y %H:%M")
            return self.tr(
                "Due %1 (UK time). Reviews are 6 h after detention was authorised, then every "
                "9 h; the desk assumes they are held on time until one is recorded."
            ).replace("%1", due)
        if key == "decision" and case.decision_type:
            on = self.tr("Recorded on enquiry %1").replace("%1", case.enquiry_reference or "")
            return f"{self._decision(case)}\n{on}"
        if key == "warnings" and entry.warnings:
            return "\n".join(warning.text for warning in entry.warnings)
        if key == "person":
            return case.name
        return None

    def _at(self, what: str, moment: datetime) -> str:
        return what.replace("%1", short_time(moment, weekday=True)) + self.tr(" (UK time)")

    def _alarming(self, entry: Entry, key: str) -> bool:
        kinds = {warning.kind for warning in entry.warnings}
        return (
            (key == "warnings" and bool(kinds))
            or (key == "unanswered" and "request_unanswered" in kinds)
            or (key == "review" and "review_due" in kinds)
        )


def _alarm_look(role: int) -> Any:
    """A warning is said in words and by the icon; bold and colour add to that."""
    if role == Qt.ItemDataRole.DecorationRole:
        return icon(WARNING_ICON)
    if role == Qt.ItemDataRole.FontRole:
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.ForegroundRole:
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        return QBrush(QColor("#ff8a80" if base.lightness() < 128 else "#a4161a"))
    return None
