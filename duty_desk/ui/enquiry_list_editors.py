"""The two list fields of an enquiry: a timestamped list (checks made, actions) and the
further children. Each is a table (model/view) with a line below for adding to it.

What is typed in the adding line but not yet added is part of ``value()``, so autosave
keeps it; ``commit_pending`` moves it into the list before a save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.enquiry_fields import LINE_MAX
from duty_desk.domain.events import parse_instant
from duty_desk.ui.enquiry_fields_widgets import (
    AgeField,
    DateField,
    InstantField,
    LineField,
    plain_text,
)
from duty_desk.ui.list_table_model import ListTableModel

Clock = Callable[[], datetime]
_Index = QModelIndex | QPersistentModelIndex
ENTRY_MAX = LINE_MAX * 5  # what the services allow for one entry's text


class RowsModel(ListTableModel):
    """A list of dicts as a table; subclasses say how each column shows."""

    COLUMNS: tuple[str, ...] = ()
    EDITABLE: tuple[str, ...] = ()  # keys whose column text can be edited in place
    KEYS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        super().set_rows(dict(row) for row in rows)  # copies: editing never touches the caller's

    def insert(self, position: int, row: dict[str, Any]) -> None:
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.insert(position, row)
        self.endInsertRows()

    def remove(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        del self.rows[position]
        self.endRemoveRows()

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, key = self.rows[index.row()], self.KEYS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.show(key, row.get(key))
        if role == Qt.ItemDataRole.EditRole:
            return row.get(key) or ""
        return None

    def show(self, key: str, value: Any) -> str:
        return "" if value is None else str(value)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.KEYS[index.column()] in self.EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self.KEYS[index.column()] if index.isValid() else ""
        if role != Qt.ItemDataRole.EditRole or key not in self.EDITABLE:
            return False
        limit = LINE_MAX if key == "name" else ENTRY_MAX  # as the services allow
        text = plain_text(str(value), multiline=False)[:limit]
        if not text and key in ("text", "name"):
            return False  # an entry keeps its words; remove the line instead
        self.rows[index.row()][key] = text or None
        self.dataChanged.emit(index, index)
        return True


class EntriesModel(RowsModel):
    COLUMNS = ("When (UK time)", "What")
    KEYS = ("at", "text")
    EDITABLE = ("text",)

    def show(self, key: str, value: Any) -> str:
        return show_local(parse_instant(value)) if key == "at" else str(value)


class ChildrenModel(RowsModel):
    COLUMNS = ("Name", "Date of birth", "Age", "Notes")
    KEYS = ("name", "dob", "age", "notes")
    EDITABLE = ("name", "notes")

    def show(self, key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "dob":
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        return str(value)


class _ListEditor(QWidget):
    """A table, the line for adding to it, and a Remove button (or the Delete key)."""

    changed = Signal()

    def __init__(self, name: str, model: RowsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setAccessibleName(name)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 28)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add to %1").replace("%1", name))
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setAccessibleName(
            self.tr("Remove the selected line of %1").replace("%1", name)
        )
        self.remove_button.clicked.connect(self.remove_selected)
        remove = QAction(self.tr("Remove"), self.table)
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)
        self.message = QLabel()
        self.message.hide()
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(self.changed)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.model.remove(rows[0].row())

    def pending(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def clear_pending(self) -> None:
        raise NotImplementedError

    def add(self) -> None:
        row = self.pending()
        if row is None:
            self.message.setText(self.hint())
            self.message.show()
            return
        self.message.hide()
        self.place(row)
        self.clear_pending()

    def hint(self) -> str:
        return ""

    def place(self, row: dict[str, Any]) -> None:
        self.model.insert(len(self.model.rows), row)

    def commit_pending(self) -> None:
        """Add what is typed below the table, unless part of it cannot be read yet."""
        if self.pending() is not None and self.problem() is None:
            self.add()

    def problem(self) -> str | None:
        return None

    def value(self) -> list[dict[str, Any]] | None:
        rows = [dict(row) for row in self.model.rows]
        extra = self.pending()
        return [*rows, extra] if extra else (rows or None)

    def set_value(self, value: list[dict[str, Any]] | None) -> None:
        self.clear_pending()
        self.model.set_rows(list(value or []))


class EntriesEditor(_ListEditor):
    """Checks made, actions: lines with a time that starts as now (change it if earlier)."""

    def __init__(self, name: str, clock: Clock, placeholder: str, parent: QWidget | None = None):
        super().__init__(name, EntriesModel(), parent)
        self.model.setParent(self)
        self.when = InstantField(self.tr("Time of the new line in %1").replace("%1", name), clock)
        self.text = LineField(self.tr("New line for %1").replace("%1", name), ENTRY_MAX)
        self.text.setPlaceholderText(placeholder)
        self.text.returnPressed.connect(self.add)
        self.text.installEventFilter(self)
        self.text.changed.connect(self.changed)
        self.when.changed.connect(self._when_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.when)
        row.addWidget(self.text, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def _when_changed(self) -> None:
        if self.text.value():
            self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        starting = watched is self.text and event.type() == QEvent.Type.FocusIn
        if starting and not self.when.touched and not self.text.value():
            self.when.set_now()  # the time shown is when the line is being written
        return False

    def hint(self) -> str:
        return self.tr("Type what was done first, then Add (or press Enter).")

    def pending(self) -> dict[str, Any] | None:
        text = self.text.value()
        return {"at": self.when.value(), "text": text} if text else None

    def clear_pending(self) -> None:
        self.text.clear()
        self.when.set_now()

    def place(self, row: dict[str, Any]) -> None:
        later = [i for i, r in enumerate(self.model.rows) if r["at"] > row["at"]]
        self.model.insert(later[0] if later else len(self.model.rows), row)

    def focus_chain(self) -> list[QWidget]:
        return [
            self.table,
            *self.when.focus_chain(),
            self.text,
            self.add_button,
            self.remove_button,
        ]


class ChildrenEditor(_ListEditor):
    """Further children: name, date of birth or estimated age, a line of notes."""

    def __init__(self, name: str, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(name, ChildrenModel(), parent)
        self.model.setParent(self)
        self.name = LineField(self.tr("Further child's name"))
        self.dob = DateField(self.tr("Further child's date of birth"), clock)
        self.age = AgeField(self.tr("Further child's estimated age"))
        self.notes = LineField(self.tr("Notes about the further child"), ENTRY_MAX)
        for field in (self.name, self.dob, self.age, self.notes):
            field.changed.connect(self.changed)
            field.returnPressed.connect(self.add)  # Enter in any of them adds the child
        self.add_button.setText(self.tr("Add child"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        grid = QGridLayout()
        labels = (self.tr("Name"), self.tr("Date of birth"), self.tr("or age"), self.tr("Notes"))
        editors: tuple[QWidget, ...] = (self.name, self.dob, self.age, self.notes)
        for column, (text, editor) in enumerate(zip(labels, editors, strict=True)):
            label = QLabel(text)
            label.setBuddy(editor)
            grid.addWidget(label, 0, column)
            grid.addWidget(editor, 1, column)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(3, 3)
        grid.addWidget(self.add_button, 1, 4)
        grid.addWidget(self.remove_button, 1, 5)
        layout.addLayout(grid)
        layout.addWidget(self.message)

    def hint(self) -> str:
        return self.tr("Give the child's name first, then Add child.")

    def pending(self) -> dict[str, Any] | None:
        name = self.name.value()
        if not name:
            return None
        return {
            "name": name,
            "dob": self.dob.value(),
            "age": self.age.value(),
            "notes": self.notes.value(),
        }

    def clear_pending(self) -> None:
        for field in (self.name, self.dob, self.age, self.notes):
            field.clear()

    def problem(self) -> str | None:
        return self.dob.problem() or self.age.problem()

    def focus_chain(self) -> list[QWidget]:
        fields = [self.name, self.dob, self.age, self.notes]
        return [self.table, *fields, self.add_button, self.remove_button]
