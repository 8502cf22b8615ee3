"""A table model over the placements directory (retired placements included, marked so)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from duty_desk.domain.custody_choices import PROVIDER_TYPES
from duty_desk.domain.custody_records import Provider
from duty_desk.ui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, TYPE, SECURE, PACE, PHONE, STATUS, NOTES = range(7)


class ProviderModel(ListTableModel):
    COLUMNS = ("Name", "Type", "Secure", "Accepts PACE", "Phone", "Status", "Notes")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Provider] = []

    def set_providers(self, providers: list[Provider]) -> None:
        self.set_rows(providers)

    def provider(self, row: int) -> Provider:
        return self.rows[row]

    def row_of(self, provider_id: str) -> int | None:
        for row, provider in enumerate(self.rows):
            if provider.id == provider_id:
                return row
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        provider = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(provider, column)
        if role == SORT_ROLE:
            return self._text(provider, column).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NOTES and provider.notes:
                return provider.notes
            if not provider.active:
                return self.tr("Retired: not offered when recording a custody case")
        return None

    def _text(self, provider: Provider, column: int) -> str:
        if column == NAME:
            return provider.name
        if column == TYPE:
            return PROVIDER_TYPES.get(provider.type, provider.type)
        if column == SECURE:
            return self.tr("Yes") if provider.secure else self.tr("No")
        if column == PACE:
            return self.tr("Yes") if provider.accepts_pace else self.tr("No")
        if column == PHONE:
            return provider.phone
        if column == STATUS:
            return self.tr("Active") if provider.active else self.tr("Retired")
        return " ".join(provider.notes.split())  # one line in the table
