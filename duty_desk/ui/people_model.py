"""A table model over the people enrolled on the desk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from duty_desk.domain.clock import show_local
from duty_desk.domain.people import Person
from duty_desk.ui.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class PeopleModel(ListTableModel):
    COLUMNS = ("Name", "Username", "Role", "Status", "Added")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Person] = []

    def set_people(self, people: list[Person]) -> None:
        self.set_rows(people)

    def person(self, row: int) -> Person:
        return self.rows[row]

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        person = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(person, column)
        if role == SORT_ROLE:
            return person.created_at.isoformat() if column == 4 else self._text(person, column)
        if role == Qt.ItemDataRole.ToolTipRole and not person.active:
            return self.tr("Disabled: cannot sign in")
        return None

    def _text(self, person: Person, column: int) -> str:
        if column == 0:
            return person.display_name
        if column == 1:
            return person.username
        if column == 2:
            return person.role.label
        if column == 3:
            if not person.active:
                return self.tr("Disabled")
            return (
                self.tr("Must change password")
                if person.must_change_password
                else self.tr("Active")
            )
        return show_local(person.created_at)
