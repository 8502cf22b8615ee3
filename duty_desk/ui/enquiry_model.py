"""The night list: a table model over ``list_enquiries``, fetched a page at a time.

Sorting and filtering happen in the store, not in a ``QSortFilterProxyModel``: the model
holds only the rows fetched so far, and a proxy can only sort the rows it has, so a
proxy-sorted list of 450 records would show the "first" 200 in the wrong order. Every
sort or filter change asks the store again and starts from the first page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry import age_in_years
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.records import EnquiryRow, Status
from duty_desk.domain.signoff import SignoffState
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole  # the enquiry's id, for opening it
PAGE_SIZE = 200
_SUMMARY_SHOWN = 120


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    tip: str
    sort: str | None  # the store's sort key (ListQuery.sort); None: not sortable
    sample: str = ""  # text as wide as the column starts ("": as wide as its title)


# The free-text summary comes last and takes the space left: on a laptop screen the
# columns that need acting on (status, decision, due times) stay in view.
COLUMNS = (
    Column("received", "Received", "When it came in (UK time)", "received_at", "00/00 00:00"),
    Column("reference", "Reference", "This desk's reference", "reference", "EDT-000000-DCB9-000"),
    Column(
        "child",
        "Child",
        "The child's name and age (date of birth in the tooltip)",
        "child_name",
        "Mohammed Al-Sayed (15)",
    ),
    Column("concerns", "Concerns", "What the enquiry is about", "concerns", "Physical abuse, Ot"),
    Column("status", "Status", "Draft until a decision is recorded", "status", "Decided"),
    Column("decision", "Decision", "The decision made, if any", "decision", "Welfare or home v"),
    Column(
        "signoff",
        "Sign-off",
        "Whether the decision needs sign-off and where it stands (in full in the tooltip)",
        "signoff",
        "Verbal, unconfirmed",
    ),
    Column("risk", "Risk", "The risk rating given", "risk"),
    Column(
        "decision_due",
        "Decision due",
        "A decision is due within one working day; overdue drafts say so",
        "decision_due",
        "Wed 00/00 00:00 — overdue",
    ),
    Column(
        "handover_due",
        "Handover due",
        "When the day service must have it (09:00 the next working day)",
        "handover_due",
        "Wed 00/00 00:00",
    ),
    Column(
        "sync",
        "Sync",
        "Whether the day service holds this record's changes yet",
        None,
        "From the day service",
    ),
    Column("summary", "Summary", "What happened, in one line (not sortable)", None),
)
_KEYS = [c.key for c in COLUMNS]
DUE_COLUMN = _KEYS.index("decision_due")


def column_of(sort_key: str) -> int:
    """The column sorted by a store sort key (-1 if none)."""
    for number, column in enumerate(COLUMNS):
        if column.sort == sort_key:
            return number
    return -1


def short_time(moment: datetime, weekday: bool = False) -> str:
    """London time, 'dd/MM HH:mm' (with 'Mon ' in front when ``weekday``)."""
    local = moment.astimezone(LONDON)
    return local.strftime("%a %d/%m %H:%M" if weekday else "%d/%m %H:%M")


# The list's narrow column says it short; the tooltip and a screen reader get the full label.
_SIGNOFF_SHORT = {
    SignoffState.NOT_NEEDED: "Not needed",
    SignoffState.AWAITING: "Awaiting sign-off",
    SignoffState.VERBAL: "Verbal, unconfirmed",
    SignoffState.APPROVED: "Signed off",
    SignoffState.CONFIRMED: "Verbal confirmed",
    SignoffState.RETURNED: "Returned",
    SignoffState.DISPUTED: "Verbal disputed",
}


def signoff_label(value: str, short: bool = False) -> str:
    """The stored sign-off state in words ("" for a draft, or a state this build does
    not know); ``short`` for the list's column."""
    try:
        state = SignoffState(value)
    except ValueError:
        return ""
    text = _SIGNOFF_SHORT[state] if short else state.label
    return QCoreApplication.translate("SignoffState", text)


class EnquiryListModel(QAbstractTableModel):
    """Enquiries as the store lists them for ``query``; more rows arrive through
    ``fetchMore`` as the view scrolls. ``failed`` carries a refusal's plain words."""

    failed = Signal(str)

    def __init__(
        self,
        session: SignedIn,
        query: ListQuery | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: Any = None,
        *,
        load: bool = True,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._clock = clock or session.desk.clock
        self.query = query or ListQuery()
        self._rows: list[EnquiryRow] = []
        self._ids: set[str] = set()
        self._synced: dict[str, str] = {}
        self.total = 0
        self.error = ""  # the last refusal, if the latest load was refused
        if load:
            self._load(PAGE_SIZE)

    # --- what to show -------------------------------------------------------------------

    def set_query(self, query: ListQuery) -> None:
        """Show what ``query`` finds (its sort included), from the first page."""
        self.query = query
        self._reload(PAGE_SIZE)

    def refresh(self) -> None:
        """Ask the store again, with the same query and sort, keeping as many rows loaded."""
        self._reload(max(PAGE_SIZE, len(self._rows)))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort is None:
            return  # the summary is free text: the store does not order by it
        descending = order == Qt.SortOrder.DescendingOrder
        sort_key = COLUMNS[column].sort
        assert sort_key is not None
        if (sort_key, descending) == (self.query.sort, self.query.descending):
            return
        self.set_query(replace(self.query, sort=sort_key, descending=descending))

    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        """The column and order the rows are in (for the header's indicator)."""
        order = (
            Qt.SortOrder.DescendingOrder if self.query.descending else Qt.SortOrder.AscendingOrder
        )
        return column_of(self.query.sort), order

    def enquiry_row(self, row: int) -> EnquiryRow:
        return self._rows[row]

    def row_of(self, enquiry_id: str) -> int:
        """The row showing ``enquiry_id`` among those loaded, or -1."""
        for number, row in enumerate(self._rows):
            if row.id == enquiry_id:
                return number
        return -1

    def time_passed(self) -> None:
        """The clock moved on: repaint the due column (drafts may have become overdue)."""
        if self._rows:
            top = self.index(0, DUE_COLUMN)
            self.dataChanged.emit(top, self.index(len(self._rows) - 1, DUE_COLUMN))

    # --- loading ------------------------------------------------------------------------

    def _reload(self, wanted: int) -> None:
        self.beginResetModel()
        self._rows, self._ids, self.total = [], set(), 0
        self._synced = {}
        self._load(wanted)
        self.endResetModel()

    def _sync_states(self, rows: list[EnquiryRow]) -> None:
        """Each loaded record's sync state (one query a page; blank if it cannot be read)."""
        from duty_desk.services.sync import record_states

        with contextlib.suppress(DutyDeskError):
            self._synced.update(record_states(self._session, [row.id for row in rows]))

    def _load(self, wanted: int) -> None:
        """Load pages until ``wanted`` rows are here or the query has no more."""
        self.error = ""
        try:
            first = list_enquiries(self._session, self.query, 0, PAGE_SIZE)
            self.total = first.total
            self._add(first.rows)
            while len(self._rows) < min(wanted, self.total):
                if not self._add(self._page()):
                    break
        except DutyDeskError as error:
            self.error = str(error)
            self.failed.emit(self.error)

    def _page(self) -> tuple[EnquiryRow, ...]:
        page = list_enquiries(self._session, self.query, len(self._rows), PAGE_SIZE)
        return page.rows

    def _add(self, rows: tuple[EnquiryRow, ...]) -> int:
        """Append rows not already here (a record saved meanwhile can shift a page)."""
        fresh = [row for row in rows if row.id not in self._ids]
        self._rows.extend(fresh)
        self._ids.update(row.id for row in fresh)
        self._sync_states(fresh)
        if not rows:
            self.total = len(self._rows)  # the store has fewer than it said: stop asking
        return len(fresh)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        try:
            rows = self._page()
        except DutyDeskError as error:
            self.failed.emit(str(error))
            self.total = len(self._rows)
            return
        fresh = [row for row in rows if row.id not in self._ids]
        if not fresh:
            self.total = len(self._rows)
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self._add(tuple(fresh))
        self.endInsertRows()

    # --- the model interface ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr(column.title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr(column.tip)
        if role == Qt.ItemDataRole.InitialSortOrderRole:  # a first click: newest calls first
            newest = column.key == "received"
            order = Qt.SortOrder.DescendingOrder if newest else Qt.SortOrder.AscendingOrder
            return order.value  # as a number: the header reads it as one
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        key = _KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, key)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if key in ("child", "signoff"):
                text = self._tip(row, key) or ""
            else:
                text = self._text(row, key)
            return text or self.tr("none")
        if key == "decision_due" and self._overdue(row):
            return self._warning(role)
        return None

    # --- cells --------------------------------------------------------------------------

    def _text(self, row: EnquiryRow, key: str) -> str:
        if key == "received":
            return short_time(row.received_at)
        if key == "child":
            return self._child(row)
        if key == "summary":
            first = row.summary.splitlines()[0] if row.summary else ""
            return first if len(first) <= _SUMMARY_SHOWN else first[: _SUMMARY_SHOWN - 1] + "…"
        if key == "status":
            return self.tr(row.status.label)
        if key == "decision_due":
            due = short_time(row.decision_due, weekday=True)
            return self.tr("%1 — overdue").replace("%1", due) if self._overdue(row) else due
        if key == "handover_due":
            return short_time(row.handover_due, weekday=True)
        if key == "signoff":
            return signoff_label(row.signoff, short=True)
        if key == "sync":
            return self.tr(self._synced.get(row.id, ""))
        return str(getattr(row, key))

    def _child(self, row: EnquiryRow, full: bool = False) -> str:
        """'Siân Llŷr (12)'; in full 'Siân Llŷr, born 02/03/2014, aged 12'."""
        name = row.child_name or self.tr("(name not known)")
        if row.child_dob:
            born = date.fromisoformat(row.child_dob)
            age = str(age_in_years(born, self._clock().astimezone(LONDON).date()))
            text = self.tr("%1, born %3, aged %2") if full else "%1 (%2)"
            text = text.replace("%3", f"{born:%d/%m/%Y}")
        elif row.child_age is not None:
            age = str(row.child_age)
            text = self.tr("%1, aged about %2") if full else self.tr("%1 (about %2)")
        else:
            return name
        return text.replace("%1", name).replace("%2", age)

    def _tip(self, row: EnquiryRow, key: str) -> str | None:
        if key == "received":
            return row.received_at.astimezone(LONDON).strftime("%A %d/%m/%Y %H:%M")
        if key in ("concerns", "summary"):
            return getattr(row, key) or None
        if key == "child":
            return self._child(row, full=True)
        if key == "signoff":
            return signoff_label(row.signoff) or None
        if key == "decision_due":
            if row.status is Status.DECIDED:
                return self.tr("Decided")
            if self._overdue(row):
                return self.tr("The decision is overdue: record it, or say why it waits.")
            return self.tr("Decision due by this time")
        return None

    def _overdue(self, row: EnquiryRow) -> bool:
        return row.status is Status.DRAFT and row.decision_due <= self._clock()

    def _warning(self, role: int) -> Any:
        """Overdue is said in the text; bold and a strong colour make it stand out too."""
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
            return QBrush(QColor("#ff8a80" if base.lightness() < 128 else "#a4161a"))
        return None
