"""The sign-off queue's table model: waiting decisions in the service's order (oldest
first), with the time left said in words and an icon once it is overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from duty_desk.domain.clock import LONDON
from duty_desk.domain.signoff import SignoffState
from duty_desk.services.signoff import QueueItem
from duty_desk.ui.enquiry_model import ID_ROLE, short_time
from duty_desk.ui.list_table_model import Column, ColumnsModel
from duty_desk.ui.widgets import icon

_Index = QModelIndex | QPersistentModelIndex


_TIME_LEFT = Column("time_left", "Time left", "Until the time limit", "OVERDUE by 1 h 55 min")
_DECIDED = Column("decided", "Decided", "When the decision was recorded (UK time)", "00/00 00:00")
_COMMON = (
    Column("reference", "Reference", "This desk's reference", "EDT-000000-DCB9-000"),
    Column("child", "Child", "The child's name", "Mohammed Al-Say"),
    Column("decision", "Decision", "The decision made", "Police protection (s.46)"),
)
_NEEDS = Column("needs", "Needs", "The grade that must sign it off (or higher)", "Senior practitio")
_WHY = Column("why", "Why", "The rules' reasons (rule ids in the tooltip)")
QUEUE_COLUMNS = (
    _TIME_LEFT,
    _DECIDED,
    *_COMMON,
    Column("author", "From", "Who made the decision", "Morgan Mana"),
    _NEEDS,
    Column("kind", "To do", "What is asked of you", "Confirm your verbal"),
    _WHY,
)
MINE_COLUMNS = (  # where each stands comes first: a returned one is back with the worker
    _TIME_LEFT,
    Column("state", "Sign-off", "Where the sign-off stands", "Verbal — awaiting confirm"),
    _DECIDED,
    *_COMMON,
    _NEEDS,
    _WHY,
)

_STATE_TIPS = {
    SignoffState.AWAITING: "Waiting for an approver to approve or return it in the app.",
    SignoffState.VERBAL: "Given by phone or in person; the approver still has to confirm it.",
    SignoffState.RETURNED: "Returned with comments: open it, revise the decision and decide again.",
    SignoffState.DISPUTED: "The approver disputed the verbal sign-off: open it and act on it.",
}


def span(delta: timedelta) -> str:
    """'25 min', '1 h 12 min', '2 d 3 h' (rounded down to the minute)."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


class QueueModel(ColumnsModel):
    """``QueueItem`` rows in the order the service gives (oldest first); ``mine`` shows a
    worker's own decisions (their sign-off state) rather than an approver's queue."""

    def __init__(
        self, clock: Callable[[], datetime], *, mine: bool = False, parent: QObject | None = None
    ) -> None:
        super().__init__(MINE_COLUMNS if mine else QUEUE_COLUMNS, parent)
        self._clock = clock
        self.rows: list[QueueItem] = []

    def set_items(self, items: list[QueueItem]) -> None:
        """New rows; the same rows as before only repaint the time left."""
        if items == self.rows:
            self.time_passed()
        else:
            self.set_rows(items)

    def item(self, row: int) -> QueueItem:
        return self.rows[row]

    def row_of(self, enquiry_id: str) -> int:
        return next((n for n, i in enumerate(self.rows) if i.enquiry_id == enquiry_id), -1)

    def overdue(self) -> list[QueueItem]:
        now = self._clock()
        return [item for item in self.rows if item.overdue(now)]

    def time_passed(self) -> None:
        if self.rows:
            last = len(self.rows) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, 0))

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item = self.rows[index.row()]
        key = self._keys[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, key)
        if role == ID_ROLE:
            return item.enquiry_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(item, key)
        if key == "time_left" and item.overdue(self._clock()):
            return self._overdue_look(role)
        return None

    # --- cells --------------------------------------------------------------------------

    def _text(self, item: QueueItem, key: str) -> str:
        if key == "time_left":
            return self.time_left(item)
        if key == "decided":
            return short_time(item.requested_at)
        if key == "child":
            return item.child_name or self.tr("(name not known)")
        if key == "needs":
            return self.tr(item.required.label) if item.required else ""
        if key == "why":
            return "; ".join(item.reasons)
        if key == "kind":
            if item.to_confirm:
                return self.tr("Confirm your verbal sign-off")
            return self.tr("Approve or return")
        if key == "state":
            return self.tr(item.state.label)
        return str(getattr(item, key))

    def time_left(self, item: QueueItem) -> str:
        """'1 h 12 min left', 'OVERDUE by 25 min', or what the worker must do."""
        if item.deadline is None:
            return self.tr("Back with you") if not item.state.open else ""
        now = self._clock()
        if item.overdue(now):
            return self.tr("OVERDUE by %1").replace("%1", span(now - item.deadline))
        return self.tr("%1 left").replace("%1", span(item.deadline - now))

    def _tip(self, item: QueueItem, key: str) -> str | None:
        if key == "time_left" and item.deadline is not None:
            when = item.deadline.astimezone(LONDON).strftime("%A %d/%m/%Y %H:%M")
            what = self.tr("Confirmation due by %1") if item.state is SignoffState.VERBAL else None
            text = what or self.tr("Sign-off due by %1")
            return text.replace("%1", when) + self.tr(" (UK time)")
        if key == "decided":
            return item.requested_at.astimezone(LONDON).strftime("%A %d/%m/%Y %H:%M")
        if key == "why":
            return self.tr("Rules: %1").replace("%1", ", ".join(item.rule_ids))
        if key in ("state", "time_left") and item.state in _STATE_TIPS:
            return self.tr(_STATE_TIPS[item.state])
        if key == "kind":
            if item.to_confirm:
                return self.tr("You gave a verbal sign-off: confirm or dispute it in the app.")
            return self.tr("Open it to approve it, or return it to the worker with comments.")
        return None

    def _overdue_look(self, role: int) -> Any:
        """Overdue is said in the text and by the icon; bold and colour add to that."""
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
