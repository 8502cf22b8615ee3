"""The custody case's timeline as a table: what happened when, oldest first, in London
time (with BST or GMT added in the hour the clocks showed twice), the placement approached
and its answer, who, and the note. The row that adds to it is in ``custody_case_entry``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from duty_desk.domain import custody
from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.custody_choices import ANSWERS, STEP_KINDS
from duty_desk.domain.events import parse_instant
from duty_desk.ui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex


def time_text(at: str) -> str:
    """'26/10/2025 01:30', with BST or GMT added in the hour the clocks showed twice."""
    local = parse_instant(at).astimezone(LONDON)
    text = show_local(local)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        text += f" {local.tzname()}"
    return text


def placement_text(step: dict[str, Any]) -> str:
    """'Oak House — Declined: no vacancy'."""
    parts = [step.get("placement", "")]
    if "answer" in step:
        parts.append(ANSWERS.get(step["answer"], step["answer"]))
    return " — ".join(part for part in parts if part)


class TimelineModel(ListTableModel):
    """The case's steps, oldest first: time, step, placement and answer, who, note."""

    COLUMNS = ("Time", "Step", "Placement and answer", "Who", "Note")
    STEP_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def set_steps(self, steps: Iterable[dict[str, Any]]) -> None:
        self.set_rows(custody.ordered(list(steps)))

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        step = self.rows[index.row()]
        if role == self.STEP_ID_ROLE:
            return step["id"]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(step, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4 and step.get("note"):
            return step["note"]
        return None

    def _text(self, step: dict[str, Any], column: int) -> str:
        if column == 0:
            return time_text(step["at"])
        if column == 1:
            return self.tr(STEP_KINDS.get(step["kind"], step["kind"]))
        if column == 2:
            return placement_text(step)
        if column == 3:
            return str(step.get("by", ""))
        return " ".join(str(step.get("note", "")).split())  # one line in the table

    def step_at(self, row: int) -> dict[str, Any] | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, step_id: str) -> int:
        return next((i for i, step in enumerate(self.rows) if step["id"] == step_id), -1)
