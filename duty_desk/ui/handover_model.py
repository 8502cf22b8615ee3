"""The handover's models: the inbox as a tree (receiving teams, their items under them),
and the list of what the night would hand over.

Overdue is worked out from the clock each time a cell is asked for, so a tick of the page's
timer repaints it without reading the store. It is said in words ("Overdue"), with an icon,
and in bold red: never by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from duty_desk.domain.clock import LONDON
from duty_desk.domain.handover import HandoverItem, ItemState, TeamGroup
from duty_desk.services.handover import Inbox, NightItem
from duty_desk.ui.enquiry_model import ID_ROLE, short_time
from duty_desk.ui.list_table_model import Column, ColumnsModel
from duty_desk.ui.widgets import icon

_Index = QModelIndex | QPersistentModelIndex
TEAM = 0  # internalId of a team's row; an item's is its team's row + 1

INBOX_COLUMNS = (
    Column("reference", "Reference", "The duty desk's reference", "EDT-000000-DCB9-000"),
    Column("summary", "Summary", "The child, the concern, the decision, and what awaits"),
    Column(
        "submitted", "Submitted", "When the duty worker handed it over (UK time)", "00/00 00:00"
    ),
    Column("due", "Due", "Acknowledge by (09:00 on the working day, UK time)", "Mon 00/00 00:00"),
    Column("state", "State", "Where it stands", "Overdue — not acknowledged"),
    Column(
        "acknowledged",
        "Acknowledged by",
        "Who took it on, and when",
        "Dana Day-Collins 00/00 00:00",
    ),
)
NIGHT_COLUMNS = (
    Column("reference", "Reference", "The duty desk's reference", "EDT-000000-DCB9-000"),
    Column("team", "To", "The receiving team (from the enquiry's Decision section)", "Front door"),
    Column("summary", "Summary", "The child, the concern and the decision"),
    Column("awaiting", "Still awaiting", "What still awaits sign-off or confirmation"),
)


def alarm_look(role: int) -> Any:
    """Bold red with the overdue icon (the words say it too)."""
    if role == Qt.ItemDataRole.DecorationRole:
        return icon("overdue")
    if role == Qt.ItemDataRole.FontRole:
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.ForegroundRole:
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        return QBrush(QColor("#ff8a80" if base.lightness() < 128 else "#a4161a"))
    return None


def state_words(item: HandoverItem, now: datetime) -> str:
    if item.escalated(now):
        return "Overdue — not acknowledged"
    if item.state is ItemState.ACKNOWLEDGED:
        return "Acknowledged"
    if item.state is ItemState.RETURNED:
        return "Returned to the duty worker"
    return "Submitted again — waiting" if item.resubmitted else "Waiting for acknowledgement"


_STATE_ICONS = {ItemState.ACKNOWLEDGED: "sign-off", ItemState.RETURNED: "warning"}


class HandoverModel(QAbstractItemModel):
    """Teams at the top level (first column spanned by the view), their items below."""

    def __init__(self, clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.columns = INBOX_COLUMNS
        self._keys = [c.key for c in INBOX_COLUMNS]
        self.groups: tuple[TeamGroup, ...] = ()

    # --- contents -------------------------------------------------------------------------

    def set_inbox(self, inbox: Inbox) -> None:
        if inbox.groups == self.groups:
            self.time_passed()
            return
        self.beginResetModel()
        self.groups = inbox.groups
        self.endResetModel()

    def items(self) -> list[HandoverItem]:
        return [item for group in self.groups for item in group.items]

    def escalated(self) -> list[HandoverItem]:
        now = self._clock()
        return [item for item in self.items() if item.escalated(now)]

    def item_at(self, index: _Index) -> HandoverItem | None:
        if not index.isValid() or index.internalId() == TEAM:
            return None
        return self.groups[index.internalId() - 1].items[index.row()]

    def index_of(self, item_id: str) -> QModelIndex:
        for number, group in enumerate(self.groups):
            for row, item in enumerate(group.items):
                if item.item_id == item_id:
                    return self.createIndex(row, 0, number + 1)
        return QModelIndex()

    def time_passed(self) -> None:
        """The clock moved on: repaint what depends on it (overdue, the teams' counts)."""
        last = len(self.columns) - 1
        for number, group in enumerate(self.groups):
            self.dataChanged.emit(self.index(number, 0), self.index(number, last))
            if group.items:
                parent = self.index(number, 0)
                bottom = self.index(len(group.items) - 1, last, parent)
                self.dataChanged.emit(self.index(0, 0, parent), bottom)

    # --- the tree -------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, TEAM)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == TEAM:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, TEAM)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == TEAM and parent.column() == 0:
            return len(self.groups[parent.row()].items)
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != TEAM:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.columns[section].title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr(self.columns[section].tip)
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == TEAM:
            return self._team_data(self.groups[index.row()], index.column(), role)
        item = self.item_at(index)
        return None if item is None else self._item_data(item, self._keys[index.column()], role)

    # --- cells ----------------------------------------------------------------------------

    def _team_data(self, group: TeamGroup, column: int, role: int) -> Any:
        late = group.escalated(self._clock())
        if column != 0:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.team_line(group)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.1)
            return font
        if late:
            return alarm_look(role)
        return None

    def team_line(self, group: TeamGroup) -> str:
        """'Front door — 3 items: 2 waiting, 1 overdue'."""
        total = len(group.items)
        said = self.tr("%1 — %2 item" if total == 1 else "%1 — %2 items")
        said = said.replace("%1", group.team).replace("%2", str(total))
        waiting, late = len(group.waiting()), len(group.escalated(self._clock()))
        if waiting:
            said += self.tr(": %1 waiting").replace("%1", str(waiting))
        if late:
            said += self.tr(", %1 OVERDUE").replace("%1", str(late))
        return said

    def _item_data(self, item: HandoverItem, key: str, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, key)
        if role == ID_ROLE:
            return item.item_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(item, key)
        if key == "state":
            if item.escalated(self._clock()):
                return alarm_look(role)
            if role == Qt.ItemDataRole.DecorationRole:
                return icon(_STATE_ICONS.get(item.state, "handover"))
        return None

    def _text(self, item: HandoverItem, key: str) -> str:
        if key == "reference":
            return item.reference
        if key == "summary":
            awaiting = "; ".join(item.awaiting)
            return item.summary + (
                self.tr(" Still awaiting: %1").replace("%1", awaiting) if awaiting else ""
            )
        if key == "submitted":
            return short_time(item.submitted_at)
        if key == "due":
            return short_time(item.due_at, weekday=True)
        if key == "state":
            return self.tr(state_words(item, self._clock()))
        if key == "acknowledged" and item.acknowledged_name:
            when = short_time(item.acknowledged_at) if item.acknowledged_at else ""
            return f"{item.acknowledged_name} {when}".strip()
        return ""

    def _tip(self, item: HandoverItem, key: str) -> str | None:
        if key == "due":
            when = item.due_at.astimezone(LONDON).strftime("%A %d/%m/%Y %H:%M")
            return self.tr("Acknowledge by %1 (UK time)").replace("%1", when)
        if key == "state" and item.returned_reason:
            who = item.returned_by or self.tr("the day team")
            return (
                self.tr("Returned by %1: %2").replace("%1", who).replace("%2", item.returned_reason)
            )
        if key == "acknowledged" and item.case_system_ref:
            return self.tr("Case system reference: %1").replace("%1", item.case_system_ref)
        if key == "submitted" and item.submitted_by:
            return self.tr("Handed over by %1").replace("%1", item.submitted_by)
        if key == "summary":
            return item.summary
        return None


class NightModel(ColumnsModel):
    """What the night would hand over (``NightItem`` rows), oldest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(NIGHT_COLUMNS, parent)
        self.rows: list[NightItem] = []

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item = self.rows[index.row()]
        key = self._keys[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, key)
        if role == ID_ROLE:
            return item.item_id
        if role == Qt.ItemDataRole.ToolTipRole and key == "reference" and item.returned_reason:
            return self.tr("Returned by the day team: %1").replace("%1", item.returned_reason)
        if key == "awaiting" and item.awaiting and role == Qt.ItemDataRole.DecorationRole:
            return icon("warning")
        return None

    def _text(self, item: NightItem, key: str) -> str:
        if key == "reference":
            back = self.tr(" (returned)") if item.returned_reason else ""
            return item.reference + back
        if key == "team":
            return item.receiving_team
        if key == "summary":
            return item.summary
        if key == "awaiting":
            return "\n".join(item.awaiting) if item.awaiting else self.tr("Nothing")
        return ""
