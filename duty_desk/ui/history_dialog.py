"""An enquiry's history: every change to every field, and every opening, oldest first.

One line per field changed per event: when (UK time), who, version, what happened, the
field's label and "before → after" in words (long text cut short; the full text is in the
tooltip). From ``services.enquiries.history``, which reads the event log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.enquiry_fields import FIELDS, Kind
from duty_desk.domain.events import parse_instant
from duty_desk.domain.records import Change
from duty_desk.ui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
SHORT = 80
TOOLTIP_MAX = 2000
EMPTY = "(empty)"


def describe(name: str, value: Any, decision_labels: Mapping[str, str]) -> str:
    """A stored value in words: labels for ids, UK times, dd/mm/yyyy dates, Yes/No."""
    field = FIELDS.get(name)
    if value is None or field is None:
        return EMPTY if value is None else str(value)
    kind = field.kind
    options = decision_labels if name == "decision_type" else field.options or {}
    if kind is Kind.INSTANT:
        return show_local(parse_instant(value))
    if kind is Kind.DATE:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if kind is Kind.CHOICE:
        return options.get(value, value)
    if kind is Kind.CHOICES:
        return ", ".join(options.get(v, v) for v in value)
    if kind is Kind.ENTRIES:
        return "; ".join(f"{show_local(parse_instant(e['at']))} {e['text']}" for e in value)
    if kind is Kind.CHILDREN:
        return "; ".join(_child(child) for child in value)
    return str(value)


def _child(child: Mapping[str, Any]) -> str:
    born = child.get("dob")
    if born:
        return f"{child['name']} (born {date.fromisoformat(born):%d/%m/%Y})"
    if child.get("age") is not None:
        return f"{child['name']} (about {child['age']})"
    return str(child["name"])


def shorten(text: str, limit: int = SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class HistoryModel(ListTableModel):
    COLUMNS = ("When", "Who", "Version", "What", "Field", "Change")
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, decision_labels: Mapping[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels = decision_labels
        self.rows: list[Change] = []

    def set_lines(self, lines: list[Change]) -> None:
        self.set_rows(lines)

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        line, column = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(line, column, SHORT)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return self._text(line, column, TOOLTIP_MAX)
        if role == self.SORT_ROLE:
            return index.row() if column == 0 else self._text(line, column, SHORT)
        return None

    def _text(self, line: Change, column: int, limit: int) -> str:
        if column == 0:
            return show_local(line.at)
        if column == 1:
            return line.who
        if column == 2:
            return str(line.version)
        if column == 3:
            return self.tr(line.what)
        field = FIELDS.get(line.field)
        if column == 4:
            return self.tr(field.label) if field else line.field or "—"
        if not line.field:
            return ""
        before = shorten(describe(line.field, line.before, self._labels), limit)
        after = shorten(describe(line.field, line.after, self._labels), limit)
        return f"{before} → {after}"


class HistoryDialog(QDialog):
    """Opened with ``open()``; the lines are given (the caller fetched them)."""

    def __init__(
        self,
        reference: str,
        lines: list[Change],
        decision_labels: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of %1 — Duty Desk").replace("%1", reference))
        self.model = HistoryModel(decision_labels, self)
        self.model.set_lines(lines)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(HistoryModel.SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit()
        self.filter.setAccessibleName(self.tr("Filter the history"))
        self.filter.setPlaceholderText(self.tr("Filter by field, person or words"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = self._table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Every change to %1, oldest first, and everyone who opened it.").replace(
                "%1", reference
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("History lines"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def row_texts(self) -> list[list[str]]:
        """What the table shows, row by row, in the order shown."""
        return [
            [self.proxy.index(r, c).data() or "" for c in range(self.proxy.columnCount())]
            for r in range(self.proxy.rowCount())
        ]
